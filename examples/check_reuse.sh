#!/bin/sh
# check_reuse.sh PLNET EXAMPLE_DIR OUT_DIR MODE TOL — run `plnet train` on an example with
# solver.refactor: always (the exact route) and with MODE (pcg or auto: a kept factor, PCG
# on it), and check every number of the two metrics.csv files agrees to a relative TOL:
# |a - b| <= TOL max(|a|, |b|, 1e-9 max|column|). docs/config.md states the tolerance.
set -eu
plnet=$1
example=$2
out=$3
mode=$4
tol=$5
rm -rf "$out"
mkdir -p "$out"
"$plnet" train "$example/experiment.yaml" -o "$out/always" --quiet --set solver.refactor=always
"$plnet" train "$example/experiment.yaml" -o "$out/$mode" --quiet --set solver.refactor="$mode"
awk -F, -v tol="$tol" -v mode="$mode" '
    function abs(x) { return x < 0 ? -x : x }
    FNR == 1 { if (NR == 1) { nf = NF; for (i = 1; i <= NF; i++) name[i] = $i } ; file++; next }
    file == 1 { rows++; for (i = 1; i <= NF; i++) { a[rows, i] = $i; if (abs($i) > big[i]) big[i] = abs($i) }; next }
    file == 2 { r++; for (i = 1; i <= NF; i++) b[r, i] = $i; next }
    END {
        if (r != rows || rows == 0) { printf "%d rows under always, %d under %s\n", rows, r, mode; exit 1 }
        worst = 0; wc = "none"; wr = 0
        for (k = 1; k <= rows; k++) for (i = 1; i <= nf; i++) {
            x = a[k, i]; y = b[k, i]
            if (x !~ /^-?[0-9.]/ && x !~ /^[-+]?(inf|nan)/) { if (x != y) { printf "row %d %s: %s vs %s\n", k, name[i], x, y; exit 1 } ; continue }
            m = abs(x) > abs(y) ? abs(x) : abs(y)
            if (m < 1e-9 * big[i]) m = 1e-9 * big[i]
            d = m > 0 ? abs(x - y) / m : 0
            if (d > worst) { worst = d; wc = name[i]; wr = k }
        }
        printf "%s vs always: largest relative difference %.3g (%s, row %d), need <= %s\n", mode, worst, wc, wr, tol
        exit !(worst <= tol + 0)
    }' "$out/always/metrics.csv" "$out/$mode/metrics.csv"
