#!/bin/sh
# check_circuit.sh PLNET EXAMPLE_DIR OUT_DIR MODE [ARGS...] — `plnet train` of the example's
# experiment.yaml into OUT_DIR (and for MODE twin of its linear-twin.yaml into OUT_DIR-twin),
# then its claim checked by check_circuit.py (sign: XOR's patterns all right; affine DATA X Y
# R: R times below every linear network; twin MIN_TEST MARGIN: above the linear twin).
set -eu
plnet=$1
example=$2
out=$3
mode=$4
shift 4
here=$(dirname "$0")
rm -rf "$out" "$out-twin"
"$plnet" train "$example/experiment.yaml" -o "$out" --quiet
if [ "$mode" = twin ]; then
    "$plnet" train "$example/linear-twin.yaml" -o "$out-twin" --quiet
    exec /usr/bin/python3 "$here/check_circuit.py" "$out" twin "$out-twin" "$@"
fi
if [ "$mode" = affine ]; then
    data=$1
    shift
    exec /usr/bin/python3 "$here/check_circuit.py" "$out" affine "$example/$data" "$@"
fi
exec /usr/bin/python3 "$here/check_circuit.py" "$out" "$mode" "$@"
