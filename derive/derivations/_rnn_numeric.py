"""The float64 experiments of A6.3 (plain RNN), kept apart so that the derivation module stays short: the
probes of the searches that check the seed's eigenvalue statements and the norm bound, and the drawing
functions of the page's figures. Random tanh RNNs from the references of :mod:`derive.kit.recurrent`.
Not a derivation itself (nothing here is registered); ``rnn_jacobian`` uses it.
"""
from __future__ import annotations

import numpy as np

from ..kit.recurrent import (random_orthogonal, random_recurrent, rnn_norms_from_start, rnn_states, scaled,
                             sigma_max, spectral_radius)
from ..checking import bi
from ..model import Search, Tr, Witness

HORIZON = 40  # steps of the searches


def random_network(rng, W, T, scale=None):
    n = W.shape[0]
    d = int(rng.integers(1, 5))
    scale = 10 ** rng.uniform(-2, 1) if scale is None else scale
    W_I_ = rng.normal(size=(n, d)) * scale
    b_ = rng.normal(size=n) * scale
    xs = rng.normal(size=(T, d))
    h0 = np.tanh(rng.normal(size=n))
    return W_I_, b_, xs, h0, scale


def _case(rng, kind):
    """A random tanh RNN of HORIZON steps with ρ(W_R) > 1 (``rho>1``), ρ(W_R) < 1 (``rho<1``) or
    σ_max(W_R) < 1 (``sigma<1``), with its states and ‖∂h_t/∂h_0‖₂ for t = 1 … HORIZON."""
    n = int(rng.integers(2, 9))
    W0 = random_recurrent(rng, n, normal=bool(rng.uniform() < 0.4))
    if kind == "rho>1":
        W = scaled(W0, rho=float(rng.uniform(1.05, 2.0)))
    elif kind == "rho<1":
        W = scaled(W0, rho=float(rng.uniform(0.5, 0.99)))
    else:  # sigma<1
        W = scaled(W0, sigma=float(rng.uniform(0.5, 0.99)))
    W_I_, b_, xs, h0, scale = random_network(rng, W, HORIZON)
    hs = rnn_states(W, W_I_, b_, xs, h0)
    return {"W": W, "W_I": W_I_, "b": b_, "xs": xs, "h0": h0, "hs": hs, "scale": scale,
            "norms": rnn_norms_from_start(W, hs)}


def _describe(c):
    """The point shown as evidence: the network's size and the two numbers the seed's statements are about."""
    return {"H": str(c["W"].shape[0]), "ρ(W_R)": spectral_radius(c["W"]), "σ_max(W_R)": sigma_max(c["W"])}


def _scale(c):
    return bi("inputs and bias of scale {s}", "输入和偏置的量级 {s}", s=f"{c['scale']:.2g}")


def probe_explodes(rng) -> Witness:
    """ρ(W_R) > 1 ⇒ the gradient explodes: tested as ‖∂h_40/∂h_0‖₂ > 1 for the tanh RNN. The network
    travels in the witness (the plot of the counter-examples draws it)."""
    c = _case(rng, "rho>1")
    final = float(c["norms"][-1])
    mean_tp = float(np.mean(1 - c["hs"] ** 2))
    return Witness(_describe(c), final > 1, final,
                   bi("‖∂h_{T}/∂h_0‖₂ = {n} although ρ(W_R) > 1 ({s}): the units saturate (mean tanh′ = {m}), "
                      "so the factors diag(tanh′(a_k)) shrink the product",
                      "虽然 ρ(W_R) > 1，‖∂h_{T}/∂h_0‖₂ = {n}（{s}）：神经元饱和（tanh′ 的平均值为 {m}），"
                      "因子 diag(tanh′(a_k)) 使连乘变小", T=HORIZON, n=f"{final:.3g}", s=_scale(c),
                      m=f"{mean_tp:.3g}"), data=c)


def probe_linear_explodes(rng) -> Witness:
    """In the linear regime (tanh′ ≡ 1) the product is W_R^t, and ‖W_R^t‖₂ ≥ ρ(W_R)^t → ∞ when ρ > 1.
    The error is ρ^t / ‖W_R^t‖₂ (at most 1 when the statement holds)."""
    c = _case(rng, "rho>1")
    W = c["W"]
    norm = float(np.linalg.norm(np.linalg.matrix_power(W, HORIZON), 2))
    bound = spectral_radius(W) ** HORIZON
    return Witness(_describe(c), bool(norm >= bound * (1 - 1e-9) and norm > 1), bound / norm,
                   bi("‖W_R^{T}‖₂ = {n}, ρ(W_R)^{T} = {b}", "‖W_R^{T}‖₂ = {n}，ρ(W_R)^{T} = {b}", T=HORIZON,
                      n=f"{norm:.3g}", b=f"{bound:.3g}"))


