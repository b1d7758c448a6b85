"""A6.3 (plain RNN): the Jacobian product ∂h_t/∂h_l, vanishing and exploding gradients, and BPTT.

Model: h_t = tanh(W_I x_t + W_R h_{t-1} + b), y_t = W_o h_t, E = Σ_t E_t(y_t)  (torch.nn.RNN, tanh, with
b = b_ih + b_hh). Derivation, with explicit sizes: the one-step Jacobian diag(tanh′(a_{k+1})) W_R (and SymPy's
transposed MatrixExpr.diff), the product ∂h_t/∂h_l with its exact range and order, the BPTT gradients of E with
respect to W_I, W_R, W_o, b, h_0 and x, and the norm bound ‖∂h_t/∂h_l‖ ≤ (γ σ_max(W_R))^{t−l} (Pascanu, Mikolov,
Bengio 2013). A step with a general matrix form shows it and checks an explicit instance. Claims: every formula
and statement of the seed's RNN part. Code: ``derive.generated.rnn`` (forward, BPTT backward and the state
Jacobian), from :mod:`derive.derivations._rnn_code`.
"""
from __future__ import annotations

import sympy as sp
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction as Elementwise  # printer: tanh(·)

from ..functions import Tanh, TanhPrime
from ..kit import entries, matrix_symbols as ms
from ..model import Claim, Derivation, Domain, Plot, Relation, Search, Step
from ..registry import register
from ._rnn_numeric import (HORIZON, draw_counterexamples, draw_norms, draw_tanh_prime, probe_bound,
                           probe_can_vanish, probe_explodes, probe_influence, probe_linear_explodes,
                           probe_no_amplification, probe_rho_le_sigma)

NAME = "rnn-jacobian"
SECTION = "A6.3 RNN"
H, D, O = 2, 2, 2  # hidden, input and output sizes of the symbolic derivation
T_JAC = 3  # steps for the Jacobian products (t − l = 1, 2, 3)
T_BPTT = 2  # steps for the full BPTT gradients (all parameters; T = 3 costs 7 s of exact tests)
# the two eigenvalue claims whose counter-examples the plot "rnn-counterexamples" draws
EXPLODES_WHERE = "A6.3 RNN, “可以看到”, first bullet"
VANISHES_WHERE = "A6.3 RNN, “可以看到”, second bullet"


def explicit(expr, values: dict) -> sp.Matrix:
    """A matrix expression with its MatrixSymbols replaced by explicit matrices of scalars."""
    out = expr.xreplace({sym: sp.ImmutableMatrix(mat) for sym, mat in values.items()}).doit()
    if not isinstance(out, sp.MatrixBase):
        out = out.as_explicit()
    return sp.Matrix(out)


# ----------------------------------------------------------------------------------------------------
# the explicit-size model (column vectors, one sample)
# ----------------------------------------------------------------------------------------------------
def column(name: str, n: int, t) -> sp.Matrix:
    """The column ``name`` of step ``t``: entries name_{t,1} … name_{t,n}."""
    return sp.Matrix(n, 1, lambda i, j: sp.Symbol(f"{name}_{{{t},{i + 1}}}", real=True))


W_I = entries("W^{I}", H, D)
W_R = entries("W^{R}", H, H)
W_o = entries("W^{o}", O, H)
b_vec = entries("b", H)
h0_vec = column("h", H, 0)


def input_columns(T):
    """[None, x_1, …, x_T], indexed by step."""
    return [None] + [column("x", D, t) for t in range(1, T + 1)]


def output_gradients(T):
    """[None, g_1, …, g_T] with g_t = ∂E_t/∂y_t, indexed by step."""
    return [None] + [column("g", O, t) for t in range(1, T + 1)]


def tanh_vec(v: sp.Matrix) -> sp.Matrix:
    return v.applyfunc(Tanh)


def tanhp_diag(v: sp.Matrix) -> sp.Matrix:
    return sp.diag(*[TanhPrime(e) for e in v])


