"""A6.2 ②: the gradient of y = argmax(x_1, …, x_n) and the soft-argmax surrogate.

Model: argmax is piecewise constant (gradient 0 where the maximum is unique, no derivative at ties); the
soft-argmax S_t(𝐱) = Σ_i i·softmax(t𝐱)_i (indices from 1, as in the seed) is the smooth surrogate.
Derivation: ∂S_t/∂x_j = t·s_j·(j − S_t) for every n (the j-th terms split off) and on n = 2 … 6; the
gradient sums to zero (shift invariance); the error bound |S_t − argmax| ≤ n(n−1)/2·e^{−tδ}; the
limits t → ∞ with and without ties; how fast the gradient vanishes or blows up. Claims: every formula of
the seed's A6.2 ②. Code: ``derive.generated.soft_argmax`` (soft_argmax, soft_argmax_grad), printed from
the SymPy expressions below by an in-place emitter into a row-block loop (templates/code/soft_argmax.py.j2).
The probes (exact mpmath numerics) and the drawing of the plots are in
:mod:`derive.derivations._argmax_numerics`.
"""
from __future__ import annotations

from functools import partial

import sympy as sp

from ..functions import Argmax, Dot, MaxOf, Sigmoid, Softmax, SoftmaxEntry, SumOf, vector
from ..inplace import InplaceEmitter
from ..kit import gradient, scalars, ties_domain
from ..kit.symbols import entry, product
from ..model import Claim, CodeFunction, CodeModule, Derivation, Domain, Plot, Relation, Search, Step
from ..printing import numpy_code
from ..registry import register
from . import _argmax_numerics as nm

SECTION = "A6.2 ②"
NAME = "argmax-softargmax"

t = sp.Symbol("t", positive=True)
xvec = vector("x")
i_, n_ = sp.Symbol("i", integer=True), sp.Symbol("n", integer=True, positive=True)
j_ = sp.Symbol("j", positive=True, integer=True)
x_j = sp.Symbol("x_j", real=True)
S_t = sp.Symbol("S_t", real=True)
k_star = sp.Symbol("k^*", integer=True, positive=True)
delta = sp.Symbol("delta", positive=True)
T_RANGE = {t: (0.05, 20.0)}
SIZES = range(2, 7)  # the component forms are checked for n = 2 … 6
GENERAL_N = Domain(ranges={j_: (1.0, 9.0), **T_RANGE})  # j and t of the size-free steps


# ----------------------------------------------------------------------------------------------------
# expressions: explicit instances (checked) and the general forms (shown)
# ----------------------------------------------------------------------------------------------------
def softmax_entries(xs, temp=t):
    return [SoftmaxEntry(k, *[temp * x for x in xs]) for k in range(1, len(xs) + 1)]


def soft_argmax_expr(xs, temp=t):
    return sp.Add(*[k * s for k, s in enumerate(softmax_entries(xs, temp), start=1)])


def soft_argmax_elementary(xs, temp=t):
    return (sp.Add(*[k * sp.exp(temp * x) for k, x in enumerate(xs, start=1)])
            / sp.Add(*[sp.exp(temp * x) for x in xs]))


def closed_form_gradient(xs, temp=t):
    big_s = soft_argmax_expr(xs, temp)
    return sp.Matrix([product(temp, s, sp.Add(k, -big_s, evaluate=False))
                      for k, s in enumerate(softmax_entries(xs, temp), start=1)])


def shifted_soft_argmax(n):
    """(t, M, x_1, …, x_n) and S_t with every exponent shifted by M = max 𝐱, as the code evaluates it."""
    ys, top = scalars("x", n), sp.Symbol("M", real=True)
    w = [sp.exp(t * (y - top)) for y in ys]
    return [t, top, *ys], sp.Add(*[(k + 1) * v for k, v in enumerate(w)]) / sp.Add(*w)


def seed_formula(xs, temp=t, literal=False):
    """t·i·softmax(t x_i)(1 − softmax(t x_i)); ``literal`` applies softmax to the single number t·x_i."""
    out = []
    for k, x in enumerate(xs, start=1):
        s = SoftmaxEntry(1, temp * x) if literal else SoftmaxEntry(k, *[temp * y for y in xs])
        out.append(temp * k * s * (1 - s))
    return sp.Matrix(out)


def general_gradient(s_j=None):
    """∂S_t/∂x_j = t·s_j·(j − S_t), s_j = softmax(t𝐱)_j unless another name is given."""
    s_j = entry(Softmax(t * xvec), j_) if s_j is None else s_j
    return Relation(sp.Derivative(S_t, x_j), product(t, s_j, j_ - S_t))


def tie_gradient() -> Relation:
    """At x_1 = x_2 (n = 2) the gradient is exactly (−t/4, t/4)."""
    x2 = scalars("x", 2)
    return Relation(closed_form_gradient(x2).subs(x2[1], x2[0]), sp.Matrix([-t / 4, t / 4]),
                    domain=Domain(ranges={t: (0.05, 50.0)}))


