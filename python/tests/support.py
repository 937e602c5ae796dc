"""Shared by the Python tests: where the sources and the plnet program are, and runs of it."""

import os
import subprocess
import sys
import tempfile
import unittest

SOURCE_ROOT = os.environ.get("PLNET_SOURCE_ROOT",
                             os.path.dirname(os.path.dirname(os.path.dirname(
                                 os.path.abspath(__file__)))))
EXAMPLES = os.path.join(SOURCE_ROOT, "examples")
PLNET_EXE = os.environ.get("PLNET_EXE")

import plnet  # noqa: E402  (after the paths, so a failure to import names them)

RUN_FILES = ["metrics.csv", "network.graphml", "predictions.csv", "checkpoint.bin",
             "config.resolved.yaml"]


def example(name):
    """The experiment file of an example folder."""
    return os.path.join(EXAMPLES, name, "experiment.yaml")


def plnet_train(config, out_dir, sets=(), resume=False):
    """`plnet train CONFIG -o DIR --set ...` (or --resume DIR); raises on failure."""
    if PLNET_EXE is None:
        raise unittest.SkipTest("PLNET_EXE is not set (run the tests through meson test)")
    args = [PLNET_EXE, "train", config, "-q"]
    for s in sets:
        args += ["--set", s]
    args += ["--resume", out_dir] if resume else ["-o", out_dir]
    r = subprocess.run(args, capture_output=True, text=True)
    if r.returncode != 0:
        raise AssertionError(f"{' '.join(args)} failed ({r.returncode}): {r.stderr}")


def plnet_solve(config, out_dir):
    """`plnet solve CONFIG -o DIR`; raises on failure."""
    if PLNET_EXE is None:
        raise unittest.SkipTest("PLNET_EXE is not set (run the tests through meson test)")
    args = [PLNET_EXE, "solve", config, "-o", out_dir]
    r = subprocess.run(args, capture_output=True, text=True)
    if r.returncode != 0:
        raise AssertionError(f"{' '.join(args)} failed ({r.returncode}): {r.stderr}")


def read(path):
    with open(path, "rb") as f:
        return f.read()


class TempDirTest(unittest.TestCase):
    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="plnet-py-")
        self.tmp = self._tmp.name

    def tearDown(self):
        self._tmp.cleanup()

    def path(self, *parts):
        return os.path.join(self.tmp, *parts)


def python_env():
    """The environment of a child Python that imports the same plnet."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
    return env
