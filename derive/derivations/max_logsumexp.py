"""A6.2 ①: the gradient of y = max(x_1, …, x_n) through log-sum-exp and softmax.

Model: LSE(𝐱) = log Σ exp x_j and its temperature form (1/t)·LSE(t𝐱), t > 0.
Derivation: the sandwich max ≤ LSE ≤ max + log n; ∇LSE = softmax; ∇(1/t)LSE(t𝐱) = softmax(t𝐱); the limit
t → ∞ and the exact (sub)gradient of max. Claims: every formula of the seed's A6.2 ①.
Code: ``derive.generated.softmax`` (logsumexp, softmax, max_subgradient), stable for |x| ≥ 1e4.
"""
from __future__ import annotations

import mpmath
import numpy as np
import sympy as sp

from ..functions import (LSE, MaxOf, MaxSubgradient, MaxSubgradientEntry, Softmax, SoftmaxEntry, components,
                         numeric_namespace)
from ..kit import (central_difference, gradient, mp_softmax, relative_error, scalars, simplex_domain, ties_domain,
                   vector)
from ..kit.order import runner_up, small_integers_domain, tie_at_top, unique_max
from ..model import (Claim, CodeFunction, CodeModule, Derivation, Domain, Implies, OnlyIf, Plot, Relation, Step,
                     VerifyRow)
from ..registry import register

SECTION = "A6.2 ①"
N = 3  # the size the displayed steps use; the vector forms are checked for n = 1 … 6 as well
T_RANGE = (0.05, 50.0)
LIMIT_POINTS = [(1, 3, 2), (3, 3, 1), (2, 2, 2), (-1, 5, 5), (sp.Rational(1, 2), 0, -4)]

t = sp.Symbol("t", positive=True)
h = sp.Symbol("h", positive=True)  # the step of the one-sided difference quotients of max
delta = sp.Symbol("delta", nonnegative=True)  # the gap max 𝐱 − (second largest entry), in displayed forms only
xvec = vector("x")
SMALL_H = {h: (1e-6, 1e-5)}  # far below the gaps of random points; integer points have gaps ≥ 1


def elementary_lse(xs):
    return sp.log(sp.Add(*[sp.exp(x) for x in xs]))


def smooth_max(xs):
    return LSE(*[t * x for x in xs]) / t


def softmax_column(xs, scale=1):
    return sp.Matrix([SoftmaxEntry(k, *[scale * x for x in xs]) for k in range(1, len(xs) + 1)])


def min_norm_subgradient(xs):
    return sp.Matrix([MaxSubgradientEntry(k, *xs) for k in range(1, len(xs) + 1)])


def t_domain(xs, **kw) -> Domain:
    return ties_domain(xs, ranges={t: T_RANGE, **kw.pop("ranges", {})}, **kw)


def one_sided_quotients(xs) -> sp.Matrix:
    """(max(𝐱 + h e_k) − max 𝐱)/h for k = 1 … n, then (max 𝐱 − max(𝐱 − h e_k))/h. max is piecewise linear,
    so for 0 < h below the gap between distinct entries these are its right and left partial derivatives."""
    def moved(k, sign):
        return MaxOf(*[x + sign * h if j == k else x for j, x in enumerate(xs)])

    right = [(moved(k, 1) - MaxOf(*xs)) / h for k in range(len(xs))]
    left = [(MaxOf(*xs) - moved(k, -1)) / h for k in range(len(xs))]
    return sp.Matrix(right + left)


def gradient_is_limit(xs, domain: Domain) -> Relation:
    """Both one-sided partial derivatives of max equal lim softmax(t𝐱), the minimum-norm subgradient."""
    limit = min_norm_subgradient(xs)
    return Relation(one_sided_quotients(xs), sp.Matrix.vstack(limit, limit), domain=domain)


def smooth_max_limits() -> tuple[Relation, ...]:
    """lim_{t→∞} (1/t)·log Σ e^{t p_j} = max 𝐩 at fixed points 𝐩, with and without ties (SymPy's limit)."""
    return tuple(Relation(sp.Limit(elementary_lse([t * sp.sympify(q) for q in p]) / t, t, sp.oo),
                          MaxOf(*map(sp.sympify, p))) for p in LIMIT_POINTS)


