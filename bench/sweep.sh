#!/bin/sh
# sweep.sh — plnet sweep's throughput and overhead: 64 short points (example 02, 4 rates x 4 nudges x 4 seeds) run one by one as a driver script would (plnet train per point), then by plnet sweep with 1 and 2 jobs, then under mpirun -n 1..4; and the scheduling overhead per point. Usage: bench/sweep.sh [STEPS] > bench/SWEEP.md (run it when the machine is quiet: the uptime lines say how quiet it was)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
build="${PLNET_BENCH_BUILD:-$root/build-bench}"
steps="${1:-300}"
if [ ! -d "$build" ]; then
    meson setup "$build" "$root" --buildtype=release >&2
fi
ninja -C "$build" cli/plnet >&2
plnet="$build/cli/plnet"
export OPENBLAS_NUM_THREADS=1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$root/examples/02-flow-allostery-coupled/experiment.yaml" "$work/base.yaml"
cat >"$work/sweep.yaml" <<EOF
base: base.yaml
set: {train.steps: $steps, train.checkpoint_every: 0}
grid:
  learning.rate: [0.1, 0.2, 0.4, 0.8]
  learning.nudge: [0.01, 0.03, 0.1, 0.3]
seeds: [1, 2, 3, 4]
EOF
sed "s/steps: $steps/steps: 1/" "$work/sweep.yaml" >"$work/tiny.yaml"
cd "$work"