def bound_formulas():
    """|S_t − k*| ≤ n(n−1)/2·e^{−tδ} and ‖∇S_t‖₁ ≤ t(n−1)(3n−2)/2·e^{−tδ}, shown next to their searches."""
    decay = sp.exp(-t * delta)
    grad_norm = sp.Sum(sp.Abs(sp.Derivative(S_t, entry(sp.Symbol("x", real=True), j_))), (j_, 1, n_))
    return (Relation(sp.Abs(S_t - k_star), n_ * (n_ - 1) / 2 * decay, "<="),
            Relation(grad_norm, t * (n_ - 1) * (3 * n_ - 2) / 2 * decay, "<="))


def quotient_rule():
    """S_t with the j-th terms split off: (R_N + j e^{t x_j}) / (R_D + e^{t x_j}), R_N, R_D free of x_j."""
    r_n, r_d = sp.Symbol("R_N", positive=True), sp.Symbol("R_D", positive=True)
    d_j = r_d + sp.exp(t * x_j)
    return (r_n + j_ * sp.exp(t * x_j)) / d_j, sp.exp(t * x_j) / d_j, r_n, d_j


# ----------------------------------------------------------------------------------------------------
# the derivation steps
# ----------------------------------------------------------------------------------------------------
def gradient_steps() -> list[Step]:
    """argmax itself, then the soft-argmax and its gradient (general n, and n = 2 … 6)."""
    xs, x2 = scalars("x", 3), scalars("x", 2)
    dom = ties_domain(xs, pair=(0, -1), ranges=T_RANGE)
    s_general, sj_general, _, _ = quotient_rule()
    s_i, x_i = entry(Softmax(t * xvec), i_), entry(sp.Symbol("x", real=True), i_)
    closed = [Relation(gradient(soft_argmax_expr(ys), ys), closed_form_gradient(ys),
                       domain=ties_domain(ys, pair=(0, -1), ranges=T_RANGE))
              for ys in map(partial(scalars, "x"), SIZES)]
    return [
        Step("argmax is locally constant where the maximum is unique",
             Search("argmax(𝐱 + 𝐡) = argmax(𝐱) whenever every |h_i| < δ/2, δ the gap between the two largest "
                    "entries (n = 2 … 6)", nm.probe_locally_constant, 200),
             "Moving each entry by less than $\\delta/2$ cannot let another entry overtake the maximum. So on "
             "a neighbourhood argmax is a constant: **every partial derivative is 0**. That is the exact "
             "answer to A6.2 ② wherever the maximum is unique — and a zero gradient carries no training signal."),
        Step("At a tie argmax jumps: no derivative, not even continuity",
             Search("at a tie between positions a < b, argmax(𝐱 + ε e_a) = a and argmax(𝐱 + ε e_b) = b for ε = "
                    "1e-3, 1e-12, 1e-30", nm.probe_jump_at_ties, 200),
             "The jump $b - a \\ge 1$ does not shrink with $\\varepsilon$, so the difference quotient grows "
             "like $1/\\varepsilon$. A useful surrogate must therefore be smooth, tend to argmax where the "
             "maximum is unique, and — like argmax — ignore a common shift of all entries."),
        Step("The soft-argmax in elementary form (n = 3)",
             Relation(soft_argmax_expr(xs), soft_argmax_elementary(xs), domain=dom),
             "$S_t(\\mathbf{x}) = \\sum_i i\\,\\operatorname{softmax}(t\\mathbf{x})_i$, indices counted "
             "from 1 as in the seed.",
             show=Relation(sp.Sum(i_ * s_i, (i_, 1, n_)),
                           sp.Sum(i_ * sp.exp(t * x_i), (i_, 1, n_)) / sp.Sum(sp.exp(t * x_i), (i_, 1, n_)))),
        Step("For n = 2 it is a shifted sigmoid",
             Relation(soft_argmax_expr(x2), 1 + Sigmoid(t * (x2[1] - x2[0])),
                      domain=ties_domain(x2, pair=(0, -1), ranges=T_RANGE)),
             "So its slope at the tie $x_1 = x_2$ is $t/4$: the larger $t$, the steeper the step."),
        Step("General n: the gradient by the quotient rule",
             Relation(sp.diff(s_general, x_j), t * sj_general * (j_ - s_general), domain=GENERAL_N),
             "Split the $j$-th terms off both sums: $S_t = (R_N + j e^{t x_j})/(R_D + e^{t x_j})$ where "
             "$R_N = \\sum_{i \\ne j} i e^{t x_i}$ and $R_D = \\sum_{i \\ne j} e^{t x_i}$ do not depend on "
             "$x_j$. Nothing here depends on $n$: the right-hand side is $t\\,s_j$ times $j$ minus $S_t$ itself, "
             "so the closed form of the model section is proved for every $n$."),
        Step("The closed form on n = 2 … 6 (component derivation with the opaque softmax)",
             tuple(closed),
             "Differentiating $\\sum_k k\\,s_k$ with $\\partial s_k/\\partial x_j = t\\,s_k(\\delta_{kj} - s_j)$ "
             "gives the closed form entry by entry.", show=general_gradient()),
        Step("The closed form against the elementary quotient (n = 3)",
             Relation(gradient(soft_argmax_elementary(xs), xs), closed_form_gradient(xs), domain=dom),
             "Independent of the derivative rule attached to the opaque softmax."),
    ]


