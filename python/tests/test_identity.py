"""A Python run of each example's YAML gives the same bytes as `plnet train` on the same file:
metrics.csv, network.graphml (the final parameters), predictions.csv, checkpoint.bin and
config.resolved.yaml. The default suite runs each example for a few steps (ending off the
log grid, so the final row of a run is covered too); PLNET_FULL_IDENTITY=1 (the slow suite)
runs every example for its full train.steps."""

import os
import unittest

import csv

from support import RUN_FILES, TempDirTest, example, plnet, plnet_solve, plnet_train, read

# Steps of the short runs: a few log_every periods and an off-grid end, about 0.1 s each.
SHORT_STEPS = {
    "02-flow-allostery-coupled": 120,
    "03-resistor-regression": 1100,
    "04-iris-classification": 300,
    "05-lab-hardware": 250,
    "06-tcl-sawtooth-memory": 15,
    "07-tcl-triangle-control": 15,
    "08-tcl-random-phases": 2500,
    "10-spring-allostery-coupled": 30,
    "11-spring-allostery-tcl": 3,
}
FULL = os.environ.get("PLNET_FULL_IDENTITY") == "1"


class SameRunAsCli(TempDirTest):
    def check(self, name):
        sets = {} if FULL else {"train.steps": SHORT_STEPS[name]}
        plnet_train(example(name), self.path("cli"), [f"{k}={v}" for k, v in sets.items()])
        exp = plnet.Experiment(example(name), set=sets)
        exp.train()
        exp.save(self.path("py"))
        for f in RUN_FILES:
            with self.subTest(file=f):
                self.assertEqual(read(self.path("py", f)), read(self.path("cli", f)),
                                 f"{name}: {f} differs from plnet train's")
        # checkpoint.bin holds the learner's whole state in binary (theta included), so
        # equal bytes are bit-identical final parameters.
        self.assertEqual(exp.steps, sets.get("train.steps", exp._config_steps))


class SameSolveAsCli(TempDirTest):
    def test_01_resistor_divider(self):
        # A configuration without a task opens with learn=False, as plnet solve reads it;
        # potentials.csv holds the potentials at %.17g, so they read back exactly.
        path = example("01-resistor-divider")
        plnet_solve(path, self.path("cli"))
        with open(self.path("cli", "potentials.csv")) as f:
            rows = list(csv.DictReader(f))
        exp = plnet.Experiment(path, learn=False)
        self.assertFalse(exp.learns)
        p = exp.solve()
        self.assertEqual([float(r["potential"]) for r in rows], list(p))
        self.assertEqual([r["role"] for r in rows], exp.roles)
        with self.assertRaises(RuntimeError):
            exp.train()
        with self.assertRaises(plnet.Error):  # it has no task to learn
            plnet.Experiment(path)


for _name in SHORT_STEPS:
    def _test(self, name=_name):
        self.check(name)
    setattr(SameRunAsCli, "test_" + _name.replace("-", "_"), _test)


if __name__ == "__main__":
    unittest.main()
