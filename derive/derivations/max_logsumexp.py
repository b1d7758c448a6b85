"""A6.2 ①: the gradient of y = max(x_1, …, x_n) through log-sum-exp and softmax.

Model: LSE(𝐱) = log Σ exp x_j and its temperature form (1/t)·LSE(t𝐱), t > 0.
Derivation: the sandwich max ≤ LSE ≤ max + log n; ∇LSE = softmax; ∇(1/t)LSE(t𝐱) = softmax(t𝐱); the limit
t → ∞ and the exact (sub)gradient of max. Claims: every formula of the seed's A6.2 ①.
Code: ``derive.generated.softmax`` (logsumexp, softmax, max_subgradient), stable for |x| ≥ 1e4.
"""
from __future__ import annotations

from functools import partial

import mpmath
import numpy as np
import sympy as sp

from ..functions import (LSE, MaxOf, MaxSubgradient, MaxSubgradientEntry, Softmax, SoftmaxEntry,
                         components, numeric_namespace, vector)
from ..inplace import InplaceEmitter
from ..model import (Claim, CodeFunction, CodeModule, Derivation, Domain, Plot, Relation, Search, Step,
                     VerifyRow, Witness)
from ..printing import numpy_code
from ..registry import register

SECTION = "A6.2 ①"
N = 3  # the size the displayed steps use; the vector forms are checked for n = 1 … 6 as well

t = sp.Symbol("t", positive=True)
xvec = vector("x")


def xs_of(n: int) -> list[sp.Symbol]:
    return [sp.Symbol(f"x{k}", real=True) for k in range(1, n + 1)]


def elementary_lse(xs):
    return sp.log(sp.Add(*[sp.exp(x) for x in xs]))


def ties_domain(xs, **kw) -> Domain:
    """Random points plus the awkward ones: all equal, a two-way tie at the top, one far ahead."""
    a, b = sp.Rational(7, 10), sp.Rational(-13, 10)
    special = [{x: a for x in xs}]
    if len(xs) >= 2:
        special.append({xs[0]: a, xs[1]: a, **{x: b for x in xs[2:]}})
        special.append({xs[0]: sp.Integer(2), **{x: b for x in xs[1:]}})
    return Domain(special=special, **kw)


def gradient(expr, xs) -> sp.Matrix:
    """∇ as a column vector of unevaluated ∂expr/∂x_k (entry k; no layout convention implied). The page
    shows the derivatives; the checker carries them out."""
    return sp.Matrix([sp.Derivative(expr, x) for x in xs])


# ----------------------------------------------------------------------------------------------------
# numeric probes used by the searches (mpmath, 30 digits)
# ----------------------------------------------------------------------------------------------------
def _random_x(rng, n, tie=False):
    x = [mpmath.mpf(float(v)) for v in rng.uniform(-3, 3, size=n)]
    if tie and n >= 2:
        top = max(x)
        j = int(rng.integers(0, n))
        x[j] = top
        i = (j + 1 + int(rng.integers(0, n - 1))) % n
        x[i] = top
    return x


def _softmax_t(x, tt):
    return [SoftmaxEntry.numeric(k + 1, *[tt * v for v in x]) for k in range(len(x))]


def _max_one_sided(x, d, h=mpmath.mpf("1e-12")):
    return (MaxOf.numeric(*[a + h * b for a, b in zip(x, d)]) - MaxOf.numeric(*x)) / h


def probe_softmax_limit_rate(rng) -> Witness:
    """‖softmax(t𝐱) − e_k*‖₁ ≤ 2(n−1)·exp(−t·δ), δ the gap between the two largest entries."""
    with mpmath.workdps(400):  # e^{-t·δ} reaches 1e-260 here; it must stay far above round-off
        n = int(rng.integers(2, 7))
        x = _random_x(rng, n)
        tt = mpmath.mpf(10) ** float(rng.uniform(-1, 2))
        ordered = sorted(x, reverse=True)
        gap = ordered[0] - ordered[1]
        s = _softmax_t(x, tt)
        target = [MaxSubgradientEntry.numeric(k + 1, *x) for k in range(n)]
        dist = sum(abs(a - b) for a, b in zip(s, target))
        bound = 2 * (n - 1) * mpmath.exp(-tt * gap)
        return Witness({"n": n, "t": tt, "gap": gap}, dist <= bound * (1 + mpmath.mpf("1e-25")),
                       float(dist / bound) if bound else 0.0)


