"""One-off solves of a network given in Python (networkx, or arrays), without a YAML file."""

import numbers

import numpy as np

from . import _plnet
from ._plnet import Error

KINDS = {"resistor": 0, "flow": 1, "spring": 2, "spring_linear": 3}


def _error(message, key=None, node=None, edge=None):
    e = Error(message)
    e.status, e.message, e.key, e.node, e.edge, e.location = (
        "EINVAL", message, key, node, edge, None)
    return e


def _real(value, what):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{what} must be a real number, not {value!r}")
    return float(value)


class Network:
    """A network of nodes and edges with its physical values, to solve with plnet.solve.

    Nodes are numbered 0..n-1 in the order of `nodes` (the graph's own labels); edge e runs
    from tails[e] to heads[e] (`edges` holds the labels, with the key of a multigraph's
    edge). Every array plnet.solve returns follows these two orders.

    Attributes: kind ('resistor', 'flow', 'spring' or 'spring_linear'), nodes (list of
    labels), index (dict label -> node number), edges (list of (u, v) or (u, v, key)),
    tails and heads (int64 arrays), edge_values (dict attribute -> float64 array of one value
    per edge: 'conductance' in S, 'resistance' in ohm, 'radius' and 'length' in m,
    'stiffness' in N/m, 'rest_length' in m), positions ((n, d) float64 in m, or None),
    viscosity (Pa s, flow).
    """

    def __init__(self, nodes, edges, kind="resistor", edge_values=None, positions=None,
                 viscosity=1.0):
        if kind not in KINDS:
            raise _error(f"kind must be one of {', '.join(KINDS)}, not {kind!r}", key="kind")
        self.kind = kind
        self.nodes = list(nodes)
        self.index = {}
        for i, u in enumerate(self.nodes):
            if u in self.index:
                raise _error(f"node {u!r} is listed twice", node=u)
            self.index[u] = i
        self.edges = [tuple(e) for e in edges]
        tails, heads = [], []
        for e in self.edges:
            u, v = e[0], e[1]
            for w in (u, v):
                if w not in self.index:
                    raise _error(f"edge {e!r}: {w!r} is not a node of the network", edge=e)
            if u == v:
                raise _error(f"edge {e!r} is a self-loop (it carries nothing)", edge=e)
            tails.append(self.index[u])
            heads.append(self.index[v])
        self.tails = np.asarray(tails, dtype=np.int64)
        self.heads = np.asarray(heads, dtype=np.int64)
        self.edge_values = {}
        for name, values in (edge_values or {}).items():
            a = np.asarray(values, dtype=np.float64)
            if a.shape != (len(self.edges),):
                raise _error(f"edge values {name!r} need one value per edge "
                             f"({len(self.edges)}), not shape {a.shape}", key=name)
            self.edge_values[name] = a
        if positions is not None:
            positions = np.asarray(positions, dtype=np.float64)
            if positions.ndim != 2 or positions.shape[0] != len(self.nodes) \
                    or positions.shape[1] not in (2, 3):
                raise _error("positions must be (n_nodes, 2) or (n_nodes, 3)", key="positions")
        self.positions = positions
        self.viscosity = _real(viscosity, "viscosity")
        spring = kind in ("spring", "spring_linear")
        if spring and positions is None:
            raise _error(f"a {kind} network needs node positions", key="positions")
        if spring and "stiffness" not in self.edge_values:
            raise _error(f"a {kind} network needs a stiffness per edge", key="stiffness")
        if not spring and not {"conductance", "resistance", "radius"} & set(self.edge_values):
            raise _error(f"a {kind} network needs a conductance, resistance or (flow) radius "
                         "per edge", key="conductance")

    @classmethod
    def from_networkx(cls, G, kind="resistor", conductance="conductance", resistance=None,
                      radius=None, length=None, stiffness="stiffness", rest_length=None,
                      pos="pos", viscosity=1.0):
        """A network from a networkx graph (Graph, DiGraph, MultiGraph: parallel edges are
        parallel elements).

        Each of conductance (S), resistance (ohm), radius and length (m, flow), stiffness
        (N/m) and rest_length (m, springs) is the name of an edge attribute, a number for
        every edge, or None. Resistor and flow networks read `conductance` unless
        `resistance` or `radius` is given (then conductance is ignored); springs read
        `stiffness` and, when given, `rest_length` (else the lengths between the positions),
        with node positions from the node attribute `pos`. An edge without a named
        attribute, or with a value that is not a real number, is an error naming the edge:
        nothing is filled in silently. Node labels may be any hashable; `nodes` keeps
        G.nodes' order.
        """
        spring = kind in ("spring", "spring_linear")
        multi = G.is_multigraph()
        edges, data = [], []
        for item in (G.edges(keys=True, data=True) if multi else G.edges(data=True)):
            edges.append(item[:-1])
            data.append(item[-1])
        if spring:
            wanted = {"stiffness": stiffness, "rest_length": rest_length}
        elif resistance is not None:
            wanted = {"resistance": resistance}
        elif radius is not None:
            wanted = {"radius": radius, "length": length}
        else:
            wanted = {"conductance": conductance}
        values = {}
        for name, source in wanted.items():
            if source is None:
                continue
            if isinstance(source, str):
                col = []
                for e, d in zip(edges, data):
                    if source not in d:
                        raise _error(f"edge {e!r} has no attribute {source!r} "
                                     f"(the {name}; pass {name}=<attribute> or a number)",
                                     key=name, edge=e)
                    col.append(_real(d[source], f"edge {e!r}: {source!r}"))
                values[name] = col
            else:
                values[name] = [_real(source, name)] * len(edges)
        positions = None
        if spring or (kind == "flow" and radius is not None and length is None):
            positions = []
            for u, d in G.nodes(data=True):
                if pos not in d:
                    raise _error(f"node {u!r} has no position attribute {pos!r}", key="pos",
                                 node=u)
                positions.append([_real(c, f"node {u!r}: {pos!r}") for c in d[pos]])
        return cls(list(G.nodes()), edges, kind=kind, edge_values=values,
                   positions=positions, viscosity=viscosity)

    def __repr__(self):
        return f"<plnet.Network {self.kind}: {len(self.nodes)} nodes, {len(self.edges)} edges>"


