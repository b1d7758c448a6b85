"""A6.3 (plain RNN): the Jacobian product ∂h_t/∂h_l, vanishing and exploding gradients, and BPTT.

Model: h_t = tanh(W_I x_t + W_R h_{t-1} + b), y_t = W_o h_t, E = Σ_t E_t(y_t)  (torch.nn.RNN, tanh, with
b = b_ih + b_hh). Derivation, with explicit sizes: the one-step Jacobian diag(tanh′(a_{k+1})) W_R (and SymPy's
transposed MatrixExpr.diff), the product ∂h_t/∂h_l with its exact range and order, the BPTT gradients of E with
respect to W_I, W_R, W_o, b, h_0 and x, and the norm bound ‖∂h_t/∂h_l‖ ≤ (γ σ_max(W_R))^{t−l} (Pascanu, Mikolov,
Bengio 2013). Claims: every formula and statement of the seed's RNN part. Code: ``derive.generated.rnn``
(forward, BPTT backward and the state Jacobian; the per-step math is emitted from the SymPy expressions
below by :class:`derive.inplace.InplaceEmitter`, the time loop comes from ``templates/code/rnn.py.j2``).
"""
from __future__ import annotations


import numpy as np
import sympy as sp
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction

from ..functions import Tanh, TanhPrime
from ..inplace import InplaceEmitter
from ..model import (Claim, CodeModule, Derivation, Domain, Plot, Relation, Search, Step,
                     VerifyRow, Witness)
from ..printing import tex
from ..registry import register

NAME = "rnn-jacobian"
SECTION = "A6.3 RNN"
H, D, O = 2, 2, 2  # hidden, input and output sizes of the symbolic derivation
T_JAC = 3  # steps for the Jacobian products (t − l = 1, 2, 3)
T_BPTT = 2  # steps for the full BPTT gradients (all parameters; T = 3 costs 7 s of exact tests)


# ----------------------------------------------------------------------------------------------------
# matrix-level notation (printed through the LaTeX printer)
# ----------------------------------------------------------------------------------------------------
class Elementwise(ElementwiseApplyFunction):
    """f applied entrywise to a matrix expression, printed as the seed writes it: tanh(·), tanh′(·)."""

    def _latex(self, printer):
        fn = self.function.expr.func if isinstance(self.function, sp.Lambda) else self.function
        name = {"Tanh": r"\tanh", "TanhPrime": r"\tanh'"}.get(getattr(fn, "__name__", ""), None)
        if name is None:
            return printer._print(ElementwiseApplyFunction(self.function, self.expr))
        return r"%s\left(%s\right)" % (name, printer._print(self.expr))


class Ones(sp.OneMatrix):
    """The all-ones matrix, printed 𝟙."""

    def _latex(self, printer):
        return r"\mathbb{1}"


def ms(name, rows, cols=1):
    return sp.MatrixSymbol(name, rows, cols)


def explicit(expr, values: dict) -> sp.Matrix:
    """A matrix expression with its MatrixSymbols replaced by explicit matrices of scalars."""
    out = expr.xreplace({sym: sp.ImmutableMatrix(mat) for sym, mat in values.items()}).doit()
    if not isinstance(out, sp.MatrixBase):
        out = out.as_explicit()
    return sp.Matrix(out)


# ----------------------------------------------------------------------------------------------------
# the explicit-size model (column vectors, one sample)
# ----------------------------------------------------------------------------------------------------
def entries(name: str, rows: int, cols: int) -> sp.Matrix:
    return sp.Matrix(rows, cols, lambda i, j: sp.Symbol(f"{name}_{{{i + 1}{j + 1}}}", real=True))


def column(name: str, n: int, t=None) -> sp.Matrix:
    pre = f"{t}," if t is not None else ""
    return sp.Matrix(n, 1, lambda i, j: sp.Symbol(f"{name}_{{{pre}{i + 1}}}", real=True))


W_I = entries("W^{I}", H, D)
W_R = entries("W^{R}", H, H)
W_o = entries("W^{o}", O, H)
b_vec = column("b", H)
h0_vec = column("h", H, 0)


def xs_of(T):
    return [None] + [column("x", D, t) for t in range(1, T + 1)]


def gs_of(T):  # g_t = ∂E_t/∂y_t
    return [None] + [column("g", O, t) for t in range(1, T + 1)]


def tanh_vec(v: sp.Matrix) -> sp.Matrix:
    return v.applyfunc(Tanh)


def tanhp_diag(v: sp.Matrix) -> sp.Matrix:
    return sp.diag(*[TanhPrime(e) for e in v])


def unroll(T, h_start=None, start=0, bias=True):
    """Pre-activations a_k and states h_k for k = start … T, starting from ``h_start`` (symbols) at k = start."""
    xs = xs_of(T)
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
        a[l] = W_I * xs_of(t)[l] + W_R * state_symbols(l - 1) + (b_vec if bias else sp.zeros(H, 1))
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


def one_step_jacobian(k, bias=True):
    return state_jacobian(k + 1, k, bias)


# ----------------------------------------------------------------------------------------------------
# BPTT (column vectors)
# ----------------------------------------------------------------------------------------------------
def bptt(T):
    """The loss, its direct derivatives and the BPTT formulas for T steps."""
    xs, gs = xs_of(T), gs_of(T)
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
# numeric experiments (float64; used by the searches and the plots)
# ----------------------------------------------------------------------------------------------------
def spectral_radius(W):
    return float(np.max(np.abs(np.linalg.eigvals(W))))