def shift_and_limit_steps(limits) -> list[Step]:
    """Shift invariance (the gradient sums to zero), the code's shifted form, the seed's extra terms, and the
    limits t → ∞ with their rates."""
    xs, x2 = scalars("x", 3), scalars("x", 2)
    dom = ties_domain(xs, pair=(0, -1), ranges=T_RANGE)
    s_general, sj_general, r_n, d_j = quotient_rule()
    sized = [(ys, ties_domain(ys, pair=(0, -1), ranges=T_RANGE)) for ys in map(partial(scalars, "x"), SIZES)]
    s_i, s_j = entry(Softmax(t * xvec), i_), entry(Softmax(t * xvec), j_)
    k_ = sp.Symbol("k", integer=True)
    x_i, x_k = entry(sp.Symbol("x", real=True), i_), entry(sp.Symbol("x", real=True), k_)
    shifted = [sp.exp(t * (x - MaxOf(*xs))) for x in xs]
    unique = nm.limit_cases(limits, "soft-argmax", unique_only=True)
    bound, grad_bound = bound_formulas()
    return [
        Step("The gradient sums to t·S_t·(1 − Σ_k s_k) (n = 2 … 6) …",
             tuple(Relation(sp.Add(*closed_form_gradient(ys)),
                            t * soft_argmax_expr(ys) * (1 - sp.Add(*softmax_entries(ys))), domain=d) for ys, d in sized),
             "$\\sum_j t s_j (j - S_t) = t\\sum_j j s_j - t S_t \\sum_j s_j$ and $\\sum_j j s_j = S_t$.",
             show=Relation(sp.Sum(product(t, s_j, j_ - S_t), (j_, 1, n_)),
                           product(t, S_t, 1 - sp.Sum(s_j, (j_, 1, n_))))),
        Step("… and softmax sums to one (n = 2 … 6), so the gradient sums to zero",
             tuple(Relation(sp.Add(*softmax_entries(ys)), sp.Integer(1), domain=d) for ys, d in sized),
             "So $S_t(\\mathbf{x} + c\\mathbf{1}) = S_t(\\mathbf{x})$: the shift invariance that argmax itself "
             "has, and that any surrogate gradient of argmax must have. Hence the entry at "
             "$k = \\operatorname{argmax}\\mathbf{x}$ equals minus the sum of the others. The generated code "
             "uses this: there $j - S_t$ is a difference of nearly equal numbers when $t\\delta$ is large, while "
             "the other entries have no such cancellation.",
             show=Relation(sp.Sum(s_j, (j_, 1, n_)), sp.Integer(1))),
        Step("The code's shifted form: divide by e^{t·max 𝐱} (n = 3)",
             Relation(sp.Matrix([v / sp.Add(*shifted) for v in shifted]), sp.Matrix(softmax_entries(xs)), domain=dom),
             "Dividing numerator and denominator by $e^{t\\max\\mathbf{x}}$ changes nothing and keeps every "
             "exponential in $[0, 1]$, so $|t x|$ of $10^4$ neither overflows nor produces NaN. The generated code "
             "evaluates exactly these shifted quotients (its statements are printed from them below).",
             show=Relation(s_i, sp.exp(t * (x_i - MaxOf(xvec)))
                           / sp.Sum(sp.exp(t * (x_k - MaxOf(xvec))), (k_, 1, n_)))),
        Step("The seed's formula exceeds each true component by the missing cross terms (general n)",
             (Relation(t * j_ * sj_general * (1 - sj_general) - sp.diff(s_general, x_j), t * sj_general * r_n / d_j,
                       domain=GENERAL_N),
              Relation(t * sj_general * r_n / d_j, sp.Integer(0), ">", GENERAL_N)),
             "$t\\,j\\,s_j(1 - s_j)$ is the derivative of the $j$-th term $j\\,s_j$ alone. The other terms "
             "$i\\,s_i$ depend on $x_j$ too ($\\partial s_i/\\partial x_j = -t s_i s_j$); dropping them "
             "overstates every component by $t\\,s_j\\sum_{i \\ne j} i\\,s_i > 0$."),
        Step("Limit t → ∞ where the maximum is unique: S_t → argmax (exact limits at fixed points)",
             Search("lim_{t→∞} S_t(𝐩) is the argmax of 𝐩, by sympy.limit of each e^{−t·(max − p_i)}",
                    nm.FixedCases(unique), len(unique)),
             "Divide by $e^{t\\max\\mathbf{x}}$ (the seed's own argument): each term $e^{-t(\\max - x_i)}$ "
             "tends to 0 unless $x_i$ is maximal; the denominator tends to a number $\\ge 1$."),
        Step("Error bound in t and the gap δ (sampling, n = 2 … 7, t ∈ [0.01, 1000])",
             Search("|S_t(𝐱) − argmax 𝐱| ≤ n(n−1)/2 · e^{−tδ}", nm.probe_error_bound, 300, bound,
                    "largest ratio to the bound"),
             "$S_t - k^* = \\sum_{i \\ne k^*}(i - k^*)s_i$ and $s_i \\le e^{-t\\delta}$ for $i \\ne k^*$, while "
             "$\\sum_{i \\ne k^*}|i - k^*| \\le n(n-1)/2$. So $t$ must be large compared with $1/\\delta$: near a "
             "tie no fixed $t$ is large enough."),
        Step("The gradient vanishes as t → ∞ where the maximum is unique (sampling)",
             Search("‖∇S_t(𝐱)‖₁ ≤ t(n−1)(3n−2)/2 · e^{−tδ}", nm.probe_gradient_bound, 300, grad_bound,
                    "largest ratio to the bound"),
             "For $j \\ne k^*$: $|t s_j (j - S_t)| \\le t(n-1)e^{-t\\delta}$; for $k^*$: "
             "$|t s_{k^*}(k^* - S_t)| \\le t\\,|S_t - k^*| \\le t\\,n(n-1)/2\\,e^{-t\\delta}$. The surrogate "
             "turns back into argmax, zero gradient included."),
        Step("At a tie the gradient grows like t (n = 2, exact)", tie_gradient(),
             "$S_t$ jumps from 1 to 2 across $x_1 = x_2$ in a layer of width $\\sim 1/t$.",
             show=Relation(sp.Subs(sp.Matrix([sp.Derivative(S_t, x) for x in x2]), x2[1], x2[0]),
                           sp.Matrix([-t / 4, t / 4]))),
    ]


