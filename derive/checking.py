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

import dataclasses
import gc
import hashlib
import os
import select
import signal
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

try:
    import resource
except ImportError:  # not on Windows: the children's CPU time is then not counted
    resource = None

import mpmath
import numpy as np
import sympy as sp

from .functions import numeric_namespace, to_elementary
from .model import Claim, Domain, Implies, Not, OnlyIf, Relation, Search, Step, Tr, Witness

DPS = 30
INEQUALITY_DPS = 200  # margins like log1p(e^{-300}) must not round to zero
INEQUALITY_TOLERANCE = mpmath.mpf("1e-150")
EQUALITY_TOLERANCE = mpmath.mpf("1e-18")
# CPU seconds, not wall time, so the machine's load cannot change what a page says; every exact test here
# finishes in well under 0.5 s, and the budget is a safety net above that.
EXACT_BUDGET_S = 5.0
VERDICTS = ("correct", "imprecise", "wrong", "unverified")


@dataclass(frozen=True)
class Outcome:
    holds: bool
    method: str
    detail: str = ""
    point: dict[str, str] = field(default_factory=dict)
    error: float | None = None
    witness: Witness | None = None  # what a search found (its data travels to plots and pages)


@dataclass(frozen=True)
class StepResult:
    step: Step
    outcome: Outcome
    seconds: float = field(default=0.0, compare=False)  # CPU time of the check, for `derive build --timings`

    @property
    def ok(self) -> bool:
        return self.outcome.holds


@dataclass(frozen=True)
class ClaimResult:
    claim: Claim
    verdict: str
    evidence: str
    method: str
    outcome: Outcome | None = None  # the outcome of the stated check (None when nothing is encoded)
    seconds: float = field(default=0.0, compare=False)  # CPU time of the check, for `derive build --timings`

    def to_json(self, derivation: str) -> dict:
        return {
            "section": self.claim.section,
            "claim": self.claim.claim,
            "where": self.claim.where,
            "verdict": self.verdict,
            "evidence": str(self.evidence),
            "evidence_zh": self.evidence.zh if isinstance(self.evidence, Tr) else "",
            "method": self.method,
            "condition": self.claim.condition if self.verdict == "imprecise" else "",
            "source": self.claim.source,
            "derivation": derivation,
        }


def bi(en: str, zh: str, **parts) -> Tr:
    """Evidence in both languages: ``parts`` (numbers, points, inner evidence that may itself be a Tr)
    are filled into the English and the Chinese template alike."""
    return Tr(en.format(**{k: (v.en if isinstance(v, Tr) else v) for k, v in parts.items()}),
              zh.format(**{k: (v.zh if isinstance(v, Tr) else v) for k, v in parts.items()}))


def rng_for(key: str) -> np.random.Generator:
    seed = int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:8], "little")
    return np.random.default_rng(seed)


class _Timeout(Exception):
    pass


_ASSUMPTIONS_FILE = os.path.join("sympy", "core", "assumptions.py")


def _storing_a_fact(frame) -> bool:
    """Whether SymPy is inside ``_ask``, which marks the fact it computes as unknown (None) on the object
    before computing it: an exception there would leave a shared object (a symbol, a subexpression) wrongly
    "unknown" for every later check of the build."""
    while frame is not None:
        code = frame.f_code
        if code.co_name == "_ask" and code.co_filename.endswith(_ASSUMPTIONS_FILE):
            return True
        frame = frame.f_back
    return False


@contextmanager
def _time_budget(seconds: float):
    """Raise :class:`_Timeout` after ``seconds`` of this process's CPU time (main thread only; elsewhere no
    limit is enforced). CPU time, not wall time: on a loaded machine a wall-clock budget would turn an
    exact result into "undecided" and the build would depend on the neighbours' load. A timeout that finds
    SymPy storing an assumption waits until it is done (up to four budgets more)."""
    if threading.current_thread() is not threading.main_thread() or seconds <= 0:
        yield
        return
    armed = True
    hard_stop = time.process_time() + 5 * seconds

    def on_alarm(signum, frame):
        if not armed:  # a signal that lands after the block ended must not escape from it
            return
        if _storing_a_fact(frame) and time.process_time() < hard_stop:
            signal.setitimer(signal.ITIMER_PROF, 0.005)
            return
        raise _Timeout()

    previous = signal.signal(signal.SIGPROF, on_alarm)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        armed = False
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


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


