#!/bin/sh
# config_doc.sh [BUILD_DIR] — rewrite the key tables of docs/config.md from the configuration
# table (experiment/config_table.c), as the test 'docs/config.md lists every configuration key'
# expects them.
set -eu
cd "$(dirname "$0")/.."
build=${1:-build}
ninja -C "$build" tests/experiment/config_doc >/dev/null
/usr/bin/python3 tests/experiment/check_config_doc.py "$build/tests/experiment/config_doc" \
    docs/config.md --update
/usr/bin/python3 tests/experiment/check_config_doc.py "$build/tests/experiment/config_doc" \
    docs/config.md
