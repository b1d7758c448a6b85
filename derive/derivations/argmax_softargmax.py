"""A6.2 ②: the gradient of y = argmax(x_1, …, x_n) and the soft-argmax surrogate.

Model: argmax is piecewise constant (gradient 0 where the maximum is unique, no derivative at ties); the
soft-argmax S_t(𝐱) = Σ_i i·softmax(t𝐱)_i (indices from 1, as in the seed) is the smooth surrogate.
Derivation: ∂S_t/∂x_j = t·s_j·(j − S_t) for every n (the j-th terms split off) and on n = 2 … 6, in vector
form t(diag 𝐬 − 𝐬𝐬ᵀ)𝐢; the gradient sums to zero (shift invariance); the error bound |S_t − argmax| ≤
n(n−1)/2·e^{−tδ}; the limits t → ∞ with and without ties; how fast the gradient vanishes or blows up.
Claims (:mod:`._argmax_claims`): every formula of the seed's A6.2 ②, each with why, severity, corrected
statement and the step that derives it. Answers: the three questions the seed's answer addresses. Code: ``derive.generated.soft_argmax`` (soft_argmax,
soft_argmax_grad), see :mod:`._argmax_code`. Probes (exact mpmath numerics): :mod:`._argmax_numerics`;
plots: :mod:`._argmax_plots`. The Chinese of the prose: ``derive/i18n/zh/argmax_softargmax.py``.
"""
from __future__ import annotations

from functools import partial

import sympy as sp

from ..functions import Argmax, MaxOf, Sigmoid, Softmax, SoftmaxEntry, vector
from ..kit import gradient, scalars, ties_domain
from ..kit.symbols import entry, product
from ..model import Answer, Derivation, Domain, Plot, Relation, Search, Step, Tr
from ..registry import register
from . import _argmax_numerics as nm
from . import _argmax_plots as plots
from ._argmax_code import START, code_module

SECTION = "A6.2 ②"
NAME = "argmax-softargmax"

t = sp.Symbol("t", positive=True)
xvec = vector("x")
i_, n_ = sp.Symbol("i", integer=True), sp.Symbol("n", integer=True, positive=True)
j_ = sp.Symbol("j", positive=True, integer=True)
x_i, x_j = sp.Symbol("x_i", real=True), sp.Symbol("x_j", real=True)
y = sp.Symbol("y", integer=True, positive=True)  # the seed's y = argmax(x_1, …, x_D)
S_t, S_1 = sp.Symbol("S_t", real=True), sp.Symbol("S_1", real=True)
s_i, s_j = sp.Symbol("s_i", positive=True), sp.Symbol("s_j", positive=True)  # softmax(t𝐱)_i, softmax(t𝐱)_j
S_VEC, I_VEC = sp.MatrixSymbol(r"\mathbf{s}", n_, 1), sp.MatrixSymbol(r"\mathbf{i}", n_, 1)
R_N, R_D = sp.Symbol("R_N", positive=True), sp.Symbol("R_D", positive=True)
k_star = sp.Symbol("k^*", integer=True, positive=True)
delta = sp.Symbol("delta", positive=True)
T_RANGE = {t: (0.05, 20.0)}
SIZES = range(2, 7)  # the component forms are checked for n = 2 … 6
GENERAL_N = Domain(ranges={j_: (1.0, 9.0), **T_RANGE})  # j and t of the size-free steps

# the steps that the claims and answers point to
T_LOCAL = "argmax is locally constant where the maximum is unique"
T_ELEMENTARY = "The soft-argmax in elementary form"
T_QUOTIENT = "General n: the gradient by the quotient rule"
T_JACOBIAN = "In vector form: the softmax Jacobian applied to the index vector"
T_LIMIT = "Where the maximum is unique, S_t → argmax as t → ∞"
T_BOUND = "Error bound in t and the gap δ"
T_VANISH = "The gradient vanishes as t → ∞ where the maximum is unique"
T_TIE = "At a tie the gradient grows like t (n = 2, exact)"


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


