"""Ctrl-C: SIGINT to a child Python in a long train() raises KeyboardInterrupt there at the
next step, and the experiment is consistent: it checkpoints, resumes and trains on exactly
as an uninterrupted twin does."""

import json
import signal
import subprocess
import sys
import time
import unittest

from support import TempDirTest, example, python_env

CHILD = r"""
import json, sys, time
import numpy as np
import plnet
path, folder = sys.argv[1], sys.argv[2]
exp = plnet.Experiment(path, set={"train.steps": 10**8})
def started(step, row):
    if step == 50:
        print("started", flush=True)
result = {}
try:
    exp.train(callback=started)
    result["interrupted"] = False
except KeyboardInterrupt:
    result["interrupted"] = True
    result["at"] = time.monotonic()
result["steps"] = exp.steps
exp.checkpoint(folder)
back = plnet.Experiment.resume(folder)
exp.train(steps=20)
back.train(steps=20)
twin = plnet.Experiment(path, set={"train.steps": 10**8})
twin.train(steps=result["steps"] + 20)
result["resumed_equal"] = bool(np.array_equal(exp.theta, back.theta))
result["twin_equal"] = bool(np.array_equal(exp.theta, twin.theta)) and all(
    np.array_equal(v, twin.metrics[k]) for k, v in exp.metrics.items())
print(json.dumps(result), flush=True)
"""


class CtrlC(TempDirTest):
    def test_sigint_stops_train_consistently(self):
        child = subprocess.Popen(
            [sys.executable, "-X", "dev", "-c", CHILD, example("02-flow-allostery-coupled"),
             self.path("ck")],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=python_env())
        try:
            self.assertEqual(child.stdout.readline().strip(), "started")
            time.sleep(0.2)
            sent = time.monotonic()
            child.send_signal(signal.SIGINT)
            out, err = child.communicate(timeout=60)
        finally:
            if child.poll() is None:
                child.kill()
                child.wait()
        self.assertEqual(child.returncode, 0, err)
        result = json.loads(out.strip().splitlines()[-1])
        self.assertTrue(result["interrupted"])
        self.assertGreater(result["steps"], 50)
        # Seen within the 50 ms signal check plus a step (a fraction of a millisecond here);
        # 2 s leaves room for a loaded machine.
        self.assertLess(result["at"] - sent, 2.0)
        self.assertTrue(result["resumed_equal"])
        self.assertTrue(result["twin_equal"])


if __name__ == "__main__":
    unittest.main()