# ----------------------------------------------------------------------------------------------------
# the derivation
# ----------------------------------------------------------------------------------------------------
def bound_steps(xs) -> list[Step]:
    n, lse, mx, lse_t = len(xs), LSE(*xs), MaxOf(*xs), smooth_max(xs)
    sum_exp = sp.Add(*[sp.exp(x) for x in xs])
    dom, dom_t = ties_domain(xs), t_domain(xs)
    return [
        Step("LSE is log of a sum of exponentials",
             Relation(lse, elementary_lse(xs), domain=dom),
             "The definition the seed starts from; ``LSE`` is kept as an opaque function with its own "
             "derivative rule so results stay readable."),
        Step("Each exponential is at most the largest one",
             Relation(sp.exp(mx), sum_exp, "<=", dom),
             "With $m = \\max_i x_i$, one term of the sum is $e^{m}$ and the others are positive."),
        Step("The sum is at most n times the largest exponential",
             Relation(sum_exp, n * sp.exp(mx), "<=", dom),
             "Every term is at most $e^{m}$; equality needs all entries equal."),
        Step("Lower bound: max ≤ LSE", Relation(mx, lse, "<=", dom), "Take logarithms (log is increasing)."),
        Step("Upper bound: LSE ≤ max + log n", Relation(lse, mx + sp.log(n), "<=", dom),
             "Take logarithms of the upper bound."),
        Step("For t > 0, max(t𝐱) = t·max(𝐱)", Relation(MaxOf(*[t * x for x in xs]), t * mx, domain=dom_t),
             "A positive factor keeps the order of the entries."),
        Step("Temperature form, lower bound", Relation(mx, lse_t, "<=", dom_t),
             "Apply the bounds to $t\\mathbf{x}$ and divide by $t > 0$."),
        Step("Temperature form, upper bound", Relation(lse_t, mx + sp.log(n) / t, "<=", dom_t),
             "The gap to max shrinks like $\\log(n)/t$."),
        Step("The limit t → ∞ of the temperature form is max (sympy.limit at fixed points, ties included)",
             smooth_max_limits(), "SymPy's ``limit`` on the elementary form, at points with and without ties.",
             show=Relation(sp.Limit(LSE(t * xvec) / t, t, sp.oo), MaxOf(xvec))),
    ]


def gradient_steps(xs) -> list[Step]:
    dom, dom_t = ties_domain(xs), t_domain(xs)
    softmax, softmax_t = softmax_column(xs), softmax_column(xs, t)
    vector_forms = []
    for m in range(1, 7):
        ys = scalars("x", m)
        vector_forms += [
            Relation(gradient(components(LSE(t * xvec) / t, xvec, ys), ys), components(Softmax(t * xvec), xvec, ys)),
            Relation(gradient(elementary_lse([t * y for y in ys]) / t, ys), components(Softmax(t * xvec), xvec, ys)),
        ]
    return [
        Step("∇LSE = softmax (elementary calculus)", Relation(gradient(elementary_lse(xs), xs), softmax, domain=dom),
             "Differentiate $\\log\\sum_j e^{x_j}$ by the chain rule; this also validates the derivative rule "
             "attached to the opaque ``LSE``."),
        Step("∇LSE = softmax (the opaque rule)", Relation(gradient(LSE(*xs), xs), softmax, domain=dom),
             "What ``LSE.fdiff`` returns: the entry $k$ of the gradient is $\\operatorname{softmax}(\\mathbf{x})_k$."),
        Step("∇ of (1/t)·LSE(t𝐱) = softmax(t𝐱)", Relation(gradient(smooth_max(xs), xs), softmax_t, domain=dom_t),
             "The chain rule brings out a factor $t$ that cancels the $1/t$."),
        Step("softmax sums to one", Relation(sp.Add(*softmax_t), sp.Integer(1), domain=dom_t),
             "So the gradient of the smooth max is a probability vector: a convex combination of the "
             "coordinate directions."),
        Step("The code's vector forms equal the component derivation for n = 1 … 6", tuple(vector_forms),
             "``derive.generated.softmax`` prints the vector forms; this step ties them to the derivation.",
             show=Relation(sp.Derivative(LSE(t * xvec) / t, xvec), Softmax(t * xvec))),
    ]