def unroll(T, h_start=None, start=0, bias=True):
    """Pre-activations a_k and states h_k for k = start … T, starting from ``h_start`` (symbols) at k = start."""
    xs = input_columns(T)
    b = b_vec if bias else sp.zeros(H, 1)
    a = {}
    h = {start: h0_vec if h_start is None else h_start}
    for k in range(start + 1, T + 1):
        a[k] = W_I * xs[k] + W_R * h[k - 1] + b
        h[k] = tanh_vec(a[k])
    return a, h


def state_symbols(l):
    return column("h", H, l)


def jacobian_product(t, l, descending=True, bias=True, first=None):
    """∏ diag(tanh′(a_k)) W_R over k = first … t (default first = l + 1) in the given order, the a_k being
    the nested pre-activations from the symbols h_l. ``first = l`` adds the seed's extra factor with
    a_l = W_I x_l + W_R h_{l−1} (+ b), h_{l−1} taken as symbols too."""
    a, _ = unroll(t, state_symbols(l), l, bias)
    if l >= 1:
        a[l] = W_I * input_columns(t)[l] + W_R * state_symbols(l - 1) + (b_vec if bias else sp.zeros(H, 1))
    ks = list(range(l + 1 if first is None else first, t + 1))
    if descending:
        ks = ks[::-1]
    out = sp.eye(H)
    for k in ks:
        out = out * tanhp_diag(a[k]) * W_R
    return out


def state_jacobian(t, l, bias=True):
    """∂h_t/∂h_l by SymPy: the Jacobian of the nested h_t with respect to the symbols h_l."""
    hl = state_symbols(l)  # state_symbols(0) are the symbols of h_0
    _, h = unroll(t, hl, l, bias)
    return h[t].jacobian(hl)


# ----------------------------------------------------------------------------------------------------
# BPTT (column vectors)
# ----------------------------------------------------------------------------------------------------
def bptt(T):
    """The loss, its direct derivatives and the BPTT formulas for T steps."""
    xs, gs = input_columns(T), output_gradients(T)
    a, h = unroll(T)
    # Only g_t = ∂E_t/∂y_t enters a first derivative, so E = Σ g_t·y_t (g_t free symbols) is general.
    E = sum(((gs[t].T * W_o * h[t])[0, 0] for t in range(1, T + 1)), sp.Integer(0))
    delta, e = {}, {T + 1: sp.zeros(H, 1)}
    for t in range(T, 0, -1):
        delta[t] = W_o.T * gs[t] + W_R.T * e[t + 1]
        e[t] = sp.matrix_multiply_elementwise(a[t].applyfunc(TanhPrime), delta[t])

    def grad(P):
        return P.applyfunc(lambda s: sp.diff(E, s))

    formulas = {
        "W_R": (grad(W_R), sum((e[t] * h[t - 1].T for t in range(1, T + 1)), sp.zeros(H, H))),
        "W_I": (grad(W_I), sum((e[t] * xs[t].T for t in range(1, T + 1)), sp.zeros(H, D))),
        "b": (grad(b_vec), sum((e[t] for t in range(1, T + 1)), sp.zeros(H, 1))),
        "W_o": (grad(W_o), sum((gs[t] * h[t].T for t in range(1, T + 1)), sp.zeros(O, H))),
        "h_0": (grad(h0_vec), W_R.T * e[1]),
    }
    formulas["x_1"] = (grad(xs[1]), W_I.T * e[1])  # x_t for t > 1 has the same form
    return E, a, h, delta, e, formulas


# ----------------------------------------------------------------------------------------------------
# the derivation steps: a general matrix form is shown (``show``), an explicit instance is checked
# ----------------------------------------------------------------------------------------------------
def general_forms():
    Wr, Wi, Wo_, b = ms("W_R", H, H), ms("W_I", H, D), ms("W_o", O, H), ms("b", H)
    hk, xk1 = ms("h_k", H), ms("x_{k+1}", D)
    a_next = Wi * xk1 + Wr * hk + b
    return {
        "a_next": a_next, "Wr": Wr, "hk": hk, "Wi": Wi, "xk1": xk1, "b": b, "Wo": Wo_,
        "jac": sp.DiagMatrix(Elementwise(TanhPrime, a_next)) * Wr,
        "hnext": Elementwise(Tanh, a_next),
    }