# ----------------------------------------------------------------------------------------------------
# the seed's claims
# ----------------------------------------------------------------------------------------------------
def chain_claims() -> list[Claim]:
    """The smoothing chain one-hot(argmax 𝐱) ≈ … ≈ softmax(𝐱), argmax as an index sum, the first displays."""
    xs = scalars("x", 3)
    dom1 = ties_domain(xs, pair=(0, -1))
    ratio1 = sp.Matrix([sp.exp(x) / sp.Add(*[sp.exp(y) for y in xs]) for x in xs])
    s1 = soft_argmax_expr(xs, 1)
    vector_sum = sp.Matrix([sp.Add(*[i * SoftmaxEntry(k, *xs) for i in range(1, 4)]) for k in range(1, 4)])
    bound, _ = bound_formulas()
    return [
        Claim(SECTION, "$[0, \\dots, 1, \\dots, 0] = \\operatorname{one-hot}(\\operatorname{argmax}_{i=1, \\dots, N} \\mathbf{x}) "
              "= \\operatorname{one-hot}(\\operatorname{argmax}_{i=1, \\dots, N} \\mathbf{x} - \\max(\\mathbf{x}))$",
              "A6.2 ②, smoothing chain, lines 1–2",
              Search("argmax(𝐱) = argmax(𝐱 − max 𝐱) as sets (n = 1 … 6, ties included)", nm.probe_argmax_identity(1), 200)),
        Claim(SECTION, "$= \\operatorname{one-hot}(\\operatorname{argmax}_{i=1, \\dots, N} e^{\\mathbf{x} - \\max(\\mathbf{x})})$",
              "A6.2 ②, smoothing chain, line 3",
              Search("argmax(𝐱 − max 𝐱) = argmax(e^{𝐱 − max 𝐱}) as sets (exp is increasing)", nm.probe_argmax_identity(2), 200)),
        Claim(SECTION, "$\\approx \\operatorname{one-hot}(\\operatorname{argmax}_{i=1, \\dots, N} e^{\\mathbf{x} - \\log \\sum_{k=1}^N e^{x_k}})$ "
              "(所圈的地方用到了①证明的 max 的光滑化)",
              "A6.2 ②, smoothing chain, line 4 (the circled step)",
              Search("argmax(e^{𝐱 − max 𝐱}) = argmax(e^{𝐱 − LSE(𝐱)}) as sets: both shift every entry by the same number",
                     nm.probe_argmax_identity(3), 200),
              note="The step holds with “=”, not only “≈”: subtracting LSE(𝐱) instead of max(𝐱) shifts all "
                   "entries by the same number, which never changes an argmax. The smoothing of max from ① is "
                   "not needed here."),
        Claim(SECTION, "$\\approx \\left[\\frac{e^{x_1}}{\\sum_{k=1}^N e^{x_k}}, \\dots, \\frac{e^{x_N}}{\\sum_{k=1}^N e^{x_k}} \\right] "
              "= \\operatorname{softmax}(\\mathbf{x})$ (softmax(x) 是 one-hot(argmax x) 的光滑化)",
              "A6.2 ②, smoothing chain, lines 5–6",
              (Relation(ratio1, sp.Matrix(softmax_entries(xs, 1)), domain=dom1),
               Search("one-hot(argmax softmax(𝐱)) ≈ softmax(𝐱) in the weakest sense: ‖softmax(𝐱) − one-hot(argmax 𝐱)‖∞ "
                      "< 1/2, i.e. softmax(𝐱) is nearer the right one-hot vector than any wrong one (t = 1)",
                      nm.probe_more_mass_than_half, 300)),
              (Relation(ratio1, sp.Matrix(softmax_entries(xs, 1)), domain=dom1),
               Search("‖softmax(t𝐱) − one-hot(argmax 𝐱)‖₁ ≤ 2(n−1)e^{−tδ} → 0 (t ∈ [0.01, 1000], unique maximum)",
                      nm.probe_softmax_rate, 300)),
              "a temperature is added — softmax(t𝐱) with tδ large, δ the gap between the two largest entries — "
              "and the maximum is unique; at t = 1 near a tie softmax(𝐱) is nowhere near one-hot",
              note="The last equality is exact. Replacing one-hot(argmax 𝐩) by 𝐩 itself is the actual "
                   "approximation, and it is a good one only when one probability dominates."),
        Claim(SECTION, "$\\operatorname{argmax}(\\mathbf{x}) = \\sum_{i=1}^n i \\times \\operatorname{one-hot}(\\operatorname{argmax}(\\mathbf{x}))_i$",
              "A6.2 ②, argmax as an index sum",
              Search("argmax 𝐱 = Σ_i i·one-hot(argmax 𝐱)_i (n = 1 … 8, indices from 1)", nm.probe_index_sum, 200),
              note="Exact wherever argmax is a single index; at a tie one-hot(argmax) is not defined."),
        Claim(SECTION, "$\\operatorname{argmax}(\\mathbf{x}) \\approx \\sum_{i=1}^n i \\times \\operatorname{softmax}(\\mathbf{x})_i "
              "= \\frac{\\sum_{i=1}^n i \\times e^{x_i}}{\\sum_{i=1}^n e^{x_i}}$",
              "A6.2 ②, first soft-argmax display",
              (Relation(s1, soft_argmax_elementary(xs, 1), domain=dom1),
               Search("|S_1(𝐱) − argmax 𝐱| < 1/2: rounding the soft-argmax recovers the argmax (t = 1)",
                      nm.probe_soft_argmax_close, 300)),
              (Relation(s1, soft_argmax_elementary(xs, 1), domain=dom1),
               Search("|S_t(𝐱) − argmax 𝐱| ≤ n(n−1)/2 · e^{−tδ} (t ∈ [0.01, 1000], unique maximum)",
                      nm.probe_error_bound, 300, bound, "largest ratio to the bound")),
              "a temperature t is added with tδ ≫ log(n²/2), δ the gap between the two largest entries, and "
              "the maximum is unique",
              note="The equality is exact; the “≈” is poor at t = 1: S_1 is pulled towards the middle index "
                   "(n + 1)/2 by every non-maximal entry."),
        Claim(SECTION, "$\\frac{\\partial \\operatorname{argmax}(\\mathbf{x})}{\\partial x_i} = i \\cdot softmax(x_i)(1 - softmax(x_i))$ (其梯度为)",
              "A6.2 ②, first gradient formula",
              Relation(seed_formula(xs, 1), gradient(s1, xs), domain=dom1),
              Relation(seed_formula(xs, 1, literal=True), gradient(s1, xs), domain=dom1),
              "softmax(x_i) is read literally as softmax of the single number x_i (= 1, so the formula is 0)",
              note="With s_i = softmax(𝐱)_i as the seed defines it in ①, the formula is the derivative of the "
                   "i-th term i·s_i alone; the true gradient of Σ_k k·s_k is s_i(i − Σ_k k·s_k). The seed "
                   "drops −s_i·Σ_{k≠i} k·s_k, so every component is too large (see the general-n step)."),
        Claim(SECTION, "$\\operatorname{argmax}(\\mathbf{x}) \\approx \\sum_{i=1}^n i \\times \\operatorname{softmax}(\\mathbf{x}) "
              "= \\frac{\\sum_{i=1}^n i \\times e^{x_i}}{\\sum_{i=1}^n e^{x_i}}$ (但观察到一个更加接近的近似)",
              "A6.2 ②, second soft-argmax display",
              Relation(vector_sum, soft_argmax_elementary(xs, 1), domain=dom1),
              Relation(s1, soft_argmax_elementary(xs, 1), domain=dom1),
              "the missing index is restored: Σ_i i·softmax(𝐱)_i",
              note="Without the index, Σ_i i·softmax(𝐱) = n(n+1)/2·softmax(𝐱) is a vector, not the scalar on the "
                   "right. With it, the display repeats the first one: it is not a closer approximation."),
    ]


