"""What the seed says about the plain RNN (A6.3), kept apart so that the derivation module stays short: its
claims encoded for the checker, with the errata fields (why, corrected statement, severity, step), the
answers per question and the page's notation. Not a derivation itself (nothing here is registered);
``rnn_jacobian`` uses it.

A failing formula gets a special point of small integers, so that its counter-example is one a student can
redo by hand: W_R = 2I shows an extra factor (4 instead of 2), W_R swapping the two units shows the order.
"""
from __future__ import annotations

import sympy as sp
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction as Elementwise

from ..functions import TanhPrime
from ..kit import matrix_symbols as ms
from ..model import Answer, Claim, Domain, Relation, Tr
from ._rnn_numeric import search
from .rnn_jacobian import (D, EXPLODES_WHERE, H, ORDER_POINT, SECTION, VANISHES_WHERE, W_I, W_R, b_vec, column,
                           general_forms, grad_of, input_columns, jacobian_product, paths_form, point,
                           product_form, seed_sum_relation, spectral, state_jacobian, tanh_vec, tanhp_diag)

# the step titles that derive the right results (the errata page links to them)
STEP_ONE = "One step: ∂h_{k+1}/∂h_k = diag(tanh′(a_{k+1})) W_R"
STEP_PRODUCT = "∂h_t/∂h_l is a product of t − l one-step Jacobians, later steps on the left"
STEP_PATHS = ("The gradient of one loss term as a sum over paths: "
              "∂E_t/∂W_R = Σ_{i=1}^{t} (∂E_t/∂h_t)(∂h_t/∂h_i)(∂⁺h_i/∂W_R)")
STEP_BOUND = "Norm bound: ‖∂h_t/∂h_l‖₂ ≤ (γ σ_max(W_R))^{t−l} with γ = 1 (Pascanu, Mikolov, Bengio 2013)"
# W_R = I, no saturation (tanh′ = 1), h_0 = e_1, δ_2 = e_1: the path through h_1 is counted twice
PATH_POINT = {**point(W=(1, 0, 0, 1), a1=(0, 0), a2=(0, 0)),
              **dict(zip(column("h", H, 0), (sp.Integer(1), sp.Integer(0)))),
              **dict(zip(column("h", H, 1), (sp.Integer(0), sp.Integer(0)))),
              **dict(zip(column(r"\delta", H, 2), (sp.Integer(1), sp.Integer(0))))}
INDEX_POINT = point(W=(1, 0, 0, 1), a1=(1, 0), a2=(0, 0), a3=(0, 0))  # tanh′(1) ≠ tanh′(0)
RANGE_POINT = point(W=(2, 0, 0, 2), a1=(0, 0), a2=(0, 0), a3=(0, 0))  # W_R = 2I: each factor doubles


def seed_claims():
    return formula_claims() + eigenvalue_claims()


def eq(lhs, rhs):
    """A corrected statement as a SymPy equality (kept as written)."""
    return sp.Eq(lhs, rhs, evaluate=False)


