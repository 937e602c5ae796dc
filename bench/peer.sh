#!/bin/sh
# peer.sh PEER_DIR [N ...] — per-step time of plnet against the Python peer
# tehruhn/sparse_coupled_learning (a checkout at PEER_DIR; skipped when absent) on the N x N
# lattice flow allostery task of bench/peer_step.py: ground at node 0, two sources, two
# targets, coupled learning, rate 0.025, nudge 1e-3. plnet: `plnet train` of STEPS0 and
# STEPS0 + K steps, the difference over K (setup, analysis and file writing cancel), under
# solver.refactor: always and auto. All numbers of one size come from one run, one after the
# other; the load average is printed beside them (the machine is shared).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
peer=${1:-}
[ $# -gt 0 ] && shift
sizes=${*:-64 128 256}
if [ -z "$peer" ] || [ ! -f "$peer/CLSolver/LinearNetworkSolver.py" ]; then
    echo "peer.sh: no peer checkout at '${peer}': skipped" >&2
    exit 77
fi
build="${PLNET_BENCH_BUILD:-$root/build-bench}"
[ -d "$build" ] || meson setup "$build" "$root" --buildtype=release >/dev/null
ninja -C "$build" cli/plnet >/dev/null
plnet="$build/cli/plnet"
export OPENBLAS_NUM_THREADS=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# seconds (wall, CPU) of one plnet train run
run() { # N STEPS MODE
    n=$1
    t1=$(( (n / 3) * n + n / 2 )); t2=$(( (2 * n / 3) * n + n / 3 ))
    cat > "$tmp/e.yaml" <<YAML
name: peer
seed: 1
network:
  kind: flow
  graph: {generator: square_lattice, size: [$n, $n]}
  edges: {conductance: {init: uniform, low: 0.5, high: 1.5}}
boundary: {ground: [0]}
task:
  kind: allostery
  inputs: {nodes: [$(( n * n - 1 )), $(( n - 1 ))], values: [1.0, 0.5]}
  outputs: {nodes: [$t1, $t2]}
  targets: [0.3, 0.6]
learning: {rule: coupled, rate: 0.025, nudge: 1.0e-3}
train: {steps: $2, log_every: $2, checkpoint_every: 0}
solver: {refactor: $3}
YAML
    rm -rf "$tmp/o"
    /usr/bin/time -f "%e %U %S" -o "$tmp/t" "$plnet" train "$tmp/e.yaml" -o "$tmp/o" --quiet
    awk '{print $1, $2 + $3}' "$tmp/t"
}
echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), plnet $(git -C "$root" rev-parse --short HEAD), peer $(git -C "$peer" rev-parse --short HEAD 2>/dev/null || echo '?')"
echo "| N | load avg | peer ms (wall / CPU) | always ms (wall / CPU) | auto ms (wall / CPU) | peer / auto (CPU) | always / auto (CPU) |"
echo "|---|---|---|---|---|---|---|"
for n in $sizes; do
    k=$(( n <= 64 ? 200 : (n <= 128 ? 60 : 20) ))
    kp=$(( n <= 64 ? 20 : (n <= 128 ? 6 : 3) ))
    load=$(cut -d' ' -f1-3 /proc/loadavg)
    p=$(/usr/bin/python3 "$here/peer_step.py" "$peer" "$n" "$kp")
    pw=$(echo "$p" | awk '{print 1e3 * $3}'); pc=$(echo "$p" | awk '{print 1e3 * $4}')
    for mode in always auto; do
        a=$(run "$n" 5 "$mode"); b=$(run "$n" $(( 5 + k )) "$mode")
        w=$(echo "$a $b" | awk -v k="$k" '{printf "%.2f", 1e3 * ($3 - $1) / k}')
        c=$(echo "$a $b" | awk -v k="$k" '{printf "%.2f", 1e3 * ($4 - $2) / k}')
        eval "w_$mode=$w; c_$mode=$c"
    done
    echo "| $n | $load | $(printf '%.1f / %.1f' "$pw" "$pc") | $w_always / $c_always | $w_auto / $c_auto | $(echo "$pc $c_auto" | awk '{printf "%.1fx", $1 / $2}') | $(echo "$c_always $c_auto" | awk '{printf "%.2fx", $1 / $2}') |"
done
