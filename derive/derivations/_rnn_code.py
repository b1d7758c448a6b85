"""The code-generation half of A6.3 (plain RNN), kept apart so that the derivation module stays short:
the batch-row formulas of ``derive.generated.rnn`` (torch.nn.RNN layout), the steps that tie them to the
column-vector derivation, the in-place NumPy emission of each time step and the numeric verification of
the generated module. Not a derivation itself (nothing here is registered); ``rnn_jacobian`` uses it.
"""
from __future__ import annotations

import dataclasses

import numpy as np
import sympy as sp
from sympy import OneMatrix as Ones  # SymPy's own nodes; derive.printing prints them 𝟙 and tanh(·)
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction as Elementwise

from ..functions import Tanh, TanhPrime
from ..inplace import InplaceEmitter
from ..kit import central_difference, matrix_symbols as ms
from ..kit import relative_error as _rel  # max |a − b| / max(1, max |b|), the name verify_rnn uses
from ..model import CodeModule, Relation, Step, VerifyRow
from ..printing import tex
from .rnn_jacobian import (D, H, O, T_BPTT, W_I, W_R, b_vec, bptt, explicit, named, state_jacobian,
                           state_symbols, unroll)


# ----------------------------------------------------------------------------------------------------
# code-level formulas (batch rows, torch.nn.RNN layout) and their ties to the derivation
# ----------------------------------------------------------------------------------------------------
CB = 2  # batch size of the symbolic tie checks


def code_symbols(B=CB, T=2):
    return {
        "X": ms("X", T * B, D), "P": ms("P", T * B, H), "P_t": ms("P_t", B, H), "H_prev": ms("H_{t-1}", B, H),
        "W_ih": ms("W_ih", H, D), "W_hh": ms("W_hh", H, H), "b": ms("b", H, 1), "ones": Ones(T * B, 1),
        "A_t": ms("A_t", B, H), "H_t": ms("H_t", B, H), "G_t": ms("G_t", B, H), "Delta_t": ms(r"\Delta_t", B, H),
        "Delta_next": ms(r"\Delta_{t+1}", B, H), "Delta": ms(r"\Delta", T * B, H), "Delta_1": ms(r"\Delta_1", B, H), "Hs_prev": ms("H_{prev}", T * B, H),
        "J": ms("J", H, H), "a_k": ms("a_k", H, 1),
    }


def code_formulas(B=CB, T=2):
    s = code_symbols(B, T)
    one_bh = Ones(B, H)
    return {
        # hoisted input projection (one GEMM for all t; b = b_ih + b_hh folded in)
        "P": s["X"] * s["W_ih"].T + s["ones"] * s["b"].T,
        # forward step (in place on P_t)
        "A_t": s["P_t"] + s["H_prev"] * s["W_hh"].T,
        "H_t": Elementwise(Tanh, s["A_t"]),
        # backward step: Δ_t = ∂E/∂A_t
        "Delta_t": sp.HadamardProduct(s["G_t"] + s["Delta_next"] * s["W_hh"],
                                      one_bh - sp.HadamardProduct(s["H_t"], s["H_t"])),
        "Delta_T": sp.HadamardProduct(s["G_t"], one_bh - sp.HadamardProduct(s["H_t"], s["H_t"])),
        # after the loop: one GEMM each over the stacked steps
        "dW_hh": s["Delta"].T * s["Hs_prev"],
        "dW_ih": s["Delta"].T * s["X"],
        "db": s["Delta"].T * s["ones"],
        "dh0": s["Delta_1"] * s["W_hh"],
        "dX": s["Delta"] * s["W_ih"],
        # state Jacobian recursion: J_{k,l} = diag(1 − h_k²) W_hh J_{k−1,l}
        "J": sp.DiagMatrix(Elementwise(TanhPrime, s["a_k"])) * s["W_hh"] * s["J"],
    }


def _rows(vectors):
    """Stack column vectors as the rows of a matrix (batch-row layout)."""
    return sp.Matrix([list(v.T) for v in vectors])


