"""The checker: every step and every seed claim gets a computed result.

Equalities: a numeric probe at random points first (mpmath, 30 digits, so float round-off cannot fake a
counter-example), then an exact zero test — ``expand``, ``cancel``, and ``simplify`` of the elementary
rewrite under a time budget. An exact test that does not finish in its budget leaves the probe's answer
and says so. Inequalities are checked by sampling (random points plus the domain's special points) and
report the smallest margin. :class:`~derive.model.Search` statements run their own probes.

Random points come from a generator seeded by the step's text (SHA-256), so results are reproducible
whatever ``PYTHONHASHSEED`` is.
"""
from __future__ import annotations

import hashlib
import signal
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import mpmath
import numpy as np
import sympy as sp

from .functions import numeric_namespace, to_elementary
from .model import Claim, Domain, Relation, Search, Step

DPS = 30
INEQUALITY_DPS = 200  # margins like log1p(e^{-300}) must not round to zero
INEQUALITY_TOLERANCE = mpmath.mpf("1e-150")
EQUALITY_TOLERANCE = mpmath.mpf("1e-18")
EXACT_BUDGET_S = 2.0
VERDICTS = ("correct", "imprecise", "wrong", "unverified")


@dataclass(frozen=True)
class Outcome:
    holds: bool
    method: str
    detail: str = ""
    point: dict[str, str] = field(default_factory=dict)
    error: float | None = None


@dataclass(frozen=True)
class StepResult:
    step: Step
    outcome: Outcome

    @property
    def ok(self) -> bool:
        return self.outcome.holds


@dataclass(frozen=True)
class ClaimResult:
    claim: Claim
    verdict: str
    evidence: str
    method: str

    def to_json(self, derivation: str) -> dict:
        return {
            "section": self.claim.section,
            "claim": self.claim.claim,
            "where": self.claim.where,
            "verdict": self.verdict,
            "evidence": self.evidence,
            "method": self.method,
            "condition": self.claim.condition if self.verdict == "imprecise" else "",
            "derivation": derivation,
        }


def rng_for(key: str) -> np.random.Generator:
    seed = int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:8], "little")
    return np.random.default_rng(seed)


class _Timeout(Exception):
    pass


@contextmanager
def _time_budget(seconds: float):
    """Raise :class:`_Timeout` after ``seconds`` (main thread only; elsewhere no limit is enforced)."""
    if threading.current_thread() is not threading.main_thread() or seconds <= 0:
        yield
        return

    def on_alarm(signum, frame):
        raise _Timeout()

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# ----------------------------------------------------------------------------------------------------
# numeric evaluation
# ----------------------------------------------------------------------------------------------------
def _entries(value) -> list:
    """Flatten to a list of expressions; unevaluated ``Derivative``/``Limit`` (kept for display) are
    carried out here, so the page shows ∂/∂x while the checker tests the derivative itself."""
    if isinstance(value, sp.MatrixBase):
        items = list(value)
    elif isinstance(value, (list, tuple)):
        items = list(value)
    else:
        items = [value]
    return [sp.sympify(e).doit() for e in items]


def _shape(value):
    if isinstance(value, sp.MatrixBase):
        return value.shape
    if isinstance(value, (list, tuple)):
        return (len(value),)
    return ()


def free_symbols(*values) -> list[sp.Symbol]:
    syms: set[sp.Symbol] = set()
    for v in values:
        for e in _entries(v):
            syms |= e.free_symbols
    return sorted(syms, key=lambda s: s.name)


def _sample_value(symbol: sp.Symbol, domain: Domain, rng: np.random.Generator):
    if symbol in domain.ranges:
        lo, hi = domain.ranges[symbol]
    elif symbol.is_positive:
        lo, hi = 0.1, 3.0
    else:
        lo, hi = -3.0, 3.0
    return float(rng.uniform(lo, hi))


def _points(symbols, domain: Domain, rng, count: int):
    for special in domain.special:
        yield {s: (special[s] if s in special else _sample_value(s, domain, rng)) for s in symbols}
    for _ in range(count):
        yield {s: _sample_value(s, domain, rng) for s in symbols}


def _to_mp(value):
    if isinstance(value, sp.Basic):
        return mpmath.mpf(sp.Rational(value)) if value.is_Rational else mpmath.mpf(sp.N(value, DPS + 5))
    return mpmath.mpf(value)