def probe_gradient_is_limit(tie_rate: float):
    """At a random 𝐱 (a tie at the top with probability ``tie_rate``), compare lim_{t→∞} softmax(t𝐱)
    with the gradient of max: max must be differentiable there (equal one-sided derivatives ±e_k) and
    its partial derivatives must equal the limit."""

    def probe(rng) -> Witness:
        with mpmath.workdps(40):
            n = int(rng.integers(2, 6))
            x = _random_x(rng, n, tie=rng.uniform() < tie_rate)
            limit = [MaxSubgradientEntry.numeric(k + 1, *x) for k in range(n)]
            for k in range(n):
                e = [mpmath.mpf(1) if j == k else mpmath.mpf(0) for j in range(n)]
                right = _max_one_sided(x, e)
                left = -_max_one_sided(x, [-v for v in e])
                if abs(right - left) > mpmath.mpf("1e-20"):
                    return Witness(
                        {"x": "(" + ", ".join(mpmath.nstr(v, 4) for v in x) + ")"}, False, float(abs(right - left)),
                        f"max is not differentiable there: along e_{k + 1} the right derivative is "
                        f"{mpmath.nstr(right, 3)} and the left one {mpmath.nstr(left, 3)}; the limit of "
                        f"softmax(t·x) is ({', '.join(mpmath.nstr(v, 3) for v in limit)}), only the "
                        f"minimum-norm element of the subdifferential")
                if abs(right - limit[k]) > mpmath.mpf("1e-20"):
                    return Witness({"x": str(x)}, False, float(abs(right - limit[k])),
                                   f"∂max/∂x_{k + 1} = {right} but the limit gives {limit[k]}")
            return Witness({}, True, 0.0)

    return probe


def probe_subgradient_at_ties(rng) -> Witness:
    """At a tie, g = uniform weights on the tied set T satisfies max(𝐱+𝐝) ≥ max(𝐱) + ⟨g, 𝐝⟩ for all 𝐝
    (g ∈ ∂max), and it has the smallest norm among the convex combinations of {e_i : i ∈ T}."""
    with mpmath.workdps(40):
        n = int(rng.integers(2, 7))
        x = _random_x(rng, n, tie=True)
        g = [MaxSubgradientEntry.numeric(k + 1, *x) for k in range(n)]
        d = [mpmath.mpf(float(v)) for v in rng.normal(size=n)]
        lhs = MaxOf.numeric(*[a + b for a, b in zip(x, d)])
        rhs = MaxOf.numeric(*x) + sum(a * b for a, b in zip(g, d))
        ok = lhs >= rhs - mpmath.mpf("1e-30")
        tied = sum(1 for v in g if v > 0)
        # any other convex combination w on T has ‖w‖² = Σ w_i² ≥ 1/|T| = ‖g‖² (Cauchy–Schwarz)
        w = [mpmath.mpf(float(v)) for v in rng.uniform(size=tied)]
        w = [v / sum(w) for v in w]
        ok_norm = sum(v * v for v in w) >= sum(v * v for v in g) - mpmath.mpf("1e-30")
        return Witness({"n": n}, bool(ok and ok_norm), float(max(rhs - lhs, 0)))


