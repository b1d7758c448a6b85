"""A6.3 (LSTM): the four-term dC_t/dC_{t-1}, the true chain through the joint state (h, C), every
parameter gradient by BPTT, and a generated LSTM (torch.nn.LSTM layout) that matches torch.

Model: the seed's LSTM with biases (gates i, f, o = σ(·), candidate C̃ = tanh(·), C_t = f ⊙ C_{t-1} + i ⊙ C̃,
h_t = o ⊙ tanh C_t). Each step shows a general matrix form (any H) and checks it instantiated at H = 1 and
H = 2 against SymPy's own derivatives: the four-term form; the one-step joint Jacobian of (h, C), whose
output-gate block G_t the product of four-term factors drops; the correct chain over two steps; BPTT for
every parameter against SymPy's gradient of the unrolled loss. Claims: every formula and statement of the
seed's LSTM part. Code: ``derive.generated.lstm``.

This module states the steps, claims and page; its helpers (no ``@register``) hold the SymPy objects
(``_lstm_forms``), the numerical evidence — norms, searches, plots (``_lstm_numeric``) — and the code
generation (``_lstm_code``).
"""
from __future__ import annotations

import sympy as sp

from ..functions import Sigmoid, Tanh, TanhPrime
from ..kit import entries
from ..kit.matrices import explicit
from ..model import Claim, Derivation, Domain, Plot, Relation, Search, Step
from ..registry import register
from ._lstm_code import GATES, code_module, sym
from ._lstm_forms import (B_HH, B_IH, HV, REC, W, W_HH, W_IH, WV, D, H, at, bptt_rules, c_prev, cell, cell_by_hidden,
                          delta, diag, dsig, each, four_term, four_term_form, h_prev, had, hidden_by_cell, joint_form,
                          o_prev, output_path, pre_activation_symbols, square, unit_forms, values, x_t)
from ._lstm_numeric import (draw_comparison, draw_sweep, measured_table, probe_explode, probe_forget_path,
                            probe_no_vanish)

SECTION = "A6.3 LSTM"
UNIT = (0.05, 0.95)  # range for symbols that stand for gate values
DOM = Domain(ranges={o_prev: UNIT})


# --- one step: the four terms (H = 1, 2), the partials within the state (h, C), the joint Jacobian ---------
def one_step_scalar():
    """SymPy's derivative of C_t(C_{t-1}) with h_{t-1} = o_{t-1} tanh C_{t-1}, and the four-term form."""
    hf = sp.Function("h")(c_prev)
    _, _, c_new, _ = cell(x_t, hf, c_prev)
    total = sp.diff(c_new, c_prev).subs(sp.Derivative(hf, c_prev), o_prev * TanhPrime(c_prev)).subs(hf, h_prev)
    step = cell(x_t, h_prev, c_prev)
    return total, four_term(step, c_prev, o_prev), step


def one_step_vector():
    """H = 2: (the four terms against Matrix.jacobian, the partials and F = diag f + A D, the joint
    Jacobian against Matrix.jacobian), each a Relation, right sides from the general forms."""
    cv, hv, ov = entries("C", HV), entries("h", HV), entries("o", HV)
    hfun = [sp.Function(f"h_{k + 1}")(cv[k]) for k in range(HV)]
    _, _, c_moving, _ = cell(x_t, sp.Matrix(hfun), cv, WV)
    full = c_moving.jacobian(cv).subs({sp.Derivative(hfun[k], cv[k]): ov[k] * TanhPrime(cv[k]) for k in range(HV)})
    full = full.subs({hfun[k]: hv[k] for k in range(HV)})
    step = cell(x_t, hv, cv, WV)
    a, gates, c_new, h_new = step
    val = values("t", "t-1", step, cv, ov, {g: WV[g][1] for g in GATES})
    dom = Domain(ranges={o: UNIT for o in ov}, samples=12)
    show = lambda e: pre_activation_symbols(e, a)  # noqa: E731
    rel = lambda lhs, form: Relation(show(lhs), show(explicit(form, val)), domain=dom)  # noqa: E731
    four = rel(full, four_term_form("t", "t-1"))
    partial_c, partial_h = c_new.jacobian(cv), c_new.jacobian(hv)
    partials = (rel(partial_c, diag(at("t")["f"])), rel(partial_h, cell_by_hidden("t", "t-1")),
                Relation(show(explicit(four_term_form("t", "t-1"), val)),
                         show(partial_c + partial_h * explicit(hidden_by_cell("t-1"), val)), domain=dom))
    state = sp.Matrix.vstack(h_new, c_new)
    joint = rel(state.jacobian(sp.Matrix.vstack(hv, cv)), joint_form("t", "t-1"))
    return four, partials, joint


