#!/usr/bin/python3
"""check_elements_svg.py network.svg edges.csv — plnet draw's picture of a solved circuit shows
what plnet solve's edges.csv says: in the edge group (one stroked path per edge, as
check_svg.py checks: <g id="edges">) each element kind has its own dash pattern, as many paths with it as
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
FILL = {"forward": (0.84, 0.37, 0.00), "reverse": (0.80, 0.80, 0.80),
        "cutoff": (0.20, 0.20, 0.20), "triode": (0.00, 0.62, 0.45),
        "saturation": (0.80, 0.47, 0.65), "table": (0.94, 0.89, 0.26),
        "extrapolated": (0.34, 0.71, 0.91)}


def rgb(text):
    """(r, g, b) in [0, 1] of 'rgb(r,g,b)' (0-255) or 'rgb(r%,g%,b%)', rounded to 2 places."""
    if not text or not text.startswith("rgb("):
        return None
    parts = text[4:-1].split(",")
    if parts[0].endswith("%"):
        return tuple(round(float(p[:-1]) / 100, 2) for p in parts)
    return tuple(round(int(p) / 255, 2) for p in parts)


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
groups = [g for g in root.iter(NS + "g") if g.get("id") == "edges"]
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
fills = Counter(rgb(style(p, "fill")) for p in root.iter(NS + "path"))
for region, fill in FILL.items():
    want = regions.get(region, 0)
    want += 1 if want > 0 else 0  # the legend's swatch
    if fills.get(fill, 0) != want:
        fail(f"{fills.get(fill, 0)} markers of region {region}, expected {want}")
print(f"check_elements_svg: ok ({dict(kinds)}, {dict(regions)})", file=sys.stderr)
