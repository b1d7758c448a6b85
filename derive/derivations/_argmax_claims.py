"""The seed's A6.2 ② statements, encoded for the checker (used by :mod:`.argmax_softargmax`), each with
the errata fields: one line of why (with the smallest worked counter-example), the corrected statement as
a SymPy object, the severity and the step that derives the right result.

The gradient formulas are checked on n = 2 with 𝐱 = (0, 0) probed first, where the seed's value +1/4 and
the true −1/4 can be checked by hand; the searches try such worked cases before random ones
(:class:`._argmax_numerics.Worked`).
"""
from __future__ import annotations

import sympy as sp

from ..functions import Argmax, MaxSubgradient, Softmax, SoftmaxEntry
from ..kit import gradient, scalars, ties_domain
from ..kit.symbols import entry
from ..model import Claim, Relation, Search, Tr
from . import _argmax_numerics as nm
from .argmax_softargmax import (SECTION, T_BOUND, T_ELEMENTARY, T_JACOBIAN, T_LIMIT, T_LOCAL, T_QUOTIENT, T_TIE,
                                T_VANISH, S_1, S_t, bound_formulas, general_gradient, i_, jacobian_form, n_, s_i,
                                seed_formula, soft_argmax_elementary, soft_argmax_expr, softmax_entries, t,
                                tie_gradient, worked_domain, x_i, xvec, y)


def fixed_form(rel: Relation):
    """A corrected statement as a SymPy relation (SymPy objects are printed, prose is translated)."""
    return {"=": sp.Eq, "<=": sp.Le}[rel.op](rel.lhs, rel.rhs, evaluate=False)


