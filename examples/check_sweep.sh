#!/bin/sh
# check_sweep.sh PLNET EXAMPLE_DIR OUT_DIR — run example 12's sweep, check its README's claims
# on summary.csv (the error falls with the learning rate at every nudge, the nudge matters
# less than a factor 2 up to 0.1), then draw it and check the picture against the table.
set -eu
plnet=$1
example=$2
out=$3
here=$(dirname "$0")
rm -rf "$out"
"$plnet" sweep "$example/sweep.yaml" -o "$out" --quiet
/usr/bin/python3 - "$out/summary.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
med = {(r["learning.rate"], r["learning.nudge"]): float(r["train_error_median"]) for r in rows}
assert all(r["done"] == "3" for r in rows), "a point did not finish"
rates, nudges = ["0.01", "0.1", "1"], ["0.001", "0.01", "0.1", "1"]
for n in nudges:
    e = [med[(a, n)] for a in rates]
    assert e[0] > e[1] > e[2], f"nudge {n}: the error does not fall with the rate: {e}"
    assert e[0] > 1e-2 and e[2] < 1e-5, f"nudge {n}: {e}"
for a in rates:
    e = [med[(a, n)] for n in nudges[:3]]
    assert max(e) < 2 * min(e), f"rate {a}: the nudge matters more than 2x: {e}"
print("ok: the error falls with the rate at every nudge; the nudge (<= 0.1) within 2x")
PY
"$plnet" draw "$out" --y train_error
/usr/bin/python3 "$here/../tests/cli/check_sweep_svg.py" "$out/sweep-train_error.svg" \
    "$out/summary.csv" learning.rate learning.nudge train_error