def sampled_symbols(symbols, domain: Domain) -> list[sp.Symbol]:
    """The symbols to draw: those of the check that ``given`` does not define, plus the ones ``given``
    is written in (sorted by name, so the draws are the same on every run)."""
    drawn = {s for s in symbols if s not in domain.given}
    for expr in domain.given.values():
        drawn |= sp.sympify(expr).free_symbols
    return sorted(drawn - set(domain.given), key=lambda s: s.name)


def _complete(point: dict, domain: Domain) -> dict | None:
    """Add the ``given`` symbols to a drawn point; None when it misses ``where``."""
    if domain.given:
        values = {s: sp.Float(v, DPS + 5) if isinstance(v, float) else v for s, v in point.items()}
        for s, expr in domain.given.items():
            point[s] = sp.N(sp.sympify(expr).subs(values), DPS + 5)
    if domain.where is not None and not bool(sp.sympify(domain.where).subs(point)):
        return None
    return point


def _points(symbols, domain: Domain, rng, count: int):
    drawn = sampled_symbols(symbols, domain)
    for special in domain.special:
        point = {s: (special[s] if s in special else _sample_value(s, domain, rng)) for s in drawn}
        point = _complete({**point, **{s: v for s, v in special.items() if s in domain.given}}, domain)
        if point is not None:
            yield point
    made, tries = 0, 0
    while made < count and tries < 50 * count:
        tries += 1
        point = _complete({s: _sample_value(s, domain, rng) for s in drawn}, domain)
        if point is not None:
            made += 1
            yield point


def _to_mp(value):
    if isinstance(value, sp.Basic):
        return mpmath.mpf(sp.Rational(value)) if value.is_Rational else mpmath.mpf(sp.N(value, DPS + 5))
    return mpmath.mpf(value)


def _lambdify(symbols, value):
    plain = [sp.Symbol(f"_p{i:04d}", **getattr(s, "assumptions0", {})) for i, s in enumerate(symbols)]
    names = dict(zip(symbols, plain))
    if isinstance(value, (list, tuple)):
        value = [sp.sympify(e).xreplace(names) for e in value]
    else:
        value = sp.sympify(value).xreplace(names)
    return sp.lambdify(plain, value, modules=[numeric_namespace(), "mpmath"], docstring_limit=0)


def evaluator(symbols, entries, dps: int = DPS):
    """Compile ``entries`` (a list of SymPy expressions) for mpmath evaluation at a point.

    The symbols are renamed ``_p0000``, ``_p0001``, … (same order, same assumptions) first: lambdify would
    replace each name that is not an identifier (``x_{1}``, ``W^I_11``) by a Dummy named after a
    process-wide counter, so the printed code — the order of its terms, hence the probe's last digits —
    would depend on what ran before in the process. (One substitution, not one per symbol, is also faster.)"""
    fn = _lambdify(symbols, entries)

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


def fmt_point(point, only=None) -> str:
    """``x1 = 0.5, x2 = -1`` for the symbols of ``only`` (all when None), auxiliary draws left out."""
    keys = [k for k in point if only is None or k in only]
    return ", ".join(f"{_display_name(k)} = {fmt_num(point[k])}" for k in keys)


def _display_name(symbol) -> str:
    name = getattr(symbol, "name", str(symbol))
    return name.replace("{", "").replace("}", "").replace("\\", "")


def _entry_label(i: int, shape) -> str:
    """Entries as a textbook counts them: (row, column) from 1, or k from 1."""
    if len(shape) == 2 and shape[1] > 1:
        return f" ({i // shape[1] + 1}, {i % shape[1] + 1})"
    if len(shape) >= 1 and (shape[0] if len(shape) == 1 else shape[0] * shape[1]) > 1:
        return f" [{i + 1}]"
    return ""


# ----------------------------------------------------------------------------------------------------
# exact zero test
# ----------------------------------------------------------------------------------------------------
EXACT_METHODS = ("identical", "expand", "cancel", "expand of the elementary form", "simplify")