def sigma_max(W):
    return float(np.linalg.norm(W, 2))


def random_recurrent(rng, n, normal: bool):
    """W = Q S Qᵀ: S diagonal (normal W) or upper triangular with off-diagonal entries of random size
    (non-normal W: eigenvalues on the diagonal, transient growth possible). Q orthogonal."""
    q, _ = np.linalg.qr(rng.normal(size=(n, n)))
    eig = rng.uniform(0.2, 1.0, size=n) * rng.choice([-1.0, 1.0], size=n)
    s = np.diag(eig)
    if not normal:
        s = s + np.triu(rng.normal(size=(n, n)), 1) * 10 ** rng.uniform(-1, 0.7)
    return q @ s @ q.T


def scaled(W, rho=None, sigma=None):
    if rho is not None:
        return W * (rho / spectral_radius(W))
    return W * (sigma / sigma_max(W))


def run_rnn(W_R_, W_I_, b_, xs, h0):
    """States h_1 … h_T (rows) of h_t = tanh(W_I x_t + W_R h_{t-1} + b)."""
    hs = []
    h = h0
    for x in xs:
        h = np.tanh(W_I_ @ x + W_R_ @ h + b_)
        hs.append(h)
    return np.array(hs)


def jacobian_norms(W_R_, hs):
    """‖∂h_t/∂h_0‖₂ for t = 1 … T: ∂h_t/∂h_0 = diag(1 − h_t²) W_R ∂h_{t−1}/∂h_0."""
    J = np.eye(W_R_.shape[0])
    out = []
    for h in hs:
        J = (1 - h * h)[:, None] * (W_R_ @ J)
        out.append(np.linalg.norm(J, 2))
    return np.array(out)


def random_network(rng, W, T, scale=None):
    n = W.shape[0]
    d = int(rng.integers(1, 5))
    scale = 10 ** rng.uniform(-2, 1) if scale is None else scale
    W_I_ = rng.normal(size=(n, d)) * scale
    b_ = rng.normal(size=n) * scale
    xs = rng.normal(size=(T, d))
    h0 = np.tanh(rng.normal(size=n))
    return W_I_, b_, xs, h0, scale


FOUND: dict[str, dict] = {}  # the first counter-example each search found (the plots draw these)
HORIZON = 40


def _case(rng, kind):
    n = int(rng.integers(2, 9))
    W0 = random_recurrent(rng, n, normal=bool(rng.uniform() < 0.4))
    if kind == "rho>1":
        W = scaled(W0, rho=float(rng.uniform(1.05, 2.0)))
    elif kind == "rho<1":
        W = scaled(W0, rho=float(rng.uniform(0.5, 0.99)))
    else:  # sigma<1
        W = scaled(W0, sigma=float(rng.uniform(0.5, 0.99)))
    W_I_, b_, xs, h0, scale = random_network(rng, W, HORIZON)
    hs = run_rnn(W, W_I_, b_, xs, h0)
    return {"W": W, "W_I": W_I_, "b": b_, "xs": xs, "h0": h0, "hs": hs, "scale": scale,
            "norms": jacobian_norms(W, hs)}


def _describe(c):
    return {"H": str(c["W"].shape[0]), "ρ(W_R)": spectral_radius(c["W"]), "σ_max(W_R)": sigma_max(c["W"]),
            "input and bias scale": c["scale"]}


def probe_explodes(rng) -> Witness:
    """ρ(W_R) > 1 ⇒ the gradient explodes: tested as ‖∂h_40/∂h_0‖₂ > 1 for the tanh RNN."""
    c = _case(rng, "rho>1")
    final = float(c["norms"][-1])
    ok = final > 1
    if not ok and "saturation" not in FOUND:
        FOUND["saturation"] = c
    mean_tp = float(np.mean(1 - c["hs"] ** 2))
    return Witness(_describe(c), ok, final,
                   f"‖∂h_{HORIZON}/∂h_0‖₂ = {final:.3g} although ρ(W_R) > 1: the units saturate (mean tanh′ = "
                   f"{mean_tp:.3g}), so the factors diag(tanh′) shrink the product")


def probe_linear_explodes(rng) -> Witness:
    """In the linear regime (tanh′ ≡ 1) the product is W_R^t, and ‖W_R^t‖₂ ≥ ρ(W_R)^t → ∞ when ρ > 1."""
    c = _case(rng, "rho>1")
    W = c["W"]
    P = np.linalg.matrix_power(W, HORIZON)
    norm = float(np.linalg.norm(P, 2))
    bound = spectral_radius(W) ** HORIZON
    ok = bool(norm >= bound * (1 - 1e-9) and norm > 1)
    return Witness(_describe(c), ok, 0.0 if ok else float(max(bound - norm, 1 - norm)))


def probe_no_amplification(kind):
    """ρ(W_R) < 1 (or σ_max(W_R) < 1) ⇒ the gradient vanishes; at the least it is never amplified:
    ‖∂h_t/∂h_0‖₂ ≤ 1 for t = 1 … 40."""

    def probe(rng) -> Witness:
        c = _case(rng, kind)
        peak = float(np.max(c["norms"]))
        t_peak = int(np.argmax(c["norms"])) + 1
        ok = peak <= 1 + 1e-12
        excess = max(peak - 1, 0.0)
        if not ok and kind == "rho<1" and "transient" not in FOUND:
            FOUND["transient"] = c
        return Witness(_describe(c), ok, excess,
                       f"‖∂h_t/∂h_0‖₂ grows to {peak:.3g} at t = {t_peak} although ρ(W_R) < 1: W_R is non-normal "
                       f"(σ_max > 1), and the product of the factors diag(tanh′) W_R grows over many steps although "
                       f"every eigenvalue of W_R lies inside the unit circle")

    return probe


