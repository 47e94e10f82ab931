#!/usr/bin/env python3
"""PyTorch eager reference for the training benchmark (benchmarks/PSAnomalyAE.Bench).

Dense autoencoder 20-64-8-64-20 (ReLU, linear bottleneck and output), MSE, Adam lr 1e-3,
100,000 random rows x 20 in memory, randperm + index_select batches, loss.item() once per
epoch (accumulated on the device). Prints one JSON object per (threads, batch) with rows/s
per epoch and the median, so the C# benchmark can read it.

    python3 benchmarks/training_reference.py --threads 1 2 --batch 256 1024 --epochs 3
"""
import argparse, json, statistics, time
import torch


def run(threads, batch, epochs, rows, seed):
    torch.set_num_threads(threads)
    torch.manual_seed(seed)
    x = torch.randn(rows, 20)
    net = torch.nn.Sequential(
        torch.nn.Linear(20, 64), torch.nn.ReLU(), torch.nn.Linear(64, 8),
        torch.nn.Linear(8, 64), torch.nn.ReLU(), torch.nn.Linear(64, 20))
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    rates = []
    for _ in range(epochs):
        t0 = time.perf_counter()
        perm = torch.randperm(rows)
        total = torch.zeros(())
        for start in range(0, rows, batch):
            xb = x.index_select(0, perm[start:start + batch])
            opt.zero_grad()
            loss = torch.nn.functional.mse_loss(net(xb), xb)
            loss.backward()
            opt.step()
            total += loss.detach()
        total.item()
        rates.append(rows / (time.perf_counter() - t0))
    return {"threads": threads, "batch": batch, "rows_per_s": rates, "median": statistics.median(rates),
            "torch": torch.__version__}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--batch", type=int, nargs="+", default=[256])
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    for b in a.batch:
        for t in a.threads:
            print(json.dumps(run(t, b, a.epochs, a.rows, a.seed)), flush=True)


if __name__ == "__main__":
    main()
