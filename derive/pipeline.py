"""Derive → check → render, all in memory. ``build`` writes the result atomically; ``check`` compares
it with what is committed. Nothing is written unless every output was produced."""
from __future__ import annotations

import dataclasses
import json
import multiprocessing
import os
import posixpath
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from . import registry
from .checking import Checked, ClaimResult, StepResult, check_derivation
from .codegen import module_source
from .plots import render_svg
from .printing import tex
from .rendering import ROOT, render, write_atomic

PLOTS_DIR = "docs/assets/plots"


# Everything in these places is produced by derive: on a full build a file here that no derivation
# produces any more is an orphan (a renamed page, a dropped plot) and is reported / removed.
GENERATED_GLOBS = ("docs/*.md", "docs/claims.json", f"{PLOTS_DIR}/*.svg", "derive/generated/*.py")
NOT_GENERATED = {"derive/generated/__init__.py"}


@dataclass
class Built:
    files: dict[str, bytes] = field(default_factory=dict)
    checked: dict[str, Checked] = field(default_factory=dict)
    full: bool = False

    def claims_json(self) -> list[dict]:
        return [r.to_json(name) for name, c in self.checked.items() for r in c.claims]


def _relative(page: str, target: str) -> str:
    return posixpath.relpath(target, posixpath.dirname(f"docs/{page}"))


def _portable(checked: Checked) -> Checked:
    """The results without the SymPy checks, probes and plot callables, so they can cross processes."""
    d = dataclasses.replace(checked.derivation, model=(), steps=(), claims=(), code=(), plots=(), context={})
    steps = [StepResult(dataclasses.replace(r.step, check=None), r.outcome) for r in checked.steps]
    claims = [ClaimResult(dataclasses.replace(r.claim, stated=None, reading=None), r.verdict, r.evidence, r.method)
              for r in checked.claims]
    return Checked(d, steps, claims)


def _build_in_worker(name: str) -> tuple[dict[str, bytes], Checked, list[str]]:
    messages: list[str] = []
    built = Built()
    start = time.perf_counter()
    build_derivation(name, built, messages.append)
    messages.append(f"{name}: done in {time.perf_counter() - start:.1f} s")
    return built.files, _portable(built.checked[name]), messages


def _workers(count: int) -> int:
    if count < 2 or os.environ.get("DERIVE_JOBS") == "1":
        return 1
    wanted = int(os.environ.get("DERIVE_JOBS", "0")) or (os.cpu_count() or 1)
    return max(1, min(wanted, count))


def build_derivation(name: str, built: Built, progress: Callable[[str], None]) -> None:
    progress(f"{name}: deriving")
    d = registry.load(name)
    progress(f"{name}: checking {len(d.steps)} steps and {len(d.claims)} claims")
    checked = check_derivation(d)
    built.checked[name] = checked
    modules = []
    for module in d.code:
        progress(f"{name}: generating derive/generated/{module.name}.py")
        path = f"derive/generated/{module.name}.py"
        built.files[path] = module_source(module, d).encode("utf-8")
        modules.append({"module": module, "path": path})
    plots = []
    for plot in d.plots:
        progress(f"{name}: plotting {plot.name}.svg")
        path = f"{PLOTS_DIR}/{plot.name}.svg"
        built.files[path] = render_svg(plot)
        plots.append({"plot": plot, "src": _relative(d.page, path)})
    page = render(d.template, d=d, checked=checked, modules=modules, plots=plots, tex=tex, **dict(d.context))
    built.files[f"docs/{d.page}"] = page.encode("utf-8")


def build_outputs(names=None, progress: Callable[[str], None] = lambda s: None) -> Built:
    selected = registry.resolve(names)
    full = not names or set(selected) == set(registry.names())
    built = Built()
    jobs = _workers(len(selected))
    if jobs == 1:
        for name in selected:
            build_derivation(name, built, progress)
    else:
        # Derivations are independent: check them in parallel (fork keeps the imported registry), then
        # merge in registry order so the outputs do not depend on which worker finished first.
        progress(f"checking {len(selected)} derivations in {jobs} processes")
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            # imap: report each derivation as soon as it (and those before it) are done
            for name, (files, checked, messages) in zip(selected, pool.imap(_build_in_worker, selected)):
                for m in messages:
                    progress(m)
                built.files.update(files)
                built.checked[name] = checked
    built.full = full
    if full:
        progress("site: index, claims")
        derivations = [built.checked[n].derivation for n in selected]
        built.files["docs/index.md"] = render("index.md.j2", derivations=derivations,
                                             checked=built.checked).encode("utf-8")
        built.files["docs/claims.md"] = render("claims.md.j2", derivations=derivations,
                                              checked=built.checked).encode("utf-8")
        built.files["docs/claims.json"] = (json.dumps(built.claims_json(), ensure_ascii=False, indent=2)
                                           + "\n").encode("utf-8")
        # The timing appendix: its page and plots, from the committed docs/timing/*.json (no torch needed).
        progress("site: timing appendix")
        from .timing.page import outputs as timing_outputs
        built.files.update(timing_outputs())
    return built


def orphans(built: Built, root: Path = ROOT) -> list[str]:
    """Generated-looking files that this (full) build does not produce."""
    if not built.full:
        return []
    found = {p.relative_to(root).as_posix() for pattern in GENERATED_GLOBS for p in root.glob(pattern)}
    return sorted(found - set(built.files) - NOT_GENERATED)


def write(built: Built, root: Path = ROOT) -> list[str]:
    changed = []
    for rel in orphans(built, root):
        (root / rel).unlink()
        changed.append(f"{rel} (removed: no derivation produces it)")
    for rel in sorted(built.files):
        path = root / rel
        data = built.files[rel]
        if path.exists() and path.read_bytes() == data:
            continue
        write_atomic(path, data)
        changed.append(rel)
    return changed


def stale(built: Built, root: Path = ROOT) -> list[str]:
    out = []
    for rel in sorted(built.files):
        path = root / rel
        if not path.exists():
            out.append(f"{rel} (missing)")
        elif path.read_bytes() != built.files[rel]:
            out.append(f"{rel} (stale)")
    out += [f"{rel} (orphan: no derivation produces it)" for rel in orphans(built, root)]
    return out
