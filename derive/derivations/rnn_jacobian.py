"""A6.3 (plain RNN): the Jacobian product ∂h_t/∂h_l, vanishing and exploding gradients, and BPTT.

Model: h_t = tanh(W_I x_t + W_R h_{t-1} + b), y_t = W_o h_t, E = Σ_t E_t(y_t)  (torch.nn.RNN, tanh, with
b = b_ih + b_hh). Each step shows its general matrix form (``Step.show``) and checks an explicit instance
with 2 hidden units: the one-step Jacobian diag(tanh′(a_{k+1})) W_R (and SymPy's transposed
MatrixExpr.diff), the product ∂h_t/∂h_l with its range and order, the gradient of one loss term as a sum
over paths, the BPTT gradients with respect to W_R, W_I, W_o, b, h_0 and x, and the norm bound
‖∂h_t/∂h_l‖ ≤ (γ σ_max(W_R))^{t−l} (Pascanu, Mikolov, Bengio 2013). An instance is differentiated in full
(the nested h_t(h_l)) and then printed with the pre-activations and states named (a_{k,i}, h_{k,i}), so it
stays readable. The seed's claims, the answers and the notation are in :mod:`._rnn_claims`, the searches
in :mod:`._rnn_numeric`, the generated code ``derive.generated.rnn`` in :mod:`._rnn_code`.
"""
from __future__ import annotations

import sympy as sp
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction as Elementwise  # printer: tanh(·)

from ..functions import Tanh, TanhPrime
from ..kit import entries, matrix_symbols as ms
from ..model import Derivation, Domain, Plot, Relation, Step
from ..registry import register
from ._rnn_numeric import HORIZON, draw_counterexamples, draw_norms, draw_tanh_prime, search  # noqa: F401

NAME = "rnn-jacobian"
SECTION = "A6.3 RNN"
H, D, O = 2, 2, 2  # hidden, input and output sizes of the explicit instances
T_BPTT = 2  # steps for the full BPTT gradients (all parameters)
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


def state_symbols(l):
    return column("h", H, l)


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


def named(expr, a, h):
    """``expr`` (differentiated already) with the nested states h_k = tanh(a_k) written as the symbols
    h_{k,i} and the pre-activations as a_{k,i}: the same identity, printed in a few lines. Replacing
    subexpressions by free symbols only strengthens an equality, so the named instance still proves it."""
    start = min(h)
    states = {h[k][i]: state_symbols(k)[i] for k in h if k != start for i in range(H)}
    pre = {a[k].xreplace(states)[i]: column("a", H, k)[i] for k in a for i in range(H)}
    return expr.xreplace(states).xreplace(pre)


def _from_state(t, l, bias):
    """The nested pre-activations and states of steps l+1 … t from the symbols h_l; a_l (the seed's extra
    factor) is written from the symbols h_{l−1}."""
    a, h = unroll(t, state_symbols(l), l, bias)
    if l >= 1:
        a[l] = W_I * input_columns(t)[l] + W_R * state_symbols(l - 1) + (b_vec if bias else sp.zeros(H, 1))
    return a, h


def jacobian_product(t, l, descending=True, bias=True, first=None, name=False):
    """∏ diag(tanh′(a_k)) W_R over k = first … t (default first = l + 1) in the given order, the a_k being
    the nested pre-activations from the symbols h_l. ``first = l`` adds the seed's extra factor with
    a_l = W_I x_l + W_R h_{l−1} (+ b). ``name``: print the pre-activations as a_{k,i}."""
    a, h = _from_state(t, l, bias)
    ks = list(range(l + 1 if first is None else first, t + 1))
    out = sp.eye(H)
    for k in (ks[::-1] if descending else ks):
        out = out * tanhp_diag(a[k]) * W_R
    return named(out, a, h) if name else out


def state_jacobian(t, l, bias=True, name=False):
    """∂h_t/∂h_l by SymPy: the Jacobian of the nested h_t with respect to the symbols h_l."""
    a, h = _from_state(t, l, bias)
    out = h[t].jacobian(state_symbols(l))
    return named(out, a, h) if name else out