def code_steps():
    B, T = CB, 2
    s, f = code_symbols(B, T), code_formulas(B, T)
    # per-sample symbols: sample β has its own inputs, states and upstream gradients
    samples = []
    for beta in range(B):
        tag = "ab"[beta]
        samples.append({
            "x": {t: sp.Matrix(D, 1, lambda i, j, t=t, tag=tag: sp.Symbol(f"x^{tag}_{{{t},{i + 1}}}", real=True))
                  for t in range(1, T + 1)},
            "h": {t: sp.Matrix(H, 1, lambda i, j, t=t, tag=tag: sp.Symbol(f"h^{tag}_{{{t},{i + 1}}}", real=True))
                  for t in range(0, T + 1)},
            "dh": {t: sp.Matrix(H, 1, lambda i, j, t=t, tag=tag: sp.Symbol(f"G^{tag}_{{{t},{i + 1}}}", real=True))
                   for t in range(1, T + 1)},
            "e": {t: sp.Matrix(H, 1, lambda i, j, t=t, tag=tag: sp.Symbol(f"e^{tag}_{{{t},{i + 1}}}", real=True))
                  for t in range(1, T + 2)},
        })
    W_hh, W_ih = W_R, W_I  # torch's names for the seed's W_R, W_I
    t = 1
    X = _rows([smp["x"][tt] for tt in range(1, T + 1) for smp in samples])
    Hprev_all = _rows([smp["h"][tt - 1] for tt in range(1, T + 1) for smp in samples])
    Delta_all = _rows([smp["e"][tt] for tt in range(1, T + 1) for smp in samples])
    P_exp = explicit(f["P"], {s["X"]: X, s["W_ih"]: W_ih, s["b"]: b_vec})
    P_t = P_exp[0:B, :]  # rows of step t = 1
    Hprev = _rows([smp["h"][t - 1] for smp in samples])
    A_exp = explicit(f["A_t"], {s["P_t"]: P_t, s["H_prev"]: Hprev, s["W_hh"]: W_hh})
    A_model = _rows([W_I * smp["x"][t] + W_R * smp["h"][t - 1] + b_vec for smp in samples])
    H_exp = explicit(f["H_t"], {s["A_t"]: A_model})
    # backward: G_t = ∂E/∂h_t from the outputs at t (dhs), Δ_{t+1} = e_{t+1}ᵀ rows; the model's e_t
    Ht = H_exp
    G = _rows([smp["dh"][t] for smp in samples])
    Dn = _rows([smp["e"][t + 1] for smp in samples])
    Dt_exp = explicit(f["Delta_t"], {s["G_t"]: G, s["Delta_next"]: Dn, s["W_hh"]: W_hh, s["H_t"]: Ht})
    Dt_model = _rows([sp.matrix_multiply_elementwise(A_model[beta, :].T.applyfunc(TanhPrime),
                                                     samples[beta]["dh"][t] + W_R.T * samples[beta]["e"][t + 1])
                      for beta in range(B)])
    sums = [
        Relation(explicit(f["dW_hh"], {s["Delta"]: Delta_all, s["Hs_prev"]: Hprev_all}),
                 sum((smp["e"][tt] * smp["h"][tt - 1].T for tt in range(1, T + 1) for smp in samples), sp.zeros(H, H))),
        Relation(explicit(f["dW_ih"], {s["Delta"]: Delta_all, s["X"]: X}),
                 sum((smp["e"][tt] * smp["x"][tt].T for tt in range(1, T + 1) for smp in samples), sp.zeros(H, D))),
        Relation(explicit(f["db"], {s["Delta"]: Delta_all}),
                 sum((smp["e"][tt] for tt in range(1, T + 1) for smp in samples), sp.zeros(H, 1))),
        Relation(explicit(f["dX"], {s["Delta"]: Delta_all, s["W_ih"]: W_ih}),
                 _rows([W_I.T * smp["e"][tt] for tt in range(1, T + 1) for smp in samples])),
        Relation(explicit(f["dh0"], {s["Delta_1"]: _rows([smp["e"][1] for smp in samples]), s["W_hh"]: W_hh}),
                 _rows([W_R.T * smp["e"][1] for smp in samples])),
    ]
    # the Jacobian recursion of the code against SymPy's Jacobian (t − l = 2, one sample)
    hl = state_symbols(1)
    # the code computes tanh′(a_k) as 1 − h_k² from the cached h_k (the step “tanh′ = 1 − tanh²” above)
    aa, hh = unroll(3, hl, 1)
    J1 = explicit(f["J"], {s["a_k"]: aa[2], s["W_hh"]: W_R, s["J"]: sp.eye(H)})
    J2 = named(explicit(f["J"], {s["a_k"]: aa[3], s["W_hh"]: W_R, s["J"]: J1}), aa, hh)
    steps = [
        Step("Code, forward: the hoisted projection P = X W_ihᵀ + 𝟙 bᵀ plus H_{t−1} W_hhᵀ is the model's a_t, "
             f"row by row (B = {B})", Relation(A_exp, A_model),
             "torch.nn.RNN keeps one sample per row, so every column-vector formula is transposed: "
             "$a_t^{\\top} = x_t^{\\top} W_I^{\\top} + h_{t-1}^{\\top} W_R^{\\top} + b^{\\top}$. The input part does not "
             "depend on the recurrence, so it is computed for all steps with one matrix product before the loop."),
        Step("Code, backward step: Δ_t = (G_t + Δ_{t+1} W_hh) ⊙ (𝟙 − H_t ⊙ H_t) is e_tᵀ, row by row",
             Relation(Dt_exp, Dt_model),
             "$G_t = \\partial E/\\partial h_t$ from the outputs at step $t$ (the `dhs` argument), "
             "$\\Delta_{t+1}$ the rows $e_{t+1}^{\\top}$ of the later step, $H_t$ the cached $\\tanh$ outputs."),
        Step("Code, after the loop: the gradients are single matrix products over the stacked steps",
             tuple(sums),
             "$\\sum_t e_t h_{t-1}^{\\top}$ summed over samples is $\\Delta^{\\top} H_{prev}$ with all $(t, "
             "\\text{sample})$ pairs stacked as rows; likewise $\\Delta^{\\top} X$, $\\Delta^{\\top}\\mathbb{1}$ and "
             "$\\Delta W_{ih}$."),
        Step("Code, state Jacobian: J ← diag(tanh′(a_k)) W_hh J, started at J = I, is ∂h_t/∂h_l (t − l = 2)",
             Relation(J2, state_jacobian(3, 1, name=True)),
             "`rnn_state_jacobian` runs this recursion for $k = l+1, \\dots, t$ with the cached $h_k$."),
    ]
    page = code_display()
    shown = (page["forward"][0], page["backward"], page["grads"], Relation(s["J"], f["J"]))
    return [dataclasses.replace(st, show=form) for st, form in zip(steps, shown)]