def probe_lse_bounds(t_value=None):
    def probe(rng) -> Witness:
        with mpmath.workdps(200):
            n = int(rng.integers(1, 8))
            x = _random_x(rng, n, tie=rng.uniform() < 0.3)
            tt = mpmath.mpf(1) if t_value is None else mpmath.mpf(10) ** float(rng.uniform(-2, 3))
            approx = LSE.numeric(*[tt * v for v in x]) / tt
            m = MaxOf.numeric(*x)
            err = approx - m
            ok = -mpmath.mpf("1e-150") <= err <= mpmath.log(n) / tt + mpmath.mpf("1e-150")
            bound = mpmath.log(n) / tt
            return Witness({"n": n, "t": tt}, bool(ok), float(err / bound) if n > 1 else 0.0)
    return probe


# ----------------------------------------------------------------------------------------------------
# the derivation
# ----------------------------------------------------------------------------------------------------
def steps_and_claims():
    xs = xs_of(N)
    n = len(xs)
    lse = LSE(*xs)
    lse_t = LSE(*[t * x for x in xs]) / t
    mx = MaxOf(*xs)
    sum_exp = sp.Add(*[sp.exp(x) for x in xs])
    dom = ties_domain(xs)
    dom_t = Domain(ranges={t: (0.05, 50.0)}, special=list(dom.special))
    softmax = sp.Matrix([SoftmaxEntry(k, *xs) for k in range(1, n + 1)])
    softmax_t = sp.Matrix([SoftmaxEntry(k, *[t * x for x in xs]) for k in range(1, n + 1)])

    vector_forms = []
    for m in range(1, 7):
        ys = xs_of(m)
        vector_forms += [
            Relation(gradient(components(LSE(t * xvec) / t, xvec, ys), ys), components(Softmax(t * xvec), xvec, ys)),
            Relation(gradient(elementary_lse([t * y for y in ys]) / t, ys),
                     components(Softmax(t * xvec), xvec, ys)),
        ]

    limit_points = [(1, 3, 2), (3, 3, 1), (2, 2, 2), (-1, 5, 5), (sp.Rational(1, 2), 0, -4)]
    limits = []
    for p in limit_points:
        entries = [sp.limit(sp.exp(t * p[k]) / sp.Add(*[sp.exp(t * q) for q in p]), t, sp.oo) for k in range(3)]
        limits.append(Relation(sp.Matrix(entries), sp.Matrix([MaxSubgradientEntry(k, *map(sp.sympify, p))
                                                              for k in (1, 2, 3)])))
    lse_limits = [Relation(sp.limit(elementary_lse([t * sp.sympify(q) for q in p]) / t, t, sp.oo),
                           sp.Max(*map(sp.sympify, p))) for p in limit_points]

    steps = [
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
             tuple(lse_limits), "SymPy's ``limit`` on the elementary form, at points with and without ties."),
        Step("∇LSE = softmax (elementary calculus)", Relation(gradient(elementary_lse(xs), xs), softmax, domain=dom),
             "Differentiate $\\log\\sum_j e^{x_j}$ by the chain rule; this also validates the derivative rule "
             "attached to the opaque ``LSE``."),
        Step("∇LSE = softmax (the opaque rule)", Relation(gradient(lse, xs), softmax, domain=dom),
             "What ``LSE.fdiff`` returns: the entry $k$ of the gradient is $\\operatorname{softmax}(\\mathbf{x})_k$."),
        Step("∇ of (1/t)·LSE(t𝐱) = softmax(t𝐱)", Relation(gradient(lse_t, xs), softmax_t, domain=dom_t),
             "The chain rule brings out a factor $t$ that cancels the $1/t$."),
        Step("softmax sums to one", Relation(sp.Add(*softmax_t), sp.Integer(1), domain=dom_t),
             "So the gradient of the smooth max is a probability vector: a convex combination of the "
             "coordinate directions."),
        Step("The code's vector forms equal the component derivation for n = 1 … 6",
             tuple(vector_forms),
             "``derive.generated.softmax`` prints the vector forms; this step ties them to the derivation."),
        Step("softmax(t𝐱) → the minimum-norm subgradient of max (sympy.limit, ties included)",
             tuple(limits),
             "Divide numerator and denominator by $e^{t\\max\\mathbf{x}}$: entries below the maximum vanish, the "
             "$k$ tied maximal entries each tend to $1/k$."),
        Step("Rate: ‖softmax(t𝐱) − e_k*‖₁ ≤ 2(n−1)·exp(−t·δ), δ the gap to the runner-up",
             Search("‖softmax(t𝐱) − one-hot(argmax 𝐱)‖₁ ≤ 2(n−1)·exp(−t·δ)", probe_softmax_limit_rate, 300),
             "$1 - s_{k^*} = \\sum_{j \\ne k^*} s_j \\le (n-1)e^{-t\\delta}$. So $t$ must be large compared "
             "with $1/\\delta$: near a tie no fixed $t$ is large enough."),
        Step("Where the maximum is unique, ∇max = one-hot(argmax) = lim softmax(t𝐱)",
             Search("one-sided derivatives of max agree and equal lim softmax(t𝐱)", probe_gradient_is_limit(0.0), 200),
             "Away from ties, max equals one fixed coordinate on a neighbourhood."),
        Step("At a tie, the limit is a subgradient, and the smallest one",
             Search("max(𝐱+𝐝) ≥ max(𝐱) + ⟨g, 𝐝⟩ and ‖g‖ ≤ ‖w‖ for all convex weights w on the tied set",
                    probe_subgradient_at_ties, 300),
             "max is convex; at a tie its subdifferential is the convex hull of the tied $e_i$, and the "
             "equal-weight point has the smallest norm."),
    ]

    # --- the seed's claims --------------------------------------------------------------------------
    def strict_lower(size, temperature):
        ys = xs_of(size)
        inner = LSE(*[t * y for y in ys]) if temperature else LSE(*[t * y for y in ys])
        return Relation(MaxOf(*[t * y for y in ys]), inner, "<", ties_domain(ys, ranges={t: (0.05, 50.0)}))

    def strict_lower_scaled(size):
        ys = xs_of(size)
        return Relation(MaxOf(*ys), LSE(*[t * y for y in ys]) / t, "<", ties_domain(ys, ranges={t: (0.05, 50.0)}))

    def upper_scaled(size):
        ys = xs_of(size)
        return Relation(LSE(*[t * y for y in ys]) / t, MaxOf(*ys) + sp.log(size) / t, "<=",
                        ties_domain(ys, ranges={t: (0.05, 50.0)}))

    def upper_t(size):
        ys = xs_of(size)
        return Relation(LSE(*[t * y for y in ys]), t * MaxOf(*ys) + sp.log(size), "<=",
                        ties_domain(ys, ranges={t: (0.05, 50.0)}))

    def lower_t(size):
        ys = xs_of(size)
        return Relation(t * MaxOf(*ys), LSE(*[t * y for y in ys]), "<", ties_domain(ys, ranges={t: (0.05, 50.0)}))

    sizes, sizes_2 = (1, 2, 3, 5), (2, 3, 5)
    grad_literal = sp.Matrix([SoftmaxEntry(1, x) for x in xs])  # softmax applied to the scalar x_i
    grad_literal_t = sp.Matrix([SoftmaxEntry(1, t * x) for x in xs])
    ratio_t = sp.Matrix([sp.exp(t * x) / sp.Add(*[sp.exp(t * y) for y in xs]) for x in xs])
    ratio = sp.Matrix([sp.exp(x) / sum_exp for x in xs])
    read_softmax = "“softmax(x_i)” is read as the i-th entry softmax(𝐱)_i of the softmax of the whole vector"
    claims = [
        Claim(SECTION, "LogSumExp (LSE) 是对 $y=\\max(x_1,\\dots,x_D)$ 的一个平滑逼近",
              "A6.2 ①, first paragraph",
              Search("0 ≤ LSE(𝐱) − max(𝐱) ≤ log n for n = 1 … 7, ties included (error: the fraction of log n used)", probe_lse_bounds(), 300),
              note="True as an approximation within log n; the error does not vanish unless a temperature is added."),
        Claim(SECTION, "$\\exp(m) \\leq \\sum_{i=1}^n \\exp(x_i) \\leq n \\exp(m)$", "A6.2 ①, after m = max x_i",
              (Relation(sp.exp(mx), sum_exp, "<=", dom), Relation(sum_exp, n * sp.exp(mx), "<=", dom))),
        Claim(SECTION, "$\\max \\{x_1, \\dots, x_n\\} \\leq \\text{LSE}(x_1, \\dots, x_n) \\leq \\max \\{x_1, \\dots, x_n\\} + \\log(n)$",
              "A6.2 ①, after taking logarithms",
              tuple(r for size in sizes for r in (
                  Relation(MaxOf(*xs_of(size)), LSE(*xs_of(size)), "<=", ties_domain(xs_of(size))),
                  Relation(LSE(*xs_of(size)), MaxOf(*xs_of(size)) + sp.log(size), "<=", ties_domain(xs_of(size))))),
              ),
        Claim(SECTION, "$\\max \\{tx_1, \\dots, tx_n\\} < \\text{LSE}(tx_1, \\dots, tx_n) \\leq \\max \\{tx_1, \\dots, tx_n\\} + \\log(n)$  (1)",
              "A6.2 ①, equation (1)",
              tuple(strict_lower(s, True) for s in sizes) + tuple(upper_t(s) for s in sizes),
              tuple(strict_lower(s, True) for s in sizes_2) + tuple(upper_t(s) for s in sizes_2),
              "n ≥ 2 (the strict “<” is new in (1): for n = 1 both sides are equal, and the seed's own "
              "previous line has “≤”)"),
        Claim(SECTION, "$t \\max \\{x_1, \\dots, x_n\\} < \\text{LSE}(tx_1, \\dots, tx_n) \\leq t \\max \\{x_1, \\dots, x_n\\} + \\log(n)$",
              "A6.2 ①, “因为 t > 0”",
              tuple(lower_t(s) for s in sizes) + tuple(upper_t(s) for s in sizes),
              tuple(lower_t(s) for s in sizes_2) + tuple(upper_t(s) for s in sizes_2),
              "n ≥ 2 (for n = 1 the strict lower bound is an equality)"),
        Claim(SECTION, "$\\max \\{x_1, \\dots, x_n\\} < \\frac{1}{t} \\text{LSE}(tx) \\leq \\max \\{x_1, \\dots, x_n\\} + \\frac{\\log(n)}{t}$  (2)",
              "A6.2 ①, equation (2)",
              tuple(strict_lower_scaled(s) for s in sizes) + tuple(upper_scaled(s) for s in sizes),
              tuple(strict_lower_scaled(s) for s in sizes_2) + tuple(upper_scaled(s) for s in sizes_2),
              "n ≥ 2 (for n = 1 the strict lower bound is an equality)",
              note="In floating point the strict bound also fails: once t·(max − runner-up) exceeds about 37, "
                   "(1/t)·LSE(t𝐱) rounds to max exactly in float64."),
        Claim(SECTION, "实际上通过增大 $t$, 就可以让LSE逼近max.", "A6.2 ①, after (2)",
              tuple(lse_limits) + (Search("0 ≤ (1/t)LSE(t𝐱) − max(𝐱) ≤ log(n)/t for t ∈ [0.01, 1000]",
                                          probe_lse_bounds(t_value="random"), 300),)),
        Claim(SECTION, "$\\frac{\\partial}{\\partial x_i} LSE(\\mathbf{x}) = \\frac{\\exp x_i}{\\sum_j \\exp x_j}$",
              "A6.2 ①, “使用近似(1)”",
              Relation(gradient(elementary_lse(xs), xs), ratio, domain=dom)),
        Claim(SECTION, "此时 $LSE(x)$ 的梯度就是 $softmax(x_i)$", "A6.2 ①, after the partial derivative",
              Relation(gradient(lse, xs), grad_literal, domain=dom),
              Relation(gradient(lse, xs), softmax, domain=dom), read_softmax),
        Claim(SECTION, "$\\frac{\\partial}{\\partial x_i} \\frac{1}{t} LSE(tx) = \\frac{e^{tx_i}}{(e^{tx_1} + \\dots + e^{tx_n})} = softmax(tx_i)$",
              "A6.2 ①, “使用近似(2)”",
              (Relation(gradient(lse_t, xs), ratio_t, domain=dom_t), Relation(ratio_t, grad_literal_t, domain=dom_t)),
              (Relation(gradient(lse_t, xs), ratio_t, domain=dom_t), Relation(ratio_t, softmax_t, domain=dom_t)),
              read_softmax + " (the first equality is right as written)"),
        Claim(SECTION, "$\\frac{\\partial}{\\partial x_i} \\max(x) \\approx softmax(tx_i) \\quad t \\rightarrow +\\infty$",
              "A6.2 ①, last formula",
              Search("lim softmax(t𝐱) is the gradient of max at every 𝐱 (random points, ties included)",
                     probe_gradient_is_limit(0.3), 200),
              Search("lim softmax(t𝐱) is the gradient of max where the maximum is attained once",
                     probe_gradient_is_limit(0.0), 200),
              "the maximum is attained at a single index; at a tie max has no gradient and the limit "
              "(equal weights on the tied entries) is only the minimum-norm subgradient"),
    ]
    return steps, claims


