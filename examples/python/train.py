#!/usr/bin/env python3
"""Train a plnet experiment from Python and draw its learning curve.

    PYTHONPATH=build/python /usr/bin/python3 examples/python/train.py [CONFIG.yaml]
        [--set KEY=VALUE]... [-o DIR] [--csv]

Trains CONFIG (default: example 02, a flow network learning allostery by coupled
learning) exactly as `plnet train` would, writes the run files into DIR (default
runs/python-<name>), and draws curves.png there: the train and test error against the step
and the energy ledger's cumulated Joule heat and Landauer floor. Without matplotlib (or with
--csv) it writes curves.csv with the same columns instead. Exits 1 unless the train error
fell at least a hundredfold (the claim of examples 02, 03, 05, 06 and 10).
"""

import argparse
import os
import sys

import numpy as np

import plnet

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT = os.path.join(HERE, "..", "02-flow-allostery-coupled", "experiment.yaml")


def parse_value(text):
    """A --set value as a Python value: a number when it reads as one, else the text."""
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return {"true": True, "false": False}.get(text, text)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("config", nargs="?", default=DEFAULT)
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    ap.add_argument("-o", "--output")
    ap.add_argument("--csv", action="store_true", help="write curves.csv, not a picture")
    args = ap.parse_args()
    sets = {}
    for s in args.set:
        key, _, value = s.partition("=")
        sets[key] = parse_value(value)

    exp = plnet.Experiment(args.config, set=sets)
    out = args.output or os.path.join("runs", "python-" + exp.name)
    print(f"{exp!r}: {exp.n_theta} learning degrees of freedom, {exp.train_steps} steps")

    def progress(step, row):
        if sys.stdout.isatty():
            print(f"\r  step {step:6d}  train error {row['train_error']:.3e}", end="",
                  flush=True)

    first = exp.metrics["train_error"][0]
    last = exp.train(callback=progress)
    print(f"{chr(10) if sys.stdout.isatty() else ''}  train error {first:.3e} -> {last['train_error']:.3e}, "
          f"Joule heat {last['joule_total']:.4g} J, Landauer floor "
          f"{last['landauer_total']:.4g} J")
    exp.save(out)

    m, units = exp.metrics, exp.units
    columns = ["step", "train_error", "test_error", "joule_total", "landauer_total"]
    picture = None
    if not args.csv:
        try:
            import matplotlib
            matplotlib.use("Agg")
            import matplotlib.pyplot as plt
        except ImportError:
            plt = None
        if plt is not None:
            fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4))
            for col in ("train_error", "test_error"):
                ax1.semilogy(m["step"], m[col], label=col.replace("_", " "))
            ax1.set_xlabel("step")
            ax1.set_ylabel(f"error ({units['train_error']})")
            ax1.legend()
            for col in ("joule_total", "landauer_total"):
                ax2.loglog(m["step"][1:], m[col][1:], label=col.replace("_", " "))
            ax2.set_xlabel("step")
            ax2.set_ylabel("energy (J)")
            ax2.legend()
            fig.suptitle(f"{exp.name}: {exp.kind} network")
            fig.tight_layout()
            picture = os.path.join(out, "curves.png")
            fig.savefig(picture, dpi=100)
    if picture is None:
        path = os.path.join(out, "curves.csv")
        np.savetxt(path, np.column_stack([m[c] for c in columns]), delimiter=",",
                   header=",".join(columns), comments="", fmt="%.17g")
        print(f"curves in {path}")
    else:
        print(f"curves in {picture}")
    print(f"run files in {out}/")
    return 0 if last["train_error"] <= 1e-2 * first else 1


if __name__ == "__main__":
    sys.exit(main())