# ----------------------------------------------------------------------------------------------------
# in-place NumPy emission of the per-step formulas
# ----------------------------------------------------------------------------------------------------
def code_context():
    s, f = code_symbols(), code_formulas()
    names = {
        s["X"]: "x2", s["W_ih"].T: "W_ih.T", s["ones"] * s["b"].T: "b", s["P_t"]: "h", s["H_prev"]: "h_prev",
        s["W_hh"].T: "W_hh_T", s["W_hh"]: "W_hh", s["A_t"]: "h", s["H_t"]: "h", s["G_t"]: "dhs[t]",
        s["Delta_next"]: "dpre[t + 1]", s["Delta"]: "dpre2", s["Hs_prev"]: "hprev2", s["Delta_1"]: "dpre[0]",
        s["W_ih"]: "W_ih", Elementwise(TanhPrime, s["a_k"]): "tp", s["J"]: "J",
        # Δᵀ𝟙 as a matrix–vector product (BLAS gemv): 2.5× faster than Δ.sum(axis=0) for (6400, 256)
        s["ones"]: "ones",
    }
    em = InplaceEmitter(names)
    tanh_prime = Ones(CB, H) - sp.HadamardProduct(s["H_t"], s["H_t"])  # tanh′(A_t) from the cached H_t
    return {
        "projection": em.emit("hs2", f["P"]),
        "projection_tex": tex(Relation(s["P"], f["P"])),
        # P_t, A_t and H_t share the buffer h: the emitter keeps the aliasing safe
        "forward_step": em.emit("h", f["A_t"]) + em.emit("h", f["H_t"]),
        "forward_tex": [tex(Relation(s["A_t"], f["A_t"])), tex(Relation(s["H_t"], f["H_t"]))],
        "backward_step": em.emit("d", f["Delta_t"]),
        "backward_last": em.emit("d", f["Delta_T"]),
        "backward_tex": tex(Relation(s["Delta_t"], f["Delta_t"])),
        "grads": {"W_hh": em.value(f["dW_hh"]), "W_ih": em.value(f["dW_ih"]), "b": em.value(f["db"]),
                  "h0": em.value(f["dh0"]), "x": em.value(f["dX"])},
        "grads_tex": {k: tex(f[k]) for k in ("dW_hh", "dW_ih", "db", "dh0", "dX")},
        "tanh_prime": em.emit("tp", tanh_prime),
        "jacobian_step": f"J = {em.value(f['J'])}",
        "jacobian_tex": tex(Relation(s["J"], f["J"])),
        "scratch": em.scratch,
    }