def rate_bound(size: int) -> Relation:
    """‖softmax(t𝐱) − g(𝐱)‖₁ ≤ 2(n−1)·e^{−tδ}, g the minimum-norm subgradient, δ = max − runner-up."""
    ys = scalars("x", size)
    distance = sp.Add(*[sp.Abs(s - g) for s, g in zip(softmax_column(ys, t), min_norm_subgradient(ys))])
    return Relation(distance, 2 * (size - 1) * sp.exp(-t * (MaxOf(*ys) - runner_up(ys))), "<=", t_domain(ys))


def tie_checks(xs) -> tuple:
    """At a tie at the top: the limit g is a subgradient (max(𝐱 + 𝐝) ≥ max 𝐱 + ⟨g, 𝐝⟩ for every 𝐝), no
    convex combination w of the tied e_i has a smaller norm, and the one-sided derivatives of max along a
    tied e_i differ (so max has no gradient there)."""
    d = scalars("d", len(xs))
    checks = []
    for tied in (2, 3):
        point, ranges = tie_at_top(xs, tied)
        g = min_norm_subgradient(point)
        ws = scalars("w", tied)
        checks += [
            Relation(MaxOf(*[x + e for x, e in zip(point, d)]), MaxOf(*point) + sum(a * b for a, b in zip(g, d)),
                     ">=", Domain(ranges=ranges)),
            Relation(sp.Add(*[v ** 2 for v in g]), sp.Add(*[w ** 2 for w in ws]), "<=",
                     simplex_domain(ws, ranges=ranges)),
        ]
    point, ranges = tie_at_top(xs, 2)
    quotients = one_sided_quotients(point)
    return tuple(checks) + (Relation(quotients[0], quotients[len(xs)], "!=", Domain(ranges={**ranges, **SMALL_H})),)


def limit_steps(xs) -> list[Step]:
    limits = tuple(
        Relation(sp.Matrix([sp.Limit(sp.exp(t * v) / sp.Add(*[sp.exp(t * q) for q in p]), t, sp.oo) for v in p]),
                 min_norm_subgradient(list(map(sp.sympify, p))))
        for p in LIMIT_POINTS)
    general_limit = sp.Limit(Softmax(t * xvec), t, sp.oo)
    return [
        Step("softmax(t𝐱) → the minimum-norm subgradient of max (sympy.limit, ties included)", limits,
             "Divide numerator and denominator by $e^{t\\max\\mathbf{x}}$: entries below the maximum vanish, the "
             "$k$ tied maximal entries each tend to $1/k$.",
             show=Relation(general_limit, MaxSubgradient(xvec))),
        Step("Rate: ‖softmax(t𝐱) − e_k*‖₁ ≤ 2(n−1)·exp(−t·δ), δ the gap to the runner-up",
             tuple(rate_bound(size) for size in (2, 3, 5)),
             "$1 - s_{k^*} = \\sum_{j \\ne k^*} s_j \\le (n-1)e^{-t\\delta}$, with $\\delta$ the largest entry "
             "minus the second largest (checked for n = 2, 3, 5, where the second largest is written with "
             "max and min). So $t$ must be large compared with $1/\\delta$: near a tie no fixed $t$ is large "
             "enough.",
             show=Relation(rate_bound(N).lhs, 2 * (N - 1) * sp.exp(-t * delta), "<=")),
        Step("Where the maximum is unique, ∇max = one-hot(argmax) = lim softmax(t𝐱)",
             OnlyIf(gradient_is_limit(xs, small_integers_domain(xs, ranges=SMALL_H)), unique_max(xs)),
             "$\\delta > 0$ (the largest entry minus the second largest) says the maximum is attained once; "
             "then max equals one fixed coordinate on a neighbourhood. The checker compares the one-sided "
             "difference quotients of max (exact for a step $h$ below the gaps between entries) with the limit "
             "at small integer points, where ties are frequent: they agree wherever the maximum is attained "
             "once, and a tie is a counter-example.",
             show=OnlyIf(Relation(sp.Derivative(MaxOf(xvec), xvec), general_limit), sp.Gt(delta, 0))),
        Step("At a tie, the limit is a subgradient, and the smallest one", tie_checks(xs),
             "max is convex; at a tie its subdifferential is the convex hull of the tied $e_i$. The first "
             "display says the limit is in it (for every direction $\\mathbf{d}$), the second that no convex "
             "weights $w$ on the tied entries ($w_i > 0$, $\\sum w_i = 1$) have a smaller norm; both are checked "
             "for a two-way and a three-way tie. max itself has no gradient there: its right and left "
             "derivatives along a tied $e_i$ differ."),
    ]


