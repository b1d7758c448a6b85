"""The code part of the A6.3 LSTM derivation (``lstm-jacobian``): the per-unit BPTT formulas in the
activated-gate variables the generated code stores, the generated module ``derive.generated.lstm``
(per-step formulas printed as in-place NumPy ufunc calls) and its numerical verification.

Not a derivation (no ``@register``): :mod:`.lstm_jacobian` imports it.
"""
from __future__ import annotations

import numpy as np
import sympy as sp

from ..functions import Sigmoid, Tanh, TanhPrime
from ..inplace import InplaceEmitter
from ..model import CodeFunction, CodeModule, Domain, Relation, VerifyRow
from ..printing import numpy_code, tex

GATES = ("i", "f", "C", "o")  # the seed's names; torch calls the candidate gate g


def sym(name, **kw):
    return sp.Symbol(name, real=True, **kw)


# ----------------------------------------------------------------------------------------------------
# the per-unit BPTT formulas, in the stored gate values
# ----------------------------------------------------------------------------------------------------
def unit_backward():
    """Per-unit BPTT formulas by the chain rule, each factor from SymPy's diff of one cell: the upstream
    gradients are dh (into h_t) and dc (into C_t from step t+1); dC is the total gradient reaching C_t."""
    a = {g: sym(f"a_{g}") for g in GATES}
    cp, cs, dh, dc, dCs = sym("c_prev"), sym("C"), sym("dh"), sym("dc"), sym("dC")
    c_expr = Sigmoid(a["f"]) * cp + Sigmoid(a["i"]) * Tanh(a["C"])
    h_of_c = Sigmoid(a["o"]) * Tanh(cs)
    grads = {
        "dC": dc + dh * sp.diff(h_of_c, cs),
        "da_o": dh * sp.diff(h_of_c, a["o"]),
        "da_i": dCs * sp.diff(c_expr, a["i"]),
        "da_f": dCs * sp.diff(c_expr, a["f"]),
        "da_g": dCs * sp.diff(c_expr, a["C"]),
        "dc_prev": dCs * sp.diff(c_expr, cp),
    }
    # the same gradients without the chain rule: d/d(var) of the linearised loss dh·h_t + dc·C_t
    local = dh * Sigmoid(a["o"]) * Tanh(c_expr) + dc * c_expr
    direct = {"da_o": sp.diff(local, a["o"]), "da_i": sp.diff(local, a["i"]), "da_f": sp.diff(local, a["f"]),
              "da_g": sp.diff(local, a["C"]), "dc_prev": sp.diff(local, cp)}
    return a, cp, cs, dh, dc, dCs, c_expr, grads, direct


# code-level names: activated gates i, f, g, o; tc = tanh(C_t)
CI, CF, CG, CO, CTC = (sym(n) for n in ("i", "f", "g", "o", "tc"))


def code_forms():
    """The per-unit formulas in the activated-gate variables the generated code stores, and the checks
    that they equal the direct derivatives."""
    a, cp, cs, dh, dc, dCs, c_expr, grads, direct = unit_backward()
    to_code = {Sigmoid(a["i"]): CI, Sigmoid(a["f"]): CF, Tanh(a["C"]): CG, Sigmoid(a["o"]): CO,
               TanhPrime(a["C"]): 1 - CG ** 2, Tanh(cs): CTC, TanhPrime(cs): 1 - CTC ** 2}
    code = {k: v.xreplace(to_code) for k, v in grads.items()}
    back = {CI: Sigmoid(a["i"]), CF: Sigmoid(a["f"]), CG: Tanh(a["C"]), CO: Sigmoid(a["o"]), CTC: Tanh(c_expr)}
    dC_full = code["dC"].xreplace(back)
    checks = tuple(Relation(code[k].xreplace(back).xreplace({dCs: dC_full}), direct[k], domain=Domain(samples=12))
                   for k in sorted(direct))
    return code, checks, (dh, dc, dCs)



