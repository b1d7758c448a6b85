"""Derive → check → render, all in memory. ``build`` writes the result crash-safely (every output staged,
then all renamed); ``check`` compares it with what is committed. Nothing is written unless every output
was produced.

A build always produces every derivation and the site-wide pages. Derivations whose cache entry is fresh
come from the cache; when every entry and the site pages are fresh the build is answered from the cache
alone, without importing SymPy, Jinja2 or matplotlib. The others are derived and checked in worker
processes (slowest first), which ignore Ctrl-C (the parent stops them) and die with the parent.
"""
from __future__ import annotations

import dataclasses
import json
import os
import pickle
import posixpath
import signal
import sys
import time
from collections.abc import Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from . import cache, registry
from .rendering import ROOT, commit, render, stale_temps

PLOTS_DIR = "docs/assets/plots"


# Everything in these places is produced by derive: on a full build a file here that no derivation
# produces any more is an orphan (a renamed page, a dropped plot) and is reported / removed.
GENERATED_GLOBS = ("docs/*.md", "docs/zh/*.md", "docs/claims.json", f"{PLOTS_DIR}/*.svg", "derive/generated/*.py",
                   "mkdocs.yml", "mkdocs.zh.yml")
NOT_GENERATED = {"derive/generated/__init__.py"}
VERDICTS = ("correct", "imprecise", "wrong", "unverified")


class ConfigError(Exception):
    """A bad setting in the environment (e.g. DERIVE_JOBS); reported in one line."""


class BuildError(Exception):
    """The build could not run to the end (a worker process died); reported in one line."""


def jobs_setting() -> int | None:
    """``DERIVE_JOBS``: a positive number of worker processes; unset or empty means one per core."""
    raw = os.environ.get("DERIVE_JOBS", "").strip()
    if not raw:
        return None
    try:
        jobs = int(raw)
    except ValueError:
        jobs = 0
    if jobs < 1:
        raise ConfigError(f"DERIVE_JOBS must be a positive integer (worker processes) or unset; got {raw!r}")
    return jobs


def _workers(count: int) -> int:
    wanted = jobs_setting() or (os.cpu_count() or 1)
    return max(1, min(wanted, count))


def _text(value) -> str:
    """Prose that may be bilingual: its English text."""
    return value if isinstance(value, str) else str(getattr(value, "en", value))


@dataclass
class Part:
    """One derivation's share of a build: its files, a summary the CLI prints without unpickling the
    results, its timings, and the pickled portable results (unpickled on first use)."""

    files: dict[str, bytes]
    summary: dict
    timings: dict
    blob: bytes
    cached: bool = False
    _checked: object = None

    @property
    def checked(self):
        if self._checked is None:
            self._checked = pickle.loads(self.blob)
        return self._checked


class _Results(Mapping):
    """name → Checked, unpickled lazily from the parts."""

    def __init__(self, parts: dict[str, Part]):
        self._parts = parts

    def __getitem__(self, name):
        return self._parts[name].checked

    def __iter__(self):
        return iter(self._parts)

    def __len__(self):
        return len(self._parts)


@dataclass
class Built:
    files: dict[str, bytes] = field(default_factory=dict)
    parts: dict[str, Part] = field(default_factory=dict)
    full: bool = False
    site_cached: bool = False
    site_seconds: float = 0.0

    @property
    def checked(self) -> Mapping:
        return _Results(self.parts)

    def claims_json(self) -> list[dict]:
        if "docs/claims.json" in self.files:
            return json.loads(self.files["docs/claims.json"])
        return [r.to_json(name) for name, c in self.checked.items() for r in c.claims]

    def failed_steps(self) -> list[tuple[str, str, str]]:
        return [(name, title, detail) for name, p in self.parts.items() for title, detail in p.summary["failed"]]


def _relative(page: str, target: str) -> str:
    return posixpath.relpath(target, posixpath.dirname(f"docs/{page}"))


