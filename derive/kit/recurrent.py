"""Float64 NumPy references of the plain tanh RNN and the LSTM (torch gate order i, f, g, o), shared by the
A6.3 searches, plots and verifications. Written plainly, independent of the generated code they check."""
from __future__ import annotations

import numpy as np

__all__ = ["spectral_radius", "sigma_max", "random_recurrent", "scaled", "rnn_states",
           "rnn_norms_from_start", "rnn_norms_to_end", "sigmoid", "random_lstm", "lstm_trajectory",
           "lstm_joint_jacobian"]


def spectral_radius(W) -> float:
    return float(np.max(np.abs(np.linalg.eigvals(W))))


def sigma_max(W) -> float:
    return float(np.linalg.norm(W, 2))


def random_orthogonal(rng, n: int) -> np.ndarray:
    """A random orthogonal matrix that is the same on every machine: LAPACK builds differ in the signs
    of Q's columns (each equally valid), which left ρ and σ_max alike but changed W = Q S Qᵀ and the
    counter-examples found. Fixing diag(R) > 0 makes the factorisation unique (and Q Haar-distributed)."""
    q, r = np.linalg.qr(rng.normal(size=(n, n)))
    return q * np.where(np.diag(r) < 0, -1.0, 1.0)


def random_recurrent(rng, n: int, normal: bool) -> np.ndarray:
    """W = Q S Qᵀ: S diagonal (normal W) or upper triangular with off-diagonal entries of random size
    (non-normal W: eigenvalues on the diagonal, transient growth possible). Q orthogonal."""
    q = random_orthogonal(rng, n)
    eig = rng.uniform(0.2, 1.0, size=n) * rng.choice([-1.0, 1.0], size=n)
    s = np.diag(eig)
    if not normal:
        s = s + np.triu(rng.normal(size=(n, n)), 1) * 10 ** rng.uniform(-1, 0.7)
    return q @ s @ q.T


def scaled(W, rho=None, sigma=None) -> np.ndarray:
    """W rescaled to spectral radius ``rho`` or to largest singular value ``sigma``."""
    if rho is not None:
        return W * (rho / spectral_radius(W))
    return W * (sigma / sigma_max(W))


def rnn_states(W_R, W_I, b, xs, h0) -> np.ndarray:
    """States h_1 … h_T (rows) of h_t = tanh(W_I x_t + W_R h_{t−1} + b)."""
    hs = []
    h = h0
    for x in xs:
        h = np.tanh(W_I @ x + W_R @ h + b)
        hs.append(h)
    return np.array(hs)


def rnn_norms_from_start(W_R, hs) -> np.ndarray:
    """‖∂h_t/∂h_0‖₂ for t = 1 … T, from ∂h_t/∂h_0 = diag(1 − h_t²) W_R ∂h_{t−1}/∂h_0."""
    J = np.eye(W_R.shape[0])
    out = []
    for h in hs:
        J = (1 - h * h)[:, None] * (W_R @ J)
        out.append(np.linalg.norm(J, 2))
    return np.array(out)


def rnn_norms_to_end(W_R, hs) -> np.ndarray:
    """‖∂h_T/∂h_{T−k}‖₂ for k = 1 … T: the product of diag(tanh′)·W_R from the last step backwards."""
    M = np.eye(W_R.shape[0])
    out = []
    for k in range(1, len(hs) + 1):
        M = M @ ((1 - hs[-k] ** 2)[:, None] * W_R)
        out.append(np.linalg.norm(M, 2))
    return np.array(out)


def sigmoid(z):
    return 0.5 * (1 + np.tanh(0.5 * z))  # no overflow for large |z|


def random_lstm(rng, H: int, D: int, scale: float = 1.0, forget_bias: float = 1.0) -> dict:
    """Weights in torch's layout: Wx (4H, D), Wh (4H, H), b (4H,), gates stacked i, f, g, o."""
    s = scale / np.sqrt(H)
    p = {"Wx": rng.normal(0, s, (4 * H, D)), "Wh": rng.normal(0, s, (4 * H, H)), "b": rng.normal(0, 0.1, 4 * H)}
    p["b"][H:2 * H] += forget_bias
    return p


def lstm_trajectory(p, xs, h0, c0) -> list[dict]:
    """One dict per step: the gates i, f, g, o, the previous and new states."""
    H = p["Wh"].shape[1]
    h, c = h0, c0
    out = []
    for x in xs:
        a = p["Wx"] @ x + p["Wh"] @ h + p["b"]
        i, f, g, o = sigmoid(a[:H]), sigmoid(a[H:2 * H]), np.tanh(a[2 * H:3 * H]), sigmoid(a[3 * H:])
        c_new = f * c + i * g
        h_new = o * np.tanh(c_new)
        out.append({"i": i, "f": f, "g": g, "o": o, "c_prev": c, "h_prev": h, "c": c_new, "h": h_new})
        h, c = h_new, c_new
    return out


def lstm_joint_jacobian(p, s) -> np.ndarray:
    """∂(h_t, C_t)/∂(h_{t−1}, C_{t−1}) (2H × 2H) of one step ``s`` of :func:`lstm_trajectory`."""
    H = p["Wh"].shape[1]
    i, f, g, o, cp, c = s["i"], s["f"], s["g"], s["o"], s["c_prev"], s["c"]
    Wi, Wf, Wg, Wo = (p["Wh"][k * H:(k + 1) * H] for k in range(4))
    dC_dh = (cp * f * (1 - f))[:, None] * Wf + (g * i * (1 - i))[:, None] * Wi + (i * (1 - g ** 2))[:, None] * Wg
    dC_dc = np.diag(f)
    tc = np.tanh(c)
    dh_dC = o * (1 - tc ** 2)
    dh_dh = (tc * o * (1 - o))[:, None] * Wo + dh_dC[:, None] * dC_dh
    dh_dc = dh_dC[:, None] * dC_dc
    return np.block([[dh_dh, dh_dc], [dC_dh, dC_dc]])
