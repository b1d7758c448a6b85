"""Benchmark: ``derive.generated.softmax`` (softmax, logsumexp) against ``scipy.special`` on CPU.

Run with ``python -m derive.bench softmax [--repeats=N] [--rows=R] [--cols=C] [--t=T]``. One thread
(derive.bench sets OMP/OPENBLAS/MKL_NUM_THREADS=1 before NumPy loads; both sides are single-threaded
NumPy anyway), one process, the sides interleaved repeat by repeat with their order alternated, so that
load from other processes hits both alike. The primary figure is the median thread CPU time
(``time.thread_time``); wall time is printed too. SciPy computes softmax(t·x) and logsumexp(t·x)/t from
the same x (the t·x pass counted on its side). Targets (issue 12): softmax ≤ 0.7 and logsumexp ≤ 0.3 of
SciPy on (4096, 1024) float64 at t = 1.
"""
from __future__ import annotations

import statistics
import time

import numpy as np

TARGETS = {"softmax": 0.7, "logsumexp": 0.3}


def _options(argv):
    opts = {"repeats": 15, "rows": 4096, "cols": 1024, "t": 2.0}
    for arg in argv:
        key, _, value = arg.lstrip("-").partition("=")
        if key not in opts or not value:
            raise SystemExit(f"softmax bench: unknown option {arg!r}; known: " + ", ".join(f"--{k}=" for k in opts))
        opts[key] = type(opts[key])(value)
    return opts


def _interleaved(runs, repeats):
    cpu = {k: [] for k in runs}
    wall = {k: [] for k in runs}
    names = list(runs)
    for r in range(repeats):
        for k in (names if r % 2 == 0 else names[::-1]):
            w0, c0 = time.perf_counter(), time.thread_time()
            runs[k]()
            cpu[k].append(time.thread_time() - c0)
            wall[k].append(time.perf_counter() - w0)
    return {k: (statistics.median(cpu[k]), statistics.median(wall[k])) for k in runs}


def main(argv: list[str]) -> int:
    from scipy import special

    import scipy

    from derive.generated import softmax as gen

    opts = _options(argv)
    rows, cols, repeats = opts["rows"], opts["cols"], opts["repeats"]
    print(f"softmax / logsumexp: derive.generated.softmax vs scipy.special, ({rows}, {cols}), one thread "
          f"(numpy {np.__version__}, scipy {scipy.__version__}), medians of {repeats} interleaved repeats; "
          "ratio = derive / scipy, CPU = thread CPU time (primary)")
    print(f"{'function':<10} {'dtype':<8} {'t':>5}  {'derive ms':>9} {'scipy ms':>9} {'CPU ratio':>9} "
          f"{'wall ratio':>10}  {'max rel diff':>12}  target")
    met = []
    for dtype in (np.float64, np.float32):
        x = np.random.default_rng(7).normal(scale=3.0, size=(rows, cols)).astype(dtype)
        for t in (1.0, opts["t"]):
            sides = {
                "softmax": (lambda t=t: gen.softmax(x, t=t),
                            (lambda: special.softmax(x, axis=-1)) if t == 1.0 else
                            (lambda t=t: special.softmax(t * x, axis=-1))),
                "logsumexp": (lambda t=t: gen.logsumexp(x, t=t),
                              (lambda: special.logsumexp(x, axis=-1)) if t == 1.0 else
                              (lambda t=t: special.logsumexp(t * x, axis=-1) / t)),
            }
            for name, (ours, theirs) in sides.items():
                a, b = ours(), theirs()  # warm-up and a sanity check (a benchmark of wrong code measures nothing)
                diff = float(np.max(np.abs(a - b) / np.maximum(np.abs(b), np.finfo(dtype).tiny)))
                res = _interleaved({"derive": ours, "scipy": theirs}, repeats)
                (c_d, w_d), (c_s, w_s) = res["derive"], res["scipy"]
                ratio = c_d / c_s
                target = TARGETS[name] if (dtype == np.float64 and t == 1.0) else None
                verdict = "" if target is None else f"≤ {target}: {'met' if ratio <= target else 'NOT met'}"
                if target is not None:
                    met.append(ratio <= target)
                print(f"{name:<10} {np.dtype(dtype).name:<8} {t:>5g}  {c_d * 1e3:>9.2f} {c_s * 1e3:>9.2f} "
                      f"{ratio:>9.3f} {w_d / w_s:>10.3f}  {diff:>12.1e}  {verdict}", flush=True)
    print(f"targets (float64, t = 1): {'met' if all(met) else 'NOT met'}")
    return 0
