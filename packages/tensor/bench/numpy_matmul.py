"""The tensor benchmark's matmul cases in numpy + OpenBLAS, for a ratio measured in the same run.

Run by bench.ts (with OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1: one thread, as ours), or by hand:
python3 numpy_matmul.py '[{"form": "matmulAB", "M": 128, "K": 784, "N": 128}]'. Prints one JSON
line: the GFLOP/s of each case, in order. Each form is given its operands in the same layout as
ours (a^T b takes a stored (K, M), a b^T takes b stored (N, K)), so OpenBLAS sees the same
transposes; timings as bench.ts takes them: the median of 7 repeats of at least 0.1 s each.
"""
import json
import statistics
import sys
import time

import numpy as np


def seconds_per_call(fn):
    t0 = time.perf_counter()
    fn()
    first = time.perf_counter() - t0
    calls = max(1, int(0.1 / max(first, 1e-9)) + 1)
    repeats = []
    for _ in range(7 if first < 0.5 else 3):
        t0 = time.perf_counter()
        for _ in range(calls):
            fn()
        repeats.append((time.perf_counter() - t0) / calls)
    return statistics.median(repeats)


def gflops(case):
    form, M, K, N = case["form"], case["M"], case["K"], case["N"]
    rng = np.random.default_rng(1)
    a = rng.random((K, M) if form == "matmulAtB" else (M, K), dtype=np.float32) - 0.5
    b = rng.random((N, K) if form == "matmulABt" else (K, N), dtype=np.float32) - 0.5
    A = a.T if form == "matmulAtB" else a
    B = b.T if form == "matmulABt" else b
    out = np.empty((M, N), np.float32)
    return 2 * M * N * K / seconds_per_call(lambda: np.matmul(A, B, out=out)) / 1e9


if __name__ == "__main__":
    print(json.dumps([gflops(case) for case in json.loads(sys.argv[1])]))