def probe_bound(rng) -> Witness:
    """‖∂h_t/∂h_l‖₂ ≤ (γ σ_max(W_R))^{t−l} with γ = max tanh′ = 1, for all 0 ≤ l < t ≤ 15, any W_R."""
    n = int(rng.integers(1, 9))
    W = random_recurrent(rng, n, normal=bool(rng.uniform() < 0.4)) * 10 ** rng.uniform(-0.5, 0.5)
    T = 15
    W_I_, b_, xs, h0, scale = random_network(rng, W, T)
    hs = run_rnn(W, W_I_, b_, xs, h0)
    s = sigma_max(W)
    worst = 0.0
    for l in range(0, T):
        J = np.eye(n)
        for t in range(l + 1, T + 1):
            J = (1 - hs[t - 1] ** 2)[:, None] * (W @ J)
            ratio = float(np.linalg.norm(J, 2) / s ** (t - l))
            worst = max(worst, ratio)
    return Witness({"H": str(n), "σ_max(W_R)": s}, worst <= 1 + 1e-9, max(worst - 1, 0.0),
                   f"‖∂h_t/∂h_l‖₂ / σ_max^(t−l) reaches {worst:.6g}")


def probe_rho_le_sigma(rng) -> Witness:
    n = int(rng.integers(1, 9))
    W = random_recurrent(rng, n, normal=bool(rng.uniform() < 0.4)) * 10 ** rng.uniform(-1, 1)
    r, s = spectral_radius(W), sigma_max(W)
    return Witness({"H": str(n), "ρ": r, "σ_max": s}, r <= s * (1 + 1e-12), max(r / s - 1, 0.0))


def probe_can_vanish(rng) -> Witness:
    """Existence: among random tanh RNNs with ρ(W_R) < 1 there is one whose ‖∂h_40/∂h_0‖₂ < 1e-6."""
    for _ in range(200):
        c = _case(rng, "rho<1")
        if c["norms"][-1] < 1e-6:
            return Witness(_describe(c), True, float(c["norms"][-1]))
    return Witness({}, False, 1.0, "no network with ‖∂h_40/∂h_0‖₂ < 1e-6 among 200 random ones")


def probe_influence(rng) -> Witness:
    """A finite change δ of h_0 moves h_t by at most σ_max(W_R)^t ‖δ‖ (tanh is 1-Lipschitz): when the
    Jacobian bound is small, the early state has little influence on the late one."""
    c = _case(rng, "sigma<1")
    delta = rng.normal(size=c["h0"].shape) * 10 ** rng.uniform(-3, 0)
    hs2 = run_rnn(c["W"], c["W_I"], c["b"], c["xs"], c["h0"] + delta)
    s = sigma_max(c["W"])
    worst = 0.0
    for t in range(1, HORIZON + 1):
        change = np.linalg.norm(hs2[t - 1] - c["hs"][t - 1])
        worst = max(worst, float(change / (s ** t * np.linalg.norm(delta))))
    return Witness(_describe(c), worst <= 1 + 1e-9, max(worst - 1, 0.0))


# ----------------------------------------------------------------------------------------------------
# the derivation steps and the seed's claims
# ----------------------------------------------------------------------------------------------------
GENERAL: dict[str, str] = {}  # step title → LaTeX of the general (matrix-level) form, printed from SymPy


def general_forms():
    k = sp.Symbol("k", integer=True)
    Wr, Wi, Wo_, b = ms("W_R", H, H), ms("W_I", H, D), ms("W_o", O, H), ms("b", H)
    hk, xk1 = ms("h_k", H), ms("x_{k+1}", D)
    a_next = Wi * xk1 + Wr * hk + b
    return {
        "a_next": a_next, "Wr": Wr, "hk": hk, "Wi": Wi, "xk1": xk1, "b": b, "Wo": Wo_, "k": k,
        "jac": sp.DiagMatrix(Elementwise(TanhPrime, a_next)) * Wr,
        "hnext": Elementwise(Tanh, a_next),
    }


