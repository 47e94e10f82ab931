#!/usr/bin/python3
"""PyTorch fixtures for PSAnomalyAE's PyTorch interop (Export-AEModel -Format PyTorch, Import-AEModel -PyTorch).

Make mode (no arguments) writes, next to this script:
  rows.csv         300 normal rows and 20 anomalous rows of 6 features (column "anomaly" is 0 or 1)
  config.json      the PSAnomalyAE.PyTorch config: layers, activation, features, z-score scaler, threshold
  model.safetensors  weights of ONE torch.nn.Sequential trained here, as safetensors (F32)
  model.pt         the same state_dict saved with torch.save (for PyTorch zip-format readers)
  errors.csv       each row's reconstruction error (float64 mean of squared errors of the float32 model)

Check mode (--check DIR): reads DIR/config.json and DIR/model.safetensors written by PSAnomalyAE, rebuilds the
nn.Sequential, scores rows.csv (or --rows FILE) and compares with DIR/errors.csv (or --errors FILE) written by
PSAnomalyAE; prints the largest absolute difference and exits 1 when it is above 1e-5.

Made with Debian 12's python3-torch 1.13 (there is no safetensors package there, so this script reads and writes
safetensors itself; nothing is unpickled in check mode):
    /usr/bin/python3 tests/PSAnomalyAE.Engine.Tests/Fixtures/pytorch/make_pytorch_fixtures.py
"""
import argparse
import csv
import json
import math
import os
import struct
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
FEATURES = ["cpu", "memory", "disk_io", "net_in", "net_out", "latency_ms"]
LAYERS = [6, 12, 3, 12, 6]
ACTIVATION = "ReLU"
SEED = 20261130
TOLERANCE = 1e-5


# ---- safetensors, by hand ---------------------------------------------------------------------------------------

def write_safetensors(path, state_dict, metadata=None):
    """8-byte little-endian header length, JSON header, raw little-endian float32 data (header padded to 8 bytes)."""
    header, chunks, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = metadata
    for name, t in state_dict.items():
        t = t.detach().to(torch.float32).contiguous().cpu()
        data = struct.pack("<%df" % t.numel(), *t.flatten().tolist())
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for c in chunks:
            f.write(c)


def read_safetensors(path):
    """Strict reader for F32 safetensors: returns {name: float32 tensor}."""
    with open(path, "rb") as f:
        blob = f.read()
    if len(blob) < 8:
        raise ValueError("%s: shorter than 8 bytes" % path)
    (n,) = struct.unpack("<Q", blob[:8])
    if n < 2 or n > 100_000_000 or 8 + n > len(blob):
        raise ValueError("%s: header length %d out of range" % (path, n))

    def no_duplicates(pairs):
        d = {}
        for k, v in pairs:
            if k in d:
                raise ValueError("%s: '%s' appears twice in the header" % (path, k))
            d[k] = v
        return d

    header = json.loads(blob[8:8 + n].decode("utf-8"), object_pairs_hook=no_duplicates)
    data = blob[8 + n:]
    header.pop("__metadata__", None)
    tensors, spans = {}, []
    for name, info in header.items():
        if set(info) != {"dtype", "shape", "data_offsets"}:
            raise ValueError("%s: entry '%s' must have exactly dtype, shape, data_offsets" % (path, name))
        if info["dtype"] != "F32":
            raise ValueError("%s: '%s' is %s, only F32 is read here" % (path, name, info["dtype"]))
        begin, end = info["data_offsets"]
        count = math.prod(info["shape"])
        if end - begin != 4 * count:
            raise ValueError("%s: '%s' shape %s does not match %d bytes" % (path, name, info["shape"], end - begin))
        spans.append((begin, end, name))
        values = struct.unpack("<%df" % count, data[begin:end]) if count else ()
        tensors[name] = torch.tensor(values, dtype=torch.float32).reshape(info["shape"])
    at = 0
    for begin, end, name in sorted(spans):
        if begin != at:
            raise ValueError("%s: gap or overlap before '%s'" % (path, name))
        at = end
    if at != len(data):
        raise ValueError("%s: data block is %d bytes, tensors cover %d" % (path, len(data), at))
    return tensors


