#!/usr/bin/python3
"""check_error_keys.py ERROR_KEYS SOURCE_ROOT: every option key the library raises an error
with (PLN_FAIL_KEY, pln_i_error with a key, the experiment's own keyed errors) maps to a row of
the configuration table, so the CLI can name its file:line:col. The keys are read from the
sources, so a new error key fails here until it has a row (or a translation in
experiment.c's pln_i_experiment_key)."""
import re
import subprocess
import sys

prog, root = sys.argv[1], sys.argv[2]
dirs = ["graphs", "networks", "solvers", "learning", "experiment"]
patterns = [
    r'PLN_FAIL_KEY\(\s*[^,]+,\s*[^,]+,\s*"([^"]+)"',
    r'pln_i_error\([^;]*?__LINE__\s*,\s*[^,]+,\s*[^,]+,\s*"([^"]+)"',
    r'\bfail_key\(\s*x\s*,\s*[^,]+,\s*"([^"]+)"',
    r'\bbad\(\s*ctx\s*,\s*"([^"]+)"',
    r'\brekey\(\s*x\s*,\s*[^,]+,\s*"([^"]+)"',
]
# Keys that are not configuration keys, each with the reason.
not_config = {
    # Raised with the edge at fault (an element parameter of a netlist's edge): the CLI names
    # the edge.
    "element": "edge-level",
    # A checkpoint's configuration against this run's: plnet train --resume reports it.
    "fingerprint": "checkpoint",
}

import glob
keys = set()
for d in dirs:
    for path in glob.glob(f"{root}/{d}/**/*.c", recursive=True):
        text = open(path, encoding="utf-8").read()
        for p in patterns:
            for k in re.findall(p, text, flags=re.S):
                if "%" not in k:
                    keys.add(k)
check = sorted(k for k in keys if k not in not_config)
if len(check) < 60:
    print(f"only {len(check)} keys found: the patterns no longer match the sources")
    sys.exit(1)
r = subprocess.run([prog] + check, capture_output=True, text=True)
print(r.stdout, end="")
print(f"skipped: {sorted(k for k in keys if k in not_config)}")
sys.exit(r.returncode)