def steps_and_claims():
    g = general_forms()
    steps = []

    # 1. one-step Jacobian, explicit sizes ------------------------------------------------------------
    hk = state_symbols(1)
    a2 = W_I * xs_of(2)[2] + W_R * hk + b_vec
    jac = tanh_vec(a2).jacobian(hk)
    title1 = "One step: ∂h_{k+1}/∂h_k = diag(tanh′(a_{k+1})) W_R (explicit sizes, H = D = 2)"
    steps.append(Step(title1, Relation(jac, tanhp_diag(a2) * W_R),
                      "Row $i$ of the Jacobian is the gradient of $h_{k+1,i} = \\tanh(a_{k+1,i})$; the chain rule "
                      "gives $\\tanh'(a_{k+1,i})$ times row $i$ of $W_R$. The Jacobian is in numerator layout "
                      "(row = output), so the diagonal factor stands on the left."))
    GENERAL[title1] = tex(Relation(sp.Symbol(r"\frac{\partial h_{k+1}}{\partial h_k}"), g["jac"]))

    # 2. SymPy's MatrixExpr.diff layout ------------------------------------------------------------------
    values = {g["Wr"]: W_R, g["Wi"]: W_I, g["b"]: b_vec, g["hk"]: hk, g["xk1"]: xs_of(2)[2]}
    md = g["hnext"].diff(g["hk"])
    title2 = "SymPy's MatrixExpr.diff returns the transpose (denominator layout)"
    steps.append(Step(title2, Relation(explicit(md, values), (tanhp_diag(a2) * W_R).T),
                      "``diff`` of the matrix expression $\\tanh(W_I x_{k+1} + W_R h_k + b)$ with respect to "
                      "$h_k$ returns $W_R^{\\top}\\operatorname{diag}(\\tanh'(a_{k+1}))$: SymPy's matrix calculus "
                      "uses the denominator layout, so its result is the transpose of the Jacobian of step 1."))
    md_shown = md.replace(lambda e: type(e) is ElementwiseApplyFunction, lambda e: Elementwise(e.function, e.expr))
    GENERAL[title2] = tex(Relation(sp.Symbol(r"\texttt{diff}\left(\tanh(a_{k+1}),\, h_k\right)"), md_shown))

    # 3. tanh′ = 1 − tanh² and γ = 1 -----------------------------------------------------------------------
    z = sp.Symbol("z", real=True)
    steps.append(Step("tanh′(z) = 1 − tanh²(z), the form the code uses (h_t is cached, tanh′ = 1 − h_t²)",
                      Relation(TanhPrime(z), 1 - Tanh(z) ** 2),
                      "So the backward pass needs no second call to $\\tanh$: the cached $h_t$ gives the factor."))
    steps.append(Step("γ = max tanh′ = 1 (attained at z = 0)",
                      Relation(TanhPrime(z), sp.Integer(1), "<=", Domain(ranges={z: (-8.0, 8.0)}, special=[{z: 0}])),
                      "The bound $\\gamma$ of Pascanu et al. for $\\tanh$."))

    # 4. the product, exact range and order -------------------------------------------------------------
    pairs = [(3, 0), (2, 1)]
    title4 = "∂h_t/∂h_l = diag(tanh′(a_t)) W_R ⋯ diag(tanh′(a_{l+1})) W_R: k = t on the left down to l+1, t − l factors"
    steps.append(Step(title4, tuple(Relation(state_jacobian(t, l), jacobian_product(t, l)) for t, l in pairs),
                      "The general form is shown for $t - l = 3$; in general there are $t - l$ factors, "
                      "$k = t$ on the left down to $k = l + 1$ on the right. "
                      "Checked for $(t, l) = (3, 0)$ and $(2, 1)$ (the case $t - l = 1$ is step 1) against the Jacobian of the nested expression "
                      "$h_t(h_l)$. The factors run over $k = l+1, \\dots, t$ (there are $t-l$ of them, one per "
                      "step), later steps on the left."))
    a_syms = [ms(f"a_{{{k}}}", H) for k in ("t", "t-1", "t-2")]
    GENERAL[title4] = tex(Relation(
        ms(r"\frac{\partial h_t}{\partial h_{t-3}}", H, H),
        sp.MatMul(*[f for a_k in a_syms for f in (sp.DiagMatrix(Elementwise(TanhPrime, a_k)), g["Wr"])])))
    # reversed order is not the same (why the order matters)
    steps.append(Step("The order matters: the reversed product differs by a commutator (t − l = 2)",
                      Relation(jacobian_product(2, 0) - jacobian_product(2, 0, descending=False),
                               tanhp_diag(unroll(2)[0][2]) * W_R * tanhp_diag(unroll(2)[0][1]) * W_R
                               - tanhp_diag(unroll(2)[0][1]) * W_R * tanhp_diag(unroll(2)[0][2]) * W_R),
                      "$J_2 J_1 - J_1 J_2$ is not zero in general (claim 4 below shows it at a random point)."))

    # 5. BPTT -------------------------------------------------------------------------------------------
    E, a, h, delta, e, formulas = bptt(T_BPTT)
    title5 = f"BPTT: every gradient of E = Σ_t E_t(y_t) (T = {T_BPTT}) equals the backward recursion"
    steps.append(Step(title5, tuple(Relation(lhs, rhs) for lhs, rhs in formulas.values()),
                      "$g_t = \\partial E_t/\\partial y_t$, $\\delta_t = \\partial E/\\partial h_t$ (through every later "
                      "step), $e_t = \\partial E/\\partial a_t$, $e_{T+1} = 0$. Each gradient is compared with SymPy's "
                      "derivative of the fully unrolled $E$ ($\\partial E/\\partial x_t$ for $t = 1$; a first "
                      "derivative only sees $g_t$, so $E = \\sum_t g_t^{\\top} y_t$ with free $g_t$ is fully general)."))
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
    GENERAL[title5] = ("\\begin{gathered}" + " \\\\ ".join(
        " \\qquad ".join(tex(r) for r in lines[i:i + 2]) for i in range(0, len(lines), 2)) + "\\end{gathered}")
    # a nonlinear loss: the same formula with g_t = ∂E_t/∂y_t substituted
    gs = gs_of(T_BPTT)
    yhat = [None] + [column("\\hat{y}", O, t) for t in range(1, T_BPTT + 1)]
    ys = {t: W_o * h[t] for t in range(1, T_BPTT + 1)}
    E_sq = sum((((ys[t] - yhat[t]).T * (ys[t] - yhat[t]))[0, 0] / 2 for t in range(1, T_BPTT + 1)), sp.Integer(0))
    g_of = {g: v for t in range(1, T_BPTT + 1) for g, v in zip(gs[t], ys[t] - yhat[t])}
    steps.append(Step("… for any loss: E = Σ_t ½‖y_t − ŷ_t‖² gives the same ∂E/∂b with g_t = y_t − ŷ_t",
                      Relation(b_vec.applyfunc(lambda v: sp.diff(E_sq, v)), formulas["b"][1].xreplace(g_of)),
                      "A first derivative of $E$ sees each $E_t$ only through $g_t = \\partial E_t/\\partial y_t$; "
                      "this checks it for the squared error."))
    # the seed's chain form for one E_t through the products ∂h_t/∂h_i, with the immediate partial ∂⁺h_i/∂W_R
    steps.append(Step("The same gradient as a sum over paths: ∂E_t/∂W_R = Σ_{i=1}^{t} (∂E_t/∂h_t)(∂h_t/∂h_i)(∂⁺h_i/∂W_R)",
                      seed_sum_relation(immediate=True, start=1),
                      "$\\partial^{+} h_i/\\partial W_R$ is the immediate partial derivative ($h_{i-1}$ held fixed): "
                      "each path from $W_R$ into $h_t$ is counted once, through the step $i$ where it enters."))

    # 6. code formulas (batch rows, as in torch.nn.RNN) tied to the derivation -------------------------
    steps += code_steps()

    # 7. norm bound -------------------------------------------------------------------------------------
    title7 = "Norm bound: ‖∂h_t/∂h_l‖₂ ≤ (γ σ_max(W_R))^{t−l}, γ = 1 (Pascanu, Mikolov, Bengio 2013)"
    steps.append(Step(title7, Search("‖∂h_t/∂h_l‖₂ ≤ σ_max(W_R)^(t−l) for all 0 ≤ l < t ≤ 15; random tanh RNNs, "
                                     "H = 1…8, normal and non-normal W_R, inputs and biases of scale 0.01…10",
                                     probe_bound, 60),
                      "Submultiplicativity: $\\|\\operatorname{diag}(\\tanh'(a_k)) W_R\\|_2 \\le \\max_i \\tanh'(a_{k,i})"
                      "\\, \\|W_R\\|_2 \\le \\gamma\\,\\sigma_{\\max}(W_R)$, once per factor. So "
                      "$\\sigma_{\\max}(W_R) < 1/\\gamma$ is **sufficient** for vanishing; $\\rho(W_R) > 1/\\gamma$ is "
                      "**necessary** for exploding (Pascanu et al.), not sufficient."))
    steps.append(Step("ρ(W_R) ≤ σ_max(W_R): the eigenvalue condition is weaker than the singular-value one",
                      Search("spectral radius ≤ largest singular value (random normal and non-normal W_R)",
                             probe_rho_le_sigma, 100),
                      "So $\\sigma_{\\max} < 1$ implies $\\rho < 1$, but not the other way round: a non-normal "
                      "$W_R$ can have $\\rho < 1 < \\sigma_{\\max}$ (claim 8)."))
    return steps, seed_claims()


