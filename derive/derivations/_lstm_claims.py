"""What the seed says about the LSTM (A6.3, “对于LSTM”), kept apart so that the derivation module stays short:
its claims encoded for the checker, with the errata fields (why, corrected statement, severity, step), the
answers per question and the page's notation. Not a derivation itself (nothing here is registered);
``lstm_jacobian`` uses it. The Chinese of the English texts is in ``derive/i18n/zh/lstm_jacobian.py``.
"""
from __future__ import annotations

import sympy as sp

from ..functions import Sigmoid, Tanh, TanhPrime
from ..model import Answer, Claim, Domain, Relation, Search, Tr
from ._lstm_code import GATES, sym
from ._lstm_forms import (B_HH, B_IH, ONE, W, W_HH, W_IH, D, H, at, bptt_rules, c_prev, cell, delta, diag, dsig,
                          four_term, h_prev, joint_form, o_prev, square, term_symbol, unit_forms, x_t)
from ._lstm_numeric import probe_explode, probe_forget_path, probe_no_vanish
from .lstm_jacobian import (DOM, SECTION, STEP_BPTT, STEP_CELL, STEP_CHAIN, STEP_JOINT, STEP_ONE, cell_path,
                            cell_path_symbol, joint_square, one_step_check, one_step_scalar, one_step_show, pre_names,
                            two_step, unit_show)

WHERE = "A6.3 对于LSTM"
BULLETS = "A6.3 LSTM缓解远距离梯度消失的效果"


def eq(lhs, rhs):
    """A corrected statement as a SymPy equality (kept as written)."""
    return sp.Eq(lhs, rhs, evaluate=False)


def seed_claims():
    return formula_claims() + remark_claims()


def seed_cell(inputs, weights):
    """The seed's bias-free C_t, for any list of inputs and weights per gate."""
    z = {g: sum(w * v for w, v in zip(weights[g], inputs)) for g in GATES}
    return Sigmoid(z["f"]) * c_prev + Sigmoid(z["i"]) * Tanh(z["C"])


def loss_gradient_claim(n_steps: int = 2):
    """The seed's ∂E_k/∂W_R (k read as t = n_steps) against SymPy's gradient of E_t through (h, C)."""
    h0, c0, wy, yhat = sym("h_0"), sym("C_0"), sym("w_y"), sym("\\hat{y}")
    xs = [sym(f"x_{k}") for k in range(1, n_steps + 1)]
    h, c = h0, c0
    traj = []  # per step: (cell step, C_{k-1})
    for x in xs:
        step = cell(x, h, c)
        traj.append((step, c))
        h, c = step[3], step[2]
    y = wy * h
    E = (y - yhat) ** 2 / 2
    relations = []
    for g in ("f", "o"):  # the cell-path gate and the output gate (whose W_R the formula misses entirely)
        w_r = W[g][1]
        (_, gates_t, c_t, _), _ = traj[-1]
        head = (y - yhat) * wy * gates_t[3] * TanhPrime(c_t)  # ∂E_t/∂y_t · ∂y_t/∂h_t · ∂h_t/∂C_t
        total = sp.Integer(0)
        for i_step in range(1, n_steps + 1):  # the i = 0 term vanishes: C_0 does not depend on W_R
            (_, (i_g, f_g, ct_g, _), _, _), c_im1 = traj[i_step - 1]
            immediate = sp.diff(f_g * c_im1 + i_g * ct_g, w_r)  # ∂C_i/∂W_R with C_{i-1}, h_{i-1} held
            prod = sp.Integer(1)
            for k in range(i_step, n_steps):
                prod = four_term(traj[k][0], traj[k][1], traj[k - 1][0][1][3]) * prod
            total += head * prod * immediate
        relations.append(Relation(total, sp.diff(E, w_r), domain=Domain(samples=6)))
    return relations


def chain_form(top="t", low="i"):
    """∂C_top/∂C_low = [0 I] J_top ⋯ J_{low+1} [D_low; I]: the C row of the product of joint Jacobians."""
    c_row = sp.BlockMatrix([[sp.ZeroMatrix(H, H), sp.Identity(H)]])
    start = sp.BlockMatrix([[square(f"D_{{{low}}}")], [sp.Identity(H)]])
    return Relation(sp.Derivative(at(top)["C"], at(low)["C"]),
                    sp.MatMul(c_row, joint_square(f"J_{{{top}}}"), sp.MatrixSymbol("\\cdots", 2 * H, 2 * H),
                              joint_square(f"J_{{{low}+1}}"), start))


