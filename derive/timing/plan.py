"""What a timing run measures: the grid of sequence lengths n and widths d per preset, and the cases
it expands to, in the order they are timed. No torch here, so the plan can be tested anywhere."""
from __future__ import annotations

from dataclasses import dataclass

PASSES = ("forward", "forward+backward")
SEQUENCE_LAYERS = ("attention", "conv1d", "rnn", "lstm")
POINTWISE_LAYERS = ("conv1x1", "matmul")


@dataclass(frozen=True)
class Grid:
    """One preset. Times are per case: ``warmup_s`` of untimed calls (at least ``warmup_calls``), then
    enough timed repeats to fill ``budget_s``, clamped to [``min_repeats``, ``max_repeats``]."""

    name: str
    n: tuple[int, ...]
    d: tuple[int, ...]
    heads: tuple[int, ...]  # attention variants: 1 head and several (the heads split d)
    kernel: int  # width k of the 1-D convolution (odd, so "same" padding is symmetric)
    batch: int
    pointwise_channels: tuple[int, int]  # (c_in, c_out) of the 1×1 convolution
    pointwise_sides: tuple[int, ...]  # spatial sizes h = w of the 1×1 convolution
    peak_size: int  # the peak is an m×m by m×m matmul, m = peak_size
    warmup_s: float
    warmup_calls: int
    budget_s: float
    min_repeats: int
    max_repeats: int
    deadline_s: float | None = None  # past this, the remaining cases are recorded as skipped

    def to_json(self) -> dict:
        return {"preset": self.name, "n": list(self.n), "d": list(self.d), "heads": list(self.heads),
                "kernel": self.kernel, "batch": self.batch,
                "pointwise": {"c_in": self.pointwise_channels[0], "c_out": self.pointwise_channels[1],
                              "sides": list(self.pointwise_sides)},
                "peak_size": self.peak_size, "warmup_s": self.warmup_s, "warmup_calls": self.warmup_calls,
                "budget_s": self.budget_s, "min_repeats": self.min_repeats, "max_repeats": self.max_repeats,
                "deadline_s": self.deadline_s}


QUICK = Grid("quick", n=(8, 16, 32), d=(16,), heads=(1, 2), kernel=3, batch=1,
             pointwise_channels=(16, 8), pointwise_sides=(4, 8), peak_size=128,
             warmup_s=0.0, warmup_calls=2, budget_s=0.002, min_repeats=3, max_repeats=10)

# The CPU run: about two minutes on two shared cores. Batch 1: the formulas count one sequence.
CPU = Grid("cpu", n=(16, 32, 64, 128, 256, 512, 1024), d=(64, 256), heads=(1, 4), kernel=3, batch=1,
           pointwise_channels=(256, 64), pointwise_sides=(8, 16, 32, 64), peak_size=1024,
           warmup_s=0.05, warmup_calls=3, budget_s=0.15, min_repeats=5, max_repeats=200)

# The GPU run (H100/H200 class): about three minutes; a one-shot on a lent machine, so a deadline keeps
# it inside its lease and the file is written whatever happens. Batch 8 and n up to 8192 so that the large
# cases fill the chip; the small ones show the launch overhead.
CUDA = Grid("cuda", n=(64, 128, 256, 512, 1024, 2048, 4096, 8192), d=(256, 1024), heads=(1, 8), kernel=3,
            batch=8, pointwise_channels=(1024, 256), pointwise_sides=(16, 32, 64, 128), peak_size=8192,
            warmup_s=0.1, warmup_calls=3, budget_s=0.2, min_repeats=5, max_repeats=1000, deadline_s=420.0)


def preset(device_kind: str, quick: bool) -> Grid:
    if quick:
        return QUICK
    return CUDA if device_kind == "cuda" else CPU


@dataclass(frozen=True)
class Case:
    layer: str
    shape: tuple[tuple[str, int], ...]  # sorted (name, value) pairs, hashable
    pass_: str

    @property
    def dims(self) -> dict[str, int]:
        return dict(self.shape)

    def label(self) -> str:
        return f"{self.layer} " + " ".join(f"{k}={v}" for k, v in self.shape) + f" {self.pass_}"


def _shape(**dims: int) -> tuple[tuple[str, int], ...]:
    return tuple(sorted(dims.items()))


def sequence_shape(layer: str, grid: Grid, n: int, d: int, heads: int = 1) -> tuple[tuple[str, int], ...]:
    extra = {"attention": {"heads": heads}, "conv1d": {"k": grid.kernel}}.get(layer, {})
    return _shape(batch=grid.batch, n=n, d=d, **extra)


def cases(grid: Grid) -> list[Case]:
    """Layers interleaved inside each (d, n): load from other processes then drifts over all of them
    alike instead of favouring whichever layer happened to run in a quiet minute."""
    out = []
    for d in grid.d:
        for n in grid.n:
            for layer in SEQUENCE_LAYERS:
                variants = [h for h in grid.heads if d % h == 0] if layer == "attention" else [1]
                for heads in variants:
                    for pass_ in PASSES:
                        out.append(Case(layer, sequence_shape(layer, grid, n, d, heads), pass_))
    c_in, c_out = grid.pointwise_channels
    for side in grid.pointwise_sides:
        for layer in POINTWISE_LAYERS:
            for pass_ in PASSES:
                out.append(Case(layer, _shape(batch=grid.batch, c_in=c_in, c_out=c_out, h=side, w=side), pass_))
    return out