def jacobian_form():
    """t(diag 𝐬 − 𝐬𝐬ᵀ)𝐢: the softmax Jacobian (symmetric) applied to the index vector 𝐢 = (1, …, n)ᵀ."""
    return sp.MatMul(t, sp.MatAdd(sp.DiagMatrix(S_VEC), -S_VEC * S_VEC.T, evaluate=False), I_VEC, evaluate=False)


def jacobian_instance(xs):
    """:func:`jacobian_form` for the entries ``xs``, as an explicit matrix."""
    s = sp.Matrix(softmax_entries(xs))
    return t * (sp.diag(*s) - s * s.T) * sp.Matrix(range(1, len(xs) + 1))


def shifted_soft_argmax(n):
    """(t, M, x_1, …, x_n) and S_t with every exponent shifted by M = max 𝐱, as the code evaluates it."""
    ys, top = scalars("x", n), sp.Symbol("M", real=True)
    w = [sp.exp(t * (v - top)) for v in ys]
    return [t, top, *ys], sp.Add(*[(k + 1) * v for k, v in enumerate(w)]) / sp.Add(*w)


def seed_formula(xs, temp=t, literal=False):
    """t·i·softmax(t x_i)(1 − softmax(t x_i)); ``literal`` applies softmax to the single number t·x_i."""
    out = []
    for k, x in enumerate(xs, start=1):
        s = SoftmaxEntry(1, temp * x) if literal else SoftmaxEntry(k, *[temp * v for v in xs])
        out.append(temp * k * s * (1 - s))
    return sp.Matrix(out)


def general_gradient(s=None, index=j_, big_s=S_t, temp=t):
    """∂S_t/∂x_j = t·s_j·(j − S_t), s_j = softmax(t𝐱)_j unless another name is given."""
    s = entry(Softmax(t * xvec), index) if s is None else s
    x = x_j if index == j_ else x_i
    return Relation(sp.Derivative(big_s, x), product(*([temp] if temp != 1 else []), s, index - big_s))


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
    d_j = R_D + sp.exp(t * x_j)
    return (R_N + j_ * sp.exp(t * x_j)) / d_j, sp.exp(t * x_j) / d_j, d_j


def worked_domain(ys, values=None):
    """Ties and random points as :func:`ties_domain`, after the worked point 𝐱 = 𝟎 (with ``values`` for other
    symbols, e.g. {t: 1}): the counter-example a student can check by hand comes first."""
    base = ties_domain(ys, pair=(0, -1), ranges=T_RANGE)
    first = {**{v: sp.Integer(0) for v in ys}, **(values or {})}
    return Domain(ranges=base.ranges, special=[first, *base.special], samples=base.samples)