# --- the seed's claims ------------------------------------------------------------------------------
def seed_bounds(size: int, form: str) -> tuple[Relation, Relation]:
    """The seed's sandwich for n = ``size``: ``tx`` as in (1), ``t max`` after “因为 t > 0”, ``1/t`` as in (2)."""
    ys = scalars("x", size)
    top, lse_t = MaxOf(*ys), LSE(*[t * y for y in ys])
    low, mid, high = {
        "tx": (MaxOf(*[t * y for y in ys]), lse_t, t * top + sp.log(size)),
        "t max": (t * top, lse_t, t * top + sp.log(size)),
        "1/t": (top, lse_t / t, top + sp.log(size) / t),
    }[form]
    return Relation(low, mid, "<", t_domain(ys)), Relation(mid, high, "<=", t_domain(ys))


def strict_sandwich(form: str, sizes) -> tuple:
    pairs = [seed_bounds(size, form) for size in sizes]
    return tuple(p[0] for p in pairs) + tuple(p[1] for p in pairs)


def sandwich(sizes) -> tuple:
    """max ≤ LSE ≤ max + log n for each n in ``sizes`` (lower, upper, lower, upper, …)."""
    pairs = [(MaxOf(*ys), LSE(*ys), ties_domain(ys)) for ys in (scalars("x", size) for size in sizes)]
    return tuple(r for (top, lse, dom), size in zip(pairs, sizes)
                 for r in (Relation(top, lse, "<=", dom), Relation(lse, top + sp.log(size), "<=", dom)))


def decreasing_in_t(size: int) -> Implies:
    """(1/t)·LSE(t𝐱) moves down towards max as t grows. t stays ≤ 4 so that 30 digits resolve the change."""
    ys = scalars("x", size)
    t1, t2 = sp.symbols("t1 t2", positive=True)
    return Implies(sp.Lt(t1, t2), sp.Le(smooth_max(ys).subs(t, t2), smooth_max(ys).subs(t, t1)),
                   ties_domain(ys, ranges={t1: (0.05, 4.0), t2: (0.05, 4.0)}))