def one_step_steps():
    total, four, _ = one_step_scalar()
    four_h2, partials, joint = one_step_vector()
    F, A, Dp, Dt, G, J = (square(n) for n in ("F_{t}", "A_{t}", "D_{t-1}", "D_{t}", "G_{t}", "J_{t}"))
    s, sp_ = at("t"), at("t-1")
    return [
        Step("One step: SymPy's ∂C_t/∂C_{t−1}, with h_{t−1} = o_{t−1} ⊙ tanh C_{t−1} moving and o_{t−1} held, "
             "is the seed's four-term factor F_t (H = 1 and H = 2)",
             (Relation(total, four, domain=DOM), four_h2),
             "Left of each checked relation: ``sympy.diff`` (scalar) and ``Matrix.jacobian`` (H = 2) of $C_t$ "
             "after substituting $h_{t-1} = o_{t-1}\\odot\\tanh C_{t-1}$; right: the general form above at "
             "that size. $a_{C,t}$ is the candidate's pre-activation; in the H = 2 instance $a_{gk}$ "
             "abbreviates the pre-activation of gate $g$, unit $k$. For one step the four terms are complete.",
             show=Relation(F, four_term_form("t", "t-1"))),
        Step("In the recurrence the state is (h_{t−1}, C_{t−1}): ∂C_t/∂C_{t−1} = diag(f_t), and the other "
             "three terms are ∂C_t/∂h_{t−1} · ∂h_{t−1}/∂C_{t−1} (H = 2)",
             partials,
             "$C_{t-1}$ enters $C_t$ directly only through $f_t\\odot C_{t-1}$; the three gate terms are "
             "$A_t = \\partial C_t/\\partial h_{t-1}$ times $D_{t-1} = \\partial h_{t-1}/\\partial C_{t-1}$, a "
             "derivative that belongs to step $t-1$ (with $o_{t-1}$ held: it depends on $h_{t-2}$).",
             show=(Relation(sp.Derivative(s["C"], sp_["C"]), diag(s["f"])), Relation(A, cell_by_hidden("t", "t-1")),
                   Relation(Dp, hidden_by_cell("t-1")), Relation(F, four_term_form("t", "t-1", A, Dp)))),
        Step("One step through the joint state: J_t = ∂(h_t, C_t)/∂(h_{t−1}, C_{t−1}) (H = 2)",
             joint,
             "The Jacobian to chain in BPTT ($A_t$ as above). Its $C$ row is "
             "$(A_t,\\ \\operatorname{diag} f_t)$; the $h$ row adds $G_t$, the path through the output gate: "
             "$h_t = o_t\\odot\\tanh C_t$ and $o_t$ depends on $h_{t-1}$. The seed's factor $F_t$ has no "
             "$G$: chaining $F$'s treats every output gate as constant. Checked against "
             "``Matrix.jacobian`` of $(h_t, C_t)$ in $(h_{t-1}, C_{t-1})$.",
             show=(Relation(J, joint_form("t", "t-1", A, Dt, G)), Relation(G, output_path("t")),
                   Relation(Dt, hidden_by_cell("t")))),
    ]


