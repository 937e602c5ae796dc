"""plnet.Experiment: a dict means what its file means, set= what editing the file means;
theta read and written between steps (checked against a dense solve), refused values leave
the experiment unchanged; metrics, outputs, callbacks, errors, checkpoints (with the CLI
both ways) and the GIL."""

import math
import os
import tempfile
import threading
import time
import unittest

import numpy as np
import yaml

from support import (RUN_FILES, TempDirTest, example, plnet, plnet_train, read)

ALLOSTERY = example("02-flow-allostery-coupled")
IRIS = example("04-iris-classification")

# Dense solve against CHOLMOD on an 8 x 8 lattice whose conductances span [1e-3, 1e3]: the
# reduced Laplacian's condition number is below 1e8, so both agree to about 1e-16 * 1e8;
# 1e-8 of the largest potential leaves room without hiding a wrong theta (which moves the
# potentials by 1e-2 and more).
DENSE_RTOL = 1e-8


class Yaml12Loader(yaml.SafeLoader):
    """PyYAML reads YAML 1.1, where 1e-3 (no dot) is a string; plnet reads it as a number."""


Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    __import__("re").compile(r"^[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$"),
    list("-+0123456789."))


def load_yaml(path):
    with open(path) as f:
        return yaml.load(f, Loader=Yaml12Loader)


def dense_potentials(exp, theta):
    """Node potentials of a resistor or flow network with conductances theta (one per
    edge), from a dense solve of the Laplacian with the fixed nodes eliminated and the
    injected currents on the right-hand side (SPEC 1.1)."""
    n = exp.n_nodes
    L = np.zeros((n, n))
    for (t, h), k in zip(exp.edges, theta):
        L[t, t] += k
        L[h, h] += k
        L[t, h] -= k
        L[h, t] -= k
    b = exp.boundary
    self_fixed = np.zeros(n, dtype=bool)
    p = np.zeros(n)
    self_fixed[b["fixed_nodes"]] = True
    p[b["fixed_nodes"]] = b["fixed_values"]
    rhs = np.zeros(n)
    rhs[b["current_nodes"]] += b["current_values"]
    free = ~self_fixed
    rhs = rhs - L[:, self_fixed] @ p[self_fixed]
    p[free] = np.linalg.solve(L[np.ix_(free, free)], rhs[free])
    return p


class DictAndSet(unittest.TestCase):
    """A dict is read by the same reader as a file; set= equals editing the file."""

    def check_same(self, a, b):
        a.train(steps=60)
        b.train(steps=60)
        np.testing.assert_array_equal(a.theta, b.theta)
        for col, v in a.metrics.items():
            np.testing.assert_array_equal(v, b.metrics[col], err_msg=col)
        self.assertEqual(a.config, b.config)

    def test_dict_equals_file(self):
        for path in (ALLOSTERY, IRIS):
            with self.subTest(example=path):
                d = load_yaml(path)
                self.check_same(plnet.Experiment(path),
                                plnet.Experiment(d, base_dir=os.path.dirname(path)))

    def test_dotted_keys_equal_nested(self):
        d = load_yaml(ALLOSTERY)
        flat = {k: v for k, v in d.items() if k != "learning"}
        flat["learning.rule"] = d["learning"]["rule"]
        flat["learning.rate"] = d["learning"]["rate"]
        flat["learning.nudge"] = d["learning"]["nudge"]
        self.check_same(plnet.Experiment(d), plnet.Experiment(flat))

    def test_set_equals_editing(self):
        d = load_yaml(IRIS)
        edited = dict(d, learning=dict(d["learning"], rate=0.2),
                      train=dict(d["train"], batch=3))
        a = plnet.Experiment(IRIS, set={"learning.rate": 0.2, "train.batch": 3})
        b = plnet.Experiment(edited, base_dir=os.path.dirname(IRIS))
        self.check_same(a, b)
        # and it changed something: the unedited run differs
        c = plnet.Experiment(IRIS)
        c.train(steps=60)
        self.assertFalse(np.array_equal(a.theta, c.theta))

    def test_set_equals_editing_the_file(self):
        with open(ALLOSTERY) as f:
            text = f.read()
        self.assertEqual(text.count("rate: 0.5"), 1)
        with tempfile.TemporaryDirectory(prefix="plnet-py-") as tmp:
            edited = os.path.join(tmp, "edited.yaml")
            with open(edited, "w") as f:
                f.write(text.replace("rate: 0.5", "rate: 0.2"))
            self.check_same(plnet.Experiment(ALLOSTERY, set={"learning.rate": 0.2}),
                            plnet.Experiment(edited))

    def test_string_is_not_a_number(self):
        with self.assertRaises(plnet.Error) as cm:
            plnet.Experiment({"learning.rate": "0.2"})
        self.assertEqual(cm.exception.key, "learning.rate")

    def test_two_spellings_of_a_key(self):
        with self.assertRaises(plnet.Error) as cm:
            plnet.Experiment({"learning": {"rate": 0.1}, "learning.rate": 0.2})
        self.assertEqual(cm.exception.key, "learning.rate")

    def test_nan_in_dict(self):
        with self.assertRaises(plnet.Error) as cm:
            plnet.Experiment({"learning.rate": float("nan")})
        self.assertEqual(cm.exception.key, "learning.rate")