# ----------------------------------------------------------------------------------------------------
# BPTT (column vectors)
# ----------------------------------------------------------------------------------------------------
def bptt(T):
    """The loss, its direct derivatives and the BPTT formulas for T steps (nested, unnamed: the generated
    code's verification evaluates them)."""
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
        "b": (grad(b_vec), sum((e[t] for t in range(1, T + 1)), sp.zeros(H, 1))),
        "W_I": (grad(W_I), sum((e[t] * xs[t].T for t in range(1, T + 1)), sp.zeros(H, D))),
        "W_o": (grad(W_o), sum((gs[t] * h[t].T for t in range(1, T + 1)), sp.zeros(O, H))),
        "h_0": (grad(h0_vec), W_R.T * e[1]),
    }
    formulas["x_1"] = (grad(xs[1]), W_I.T * e[1])  # x_t for t > 1 has the same form
    return E, a, h, delta, e, formulas


def seed_sum_relation(immediate: bool, start: int, t: int = 2, domain: Domain | None = None):
    """Σ_{i=start}^{t} δ_tᵀ (∂h_t/∂h_i)(∂h_i/∂W_R), entry by entry of W_R, against ∂E_t/∂W_R, for the seed's
    model (no bias) and E_t with ∂E_t/∂h_t = δ_t (all a first derivative sees). ``immediate``: ∂⁺h_i/∂W_R
    (h_{i−1} held fixed) instead of the total derivative of the unrolled h_i."""
    a, h = unroll(t, bias=False)
    dt = column(r"\delta", H, t)
    Et = (dt.T * h[t])[0, 0]
    lhs = W_R.applyfunc(lambda s: sp.diff(Et, s))
    J = {t: sp.eye(H)}  # ∂h_t/∂h_i at the unrolled point: the product of one-step Jacobians
    for i in range(t - 1, -1, -1):
        J[i] = J[i + 1] * tanhp_diag(a[i + 1]) * W_R
    hprev = column("h", H, "p")
    rhs = sp.zeros(H, H)
    for i in range(max(start, 1), t + 1):  # h_0 does not depend on W_R: its term is 0 in either reading
        local = tanh_vec(W_I * input_columns(t)[i] + W_R * hprev)
        subs = dict(zip(hprev, h[i - 1]))
        for p in range(H):
            for q in range(H):
                d = local.diff(W_R[p, q]).xreplace(subs) if immediate else h[i].diff(W_R[p, q])
                rhs[p, q] += (dt.T * J[i] * d)[0, 0]
    matrix_form = sum((sp.matrix_multiply_elementwise(a[i].applyfunc(TanhPrime), J[i].T * dt) * h[i - 1].T
                       for i in range(1, t + 1)), sp.zeros(H, H))
    lhs, rhs = named(lhs, a, h), named(rhs, a, h)
    return Relation(lhs, rhs, "=", domain or Domain()), Relation(lhs, named(matrix_form, a, h))


# ----------------------------------------------------------------------------------------------------
# the general (matrix-level) forms shown on the page
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


def factor(a_name: str, Wr):
    """diag(tanh′(a_k)) W_R, a one-step Jacobian, for the general forms."""
    return [sp.DiagMatrix(Elementwise(TanhPrime, ms(a_name, H))), Wr]


def product_form(Wr):
    """∂h_t/∂h_l = diag(tanh′(a_t)) W_R ⋯ diag(tanh′(a_{l+1})) W_R (t − l factors, later steps on the left)."""
    return Relation(ms(r"\frac{\partial h_t}{\partial h_l}", H, H),
                    sp.MatMul(*factor("a_t", Wr), ms(r"\cdots", H, H), *factor("a_{l+1}", Wr)))


def paths_form(Wr):
    """The gradient of one loss term as a sum over paths, in the seed's chain notation and as matrices."""
    i, t = sp.Symbol("i", integer=True), sp.Symbol("t", integer=True)

    def nc(name):  # products of derivatives keep the order they are written in
        return sp.Symbol(name, commutative=False)

    lhs = ms(r"\frac{\partial E_t}{\partial W_R}", H, H)
    chain = sp.Sum(nc(r"\frac{\partial E_t}{\partial h_t}") * nc(r"\frac{\partial h_t}{\partial h_i}")
                   * nc(r"\frac{\partial^{+} h_i}{\partial W_R}"), (i, 1, t))
    J = ms(r"\left(\frac{\partial h_t}{\partial h_i}\right)", H, H)
    matrix = sp.Sum(sp.MatMul(sp.DiagMatrix(Elementwise(TanhPrime, ms("a_i", H))), J.T, ms(r"\delta_t", H),
                              ms("h_{i-1}", H).T), (i, 1, t))
    return Relation(nc(r"\frac{\partial E_t}{\partial W_R}"), chain), Relation(lhs, matrix)


