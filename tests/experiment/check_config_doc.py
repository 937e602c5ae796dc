#!/usr/bin/python3
"""check_config_doc.py CONFIG_DOC DOC_MD [--update]: docs/config.md lists every configuration
key of the table, and nothing else: each `<!-- keys: SECTION -->` ... `<!-- /keys -->` block
must equal the table config_doc prints for that section, and every section must have its
block. With --update the blocks are rewritten from the table (scripts/config_doc.sh)."""
import re
import subprocess
import sys

prog, doc = sys.argv[1], sys.argv[2]
update = "--update" in sys.argv[3:]
blocks = re.findall(r"(<!-- keys: (\S+) -->\n.*?<!-- /keys -->\n)",
                    subprocess.run([prog], capture_output=True, text=True, check=True).stdout,
                    flags=re.S)
want = {name: text for text, name in blocks}
text = open(doc, encoding="utf-8").read()
have = {m.group(2): m.group(1) for m in
        re.finditer(r"(<!-- keys: (\S+) -->\n.*?<!-- /keys -->\n)", text, flags=re.S)}
bad = 0
for name in want:
    if name not in have:
        print(f"{doc}: no block <!-- keys: {name} --> (its keys are not documented)")
        bad = 1
    elif have[name] != want[name]:
        if update:
            text = text.replace(have[name], want[name])
        else:
            print(f"{doc}: the table of '{name}' differs from the configuration table; "
                  f"run scripts/config_doc.sh. Expected:\n{want[name]}")
            bad = 1
for name in have:
    if name not in want:
        print(f"{doc}: block '{name}' is not a section of the configuration table")
        bad = 1
if update:
    open(doc, "w", encoding="utf-8").write(text)
    sys.exit(0 if all(n in have for n in want) else 1)
n_keys = sum(len(re.findall(r"^\| `", b, flags=re.M)) for b in want.values())
print(f"{doc}: {n_keys} keys in {len(want)} sections" + (", all documented" if not bad else ""))
sys.exit(bad)
