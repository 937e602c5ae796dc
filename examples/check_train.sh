#!/bin/sh
# check_train.sh PLNET EXAMPLE_DIR OUT_DIR CHECK COLUMN BOUND — run `plnet train` on an example
# and check its key claim on the produced metrics.csv:
#   ratio COLUMN BOUND   last row's COLUMN / first row's COLUMN <= BOUND (an error reduced)
#   final COLUMN BOUND   last row's COLUMN >= BOUND (an accuracy reached)
#   kept COLUMN BOUND    last row's COLUMN / first row's COLUMN >= BOUND (a control that must
#                        not learn)
set -eu
plnet=$1
example=$2
out=$3
check=$4
column=$5
bound=$6
rm -rf "$out"
"$plnet" train "$example/experiment.yaml" -o "$out" --quiet
awk -F, -v check="$check" -v column="$column" -v bound="$bound" '
    NR == 1 {
        for (i = 1; i <= NF; i++) if ($i == column) c = i
        if (!c) { printf "metrics.csv has no column %s\n", column; bad = 1; exit 1 }
        next
    }
    NR == 2 { first = $c }
    { last = $c; step = $1 }
    END {
        if (bad) exit 1
        if (NR < 3) { print "metrics.csv has fewer than two rows"; exit 1 }
        if (check == "ratio") {
            r = last / first
            printf "%s: %s %.6g -> %.6g at step %s (ratio %.3g, need <= %s)\n", FILENAME, column, first, last, step, r, bound
            exit !(first > 0 && r <= bound + 0)
        }
        if (check == "kept") {
            r = last / first
            printf "%s: %s %.6g -> %.6g at step %s (ratio %.3g, need >= %s)\n", FILENAME, column, first, last, step, r, bound
            exit !(first > 0 && r >= bound + 0)
        }
        printf "%s: %s %.6g -> %.6g at step %s (need >= %s)\n", FILENAME, column, first, last, step, bound
        exit !(last >= bound + 0)
    }' "$out/metrics.csv"
echo "ok: $example"