# ----------------------------------------------------------------------------------------------------
# the derivation steps
# ----------------------------------------------------------------------------------------------------
def gradient_steps() -> list[Step]:
    """argmax itself, then the soft-argmax and its gradient (general n, n = 2 … 6, vector form)."""
    xs, x2 = scalars("x", 3), scalars("x", 2)
    dom = ties_domain(xs, pair=(0, -1), ranges=T_RANGE)
    s_general, sj_general, _ = quotient_rule()
    s_idx, x_idx = entry(Softmax(t * xvec), i_), entry(sp.Symbol("x", real=True), i_)
    closed = [Relation(gradient(soft_argmax_expr(ys), ys), closed_form_gradient(ys),
                       domain=ties_domain(ys, pair=(0, -1), ranges=T_RANGE))
              for ys in map(partial(scalars, "x"), SIZES)]
    elementary = sp.Sum(i_ * sp.exp(t * x_idx), (i_, 1, n_)) / sp.Sum(sp.exp(t * x_idx), (i_, 1, n_))
    return [
        Step(T_LOCAL,
             Search("argmax(𝐱 + 𝐡) = argmax(𝐱) whenever every |h_i| < δ/2, δ the gap between the two largest "
                    "entries (n = 2 … 6)", nm.probe_locally_constant, 200,
                    error_name=Tr("largest |h_i| as a fraction of δ/2", "|h_i| 与 δ/2 之比的最大值")),
             "Moving each entry by less than $\\delta/2$ cannot let another entry overtake the maximum. So on "
             "a neighbourhood argmax is a constant: **every partial derivative is 0**. That is the exact "
             "answer to A6.2 ② wherever the maximum is unique — and a zero gradient carries no training signal."),
        Step("At a tie argmax jumps: no derivative, not even continuity",
             Search("at a tie between positions a < b, argmax(𝐱 + ε e_a) = a and argmax(𝐱 + ε e_b) = b for ε = "
                    "1e-3, 1e-12, 1e-30", nm.probe_jump_at_ties, 200,
                    error_name=Tr("largest jump b − a", "跳变 b − a 的最大值")),
             "The jump $b - a \\ge 1$ does not shrink with $\\varepsilon$, so the difference quotient grows "
             "like $1/\\varepsilon$. A useful surrogate must therefore be smooth, tend to argmax where the "
             "maximum is unique, and — like argmax — ignore a common shift of all entries."),
        Step(T_ELEMENTARY, Relation(soft_argmax_expr(xs), soft_argmax_elementary(xs), domain=dom),
             "$S_t(\\mathbf{x}) = \\sum_i i\\,\\operatorname{softmax}(t\\mathbf{x})_i$, indices counted "
             "from 1 as in the seed.",
             show=Relation(sp.Sum(i_ * s_idx, (i_, 1, n_)), elementary)),
        Step("For n = 2 it is a shifted sigmoid",
             Relation(soft_argmax_expr(x2), 1 + Sigmoid(t * (x2[1] - x2[0])),
                      domain=ties_domain(x2, pair=(0, -1), ranges=T_RANGE)),
             "So its slope at the tie $x_1 = x_2$ is $t/4$: the larger $t$, the steeper the step.",
             show=Relation(S_t, sp.Add(1, Sigmoid(t * (x2[1] - x2[0])), evaluate=False))),
        Step(T_QUOTIENT,
             Relation(sp.diff(s_general, x_j), t * sj_general * (j_ - s_general), domain=GENERAL_N),
             "Split the $j$-th terms off both sums: $S_t = (R_N + j e^{t x_j})/(R_D + e^{t x_j})$ where "
             "$R_N = \\sum_{i \\ne j} i e^{t x_i}$ and $R_D = \\sum_{i \\ne j} e^{t x_i}$ do not depend on "
             "$x_j$. Nothing here depends on $n$: the result is $t\\,s_j$ times $j$ minus $S_t$ itself, so the "
             "closed form holds for every $n$.",
             show=Relation(sp.Derivative(s_general, x_j), product(t, s_j, j_ - S_t))),
        Step("The closed form on n = 2 … 6, entry by entry", tuple(closed),
             "Differentiating $\\sum_k k\\,s_k$ term by term, with $\\partial s_j/\\partial x_j = t\\,s_j(1 - s_j)$ "
             "and $\\partial s_k/\\partial x_j = -t\\,s_k s_j$ for $k \\ne j$, gives the same closed form.",
             show=general_gradient(s_j)),
        Step(T_JACOBIAN, Relation(jacobian_instance(xs), closed_form_gradient(xs), domain=dom),
             "The softmax Jacobian is $t(\\operatorname{diag}(\\mathbf{s}) - \\mathbf{s}\\mathbf{s}^{\\top})$ "
             "(symmetric) and $S_t = \\mathbf{i}^{\\top}\\mathbf{s}$, so the chain rule applies it to "
             "$\\mathbf{i} = (1, 2, \\dots, n)^{\\top}$. Its diagonal alone gives $t\\,i\\,s_i(1 - s_i)$, the "
             "seed's formula; the off-diagonal entries $-t\\,s_i s_k$ are what the seed leaves out.",
             show=Relation(sp.Derivative(S_t, xvec), jacobian_form())),
        Step("The closed form against the elementary quotient",
             Relation(gradient(soft_argmax_elementary(xs), xs), closed_form_gradient(xs), domain=dom),
             "This check differentiates exponentials only, without the softmax derivative used above.",
             show=Relation(sp.Derivative(elementary, x_j), product(t, s_j, j_ - S_t))),
    ]