# --- several steps (scalar): the product of four-term factors against the true derivative ------------------
def multi_step(n_steps: int):
    """From C_i = c (with o_i held and h_i = o_i tanh c) run n steps; returns the true dC_{i+n}/dc, the
    seed's product of four-term factors, the joint-state chain, and the steps."""
    c, o_i = sym("C_i"), sym("o_i")
    xs = [sym(f"x_{{i+{k}}}") for k in range(1, n_steps + 1)]
    h, cc, o_cur = o_i * Tanh(c), c, o_i
    product = sp.Integer(1)
    joint = sp.Matrix([[o_i * TanhPrime(c)], [1]])  # ∂(h_i, C_i)/∂C_i
    steps = []
    for x in xs:
        step = cell(x, h, cc)
        steps.append((step, cc))
        product = four_term(step, cc, o_cur) * product
        joint = explicit(joint_form("t", "t-1"), values("t", "t-1", step, cc)) * joint
        h, cc, o_cur = step[3], step[2], step[1][3]
    return c, o_i, sp.diff(cc, c), product, joint[1, 0], steps


def two_step_steps():
    c, o_i, true2, prod2, joint2, ((step1, c0), (step2, c1)) = multi_step(2)
    dom2 = Domain(ranges={o_i: UNIT}, samples=12)
    k0, k2 = at("i"), at("i+2")
    A2, G1, D0 = square("A_{i+2}"), square("G_{i+1}"), square("D_{i}")
    J1, J2, F1, F2 = (square(n) for n in ("J_{i+1}", "J_{i+2}", "F_{i+1}", "F_{i+2}"))
    missing_form = sp.MatMul(cell_by_hidden("i+2", "i+1"), output_path("i+1"), hidden_by_cell("i"))
    scalar = {**values("i+1", "i", step1, c0, o_i), **values("i+2", "i+1", step2, c1)}
    missing = explicit(missing_form, scalar)[0, 0]
    start = sp.BlockMatrix([[D0], [sp.Identity(H)]])  # ∂(h_i, C_i)/∂C_i with o_i held
    c_row = sp.BlockMatrix([[sp.ZeroMatrix(H, H), sp.Identity(H)]])
    return true2, prod2, dom2, [
        Step("Two steps: the true ∂C_{i+2}/∂C_i is the C row of the product of joint Jacobians",
             Relation(true2, joint2, domain=dom2),
             "The correct chain: multiply the one-step joint Jacobians (the general $J_k$ above, "
             "$2\\times2$ at H = 1), apply the product to the column $\\partial(h_i, C_i)/\\partial C_i$ and read "
             "off the $C$ row. Left: ``sympy.diff`` of the unrolled $C_{i+2}$ (H = 1); right: that product.",
             show=Relation(sp.Derivative(k2["C"], k0["C"]), sp.MatMul(c_row, J2, J1, start))),
        Step("Two steps: the seed's product F_{i+2} F_{i+1} misses exactly the output-gate path G_{i+1}",
             Relation(true2 - prod2, missing, domain=dom2),
             "Each four-term factor holds $o_{k-1}$ fixed. Over two steps $h_{i+1} = o_{i+1}\\odot\\tanh "
             "C_{i+1}$ and $o_{i+1}$ moves with $C_i$ through $h_i$: $C_i$ acts on $h_i$ ($D_i$), then through "
             "$o_{i+1}$ on $h_{i+1}$ ($G_{i+1}$), then on $C_{i+2}$ ($A_{i+2}$). Checked at H = 1: left, the "
             "true derivative minus the seed's product; right, the general term "
             "$A_{i+2} G_{i+1} D_i$ at H = 1. Over more steps the product drops every $G_k$.",
             show=Relation(sp.Derivative(k2["C"], k0["C"]), sp.MatAdd(sp.MatMul(F2, F1), sp.MatMul(A2, G1, D0)))),
    ]


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