def seed_sum_relation(immediate: bool, start: int, t: int = 2):
    """Σ_{i=start}^{t} g_tᵀ W_o (∂h_t/∂h_i)(∂h_i/∂W_R), entry by entry of W_R, against ∂E_t/∂W_R
    (E_t = g_tᵀ y_t), for the seed's model (no bias). ``immediate``: ∂⁺h_i/∂W_R (h_{i−1} fixed) instead of
    the total derivative of the unrolled h_i."""
    a, h = unroll(t, bias=False)
    gt = gs_of(t)[t]
    Et = (gt.T * W_o * h[t])[0, 0]
    lhs = W_R.applyfunc(lambda s: sp.diff(Et, s))
    # ∂h_t/∂h_i at the unrolled point: the product of one-step Jacobians
    J = {t: sp.eye(H)}
    for i in range(t - 1, -1, -1):
        J[i] = J[i + 1] * tanhp_diag(a[i + 1]) * W_R
    row = gt.T * W_o
    hprev = column("h", H, "p")
    rhs = sp.zeros(H, H)
    for i in range(start, t + 1):
        if i == 0:
            continue  # h_0 does not depend on W_R: the term is 0 in either reading
        if immediate:
            local = tanh_vec(W_I * xs_of(t)[i] + W_R * hprev)
            subs = dict(zip(hprev, h[i - 1]))
        for p in range(H):
            for q in range(H):
                if immediate:
                    d = local.diff(W_R[p, q]).xreplace(subs)
                else:
                    d = h[i].diff(W_R[p, q])
                rhs[p, q] += (row * J[i] * d)[0, 0]
    return Relation(lhs, rhs)