def exact_zero(expr, budget: float = EXACT_BUDGET_S, given=None) -> str | None:
    """Return the name of the method that proved ``expr == 0`` (after substituting ``given``), or None when
    undecided within ``budget`` seconds of CPU time. Everything past the structural comparison is under
    the budget (``expand`` alone can take minutes).

    ``expand`` (of the expression, then of its elementary form) decides most tests and runs here. ``cancel``
    and ``simplify`` run in a forked child where there is one: a timeout stops them at an arbitrary point,
    and what they leave behind (half-set module state, advanced Dummy counters) would make later checks
    depend on where the timer hit; in a child it is thrown away with it."""
    expr = sp.sympify(expr)
    if expr == 0 and not given:
        return "identical"
    start = time.process_time()
    try:
        with _time_budget(budget):
            if given:
                expr = expr.subs(given)
                if expr == 0:
                    return "identical"
            expanded = sp.expand(expr)
            if expanded == 0:
                return "expand"
            elementary = to_elementary(expr)
            if sp.expand(elementary) == 0:
                return "expand of the elementary form"
    except (_Timeout, TypeError, ValueError, NotImplementedError, RecursionError):
        return None
    left = budget - (time.process_time() - start)
    if left <= 0:
        return None

    def heavy():
        if sp.cancel(sp.together(expanded)) == 0:
            return "cancel"
        return "simplify" if sp.simplify(elementary) == 0 else None

    if hasattr(os, "fork"):
        return _in_child(heavy, left)
    try:
        with _time_budget(left):
            return heavy()
    except (_Timeout, TypeError, ValueError, NotImplementedError, RecursionError):
        return None


