"""plnet.Network.from_networkx and plnet.solve against a dense numpy solve, closed-form
circuits and springs, and errors naming the graph's own labels."""

import unittest

import networkx as nx
import numpy as np

from support import plnet

# Dense LU against CHOLMOD on 20 nodes with conductances in [0.1, 10]: the reduced
# Laplacian's condition number is below 1e4, so they agree to about 1e-16 * 1e4 of the
# largest potential; 1e-10 is well above that and far below any modelling error.
DENSE_RTOL = 1e-10
# Closed forms computed in double precision (a few operations): 1e-12 relative.
EXACT_RTOL = 1e-12


def dense_solve(G, k, fixed, injected):
    """Potentials {label: V} from the Laplacian of G (edge conductances k, in G.edges
    order), fixed {label: V} and injected {label: A}, by numpy's dense solve."""
    labels = list(G.nodes)
    at = {u: i for i, u in enumerate(labels)}
    n = len(labels)
    L = np.zeros((n, n))
    for (u, v), ke in zip(G.edges(), k):
        i, j = at[u], at[v]
        L[i, i] += ke
        L[j, j] += ke
        L[i, j] -= ke
        L[j, i] -= ke
    p = np.zeros(n)
    is_fixed = np.zeros(n, dtype=bool)
    for u, val in fixed.items():
        p[at[u]] = val
        is_fixed[at[u]] = True
    f = np.zeros(n)
    for u, val in injected.items():
        f[at[u]] += val
    free = ~is_fixed
    f -= L[:, is_fixed] @ p[is_fixed]
    p[free] = np.linalg.solve(L[np.ix_(free, free)], f[free])
    return {u: p[at[u]] for u in labels}


class ResistorNetworks(unittest.TestCase):
    def test_lattice_against_dense_solve(self):
        G = nx.grid_2d_graph(5, 4)
        rng = np.random.default_rng(7)
        k = rng.uniform(0.1, 10.0, G.number_of_edges())
        for (u, v), ke in zip(G.edges(), k):
            G.edges[u, v]["conductance"] = ke
        net = plnet.Network.from_networkx(G)
        self.assertEqual(net.nodes, list(G.nodes))
        boundary = {"ground": [(0, 0)], "potentials": {(4, 3): 2.0},
                    "currents": {(2, 1): 0.01}}
        sol = plnet.solve(net, boundary)
        want = dense_solve(G, k, {(0, 0): 0.0, (4, 3): 2.0}, {(2, 1): 0.01})
        got = sol.by_node()
        self.assertEqual(set(got), set(G.nodes))
        scale = max(abs(v) for v in want.values())
        for u in G.nodes:
            self.assertAlmostEqual(got[u], want[u], delta=DENSE_RTOL * scale, msg=str(u))
        # Ohm's law per edge, tail -> head as in network.edges; Tellegen: power = supplied.
        for e, (u, v), ke in zip(net.edges, G.edges(), k):
            self.assertEqual(e, (u, v))
            self.assertAlmostEqual(sol.by_edge()[e], ke * (want[u] - want[v]),
                                   delta=DENSE_RTOL * scale * 10)
        power = sum(ke * (want[u] - want[v]) ** 2 for (u, v), ke in zip(G.edges(), k))
        self.assertAlmostEqual(sol.power, power, delta=DENSE_RTOL * power * 10)
        self.assertAlmostEqual(sol.supplied, sol.power, delta=DENSE_RTOL * power * 10)

    def test_divider_from_resistances(self):
        # 100, 200 and 100 ohm in series across 4 V: 3 V and 1 V in between.
        G = nx.Graph()
        G.add_edge("vdd", "a", R=100.0)
        G.add_edge("a", "b", R=200.0)
        G.add_edge("b", "gnd", R=100.0)
        sol = plnet.solve(plnet.Network.from_networkx(G, resistance="R"),
                          {"ground": ["gnd"], "potentials": {"vdd": 4.0}})
        v = sol.by_node()
        self.assertAlmostEqual(v["a"], 3.0, delta=EXACT_RTOL * 4)
        self.assertAlmostEqual(v["b"], 1.0, delta=EXACT_RTOL * 4)
        self.assertAlmostEqual(sol.power, 4.0 ** 2 / 400.0, delta=EXACT_RTOL)

    def test_parallel_edges_of_a_multigraph(self):
        G = nx.MultiGraph()
        G.add_edge("a", "b", g=2.0)
        G.add_edge("a", "b", g=3.0)
        net = plnet.Network.from_networkx(G, conductance="g")
        self.assertEqual(net.edges, [("a", "b", 0), ("a", "b", 1)])
        sol = plnet.solve(net, {"ground": ["a"], "potentials": {"b": 1.0}})
        # p_a - p_b = -1 V: currents -2 A and -3 A tail -> head, 5 W.
        np.testing.assert_allclose(sol.currents, [-2.0, -3.0], rtol=EXACT_RTOL)
        self.assertAlmostEqual(sol.power, 5.0, delta=5 * EXACT_RTOL)

    def test_one_conductance_for_every_edge(self):
        G = nx.path_graph(3)
        sol = plnet.solve(plnet.Network.from_networkx(G, conductance=0.5),
                          {"ground": [0], "currents": {2: 1e-3}})
        # 1 mA through two 2-ohm resistors: 2 mV and 4 mV.
        np.testing.assert_allclose(sol.potentials, [0.0, 2e-3, 4e-3], rtol=EXACT_RTOL)


