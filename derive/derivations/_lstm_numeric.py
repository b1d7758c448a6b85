"""Numerical evidence for the A6.3 LSTM derivation (``lstm-jacobian``): Jacobian norms over long
sequences (float64, on the kit's LSTM and RNN references), the searches that test the seed's remarks on
gradient flow, the plots and the measured table. Not a derivation (no ``@register``)."""
from __future__ import annotations

import numpy as np

from ..kit.recurrent import lstm_joint_jacobian, lstm_trajectory, random_lstm, rnn_norms_to_end, rnn_states
from ..checking import bi
from ..model import Tr, Witness


def lstm_four_term(p, s, prev):
    """The seed's four-term factor of step ``s`` (its o_{t−1}, C_{t−1} from step ``prev``), H × H."""
    H = p["Wh"].shape[1]
    i, f, g, cp = s["i"], s["f"], s["g"], s["c_prev"]
    Wi, Wf, Wg = (p["Wh"][k * H:(k + 1) * H] for k in range(3))
    d = prev["o"] * (1 - np.tanh(prev["c"]) ** 2)
    J = ((cp * f * (1 - f))[:, None] * Wf + (g * i * (1 - i))[:, None] * Wi + (i * (1 - g ** 2))[:, None] * Wg) * d
    return J + np.diag(f)


def lstm_norms(p, xs, h0, c0):
    """For k = 1 … T: ‖∂C_T/∂(h, C)_{T−k}‖₂ through the joint state, ‖∏ diag(f)‖₂ along the cell path
    alone, and ‖∏ four-term‖₂ (the seed's product, k ≤ T − 1)."""
    traj = lstm_trajectory(p, xs, h0, c0)
    H, T = p["Wh"].shape[1], len(traj)
    M, fpath, seed = np.eye(2 * H)[H:], np.ones(H), np.eye(H)  # M: the rows of C_T
    joint, cell_path, seed_norms = [], [], []
    for k in range(1, T + 1):
        s = traj[T - k]
        M = M @ lstm_joint_jacobian(p, s)
        fpath = fpath * s["f"]
        joint.append(np.linalg.norm(M, 2))
        cell_path.append(np.max(fpath))
        if T - k >= 1:
            seed = seed @ lstm_four_term(p, s, traj[T - k - 1])
            seed_norms.append(np.linalg.norm(seed, 2))
    return np.array(joint), np.array(cell_path), np.array(seed_norms), traj


PLOT_T, PLOT_H, PLOT_D = 100, 16, 16
SWEEP = (-2.0, 0.0, 1.0, 2.0, 3.0, 5.0)


def plot_inputs(seed=6303):
    rng = np.random.default_rng(seed)
    return rng, rng.normal(0, 1, (PLOT_T, PLOT_D)), rng.normal(0, 0.5, PLOT_H), rng.normal(0, 0.5, PLOT_H)


def comparison_data():
    rng, xs, h0, c0 = plot_inputs()
    joint, cell_path, seed, _ = lstm_norms(random_lstm(rng, PLOT_H, PLOT_D, scale=1.0, forget_bias=3.0), xs, h0, c0)
    r = np.random.default_rng(6304)
    s = 1.0 / np.sqrt(PLOT_H)
    Wx, Wh, b = r.normal(0, s, (PLOT_H, PLOT_D)), r.normal(0, s, (PLOT_H, PLOT_H)), r.normal(0, 0.1, PLOT_H)
    return joint, cell_path, seed, rnn_norms_to_end(Wh, rnn_states(Wh, Wx, b, xs, h0))


def draw_comparison(fig):
    joint, cell_path, seed, rnn = comparison_data()
    k = np.arange(1, PLOT_T + 1)
    ax = fig.add_subplot(1, 1, 1)
    ax.semilogy(k, rnn, lw=2, label="RNN  ‖∂h_T/∂h_{T−k}‖₂ (tanh, W_R ~ N(0, 1/H))")
    ax.semilogy(k, joint, lw=2, label="LSTM ‖∂C_T/∂(h, C)_{T−k}‖₂, joint state (b_f = 3)")
    ax.semilogy(k, cell_path, lw=1.5, ls="--", label="LSTM forget-gate path alone ‖∏ diag(f)‖₂")
    ax.semilogy(k[:-1], seed, lw=1, ls=":", color="k", label="the seed's product of four-term factors")
    ax.set_xlabel("steps back k")
    ax.set_ylabel("Jacobian norm")
    ax.set_title(f"Gradient reaching back {PLOT_T} steps: same inputs, H = D = {PLOT_H}")
    ax.legend(loc="lower left", fontsize=8)


def draw_sweep(fig):
    k = np.arange(1, PLOT_T + 1)
    ax = fig.add_subplot(1, 1, 1)
    for bf in SWEEP:
        rng, xs, h0, c0 = plot_inputs()
        joint, cell_path, _, _ = lstm_norms(random_lstm(rng, PLOT_H, PLOT_D, scale=1.0, forget_bias=bf), xs, h0, c0)
        line, = ax.semilogy(k, np.maximum(joint, 1e-300), lw=2, label=f"b_f = {bf:g}")
        ax.semilogy(k, np.maximum(cell_path, 1e-300), lw=1, ls="--", color=line.get_color())
    ax.set_ylim(1e-30, 10)
    ax.set_xlabel("steps back k")
    ax.set_ylabel("‖∂C_T/∂(h, C)_{T−k}‖₂ (solid), ‖∏ diag(f)‖₂ (dashed)")
    ax.set_title("Forget-gate bias sweep: the cell path sets the range of the gradient")
    ax.legend(loc="lower left", fontsize=8, ncol=2)


