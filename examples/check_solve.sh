#!/bin/sh
# check_solve.sh PLNET EXAMPLE_DIR OUT_DIR — run `plnet solve` on an example and compare the
# node potentials with the example's expected.txt ("node potential" lines, '#' comments).
set -eu
plnet=$1
example=$2
out=$3
rm -rf "$out"
"$plnet" solve "$example/experiment.yaml" -o "$out"
awk -F, -v exp_file="$example/expected.txt" '
    BEGIN {
        while ((getline line < exp_file) > 0) {
            if (line ~ /^#/ || line ~ /^[ \t]*$/) continue
            split(line, f, " ")
            want[f[1]] = f[2]
            n++
        }
    }
    NR > 1 && ($1 in want) {
        d = $3 - want[$1]; if (d < 0) d = -d
        if (d > 1e-12 * (1 + (want[$1] < 0 ? -want[$1] : want[$1]))) {
            printf "node %s: potential %s, expected %s\n", $1, $3, want[$1]; bad = 1
        }
        seen++
    }
    END {
        if (seen != n) { printf "compared %d of %d expected nodes\n", seen, n; bad = 1 }
        exit bad
    }' "$out/potentials.csv"
echo "ok: $example"
