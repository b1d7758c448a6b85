"""Generated RNN forward+backward (derive.generated.rnn) against torch.nn.RNN forward+backward on CPU.

``python -m derive.bench rnn [--repeats=N] [--shape=T,B,D,H]``. One process, one thread on both sides
(the dispatcher sets OMP/OPENBLAS/MKL_NUM_THREADS=1 before NumPy loads; torch.set_num_threads(1) here).
The two sides are interleaved (alternating which goes first) so that load from other processes hits both
alike; the script prints the medians of wall time and of thread CPU time and their ratios
(generated / torch; below 1 means the generated code is faster). The target is a ratio of at most 0.8.
"""
from __future__ import annotations

import statistics
import time

import numpy as np

TARGET = 0.8


def _parse(argv):
    repeats, shape = 15, (100, 64, 256, 256)
    for a in argv:
        if a.startswith("--repeats="):
            repeats = int(a.split("=", 1)[1])
        elif a.startswith("--shape="):
            shape = tuple(int(v) for v in a.split("=", 1)[1].split(","))
    return repeats, shape


def _problem(shape, dtype, seed=2013):
    T, B, D, H = shape
    rng = np.random.default_rng(seed)
    s = 1 / np.sqrt(H)
    return ({"x": rng.standard_normal((T, B, D)).astype(dtype),
             "h0": (0.5 * rng.standard_normal((B, H))).astype(dtype),
             "W_ih": rng.uniform(-s, s, (H, D)).astype(dtype),
             "W_hh": rng.uniform(-s, s, (H, H)).astype(dtype),
             "b_ih": rng.uniform(-s, s, H).astype(dtype),
             "b_hh": rng.uniform(-s, s, H).astype(dtype)},
            rng.standard_normal((T, B, H)).astype(dtype))


def _timed(fn):
    w, c = time.perf_counter(), time.thread_time()
    fn()
    return time.perf_counter() - w, time.thread_time() - c


def run(shape, dtype, repeats, torch, gen) -> dict:
    p, dhs = _problem(shape, dtype)
    tdtype = torch.float64 if dtype == np.float64 else torch.float32
    T, B, D, H = shape
    rnn = torch.nn.RNN(D, H, nonlinearity="tanh").to(tdtype)
    with torch.no_grad():
        for name, key in (("weight_ih_l0", "W_ih"), ("weight_hh_l0", "W_hh"), ("bias_ih_l0", "b_ih"),
                          ("bias_hh_l0", "b_hh")):
            getattr(rnn, name).copy_(torch.from_numpy(p[key]))
    x = torch.from_numpy(p["x"]).requires_grad_()
    h0 = torch.from_numpy(p["h0"])[None].clone().requires_grad_()
    dout = torch.from_numpy(dhs)

    def generated():
        _, cache = gen.rnn_forward(**p)
        return gen.rnn_backward(dhs, cache)

    def reference():
        out, _ = rnn(x, h0)
        out.backward(dout)

    def clear():
        x.grad = None
        h0.grad = None
        rnn.zero_grad(set_to_none=True)

    # same numbers first (a benchmark of wrong code measures nothing)
    g = generated()
    reference()
    err = max(float(np.max(np.abs(g["W_hh"] - rnn.weight_hh_l0.grad.numpy()))) / float(np.max(np.abs(g["W_hh"]))),
              float(np.max(np.abs(g["x"] - x.grad.numpy()))) / float(np.max(np.abs(g["x"]))))
    clear()
    for _ in range(2):  # warm-up: allocator, BLAS buffers, autograd
        generated()
        reference()
        clear()
    gw, gc, tw, tc = [], [], [], []
    for r in range(repeats):
        order = (0, 1) if r % 2 == 0 else (1, 0)
        for side in order:
            if side == 0:
                w, c = _timed(generated)
                gw.append(w)
                gc.append(c)
            else:
                w, c = _timed(reference)
                tw.append(w)
                tc.append(c)
                clear()
    med = statistics.median
    return {"gen_wall": med(gw), "torch_wall": med(tw), "gen_cpu": med(gc), "torch_cpu": med(tc),
            "pair_ratio": med([a / b for a, b in zip(gw, tw)]), "err": err}