def seed_claims():
    claims = []
    xs3 = xs_of(T_JAC)

    # the model ---------------------------------------------------------------------------------------
    hprev = column("h", H, "p")
    claims.append(Claim(
        SECTION, "$$\\begin{aligned}h_t &= \\tanh(W_I x_t + W_R h_{t-1}) \\\\ y_t &= W_o h_t\\end{aligned}$$",
        "A6.3, “对于普通的RNN”, the model",
        Relation(tanh_vec(W_I * xs3[1] + W_R * hprev), tanh_vec(W_I * xs3[1] + W_R * hprev + b_vec)),
        Relation(tanh_vec(W_I * xs3[1] + W_R * hprev),
                 tanh_vec(W_I * xs3[1] + W_R * hprev + b_vec).xreplace({s: 0 for s in b_vec})),
        "the bias is zero: torch.nn.RNN and the issue's model add b = b_ih + b_hh inside tanh; the seed's formulas "
        "below are checked in the seed's own model (no bias), the derivation and the code carry b",
        note="Without b the Jacobians and BPTT keep their form (b only enters through a_t); the gradient "
             "∂E/∂b = Σ_t e_t is then simply missing."))

    # ∂E_k/∂W_R = Σ_{i=0}^t … ----------------------------------------------------------------------------
    claims.append(Claim(
        SECTION, "$$\\frac{\\partial E_k}{\\partial W_R} = \\sum_{i=0}^t \\frac{\\partial E_t}{\\partial y_t} "
                 "\\frac{\\partial y_t}{\\partial h_t} \\frac{\\partial h_t}{\\partial h_i} "
                 "\\frac{\\partial h_i}{\\partial W_R}$$",
        "A6.3 RNN, first gradient formula",
        seed_sum_relation(immediate=False, start=0),
        seed_sum_relation(immediate=True, start=0),
        "∂h_i/∂W_R is the immediate partial derivative ∂⁺h_i/∂W_R (h_{i−1} held fixed, Pascanu et al. 2013) and "
        "the E_k on the left is the E_t of the right-hand side (the i = 0 term is then zero); read as the total "
        "derivative of the unrolled h_i, every path through earlier steps is counted again",
        note="For the whole loss E = Σ_t E_t the right-hand side is summed over t as well (step “BPTT”)."))

    # the chain, explicit order ---------------------------------------------------------------------------
    chain_pairs = [(2, 0), (3, 1)]
    claims.append(Claim(
        SECTION, "$$\\frac{\\partial h_t}{\\partial h_i} = \\frac{\\partial h_t}{\\partial h_{t-1}} "
                 "\\frac{\\partial h_{t-1}}{\\partial h_{t-2}} \\dots \\frac{\\partial h_{i+1}}{\\partial h_i}$$",
        "A6.3 RNN, “其中”, the chain of Jacobians",
        tuple(Relation(state_jacobian(t, i, bias=False), chain_of_one_steps(t, i)) for t, i in chain_pairs)))

    # ∏_{k=i}^{t-1} ---------------------------------------------------------------------------------------
    claims.append(Claim(
        SECTION, "$$\\dots = \\prod_{k=i}^{t-1} \\frac{\\partial h_{k+1}}{\\partial h_k}$$",
        "A6.3 RNN, “其中”, the product sign",
        tuple(Relation(state_jacobian(t, i, bias=False), chain_of_one_steps(t, i, descending=False)) for t, i in chain_pairs),
        tuple(Relation(state_jacobian(t, i, bias=False), chain_of_one_steps(t, i)) for t, i in chain_pairs),
        "the product is read from k = t − 1 on the left down to k = i on the right, as the chain before it is "
        "written; matrix products do not commute, and ∏ read left to right (k = i first) gives J_i ⋯ J_{t−1}, "
        "the wrong order"))

    # one-step factor with the argument indexed by i ------------------------------------------------------
    seed_arg = lambda i: tanhp_diag(W_I * xs3[i] + W_R * column("h", H, i - 1)) * W_R  # noqa: E731
    claims.append(Claim(
        SECTION, "$$\\frac{\\partial h_{k+1}}{\\partial h_k} = \\operatorname{diag}(\\tanh'(W_I x_i + W_R h_{i-1})) W_R$$",
        "A6.3 RNN, “而”, the one-step Jacobian",
        tuple(Relation(one_step_jacobian(k, bias=False), seed_arg(i).xreplace(
            {**dict(zip(column("h", H, i - 1), state_symbols(i - 1)))}))
            for k, i in ((2, 1), (1, 3), (2, 2))),
        tuple(Relation(one_step_jacobian(k, bias=False), seed_arg(k + 1).xreplace(
            dict(zip(column("h", H, k), state_symbols(k))))) for k in (1, 2)),
        "the index i in the argument is read as k + 1: tanh′ is taken at step k+1's own pre-activation "
        "W_I x_{k+1} + W_R h_k (as written, i is the lower end of the chain, a different step)"))

    # ∏_{i=l}^{t} -----------------------------------------------------------------------------------------
    lt_pairs = [(2, 1), (3, 1)]
    claims.append(Claim(
        SECTION, "$$\\frac{\\partial h_t}{\\partial h_l} = \\prod_{i=l}^t \\operatorname{diag}(\\tanh'(W_I x_i + "
                 "W_R h_{i-1})) W_R$$",
        "A6.3 RNN, “则梯度为”",
        tuple(Relation(state_jacobian(t, l, bias=False),
                       jacobian_product(t, l, descending=False, bias=False, first=l)) for t, l in lt_pairs),
        tuple(Relation(state_jacobian(t, l, bias=False),
                       jacobian_product(t, l, descending=True, bias=False, first=l)) for t, l in lt_pairs),
        "the product is taken in descending order (i = t on the left), the only notational freedom; the range "
        "i = l … t stays as written",
        note="The range has one factor too many: i = l contributes diag(tanh′(a_l)) W_R, the Jacobian of a step "
             "before h_l. With i = l+1 … t in descending order the formula is the step “∂h_t/∂h_l = …”."))

    # eigenvalue statements ---------------------------------------------------------------------------------
    claims.append(Claim(
        SECTION, "若矩阵 W_R 的主特征值大于1, 则会导致梯度爆炸",
        "A6.3 RNN, “可以看到”, first bullet",
        Search(f"ρ(W_R) > 1 ⇒ ‖∂h_{HORIZON}/∂h_0‖₂ > 1, tanh RNN (random W_R with ρ ∈ (1.05, 2), H = 2…8, "
               "inputs and biases of scale 0.01…10)", probe_explodes, 200),
        Search(f"linear regime (tanh′ ≡ 1): ‖W_R^{HORIZON}‖₂ ≥ ρ(W_R)^{HORIZON} > 1", probe_linear_explodes, 100),
        "the units stay in tanh's linear regime (tanh′ ≈ 1); saturated units multiply the product by tanh′ ≈ 0, "
        "so for the tanh RNN ρ(W_R) > 1 is necessary for exploding gradients, not sufficient"))
    claims.append(Claim(
        SECTION, "若矩阵 W_R 的主特征值小于1, 则会导致梯度消失",
        "A6.3 RNN, “可以看到”, second bullet",
        Search(f"ρ(W_R) < 1 ⇒ ‖∂h_t/∂h_0‖₂ ≤ 1 for t = 1…{HORIZON} (a vanishing gradient is at least never "
               "amplified); random tanh RNNs, ρ ∈ (0.5, 0.99)", probe_no_amplification("rho<1"), 200),
        Search(f"σ_max(W_R) < 1 ⇒ ‖∂h_t/∂h_0‖₂ ≤ 1 for t = 1…{HORIZON}", probe_no_amplification("sigma<1"), 100),
        "the largest singular value σ_max(W_R) < 1 = 1/γ takes the place of the principal eigenvalue (Pascanu et "
        "al.): then ‖∂h_t/∂h_l‖₂ ≤ σ_max^{t−l} → 0; with only ρ(W_R) < 1 a non-normal W_R can amplify the "
        "gradient over many steps"))
    z = sp.Symbol("z", real=True)
    claims.append(Claim(
        SECTION, "\\tanh 的导数总是小于等于1", "A6.3 RNN, “可以看到”, third bullet (first half)",
        Relation(TanhPrime(z), sp.Integer(1), "<=", Domain(ranges={z: (-8.0, 8.0)}, special=[{z: 0}]))))
    claims.append(Claim(
        SECTION, "当 W_R 的主特征值小于1, 梯度可能变为0", "A6.3 RNN, “可以看到”, third bullet (second half)",
        Search(f"some tanh RNN with ρ(W_R) < 1 has ‖∂h_{HORIZON}/∂h_0‖₂ < 1e-6 (found by random search)",
               probe_can_vanish, 1),
        note="“May” is an existence claim, and the search finds such networks at once (the “error” above is the "
             "norm ‖∂h_40/∂h_0‖₂ of the network it found). The norm becomes tiny, "
             "not exactly 0 (tanh′ > 0, so the product is 0 only when W_R itself is singular)."))
    claims.append(Claim(
        SECTION, "这代表前面的隐藏层对后面的隐藏层造成的影响十分小! 是远距离的梯度消失。",
        "A6.3 RNN, “可以看到”, fourth bullet",
        Search(f"a finite change δ of h_0 moves h_t by at most σ_max(W_R)^t ‖δ‖ (t ≤ {HORIZON}, σ_max < 1, "
               "‖δ‖ up to 1)", probe_influence, 80)))
    for c in claims:
        if "主特征值大于1" in c.claim:
            _COUNTER_CLAIMS["saturation"] = c
        elif "主特征值小于1, 则会导致梯度消失" in c.claim:
            _COUNTER_CLAIMS["transient"] = c
    return claims