def jacobian_steps(g):
    """The one-step Jacobian, SymPy's transposed layout, tanh′ and γ, the product with its range and order."""
    hk = state_symbols(1)
    a2 = W_I * input_columns(2)[2] + W_R * hk + b_vec
    values = {g["Wr"]: W_R, g["Wi"]: W_I, g["b"]: b_vec, g["hk"]: hk, g["xk1"]: input_columns(2)[2]}
    z = sp.Symbol("z", real=True)
    a_syms = [ms(f"a_{{{k}}}", H) for k in ("t", "t-1", "t-2")]
    product_shown = sp.MatMul(*[f for a_k in a_syms for f in (sp.DiagMatrix(Elementwise(TanhPrime, a_k)), g["Wr"])])
    a = unroll(2)[0]
    return [
        Step("One step: ∂h_{k+1}/∂h_k = diag(tanh′(a_{k+1})) W_R (explicit sizes, H = D = 2)",
             Relation(tanh_vec(a2).jacobian(hk), tanhp_diag(a2) * W_R),
             "Row $i$ of the Jacobian is the gradient of $h_{k+1,i} = \\tanh(a_{k+1,i})$; the chain rule "
             "gives $\\tanh'(a_{k+1,i})$ times row $i$ of $W_R$. The Jacobian is in numerator layout "
             "(row = output), so the diagonal factor stands on the left.",
             show=Relation(sp.Symbol(r"\frac{\partial h_{k+1}}{\partial h_k}"), g["jac"])),
        Step("SymPy's MatrixExpr.diff returns the transpose (denominator layout)",
             Relation(explicit(g["hnext"].diff(g["hk"]), values), (tanhp_diag(a2) * W_R).T),
             "``diff`` of the matrix expression $\\tanh(W_I x_{k+1} + W_R h_k + b)$ with respect to "
             "$h_k$ returns $W_R^{\\top}\\operatorname{diag}(\\tanh'(a_{k+1}))$: SymPy's matrix calculus "
             "uses the denominator layout, so its result is the transpose of the Jacobian of step 1.",
             show=Relation(sp.Symbol(r"\texttt{diff}\left(\tanh(a_{k+1}),\, h_k\right)"), g["hnext"].diff(g["hk"]))),
        Step("tanh′(z) = 1 − tanh²(z), the form the code uses (h_t is cached, tanh′ = 1 − h_t²)",
             Relation(TanhPrime(z), 1 - Tanh(z) ** 2),
             "So the backward pass needs no second call to $\\tanh$: the cached $h_t$ gives the factor."),
        Step("γ = max tanh′ = 1 (attained at z = 0)",
             Relation(TanhPrime(z), sp.Integer(1), "<=", Domain(ranges={z: (-8.0, 8.0)}, special=[{z: 0}])),
             "The bound $\\gamma$ of Pascanu et al. for $\\tanh$."),
        Step("∂h_t/∂h_l = diag(tanh′(a_t)) W_R ⋯ diag(tanh′(a_{l+1})) W_R: k = t on the left down to l+1, "
             "t − l factors",
             tuple(Relation(state_jacobian(t, l), jacobian_product(t, l)) for t, l in [(3, 0), (2, 1)]),
             "The general form is shown for $t - l = 3$; in general there are $t - l$ factors, "
             "$k = t$ on the left down to $k = l + 1$ on the right. "
             "Checked for $(t, l) = (3, 0)$ and $(2, 1)$ (the case $t - l = 1$ is step 1) against the Jacobian "
             "of the nested expression $h_t(h_l)$. The factors run over $k = l+1, \\dots, t$ (there are $t-l$ of "
             "them, one per step), later steps on the left.",
             show=Relation(ms(r"\frac{\partial h_t}{\partial h_{t-3}}", H, H), product_shown)),
        # the reversed order is not the same (why the order matters)
        Step("The order matters: the reversed product differs by a commutator (t − l = 2)",
             Relation(jacobian_product(2, 0) - jacobian_product(2, 0, descending=False),
                      tanhp_diag(a[2]) * W_R * tanhp_diag(a[1]) * W_R - tanhp_diag(a[1]) * W_R * tanhp_diag(a[2]) * W_R),
             "$J_2 J_1 - J_1 J_2$ is not zero in general (claim 4 below shows it at a random point)."),
    ]