def limit_claims(limits) -> list[Claim]:
    """The temperature form, its limit t → ∞, the seed's gradient under the limit and the final formula."""
    xs = scalars("x", 3)
    dom, dom1 = ties_domain(xs, pair=(0, -1), ranges=T_RANGE), ties_domain(xs, pair=(0, -1))
    s1 = soft_argmax_expr(xs, 1)
    cases = {(kind, unique): nm.limit_cases(limits, kind, unique) for kind in ("soft-argmax", "softmax")
             for unique in (False, True)}
    bound, grad_bound = bound_formulas()

    def fixed(statement, kind, unique):
        return Search(statement, nm.FixedCases(cases[kind, unique]), len(cases[kind, unique]))

    return [
        Claim(SECTION, "$\\sum_{i=1}^n i \\cdot \\operatorname{softmax}(tx_i) \\quad t \\rightarrow +\\infty$ … 尤其当 "
              "$t \\rightarrow +\\infty$ 时，其等价于 $\\operatorname{one-hot}(\\operatorname{argmax} x)$",
              "A6.2 ②, the temperature form and its limit",
              fixed("lim_{t→∞} S_t(𝐩) is an argmax of 𝐩, at fixed points with and without ties (exact limits)",
                    "soft-argmax", False),
              fixed("lim_{t→∞} S_t(𝐩) = argmax 𝐩 where the maximum is unique (exact limits)", "soft-argmax", True),
              "the maximum is unique (and softmax(tx_i) is read as softmax(t𝐱)_i)",
              note="S_t tends to the index argmax 𝐱, not to the vector one-hot(argmax 𝐱) (that is the limit of "
                   "softmax(t𝐱)). At a tie it tends to the mean of the tied positions, which may not be a "
                   "maximiser at all."),
        Claim(SECTION, "显然，这是一个更接近的近似 (a larger t gives a closer approximation)",
              "A6.2 ②, “显然，这是一个更接近的近似”",
              Search("|S_t(𝐱) − argmax 𝐱| does not increase with t (random 𝐱, t₁ < t₂ in [0.01, 100])",
                     nm.probe_monotone_in_t, 300),
              Search("|S_t(𝐱) − argmax 𝐱| ≤ n(n−1)/2 · e^{−tδ}, a bound that decreases with t",
                     nm.probe_error_bound, 300, bound, "largest ratio to the bound"),
              "“closer” is read as “a smaller error bound”: the bound n(n−1)/2·e^{−tδ} decreases with t, the "
              "error itself need not (as t → 0, S_t → (n+1)/2, which is exact when the argmax is the middle index)"),
        Claim(SECTION, "对 $\\operatorname{softmax}(tx_i)$ 上下同时除以 $e^{tx_{\\max}}$ 得到：若 x_i 不为最大值，则为0；否则为1",
              "A6.2 ②, the parenthesis after the temperature form",
              fixed("lim_{t→∞} softmax(t𝐩)_i is 1 at the maximum and 0 elsewhere, at fixed points with and without "
                    "ties (exact limits)", "softmax", False),
              fixed("the same where the maximum is unique", "softmax", True),
              "the maximum is unique; at a tie of k entries each tends to 1/k"),
        Claim(SECTION, "随即求导得 $t \\cdot i \\cdot \\operatorname{softmax}(tx_i) \\cdot (1 - \\operatorname{softmax}(tx_i))$ "
              "(the expression under the limit, as the derivative of $\\sum_i i \\cdot \\operatorname{softmax}(tx_i)$)",
              "A6.2 ②, “随即求导得”, the expression under the limit",
              Relation(seed_formula(xs), gradient(soft_argmax_expr(xs), xs), domain=dom),
              Relation(seed_formula(xs, literal=True), gradient(soft_argmax_expr(xs), xs), domain=dom),
              "softmax(tx_i) is read literally (softmax of one number is 1)",
              note="The same dropped cross terms as in the first gradient formula; the true derivative is the "
                   "closed form in the model section."),
        Claim(SECTION, "$\\frac{\\partial}{\\partial x_i} \\operatorname{argmax}(\\mathbf{x}) = \\lim_{t \\rightarrow +\\infty} "
              "t \\cdot i \\cdot \\operatorname{softmax}(tx_i) \\cdot (1 - \\operatorname{softmax}(tx_i))$",
              "A6.2 ②, “随即求导得”, the limit",
              Search("argmax is differentiable at 𝐱 and the limit equals its derivative (random 𝐱, ties with "
                     "probability 0.3)", nm.probe_seed_limit(0.3), 200),
              Search("where the maximum is unique: 0 ≤ t·i·s_i(1 − s_i) ≤ t·n(n−1)·e^{−tδ} → 0 = ∂argmax/∂x_i",
                     nm.probe_seed_limit(0.0), 200),
              "the maximum is unique — and then both sides are 0, the useless exact gradient of argmax",
              note="True only by accident: the expression under the limit is not the derivative of the "
                   "soft-argmax (previous claim), but it tends to 0 as the true one does."),
        Claim(SECTION, "t 不能取无穷，这会导致函数失去梯度（等价于 $\\operatorname{one-hot}(\\operatorname{argmax} x)$ ）",
              "A6.2 ②, first remark after the limit",
              Search("∇S_t(𝐱) → 0 as t → ∞ (random 𝐱, ties with probability 0.3)", nm.probe_gradient_vanishes(0.3), 200),
              Search("‖∇S_t(𝐱)‖₁ ≤ t(n−1)(3n−2)/2 · e^{−tδ} → 0 where the maximum is unique",
                     nm.probe_gradient_vanishes(0.0), 200, grad_bound, "largest ratio to the bound"),
              "the maximum is unique; at a tie the gradient grows like t instead"),
        Claim(SECTION, "t 若取很大的值，也会导致函数不太光滑", "A6.2 ②, second remark", (tie_gradient(),),
              note="At the tie x_1 = x_2 (n = 2) the slope is exactly ±t/4, so the Lipschitz constant of S_t "
                   "grows at least linearly in t."),
        Claim(SECTION, "所以实际上我们还是使用下式来近似 $\\frac{\\partial \\operatorname{argmax}(\\mathbf{x})}{\\partial x_i} = "
              "i \\cdot \\operatorname{softmax}(x_i)(1 - \\operatorname{softmax}(x_i))$",
              "A6.2 ②, final formula",
              Relation(seed_formula(xs, 1), gradient(s1, xs), domain=dom1),
              Relation(sp.Integer(0), sp.Add(*seed_formula(xs, 1)), domain=dom1),
              "it is read as a surrogate direction rather than a gradient — a surrogate for argmax must still "
              "sum to zero over i, since argmax ignores a common shift of all entries",
              note="Every entry is positive, so it always says “increase every x_i”, which does not change "
                   "argmax at all. The usable surrogate is ∇S_t = t·softmax(t𝐱) ⊙ (𝐢 − S_t), generated below."),
    ]