# ----------------------------------------------------------------------------------------------------
# code targets
# ----------------------------------------------------------------------------------------------------
CODE_X, CODE_E, CODE_M, CODE_Z = (sp.Symbol(s, real=True) for s in ("xb", "e", "m", "z"))
BLOCK_BYTES = 256 * 1024  # per row block: the passes over a block stay in L2


def code_blocks() -> dict:
    """The statements of one row block ``xb`` (the reduction axis last), before and after the template sums
    z = Σ e along the row: e = exp(t·(xb − m)) with m the row maximum (shifted before the temperature
    multiplies, so t·x never overflows where the result is finite), then the value m + log(z)/t or the
    gradient e/z. Each is printed for any t and, with t = 1 substituted, without the multiplication."""
    shifted = sp.exp(t * (CODE_X - CODE_M))
    results = {"logsumexp": ("work", CODE_M + sp.log(CODE_Z) / t), "softmax": ("out", CODE_E / CODE_Z)}
    blocks = {}
    for name, (buffer, result) in results.items():
        block = {"kind": "value" if name == "logsumexp" else "grad"}
        for key, temperature in (("scaled", t), ("unit", sp.Integer(1))):
            em = InplaceEmitter({CODE_X: "xb", CODE_E: buffer}, small={t, CODE_M, CODE_Z},
                                printer=partial(numpy_code, axis="-1"))
            post = result.subs(t, temperature)
            block[key] = {"pre": em.emit(buffer, shifted.subs(t, temperature)),
                          "post": [f"value = {numpy_code(post)}"] if name == "logsumexp" else em.emit(buffer, post)}
        blocks[name] = block
    return blocks