def formula_claims():
    """The seed's model, its gradient formula and its three ways of writing the Jacobian product."""
    xs = input_columns(3)
    hprev = column("h", H, "p")
    g = general_forms()
    Wr, Wi, hk, xk1 = g["Wr"], g["Wi"], g["hk"], g["xk1"]
    pairs = ((2, 0), (3, 1))
    chain = paths_form(Wr)[0]

    def jac(t, l):
        return state_jacobian(t, l, bias=False, name=True)

    def seed_factor(i):  # diag(tanh′(W_I x_i + W_R h_{i−1})) W_R, as the seed indexes it, a_i named
        return tanhp_diag(column("a", H, i)) * W_R

    nc = [sp.Symbol(s, commutative=False) for s in (r"\frac{\partial h_t}{\partial h_{t-1}}",
                                                     r"\frac{\partial h_{t-1}}{\partial h_{t-2}}", r"\cdots",
                                                     r"\frac{\partial h_{i+1}}{\partial h_i}")]
    return [
        Claim(SECTION, "$$\\begin{aligned}h_t &= \\tanh(W_I x_t + W_R h_{t-1}) \\\\ y_t &= W_o h_t\\end{aligned}$$",
              "A6.3, “对于普通的RNN”, the model",
              Relation(tanh_vec(W_I * xs[1] + W_R * hprev),
                       tanh_vec(W_I * xs[1] + W_R * hprev + b_vec).xreplace({s: 0 for s in b_vec})),
              note="torch.nn.RNN adds b = b_ih + b_hh inside tanh; the derivation and the code carry it.",
              why="The seed's model is torch.nn.RNN with zero bias; a bias changes no Jacobian and only adds "
                  "∂E/∂b = Σ_t e_t."),
        Claim(SECTION, "$$\\frac{\\partial E_k}{\\partial W_R} = \\sum_{i=0}^t \\frac{\\partial E_t}{\\partial y_t} "
                       "\\frac{\\partial y_t}{\\partial h_t} \\frac{\\partial h_t}{\\partial h_i} "
                       "\\frac{\\partial h_i}{\\partial W_R}$$",
              "A6.3 RNN, first gradient formula",
              seed_sum_relation(immediate=False, start=0, domain=Domain(special=[PATH_POINT]))[0],
              seed_sum_relation(immediate=True, start=0)[0],
              "∂h_i/∂W_R is the immediate partial derivative ∂⁺h_i/∂W_R (h_{i−1} held fixed, Pascanu et al. 2013) "
              "and E_k on the left is the E_t on the right (the i = 0 term is then zero)",
              note="For the whole loss E = Σ_t E_t the right-hand side is summed over t as well (step “BPTT”).",
              why="Read as the total derivative of h_i, ∂h_i/∂W_R counts every path through earlier steps again "
                  "(in the example the seed's side is 2, the true gradient 1); E_k should be E_t.",
              corrected=eq(chain.lhs, chain.rhs),
              severity="slip", step=STEP_PATHS),
        Claim(SECTION, "$$\\frac{\\partial h_t}{\\partial h_i} = \\frac{\\partial h_t}{\\partial h_{t-1}} "
                       "\\frac{\\partial h_{t-1}}{\\partial h_{t-2}} \\dots \\frac{\\partial h_{i+1}}{\\partial h_i}$$",
              "A6.3 RNN, “其中”, the chain of Jacobians",
              tuple(Relation(jac(t, i), jacobian_product(t, i, bias=False, name=True)) for t, i in pairs),
              why="The chain rule through the states in between, later steps on the left.", step=STEP_PRODUCT),
        Claim(SECTION, "$$\\dots = \\prod_{k=i}^{t-1} \\frac{\\partial h_{k+1}}{\\partial h_k}$$",
              "A6.3 RNN, “其中”, the product sign",
              tuple(Relation(jac(t, i), jacobian_product(t, i, descending=False, bias=False, name=True), "=",
                             Domain(special=[ORDER_POINT])) for t, i in pairs),
              tuple(Relation(jac(t, i), jacobian_product(t, i, bias=False, name=True)) for t, i in pairs),
              "the product is read from k = t − 1 on the left down to k = i on the right, as the chain before it is "
              "written; matrix products do not commute, and ∏ read left to right (k = i first) gives the wrong order",
              why="∏ does not say the order, and matrix products do not commute: later steps must stand on the left.",
              corrected=eq(ms(r"\frac{\partial h_t}{\partial h_i}", H, H), sp.Mul(*nc)),
              severity="slip", step=STEP_PRODUCT),
        Claim(SECTION, "$$\\frac{\\partial h_{k+1}}{\\partial h_k} = \\operatorname{diag}(\\tanh'(W_I x_i + W_R "
                       "h_{i-1})) W_R$$",
              "A6.3 RNN, “而”, the one-step Jacobian",
              tuple(Relation(jac(k + 1, k), seed_factor(i), "=", Domain(special=[INDEX_POINT]))
                    for k, i in ((2, 1), (1, 3), (2, 2))),
              tuple(Relation(jac(k + 1, k), seed_factor(k + 1)) for k in (1, 2)),
              "the index i in the argument is read as k + 1: tanh′ is taken at step k+1's own pre-activation "
              "W_I x_{k+1} + W_R h_k (as written, i is the lower end of the chain, a different step)",
              why="tanh′ belongs to the pre-activation of step k+1, W_I x_{k+1} + W_R h_k; the index i is a slip.",
              corrected=eq(ms(r"\frac{\partial h_{k+1}}{\partial h_k}", H, H),
                           sp.DiagMatrix(Elementwise(TanhPrime, Wi * xk1 + Wr * hk)) * Wr),
              severity="slip", step=STEP_ONE),
        Claim(SECTION, "$$\\frac{\\partial h_t}{\\partial h_l} = \\prod_{i=l}^t \\operatorname{diag}(\\tanh'(W_I x_i + "
                       "W_R h_{i-1})) W_R$$",
              "A6.3 RNN, “则梯度为”",
              tuple(Relation(jac(t, l), jacobian_product(t, l, descending=False, bias=False, first=l, name=True),
                             "=", Domain(special=[RANGE_POINT])) for t, l in ((2, 1), (3, 1))),
              tuple(Relation(jac(t, l), jacobian_product(t, l, descending=True, bias=False, first=l, name=True),
                             "=", Domain(special=[RANGE_POINT])) for t, l in ((2, 1), (3, 1))),
              "the product is taken in descending order (i = t on the left), the only notational freedom; the range "
              "i = l … t stays as written",
              note="The range has one factor too many: i = l contributes diag(tanh′(a_l)) W_R, the Jacobian of a step "
                   "before h_l.",
              why="The range i = l … t has t − l + 1 factors, one too many (with W_R = 2I: 4 instead of 2); it must "
                  "run from i = l + 1, later steps on the left.",
              corrected=eq(product_form(Wr).lhs, product_form(Wr).rhs), severity="error", step=STEP_PRODUCT),
    ]