def probe_vanishes(kind):
    """ρ(W_R) < 1 (``rho<1``) or σ_max(W_R) < 1 (``sigma<1``) ⇒ the gradient vanishes, tested as
    ‖∂h_40/∂h_0‖₂ < 1: after 40 steps it is smaller than at the start. The error is ‖∂h_40/∂h_0‖₂.
    The network travels in the witness."""

    def probe(rng) -> Witness:
        c = _case(rng, kind)
        final, peak = float(c["norms"][-1]), float(np.max(c["norms"]))
        t_peak = int(np.argmax(c["norms"])) + 1
        return Witness(_describe(c), final < 1, final,
                       bi("‖∂h_{T}/∂h_0‖₂ = {n} although ρ(W_R) < 1 (largest ‖∂h_t/∂h_0‖₂ = {p}, at t = {tp}): "
                          "W_R is far from normal (σ_max(W_R) > 1), so the factors diag(tanh′(a_k)) W_R amplify "
                          "the gradient although every eigenvalue of W_R lies inside the unit circle",
                          "虽然 ρ(W_R) < 1，‖∂h_{T}/∂h_0‖₂ = {n}（‖∂h_t/∂h_0‖₂ 在 t = {tp} 处最大，为 {p}）："
                          "W_R 远非正规矩阵（σ_max(W_R) > 1），尽管 W_R 的特征值都在单位圆内，"
                          "因子 diag(tanh′(a_k)) W_R 仍把梯度放大", T=HORIZON, n=f"{final:.3g}", p=f"{peak:.3g}",
                          tp=t_peak), data=c)

    return probe


def probe_sigma_bound(rng) -> Witness:
    """σ_max(W_R) < 1 ⇒ ‖∂h_t/∂h_0‖₂ ≤ σ_max(W_R)^t → 0 (t = 1 … 40); the error is the largest ratio."""
    c = _case(rng, "sigma<1")
    s = sigma_max(c["W"])
    worst = float(np.max(c["norms"] / s ** np.arange(1, HORIZON + 1)))
    return Witness(_describe(c), worst <= 1 + 1e-9, worst,
                   bi("‖∂h_t/∂h_0‖₂ / σ_max(W_R)^t reaches {w}", "‖∂h_t/∂h_0‖₂ / σ_max(W_R)^t 达到 {w}",
                      w=f"{worst:.6g}"), data=c)


def probe_bound(rng) -> Witness:
    """‖∂h_t/∂h_l‖₂ ≤ (γ σ_max(W_R))^{t−l} with γ = max tanh′ = 1, for all 0 ≤ l < t ≤ 15, any W_R.
    The error is the largest ratio ‖∂h_t/∂h_l‖₂ / σ_max^{t−l}."""
    n = int(rng.integers(1, 9))
    W = random_recurrent(rng, n, normal=bool(rng.uniform() < 0.4)) * 10 ** rng.uniform(-0.5, 0.5)
    T = 15
    W_I_, b_, xs, h0, scale = random_network(rng, W, T)
    hs = rnn_states(W, W_I_, b_, xs, h0)
    s = sigma_max(W)
    worst = 0.0
    for l in range(0, T):
        J = np.eye(n)
        for t in range(l + 1, T + 1):
            J = (1 - hs[t - 1] ** 2)[:, None] * (W @ J)
            worst = max(worst, float(np.linalg.norm(J, 2) / s ** (t - l)))
    return Witness({"H": str(n), "σ_max(W_R)": s}, worst <= 1 + 1e-9, worst,
                   bi("‖∂h_t/∂h_l‖₂ / σ_max(W_R)^(t−l) reaches {w}", "‖∂h_t/∂h_l‖₂ / σ_max(W_R)^(t−l) 达到 {w}",
                      w=f"{worst:.6g}"))


def probe_rho_le_sigma(rng) -> Witness:
    """ρ(W) ≤ σ_max(W); the error is the ratio ρ/σ_max (at most 1)."""
    n = int(rng.integers(1, 9))
    W = random_recurrent(rng, n, normal=bool(rng.uniform() < 0.4)) * 10 ** rng.uniform(-1, 1)
    r, s = spectral_radius(W), sigma_max(W)
    return Witness({"H": str(n), "ρ(W_R)": r, "σ_max(W_R)": s}, r <= s * (1 + 1e-12), r / s)


def probe_can_vanish(rng) -> Witness:
    """Existence, by one random search: among up to 200 random tanh RNNs with ρ(W_R) < 1, one whose
    ‖∂h_40/∂h_0‖₂ < 1e-6. The error is that norm."""
    for _ in range(200):
        c = _case(rng, "rho<1")
        if c["norms"][-1] < 1e-6:
            return Witness(_describe(c), True, float(c["norms"][-1]))
    return Witness({}, False, 1.0, bi("no network with ‖∂h_{T}/∂h_0‖₂ < 1e-6 among 200 random ones",
                                      "200 个随机网络中没有 ‖∂h_{T}/∂h_0‖₂ < 1e-6 的", T=HORIZON))


