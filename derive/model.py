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

RELATIONS = ("=", "<=", "<", ">=", ">")


@dataclass(frozen=True)
class Domain:
    """Where the checker samples free symbols.

    ``ranges`` maps a symbol to (low, high) for uniform sampling; symbols not named get (-3, 3), or
    (0.1, 3) when the symbol is declared positive. ``special`` holds points that are always probed
    (ties, boundaries), as {symbol: value} dicts; unnamed symbols in a special point are sampled.
    """

    ranges: Mapping[sp.Symbol, tuple[float, float]] = field(default_factory=dict)
    special: Sequence[Mapping[sp.Symbol, Any]] = ()
    samples: int = 24


@dataclass(frozen=True)
class Relation:
    """``lhs op rhs`` between SymPy expressions (or equal-shaped matrices), checked over ``domain``."""

    lhs: Any
    rhs: Any
    op: str = "="
    domain: Domain = field(default_factory=Domain)

    def __post_init__(self):
        if self.op not in RELATIONS:
            raise ValueError(f"unknown relation {self.op!r}; expected one of {RELATIONS}")


@dataclass(frozen=True)
class Witness:
    """One probe of a :class:`Search`: the point, whether the statement held there, and the error size."""

    point: Mapping[str, Any]
    holds: bool
    error: float = 0.0
    detail: str = ""


@dataclass(frozen=True)
class Search:
    """A statement that is not a single relation (a limit, a norm bound, an eigenvalue rule).

    ``probe(rng)`` draws one point and reports a :class:`Witness`; the checker runs ``trials`` probes and
    the first failing witness becomes the counter-example.
    """

    statement: str
    probe: Callable[[Any], Witness]
    trials: int = 200
    latex: str | None = None  # optional formula shown next to the statement (must come from the printer)


Check = Relation | Search


@dataclass(frozen=True)
class Step:
    """One checked step of a derivation."""

    title: str
    check: Check
    why: str = ""


@dataclass(frozen=True)
class Claim:
    """A statement of the seed, encoded for the checker.

    The verdict is computed, never typed: ``correct`` when ``stated`` holds; ``imprecise`` when it fails
    but ``reading`` (the statement under the condition or notation the seed leaves out, described in
    ``condition``) holds; ``wrong`` when both fail; ``unverified`` when no check is given.
    """

    section: str
    claim: str  # as the seed states it (quoted from the seed, may hold the seed's own LaTeX)
    where: str  # where it appears in the seed
    stated: Check | None
    reading: Check | None = None
    condition: str = ""
    note: str = ""


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
    caption: str
    draw: Callable[[Any], None]
    size: tuple[float, float] = (6.4, 4.0)


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
