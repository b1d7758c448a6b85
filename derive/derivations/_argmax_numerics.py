"""Numerics of the A6.2 ② derivation (argmax, soft-argmax): its probes, the verification of its generated
code and the drawing of its plots. Not a derivation itself (it registers nothing).

Exact numerics in mpmath, so that no float round-off can fake a counter-example: S_t − k* is summed
without the k* term and j − S_t as Σ_i (j − i) s_i, so values of size e^{−tδ} keep their digits. Each
``probe_*`` draws one point (or takes the point it is given) and returns a :class:`~derive.model.Witness`
whose detail is English and Chinese (:func:`derive.checking.bi`); :class:`Worked` tries small worked cases
before the random ones, so a counter-example is one a student can follow by hand; :class:`FixedCases`
replays exact limits (sympy.limit) at fixed points. The generated code is verified in
:mod:`derive.derivations._argmax_code`.
"""
from __future__ import annotations

import mpmath
import sympy as sp

from ..checking import bi
from ..functions import Argmax
from ..kit.numeric import log_uniform, mp_softmax, random_point, top_gap
from ..model import Tr, Witness

_SLACK = 1 + mpmath.mpf("1e-40")  # a bound holds up to the working precision
# what Witness.error measures, for the line "held in all N random cases; <name> <largest value>"
RATIO = Tr("largest ratio to the bound", "与上界之比的最大值")
MOST_TIED = Tr("most tied maxima in one case", "单个情形中并列最大值的最多个数")
LIMIT_GAP = Tr("largest distance of the limit from argmax 𝐩", "极限与 argmax 𝐩 的最大距离")
RULE_GAP = Tr("largest difference from the 0/1 rule", "与 0/1 规则的最大差值")


# ----------------------------------------------------------------------------------------------------
# references
# ----------------------------------------------------------------------------------------------------
def argmax_set(x) -> list[int]:
    """All maximal positions, counted from 1."""
    top = max(x)
    return [k + 1 for k, v in enumerate(x) if v == top]


def soft_argmax(x, tt):
    """S_t(𝐱) = Σ_i i·softmax(t𝐱)_i, indices from 1."""
    return mpmath.fsum((k + 1) * v for k, v in enumerate(mp_softmax(x, tt)))


def deviation(x, tt):
    """S_t(𝐱) − argmax 𝐱, summed without the k* term."""
    s, ks = mp_softmax(x, tt), Argmax.numeric(*x)
    return mpmath.fsum((k + 1 - ks) * v for k, v in enumerate(s) if k + 1 != ks)


def gradient(x, tt):
    """∂S_t/∂x_j = t s_j (j − S_t), with j − S_t = Σ_i (j − i) s_i summed directly."""
    s, n = mp_softmax(x, tt), len(x)
    return [tt * s[j] * mpmath.fsum((j - i) * s[i] for i in range(n)) for j in range(n)]


def seed_gradient(x, tt=1):
    """The seed's formula t·i·s_i·(1 − s_i) with s_i = softmax(t𝐱)_i."""
    return [tt * (k + 1) * v * (1 - v) for k, v in enumerate(mp_softmax(x, tt))]


def error_bound(n, tt, gap):
    return mpmath.mpf(n * (n - 1)) / 2 * mpmath.exp(-tt * gap)


def gradient_bound(n, tt, gap):
    return tt * mpmath.mpf((n - 1) * (3 * n - 2)) / 2 * mpmath.exp(-tt * gap)


def _norm1(v):
    return mpmath.fsum(abs(g) for g in v)


def num(v, digits: int = 4) -> str:
    """A number for evidence text: integers as integers (0, not 0.0), others to ``digits`` digits."""
    v = mpmath.mpf(v)
    return str(int(v)) if v == int(v) and abs(v) < 10 ** 6 else mpmath.nstr(v, digits)


def vec(x, digits: int = 4) -> str:
    return "(" + ", ".join(num(v, digits) for v in x) + ")"


def mp(*values) -> list:
    return [mpmath.mpf(v) for v in values]


class Worked:
    """A probe that first tries the worked cases given (keyword arguments of ``probe``: small points a
    student can check by hand), then random draws. It starts over with every search (each search draws
    from its own fresh generator), so every run reports the same first counter-example."""

    def __init__(self, probe, *cases):
        self.probe, self.cases = probe, cases
        self._rng, self._next = None, 0

    def __call__(self, rng) -> Witness:
        if rng is not self._rng:
            self._rng, self._next = rng, 0
        if self._next < len(self.cases):
            self._next += 1
            return self.probe(rng, **self.cases[self._next - 1])
        return self.probe(rng)