def bptt_general(g):
    """The BPTT recursion and gradients for any T, at matrix level (two formulas a line)."""
    Wr, Wi, Wo_ = g["Wr"], g["Wi"], g["Wo"]
    tt, TT = sp.Symbol("t", integer=True), sp.Symbol("T")
    e_t, h_prev, x_t = ms("e_t", H), ms("h_{t-1}", H), ms("x_t", D)

    def total(expr):
        return sp.Sum(expr, (tt, 1, TT))

    lines = [
        Relation(ms(r"\delta_t", H), sp.MatAdd(Wo_.T * ms("g_t", O), Wr.T * ms("e_{t+1}", H), evaluate=False)),
        Relation(e_t, sp.HadamardProduct(Elementwise(TanhPrime, ms("a_t", H)), ms(r"\delta_t", H))),
        Relation(grad_of("W_R", H, H), total(e_t * h_prev.T)),
        Relation(grad_of("W_I", H, D), total(e_t * x_t.T)),
        Relation(grad_of("b", H), total(e_t)),
        Relation(grad_of("W_o", O, H), total(ms("g_t", O) * ms("h_t", H).T)),
        Relation(grad_of("h_0", H), Wr.T * ms("e_1", H)),
        Relation(grad_of("x_t", D), Wi.T * e_t),
    ]
    return tuple(tuple(lines[i:i + 2]) for i in range(0, len(lines), 2))


def grad_of(name, rows, cols=1):
    return ms(r"\frac{\partial E}{\partial %s}" % name, rows, cols)


# ----------------------------------------------------------------------------------------------------
# the derivation steps: a general matrix form is shown (``show``), an explicit instance is checked
# ----------------------------------------------------------------------------------------------------
# W_R swaps the two units and the two steps' tanh′ differ: the smallest case where the order shows
def point(W=(0, 1, 1, 0), **pre):
    """A special point with small integers: W_R's entries row by row, and pre-activations a_k = (…)."""
    out = dict(zip(W_R, map(sp.Integer, W)))
    for k, values in pre.items():
        out.update(zip(column("a", H, int(k[1:])), map(sp.Integer, values)))
    return out


ORDER_POINT = point(a1=(0, 1), a2=(0, 0))