class Errors(TempDirTest):
    def test_file_location(self):
        bad = self.path("bad.yaml")
        with open(bad, "w") as f:
            f.write("learning:\n  rate: 0.1\nnetwork: {kind: flwo}\n")
        with self.assertRaises(plnet.Error) as cm:
            plnet.Experiment(bad)
        e = cm.exception
        self.assertIsInstance(e, ValueError)
        self.assertEqual(e.location, f"{bad}:3:17")
        self.assertEqual(e.key, "network.kind")
        self.assertIn("flwo", str(e))

    def test_override_location(self):
        with self.assertRaises(plnet.Error) as cm:
            plnet.Experiment(ALLOSTERY, set={"learning.rate": -1})
        e = cm.exception
        self.assertEqual(e.location, "set learning.rate=-1")
        self.assertEqual(e.key, "learning.rate")
        self.assertTrue(str(e).startswith("set learning.rate=-1: "))

    def test_library_error_names_key_and_location(self):
        with self.assertRaises(plnet.Error) as cm:
            plnet.Experiment(ALLOSTERY, set={"task.outputs.nodes": [22, 900]})
        e = cm.exception
        self.assertEqual(e.key, "task.outputs.nodes[1]")
        self.assertEqual(e.location, "set task.outputs.nodes=[22, 900]")
        self.assertEqual(e.status, "EINVAL")

    def test_floating_component(self):
        # Two components, the second with nothing fixed: refused at boundary.ground.
        edges = self.path("two.txt")
        with open(edges, "w") as f:
            f.write("0 1\n1 2\n3 4\n")
        cfg = {"network.graph.file": "two.txt", "boundary.ground": [0],
               "task": {"kind": "allostery", "inputs": {"nodes": [2], "values": [1.0]},
                        "outputs": {"nodes": [4]}, "targets": [0.5]}}
        with self.assertRaises(plnet.Error) as cm:
            plnet.Experiment(cfg, base_dir=self.tmp)
        e = cm.exception
        self.assertEqual(e.key, "boundary.ground")
        self.assertIn("nodes 3, 4", e.message)
        self.assertTrue(e.location.startswith("<dict>:"))

    def test_missing_file(self):
        with self.assertRaises(FileNotFoundError):
            plnet.Experiment(self.path("none.yaml"))