# ----------------------------------------------------------------------------------------------------
# code generation: per-step formulas printed as in-place NumPy ufunc calls
# ----------------------------------------------------------------------------------------------------
def code_module() -> CodeModule:
    from sympy.matrices.expressions.diagonal import DiagMatrix

    code, _, (dh, dc, dCs) = code_forms()
    cprev = sym("c_prev")
    # forward: the cell update and h_t in the stored variables (tc = tanh C_t)
    c_update = CF * cprev + CI * CG
    fw = InplaceEmitter(prefix="ft")
    forward_lines = [f"# C_t = {numpy_code(c_update)}"] + fw.emit("c", c_update)
    forward_lines += ["numpy.tanh(c, out=tc)", f"# h_t = {numpy_code(CO * CTC)}"] + fw.emit("h", CO * CTC)
    s = sym("s")
    sig = InplaceEmitter(prefix="unused", constants={0.5: "half"})
    sig_lines = [f"# sigma = {numpy_code((1 + s) / 2)} with s = tanh(z/2) (rows pre-halved)"]
    sig_lines += sig.emit("s", (1 + s) / 2)
    if sig.count:
        raise RuntimeError("the sigmoid must be computed in place")
    bw = InplaceEmitter(prefix="bt")
    backward_lines = []
    # Shared factors cut the ufunc calls per step: u = dh·o and ut = u·tc serve dC_t and da_o, w = dC_t·i
    # and r = w·g serve da_i and da_g, q = dC_{t-1}·c_prev serves da_f; each x(1 − y) is x − x·y, two
    # calls. (h_t = o·tc is stored too, but reading it back costs more than the call it would save.) Each
    # rewritten formula is checked against the derived one.
    U, UT, V, Wc, R, Q = sym("u"), sym("ut"), sym("v"), sym("w"), sym("r"), sym("q")
    plan = [
        ("u", U, dh * CO, None),
        ("ut", UT, U * CTC, None),
        ("v", V, U - UT * CTC, None),
        ("dC", "dc", dc + V, {V: dh * CO * (1 - CTC ** 2)}),
        ("da_o", "da_o", UT - UT * CO, {UT: dh * CO * CTC}),
        ("w", Wc, dCs * CI, None),
        ("r", R, Wc * CG, None),
        ("da_i", "da_i", R - R * CI, {R: dCs * CI * CG}),
        ("da_g", "da_g", Wc - R * CG, {Wc: dCs * CI, R: dCs * CI * CG}),
        ("dc_prev", "dc_next", dCs * CF, None),
        ("q", Q, sym("dc_next") * cprev, None),
        ("da_f", "da_f", Q - Q * CF, {Q: dCs * CF * cprev}),
    ]
    for key, target, expr, defs in plan:
        if key in code:  # the rewritten form must equal the derived one
            if sp.expand(expr.xreplace(defs or {}) - code[key]) != 0:
                raise RuntimeError(f"the rewritten {key} = {expr} differs from the derived {code[key]}")
            backward_lines.append(f"# {key} = {numpy_code(code[key])}")
        else:
            backward_lines.append(f"# {key} = {numpy_code(expr)}")
        target = target.name if isinstance(target, sp.Symbol) else target
        backward_lines += bw.emit(target, expr.xreplace({dCs: dc}))  # dC_t sits in the buffer dc
    backward_lines.append("dc, dc_next = dc_next, dc")
    # jacobian: the per-unit coefficients of the four terms and d = dh_{t-1}/dC_{t-1}
    op, tcp = sym("o_prev"), sym("tc_prev")
    coeff = {"u_f": cprev * CF * (1 - CF), "u_i": CG * CI * (1 - CI), "u_g": CI * (1 - CG ** 2),
             "d": op * (1 - tcp ** 2)}
    jacobian_lines = [f"{k} = {numpy_code(v)}" for k, v in coeff.items()]
    Hn = sp.Symbol("H")
    vec = lambda name: sp.MatrixSymbol(name, Hn, 1)  # noqa: E731
    jac = DiagMatrix(vec("f_t")) + sum(
        (DiagMatrix(vec(f"u_{g}")) * sp.MatrixSymbol(f"W_{{h{g}}}", Hn, Hn) for g in ("f", "i", "g")),
        sp.ZeroMatrix(Hn, Hn)) * DiagMatrix(vec("d"))
    jac_formula = tex(jac) + ", " + ", ".join(f"{tex(sym(k))} = {tex(v)}" for k, v in coeff.items())
    context = {
        "forward_formulas": [("C_t", tex(c_update)), ("h_t", tex(CO * CTC)),
                             ("sigma", tex(Relation(Sigmoid(sym("z")), (1 + Tanh(sym("z") / 2)) / 2)))],
        "backward_formulas": [(k, tex(code[k])) for k in ("dC", "da_i", "da_f", "da_g", "da_o", "dc_prev")],
        "forward_lines": forward_lines,
        "sigmoid_lines": sig_lines,
        "constants": sig.constant_arrays,
        "scratch_forward": fw.scratch or ["_unused"],
        "backward_lines": backward_lines,
        "scratch_backward": ["u", "ut", "v", "w", "r", "q", "dc_next"] + bw.scratch,
        "jacobian_lines": jacobian_lines,
        "jacobian_formula": jac_formula,
    }
    # descriptors for the page's list of generated functions (the bodies are the template's loops)
    disp = {CI: sym("i_t"), CF: sym("f_t"), CG: sym("g_t"), CO: sym("o_t"), CTC: Tanh(sym("C_t")),
            cprev: sym("C_{t-1}"), dh: sym("\\delta h_t"), dc: sym("\\delta c")}
    functions = (
        CodeFunction("lstm_forward", "x, h0, c0, W_ih, W_hh, b_ih, b_hh",
                     "hs (T, B, H) and the cache; torch.nn.LSTM layout and gate order i, f, g, o.",
                     Relation(sym("C_t"), c_update.xreplace(disp)), [("c", c_update)]),
        CodeFunction("lstm_backward", "dhs, cache", "gradients for x, h0, c0, W_ih, W_hh, b_ih, b_hh.",
                     Relation(sym("\\delta C_t"), code["dC"].xreplace(disp)), [("dC", code["dC"])]),
        CodeFunction("lstm_cell_jacobian", "cache, t", "dC_t/dC_{t-1} (B, H, H) for 1 <= t <= T-1.",
                     jac, [("u_f", coeff["u_f"])]),
    )
    return CodeModule("lstm", "An LSTM layer (torch.nn.LSTM layout) with BPTT and the four-term cell Jacobian "
                      "(A6.3).", functions, template="code/lstm.py.j2", context=context, verify=verify_lstm)