def bptt_general(g):
    """The BPTT recursion and gradients for any T, at matrix level (two formulas a line)."""
    Wr, Wi, Wo_ = g["Wr"], g["Wi"], g["Wo"]
    tt, TT = sp.Symbol("t", integer=True), sp.Symbol("T")
    e_t, h_prev, x_t = ms("e_t", H), ms("h_{t-1}", H), ms("x_t", D)

    def total(expr):
        return sp.Sum(expr, (tt, 1, TT))

    def grad_of(name, rows, cols=1):
        return ms(r"\frac{\partial E}{\partial %s}" % name, rows, cols)

    lines = [
        Relation(ms(r"\delta_t", H), Wo_.T * ms("g_t", O) + Wr.T * ms("e_{t+1}", H)),
        Relation(e_t, sp.HadamardProduct(Elementwise(TanhPrime, ms("a_t", H)), ms(r"\delta_t", H))),
        Relation(grad_of("W_R", H, H), total(e_t * h_prev.T)),
        Relation(grad_of("W_I", H, D), total(e_t * x_t.T)),
        Relation(grad_of("b", H), total(e_t)),
        Relation(grad_of("W_o", O, H), total(ms("g_t", O) * ms("h_t", H).T)),
        Relation(grad_of("h_0", H), Wr.T * ms("e_1", H)),
        Relation(grad_of("x_t", D), Wi.T * e_t),
    ]
    return tuple(tuple(lines[i:i + 2]) for i in range(0, len(lines), 2))


def bptt_steps(g):
    """Every BPTT gradient for T = 2, a nonlinear loss, and the seed's sum over paths."""
    E, a, h, delta, e, formulas = bptt(T_BPTT)
    # a nonlinear loss: the same formula with g_t = ∂E_t/∂y_t substituted
    gs = output_gradients(T_BPTT)
    yhat = [None] + [column("\\hat{y}", O, t) for t in range(1, T_BPTT + 1)]
    ys = {t: W_o * h[t] for t in range(1, T_BPTT + 1)}
    E_sq = sum((((ys[t] - yhat[t]).T * (ys[t] - yhat[t]))[0, 0] / 2 for t in range(1, T_BPTT + 1)), sp.Integer(0))
    g_of = {gs_k: v for t in range(1, T_BPTT + 1) for gs_k, v in zip(gs[t], ys[t] - yhat[t])}
    return [
        Step(f"BPTT: every gradient of E = Σ_t E_t(y_t) (T = {T_BPTT}) equals the backward recursion",
             tuple(Relation(lhs, rhs) for lhs, rhs in formulas.values()),
             "$g_t = \\partial E_t/\\partial y_t$, $\\delta_t = \\partial E/\\partial h_t$ (through every later "
             "step), $e_t = \\partial E/\\partial a_t$, $e_{T+1} = 0$. Each gradient is compared with SymPy's "
             "derivative of the fully unrolled $E$ ($\\partial E/\\partial x_t$ for $t = 1$; a first "
             "derivative only sees $g_t$, so $E = \\sum_t g_t^{\\top} y_t$ with free $g_t$ is fully general).",
             show=bptt_general(g)),
        Step("… for any loss: E = Σ_t ½‖y_t − ŷ_t‖² gives the same ∂E/∂b with g_t = y_t − ŷ_t",
             Relation(b_vec.applyfunc(lambda v: sp.diff(E_sq, v)), formulas["b"][1].xreplace(g_of)),
             "A first derivative of $E$ sees each $E_t$ only through $g_t = \\partial E_t/\\partial y_t$; "
             "this checks it for the squared error."),
        # the seed's chain form for one E_t through the products ∂h_t/∂h_i, with the immediate partial ∂⁺h_i/∂W_R
        Step("The same gradient as a sum over paths: ∂E_t/∂W_R = Σ_{i=1}^{t} (∂E_t/∂h_t)(∂h_t/∂h_i)(∂⁺h_i/∂W_R)",
             seed_sum_relation(immediate=True, start=1),
             "$\\partial^{+} h_i/\\partial W_R$ is the immediate partial derivative ($h_{i-1}$ held fixed): "
             "each path from $W_R$ into $h_t$ is counted once, through the step $i$ where it enters."),
    ]