def claims(xs) -> list[Claim]:
    dom, dom_t = ties_domain(xs), t_domain(xs)
    lse, lse_t, mx = LSE(*xs), smooth_max(xs), MaxOf(*xs)
    sum_exp = sp.Add(*[sp.exp(x) for x in xs])
    sizes, sizes_2 = (1, 2, 3, 5), (2, 3, 5)
    grad_literal = sp.Matrix([SoftmaxEntry(1, x) for x in xs])  # softmax applied to the scalar x_i
    grad_literal_t = sp.Matrix([SoftmaxEntry(1, t * x) for x in xs])
    ratio_t = sp.Matrix([sp.exp(t * x) / sp.Add(*[sp.exp(t * y) for y in xs]) for x in xs])
    ratio = sp.Matrix([sp.exp(x) / sum_exp for x in xs])
    read_softmax = "“softmax(x_i)” is read as the i-th entry softmax(𝐱)_i of the softmax of the whole vector"
    return [
        Claim(SECTION, "LogSumExp (LSE) 是对 $y=\\max(x_1,\\dots,x_D)$ 的一个平滑逼近",
              "A6.2 ①, first paragraph", sandwich(range(1, 8)),
              note="True as an approximation within log n; the error does not vanish unless a temperature is added."),
        Claim(SECTION, "$\\exp(m) \\leq \\sum_{i=1}^n \\exp(x_i) \\leq n \\exp(m)$", "A6.2 ①, after m = max x_i",
              (Relation(sp.exp(mx), sum_exp, "<=", dom), Relation(sum_exp, len(xs) * sp.exp(mx), "<=", dom))),
        Claim(SECTION, "$\\max \\{x_1, \\dots, x_n\\} \\leq \\text{LSE}(x_1, \\dots, x_n) \\leq \\max \\{x_1, \\dots, x_n\\} + \\log(n)$",
              "A6.2 ①, after taking logarithms", sandwich(sizes)),
        Claim(SECTION, "$\\max \\{tx_1, \\dots, tx_n\\} < \\text{LSE}(tx_1, \\dots, tx_n) \\leq \\max \\{tx_1, \\dots, tx_n\\} + \\log(n)$  (1)",
              "A6.2 ①, equation (1)", strict_sandwich("tx", sizes), strict_sandwich("tx", sizes_2),
              "n ≥ 2 (the strict “<” is new in (1): for n = 1 both sides are equal, and the seed's own "
              "previous line has “≤”)"),
        Claim(SECTION, "$t \\max \\{x_1, \\dots, x_n\\} < \\text{LSE}(tx_1, \\dots, tx_n) \\leq t \\max \\{x_1, \\dots, x_n\\} + \\log(n)$",
              "A6.2 ①, “因为 t > 0”", strict_sandwich("t max", sizes), strict_sandwich("t max", sizes_2),
              "n ≥ 2 (for n = 1 the strict lower bound is an equality)"),
        Claim(SECTION, "$\\max \\{x_1, \\dots, x_n\\} < \\frac{1}{t} \\text{LSE}(tx) \\leq \\max \\{x_1, \\dots, x_n\\} + \\frac{\\log(n)}{t}$  (2)",
              "A6.2 ①, equation (2)", strict_sandwich("1/t", sizes), strict_sandwich("1/t", sizes_2),
              "n ≥ 2 (for n = 1 the strict lower bound is an equality)",
              note="In floating point the strict bound also fails: once t·(max − runner-up) exceeds about 37, "
                   "(1/t)·LSE(t𝐱) rounds to max exactly in float64."),
        Claim(SECTION, "实际上通过增大 $t$, 就可以让LSE逼近max.", "A6.2 ①, after (2)",
              smooth_max_limits() + tuple(decreasing_in_t(size) for size in (2, 3, 5))),
        Claim(SECTION, "$\\frac{\\partial}{\\partial x_i} LSE(\\mathbf{x}) = \\frac{\\exp x_i}{\\sum_j \\exp x_j}$",
              "A6.2 ①, “使用近似(1)”", Relation(gradient(elementary_lse(xs), xs), ratio, domain=dom)),
        Claim(SECTION, "此时 $LSE(x)$ 的梯度就是 $softmax(x_i)$", "A6.2 ①, after the partial derivative",
              Relation(gradient(lse, xs), grad_literal, domain=dom),
              Relation(gradient(lse, xs), softmax_column(xs), domain=dom), read_softmax),
        Claim(SECTION, "$\\frac{\\partial}{\\partial x_i} \\frac{1}{t} LSE(tx) = \\frac{e^{tx_i}}{(e^{tx_1} + \\dots + e^{tx_n})} = softmax(tx_i)$",
              "A6.2 ①, “使用近似(2)”",
              (Relation(gradient(lse_t, xs), ratio_t, domain=dom_t), Relation(ratio_t, grad_literal_t, domain=dom_t)),
              (Relation(gradient(lse_t, xs), ratio_t, domain=dom_t), Relation(ratio_t, softmax_column(xs, t), domain=dom_t)),
              read_softmax + " (the first equality is right as written)"),
        Claim(SECTION, "$\\frac{\\partial}{\\partial x_i} \\max(x) \\approx softmax(tx_i) \\quad t \\rightarrow +\\infty$",
              "A6.2 ①, last formula",
              gradient_is_limit(xs, ties_domain(xs, ranges=SMALL_H)),
              OnlyIf(gradient_is_limit(xs, small_integers_domain(xs, ranges=SMALL_H)), unique_max(xs)),
              "the maximum is attained at a single index; at a tie max has no gradient and the limit "
              "(equal weights on the tied entries) is only the minimum-norm subgradient"),
    ]


