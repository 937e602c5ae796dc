#!/bin/sh
# check_same_run.sh TRAIN_ALLOSTERY PLNET EXAMPLE_DIR OUT — the C program's run files equal
# `plnet train` on example 02's YAML bit for bit (metrics, predictions, trained network): the
# library's experiment means the same as the file.
set -eu
prog=$1
plnet=$2
example=$3
out=$4
rm -rf "$out"
mkdir -p "$out/c" "$out/cli"
"$prog" "$out/c"
"$plnet" train "$example/experiment.yaml" -o "$out/cli" --quiet
for f in metrics.csv predictions.csv network.graphml; do
    cmp "$out/c/$f" "$out/cli/$f"
done
echo "train_allostery: metrics.csv, predictions.csv and network.graphml equal plnet train's"
