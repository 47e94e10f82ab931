"""Caches the benchmark's splits (benchmarks/detection_peers.py) as $PSAE_SPLITS/<set>-<seed>.npz for harness.py."""
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", ".."))
import detection_peers as dp  # noqa: E402

data = os.environ.get("PSAE_DATA", os.path.join(HERE, "..", "..", "..", "..", "shared", "data", "tabular"))
out = os.environ.get("PSAE_SPLITS", "/tmp/psae-splits")
os.makedirs(out, exist_ok=True)
for f in sorted(os.listdir(data)):
    name = f[:-4]
    header, rows = dp.read_rows(os.path.join(data, f))
    for s in (0, 1, 2):
        sp = dp.make_split(header, rows, s)
        tr, _ = dp.to_arrays(header, sp["train"])
        va, _ = dp.to_arrays(header, sp["validation"])
        te, y = dp.to_arrays(header, sp["test"])
        np.savez(os.path.join(out, f"{name}-{s}.npz"), tr=tr, va=va, te=te, y=y)
    print(name, flush=True)
