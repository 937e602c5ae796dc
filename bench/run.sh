#!/bin/sh
# run.sh — build the benchmarks in release mode and run them: bench/run.sh [number of sizes 1..5]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
build="${PLNET_BENCH_BUILD:-$root/build-bench}"
if [ ! -d "$build" ]; then
    meson setup "$build" "$root" --buildtype=release
fi
ninja -C "$build" bench/bench_solve
# Report which BLAS CHOLMOD resolves to: supernodal factor times depend on it.
cholmod_so=$(ldd "$build/bench/bench_solve" | awk '/libcholmod/ {print $3}')
echo "# CHOLMOD: $cholmod_so"
ldd "$cholmod_so" | awk '/blas|lapack/ {print "#   " $1 " -> " $3}' | while read -r line; do
    echo "$line"
done
for lib in libblas.so.3 liblapack.so.3; do
    target=$(readlink -f "/usr/lib/$(gcc -print-multiarch 2>/dev/null)/$lib" 2>/dev/null || true)
    [ -n "$target" ] && echo "#   $lib resolves to $target"
done
"$build/bench/bench_solve" "$@"