def joint_named(k="k", p="k-1"):
    """J_k in its named blocks A_k, D_k, G_k."""
    return Relation(joint_square(f"J_{{{k}}}"),
                    joint_form(k, p, square(f"A_{{{k}}}"), square(f"D_{{{k}}}"), square(f"G_{{{k}}}")))


def four_terms_named():
    """F_t as the seed's four terms: diag(f_t) + A_{f,t} D_{t−1} + A_{i,t} D_{t−1} + A_{C,t} D_{t−1}."""
    Dp = square("D_{t-1}")
    return eq(square("F_{t}"), sp.MatAdd(diag(at("t")["f"]), *(sp.MatMul(term_symbol(g, "t"), Dp)
                                                               for g in ("f", "i", "C"))))


def bias_gradient():
    show = bptt_rules()[0]
    (rel,) = [r for r in show if r.lhs == sp.Derivative(sym("E"), B_IH)]
    return rel


def parameter_gradients():
    """∂E/∂W_hh, ∂E/∂W_ih, ∂E/∂b_ih (= ∂E/∂b_hh): the relations the BPTT step shows."""
    show = bptt_rules()[0]
    E = sym("E")
    pick = {r.lhs: r for r in show}
    return tuple(pick[sp.Derivative(E, M)] for M in (W_HH, W_IH, B_IH))