# --- BPTT: the per-unit formulas (as vectors) and every parameter gradient, against SymPy's gradient -------
def bptt_check(forms, Hn=HV, Dn=1, T=1):
    """BPTT by the shown rules (per-unit vector ``forms``, then the matrix rules) against ``sp.diff`` of
    E = Σ_{t=0}^T u_t·h_t + v·C_T in the torch layout (W_ih 4H × D, W_hh 4H × H, b_ih, b_hh). u_0 and v
    make every path non-trivial at T = 1: the direct gradient on h_0 and the one arriving at C_T."""
    Wih, Whh = entries("U", 4 * Hn, Dn), entries("V", 4 * Hn, Hn)
    bih, bhh, v = entries("b", 4 * Hn), entries("\\beta", 4 * Hn), entries("v", Hn)
    h, c = entries("h_{0}", Hn), entries("c_{0}", Hn)
    h0, c0 = h, c
    xs = [entries(f"x_{{{t + 1}}}", Dn) for t in range(T)]
    us = [entries(f"u_{{{t}}}", Hn) for t in range(T + 1)]
    rows = lambda M, k: M[k * Hn:(k + 1) * Hn, :]  # noqa: E731
    weights = {g: (rows(Wih, k), rows(Whh, k), rows(bih, k) + rows(bhh, k)) for k, g in enumerate(GATES)}
    saved = []
    for x in xs:
        step = cell(x, h, c, weights)
        saved.append((step, c, h))
        h, c = step[3], step[2]
    E = (us[0].T * h0)[0, 0] + sum((u.T * s[0][3])[0, 0] for u, s in zip(us[1:], saved)) + (v.T * c)[0, 0]
    show, terms, (da, x_s, hp_s, u_s) = bptt_rules()
    s = at("t")
    dh, dc = us[-1], v
    grads = {"W_ih": sp.zeros(4 * Hn, Dn), "W_hh": sp.zeros(4 * Hn, Hn), "b": sp.zeros(4 * Hn, 1)}
    gx = [None] * T
    for t in range(T - 1, -1, -1):
        (_, (i, f, g, o), c_new, _), cp, hp = saved[t]
        val = {s["i"]: i, s["f"]: f, s["ct"]: g, s["o"]: o, s["C"]: c_new, at("t-1")["C"]: cp,
               delta("h_{t}"): dh, delta("c_{t}"): dc}
        val[delta("C_{t}")] = explicit(forms["dC"], val)
        dA = sp.Matrix.vstack(*[explicit(forms[k], val) for k in ("da_i", "da_f", "da_g", "da_o")])
        dc = explicit(forms["dc_prev"], val)
        rule = {da: dA, x_s: xs[t], hp_s: hp, u_s: us[t], W_IH: Wih, W_HH: Whh}
        for key in grads:
            grads[key] += explicit(terms[key], rule)
        gx[t], dh = explicit(terms["x"], rule), explicit(terms["h"], rule)
    # SymPy's gradient, with tanh'(z) written as 1 - tanh(z)^2 as the code stores it (σ' = σ(1 − σ) already)
    tanh_prime = lambda e: e.replace(TanhPrime, lambda z: 1 - Tanh(z) ** 2)  # noqa: E731
    grad = lambda M: M.applyfunc(lambda q: tanh_prime(sp.diff(E, q)))  # noqa: E731
    dom = Domain(samples=6)
    return show, (Relation(grads["W_ih"], grad(Wih), domain=dom), Relation(grads["W_hh"], grad(Whh), domain=dom),
                  Relation(grads["b"], grad(bih), domain=dom), Relation(grads["b"], grad(bhh), domain=dom),
                  Relation(dh, grad(h0), domain=dom), Relation(dc, grad(c0), domain=dom),
                  Relation(sp.Matrix.vstack(*gx), sp.Matrix.vstack(*[grad(x) for x in xs]), domain=dom))