def probe_influence(rng) -> Witness:
    """A finite change δ of h_0 moves h_t by at most σ_max(W_R)^t ‖δ‖ (tanh is 1-Lipschitz): when the
    Jacobian bound is small, the early state has little influence on the late one. The error is the
    largest ratio ‖h′_t − h_t‖ / (σ_max^t ‖δ‖)."""
    c = _case(rng, "sigma<1")
    delta = rng.normal(size=c["h0"].shape) * 10 ** rng.uniform(-3, 0)
    hs2 = rnn_states(c["W"], c["W_I"], c["b"], c["xs"], c["h0"] + delta)
    s = sigma_max(c["W"])
    worst = 0.0
    for t in range(1, HORIZON + 1):
        change = np.linalg.norm(hs2[t - 1] - c["hs"][t - 1])
        worst = max(worst, float(change / (s ** t * np.linalg.norm(delta))))
    return Witness(_describe(c), worst <= 1 + 1e-9, worst,
                   bi("‖h′_t − h_t‖ / (σ_max(W_R)^t ‖δ‖) reaches {w}", "‖h′_t − h_t‖ / (σ_max(W_R)^t ‖δ‖) 达到 {w}",
                      w=f"{worst:.6g}"))


# ----------------------------------------------------------------------------------------------------
# the searches, with what each measures (the number the evidence line reports)
# ----------------------------------------------------------------------------------------------------
_RANDOM = Tr("random tanh RNNs, H = 2…8, normal and non-normal W_R, inputs and biases of scale 0.01…10",
             "随机 tanh RNN，H = 2…8，W_R 取正规与非正规矩阵，输入和偏置的量级 0.01…10")


def search(kind: str, formula=None) -> Search:
    """The search named ``kind``: its statement, probe, number of random cases and what its error is;
    ``formula`` (a SymPy object) is shown with the statement."""
    T = HORIZON
    table = {
        "bound": (Tr("‖∂h_t/∂h_l‖₂ ≤ σ_max(W_R)^(t−l) for all 0 ≤ l < t ≤ 15; random tanh RNNs, H = 1…8, normal "
                     "and non-normal W_R, inputs and biases of scale 0.01…10",
                     "对所有 0 ≤ l < t ≤ 15 有 ‖∂h_t/∂h_l‖₂ ≤ σ_max(W_R)^(t−l)；随机 tanh RNN，H = 1…8，"
                     "W_R 取正规与非正规矩阵，输入和偏置的量级 0.01…10"),
                  probe_bound, 60, Tr("largest ‖∂h_t/∂h_l‖₂ / σ_max(W_R)^(t−l)",
                                      "‖∂h_t/∂h_l‖₂ / σ_max(W_R)^(t−l) 的最大值")),
        "rho<=sigma": (Tr("ρ(W_R) ≤ σ_max(W_R) for random normal and non-normal W_R, H = 1…8",
                          "对随机的正规与非正规矩阵 W_R（H = 1…8）有 ρ(W_R) ≤ σ_max(W_R)"),
                       probe_rho_le_sigma, 100, Tr("largest ρ(W_R) / σ_max(W_R)", "ρ(W_R) / σ_max(W_R) 的最大值")),
        "explodes": (Tr(f"ρ(W_R) > 1 ⇒ ‖∂h_{T}/∂h_0‖₂ > 1 (ρ(W_R) ∈ (1.05, 2); {_RANDOM.en})",
                        f"ρ(W_R) > 1 ⇒ ‖∂h_{T}/∂h_0‖₂ > 1（ρ(W_R) ∈ (1.05, 2)；{_RANDOM.zh}）"),
                     probe_explodes, 200, Tr(f"largest ‖∂h_{T}/∂h_0‖₂",
                                             f"‖∂h_{T}/∂h_0‖₂ 的最大值")),
        "linear explodes": (Tr(f"linear regime (tanh′ ≡ 1, so ∂h_t/∂h_0 = W_R^t): ‖W_R^{T}‖₂ ≥ ρ(W_R)^{T} > 1",
                               f"线性区（tanh′ ≡ 1，此时 ∂h_t/∂h_0 = W_R^t）：‖W_R^{T}‖₂ ≥ ρ(W_R)^{T} > 1"),
                            probe_linear_explodes, 100, Tr(f"largest ρ(W_R)^{T} / ‖W_R^{T}‖₂",
                                                           f"ρ(W_R)^{T} / ‖W_R^{T}‖₂ 的最大值")),
        "vanishes": (Tr(f"ρ(W_R) < 1 ⇒ ‖∂h_{T}/∂h_0‖₂ < 1: after {T} steps the gradient is smaller than at the "
                        f"start (ρ(W_R) ∈ (0.5, 0.99); {_RANDOM.en})",
                        f"ρ(W_R) < 1 ⇒ ‖∂h_{T}/∂h_0‖₂ < 1：经过 {T} 步，梯度比起点小（ρ(W_R) ∈ (0.5, 0.99)；"
                        f"{_RANDOM.zh}）"),
                     probe_vanishes("rho<1"), 200, Tr(f"largest ‖∂h_{T}/∂h_0‖₂", f"‖∂h_{T}/∂h_0‖₂ 的最大值")),
        "sigma vanishes": (Tr(f"σ_max(W_R) < 1 ⇒ ‖∂h_t/∂h_0‖₂ ≤ σ_max(W_R)^t → 0 for t = 1…{T}",
                              f"σ_max(W_R) < 1 ⇒ 对 t = 1…{T} 有 ‖∂h_t/∂h_0‖₂ ≤ σ_max(W_R)^t → 0"),
                           probe_sigma_bound, 100, Tr("largest ‖∂h_t/∂h_0‖₂ / σ_max(W_R)^t",
                                                      "‖∂h_t/∂h_0‖₂ / σ_max(W_R)^t 的最大值")),
        "can vanish": (Tr(f"each random search among 200 tanh RNNs with ρ(W_R) < 1 finds one with "
                          f"‖∂h_{T}/∂h_0‖₂ < 1e-6",
                          f"每次在 200 个 ρ(W_R) < 1 的随机 tanh RNN 中搜索，都能找到 ‖∂h_{T}/∂h_0‖₂ < 1e-6 的网络"),
                       probe_can_vanish, 5, Tr(f"largest ‖∂h_{T}/∂h_0‖₂ of the networks found",
                                               f"找到的网络中 ‖∂h_{T}/∂h_0‖₂ 的最大值")),
        "influence": (Tr(f"a change δ of h_0 moves h_t by at most σ_max(W_R)^t ‖δ‖ (t ≤ {T}, σ_max(W_R) < 1, "
                         f"‖δ‖ up to 1)",
                         f"h_0 改变 δ 时，h_t 的变化不超过 σ_max(W_R)^t ‖δ‖（t ≤ {T}，σ_max(W_R) < 1，‖δ‖ 不超过 1）"),
                      probe_influence, 80, Tr("largest ‖h′_t − h_t‖ / (σ_max(W_R)^t ‖δ‖)",
                                              "‖h′_t − h_t‖ / (σ_max(W_R)^t ‖δ‖) 的最大值")),
    }
    statement, probe, trials, error_name = table[kind]
    return Search(statement, probe, trials, formula, error_name)