def shift_and_limit_steps(limits) -> list[Step]:
    """Shift invariance (the gradient sums to zero), the code's shifted form, the seed's extra terms, and the
    limits t → ∞ with their rates."""
    xs, x2 = scalars("x", 3), scalars("x", 2)
    dom = ties_domain(xs, pair=(0, -1), ranges=T_RANGE)
    s_general, sj_general, d_j = quotient_rule()
    sized = [(ys, ties_domain(ys, pair=(0, -1), ranges=T_RANGE)) for ys in map(partial(scalars, "x"), SIZES)]
    k_ = sp.Symbol("k", integer=True)
    x_idx, x_k = entry(sp.Symbol("x", real=True), i_), entry(sp.Symbol("x", real=True), k_)
    shifted = [sp.exp(t * (x - MaxOf(*xs))) for x in xs]
    unique = nm.limit_cases(limits, "soft-argmax", unique_only=True)
    bound, grad_bound = bound_formulas()
    excess = product(t, s_j, S_t - j_ * s_j)
    return [
        Step("The gradient sums to t·S_t·(1 − Σ_k s_k) …",
             tuple(Relation(sp.Add(*closed_form_gradient(ys)), t * soft_argmax_expr(ys) * (1 - sp.Add(*softmax_entries(ys))),
                            domain=d) for ys, d in sized),
             "$\\sum_j t s_j (j - S_t) = t\\sum_j j s_j - t S_t \\sum_j s_j$ and $\\sum_j j s_j = S_t$ "
             "(checked for n = 2 … 6).",
             show=Relation(sp.Sum(product(t, s_j, j_ - S_t), (j_, 1, n_)),
                           product(t, S_t, 1 - sp.Sum(s_j, (j_, 1, n_))))),
        Step("… and softmax sums to one, so the gradient sums to zero",
             tuple(Relation(sp.Add(*softmax_entries(ys)), sp.Integer(1), domain=d) for ys, d in sized),
             "So $S_t(\\mathbf{x} + c\\mathbf{1}) = S_t(\\mathbf{x})$: the shift invariance that argmax itself "
             "has, and that any surrogate gradient of argmax must have. Hence the entry at "
             "$k = \\operatorname{argmax}\\mathbf{x}$ equals minus the sum of the others. The generated code "
             "uses this: there $j - S_t$ is a difference of nearly equal numbers when $t\\delta$ is large, while "
             "the other entries have no such cancellation.",
             show=Relation(sp.Sum(s_j, (j_, 1, n_)), sp.Integer(1))),
        Step("The code's shifted form: divide by e^{t·max 𝐱}",
             Relation(sp.Matrix([v / sp.Add(*shifted) for v in shifted]), sp.Matrix(softmax_entries(xs)), domain=dom),
             "Dividing numerator and denominator by $e^{t\\max\\mathbf{x}}$ changes nothing and keeps every "
             "exponential in $[0, 1]$, so $|t x|$ of $10^4$ neither overflows nor produces NaN. The generated code "
             "evaluates exactly these shifted quotients (its statements are printed from them below).",
             show=Relation(s_i, sp.exp(t * (x_idx - MaxOf(xvec)))
                           / sp.Sum(sp.exp(t * (x_k - MaxOf(xvec))), (k_, 1, n_)))),
        Step("The seed's formula exceeds each true component by the missing cross terms (general n)",
             (Relation(t * j_ * sj_general * (1 - sj_general) - sp.diff(s_general, x_j), t * sj_general * R_N / d_j,
                       domain=GENERAL_N),
              Relation(t * sj_general * R_N / d_j, sp.Integer(0), ">", GENERAL_N)),
             "$t\\,j\\,s_j(1 - s_j)$ is the derivative of the $j$-th term $j\\,s_j$ alone. The other terms "
             "$i\\,s_i$ depend on $x_j$ too ($\\partial s_i/\\partial x_j = -t s_i s_j$); dropping them "
             "overstates every component by $t\\,s_j\\sum_{i \\ne j} i\\,s_i = t\\,s_j(S_t - j\\,s_j) > 0$, which in the "
             "split of the quotient-rule step is $t\\,s_j R_N/(R_D + e^{t x_j})$.",
             show=(Relation(sp.Add(product(t, j_, s_j, 1 - s_j), -sp.Derivative(S_t, x_j), evaluate=False), excess),
                   Relation(excess, sp.Integer(0), ">"))),
        Step(T_LIMIT,
             Search("lim_{t→∞} S_t(𝐩) = argmax 𝐩 at fixed points 𝐩 with a unique maximum, each limit of "
                    "e^{−t(max 𝐩 − p_i)} computed exactly", nm.FixedCases(unique), len(unique),
                    error_name=nm.LIMIT_GAP),
             "Divide by $e^{t\\max\\mathbf{x}}$ (the seed's own argument): each term $e^{-t(\\max - x_i)}$ "
             "tends to 0 unless $x_i$ is maximal; the denominator tends to a number $\\ge 1$.",
             show=Relation(sp.Limit(S_t, t, sp.oo), Argmax(xvec))),
        Step(T_BOUND,
             Search("|S_t(𝐱) − argmax 𝐱| ≤ n(n−1)/2 · e^{−tδ} (n = 2 … 7, t from 0.01 to 1000)",
                    nm.probe_error_bound, 300, bound, nm.RATIO),
             "$S_t - k^* = \\sum_{i \\ne k^*}(i - k^*)s_i$ and $s_i \\le e^{-t\\delta}$ for $i \\ne k^*$, while "
             "$\\sum_{i \\ne k^*}|i - k^*| \\le n(n-1)/2$. So $t$ must be large compared with $1/\\delta$: near a "
             "tie no fixed $t$ is large enough."),
        Step(T_VANISH,
             Search("‖∇S_t(𝐱)‖₁ ≤ t(n−1)(3n−2)/2 · e^{−tδ}", nm.probe_gradient_bound, 300, grad_bound, nm.RATIO),
             "For $j \\ne k^*$: $|t s_j (j - S_t)| \\le t(n-1)e^{-t\\delta}$; for $k^*$: "
             "$|t s_{k^*}(k^* - S_t)| \\le t\\,|S_t - k^*| \\le t\\,n(n-1)/2\\,e^{-t\\delta}$. The surrogate "
             "turns back into argmax, zero gradient included."),
        Step(T_TIE, tie_gradient(),
             "$S_t$ jumps from 1 to 2 across $x_1 = x_2$ in a layer of width $\\sim 1/t$.",
             show=Relation(sp.Subs(sp.Matrix([sp.Derivative(S_t, x) for x in x2]), x2[1], x2[0]),
                           sp.Matrix([-t / 4, t / 4]))),
    ]