def code_display():
    """The formulas of the generated code as SymPy objects, for the page (its template prints them with
    ``| tex``; the code template still takes the ``*_tex`` strings of :func:`code_context`)."""
    s, f = code_symbols(), code_formulas()
    return {
        "projection": Relation(s["P"], f["P"]),
        "forward": [Relation(s["A_t"], sp.MatAdd(s["P_t"], s["H_prev"] * s["W_hh"].T, evaluate=False)),
                    Relation(s["H_t"], f["H_t"])],
        # Δ_t as the code computes it, with 𝟙 − H_t ⊙ H_t written in the textbook's order
        "backward": Relation(s["Delta_t"], sp.HadamardProduct(
            s["G_t"] + s["Delta_next"] * s["W_hh"],
            sp.MatAdd(Ones(CB, H), -sp.HadamardProduct(s["H_t"], s["H_t"]), evaluate=False))),
        "grads": tuple(tuple(Relation(ms(r"\frac{\partial E}{\partial %s}" % name, *f[key].shape), f[key])
                             for key, name in line)
                       for line in ((("dW_hh", "W_{hh}"), ("dW_ih", "W_{ih}")), (("db", "b"), ("dh0", "h_0")),
                                    (("dX", "X"),))),
        "jacobian": Relation(s["J"], f["J"]),
    }


def code_module(ctx=None) -> CodeModule:
    ctx = code_context() if ctx is None else ctx
    return CodeModule("rnn", "Plain tanh RNN (torch.nn.RNN layout): forward, BPTT backward and the state "
                             "Jacobian ∂h_t/∂h_l (A6.3).",
                      (), template="code/rnn.py.j2", context={"rnn": ctx}, verify=verify_rnn)