def chain_claims() -> list[Claim]:
    """The smoothing chain one-hot(argmax 𝐱) ≈ … ≈ softmax(𝐱), argmax as an index sum, the first displays."""
    xs, x2 = scalars("x", 3), scalars("x", 2)
    dom1, dom2 = ties_domain(xs, pair=(0, -1)), ties_domain(x2, pair=(0, -1))
    ratio1 = sp.Matrix([sp.exp(x) / sp.Add(*[sp.exp(v) for v in xs]) for x in xs])
    s1, s1_2 = soft_argmax_expr(xs, 1), soft_argmax_expr(x2, 1)
    vector_sum = sp.Matrix([sp.Add(*[i * SoftmaxEntry(k, *x2) for i in range(1, 3)]) for k in range(1, 3)])
    bound, _ = bound_formulas()
    x_idx = entry(sp.Symbol("x", real=True), i_)
    lim_softmax = fixed_form(Relation(sp.Limit(Softmax(t * xvec), t, sp.oo), MaxSubgradient(xvec)))
    return [
        Claim(SECTION, "$[0, \\dots, 1, \\dots, 0] = \\operatorname{one-hot}(\\operatorname{argmax}_{i=1, \\dots, N} \\mathbf{x}) "
              "= \\operatorname{one-hot}(\\operatorname{argmax}_{i=1, \\dots, N} \\mathbf{x} - \\max(\\mathbf{x}))$",
              "A6.2 ②, smoothing chain, lines 1–2",
              Search("argmax(𝐱) = argmax(𝐱 − max 𝐱) as sets (n = 1 … 6, ties included)", nm.probe_argmax_identity(1),
                     200, error_name=nm.MOST_TIED),
              why="Subtracting max 𝐱 from every entry keeps their order, so the maximum stays where it is."),
        Claim(SECTION, "$= \\operatorname{one-hot}(\\operatorname{argmax}_{i=1, \\dots, N} e^{\\mathbf{x} - \\max(\\mathbf{x})})$",
              "A6.2 ②, smoothing chain, line 3",
              Search("argmax(𝐱 − max 𝐱) = argmax(e^{𝐱 − max 𝐱}) as sets (exp is increasing)",
                     nm.probe_argmax_identity(2), 200, error_name=nm.MOST_TIED),
              why="exp is strictly increasing, so it keeps the order of the entries."),
        Claim(SECTION, "$\\approx \\operatorname{one-hot}(\\operatorname{argmax}_{i=1, \\dots, N} e^{\\mathbf{x} - \\log \\sum_{k=1}^N e^{x_k}})$ "
              "(所圈的地方用到了①证明的 max 的光滑化)",
              "A6.2 ②, smoothing chain, line 4 (the circled step)",
              Search("argmax(e^{𝐱 − max 𝐱}) = argmax(e^{𝐱 − LSE(𝐱)}) as sets: both shift every entry by the same number",
                     nm.probe_argmax_identity(3), 200, error_name=nm.MOST_TIED),
              note="The smoothing of max from ① is not needed for this step.",
              why="Subtracting LSE(𝐱) instead of max 𝐱 shifts every entry by the same number, which never moves "
                  "an argmax: the step even holds with “=”."),
        Claim(SECTION, "$\\approx \\left[\\frac{e^{x_1}}{\\sum_{k=1}^N e^{x_k}}, \\dots, \\frac{e^{x_N}}{\\sum_{k=1}^N e^{x_k}} \\right] "
              "= \\operatorname{softmax}(\\mathbf{x})$ (softmax(x) 是 one-hot(argmax x) 的光滑化)",
              "A6.2 ②, smoothing chain, lines 5–6",
              (Relation(ratio1, sp.Matrix(softmax_entries(xs, 1)), domain=dom1),
               Search("one-hot(argmax softmax(𝐱)) ≈ softmax(𝐱) in the weakest sense: ‖softmax(𝐱) − one-hot(argmax 𝐱)‖∞ "
                      "< 1/2, i.e. softmax(𝐱) is nearer the right one-hot vector than any wrong one (t = 1)",
                      nm.Worked(nm.probe_more_mass_than_half, {"x": nm.mp(0, 0, 0.5)}), 300)),
              (Relation(ratio1, sp.Matrix(softmax_entries(xs, 1)), domain=dom1),
               Search("‖softmax(t𝐱) − one-hot(argmax 𝐱)‖₁ ≤ 2(n−1)e^{−tδ} → 0 (t from 0.01 to 1000, unique maximum)",
                      nm.probe_softmax_rate, 300, error_name=nm.RATIO)),
              "a temperature is added — softmax(t𝐱) with tδ large, δ the gap between the two largest entries — "
              "and the maximum is unique; at t = 1 near a tie softmax(𝐱) is nowhere near one-hot",
              note="The last equality is exact. Replacing one-hot(argmax 𝐩) by 𝐩 itself is the actual "
                   "approximation, and it is a good one only when one probability dominates.",
              why="“≈” needs a temperature, softmax(t𝐱) with tδ large: at t = 1 softmax(𝐱) can be far from "
                  "one-hot, e.g. softmax(0, 0, 0.5) = (0.27, 0.27, 0.45).",
              corrected=lim_softmax, severity="slip", step=T_LIMIT),
        Claim(SECTION, "$\\operatorname{argmax}(\\mathbf{x}) = \\sum_{i=1}^n i \\times \\operatorname{one-hot}(\\operatorname{argmax}(\\mathbf{x}))_i$",
              "A6.2 ②, argmax as an index sum",
              Search("argmax 𝐱 = Σ_i i·one-hot(argmax 𝐱)_i (n = 1 … 8, indices from 1)", nm.probe_index_sum, 200,
                     error_name=Tr("largest difference", "最大差值")),
              note="Exact wherever argmax is a single index; at a tie one-hot(argmax) is not defined.",
              why="one-hot(argmax 𝐱) has its single 1 at position argmax 𝐱, so the sum picks out that index."),
        Claim(SECTION, "$\\operatorname{argmax}(\\mathbf{x}) \\approx \\sum_{i=1}^n i \\times \\operatorname{softmax}(\\mathbf{x})_i "
              "= \\frac{\\sum_{i=1}^n i \\times e^{x_i}}{\\sum_{i=1}^n e^{x_i}}$",
              "A6.2 ②, first soft-argmax display",
              (Relation(s1, soft_argmax_elementary(xs, 1), domain=dom1),
               Search("|S_1(𝐱) − argmax 𝐱| < 1/2: rounding the soft-argmax recovers the argmax (t = 1)",
                      nm.Worked(nm.probe_soft_argmax_close, {"x": nm.mp(0, 0, 1)}), 300)),
              (Relation(s1, soft_argmax_elementary(xs, 1), domain=dom1),
               Search("|S_t(𝐱) − argmax 𝐱| ≤ n(n−1)/2 · e^{−tδ} (t from 0.01 to 1000, unique maximum)",
                      nm.probe_error_bound, 300, bound, nm.RATIO)),
              "a temperature t is added with tδ ≫ log(n²/2), δ the gap between the two largest entries, and "
              "the maximum is unique",
              note="The equality is exact; the “≈” is poor at t = 1: S_1 is pulled towards the middle index "
                   "(n + 1)/2 by every non-maximal entry.",
              why="The equality is exact, but at t = 1 the “≈” is coarse: S_1(0, 0, 1) = 2.36 while argmax = 3. "
                  "It needs a temperature with tδ large, which the seed adds two displays later.",
              corrected=fixed_form(bound), severity="slip", step=T_BOUND),
        Claim(SECTION, "$\\frac{\\partial \\operatorname{argmax}(\\mathbf{x})}{\\partial x_i} = i \\cdot softmax(x_i)(1 - softmax(x_i))$ (其梯度为)",
              "A6.2 ②, first gradient formula",
              Relation(seed_formula(x2, 1), gradient(s1_2, x2), domain=worked_domain(x2)),
              Relation(seed_formula(x2, 1, literal=True), gradient(s1_2, x2), domain=worked_domain(x2)),
              Tr("softmax(x_i) is read literally as softmax of the single number x_i (= 1, so the formula is 0)",
                 "把 softmax(x_i) 按字面理解为单个数 x_i 的 softmax（恒为 1，于是公式为 0）"),
              note="With s_i = softmax(𝐱)_i as the seed defines it in ①, the formula is the derivative of the "
                   "i-th term i·s_i alone; the true gradient of Σ_k k·s_k is s_i(i − Σ_k k·s_k). The seed "
                   "drops −s_i·Σ_{k≠i} k·s_k, so every component is too large (see the general-n step).",
              why="Only the i-th term i·s_i is differentiated, but every s_k depends on x_i: at 𝐱 = (0, 0) the "
                  "seed gives +1/4 for i = 1, the true derivative is −1/4.",
              corrected=fixed_form(general_gradient(s_i, i_, S_1, 1)), severity="error", step=T_QUOTIENT),
        Claim(SECTION, "$\\operatorname{argmax}(\\mathbf{x}) \\approx \\sum_{i=1}^n i \\times \\operatorname{softmax}(\\mathbf{x}) "
              "= \\frac{\\sum_{i=1}^n i \\times e^{x_i}}{\\sum_{i=1}^n e^{x_i}}$ (但观察到一个更加接近的近似)",
              "A6.2 ②, second soft-argmax display",
              Relation(vector_sum, soft_argmax_elementary(x2, 1), domain=dom2),
              Relation(s1_2, soft_argmax_elementary(x2, 1), domain=dom2),
              "the missing index is restored: Σ_i i·softmax(𝐱)_i",
              note="Without the index, Σ_i i·softmax(𝐱) = n(n+1)/2·softmax(𝐱) is a vector, not the scalar on the "
                   "right. With it, the display repeats the first one: it is not a closer approximation.",
              why="The subscript i is missing (a vector, not a number); with it the display repeats the first one.",
              corrected=fixed_form(Relation(sp.Sum(i_ * entry(Softmax(xvec), i_), (i_, 1, n_)),
                                 sp.Sum(i_ * sp.exp(x_idx), (i_, 1, n_)) / sp.Sum(sp.exp(x_idx), (i_, 1, n_)))),
              severity="slip", step=T_ELEMENTARY),
    ]