def formula_claims():
    total, four, step = one_step_scalar()
    a, (i, f, ct, o), c_new, h_one = step
    scalar_check, vector_check = one_step_check()
    true2, prod2, _, _, dom2, _ = two_step()
    names = pre_names(a, "t")
    folded = seed_cell([x_t, h_prev, sp.Integer(1)], {g: W[g] for g in GATES})  # W_g = [w_xg, w_hg, b_g]
    no_bias = {W[g][2]: 0 for g in GATES}
    # moderate ranges, so that a counter-example is not a saturated gate with a tiny derivative
    moderate = Domain(ranges={v: (-1.0, 1.0) for v in sorted(h_one.free_symbols | four.free_symbols,
                                                            key=lambda v: v.name) if v != o_prev} | {o_prev: (0.05, 0.95)},
                      samples=6)
    bias_grad = [Relation(sp.diff(h_one, W[g][2]), sp.Integer(0), domain=moderate) for g in GATES]
    bias_grad.append(Relation(sp.diff(four, W["f"][2]), sp.Integer(0), domain=moderate))
    # the expanded form read literally: W_f is the whole matrix acting on [x_t, h_{t-1}] (a row here)
    row = lambda g: sp.Matrix([[W[g][0], W[g][1]]])  # noqa: E731
    dh_dc = o_prev * TanhPrime(c_prev)
    seed_expanded_literal = (c_prev * dsig(a["f"]) * row("f") * dh_dc + f * sp.ones(1, 2)
                             + ct * dsig(a["i"]) * row("i") * dh_dc + i * TanhPrime(a["C"]) * row("C") * dh_dc)
    seed_expanded = (c_prev * dsig(a["f"]) * W["f"][1] * dh_dc + f
                     + ct * dsig(a["i"]) * W["i"][1] * dh_dc + i * TanhPrime(a["C"]) * W["C"][1] * dh_dc)
    name = lambda e: e.xreplace(names)  # noqa: E731
    grad_hh = parameter_gradients()[0]
    chain = chain_form()
    return [
        Claim(SECTION, "$f_t = \\sigma(W_f[x_t, h_{t-1}]),\\ i_t = \\sigma(W_i[x_t, h_{t-1}]),\\ "
                       "o_t = \\sigma(W_o[x_t, h_{t-1}]),\\ \\tilde{C}_t = \\tanh(W_C[x_t, h_{t-1}]),\\ "
                       "C_t = f_t \\cdot C_{t-1} + i_t \\cdot \\tilde{C}_t,\\ h_t = o_t \\cdot \\tanh(C_t)$",
              f"{WHERE}, the model equations",
              Relation(seed_cell([x_t, h_prev], {g: W[g][:2] for g in GATES}), c_new.xreplace(no_bias), domain=DOM),
              note="Gate order and layout aside (torch stacks i, f, g, o), the cell equations are the standard "
                   "LSTM; the derivation and the generated code carry the biases (torch.nn.LSTM has two, b_ih + "
                   "b_hh).",
              why="The seed's model is torch.nn.LSTM with the biases set to zero, as its conventions (约定) declare; "
                  "“·” is declared to be ⊙."),
        Claim(SECTION, "忽略 $bias$ (其在求导中不会出现)", f"{WHERE}, 约定",
              tuple(bias_grad),
              (Relation(folded, c_new, domain=DOM), scalar_check),
              "the bias is folded into each W as a column acting on a constant input 1, i.e. [x_t, h_{t−1}, 1]: "
              "then it needs no term of its own in any Jacobian, and the seed's σ′(·), tanh′(·) are taken at the "
              "pre-activations with the bias",
              note="The bias gradients are Σ_t δa_t (not zero, checked against torch in the tests), and the "
                   "biases sit inside every σ′(·) and tanh′(·) of the Jacobians. Folding b into W with a "
                   "constant input 1 is a valid way to drop it from the notation, not from the derivatives.",
              why="The bias does enter the derivatives, inside every σ′(·) and tanh′(·), and has a gradient of its "
                  "own; leaving it out of the notation changes none of the seed's formulas.",
              corrected=eq(bias_gradient().lhs, bias_gradient().rhs), severity="slip", step=STEP_BPTT),
        Claim(SECTION, "$\\frac{\\partial E_k}{\\partial W_R} = \\sum_{i=0}^t \\frac{\\partial E_t}{\\partial y_t} "
                       "\\cdot \\frac{\\partial y_t}{\\partial h_t} \\cdot \\frac{\\partial h_t}{\\partial C_t} \\cdot "
                       "\\frac{\\partial C_t}{\\partial C_{t-1}} \\cdot \\dots \\cdot "
                       "\\frac{\\partial C_{i+1}}{\\partial C_i} \\cdot \\frac{\\partial C_i}{\\partial W_R}$",
              f"{WHERE}, 则有",
              tuple(loss_gradient_claim(2)),
              note="Read with k = t (the left side says E_k, the right side E_t) and each ∂C_{k+1}/∂C_k as the "
                   "seed's four-term factor. It drops every path that leaves the cell chain through h: h_t's own "
                   "dependence on W_R through o_t (for W_R = w_ho the formula gives 0), and the o-path of each "
                   "factor. The correct gradient is the BPTT recursion through the joint state (h, C) above.",
              why="A chain through the cell states alone misses every path through h: the output gate makes h_t "
                  "and each step depend on h_{t−1} (for W_R = w_ho the formula gives 0).",
              corrected=eq(grad_hh.lhs, grad_hh.rhs), severity="error", step=STEP_BPTT),
        Claim(SECTION, "$\\frac{\\partial C_t}{\\partial C_{t-1}} \\cdot \\dots \\cdot \\frac{\\partial C_{i+1}}"
                       "{\\partial C_i} = \\prod_{k=i}^{t-1} \\frac{\\partial C_{k+1}}{\\partial C_k}$ (used as "
                       "$\\partial C_t/\\partial C_i$)",
              f"{WHERE}, 其中",
              Relation(true2, prod2, domain=dom2),
              note="True for one step only. As the derivative of C_t with respect to C_i it needs the joint "
                   "(h, C) Jacobians; the product of four-term factors drops the output-gate path G (steps above).",
              why="Each four-term factor holds the output gate fixed, so the product drops the path G_k of every "
                  "step through it; it equals ∂C_t/∂C_i only for t = i + 1.",
              corrected=eq(chain.lhs, chain.rhs), severity="error", step=STEP_CHAIN),
        Claim(SECTION, "$\\frac{\\partial C_t}{\\partial C_{t-1}} = \\frac{\\partial f_t}{\\partial h_{t-1}} "
                       "\\frac{\\partial h_{t-1}}{\\partial C_{t-1}} \\cdot C_{t-1} + f_t + \\frac{\\partial i_t}"
                       "{\\partial h_{t-1}} \\frac{\\partial h_{t-1}}{\\partial C_{t-1}} \\cdot \\tilde{C}_t + i_t "
                       "\\cdot \\frac{\\partial \\tilde{C}_t}{\\partial h_{t-1}} \\frac{\\partial h_{t-1}}{\\partial "
                       "C_{t-1}}$",
              f"{WHERE}, 展开得到",
              (scalar_check, vector_check),
              note="Correct for one step, as the derivative of C_t(C_{t−1}) with h_{t−1} = o_{t−1}·tanh(C_{t−1}) "
                   "and o_{t−1} held (scalar, and H = 2 with · as diag(·) row scaling). In BPTT C_{t−1} and "
                   "h_{t−1} are separate states, so this composite is not the factor to chain (claim 4).",
              why="With h_{t−1} = o_{t−1} ⊙ tanh C_{t−1} moving and o_{t−1} held, the chain rule through f_t, i_t, "
                  "C̃_t and the direct term f_t gives exactly these four terms.",
              step=STEP_ONE),
        Claim(SECTION, "$\\frac{\\partial C_t}{\\partial C_{t-1}} = C_{t-1} \\sigma'(\\cdot) W_f * o_{t-1} "
                       "\\tanh'(C_{t-1}) + f_t + \\tilde{C}_t \\sigma'(\\cdot) W_i * o_{t-1} \\tanh'(C_{t-1}) + i_t "
                       "\\tanh'(\\cdot) W_C * o_{t-1} \\tanh'(C_{t-1})$",
              f"{WHERE}, 进一步展开为",
              Relation(name(sp.Matrix([[total]])), name(seed_expanded_literal), domain=DOM),
              Relation(name(total), name(seed_expanded), domain=DOM),
              "W_f, W_i, W_C are read as their recurrent blocks W_hf, W_hi, W_hC (the columns acting on "
              "h_{t−1}; the whole W_f acts on [x_t, h_{t−1}] and has the wrong shape), σ′(·), tanh′(·) are taken "
              "at the gates' pre-activations of step t (with the bias), and in vector form f_t is diag(f_t)",
              why="The content is right, the notation does not fit vectors: W_f, W_i, W_C must be the recurrent "
                  "blocks W_hf, W_hi, W_hC, each product a diag(·) scaling of rows, and f_t the matrix diag(f_t).",
              corrected=four_terms_named(), severity="slip", step=STEP_ONE),
    ]


