"""plnet — physical learning networks from Python.

Resistor, flow and spring networks that learn in place (coupled learning, equilibrium
propagation, temporal contrastive learning), simulated by the plnet C library. An experiment
is the YAML file of `plnet train` (docs/config.md), or a dict of the same keys:

    import plnet
    exp = plnet.Experiment("examples/02-flow-allostery-coupled/experiment.yaml",
                           set={"learning.rate": 0.2})
    exp.train()                      # train.steps steps, as `plnet train` runs them
    exp.metrics["train_error"]       # numpy arrays keyed by metrics.csv's columns
    exp.save("runs/allostery")       # the files of `plnet train`

    G = networkx.grid_2d_graph(4, 4); networkx.set_edge_attributes(G, 1.0, "conductance")
    sol = plnet.solve(plnet.Network.from_networkx(G),
                      {"ground": [(0, 0)], "potentials": {(3, 3): 1.0}})

Threads: every computation (construction after the graph, steps, solves, evaluations, file
writes) runs without the GIL; the graph generators run with it held, since igraph 0.10's
error handlers and random generator are process-global. One experiment is used by one
thread at a time (another thread's call raises RuntimeError while it is busy). Ctrl-C stops
a train() between two steps with KeyboardInterrupt, the experiment left consistent (it can
train on, save or checkpoint).

Errors of the library and of the configuration reader raise plnet.Error (a ValueError)
with attributes status, message, key, node, edge and location.
"""

import os

import numpy as np

from . import _yaml
from ._network import Network, Solution, solve
from ._plnet import Error, _Experiment, library_version

__all__ = ["Experiment", "Network", "Solution", "solve", "Error", "__version__"]
__version__ = library_version


