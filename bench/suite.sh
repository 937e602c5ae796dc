#!/bin/sh
# suite.sh — the benchmark suite: build in release mode, describe the machine, run every configuration of bench_suite in its own process (so peak memory does not accumulate), print markdown tables and the targets. Usage: bench/suite.sh [quick|full] > bench/RESULTS.md
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
build="${PLNET_BENCH_BUILD:-$root/build-bench}"
mode="${1:-full}"
budget="${BENCH_SECONDS:-4}"
if [ ! -d "$build" ]; then
    meson setup "$build" "$root" --buildtype=release >&2
fi
ninja -C "$build" bench/bench_suite >&2
bin="$build/bench/bench_suite"
# One OpenBLAS thread unless the caller says otherwise: on 2 cores a second one gains
# nothing for these supernode sizes (RESULTS.md). CHOLMOD's own OpenMP loops run serial in
# plnet and in the floor alike.
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}"

rows=$(mktemp)
trap 'rm -f "$rows"' EXIT

run() { # graph size what batch refactor seconds rate max_steps; $label is added to the kind
    "$bin" "$@" 2>/dev/null | sed "s/| $3 |/| $3${label:-} |/" | tee -a "$rows" ||
        echo "| $1 $2^2 | (failed: $*) |"
}

cholmod_so=$(ldd "$bin" | awk '/libcholmod/ {print $3}')
blas=$(ldd "$cholmod_so" | awk '/libblas|libopenblas/ {print $3}' | head -1)
blas_real=$(readlink -f "$blas" 2>/dev/null || echo "$blas")
openblas=$(ldd "$bin" | awk '/libopenblas/ {print $3}' | head -1)
[ -n "$openblas" ] && blas_real="$blas_real (OpenBLAS: $(readlink -f "$openblas"))"
echo "# plnet benchmark suite"
echo
echo "Produced by \`bench/suite.sh $mode\` on $(date -u '+%Y-%m-%d %H:%M UTC'), plnet $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')."
echo
echo "## Machine"
echo
echo "- CPU: $(lscpu | sed -n 's/^Model name: *//p') ($(getconf _NPROCESSORS_ONLN) cores, $(lscpu | sed -n 's/^Hypervisor vendor: *//p' | sed 's/^\(.\)/virtual machine, &/;s/$//'))"
echo "- Memory: $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
echo "- CHOLMOD: $(basename "$cholmod_so"); BLAS: $blas_real; OPENBLAS_NUM_THREADS=$OPENBLAS_NUM_THREADS"
echo "- Compiler: $(cc --version | head -1); build: meson release (-O3)"
echo "- Load average at start: $(cut -d' ' -f1-3 /proc/loadavg) (other jobs share the machine)"
echo
cat <<'EOF'
## Columns

- step: median wall time of one learning step (`pln_trainer_step`: free states, the rule's two
  states, the update, the refactorization) or of one TCL time step (`pln_tcl_period` / steps per
  period; 10 steps per sawtooth period); cpu: the same in process CPU time, which other jobs on
  the machine disturb much less (every run here is single-threaded).
- floor: median of one bare `cholmod_l_factorize` + `cholmod_l_solve` (one right-hand side) of
  the same matrix, the least a step that refactorizes can cost. /floor: step / floor.
- textbook: speed-up over the textbook loop that factorizes separately per state and example,
  2 x batch x floor (bench_train measures that loop directly; it agrees within noise).
- peak: peak resident memory of the process (ru_maxrss; one process per row, the floor measured
  after it); factor: bytes of the Cholesky factor and its solve workspaces; peak/factor.
- num/step: numeric factorizations per step (1 for `always`); it/col: PCG iterations per
  solved column (right-hand side); loss0, loss: training loss before and after the timed steps.
- refactor: `always` refactorizes every step; `auto` (the default) and `pcg` use the PCG route
  (conjugate gradients preconditioned by the kept factor, see docs/config.md `solver`).

EOF
hdr="| graph | n | m | nnz(L) | step kind | batch | refactor | step ms | floor ms | /floor | cpu ms | floor cpu ms | cpu /floor | textbook x | peak MiB | factor MiB | peak/factor | num/step | it/col | steps | loss0 | loss |"
sep="|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"

if [ "$mode" = quick ]; then
    lat_sizes="64 128 256"
    rgg_sizes="64 128"