# ----------------------------------------------------------------------------------------------------
# code targets
# ----------------------------------------------------------------------------------------------------
def code_module() -> CodeModule:
    x = xvec
    check_t = ["t = _positive_temperature(t)"]
    functions = [
        CodeFunction(
            "logsumexp", "x, t=1.0, axis=-1",
            "The smooth maximum (1/t)·LSE(t·x) along ``axis``, computed with the max shift so that |t·x| of "
            "1e4 and beyond stays finite. ``t`` > 0; dtype float32/float64 is preserved (others → float64).",
            LSE(t * x) / t, [("result", LSE(t * x) / t)], prologue=["x = _as_float(x)", *check_t]),
        CodeFunction(
            "softmax", "x, t=1.0, axis=-1",
            "softmax(t·x) along ``axis``: the gradient of ``logsumexp(x, t, axis)`` with respect to x.",
            Softmax(t * x), [("result", Softmax(t * x))], prologue=["x = _as_float(x)", *check_t]),
        CodeFunction(
            "max_subgradient", "x, axis=-1",
            "The limit t → ∞ of softmax(t·x): one-hot of the argmax where the maximum is unique; at ties "
            "equal weights on the tied positions (the minimum-norm element of the subdifferential of max).",
            MaxSubgradient(x), [("result", MaxSubgradient(x))], prologue=["x = _as_float(x)"]),
    ]
    return CodeModule("softmax", "Smooth maximum, its gradient, and the subgradient of max (A6.2 ①).",
                      functions, verify=verify_softmax)


def verify_softmax() -> list[VerifyRow]:
    """Generated code against an mpmath evaluation of the same SymPy expressions (30 digits) and
    central differences of the generated logsumexp."""
    from ..generated import softmax as gen

    rng = np.random.default_rng(20260)
    rows = []
    worst_lse = worst_sm = worst_fd = worst_sub = 0.0
    for n in (1, 2, 5, 17):
        for tt in (0.3, 1.0, 7.0):
            x = rng.normal(scale=3, size=(4, n))
            lse = gen.logsumexp(x, tt)
            sm = gen.softmax(x, tt)
            for r in range(x.shape[0]):
                xr = [mpmath.mpf(float(v)) for v in x[r]]
                with mpmath.workdps(30):
                    ref = LSE.numeric(*[tt * v for v in xr]) / tt
                    worst_lse = max(worst_lse, relative_error(lse[r], float(ref)))
                    for k, ref_k in enumerate(mp_softmax(xr, tt)):
                        worst_sm = max(worst_sm, relative_error(sm[r, k], float(ref_k), floor=0.0))
            # the rows are independent, so the gradient of their sum is softmax row by row
            fd = central_difference(lambda z: np.sum(gen.logsumexp(z, tt)), x, h=1e-5)
            worst_fd = max(worst_fd, float(np.max(np.abs(fd - sm))))
    for x in ([1.0, 3.0, 3.0, -2.0], [5.0, 5.0, 5.0], [0.1, 0.2, 0.3]):
        got = gen.max_subgradient(np.array(x))
        ref = [float(MaxSubgradientEntry.numeric(k + 1, *x)) for k in range(len(x))]
        worst_sub = max(worst_sub, relative_error(got, ref))
    big = np.array([1e4, -1e4, 9999.5, 1e4 - 3])
    stable = np.all(np.isfinite(gen.logsumexp(big, 100.0))) and np.all(np.isfinite(gen.softmax(big, 100.0)))
    rows += [
        VerifyRow("logsumexp", "mpmath 30 digits", worst_lse, 1e-14),
        VerifyRow("softmax", "mpmath 30 digits (relative, per entry)", worst_sm, 1e-12),
        VerifyRow("softmax", "central differences of logsumexp", worst_fd, 1e-8),
        VerifyRow("max_subgradient", "exact minimum-norm subgradient", worst_sub, 0.0),
        VerifyRow("logsumexp, softmax", "finite at |t·x| = 1e6", 0.0 if stable else float("inf"), 0.0),
    ]
    return rows


