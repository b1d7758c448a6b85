"""``python -m derive.bench lstm [--repeats=N] [--quick]``: derive.generated.lstm forward+backward against
torch.nn.LSTM forward+backward on CPU, one thread each, in one process.

Time: the median of N repeats per side, the two sides interleaved (and their order alternated) so that
load from other processes hits both; ratio = NumPy median / torch median (≤ 1 means NumPy is faster).
Memory: the peak number of bytes allocated during one forward+backward, above what was allocated before
it (inputs and parameters exist on both sides already). NumPy: ``tracemalloc`` (NumPy reports its array
buffers to it). torch: the profiler's ``profile_memory`` events of the CPU allocator ("Total Allocated"
over time). Both count allocator bytes, not resident pages.
Floor: the same matrix products alone (NumPy's OpenBLAS against torch's MKL), interleaved the same way;
the LSTM ratio cannot go much below it, since the products are most of the work.
"""
from __future__ import annotations

import json
import os
import statistics
import tempfile
import time
import tracemalloc

import numpy as np

CONFIGS = [(50, 32, 128, 128), (100, 64, 256, 256)]  # (T, B, D, H)
QUICK = [(10, 4, 16, 16)]


def _inputs(T, B, D, H, dtype, seed=0):
    rng = np.random.default_rng(seed)
    s = 1 / np.sqrt(H)
    return {
        "x": rng.normal(size=(T, B, D)).astype(dtype),
        "h0": rng.normal(0, 0.5, (B, H)).astype(dtype),
        "c0": rng.normal(0, 0.5, (B, H)).astype(dtype),
        "W_ih": rng.uniform(-s, s, (4 * H, D)).astype(dtype),
        "W_hh": rng.uniform(-s, s, (4 * H, H)).astype(dtype),
        "b_ih": rng.uniform(-s, s, 4 * H).astype(dtype),
        "b_hh": rng.uniform(-s, s, 4 * H).astype(dtype),
        "dhs": rng.normal(size=(T, B, H)).astype(dtype),
    }


def _numpy_side(a):
    from derive.generated import lstm as gen

    def run():
        hs, cache = gen.lstm_forward(a["x"], a["h0"], a["c0"], a["W_ih"], a["W_hh"], a["b_ih"], a["b_hh"])
        return gen.lstm_backward(a["dhs"], cache)
    return run


def _torch_side(a, torch):
    T, B, D = a["x"].shape
    H = a["W_hh"].shape[1]
    dtype = torch.float32 if a["x"].dtype == np.float32 else torch.float64
    m = torch.nn.LSTM(D, H).to(dtype)
    with torch.no_grad():
        m.weight_ih_l0.copy_(torch.from_numpy(a["W_ih"]))
        m.weight_hh_l0.copy_(torch.from_numpy(a["W_hh"]))
        m.bias_ih_l0.copy_(torch.from_numpy(a["b_ih"]))
        m.bias_hh_l0.copy_(torch.from_numpy(a["b_hh"]))
    x = torch.from_numpy(a["x"]).requires_grad_(True)
    h0 = torch.from_numpy(a["h0"][None].copy()).requires_grad_(True)
    c0 = torch.from_numpy(a["c0"][None].copy()).requires_grad_(True)
    dhs = torch.from_numpy(a["dhs"])

    def run():
        for p in (x, h0, c0, *m.parameters()):
            p.grad = None
        out, _ = m(x, (h0, c0))
        out.backward(dhs)
    return run


def _gemms(a, lib, torch=None):
    """Only the matrix products lstm_forward + lstm_backward run (one GEMM for x·W_ih^T, T for h·W_hh^T,
    T for δa·W_hh, then δx, ∇W_ih, ∇W_hh), through NumPy's BLAS or torch's: the floor of the ratio."""
    T, B, D = a["x"].shape
    H = a["W_hh"].shape[1]
    conv = (lambda v: v) if lib == "numpy" else torch.from_numpy
    mm = np.matmul if lib == "numpy" else torch.matmul
    X, WxT = conv(a["x"].reshape(T * B, D)), conv(np.ascontiguousarray(a["W_ih"].T))
    WhT, Whh, Wih = conv(np.ascontiguousarray(a["W_hh"].T)), conv(a["W_hh"]), conv(a["W_ih"])
    G = conv(np.ones((T * B, 4 * H), a["x"].dtype))
    h, rec, dh = conv(a["h0"].copy()), conv(np.empty((B, 4 * H), a["x"].dtype)), conv(a["h0"].copy())
    Hp = conv(np.ones((T * B, H), a["x"].dtype))

    def run():
        mm(X, WxT)
        for t in range(T):
            mm(h, WhT, out=rec)
        for t in range(T):
            mm(G[t * B:(t + 1) * B], Whh, out=dh)
        mm(G, Wih)
        mm(X.T, G)
        mm(Hp.T, G)
    return run