# ---- the network, exactly as Export-AEModel's help rebuilds it --------------------------------------------------

def build_sequential(cfg):
    act = getattr(torch.nn, cfg["activation"])
    sizes = cfg["layers"]
    last, bottleneck = len(sizes) - 2, len(sizes) // 2 - 1
    modules = []
    for i in range(len(sizes) - 1):
        modules.append(torch.nn.Linear(sizes[i], sizes[i + 1]))
        if i not in (bottleneck, last):  # no activation after the bottleneck or the output layer
            modules.append(act())
    if cfg.get("outputActivation") == "Sigmoid":
        modules.append(torch.nn.Sigmoid())
    return torch.nn.Sequential(*modules)


def scaled_rows(cfg, rows):
    """(x - offset) / scale computed in float64, then float32: what PSAnomalyAE's scaler feeds the network."""
    x = torch.tensor(rows, dtype=torch.float64)
    offset = torch.tensor(cfg["scaler"]["offset"], dtype=torch.float64)
    scale = torch.tensor(cfg["scaler"]["scale"], dtype=torch.float64)
    return ((x - offset) / scale).to(torch.float32)


def row_errors(model, z):
    """Mean over features of the squared error, in float64, of the float32 model's output."""
    with torch.no_grad():
        out = model(z)
    return ((out.double() - z.double()) ** 2).mean(dim=1)


# ---- files ------------------------------------------------------------------------------------------------------

def read_rows(path, features):
    with open(path, newline="") as f:
        reader = csv.DictReader(f)
        return [[float(r[name]) for name in features] for r in reader]