# ----------------------------------------------------------------------------------------------------
# argmax itself
# ----------------------------------------------------------------------------------------------------
def probe_locally_constant(rng) -> Witness:
    """Where the maximum is unique (gap δ), every perturbation with |h_i| < δ/2 keeps the argmax; the error
    reported is the largest |h_i| as a fraction of δ/2 (how close the perturbations came to the limit)."""
    with mpmath.workdps(40):
        n = int(rng.integers(2, 7))
        x = random_point(rng, n)
        gap = top_gap(x)
        u = [mpmath.mpf(float(v)) for v in rng.uniform(-0.999, 0.999, size=n)]
        h = [v * gap / 2 for v in u]
        before, after = Argmax.numeric(*x), Argmax.numeric(*[a + b for a, b in zip(x, h)])
        if after != before:
            return Witness({"x": vec(x)}, False, 1.0, bi("argmax moved from {a} to {b}", "argmax 从 {a} 变为 {b}",
                                                         a=before, b=after))
        return Witness({"x": vec(x)}, True, float(max(abs(v) for v in u)))


def probe_jump_at_ties(rng) -> Witness:
    """At a tie between positions a < b, argmax(𝐱 + ε e_a) = a and argmax(𝐱 + ε e_b) = b for every ε > 0:
    a jump of b − a ≥ 1 however small ε is, so the difference quotient grows like 1/ε. The error reported
    is the jump b − a."""
    with mpmath.workdps(40):
        n = int(rng.integers(2, 7))
        x = random_point(rng, n, tie=True, lift=True)
        tied = argmax_set(x)
        for eps in (mpmath.mpf("1e-3"), mpmath.mpf("1e-12"), mpmath.mpf("1e-30")):
            for k in (tied[0], tied[-1]):
                moved = [v + eps if i + 1 == k else v for i, v in enumerate(x)]
                got = Argmax.numeric(*moved)
                if got != k:
                    return Witness({"x": vec(x)}, False, 0.0,
                                   bi("x_{k} + {e} does not make {k} the argmax (it is {g})",
                                      "x_{k} + {e} 没有使 {k} 成为 argmax（结果为 {g}）", k=k, e=num(eps), g=got))
        return Witness({"x": vec(x)}, True, float(tied[-1] - tied[0]))


def probe_argmax_identity(chain_step: int):
    """The equalities of the seed's smoothing chain, with the argmax as a set (ties included); the error
    reported is the number of tied maxima (so the evidence shows that ties were probed)."""

    def probe(rng) -> Witness:
        with mpmath.workdps(40):
            n = int(rng.integers(1, 7))
            x = random_point(rng, n, tie=rng.uniform() < 0.3, lift=True)
            top = max(x)
            shifted = [v - top for v in x]
            if chain_step == 1:
                pairs = (x, shifted)
            elif chain_step == 2:
                pairs = (shifted, [mpmath.exp(v) for v in shifted])
            else:
                lse = top + mpmath.log(mpmath.fsum(mpmath.exp(v) for v in shifted))
                pairs = ([mpmath.exp(v - top) for v in x], [mpmath.exp(v - lse) for v in x])
            a, b = argmax_set(pairs[0]), argmax_set(pairs[1])
            if a != b:
                return Witness({"x": vec(x)}, False, 0.0, bi("the argmax sets {a} and {b} differ",
                                                             "argmax 集合 {a} 与 {b} 不同", a=a, b=b))
            return Witness({"x": vec(x)}, True, float(len(a)))
    return probe


def probe_index_sum(rng) -> Witness:
    """argmax 𝐱 = Σ_i i·one-hot(argmax 𝐱)_i (unique maximum); the error is |Σ_i i·one-hot_i − argmax 𝐱|."""
    n = int(rng.integers(1, 9))
    x = random_point(rng, n)
    ks = Argmax.numeric(*x)
    total = sum(i * (1 if i == ks else 0) for i in range(1, n + 1))
    return Witness({"x": vec(x)}, total == ks, float(abs(total - ks)),
                   "" if total == ks else bi("the sum is {s}, argmax 𝐱 = {k}", "求和为 {s}，而 argmax 𝐱 = {k}",
                                             s=total, k=ks))