class Experiment(_Experiment):
    """An experiment: graph, roles, network, task and learner, as `plnet train` builds it.

    Experiment(source, set=None, *, base_dir=None, learn=True)

    source: the path of a YAML experiment file, or a dict of the same keys (nested dicts or
    dotted keys, {"network": {"kind": "flow"}} or {"network.kind": "flow"}). A dict is
    written as YAML and read by the same reader as a file, so the two mean exactly the same
    and are checked alike; relative file paths in a dict (task.data, network.graph.file)
    resolve against base_dir (default: the working directory), in a file against the
    file's folder. A dict without "name" is named "experiment".

    set: {dotted key: value} overrides, the CLI's --set: each replaces or creates its key
    before the configuration is read ({"learning.rate": 0.2, "network.graph.size": [16,
    16]}); values are Python values (a str stays a string). Errors about an overridden
    value name it ("set learning.rate=-1: ...") instead of a line.

    learn=False builds the network only, as `plnet solve` does (a configuration without a
    task, such as example 01, opens only so): solve(), edges, roles, boundary and config
    work; learning calls raise RuntimeError.

    Raises plnet.Error for a configuration or set-up the reader or the library refuses
    (location 'file.yaml:LINE:COL' or the override; key; node or edge), FileNotFoundError
    for a missing file.

    Units: potentials in V (pressures for flow), currents in A, positions and lengths in m,
    conductances in S, stiffnesses in N/m, energies in J, powers in W; exp.units gives each
    metrics column's unit.
    """

    def __init__(self, source, set=None, *, base_dir=None, learn=True):
        sets = _yaml.overrides(set)
        if isinstance(source, (str, bytes, os.PathLike)):
            if not os.path.isfile(source):
                raise FileNotFoundError(2, "no such experiment file", os.fsdecode(source))
            super().__init__(os.fspath(source), sets=sets, learn=learn)
        elif hasattr(source, "items"):
            config = _yaml.expand(source)
            config.setdefault("name", "experiment")
            text = _yaml.to_yaml(config)
            super().__init__(text=text, name="<dict>",
                             base_dir=os.fspath(base_dir) if base_dir is not None
                             else os.getcwd(), sets=sets, learn=learn)
        else:
            raise TypeError("Experiment(source): a YAML file path or a dict, "
                            f"not {type(source).__name__}")

    # ------------------------------------------------------------- running

    def train(self, steps=None, callback=None):
        """Train, without the GIL, and return the last metrics row (a dict).

        steps: None trains until the step count reaches the configuration's train.steps
        (as `plnet train`, so a resumed experiment finishes its run); a number trains that
        many more steps. callback(step, row) is called (with the GIL) each time a metrics
        row is logged, every train.log_every steps, with the row as a dict; returning False
        stops the run after that step. An exception in the callback, or Ctrl-C
        (KeyboardInterrupt, seen at the next step), stops the run and propagates, the
        experiment consistent. At the end the last step's row is logged when it is off the
        log grid (as `plnet train` does; stepping on drops it again).
        """
        if steps is None:
            until = self._config_steps
        else:
            if isinstance(steps, bool) or int(steps) != steps or steps < 0:
                raise ValueError(f"steps must be a non-negative integer, not {steps!r}")
            until = self.steps + int(steps)
        self._run(until, callback)
        self._finish()
        return self.last_row()

    @property
    def train_steps(self):
        """The configuration's train.steps (where train() stops by default)."""
        return self._config_steps

    def last_row(self):
        """The last logged metrics row as a dict (column -> value; the step an int)."""
        rows = self._rows
        names = [c for c, _ in self._columns]
        return {c: (int(v) if c == "step" else float(v)) for c, v in zip(names, rows[-1])}

    # ------------------------------------------------------------- results

    @property
    def metrics(self):
        """The logged metrics rows: {column: numpy array}, the columns of metrics.csv (step
        as int64; units in exp.units). Rows: step 0, every train.log_every steps and the
        last step of a train()."""
        rows = self._rows
        out = {}
        for k, (name, _) in enumerate(self._columns):
            col = rows[:, k].copy()
            out[name] = col.astype(np.int64) if name == "step" else col
        return out

    @property
    def units(self):
        """{column: unit} of the metrics ('1' for counts and ratios, 'W', 'J', 'bit', ...)."""
        return dict(self._columns)

    def solve(self, full=False):
        """The free state with the configured boundary (inputs at their values) and the
        current theta: node potentials (n,) in V, or positions (n, d) in m for springs.
        full=True returns a dict with state, power (W; springs: elastic energy, J),
        supplied (W) and newton_iterations."""
        state, power, supplied, iterations = self._solve()
        if full:
            return {"state": state, "power": power, "supplied": supplied,
                    "newton_iterations": iterations}
        return state

    def outputs(self, split="test"):
        """Free-state outputs of every example of a split ('train' or 'test'), shape
        (examples, outputs): V, or m and strain for springs."""
        return self._outputs(split)

    def evaluate(self, split="test"):
        """{'examples', 'loss', 'error', 'accuracy'} of a split with the current theta (no
        learning, no random draws); accuracy is NaN unless the task is a classification."""
        return self._evaluate(split)

    # ------------------------------------------------------------- files

    def save(self, directory):
        """Write the run files of `plnet train` into directory (created if needed):
        metrics.csv, checkpoint.bin, network.graphml, predictions.csv and
        config.resolved.yaml, atomically. Logs the last step's row first when it is off the
        log grid, as the end of a train() does."""
        os.makedirs(directory, exist_ok=True)
        self._finish()
        self._save_files(directory)

    def checkpoint(self, directory):
        """Write a resumable run folder: config.resolved.yaml, checkpoint.bin and
        metrics.csv (what `plnet train --resume DIR` and Experiment.resume read)."""
        os.makedirs(directory, exist_ok=True)
        self._write_config(os.path.join(directory, "config.resolved.yaml"))
        self._write_metrics(os.path.join(directory, "metrics.csv"))
        self._write_checkpoint(os.path.join(directory, "checkpoint.bin"))

    @classmethod
    def resume(cls, path, config=None, set=None, *, base_dir=None):
        """The experiment of a run folder (Experiment.checkpoint's, or `plnet train`'s)
        restored from its checkpoint.bin: training on continues bit for bit.

        path: the folder, or a checkpoint file. config: the configuration (file or dict)
        the run was made with; default the folder's config.resolved.yaml. set: overrides
        (the run's own; train.steps, train.checkpoint_every and output.dir may differ). A
        checkpoint of another configuration is refused (plnet.Error, key 'fingerprint')."""
        if os.path.isdir(path):
            folder, ckpt = path, os.path.join(path, "checkpoint.bin")
        else:
            folder, ckpt = os.path.dirname(path) or ".", path
        if config is None:
            config = os.path.join(folder, "config.resolved.yaml")
        exp = cls(config, set=set, base_dir=base_dir)
        if not os.path.isfile(ckpt):
            raise FileNotFoundError(2, "no checkpoint", ckpt)
        exp._read_checkpoint(ckpt)
        return exp

    def __repr__(self):
        try:
            head = (f"<plnet.Experiment {self.name!r}: {self.kind}, {self.n_nodes} nodes, "
                    f"{len(self.edges)} edges")
            return head + (f", step {self.steps}>" if self.learns else ", network only>")
        except RuntimeError:
            return "<plnet.Experiment (busy or not initialised)>"