# ----------------------------------------------------------------------------------------------------
# the answers, the notation, the derivation
# ----------------------------------------------------------------------------------------------------
def answers() -> list[Answer]:
    bound, _ = bound_formulas()
    return [
        Answer("What is the gradient of y = argmax(x_1, …, x_n)?",
               "It does not say: it replaces argmax by the soft-argmax Σ_i i·softmax(𝐱)_i and differentiates that.",
               "argmax is piecewise constant, so its exact gradient is 0 wherever the largest entry is unique, and "
               "at a tie it does not exist (argmax jumps). This zero gradient is the reason a smooth surrogate "
               "is needed at all.",
               Relation(sp.Derivative(y, x_j), sp.Integer(0)),
               "for every j, wherever the largest entry of 𝐱 is unique; no derivative at a tie"),
        Answer("What is the gradient of the surrogate S_t = Σ_i i·softmax(t𝐱)_i?",
               "∂S_t/∂x_i = t·i·s_i(1 − s_i) with s_i = softmax(t𝐱)_i, and i·s_i(1 − s_i) (t = 1) in practice.",
               "Only the i-th term i·s_i is differentiated; every other term depends on x_i too. The missing "
               "cross terms make every entry positive, so the seed's gradient does not sum to 0 although S_t "
               "ignores a common shift of 𝐱.",
               Relation(sp.Derivative(S_t, xvec), jacobian_form()),
               "𝐬 = softmax(t𝐱), 𝐢 = (1, 2, …, n)ᵀ; entry j: t·s_j·(j − S_t)"),
        Answer("How well does S_t approximate argmax, and which t should be used?",
               "As t → +∞, S_t becomes one-hot(argmax 𝐱); t must stay finite (no gradient) and not too large "
               "(not smooth).",
               "S_t tends to the index argmax 𝐱, not to a one-hot vector, and only where the maximum is unique: "
               "at a tie it tends to the mean of the tied positions. The trade-off is right: away from ties the "
               "gradient vanishes like t·e^{−tδ}, at a tie it grows like t.",
               bound, "k* = argmax 𝐱, δ the gap between the two largest entries: t must be large compared with 1/δ"),
    ]