class Theta(unittest.TestCase):
    def setUp(self):
        self.exp = plnet.Experiment(ALLOSTERY)

    def test_theta_is_a_copy(self):
        t = self.exp.theta
        t[:] = 7.0
        self.assertFalse(np.any(self.exp.theta == 7.0))

    def test_set_theta_changes_the_solve(self):
        exp = self.exp
        rng = np.random.default_rng(11)
        before = exp.solve()
        np.testing.assert_allclose(before, dense_potentials(exp, exp.theta),
                                   rtol=0, atol=DENSE_RTOL * np.abs(before).max())
        theta = rng.uniform(0.01, 10.0, exp.n_theta)
        exp.theta = theta
        np.testing.assert_array_equal(exp.theta, theta)
        after = exp.solve()
        want = dense_potentials(exp, theta)
        np.testing.assert_allclose(after, want, rtol=0, atol=DENSE_RTOL * np.abs(want).max())
        self.assertGreater(np.abs(after - before).max(), 1e-3)

    def test_set_theta_between_steps_takes_effect(self):
        # The coupled rule has no state but theta: a step from theta T gives the same
        # theta whether T was set on a fresh experiment or after a step of another.
        theta = np.random.default_rng(3).uniform(0.5, 1.5, self.exp.n_theta)
        a = self.exp
        a.step()
        a.theta = theta
        a.step()
        b = plnet.Experiment(ALLOSTERY)
        b.theta = theta
        b.step()
        np.testing.assert_array_equal(a.theta, b.theta)
        self.assertFalse(np.array_equal(a.theta, theta))

    def test_bad_theta_refused_and_nothing_changes(self):
        exp = self.exp
        ref = plnet.Experiment(ALLOSTERY)
        exp.step()
        ref.step()
        good = exp.theta
        m = exp.n_theta
        nan = good.copy()
        nan[5] = math.nan
        big = good.copy()
        big[7] = 1e9  # above network.conductance.max (1e3)
        cases = [
            (np.ones(m - 1), ValueError, "values"),
            (np.ones((m, 1)), ValueError, "dimension"),
            (np.ones(m, dtype=complex), TypeError, "real"),
            (np.array(["1"] * m), TypeError, "real"),
            (np.ones(m, dtype=bool), TypeError, "real"),
            ([1.0] * m + [2.0], ValueError, "values"),
            (nan, plnet.Error, ""),
            (big, plnet.Error, ""),
        ]
        for value, exc, words in cases:
            with self.subTest(value=repr(value)[:40]):
                with self.assertRaises(exc) as cm:
                    exp.theta = value
                self.assertIn(words, str(cm.exception))
                np.testing.assert_array_equal(exp.theta, good)
        with self.assertRaises(plnet.Error) as cm:
            exp.theta = nan
        self.assertEqual(cm.exception.edge, 5)
        # Unchanged: the next step is the reference's.
        exp.step()
        ref.step()
        np.testing.assert_array_equal(exp.theta, ref.theta)
        for col, v in exp.metrics.items():
            np.testing.assert_array_equal(v, ref.metrics[col], err_msg=col)

    def test_integer_array_accepted(self):
        self.exp.theta = np.ones(self.exp.n_theta, dtype=np.int32)
        np.testing.assert_array_equal(self.exp.theta, np.ones(self.exp.n_theta))


class Running(TempDirTest):
    def test_metrics_are_the_csv(self):
        exp = plnet.Experiment(ALLOSTERY, set={"train.steps": 120})
        row = exp.train()
        exp.save(self.path("run"))
        with open(self.path("run", "metrics.csv")) as f:
            header = f.readline().strip().split(",")
            data = np.array([[float(x) for x in line.split(",")] for line in f])
        self.assertEqual(list(exp.metrics), header)
        self.assertEqual(list(exp.units), header)
        for k, col in enumerate(header):
            np.testing.assert_array_equal(exp.metrics[col], data[:, k], err_msg=col)
        self.assertEqual(list(exp.metrics["step"]), [0, 50, 100, 120])
        self.assertEqual(row["step"], 120)
        self.assertEqual(exp.units["joule_total"], "J")

    def test_train_steps_count_on(self):
        exp = plnet.Experiment(ALLOSTERY)
        exp.train(steps=30)
        exp.train(steps=30)
        self.assertEqual(exp.steps, 60)
        # the off-grid row of the first train() is dropped again: rows 0, 50, 60
        self.assertEqual(list(exp.metrics["step"]), [0, 50, 60])
        straight = plnet.Experiment(ALLOSTERY)
        straight.train(steps=60)
        np.testing.assert_array_equal(exp.theta, straight.theta)
        for col, v in exp.metrics.items():
            np.testing.assert_array_equal(v, straight.metrics[col], err_msg=col)

    def test_callback_rows_and_stop(self):
        seen = []

        def cb(step, row):
            seen.append((step, row["step"], row["train_error"]))
            return step < 100

        exp = plnet.Experiment(ALLOSTERY)
        exp.train(steps=30)  # ends with an off-grid row, dropped at the next step
        exp.train(callback=cb)
        self.assertEqual([s for s, _, _ in seen], [50, 100])
        self.assertEqual([r for _, r, _ in seen], [50, 100])
        self.assertEqual(exp.steps, 100)
        self.assertEqual(seen[1][2], exp.metrics["train_error"][2])  # rows 0, 50, 100

    def test_callback_exception_propagates_and_run_goes_on(self):
        def cb(step, row):
            raise ZeroDivisionError("from the callback")

        exp = plnet.Experiment(ALLOSTERY)
        with self.assertRaises(ZeroDivisionError):
            exp.train(callback=cb)
        self.assertEqual(exp.steps, 50)
        exp.train(steps=10)
        self.assertEqual(exp.steps, 60)

    def test_callback_cannot_change_the_experiment(self):
        errors = []

        def cb(step, row):
            self.assertEqual(exp.steps, step)  # reads are allowed
            try:
                exp.theta = exp.theta
            except RuntimeError as e:
                errors.append(e)
            return False

        exp = plnet.Experiment(ALLOSTERY)
        exp.train(callback=cb)
        self.assertEqual(len(errors), 1)

    def test_outputs_and_evaluate(self):
        exp = plnet.Experiment(IRIS, set={"train.steps": 50})
        exp.train()
        for split in ("train", "test"):
            o = exp.outputs(split)
            ev = exp.evaluate(split)
            self.assertEqual(o.shape[0], ev["examples"])
            self.assertEqual(o.shape[1], 3)
            self.assertTrue(0.0 <= ev["accuracy"] <= 1.0)
        with self.assertRaises(ValueError):
            exp.outputs("validation")

    def test_gil_released_while_training(self):
        exp = plnet.Experiment(ALLOSTERY)
        span = []
        busy_errors = []

        running = threading.Event()

        def work():
            t0 = time.monotonic()
            exp.train(steps=3000, callback=lambda step, row: running.set())
            span.extend([t0, time.monotonic()])

        t = threading.Thread(target=work)
        stamps = []
        t.start()
        running.wait()
        try:
            exp.step()  # the experiment is the other thread's until its train() returns
        except RuntimeError as e:
            busy_errors.append(e)
        while t.is_alive():
            stamps.append(time.monotonic())
        t.join()
        t0, t1 = span
        inside = sum(1 for s in stamps if t0 + 0.01 < s < t1 - 0.01)
        # With the GIL held through the run this thread could not run between its start and
        # its end (but for the 50 ms signal checks); it ran thousands of times.
        self.assertGreater(t1 - t0, 0.05)
        self.assertGreater(inside, 1000)
        self.assertEqual(len(busy_errors), 1)
        self.assertRegex(str(busy_errors[0]), "busy|callback")


