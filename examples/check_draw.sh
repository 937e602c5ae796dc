#!/bin/sh
# check_draw.sh PLNET EXAMPLE_DIR OUT_DIR — train an example, draw the run, and check that
# network.svg parses as XML with one path per edge of the trained network.graphml, and that
# curves.svg parses as XML.
set -eu
plnet=$1
example=$2
out=$3
here=$(dirname "$0")
rm -rf "$out"
"$plnet" train "$example/experiment.yaml" -o "$out" --quiet
"$plnet" draw "$out" --log
edges=$(grep -c "<edge " "$out/network.graphml")
/usr/bin/python3 "$here/../tests/interchange/check_svg.py" "$out/network.svg" "$edges"
/usr/bin/python3 -c 'import sys, xml.etree.ElementTree as ET; ET.parse(sys.argv[1])' "$out/curves.svg"
echo "ok: $out/network.svg holds $edges edges; curves.svg parses"
