#!/usr/bin/python3
"""The Markov ladder's dissipation (SPEC 4, 5) against an independent computation.

The ESA ladder of Lan et al. 2012 as Falk et al. 2025 use it is built here from SPEC 4's text
alone (numpy, not the library's code): two rows (active a_m, inactive i_m) of methylation
levels m = 0..4; a_m -> a_{m-1} at 1, a_m -> a_{m+1} at e gamma; i_m -> i_{m+1} at 1,
i_m -> i_{m-1} at e gamma; between rows at the same m, with
dE(s, m) = 2 (1 - m) + ln((1 + s/18.2) / (1 + s/3000)), a -> i at R e^{dE} and i -> a at R when
dE >= 0, else a -> i at R and i -> a at R e^{-dE}. Its stationary law is the null vector of the
generator (scipy's SVD null space), and Schnakenberg's entropy production is
sigma = sum over unordered pairs {x, y} of (J_xy - J_yx) ln(J_xy / J_yx), J_xy = p_x k(x -> y).

`plnet memory --kind markov_ladder --tau 1` prints sigma at the ledger's signal (default 0,
Falk et al.'s stable_dissipation(gamma, s = 0)) and at the kernel's step s0. Both must agree
with this computation to 1e-6 (relative) for gamma in {0.5, 0.1, 0.01, 1e-3}, and sigma must
vanish at gamma = 1 (detailed balance). Usage: check_ladder_sigma.py PLNET
"""
import math
import subprocess
import sys

import numpy as np
from scipy.linalg import null_space


def ladder(s, gamma, R=25.0):
    """Rates k[x, y] of x -> y over states a_0..a_4 (0..4), i_0..i_4 (5..9)."""
    k = np.zeros((10, 10))
    eg = math.e * gamma
    for m in range(5):
        a, i = m, 5 + m
        if m > 0:
            k[a, a - 1] = 1.0
            k[i, i - 1] = eg
        if m < 4:
            k[a, a + 1] = eg
            k[i, i + 1] = 1.0
        dE = 2.0 * (1.0 - m) + math.log((1.0 + s / 18.2) / (1.0 + s / 3000.0))
        if dE >= 0.0:
            k[a, i], k[i, a] = R * math.exp(dE), R
        else:
            k[a, i], k[i, a] = R, R * math.exp(-dE)
    return k


def sigma(s, gamma):
    k = ladder(s, gamma)
    gen = k.T - np.diag(k.sum(axis=1))  # dp/dt = gen p
    ns = null_space(gen)
    assert ns.shape[1] == 1, "the ladder must have one stationary law"
    p = ns[:, 0] / ns[:, 0].sum()
    assert (p > 0).all()
    tot = 0.0
    for x in range(10):
        for y in range(x + 1, 10):
            jxy, jyx = p[x] * k[x, y], p[y] * k[y, x]
            if jxy > 0 and jyx > 0:
                tot += (jxy - jyx) * math.log(jxy / jyx)
    return tot


def plnet_sigmas(plnet, gamma):
    out = subprocess.run([plnet, "memory", "--kind", "markov_ladder", "--tau", "1",
                          "--gamma", repr(gamma), "--t-max", "0.1"],
                         check=True, capture_output=True, text=True).stdout
    at0 = at_s0 = None
    for line in out.splitlines():
        if line.startswith("# sigma="):
            at0 = float(line.split("=")[1].split()[0])
            assert "at signal 0 " in line, line
        elif line.startswith("# sigma_at_s0="):
            at_s0 = float(line.split("=")[1].split()[0])
            assert "s0=200" in line, line
    assert at0 is not None and at_s0 is not None, out
    return at0, at_s0


def main():
    plnet = sys.argv[1]
    bad = 0
    for gamma in (0.5, 0.1, 0.01, 1e-3):
        want0, want200 = sigma(0.0, gamma), sigma(200.0, gamma)
        got0, got200 = plnet_sigmas(plnet, gamma)
        for what, got, want in (("s=0", got0, want0), ("s=200", got200, want200)):
            rel = abs(got - want) / want
            ok = rel <= 1e-6
            bad += not ok
            print(f"gamma {gamma:g} {what}: plnet {got:.12g}, independent {want:.12g}, "
                  f"rel {rel:.2e} {'ok' if ok else 'FAIL'}")
    want1 = sigma(0.0, 1.0)
    got1, _ = plnet_sigmas(plnet, 1.0)
    ok = abs(got1) < 1e-12 and abs(want1) < 1e-12
    bad += not ok
    print(f"gamma 1 s=0: plnet {got1:.3g}, independent {want1:.3g} {'ok' if ok else 'FAIL'}")
    # The two signals differ (the 19% at gamma = 0.5): the convention matters.
    r = sigma(200.0, 0.5) / sigma(0.0, 0.5)
    print(f"gamma 0.5: sigma(s=200) / sigma(s=0) = {r:.4f}")
    bad += not (r > 1.1)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