def norm_steps():
    return [
        Step("Norm bound: ‖∂h_t/∂h_l‖₂ ≤ (γ σ_max(W_R))^{t−l}, γ = 1 (Pascanu, Mikolov, Bengio 2013)",
             Search("‖∂h_t/∂h_l‖₂ ≤ σ_max(W_R)^(t−l) for all 0 ≤ l < t ≤ 15; random tanh RNNs, "
                    "H = 1…8, normal and non-normal W_R, inputs and biases of scale 0.01…10", probe_bound, 60),
             "Submultiplicativity: $\\|\\operatorname{diag}(\\tanh'(a_k)) W_R\\|_2 \\le \\max_i \\tanh'(a_{k,i})"
             "\\, \\|W_R\\|_2 \\le \\gamma\\,\\sigma_{\\max}(W_R)$, once per factor. So "
             "$\\sigma_{\\max}(W_R) < 1/\\gamma$ is **sufficient** for vanishing; $\\rho(W_R) > 1/\\gamma$ is "
             "**necessary** for exploding (Pascanu et al.), not sufficient."),
        Step("ρ(W_R) ≤ σ_max(W_R): the eigenvalue condition is weaker than the singular-value one",
             Search("spectral radius ≤ largest singular value (random normal and non-normal W_R)",
                    probe_rho_le_sigma, 100),
             "So $\\sigma_{\\max} < 1$ implies $\\rho < 1$, but not the other way round: a non-normal "
             "$W_R$ can have $\\rho < 1 < \\sigma_{\\max}$ (claim 8)."),
    ]


def steps_and_claims():
    from ._rnn_code import code_steps  # here, not at the top: _rnn_code imports this module's model

    g = general_forms()
    return jacobian_steps(g) + bptt_steps(g) + code_steps() + norm_steps(), seed_claims()


def seed_sum_relation(immediate: bool, start: int, t: int = 2):
    """Σ_{i=start}^{t} g_tᵀ W_o (∂h_t/∂h_i)(∂h_i/∂W_R), entry by entry of W_R, against ∂E_t/∂W_R
    (E_t = g_tᵀ y_t), for the seed's model (no bias). ``immediate``: ∂⁺h_i/∂W_R (h_{i−1} fixed) instead of
    the total derivative of the unrolled h_i."""
    a, h = unroll(t, bias=False)
    gt = output_gradients(t)[t]
    Et = (gt.T * W_o * h[t])[0, 0]
    lhs = W_R.applyfunc(lambda s: sp.diff(Et, s))
    # ∂h_t/∂h_i at the unrolled point: the product of one-step Jacobians
    J = {t: sp.eye(H)}
    for i in range(t - 1, -1, -1):
        J[i] = J[i + 1] * tanhp_diag(a[i + 1]) * W_R
    row = gt.T * W_o
    hprev = column("h", H, "p")
    rhs = sp.zeros(H, H)
    for i in range(max(start, 1), t + 1):  # h_0 does not depend on W_R: its term is 0 in either reading
        local = tanh_vec(W_I * input_columns(t)[i] + W_R * hprev)
        subs = dict(zip(hprev, h[i - 1]))
        for p in range(H):
            for q in range(H):
                d = local.diff(W_R[p, q]).xreplace(subs) if immediate else h[i].diff(W_R[p, q])
                rhs[p, q] += (row * J[i] * d)[0, 0]
    return Relation(lhs, rhs)


# ----------------------------------------------------------------------------------------------------
# the seed's claims
# ----------------------------------------------------------------------------------------------------
def seed_claims():
    return formula_claims() + eigenvalue_claims()