def _portable(checked):
    """The results without the SymPy checks, probes and plot callables, so they can cross processes and
    live in the cache."""
    from .checking import Checked

    d = dataclasses.replace(checked.derivation, model=(), steps=(), claims=(), code=(), plots=(), context={})
    steps = [dataclasses.replace(r, step=_without(r.step, check=None), outcome=_portable_outcome(r.outcome))
             for r in checked.steps]
    claims = [dataclasses.replace(r, claim=dataclasses.replace(r.claim, stated=None, reading=None),
                                  outcome=_portable_outcome(r.outcome)) for r in checked.claims]
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


def _summary(d, checked, module: str) -> dict:
    return {
        "section": _text(d.section), "title": _text(d.title), "page": d.page, "module": module,
        "steps": len(checked.steps), "claims": len(checked.claims),
        "verdicts": {v: sum(1 for r in checked.claims if r.verdict == v) for v in VERDICTS},
        "failed": [(_text(r.step.title), r.outcome.detail) for r in checked.failed_steps],
        "code": [{"module": m.name, "path": f"derive/generated/{m.name}.py",
                  "functions": [{"name": f.name, "signature": f.signature, "formula": _code_formula(f)}
                                for f in m.functions]} for m in d.code],
    }


def _code_formula(function) -> str:
    """The formula a generated function computes, printed by the LaTeX printer (for the code page)."""
    from .printing import tex

    return tex(function.formula) if function.formula is not None else ""


def _check_times(checked) -> list[tuple[float, str, str, str]]:
    rows = [(r.seconds, "step", _text(r.step.title), r.outcome.method) for r in checked.steps]
    rows += [(r.seconds, "claim", _text(r.claim.where), r.method) for r in checked.claims]
    return sorted(rows, key=lambda row: -row[0])


def build_derivation(name: str, progress: Callable[[str], None]) -> Part:
    """Derive, check, generate code, draw plots and render the page of one derivation."""
    from .checking import check_derivation, cpu_time
    from .codegen import module_source
    from .plots import render_svg
    from .printing import tex

    cpu: dict[str, float] = {}
    wall0 = time.perf_counter()
    clock = cpu_time()

    def lap(phase):
        nonlocal clock
        now = cpu_time()
        cpu[phase] = cpu.get(phase, 0.0) + now - clock
        clock = now

    progress(f"{name}: deriving")
    d = registry.load(name)
    lap("load")
    progress(f"{name}: checking {len(d.steps)} steps and {len(d.claims)} claims")
    checked = check_derivation(d)
    lap("check")
    files: dict[str, bytes] = {}
    modules = []
    for module in d.code:
        progress(f"{name}: generating derive/generated/{module.name}.py")
        path = f"derive/generated/{module.name}.py"
        files[path] = module_source(module, d).encode("utf-8")
        modules.append({"module": module, "path": path})
    lap("code")
    plots = []
    for plot in d.plots:
        progress(f"{name}: plotting {plot.name}.svg")
        path = f"{PLOTS_DIR}/{plot.name}.svg"
        files[path] = render_svg(plot, checked.outcomes() if plot.needs else None)
        plots.append({"plot": plot, "src": _relative(d.page, path)})
    lap("plots")
    from .i18n import LANGUAGES
    from .i18n.coverage import module_key as catalog_of
    from .site import page_path

    module_key = catalog_of(name)
    for lang in LANGUAGES:
        page = render(d.template, d=d, checked=checked, modules=modules, plots=plots, tex=tex, lang=lang,
                      i18n_module=module_key, **dict(d.context))
        files[page_path(d.page, lang)] = page.encode("utf-8")
    lap("page")
    blob = pickle.dumps(_portable(checked), protocol=pickle.HIGHEST_PROTOCOL)
    cpu["total"] = sum(cpu.values())
    timings = {"cpu": cpu, "wall": time.perf_counter() - wall0, "checks": _check_times(checked)}
    progress(f"{name}: done in {timings['wall']:.1f} s ({cpu['total']:.1f} s CPU)")
    return Part(files, _summary(d, checked, module_key), timings, blob)


# ----------------------------------------------------------------------------------------------------
# worker processes
# ----------------------------------------------------------------------------------------------------
PR_SET_PDEATHSIG = 1


