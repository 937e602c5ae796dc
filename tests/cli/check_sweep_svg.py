#!/usr/bin/python3
"""check_sweep_svg.py — check plnet draw's picture of a sweep against the sweep's summary.csv.

usage: check_sweep_svg.py PICTURE.svg summary.csv X_AXIS CURVE_AXIS COLUMN

The picture must hold one median line per value of CURVE_AXIS (cairo writes each as a stroked
open path of width 1.8) through one point per value of X_AXIS, and one filled band per curve.
Its coordinates must be one linear map of the data: screen x against log10 of the X_AXIS value
and screen y against log10 of COLUMN's median over seeds (summary.csv's COLUMN_median), for
every point of every curve, to 1e-3 relative. So the lines plot the medians, in the order of
the legend, on log axes. Exit 0 when all holds, 1 with the reason."""
import csv
import math
import re
import sys
import xml.etree.ElementTree as ET

NS = "{http://www.w3.org/2000/svg}"


def fail(msg):
    print("check_sweep_svg: " + msg, file=sys.stderr)
    sys.exit(1)


def points(d):
    nums = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", d)]
    return list(zip(nums[0::2], nums[1::2]))


def fit(pairs):
    """Least-squares line through (u, v) pairs; returns the largest relative residual."""
    n = len(pairs)
    mu = sum(u for u, _ in pairs) / n
    mv = sum(v for _, v in pairs) / n
    suu = sum((u - mu) ** 2 for u, _ in pairs)
    if suu == 0:
        fail("all data values are equal: nothing to check")
    b = sum((u - mu) * (v - mv) for u, v in pairs) / suu
    a = mv - b * mu
    span = max(v for _, v in pairs) - min(v for _, v in pairs)
    return max(abs(a + b * u - v) for u, v in pairs) / max(span, 1e-9)


def main():
    svg, summary, xkey, ckey, col = sys.argv[1:6]
    root = ET.parse(svg).getroot()
    lines, bands = [], []
    for p in root.iter(NS + "path"):
        style = p.get("style", "")
        if "stroke-width:1.8" in style and "fill:none" in style and "Z" not in p.get("d", ""):
            lines.append(points(p.get("d")))
        if "fill-opacity:0.18" in style:
            bands.append(p)
    rows = list(csv.DictReader(open(summary)))
    curves = []
    for r in rows:
        if r[ckey] not in curves:
            curves.append(r[ckey])
    xs = []
    for r in rows:
        if r[xkey] not in xs:
            xs.append(r[xkey])
    # The legend's short strokes are open paths of width 1.8 with two points too: the median
    # lines are the ones with one point per x value, drawn before each legend stroke.
    lines = [pts for pts in lines if len(pts) == len(xs)]
    if len(lines) != len(curves):
        fail(f"{svg}: {len(lines)} lines through {len(xs)} points, expected {len(curves)}")
    if len(bands) != len(curves):
        fail(f"{svg}: {len(bands)} bands, expected {len(curves)}")
    px, py = [], []
    for c, pts in zip(curves, lines):
        for x, (sx, sy) in zip(xs, pts):
            r = [r for r in rows if r[xkey] == x and r[ckey] == c]
            if len(r) != 1:
                fail(f"summary.csv has {len(r)} rows for {xkey}={x}, {ckey}={c}")
            med = float(r[0][col + "_median"])
            px.append((math.log10(float(x)), sx))
            py.append((math.log10(med), sy))
    ex, ey = fit(px), fit(py)
    if ex > 1e-3 or ey > 1e-3:
        fail(f"{svg}: the points are not the medians on log axes (residuals {ex:.2g}, {ey:.2g})")
    print(f"ok: {svg}: {len(curves)} curves x {len(xs)} points are the medians of {col}")


main()