def formula_claims():
    """The seed's model, its gradient formula and its three ways of writing the Jacobian product."""
    xs3 = input_columns(T_JAC)
    hprev = column("h", H, "p")
    chain_pairs = [(2, 0), (3, 1)]
    lt_pairs = [(2, 1), (3, 1)]

    def seed_factor(i):  # diag(tanh′(W_I x_i + W_R h_{i−1})) W_R, as the seed indexes it
        return tanhp_diag(W_I * xs3[i] + W_R * state_symbols(i - 1)) * W_R

    return [
        Claim(SECTION, "$$\\begin{aligned}h_t &= \\tanh(W_I x_t + W_R h_{t-1}) \\\\ y_t &= W_o h_t\\end{aligned}$$",
              "A6.3, “对于普通的RNN”, the model",
              Relation(tanh_vec(W_I * xs3[1] + W_R * hprev), tanh_vec(W_I * xs3[1] + W_R * hprev + b_vec)),
              Relation(tanh_vec(W_I * xs3[1] + W_R * hprev),
                       tanh_vec(W_I * xs3[1] + W_R * hprev + b_vec).xreplace({s: 0 for s in b_vec})),
              "the bias is zero: torch.nn.RNN and the issue's model add b = b_ih + b_hh inside tanh; the seed's "
              "formulas below are checked in the seed's own model (no bias), the derivation and the code carry b",
              note="Without b the Jacobians and BPTT keep their form (b only enters through a_t); the gradient "
                   "∂E/∂b = Σ_t e_t is then simply missing."),
        Claim(SECTION, "$$\\frac{\\partial E_k}{\\partial W_R} = \\sum_{i=0}^t \\frac{\\partial E_t}{\\partial y_t} "
                       "\\frac{\\partial y_t}{\\partial h_t} \\frac{\\partial h_t}{\\partial h_i} "
                       "\\frac{\\partial h_i}{\\partial W_R}$$",
              "A6.3 RNN, first gradient formula",
              seed_sum_relation(immediate=False, start=0),
              seed_sum_relation(immediate=True, start=0),
              "∂h_i/∂W_R is the immediate partial derivative ∂⁺h_i/∂W_R (h_{i−1} held fixed, Pascanu et al. 2013) "
              "and the E_k on the left is the E_t of the right-hand side (the i = 0 term is then zero); read as the "
              "total derivative of the unrolled h_i, every path through earlier steps is counted again",
              note="For the whole loss E = Σ_t E_t the right-hand side is summed over t as well (step “BPTT”)."),
        Claim(SECTION, "$$\\frac{\\partial h_t}{\\partial h_i} = \\frac{\\partial h_t}{\\partial h_{t-1}} "
                       "\\frac{\\partial h_{t-1}}{\\partial h_{t-2}} \\dots \\frac{\\partial h_{i+1}}{\\partial h_i}$$",
              "A6.3 RNN, “其中”, the chain of Jacobians",
              tuple(Relation(state_jacobian(t, i, bias=False), jacobian_product(t, i, bias=False))
                    for t, i in chain_pairs)),
        Claim(SECTION, "$$\\dots = \\prod_{k=i}^{t-1} \\frac{\\partial h_{k+1}}{\\partial h_k}$$",
              "A6.3 RNN, “其中”, the product sign",
              tuple(Relation(state_jacobian(t, i, bias=False), jacobian_product(t, i, descending=False, bias=False))
                    for t, i in chain_pairs),
              tuple(Relation(state_jacobian(t, i, bias=False), jacobian_product(t, i, bias=False))
                    for t, i in chain_pairs),
              "the product is read from k = t − 1 on the left down to k = i on the right, as the chain before it is "
              "written; matrix products do not commute, and ∏ read left to right (k = i first) gives J_i ⋯ J_{t−1}, "
              "the wrong order"),
        Claim(SECTION, "$$\\frac{\\partial h_{k+1}}{\\partial h_k} = \\operatorname{diag}(\\tanh'(W_I x_i + W_R "
                       "h_{i-1})) W_R$$",
              "A6.3 RNN, “而”, the one-step Jacobian",
              tuple(Relation(state_jacobian(k + 1, k, bias=False), seed_factor(i)) for k, i in ((2, 1), (1, 3), (2, 2))),
              tuple(Relation(state_jacobian(k + 1, k, bias=False), seed_factor(k + 1)) for k in (1, 2)),
              "the index i in the argument is read as k + 1: tanh′ is taken at step k+1's own pre-activation "
              "W_I x_{k+1} + W_R h_k (as written, i is the lower end of the chain, a different step)"),
        Claim(SECTION, "$$\\frac{\\partial h_t}{\\partial h_l} = \\prod_{i=l}^t \\operatorname{diag}(\\tanh'(W_I x_i + "
                       "W_R h_{i-1})) W_R$$",
              "A6.3 RNN, “则梯度为”",
              tuple(Relation(state_jacobian(t, l, bias=False),
                             jacobian_product(t, l, descending=False, bias=False, first=l)) for t, l in lt_pairs),
              tuple(Relation(state_jacobian(t, l, bias=False),
                             jacobian_product(t, l, descending=True, bias=False, first=l)) for t, l in lt_pairs),
              "the product is taken in descending order (i = t on the left), the only notational freedom; the range "
              "i = l … t stays as written",
              note="The range has one factor too many: i = l contributes diag(tanh′(a_l)) W_R, the Jacobian of a step "
                   "before h_l. With i = l+1 … t in descending order the formula is the step “∂h_t/∂h_l = …”."),
    ]