# ----------------------------------------------------------------------------------------------------
# soft-argmax: bounds, rates, limits
# ----------------------------------------------------------------------------------------------------
def probe_error_bound(rng) -> Witness:
    """|S_t(𝐱) − argmax 𝐱| ≤ n(n−1)/2 · e^{−tδ}."""
    with mpmath.workdps(50):
        n = int(rng.integers(2, 8))
        x = random_point(rng, n)
        tt = log_uniform(rng, -2, 3)
        dev, bound = abs(deviation(x, tt)), error_bound(n, tt, top_gap(x))
        ok = dev <= bound * _SLACK
        return Witness({"x": vec(x), "t": num(tt)}, ok, float(dev / bound),
                       "" if ok else bi("|S_t − argmax 𝐱| = {d}, more than the bound {b}",
                                        "|S_t − argmax 𝐱| = {d}，超过上界 {b}", d=num(dev), b=num(bound)))


def probe_gradient_bound(rng) -> Witness:
    """‖∇S_t(𝐱)‖₁ ≤ t(n−1)(3n−2)/2 · e^{−tδ}."""
    with mpmath.workdps(50):
        n = int(rng.integers(2, 8))
        x = random_point(rng, n)
        tt = log_uniform(rng, -2, 3)
        return _within_gradient_bound(x, tt)


def _within_gradient_bound(x, tt) -> Witness:
    norm, bound = _norm1(gradient(x, tt)), gradient_bound(len(x), tt, top_gap(x))
    ok = norm <= bound * _SLACK
    return Witness({"x": vec(x), "t": num(tt)}, ok, float(norm / bound),
                   "" if ok else bi("‖∇S_t‖₁ = {g}, more than the bound {b}", "‖∇S_t‖₁ = {g}，超过上界 {b}",
                                    g=num(norm), b=num(bound)))


def _at_growing_t(values) -> str:
    """Values at t = 100, 10⁴, 10⁶ (the text around them names the temperatures)."""
    return ", ".join(num(v) for v in values)


def probe_gradient_vanishes(tie_rate: float):
    """‖∇S_t‖₁ → 0 as t → ∞: where the maximum is unique by the bound t·(n−1)(3n−2)/2·e^{−tδ}; at a tie
    the norm is measured at t = 10², 10⁴, 10⁶ and must shrink."""

    def probe(rng, x=None) -> Witness:
        with mpmath.workdps(50):
            if x is None:
                n = int(rng.integers(2, 7))
                tie = rng.uniform() < tie_rate
                x = random_point(rng, n, tie=tie, lift=True)
            if len(argmax_set(x)) == 1:
                return _within_gradient_bound(x, log_uniform(rng, -2, 3))
            norms = [_norm1(gradient(x, mpmath.mpf(10) ** p)) for p in (2, 4, 6)]
            ok = norms[2] < norms[1] < norms[0]
            return Witness(
                {"x": vec(x)}, ok, float(norms[2]),
                "" if ok else bi("a tie: ‖∇S_t‖₁ = {v} at t = 100, 10⁴, 10⁶; it grows like t instead of vanishing",
                                 "并列最大值处：t = 100, 10⁴, 10⁶ 时 ‖∇S_t‖₁ 依次为 {v}；它随 t 线性增长，而不是趋于 0",
                                 v=_at_growing_t(norms)))
    return probe


def probe_more_mass_than_half(rng, x=None) -> Witness:
    """‖softmax(𝐱) − one-hot(argmax 𝐱)‖∞ = 1 − s_{k*} < 1/2 (t = 1)."""
    with mpmath.workdps(40):
        x = random_point(rng, int(rng.integers(2, 7))) if x is None else x
        s, ks = mp_softmax(x, 1), Argmax.numeric(*x)
        dist = 1 - s[ks - 1]
        ok = dist < mpmath.mpf(1) / 2
        return Witness({"x": vec(x)}, ok, float(dist),
                       "" if ok else bi("softmax(𝐱) = {s}, so its largest entry differs from the 1 of "
                                        "one-hot(argmax 𝐱) = 𝐞_{k} by {d} ≥ 1/2",
                                        "softmax(𝐱) = {s}，其最大分量与 one-hot(argmax 𝐱) = 𝐞_{k} 中的 1 相差 "
                                        "{d} ≥ 1/2", s=vec(s, 3), k=ks, d=num(dist, 3)))


