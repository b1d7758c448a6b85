"""``python -m derive.bench [NAME…] [OPTIONS]``: run benchmark modules of derive.bench (all when none is
named). Options the dispatcher does not know (``--repeats=5``) are passed to every benchmark run."""
from __future__ import annotations

import argparse
import ast
import difflib
import importlib
import os
import pkgutil
import sys
from pathlib import Path

# One thread on both sides, set before numpy/torch load their thread pools: on a shared 2-core machine
# two threads collapse under load and the ratio would measure the neighbours, not the code.
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

HERE = Path(__file__).resolve().parent


def available() -> list[str]:
    return sorted(m.name for m in pkgutil.iter_modules([str(HERE)]) if not m.name.startswith("_"))


def _summary(name: str) -> str:
    """The first line of a benchmark's docstring, read without importing it (torch is slow to import)."""
    try:
        doc = ast.get_docstring(ast.parse((HERE / f"{name}.py").read_text(encoding="utf-8"))) or ""
    except (OSError, SyntaxError):
        doc = ""
    return doc.strip().splitlines()[0] if doc.strip() else ""


def parser() -> argparse.ArgumentParser:
    listing = "\n".join(f"  {name:<12} {_summary(name)}" for name in available())
    p = argparse.ArgumentParser(
        prog="python -m derive.bench", formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Benchmarks (never timed unit tests): each prints its figures and ratios against a baseline "
                    "measured in the same run.",
        epilog=f"benchmarks:\n{listing}\n\nOther options (e.g. --repeats=5, --quick) go to the benchmarks; "
               f"see the docstring of derive/bench/NAME.py for each one's options.")
    p.add_argument("names", nargs="*", metavar="NAME", help="benchmarks to run (default: all)")
    return p


def main(argv: list[str]) -> int:
    p = parser()
    args, extra = p.parse_known_args(argv)
    known = available()
    for name in args.names:
        if name not in known:
            hint = difflib.get_close_matches(name, known, n=1, cutoff=0.0)
            print(f"derive.bench: error: unknown benchmark {name!r}" + (f"; did you mean {hint[0]!r}?" if hint else ""),
                  file=sys.stderr)
            return 2
    rc = 0
    for name in args.names or known:
        module = importlib.import_module(f"derive.bench.{name}")
        rc |= module.main(extra)
    return rc


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