def remark_claims():
    _, _, step = one_step_scalar()
    a, (_, f, _, _), _, _ = step
    gate_dep = (Relation(sp.diff(f, x_t), dsig(a["f"]) * W["f"][0]),
                Relation(sp.diff(f, h_prev), dsig(a["f"]) * W["f"][1]),
                Relation(sp.Abs(sp.diff(f, x_t)), sp.Integer(0), ">", Domain(ranges={W["f"][0]: (0.1, 3)})))
    return [
        Claim(SECTION, "对于上述式子，对任意 t ，不会总是在 $(1, +\\infty)$ 或总是在 $(0, 1)$ 。所以当 "
                       "$t \\rightarrow \\infty$ 时，也不会收敛到0或者 ∞ 。",
              f"{WHERE}, first remark",
              Search("‖∏ of the seed's four-term factors‖₂ stays in [1e-8, 1e8] over 100 steps "
                     "(random LSTMs, H = D = 8, forget bias b_f in [−4, 4], weight scale s in [0.5, 2])",
                     probe_no_vanish, 40,
                     error_name=Tr("largest ‖∏ four-term factors‖₂ after 99 steps", "99 步后四项因子连乘 ‖·‖₂ 的最大值")),
              note="Nothing keeps the factors away from (0, 1): a closed forget gate (negative b_f) makes the "
                   "product vanish geometrically; the plots show the sweep over b_f.",
              why="A closed forget gate (negative forget bias) keeps the factors below 1 and the product vanishes "
                  "geometrically, as in the counter-example; nothing in the model keeps them away from (0, 1).",
              corrected=Tr("Along the cell path the gradient is diag(f_t ⊙ ⋯ ⊙ f_{i+1}): it survives many steps "
                           "only while the forget gates stay close to 1, which the network has to learn (a positive "
                           "forget bias helps); with f_k ≤ 1 − ε it vanishes like (1 − ε)^{t−i}.",
                           "沿记忆单元路径，梯度为 diag(f_t ⊙ ⋯ ⊙ f_{i+1})：只有遗忘门一直接近 1 时它才能传过很多步，"
                           "而这要靠网络学出来（正的遗忘门偏置有帮助）；若 f_k ≤ 1 − ε，它像 (1 − ε)^{t−i} 一样消失。"),
              severity="error", step=STEP_CELL),
        Claim(SECTION, "门控函数允许网络决定梯度消失的程度，并且可以在每个 t 取不同的值，"
                       "**所取的值是从当前输入和隐藏状态学习到的**。",
              f"{WHERE}, remarks 2–4",
              gate_dep,
              note="Checked: f_t (the factor on the cell path) depends on x_t and h_{t−1} through W_f and b_f. "
                   "That training sets these weights usefully is not a statement the checker can test.",
              why="f_t = σ(W_xf x_t + W_hf h_{t−1} + b_f), the factor on the cell path, depends on the current input "
                  "and hidden state, so it can differ at every t.",
              step=STEP_CELL),
        Claim(SECTION, "它为细胞状态更新函数给出了一个更好的导数。", f"{WHERE}, remark 3", None,
              note="Not a checkable statement (better than what?); the comparison with the RNN product is "
                   "measured in the plot below.",
              why="“Better” is not defined; what holds is that the cell update's own derivative diag(f_t) has no "
                  "weight matrix and no tanh′ in it, unlike the RNN's diag(tanh′(a_t)) W_R.",
              corrected=eq(sp.Derivative(at("t")["C"], at("t-1")["C"]), diag(at("t")["f"])),
              severity="slip", step=STEP_CELL),
        Claim(SECTION, "除了 f_t 这一项的梯度流比较稳定之外，其他三项的梯度流其实与普通的RNN类似，"
                       "会发生相同的权重矩阵反复连乘。所以可以说在 f_t 这一条路径上的梯度是LSTM比RNN稳定的最重要因素。",
              f"{BULLETS}, first bullet",
              Search("knocking the forget-gate path out of every step (diag(f) block set to 0) leaves at most "
                     "1e-3 of ‖∂C_T/∂(h, C)_0‖₂ after 50 steps (random LSTMs, H = D = 8, forget bias b_f in "
                     "[−1, 5], weight scale s in [0.3, 3])", probe_forget_path, 60,
                     error_name=Tr("largest ratio of the knocked-out to the full norm after 50 steps",
                                   "50 步后去掉遗忘门路径的范数与完整范数之比的最大值")),
              note="Measured by knock-out: the three other terms alone vanish like an RNN product. They are not "
                   "negligible while the forget path is present, though: they compound with it, and the full "
                   "norm can be many times the forget-path product ∏ diag(f) (table and plot below).",
              why="Along the cell path the Jacobian is a product of diagonal matrices diag(f_k); without that path "
                  "the other terms, products of W_hg blocks, vanish like the RNN's.",
              step=STEP_CELL),
        Claim(SECTION, "由于其他三项仍然为矩阵连乘，所以仍然可能发生梯度爆炸问题。",
              f"{BULLETS}, second bullet",
              Search("some LSTM (H = D = 8, large recurrent weights) has ‖∂C_T/∂(h, C)_0‖₂ > 1e3 after 60 "
                     "steps (random search, up to 200 draws)", probe_explode, 1,
                     error_name=Tr("‖∂C_T/∂(h, C)_0‖₂ of the LSTM found", "找到的 LSTM 的 ‖∂C_T/∂(h, C)_0‖₂")),
              why="The blocks A_k and G_k of the joint Jacobian multiply recurrent weights W_hg at every step, and "
                  "their products can grow.",
              step=STEP_JOINT),
        Claim(SECTION, "由于LSTM相比于RNN多经过了很多次激活函数，所以LSTM梯度爆炸的频率也减少了。一般通过裁剪解决。",
              f"{BULLETS}, second bullet", None,
              note="A frequency claim over trained networks; not encoded. (More saturating activations bound "
                   "each factor, but the o-path and W products can still grow, as the previous claim shows.)",
              why="How often trained networks explode is not decided by a derivation; the reason given is a "
                  "heuristic (σ′ ≤ 1/4 and tanh′ ≤ 1 damp each factor), and clipping is indeed the usual remedy.",
              corrected=Tr("Saturating gates bound each factor's entries, but the products of the recurrent blocks "
                           "W_hg in A_k and G_k can still grow (claim 11); clipping the gradient norm is the usual "
                           "remedy.",
                           "饱和的门控函数限制了每个因子的元素大小，但 A_k 和 G_k 中循环权重 W_hg 的连乘仍可能增长"
                           "（论断 11）；通常的办法是对梯度范数做裁剪。"),
              severity="slip", step=STEP_JOINT),
    ]