# ----------------------------------------------------------------------------------------------------
# plots
# ----------------------------------------------------------------------------------------------------
PLOT_X = (0.3, 1.0, 0.8, -0.5)


def draw_smooth_max(fig):
    ys = scalars("x", len(PLOT_X))
    f = sp.lambdify([t, *ys], smooth_max(ys), modules=[numeric_namespace(), "mpmath"])
    ts = np.logspace(-1, 2, 160)
    vals = np.array([float(f(tt, *PLOT_X)) for tt in ts])
    m = max(PLOT_X)
    ax = fig.add_subplot(1, 1, 1)
    ax.fill_between(ts, m, m + np.log(len(PLOT_X)) / ts, color="tab:blue", alpha=0.15,
                    label="bound band [max, max + log(n)/t]")
    ax.plot(ts, vals, color="tab:blue", lw=2, label="(1/t)·LSE(t·x)")
    ax.axhline(m, color="k", lw=1, ls="--", label="max(x)")
    ax.set_xscale("log")
    ax.set_ylim(m - 0.2, m + 2.0)
    ax.set_xlabel("temperature t")
    ax.set_ylabel("value")
    ax.set_title(f"x = {PLOT_X}: (1/t)·LSE(t·x) → max(x) from above")
    ax.legend(loc="upper right")


def draw_softmax_limit(fig):
    ys = scalars("x", len(PLOT_X))
    entries = [sp.lambdify([t, *ys], s, modules=[numeric_namespace(), "mpmath"]) for s in softmax_column(ys, t)]
    ts = np.logspace(-1, 2, 160)
    ax = fig.add_subplot(1, 1, 1)
    for k, f in enumerate(entries, start=1):
        ax.plot(ts, [float(f(tt, *PLOT_X)) for tt in ts], lw=2, label=f"softmax(t·x)_{k}  (x_{k} = {PLOT_X[k - 1]})")
    ax.set_xscale("log")
    ax.set_xlabel("temperature t")
    ax.set_ylabel("gradient entry")
    ax.set_title("∇ of the smooth maximum tends to one-hot(argmax x)")
    ax.legend(loc="center left")


@register("max-logsumexp")
def derivation() -> Derivation:
    xs = scalars("x", N)
    return Derivation(
        name="max-logsumexp",
        section=SECTION,
        title="The gradient of max via log-sum-exp and softmax",
        title_zh="max 的梯度：LogSumExp 与 softmax",
        page="a6-2-max.md",
        summary="max is smoothed by $\\frac1t\\operatorname{LSE}(t\\mathbf{x})$, whose gradient is "
                "$\\operatorname{softmax}(t\\mathbf{x})$; as $t\\to\\infty$ this tends to one-hot(argmax), the "
                "exact gradient where the maximum is unique and the minimum-norm subgradient at ties.",
        model=[
            ("log-sum-exp", Relation(LSE(*xs), elementary_lse(xs))),
            ("smooth maximum at temperature t > 0", LSE(t * xvec) / t),
            ("its gradient", Relation(gradient(smooth_max(xs), xs), softmax_column(xs, t))),
        ],
        steps=bound_steps(xs) + gradient_steps(xs) + limit_steps(xs),
        claims=claims(xs),
        code=[code_module()],
        plots=[
            Plot("smooth-max", "(1/t)·LSE(t·x) against max(x) with the bound band max ≤ · ≤ max + log(n)/t.",
                 draw_smooth_max),
            Plot("softmax-limit", "The entries of softmax(t·x) — the gradient of the smooth maximum — as t grows.",
                 draw_softmax_limit),
        ],
        sections={
            "intro": "The seed answers A6.2 ① by smoothing $\\max$ with log-sum-exp. Every step below is a "
                     "relation between SymPy expressions that the checker verified; every formula of the seed "
                     "is encoded and has a computed verdict.",
        },
    )
