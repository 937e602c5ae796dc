#!/usr/bin/python3
"""make_graph.py: writes graph.txt (with diodes) and graph-linear.txt (its linear twin) of
example 16, a deep resistive network in the style of Scellier (ICML 2024). Node 0 is ground,
1 the 1 V supply, 2 and 3 the diodes' bias nodes (0.65 V and 0.35 V), 4..11 the inputs (the
four scaled Iris measurements and their mirrors), 12..27 the 16 hidden nodes, 28..30 the
outputs (setosa, versicolor, virginica). Each hidden node is joined by a resistor to every
input, the supply and ground, and to every output; with diodes, two ideal diodes clip it:
hidden -> node 2 (conducts above 0.65 V) and node 3 -> hidden (conducts below 0.35 V). Each
output is joined to the supply and to ground by 0.5 S. Initial conductances uniform in
[0.5, 1.5] S (the same in both files). The diode edges' ids are printed on stderr.

usage: make_graph.py (writes both files here)"""
import random

random.seed(3)
NIN, K = 8, 16
h0, o0 = 4 + NIN, 4 + NIN + K
rows, diodes = [], []
for j in range(K):
    for i in range(NIN + 2):
        t = 4 + i if i < NIN else (1 if i == NIN else 0)
        rows.append((t, h0 + j, 0.5 + random.random(), False))
    rows.append((h0 + j, 2, 1.0, True))
    rows.append((3, h0 + j, 1.0, True))
    for q in range(3):
        rows.append((h0 + j, o0 + q, 0.5 + random.random(), False))
for q in range(3):
    for b in range(2):
        rows.append((o0 + q, b, 0.5, False))
with open("graph.txt", "w") as f:
    f.write("source,target,conductance\n")
    for e, (t, h, k, d) in enumerate(rows):
        f.write(f"{t},{h},{k:.6f}\n")
        if d:
            diodes.append(e)
with open("graph-linear.txt", "w") as f:
    f.write("source,target,conductance\n")
    for t, h, k, d in rows:
        if not d:
            f.write(f"{t},{h},{k:.6f}\n")
import sys
print("ideal diodes:", diodes, file=sys.stderr)