def read_errors(path):
    """A column named error, ReconstructionError or Score (PSAnomalyAE's output), else the last column."""
    with open(path, newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        column = next((c for c in ("error", "ReconstructionError", "Score") if c in reader.fieldnames), reader.fieldnames[-1])
        return [float(r[column]) for r in reader]


def make():
    torch.manual_seed(SEED)
    torch.set_num_threads(1)
    g = torch.Generator().manual_seed(SEED)

    # Normal rows: two hidden factors drive six correlated metrics, plus a little noise, in each metric's own units.
    n_normal, n_anomalous = 300, 20
    mixing = torch.randn(2, 6, generator=g, dtype=torch.float64)
    level = torch.tensor([40.0, 2048.0, 120.0, 500.0, 450.0, 12.0], dtype=torch.float64)
    spread = torch.tensor([10.0, 256.0, 30.0, 80.0, 70.0, 3.0], dtype=torch.float64)
    factors = torch.randn(n_normal, 2, generator=g, dtype=torch.float64)
    normal = level + spread * (factors @ mixing + 0.1 * torch.randn(n_normal, 6, generator=g, dtype=torch.float64))
    # Anomalous rows: the same levels, but each metric moves on its own (the correlations are broken).
    anomalous = level + spread * 2.5 * torch.randn(n_anomalous, 6, generator=g, dtype=torch.float64)

    rows = torch.cat([normal, anomalous])
    labels = [0] * n_normal + [1] * n_anomalous
    with open(os.path.join(HERE, "rows.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(FEATURES + ["anomaly"])
        for r, y in zip(rows.tolist(), labels):
            w.writerow(["%.4f" % v for v in r] + [y])
    # Everything below uses the values as written (4 decimals), so C# reading rows.csv sees the same inputs.
    values = read_rows(os.path.join(HERE, "rows.csv"), FEATURES)
    x_normal = torch.tensor(values[:n_normal], dtype=torch.float64)
    offset = x_normal.mean(dim=0)
    scale = x_normal.std(dim=0, unbiased=False)  # population standard deviation, as PSAnomalyAE's z-score

    cfg = {
        "format": "PSAnomalyAE.PyTorch",
        "version": 1,
        "name": "pytorch-fixture",
        "layers": LAYERS,
        "activation": ACTIVATION,
        "outputActivation": None,
        "features": FEATURES,
        "scaler": {"method": "ZScore", "offset": offset.tolist(), "scale": scale.tolist()},
        "threshold": None,
        "createdBy": "make_pytorch_fixtures.py (torch %s)" % torch.__version__,
    }

    model = build_sequential(cfg)
    z_normal = scaled_rows(cfg, values[:n_normal])
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    for epoch in range(400):
        optimizer.zero_grad()
        loss = torch.nn.functional.mse_loss(model(z_normal), z_normal)
        loss.backward()
        optimizer.step()
    model.eval()

    errors = row_errors(model, scaled_rows(cfg, values))
    normal_errors = errors[:n_normal]
    cfg["threshold"] = float(torch.quantile(normal_errors, 0.99))  # linear interpolation between order statistics
    print("final training loss %.6f; threshold %.6f; anomalies above it: %d of %d; normal rows above it: %d" % (
        loss.item(), cfg["threshold"], int((errors[n_normal:] > cfg["threshold"]).sum()), n_anomalous,
        int((normal_errors > cfg["threshold"]).sum())))

    state = model.state_dict()
    print("state_dict keys:", ", ".join("%s %s" % (k, list(v.shape)) for k, v in state.items()))
    write_safetensors(os.path.join(HERE, "model.safetensors"), state, {"format": "pt"})
    torch.save(state, os.path.join(HERE, "model.pt"))
    with open(os.path.join(HERE, "config.json"), "w") as f:
        # One top-level key per line, values compact: readable, and diffs stay small.
        f.write("{\n" + ",\n".join("  %s: %s" % (json.dumps(k), json.dumps(v)) for k, v in cfg.items()) + "\n}\n")
    with open(os.path.join(HERE, "errors.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["row", "error"])
        for i, e in enumerate(errors.tolist()):
            w.writerow([i, repr(e)])

    # The safetensors file must load back into the same Sequential with torch's own strict loader.
    again = build_sequential(cfg)
    again.load_state_dict(read_safetensors(os.path.join(HERE, "model.safetensors")))
    assert torch.equal(row_errors(again, scaled_rows(cfg, values)), errors)


def check(directory, rows_path, errors_path):
    with open(os.path.join(directory, "config.json")) as f:
        cfg = json.load(f)
    if cfg.get("format") != "PSAnomalyAE.PyTorch" or cfg.get("version") != 1:
        print("not a PSAnomalyAE.PyTorch version 1 config", file=sys.stderr)
        return 2
    model = build_sequential(cfg)
    model.load_state_dict(read_safetensors(os.path.join(directory, "model.safetensors")))  # strict keys and shapes
    model.eval()
    values = read_rows(rows_path, cfg["features"])
    ours = row_errors(model, scaled_rows(cfg, values))
    theirs = torch.tensor(read_errors(errors_path), dtype=torch.float64)
    if theirs.shape != ours.shape:
        print("row count differs: %d scored here, %d in %s" % (ours.shape[0], theirs.shape[0], errors_path))
        return 1
    diff = float((ours - theirs).abs().max())
    print("rows %d, max abs diff %.3g (tolerance %g)" % (ours.shape[0], diff, TOLERANCE))
    return 0 if diff <= TOLERANCE else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", metavar="DIR", help="compare a PSAnomalyAE export in DIR with its errors.csv")
    parser.add_argument("--rows", default=os.path.join(HERE, "rows.csv"), help="rows to score in check mode")
    parser.add_argument("--errors", help="PSAnomalyAE's errors CSV (default DIR/errors.csv)")
    args = parser.parse_args()
    if args.check:
        sys.exit(check(args.check, args.rows, args.errors or os.path.join(args.check, "errors.csv")))
    make()
