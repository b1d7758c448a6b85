"""The LSTM of the A6.3 derivation (``lstm-jacobian``) as SymPy objects: the cell as the checks unroll it
(scalar, or H = 2 columns), and the general forms for any width H that the page shows — the Jacobian
blocks A, D, G, the seed's four-term factor F, the joint Jacobian J, the per-unit BPTT formulas as vectors
and the BPTT rules — with :func:`values` to instantiate them (through :func:`derive.kit.matrices.explicit`)
at one concrete step. Not a derivation (no ``@register``)."""
from __future__ import annotations

import sympy as sp
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction

from ..functions import Sigmoid, Tanh, TanhPrime
from ..kit import entries
from ..kit.matrices import entrywise, explicit
from ..model import Relation
from ._lstm_code import CF, CG, CI, CO, CTC, GATES, code_forms, sym


def dsig(z):
    """σ'(z) written as σ(z)(1 − σ(z)), the form SymPy's fdiff of σ returns."""
    return Sigmoid(z) * (1 - Sigmoid(z))


# --- the cell: scalar (H = D = 1: weights w_{xg}, w_{hg}, b_g) and H = 2, D = 1 (W_{xg}, W_{hg}, b_g) ------
# (source first, gate second, as torch.nn.LSTM's documentation writes W_hi, W_hf, ...: W_{ih} would read as
# torch's stacked W_ih)
W = {g: (sym(f"w_{{x{g}}}"), sym(f"w_{{h{g}}}"), sym(f"b_{g}")) for g in GATES}
HV = 2
WV = {g: (entries(f"W_{{x{g}}}", HV), entries(f"W_{{h{g}}}", HV, HV), entries(f"b_{{{g}}}", HV)) for g in GATES}


def cell(x, h, c, weights=W):
    """One step, scalar (weights ``W``) or vector (``WV``, h and c columns): (pre-activations, gates
    (i, f, C̃, o), C_t, h_t)."""
    vector = isinstance(c, sp.MatrixBase)
    act = (lambda fn, v: v.applyfunc(fn)) if vector else (lambda fn, v: fn(v))
    times = (lambda u, v: u.multiply_elementwise(v)) if vector else (lambda u, v: u * v)
    a = {g: weights[g][0] * x + weights[g][1] * h + weights[g][2] for g in GATES}
    i, f, ct, o = act(Sigmoid, a["i"]), act(Sigmoid, a["f"]), act(Tanh, a["C"]), act(Sigmoid, a["o"])
    c_new = times(f, c) + times(i, ct)
    return a, (i, f, ct, o), c_new, times(o, act(Tanh, c_new))


x_t, h_prev, c_prev, o_prev = sym("x_t"), sym("h_{t-1}"), sym("C_{t-1}"), sym("o_{t-1}")


# --- general forms (any H): what the page shows; the checks instantiate them with kit.explicit -------------
H, D = sp.Symbol("H", integer=True, positive=True), sp.Symbol("D", integer=True, positive=True)
ONE = sp.OneMatrix(H, 1)
REC = {g: sp.MatrixSymbol(f"W_{{h{g}}}", H, H) for g in GATES}  # recurrent block of each gate
had, diag = sp.HadamardProduct, sp.DiagMatrix


def one_minus(v):
    return sp.MatAdd(ONE, -v)  # built, not evaluated, so that it prints 1 − v


def each(fn, v):
    return ElementwiseApplyFunction(fn, v)


def at(k):
    """Step k's activated gates, candidate pre-activation a_{C,k}, cell and hidden state (H × 1)."""
    names = {"i": "i", "f": "f", "ct": "\\tilde{C}", "o": "o", "aC": "a", "C": "C", "h": "h"}
    return {key: sp.MatrixSymbol(f"{n}_{{C,{k}}}" if key == "aC" else f"{n}_{{{k}}}", H, 1)
            for key, n in names.items()}


def square(name):
    return sp.MatrixSymbol(name, H, H)


TERMS = ("f", "i", "C")  # the gates whose h-dependence makes up A_k, in the seed's order of the four terms


def gate_term(g, k, p):
    """A_{g,k}: the part of ∂C_k/∂h_{k−1} through gate g (f, i or the candidate C); p labels step k − 1.
    Times D_{k−1} it is one of the seed's three gate terms (``∂f_t/∂h_{t−1} ∂h_{t−1}/∂C_{t−1} · C_{t−1}`` …)."""
    s = at(k)
    coeff = {"f": had(at(p)["C"], s["f"], one_minus(s["f"])), "i": had(s["ct"], s["i"], one_minus(s["i"])),
             "C": had(s["i"], each(TanhPrime, s["aC"]))}[g]
    return sp.MatMul(diag(coeff), REC[g])


def term_symbol(g, k):
    return square(f"A_{{{g},{k}}}")


def cell_by_hidden(k, p, named=False):
    """A_k = ∂C_k/∂h_{k−1} (C_{k−1} held): the three gate terms; ``named``: as A_{f,k} + A_{i,k} + A_{C,k}."""
    return sp.MatAdd(*(term_symbol(g, k) if named else gate_term(g, k, p) for g in TERMS))


def name_terms(k, p):
    """{A_{g,k}: its general form}, to carry a form written in the named terms back to the full one."""
    return {term_symbol(g, k): gate_term(g, k, p) for g in TERMS}


def hidden_by_cell(k):
    """D_k = ∂h_k/∂C_k = diag(o_k ⊙ tanh′(C_k))."""
    return diag(had(at(k)["o"], each(TanhPrime, at(k)["C"])))


def output_path(k):
    """G_k = ∂h_k/∂h_{k−1} through o_k alone (C_k held)."""
    s = at(k)
    return sp.MatMul(diag(had(each(Tanh, s["C"]), s["o"], one_minus(s["o"]))), REC["o"])