# ----------------------------------------------------------------------------------------------------
# numeric verification of the generated module
# ----------------------------------------------------------------------------------------------------
def verify_rnn() -> list[VerifyRow]:
    """The generated code against (1) the SymPy BPTT derivation evaluated numerically (T = 2, H = D = 2,
    one sample per batch row) and (2) central differences of the generated forward pass."""
    from ..generated import rnn as gen

    rng = np.random.default_rng(4063)
    rows = []
    # (1) the SymPy-derived gradients, lambdified, for each sample of a batch
    E, a, h, delta, e, formulas = bptt(T_BPTT)
    syms = sorted(set().union(*[m.free_symbols for pair in formulas.values() for m in pair]), key=lambda v: v.name)
    fn = sp.lambdify(syms, [formulas[k][1] for k in ("W_R", "W_I", "b", "h_0", "x_1")],
                     modules=[{"Tanh": np.tanh, "TanhPrime": lambda v: 1 - np.tanh(v) ** 2}, "numpy"])
    B = 3
    x = rng.normal(size=(T_BPTT, B, D))
    h0 = rng.normal(size=(B, H))
    Wih, Whh = rng.normal(size=(H, D)), rng.normal(size=(H, H))
    bih, bhh = rng.normal(size=H), rng.normal(size=H)
    Wo = rng.normal(size=(O, H))
    g = rng.normal(size=(T_BPTT, B, O))
    hs, cache = gen.rnn_forward(x, h0, Wih, Whh, bih, bhh)
    grads = gen.rnn_backward(g @ Wo, cache)
    acc = {"W_hh": np.zeros((H, H)), "W_ih": np.zeros((H, D)), "b": np.zeros(H)}
    worst = 0.0
    for beta in range(B):
        val = {}
        for sym in syms:
            name = sym.name
            val[sym] = _sym_value(name, x[:, beta], h0[beta], Wih, Whh, bih + bhh, Wo, g[:, beta])
        out = fn(*[val[sym] for sym in syms])
        acc["W_hh"] += out[0]
        acc["W_ih"] += out[1]
        acc["b"] += np.ravel(out[2])
        worst = max(worst, _rel(grads["h0"][beta], np.ravel(out[3])), _rel(grads["x"][0, beta], np.ravel(out[4])))
    worst = max(worst, _rel(grads["W_hh"], acc["W_hh"]), _rel(grads["W_ih"], acc["W_ih"]),
                _rel(grads["b_ih"], acc["b"]), _rel(grads["b_hh"], acc["b"]))
    rows.append(VerifyRow("rnn_backward", "SymPy BPTT formulas, lambdified (T = 2, H = D = 2)", worst, 1e-12))
    # (2) central differences of the generated forward (loss = Σ dhs·hs), several shapes
    worst_fd = 0.0
    for (T, B, Dd, Hh) in ((1, 1, 2, 3), (3, 2, 3, 2), (4, 1, 1, 4)):
        x = rng.normal(size=(T, B, Dd))
        h0 = rng.normal(size=(B, Hh)) * 0.5
        P = [rng.normal(size=(Hh, Dd)) * 0.7, rng.normal(size=(Hh, Hh)) * 0.7, rng.normal(size=Hh), rng.normal(size=Hh)]
        dhs = rng.normal(size=(T, B, Hh))
        _, cache = gen.rnn_forward(x, h0, *P)
        grads = gen.rnn_backward(dhs, cache)
        args = {"x": x, "h0": h0, "W_ih": P[0], "W_hh": P[1], "b_ih": P[2], "b_hh": P[3]}
        for key, arr in args.items():
            def loss(value, key=key):
                return np.sum(dhs * gen.rnn_forward(**{**args, key: value})[0])

            worst_fd = max(worst_fd, _rel(grads[key], central_difference(loss, arr)))
    rows.append(VerifyRow("rnn_backward", "central differences of rnn_forward", worst_fd, 1e-7))
    # (3) the state Jacobian against central differences through h_l
    worst_j = 0.0
    T, B, Dd, Hh = 4, 2, 2, 3
    x = rng.normal(size=(T, B, Dd))
    h0 = rng.normal(size=(B, Hh)) * 0.5
    P = [rng.normal(size=(Hh, Dd)), rng.normal(size=(Hh, Hh)), rng.normal(size=Hh), rng.normal(size=Hh)]
    hs, cache = gen.rnn_forward(x, h0, *P)
    for (t, l) in ((1, 0), (4, 0), (4, 2), (3, 3)):
        J = gen.rnn_state_jacobian(cache, t, l)
        hl = h0 if l == 0 else hs[l - 1]
        fd = np.zeros((B, Hh, Hh))
        for j in range(Hh):
            for sign in (1, -1):
                start = hl.copy()
                start[:, j] += sign * 1e-6
                if t == l:
                    out = start
                else:
                    out, _ = gen.rnn_forward(x[l:t], start, *P)
                    out = out[-1]
                fd[:, :, j] += sign * out / 2e-6
        worst_j = max(worst_j, _rel(J, fd))
    rows.append(VerifyRow("rnn_state_jacobian", "central differences through h_l", worst_j, 1e-7))
    return rows


def _sym_value(name, x, h0, Wih, Whh, b, Wo, g):
    """The value of one derivation symbol (named like W^{R}_{12}, x_{2,1}, g_{1,2}) for one sample."""
    base, _, idx = name.partition("_{")
    idx = idx.rstrip("}")
    if base in ("W^{I}", "W^{R}", "W^{o}"):
        i, j = int(idx[0]) - 1, int(idx[1]) - 1
        return {"W^{I}": Wih, "W^{R}": Whh, "W^{o}": Wo}[base][i, j]
    if base == "b":
        return b[int(idx) - 1]
    t, i = (int(v) for v in idx.split(","))
    if base == "h":
        return h0[i - 1]
    if base == "x":
        return x[t - 1, i - 1]
    if base == "g":
        return g[t - 1, i - 1]
    raise KeyError(name)