else
    lat_sizes="64 128 256 512 1024"
    rgg_sizes="64 128 256 512"
fi

echo "## Learning and TCL steps (refactor: always)"
echo
echo "Lattices: L x L nodes, ground at a corner, two inputs at the other corners, two outputs"
echo "inside; random geometric graphs: L^2 nodes in the unit square, mean degree 12, same roles."
echo "Regression task (16 examples), learning rate 0.01, eta 0.1 (coupled) or beta 0.01."
echo
echo "$hdr"
echo "$sep"
for graph in lattice rgg; do
    sizes=$lat_sizes
    [ "$graph" = rgg ] && sizes=$rgg_sizes
    for L in $sizes; do
        for rule in coupled equilibrium_centered dyadic; do
            run "$graph" "$L" "$rule" 1 always "$budget" 0.01 50
        done
        # TCL: one period (10 time steps, one refactorization each with apply: step) per call.
        tcl_calls=5
        [ "$L" -ge 512 ] && tcl_calls=1
        run "$graph" "$L" tcl_step 1 always "$budget" 0.01 "$tcl_calls"
        run "$graph" "$L" tcl_period 1 always "$budget" 0.01 20
    done
done
echo
echo "## Batches (coupled, refactor: always)"
echo
echo "$hdr"
echo "$sep"
for L in 128 256 512; do
    [ "$mode" = quick ] && [ "$L" -gt 256 ] && continue
    run lattice "$L" coupled 1 always "$budget" 0.01 50
    run lattice "$L" coupled 16 always "$budget" 0.01 50
done
echo
echo "## PCG route against refactorizing every step (coupled, equal numbers of steps)"
echo
echo "$hdr"
echo "$sep"
pcg_sizes="256 512 1024"
[ "$mode" = quick ] && pcg_sizes=256
for L in $pcg_sizes; do
    steps=30
    [ "$L" -ge 1024 ] && steps=10
    for rate in 0.001 0.01 0.1; do
        for r in always auto pcg; do
            label=" (rate $rate)" run lattice "$L" coupled 1 "$r" 0 "$rate" "$steps"
        done
    done
done
echo
echo "## Targets"
echo
awk -F'|' '
function t(s) { gsub(/^ +| +$/, "", s); return s }
{ g = t($2); k = t($6); b = t($7); r = t($8); key = g "/" k "/" b "/" r
  step[key] = t($9); fl[key] = t($11); cpu[key] = t($14); cpus[key] = t($12); peak[key] = t($16); fac[key] = t($17);
  ratio[key] = t($18); loss[key] = t($23) }
END {
  k1 = "lattice 256^2/coupled/1/always"; k16 = "lattice 256^2/coupled/16/always"
  if (k1 in step) printf "- Learning step / floor, 256^2 lattice, one example: %s (wall), %s (CPU); target <= 1.3\n", fl[k1], cpu[k1]
  if (k1 in step && k16 in step) printf "- Batch of 16 / one example, 256^2 lattice: %.2f (wall), %.2f (CPU); target <= 4\n", step[k16] / step[k1], cpus[k16] / cpus[k1]
  for (L = 256; L <= 1024; L *= 2) for (q = 1; q <= 3; q++) {
    rate = q == 1 ? "0.001" : q == 2 ? "0.01" : "0.1"
    a = "lattice " L "^2/coupled (rate " rate ")/1/always"; p = "lattice " L "^2/coupled (rate " rate ")/1/pcg"; u = "lattice " L "^2/coupled (rate " rate ")/1/auto"
    if (a in step && p in step && u in step)
      printf "- PCG vs always, %d^2 lattice, rate %s: auto %.2fx (CPU %.2fx), pcg %.2fx (CPU %.2fx) faster; final loss differs by %.2g%% (auto), %.2g%% (pcg); target >= 1.5x at 512^2 within 1%%\n", L, rate, step[a] / step[u], cpus[a] / cpus[u], step[a] / step[p], cpus[a] / cpus[p], 100 * (loss[u] - loss[a]) / loss[a], 100 * (loss[p] - loss[a]) / loss[a]
  }
  m = "lattice 1024^2/coupled/1/always"
  if (m in step) printf "- Peak memory of a 1024^2 lattice training run: %s MiB, factor %s MiB, ratio %s; target <= 3\n", peak[m], fac[m], ratio[m]
}' "$rows"