def gemm_floor(shape, dtype, repeats, torch) -> tuple[float, float]:
    """Only the matrix products both sides must do (the input projection, T recurrent products forward and T
    backward, and the three stacked gradient products), once through NumPy's BLAS and once through torch's;
    median thread CPU seconds. Their ratio is what the elementwise work and the overheads are added to."""
    T, B, D, H = shape
    rng = np.random.default_rng(7)
    X = rng.standard_normal((T * B, D)).astype(dtype)
    Dl = rng.standard_normal((T * B, H)).astype(dtype)
    Hs = rng.standard_normal((T * B, H)).astype(dtype)
    W_ih = rng.standard_normal((H, D)).astype(dtype)
    W_hh = rng.standard_normal((H, H)).astype(dtype)
    W_hh_T = np.ascontiguousarray(W_hh.T)
    h = rng.standard_normal((B, H)).astype(dtype)
    out = np.empty((B, H), dtype)
    tX, tD, tH, tWi, tWh, th = (torch.from_numpy(a) for a in (X, Dl, Hs, W_ih, W_hh, h))
    tout = torch.empty((B, H), dtype=tX.dtype)

    def numpy_side():
        np.matmul(X, W_ih.T)
        for _ in range(2 * T):
            np.matmul(h, W_hh_T, out=out)
        np.matmul(Dl.T, Hs)
        np.matmul(Dl.T, X)
        np.matmul(Dl, W_ih)

    def torch_side():
        torch.mm(tX, tWi.t())
        for _ in range(2 * T):
            torch.mm(th, tWh.t(), out=tout)
        torch.mm(tD.t(), tH)
        torch.mm(tD.t(), tX)
        torch.mm(tD, tWi)

    a, b = [], []
    for r in range(repeats):
        for side in ((0, 1) if r % 2 == 0 else (1, 0)):
            c = time.thread_time()
            (numpy_side if side == 0 else torch_side)()
            (a if side == 0 else b).append(time.thread_time() - c)
    return statistics.median(a), statistics.median(b)


def main(argv) -> int:
    import torch

    from derive.generated import rnn as gen

    torch.set_num_threads(1)
    repeats, shape = _parse(argv)
    T, B, D, H = shape
    print(f"rnn: generated rnn_forward+rnn_backward vs torch.nn.RNN forward+backward, T={T} B={B} D={D} H={H}, "
          f"1 thread each (torch {torch.__version__}, numpy {np.__version__}), median of {repeats} interleaved runs")
    print(f"{'dtype':<8} {'generated ms':>12} {'torch ms':>9} {'ratio':>6}   {'cpu: gen ms':>11} {'torch ms':>9} "
          f"{'ratio':>6}   {'median pair ratio':>17}  {'rel. diff':>9}")
    for dtype in (np.float32, np.float64):
        r = run(shape, dtype, repeats, torch, gen)
        ratio = r["gen_wall"] / r["torch_wall"]
        cpu_ratio = r["gen_cpu"] / r["torch_cpu"]
        print(f"{np.dtype(dtype).name:<8} {r['gen_wall'] * 1e3:>12.1f} {r['torch_wall'] * 1e3:>9.1f} {ratio:>6.3f}   "
              f"{r['gen_cpu'] * 1e3:>11.1f} {r['torch_cpu'] * 1e3:>9.1f} {cpu_ratio:>6.3f}   {r['pair_ratio']:>17.3f}  "
              f"{r['err']:>9.1e}   target ≤ {TARGET}: {'met' if ratio <= TARGET else 'NOT met'}")
    print("matrix products alone (the same GEMMs through NumPy's BLAS and through torch's), thread CPU time:")
    for dtype in (np.float32, np.float64):
        a, b = gemm_floor(shape, dtype, max(5, repeats // 2), torch)
        print(f"{np.dtype(dtype).name:<8} numpy {a * 1e3:7.1f} ms  torch {b * 1e3:7.1f} ms  ratio {a / b:.3f}")
    return 0
