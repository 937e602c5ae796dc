#!/usr/bin/python3
"""make_graph.py: writes graph.txt, the edge list of examples 14 and 15 (a layered network in
the spirit of Dillavou et al. 2024). Node 0 is ground, 1 the 1 V supply, 2 and 3 the inputs
(example 15: input and a 0.5 V bias), 4..3+k the hidden nodes, each joined to both inputs, the
supply, ground and both output nodes o0 = 4+k and o1 = 5+k; the outputs are joined to ground
and the supply, and the last edge o0 -> o1 is the output (its drop, differential). Each edge's
orientation (drain -> source of its transistor) is drawn at random.

usage: make_graph.py K SEED TWO_INPUTS(0|1) > graph.txt"""
import random
import sys

k, seed, two = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3] == "1"
random.seed(seed)
o0, o1 = 4 + k, 5 + k
edges = []


def add(a, b):
    edges.append((a, b) if random.random() < 0.5 else (b, a))


for j in range(k):
    h = 4 + j
    add(2, h)
    if two:
        add(3, h)
    add(1, h)
    add(0, h)
    add(h, o0)
    add(h, o1)
if not two:
    add(3, o0)
    add(3, o1)
for a, b in [(o0, 0), (o1, 0), (o0, 1), (o1, 1)]:
    add(a, b)
edges.append((o0, o1))
print(f"# {len(edges)} edges; the output edge is {len(edges) - 1} ({o0} -> {o1})")
for a, b in edges:
    print(a, b)