def eigenvalue_claims():
    """The seed's four statements on eigenvalues, tanh′ and long-range influence, checked by searches."""
    z = sp.Symbol("z", real=True)
    return [
        Claim(SECTION, "若矩阵 W_R 的主特征值大于1, 则会导致梯度爆炸", EXPLODES_WHERE,
              Search(f"ρ(W_R) > 1 ⇒ ‖∂h_{HORIZON}/∂h_0‖₂ > 1, tanh RNN (random W_R with ρ ∈ (1.05, 2), H = 2…8, "
                     "inputs and biases of scale 0.01…10)", probe_explodes, 200),
              Search(f"linear regime (tanh′ ≡ 1): ‖W_R^{HORIZON}‖₂ ≥ ρ(W_R)^{HORIZON} > 1", probe_linear_explodes, 100),
              "the units stay in tanh's linear regime (tanh′ ≈ 1); saturated units multiply the product by tanh′ ≈ 0, "
              "so for the tanh RNN ρ(W_R) > 1 is necessary for exploding gradients, not sufficient"),
        Claim(SECTION, "若矩阵 W_R 的主特征值小于1, 则会导致梯度消失", VANISHES_WHERE,
              Search(f"ρ(W_R) < 1 ⇒ ‖∂h_t/∂h_0‖₂ ≤ 1 for t = 1…{HORIZON} (a vanishing gradient is at least never "
                     "amplified); random tanh RNNs, ρ ∈ (0.5, 0.99)", probe_no_amplification("rho<1"), 200),
              Search(f"σ_max(W_R) < 1 ⇒ ‖∂h_t/∂h_0‖₂ ≤ 1 for t = 1…{HORIZON}", probe_no_amplification("sigma<1"), 100),
              "the largest singular value σ_max(W_R) < 1 = 1/γ takes the place of the principal eigenvalue (Pascanu et "
              "al.): then ‖∂h_t/∂h_l‖₂ ≤ σ_max^{t−l} → 0; with only ρ(W_R) < 1 a non-normal W_R can amplify the "
              "gradient over many steps"),
        Claim(SECTION, "\\tanh 的导数总是小于等于1", "A6.3 RNN, “可以看到”, third bullet (first half)",
              Relation(TanhPrime(z), sp.Integer(1), "<=", Domain(ranges={z: (-8.0, 8.0)}, special=[{z: 0}]))),
        Claim(SECTION, "当 W_R 的主特征值小于1, 梯度可能变为0", "A6.3 RNN, “可以看到”, third bullet (second half)",
              Search(f"some tanh RNN with ρ(W_R) < 1 has ‖∂h_{HORIZON}/∂h_0‖₂ < 1e-6 (found by random search)",
                     probe_can_vanish, 1),
              note="“May” is an existence claim, and the search finds such networks at once (the “error” above is the "
                   "norm ‖∂h_40/∂h_0‖₂ of the network it found). The norm becomes tiny, "
                   "not exactly 0 (tanh′ > 0, so the product is 0 only when W_R itself is singular)."),
        Claim(SECTION, "这代表前面的隐藏层对后面的隐藏层造成的影响十分小! 是远距离的梯度消失。",
              "A6.3 RNN, “可以看到”, fourth bullet",
              Search(f"a finite change δ of h_0 moves h_t by at most σ_max(W_R)^t ‖δ‖ (t ≤ {HORIZON}, σ_max < 1, "
                     "‖δ‖ up to 1)", probe_influence, 80)),
    ]