# ----------------------------------------------------------------------------------------------------
# code: SymPy expressions of one row block, printed into in-place NumPy statements
# ----------------------------------------------------------------------------------------------------
START = sp.Symbol("start", integer=True)
CODE_X = sp.Symbol("xb", real=True)    # the input rows of one block, reduction along the last axis
CODE_J = sp.Symbol("j", real=True)     # the index row start, start + 1, …
CODE_E = sp.Symbol("e", real=True)     # exp(t(x − max x)) of the block (lives in a full-size buffer)
CODE_G = sp.Symbol("g", real=True)
CODE_K, CODE_M, CODE_Z, CODE_S = (sp.Symbol(s, real=True) for s in ("k", "m", "z", "S"))
ROW_SYMBOLS = {CODE_J}
BLOCK_BYTES = 256 * 1024  # per row block: every pass over a block stays in L2  # shape (n,); the column symbols k, m, z, S have shape (rows, 1); t is a scalar


def code_bodies():
    e_expr = sp.exp(t * (CODE_X - CODE_M))
    s_expr = Dot(CODE_E, CODE_J) / CODE_Z
    g_expr = t * CODE_E * (CODE_J - CODE_S) / CODE_Z
    value = [("m", MaxOf(CODE_X)), ("e", e_expr), ("z", SumOf(CODE_E)), ("S", s_expr)]
    # k: the position of the row maximum counted from 0 (argmax counts from 1); m = x_k
    grad = [("k", Argmax(CODE_X) - 1), ("m", entry(CODE_X, CODE_K)), ("e", e_expr), ("z", SumOf(CODE_E)),
            ("S", s_expr), ("g", g_expr)]
    return value, grad