def limit_claims(limits) -> list[Claim]:
    """The temperature form, its limit t → ∞, the seed's gradient under the limit and the final formula."""
    return _limit_value_claims(limits) + _limit_gradient_claims()


def _limit_value_claims(limits) -> list[Claim]:
    """What S_t and softmax(t𝐱) tend to as t → ∞, and whether a larger t approximates better."""
    cases = {(kind, unique): nm.limit_cases(limits, kind, unique) for kind in ("soft-argmax", "softmax")
             for unique in (False, True)}
    bound, _ = bound_formulas()
    lim_softmax = fixed_form(Relation(sp.Limit(Softmax(t * xvec), t, sp.oo), MaxSubgradient(xvec)))
    lim_soft_argmax = fixed_form(Relation(sp.Limit(S_t, t, sp.oo), Argmax(xvec)))

    def fixed(statement, kind, unique, error_name):
        return Search(statement, nm.FixedCases(cases[kind, unique]), len(cases[kind, unique]), error_name=error_name)

    return [
        Claim(SECTION, "$\\sum_{i=1}^n i \\cdot \\operatorname{softmax}(tx_i) \\quad t \\rightarrow +\\infty$ … 尤其当 "
              "$t \\rightarrow +\\infty$ 时，其等价于 $\\operatorname{one-hot}(\\operatorname{argmax} x)$",
              "A6.2 ②, the temperature form and its limit",
              fixed("lim_{t→∞} S_t(𝐩) is an argmax of 𝐩, at fixed points with and without ties (exact limits)",
                    "soft-argmax", False, nm.LIMIT_GAP),
              fixed("lim_{t→∞} S_t(𝐩) = argmax 𝐩 where the maximum is unique (exact limits)", "soft-argmax", True,
                    nm.LIMIT_GAP),
              "the maximum is unique (and softmax(tx_i) is read as softmax(t𝐱)_i)",
              note="S_t tends to the index argmax 𝐱, not to the vector one-hot(argmax 𝐱) (that is the limit of "
                   "softmax(t𝐱)). At a tie it tends to the mean of the tied positions, which may not be a "
                   "maximiser at all.",
              why="True where the maximum is unique; at a tie S_t tends to the mean of the tied positions: "
                  "S_t(1, 0, 1) → 2, and x_2 is not a maximum.",
              corrected=lim_soft_argmax, severity="degenerate", step=T_LIMIT),
        Claim(SECTION, "显然，这是一个更接近的近似 (a larger t gives a closer approximation)",
              "A6.2 ②, “显然，这是一个更接近的近似”",
              Search("|S_t(𝐱) − argmax 𝐱| does not increase with t (random 𝐱, t₁ < t₂ from 0.01 to 100)",
                     nm.Worked(nm.probe_monotone_in_t, {"x": nm.mp(0, 1, 0.5), "t1": nm.mp("0.1")[0],
                                                        "t2": nm.mp(1)[0]}), 300),
              Search("|S_t(𝐱) − argmax 𝐱| ≤ n(n−1)/2 · e^{−tδ}, a bound that decreases with t",
                     nm.probe_error_bound, 300, bound, nm.RATIO),
              "“closer” is read as “a smaller error bound”: the bound n(n−1)/2·e^{−tδ} decreases with t, the "
              "error itself need not (as t → 0, S_t → (n+1)/2, which is exact when the argmax is the middle index)",
              why="The error bound decreases with t, the error itself need not: for 𝐱 = (0, 1, 0.5) it is 0.016 "
                  "at t = 0.1 but 0.12 at t = 1.",
              corrected=fixed_form(bound), severity="slip", step=T_BOUND),
        Claim(SECTION, "对 $\\operatorname{softmax}(tx_i)$ 上下同时除以 $e^{tx_{\\max}}$ 得到：若 x_i 不为最大值，则为0；否则为1",
              "A6.2 ②, the parenthesis after the temperature form",
              fixed("lim_{t→∞} softmax(t𝐩)_i is 1 at the maximum and 0 elsewhere, at fixed points with and without "
                    "ties (exact limits)", "softmax", False, nm.RULE_GAP),
              fixed("the same where the maximum is unique", "softmax", True, nm.RULE_GAP),
              "the maximum is unique; at a tie of k entries each tends to 1/k",
              why="True where the maximum is unique; at a tie of k entries each tends to 1/k: softmax(t·(1, 0, 1)) "
                  "→ (1/2, 0, 1/2).",
              corrected=lim_softmax, severity="degenerate", step=T_LIMIT),
    ]


