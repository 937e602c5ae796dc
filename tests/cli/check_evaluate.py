#!/usr/bin/python3
"""check_evaluate.py RUN EVAL_DIR TOLERANCE NETLIST... -- plnet evaluate against numpy.

Recomputes, independently of plnet's solver and of its graph reader, the test error of every
sample of `plnet evaluate --values`: the network's topology and the inputs of each test
example are read from `plnet export --spice RUN --example i` netlists (the i-th NETLIST is
test example i), the perturbed conductances from tolerance_values.csv, the targets from
predictions.csv; each sample's Kirchhoff system is solved densely with numpy. Also checks
that every resistance is off by at most the tolerance, that the draws look uniform on
[-T, T], and the summary's statistics. Exit 0 when everything agrees."""
import csv
import re
import sys

import numpy as np


def rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def read_netlist(path):
    """(edges [(e, a, b, R)], fixed {node: V}, outputs [node]); node -1 is SPICE's 0."""
    edges, fixed, outputs = [], {}, []
    with open(path) as f:
        title = f.readline()
        m = re.search(r"outputs at ([n0-9, ]+)", title)
        outputs = [int(t.strip()[1:]) for t in m.group(1).split(",")]
        for line in f:
            tok = line.split()
            if not tok or tok[0].startswith("*") or tok[0].startswith("."):
                continue
            node = lambda t: -1 if t == "0" else int(t[1:])
            if tok[0][0] == "R":
                edges.append((int(tok[0][1:]), node(tok[1]), node(tok[2]), float(tok[3])))
            elif tok[0][0] == "V":
                assert node(tok[2]) == -1, line
                fixed[node(tok[1])] = float(tok[-1])
            else:
                raise SystemExit(f"{path}: unexpected element: {line}")
    return edges, fixed, outputs


def solve(n, edges, g, fixed):
    """Potentials of n nodes (ground, index -1, at 0 V) by a dense solve of KCL."""
    L = np.zeros((n + 1, n + 1))
    for (e, a, b, _), ge in zip(edges, g):
        a, b = a % (n + 1), b % (n + 1)  # ground -> row n
        L[a, a] += ge
        L[b, b] += ge
        L[a, b] -= ge
        L[b, a] -= ge
    known = {n: 0.0}
    known.update({i: v for i, v in fixed.items()})
    used = {a % (n + 1) for _, a, _, _ in edges} | {b % (n + 1) for _, _, b, _ in edges}
    free = [i for i in sorted(used) if i not in known]  # nodes without edges are left out
    kn = list(known)
    p = np.zeros(n + 1)
    p[kn] = [known[i] for i in kn]
    A = L[np.ix_(free, free)]
    rhs = -L[np.ix_(free, kn)] @ p[kn]
    p[free] = np.linalg.solve(A, rhs)
    return p


def main():
    run, evald, tol = sys.argv[1], sys.argv[2], float(sys.argv[3])
    nets = [read_netlist(p) for p in sys.argv[4:]]
    edges, _, outputs = nets[0]
    n = 1 + max(max(a, b) for _, a, b, _ in edges)
    for e, f, o in nets[1:]:
        assert [x[:3] for x in e] == [x[:3] for x in edges] and o == outputs
    pred = [r for r in rows(f"{run}/predictions.csv") if r["split"] == "test"]
    assert len(pred) == len(nets), (len(pred), len(nets))
    targets = np.array([[float(r[f"target_{j}"]) for j in range(len(outputs))] for r in pred])
    vals = rows(f"{evald}/tolerance_values.csv")
    errs = rows(f"{evald}/tolerance.csv")
    S = len(errs)
    m = len(edges)
    assert len(vals) == S * m, (len(vals), S, m)
    assert all(v["unit"] == "S" for v in vals)
    g = np.array([float(v["value"]) for v in vals]).reshape(S, m)
    r_trained = np.array([R for *_, R in sorted(edges)])
    d = (1.0 / g) / r_trained - 1.0  # each resistance's relative error
    worst = 0.0
    for s in range(S):
        order = [e for e, *_ in edges]
        gs = g[s, order]
        err = 0.0
        for i, (_, fixed, _) in enumerate(nets):
            p = solve(n, edges, gs, fixed)
            o = p[outputs]
            err += 0.5 * np.sum((o - targets[i]) ** 2)
        err /= len(nets)
        got = float(errs[s]["test_error_V2"])
        rel = abs(got - err) / err
        worst = max(worst, rel)
        assert rel < 1e-8, f"sample {s}: plnet {got!r} V^2, numpy {err!r} V^2"
    assert np.all(np.abs(d) <= tol * (1 + 1e-12)), np.abs(d).max()
    # Uniform on [-T, T]: mean 0, standard deviation T / sqrt(3), reaching both ends.
    k = d.size
    assert abs(d.mean()) < 5 * tol / np.sqrt(3 * k), d.mean()
    assert abs(d.std() / (tol / np.sqrt(3)) - 1) < 0.1, d.std()
    assert d.min() < -0.9 * tol and d.max() > 0.9 * tol
    # The summary.
    e = np.array([float(r["test_error_V2"]) for r in errs])
    summ = rows(f"{evald}/tolerance_summary.csv")[0]
    want = {"mean_V2": e.mean(), "std_V2": e.std(ddof=1), "min_V2": e.min(),
            "max_V2": e.max(), "median_V2": np.median(e),
            "q05_V2": np.quantile(e, 0.05), "q95_V2": np.quantile(e, 0.95),
            "q25_V2": np.quantile(e, 0.25), "q75_V2": np.quantile(e, 0.75)}
    for key, w in want.items():
        assert abs(float(summ[key]) - w) <= 1e-12 * abs(w), (key, summ[key], w)
    assert int(summ["samples"]) == S and float(summ["tolerance_1"]) == tol
    print(f"evaluate: {S} samples x {len(nets)} test examples agree with numpy "
          f"(worst relative difference {worst:.2g}); resistances off by up to "
          f"{np.abs(d).max():.4f} (tolerance {tol}), std {d.std():.4f} "
          f"(uniform: {tol / np.sqrt(3):.4f})")


if __name__ == "__main__":
    main()