# ----------------------------------------------------------------------------------------------------
# the answers per question, and the notation
# ----------------------------------------------------------------------------------------------------
def answers():
    _, diagonal = cell_path("t", "i")
    return [
        Answer("What is ∂C_t/∂C_{t−1}, the seed's four-term factor?",
               "∂C_t/∂C_{t−1} = (∂f_t/∂h_{t−1})(∂h_{t−1}/∂C_{t−1})·C_{t−1} + f_t + (∂i_t/∂h_{t−1})(∂h_{t−1}/∂C_{t−1})"
               "·C̃_t + i_t·(∂C̃_t/∂h_{t−1})(∂h_{t−1}/∂C_{t−1}), expanded as C_{t−1}σ′(·)W_f * o_{t−1}tanh′(C_{t−1}) "
               "+ f_t + ….",
               "Right for one step, as the derivative of C_t with h_{t−1} = o_{t−1} ⊙ tanh C_{t−1} moving and o_{t−1} "
               "held. In vector form W_f, W_i, W_C stand for the recurrent blocks W_hf, W_hi, W_hC, each product is a "
               "diag(·) scaling of rows, and σ′, tanh′ are taken at step t's pre-activations (bias included). It is "
               "not the factor to chain over several steps (next question).",
               one_step_show(),
               "A_{g,t}: the part of ∂C_t/∂h_{t−1} through gate g; D_{t−1} = ∂h_{t−1}/∂C_{t−1} with o_{t−1} held."),
        Answer("What is ∂C_t/∂C_i over several steps?",
               "The product ∏_{k=i}^{t−1} ∂C_{k+1}/∂C_k of the four-term factors.",
               "The product misses a path at every step: each factor holds o_{k−1} fixed, but o_k depends on h_{k−1} "
               "and so on C_{k−1}. Over two steps the true derivative is already F_{i+2}F_{i+1} + A_{i+2}G_{i+1}D_i. "
               "The state of the recurrence is (h, C), and its Jacobians J_k are what chains.",
               (chain_form(), joint_named()),
               "k = t on the left down to k = i + 1; G_k = ∂h_k/∂h_{k−1} through the output gate, the block the "
               "seed's product drops."),
        Answer("What are the gradients of the LSTM's parameters?",
               "∂E_k/∂W_R = Σ_{i=0}^{t} (∂E_t/∂y_t)(∂y_t/∂h_t)(∂h_t/∂C_t)(∂C_t/∂C_{t−1})⋯(∂C_{i+1}/∂C_i)(∂C_i/∂W_R) "
               "for the recurrent weights W_R; the other parameters are left out as simple, the bias is ignored.",
               "The chain runs along the cell states only, so it misses every path through h: the output gate makes "
               "h_t and each step depend on h_{t−1} (for W_R = W_ho it gives 0). E_k should be E_t, and for "
               "E = Σ_t E_t the terms add up over t. The bias has a gradient of its own. One backward pass through "
               "(h, C) gives every gradient.",
               parameter_gradients(),
               "δa_t = ∂E/∂a_t stacks the four gates' pre-activation gradients of step t (next question); "
               "∂E/∂b_hh = ∂E/∂b_ih, and the rows of gate g are W_xg, W_hg, b_g."),
        Answer("How does the gradient pass back through one step (BPTT)?",
               "Not given: the seed stops at the chain of the factors ∂C_{k+1}/∂C_k.",
               "Missing rather than wrong: the gradient reaches step t in two parts, δh_t into h_t and δc_t into "
               "C_t, and leaves it into h_{t−1} and C_{t−1}.",
               unit_show(unit_forms()[0]),
               "δh_{t−1} = u_{t−1} + W_hhᵀ δa_t, with u_{t−1} the gradient the loss puts on h_{t−1} directly; "
               "δh_T and δc_T come from the loss, δc_T = 0 when it does not read C_T."),
        Answer("Why does the LSTM mitigate vanishing gradients, and can they still explode?",
               "The four-term factor is not always in (0, 1) or (1, ∞), so the product neither vanishes nor explodes; "
               "the gates are learned; the f_t path is what makes the LSTM more stable than the RNN; the other three "
               "terms are repeated matrix products, so gradients can still explode (less often, clipped).",
               "The first argument fails: a closed forget gate makes the product vanish (and that product is not "
               "∂C_t/∂C_i anyway). The rest holds and is measured: along the cell path the Jacobian is a product of "
               "diagonal matrices diag(f_k), with no weight matrix and no tanh′; without that path less than 1e-3 of "
               "the gradient is left after 50 steps; the paths through A_k and G_k can explode.",
               Relation(cell_path_symbol(), diagonal),
               "Near 1 while the forget gates stay near 1 (learned; a positive forget bias helps), geometric decay "
               "when f_k ≤ 1 − ε; unlike the RNN's ∏ diag(tanh′(a_k)) W_R."),
    ]


