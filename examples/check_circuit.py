#!/usr/bin/python3
"""check_circuit.py RUN_DIR MODE ...: the claims of the transistor examples, on the files
`plnet train` wrote into RUN_DIR.

  sign              every training example's output has its target's sign (XOR: the output
                    drop is > 0 exactly for the patterns with one input high): prints the
                    accuracy and fails below 100%.
  affine DATA X Y R the last metrics row's training loss (1/2 mean squared error, V^2) is at
                    least R times below the best affine fit of column Y on column X of DATA
                    (the whole data file is the training set: test_fraction 0). Every linear
                    resistor network's output is affine in its input potential, so that fit is
                    a lower bound on the loss of every linear network, the best one of the same
                    graph included.
  twin TWIN_RUN MIN_TEST MARGIN
                    classification: the last row's test accuracy is >= MIN_TEST, and both the
                    train and test accuracies exceed those of TWIN_RUN (the same network
                    without its nonlinear elements, trained the same way) by more than
                    MARGIN."""
import csv
import sys


def rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


run, mode = sys.argv[1], sys.argv[2]
if mode == "sign":
    pred = [r for r in rows(f"{run}/predictions.csv") if r["split"] == "train"]
    right = sum((float(r["output_0"]) > 0) == (float(r["target_0"]) > 0) for r in pred)
    for r in pred:
        print(f"  output {float(r['output_0']):+.6f} V, target {float(r['target_0']):+.3f} V")
    print(f"{run}: {right}/{len(pred)} patterns right ({100.0 * right / len(pred):.0f}%)")
    sys.exit(0 if pred and right == len(pred) else 1)
if mode == "affine":
    data, xc, yc, ratio = sys.argv[3], sys.argv[4], sys.argv[5], float(sys.argv[6])
    d = rows(data)
    x = [float(r[xc]) for r in d]
    y = [float(r[yc]) for r in d]
    n = len(x)
    sx, sy = sum(x), sum(y)
    sxx = sum(v * v for v in x)
    sxy = sum(a * b for a, b in zip(x, y))
    b = (n * sxy - sx * sy) / (n * sxx - sx * sx)
    a = (sy - b * sx) / n
    bound = sum(0.5 * (yi - a - b * xi) ** 2 for xi, yi in zip(x, y)) / n
    last = rows(f"{run}/metrics.csv")[-1]
    loss = float(last["loss"])
    print(f"{run}: training loss {loss:.3g} V^2 at step {last['step']}; best affine fit "
          f"(bound for every linear network) {bound:.3g} V^2: {bound / loss:.1f}x lower "
          f"(need >= {ratio:g}x)")
    sys.exit(0 if loss > 0 and loss * ratio <= bound else 1)
if mode == "twin":
    twin, min_test, margin = sys.argv[3], float(sys.argv[4]), float(sys.argv[5])
    a, b = rows(f"{run}/metrics.csv")[-1], rows(f"{twin}/metrics.csv")[-1]
    acc = [float(a["train_accuracy"]), float(a["test_accuracy"])]
    lin = [float(b["train_accuracy"]), float(b["test_accuracy"])]
    print(f"{run}: train {acc[0]:.3f}, test {acc[1]:.3f} (need >= {min_test:g}); linear twin "
          f"train {lin[0]:.3f}, test {lin[1]:.3f} (need more than {margin:g} below)")
    ok = acc[1] >= min_test and all(x > y + margin for x, y in zip(acc, lin))
    sys.exit(0 if ok else 1)
print(__doc__)
sys.exit(2)