def _in_child(work, budget: float) -> str | None:
    """``work()`` (one of EXACT_METHODS or None) in a forked child that exits after ``budget`` CPU seconds;
    a child that dies, errs or hangs (a wall-clock guard) counts as undecided."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        code = 255
        try:
            gc.disable()  # a collection would touch every object and copy the parent's memory page by page
            os.close(read)
            signal.signal(signal.SIGPROF, lambda signum, frame: os._exit(254))
            signal.setitimer(signal.ITIMER_PROF, max(budget, 0.01))
            result = work()
            code = EXACT_METHODS.index(result) if result in EXACT_METHODS else 255
        except BaseException:
            code = 255
        finally:
            try:
                os.write(write, bytes([code]))
            finally:
                os._exit(0)
    os.close(write)
    try:
        ready, _, _ = select.select([read], [], [], max(60.0, 30 * budget))
        data = os.read(read, 1) if ready else b""
    finally:
        os.close(read)
        if not data:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        os.waitpid(pid, 0)
    return EXACT_METHODS[data[0]] if data and data[0] < len(EXACT_METHODS) else None


def cpu_time() -> float:
    """CPU seconds of this process and of its children that ended (the exact tests' forks)."""
    if resource is None:
        return time.process_time()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


# ----------------------------------------------------------------------------------------------------
# relations and searches
# ----------------------------------------------------------------------------------------------------
def check_relation(rel: Relation, key: str) -> Outcome:
    if _shape(rel.lhs) != _shape(rel.rhs):
        return Outcome(False, "shape", bi("shapes differ: {a} vs {b}", "形状不同：{a} 与 {b}",
                                          a=_shape(rel.lhs), b=_shape(rel.rhs)))
    lhs, rhs = _entries(rel.lhs), _entries(rel.rhs)
    symbols = free_symbols(lhs, rhs)
    if rel.op == "!=":
        return _check_differs(rel, lhs, rhs, symbols, key)
    equality = rel.op == "="
    evaluate = evaluator(sampled_symbols(symbols, rel.domain) + list(rel.domain.given), lhs + rhs,
                         DPS if equality else INEQUALITY_DPS)
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
                    where = _entry_label(i, _shape(rel.lhs))
                    return Outcome(
                        False, "probe",
                        bi("at {p}: left side{e} = {a}, right side{e} = {b} (they differ by {d})",
                           "在 {p} 处：左边{e} = {a}，右边{e} = {b}（相差 {d}）", p=fmt_point(point, symbols),
                           e=where, a=fmt_num(a), b=fmt_num(b), d=fmt_num(abs(a - b), 3)),
                        {_display_name(s): fmt_num(v) for s, v in point.items() if s in symbols},
                        float(abs(a - b)))
            else:
                margin = _margin(a, b, rel.op)
                worst = margin if worst is None else min(worst, margin)
                tol = INEQUALITY_TOLERANCE * max(mpmath.mpf(1), abs(a), abs(b))
                equal = abs(margin) <= tol
                failed = (margin < 0 and not equal) or (equal and rel.op in ("<", ">"))
                if failed:
                    return Outcome(
                        False, "sampling",
                        bi("at {p}: left side{e} = {a}, right side{e} = {b}; '{op}' fails{how}",
                           "在 {p} 处：左边{e} = {a}，右边{e} = {b}；“{op}” 不成立{how_zh}",
                           p=fmt_point(point, symbols), e=_entry_label(i, _shape(rel.lhs)), a=fmt_num(a),
                           b=fmt_num(b), op=rel.op,
                           how=" (the two sides are equal there)" if equal else f" by {fmt_num(-margin, 3)}",
                           how_zh="（两边在该点相等）" if equal else f"，差 {fmt_num(-margin, 3)}"),
                        {_display_name(s): fmt_num(v) for s, v in point.items() if s in symbols}, float(-margin))
    if not equality:
        k = len(rel.domain.special)
        return Outcome(True, "sampling",
                       bi("held at {n} sampled points{sp} ({dps}-digit arithmetic); smallest margin {m}",
                          "在 {n} 个抽样点{sp_zh}均成立（{dps} 位精度）；最小余量 {m}", n=probed,
                          sp=f", {k} of them special (ties, boundaries)" if k else "",
                          sp_zh=f"（其中 {k} 个特殊点：并列、边界）" if k else "", dps=INEQUALITY_DPS,
                          m=fmt_num(worst, 3)))
    methods = []
    given = dict(rel.domain.given)
    for a, b in zip(lhs, rhs):
        m = exact_zero(a - b, given=given)
        if m is None:
            why = bi("SymPy's simplification does not reduce the difference to 0 within {b:g} s of CPU time",
                     "SymPy 的化简未能在 {b:g} 秒 CPU 时间内把两边之差化为 0", b=EXACT_BUDGET_S)
            return Outcome(True, "probe",
                           bi("checked numerically: both sides agree {ag} at {n} random points ({dps} digits); {why}",
                              "数值验证：在 {n} 个随机点两边一致（{ag}，{dps} 位精度）；{why}",
                              ag=_agreement(worst), n=probed, dps=DPS, why=why))
        methods.append(m)
    order = ["identical", "expand", "cancel", "expand of the elementary form", "simplify"]
    strongest = max(methods, key=order.index) if methods else "identical"
    return Outcome(True, "exact",
                   bi("proved exactly ({how}); both sides also agree {ag} at {n} random points",
                      "精确证明（{how}）；在 {n} 个随机点数值验证一致（{ag}）", how=strongest,
                      ag=_agreement(worst), n=probed))


def _check_differs(rel: Relation, lhs, rhs, symbols, key: str) -> Outcome:
    """``lhs != rhs`` somewhere: the first sampled point where they differ is the evidence; an exact proof
    that they are equal everywhere refutes it at once."""
    evaluate = evaluator(sampled_symbols(symbols, rel.domain) + list(rel.domain.given), lhs + rhs)
    n = len(lhs)
    for point in _points(symbols, rel.domain, rng_for(key), max(rel.domain.samples, 50)):
        values = evaluate(point)
        for i in range(n):
            a, b = values[i], values[n + i]
            if abs(a - b) > EQUALITY_TOLERANCE * max(mpmath.mpf(1), abs(a), abs(b)):
                return Outcome(True, "probe",
                               bi("they differ at {p}: left side{e} = {a}, right side{e} = {b}",
                                  "两边在 {p} 处不同：左边{e} = {a}，右边{e} = {b}", p=fmt_point(point, symbols),
                                  e=_entry_label(i, _shape(rel.lhs)), a=fmt_num(a), b=fmt_num(b)),
                               {_display_name(s): fmt_num(v) for s, v in point.items() if s in symbols},
                               float(abs(a - b)))
    proof = exact_zero(sp.Add(*[(a - b) ** 2 for a, b in zip(lhs, rhs)])) if n == 1 else None
    if proof:
        return Outcome(False, "exact", bi("the two sides are equal everywhere (proved: {p})",
                                          "两边处处相等（已证明：{p}）", p=proof))
    return Outcome(False, "probe", bi("no sampled point separates the two sides", "没有抽样点能区分两边"))


def _condition(expr, symbols):
    fn = _lambdify(symbols, expr)

    def holds(point) -> bool:
        with mpmath.workdps(DPS):
            return bool(fn(*[_to_mp(point[s]) for s in symbols]))
    return holds


def check_implies(imp: Implies, key: str) -> Outcome:
    symbols = free_symbols(imp.premise, imp.conclusion)
    names = sampled_symbols(symbols, imp.domain) + list(imp.domain.given)
    premise, conclusion = _condition(imp.premise, names), _condition(imp.conclusion, names)
    hits = probed = 0
    for point in _points(symbols, imp.domain, rng_for(key), max(imp.domain.samples, 200)):
        probed += 1
        if not premise(point):
            continue
        hits += 1
        if not conclusion(point):
            return Outcome(False, "sampling", bi("at {p} the premise holds and the conclusion fails",
                                                 "在 {p} 处前提成立而结论不成立", p=fmt_point(point, symbols)),
                           {_display_name(s): fmt_num(v) for s, v in point.items() if s in symbols})
    if hits < imp.min_hits:
        return Outcome(False, "sampling", bi("only {h} of {n} sampled points meet the premise (at least {m} "
                                             "needed): nothing was tested",
                                             "{n} 个抽样点中只有 {h} 个满足前提（至少需要 {m} 个）：无法检验",
                                             h=hits, n=probed, m=imp.min_hits))
    return Outcome(True, "sampling", bi("the conclusion held at all {h} of {n} sampled points that meet the premise",
                                        "在满足前提的全部 {h} 个抽样点（共 {n} 个）结论均成立", h=hits, n=probed))


def check_only_if(only: OnlyIf, key: str) -> Outcome:
    rel = only.relation
    where = sp.And(rel.domain.where, only.condition) if rel.domain.where is not None else only.condition
    inside = check_relation(Relation(rel.lhs, rel.rhs, rel.op, _replace_where(rel.domain, where)), key + "/if")
    if not inside.holds:
        return Outcome(False, inside.method, bi("it fails even where the condition holds: {d}",
                                                "即使条件成立也不成立：{d}", d=inside.detail),
                       inside.point, inside.error)
    outside_where = sp.Not(only.condition)
    if rel.domain.where is not None:
        outside_where = sp.And(rel.domain.where, outside_where)
    outside = check_relation(Relation(rel.lhs, rel.rhs, rel.op, _replace_where(rel.domain, outside_where)),
                             key + "/else")
    if outside.holds:
        return Outcome(False, outside.method, bi("it also holds where the condition fails, so the condition is "
                                                 "not needed: {d}", "条件不成立时它也成立，所以条件并非必要：{d}",
                                                 d=outside.detail))
    return Outcome(True, f"{inside.method}+{outside.method}",
                   bi("where the condition holds: {a}; where it fails, a counter-example: {b}",
                      "条件成立时：{a}；条件不成立时的反例：{b}", a=inside.detail, b=outside.detail),
                   outside.point, outside.error)


def _replace_where(domain: Domain, where) -> Domain:
    import dataclasses

    return dataclasses.replace(domain, where=where, special=())


def check_not(neg: Not, key: str) -> Outcome:
    inner = run_check(neg.check, key + "/not")
    if inner.holds:
        return Outcome(False, inner.method, bi("the negated statement holds: {d}", "被否定的命题成立：{d}",
                                               d=inner.detail))
    return Outcome(True, inner.method, inner.detail, inner.point, inner.error, inner.witness)


def _agreement(worst) -> Tr:
    """How closely the probe agreed, as a bound in both languages: the last digits of a 30-digit round-off
    depend on the order SymPy happens to build a sum in, and must not make a build differ from the next."""
    if worst == 0:
        return Tr("exactly", "完全相等")
    for exponent in (-25, -20, -18):
        if worst < mpmath.mpf(10) ** exponent:
            return Tr(f"to better than 1e{exponent}", f"误差小于 1e{exponent}")
    return Tr(f"to {fmt_num(worst, 2)}", f"误差 {fmt_num(worst, 2)}")


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
            detail = bi("counter-example at {w}", "反例：{w}", w=where) if where else bi("counter-example", "反例")
            if w.detail:
                detail = bi("{a}: {b}", "{a}：{b}", a=detail, b=w.detail)
            return Outcome(False, "search", detail, point, float(w.error), w)
        worst = max(worst, float(w.error))
    return Outcome(True, "search", bi("held in all {n} random cases; {what} {e}",
                                      "在全部 {n} 个随机情形中成立；{what_zh} {e}", n=search.trials,
                                      what=search.error_name,
                                      what_zh=search.error_name.zh if isinstance(search.error_name, Tr) else search.error_name,
                                      e=f"{worst:.3g}"))


def run_check(check, key: str) -> Outcome:
    if isinstance(check, (list, tuple)):  # all must hold; the first failure is the evidence
        outcomes = [run_check(c, f"{key}/{i}") for i, c in enumerate(check)]
        for o in outcomes:
            if not o.holds:
                return o
        methods = sorted({o.method for o in outcomes}, key=lambda m: (["exact", "probe", "sampling", "search"] + [m]).index(m))
        detail = outcomes[0].detail if outcomes else "nothing to check"
        if len(outcomes) > 1:
            detail = bi("all {n} relations hold; the first: {d}", "全部 {n} 个关系成立；第一个：{d}",
                        n=len(outcomes), d=detail)
        return Outcome(True, "+".join(methods), detail)
    if isinstance(check, Relation):
        return check_relation(check, key)
    if isinstance(check, Search):
        return check_search(check, key)
    if isinstance(check, Implies):
        return check_implies(check, key)
    if isinstance(check, OnlyIf):
        return check_only_if(check, key)
    if isinstance(check, Not):
        return check_not(check, key)
    raise TypeError(f"not a check: {check!r}")


def check_step(step: Step, derivation: str) -> StepResult:
    start = cpu_time()
    outcome = run_check(step.check, f"{derivation}/step/{step.title}")
    return StepResult(step, outcome, cpu_time() - start)


def check_claim(claim: Claim, derivation: str) -> ClaimResult:
    start = cpu_time()
    result = _check_claim(claim, derivation)
    return dataclasses.replace(result, seconds=cpu_time() - start)


def _check_claim(claim: Claim, derivation: str) -> ClaimResult:
    key = f"{derivation}/claim/{claim.where}/{claim.claim}"
    if claim.stated is None:
        return ClaimResult(claim, "unverified", claim.note or bi("no check is encoded for this claim",
                                                                 "该论断没有可执行的检验"), "none")
    stated = run_check(claim.stated, key + "/stated")
    if stated.holds:
        return ClaimResult(claim, "correct", stated.detail, stated.method, stated)
    if claim.reading is not None:
        reading = run_check(claim.reading, key + "/reading")
        if reading.holds:
            return ClaimResult(
                claim, "imprecise",
                bi("as written it fails — {a}. Under the condition it holds — {b}",
                   "按原文不成立——{a}。在所述条件下成立——{b}", a=stated.detail, b=reading.detail),
                f"{stated.method} + {reading.method}", stated)
        return ClaimResult(
            claim, "wrong",
            bi("{a}. Even under the condition ({c}) it fails — {b}", "{a}。即使在所述条件下也不成立——{b}",
               a=stated.detail, b=reading.detail, c=claim.condition),
            f"{stated.method} + {reading.method}", stated)
    return ClaimResult(claim, "wrong", stated.detail, stated.method, stated)


@dataclass
class Checked:
    """All results for one derivation."""

    derivation: Any
    steps: list[StepResult]
    claims: list[ClaimResult]

    @property
    def failed_steps(self) -> list[StepResult]:
        return [r for r in self.steps if not r.ok]

    def outcomes(self) -> dict[str, Outcome]:
        """Outcomes by step title and by claim ``where`` (a claim's is the stated check's, or the
        reading's when that decided the verdict), for plots that draw what the checker found."""
        found = {r.step.title: r.outcome for r in self.steps}
        found.update({r.claim.where: r.outcome for r in self.claims if r.outcome is not None})
        return found


def check_derivation(derivation) -> Checked:
    return Checked(
        derivation,
        [check_step(s, derivation.name) for s in derivation.steps],
        [check_claim(c, derivation.name) for c in derivation.claims],
    )
