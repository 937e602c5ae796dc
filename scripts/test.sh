#!/usr/bin/env bash
# Build plnet from scratch in DIR (default: build) and run every test suite but the slow one.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build}
./scripts/deps.sh
if [ ! -f "$dir/build.ninja" ]; then
    meson setup "$dir" --buildtype=debugoptimized
fi
ninja -C "$dir"
meson test -C "$dir" --no-suite slow --no-suite bench --print-errorlogs --num-processes 2
