"""``derive`` — regenerate, check and inspect the machine-checked A6 derivations.

Every failure is one line on stderr and a non-zero exit: 2 for bad input (unknown name, bad option),
1 for failed checks or stale outputs. Set DERIVE_DEBUG=1 to see tracebacks of internal errors.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time

from . import registry
from .rendering import TemplateError, WriteError

COMMANDS = ("list", "build", "check", "verify", "show", "claims", "new", "timing", "site")


class UsageError(Exception):
    """Bad input from the user: reported in one line, exit 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        m = re.search(r"argument COMMAND: invalid choice: '([^']*)'", message)  # not an option's choices
        if m:
            hint = registry.closest(m.group(1), COMMANDS)
            message = f"unknown command {m.group(1)!r}" + (f"; did you mean {hint!r}?" if hint else "")
        raise UsageError(message)


def _progress(quiet: bool):
    start = time.perf_counter()

    def report(msg: str) -> None:
        if not quiet:
            print(f"[{time.perf_counter() - start:6.1f}s] {msg}", file=sys.stderr, flush=True)
    return report


def cmd_list(args) -> int:
    from . import cache

    # A fresh cache entry (same module source, engine and libraries as a build that succeeded) knows the
    # section, title and page: no import of the derivations, no SymPy. Anything else is imported, so a
    # module that fails to import is still reported with its file and line.
    rows: dict[str, tuple[str, str, str]] = {}
    declared = registry.declared() or {}
    for name, path in declared.items():
        entry = cache.load(name, cache.key(path))
        if entry is not None:
            rows[name] = (entry.summary["section"], entry.summary["title"], entry.summary["page"])
    failures = 0
    if registry.declared() is None or len(rows) < len(declared):
        for name in registry.names():
            if name in rows:
                continue
            try:
                d = registry.load(name)
            except registry.DerivationError as exc:
                print(f"derive: error: {exc}", file=sys.stderr)
                failures += 1
                continue
            rows[name] = (d.section, d.title, d.page)
    for name in registry.ordered(rows):
        section, title, page = rows[name]
        print(f"{name:<20} {section:<10} {title}  →  docs/{page}")
    if registry.declared() is None or len(rows) < len(declared):
        for module, error in registry.broken().items():
            print(f"derive: error: derive/derivations/{module}.py does not import: {error}", file=sys.stderr)
            failures += 1
    return 1 if failures else 0


def print_timings(built, top: int = 10) -> None:
    """The slowest derivations (CPU seconds by phase) and the slowest checks of this build; a cached
    derivation shows the times of the build that made its cache entry."""
    phases = ("load", "check", "code", "plots", "page", "total")
    parts = sorted(built.parts.items(), key=lambda item: -item[1].timings.get("cpu", {}).get("total", 0.0))
    width = max([len(n) for n in built.parts] + [10])
    print(f"slowest derivations (CPU s; 'cached': times of the build that made the cache entry)")
    print(f"  {'derivation':<{width}}  " + "  ".join(f"{p:>6}" for p in phases) + "    wall")
    for name, part in parts:
        cpu = part.timings.get("cpu", {})
        print(f"  {name:<{width}}  " + "  ".join(f"{cpu.get(p, 0.0):6.2f}" for p in phases)
              + f"  {part.timings.get('wall', 0.0):6.2f}" + ("  cached" if part.cached else ""))
    checks = sorted(((row[0], name, *row[1:]) for name, part in built.parts.items()
                     for row in part.timings.get("checks", [])), key=lambda row: -row[0])
    print(f"slowest checks (CPU s; {sum(len(p.timings.get('checks', [])) for p in built.parts.values())} in all)")
    for seconds, name, kind, title, method in checks[:top]:
        title = title if len(title) <= 70 else title[:69] + "…"
        print(f"  {seconds:6.2f}  {name:<{width}}  {kind:<5}  {title} [{method}]")
    site = "cached" if built.site_cached else f"{built.site_seconds:.2f} s"
    print(f"site pages: {site}")