def eigenvalue_claims():
    """The seed's four statements on eigenvalues, tanh′ and long-range influence, checked by searches."""
    z = sp.Symbol("z", real=True)
    sigma, rho, norm = spectral()
    t, l = sp.Symbol("t", integer=True), sp.Symbol("l", integer=True)
    Wr = general_forms()["Wr"]
    return [
        Claim(SECTION, "若矩阵 W_R 的主特征值大于1, 则会导致梯度爆炸", EXPLODES_WHERE,
              search("explodes"), search("linear explodes"),
              "the units stay in tanh's linear regime (tanh′ ≈ 1); saturated units multiply the product by tanh′ ≈ 0, "
              "so for the tanh RNN ρ(W_R) > 1 is necessary for exploding gradients, not sufficient",
              why="ρ(W_R) > 1 is necessary for exploding, not sufficient: saturated units (tanh′ ≈ 0) shrink the "
                  "product.",
              corrected=Tr("ρ(W_R) > 1 is necessary for an exploding gradient, not sufficient; it suffices in the "
                           "linear regime (tanh′ ≈ 1), where ‖W_R^t‖₂ ≥ ρ(W_R)^t grows without bound.",
                           "ρ(W_R) > 1 是梯度爆炸的必要条件而非充分条件；只有在线性区（tanh′ ≈ 1）它才充分，"
                           "此时 ‖W_R^t‖₂ ≥ ρ(W_R)^t 无界增长。"),
              severity="error", step=STEP_BOUND),
        Claim(SECTION, "若矩阵 W_R 的主特征值小于1, 则会导致梯度消失", VANISHES_WHERE,
              search("vanishes"), search("sigma vanishes"),
              "the largest singular value σ_max(W_R) < 1 = 1/γ takes the place of the principal eigenvalue (Pascanu et "
              "al.): then ‖∂h_t/∂h_l‖₂ ≤ σ_max^{t−l} → 0; with only ρ(W_R) < 1 a non-normal W_R can amplify the "
              "gradient over many steps",
              why="A W_R far from normal with ρ(W_R) < 1 < σ_max(W_R) amplifies the gradient over 40 steps (ρ < 1 "
                  "gives vanishing only in the limit t → ∞ of the linear regime); σ_max(W_R) < 1 guarantees it.",
              corrected=sp.Implies(sp.Lt(sigma(Wr), 1), sp.Le(norm, sigma(Wr) ** (t - l)), evaluate=False),
              severity="error", step=STEP_BOUND),
        Claim(SECTION, "$\\tanh$ 的导数总是小于等于1", "A6.3 RNN, “可以看到”, third bullet (first half)",
              Relation(TanhPrime(z), sp.Integer(1), "<=", Domain(ranges={z: (-8.0, 8.0)}, special=[{z: 0}])),
              why="tanh′(z) = 1 − tanh²(z) ≤ 1, with equality at z = 0.", step="γ = max tanh′ = 1, attained at z = 0"),
        Claim(SECTION, "当 W_R 的主特征值小于1, 梯度可能变为0", "A6.3 RNN, “可以看到”, third bullet (second half)",
              search("can vanish"),
              note="The norm becomes tiny, not exactly 0: tanh′ > 0, so the product is 0 only when W_R itself is "
                   "singular.",
              why="“May” asks for one example, and random tanh RNNs with ρ(W_R) < 1 whose gradient falls below 1e-6 "
                  "are found at once."),
        Claim(SECTION, "这代表前面的隐藏层对后面的隐藏层造成的影响十分小! 是远距离的梯度消失。",
              "A6.3 RNN, “可以看到”, fourth bullet", search("influence"),
              why="tanh is 1-Lipschitz, so a change δ of h_0 moves h_t by at most σ_max(W_R)^t ‖δ‖; small when "
                  "σ_max(W_R) < 1.", step=STEP_BOUND),
    ]


