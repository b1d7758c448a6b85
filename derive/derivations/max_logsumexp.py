"""A6.2 ①: the gradient of y = max(x_1, …, x_n) through log-sum-exp and softmax.

Model: LSE(𝐱) = log Σ exp x_j and its temperature form (1/t)·LSE(t𝐱), t > 0.
Derivation: the sandwich max ≤ LSE ≤ max + log n; ∇LSE = softmax; ∇(1/t)LSE(t𝐱) = softmax(t𝐱); the limit
t → ∞ and the exact (sub)gradient of max. Claims: every formula of the seed's A6.2 ①.
Code and plots: :mod:`derive.derivations._max_logsumexp_code` (``derive.generated.softmax``).

The page shows each statement in general form (any n, vectors); the checker verifies explicit instances:
the bounds for n = 1, 2, 3, 5, the gradients for n = 3 and n = 1 … 6, the limits at fixed points. The
English prose is translated in ``derive/i18n/zh/max_logsumexp.py``.
"""
from __future__ import annotations

import sympy as sp

from ..functions import LSE, Dot, MaxOf, MaxSubgradient, MaxSubgradientEntry, Softmax, SoftmaxEntry, components
from ..kit import gradient, scalars, simplex_domain, ties_domain, vector
from ..kit.order import runner_up, small_integers_domain, tie_at_top, unique_max
from ..kit.symbols import entry, product
from ..model import Answer, Claim, Derivation, Domain, Implies, OnlyIf, Plot, Relation, Step
from ..registry import register

SECTION = "A6.2 ①"
N = 3  # the size of the gradient instances; the bounds are checked for every n in BOUND_SIZES
BOUND_SIZES = (1, 2, 3, 5)
T_RANGE = (0.05, 50.0)
LIMIT_POINTS = [(1, 3, 2), (3, 3, 1), (2, 2, 2), (-1, 5, 5), (sp.Rational(1, 2), 0, -4)]

t = sp.Symbol("t", positive=True)
h = sp.Symbol("h", positive=True)  # the step of the one-sided difference quotients of max
delta = sp.Symbol("delta", nonnegative=True)  # the gap max 𝐱 − (second largest entry), in displayed forms only
xvec = vector("x")
# the general forms shown on the page: n entries, entry i, sums over j
n = sp.Symbol("n", integer=True, positive=True)
i, j = sp.symbols("i j", integer=True, positive=True)
x_entry, g_entry = sp.IndexedBase("x"), sp.IndexedBase("g")
g, d, w = vector("g"), vector("d"), vector("w")  # g = lim softmax(t𝐱); a direction; weights on the tied entries
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


def sum_of_exponentials(scale=1):
    """Σ_{j=1}^{n} e^{scale·x_j}, the general form of the sum inside LSE."""
    return sp.Sum(sp.exp(scale * x_entry[j]), (j, 1, n))