def evaluator(symbols, entries, dps: int = DPS):
    """Compile ``entries`` (a list of SymPy expressions) for mpmath evaluation at a point."""
    fn = sp.lambdify(symbols, entries, modules=[numeric_namespace(), "mpmath"])

    def evaluate(point):
        with mpmath.workdps(dps):
            args = [_to_mp(point[s]) for s in symbols]
            return [mpmath.mpf(v) if not isinstance(v, mpmath.mpc) else v for v in fn(*args)]

    return evaluate


def fmt_num(value, digits: int = 6) -> str:
    if isinstance(value, (mpmath.mpf, mpmath.mpc)):
        return mpmath.nstr(value, digits)
    if isinstance(value, sp.Basic) and value.is_Rational:
        return str(value)
    return mpmath.nstr(mpmath.mpf(float(value)), digits)


def fmt_point(point) -> str:
    return ", ".join(f"{getattr(k, 'name', k)} = {fmt_num(v)}" for k, v in point.items())


# ----------------------------------------------------------------------------------------------------
# exact zero test
# ----------------------------------------------------------------------------------------------------
def exact_zero(expr, budget: float = EXACT_BUDGET_S) -> str | None:
    """Return the name of the method that proved ``expr == 0``, or None when undecided."""
    expr = sp.sympify(expr)
    if expr == 0:
        return "identical"
    expanded = sp.expand(expr)
    if expanded == 0:
        return "expand"
    start = time.perf_counter()
    try:
        with _time_budget(budget):
            if sp.cancel(sp.together(expanded)) == 0:
                return "cancel"
            elementary = to_elementary(expr)
            if sp.expand(elementary) == 0:
                return "expand of the elementary form"
            left = max(budget - (time.perf_counter() - start), 0.05)
            with _time_budget(left):
                if sp.simplify(elementary) == 0:
                    return "simplify"
    except _Timeout:
        return None
    except (TypeError, ValueError, NotImplementedError, RecursionError):
        return None
    return None


# ----------------------------------------------------------------------------------------------------
# relations and searches
# ----------------------------------------------------------------------------------------------------
def check_relation(rel: Relation, key: str) -> Outcome:
    if _shape(rel.lhs) != _shape(rel.rhs):
        return Outcome(False, "shape", f"shapes differ: {_shape(rel.lhs)} vs {_shape(rel.rhs)}")
    lhs, rhs = _entries(rel.lhs), _entries(rel.rhs)
    symbols = free_symbols(lhs, rhs)
    equality = rel.op == "="
    evaluate = evaluator(symbols, lhs + rhs, DPS if equality else INEQUALITY_DPS)
    rng = rng_for(key)
    n = len(lhs)
    count = rel.domain.samples if equality else max(rel.domain.samples, 200)
    worst = mpmath.mpf(0) if equality else None
    probed = 0
    for point in _points(symbols, rel.domain, rng, count):
        values = evaluate(point)
        probed += 1
        for i in range(n):
            a, b = values[i], values[n + i]
            if equality:
                scale = max(mpmath.mpf(1), abs(a), abs(b))
                err = abs(a - b) / scale
                worst = max(worst, err)
                if err > EQUALITY_TOLERANCE:
                    where = f" (entry {i})" if n > 1 else ""
                    return Outcome(
                        False, "probe",
                        f"at {fmt_point(point)}{where}: left = {fmt_num(a)}, right = {fmt_num(b)}, "
                        f"|left − right| = {fmt_num(abs(a - b), 3)}, relative error = "
                        f"{fmt_num(abs(a - b) / max(abs(b), mpmath.mpf('1e-300')), 3)}",
                        {s.name: fmt_num(v) for s, v in point.items()}, float(abs(a - b)))
            else:
                margin = _margin(a, b, rel.op)
                worst = margin if worst is None else min(worst, margin)
                tol = INEQUALITY_TOLERANCE * max(mpmath.mpf(1), abs(a), abs(b))
                equal = abs(margin) <= tol
                failed = (margin < 0 and not equal) or (equal and rel.op in ("<", ">"))
                if failed:
                    return Outcome(
                        False, "sampling",
                        f"at {fmt_point(point)}: left = {fmt_num(a)}, right = {fmt_num(b)}; "
                        f"'{rel.op}' fails" + (" (the two sides are equal there)" if equal else
                                                f" by {fmt_num(-margin, 3)}"),
                        {s.name: fmt_num(v) for s, v in point.items()}, float(-margin))
    if not equality:
        specials = f" including {len(rel.domain.special)} special points" if rel.domain.special else ""
        return Outcome(True, "sampling",
                       f"held at {probed} points{specials} (mpmath, {INEQUALITY_DPS} digits); smallest margin "
                       f"{fmt_num(worst, 3)}")
    methods = []
    for a, b in zip(lhs, rhs):
        m = exact_zero(a - b)
        if m is None:
            return Outcome(True, "probe",
                           f"exact test undecided within {EXACT_BUDGET_S:g} s; the probe at {probed} random "
                           f"points ({DPS} digits) agrees to {fmt_num(worst, 2)}")
        methods.append(m)
    order = ["identical", "expand", "cancel", "expand of the elementary form", "simplify"]
    strongest = max(methods, key=order.index) if methods else "identical"
    return Outcome(True, "exact",
                   f"exact ({strongest}); probe at {probed} random points agrees to {fmt_num(worst, 2)}")


