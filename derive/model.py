"""Plain data that a derivation produces; nothing here computes.

A derivation module builds one :class:`Derivation`: its model, the derivation steps (relations between
SymPy expressions), the seed's claims (each encoded so the checker can give a verdict), the code targets
and the plots. The engine (checking, printing, codegen, rendering) reads this data and never the other
way round.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

import sympy as sp

RELATIONS = ("=", "<=", "<", ">=", ">", "!=")


@dataclass(frozen=True)
class Tr:
    """Prose in English and Chinese. Anywhere a derivation gives prose (titles, explanations, captions,
    conditions) it may give a plain ``str`` (English) or a ``Tr``; the Chinese page needs the ``Tr``.
    Formulas, code and quotes of the seed are shared by both languages and are never translated."""

    en: str
    zh: str

    def __post_init__(self):
        for arg in ("en", "zh"):
            _need("Tr", arg, getattr(self, arg), isinstance(getattr(self, arg), str) and getattr(self, arg).strip(),
                  "a non-empty str")

    def __str__(self) -> str:
        return self.en

    def __contains__(self, item) -> bool:  # "counter-example" in outcome.detail reads the English
        return item in self.en

    def __format__(self, spec) -> str:
        return format(self.en, spec)

    def get(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


def is_text(value) -> bool:
    return isinstance(value, (str, Tr))


SEVERITIES = ("slip", "degenerate", "error")


class ModelError(TypeError):
    """A model class got a wrong argument; the message names the class and the argument. The registry
    adds the derivation, its file and line."""


def _need(cls: str, arg: str, value, ok: bool, expected: str) -> None:
    if not ok:
        shown = repr(value)
        shown = shown if len(shown) <= 80 else shown[:77] + "..."
        raise ModelError(f"{cls}: argument {arg!r} must be {expected}; got {type(value).__name__} {shown}")


@dataclass(frozen=True)
class Domain:
    """Where the checker samples free symbols.

    ``ranges`` maps a symbol to (low, high) for uniform sampling; symbols not named get (-3, 3), or
    (0.1, 3) when the symbol is declared positive. ``special`` holds points that are always probed
    (ties, boundaries), as {symbol: value} dicts; unnamed symbols in a special point are sampled.
    ``given`` defines dependent symbols by expressions of sampled ones (a constraint such as Σy = 1 is
    written y_k = u_k / Σu, see :func:`derive.kit.simplex_domain`); ``where`` is a SymPy condition that a
    sampled point must meet (points that miss it are drawn again).
    """

    ranges: Mapping[sp.Symbol, tuple[float, float]] = field(default_factory=dict)
    special: Sequence[Mapping[sp.Symbol, Any]] = ()
    samples: int = 24
    given: Mapping[sp.Symbol, Any] = field(default_factory=dict)
    where: Any = None

    def __post_init__(self):
        _need("Domain", "ranges", self.ranges, isinstance(self.ranges, Mapping)
              and all(isinstance(v, tuple) and len(v) == 2 for v in self.ranges.values()),
              "a mapping {symbol: (low, high)}")
        _need("Domain", "special", self.special, isinstance(self.special, (list, tuple))
              and all(isinstance(p, Mapping) for p in self.special), "a sequence of {symbol: value} dicts")
        _need("Domain", "samples", self.samples, isinstance(self.samples, int) and self.samples >= 0,
              "an int ≥ 0 (0: only the special points)")
        _need("Domain", "given", self.given, isinstance(self.given, Mapping), "a mapping {symbol: expression}")


@dataclass(frozen=True)
class Relation:
    """``lhs op rhs`` between SymPy expressions (or equal-shaped matrices), checked over ``domain``.

    ``=`` and the inequalities must hold at every point of the domain; ``!=`` states that the two sides
    differ somewhere (the point where they do is the evidence)."""

    lhs: Any
    rhs: Any
    op: str = "="
    domain: Domain = field(default_factory=Domain)

    def __post_init__(self):
        for arg in ("lhs", "rhs"):
            value = getattr(self, arg)
            _need("Relation", arg, value, not isinstance(value, (Domain, Relation, str)),
                  "a SymPy expression, a number or a matrix")
        _need("Relation", "op", self.op, isinstance(self.op, str) and self.op in RELATIONS,
              "one of " + ", ".join(repr(r) for r in RELATIONS))
        _need("Relation", "domain", self.domain, isinstance(self.domain, Domain), "a Domain")


@dataclass(frozen=True)
class Witness:
    """One probe of a :class:`Search`: the point, whether the statement held there, and the error size."""

    point: Mapping[str, Any]
    holds: bool
    error: float = 0.0
    detail: str = ""
    data: Any = None  # what the probe found (e.g. a counter-example network), carried to plots and pages


@dataclass(frozen=True)
class Search:
    """A statement that is not a single relation (a limit, a norm bound, an eigenvalue rule).

    ``probe(rng)`` draws one point and reports a :class:`Witness`; the checker runs ``trials`` probes and
    the first failing witness becomes the counter-example.
    """

    statement: str
    probe: Callable[[Any], Witness]
    trials: int = 200
    formula: Any = None  # optional SymPy object shown next to the statement (printed by the printer)
    error_name: str = "largest error"  # what Witness.error measures, for the evidence line

    def __post_init__(self):
        _need("Search", "statement", self.statement, is_text(self.statement), "a str or Tr")
        _need("Search", "probe", self.probe, callable(self.probe), "a callable probe(rng) -> Witness")
        _need("Search", "trials", self.trials, isinstance(self.trials, int) and self.trials >= 1, "a positive int")


@dataclass(frozen=True)
class Implies:
    """``premise ⇒ conclusion`` over ``domain``: wherever a sampled point satisfies the premise, it satisfies
    the conclusion. Both are SymPy conditions (``sp.Gt(a, b)``, ``sp.And(...)``). At least ``min_hits``
    sampled points must satisfy the premise, so an implication is never "true" because nothing was tested."""

    premise: Any
    conclusion: Any
    domain: Domain = field(default_factory=Domain)
    min_hits: int = 10

    def __post_init__(self):
        for arg in ("premise", "conclusion"):
            value = getattr(self, arg)
            _need("Implies", arg, value, isinstance(value, sp.Basic), "a SymPy condition such as sp.Gt(a, b)")
        _need("Implies", "domain", self.domain, isinstance(self.domain, Domain), "a Domain")


@dataclass(frozen=True)
class OnlyIf:
    """``relation`` holds exactly where ``condition`` does: at every sampled point that meets the
    condition, and it fails at some sampled point that does not (that point is the evidence)."""

    relation: "Relation"
    condition: Any

    def __post_init__(self):
        _need("OnlyIf", "relation", self.relation, isinstance(self.relation, Relation), "a Relation")
        _need("OnlyIf", "condition", self.condition, isinstance(self.condition, sp.Basic),
              "a SymPy condition such as sp.Ne(x1, x2)")


@dataclass(frozen=True)
class Not:
    """Holds when ``check`` fails; the failing point of ``check`` is the evidence ("A ≠ B in general")."""

    check: Any

    def __post_init__(self):
        _need("Not", "check", self.check, is_check(self.check), "a check")


Check = Relation | Search | Implies | OnlyIf | Not
CHECK_TYPES = (Relation, Search, Implies, OnlyIf, Not)


def is_check(value) -> bool:
    """A check, or a non-empty tuple/list of checks that must all hold."""
    if isinstance(value, (list, tuple)):
        return bool(value) and all(is_check(v) for v in value)
    return isinstance(value, CHECK_TYPES)


_CHECK_EXPECTED = "a Relation, Search, Implies, OnlyIf, Not, or a tuple of them"


@dataclass(frozen=True)
class Step:
    """One checked step of a derivation."""

    title: str
    check: Check
    why: str = ""
    show: Any = None  # a compact, general form shown instead of the checked instance (which is then collapsed)

    def __post_init__(self):
        _need("Step", "title", self.title, is_text(self.title) and str(self.title).strip(), "a non-empty str or Tr")
        _need(f"Step {str(self.title)!r}", "check", self.check, is_check(self.check), _CHECK_EXPECTED)
        _need(f"Step {str(self.title)!r}", "why", self.why, is_text(self.why), "a str or Tr (Markdown)")


@dataclass(frozen=True)
class Claim:
    """A statement of the seed, encoded for the checker.

    The verdict is computed, never typed: ``correct`` when ``stated`` holds; ``imprecise`` when it fails
    but ``reading`` (the statement under the condition or notation the seed leaves out, described in
    ``condition``) holds; ``wrong`` when both fail; ``unverified`` when no check is given.
    """

    section: str
    claim: str  # as the source states it (quoted, may hold the source's own LaTeX)
    where: str  # where it appears in the source
    stated: Check | None
    reading: Check | None = None
    condition: str = ""
    note: str = ""
    source: str = "seed"  # "seed" (the student's answers) or the name of another source shown on the page
    # for the errata page: one line of why, the corrected statement (a SymPy object or prose), how much the
    # error matters ("slip": notation or wording, "degenerate": fails only in a degenerate case that
    # ``why`` names, "error": changes a result), and the title of the step that derives the right result
    why: Any = ""
    corrected: Any = None
    severity: str = ""
    step: Any = ""

    def __post_init__(self):
        label = f"Claim {str(self.where)!r}"
        for arg in ("section", "claim", "source"):
            _need(label, arg, getattr(self, arg), isinstance(getattr(self, arg), str), "a str")
        for arg in ("where", "condition", "note", "why", "step"):
            _need(label, arg, getattr(self, arg), is_text(getattr(self, arg)), "a str or Tr")
        _need(label, "severity", self.severity, self.severity in SEVERITIES + ("",),
              "one of " + ", ".join(repr(v) for v in SEVERITIES) + " (or empty for a correct claim)")
        _need(label, "stated", self.stated, self.stated is None or is_check(self.stated), _CHECK_EXPECTED + " or None")
        _need(label, "reading", self.reading, self.reading is None or is_check(self.reading),
              _CHECK_EXPECTED + " or None")
        _need(label, "source", self.source, bool(self.source.strip()), "a non-empty str")


@dataclass(frozen=True)
class CodeFunction:
    """One generated function: ``signature`` is the Python parameter list; ``body`` maps the
    parameters to the result through SymPy expressions printed by the NumPy printer."""

    name: str
    signature: str
    doc: str
    formula: Any  # the SymPy expression (or Relation) shown in the docstring and on the page
    body: Sequence[tuple[str, Any]]  # (target name, SymPy expression) lines; the last is returned
    prologue: Sequence[str] = ()  # plain statements emitted before the body (argument coercion)
    returns: str | None = None  # expression returned instead of the last target


@dataclass(frozen=True)
class CodeModule:
    """A generated module ``derive.generated.<name>``."""

    name: str
    doc: str
    functions: Sequence[CodeFunction] = ()
    template: str = "code/module.py.j2"
    context: Mapping[str, Any] = field(default_factory=dict)  # extra template data (loop templates)
    verify: Callable[[], list["VerifyRow"]] | None = None


@dataclass(frozen=True)
class VerifyRow:
    target: str
    oracle: str
    error: float
    tolerance: float

    @property
    def ok(self) -> bool:
        return bool(self.error <= self.tolerance)


@dataclass(frozen=True)
class Plot:
    """A figure: ``draw(fig)`` fills a matplotlib Figure; written as ``docs/assets/plots/<name>.svg``."""

    name: str
    caption: Any  # str or Tr
    draw: Callable[..., None]
    size: tuple[float, float] = (6.4, 4.0)
    # step titles or claim ``where``s whose results the plot draws: ``draw(fig, results)`` then receives
    # {key: Outcome}, so a plot shows what the checker found instead of searching again
    needs: Sequence[str] = ()

    def __post_init__(self):
        _need("Plot", "name", self.name, isinstance(self.name, str) and self.name.replace("-", "").isalnum(),
              "a file stem of letters, digits and '-'")
        _need(f"Plot {self.name!r}", "draw", self.draw, callable(self.draw), "a callable draw(fig)")


@dataclass(frozen=True)
class Answer:
    """One question of the exercise answered like a lecture note: what the seed says, what is wrong or
    missing, and the correct result in general form (a SymPy object or Relation, shown boxed)."""

    question: Any  # str or Tr: the question, briefly
    seed: Any  # str or Tr: the seed's answer in a sentence (its formula may be quoted)
    problem: Any  # str or Tr: what is wrong or missing ("nothing" is a fine answer)
    result: Any  # SymPy object / Relation: the correct result, general vector/matrix form
    result_note: Any = ""  # str or Tr: one line under the result (its conditions)

    def __post_init__(self):
        for arg in ("question", "seed", "problem", "result_note"):
            _need("Answer", arg, getattr(self, arg), is_text(getattr(self, arg)), "a str or Tr")


@dataclass
class Derivation:
    name: str  # registry name, e.g. "max-logsumexp"
    section: str  # e.g. "A6.2 ①"
    title: str
    title_zh: str
    page: str  # docs-relative path of the generated page
    summary: str  # one paragraph (Markdown) for the home page
    model: Sequence[tuple[str, Any]] = ()  # (what, SymPy expression or Relation) definitions
    steps: Sequence[Step] = ()
    claims: Sequence[Claim] = ()
    code: Sequence[CodeModule] = ()
    plots: Sequence[Plot] = ()
    sections: Mapping[str, str] = field(default_factory=dict)  # extra Markdown blocks, by name
    template: str = "page.md.j2"
    context: Mapping[str, Any] = field(default_factory=dict)  # extra data for a custom template
    nav_title: Any = ""  # a short title for the site navigation (the title when empty); str or Tr
    # per question of the exercise: what the seed answers, what is wrong or missing, the correct result
    answers: Sequence["Answer"] = ()
    notation: Sequence[tuple[Any, Any]] = ()  # (SymPy symbol or expression, str/Tr meaning) for the notation table

    def __post_init__(self):
        label = f"Derivation {self.name!r}"
        for arg in ("name", "section", "title", "title_zh", "page"):
            _need(label, arg, getattr(self, arg), isinstance(getattr(self, arg), str) and getattr(self, arg).strip(),
                  "a non-empty str")
        _need(label, "summary", self.summary, is_text(self.summary) and str(self.summary).strip(), "a str or Tr")
        _need(label, "page", self.page, self.page.endswith(".md") and "/" not in self.page,
              "a file name like 'a6-2-max.md' (pages live in docs/)")
        for arg, kind in (("steps", Step), ("claims", Claim), ("code", CodeModule), ("plots", Plot),
                          ("answers", Answer)):
            values = getattr(self, arg)
            bad = [v for v in values if not isinstance(v, kind)]
            _need(label, arg, bad[0] if bad else values, not bad, f"a sequence of {kind.__name__}")
