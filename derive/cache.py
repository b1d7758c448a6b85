"""The build cache: one entry per derivation, keyed by everything its outputs depend on — its own module,
the engine (every other source file of ``derive/`` except the other derivations and the generated code),
the templates, and the versions of Python and the libraries that print, check and plot. A hit returns the
derivation's output files and its (portable) results, so an unchanged derivation is not checked again.

Entries live in ``.derive-cache/`` (git-ignored). ``DERIVE_CACHE=0`` turns the cache off. A damaged entry
is a miss, never an error; entries are written atomically.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import sys
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from .rendering import ROOT, write_atomic

CACHE_DIR = ROOT / ".derive-cache"
FORMAT = 1
LIBRARIES = ("sympy", "mpmath", "numpy", "matplotlib", "jinja2")


def enabled() -> bool:
    return os.environ.get("DERIVE_CACHE", "1").strip() not in ("0", "no", "off", "false")


def _hash_files(paths) -> str:
    h = hashlib.sha256()
    for path in sorted(paths):
        h.update(path.name.encode())
        h.update(b"\0")
        h.update(path.read_bytes())
        h.update(b"\0")
    return h.hexdigest()


@lru_cache(maxsize=1)
def engine_fingerprint() -> str:
    derive_dir = ROOT / "derive"
    engine = [p for p in derive_dir.rglob("*.py")
              if "generated" not in p.relative_to(derive_dir).parts
              and not (p.parent.name == "derivations" and not p.name.startswith("_"))]
    templates = [p for p in (ROOT / "templates").rglob("*") if p.is_file()]
    # published tables that derivations reproduce (../shared/reference beside the checkout)
    references = [p for p in (ROOT.parent / "shared" / "reference").glob("*") if p.is_file()]
    versions = [sys.version]
    for lib in LIBRARIES:
        try:
            versions.append(f"{lib}=={metadata.version(lib)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{lib}==?")
    return hashlib.sha256((_hash_files(engine + templates) + _hash_files(references) + "|".join(versions) + f"|{FORMAT}").encode()).hexdigest()


def key(module_file: str) -> str:
    path = Path(module_file).resolve()
    return hashlib.sha256((engine_fingerprint() + _hash_files([path])).encode()).hexdigest()


def _entry(name: str) -> Path:
    return CACHE_DIR / f"{name}.pickle"


def load(name: str, module_file: str):
    """(files, checked) for ``name`` when the cache holds an entry with the current key, else None."""
    if not enabled():
        return None
    try:
        with _entry(name).open("rb") as fh:
            stored = pickle.load(fh)
        if stored.get("key") != key(module_file):
            return None
        return stored["files"], stored["checked"]
    except Exception:  # a missing, old or damaged entry is a miss
        return None


def store(name: str, module_file: str, files: dict, checked) -> None:
    if not enabled():
        return
    try:
        data = pickle.dumps({"key": key(module_file), "files": files, "checked": checked},
                            protocol=pickle.HIGHEST_PROTOCOL)
        write_atomic(_entry(name), data)
    except OSError:  # a read-only checkout still builds, only slower
        pass
