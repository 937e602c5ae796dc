#!/usr/bin/python3
"""check_elements_svg.py network.svg edges.csv — plnet draw's picture of a solved circuit shows
what plnet solve's edges.csv says: in the edge group (one stroked path per edge, as
check_svg.py checks) each element kind has its own dash pattern, as many paths with it as
edges.csv has edges of that kind; and each operating region's marker colour fills as many
markers as edges.csv has elements in that region, plus one legend swatch for each region
present. The patterns and colours are cli/draw.c's (kind_dash, region_rgb).
Exit 0 when everything holds, 1 with the reason otherwise."""
import csv
import sys
import xml.etree.ElementTree as ET
from collections import Counter

NS = "{http://www.w3.org/2000/svg}"
DASH = {"resistor": None, "diode": "6,3", "ideal_diode": "1.5,2.5", "nmos": "7,2.5,1.5,2.5",
        "table": "9,2.5,1.5,2.5,1.5,2.5"}
FILL = {"forward": "rgb(84%,37%,0%)", "reverse": "rgb(80%,80%,80%)",
        "cutoff": "rgb(20%,20%,20%)", "triode": "rgb(0%,62%,45%)",
        "saturation": "rgb(80%,47%,65%)", "table": "rgb(94%,89%,26%)",
        "extrapolated": "rgb(34%,71%,91%)"}


def fail(msg):
    print("check_elements_svg: " + msg, file=sys.stderr)
    sys.exit(1)


def style(el, key):
    for part in el.get("style", "").split(";"):
        if part.startswith(key + ":"):
            return part[len(key) + 1:]
    return None


svg, edges = sys.argv[1], sys.argv[2]
with open(edges, newline="") as f:
    rows = list(csv.DictReader(f))
kinds = Counter(r["element"] for r in rows)
regions = Counter(r["region"] for r in rows if r["element"] != "resistor")
root = ET.parse(svg).getroot()
groups = [g for g in root.find(NS + "defs").findall(NS + "g")
          if g.get("id", "").startswith("surface")]
if len(groups) != 1:
    fail(f"{len(groups)} edge groups")
paths = groups[0].findall(NS + "path")
if len(paths) != len(rows):
    fail(f"{len(paths)} edge paths for {len(rows)} edges")
dashes = Counter(style(p, "stroke-dasharray") for p in paths)
for kind, dash in DASH.items():
    if dashes.get(dash, 0) != kinds.get(kind, 0):
        fail(f"{dashes.get(dash, 0)} edges drawn as {kind}s ({dash}), edges.csv has "
             f"{kinds.get(kind, 0)}")
fills = Counter(style(p, "fill") for p in root.iter(NS + "path"))
for region, fill in FILL.items():
    want = regions.get(region, 0)
    want += 1 if want > 0 else 0  # the legend's swatch
    if fills.get(fill, 0) != want:
        fail(f"{fills.get(fill, 0)} markers of region {region}, expected {want}")
print(f"check_elements_svg: ok ({dict(kinds)}, {dict(regions)})", file=sys.stderr)
