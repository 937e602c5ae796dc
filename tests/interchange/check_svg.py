#!/usr/bin/python3
"""check_svg.py — parse plnet draw's SVG files as XML and count what they must hold.

usage: check_svg.py network.svg N_EDGES [curves.svg N_CURVES N_ROWS]

network.svg: plnet writes its SVG itself (text as <text>): every edge is its own stroked
one-segment <path> in the group <g id="edges">, which must hold exactly N_EDGES of them and
nothing else; the picture keeps its text as <text> elements (the colour bar's caption).
curves.svg: parses and holds exactly N_CURVES open stroked polylines through N_ROWS points
(the frames are closed, grid and legend lines have two points).
Exit 0 when everything holds, 1 with the reason otherwise."""
import sys
import xml.etree.ElementTree as ET

NS = "{http://www.w3.org/2000/svg}"


def fail(msg):
    print("check_svg: " + msg, file=sys.stderr)
    sys.exit(1)


def main():
    path, want = sys.argv[1], int(sys.argv[2])
    root = ET.parse(path).getroot()
    if root.tag != NS + "svg":
        fail(f"{path}: root element is {root.tag}, not svg")
    groups = [g for g in root.iter(NS + "g") if g.get("id") == "edges"]
    if len(groups) != 1:
        fail(f"{path}: {len(groups)} groups id=edges, expected 1")
    g = groups[0]
    paths = g.findall(NS + "path")
    if len(paths) != want or len(list(g)) != want:
        fail(f"{path}: edge group holds {len(paths)} paths ({len(list(g))} children), "
             f"expected {want}")
    for p in paths:
        style = p.get("style", "")
        if "stroke:rgb(" not in style or p.get("d", "").count("L") != 1:
            fail(f"{path}: an edge is not one stroked segment: {style} {p.get('d')}")
    if not any((t.text or "").strip() for t in root.iter(NS + "text")):
        fail(f"{path}: no <text>: the picture's text is not kept as text")
    if len(sys.argv) > 3:
        cpath, ncurves, nrows = sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
        croot = ET.parse(cpath).getroot()
        if croot.tag != NS + "svg":
            fail(f"{cpath}: not svg")
        lines = [p for p in croot.iter(NS + "path")
                 if "stroke:rgb(" in p.get("style", "") and "Z" not in p.get("d", "")
                 and p.get("d", "").count("L") == nrows - 1]
        if len(lines) != ncurves:
            fail(f"{cpath}: {len(lines)} curves through {nrows} points, expected {ncurves}")
    print("check_svg: ok", file=sys.stderr)


main()