def _margin(a, b, op):
    if op in ("<=", "<"):
        return b - a
    return a - b


def check_search(search: Search, key: str) -> Outcome:
    rng = rng_for(key)
    worst = 0.0
    for trial in range(search.trials):
        w = search.probe(rng)
        if not w.holds:
            point = {str(k): (fmt_num(v) if not isinstance(v, str) else v) for k, v in w.point.items()}
            where = ", ".join(f"{k} = {v}" for k, v in point.items())
            detail = f"counter-example at {where}" if where else "counter-example"
            if w.detail:
                detail += f": {w.detail}"
            return Outcome(False, "search", detail, point, float(w.error))
        worst = max(worst, float(w.error))
    return Outcome(True, "search", f"held in {search.trials} random trials; largest error {worst:.3g}")


def run_check(check, key: str) -> Outcome:
    if isinstance(check, (list, tuple)):  # all must hold; the first failure is the evidence
        outcomes = [run_check(c, f"{key}/{i}") for i, c in enumerate(check)]
        for o in outcomes:
            if not o.holds:
                return o
        methods = sorted({o.method for o in outcomes}, key=lambda m: (["exact", "probe", "sampling", "search"] + [m]).index(m))
        detail = outcomes[0].detail if outcomes else "nothing to check"
        if len(outcomes) > 1:
            detail = f"all {len(outcomes)} relations hold; the first: {detail}"
        return Outcome(True, "+".join(methods), detail)
    if isinstance(check, Relation):
        return check_relation(check, key)
    if isinstance(check, Search):
        return check_search(check, key)
    raise TypeError(f"not a check: {check!r}")


def check_step(step: Step, derivation: str) -> StepResult:
    return StepResult(step, run_check(step.check, f"{derivation}/step/{step.title}"))


def check_claim(claim: Claim, derivation: str) -> ClaimResult:
    key = f"{derivation}/claim/{claim.where}/{claim.claim}"
    if claim.stated is None:
        return ClaimResult(claim, "unverified", claim.note or "no check is encoded for this claim", "none")
    stated = run_check(claim.stated, key + "/stated")
    if stated.holds:
        return ClaimResult(claim, "correct", stated.detail, stated.method)
    if claim.reading is not None:
        reading = run_check(claim.reading, key + "/reading")
        if reading.holds:
            return ClaimResult(
                claim, "imprecise",
                f"as written it fails — {stated.detail}. Under the condition it holds — {reading.detail}",
                f"{stated.method} + {reading.method}")
        return ClaimResult(
            claim, "wrong",
            f"{stated.detail}. Even under the condition ({claim.condition}) it fails — {reading.detail}",
            f"{stated.method} + {reading.method}")
    return ClaimResult(claim, "wrong", stated.detail, stated.method)


@dataclass
class Checked:
    """All results for one derivation."""

    derivation: Any
    steps: list[StepResult]
    claims: list[ClaimResult]

    @property
    def failed_steps(self) -> list[StepResult]:
        return [r for r in self.steps if not r.ok]


def check_derivation(derivation) -> Checked:
    return Checked(
        derivation,
        [check_step(s, derivation.name) for s in derivation.steps],
        [check_claim(c, derivation.name) for c in derivation.claims],
    )
