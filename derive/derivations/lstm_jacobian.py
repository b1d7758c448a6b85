"""A6.3 (LSTM): the four-term dC_t/dC_{t-1}, the true chain through the joint state (h, C), the cell path,
every parameter gradient by BPTT, and a generated LSTM (torch.nn.LSTM layout) that matches torch.

Model: the seed's LSTM with biases (gates i, f, o = σ(·), candidate C̃ = tanh(·), C_t = f ⊙ C_{t-1} + i ⊙ C̃,
h_t = o ⊙ tanh C_t). Each step shows a general matrix form (any H) and checks it instantiated at H = 1 and
H = 2 against SymPy's own derivatives: the four-term form; the one-step joint Jacobian of (h, C), whose
output-gate block G_t the product of four-term factors drops; the correct chain over two steps; the cell
path diag(f) ⋯ diag(f) alone; BPTT for every parameter against SymPy's gradient of the unrolled loss. An
instance is differentiated in full and then printed with the pre-activations and cell states named
(a_{g,k}, C_{k}), so it stays readable; naming subexpressions only strengthens an equality.

This module states the steps and the page; its helpers (no ``@register``) hold the SymPy objects
(``_lstm_forms``), the seed's claims, the answers and the notation (``_lstm_claims``), the numerical
evidence — norms, searches, plots (``_lstm_numeric``) — and the code generation (``_lstm_code``).
"""
from __future__ import annotations

from functools import lru_cache

import sympy as sp

from ..functions import Sigmoid, Tanh, TanhPrime
from ..kit import entries
from ..kit.matrices import explicit
from ..model import Derivation, Domain, Plot, Relation, Step, Tr
from ..registry import register
from ._lstm_code import GATES, code_module, sym, unit_backward
from ._lstm_forms import (B_HH, B_IH, HV, REC, W, W_HH, W_IH, WV, D, H, at, bptt_rules, c_prev, cell, cell_by_hidden,
                          cell_path, delta, diag, each, four_term, four_term_form, gate_term, h_prev, had,
                          hidden_by_cell, joint_form, o_prev, output_path, pre_activation_symbols,
                          square, term_symbol, unit_forms, values, x_t)
from ._lstm_numeric import draw_comparison, draw_sweep, measured_table

NAME = "lstm-jacobian"
SECTION = "A6.3 LSTM"
UNIT = (0.05, 0.95)  # range for symbols that stand for gate values
DOM = Domain(ranges={o_prev: UNIT})

# the step titles (the claims' errata and the answers link to them)
STEP_ONE = ("One step: SymPy's ∂C_t/∂C_{t−1}, with h_{t−1} = o_{t−1} ⊙ tanh C_{t−1} moving and o_{t−1} held, "
            "is the seed's four-term factor F_t (H = 1 and H = 2)")
STEP_PARTIALS = ("In the recurrence the state is (h_{t−1}, C_{t−1}): ∂C_t/∂C_{t−1} = diag(f_t), and the other "
                 "three terms are ∂C_t/∂h_{t−1} · ∂h_{t−1}/∂C_{t−1} (H = 2)")
STEP_JOINT = "One step through the joint state: J_t = ∂(h_t, C_t)/∂(h_{t−1}, C_{t−1}) (H = 2)"
STEP_CHAIN = "Two steps: the true ∂C_{i+2}/∂C_i is the C row of the product of joint Jacobians"
STEP_MISSING = "Two steps: the seed's product F_{i+2} F_{i+1} misses exactly the output-gate path G_{i+1}"
STEP_CELL = ("The cell path alone: with every recurrent block W_hg = 0 the only path left is C_i → C_{i+1} → "
             "C_{i+2}, and ∂C_{i+2}/∂C_i = f_{i+2} f_{i+1} (H = 1)")
STEP_UNIT = "BPTT per unit: the chain-rule formulas in the stored gate values equal the direct derivatives"
STEP_SIGMOID = "σ(z) = (1 + tanh(z/2))/2 (the overflow-free in-place sigmoid of the code)"
STEP_BPTT = ("BPTT for every parameter (torch layout W_ih, W_hh, b_ih, b_hh) and for x_t, h_{t−1}, C_{t−1}: one "
             "step (H = 2, D = 1) against SymPy's gradient of u_0·h_0 + u_1·h_1 + v·C_1")