def for_each_size(make) -> tuple[Relation, ...]:
    """``make(xs)`` for xs = (x_1, …, x_n) with n in :data:`BOUND_SIZES`: a statement about every n."""
    return tuple(make(scalars("x", size)) for size in BOUND_SIZES)


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
def bound_steps() -> list[Step]:
    top, sum_n = MaxOf(xvec), sum_of_exponentials()

    def sum_exp(xs):
        return sp.Add(*[sp.exp(x) for x in xs])

    return [
        Step("LSE is the log of a sum of exponentials",
             for_each_size(lambda xs: Relation(LSE(*xs), elementary_lse(xs), domain=ties_domain(xs))),
             "The definition the seed starts from.", show=Relation(LSE(xvec), sp.log(sum_n))),
        Step("The largest exponential is one term of the sum",
             for_each_size(lambda xs: Relation(sp.exp(MaxOf(*xs)), sum_exp(xs), "<=", ties_domain(xs))),
             "With $m = \\max_i x_i$, one term of the sum is $e^{m}$ and the others are positive.",
             show=Relation(sp.exp(top), sum_n, "<=")),
        Step("The sum is at most n times the largest exponential",
             for_each_size(lambda xs: Relation(sum_exp(xs), len(xs) * sp.exp(MaxOf(*xs)), "<=", ties_domain(xs))),
             "Each of the $n$ terms is at most $e^{m}$; equality needs all entries equal.",
             show=Relation(sum_n, n * sp.exp(top), "<=")),
        Step("Lower bound: max ≤ LSE",
             for_each_size(lambda xs: Relation(MaxOf(*xs), LSE(*xs), "<=", ties_domain(xs))),
             "Take logarithms of the lower bound on the sum (log is increasing).", show=Relation(top, LSE(xvec), "<=")),
        Step("Upper bound: LSE ≤ max + log n",
             for_each_size(lambda xs: Relation(LSE(*xs), MaxOf(*xs) + sp.log(len(xs)), "<=", ties_domain(xs))),
             "Take logarithms of the upper bound on the sum.", show=Relation(LSE(xvec), top + sp.log(n), "<=")),
        Step("For t > 0, max(t𝐱) = t·max(𝐱)",
             for_each_size(lambda xs: Relation(MaxOf(*[t * x for x in xs]), t * MaxOf(*xs), domain=t_domain(xs))),
             "A positive factor keeps the order of the entries.", show=Relation(MaxOf(t * xvec), t * top)),
        Step("With a temperature: max ≤ (1/t)·LSE(t𝐱)",
             for_each_size(lambda xs: Relation(MaxOf(*xs), smooth_max(xs), "<=", t_domain(xs))),
             "Apply the lower bound to $t\\mathbf{x}$ and divide by $t > 0$.",
             show=Relation(top, LSE(t * xvec) / t, "<=")),
        Step("With a temperature: (1/t)·LSE(t𝐱) ≤ max + log(n)/t",
             for_each_size(lambda xs: Relation(smooth_max(xs), MaxOf(*xs) + sp.log(len(xs)) / t, "<=", t_domain(xs))),
             "Apply the upper bound to $t\\mathbf{x}$ and divide by $t$: the smooth maximum is at most "
             "$\\log(n)/t$ above max, a gap that shrinks as $t$ grows.",
             show=Relation(LSE(t * xvec) / t, top + sp.log(n) / t, "<=")),
        Step("As t → ∞, (1/t)·LSE(t𝐱) → max(𝐱)", smooth_max_limits(),
             "The two bounds squeeze the smooth maximum onto max. SymPy's limit, taken on "
             "$\\frac{1}{t}\\log\\sum_j e^{t x_j}$ at points with and without ties, confirms it.",
             show=Relation(sp.Limit(LSE(t * xvec) / t, t, sp.oo), top)),
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
    sum_n = sum_of_exponentials()
    return [
        Step("∇LSE = softmax, by the chain rule",
             (Relation(gradient(elementary_lse(xs), xs), softmax, domain=dom),
              Relation(gradient(LSE(*xs), xs), softmax, domain=dom)),
             "Differentiate $\\log\\sum_j e^{x_j}$ by the chain rule: entry $i$ of the gradient is "
             "$e^{x_i}/\\sum_j e^{x_j}$, the $i$-th entry of $\\operatorname{softmax}(\\mathbf{x})$.",
             show=(Relation(sp.Derivative(sp.log(sum_n), x_entry[i]), sp.exp(x_entry[i]) / sum_n),
                   Relation(sp.Derivative(LSE(xvec), xvec), Softmax(xvec)))),
        Step("∇ of (1/t)·LSE(t𝐱) = softmax(t𝐱)",
             (Relation(gradient(smooth_max(xs), xs), softmax_t, domain=dom_t),) + tuple(vector_forms),
             "The chain rule brings out a factor $t$ that cancels the $1/t$. Checked for $n = 3$ and, in the "
             "vector form that the generated code computes, for every $n$ from 1 to 6.",
             show=Relation(sp.Derivative(LSE(t * xvec) / t, xvec), Softmax(t * xvec))),
        Step("softmax sums to one", Relation(sp.Add(*softmax_t), sp.Integer(1), domain=dom_t),
             "So the gradient of the smooth maximum is a probability vector: a weighted average of the "
             "coordinate directions.",
             show=Relation(sp.Sum(entry(Softmax(t * xvec), i), (i, 1, n)), sp.Integer(1))),
    ]


def rate_bound(size: int) -> Relation:
    """‖softmax(t𝐱) − g(𝐱)‖₁ ≤ 2(n−1)·e^{−tδ}, g the minimum-norm subgradient, δ = max − runner-up."""
    ys = scalars("x", size)
    distance = sp.Add(*[sp.Abs(s - lim) for s, lim in zip(softmax_column(ys, t), min_norm_subgradient(ys))])
    return Relation(distance, 2 * (size - 1) * sp.exp(-t * (MaxOf(*ys) - runner_up(ys))), "<=", t_domain(ys))


def tie_checks(xs) -> tuple:
    """At a tie at the top: the limit g is a subgradient (max(𝐱 + 𝐝) ≥ max 𝐱 + ⟨g, 𝐝⟩ for every 𝐝), no
    convex combination w of the tied e_i has a smaller norm, and the one-sided derivatives of max along a
    tied e_i differ (so max has no gradient there)."""
    ds = scalars("d", len(xs))
    checks = []
    for tied in (2, 3):
        point, ranges = tie_at_top(xs, tied)
        limit = min_norm_subgradient(point)
        ws = scalars("w", tied)
        checks += [
            Relation(MaxOf(*[x + e for x, e in zip(point, ds)]), MaxOf(*point) + sum(a * b for a, b in zip(limit, ds)),
                     ">=", Domain(ranges=ranges)),
            Relation(sp.Add(*[v ** 2 for v in limit]), sp.Add(*[u ** 2 for u in ws]), "<=",
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
    distance = sp.Sum(sp.Abs(entry(Softmax(t * xvec), i) - g_entry[i]), (i, 1, n))
    return [
        Step("As t → ∞, softmax(t𝐱) → one-hot(argmax), equal shares at a tie", limits,
             "Divide numerator and denominator by $e^{t\\max\\mathbf{x}}$: entries below the maximum vanish, the "
             "$k$ tied maximal entries each tend to $1/k$. Call this limit $\\mathbf{g}$.",
             show=Relation(general_limit, MaxSubgradient(xvec))),
        Step("How fast: ‖softmax(t𝐱) − 𝐠‖₁ ≤ 2(n−1)·exp(−tδ), δ the gap to the runner-up",
             tuple(rate_bound(size) for size in (2, 3, 5)),
             "With $s = \\operatorname{softmax}(t\\mathbf{x})$ and $k^*$ the position of the maximum, "
             "$1 - s_{k^*} = \\sum_{j \\ne k^*} s_j \\le (n-1)e^{-t\\delta}$, where $\\delta$ is the largest entry "
             "minus the second largest (checked for $n = 2, 3, 5$). So $t$ must be large compared with "
             "$1/\\delta$: near a tie no fixed $t$ is large enough.",
             show=Relation(distance, product(2, n - 1, sp.exp(-t * delta)), "<=")),
        Step("Where the maximum is unique, ∇max = one-hot(argmax) = lim softmax(t𝐱)",
             OnlyIf(gradient_is_limit(xs, small_integers_domain(xs, ranges=SMALL_H)), unique_max(xs)),
             "$\\delta > 0$ says the maximum is attained once; then max equals one fixed coordinate near "
             "$\\mathbf{x}$, and its gradient is that coordinate's unit vector. Shown by comparing the right and "
             "left difference quotients of max (exact for a step $h$ below the gaps between entries) with the "
             "limit at small integer points, where ties are frequent: they agree wherever the maximum is "
             "attained once, and a tie is a counter-example.",
             show=OnlyIf(Relation(sp.Derivative(MaxOf(xvec), xvec), general_limit), sp.Gt(delta, 0))),
        Step("At a tie, the limit is a subgradient, and the smallest one", tie_checks(xs),
             "max is convex; at a tie its subgradients are the convex combinations of the tied $e_i$. The first "
             "line says $\\mathbf{g}$ is one of them (for every direction $\\mathbf{d}$), the second that no "
             "weights $\\mathbf{w}$ on the tied entries ($w_i > 0$, $\\sum w_i = 1$) have a smaller norm; both are "
             "checked for a two-way and a three-way tie. max itself has no gradient there: its right and left "
             "derivatives along a tied $e_i$ differ.",
             show=(Relation(MaxOf(xvec + d) - MaxOf(xvec), Dot(d, g), ">="), Relation(Dot(g, g), Dot(w, w), "<="))),
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


READ_SOFTMAX = "“softmax(x_i)” is read as the i-th entry softmax(𝐱)_i of the softmax of the whole vector"
STRICT_N1 = "n ≥ 2 (for n = 1 the strict lower bound is an equality)"


def bound_claims(xs) -> list[Claim]:
    dom, mx = ties_domain(xs), MaxOf(*xs)
    sum_exp = sp.Add(*[sp.exp(x) for x in xs])
    sizes, sizes_2 = (1, 2, 3, 5), (2, 3, 5)
    lower_step, limit_step = "With a temperature: max ≤ (1/t)·LSE(t𝐱)", "As t → ∞, (1/t)·LSE(t𝐱) → max(𝐱)"
    return [
        Claim(SECTION, "LogSumExp (LSE) 是对 $y=\\max(x_1,\\dots,x_D)$ 的一个平滑逼近",
              "A6.2 ①, first paragraph", sandwich(range(1, 8)),
              note="True as an approximation within log n; the error does not vanish unless a temperature is added.",
              why="LSE is smooth and lies between max and max + log n.", step="Upper bound: LSE ≤ max + log n"),
        Claim(SECTION, "$\\exp(m) \\leq \\sum_{i=1}^n \\exp(x_i) \\leq n \\exp(m)$", "A6.2 ①, after m = max x_i",
              (Relation(sp.exp(mx), sum_exp, "<=", dom), Relation(sum_exp, len(xs) * sp.exp(mx), "<=", dom)),
              why="One term of the sum is exp(m), and each of the n terms is at most exp(m).",
              step="The sum is at most n times the largest exponential"),
        Claim(SECTION, "$\\max \\{x_1, \\dots, x_n\\} \\leq \\text{LSE}(x_1, \\dots, x_n) \\leq \\max \\{x_1, \\dots, x_n\\} + \\log(n)$",
              "A6.2 ①, after taking logarithms", sandwich(sizes),
              why="The logarithm of the line before (log is increasing); it holds for every n.",
              step="Upper bound: LSE ≤ max + log n"),
        Claim(SECTION, "$\\max \\{tx_1, \\dots, tx_n\\} < \\text{LSE}(tx_1, \\dots, tx_n) \\leq \\max \\{tx_1, \\dots, tx_n\\} + \\log(n)$  (1)",
              "A6.2 ①, equation (1)", strict_sandwich("tx", sizes), strict_sandwich("tx", sizes_2),
              "n ≥ 2 (the strict “<” is new in (1): for n = 1 both sides are equal, and the seed's own "
              "previous line has “≤”)",
              why="The strict “<” fails only for n = 1, where LSE(tx_1) = tx_1; for n ≥ 2 it holds.",
              corrected=sp.Le(MaxOf(t * xvec), LSE(t * xvec)), severity="degenerate", step=lower_step),
        Claim(SECTION, "$t \\max \\{x_1, \\dots, x_n\\} < \\text{LSE}(tx_1, \\dots, tx_n) \\leq t \\max \\{x_1, \\dots, x_n\\} + \\log(n)$",
              "A6.2 ①, “因为 t > 0”", strict_sandwich("t max", sizes), strict_sandwich("t max", sizes_2), STRICT_N1,
              why="As in (1): the strict “<” fails only for n = 1; max(t𝐱) = t·max(𝐱) is right since t > 0.",
              corrected=sp.Le(t * MaxOf(xvec), LSE(t * xvec)), severity="degenerate", step=lower_step),
        Claim(SECTION, "$\\max \\{x_1, \\dots, x_n\\} < \\frac{1}{t} \\text{LSE}(tx) \\leq \\max \\{x_1, \\dots, x_n\\} + \\frac{\\log(n)}{t}$  (2)",
              "A6.2 ①, equation (2)", strict_sandwich("1/t", sizes), strict_sandwich("1/t", sizes_2), STRICT_N1,
              note="In floating point the strict bound also fails: once t·(max − runner-up) exceeds about 37, "
                   "(1/t)·LSE(t𝐱) rounds to max exactly in float64.",
              why="The strict “<” fails only for n = 1, where (1/t)·LSE(tx_1) = x_1; the upper bound is right.",
              corrected=sp.Le(MaxOf(xvec), LSE(t * xvec) / t), severity="degenerate", step=lower_step),
        Claim(SECTION, "实际上通过增大 $t$, 就可以让LSE逼近max.", "A6.2 ①, after (2)",
              smooth_max_limits() + tuple(decreasing_in_t(size) for size in (2, 3, 5)),
              why="By (2) the gap is at most log(n)/t; the smooth maximum decreases to max as t grows.",
              step=limit_step),
    ]


def gradient_claims() -> list[Claim]:
    xs = scalars("x", 2)  # the fewest entries that show the point: a counter-example names x1 and x2 only
    dom, dom_t = ties_domain(xs), t_domain(xs)
    lse_t = smooth_max(xs)
    sum_exp = sp.Add(*[sp.exp(x) for x in xs])
    grad_literal = sp.Matrix([SoftmaxEntry(1, x) for x in xs])  # softmax applied to the scalar x_i
    grad_literal_t = sp.Matrix([SoftmaxEntry(1, t * x) for x in xs])
    ratio_t = sp.Matrix([sp.exp(t * x) / sp.Add(*[sp.exp(t * y) for y in xs]) for x in xs])
    ratio = sp.Matrix([sp.exp(x) / sum_exp for x in xs])
    grad_step = "∇LSE = softmax, by the chain rule"
    return [
        Claim(SECTION, "$\\frac{\\partial}{\\partial x_i} LSE(\\mathbf{x}) = \\frac{\\exp x_i}{\\sum_j \\exp x_j}$",
              "A6.2 ①, “使用近似(1)”", Relation(gradient(elementary_lse(xs), xs), ratio, domain=dom),
              why="The chain rule on log Σ_j exp x_j gives exactly this fraction.", step=grad_step),
        Claim(SECTION, "此时 $LSE(x)$ 的梯度就是 $softmax(x_i)$", "A6.2 ①, after the partial derivative",
              Relation(gradient(LSE(*xs), xs), grad_literal, domain=dom),
              Relation(gradient(LSE(*xs), xs), softmax_column(xs), domain=dom), READ_SOFTMAX,
              why="softmax of the single number x_i would be 1; the fraction on the line before shows that the "
                  "i-th entry softmax(𝐱)_i is meant.",
              corrected=sp.Eq(sp.Derivative(LSE(xvec), xvec), Softmax(xvec), evaluate=False), severity="slip",
              step=grad_step),
        Claim(SECTION, "$\\frac{\\partial}{\\partial x_i} \\frac{1}{t} LSE(tx) = \\frac{e^{tx_i}}{(e^{tx_1} + \\dots + e^{tx_n})} = softmax(tx_i)$",
              "A6.2 ①, “使用近似(2)”",
              (Relation(gradient(lse_t, xs), ratio_t, domain=dom_t), Relation(ratio_t, grad_literal_t, domain=dom_t)),
              (Relation(gradient(lse_t, xs), ratio_t, domain=dom_t), Relation(ratio_t, softmax_column(xs, t), domain=dom_t)),
              READ_SOFTMAX + " (the first equality is right as written)",
              why="The first equality is right; the second holds with softmax(tx_i) read as the i-th entry "
                  "softmax(t𝐱)_i, as the fraction before it shows.",
              corrected=sp.Eq(sp.Derivative(LSE(t * xvec) / t, x_entry[i]), entry(Softmax(t * xvec), i), evaluate=False),
              severity="slip", step="∇ of (1/t)·LSE(t𝐱) = softmax(t𝐱)"),
        Claim(SECTION, "$\\frac{\\partial}{\\partial x_i} \\max(x) \\approx softmax(tx_i) \\quad t \\rightarrow +\\infty$",
              "A6.2 ①, last formula",
              gradient_is_limit(xs, ties_domain(xs, ranges=SMALL_H)),
              OnlyIf(gradient_is_limit(xs, small_integers_domain(xs, ranges=SMALL_H)), unique_max(xs)),
              "the maximum is attained at a single index; at a tie max has no gradient and the limit "
              "(equal weights on the tied entries) is only the minimum-norm subgradient",
              why="It fails only at a tie of the maximum, where max has no gradient; the limit there (1/k on the "
                  "k tied entries) is the smallest subgradient.",
              corrected=sp.Implies(sp.Gt(delta, 0), sp.Eq(sp.Derivative(MaxOf(xvec), xvec),
                                                          sp.Limit(Softmax(t * xvec), t, sp.oo), evaluate=False),
                                   evaluate=False),
              severity="degenerate", step="Where the maximum is unique, ∇max = one-hot(argmax) = lim softmax(t𝐱)"),
    ]


# --- the page's summary boxes and notation -------------------------------------------------------------
def answers() -> list[Answer]:
    return [
        Answer("How close is log-sum-exp to max?",
               "max ≤ LSE ≤ max + log n; with a temperature t > 0, max < (1/t)·LSE(t𝐱) ≤ max + log(n)/t, so a "
               "large t brings LSE as close to max as wanted.",
               "Nothing of substance: only the strict “<” in (1) and (2) fails for n = 1, where both sides are "
               "equal; “≤” holds for every n.",
               Relation(sp.Limit(LSE(t * xvec) / t, t, sp.oo), MaxOf(xvec)),
               "since max 𝐱 ≤ (1/t)·LSE(t𝐱) ≤ max 𝐱 + log(n)/t for every t > 0."),
        Answer("What is the gradient of the smooth maximum (1/t)·LSE(t𝐱)?",
               "Its partial derivatives: ∂/∂x_i (1/t)·LSE(t𝐱) = exp(tx_i)/(exp(tx_1) + … + exp(tx_n)) = softmax(tx_i).",
               "The formula is right; only the name is loose. softmax(tx_i) of the single number tx_i would "
               "be 1: what is meant is the i-th entry softmax(t𝐱)_i, as the fraction before it shows.",
               Relation(sp.Derivative(LSE(t * xvec) / t, xvec), Softmax(t * xvec)),
               "for every t > 0; the entries are positive and sum to 1."),
        Answer("What is the gradient of max itself?",
               "∂max(𝐱)/∂x_i ≈ softmax(tx_i) as t → +∞ (in practice t is a large constant).",
               "Missing: what the limit is, and where it is a gradient. The limit is one-hot(argmax 𝐱), and it "
               "is the gradient of max exactly where the maximum is attained once. At a tie max has no "
               "gradient; the limit, 1/k on each of the k tied entries, is then its smallest subgradient.",
               Relation(sp.Derivative(MaxOf(xvec), xvec), MaxSubgradient(xvec)),
               "where the maximum is attained once (δ > 0); the right side is lim softmax(t𝐱), which is "
               "one-hot(argmax 𝐱) there. How fast it is reached: ‖softmax(t𝐱) − 𝐠‖₁ ≤ 2(n−1)·exp(−tδ)."),
    ]


def notation() -> list[tuple]:
    return [
        (xvec, "the input vector (x_1, …, x_n); the exercise calls its length D"),
        (n, "the number of entries"),
        (t, "the temperature, a positive number"),
        (LSE(xvec), "log-sum-exp, the log of a sum of exponentials: log(exp(x_1) + … + exp(x_n))"),
        (entry(Softmax(xvec), i), "entry i of softmax(𝐱): exp(x_i) / Σ_j exp(x_j)"),
        (MaxOf(xvec), "the largest entry of 𝐱"),
        (delta, "the gap: the largest entry minus the second largest; δ > 0 exactly when the maximum is "
                "attained once"),
        (MaxSubgradient(xvec), "lim softmax(t𝐱) as t → ∞: 1/k on each of the k entries equal to max 𝐱, 0 "
                               "elsewhere; one-hot(argmax 𝐱) when the maximum is attained once"),
        (g, "short for the limit above"),
        (h, "the step of the difference quotients (max(𝐱 + h·e_k) − max 𝐱)/h"),
        (d, "a direction: any vector of n entries"),
        (w, "weights on the tied entries: w_i > 0, Σ w_i = 1"),
    ]


@register("max-logsumexp")
def derivation() -> Derivation:
    from ._max_logsumexp_code import code_module, draw_smooth_max, draw_softmax_limit  # it imports this module

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
            ("log-sum-exp", Relation(LSE(xvec), sp.log(sum_of_exponentials()))),
            ("smooth maximum at temperature t > 0", LSE(t * xvec) / t),
            ("its gradient", Relation(sp.Derivative(LSE(t * xvec) / t, xvec), Softmax(t * xvec))),
        ],
        steps=bound_steps() + gradient_steps(xs) + limit_steps(xs),
        claims=bound_claims(xs) + gradient_claims(),
        code=[code_module()],
        plots=[
            Plot("smooth-max", "(1/t)·LSE(t·x) against max(x) with the bound band max ≤ · ≤ max + log(n)/t.",
                 draw_smooth_max),
            Plot("softmax-limit", "The entries of softmax(t·x) — the gradient of the smooth maximum — as t grows.",
                 draw_softmax_limit),
        ],
        sections={
            "intro": "The seed answers A6.2 ① by smoothing $\\max$ with log-sum-exp. Each formula below is shown "
                     "for general $n$; the cases that were checked (several sizes $n$, fixed points for the "
                     "limits) sit in the folded blocks. Each of the seed's formulas has a computed verdict.",
        },
        answers=answers(),
        notation=notation(),
    )