class Checkpoints(TempDirTest):
    def straight(self, steps, sets=None):
        exp = plnet.Experiment(ALLOSTERY, set=dict(sets or {}, **{"train.steps": steps}))
        exp.train()
        return exp

    def test_resume_is_bit_for_bit(self):
        exp = plnet.Experiment(ALLOSTERY, set={"train.steps": 200})
        exp.train(steps=75)
        exp.checkpoint(self.path("ck"))
        back = plnet.Experiment.resume(self.path("ck"))
        self.assertEqual(back.steps, 75)
        back.train()
        ref = self.straight(200)
        np.testing.assert_array_equal(back.theta, ref.theta)
        for col, v in back.metrics.items():
            np.testing.assert_array_equal(v, ref.metrics[col], err_msg=col)

    def test_cli_run_resumed_in_python(self):
        plnet_train(ALLOSTERY, self.path("cli"), ["train.steps=100"])
        back = plnet.Experiment.resume(self.path("cli"), config=ALLOSTERY,
                                       set={"train.steps": 220})
        back.train()
        back.save(self.path("py"))
        plnet_train(ALLOSTERY, self.path("cli220"), ["train.steps=220"])
        for f in ("metrics.csv", "network.graphml", "predictions.csv"):
            self.assertEqual(read(self.path("py", f)), read(self.path("cli220", f)), f)

    def test_python_checkpoint_resumed_by_cli(self):
        exp = plnet.Experiment(ALLOSTERY, set={"train.steps": 220})
        exp.train(steps=100)
        exp.checkpoint(self.path("run"))
        plnet_train(ALLOSTERY, self.path("run"), ["train.steps=220"], resume=True)
        ref = self.straight(220)
        ref.save(self.path("ref"))
        for f in ("metrics.csv", "network.graphml", "predictions.csv"):
            self.assertEqual(read(self.path("run", f)), read(self.path("ref", f)), f)

    def test_other_configuration_refused(self):
        exp = plnet.Experiment(ALLOSTERY)
        exp.train(steps=10)
        exp.checkpoint(self.path("ck"))
        with self.assertRaises(plnet.Error) as cm:
            plnet.Experiment.resume(self.path("ck"), set={"learning.rate": 0.25})
        self.assertEqual(cm.exception.key, "fingerprint")

    def test_save_writes_every_run_file(self):
        exp = plnet.Experiment(ALLOSTERY, set={"train.steps": 20})
        exp.train()
        exp.save(self.path("out", "deeper"))
        for f in RUN_FILES:
            self.assertTrue(os.path.getsize(self.path("out", "deeper", f)) > 0, f)


if __name__ == "__main__":
    unittest.main()