def _worker_init(parent: int) -> None:
    """Ctrl-C reaches the whole process group: the workers ignore it and the parent stops them. A worker
    must not outlive the parent (SIGKILL of the parent would otherwise leave them computing): on Linux the
    kernel kills it (PR_SET_PDEATHSIG), elsewhere a watchdog thread polls the parent's pid."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    armed = False
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            armed = libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
        except (OSError, AttributeError):
            armed = False
    if os.getppid() != parent:  # the parent died before the guard was set
        os._exit(1)
    if not armed:
        import threading

        def watch():
            while os.getppid() == parent:
                time.sleep(0.5)
            os._exit(1)

        threading.Thread(target=watch, daemon=True, name="derive-parent-watchdog").start()


def _build_in_worker(name: str) -> tuple[Part, list[str]]:
    messages: list[str] = []
    return build_derivation(name, messages.append), messages


def _stop(executor) -> None:
    for process in list(getattr(executor, "_processes", {}).values()):
        try:
            process.terminate()
        except Exception:
            pass
    executor.shutdown(wait=False, cancel_futures=True)


def _build_parallel(todo: list[str], jobs: int, progress) -> dict[str, Part]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from concurrent.futures.process import BrokenProcessPool

    # slowest first (times of the last build), so that the last derivation to finish is a short one
    previous = {n: cache.previous_timings(n).get("cpu", {}).get("total", 0.0) for n in todo}
    order = sorted(todo, key=lambda n: -previous[n])
    progress(f"checking {len(todo)} derivations in {jobs} processes")
    parts: dict[str, Part] = {}
    executor = ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork"),
                                   initializer=_worker_init, initargs=(os.getpid(),))
    try:
        futures = {executor.submit(_build_in_worker, n): n for n in order}
        for future in as_completed(futures):
            part, messages = future.result()
            for m in messages:
                progress(m)
            parts[futures[future]] = part
    except BrokenProcessPool:
        _stop(executor)
        left = [n for n in order if n not in parts]
        raise BuildError(f"a worker process died while building {', '.join(left)} (killed? out of memory?); "
                         f"run again, or with DERIVE_JOBS=1 to see the error") from None
    except BaseException:
        _stop(executor)
        raise
    executor.shutdown(wait=True)
    return parts


# ----------------------------------------------------------------------------------------------------
# the build
# ----------------------------------------------------------------------------------------------------
def _cached_build(progress) -> Built | None:
    """The whole build from the cache, when every derivation's entry and the site pages' entry are fresh;
    reads the registry from the sources, imports no derivation."""
    declared = registry.declared()
    if declared is None or not cache.enabled():
        return None
    keys = [(name, cache.key(path)) for name, path in declared.items()]
    entries = {}
    for name, k in keys:
        entry = cache.load(name, k)
        if entry is None:
            return None
        entries[name] = entry
    site = cache.load(cache.SITE, cache.site_key(keys))
    if site is None:
        return None
    built = Built(full=True, site_cached=True)
    for name, entry in entries.items():
        built.parts[name] = Part(entry.files, entry.summary, entry.timings, entry.results, cached=True)
        built.files.update(entry.files)
    built.files.update(site.files)
    progress(f"cached: {', '.join(entries)} and the site pages")
    return built


def build_outputs(names=None, progress: Callable[[str], None] = lambda s: None) -> Built:
    """Every registered derivation's outputs plus the site-wide pages (home, claims, guide, nav).

    ``names`` are derived and checked afresh; the others come from the build cache when their sources,
    the engine and the libraries are unchanged (and are derived afresh otherwise)."""
    jobs_setting()  # a bad DERIVE_JOBS is an error even when nothing needs a worker
    if not names:
        built = _cached_build(progress)
        if built is not None:
            return built
    forced = registry.resolve(names) if names else []
    selected = registry.resolve(None)
    files_of = {name: registry.source_file(name) for name in selected}
    keys = {name: cache.key(files_of[name]) for name in selected}
    parts: dict[str, Part] = {}
    todo = []
    for name in selected:
        entry = None if name in forced else cache.load(name, keys[name])
        if entry is None:
            todo.append(name)
        else:
            parts[name] = Part(entry.files, entry.summary, entry.timings, entry.results, cached=True)
    if parts:
        progress(f"cached: {', '.join(n for n in selected if n in parts)}")
    jobs = _workers(len(todo))
    if jobs <= 1:
        for name in todo:
            parts[name] = build_derivation(name, progress)
    else:
        parts.update(_build_parallel(todo, jobs, progress))
    for name in todo:
        p = parts[name]
        if not p.summary["failed"]:  # a failing derivation is checked again next time
            cache.store(name, cache.Entry(keys[name], p.files, p.summary, p.timings, p.blob))
    # registry order, whichever worker finished first
    built = Built(parts={name: parts[name] for name in selected}, full=True)
    for part in built.parts.values():
        built.files.update(part.files)
    start = time.perf_counter()
    progress("site: index, claims, contributor guide, nav")
    from .site import site_files

    site = site_files(built)
    built.files.update(site)
    built.site_seconds = time.perf_counter() - start
    declared = registry.declared()
    same_registry = declared is not None and {n: p.resolve() for n, p in declared.items()} == {
        n: Path(f).resolve() for n, f in files_of.items()} and list(declared) == selected
    if same_registry and not built.failed_steps():
        cache.store(cache.SITE, cache.Entry(cache.site_key([(n, keys[n]) for n in selected]), site))
    return built


def code_outputs(names) -> Built:
    """Only the generated modules of ``names`` (no checking): what ``verify`` imports."""
    from .codegen import module_source

    built = Built()
    for name in registry.resolve(names):
        d = registry.load(name)
        for module in d.code:
            built.files[f"derive/generated/{module.name}.py"] = module_source(module, d).encode("utf-8")
    return built


@contextmanager
def built_modules(built: Built):
    """Import ``derive.generated.*`` from the sources this build produced rather than the committed files,
    so ``verify`` tests the code just generated. The previous modules are restored afterwards."""
    import importlib.util
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


# ----------------------------------------------------------------------------------------------------
# writing and checking the tree
# ----------------------------------------------------------------------------------------------------
def orphans(built: Built, root: Path = ROOT) -> list[str]:
    """Generated-looking files that this (full) build does not produce."""
    if not built.full:
        return []
    found = {p.relative_to(root).as_posix() for pattern in GENERATED_GLOBS for p in root.glob(pattern)}
    return sorted(found - set(built.files) - NOT_GENERATED)


def output_dirs(built: Built, root: Path = ROOT) -> list[Path]:
    """Every folder an output (or a cache entry) is written to: where a killed build leaves temp files."""
    dirs = {(root / rel).parent for rel in built.files}
    dirs |= {(root / pattern).parent for pattern in GENERATED_GLOBS}
    if root == ROOT:
        dirs.add(cache.CACHE_DIR)
    return sorted(dirs)


def _unchanged(path: Path, data: bytes) -> bool:
    try:
        return path.is_file() and path.read_bytes() == data
    except OSError:
        return False


def write(built: Built, root: Path = ROOT, progress: Callable[[str], None] = lambda s: None) -> list[str]:
    """Bring the tree in line with ``built``: remove the temp files of killed builds, then stage every
    changed output and every orphan's removal, and only then rename them all (see ``rendering.commit``).
    Raises ``WriteError`` naming the file and the cause, with nothing changed."""
    temps = stale_temps(output_dirs(built, root))
    for tmp in temps:
        try:
            tmp.unlink()
        except FileNotFoundError:
            pass
    if temps:
        progress(f"removed {len(temps)} temp file(s) left by an interrupted build")
    changed = [rel for rel in sorted(built.files) if not _unchanged(root / rel, built.files[rel])]
    gone = orphans(built, root)
    commit({root / rel: built.files[rel] for rel in changed}, remove=[root / rel for rel in gone])
    return changed + [f"{rel} (removed: no derivation produces it)" for rel in gone]


def stale(built: Built, root: Path = ROOT) -> list[str]:
    out = []
    for rel in sorted(built.files):
        path = root / rel
        if not path.exists():
            out.append(f"{rel} (missing)")
        elif not _unchanged(path, built.files[rel]):
            out.append(f"{rel} (stale)")
    out += [f"{rel} (orphan: no derivation produces it)" for rel in orphans(built, root)]
    out += [f"{tmp.relative_to(root).as_posix()} (temp file left by an interrupted build; 'derive build' "
            f"removes it)" for tmp in stale_temps(output_dirs(built, root)) if tmp.is_relative_to(root)]
    out += missing_site_sources(built, root)
    return out


def _site_config(built: Built, root: Path) -> dict:
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    # mkdocs configs may hold !!python/name: and !ENV tags; only the paths matter here
    Loader.add_multi_constructor("", lambda loader, suffix, node: None)
    data = built.files.get("mkdocs.yml")
    if data is None:
        data = (root / "mkdocs.yml").read_bytes()
    config = yaml.load(data, Loader=Loader)
    return config if isinstance(config, dict) else {}


def _is_url(path: str) -> bool:
    return "://" in path or path.startswith("//")


def _nav_pages(nav) -> list[str]:
    if isinstance(nav, str):
        return [] if _is_url(nav) else [nav]
    if isinstance(nav, list):
        return [p for item in nav for p in _nav_pages(item)]
    if isinstance(nav, dict):
        return [p for value in nav.values() for p in _nav_pages(value)]
    return []


def _snippet_bases(config: dict) -> list[str]:
    for ext in config.get("markdown_extensions") or []:
        if isinstance(ext, dict) and "pymdownx.snippets" in ext:
            base = (ext["pymdownx.snippets"] or {}).get("base_path", ["."])
            return [base] if isinstance(base, str) else list(base)
    return []


def site_references(built: Built, root: Path = ROOT) -> list[tuple[str, str]]:
    """(path relative to the checkout, where mkdocs.yml refers to it) for every local file the site needs:
    the nav's pages, extra JavaScript and CSS, theme files, and the snippets the pages include."""
    config = _site_config(built, root)
    docs = config.get("docs_dir", "docs")
    refs = []
    for key in ("extra_javascript", "extra_css"):
        for item in config.get(key) or []:
            path = item if isinstance(item, str) else (item or {}).get("path")
            if path and not _is_url(path):
                refs.append((posixpath.normpath(f"{docs}/{path}"), key))
    refs += [(posixpath.normpath(f"{docs}/{page}"), "nav") for page in _nav_pages(config.get("nav") or [])]
    theme = config.get("theme")
    if isinstance(theme, dict):
        if theme.get("custom_dir"):
            refs.append((theme["custom_dir"], "theme.custom_dir"))
        for key in ("logo", "favicon"):
            if isinstance(theme.get(key), str) and not _is_url(theme[key]):
                refs.append((posixpath.normpath(f"{docs}/{theme[key]}"), f"theme.{key}"))
    bases = _snippet_bases(config)
    if bases:
        for rel, data in sorted(built.files.items()):
            if not rel.endswith(".md"):
                continue
            for line in data.decode("utf-8").splitlines():
                text = line.strip()
                if text.startswith("--8<--") and text.count('"') >= 2:
                    target = text.split('"')[1]
                    candidates = [posixpath.normpath(f"{base}/{target}") for base in bases]
                    found = [c for c in candidates if c in built.files or (root / c).exists()]
                    refs.append(((found or candidates)[0], f"pymdownx.snippets (included by {rel})"))
    return refs


def missing_site_sources(built: Built, root: Path = ROOT) -> list[str]:
    out = []
    for rel, where in site_references(built, root):
        if rel in built.files or (root / rel).exists():
            continue
        hint = ""
        if rel.startswith("docs/assets/mathjax/"):
            hint = "; 'npm ci' then 'derive build' copies it from node_modules"
        out.append(f"{rel} (missing site source, referenced by mkdocs.yml {where}{hint})")
    return out