def probe_softmax_rate(rng) -> Witness:
    """‖softmax(t𝐱) − one-hot(argmax 𝐱)‖₁ ≤ 2(n−1)e^{−tδ} (unique maximum)."""
    with mpmath.workdps(50):
        n = int(rng.integers(2, 7))
        x = random_point(rng, n)
        tt = log_uniform(rng, -2, 3)
        s, ks = mp_softmax(x, tt), Argmax.numeric(*x)
        dist = 2 * mpmath.fsum(v for k, v in enumerate(s) if k + 1 != ks)  # = (1 − s_k*) + Σ_{j≠k*} s_j
        bound = 2 * (n - 1) * mpmath.exp(-tt * top_gap(x))
        ok = dist <= bound * _SLACK
        return Witness({"x": vec(x), "t": num(tt)}, ok, float(dist / bound),
                       "" if ok else bi("the distance {d} exceeds the bound {b}", "距离 {d} 超过上界 {b}",
                                        d=num(dist), b=num(bound)))


def probe_soft_argmax_close(rng, x=None) -> Witness:
    """|S_1(𝐱) − argmax 𝐱| < 1/2, i.e. rounding the soft-argmax gives the argmax (t = 1)."""
    with mpmath.workdps(40):
        x = random_point(rng, int(rng.integers(2, 7))) if x is None else x
        dev, ks = abs(deviation(x, 1)), Argmax.numeric(*x)
        ok = dev < mpmath.mpf(1) / 2
        return Witness({"x": vec(x)}, ok, float(dev),
                       "" if ok else bi("the seed's value S_1(𝐱) = {s}, the true argmax 𝐱 = {k}: off by {d} ≥ 1/2, "
                                        "so rounding S_1 gives a wrong index",
                                        "原答案的近似值 S_1(𝐱) = {s}，真实的 argmax 𝐱 = {k}：相差 {d} ≥ 1/2，"
                                        "四舍五入得到的下标是错的", s=num(soft_argmax(x, 1)), k=ks, d=num(dev, 3)))


def probe_monotone_in_t(rng, x=None, t1=None, t2=None) -> Witness:
    """|S_t(𝐱) − argmax 𝐱| does not grow when t grows (t₁ < t₂ drawn from [0.01, 100])."""
    with mpmath.workdps(40):
        if x is None:
            x = random_point(rng, int(rng.integers(2, 6)))
            t1, t2 = sorted([log_uniform(rng, -2, 2), log_uniform(rng, -2, 2)])
        e1, e2 = abs(deviation(x, t1)), abs(deviation(x, t2))
        ok = e2 <= e1 * (1 + mpmath.mpf("1e-30"))
        return Witness({"x": vec(x), "t₁": num(t1), "t₂": num(t2)}, ok, float(e2 - e1),
                       "" if ok else bi("|S_t − argmax 𝐱| = {a} at t₁ but {b} at the larger t₂: here the larger "
                                        "temperature gives the worse approximation",
                                        "|S_t − argmax 𝐱| 在 t₁ 处为 {a}，在更大的 t₂ 处却为 {b}：这里温度越大，"
                                        "近似反而越差", a=num(e1, 3), b=num(e2, 3)))


def probe_seed_limit(tie_rate: float):
    """The seed's ∂argmax/∂x_i = lim_{t→∞} t·i·s_i(1 − s_i): argmax must be differentiable at 𝐱 (its
    derivative is then 0) and the limit must be 0. Where the maximum is unique, 0 ≤ t·i·s_i(1 − s_i) ≤
    t·n·(n−1)·e^{−tδ} → 0; at a tie argmax jumps and the expression grows like t."""

    def probe(rng, x=None) -> Witness:
        with mpmath.workdps(50):
            if x is None:
                n = int(rng.integers(2, 7))
                x = random_point(rng, n, tie=rng.uniform() < tie_rate, lift=True)
            tied, n = argmax_set(x), len(x)
            if len(tied) > 1:
                a, b = tied[0], tied[-1]
                vals = [seed_gradient(x, mpmath.mpf(10) ** p)[b - 1] for p in (2, 4, 6)]
                return Witness({"x": vec(x)}, False, float(vals[-1]), bi(
                    "argmax jumps there (from {a} to {b} when x_{b} grows by any ε > 0), so it has no derivative; "
                    "the seed's expression for i = {b} is {v} at t = 100, 10⁴, 10⁶: it diverges instead of tending to a "
                    "derivative", "argmax 在这里跳变（x_{b} 增加任意 ε > 0 时从 {a} 变为 {b}），所以没有导数；原答案的"
                    "表达式取 i = {b}、t = 100, 10⁴, 10⁶ 时依次为 {v}：它发散，而不是趋于某个导数", a=a, b=b, v=_at_growing_t(vals)))
            tt = log_uniform(rng, 0, 4)
            vals = seed_gradient(x, tt)
            bound = tt * n * (n - 1) * mpmath.exp(-tt * top_gap(x))
            ok = all(0 <= v <= bound * _SLACK for v in vals)
            return Witness({"x": vec(x), "t": num(tt)}, ok, float(max(vals) / bound),
                           "" if ok else bi("the seed's expression reaches {v}, outside [0, {b}]",
                                            "原答案的表达式达到 {v}，超出 [0, {b}]", v=num(max(vals)), b=num(bound)))
    return probe


