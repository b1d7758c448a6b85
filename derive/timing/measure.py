"""The torch side of ``derive timing``: backend settings, the layers, the clocks, the matmul peak, and
one run over a grid into the result document (see ``schema.json``).

Timing practice: every case gets untimed warm-up calls (module loading, oneDNN / cuBLAS / cuDNN
handles and plans stay out of the numbers), then many timed repeats, reported as median and quartiles.
On the CPU each call is timed with ``time.perf_counter``; torch's CPU kernels (and their worker
threads) have finished when the call returns, so the host clock brackets the work. On a GPU each call
is bracketed by CUDA events on the stream and read after one synchronisation, so the host's launch
loop is not timed, but the GPU's waits for it are (launch overhead is part of a small layer's cost).
Inputs and weights are seeded standard-normal and torch's default initialisation: never zeros.
"""
from __future__ import annotations

import json
import math
import os
import platform
import statistics
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.attention import SDPBackend, sdpa_kernel

from . import counts, plan

SCHEMA_ID = "derive-timing/1"
DTYPE = torch.float32
SEED = 2013
# float32 attention on a GPU: flash attention has no float32 kernel, memory-efficient attention does
# (and keeps attention's memory O(n)); on the CPU the flash kernel takes float32.
SDPA_BACKEND = {"cuda": SDPBackend.EFFICIENT_ATTENTION, "cpu": SDPBackend.FLASH_ATTENTION}