def jacobian_steps(g):
    """The one-step Jacobian, SymPy's transposed layout, tanh′ and γ, the product with its range and order."""
    hk = state_symbols(1)
    a2 = W_I * input_columns(2)[2] + W_R * hk + b_vec
    values = {g["Wr"]: W_R, g["Wi"]: W_I, g["b"]: b_vec, g["hk"]: hk, g["xk1"]: input_columns(2)[2]}
    z = sp.Symbol("z", real=True)
    J1, J2 = factor("a_1", g["Wr"]), factor("a_2", g["Wr"])
    # ∂h_{2,i}/∂h_{1,j} unevaluated: the page shows what SymPy differentiated (the checker evaluates it)
    jacobian_shown = sp.Matrix(H, H, lambda i, j: sp.Derivative(Tanh(a2[i]), hk[j]))
    return [
        Step("One step: ∂h_{k+1}/∂h_k = diag(tanh′(a_{k+1})) W_R",
             Relation(jacobian_shown, tanhp_diag(a2) * W_R),
             "Row $i$ of the Jacobian is the gradient of $h_{k+1,i} = \\tanh(a_{k+1,i})$; the chain rule "
             "gives $\\tanh'(a_{k+1,i})$ times row $i$ of $W_R$. The Jacobian is in numerator layout "
             "(row = output), so the diagonal factor stands on the left.",
             show=Relation(ms(r"\frac{\partial h_{k+1}}{\partial h_k}", H, H), g["jac"])),
        Step("SymPy's matrix calculus returns the transpose (denominator layout)",
             Relation(explicit(g["hnext"].diff(g["hk"]), values), jacobian_shown.T),
             "SymPy's `diff` of $\\tanh(W_I x_{k+1} + W_R h_k + b)$ with respect to $h_k$ gives "
             "$W_R^{\\top}\\operatorname{diag}(\\tanh'(a_{k+1}))$, the transpose of the Jacobian above: its "
             "matrix calculus uses the denominator layout.",
             show=Relation(sp.Symbol(r"\texttt{diff}\left(\tanh(a_{k+1}),\, h_k\right)"), g["hnext"].diff(g["hk"]))),
        Step("tanh′(z) = 1 − tanh²(z): the backward pass reuses the cached h_t",
             Relation(TanhPrime(z), 1 - Tanh(z) ** 2),
             "So the backward pass needs no second call to $\\tanh$: $\\tanh'(a_t) = 1 - h_t^2$."),
        Step("γ = max tanh′ = 1, attained at z = 0",
             Relation(TanhPrime(z), sp.Integer(1), "<=", Domain(ranges={z: (-8.0, 8.0)}, special=[{z: 0}])),
             "The bound $\\gamma$ of Pascanu et al. for $\\tanh$."),
        Step("∂h_t/∂h_l is a product of t − l one-step Jacobians, later steps on the left",
             tuple(Relation(state_jacobian(t, l, name=True), jacobian_product(t, l, name=True))
                   for t, l in ((2, 0), (3, 1), (3, 0))),
             "The chain rule through $h_{t-1}, \\dots, h_{l+1}$ gives one factor "
             "$\\operatorname{diag}(\\tanh'(a_k)) W_R$ for each $k = l+1, \\dots, t$, with $k = t$ on the left. "
             "Checked for $(t, l) = (2, 0), (3, 1), (3, 0)$ against SymPy's Jacobian of the nested $h_t(h_l)$; "
             "the instance names the entries of the pre-activations $a_{k,i}$ once SymPy has differentiated.",
             show=product_form(g["Wr"])),
        Step("The order matters: J_2 J_1 ≠ J_1 J_2 for J_k = diag(tanh′(a_k)) W_R",
             Relation(jacobian_product(2, 0, name=True), jacobian_product(2, 0, descending=False, name=True), "!=",
                      Domain(special=[ORDER_POINT])),
             "Matrix products do not commute, so the reversed product is not $\\partial h_2/\\partial h_0$. "
             "The smallest example: $W_R$ swaps the two units and $\\tanh'$ differs between the steps.",
             show=Relation(sp.MatMul(*J2, *J1), sp.MatMul(*J1, *J2), "!=")),
    ]


