"""Runs one variants module (v1.py ... v9.py) on every cached split and prints mean ROC-AUC per set and overall.

    /usr/bin/python3 prep.py            # caches the splits of detection_peers.py as .npz files in $PSAE_SPLITS
    /usr/bin/python3 harness.py v4      # every variant of v4.variants() on every set and seed 0-2, two processes
A variants module has variants(train, validation, test, seed) -> {name: test scores}.
"""
import glob
import importlib
import json
import os
import sys
from multiprocessing import Pool

import numpy as np
from sklearn.metrics import roc_auc_score

DATA = os.environ.get("PSAE_SPLITS", "/tmp/psae-splits")
SETS = sorted({os.path.basename(p).rsplit("-", 1)[0] for p in glob.glob(os.path.join(DATA, "*.npz"))})


def run_one(args):
    mod, name, s = args
    import torch
    torch.set_num_threads(1)
    m = importlib.import_module(mod)
    d = np.load(os.path.join(DATA, f"{name}-{s}.npz"))
    out = m.variants(d["tr"], d["va"], d["te"], s)
    return name, s, {k: roc_auc_score(d["y"], v) for k, v in out.items()}


if __name__ == "__main__":
    mod = sys.argv[1]
    sets = sys.argv[2:] or SETS
    jobs = [(mod, n, s) for n in sets for s in (0, 1, 2)]
    jobs.sort(key=lambda j: -os.path.getsize(os.path.join(DATA, f"{j[1]}-{j[2]}.npz")))
    res = {}
    with Pool(2) as p:
        for name, s, a in p.imap_unordered(run_one, jobs):
            for k, v in a.items():
                res.setdefault(k, {}).setdefault(name, []).append(v)
    keys = list(res)
    print(f"{'set':<17}" + "".join(f"{k[:9]:>10}" for k in keys))
    for n in sets:
        print(f"{n:<17}" + "".join(f"{np.mean(res[k][n]):10.4f}" for k in keys))
    print(f"{'MEAN':<17}" + "".join(f"{np.mean([np.mean(res[k][n]) for n in sets]):10.4f}" for k in keys))
    json.dump({k: {n: list(v) for n, v in r.items()} for k, r in res.items()}, open(os.path.join(DATA, f"res-{mod}.json"), "w"))
