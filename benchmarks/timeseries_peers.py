#!/usr/bin/env python3
"""Reference ROC-AUC figures for PSAnomalyAE's time-series benchmark on the labelled NAB series.

Protocol (for every series, shared with benchmarks/Measure-TimeSeriesSuite.ps1):
  * the rows stay in file (time) order; the first floor(n / 2) rows are the training half, taken as they come
    (a labelled anomaly window inside it is trained on, as it would be in real use);
  * every row of the second half is scored by the window of W values that ends at it (the window may reach back
    into the first half: those rows are history, not test rows); ROC-AUC against the row labels of the second half;
  * nothing is tuned on the second half: W and every setting below are fixed in advance for all series.

Peers:
  * IsolationForest on windows (scikit-learn defaults, random_state = seed): fitted on the training half's windows;
  * PCA on windows: windows standardised with the training half's mean and sd of the value, components for 90 % of
    the variance, score = mean squared reconstruction error;
  * rolling z-score: |x_t - mean| / sd over the W values before t (no training at all).

Usage:
  OMP_NUM_THREADS=1 /usr/bin/python3 benchmarks/timeseries_peers.py [--data ../shared/data/nab] [--window 24] [--json FILE]
"""

import argparse
import csv
import json
import os
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def read_series(path):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    return [float(r["value"]) for r in rows], [int(float(r["label"])) for r in rows]


def windows(values, window, ends):
    import numpy as np

    v = np.asarray(values, dtype=np.float64)
    return np.stack([v[e - window + 1:e + 1] for e in ends])


def score_series(values, labels, window, seeds):
    import numpy as np
    from sklearn.decomposition import PCA
    from sklearn.ensemble import IsolationForest
    from sklearn.metrics import roc_auc_score

    n = len(values)
    half = n // 2
    train_ends = list(range(window - 1, half))
    test_ends = list(range(max(half, window - 1), n))
    y = np.asarray([labels[e] for e in test_ends])
    train, test = windows(values, window, train_ends), windows(values, window, test_ends)
    result = {}
    if y.min() == y.max():
        return None  # no anomaly (or no normal row) in the scored half: ROC-AUC is undefined

    forest = []
    for seed in seeds:
        model = IsolationForest(random_state=seed).fit(train)
        forest.append(roc_auc_score(y, -model.score_samples(test)))
    result["IsolationForest"] = float(np.mean(forest))

    first = np.asarray(values[:half])
    mean, sd = first.mean(), first.std() or 1.0
    pca = PCA(n_components=0.9, svd_solver="full").fit((train - mean) / sd)
    z = (test - mean) / sd
    result["PCA"] = float(roc_auc_score(y, ((z - pca.inverse_transform(pca.transform(z))) ** 2).mean(axis=1)))

    v = np.asarray(values, dtype=np.float64)
    rolling = []
    for e in test_ends:
        past = v[max(0, e - window):e]
        sd_past = past.std()
        rolling.append(abs(v[e] - past.mean()) / (sd_past if sd_past > 0 else 1.0))
    result["RollingZ"] = float(roc_auc_score(y, rolling))
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", default=os.path.join(REPO, "..", "shared", "data", "nab"))
    parser.add_argument("--window", type=int, default=24)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--series", nargs="+", help="series names (default: every .csv in --data)")
    parser.add_argument("--json", metavar="FILE", help="write the per-series figures as JSON")
    args = parser.parse_args()
    try:
        import numpy  # noqa: F401
        import sklearn  # noqa: F401
    except ImportError as e:
        print(f"Peers skipped: {e.name} is not installed (apt-get install python3-sklearn).")
        return 0

    names = args.series or sorted(f[:-4] for f in os.listdir(args.data) if f.endswith(".csv"))
    results = {}
    for name in names:
        values, labels = read_series(os.path.join(args.data, name + ".csv"))
        scored = score_series(values, labels, args.window, args.seeds)
        if scored is None:
            print(f"{name}: skipped, its second half has no labelled anomaly", file=sys.stderr)
            continue
        results[name] = scored
        print(f"{name:<40}" + "".join(f"{p}={a:.4f}  " for p, a in scored.items()), file=sys.stderr, flush=True)
    peers = list(next(iter(results.values())))
    mean = {p: sum(r[p] for r in results.values()) / len(results) for p in peers}
    print(f"{'mean':<40}" + "".join(f"{p}={a:.4f}  " for p, a in mean.items()))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"window": args.window, "seeds": args.seeds, "series": results, "mean": mean}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