def code_module() -> CodeModule:
    x = xvec
    prologue = ["x = _as_float(x)", "t = _positive_temperature(t)"]
    x_j, j, n = sp.Symbol("x_j", real=True), sp.Symbol("j", integer=True), sp.Symbol("n", integer=True)
    row_sum = sp.Sum(sp.exp(t * (x_j - CODE_M)), (j, 1, n))
    block = [("e", sp.exp(t * (CODE_X - CODE_M)))]  # what the page lists; the loop is code_blocks()
    functions = [
        CodeFunction(
            "logsumexp", "x, axis=-1, *, t=1.0",
            "The smooth maximum (1/t)·LSE(t·x) along ``axis``, computed as m + log Σ exp(t·(x − m))/t with m the "
            "maximum along the axis: shifted before the temperature multiplies, so no t·x overflows where the "
            "result is finite.", Relation(LSE(t * x) / t, CODE_M + sp.log(row_sum) / t),
            block + [("result", CODE_M + sp.log(CODE_Z) / t)], prologue=prologue),
        CodeFunction(
            "softmax", "x, axis=-1, *, t=1.0",
            "softmax(t·x) along ``axis``, computed as exp(t·(x − m)) / Σ exp(t·(x − m)) with m the maximum "
            "along the axis: the gradient of ``logsumexp(x, axis, t=t)`` with respect to x.",
            Relation(Softmax(t * x), sp.exp(t * (x - CODE_M)) / row_sum),
            block + [("result", CODE_E / CODE_Z)], prologue=prologue),
        CodeFunction(
            "max_subgradient", "x, axis=-1",
            "The limit t → ∞ of softmax(t·x): one-hot of the argmax where the maximum is unique; at ties "
            "equal weights on the tied positions (the minimum-norm element of the subdifferential of max).",
            MaxSubgradient(x), [("result", MaxSubgradient(x))], prologue=["x = _as_float(x)"]),
    ]
    return CodeModule("softmax", "Smooth maximum, its gradient, and the subgradient of max (A6.2 ①).",
                      functions, template="code/softmax.py.j2",
                      context={"block": BLOCK_BYTES, "blocks": code_blocks()}, verify=verify_softmax)


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
            lse = gen.logsumexp(x, t=tt)
            sm = gen.softmax(x, t=tt)
            for r in range(x.shape[0]):
                xr = [mpmath.mpf(float(v)) for v in x[r]]
                with mpmath.workdps(30):
                    ref = LSE.numeric(*[tt * v for v in xr]) / tt
                    worst_lse = max(worst_lse, float(abs(ref - lse[r]) / max(1, abs(ref))))
                    for k in range(n):
                        ref_k = SoftmaxEntry.numeric(k + 1, *[tt * v for v in xr])
                        worst_sm = max(worst_sm, float(abs(ref_k - sm[r, k]) / ref_k))
            h = 1e-5
            for k in range(n):
                e = np.zeros(n)
                e[k] = h
                fd = (gen.logsumexp(x + e, t=tt) - gen.logsumexp(x - e, t=tt)) / (2 * h)
                worst_fd = max(worst_fd, float(np.max(np.abs(fd - sm[:, k]))))
    for x in ([1.0, 3.0, 3.0, -2.0], [5.0, 5.0, 5.0], [0.1, 0.2, 0.3]):
        got = gen.max_subgradient(np.array(x))
        ref = [float(MaxSubgradientEntry.numeric(k + 1, *x)) for k in range(len(x))]
        worst_sub = max(worst_sub, float(np.max(np.abs(got - ref))))
    big = np.array([1e4, -1e4, 9999.5, 1e4 - 3])
    stable = np.all(np.isfinite(gen.logsumexp(big, t=100.0))) and np.all(np.isfinite(gen.softmax(big, t=100.0)))
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
    ys = xs_of(len(PLOT_X))
    f = sp.lambdify([t, *ys], LSE(*[t * y for y in ys]) / t, modules=[numeric_namespace(), "mpmath"])
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
    ys = xs_of(len(PLOT_X))
    entries = [sp.lambdify([t, *ys], SoftmaxEntry(k, *[t * y for y in ys]), modules=[numeric_namespace(), "mpmath"])
               for k in range(1, len(PLOT_X) + 1)]
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
    steps, claims = steps_and_claims()
    xs = xs_of(N)
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
            ("its gradient", Relation(gradient(LSE(*[t * x for x in xs]) / t, xs),
                                      sp.Matrix([SoftmaxEntry(k, *[t * x for x in xs]) for k in range(1, N + 1)]))),
        ],
        steps=steps,
        claims=claims,
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