def chain_of_one_steps(t, i, descending=True):
    """(∂h_t/∂h_{t−1})(∂h_{t−1}/∂h_{t−2})⋯(∂h_{i+1}/∂h_i), each one-step Jacobian evaluated along the
    unrolled trajectory from h_i (seed's model, no bias)."""
    a, _ = unroll(t, state_symbols(i) if i > 0 else None, i, bias=False)
    ks = list(range(i, t))  # factor k is ∂h_{k+1}/∂h_k
    if descending:
        ks = ks[::-1]
    out = sp.eye(H)
    for k in ks:
        out = out * tanhp_diag(a[k + 1]) * W_R
    return out


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
    aa, _ = unroll(3, hl, 1)
    J1 = explicit(f["J"], {s["a_k"]: aa[2], s["W_hh"]: W_R, s["J"]: sp.eye(H)})
    J2 = explicit(f["J"], {s["a_k"]: aa[3], s["W_hh"]: W_R, s["J"]: J1})
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
             Relation(J2, state_jacobian(3, 1)),
             "`rnn_state_jacobian` runs this recursion for $k = l+1, \\dots, t$ with the cached $h_k$."),
    ]
    shown = ((s["A_t"], f["A_t"]), (s["Delta_t"], f["Delta_t"]),
             (ms(r"\partial E/\partial W_{hh}", H, H), f["dW_hh"]), (s["J"], f["J"]))
    for st, (lhs, rhs) in zip(steps, shown):
        GENERAL[st.title] = tex(Relation(lhs, rhs))
    return steps


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
            fd = np.zeros_like(arr)
            for idx in np.ndindex(arr.shape):
                old = arr[idx]
                arr[idx] = old + 1e-6
                up = np.sum(dhs * gen.rnn_forward(args["x"], args["h0"], args["W_ih"], args["W_hh"], args["b_ih"],
                                                  args["b_hh"])[0])
                arr[idx] = old - 1e-6
                dn = np.sum(dhs * gen.rnn_forward(args["x"], args["h0"], args["W_ih"], args["W_hh"], args["b_ih"],
                                                  args["b_hh"])[0])
                arr[idx] = old
                fd[idx] = (up - dn) / 2e-6
            worst_fd = max(worst_fd, _rel(grads[key], fd))
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