def verify_lstm() -> list[VerifyRow]:
    """Generated code against central differences (float64) and the four-term Jacobian against central
    differences of C_t in C_{t-1} (with o_{t-1} held)."""
    from ..generated import lstm as gen

    rng = np.random.default_rng(6305)
    T, B, D, H = 4, 3, 2, 3
    x = rng.normal(size=(T, B, D))
    h0, c0 = rng.normal(size=(B, H)), rng.normal(size=(B, H))
    Wih, Whh = rng.normal(0, 0.6, (4 * H, D)), rng.normal(0, 0.6, (4 * H, H))
    bih, bhh = rng.normal(0, 0.5, 4 * H), rng.normal(0, 0.5, 4 * H)
    dhs = rng.normal(size=(T, B, H))
    args = [x, h0, c0, Wih, Whh, bih, bhh]
    names = ["x", "h0", "c0", "W_ih", "W_hh", "b_ih", "b_hh"]
    hs, cache = gen.lstm_forward(*args)
    grads = gen.lstm_backward(dhs, cache)
    worst = 0.0
    eps = 1e-6
    for k, name in enumerate(names):
        fd = np.zeros_like(args[k])
        for idx in np.ndindex(args[k].shape):
            plus = [a.copy() for a in args]
            minus = [a.copy() for a in args]
            plus[k][idx] += eps
            minus[k][idx] -= eps
            fd[idx] = (np.sum(gen.lstm_forward(*plus)[0] * dhs) - np.sum(gen.lstm_forward(*minus)[0] * dhs)) / (2 * eps)
        worst = max(worst, float(np.max(np.abs(fd - grads[name])) / max(1.0, np.max(np.abs(fd)))))
    return [VerifyRow("lstm_backward", "central differences of lstm_forward", worst, 1e-7)]