def notation():
    s = at("t")
    return [
        (sp.MatrixSymbol("x_{t}", D, 1), "input at step t (D entries)"),
        (s["h"], "hidden state at step t (H entries); h_0 is the initial state"),
        (s["C"], "memory cell (cell state) at step t; C_0 is the initial cell"),
        (s["ct"], "candidate cell tanh(a_{C,t}) (torch's g_t)"),
        (s["i"], "input gate at step t, entries in (0, 1)"),
        (s["f"], "forget gate at step t, entries in (0, 1)"),
        (s["o"], "output gate at step t, entries in (0, 1)"),
        (sym("a_{g,t}"), "pre-activation of gate g ∈ {i, f, C, o}: W_xg x_t + W_hg h_{t−1} + b_g"),
        (sp.MatrixSymbol("W_{xg}", H, D), "input weights of gate g (its rows of torch's W_ih)"),
        (sp.MatrixSymbol("W_{hg}", H, H), "recurrent weights of gate g (its rows of torch's W_hh; the seed's W_R)"),
        (sp.MatrixSymbol("b_{g}", H, 1), "bias of gate g (its rows of torch's b_ih + b_hh); the seed leaves it out"),
        (W_IH, "torch.nn.LSTM's stacked input weights W_xi, W_xf, W_xC, W_xo (gate order i, f, g, o)"),
        (W_HH, "torch.nn.LSTM's stacked recurrent weights W_hi, W_hf, W_hC, W_ho"),
        (sp.MatAdd(B_IH, B_HH), "torch.nn.LSTM's two bias vectors; only their sum enters"),
        (ONE, "the vector of H ones"),
        (sp.Symbol("⊙"), "entrywise product (the seed's ·)"),
        (sp.Symbol("\\operatorname{diag}(v)"), "the diagonal matrix with v on its diagonal"),
        (square("F_{t}"), "the seed's four-term factor: ∂C_t/∂C_{t−1} with h_{t−1} = o_{t−1} ⊙ tanh C_{t−1} "
                          "moving and o_{t−1} held"),
        (square("A_{t}"), "∂C_t/∂h_{t−1} with C_{t−1} held: A_{f,t} + A_{i,t} + A_{C,t}"),
        (term_symbol("g", "t"), "the part of A_t through gate g ∈ {f, i, C}"),
        (square("D_{t}"), "∂h_t/∂C_t with o_t held, diag(o_t ⊙ tanh′(C_t))"),
        (square("G_{t}"), "∂h_t/∂h_{t−1} through the output gate alone (C_t held)"),
        (joint_square("J_{t}"), "Jacobian of the joint state, ∂(h_t, C_t)/∂(h_{t−1}, C_{t−1}), 2H × 2H"),
        (cell_path_symbol(), "the part of ∂C_t/∂C_i along the cell path C_i → C_{i+1} → ⋯ → C_t alone"),
        (sym("E"), "the loss; E_t is its term at step t"),
        (delta("h_{t}"), "∂E/∂h_t, the gradient reaching h_t (from the loss and from step t + 1)"),
        (delta("c_{t}"), "the gradient reaching C_t from step t + 1"),
        (delta("C_{t}"), "∂E/∂C_t, the total gradient at C_t"),
        (delta("a_{t}", 4 * H), "∂E/∂a_t: the four gates' δa_{g,t} stacked in torch's order"),
        (sp.MatrixSymbol("u_{t-1}", H, 1), "the gradient the loss puts on h_{t−1} directly (through y_{t−1})"),
        (sym("a_{gk}"), "in the H = 2 instances: the pre-activation of gate g, unit k (in the BPTT instance a_{1,k} "
                        "is row k of the stacked pre-activation of step 1)"),
        (sp.Symbol("\\tanh'"), "the derivative of tanh, 1 − tanh²; the seed's σ′ is σ(1 − σ)"),
    ]
