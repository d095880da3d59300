"""The layers benchmark's workloads in numpy + OpenBLAS, for a ratio measured in the same run.

Run by bench/bench.ts (with OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1: one thread, as ours), or by
hand: python3 numpy_train.py '{"case": "mlp", "batch": 128, "samples": 60000, "epochs": 1}'.
Prints one JSON line: {"seconds": <an epoch, the mean>, "optimizerSeconds": <its update share>}.

The same arithmetic as packages/layers in float32: dense layers z = a W + b, ReLU or sigmoid
hidden units, softmax + cross-entropy or sigmoid + BCE fused at the output (dz = (a - y) / B),
momentum SGD (v = mu v + g; w -= lr v) or plain gradient descent, shuffled mini-batches gathered
row by row. Written as a numpy user would, with the in-place forms where they come naturally.
"""
import json
import sys
import time

import numpy as np


def sigmoid(x, out):
    # 1 / (1 + e^-x); numpy warns on overflow of exp for very negative x, harmless here
    np.negative(x, out=out)
    np.exp(out, out=out)
    out += 1
    np.reciprocal(out, out=out)


def train(case, batch, samples, epochs):
    rng = np.random.default_rng(1)
    if case == "mlp":
        sizes, hidden, output = [784, 128, 64, 10], "relu", "softmax"
    else:  # lesson 002: is it an 8, full batch
        sizes, hidden, output = [784, 395, 200, 100, 20, 1], "sigmoid", "sigmoid"
    x = rng.random((samples, 784), dtype=np.float32)
    labels = rng.integers(0, 10, samples)
    if output == "softmax":
        y = np.eye(10, dtype=np.float32)[labels]
    else:
        y = (labels == 8).astype(np.float32)[:, None]
    W = [(rng.standard_normal((i, o), dtype=np.float32) * np.float32(np.sqrt(2 / i))) for i, o in zip(sizes, sizes[1:])]
    b = [np.zeros(o, np.float32) for o in sizes[1:]]
    vW = [np.zeros_like(w) for w in W]
    vb = [np.zeros_like(c) for c in b]
    lr, mu = np.float32(0.01), np.float32(0.9)
    L = len(W)
    optimizer = 0.0

    def step(xb, yb):
        nonlocal optimizer
        B = xb.shape[0]
        acts = [xb]
        for l in range(L):
            z = acts[-1] @ W[l]
            z += b[l]
            if l < L - 1 and hidden == "relu":
                np.maximum(z, 0, out=z)
            elif l < L - 1 or output == "sigmoid":
                sigmoid(z, z)
            else:
                z -= z.max(axis=1, keepdims=True)
                np.exp(z, out=z)
                z /= z.sum(axis=1, keepdims=True)
            acts.append(z)
        p = acts[-1]
        # the loss, as ours computes it every step
        if output == "softmax":
            float(-np.log(np.maximum(p[yb > 0], 1e-30)).mean())
        else:
            float(-(yb * np.log(p + 1e-7) + (1 - yb) * np.log(1 - p + 1e-7)).mean())
        dz = (p - yb) / np.float32(B)
        grads = []
        for l in range(L - 1, -1, -1):
            grads.append((acts[l].T @ dz, dz.sum(axis=0)))
            if l > 0:
                da = dz @ W[l].T
                a = acts[l]
                if hidden == "relu":
                    da *= a > 0
                else:
                    da *= a * (1 - a)
                dz = da
        t0 = time.perf_counter()
        for l, (gW, gb) in zip(range(L - 1, -1, -1), grads):
            if case == "mlp":
                for w, v, g in ((W[l], vW[l], gW), (b[l], vb[l], gb)):
                    v *= mu
                    v += g
                    w -= lr * v
            else:
                W[l] -= lr * gW
                b[l] -= lr * gb
        optimizer += time.perf_counter() - t0

    # warm-up, then the epochs
    step(x[:batch], y[:batch])
    optimizer = 0.0
    t0 = time.perf_counter()
    for _ in range(epochs):
        order = rng.permutation(samples) if batch < samples else np.arange(samples)
        for start in range(0, samples, batch):
            if batch < samples:
                idx = order[start : start + batch]
                step(x[idx], y[idx])
            else:
                step(x, y)
    return (time.perf_counter() - t0) / epochs, optimizer / epochs


if __name__ == "__main__":
    spec = json.loads(sys.argv[1])
    seconds, optimizer_seconds = train(spec["case"], spec["batch"], spec["samples"], spec.get("epochs", 1))
    print(json.dumps({"seconds": seconds, "optimizerSeconds": optimizer_seconds}))