class Solution:
    """The free state of a network (plnet.solve).

    potentials: (n,) node potentials in V (pressures in Pa for flow), in network.nodes
    order; None for springs. positions: (n, d) node positions in m for springs, else None.
    currents: (m,) edge currents tail -> head in A (flow rates in m^3/s; spring tensions in
    N), in network.edges order. power: dissipated power in W (springs: stored elastic
    energy in J). supplied: power delivered by the boundary in W (springs: 0).
    """

    def __init__(self, network, state, currents, power, supplied):
        self.network = network
        spring = network.kind in ("spring", "spring_linear")
        self.potentials = None if spring else state
        self.positions = state if spring else None
        self.currents = currents
        self.power = power
        self.supplied = supplied

    def by_node(self):
        """{label: potential (V) or position (m)} for every node."""
        state = self.positions if self.potentials is None else self.potentials
        return {u: state[i] if state.ndim > 1 else float(state[i])
                for i, u in enumerate(self.network.nodes)}

    def by_edge(self):
        """{edge: current (A) or tension (N)} for every edge (as in network.edges)."""
        return {e: float(self.currents[k]) for k, e in enumerate(self.network.edges)}

    def __repr__(self):
        return (f"<plnet.Solution of {self.network!r}: power {self.power:.6g}, "
                f"supplied {self.supplied:.6g}>")


_BOUNDARY_KEYS = {"ground", "potentials", "currents", "pins", "pin_axes", "forces"}


