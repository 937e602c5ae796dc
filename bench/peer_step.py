#!/usr/bin/python3
"""peer_step.py PEER_DIR N STEPS — seconds per coupled-learning step of the Python peer
(tehruhn/sparse_coupled_learning, checked out at PEER_DIR) on an N x N lattice flow allostery
task: ground at node 0, sources at the two other corners (1.0 and 0.5), two targets inside
(0.3, 0.6), nudge eta 1e-3, rate 0.025. One step is the body of the peer's own
LinearNetworkSolver.perform_trial loop (free state by splu, nudge, clamped state by splu,
update_conductances), timed after 2 warm-up steps; its cost evaluations every 100 steps are
left out. Prints: N, steps, seconds per step (wall), seconds per step (process CPU)."""
import os
import sys
import time

peer, n, steps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
sys.path.insert(0, os.path.abspath(peer))
import numpy as np  # noqa: E402
import networkx as nx  # noqa: E402
from scipy.sparse import spdiags  # noqa: E402
from CLSolver.LinearNetwork import LinearNetwork  # noqa: E402
from CLSolver.LinearNetworkSolver import LinearNetworkSolver  # noqa: E402

g = nx.convert_node_labels_to_integers(nx.grid_2d_graph(n, n), ordering="sorted")
net = LinearNetwork(g)
solver = LinearNetworkSolver(net)
targets = [(n // 3) * n + n // 2, (2 * n // 3) * n + n // 3]
solver.set_up_training_task(source_nodes=[n * n - 1, n - 1], target_nodes=targets,
                            ground_nodes=[0], in_node=np.array([[1.0, 0.5]]),
                            out_node=np.array([[0.3, 0.6]]))
np.random.seed(1)
K = np.random.uniform(0.5, 1.5, net.NE)
eta, lr = 1e-3, 0.025
ne = net.NE


def step(K):
    sK = spdiags(K, 0, ne, ne, format="csc")
    PF, _ = solver.state_solve(sK, 0, np.zeros(solver.sDMF.shape[1]), 1.0, state_type="f")
    fst = solver.sDot.dot(PF)
    solver.fc[0, solver.sDMF.shape[1]:] = fst + eta * (solver.desired[0] - fst)
    _, PC = solver.state_solve(sK, 0, np.zeros(solver.sDMC.shape[1]), 1.0, state_type="c")
    K2, _ = solver.update_conductances(K, lr, eta, PF, PC)
    return K2


for _ in range(2):
    K = step(K)
w0, c0 = time.perf_counter(), time.process_time()
for _ in range(steps):
    K = step(K)
w1, c1 = time.perf_counter(), time.process_time()
print(n, steps, (w1 - w0) / steps, (c1 - c0) / steps)