# --- searches for the seed's statements ---------------------------------------------------------------
def probe_no_vanish(rng) -> Witness:
    """The seed: the product of its four-term factors converges neither to 0 nor to ∞ as t → ∞."""
    H, D, T = 8, 8, 100
    bf = float(rng.uniform(-4, 4))
    scale = float(rng.uniform(0.5, 2.0))
    p = random_lstm(rng, H, D, scale=scale, forget_bias=bf)
    xs = rng.normal(0, 1, (T, D))
    _, _, seed, _ = lstm_norms(p, xs, rng.normal(0, 0.5, H), rng.normal(0, 0.5, H))
    n = seed[-1]
    ok = 1e-8 <= n <= 1e8
    return Witness({"b_f": bf, "s": scale}, bool(ok), float(n),
                   bi("after {k} steps the product of the four-term factors has norm {n}",
                      "{k} 步之后，四项因子连乘的范数为 {n}", k=T - 1, n=f"{n:.3g}"))


def probe_explode(rng) -> Witness:
    """Existence: some LSTM has ‖∂C_T/∂(h, C)_0‖₂ > 10³ after 60 steps. Random search over recurrent
    weight scale in [3, 6]/√H, forget bias in [0, 6], input and output gate biases in [−2, 4]."""
    H, T = 8, 60
    best = 0.0
    for _ in range(200):
        p = random_lstm(rng, H, H, scale=float(rng.uniform(3, 6)), forget_bias=float(rng.uniform(0, 6)))
        p["b"][:H] += rng.uniform(-2, 4)
        p["b"][3 * H:] += rng.uniform(-2, 4)
        xs = rng.normal(0, float(rng.uniform(0, 1)), (T, H))
        joint, _, _, _ = lstm_norms(p, xs, rng.normal(0, 0.5, H), rng.normal(0, 0.5, H))
        best = max(best, float(joint[-1]))
        if joint[-1] > 1e3:
            return Witness({}, True, float(joint[-1]))
    return Witness({}, False, best, bi("no LSTM in 200 random draws exceeded 1e3 (largest {b})",
                                       "200 次随机抽取中没有 LSTM 超过 1e3（最大 {b}）", b=f"{best:.3g}"))


def probe_forget_path(rng) -> Witness:
    """Knock the forget-gate path out of every step (zero the diag(f) block, the only way C_{t−1} enters
    C_t directly) and keep the three other terms: after 50 steps the gradient must (almost) vanish,
    ‖knocked-out ∂C_T/∂(h, C)_0‖ ≤ 10⁻³ ‖full‖, if the forget path is what carries it."""
    H, D, T = 8, 8, 50
    bf = float(rng.uniform(-1, 5))
    scale = float(rng.uniform(0.3, 3))
    p = random_lstm(rng, H, D, scale=scale, forget_bias=bf)
    xs = rng.normal(0, 1, (T, D))
    traj = lstm_trajectory(p, xs, rng.normal(0, 0.5, H), rng.normal(0, 0.5, H))
    M = np.eye(2 * H)[H:]
    K = np.eye(2 * H)[H:]
    for s in reversed(traj):
        J = lstm_joint_jacobian(p, s)
        M = M @ J
        J[:, H:] = 0  # ∂(h_t, C_t)/∂C_{t−1} = (∂h_t/∂C_t·diag f_t, diag f_t): the forget path
        K = K @ J
    full, knocked = np.linalg.norm(M, 2), np.linalg.norm(K, 2)
    ratio = knocked / max(full, 1e-300)
    return Witness({"b_f": bf, "s": scale}, bool(ratio <= 1e-3), float(ratio),
                   bi("without the forget path the norm is {r} of the full one after {T} steps",
                      "去掉遗忘门路径后，{T} 步之后的范数是完整范数的 {r}", r=f"{ratio:.3g}", T=T))


def measured_table() -> Tr:
    """The table of norms under the steps, with its header in English and Chinese (the numbers are shared)."""
    joint, cell_path, seed, rnn = comparison_data()
    rows = [f"| {k} | {rnn[k - 1]:.3g} | {joint[k - 1]:.3g} | {cell_path[k - 1]:.3g} | {seed[k - 1]:.3g} |"
            for k in (1, 10, 25, 50, 99)]
    head = {"en": "| steps back k | RNN ‖∂h_T/∂h_{T−k}‖ | LSTM joint ‖∂C_T/∂(h,C)_{T−k}‖ | forget path ‖∏diag f‖ "
                  "| seed's product |",
            "zh": "| 回溯步数 k | RNN ‖∂h_T/∂h_{T−k}‖ | LSTM 联合状态 ‖∂C_T/∂(h,C)_{T−k}‖ | 遗忘门路径 ‖∏diag f‖ "
                  "| 原答案的连乘 |"}
    return Tr(*("\n".join([head[lang], "|---|---|---|---|---|"] + rows) for lang in ("en", "zh")))
