#!/usr/bin/env python3
"""Peer for `jclip bench gemm`: the same product with numpy's BLAS (OpenBLAS).

Same options and last line as the Java command, plus peer=openblas:
    gemm m=M n=N k=K threads=T gflops=X peer=openblas
Run it as `env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python3 gemm_numpy.py ...`: those
variables pin OpenBLAS to older kernels. --threads sets OPENBLAS_NUM_THREADS before numpy loads.
"""
import argparse
import os
import sys
import time


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--m", type=int, required=True)
    ap.add_argument("--n", type=int, required=True)
    ap.add_argument("--k", type=int, required=True)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--batch", type=int, default=1, help="independent products (e.g. attention heads x images)")
    ap.add_argument("--trans-a", action="store_true", help="A is stored k x m")
    ap.add_argument("--trans-b", action="store_true", help="B is stored n x k")
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--reps", type=int, default=10)
    args = ap.parse_args()
    os.environ["OPENBLAS_NUM_THREADS"] = str(args.threads)
    import numpy as np

    rng = np.random.default_rng(42)
    shape_a = (args.k, args.m) if args.trans_a else (args.m, args.k)
    shape_b = (args.n, args.k) if args.trans_b else (args.k, args.n)
    a = rng.standard_normal((args.batch,) + shape_a, dtype=np.float32)
    b = rng.standard_normal((args.batch,) + shape_b, dtype=np.float32)
    # Transposed views: numpy passes them to sgemm as transposed operands, without copying.
    op_a = a.transpose(0, 2, 1) if args.trans_a else a
    op_b = b.transpose(0, 2, 1) if args.trans_b else b
    if args.batch == 1:
        op_a, op_b = op_a[0], op_b[0]
    c = np.matmul(op_a, op_b)
    for _ in range(args.warmup):
        np.matmul(op_a, op_b, out=c)
    flops = 2.0 * args.batch * args.m * args.n * args.k
    best = 0.0
    for _ in range(args.reps):
        t = time.perf_counter()
        np.matmul(op_a, op_b, out=c)
        best = max(best, flops / (time.perf_counter() - t) / 1e9)
    print(f"numpy {np.__version__}, best of {args.reps} after {args.warmup} warm-up runs", file=sys.stderr)
    print(f"gemm m={args.m} n={args.n} k={args.k} threads={args.threads} gflops={best:.1f} peer=openblas")


if __name__ == "__main__":
    main()
