#!/usr/bin/env python3
"""Reference ROC-AUC figures for PSAnomalyAE's detection benchmark, on fixed, reproducible splits.

Protocol (for every tabular set and every seed):
  * the normal rows (label 0) are shuffled with the seeded generator described below;
  * the first floor(0.6 n) shuffled normal rows are the training split,
    the next floor(0.8 n) - floor(0.6 n) are the validation split (normal rows only),
    the remaining normal rows plus EVERY anomaly (label 1, in file order) are the test split;
  * each detector is fitted on the training split only and scores the test split; ROC-AUC with label 1 positive.

The split is the single source of truth: `--write-splits DIR` writes DIR/<set>/seed<s>/{train,validation,test}.csv
(the source header and the source text of each row, label column kept), and `--splits DIR` reads such a folder
instead of building the splits, so a PowerShell/C# benchmark can either read those files or rebuild them.

Shuffle, exactly (easy to port: only unsigned 64-bit wrap-around arithmetic):
  SplitMix64 with state = seed:
      state += 0x9E3779B97F4A7C15
      z = state; z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9; z = (z ^ (z >> 27)) * 0x94D049BB133111EB; z ^= z >> 31
  Fisher-Yates over the list of normal rows in file order: for i = n-1 down to 1: j = next() % (i + 1); swap(i, j).

Peers: kNN (mean distance to the 5 nearest training rows), LOF (novelty, 20 neighbours), IsolationForest (defaults,
random_state = seed), PCA reconstruction error (components for 90 % of the variance) and a small dense autoencoder
shaped like PSAnomalyAE's former default. kNN, LOF, PCA and the autoencoder see features standardised with the
training mean and standard deviation (a constant feature gets sd 1).

Usage:
  python3 benchmarks/detection_peers.py                       # all sets in ../shared/data/tabular, seeds 0 1 2
  python3 benchmarks/detection_peers.py --sets cardio thyroid --json out/peers.json
  python3 benchmarks/detection_peers.py --write-splits out/splits --no-peers
  python3 benchmarks/detection_peers.py --splits out/splits
Run it with one thread on a shared machine: OMP_NUM_THREADS=1 python3 benchmarks/detection_peers.py
"""

import argparse
import csv
import json
import os
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def default_data_folder():
    """../shared/data/tabular from the repo root; from a git worktree nested deeper, the nearest such folder above."""
    folder = os.path.dirname(REPO)
    while True:
        candidate = os.path.join(folder, "shared", "data", "tabular")
        if os.path.isdir(candidate) or os.path.dirname(folder) == folder:
            return candidate if os.path.isdir(candidate) else os.path.join(REPO, "..", "shared", "data", "tabular")
        folder = os.path.dirname(folder)
MASK64 = (1 << 64) - 1


# ---------------------------------------------------------------- splits


def splitmix64(seed):
    """Yields SplitMix64 outputs for a seed (the generator the C# side reimplements)."""
    state = seed & MASK64
    while True:
        state = (state + 0x9E3779B97F4A7C15) & MASK64
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
        yield z ^ (z >> 31)


def seeded_shuffle(items, seed):
    """Fisher-Yates shuffle of a copy of items: for i = n-1..1, j = next() % (i + 1), swap."""
    items = list(items)
    rng = splitmix64(seed)
    for i in range(len(items) - 1, 0, -1):
        j = next(rng) % (i + 1)
        items[i], items[j] = items[j], items[i]
    return items


