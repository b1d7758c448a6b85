"""Derive → check → render, all in memory. ``build`` writes the result atomically; ``check`` compares
it with what is committed. Nothing is written unless every output was produced."""
from __future__ import annotations

import dataclasses
import json
import multiprocessing
import os
import posixpath
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from . import cache, registry
from .checking import Checked, ClaimResult, StepResult, check_derivation
from .codegen import module_source
from .plots import render_svg
from .printing import tex
from .rendering import ROOT, render, write_atomic

PLOTS_DIR = "docs/assets/plots"


# Everything in these places is produced by derive: on a full build a file here that no derivation
# produces any more is an orphan (a renamed page, a dropped plot) and is reported / removed.
GENERATED_GLOBS = ("docs/*.md", "docs/claims.json", f"{PLOTS_DIR}/*.svg", "derive/generated/*.py", "mkdocs.yml")
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
    steps = [StepResult(_without(r.step, check=None), _portable_outcome(r.outcome)) for r in checked.steps]
    claims = [ClaimResult(dataclasses.replace(r.claim, stated=None, reading=None), r.verdict, r.evidence, r.method,
                          _portable_outcome(r.outcome)) for r in checked.claims]
    return Checked(d, steps, claims)


def _without(obj, **fields):
    """A copy of a frozen model object with ``fields`` replaced, skipping validation (a Step without its
    check is not a valid Step to build, but is what the page needs)."""
    import copy

    out = copy.copy(obj)
    for name, value in fields.items():
        object.__setattr__(out, name, value)
    return out


def _portable_outcome(outcome):
    """Witness data (networks, arrays) stays in the worker: plots are drawn there."""
    if outcome is None or outcome.witness is None:
        return outcome
    return dataclasses.replace(outcome, witness=dataclasses.replace(outcome.witness, data=None))


def _build_in_worker(name: str) -> tuple[dict[str, bytes], Checked, list[str]]:
    messages: list[str] = []
    files, checked = _build_one(name, messages.append)
    return files, checked, messages


def _build_one(name: str, progress) -> tuple[dict[str, bytes], Checked]:
    built = Built()
    start = time.perf_counter()
    build_derivation(name, built, progress)
    progress(f"{name}: done in {time.perf_counter() - start:.1f} s")
    return built.files, _portable(built.checked[name])


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
        built.files[path] = render_svg(plot, checked.outcomes() if plot.needs else None)
        plots.append({"plot": plot, "src": _relative(d.page, path)})
    page = render(d.template, d=d, checked=checked, modules=modules, plots=plots, tex=tex, **dict(d.context))
    built.files[f"docs/{d.page}"] = page.encode("utf-8")


def build_outputs(names=None, progress: Callable[[str], None] = lambda s: None) -> Built:
    """Every registered derivation's outputs plus the site-wide pages (home, claims, guide, nav).

    ``names`` are derived and checked afresh; the others come from the build cache when their sources,
    the engine and the libraries are unchanged (and are derived afresh otherwise)."""
    forced = registry.resolve(names) if names else []
    selected = registry.resolve(None)
    built = Built()
    results: dict[str, tuple[dict, Checked]] = {}
    todo = []
    for name in selected:
        hit = None if name in forced else cache.load(name, registry.source_file(name))
        if hit is None:
            todo.append(name)
        else:
            results[name] = hit
    if results:
        progress(f"cached: {', '.join(n for n in selected if n in results)}")
    jobs = _workers(len(todo))
    if jobs <= 1:
        for name in todo:
            results[name] = _build_one(name, progress)
    else:
        # Derivations are independent: check them in parallel (fork keeps the imported registry), then
        # merge in registry order so the outputs do not depend on which worker finished first.
        progress(f"checking {len(todo)} derivations in {jobs} processes")
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            # imap: report each derivation as soon as it (and those before it) are done
            for name, (files, checked, messages) in zip(todo, pool.imap(_build_in_worker, todo)):
                for m in messages:
                    progress(m)
                results[name] = (files, checked)
    for name in todo:
        if not results[name][1].failed_steps:  # a failing derivation is checked again next time
            cache.store(name, registry.source_file(name), *results[name])
    for name in selected:
        files, checked = results[name]
        built.files.update(files)
        built.checked[name] = checked
    built.full = True
    # the site-wide pages need every derivation's results, which are all at hand now
    progress("site: index, claims, contributor guide, nav")
    derivations = [built.checked[n].derivation for n in selected]
    built.files["docs/contributing.md"] = render("contributing.md.j2", derivations=derivations).encode("utf-8")
    built.files["docs/index.md"] = render("index.md.j2", derivations=derivations,
                                         checked=built.checked).encode("utf-8")
    built.files["docs/claims.md"] = render("claims.md.j2", derivations=derivations,
                                          checked=built.checked).encode("utf-8")
    built.files["docs/claims.json"] = (json.dumps(built.claims_json(), ensure_ascii=False, indent=2)
                                       + "\n").encode("utf-8")
    # the timing appendix: its page and plots, from the committed docs/timing/*.json (no torch needed)
    progress("site: timing appendix")
    from .timing.page import outputs as timing_outputs

    built.files.update(timing_outputs())
    built.files["mkdocs.yml"] = render("mkdocs.yml.j2", nav=site_nav(built, derivations)).encode("utf-8")
    return built


def code_outputs(names) -> Built:
    """Only the generated modules of ``names`` (no checking): what ``verify`` imports."""
    built = Built()
    for name in registry.resolve(names):
        d = registry.load(name)
        for module in d.code:
            built.files[f"derive/generated/{module.name}.py"] = module_source(module, d).encode("utf-8")
    return built


def site_nav(built: Built, derivations) -> list[tuple[str, str]]:
    """The site's navigation: home, one page per derivation in registry order, then the site pages that
    this build produced. Nothing here is typed per derivation: a new module appears by itself."""
    nav = [("Home", "index.md")]
    nav += [(f"{d.section} · {d.nav_title or d.title}", d.page) for d in derivations]
    for title, page in SITE_PAGES:
        if f"docs/{page}" in built.files:
            nav.append((title, page))
    return nav


# Pages that are not derivations, in nav order; each is listed when the build produced it.
SITE_PAGES = (("Seed claims", "claims.md"), ("Timing appendix", "timing.md"), ("Contributing", "contributing.md"))


@contextmanager
def built_modules(built: Built):
    """Import ``derive.generated.*`` from the sources this build produced rather than the committed files,
    so ``verify`` tests the code just generated. The previous modules are restored afterwards."""
    import importlib.util
    import sys
    import types

    from . import generated

    saved = {}
    try:
        for rel, data in sorted(built.files.items()):
            if not (rel.startswith("derive/generated/") and rel.endswith(".py")) or rel.endswith("__init__.py"):
                continue
            name = "derive.generated." + rel.rsplit("/", 1)[1][:-3]
            short = name.rsplit(".", 1)[1]
            saved[name] = (sys.modules.get(name), getattr(generated, short, None))
            module = types.ModuleType(name)
            module.__file__ = str(ROOT / rel)
            module.__package__ = "derive.generated"
            sys.modules[name] = module
            exec(compile(data.decode("utf-8"), str(ROOT / rel), "exec"), module.__dict__)
            setattr(generated, short, module)
        yield
    finally:
        for name, (module, attr) in saved.items():
            short = name.rsplit(".", 1)[1]
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module
            if attr is None:
                if hasattr(generated, short):
                    delattr(generated, short)
            else:
                setattr(generated, short, attr)


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
