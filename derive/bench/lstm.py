"""``python -m derive.bench lstm [--repeats=N] [--quick]``: derive.generated.lstm forward+backward against
torch.nn.LSTM forward+backward on CPU, one thread each, in one process.

Time: both sides run the same work (torch: x, h0 and c0 require grad, so it computes the same seven
gradients, same dtype). The two sides are interleaved, their order alternated per repeat, and the median of
N repeats is taken per side. CPU time (``time.thread_time``, this thread only) is the primary figure: another
process on the other core slows wall-clock time but not much the CPU time of a single-threaded side. Wall
time (``time.perf_counter``) is printed as the secondary figure. ratio = NumPy / torch (≤ 1: NumPy faster).
Memory: the peak number of bytes allocated during one forward+backward, above what was allocated before
it (inputs and parameters exist on both sides already). NumPy: ``tracemalloc`` (NumPy reports its array
buffers to it). torch: the profiler's ``profile_memory`` events of the CPU allocator ("Total Allocated"
over time). Both count allocator bytes, not resident pages.
Targets (issue 5): CPU-time ratio ≤ 1.0 and memory ratio ≤ 1.0 for every dtype and shape; (issue 12)
numpy / GEMMs ≤ 1.15: the whole generated forward+backward against its matrix products alone.
Floor: the matrix products alone (one GEMM for x·W_ih^T, T for h·W_hh^T, T for δa·W_hh, then δx, ∇W_ih,
∇W_hh), through NumPy's BLAS (OpenBLAS) and through torch.matmul (MKL), CPU time, interleaved the same way.
"numpy/own" = the generated code over the products it runs itself, in its own layouts (gate by gate; faster
than the floor's at these shapes), i.e. what the element-wise work and the copies add.
Memory: NumPy's peak is that of a cold call: the workspace that derive.generated.lstm keeps between calls
(see its module) is released first, so its buffers are counted.
"GEMMs/torch LSTM" = NumPy's products alone / torch's whole forward+backward: when it is near or above 1 the
time target is out of reach for NumPy whatever the element-wise code does. For float32, torch.nn.LSTM runs
oneDNN's fused LSTM kernel (``aten::mkldnn_rnn_layer``), not separate aten ops; the "path" column says which.
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
FLOOR_TARGET = 1.15
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


def _own_gemms(a):
    """The matrix products the generated code runs, in its own layouts (the input GEMM and the per-step
    products gate by gate, (B, H) @ (H, H) four times, which OpenBLAS runs faster here than the floor's
    (B, H) @ (H, 4H)): numpy / these is the cost of everything else, the element-wise work above all."""
    T, B, D = a["x"].shape
    H = a["W_hh"].shape[1]
    dt = a["x"].dtype
    xa = np.ones((T, B, D + 1), dt)
    Wx, WhT, W3 = np.ones((4, D + 1, H), dt), np.ones((4, H, H), dt), np.ones((4, H, H), dt)
    G, rec, grads = np.ones((T, 4, B, H), dt), np.empty((4, B, H), dt), np.ones((4, B, H), dt)
    h, Hp, Wih = np.ones((B, H), dt), np.ones((T * B, H), dt), np.ones((4 * H, D), dt)
    dWb, dWh = np.empty((D + 1, 4 * H), dt), np.empty((H, 4 * H), dt)

    def run():
        np.matmul(xa[:, None], Wx, out=G)
        for t in range(T):
            np.matmul(h, WhT, out=rec)
        for t in range(T):
            np.matmul(grads, W3, out=rec)
        dA = G.reshape(T * B, 4 * H)
        np.matmul(xa.reshape(T * B, D + 1).T, dA, out=dWb)
        np.matmul(Hp.T, dA, out=dWh)
        np.matmul(dA, Wih)
    return run


def _numpy_peak(run) -> int:
    from derive.generated import lstm as gen

    gen.release_workspaces()  # a cold call: the buffers kept between calls are counted too
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


def _torch_peak(run, torch) -> tuple[int, str]:
    """Peak allocated bytes during ``run`` and the LSTM kernel torch used ("oneDNN fused" or "aten ops")."""
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
    kernel = "oneDNN fused" if any("mkldnn_rnn" in str(e.get("name", "")) for e in events) else "aten ops"
    mem = sorted((e for e in events if e.get("name") == "[memory]" and e["args"].get("Device Type") == 0),
                 key=lambda e: e["ts"])
    if not mem:
        return 0, kernel
    start = mem[0]["args"]["Total Allocated"] - mem[0]["args"]["Bytes"]
    return max(e["args"]["Total Allocated"] for e in mem) - start, kernel


def _interleaved(runs, repeats):
    """Run the callables of ``runs`` (name -> fn) ``repeats`` times each, interleaved, alternating the order;
    returns name -> (median CPU seconds, median wall seconds)."""
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
    import torch

    torch.set_num_threads(1)
    repeats = 9
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
          f"{os.environ.get('OPENBLAS_NUM_THREADS')}/{os.environ.get('MKL_NUM_THREADS')}); median of {repeats} "
          f"interleaved repeats; ratio = numpy / torch")
    head = (f"{'dtype':<8} {'T':>4} {'B':>4} {'D':>4} {'H':>4}  {'numpy cpu ms':>12} {'torch cpu ms':>12} "
            f"{'cpu ratio':>9} {'wall ratio':>10}  {'numpy MB':>8} {'torch MB':>8} {'mem ratio':>9}  "
            f"{'GEMMs n/t':>9} {'GEMMs/torch LSTM':>16} {'numpy/GEMMs':>11} {'numpy/own':>9}  {'torch path':<12}  "
            f"targets (cpu<=1, mem<=1, numpy/GEMMs<={FLOOR_TARGET})")
    print(head)
    rows, floors = [], []
    for dtype in (np.float32, np.float64):
        for T, B, D, H in configs:
            a = _inputs(T, B, D, H, dtype)
            runs = {"numpy": _numpy_side(a), "torch": _torch_side(a, torch),
                    "gemm numpy": _gemms(a, "numpy"), "gemm torch": _gemms(a, "torch", torch),
                    "own gemms": _own_gemms(a)}
            for run in runs.values():
                run()  # warm-up: lazy initialisation, first-touch of the allocators
            res = _interleaved(runs, repeats)
            (c_np, w_np), (c_th, w_th) = res["numpy"], res["torch"]
            g_np, g_th, g_own = res["gemm numpy"][0], res["gemm torch"][0], res["own gemms"][0]
            p_np = _numpy_peak(runs["numpy"])
            p_th, kernel = _torch_peak(runs["torch"], torch)
            t_ratio, m_ratio = c_np / c_th, (p_np / p_th if p_th else float("nan"))
            ok_t, ok_m, ok_f = t_ratio <= 1.0, m_ratio <= 1.0, c_np / g_np <= FLOOR_TARGET
            verdict = (f"time {'met' if ok_t else 'NOT met'}, memory {'met' if ok_m else 'NOT met'}, "
                       f"floor {'met' if ok_f else 'NOT met'}")
            rows.append((np.dtype(dtype).name, T, B, D, H, ok_t, ok_m, g_np / c_th))
            floors.append(ok_f)
            print(f"{np.dtype(dtype).name:<8} {T:>4} {B:>4} {D:>4} {H:>4}  {c_np * 1e3:>12.1f} {c_th * 1e3:>12.1f} "
                  f"{t_ratio:>9.2f} {w_np / w_th:>10.2f}  {p_np / 2**20:>8.1f} {p_th / 2**20:>8.1f} {m_ratio:>9.2f}  "
                  f"{g_np / g_th:>9.2f} {g_np / c_th:>16.2f} {c_np / g_np:>11.3f} {c_np / g_own:>9.3f}  {kernel:<12}  "
                  f"{verdict}", flush=True)
    met = [r for r in rows if r[5] and r[6]]
    print(f"targets met for {len(met)} of {len(rows)} configurations"
          + ("" if len(met) == len(rows) else "; not met: " + ", ".join(
              f"{r[0]} T={r[1]} B={r[2]} H={r[4]} ({'time' if not r[5] else ''}{' and ' if not r[5] and not r[6] else ''}"
              f"{'memory' if not r[6] else ''}{'; NumPy GEMMs alone take %.2f of torch' % r[7] if not r[5] else ''})"
              for r in rows if not (r[5] and r[6]))))
    print(f"numpy / GEMMs ≤ {FLOOR_TARGET} (issue 12): met for {sum(floors)} of {len(floors)} configurations")
    return 0