def joint_square(name):
    """A 2H × 2H block symbol (a joint Jacobian of (h, C))."""
    return sp.MatrixSymbol(name, 2 * H, 2 * H)


def pre_names(a, label):
    """{pre-activation expression of gate g: the symbol a_{g,label}} for the scalar (H = 1) instances."""
    return {a[g]: sym(f"a_{{{g},{label}}}") for g in GATES}


# --- one step: the four terms (H = 1, 2), the partials within the state (h, C), the joint Jacobian ---------
def one_step_scalar():
    """SymPy's derivative of C_t(C_{t-1}) with h_{t-1} = o_{t-1} tanh C_{t-1}, the four-term form, and the
    step (pre-activations, gates, C_t, h_t) they were built from (unnamed)."""
    hf = sp.Function("h")(c_prev)
    _, _, c_new, _ = cell(x_t, hf, c_prev)
    total = sp.diff(c_new, c_prev).subs(sp.Derivative(hf, c_prev), o_prev * TanhPrime(c_prev)).subs(hf, h_prev)
    step = cell(x_t, h_prev, c_prev)
    return total, four_term(step, c_prev, o_prev), step


@lru_cache(maxsize=None)
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
    # a derivative in C_{t-1} is shown unevaluated (∂/∂C_j of the entries, the page shows what SymPy
    # differentiates): the pre-activations do not depend on C_{t-1}, so they may be named inside it
    by_cell = lambda exprs: sp.Matrix(len(exprs), HV, lambda r, j: sp.Derivative(show(exprs[r]), cv[j]))  # noqa: E731
    # in h_{t-1} only the part z_{gk} = W_{xg} x + b_g of a pre-activation may be named
    z = {a[g][k]: sym(f"z_{{{g}{k + 1}}}") + (WV[g][1][k, :] * hv)[0, 0] for g in GATES for k in range(HV)}
    by_hidden = lambda exprs: sp.Matrix(len(exprs), HV,  # noqa: E731
                                        lambda r, j: sp.Derivative(exprs[r].xreplace(z), hv[j]))
    partial_c, partial_h = c_new.jacobian(cv), c_new.jacobian(hv)
    partials = (Relation(by_cell(c_new), show(explicit(diag(at("t")["f"]), val)), domain=dom),
                Relation(by_hidden(c_new), explicit(cell_by_hidden("t", "t-1"), val).xreplace(z), domain=dom),
                Relation(show(explicit(four_term_form("t", "t-1"), val)),
                         show(partial_c + partial_h * explicit(hidden_by_cell("t-1"), val)), domain=dom))
    state = sp.Matrix.vstack(h_new, c_new)
    joint_full = show(explicit(joint_form("t", "t-1"), val))
    # G_t alone: h_t = o_t ⊙ tanh C_t with C_t held (the symbols C_{t,k}); o_t depends on h_{t-1} through
    # its pre-activation, which stays written out here
    c_held = sp.Matrix([sym(f"C_{{t,{k + 1}}}") for k in range(HV)])
    o_t = gates[3]
    g_lhs = by_hidden(sp.Matrix([o_t[r] * Tanh(c_held[r]) for r in range(HV)]))
    g_rhs = explicit(output_path("t"), {at("t")["o"]: o_t, at("t")["C"]: c_held, REC["o"]: WV["o"][1]}).xreplace(z)
    joint_rel = (Relation(by_cell(state), joint_full[:, HV:], domain=dom), Relation(g_lhs, g_rhs, domain=dom),
                 Relation(show(state.jacobian(sp.Matrix.vstack(hv, cv))), joint_full, domain=dom))
    return four, partials, joint_rel


def one_step_check():
    """The checks of step 1 (the seed's four-term expansion is checked by the same relations)."""
    total, four, step = one_step_scalar()
    names = pre_names(step[0], "t")
    return Relation(total.xreplace(names), four.xreplace(names), domain=DOM), one_step_vector()[0]


def term_rows(k, p):
    """A_{g,k} = its general form, one line per gate term."""
    return tuple(Relation(term_symbol(g, k), gate_term(g, k, p)) for g in ("f", "i", "C"))


