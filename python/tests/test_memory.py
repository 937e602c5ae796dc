"""Reference counting: experiments created and dropped in a loop (and constructions,
theta assignments and solves that fail) keep memory flat, both Python's own allocations
(sys.getallocatedblocks: every live object) and the process's resident set (the library's
malloc). PLNET_MEMORY_N sets the loop length (default 500; the slow suite runs 10^4)."""

import os
import gc
import sys
import unittest

import networkx as nx
import numpy as np

from support import plnet

N = int(os.environ.get("PLNET_MEMORY_N", "500"))
WARMUP = 100
TINY = {"network": {"kind": "resistor", "graph": {"size": [3, 3]}},
        "boundary.ground": [0],
        "task": {"kind": "allostery", "inputs": {"nodes": [8], "values": [1.0]},
                 "outputs": {"nodes": [4]}, "targets": [0.3]},
        "train": {"steps": 2, "log_every": 1}}
# One leaked experiment costs kilobytes (graph, network, factor, configuration), one leaked
# reference a Python block per round. Bounds: fewer live Python blocks after the loop than
# N / 10 more than before (interpreter caches), and 1 MB of resident memory over the loop
# (allocator noise; a leaked experiment per round would be N x kilobytes).
BLOCKS_PER_ROUND = 0.1
RSS_BYTES = 1 << 20


# Under AddressSanitizer freed memory sits in its quarantine (hundreds of MB); there
# LeakSanitizer checks the C side and only Python's blocks are counted here.
SANITIZED = os.environ.get("PLNET_SANITIZED") == "1"


def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def one_round():
    exp = plnet.Experiment(TINY)
    exp.train()
    exp.theta = exp.theta * 1.01
    exp.solve()
    exp.metrics
    try:
        exp.theta = np.full(exp.n_theta, np.nan)
    except plnet.Error:
        pass
    try:
        plnet.Experiment(TINY, set={"learning.rate": -1})
    except plnet.Error:
        pass
    try:
        plnet.Experiment(TINY, set={"task.outputs.nodes": [99]})
    except plnet.Error:
        pass


class Flat(unittest.TestCase):
    def test_memory_flat(self):
        for _ in range(WARMUP):
            one_round()
        gc.collect()
        before_blocks = sys.getallocatedblocks()
        before_rss = rss()
        for _ in range(N):
            one_round()
        gc.collect()
        grown_blocks = sys.getallocatedblocks() - before_blocks
        grown_rss = rss() - before_rss
        print(f"\n{N} rounds (3 experiments each): Python blocks {grown_blocks:+d}, "
              f"resident {grown_rss / 1e6:+.3f} MB", file=sys.stderr)
        self.assertLess(grown_blocks, BLOCKS_PER_ROUND * N)
        if not SANITIZED:
            self.assertLess(grown_rss, RSS_BYTES)

    def test_network_solves_flat(self):
        G = nx.grid_2d_graph(4, 4)
        nx.set_edge_attributes(G, 2.0, "conductance")
        net = plnet.Network.from_networkx(G)
        b = {"ground": [(0, 0)], "potentials": {(3, 3): 1.0}}
        for _ in range(WARMUP):
            plnet.solve(net, b)
        gc.collect()
        before, before_blocks = rss(), sys.getallocatedblocks()
        for _ in range(N):
            plnet.solve(net, b)
            try:
                plnet.solve(net, {"currents": {(3, 3): 1.0}})
            except plnet.Error:
                pass
        gc.collect()
        self.assertLess(sys.getallocatedblocks() - before_blocks, BLOCKS_PER_ROUND * N)
        if not SANITIZED:
            self.assertLess(rss() - before, RSS_BYTES)


if __name__ == "__main__":
    unittest.main()