def notation() -> list[tuple]:
    return [
        (xvec, "the input (x_1, …, x_n); the seed writes D or N for its length n"),
        (y, "y = argmax 𝐱, the position of the largest entry, counted from 1 as in the seed"),
        (k_star, "argmax 𝐱 when the largest entry is unique"),
        (delta, "the gap between the largest and the second largest entry of 𝐱"),
        (t, "the temperature, t > 0"),
        (s_j, "softmax(t𝐱)_j = e^{t x_j} / Σ_i e^{t x_i}; 𝐬 is the vector of them"),
        (S_t, "the soft-argmax Σ_i i·s_i (S_1: the same at t = 1)"),
        (I_VEC, "the index vector (1, 2, …, n)ᵀ"),
        (R_N, "Σ_{i≠j} i·e^{t x_i}: the numerator of S_t without its j-th term"),
        (R_D, "Σ_{i≠j} e^{t x_i}: the denominator of S_t without its j-th term"),
    ]


@register(NAME)
def derivation() -> Derivation:
    from ._argmax_claims import chain_claims, limit_claims  # they build on the expressions above

    limits = nm.exact_limits()
    xs = scalars("x", 3)
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
            ("soft-argmax at temperature t > 0, indices counted from 1",
             Relation(S_t, sp.Sum(i_ * entry(Softmax(t * xvec), i_), (i_, 1, n_)))),
            ("its gradient for every n, with s_j = softmax(t𝐱)_j (derived below)", general_gradient(s_j)),
            ("the same in vector form, 𝐬 = softmax(t𝐱) and 𝐢 = (1, 2, …, n)ᵀ",
             Relation(sp.Derivative(S_t, xvec), jacobian_form())),
        ],
        steps=gradient_steps() + shift_and_limit_steps(limits),
        claims=chain_claims() + limit_claims(limits),
        answers=answers(),
        notation=notation(),
        code=[code_module(t, Relation(S_t, sp.Sum(i_ * entry(Softmax(t * xvec), i_), (i_, START, START + n_ - 1))),
                          general_gradient())],
        plots=[
            Plot("soft-argmax-limit", "S_t(x) against t for a clear maximum, a near tie and a tie; dashed: argmax "
                                      "(first maximiser).", partial(plots.draw_limit, *shifted_soft_argmax(4))),
            Plot("soft-argmax-gradient-field", "The gradient of S_t (arrows) over S_t (colour) on the slice "
                                               "x = (a, b, 0) at t = 2.",
                 partial(plots.draw_field, t, xs, soft_argmax_elementary(xs)), (6.4, 5.4)),
        ],
        sections={
            "intro": "The exact answer first: **argmax has gradient 0 wherever the maximum is unique, and no "
                     "gradient at ties** (steps 1–2). A usable surrogate must be smooth, tend to argmax, and be "
                     "shift invariant like argmax; the seed's soft-argmax $S_t$ is one. Its gradient is derived "
                     "for general $n$ (and checked on $n = 2 \\dots 6$), and every formula of the seed's A6.2 ② "
                     "gets a verdict below.",
        },
    )
