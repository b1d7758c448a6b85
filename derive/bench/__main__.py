"""``python -m derive.bench [NAME…] [-- extra args]``: run benchmark modules of derive.bench."""
from __future__ import annotations

import importlib
import os
import pkgutil
import sys

# One thread on both sides, set before numpy/torch load their thread pools: on a shared 2-core machine
# two threads collapse under load and the ratio would measure the neighbours, not the code.
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")


def available() -> list[str]:
    import derive.bench as pkg

    return sorted(m.name for m in pkgutil.iter_modules(pkg.__path__) if not m.name.startswith("_"))


def main(argv: list[str]) -> int:
    names = [a for a in argv if not a.startswith("-")]
    extra = [a for a in argv if a.startswith("-")]
    known = available()
    for name in names:
        if name not in known:
            import difflib

            hint = difflib.get_close_matches(name, known, n=1, cutoff=0.0)
            print(f"derive.bench: error: unknown benchmark {name!r}" + (f"; did you mean {hint[0]!r}?" if hint else ""),
                  file=sys.stderr)
            return 2
    rc = 0
    for name in names or known:
        module = importlib.import_module(f"derive.bench.{name}")
        rc |= module.main(extra)
    return rc


sys.exit(main(sys.argv[1:]))