def _verdict_counts(built) -> dict[str, int]:
    counts = {v: 0 for v in ("correct", "imprecise", "wrong", "unverified")}
    for part in built.parts.values():
        for verdict, n in part.summary["verdicts"].items():
            counts[verdict] = counts.get(verdict, 0) + n
    return counts


def cmd_build(args) -> int:
    from . import pipeline, site_assets

    start = time.perf_counter()
    report = _progress(args.quiet)
    built = pipeline.build_outputs(args.names, report)
    failed = built.failed_steps()
    for name, title, detail in failed:
        print(f"derive: step failed in {name}: {title}: {detail}", file=sys.stderr)
    if failed:
        print(f"derive: {len(failed)} step(s) failed; nothing written", file=sys.stderr)
        return 1
    changed = pipeline.write(built, progress=report)
    report(f"wrote {len(changed)} changed file(s) of {len(built.files)}")
    for rel in changed:
        print(rel)
    report(site_assets.install_mathjax())
    counts = _verdict_counts(built)
    report(f"built {', '.join(built.parts)}: claims " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    if args.timings:
        print_timings(built)
        print(f"whole build: {time.perf_counter() - start:.2f} s wall")
    return 0


def cmd_check(args) -> int:
    from . import pipeline

    start = time.perf_counter()
    built = pipeline.build_outputs(None, _progress(args.quiet))
    problems = pipeline.stale(built)
    failed = [f"step failed in {name}: {title}: {detail}" for name, title, detail in built.failed_steps()]
    for line in failed + problems:
        print(line)
    if args.timings:
        print_timings(built)
        print(f"whole check: {time.perf_counter() - start:.2f} s wall")
    if problems or failed:
        print(f"derive check: {len(problems)} problem(s) with files, {len(failed)} failed step(s); "
              f"run 'derive build'", file=sys.stderr)
        return 1
    print(f"derive check: {len(built.files)} outputs up to date; "
          f"{sum(p.summary['steps'] for p in built.parts.values())} steps and "
          f"{sum(p.summary['claims'] for p in built.parts.values())} claims checked")
    return 0


def cmd_verify(args) -> int:
    from . import pipeline

    names = registry.resolve(args.names)
    rows = []
    code = pipeline.code_outputs(names)
    with pipeline.built_modules(code):  # verify the code the sources generate now, not the committed files
        for name in names:
            for module in registry.load(name).code:
                if module.verify is None:
                    continue
                for row in module.verify():
                    rows.append((f"{module.name}.{row.target}", row.oracle, row.error, row.tolerance, row.ok))
    if not rows:
        print("nothing to verify")
        return 0
    w1 = max(len(r[0]) for r in rows)
    w2 = max(len(r[1]) for r in rows)
    print(f"{'target':<{w1}}  {'oracle':<{w2}}  {'max rel. error':>14}  {'tolerance':>9}  result")
    for target, oracle, err, tol, ok in rows:
        print(f"{target:<{w1}}  {oracle:<{w2}}  {err:>14.3e}  {tol:>9.0e}  {'ok' if ok else 'FAIL'}")
    bad = sum(1 for r in rows if not r[4])
    print(f"{len(rows) - bad} passed, {bad} failed")
    return 1 if bad else 0


def cmd_show(args) -> int:
    from .checking import check_derivation
    from .codegen import module_source
    from .printing import tex

    (name,) = registry.resolve([args.name])
    d = registry.load(name)
    if args.code:
        for module in d.code:
            print(module_source(module, d), end="")
        if not d.code:
            print(f"{name} generates no code")
        return 0
    if args.latex:
        for what, expr in d.model:
            print(f"% {what}\n{tex(expr)}")
        def lines(check):
            if isinstance(check, (list, tuple)):
                return [line for c in check for line in lines(c)]
            if hasattr(check, "probe"):  # a Search: its formula when it has one (Search.latex is gone)
                return [tex(check.formula) if check.formula is not None else f"% (search) {check.statement}"]
            return [tex(check)]  # Relation, Implies, OnlyIf, Not

        for step in d.steps:
            print(f"% {step.title}")
            print("\n".join(lines(step.check)))
        return 0
    checked = check_derivation(d)
    print(f"{d.section}  {d.title} / {d.title_zh}  (docs/{d.page})")
    for i, r in enumerate(checked.steps, 1):
        print(f"  step {i}: [{'ok' if r.ok else 'FAILED'}: {r.outcome.method}] {r.step.title}")
    for r in checked.claims:
        print(f"  claim [{r.verdict}] {r.claim.where}: {r.claim.claim[:70]}")
    return 0


def cmd_claims(args) -> int:
    from . import pipeline

    claims = pipeline.build_outputs(None).claims_json()  # read from docs/claims.json as built
    if args.json:
        print(json.dumps(claims, ensure_ascii=False, indent=2))
        return 0
    for c in claims:
        print(f"{c['section']:<10} {c['verdict']:<10} {c['claim'][:60]}")
        print(f"{'':<10} {'':<10} {c['evidence'][:200]}")
    return 0


NEW_HELP = """\
Write a working, commented skeleton derivation to derive/derivations/<name>.py: a model (softplus), two
checked steps, one claim with a computed verdict, one generated NumPy function with its verification, and
one plot. It builds, checks and appears in the site navigation at once:

    derive new my-exercise
    derive build my-exercise && derive check && python -m pytest

Edit the module; everything else (page, nav, home-page row, claims table, tests) follows from the registry.
Deleting the module and running a full `derive build` removes every file it produced."""


def cmd_new(args) -> int:
    from .rendering import ROOT, render, write_atomic

    name = args.name
    if not re.fullmatch(r"[a-z][a-z0-9]*(-[a-z0-9]+)*", name):
        raise UsageError(f"bad name {name!r}: use lower-case words joined by '-', e.g. 'softmax-xent'")
    module = name.replace("-", "_")
    path = ROOT / "derive" / "derivations" / f"{module}.py"
    if path.exists():
        raise UsageError(f"{path.relative_to(ROOT)} exists already; choose another name or edit it")
    if name in registry.names():
        raise UsageError(f"a derivation named {name!r} is registered already")
    page = f"{name}.md"
    if (ROOT / "docs" / page).exists():
        raise UsageError(f"docs/{page} exists already (a generated page of another derivation?)")
    source = render("new/derivation.py.j2", name=name, page=page, section=args.section,
                    title=args.title or name.replace("-", " ").capitalize())
    compile(source, str(path), "exec")
    write_atomic(path, source.encode("utf-8"))
    print(path.relative_to(ROOT).as_posix())
    print(f"next: derive build {name} && derive check", file=sys.stderr)
    return 0


def cmd_timing(args) -> int:
    from .timing.command import main as timing_main

    return timing_main(args)


def cmd_site(args) -> int:
    from .rendering import ROOT
    from .site import SiteError, build_site

    try:
        build_site(ROOT, progress=(lambda s: None) if args.quiet else (lambda s: print(s, file=sys.stderr)))
    except SiteError as exc:
        print(f"derive site: {exc}", file=sys.stderr)
        return 1
    return 0


def parser() -> argparse.ArgumentParser:
    p = _Parser(prog="derive", description=__doc__.splitlines()[0],
                epilog="Environment: DERIVE_JOBS=N worker processes (unset or empty: one per core); "
                       "DERIVE_CACHE=0 turns the build cache off; DERIVE_DEBUG=1 shows tracebacks.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser, metavar="COMMAND")
    s = sub.add_parser("list", help="list the registered derivations")
    s.set_defaults(run=cmd_list)
    s = sub.add_parser("build", help="derive, check and write pages, code and plots")
    s.add_argument("names", nargs="*", metavar="NAME", help="derive these afresh (the others come from the cache)")
    s.add_argument("-q", "--quiet", action="store_true", help="no progress lines")
    s.add_argument("--timings", action="store_true", help="print the slowest derivations and checks")
    s.set_defaults(run=cmd_build)
    s = sub.add_parser("check", help="fail when committed outputs are stale or a step fails")
    s.add_argument("-q", "--quiet", action="store_true", help="no progress lines")
    s.add_argument("--timings", action="store_true", help="print the slowest derivations and checks")
    s.set_defaults(run=cmd_check)
    s = sub.add_parser("verify", help="verify the generated code numerically")
    s.add_argument("names", nargs="*", metavar="NAME")
    s.set_defaults(run=cmd_verify)
    s = sub.add_parser("show", help="show one derivation")
    s.add_argument("name", metavar="NAME")
    g = s.add_mutually_exclusive_group()
    g.add_argument("--latex", action="store_true", help="print the LaTeX of every step")
    g.add_argument("--code", action="store_true", help="print the generated code")
    s.set_defaults(run=cmd_show)
    s = sub.add_parser("claims", help="every seed claim with its computed verdict")
    s.add_argument("--json", action="store_true")
    s.set_defaults(run=cmd_claims)
    s = sub.add_parser("new", help="write a skeleton derivation module", description=NEW_HELP,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    s.add_argument("name", metavar="NAME", help="registry name, lower-case words joined by '-'")
    s.add_argument("--section", default="Extra", help="section label shown on the page (default: Extra)")
    s.add_argument("--title", default="", help="page title (default: from the name)")
    s.set_defaults(run=cmd_new)
    s = sub.add_parser("timing", help="time the A6.4 layers with torch and write one JSON file (appendix data)")
    s.add_argument("--device", choices=("auto", "cuda", "cpu"), default="auto")
    s.add_argument("--quick", action="store_true", help="the small CI grid: seconds, not minutes")
    s.add_argument("--out", metavar="FILE", help="default docs/timing/DEVICE.json (quick: a temp file)")
    s.set_defaults(run=cmd_timing)
    s = sub.add_parser("site", help="build the English and the Chinese site into site/ (mkdocs --strict, twice)")
    s.add_argument("-q", "--quiet", action="store_true")
    s.set_defaults(run=cmd_site)
    p.commands = sub.choices
    return p


def parse(argv) -> argparse.Namespace:
    """The command, then its arguments with options anywhere among the names (``build a -q b``):
    argparse's intermixed parsing, which it cannot do through subparsers, so the command is split off
    here."""
    p = parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    at = next((i for i, a in enumerate(argv) if not a.startswith("-")), None)
    if at is None:
        return p.parse_args(argv)  # --help, or the error that a command is needed
    if any(a in ("-h", "--help") for a in argv[:at]):
        p.parse_args(["--help"])  # prints the help and exits 0
    if argv[:at]:
        p.error(f"unrecognized arguments before the command: {' '.join(argv[:at])}")
    command = argv[at]
    if command not in p.commands:
        p.error(f"argument COMMAND: invalid choice: '{command}'")
    args = p.commands[command].parse_intermixed_args(argv[at + 1:])
    args.command = command
    return args


def main(argv=None) -> int:
    from .pipeline import BuildError, ConfigError

    try:
        args = parse(argv)
        return args.run(args)
    except (UsageError, registry.UnknownDerivation, registry.DerivationError, TemplateError, ConfigError) as exc:
        print(f"derive: error: {exc}", file=sys.stderr)
        return 2
    except (WriteError, BuildError) as exc:
        print(f"derive: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("derive: interrupted; no output was changed half-way", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # one line, never a traceback, unless asked for
        if os.environ.get("DERIVE_DEBUG"):
            raise
        print(f"derive: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