def solve(network, boundary):
    """Solve a network's free state once (one sparse Cholesky factorization).

    boundary: a dict with
      ground: [labels] held at 0 V (springs: pinned where they are);
      potentials: {label: V} held at a potential (resistor, flow);
      currents: {label: A} injected into the node (resistor, flow);
      pins: {label: displacement (d values, m)} pinned displaced (springs);
      pin_axes: {label: "x", "y", "z", "xy", ...} the axes a pin holds (springs; default
        every axis: a pin listed here holds only those, a roller);
      forces: {label: force (d values, N)} applied (springs).
    Nothing is grounded unless asked: a part of the network with no fixed node is an error
    naming its nodes (plnet.Error, status 'ESINGULAR'). Returns a plnet.Solution; the
    Error's node and edge are the graph's own labels (node_index / edge_index hold the
    numbers).
    """
    if not isinstance(network, Network):
        raise TypeError("solve() takes a plnet.Network (see Network.from_networkx)")
    if not hasattr(boundary, "items"):
        raise TypeError("boundary must be a dict (ground, potentials, currents, pins, forces)")
    unknown = set(boundary) - _BOUNDARY_KEYS
    if unknown:
        k = sorted(map(str, unknown))[0]
        raise _error(f"boundary: unknown key {k!r} (expected one of: "
                     f"{', '.join(sorted(_BOUNDARY_KEYS))})", key=f"boundary.{k}")
    spring = network.kind in ("spring", "spring_linear")
    d = network.positions.shape[1] if spring else 1
    for k in (("potentials", "currents") if spring else ("pins", "pin_axes", "forces")):
        if boundary.get(k):
            raise _error(f"boundary.{k} is not for a {network.kind} network "
                         f"(use {'pins and forces' if spring else 'potentials and currents'})",
                         key=f"boundary.{k}")

    def node(label, key):
        try:
            return network.index[label]
        except (KeyError, TypeError):
            raise _error(f"boundary.{key}: {label!r} is not a node of the network",
                         key=f"boundary.{key}", node=label) from None

    def vector(value, key, label):
        v = np.asarray(value, dtype=np.float64).reshape(-1) if d > 1 else \
            np.asarray([_real(value, f"boundary.{key}[{label!r}]")])
        if v.shape != (d,) or not np.all(np.isfinite(v)):
            raise _error(f"boundary.{key}[{label!r}] must be {d} finite number(s)",
                         key=f"boundary.{key}", node=label)
        return v

    fixed_nodes, fixed_values = [], []
    for label in boundary.get("ground", ()):
        fixed_nodes.append(node(label, "ground"))
        fixed_values.append(np.zeros(d))
    for key in ("potentials", "pins"):
        for label, value in dict(boundary.get(key, {})).items():
            fixed_nodes.append(node(label, key))
            fixed_values.append(vector(value, key, label))
    axes = None
    if boundary.get("pin_axes"):
        masks = {}
        for label, text in dict(boundary["pin_axes"]).items():
            i = node(label, "pin_axes")
            if not isinstance(text, str) or not text or any(c not in "xyz"[:d] for c in text):
                raise _error(f"boundary.pin_axes[{label!r}] must name axes among "
                             f"{'xyz'[:d]!r}, not {text!r}", key="boundary.pin_axes",
                             node=label)
            masks[i] = sum(1 << "xyz".index(c) for c in set(text))
        pinned = set(fixed_nodes[len(boundary.get("ground", ())):])
        for i in masks:
            if i not in pinned:
                raise _error(f"boundary.pin_axes: {network.nodes[i]!r} is not in "
                             "boundary.pins", key="boundary.pin_axes", node=network.nodes[i])
        full = (1 << d) - 1
        axes = np.asarray([masks.get(i, full) for i in fixed_nodes], dtype=np.int64)
    cur_nodes, cur_values = [], []
    for key in ("currents", "forces"):
        for label, value in dict(boundary.get(key, {})).items():
            cur_nodes.append(node(label, key))
            cur_values.append(vector(value, key, label))
    try:
        state, currents, power, supplied = _plnet.solve_network(
            KINDS[network.kind], len(network.nodes), network.tails, network.heads,
            network.edge_values, network.positions, network.viscosity,
            np.asarray(fixed_nodes, dtype=np.int64),
            np.concatenate(fixed_values) if fixed_values else np.zeros(0), axes,
            np.asarray(cur_nodes, dtype=np.int64),
            np.concatenate(cur_values) if cur_values else np.zeros(0))
    except Error as e:
        _relabel(e, network)
        raise
    return Solution(network, state, currents, power, supplied)


def _relabel(e, network):
    """Give an Error from the library the graph's own labels."""
    e.node_index, e.edge_index = e.node, e.edge
    notes = []
    if e.node is not None and 0 <= e.node < len(network.nodes):
        e.node = network.nodes[e.node_index]
        notes.append(f"node {e.node_index} is {e.node!r}")
    if e.edge is not None and 0 <= e.edge < len(network.edges):
        e.edge = network.edges[e.edge_index]
        notes.append(f"edge {e.edge_index} is {e.edge!r}")
    if notes:
        e.args = (f"{e.args[0]} ({'; '.join(notes)} in the graph's labels)",)
