"""Benchmark: ``derive.generated.soft_argmax.soft_argmax_grad`` against torch autograd on CPU.

Run with ``python -m derive.bench soft_argmax [--repeats=N] [--rows=R] [--cols=C] [--t=T]``. Both sides run
on one thread (derive.bench sets OMP/OPENBLAS/MKL_NUM_THREADS=1; torch.set_num_threads(1) here), in one
process, interleaved repeat by repeat so that load from other processes hits both alike. Torch computes
S_t = Σ_i i·softmax(t·x)_i with its fused softmax and backpropagates a vector of ones; derive's function
returns the same gradient. Prints the median times and the ratio derive / torch (target: ≤ 1.0).
"""
from __future__ import annotations

import statistics
import time

import numpy as np


def _options(argv):
    opts = {"repeats": 9, "rows": 4096, "cols": 1024, "t": 2.0}
    for arg in argv:
        key, _, value = arg.lstrip("-").partition("=")
        if key not in opts or not value:
            raise SystemExit(f"soft_argmax bench: unknown option {arg!r}; known: " +
                             ", ".join(f"--{k}=" for k in opts))
        opts[key] = type(opts[key])(value)
    return opts


def main(argv: list[str]) -> int:
    import torch

    from derive.generated.soft_argmax import soft_argmax_grad

    torch.set_num_threads(1)
    opts = _options(argv)
    rows, cols, t, repeats = opts["rows"], opts["cols"], opts["t"], opts["repeats"]
    print(f"soft_argmax_grad vs torch autograd: ({rows}, {cols}), t = {t}, one thread each "
          f"(torch {torch.__version__}, numpy {np.__version__}), median of {repeats} interleaved repeats")
    worst = 0.0
    for dtype, tdtype in ((np.float32, torch.float32), (np.float64, torch.float64)):
        x = np.random.default_rng(7).normal(scale=2.0, size=(rows, cols)).astype(dtype)
        xt = torch.from_numpy(x)
        idx = torch.arange(1, cols + 1, dtype=tdtype)

        def torch_grad():
            leaf = xt.detach().requires_grad_(True)
            s = (torch.softmax(t * leaf, dim=-1) * idx).sum(dim=-1)
            s.backward(torch.ones_like(s))
            return leaf.grad

        ours, ref = soft_argmax_grad(x, t=t), torch_grad().numpy()  # warm-up and a sanity check
        agree = float(np.max(np.abs(ours - ref)) / np.max(np.abs(ref)))
        times = {"derive": [], "torch": []}
        for _ in range(repeats):
            for name, fn in (("derive", lambda: soft_argmax_grad(x, t=t)), ("torch", torch_grad)):
                start = time.perf_counter()
                fn()
                times[name].append(time.perf_counter() - start)
        med = {k: statistics.median(v) for k, v in times.items()}
        ratio = med["derive"] / med["torch"]
        worst = max(worst, ratio)
        print(f"  {np.dtype(dtype).name:7s}  derive {med['derive'] * 1e3:8.2f} ms   torch {med['torch'] * 1e3:8.2f} ms   "
              f"ratio {ratio:5.2f}   (max |diff| / max |grad| = {agree:.1e})")
    print(f"worst ratio derive / torch: {worst:.2f} ({'meets' if worst <= 1.0 else 'misses'} the target ≤ 1.0)")
    return 0
