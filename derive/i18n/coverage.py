"""Which prose of a derivation has no Chinese yet.

``python -m derive.i18n.coverage [NAME…]`` lists, per derivation, every English text shown on its page that
neither is a :class:`~derive.model.Tr` nor has an entry in its catalog, and every piece of checker evidence
that is not bilingual (a probe's ``Witness.detail`` with numbers must be a Tr). Exit 1 when anything is
missing. The Chinese build runs the same walk and fails on the same texts.
"""
from __future__ import annotations

import sys

from . import MissingTranslation, text
from ..model import Tr


def module_key(derivation_name: str) -> str:
    from .. import registry

    return registry._REGISTRY[derivation_name].__module__.rsplit(".", 1)[1]


def prose(d) -> list[tuple[str, object]]:
    """(where, value) for every prose field a page shows."""
    out: list[tuple[str, object]] = [("summary", d.summary)]
    if d.nav_title:
        out.append(("nav_title", d.nav_title))
    out += [(f"sections[{k!r}]", v) for k, v in d.sections.items()]
    out += [(f"model label {i + 1}", what) for i, (what, _) in enumerate(d.model)]
    for i, s in enumerate(d.steps, 1):
        out += [(f"step {i} title", s.title), (f"step {i} why", s.why)]
        for check in (s.check if isinstance(s.check, (list, tuple)) else [s.check]):
            if hasattr(check, "probe"):
                out.append((f"step {i} search statement", check.statement))
    for i, c in enumerate(d.claims, 1):
        out += [(f"claim {i} {field}", getattr(c, field)) for field in ("where", "condition", "note", "why", "step")]
        if isinstance(c.corrected, (str, Tr)):
            out.append((f"claim {i} corrected", c.corrected))
        for part in ("stated", "reading"):
            check = getattr(c, part)
            for ch in (check if isinstance(check, (list, tuple)) else [check]):
                if hasattr(ch, "probe"):
                    out.append((f"claim {i} {part} search statement", ch.statement))
    out += [(f"plot {p.name} caption", p.caption) for p in d.plots]
    for i, a in enumerate(d.answers, 1):
        out += [(f"answer {i} {f}", getattr(a, f)) for f in ("question", "seed", "problem", "result_note")]
    out += [(f"notation row {i}", meaning) for i, (_, meaning) in enumerate(d.notation, 1)]
    return [(w, v) for w, v in out if v is not None and str(v).strip()]


def missing_prose(d, module: str) -> list[str]:
    found = []
    for where, value in prose(d):
        try:
            text(value, "zh", module, where)
        except MissingTranslation as exc:
            found.append(str(exc))
    return found


def monolingual_evidence(checked, module: str | None = None) -> list[str]:
    """Evidence that is English only (checked results): neither a Tr nor a text of the catalog (an
    unverified claim's evidence is its note)."""
    def english_only(value) -> bool:
        if isinstance(value, Tr):
            return False
        try:
            text(value, "zh", module)
            return False
        except MissingTranslation:
            return True

    found = []
    for r in checked.steps:
        if english_only(r.outcome.detail):
            found.append(f"step {str(r.step.title)!r}: evidence is not bilingual: {str(r.outcome.detail)[:80]!r}")
    for r in checked.claims:
        if english_only(r.evidence):
            found.append(f"claim {str(r.claim.where)!r}: evidence is not bilingual: {str(r.evidence)[:80]!r}")
    return found


def main(argv=None) -> int:
    from .. import registry
    from ..checking import check_derivation

    names = registry.resolve(list(argv if argv is not None else sys.argv[1:]))
    bad = 0
    for name in names:
        d = registry.load(name)
        problems = missing_prose(d, module_key(name)) + monolingual_evidence(check_derivation(d), module_key(name))
        print(f"{name}: {len(problems)} text(s) without Chinese")
        for p in problems:
            print(f"  {p}")
        bad += len(problems)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
