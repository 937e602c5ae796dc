#!/usr/bin/env bash
# Install what is missing (Debian), build plnet in build/, and run the main example.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/deps.sh
if [ ! -f build/build.ninja ]; then
    meson setup build --buildtype=debugoptimized
fi
ninja -C build
example=examples/02-flow-allostery-coupled/experiment.yaml
if [ -f "$example" ]; then
    ./build/cli/plnet train "$example" -o runs/02-flow-allostery-coupled
else
    ./build/cli/plnet solve examples/01-resistor-divider/experiment.yaml -o runs/01-resistor-divider
fi