@register(NAME)
def derivation() -> Derivation:
    from ._rnn_code import code_display, code_module  # here, not at the top: _rnn_code imports this module

    steps, claims = steps_and_claims()
    g = general_forms()
    Wr, Wi, Wo_, b = g["Wr"], g["Wi"], g["Wo"], g["b"]
    return Derivation(
        name=NAME,
        section=SECTION,
        title="Plain RNN: the Jacobian product, vanishing and exploding gradients, BPTT",
        title_zh="普通 RNN：雅可比连乘、梯度消失与爆炸、BPTT",
        page="a6-3-rnn.md",
        summary="For $h_t = \\tanh(W_I x_t + W_R h_{t-1} + b)$ the Jacobian $\\partial h_t/\\partial h_l$ is a product "
                "of $t-l$ factors $\\operatorname{diag}(\\tanh'(a_k))W_R$, $k = t$ down to $l+1$; its norm is at most "
                "$\\sigma_{\\max}(W_R)^{t-l}$. The eigenvalue rules of the seed fail both ways (transient growth, "
                "saturation); BPTT is generated as NumPy code and checked against torch.nn.RNN.",
        model=[
            ("state update (torch.nn.RNN, tanh; b = b_ih + b_hh)",
             Relation(ms("h_t", H), Elementwise(Tanh, Wi * ms("x_t", D) + Wr * ms("h_{t-1}", H) + b))),
            ("output", Relation(ms("y_t", O), Wo_ * ms("h_t", H))),
            ("loss", Relation(sp.Symbol("E"), sp.Sum(sp.Function("E_t")(sp.Symbol("y_t")),
                                                     (sp.Symbol("t"), 1, sp.Symbol("T"))))),
            ("pre-activation", Relation(ms("a_t", H), Wi * ms("x_t", D) + Wr * ms("h_{t-1}", H) + b)),
        ],
        steps=steps,
        claims=claims,
        code=[code_module()],
        plots=[
            Plot("rnn-jacobian-norms", "‖∂h_t/∂h_0‖₂ against t for σ_max(W_R) = 0.5 … 1.5 (W_R = σ·orthogonal, "
                 "H = 32, small inputs), with the bound σ_max^t dashed.", draw_norms),
            Plot("rnn-counterexamples", "The cases the checker found: transient growth with ρ(W_R) < 1 (left) and "
                 "saturation with ρ(W_R) > 1 (right), against ρ^t and σ_max^t.",
                 lambda fig, found: draw_counterexamples(fig, found[VANISHES_WHERE], found[EXPLODES_WHERE]),
                 (9.0, 3.8), needs=(VANISHES_WHERE, EXPLODES_WHERE)),
            Plot("rnn-tanh-prime", "tanh and its derivative (the figure the seed announces but does not show).",
                 draw_tanh_prime, (6.4, 3.2)),
        ],
        sections={
            "intro": "The seed answers A6.3 for the plain RNN with a product of Jacobians and four statements "
                     "about eigenvalues. Below, SymPy derives every Jacobian and gradient with explicit sizes "
                     "($H = D = O = 2$), the checker verifies each step, and every formula of the seed gets a "
                     "computed verdict. The searches use random tanh RNNs in float64 with seeded generators.",
        },
        template="a6-3-rnn.md.j2",
        context={"code_shown": code_display()},
    )