# ----------------------------------------------------------------------------------------------------
# the answers per question, and the notation
# ----------------------------------------------------------------------------------------------------
def answers():
    g = general_forms()
    Wr, Wo = g["Wr"], g["Wo"]
    sigma, _, norm = spectral()
    t, l, T = sp.Symbol("t", integer=True), sp.Symbol("l", integer=True), sp.Symbol("T")
    e_t = ms("e_t", H)
    bptt = (Relation(grad_of("W_R", H, H), sp.Sum(e_t * ms("h_{t-1}", H).T, (t, 1, T))),
            Relation(e_t, sp.HadamardProduct(Elementwise(TanhPrime, ms("a_t", H)),
                                             sp.MatAdd(Wo.T * ms("g_t", H), Wr.T * ms("e_{t+1}", H),
                                                       evaluate=False))))
    return [
        Answer("What is ∂h_t/∂h_l for the plain RNN?",
               "A product of one-step Jacobians, ∏_{i=l}^{t} diag(tanh′(W_I x_i + W_R h_{i−1})) W_R.",
               "The chain ∂h_t/∂h_{t−1} ⋯ ∂h_{l+1}/∂h_l is right, but the final product has one factor too many "
               "(i = l), leaves the order open, and the one-step factor is written at step i instead of k + 1.",
               product_form(Wr), "t − l factors, k = t on the left down to k = l + 1."),
        Answer("How does the gradient with respect to W_R flow back in time (BPTT)?",
               "∂E_k/∂W_R = Σ_{i=0}^{t} (∂E_t/∂y_t)(∂y_t/∂h_t)(∂h_t/∂h_i)(∂h_i/∂W_R).",
               "Right if ∂h_i/∂W_R is the immediate partial derivative (h_{i−1} held fixed); as a total derivative "
               "every path is counted again. E_k should be E_t, and for E = Σ_t E_t the terms are summed over t. "
               "The backward recursion computes all of it in one pass.",
               bptt, "g_t = ∂E_t/∂y_t, e_t = ∂E/∂a_t, e_{T+1} = 0; the other gradients follow from the same e_t."),
        Answer("When does the gradient vanish or explode?",
               "If the principal eigenvalue of W_R is above 1 the gradient explodes, below 1 it vanishes; tanh′ ≤ 1 "
               "can make it 0.",
               "Eigenvalues decide neither: a W_R far from normal with ρ(W_R) < 1 can amplify the gradient, and "
               "saturated units (tanh′ ≈ 0) make it vanish although ρ(W_R) > 1. The largest singular value bounds it.",
               Relation(norm, (sp.Symbol(r"\gamma") * sigma(Wr)) ** (t - l), "<="),
               "γ = max tanh′ = 1: σ_max(W_R) < 1 suffices for vanishing; ρ(W_R) > 1 is necessary for exploding, "
               "not sufficient."),
    ]


def notation():
    g = general_forms()
    sigma, rho, _ = spectral()
    Wr = g["Wr"]
    rows = [
        (ms("x_t", D), "input at step t"),
        (ms("h_t", H), "hidden state at step t (H entries); h_0 is the initial state"),
        (ms("a_t", H), "pre-activation W_I x_t + W_R h_{t−1} + b, so h_t = tanh(a_t)"),
        (g["Wi"], "input weights (torch.nn.RNN: W_ih)"),
        (Wr, "recurrent weights (torch.nn.RNN: W_hh)"),
        (g["Wo"], "output weights, y_t = W_o h_t"),
        (g["b"], "bias (torch.nn.RNN: b_ih + b_hh); the seed leaves it out"),
        (sp.Symbol("E_t"), "loss at step t; E = Σ_t E_t"),
        (ms("g_t", H), "∂E_t/∂y_t, the gradient from the output at step t"),
        (ms(r"\delta_t", H), "∂E/∂h_t, through every later step"),
        (ms("e_t", H), "∂E/∂a_t = tanh′(a_t) ⊙ δ_t"),
        (sp.Symbol(r"\frac{\partial^{+} h_i}{\partial W_R}"), "immediate partial derivative: h_{i−1} held fixed"),
        (sp.Symbol("a_{k,i}"), "entry i of a_k (likewise h_{k,i}), named so in the checked instances once SymPy has "
                                "differentiated"),
        (sp.Symbol(r"\gamma"), "the largest value of tanh′, γ = 1"),
        (rho(Wr), "spectral radius: the largest |eigenvalue| (the seed's 主特征值)"),
        (sigma(Wr), "largest singular value, ‖W_R‖₂"),
        (ms("H_t", H), "the code's batch of states, one sample per row (likewise X, A_t, G_t, Δ_t)"),
    ]
    return rows
