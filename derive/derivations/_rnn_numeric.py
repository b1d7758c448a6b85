"""The float64 experiments of A6.3 (plain RNN), kept apart so that the derivation module stays short: the
probes of the searches that check the seed's eigenvalue statements and the norm bound, and the drawing
functions of the page's figures. Random tanh RNNs from the references of :mod:`derive.kit.recurrent`.
Not a derivation itself (nothing here is registered); ``rnn_jacobian`` uses it.
"""
from __future__ import annotations

import numpy as np

from ..kit.recurrent import (random_recurrent, rnn_norms_from_start, rnn_states, scaled, sigma_max,
                             spectral_radius)
from ..model import Witness

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
    return {"H": str(c["W"].shape[0]), "ρ(W_R)": spectral_radius(c["W"]), "σ_max(W_R)": sigma_max(c["W"]),
            "input and bias scale": c["scale"]}


def probe_explodes(rng) -> Witness:
    """ρ(W_R) > 1 ⇒ the gradient explodes: tested as ‖∂h_40/∂h_0‖₂ > 1 for the tanh RNN. The network
    travels in the witness (the plot of the counter-examples draws it)."""
    c = _case(rng, "rho>1")
    final = float(c["norms"][-1])
    mean_tp = float(np.mean(1 - c["hs"] ** 2))
    return Witness(_describe(c), final > 1, final,
                   f"‖∂h_{HORIZON}/∂h_0‖₂ = {final:.3g} although ρ(W_R) > 1: the units saturate (mean tanh′ = "
                   f"{mean_tp:.3g}), so the factors diag(tanh′) shrink the product", data=c)


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
    ‖∂h_t/∂h_0‖₂ ≤ 1 for t = 1 … 40. The network travels in the witness."""

    def probe(rng) -> Witness:
        c = _case(rng, kind)
        peak = float(np.max(c["norms"]))
        t_peak = int(np.argmax(c["norms"])) + 1
        return Witness(_describe(c), peak <= 1 + 1e-12, max(peak - 1, 0.0),
                       f"‖∂h_t/∂h_0‖₂ grows to {peak:.3g} at t = {t_peak} although ρ(W_R) < 1: W_R is non-normal "
                       f"(σ_max > 1), and the product of the factors diag(tanh′) W_R grows over many steps although "
                       f"every eigenvalue of W_R lies inside the unit circle", data=c)

    return probe


def probe_bound(rng) -> Witness:
    """‖∂h_t/∂h_l‖₂ ≤ (γ σ_max(W_R))^{t−l} with γ = max tanh′ = 1, for all 0 ≤ l < t ≤ 15, any W_R."""
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
    hs2 = rnn_states(c["W"], c["W_I"], c["b"], c["xs"], c["h0"] + delta)
    s = sigma_max(c["W"])
    worst = 0.0
    for t in range(1, HORIZON + 1):
        change = np.linalg.norm(hs2[t - 1] - c["hs"][t - 1])
        worst = max(worst, float(change / (s ** t * np.linalg.norm(delta))))
    return Witness(_describe(c), worst <= 1 + 1e-9, max(worst - 1, 0.0))


# ----------------------------------------------------------------------------------------------------
# the figures
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


