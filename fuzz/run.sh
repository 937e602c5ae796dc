#!/usr/bin/env bash
# Build plnet's libFuzzer harnesses with clang in build-fuzz and run each for a bounded time.
# usage: fuzz/run.sh [SECONDS_EACH] [HARNESS...]   (default 20 s each, every harness)
# Crashers are written to fuzz/artifacts/<harness>/; new inputs grow a scratch corpus under
# build-fuzz/corpus/<harness> (the checked-in seeds in fuzz/corpus/ stay as they are).
# Prints one "fuzz <harness>: ok|FAILED ..." line per harness; exits 1 if any failed.
set -uo pipefail
cd "$(dirname "$0")/.."
secs=${1:-20}
shift || true
harnesses=("$@")
[ ${#harnesses[@]} -gt 0 ] || harnesses=(edgelist graphml spice spice_solve config)
build=${PLNET_FUZZ_BUILD:-build-fuzz}

if [ ! -f "$build/build.ninja" ]; then
    CC=clang meson setup "$build" -Dfuzz=true -Dtests=disabled -Db_lundef=false \
        -Db_sanitize=address,undefined -Dbuildtype=debugoptimized >"${TMPDIR:-/tmp}/plnet-fuzz-setup.log" 2>&1 || {
        echo "fuzz: meson setup failed (see ${TMPDIR:-/tmp}/plnet-fuzz-setup.log)"; exit 1; }
fi
targets=()
for h in "${harnesses[@]}"; do targets+=("fuzz/fuzz_$h"); done
ninja -C "$build" "${targets[@]}" >"$build/fuzz-build.log" 2>&1 || {
    echo "fuzz: build failed (see $build/fuzz-build.log)"; exit 1; }

failed=0
for h in "${harnesses[@]}"; do
    corpus="$build/corpus/$h"
    art="fuzz/artifacts/$h/"
    mkdir -p "$corpus" "$art"
    log="$build/fuzz-$h.log"
    # UBSan findings abort (they are bugs too); leaks are checked after every input.
    UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 ASAN_OPTIONS=detect_leaks=1 \
        "$build/fuzz/fuzz_$h" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
        -max_len=8192 -print_final_stats=1 -artifact_prefix="$art" \
        "$corpus" "fuzz/corpus/$h" >"$log" 2>&1
    rc=$?
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
    rate=$(grep -o 'exec/s: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*$')
    if [ $rc -eq 0 ]; then
        echo "fuzz $h: ok, ${runs:-?} runs in ${secs} s (${rate:-?} exec/s)"
    else
        echo "fuzz $h: FAILED (exit $rc), see $log and $art"
        grep -m3 -E 'ERROR|runtime error|SUMMARY' "$log" | sed 's/^/    /'
        failed=1
    fi
done
exit $failed
