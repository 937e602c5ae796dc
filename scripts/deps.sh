#!/usr/bin/env bash
# Install the Debian packages plnet needs that are missing (uses sudo when not root).
set -euo pipefail
pkgs=(build-essential meson ninja-build pkg-config libsuitesparse-dev libopenblas-dev
      libigraph-dev libyaml-dev libcriterion-dev ngspice python3 python3-dev python3-numpy
      python3-scipy python3-networkx python3-yaml python3-matplotlib libcairo2-dev clang
      libclang-rt-14-dev openmpi-bin libopenmpi-dev)
missing=()
for p in "${pkgs[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    SUDO=""
    if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi
    echo "installing: ${missing[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
