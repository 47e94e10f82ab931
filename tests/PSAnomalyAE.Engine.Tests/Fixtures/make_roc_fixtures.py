#!/usr/bin/python3
"""Writes roc_fixtures.json: ROC and precision-recall reference values computed by scikit-learn.

Made with Debian 12's scikit-learn 1.2 (apt-get install python3-sklearn):
    /usr/bin/python3 tests/PSAnomalyAE.Engine.Tests/Fixtures/make_roc_fixtures.py
"""
import json
import os

import numpy as np
from sklearn.metrics import average_precision_score, precision_recall_curve, roc_auc_score, roc_curve


def case(name, y, s):
    y = np.asarray(y, dtype=int)
    s = np.asarray(s, dtype=float)
    fpr, tpr, thr = roc_curve(y, s, drop_intermediate=False)
    precision, recall, pr_thr = precision_recall_curve(y, s)
    return {
        "name": name,
        "labels": y.tolist(),
        "scores": s.tolist(),
        "fpr": fpr.tolist(),
        "tpr": tpr.tolist(),
        # sklearn >= 1.3 starts at +inf, 1.2 at max + 1; the first point is the "flag nothing" point either way.
        "thresholds": thr[1:].tolist(),
        "roc_auc": roc_auc_score(y, s),
        # precision_recall_curve lists increasing thresholds and ends with (precision 1, recall 0); reverse and drop it.
        "precision": precision[:-1][::-1].tolist(),
        "recall": recall[:-1][::-1].tolist(),
        "pr_thresholds": pr_thr[::-1].tolist(),
        "average_precision": average_precision_score(y, s),
    }


rng = np.random.default_rng(7)
cases = [
    case("ties", [0, 1, 0, 1, 1, 0, 0, 1, 0, 0], [0.1, 0.4, 0.35, 0.8, 0.4, 0.2, 0.4, 0.9, 0.05, 0.35]),
    case("separated", [0, 0, 0, 1, 1], [0.1, 0.2, 0.3, 0.7, 0.9]),
    case("all_tied", [0, 1, 0, 1], [0.5, 0.5, 0.5, 0.5]),
]
y = (rng.random(500) < 0.05).astype(int)
scores = np.round(rng.gamma(2.0, 0.05, 500) + y * rng.gamma(2.0, 0.15, 500), 4)
cases.append(case("realistic", y, scores))

with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "roc_fixtures.json"), "w") as f:
    json.dump(cases, f, indent=1)