def _rel(a, b) -> float:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(np.max(np.abs(a - b)) / max(1.0, float(np.max(np.abs(b)))))


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


# ----------------------------------------------------------------------------------------------------
# plots
# ----------------------------------------------------------------------------------------------------
PLOT_SIGMAS = (0.5, 0.9, 1.0, 1.1, 1.5)


def draw_norms(fig):
    rng = np.random.default_rng(20130)
    n, T = 32, 60
    q, _ = np.linalg.qr(rng.normal(size=(n, n)))
    ax = fig.add_subplot(1, 1, 1)
    ts = np.arange(1, T + 1)
    colors = ["tab:blue", "tab:green", "tab:gray", "tab:orange", "tab:red"]
    W_I_ = rng.normal(size=(n, 4)) * 0.05
    b_ = rng.normal(size=n) * 0.05
    xs = rng.normal(size=(T, 4))
    h0 = rng.normal(size=n) * 0.05
    for s, c in zip(PLOT_SIGMAS, colors):
        W = q * s  # σ_max = ρ = s (orthogonal times s)
        norms = jacobian_norms(W, run_rnn(W, W_I_, b_, xs, h0))
        ax.plot(ts, norms, color=c, lw=2, label=f"σ_max(W_R) = {s}")
        ax.plot(ts, s ** ts.astype(float), color=c, lw=1, ls="--")
    ax.set_yscale("log")
    ax.set_xlabel("t")
    ax.set_ylabel("‖∂h_t/∂h_0‖₂")
    ax.set_title("‖∂h_t/∂h_0‖₂ (solid) and the bound σ_max^t (dashed), H = 32")
    ax.legend(loc="lower left", fontsize=8)


_COUNTER_CLAIMS: dict[str, Claim] = {}  # kind of counter-example → the claim whose search finds it


def _ensure_found(key):
    """The counter-example the checker found for ``key``; when this process has not checked the claim yet,
    check it now (same key, same seeded search, so the same case)."""
    if key not in FOUND:
        from ..checking import check_claim

        if key not in _COUNTER_CLAIMS:
            seed_claims()
        check_claim(_COUNTER_CLAIMS[key], NAME)
    return FOUND.get(key)


def draw_counterexamples(fig):
    axes = fig.subplots(1, 2)
    for ax, key, title in ((axes[0], "transient", "ρ(W_R) < 1, yet the gradient grows"),
                           (axes[1], "saturation", "ρ(W_R) > 1, yet the gradient vanishes")):
        c = _ensure_found(key)
        ts = np.arange(1, HORIZON + 1)
        if c is None:
            ax.set_title(title + " (no case found)")
            continue
        r, s = spectral_radius(c["W"]), sigma_max(c["W"])
        ax.plot(ts, c["norms"], lw=2, color="tab:red", label="‖∂h_t/∂h_0‖₂ (tanh RNN)")
        ax.plot(ts, r ** ts.astype(float), lw=1, ls=":", color="k", label=f"ρ^t, ρ = {r:.3g}")
        ax.plot(ts, s ** ts.astype(float), lw=1, ls="--", color="tab:blue", label=f"σ_max^t, σ_max = {s:.3g}")
        ax.set_yscale("log")
        ax.set_xlabel("t")
        ax.set_title(title, fontsize=9)
        ax.legend(fontsize=7, loc="best")


def draw_tanh_prime(fig):
    zz = np.linspace(-4, 4, 200)
    ax = fig.add_subplot(1, 1, 1)
    ax.plot(zz, np.tanh(zz), lw=1.5, color="tab:gray", label="tanh(z)")
    ax.plot(zz, 1 - np.tanh(zz) ** 2, lw=2, color="tab:blue", label="tanh′(z) = 1 − tanh²(z)")
    ax.axhline(1, color="k", lw=0.8, ls="--")
    ax.set_xlabel("z")
    ax.set_title("tanh′ ≤ γ = 1, with equality only at z = 0; saturated units have tanh′ ≈ 0")
    ax.legend(loc="lower right")


@register(NAME)
def derivation() -> Derivation:
    GENERAL.clear()
    steps, claims = steps_and_claims()
    g = general_forms()
    Wr, Wi, Wo_, b = g["Wr"], g["Wi"], g["Wo"], g["b"]
    ctx = code_context()
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
            ("loss", Relation(sp.Symbol("E"), sp.Sum(sp.Function("E_t")(sp.Symbol("y_t")), (sp.Symbol("t"), 1, sp.Symbol("T"))))),
            ("pre-activation", Relation(ms("a_t", H), Wi * ms("x_t", D) + Wr * ms("h_{t-1}", H) + b)),
        ],
        steps=steps,
        claims=claims,
        code=[code_module(ctx)],
        plots=[
            Plot("rnn-jacobian-norms", "‖∂h_t/∂h_0‖₂ against t for σ_max(W_R) = 0.5 … 1.5 (W_R = σ·orthogonal, "
                 "H = 32, small inputs), with the bound σ_max^t dashed.", draw_norms),
            Plot("rnn-counterexamples", "The cases the checker found: transient growth with ρ(W_R) < 1 (left) and "
                 "saturation with ρ(W_R) > 1 (right), against ρ^t and σ_max^t.", draw_counterexamples, (9.0, 3.8)),
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
        context={"general": dict(GENERAL), "code_ctx": ctx},
    )