def _limit_gradient_claims() -> list[Claim]:
    """The seed's gradient under the limit, its limit, the remarks on large t and the final formula."""
    x2 = scalars("x", 2)
    s1 = soft_argmax_expr(x2, 1)
    _, grad_bound = bound_formulas()
    at_tie = {"x": nm.mp(0, 0)}
    at_one = worked_domain(x2, {t: sp.Integer(1)})

    return [
        Claim(SECTION, "随即求导得 $t \\cdot i \\cdot \\operatorname{softmax}(tx_i) \\cdot (1 - \\operatorname{softmax}(tx_i))$ "
              "(the expression under the limit, as the derivative of $\\sum_i i \\cdot \\operatorname{softmax}(tx_i)$)",
              "A6.2 ②, “随即求导得”, the expression under the limit",
              Relation(seed_formula(x2), gradient(soft_argmax_expr(x2), x2), domain=at_one),
              Relation(seed_formula(x2, literal=True), gradient(soft_argmax_expr(x2), x2), domain=at_one),
              Tr("softmax(tx_i) is read literally (softmax of one number is 1)",
                 "把 softmax(tx_i) 按字面理解（单个数的 softmax 恒为 1）"),
              note="The same dropped cross terms as in the first gradient formula; the true derivative is the "
                   "closed form in the model section.",
              why="The same missing cross terms as in the first gradient formula: at 𝐱 = (0, 0), t = 1 it gives "
                  "+1/4 for i = 1, the true derivative is −1/4.",
              corrected=fixed_form(general_gradient(s_i, i_)), severity="error", step=T_QUOTIENT),
        Claim(SECTION, "$\\frac{\\partial}{\\partial x_i} \\operatorname{argmax}(\\mathbf{x}) = \\lim_{t \\rightarrow +\\infty} "
              "t \\cdot i \\cdot \\operatorname{softmax}(tx_i) \\cdot (1 - \\operatorname{softmax}(tx_i))$",
              "A6.2 ②, “随即求导得”, the limit",
              Search("argmax is differentiable at 𝐱 and the limit equals its derivative (random 𝐱, ties with "
                     "probability 0.3)", nm.Worked(nm.probe_seed_limit(0.3), at_tie), 200),
              Search("where the maximum is unique: 0 ≤ t·i·s_i(1 − s_i) ≤ t·n(n−1)·e^{−tδ} → 0 = ∂argmax/∂x_i",
                     nm.probe_seed_limit(0.0), 200, error_name=nm.RATIO),
              "the maximum is unique — and then both sides are 0, the useless exact gradient of argmax",
              note="True only by accident: the expression under the limit is not the derivative of the "
                   "soft-argmax (previous claim), but it tends to 0 as the true one does.",
              why="Where the maximum is unique both sides are 0; at a tie argmax has no derivative and the "
                  "expression grows like t (t/2 for i = 2 at 𝐱 = (0, 0)).",
              corrected=fixed_form(Relation(sp.Derivative(y, x_i), sp.Integer(0))), severity="degenerate",
              step=T_LOCAL),
        Claim(SECTION, "t 不能取无穷，这会导致函数失去梯度（等价于 $\\operatorname{one-hot}(\\operatorname{argmax} x)$ ）",
              "A6.2 ②, first remark after the limit",
              Search("∇S_t(𝐱) → 0 as t → ∞ (random 𝐱, ties with probability 0.3)",
                     nm.Worked(nm.probe_gradient_vanishes(0.3), at_tie), 200),
              Search("‖∇S_t(𝐱)‖₁ ≤ t(n−1)(3n−2)/2 · e^{−tδ} → 0 where the maximum is unique",
                     nm.probe_gradient_vanishes(0.0), 200, grad_bound, nm.RATIO),
              "the maximum is unique; at a tie the gradient grows like t instead",
              why="True where the maximum is unique (the gradient vanishes like t·e^{−tδ}); at a tie it grows like "
                  "t instead: ‖∇S_t(0, 0)‖₁ = t/2.",
              corrected=fixed_form(grad_bound), severity="degenerate", step=T_VANISH),
        Claim(SECTION, "t 若取很大的值，也会导致函数不太光滑", "A6.2 ②, second remark", (tie_gradient(),),
              note="At the tie x_1 = x_2 (n = 2) the slope is exactly ±t/4, so the Lipschitz constant of S_t "
                   "grows at least linearly in t.",
              why="At the tie x_1 = x_2 the slope of S_t is exactly ±t/4: the larger t, the steeper S_t.", step=T_TIE),
        Claim(SECTION, "所以实际上我们还是使用下式来近似 $\\frac{\\partial \\operatorname{argmax}(\\mathbf{x})}{\\partial x_i} = "
              "i \\cdot \\operatorname{softmax}(x_i)(1 - \\operatorname{softmax}(x_i))$",
              "A6.2 ②, final formula",
              Relation(seed_formula(x2, 1), gradient(s1, x2), domain=worked_domain(x2)),
              Relation(sp.Integer(0), sp.Add(*seed_formula(x2, 1)), domain=worked_domain(x2)),
              Tr("it is read as a surrogate direction rather than a gradient — a surrogate for argmax must still "
                 "sum to zero over i, since argmax ignores a common shift of all entries",
                 "把它理解为一个替代的方向而非梯度——但 argmax 不受所有分量同加一个数的影响，所以它的替代梯度"
                 "各分量之和仍须为 0"),
              note="Every entry is positive, so it always says “increase every x_i”, which does not change "
                   "argmax at all. The usable surrogate is ∇S_t = t·softmax(t𝐱) ⊙ (𝐢 − S_t), generated below.",
              why="It is the first gradient formula again, with the same missing cross terms; its entries are "
                  "all positive and do not even sum to 0 (3/4 at 𝐱 = (0, 0)).",
              corrected=fixed_form(Relation(sp.Derivative(S_t, xvec), jacobian_form())), severity="error",
              step=T_JACOBIAN),
    ]