def gradient_steps(g):
    """The gradient of one loss term as a sum over paths, every BPTT gradient for T = 2, a nonlinear loss."""
    E, a, h, delta, e, formulas = bptt(T_BPTT)
    gs = output_gradients(T_BPTT)
    yhat = [None] + [column("\\hat{y}", O, t) for t in range(1, T_BPTT + 1)]
    ys = {t: W_o * h[t] for t in range(1, T_BPTT + 1)}
    E_sq = sum((((ys[t] - yhat[t]).T * (ys[t] - yhat[t]))[0, 0] / 2 for t in range(1, T_BPTT + 1)), sp.Integer(0))
    g_of = {gs_k: v for t in range(1, T_BPTT + 1) for gs_k, v in zip(gs[t], ys[t] - yhat[t])}
    tt, TT = sp.Symbol("t", integer=True), sp.Symbol("T")
    return [
        Step("The gradient of one loss term as a sum over paths: "
             "∂E_t/∂W_R = Σ_{i=1}^{t} (∂E_t/∂h_t)(∂h_t/∂h_i)(∂⁺h_i/∂W_R)",
             seed_sum_relation(immediate=True, start=1),
             "$\\partial^{+} h_i/\\partial W_R$ is the immediate partial derivative ($h_{i-1}$ held fixed): each "
             "path from $W_R$ into $h_t$ is counted once, at the step $i$ where it enters. "
             "$\\partial^{+} h_i/\\partial (W_R)_{pq}$ is $\\tanh'(a_{i,p})\\, h_{i-1,q}$ in row $p$ and 0 elsewhere, "
             "which gives the matrix form; "
             "$\\delta_t = \\partial E_t/\\partial h_t$. Checked for $t = 2$ in the seed's model (no bias).",
             show=paths_form(g["Wr"])),
        Step("BPTT: the gradients of E = Σ_t E_t(y_t) by the backward recursion",
             tuple(Relation(named(lhs, a, h), named(rhs, a, h)) for lhs, rhs in formulas.values()),
             "$g_t = \\partial E_t/\\partial y_t$, $\\delta_t = \\partial E/\\partial h_t$ (through every later "
             "step), $e_t = \\partial E/\\partial a_t$, $e_{T+1} = 0$: one backward pass gives every gradient. "
             "Checked for $T = 2$ against SymPy's derivatives of the fully unrolled $E$ (for $x_t$ at $t = 1$). "
             "A first derivative sees each $E_t$ only through $g_t$, so $E = \\sum_t g_t^{\\top} y_t$ with free "
             "$g_t$ is general.",
             show=bptt_general(g)),
        Step("The recursion holds for any loss: E = Σ_t ½‖y_t − ŷ_t‖² with g_t = y_t − ŷ_t",
             Relation(named(b_vec.applyfunc(lambda v: sp.diff(E_sq, v)), a, h),
                      named(formulas["b"][1].xreplace(g_of), a, h)),
             "The squared error, differentiated in full, gives the same $\\partial E/\\partial b$ as the "
             "recursion with $g_t = y_t - \\hat{y}_t$.",
             show=((Relation(grad_of("b", H), sp.Sum(ms("e_t", H), (tt, 1, TT))),
                    Relation(ms("g_t", O), sp.MatAdd(ms("y_t", O), -ms(r"\hat{y}_t", O), evaluate=False))),)),
    ]


def spectral():
    """σ_max (largest singular value), ρ (spectral radius) and ‖∂h_t/∂h_l‖₂, for the general forms."""
    return (sp.Function(r"\sigma_{\max}", positive=True), sp.Function(r"\rho", nonnegative=True),
            sp.Symbol(r"\left\| \frac{\partial h_t}{\partial h_l} \right\|_2", nonnegative=True))


def norm_steps(Wr):
    t, l = sp.Symbol("t", integer=True), sp.Symbol("l", integer=True)
    sigma, rho, norm = spectral()
    return [
        Step("Norm bound: ‖∂h_t/∂h_l‖₂ ≤ (γ σ_max(W_R))^{t−l} with γ = 1 (Pascanu, Mikolov, Bengio 2013)",
             search("bound", Relation(norm, (sp.Symbol(r"\gamma") * sigma(Wr)) ** (t - l), "<=")),
             "Each factor has $\\|\\operatorname{diag}(\\tanh'(a_k)) W_R\\|_2 \\le \\max_i \\tanh'(a_{k,i})\\, "
             "\\|W_R\\|_2 \\le \\gamma\\,\\sigma_{\\max}(W_R)$, and norms of products are at most the products of "
             "norms. So $\\sigma_{\\max}(W_R) < 1/\\gamma$ is **sufficient** for vanishing, and "
             "$\\rho(W_R) > 1/\\gamma$ is **necessary** for exploding, not sufficient (Pascanu et al.)."),
        Step("ρ(W_R) ≤ σ_max(W_R): the eigenvalue condition is weaker than the singular-value one",
             search("rho<=sigma", Relation(rho(Wr), sigma(Wr), "<=")),
             "So $\\sigma_{\\max} < 1$ implies $\\rho < 1$, but not the other way round: a non-normal $W_R$ can have "
             "$\\rho < 1 < \\sigma_{\\max}$ (claim 8)."),
    ]


def steps_and_claims():
    from ._rnn_claims import seed_claims  # here, not at the top: the helpers import this module's model
    from ._rnn_code import code_steps

    g = general_forms()
    return jacobian_steps(g) + gradient_steps(g) + norm_steps(g["Wr"]) + code_steps(), seed_claims()


def seed_claims():
    from ._rnn_claims import seed_claims as claims

    return claims()