def read_rows(path):
    """Header and rows (lists of the source strings) of a CSV file."""
    with open(path, newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        rows = [row for row in reader if row]
    return header, rows


def make_split(header, rows, seed):
    """Train, validation and test rows (source text) of one set for one seed."""
    label = header.index("label")
    normal = [r for r in rows if float(r[label]) == 0]
    anomalies = [r for r in rows if float(r[label]) != 0]
    normal = seeded_shuffle(normal, seed)
    n = len(normal)
    a, b = (6 * n) // 10, (8 * n) // 10
    return {"train": normal[:a], "validation": normal[a:b], "test": normal[b:] + anomalies}


def write_split(folder, header, split):
    os.makedirs(folder, exist_ok=True)
    for part, rows in split.items():
        with open(os.path.join(folder, part + ".csv"), "w", newline="") as f:
            writer = csv.writer(f, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(rows)


def read_split(folder):
    header = None
    split = {}
    for part in ("train", "validation", "test"):
        header, split[part] = read_rows(os.path.join(folder, part + ".csv"))
    return header, split


def to_arrays(header, rows):
    """Feature matrix (float64) and label vector of rows; the label column is the one named 'label'."""
    import numpy as np

    label = header.index("label")
    features = [i for i in range(len(header)) if i != label]
    x = np.array([[float(r[i]) for i in features] for r in rows], dtype=np.float64).reshape(len(rows), len(features))
    y = np.array([float(r[label]) != 0 for r in rows], dtype=np.int64)
    return x, y


# ---------------------------------------------------------------- peers


def standardiser(train):
    """Function that standardises rows with the training mean and sd (sd 1 for a constant feature)."""
    mean = train.mean(axis=0)
    sd = train.std(axis=0)
    sd[sd == 0] = 1.0
    return lambda x: (x - mean) / sd


def knn_scores(train, test, k=5):
    from sklearn.neighbors import NearestNeighbors

    scale = standardiser(train)
    nn = NearestNeighbors(n_neighbors=k).fit(scale(train))
    return nn.kneighbors(scale(test))[0].mean(axis=1)


def lof_scores(train, test):
    from sklearn.neighbors import LocalOutlierFactor

    scale = standardiser(train)
    lof = LocalOutlierFactor(n_neighbors=20, novelty=True).fit(scale(train))
    return -lof.score_samples(scale(test))


def iforest_scores(train, test, seed):
    from sklearn.ensemble import IsolationForest

    forest = IsolationForest(random_state=seed).fit(train)
    return -forest.score_samples(test)


def pca_scores(train, test, variance=0.9):
    from sklearn.decomposition import PCA

    scale = standardiser(train)
    pca = PCA(n_components=variance, svd_solver="full").fit(scale(train))
    z = scale(test)
    return ((z - pca.inverse_transform(pca.transform(z))) ** 2).mean(axis=1)


def old_default_layers(features):
    """Hidden widths and latent size of PSAnomalyAE's former default dense autoencoder."""
    latent = min(max(round(features / 4), 1), max(features - 1, 1))
    first = min(max(2 * features, 8), 128)
    hidden = [first] + ([first // 4] if first // 4 > 2 * latent else [])
    return hidden, latent


def autoencoder_scores(train, test, seed, epochs=100, patience=10, batch=64, lr=1e-3):
    """Dense AE like the former module default: ReLU, linear bottleneck and output, MSE in standardised units,
    Adam, early stopping on a held-out 20 % of the training rows."""
    import numpy as np
    import torch

    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    scale = standardiser(train)
    x = torch.tensor(scale(train), dtype=torch.float32)
    order = torch.tensor(rng.permutation(len(x)))
    cut = max(1, len(x) // 5)
    held, fit = x[order[:cut]], x[order[cut:]]
    hidden, latent = old_default_layers(x.shape[1])
    widths = [x.shape[1]] + hidden + [latent]
    layers = []
    for i in range(len(widths) - 1):  # encoder: ReLU after each hidden layer, linear bottleneck
        layers += [torch.nn.Linear(widths[i], widths[i + 1])] + ([torch.nn.ReLU()] if i < len(widths) - 2 else [])
    back = widths[::-1]
    for i in range(len(back) - 1):  # decoder mirrors it, linear output
        layers += [torch.nn.Linear(back[i], back[i + 1])] + ([torch.nn.ReLU()] if i < len(back) - 2 else [])
    net = torch.nn.Sequential(*layers)
    optimiser = torch.optim.Adam(net.parameters(), lr=lr)
    best, best_state, waited = float("inf"), None, 0
    for _ in range(epochs):
        net.train()
        for idx in torch.randperm(len(fit)).split(batch):
            optimiser.zero_grad()
            loss = ((net(fit[idx]) - fit[idx]) ** 2).mean()
            loss.backward()
            optimiser.step()
        net.eval()
        with torch.no_grad():
            held_loss = ((net(held) - held) ** 2).mean().item()
        if held_loss < best:
            best, waited = held_loss, 0
            best_state = {k: v.clone() for k, v in net.state_dict().items()}
        else:
            waited += 1
            if waited >= patience:
                break
    net.load_state_dict(best_state)
    with torch.no_grad():
        z = torch.tensor(scale(test), dtype=torch.float32)
        return ((net(z) - z) ** 2).mean(dim=1).numpy()


PEERS = {
    "kNN": lambda tr, te, s: knn_scores(tr, te),
    "LOF": lambda tr, te, s: lof_scores(tr, te),
    "IF": lambda tr, te, s: iforest_scores(tr, te, s),
    "PCA": lambda tr, te, s: pca_scores(tr, te),
    "AE": lambda tr, te, s: autoencoder_scores(tr, te, s),
}


# ---------------------------------------------------------------- main


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", default=default_data_folder(),
                        help="folder of <set>.csv files (default ../shared/data/tabular from the repo root)")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--sets", nargs="+", help="set names (default: every .csv in --data)")
    parser.add_argument("--write-splits", metavar="DIR", help="write DIR/<set>/seed<s>/{train,validation,test}.csv")
    parser.add_argument("--splits", metavar="DIR", help="read splits from DIR instead of building them")
    parser.add_argument("--peers", nargs="+", default=list(PEERS), choices=list(PEERS))
    parser.add_argument("--no-peers", action="store_true", help="only build (and write) the splits")
    parser.add_argument("--json", metavar="FILE", help="write the per-set, per-seed ROC-AUC figures as JSON")
    args = parser.parse_args()

    source = args.splits or args.data
    if args.sets:
        sets = args.sets
    elif args.splits:
        sets = sorted(d for d in os.listdir(source) if os.path.isdir(os.path.join(source, d)))
    else:
        sets = sorted(f[:-4] for f in os.listdir(source) if f.endswith(".csv"))
    if not sets:
        sys.exit(f"No data sets found in {source}")

    run_peers = not args.no_peers
    if run_peers:
        try:
            import numpy  # noqa: F401
            import sklearn  # noqa: F401
            import torch
        except ImportError as e:
            print(f"Peers skipped: {e.name} is not installed (needs numpy, scikit-learn and torch).")
            run_peers = False
        else:
            torch.set_num_threads(1)
    if not run_peers and not args.write_splits:
        return 0

    results = {}  # set -> peer -> {seed: auc}
    seconds = {}  # peer -> total seconds
    for name in sets:
        if not args.splits:
            header, rows = read_rows(os.path.join(args.data, name + ".csv"))
        for seed in args.seeds:
            if args.splits:
                header, split = read_split(os.path.join(args.splits, name, f"seed{seed}"))
            else:
                split = make_split(header, rows, seed)
            if args.write_splits:
                write_split(os.path.join(args.write_splits, name, f"seed{seed}"), header, split)
            if not run_peers:
                continue
            from sklearn.metrics import roc_auc_score

            train, _ = to_arrays(header, split["train"])
            test, y = to_arrays(header, split["test"])
            for peer in args.peers:
                start = time.perf_counter()
                auc = roc_auc_score(y, PEERS[peer](train, test, seed))
                seconds[peer] = seconds.get(peer, 0.0) + time.perf_counter() - start
                results.setdefault(name, {}).setdefault(peer, {})[str(seed)] = round(float(auc), 6)
        if run_peers:
            means = {p: sum(v.values()) / len(v) for p, v in results[name].items()}
            print(f"{name:<18}" + "".join(f"{p}={m:.4f}  " for p, m in means.items()), file=sys.stderr, flush=True)

    if args.write_splits:
        print(f"Splits written to {args.write_splits}")
    if not run_peers:
        print("Peers skipped.")
        return 0

    print("\nMean ROC-AUC over seeds " + " ".join(map(str, args.seeds)))
    print(f"{'set':<18}" + "".join(f"{p:>8}" for p in args.peers))
    for name in sets:
        print(f"{name:<18}" + "".join(f"{sum(results[name][p].values()) / len(args.seeds):8.4f}" for p in args.peers))
    overall = {p: sum(sum(results[n][p].values()) / len(args.seeds) for n in sets) / len(sets) for p in args.peers}
    print(f"{'mean':<18}" + "".join(f"{overall[p]:8.4f}" for p in args.peers))
    print(f"{'seconds (total)':<18}" + "".join(f"{seconds[p]:8.1f}" for p in args.peers))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"seeds": args.seeds, "sets": results, "mean": overall, "seconds": seconds}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