def emitter(full: dict[sp.Symbol, str]) -> InplaceEmitter:
    """One block's statements: ``full`` maps the symbols that hold a whole block (rows × n) to their buffer;
    the columns k, m, z, S, the index row j and the scalar t are printed as ordinary (small) expressions."""
    return InplaceEmitter(full, small={t, CODE_J, CODE_K, CODE_M, CODE_Z, CODE_S}, rows=ROW_SYMBOLS,
                          printer=partial(numpy_code, axis="-1"))


def split_at_max(lines):
    """The statements up to the row maximum m, and the rest (the template checks m in between)."""
    cut = next(i for i, line in enumerate(lines) if line.startswith("m = ")) + 1
    return lines[:cut], lines[cut:]


def code_module() -> CodeModule:
    value, grad = code_bodies()
    value_lines = emitter({CODE_X: "xb", CODE_E: "work"}).lines(value)
    grad_lines = emitter({CODE_X: "xb", CODE_E: "out", CODE_G: "out"}).lines(grad)
    formula_value = Relation(S_t, sp.Sum(i_ * entry(Softmax(t * xvec), i_), (i_, START, START + n_ - 1)))
    formula_grad = general_gradient()
    prologue = ["x = _as_float(x)", "t = _positive_temperature(t)", "axis, start = _axis_and_start(x, axis, start)"]
    functions = [
        CodeFunction(
            "soft_argmax", "x, axis=-1, *, t=1.0, start=1",
            "The soft-argmax S_t(x) = Σ_i i·softmax(t·x)_i along ``axis``, indices i counted from ``start`` "
            "(1 as in the seed, 0 for Python positions). Shifted by the row maximum, so |t·x| of 1e4 stays "
            "finite; float32/float64 are preserved (other input becomes float64). Returns x's shape without "
            "``axis``.", formula_value, value, prologue=prologue, returns="result"),
        CodeFunction(
            "soft_argmax_grad", "x, axis=-1, *, t=1.0, start=1",
            "∂S_t/∂x_j = t·s_j·(j − S_t) with s = softmax(t·x) along ``axis`` — the gradient of "
            "``soft_argmax(x, axis, t=t, start=start)``, same shape and dtype as x. The entry at each row's argmax is "
            "set to minus the sum of the others (the gradient sums to zero), which keeps it accurate when "
            "softmax(t·x) is nearly one-hot.", formula_grad, grad, prologue=prologue, returns="result"),
    ]
    return CodeModule(
        "soft_argmax", "Soft-argmax and its gradient (A6.2 ②), printed from the SymPy expressions of one row block.",
        functions, template="code/soft_argmax.py.j2",
        context={"block": BLOCK_BYTES,
                 "blocks": {"soft_argmax": dict(zip(("pre", "post"), split_at_max(value_lines)), kind="value"),
                            "soft_argmax_grad": dict(zip(("pre", "post"), split_at_max(grad_lines)), kind="grad")}},
        verify=nm.verify_soft_argmax)


