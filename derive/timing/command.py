"""``derive timing [--device auto|cuda|cpu] [--quick] [--out FILE]``: run the timing grid and write
one JSON file (schema.json). Progress on stderr, a short summary on stdout. Errors are one line on
stderr: 2 for what the user can fix (no torch, no CUDA, no cost formulas, a bad --out).

On the CPU, torch runs on ONE intra-op thread unless DERIVE_TIMING_THREADS=N says otherwise. The
comparison is between layers' structure (n sequential steps against a few large products), not the
machine's parallel scaling; and on a shared machine two threads are oversubscribed: a descheduled
OpenMP worker stalls the whole parallel region for a scheduler slice (measured here under load 1.7 on
2 cores: a small 1-D convolution took 24 ms with 2 threads, 0.03 ms with 1). GPU runs keep torch's
default."""
from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

from ..rendering import ROOT, write_atomic
from . import counts, plan, schema

THREADS_VARIABLE = "DERIVE_TIMING_THREADS"
INSTALL_TORCH = "pip install 'derive[torch]' (or: pip install torch)"


class Refused(Exception):
    """A precondition the user can fix; the message is the one line shown."""


class ProgressBar:
    """A plain text bar on stderr: redrawn in place on a terminal, one line per tenth otherwise (logs)."""

    def __init__(self, stream=sys.stderr, width: int = 30):
        self.stream, self.width = stream, width
        self.tty = hasattr(stream, "isatty") and stream.isatty()
        self.start, self.shown = time.perf_counter(), -1

    def __call__(self, done: int, total: int, label: str) -> None:
        fraction = done / total if total else 1.0
        filled = int(self.width * fraction)
        line = (f"[{'#' * filled}{'.' * (self.width - filled)}] {done}/{total} "
                f"{time.perf_counter() - self.start:6.1f}s {label}")
        if self.tty:
            end = "\n" if done == total else ""
            print(f"\r\x1b[K{line}", end=end, file=self.stream, flush=True)
        elif int(10 * fraction) > self.shown:
            self.shown = int(10 * fraction)
            print(line, file=self.stream, flush=True)


def _device(torch, wanted: str) -> str:
    if wanted == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if wanted == "cuda" and not torch.cuda.is_available():
        build = f"torch {torch.__version__}" + ("" if torch.version.cuda else " is a CPU-only build")
        raise Refused(f"--device cuda: no CUDA device is available ({build})")
    return wanted


def _out_path(out: str | None, kind: str, quick: bool) -> Path:
    if out is None:
        if quick:  # a quick run is a smoke test: keep it out of docs/timing/, which the page reads
            return Path(tempfile.gettempdir()) / f"derive-timing-{kind}-quick.json"
        return ROOT / "docs" / "timing" / f"{kind}.json"
    path = Path(out)
    if path.is_dir():
        raise Refused(f"--out {out}: is a directory; give a file name")
    return path


def preflight(device: str, out: str | None, quick: bool):
    """Everything that can refuse the run, checked before minutes are spent timing."""
    try:
        import torch
    except ImportError:
        raise Refused(f"derive timing needs PyTorch, which is not installed: {INSTALL_TORCH}") from None
    try:
        counts.forward_macs("rnn", {"batch": 1, "n": 1, "d": 1})
    except ImportError:
        raise Refused("derive timing needs the A6.4 cost formulas (derive.generated.costs), which are "
                      "missing: run 'derive build' to generate them") from None
    kind = _device(torch, device)
    return kind, _out_path(out, kind, quick), _threads(kind)


def _threads(kind: str) -> int | None:
    raw = os.environ.get(THREADS_VARIABLE)
    if raw is None:
        return 1 if kind == "cpu" else None
    if not raw.isdigit() or int(raw) < 1:
        raise Refused(f"{THREADS_VARIABLE}={raw!r}: expected a positive integer (torch intra-op threads)")
    return int(raw)


def summary(doc: dict, path: Path) -> str:
    """The largest case of each layer and pass: enough to see the run was sane, the rest is in the file."""
    rows = [f"{doc['device']['name']} ({doc['device']['kind']}, torch {doc['device']['torch']}, "
            f"{doc['settings']['dtype']}, {doc['device']['threads']} threads); matmul peak "
            f"{doc['peak']['flops_per_s'] / 1e9:.1f} GFLOP/s; load {doc['load_average']}",
            f"{'layer':<10} {'shape':<34} {'pass':<17} {'median':>10} {'GFLOP/s':>9} {'of peak':>8}"]
    largest: dict = {}
    for case in doc["cases"]:
        key = (case["layer"], case["shape"].get("heads"), case["pass"])
        if key not in largest or case["macs"] >= largest[key]["macs"]:
            largest[key] = case
    for case in largest.values():
        shape = " ".join(f"{k}={v}" for k, v in sorted(case["shape"].items()))
        rows.append(f"{case['layer']:<10} {shape:<34} {case['pass']:<17} {case['median_s'] * 1e3:8.3f}ms "
                    f"{case['flops_per_s'] / 1e9:9.2f} {100 * case['fraction_of_peak']:7.1f}%")
    for s in doc["skipped"]:
        rows.append(f"skipped: {s['layer']} {s['shape']} {s['pass']}: {s['reason']}")
    rows.append(f"{len(doc['cases'])} cases in {doc['duration_s']:.0f} s; wrote {path}")
    return "\n".join(rows)


def main(args) -> int:
    try:
        kind, path, threads = preflight(args.device, args.out, args.quick)
    except Refused as exc:
        print(f"derive: error: {exc}", file=sys.stderr)
        return 2
    from . import measure  # imports torch

    grid = plan.preset(kind, args.quick)
    command = (f"derive timing --device {args.device}" + (" --quick" if args.quick else "")
               + (f" --out {args.out}" if args.out else ""))
    doc = measure.run(grid, kind, ProgressBar(), threads=threads, command=command)
    schema.validate(doc)
    write_atomic(path, measure.dumps(doc).encode("utf-8"))
    print(summary(doc, path))
    return 0