# ----------------------------------------------------------------------------------------------------
# the figures
# ----------------------------------------------------------------------------------------------------
PLOT_SIGMAS = (0.5, 0.9, 1.0, 1.1, 1.5)


def draw_norms(fig):
    rng = np.random.default_rng(20130)
    n, T = 32, 60
    q = random_orthogonal(rng, n)
    ax = fig.add_subplot(1, 1, 1)
    ts = np.arange(1, T + 1)
    colors = ["tab:blue", "tab:green", "tab:gray", "tab:orange", "tab:red"]
    W_I_ = rng.normal(size=(n, 4)) * 0.05
    b_ = rng.normal(size=n) * 0.05
    xs = rng.normal(size=(T, 4))
    h0 = rng.normal(size=n) * 0.05
    for s, c in zip(PLOT_SIGMAS, colors):
        W = q * s  # σ_max = ρ = s (orthogonal times s)
        norms = rnn_norms_from_start(W, rnn_states(W, W_I_, b_, xs, h0))
        ax.plot(ts, norms, color=c, lw=2, label=f"σ_max(W_R) = {s}")
        ax.plot(ts, s ** ts.astype(float), color=c, lw=1, ls="--")
    ax.set_yscale("log")
    ax.set_xlabel("t")
    ax.set_ylabel("‖∂h_t/∂h_0‖₂")
    ax.set_title("‖∂h_t/∂h_0‖₂ (solid) and the bound σ_max^t (dashed), H = 32")
    ax.legend(loc="lower left", fontsize=8)


def draw_counterexamples(fig, transient, saturation):
    """The networks in the witnesses of the two eigenvalue claims' searches (their Outcomes: what the
    checker found), against ρ^t and σ_max^t."""
    axes = fig.subplots(1, 2)
    for ax, outcome, title in ((axes[0], transient, "ρ(W_R) < 1, yet the gradient grows"),
                               (axes[1], saturation, "ρ(W_R) > 1, yet the gradient vanishes")):
        if outcome.witness is None:
            ax.set_title(title + " (no case found)")
            continue
        c = outcome.witness.data
        ts = np.arange(1, HORIZON + 1)
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


