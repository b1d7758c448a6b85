"""The build cache: one entry per derivation, keyed by everything its outputs depend on — its own module,
the engine (every other source file of ``derive/`` except the other derivations, the generated code and the
benchmarks),
the templates, the published reference tables, and the versions of Python and of the libraries that print,
check and plot. A hit returns the derivation's output files and its (portable) results, so an unchanged
derivation is not checked again. One more entry holds the site-wide pages (home, claims, guide, nav),
keyed by the keys of all derivations in order.

An entry is a pickle of plain data (bytes, str, numbers): the derivation's results are a nested pickle
that is unpickled only when asked for, so a fully cached build imports neither SymPy nor Jinja2.

Entries live in ``.derive-cache/`` (git-ignored). ``DERIVE_CACHE=0`` turns the cache off. A damaged entry
is a miss, never an error; entries are written atomically.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .rendering import ROOT, write_atomic

CACHE_DIR = ROOT / ".derive-cache"
FORMAT = 2
LIBRARIES = ("sympy", "mpmath", "numpy", "matplotlib", "jinja2")
SITE = "_site"


def enabled() -> bool:
    return os.environ.get("DERIVE_CACHE", "1").strip().lower() not in ("0", "no", "off", "false")


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
              if not {"generated", "bench"} & set(p.relative_to(derive_dir).parts)  # not read by a build
              and not (p.parent.name == "derivations" and not p.name.startswith("_"))]
    templates = [p for p in (ROOT / "templates").rglob("*") if p.is_file()]
    references = [p for p in (ROOT / "derive" / "reference").glob("*") if p.is_file()]
    from importlib import metadata  # ~0.1 s: only when a key is needed

    versions = [sys.version]
    for lib in LIBRARIES:
        try:
            versions.append(f"{lib}=={metadata.version(lib)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{lib}==?")
    return hashlib.sha256((_hash_files(engine + templates) + _hash_files(references) + "|".join(versions)
                           + f"|{FORMAT}").encode()).hexdigest()


def key(module_file: str) -> str:
    path = Path(module_file).resolve()
    return hashlib.sha256((engine_fingerprint() + _hash_files([path])).encode()).hexdigest()


def site_key(keys: list[tuple[str, str]]) -> str:
    """The site pages depend on every derivation's results, in registry order, on the engine and on the
    committed timing results."""
    timing = sorted((ROOT / "docs" / "timing").glob("*.json"))  # the timing appendix is drawn from these
    text = engine_fingerprint() + "".join(f"|{name}={k}" for name, k in keys) + _hash_files(timing)
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class Entry:
    """What one build of a derivation left: its files, a summary that the CLI prints without unpickling
    the results (section, title, page, counts, verdicts), its timings and its pickled results."""

    key: str
    files: dict[str, bytes]
    summary: dict = field(default_factory=dict)
    timings: dict = field(default_factory=dict)
    results: bytes = b""  # pickle of the portable Checked

    def checked(self):
        return pickle.loads(self.results)


def _path(name: str) -> Path:
    return CACHE_DIR / f"{name}.pickle"


def _read(name: str) -> dict | None:
    try:
        with _path(name).open("rb") as fh:
            stored = pickle.load(fh)
        return stored if isinstance(stored, dict) and stored.get("format") == FORMAT else None
    except Exception:  # a missing, old or damaged entry is a miss
        return None


def load(name: str, want_key: str) -> Entry | None:
    """The entry of ``name`` when it was made with ``want_key``, else None."""
    if not enabled():
        return None
    stored = _read(name)
    if stored is None or stored.get("key") != want_key:
        return None
    try:
        return Entry(stored["key"], stored["files"], stored["summary"], stored["timings"], stored["results"])
    except KeyError:
        return None


def previous_timings(name: str) -> dict:
    """The timings of the last build of ``name``, whatever its key (to schedule the slowest first)."""
    stored = _read(name) if enabled() else None
    return dict(stored.get("timings", {})) if stored else {}


def store(name: str, entry: Entry) -> None:
    if not enabled():
        return
    try:
        data = pickle.dumps({"format": FORMAT, "key": entry.key, "files": entry.files, "summary": entry.summary,
                             "timings": entry.timings, "results": entry.results},
                            protocol=pickle.HIGHEST_PROTOCOL)
        write_atomic(_path(name), data)
    except Exception:  # a read-only checkout, a full disk: it still builds, only slower next time
        pass