def bptt_steps():
    forms, unit_checks = unit_forms()
    show, checks = bptt_check(forms)
    names = {"dC": "C_{t}", "da_i": "a_{i,t}", "da_f": "a_{f,t}", "da_g": "a_{C,t}", "da_o": "a_{o,t}",
             "dc_prev": "c_{t-1}"}
    z = sym("z")
    return [
        Step("BPTT per unit: the chain-rule formulas in the stored gate values equal the direct derivatives",
             unit_checks,
             "$\\delta h_t$ is the gradient reaching $h_t$, $\\delta c_t$ the one reaching $C_t$ from step "
             "$t+1$, $\\delta C_t$ their total at $C_t$, $\\delta a_{g,t}$ the gradient of gate $g$'s "
             "pre-activation. Written in the activated gates that the forward pass stores (so backward needs "
             "no transcendental call) and applied to every unit; each per-unit formula is compared with "
             "``sympy.diff`` of $\\delta h\\,h_t + \\delta c\\,C_t$ in the pre-activations.",
             show=tuple(Relation(delta(names[k]), forms[k]) for k in names)),
        Step("σ(z) = (1 + tanh(z/2))/2 (the overflow-free in-place sigmoid of the code)",
             Relation(Sigmoid(z), (1 + Tanh(z / 2)) / 2, domain=Domain(samples=8)),
             "Halving the sigmoid gates' rows of $W$ and $b$ lets the code activate all four gates with one "
             "in-place ``tanh``."),
        Step("BPTT for every parameter (torch layout W_ih, W_hh, b_ih, b_hh) and for x_t, h_{t−1}, C_{t−1}: one "
             "step (H = 2, D = 1) against SymPy's gradient of u_0·h_0 + u_1·h_1 + v·C_1",
             checks,
             "$\\delta a_t$ stacks the four gate gradients of the per-unit step above in torch's order; "
             "$u_{t-1}$ is the gradient $E$ puts on $h_{t-1}$ directly. The instance computes every gradient of "
             "one step by these rules from arbitrary upstream gradients $u_1$ (into $h_1$) and $v$ (into "
             "$C_1$), so by induction over $t$ they are BPTT for any $T$; the parameters are shared by the "
             "steps, hence the sums. The tests run these rules over $T = 3$ steps with numbers and compare the "
             "generated code for $T$ up to 7, both against torch.nn.LSTM's autograd.",
             show=show),
    ]


# --- the seed's claims -------------------------------------------------------------------------------------
WHERE = "A6.3 对于LSTM"


def seed_cell(inputs, weights):
    """The seed's bias-free C_t, for any list of inputs and weights per gate."""
    z = {g: sum(w * v for w, v in zip(weights[g], inputs)) for g in GATES}
    return Sigmoid(z["f"]) * c_prev + Sigmoid(z["i"]) * Tanh(z["C"])