@register(NAME)
def derivation() -> Derivation:
    limits = nm.exact_limits()
    xs = scalars("x", 3)
    s_k = [sp.Symbol(f"s_{k}") for k in range(1, 4)]
    return Derivation(
        name=NAME,
        section=SECTION,
        title="The gradient of argmax and the soft-argmax",
        title_zh="argmax 的梯度与 soft-argmax",
        page="a6-2-argmax.md",
        summary="argmax is piecewise constant: its gradient is 0 where the maximum is unique and does not "
                "exist at ties. The soft-argmax S_t = Σ_i i·softmax(t𝐱)_i is a smooth surrogate with the "
                "gradient ∂S_t/∂x_j = t·s_j·(j − S_t), derived here for every n; the seed's formula drops the "
                "cross terms.",
        model=[
            ("argmax as an index (counted from 1; δ is the Kronecker delta, the entries of a one-hot vector)",
             Relation(Argmax(xvec), sp.Sum(i_ * sp.KroneckerDelta(i_, Argmax(xvec)), (i_, 1, n_)))),
            ("soft-argmax at temperature t > 0", Relation(S_t, sp.Sum(i_ * entry(Softmax(t * xvec), i_), (i_, 1, n_)))),
            ("its gradient for every n, with s_j = softmax(t𝐱)_j (derived below)", general_gradient(sp.Symbol("s_j"))),
            ("in components (n = 3)", Relation(soft_argmax_expr(xs), soft_argmax_elementary(xs))),
            ("its gradient in components (n = 3)",
             Relation(sp.Matrix([sp.Derivative(S_t, x) for x in xs]),
                      sp.Matrix([product(t, s, k - S_t) for k, s in enumerate(s_k, start=1)]))),
        ],
        steps=gradient_steps() + shift_and_limit_steps(limits),
        claims=chain_claims() + limit_claims(limits),
        code=[code_module()],
        plots=[
            Plot("soft-argmax-limit", "S_t(x) against t for a clear maximum, a near tie and a tie; dashed: argmax "
                                      "(first maximiser).", partial(nm.draw_limit, *shifted_soft_argmax(4))),
            Plot("soft-argmax-gradient-field", "The gradient of S_t (arrows) over S_t (colour) on the slice "
                                               "x = (a, b, 0) at t = 2.",
                 partial(nm.draw_field, t, xs, soft_argmax_elementary(xs)), (6.4, 5.4)),
        ],
        sections={
            "intro": "The exact answer first: **argmax has gradient 0 wherever the maximum is unique, and no "
                     "gradient at ties** (steps 1–2). A usable surrogate must be smooth, tend to argmax, and be "
                     "shift invariant like argmax; the seed's soft-argmax $S_t$ is one. Its gradient is derived "
                     "for general $n$ and checked on $n = 2 \\dots 6$; every formula of the seed's A6.2 ② is "
                     "encoded and has a computed verdict.",
        },
    )