class SelfAttention(nn.Module):
    """One self-attention layer: fused Q, K, V projection d → 3d, SDPA over ``heads`` heads of width
    d / heads, output projection d → d. Input and output (B, n, d)."""

    def __init__(self, d: int, heads: int):
        super().__init__()
        if d % heads:
            raise ValueError(f"heads: {heads} does not divide d = {d}")
        self.heads = heads
        self.qkv = nn.Linear(d, 3 * d)
        self.out = nn.Linear(d, d)

    def forward(self, x):
        b, n, d = x.shape
        q, k, v = self.qkv(x).view(b, n, 3, self.heads, d // self.heads).permute(2, 0, 3, 1, 4)
        y = F.scaled_dot_product_attention(q, k, v)
        return self.out(y.transpose(1, 2).reshape(b, n, d))


class PointwiseMatmul(nn.Module):
    """The 1×1 convolution written as one batched matmul W·X, X the input viewed as (B, c_in, h·w)."""

    def __init__(self, weight):
        super().__init__()
        self.weight = nn.Parameter(weight.detach().clone())

    def forward(self, x):
        b, c, h, w = x.shape
        return torch.matmul(self.weight, x.reshape(b, c, h * w))


def configure(device_kind: str) -> dict:
    """Set TF32 off and the SDPA backend explicitly, and return the settings as read back."""
    if hasattr(torch.backends, "fp32_precision"):
        # torch ≥ 2.9: the fp32_precision API ("ieee" = no TF32); reading the legacy allow_tf32 flags
        # after setting these is an error in torch, so only this API is used and read back
        flags = {"api": "fp32_precision"}
        for name, target in (("generic", torch.backends), ("cuda_matmul", torch.backends.cuda.matmul),
                             ("cudnn_conv", getattr(torch.backends.cudnn, "conv", None)),
                             ("cudnn_rnn", getattr(torch.backends.cudnn, "rnn", None))):
            if target is not None and hasattr(target, "fp32_precision"):
                target.fp32_precision = "ieee"
                flags[name] = target.fp32_precision
        tf32 = any(v == "tf32" for k, v in flags.items() if k != "api")
    else:
        torch.backends.cuda.matmul.allow_tf32 = False
        torch.backends.cudnn.allow_tf32 = False
        torch.set_float32_matmul_precision("highest")
        flags = {"api": "allow_tf32", "cuda_matmul": str(torch.backends.cuda.matmul.allow_tf32),
                 "cudnn": str(torch.backends.cudnn.allow_tf32),
                 "float32_matmul_precision": torch.get_float32_matmul_precision()}
        tf32 = torch.backends.cuda.matmul.allow_tf32 or torch.backends.cudnn.allow_tf32
    torch.backends.cudnn.benchmark = False
    return {"dtype": str(DTYPE).removeprefix("torch."), "tf32": bool(tf32), "precision_flags": flags,
            "sdpa_backend": SDPA_BACKEND[device_kind].name, "cudnn_benchmark": torch.backends.cudnn.benchmark,
            "forward_grad_mode": "torch.no_grad"}


def _cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def environment(device_kind: str) -> dict:
    cuda = device_kind == "cuda"
    props = torch.cuda.get_device_properties(0) if cuda else None
    return {"kind": device_kind,
            "name": torch.cuda.get_device_name(0) if cuda else _cpu_name(),
            "capability": f"{props.major}.{props.minor}" if cuda else None,
            "memory_gib": round(props.total_memory / 2**30, 1) if cuda else None,
            "torch": torch.__version__, "cuda": torch.version.cuda,
            "cudnn": torch.backends.cudnn.version() if cuda else None,
            "threads": torch.get_num_threads(), "interop_threads": torch.get_num_interop_threads(),
            "cpu": _cpu_name(), "cpu_count": os.cpu_count(),
            "python": platform.python_version(), "platform": platform.platform()}


def load_average() -> list[float] | None:
    try:
        return [round(v, 2) for v in os.getloadavg()]
    except (AttributeError, OSError):  # not on every platform
        return None


class HostClock:
    """CPU clocks. With one intra-op thread the calling thread runs every kernel (and the CPU autograd
    engine), so its CPU time is the work itself, immune to being descheduled on a shared machine;
    wall time is recorded beside it. With several threads, wall time is all there is."""

    def __init__(self, threads: int):
        self.primary = "thread_time" if threads == 1 else "perf_counter"
        self.method = ("time.thread_time (CPU time of the calling thread, which runs every kernel with one "
                       "intra-op thread) around each call; time.perf_counter wall time beside it"
                       if threads == 1 else "time.perf_counter around each call (CPU kernels have finished "
                       "when the call returns)")
        self.wall: list[float] = []

    def times(self, fn, reset, repeats: int) -> list[float]:
        cpu, wall = [], []
        for _ in range(repeats):
            reset()
            w, c = time.perf_counter(), time.thread_time()
            fn()
            cpu.append(time.thread_time() - c)
            wall.append(time.perf_counter() - w)
        self.wall = wall
        return cpu if self.primary == "thread_time" else wall


class CudaEventClock:
    primary = "cuda_event"
    wall = None
    method = "CUDA events recorded around each call on the current stream, read after one synchronize"

    def times(self, fn, reset, repeats: int) -> list[float]:
        torch.cuda.synchronize()
        marks = []
        for _ in range(repeats):
            reset()
            start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            start.record()
            fn()
            end.record()
            marks.append((start, end))
        torch.cuda.synchronize()
        return [start.elapsed_time(end) / 1e3 for start, end in marks]


def _sig(x: float) -> float:
    """Four significant digits: more than the spread of any timing, and readable diffs."""
    return float(f"{x:.4g}")


def summarise(times: list[float]) -> dict:
    q1, _, q3 = statistics.quantiles(times, n=4, method="inclusive")
    return {"repeats": len(times), "median_s": _sig(statistics.median(times)), "q1_s": _sig(q1),
            "q3_s": _sig(q3), "min_s": _sig(min(times)), "max_s": _sig(max(times))}


def sample(clock, fn, reset, grid: plan.Grid) -> dict:
    """Warm up (at least ``warmup_calls`` calls and ``warmup_s`` seconds, doubling), then time enough
    repeats to fill ``budget_s``, estimated from the warm-up calls after the first."""
    warm = clock.times(fn, reset, grid.warmup_calls)
    while sum(warm) < grid.warmup_s and len(warm) < 4096:
        warm += clock.times(fn, reset, len(warm))
    per_call = max(statistics.median(warm[1:] or warm), 1e-9)
    repeats = min(max(math.ceil(grid.budget_s / per_call), grid.min_repeats), grid.max_repeats)
    stats = summarise(clock.times(fn, reset, repeats))
    if clock.primary == "thread_time":
        wall = summarise(clock.wall)
        stats["wall"] = {k: wall[k] for k in ("median_s", "q1_s", "q3_s")}
    return stats


def _randn(shape, device, generator, scale=1.0):
    return (scale * torch.randn(*shape, generator=generator, dtype=DTYPE)).to(device)


def build(case: plan.Case, device, generator) -> tuple[nn.Module, tuple]:
    """The layer (seeded default initialisation, biases included) and its inputs."""
    s = case.dims
    torch.manual_seed(SEED)
    if case.layer in ("conv1x1", "matmul"):
        conv = nn.Conv2d(s["c_in"], s["c_out"], 1, bias=False)
        module = conv if case.layer == "conv1x1" else PointwiseMatmul(conv.weight.view(s["c_out"], s["c_in"]))
        return module.to(device, DTYPE), (_randn((s["batch"], s["c_in"], s["h"], s["w"]), device, generator),)
    b, n, d = s["batch"], s["n"], s["d"]
    if case.layer == "conv1d":
        module = nn.Conv1d(d, d, s["k"], padding=s["k"] // 2)
        return module.to(device, DTYPE), (_randn((b, d, n), device, generator),)
    x = _randn((b, n, d), device, generator)
    if case.layer == "attention":
        return SelfAttention(d, s["heads"]).to(device, DTYPE), (x,)
    h0 = _randn((1, b, d), device, generator, 0.5)
    if case.layer == "rnn":
        return nn.RNN(d, d, batch_first=True).to(device, DTYPE), (x, h0)
    if case.layer == "lstm":
        return nn.LSTM(d, d, batch_first=True).to(device, DTYPE), (x, (h0, _randn((1, b, d), device, generator, 0.5)))
    raise ValueError(f"layer: unknown layer {case.layer!r}")


def _output(result):
    return result[0] if isinstance(result, tuple) else result


def workload(case: plan.Case, module: nn.Module, inputs: tuple, generator) -> tuple[Callable, Callable]:
    """(call, reset): the timed call, and what runs untimed before each one."""
    if case.pass_ == "forward":
        def forward():
            with torch.no_grad():
                module(*inputs)
        return forward, lambda: None
    x = inputs[0].requires_grad_()
    with torch.no_grad():
        shape = _output(module(*inputs)).shape
    grad_out = _randn(tuple(shape), x.device, generator)

    def forward_backward():
        _output(module(*inputs)).backward(grad_out)

    def reset():
        x.grad = None
        module.zero_grad(set_to_none=True)
    return forward_backward, reset


def pointwise_agreement(case: plan.Case, device, generator) -> float:
    """Max |matmul − conv1x1| / max |conv1x1| on this case's input: the two compute one function."""
    conv, (x,) = build(plan.Case("conv1x1", case.shape, "forward"), device, generator)
    mm, _ = build(plan.Case("matmul", case.shape, "forward"), device, generator)
    with torch.no_grad():
        ref = conv(x).flatten(2)
        return float((mm(x) - ref).abs().max() / ref.abs().max())


def peak(clock, device, grid: plan.Grid, generator) -> dict:
    m = grid.peak_size
    a, b = _randn((m, m), device, generator), _randn((m, m), device, generator)
    c = torch.empty((m, m), dtype=DTYPE, device=device)
    stats = sample(clock, lambda: torch.matmul(a, b, out=c), lambda: None, grid)
    return {"m": m, "macs": m**3, **stats, "flops_per_s": _sig(counts.flops_per_second(m**3, stats["median_s"]))}


def time_case(case: plan.Case, clock, device, grid: plan.Grid, generator) -> dict:
    module, inputs = build(case, device, generator)
    fn, reset = workload(case, module, inputs, generator)
    row = {"layer": case.layer, "shape": case.dims, "pass": case.pass_,
           "macs": counts.pass_macs(case.layer, case.dims, case.pass_), **sample(clock, fn, reset, grid)}
    if case.layer == "matmul" and case.pass_ == "forward":
        row["relative_difference_to_conv1x1"] = _sig(pointwise_agreement(case, device, generator))
    return row


_NO_SDPA_KERNEL = ("No available kernel", "No viable backend")


def _timed_with_backend(case, clock, device, grid, generator, device_kind) -> dict:
    """Attention runs under the one chosen SDPA backend; where it has no kernel for a shape (a head
    width it does not take, say), under the math backend, and the case records which one ran."""
    if case.layer != "attention":
        return time_case(case, clock, device, grid, generator)
    chosen = SDPA_BACKEND[device_kind]
    try:
        with sdpa_kernel([chosen]):
            row = time_case(case, clock, device, grid, generator)
        row["sdpa_backend"] = chosen.name
    except RuntimeError as exc:
        if not any(m in str(exc) for m in _NO_SDPA_KERNEL):
            raise
        with sdpa_kernel([SDPBackend.MATH]):
            row = time_case(case, clock, device, grid, generator)
        row["sdpa_backend"] = SDPBackend.MATH.name
    return row


def run(grid: plan.Grid, device_kind: str, report: Callable[[int, int, str], None] = lambda i, t, s: None,
        threads: int | None = None, command: str = "derive timing") -> dict:
    """Time every case of ``grid``; ``threads`` sets torch's intra-op threads (None: torch's default)."""
    if threads is not None:
        torch.set_num_threads(threads)
    device = torch.device(device_kind)
    generator = torch.Generator().manual_seed(SEED)
    settings = configure(device_kind)
    clock = CudaEventClock() if device_kind == "cuda" else HostClock(torch.get_num_threads())
    todo = plan.cases(grid)
    loads = [load_average()]
    started, wall = datetime.now(timezone.utc), time.perf_counter()
    rows, skipped = [], []
    report(0, len(todo), "matmul peak")
    peak_before = peak(clock, device, grid, generator)
    for i, case in enumerate(todo):
        report(i, len(todo), case.label())
        if grid.deadline_s is not None and time.perf_counter() - wall > grid.deadline_s:
            skipped.append({"layer": case.layer, "shape": case.dims, "pass": case.pass_,
                            "reason": f"the run's deadline of {grid.deadline_s:.0f} s had passed"})
            continue
        try:
            rows.append(_timed_with_backend(case, clock, device, grid, generator, device_kind))
        except RuntimeError as exc:  # out of memory, say: recorded, not fatal, the other cases still run
            skipped.append({"layer": case.layer, "shape": case.dims, "pass": case.pass_,
                            "reason": str(exc).splitlines()[0][:300] if str(exc) else type(exc).__name__})
            if device_kind == "cuda":
                torch.cuda.empty_cache()
        loads.append(load_average())
    report(len(todo), len(todo), "matmul peak")
    peak_after = peak(clock, device, grid, generator)
    best = max(peak_before["flops_per_s"], peak_after["flops_per_s"])
    for row in rows:
        row["flops_per_s"] = _sig(counts.flops_per_second(row["macs"], row["median_s"]))
        row["fraction_of_peak"] = _sig(counts.fraction_of_peak(row["flops_per_s"], best))
    return {"schema": SCHEMA_ID, "created": started.isoformat(timespec="seconds"), "command": command,
            "duration_s": round(time.perf_counter() - wall, 1), "quick": grid.name == "quick",
            "device": environment(device_kind), "settings": settings,
            "timing": {"clock": clock.method, "primary": clock.primary, "statistic": "median", "spread": "quartiles q1_s, q3_s",
                       "inputs": "seeded standard normal; weights and biases torch's default initialisation"},
            "counts": counts.provenance(), "grid": grid.to_json(),
            "load_average": _loads(loads),
            "peak": {"before": peak_before, "after": peak_after, "flops_per_s": best},
            "cases": rows, "skipped": skipped, "predicted_crossovers": counts.predicted_crossovers(grid)}


def dumps(doc: dict) -> str:
    """JSON with one case per line: readable, and a re-run diffs line by line."""
    lines = []
    for key, value in doc.items():
        if isinstance(value, list) and value and isinstance(value[0], dict):
            rows = ",\n".join("  " + json.dumps(v, ensure_ascii=False) for v in value)
            lines.append(f" {json.dumps(key)}: [\n{rows}\n ]")
        else:
            lines.append(f" {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}")
    return "{\n" + ",\n".join(lines) + "\n}\n"


def _loads(samples: list) -> dict | None:
    if samples[0] is None:
        return None
    return {"before": samples[0], "after": samples[-1], "max_1min": max(s[0] for s in samples)}