now() { date +%s.%N; }
elapsed() { echo "$2 - $1" | bc -l; }
# Sum of the points' own wall times (sweep.csv's wall_time_s).
point_time() { awk -F, 'NR == 1 { for (k = 1; k <= NF; k++) if ($k == "wall_time_s") c = k }
                        NR > 1 { s += $c } END { printf "%.3f", s }' "$1/sweep.csv"; }

echo "# plnet sweep: throughput and overhead"
echo
echo "Produced by \`bench/sweep.sh $steps\` on $(date -u '+%Y-%m-%d %H:%M UTC'), plnet $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?'), $(getconf _NPROCESSORS_ONLN) cores ($(lscpu | sed -n 's/^Model name: *//p'))."
echo
echo "- uptime before: $(uptime)"
echo
echo "64 points: example 02 (8 x 8 flow lattice, coupled learning) for $steps steps, 4 learning"
echo "rates x 4 nudges x 4 seeds, no checkpoints. Wall times in seconds."
echo

# One by one, as a driver script does it: a plnet train process per point.
t0=$(now)
for rate in 0.1 0.2 0.4 0.8; do
    for nudge in 0.01 0.03 0.1 0.3; do
        for seed in 1 2 3 4; do
            "$plnet" train base.yaml -o "loop/$rate-$nudge-$seed" --quiet --set train.steps="$steps" \
                --set train.checkpoint_every=0 --set learning.rate="$rate" \
                --set learning.nudge="$nudge" --set seed="$seed"
        done
    done
done
t1=$(now)
loop=$(elapsed "$t0" "$t1")

t0=$(now); "$plnet" sweep sweep.yaml -o j1 --jobs 1 -q; t1=$(now); j1=$(elapsed "$t0" "$t1")
t0=$(now); "$plnet" sweep sweep.yaml -o j2 --jobs 2 -q; t1=$(now); j2=$(elapsed "$t0" "$t1")
t0=$(now); "$plnet" sweep tiny.yaml -o t1 --jobs 1 -q; t1=$(now); tiny=$(elapsed "$t0" "$t1")
p1=$(point_time j1)
pt=$(point_time t1)

echo "| run | wall s | points/s | vs one by one |"
echo "|---|---|---|---|"
printf "| one by one (64 x plnet train) | %.2f | %.1f | 1.00 |\n" "$loop" "$(echo "64 / $loop" | bc -l)"
printf "| plnet sweep --jobs 1 | %.2f | %.1f | %.2fx |\n" "$j1" "$(echo "64 / $j1" | bc -l)" "$(echo "$loop / $j1" | bc -l)"
printf "| plnet sweep --jobs 2 | %.2f | %.1f | **%.2fx** |\n" "$j2" "$(echo "64 / $j2" | bc -l)" "$(echo "$loop / $j2" | bc -l)"
echo
if command -v perf >/dev/null 2>&1; then
    # CPU time (perf task-clock, ms), which other jobs on the machine disturb much less than
    # wall time: of everything (the sweep and its workers, or the 64 plnet processes), and
    # of the sweep process alone (--no-inherit), less one plnet start-up.
    cpu() { perf stat -x, -e task-clock "$@" 2>&1 >/dev/null | awk -F, '/task-clock/ { print $1 }'; }
    # Small quantities: the mean of 5 runs (a --resume with nothing left leaves the folder as
    # it was, so each repetition does the same work).
    cpu1() { perf stat -r 5 --no-inherit -x, -e task-clock "$@" 2>&1 >/dev/null | awk -F, '/task-clock/ { print $1 }'; }
    rm -rf loop j1c t1c t1d
    loopcpu=$(cpu sh -c 'for r in 0.1 0.2 0.4 0.8; do for n in 0.01 0.03 0.1 0.3; do for s in 1 2 3 4; do
        "$0" train base.yaml -o "loop/$r-$n-$s" --quiet --set train.steps="$1" \
            --set train.checkpoint_every=0 --set learning.rate=$r --set learning.nudge=$n \
            --set seed=$s; done; done; done' "$plnet" "$steps")
    sweepcpu=$(cpu "$plnet" sweep sweep.yaml -o j1c --jobs 1 -q)
    startup=$(cpu1 "$plnet" --version)
    sched=0
    for k in 1 2 3 4 5; do
        rm -rf t1c
        sched=$(echo "$sched + $(perf stat --no-inherit -x, -e task-clock "$plnet" sweep tiny.yaml -o t1c --jobs 1 -q 2>&1 >/dev/null | awk -F, '/task-clock/ { print $1 }') / 5" | bc -l)
    done
    check=$(cpu1 "$plnet" sweep tiny.yaml -o t1c --jobs 1 -q --resume)
    echo "CPU time (perf task-clock):"
    echo
    printf -- "- 64 points one by one: %.0f ms; plnet sweep --jobs 1: %.0f ms (%.2fx less)\n" \
        "$loopcpu" "$sweepcpu" "$(echo "$loopcpu / $sweepcpu" | bc -l)"
    printf -- "- the sweep process itself, 1-step points (check, fork, status files, tables): (%.1f - %.1f start-up) / 64 = **%.2f ms CPU per point**, of which the check of every point and the tables (a --resume with nothing left to run): %.2f ms\n" \
        "$sched" "$startup" "$(echo "($sched - $startup) / 64" | bc -l)" "$(echo "($check - $startup) / 64" | bc -l)"
    echo
fi
echo "Scheduling overhead per point (--jobs 1: the sweep's wall time less the points' own run"
echo "times, over 64; it holds checking every point's configuration, the fork, the status"
echo "files and the tables):"
echo
printf -- "- %s-step points: (%.3f - %.3f) / 64 = **%.2f ms** per point\n" "$steps" "$j1" "$p1" "$(echo "($j1 - $p1) / 64 * 1000" | bc -l)"
printf -- "- 1-step points: (%.3f - %.3f) / 64 = **%.2f ms** per point\n" "$tiny" "$pt" "$(echo "($tiny - $pt) / 64 * 1000" | bc -l)"
echo

if command -v mpirun >/dev/null 2>&1 && ldd "$plnet" | grep -q libmpi; then
    root_arg=""
    [ "$(id -u)" = 0 ] && root_arg="--allow-run-as-root"
    echo "Under mpirun (\`mpirun -n P --oversubscribe plnet sweep ... --jobs 1\`: P ranks, rank 0"
    echo "included, one point at a time each; on this machine P > $(getconf _NPROCESSORS_ONLN) oversubscribes the cores):"
    echo
    echo "| P | wall s | speed-up vs P = 1 | efficiency |"
    echo "|---|---|---|---|"
    base=""
    for p in 1 2 3 4; do
        t0=$(now)
        mpirun -n "$p" --oversubscribe $root_arg "$plnet" sweep sweep.yaml -o "mpi$p" --jobs 1 -q
        t1=$(now)
        w=$(elapsed "$t0" "$t1")
        [ -z "$base" ] && base=$w
        printf "| %d | %.2f | %.2f | %.0f%% |\n" "$p" "$w" "$(echo "$base / $w" | bc -l)" "$(echo "100 * $base / $w / $p" | bc -l)"
    done
    echo
fi
echo "- uptime after: $(uptime)"
