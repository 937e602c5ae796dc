#!/bin/sh
# Energy cost of memory: sweep the Markov ladder's drive gamma and print, per gamma, the
# dissipation rate sigma (k_B T per time unit per edge), the kernel's area (its adaptation
# error at first moment -1) and the offset that a background signal adds to the update per
# period (plnet probe). Smaller gamma: more dissipation, smaller offset.
# usage: sweep.sh [PLNET]   (default: plnet on the PATH)
set -eu
plnet=${1:-plnet}
tau=0.02
echo "gamma,sigma,area,offset"
for gamma in 1.0 0.5 0.2 0.1 0.05 0.02 0.01 0.005; do
    mem=$("$plnet" memory --kind markov_ladder --tau $tau --gamma $gamma --t-max 0)
    sigma=$(printf '%s\n' "$mem" | sed -n 's/^# sigma=\([^ ]*\).*/\1/p')
    area=$(printf '%s\n' "$mem" | sed -n 's/^# area=\([^ ]*\) .*/\1/p')
    base=$("$plnet" probe --kind markov_ladder --tau $tau --gamma $gamma --amp-min 3 \
        --amp-max 3 --n-amp 1 --background 0 | tail -n 1 | cut -d, -f2)
    bg=$("$plnet" probe --kind markov_ladder --tau $tau --gamma $gamma --amp-min 3 \
        --amp-max 3 --n-amp 1 --background 0.5 | tail -n 1 | cut -d, -f2)
    offset=$(awk -v a="$bg" -v b="$base" 'BEGIN { d = a - b; if (d < 0) d = -d; print d }')
    echo "$gamma,$sigma,$area,$offset"
done