def one_step_show():
    """F_t = diag(f_t) + (A_{f,t} + A_{i,t} + A_{C,t}) D_{t−1}, the three terms and D_{t−1}: step 1's general
    form (and the first answer)."""
    F, Dp = square("F_{t}"), square("D_{t-1}")
    return (Relation(F, four_term_form("t", "t-1", cell_by_hidden("t", "t-1", named=True), Dp)),
            *term_rows("t", "t-1"), Relation(Dp, hidden_by_cell("t-1")))


def one_step_steps():
    scalar, four_h2 = one_step_check()
    _, partials, joint_rel = one_step_vector()
    F, A, Dp, Dt, G, J = (square(n) for n in ("F_{t}", "A_{t}", "D_{t-1}", "D_{t}", "G_{t}", "J_{t}"))
    J = joint_square("J_{t}")
    s, sp_ = at("t"), at("t-1")
    return [
        Step(STEP_ONE, (scalar, four_h2),
             "Left of each checked relation: ``sympy.diff`` (scalar) and ``Matrix.jacobian`` (H = 2) of $C_t$ "
             "after substituting $h_{t-1} = o_{t-1}\\odot\\tanh C_{t-1}$; right: the general form above at "
             "that size. $A_{g,t}$ is the part of $\\partial C_t/\\partial h_{t-1}$ through gate $g$, so the four "
             "terms are $\\operatorname{diag} f_t$ and $A_{f,t}D_{t-1}$, $A_{i,t}D_{t-1}$, $A_{C,t}D_{t-1}$, "
             "in the seed's order. $a_{g,t}$ is the pre-activation of gate $g$ ($a_{gk}$: unit $k$ in the "
             "H = 2 instance). For one step the four terms are complete.",
             show=one_step_show()),
        Step(STEP_PARTIALS, partials,
             "$C_{t-1}$ enters $C_t$ directly only through $f_t\\odot C_{t-1}$; the three gate terms are "
             "$A_t = \\partial C_t/\\partial h_{t-1}$ times $D_{t-1} = \\partial h_{t-1}/\\partial C_{t-1}$, a "
             "derivative that belongs to step $t-1$ (with $o_{t-1}$ held: it depends on $h_{t-2}$). In the "
             "instance $z_{gk}$ names the part $W_{xg} x + b_g$ of a pre-activation (unit $k$) where the "
             "derivative is in $h_{t-1}$.",
             show=(Relation(sp.Derivative(s["C"], sp_["C"]), diag(s["f"])),
                   Relation(A, cell_by_hidden("t", "t-1", named=True)),
                   Relation(Dp, hidden_by_cell("t-1")), Relation(F, four_term_form("t", "t-1", A, Dp)))),
        Step(STEP_JOINT, joint_rel,
             "The Jacobian to chain in BPTT ($A_t$ as above). Its $C$ row is "
             "$(A_t,\\ \\operatorname{diag} f_t)$; the $h$ row adds $G_t$, the path through the output gate: "
             "$h_t = o_t\\odot\\tanh C_t$ and $o_t$ depends on $h_{t-1}$. The seed's factor $F_t$ has no "
             "$G$: chaining $F$'s treats every output gate as constant. Checked against SymPy's derivatives "
             "of $(h_t, C_t)$: in $C_{t-1}$ (the right block column), of $o_t\\odot\\tanh C_t$ in $h_{t-1}$ with "
             "$C_t$ held ($G_t$), and ``Matrix.jacobian`` in $(h_{t-1}, C_{t-1})$.",
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
    jac = sp.Matrix([[o_i * TanhPrime(c)], [1]])  # ∂(h_i, C_i)/∂C_i
    steps = []
    for x in xs:
        step = cell(x, h, cc)
        steps.append((step, cc))
        product = four_term(step, cc, o_cur) * product
        jac = explicit(joint_form("t", "t-1"), values("t", "t-1", step, cc)) * jac
        h, cc, o_cur = step[3], step[2], step[1][3]
    return c, o_i, sp.diff(cc, c), product, jac[1, 0], steps


def step_names(steps):
    """The names of an unrolled scalar trajectory: step k's pre-activations a_{g,i+k} and cell state C_{i+k}
    (the last C is the result, left as it is). One top-down ``xreplace`` replaces the outermost match, so a
    later step's pre-activation is named before the earlier states inside it."""
    names = {}
    for k, ((a, _, c_new, _), _) in enumerate(steps, 1):
        names.update(pre_names(a, f"i+{k}"))
        if k < len(steps):
            names[c_new] = sym(f"C_{{i+{k}}}")
    return names


@lru_cache(maxsize=None)
def two_step():
    """The two-step objects, named: (true ∂C_{i+2}/∂C_i, the seed's product, the joint chain, the
    output-gate path, the domain, the steps)."""
    c, o_i, true2, prod2, joint2, steps = multi_step(2)
    (step1, c0), (step2, c1) = steps
    missing_form = sp.MatMul(cell_by_hidden("i+2", "i+1"), output_path("i+1"), hidden_by_cell("i"))
    scalar = {**values("i+1", "i", step1, c0, o_i), **values("i+2", "i+1", step2, c1)}
    missing = explicit(missing_form, scalar)[0, 0]
    names = step_names(steps)
    name = lambda e: e.xreplace(names)  # noqa: E731
    return name(true2), name(prod2), name(joint2), name(missing), Domain(ranges={o_i: UNIT}, samples=12), steps


def two_step_steps():
    true2, prod2, joint2, missing, dom2, steps = two_step()
    k0, k2 = at("i"), at("i+2")
    A2, G1, D0 = square("A_{i+2}"), square("G_{i+1}"), square("D_{i}")
    J1, J2 = joint_square("J_{i+1}"), joint_square("J_{i+2}")
    F1, F2 = square("F_{i+1}"), square("F_{i+2}")
    start = sp.BlockMatrix([[D0], [sp.Identity(H)]])  # ∂(h_i, C_i)/∂C_i with o_i held
    c_row = sp.BlockMatrix([[sp.ZeroMatrix(H, H), sp.Identity(H)]])
    return [
        Step(STEP_CHAIN, Relation(true2, joint2, domain=dom2),
             "The correct chain: multiply the one-step joint Jacobians (the general $J_k$ above, "
             "$2\\times2$ at H = 1), apply the product to the column $\\partial(h_i, C_i)/\\partial C_i$ and read "
             "off the $C$ row. Left: ``sympy.diff`` of the unrolled $C_{i+2}$ (H = 1); right: that product. "
             "The instance names the pre-activations $a_{g,k}$ and the state $C_{i+1}$ once SymPy has "
             "differentiated.",
             show=Relation(sp.Derivative(k2["C"], k0["C"]), sp.MatMul(c_row, J2, J1, start))),
        Step(STEP_MISSING, Relation(true2 - prod2, missing, domain=dom2),
             "Each four-term factor holds $o_{k-1}$ fixed. Over two steps $h_{i+1} = o_{i+1}\\odot\\tanh "
             "C_{i+1}$ and $o_{i+1}$ moves with $C_i$ through $h_i$: $C_i$ acts on $h_i$ ($D_i$), then through "
             "$o_{i+1}$ on $h_{i+1}$ ($G_{i+1}$), then on $C_{i+2}$ ($A_{i+2}$). Checked at H = 1: left, the "
             "true derivative minus the seed's product; right, the general term "
             "$A_{i+2} G_{i+1} D_i$ at H = 1. Over more steps the product drops every $G_k$.",
             show=Relation(sp.Derivative(k2["C"], k0["C"]), sp.MatAdd(sp.MatMul(F2, F1), sp.MatMul(A2, G1, D0)))),
        cell_path_step(steps),
    ]


def cell_path_symbol():
    return sp.MatrixSymbol("\\left(\\frac{\\partial C_t}{\\partial C_i}\\right)_{\\mathrm{cell}}", H, H)


def cell_path_step(steps):
    """With every recurrent block zero the gates depend on x alone: SymPy's two-step derivative is then the
    product of the diagonal blocks diag(f), the general form ∏ diag(f_k) at H = 1."""
    c = sym("C_i")
    no_rec = {W[g][1]: 0 for g in GATES}
    (step1, _), (step2, _) = steps
    c_cut = step2[2].xreplace(no_rec)
    scalar = {at("i+1")["f"]: sp.Matrix([[step1[1][1]]]), at("i+2")["f"]: sp.Matrix([[step2[1][1]]])}
    form = explicit(sp.MatMul(diag(at("i+2")["f"]), diag(at("i+1")["f"])), scalar)[0, 0].xreplace(no_rec)
    names = {**pre_names({g: step1[0][g].xreplace(no_rec) for g in GATES}, "i+1"),
             **pre_names({g: step2[0][g].xreplace(no_rec) for g in GATES}, "i+2")}
    product, diagonal = cell_path("t", "i")
    lhs = sp.Derivative(c_cut.xreplace(names), c)  # unevaluated: the page shows what SymPy differentiates
    return Step(STEP_CELL, Relation(lhs, form.xreplace(names), domain=Domain(samples=12)),
                "Every path from $C_i$ to $C_t$ other than the chain $C_k = f_k\\odot C_{k-1} + \\dots$ passes "
                "through some $A_k$ or $G_k$, each a diagonal matrix times a recurrent block $W_{hg}$; the cell "
                "path passes through the blocks $\\operatorname{diag} f_k$ of $J_k$ alone. Setting every "
                "$W_{hg} = 0$ cuts the other paths: left, ``sympy.diff`` of the unrolled $C_{i+2}$ with "
                "$W_{hg} = 0$ (H = 1); right, the product of the $\\operatorname{diag} f$ blocks. No weight "
                "matrix and no $\\tanh' \\le 1$ enters this product: it stays near 1 while the forget gates stay "
                "near 1, the reason the LSTM's gradient reaches further than the RNN's "
                "$\\prod_k\\operatorname{diag}(\\tanh'(a_k)) W_R$.",
                show=(Relation(cell_path_symbol(), product), Relation(product, diagonal)))


# --- BPTT: the per-unit formulas (as vectors) and every parameter gradient, against SymPy's gradient -------
def bptt_check(forms, Hn=HV, Dn=1, T=1):
    """BPTT by the shown rules (per-unit vector ``forms``, then the matrix rules) against ``sp.diff`` of
    E = Σ_{t=0}^T u_t·h_t + v·C_T in the torch layout (W_ih 4H × D, W_hh 4H × H, b_ih, b_hh). u_0 and v
    make every path non-trivial at T = 1: the direct gradient on h_0 and the one arriving at C_T. The
    relations are printed with the pre-activations a_k (row k of the stacked 4H) and the cell states named."""
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
    names = {}
    for t, ((a, _, c_new, _), _, _) in enumerate(saved, 1):
        names.update({a[g][k]: sym(f"a_{{{t},{r * Hn + k + 1}}}") for r, g in enumerate(GATES) for k in range(Hn)})
        names.update({c_new[k]: sym(f"C_{{{t},{k + 1}}}") for k in range(Hn)})
    dom = Domain(samples=6)
    rel = lambda lhs, rhs: Relation(lhs.xreplace(names), rhs.xreplace(names), domain=dom)  # noqa: E731
    # the shortest first: the page prints the first two (∂E/∂C_0, ∂E/∂b_ih) and folds the rest
    return show, (rel(dc, grad(c0)), rel(grads["b"], grad(bih)), rel(grads["W_ih"], grad(Wih)),
                  rel(grads["W_hh"], grad(Whh)), rel(grads["b"], grad(bhh)), rel(dh, grad(h0)),
                  rel(sp.Matrix.vstack(*gx), sp.Matrix.vstack(*[grad(x) for x in xs])))


UNIT_NAMES = {"dC": "C_{t}", "da_i": "a_{i,t}", "da_f": "a_{f,t}", "da_g": "a_{C,t}", "da_o": "a_{o,t}",
              "dc_prev": "c_{t-1}"}


def unit_show(forms):
    """The per-unit BPTT formulas as vectors of step t (what the page shows for them)."""
    return tuple(Relation(delta(UNIT_NAMES[k]), forms[k]) for k in UNIT_NAMES)


def bptt_steps():
    forms, unit_checks = unit_forms()
    *_, c_expr, _, _ = unit_backward()
    cell_named = {c_expr: sym("C")}  # the cell state inside tanh(·), named once SymPy has differentiated
    unit_checks = tuple(Relation(r.lhs.xreplace(cell_named), r.rhs.xreplace(cell_named), domain=r.domain)
                        for r in unit_checks)
    show, checks = bptt_check(forms)
    z = sym("z")
    return [
        Step(STEP_UNIT, unit_checks,
             "$\\delta h_t$ is the gradient reaching $h_t$, $\\delta c_t$ the one reaching $C_t$ from step "
             "$t+1$, $\\delta C_t$ their total at $C_t$, $\\delta a_{g,t}$ the gradient of gate $g$'s "
             "pre-activation. Written in the activated gates that the forward pass stores (so backward needs "
             "no transcendental call) and applied to every unit; each per-unit formula is compared with "
             "``sympy.diff`` of $\\delta h\\,h_t + \\delta c\\,C_t$ in the pre-activations.",
             show=unit_show(forms)),
        Step(STEP_SIGMOID, Relation(Sigmoid(z), (1 + Tanh(z / 2)) / 2, domain=Domain(samples=8)),
             "Halving the sigmoid gates' rows of $W$ and $b$ lets the code activate all four gates with one "
             "in-place ``tanh``."),
        Step(STEP_BPTT, checks,
             "$\\delta a_t$ stacks the four gate gradients of the per-unit step above in torch's order; "
             "$u_{t-1}$ is the gradient $E$ puts on $h_{t-1}$ directly. The instance computes every gradient of "
             "one step by these rules from arbitrary upstream gradients $u_1$ (into $h_1$) and $v$ (into "
             "$C_1$), so by induction over $t$ they are BPTT for any $T$; the parameters are shared by the "
             "steps, hence the sums. The tests run these rules over $T = 3$ steps with numbers and compare the "
             "generated code for $T$ up to 7, both against torch.nn.LSTM's autograd. In the instance $a_{1,k}$ "
             "is row $k$ of the stacked pre-activation and $C_{1,k}$ unit $k$ of $C_1$.",
             show=show),
    ]


# --- the derivation ----------------------------------------------------------------------------------------
def model():
    s, p = at("t"), at("t-1")
    x = sp.MatrixSymbol("x_{t}", D, 1)
    W_in = {g: sp.MatrixSymbol(f"W_{{x{g}}}", H, D) for g in GATES}
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


def steps():
    return one_step_steps() + two_step_steps() + bptt_steps()


@register(NAME)
def derivation() -> Derivation:
    from ._lstm_claims import answers, notation, seed_claims

    return Derivation(
        name=NAME,
        section=SECTION,
        title="LSTM: the four-term cell Jacobian, BPTT for every parameter, and why the cell path helps",
        title_zh="LSTM 参数的梯度与缓解梯度消失",
        page="a6-3-lstm.md",
        nav_title=Tr("LSTM: cell Jacobian and BPTT", "LSTM：记忆单元的雅可比矩阵与 BPTT"),
        summary="The four-term $\\partial C_t/\\partial C_{t-1}$ is right for one step but its product over "
                "steps is not $\\partial C_t/\\partial C_i$: it drops the output-gate block of the joint "
                "Jacobian of $(h, C)$, through which the true gradient runs. BPTT for every parameter is checked "
                "symbolically and the generated NumPy LSTM matches torch.nn.LSTM.",
        model=model(),
        steps=steps(),
        claims=seed_claims(),
        answers=answers(),
        notation=notation(),
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
                     "weights $W_{xg}$, recurrent weights $W_{hg}$ and bias $b_g$ (torch.nn.LSTM's documentation "
                     "writes $W_{hi}, W_{hf}, W_{hg}, W_{ho}$ as well); at $H = D = 1$ they are the scalars "
                     "$w_{xg}, w_{hg}, b_g$.",
            "after_steps": measured_section(),
        },
    )


def measured_section() -> Tr:
    """The measured table under the steps (its numbers are computed, so the text is a Tr here)."""
    table = measured_table()
    return Tr("### Measured: how far the gradient reaches\n\n"
              "Same inputs ($T = 100$, $H = D = 16$, weights $\\sim N(0, 1/H)$, LSTM forget bias 3); "
              "norms are spectral norms (NumPy, float64).\n\n" + table.en,
              "### 实测：梯度能传多远\n\n"
              "相同的输入（$T = 100$，$H = D = 16$，权重 $\\sim N(0, 1/H)$，LSTM 遗忘门偏置为 3）；"
              "范数均为谱范数（NumPy，float64）。\n\n" + table.zh)