def _numpy_peak(run) -> int:
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        result = run()
        peak = tracemalloc.get_traced_memory()[1] - base
        del result
    finally:
        tracemalloc.stop()
    return peak


def _torch_peak(run, torch) -> int:
    from torch.profiler import ProfilerActivity, profile

    with profile(activities=[ProfilerActivity.CPU], profile_memory=True) as prof:
        run()
    fd, path = tempfile.mkstemp(suffix=".json")
    os.close(fd)
    try:
        prof.export_chrome_trace(path)
        with open(path, encoding="utf-8") as fh:
            events = json.load(fh)["traceEvents"]
    finally:
        os.unlink(path)
    mem = sorted((e for e in events if e.get("name") == "[memory]" and e["args"].get("Device Type") == 0),
                 key=lambda e: e["ts"])
    if not mem:
        return 0
    start = mem[0]["args"]["Total Allocated"] - mem[0]["args"]["Bytes"]
    return max(e["args"]["Total Allocated"] for e in mem) - start


def main(argv: list[str]) -> int:
    import torch

    torch.set_num_threads(1)
    repeats = 7
    configs = CONFIGS
    for arg in argv:
        if arg.startswith("--repeats="):
            repeats = int(arg.split("=", 1)[1])
        elif arg == "--quick":
            configs, repeats = QUICK, 3
        else:
            print(f"derive.bench lstm: unknown option {arg!r}")
            return 2
    print(f"LSTM forward+backward, one thread per side (torch {torch.__version__}, threads "
          f"{torch.get_num_threads()}; OMP/OPENBLAS/MKL_NUM_THREADS = {os.environ.get('OMP_NUM_THREADS')}/"
          f"{os.environ.get('OPENBLAS_NUM_THREADS')}/{os.environ.get('MKL_NUM_THREADS')}); median of {repeats}")
    print(f"{'dtype':<8} {'T':>4} {'B':>4} {'D':>4} {'H':>4}  {'numpy ms':>9} {'torch ms':>9} {'ratio':>6}  "
          f"{'numpy MB':>9} {'torch MB':>9} {'mem ratio':>9}  {'GEMMs only: numpy/torch':>23}")
    for dtype in (np.float32, np.float64):
        for T, B, D, H in configs:
            a = _inputs(T, B, D, H, dtype)
            np_run, th_run = _numpy_side(a), _torch_side(a, torch)
            np_run(), th_run()  # warm-up: lazy initialisation, first-touch of the allocators
            t_np, t_th = [], []
            for r in range(repeats):
                order = ((np_run, t_np), (th_run, t_th)) if r % 2 == 0 else ((th_run, t_th), (np_run, t_np))
                for run, sink in order:
                    t0 = time.perf_counter()
                    run()
                    sink.append(time.perf_counter() - t0)
            g_np, g_th = _gemms(a, "numpy"), _gemms(a, "torch", torch)
            s_np, s_th = [], []
            for r in range(repeats):
                for run, sink in ((g_np, s_np), (g_th, s_th)) if r % 2 == 0 else ((g_th, s_th), (g_np, s_np)):
                    t0 = time.perf_counter()
                    run()
                    sink.append(time.perf_counter() - t0)
            m_np, m_th = statistics.median(t_np), statistics.median(t_th)
            floor = statistics.median(s_np) / statistics.median(s_th)
            p_np, p_th = _numpy_peak(np_run), _torch_peak(th_run, torch)
            print(f"{np.dtype(dtype).name:<8} {T:>4} {B:>4} {D:>4} {H:>4}  {m_np * 1e3:>9.1f} {m_th * 1e3:>9.1f} "
                  f"{m_np / m_th:>6.2f}  {p_np / 2**20:>9.1f} {p_th / 2**20:>9.1f} "
                  f"{(p_np / p_th if p_th else float('nan')):>9.2f}  {floor:>23.2f}", flush=True)
    return 0