@register(NAME)
def derivation() -> Derivation:
    from ._rnn_claims import answers, notation
    from ._rnn_code import code_display, code_module

    steps, claims = steps_and_claims()
    g = general_forms()
    Wr, Wi, Wo_, b = g["Wr"], g["Wi"], g["Wo"], g["b"]
    return Derivation(
        name=NAME,
        section=SECTION,
        title="Plain RNN: the Jacobian product, vanishing and exploding gradients, BPTT",
        title_zh="普通 RNN：雅可比连乘、梯度消失与爆炸、BPTT",
        page="a6-3-rnn.md",
        nav_title="Plain RNN: Jacobians and BPTT",
        summary="For $h_t = \\tanh(W_I x_t + W_R h_{t-1} + b)$ the Jacobian $\\partial h_t/\\partial h_l$ is a product "
                "of $t-l$ factors $\\operatorname{diag}(\\tanh'(a_k))W_R$, $k = t$ down to $l+1$; its norm is at most "
                "$\\sigma_{\\max}(W_R)^{t-l}$. The seed's eigenvalue rules fail both ways (a non-normal $W_R$, "
                "saturated units); BPTT is generated as NumPy code and checked against torch.nn.RNN.",
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
        answers=answers(),
        notation=notation(),
        code=[code_module()],
        plots=[
            Plot("rnn-jacobian-norms", "‖∂h_t/∂h_0‖₂ against t for σ_max(W_R) = 0.5 … 1.5 (W_R = σ times an "
                 "orthogonal matrix, 32 hidden units, small inputs), with the bound σ_max^t dashed.", draw_norms),
            Plot("rnn-counterexamples", "The networks the checker found: a W_R with ρ(W_R) < 1 that amplifies the "
                 "gradient (left) and saturated units with ρ(W_R) > 1 (right), against ρ^t and σ_max^t.",
                 lambda fig, found: draw_counterexamples(fig, found[VANISHES_WHERE], found[EXPLODES_WHERE]),
                 (9.0, 3.8), needs=(VANISHES_WHERE, EXPLODES_WHERE)),
            Plot("rnn-tanh-prime", "tanh and its derivative (the figure the seed announces but does not show).",
                 draw_tanh_prime, (6.4, 3.2)),
        ],
        sections={
            "intro": "The seed answers A6.3 for the plain RNN with a product of Jacobians and four statements on "
                     "eigenvalues. Each step below shows the general matrix form; the instance the checker "
                     "verified (2 hidden units) is folded under it. In the evidence on the seed's formulas the "
                     "left side is the true value and the right side the seed's. The searches use random tanh RNNs "
                     "in float64.",
            **code_sections(),
        },
        template="a6-3-rnn.md.j2",
        context={"code_shown": code_display()},
    )


def code_sections():
    """The prose of the generated-code section (its formulas come from ``code_display``)."""
    return {
        "code_forward": "`rnn_forward(x, h0, W_ih, W_hh, b_ih, b_hh) -> (hs, cache)`: torch.nn.RNN's layout and "
                        "names ($W_{ih} = W_I$, $W_{hh} = W_R$, $b = b_{ih} + b_{hh}$): x (T, B, D), h0 (B, H), hs "
                        "(T, B, H). $h_0$ = `h0` and $h_t$ = `hs[t - 1]` for $t = 1, \\dots, T$. Each row is one "
                        "sample, so the formulas above appear transposed. The input part of every step is one "
                        "matrix product before the loop; each step then works in place:",
        "code_backward": "`rnn_backward(dhs, cache) -> dict` (keys `x, h0, W_ih, W_hh, b_ih, b_hh`), with "
                         "$G_t$ = `dhs[t - 1]` $= \\partial E/\\partial h_t$ from the outputs and "
                         "$\\Delta_t = \\partial E/\\partial A_t$, backwards over $t$; after the loop each gradient "
                         "is one matrix product over all (step, sample) rows:",
        "code_jacobian": "`rnn_state_jacobian(cache, t, l) -> (B, H, H)`: $\\partial h_t/\\partial h_l$ for every "
                         "sample, $0 \\le l \\le t \\le T$ ($t = l$ gives the identity), by this recursion from "
                         "$J = I$ over $k = l+1, \\dots, t$, with $\\tanh'(a_k) = 1 - h_k^2$ from the cache:",
        "code_tests": "The tests compare all of it with torch.nn.RNN autograd (float64) and central differences; "
                      "`python -m derive.bench rnn` times it against torch.nn.RNN.",
    }