def four_term_form(k, p, A=None, Dp=None):
    """The seed's factor F_k = diag(f_k) + A_k D_{k−1}: ∂C_k/∂C_{k−1} with h_{k−1} = o_{k−1} ⊙ tanh C_{k−1}."""
    A = cell_by_hidden(k, p) if A is None else A
    return sp.MatAdd(diag(at(k)["f"]), sp.MatMul(A, hidden_by_cell(p) if Dp is None else Dp))


def cell_path(k, i):
    """The part of ∂C_k/∂C_i along the cell path alone (through f ⊙ C at every step): the product of the
    diagonal blocks diag(f_k) ⋯ diag(f_{i+1}), one diagonal matrix. ``k`` and ``i`` label the end steps; the
    product is written with a ⋯ in the middle (its length k − i is not fixed)."""
    f_top, f_low = at(k)["f"], at(f"{i}+1")["f"]
    dots_v, dots_m = sp.MatrixSymbol("\\cdots", H, 1), sp.MatrixSymbol("\\cdots", H, H)
    return sp.MatMul(diag(f_top), dots_m, diag(f_low)), diag(had(f_top, dots_v, f_low))


def joint_form(k, p, A=None, Dk=None, G=None):
    """J_k = ∂(h_k, C_k)/∂(h_{k−1}, C_{k−1}) in blocks (A, D, G given: in those symbols)."""
    A, Dk = cell_by_hidden(k, p) if A is None else A, hidden_by_cell(k) if Dk is None else Dk
    G, f = output_path(k) if G is None else G, diag(at(k)["f"])
    return sp.BlockMatrix([[sp.MatAdd(G, sp.MatMul(Dk, A)), sp.MatMul(Dk, f)], [A, f]])


def values(k, p, step, c_before, o_before=None, weights=None):
    """The general symbols of step k (and C, o of step p = k − 1) → the values of one concrete step, as
    columns (1 × 1 in the scalar case)."""
    a, (i, f, ct, o), c_new, h_new = step
    s, sp_ = at(k), at(p)
    table = {s["i"]: i, s["f"]: f, s["ct"]: ct, s["o"]: o, s["aC"]: a["C"], s["C"]: c_new, s["h"]: h_new,
             sp_["C"]: c_before}
    if o_before is not None:
        table[sp_["o"]] = o_before
    weights = weights or {g: W[g][1] for g in GATES}
    table.update({REC[g]: weights[g] for g in GATES})
    return {key: v if isinstance(v, sp.MatrixBase) else sp.Matrix([[v]]) for key, v in table.items()}


def four_term(step, c_before, o_before):
    """The scalar four-term factor of one step: the general F_t at H = 1."""
    return explicit(four_term_form("t", "t-1"), values("t", "t-1", step, c_before, o_before))[0, 0]


def pre_activation_symbols(expr, a):
    """Replace each pre-activation expression inside σ/tanh/tanh' by a symbol a_{g,k} (for display)."""
    return expr.xreplace({a[g][k]: sym(f"a_{{{g}{k + 1}}}") for g in GATES for k in range(HV)})


W_IH, W_HH = sp.MatrixSymbol("W_{\\mathrm{ih}}", 4 * H, D), sp.MatrixSymbol("W_{\\mathrm{hh}}", 4 * H, H)
B_IH, B_HH = sp.MatrixSymbol("b_{\\mathrm{ih}}", 4 * H, 1), sp.MatrixSymbol("b_{\\mathrm{hh}}", 4 * H, 1)


def delta(name, rows=H):
    return sp.MatrixSymbol(f"\\delta {name}", rows, 1)


def unit_forms():
    """The code's per-unit formulas lifted to vectors of step t (δh_t: gradient reaching h_t, δc_t: the one
    reaching C_t from step t + 1, δC_t: their total at C_t) and the checks of the per-unit formulas."""
    code, checks, (dh, dc, dC) = code_forms()
    s = at("t")
    vec = {CI: s["i"], CF: s["f"], CG: s["ct"], CO: s["o"], CTC: each(Tanh, s["C"]), sym("c_prev"): at("t-1")["C"],
           dh: delta("h_{t}"), dc: delta("c_{t}"), dC: delta("C_{t}")}
    return {key: entrywise(e, vec, (H, 1)) for key, e in code.items()}, checks


def bptt_rules():
    """One step of BPTT in matrix form: the relations shown, the summand of step t for each target, and
    the symbols the summands use."""
    da, x = delta("a_{t}", 4 * H), sp.MatrixSymbol("x_{t}", D, 1)
    hp, u = at("t-1")["h"], sp.MatrixSymbol("u_{t-1}", H, 1)
    terms = {"W_ih": sp.MatMul(da, x.T), "W_hh": sp.MatMul(da, hp.T), "b": da, "x": sp.MatMul(W_IH.T, da),
             "h": sp.MatAdd(sp.MatMul(W_HH.T, da), u)}
    E, t, T = sym("E"), sp.Symbol("t", integer=True), sp.Symbol("T", integer=True)
    total = lambda e: sp.Sum(e, (t, 1, T))  # noqa: E731
    show = (Relation(da, sp.BlockMatrix([[delta(f"a_{{{g},t}}")] for g in GATES])),
            Relation(sp.Derivative(E, W_IH), total(terms["W_ih"])),
            Relation(sp.Derivative(E, W_HH), total(terms["W_hh"])),
            Relation(sp.Derivative(E, B_IH), total(da)), Relation(sp.Derivative(E, B_HH), total(da)),
            Relation(sp.Derivative(E, x), terms["x"]), Relation(delta("h_{t-1}"), terms["h"]))
    return show, terms, (da, x, hp, u)