# ----------------------------------------------------------------------------------------------------
# exact limits at fixed points: divide by e^{t·max}; each term e^{−t·d}, d ≥ 0, has a sympy.limit
# ----------------------------------------------------------------------------------------------------
LIMIT_POINTS = ((1, 3, 2), (sp.Rational(1, 2), 0, -4), (-2, 1, 3, 0), (1, 0, 1), (-1, 5, 5, 0))


class FixedCases:
    """A Search probe over precomputed exact cases, in a fixed order that restarts after a failure, so
    every run reports the same first counter-example."""

    def __init__(self, cases):
        self.cases = list(cases)
        self.i = 0

    def __call__(self, rng) -> Witness:
        w = self.cases[self.i % len(self.cases)]
        self.i = 0 if (not w.holds or self.i + 1 == len(self.cases)) else self.i + 1
        return w


def exact_limits() -> dict:
    """{point: lim_{t→∞} softmax(t𝐩) entrywise}, as the seed argues: divide by e^{t·max 𝐩}; the
    denominator tends to a number ≥ 1, so the limit of the quotient is the quotient of the limits."""
    t = sp.Symbol("t", positive=True)
    term: dict = {}
    out = {}
    for point in LIMIT_POINTS:
        p = [sp.sympify(v) for v in point]
        for d in {max(p) - v for v in p}:
            term.setdefault(d, sp.limit(sp.exp(-t * d), t, sp.oo))
        lims = [term[max(p) - v] for v in p]
        out[point] = [v / sp.Add(*lims) for v in lims]
    return out


def _limit_witness(point, lims, kind: str) -> Witness:
    p = [sp.sympify(v) for v in point]
    top = max(p)
    tied = [k + 1 for k, v in enumerate(p) if v == top]
    shown = {"x": "(" + ", ".join(str(v) for v in p) + ")"}
    exact = "(" + ", ".join(map(str, lims)) + ")"
    if kind == "softmax":
        seed = [sp.Integer(1) if v == top else sp.Integer(0) for v in p]
        ok = lims == seed
        detail = "" if ok else bi("the true limit of softmax(t𝐱) is {a}; the seed's rule (1 at the maximum, 0 "
                                  "elsewhere) gives {b}", "softmax(t𝐱) 的真实极限是 {a}；原答案的规则（最大值处为 1，"
                                  "其余为 0）给出 {b}", a=exact, b="(" + ", ".join(map(str, seed)) + ")")
        return Witness(shown, bool(ok), float(max(abs(a - b) for a, b in zip(lims, seed))), detail)
    s_lim = sp.Add(*[(k + 1) * v for k, v in enumerate(lims)])  # the soft-argmax S_t → argmax
    ok = s_lim in tied
    if ok:
        detail = ""
    elif s_lim.is_integer:
        detail = bi("lim S_t(𝐱) = {s}, the mean of the tied positions {k}; but x_{s} = {v} < max 𝐱 = {m}, so "
                    "the limit is not a position of the maximum", "lim S_t(𝐱) = {s}，是并列位置 {k} 的平均；但 "
                    "x_{s} = {v} < max 𝐱 = {m}，所以这个极限不是最大值所在的位置",
                    s=s_lim, k=tied, v=p[int(s_lim) - 1], m=top)
    else:
        detail = bi("lim S_t(𝐱) = {s}, the mean of the tied positions {k}, is not an index at all",
                    "lim S_t(𝐱) = {s} 是并列位置 {k} 的平均，根本不是一个下标", s=s_lim, k=tied)
    return Witness(shown, bool(ok), float(min(abs(s_lim - k) for k in tied)), detail)


def limit_cases(limits: dict, kind: str, unique_only: bool) -> list[Witness]:
    """Witnesses of lim S_t = argmax (``kind`` "soft-argmax") or lim softmax(t𝐩) = one-hot ("softmax")."""
    return [_limit_witness(p, lims, kind) for p, lims in limits.items()
            if not (unique_only and len(argmax_set([sp.sympify(v) for v in p])) > 1)]