def formula_claims(one_step_check, total, four, step, true2, prod2, dom2):
    a, (i, f, ct, o), c_new, h_one = step
    folded = seed_cell([x_t, h_prev, sp.Integer(1)], {g: W[g] for g in GATES})  # W_g = [w_gx, w_gh, b_g]
    # moderate ranges, so that a counter-example is not a saturated gate with a tiny derivative
    moderate = Domain(ranges={v: (-1.0, 1.0) for v in sorted(h_one.free_symbols | four.free_symbols,
                                                            key=lambda v: v.name) if v != o_prev} | {o_prev: UNIT},
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
    return [
        Claim(SECTION, "$f_t = \\sigma(W_f[x_t, h_{t-1}]),\\ i_t = \\sigma(W_i[x_t, h_{t-1}]),\\ "
                       "o_t = \\sigma(W_o[x_t, h_{t-1}]),\\ \\tilde{C}_t = \\tanh(W_C[x_t, h_{t-1}]),\\ "
                       "C_t = f_t \\cdot C_{t-1} + i_t \\cdot \\tilde{C}_t,\\ h_t = o_t \\cdot \\tanh(C_t)$",
              f"{WHERE}, the model equations",
              Relation(seed_cell([x_t, h_prev], {g: W[g][:2] for g in GATES}), c_new, domain=DOM),
              Relation(folded, c_new, domain=DOM),
              "the bias is folded into each W as a column acting on a constant input 1, i.e. [x_t, h_{t−1}, 1] "
              "(torch.nn.LSTM has two trained bias vectors b_ih + b_hh)",
              note="Gate order and layout aside (torch stacks i, f, g, o), the cell equations are the "
                   "standard LSTM; the generated code follows torch with biases."),
        Claim(SECTION, "忽略 $bias$ (其在求导中不会出现)", f"{WHERE}, 约定",
              tuple(bias_grad),
              note="The bias gradients are Σ_t δa_t (not zero, checked against torch in the tests), and the "
                   "biases sit inside every σ′(·) and tanh′(·) of the Jacobians. Folding b into W with a "
                   "constant input 1 is a valid way to drop it from the notation, not from the derivatives."),
        Claim(SECTION, "$\\frac{\\partial E_k}{\\partial W_R} = \\sum_{i=0}^t \\frac{\\partial E_t}{\\partial y_t} "
                       "\\cdot \\frac{\\partial y_t}{\\partial h_t} \\cdot \\frac{\\partial h_t}{\\partial C_t} \\cdot "
                       "\\frac{\\partial C_t}{\\partial C_{t-1}} \\cdot \\dots \\cdot "
                       "\\frac{\\partial C_{i+1}}{\\partial C_i} \\cdot \\frac{\\partial C_i}{\\partial W_R}$",
              f"{WHERE}, 则有",
              tuple(loss_gradient_claim(2)),
              note="Read with k = t (the left side says E_k, the right side E_t) and each ∂C_{k+1}/∂C_k as the "
                   "seed's four-term factor. It drops every path that leaves the cell chain through h: h_t's own "
                   "dependence on W_R through o_t (for W_R = w_oh the formula gives 0), and the o-path of each "
                   "factor. The correct gradient is the BPTT recursion through the joint state (h, C) above."),
        Claim(SECTION, "$\\frac{\\partial C_t}{\\partial C_{t-1}} \\cdot \\dots \\cdot \\frac{\\partial C_{i+1}}"
                       "{\\partial C_i} = \\prod_{k=i}^{t-1} \\frac{\\partial C_{k+1}}{\\partial C_k}$ (used as "
                       "$\\partial C_t/\\partial C_i$)",
              f"{WHERE}, 其中",
              Relation(true2, prod2, domain=dom2),
              note="True for one step only. As the derivative of C_t with respect to C_i it needs the joint "
                   "(h, C) Jacobians; the product of four-term factors drops the output-gate path G (steps above)."),
        Claim(SECTION, "$\\frac{\\partial C_t}{\\partial C_{t-1}} = \\frac{\\partial f_t}{\\partial h_{t-1}} "
                       "\\frac{\\partial h_{t-1}}{\\partial C_{t-1}} \\cdot C_{t-1} + f_t + \\frac{\\partial i_t}"
                       "{\\partial h_{t-1}} \\frac{\\partial h_{t-1}}{\\partial C_{t-1}} \\cdot \\tilde{C}_t + i_t "
                       "\\cdot \\frac{\\partial \\tilde{C}_t}{\\partial h_{t-1}} \\frac{\\partial h_{t-1}}{\\partial "
                       "C_{t-1}}$",
              f"{WHERE}, 展开得到",
              one_step_check,
              note="Correct for one step, as the derivative of C_t(C_{t−1}) with h_{t−1} = o_{t−1}·tanh(C_{t−1}) "
                   "and o_{t−1} held (scalar, and H = 2 with · as diag(·) row scaling). In BPTT C_{t−1} and "
                   "h_{t−1} are separate states, so this composite is not the factor to chain (claim 4)."),
        Claim(SECTION, "$\\frac{\\partial C_t}{\\partial C_{t-1}} = C_{t-1} \\sigma'(\\cdot) W_f * o_{t-1} "
                       "\\tanh'(C_{t-1}) + f_t + \\tilde{C}_t \\sigma'(\\cdot) W_i * o_{t-1} \\tanh'(C_{t-1}) + i_t "
                       "\\tanh'(\\cdot) W_C * o_{t-1} \\tanh'(C_{t-1})$",
              f"{WHERE}, 进一步展开为",
              Relation(sp.Matrix([[total]]), seed_expanded_literal, domain=DOM),
              Relation(total, seed_expanded, domain=DOM),
              "W_f, W_i, W_C are read as their recurrent blocks W_fh, W_ih, W_Ch (the columns acting on "
              "h_{t−1}; the whole W_f acts on [x_t, h_{t−1}] and has the wrong shape), σ′(·), tanh′(·) are taken "
              "at the gates' pre-activations of step t (with the bias), and in vector form f_t is diag(f_t)"),
    ]


def remark_claims(step):
    a, (_, f, _, _), _, _ = step
    gate_dep = (Relation(sp.diff(f, x_t), dsig(a["f"]) * W["f"][0]),
                Relation(sp.diff(f, h_prev), dsig(a["f"]) * W["f"][1]),
                Relation(sp.Abs(sp.diff(f, x_t)), sp.Integer(0), ">", Domain(ranges={W["f"][0]: (0.1, 3)})))
    bullets = "A6.3 LSTM缓解远距离梯度消失的效果"
    return [
        Claim(SECTION, "对于上述式子，对任意 t ，不会总是在 $(1, +\\infty)$ 或总是在 $(0, 1)$ 。所以当 "
                       "$t \\rightarrow \\infty$ 时，也不会收敛到0或者 ∞ 。",
              f"{WHERE}, first remark",
              Search("‖∏ of the seed's four-term factors‖₂ stays in [1e-8, 1e8] over 100 steps "
                     "(random LSTMs, H = D = 8, forget bias in [−4, 4], weight scale in [0.5, 2])",
                     probe_no_vanish, 40),
              note="Nothing keeps the factors away from (0, 1): a closed forget gate (negative b_f) makes the "
                   "product vanish geometrically; the plots show the sweep over b_f."),
        Claim(SECTION, "门控函数允许网络决定梯度消失的程度，并且可以在每个 t 取不同的值，"
                       "**所取的值是从当前输入和隐藏状态学习到的**。",
              f"{WHERE}, remarks 2–4",
              gate_dep,
              note="Checked: f_t (the factor on the cell path) depends on x_t and h_{t−1} through W_f and b_f. "
                   "That training sets these weights usefully is not a statement the checker can test."),
        Claim(SECTION, "它为细胞状态更新函数给出了一个更好的导数。", f"{WHERE}, remark 3", None,
              note="Not a checkable statement (better than what?); the comparison with the RNN product is "
                   "measured in the plot below."),
        Claim(SECTION, "除了 f_t 这一项的梯度流比较稳定之外，其他三项的梯度流其实与普通的RNN类似，"
                       "会发生相同的权重矩阵反复连乘。所以可以说在 f_t 这一条路径上的梯度是LSTM比RNN稳定的最重要因素。",
              f"{bullets}, first bullet",
              Search("knocking the forget-gate path out of every step (diag(f) block set to 0) leaves at most "
                     "1e-3 of ‖∂C_T/∂(h, C)_0‖₂ after 50 steps (random LSTMs, H = D = 8, forget bias in [−1, 5], "
                     "weight scale in [0.3, 3])", probe_forget_path, 60),
              note="Measured by knock-out: the three other terms alone vanish like an RNN product. They are not "
                   "negligible while the forget path is present, though: they compound with it, and the full "
                   "norm can be many times the forget-path product ∏ diag(f) (table and plot below)."),
        Claim(SECTION, "由于其他三项仍然为矩阵连乘，所以仍然可能发生梯度爆炸问题。",
              f"{bullets}, second bullet",
              Search("some LSTM (H = D = 8, large recurrent weights) has ‖∂C_T/∂(h, C)_0‖₂ > 1e3 after 60 "
                     "steps (random search, up to 200 draws)", probe_explode, 1)),
        Claim(SECTION, "由于LSTM相比于RNN多经过了很多次激活函数，所以LSTM梯度爆炸的频率也减少了。一般通过裁剪解决。",
              f"{bullets}, second bullet", None,
              note="A frequency claim over trained networks; not encoded. (More saturating activations bound "
                   "each factor, but the o-path and W products can still grow, as the previous claim shows.)"),
    ]



# --- the derivation ----------------------------------------------------------------------------------------
def model():
    s, p = at("t"), at("t-1")
    x = sp.MatrixSymbol("x_{t}", D, 1)
    W_in = {g: sp.MatrixSymbol(f"W_{{{g}x}}", H, D) for g in GATES}
    bias = {g: sp.MatrixSymbol(f"b_{{{g}}}", H, 1) for g in GATES}
    pre = lambda g: sp.MatAdd(sp.MatMul(W_in[g], x), sp.MatMul(REC[g], p["h"]), bias[g])  # noqa: E731
    stack = lambda blocks: sp.BlockMatrix([[blocks[g]] for g in GATES])  # noqa: E731
    return [
        ("input gate", Relation(s["i"], each(Sigmoid, pre("i")))),
        ("forget gate", Relation(s["f"], each(Sigmoid, pre("f")))),
        ("candidate cell", Relation(s["ct"], each(Tanh, pre("C")))),
        ("output gate", Relation(s["o"], each(Sigmoid, pre("o")))),
        ("cell state", Relation(s["C"], sp.MatAdd(had(s["f"], p["C"]), had(s["i"], s["ct"])))),
        ("hidden state", Relation(s["h"], had(s["o"], each(Tanh, s["C"])))),
        ("torch.nn.LSTM's stacked parameters (gate order i, f, g = C̃, o), as in the generated code",
         (Relation(W_IH, stack(W_in)), Relation(W_HH, stack(REC)), Relation(sp.MatAdd(B_IH, B_HH), stack(bias)))),
    ]


@register("lstm-jacobian")
def derivation() -> Derivation:
    one = one_step_steps()
    total, four, step = one_step_scalar()
    true2, prod2, dom2, two = two_step_steps()
    return Derivation(
        name="lstm-jacobian",
        section=SECTION,
        title="LSTM: the four-term cell Jacobian, BPTT for every parameter, and why the cell path helps",
        title_zh="LSTM 参数的梯度与缓解梯度消失",
        page="a6-3-lstm.md",
        summary="The four-term $\\partial C_t/\\partial C_{t-1}$ is right for one step but its product over "
                "steps is not $\\partial C_t/\\partial C_i$: it drops the output-gate block of the joint "
                "Jacobian of $(h, C)$, through which the true gradient runs. BPTT for every parameter is checked "
                "symbolically and the generated NumPy LSTM matches torch.nn.LSTM.",
        model=model(),
        steps=one + two + bptt_steps(),
        claims=formula_claims(one[0].check, total, four, step, true2, prod2, dom2) + remark_claims(step),
        code=[code_module()],
        plots=[
            Plot("lstm-rnn-vs-lstm", "Jacobian norms reaching back 100 steps on the same inputs: RNN product, "
                 "LSTM through the joint state, the forget-gate path alone, and the seed's product.",
                 draw_comparison, (7.0, 4.4)),
            Plot("lstm-forget-bias-sweep", "Sweep over the forget-gate bias b_f: the joint-state norm (solid) "
                 "follows the forget-gate path (dashed).", draw_sweep, (7.0, 4.4)),
        ],
        sections={
            "intro": "The seed's LSTM part (A6.3, “对于LSTM”) writes the cell Jacobian as four terms and chains "
                     "them over time. Below, SymPy derives each object, the checker compares it with the seed's "
                     "formula, and the page shows the correct chain where they differ. Each step shows a general "
                     "form for any width $H$ ($\\odot$ the entrywise product, $\\mathbf{1}$ the vector of ones, "
                     "$\\sigma$, $\\tanh$, $\\tanh'$ applied entrywise) and checks it at $H = 1$ or $H = 2$. "
                     "Gate $g \\in \\{i, f, C, o\\}$ ($C$ is the candidate $\\tilde C$, torch's $g$) has input "
                     "weights $W_{gx}$, recurrent weights $W_{gh}$ and bias $b_g$; at $H = D = 1$ they are the "
                     "scalars $w_{gx}, w_{gh}, b_g$.",
            "after_steps": "### Measured: how far the gradient reaches · 远距离梯度\n\n"
                           "Same inputs ($T = 100$, $H = D = 16$, weights $\\sim N(0, 1/H)$, LSTM forget bias 3); "
                           "norms are spectral norms (NumPy, float64).\n\n" + measured_table(),
        },
    )