class Springs(unittest.TestCase):
    def chain(self):
        # Two springs along x (k = 2 and 4 N/m, length 1 m); node 0 pinned, the others on
        # rollers that hold y; a force F along x on the end: u1 = F/2, u2 = F/2 + F/4.
        G = nx.Graph()
        for i in range(3):
            G.add_node(f"n{i}", pos=(float(i), 0.0))
        G.add_edge("n0", "n1", stiffness=2.0)
        G.add_edge("n1", "n2", stiffness=4.0)
        return G

    def test_series_springs(self):
        F = 0.3
        for kind in ("spring_linear", "spring"):
            with self.subTest(kind=kind):
                net = plnet.Network.from_networkx(self.chain(), kind=kind)
                sol = plnet.solve(net, {
                    "ground": ["n0"],
                    "pins": {"n1": [0.0, 0.0], "n2": [0.0, 0.0]},
                    "pin_axes": {"n1": "y", "n2": "y"},
                    "forces": {"n2": [F, 0.0]}})
                x = sol.positions
                np.testing.assert_allclose(x[:, 0], [0.0, 1.0 + F / 2, 2.0 + F / 2 + F / 4],
                                           rtol=1e-10)
                np.testing.assert_allclose(x[:, 1], 0.0, atol=1e-14)
                np.testing.assert_allclose(sol.currents, [F, F], rtol=1e-9)  # tensions


class Errors(unittest.TestCase):
    def test_missing_attribute_names_the_edge(self):
        G = nx.path_graph(3)
        G.edges[0, 1]["conductance"] = 1.0
        with self.assertRaises(plnet.Error) as cm:
            plnet.Network.from_networkx(G)
        self.assertEqual(cm.exception.edge, (1, 2))
        self.assertEqual(cm.exception.key, "conductance")

    def test_bad_value_from_library_names_the_edge_label(self):
        G = nx.Graph()
        G.add_edge("a", "b", conductance=1.0)
        G.add_edge("b", "c", conductance=-1.0)
        with self.assertRaises(plnet.Error) as cm:
            plnet.solve(plnet.Network.from_networkx(G), {"ground": ["a"]})
        e = cm.exception
        self.assertEqual(e.edge, ("b", "c"))
        self.assertEqual(e.edge_index, 1)
        self.assertIn("('b', 'c')", str(e))

    def test_floating_part_is_an_error(self):
        G = nx.Graph()
        G.add_edge("a", "b", conductance=1.0)
        G.add_edge("c", "d", conductance=1.0)
        with self.assertRaises(plnet.Error) as cm:
            plnet.solve(plnet.Network.from_networkx(G),
                        {"ground": ["a"], "currents": {"d": 1.0}})
        self.assertEqual(cm.exception.status, "ESINGULAR")

    def test_no_implicit_ground(self):
        G = nx.path_graph(3)
        with self.assertRaises(plnet.Error):
            plnet.solve(plnet.Network.from_networkx(G, conductance=1.0), {"currents": {2: 1.0}})

    def test_boundary_errors(self):
        net = plnet.Network.from_networkx(nx.path_graph(3), conductance=1.0)
        with self.assertRaises(plnet.Error) as cm:
            plnet.solve(net, {"ground": [0], "voltages": {2: 1.0}})
        self.assertEqual(cm.exception.key, "boundary.voltages")
        with self.assertRaises(plnet.Error) as cm:
            plnet.solve(net, {"ground": [0], "potentials": {7: 1.0}})
        self.assertEqual(cm.exception.node, 7)
        with self.assertRaises(plnet.Error) as cm:
            plnet.solve(net, {"ground": [0], "potentials": {0: 1.0}})  # fixed twice
        self.assertEqual(cm.exception.node, 0)
        with self.assertRaises(plnet.Error):
            plnet.solve(net, {"ground": [0], "pins": {2: [0.0, 0.0]}})
        with self.assertRaises(TypeError):
            plnet.Network.from_networkx(nx.path_graph(2), conductance=True)

    def test_self_loop_refused(self):
        G = nx.Graph()
        G.add_edge(1, 1, conductance=1.0)
        with self.assertRaises(plnet.Error) as cm:
            plnet.Network.from_networkx(G)
        self.assertEqual(cm.exception.edge, (1, 1))


if __name__ == "__main__":
    unittest.main()
