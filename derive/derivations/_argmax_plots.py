"""The plots of the A6.2 ② derivation: the derivation passes its SymPy expressions, which are lambdified
here; the text inside the figures is English and symbols (shared by both languages of the site). Not a
derivation itself (it registers nothing)."""
from __future__ import annotations

import numpy as np
import sympy as sp

from ._argmax_numerics import argmax_set

PLOT_INPUTS = (((0.3, -0.5, 0.8, 1.0), "x = (0.3, −0.5, 0.8, 1)"),
               ((1.0, 0.2, 0.99, -1.0), "near tie x = (1, 0.2, 0.99, −1)"),
               ((1.0, 0.2, 1.0, -1.0), "tie x = (1, 0.2, 1, −1)"))


def draw_limit(args, shifted_soft_argmax, fig):
    """S_t against t at three inputs; ``shifted_soft_argmax`` is S_t with exponents shifted by the maximum
    M, a function of ``args`` = (t, M, x_1, …, x_4)."""
    ts = np.logspace(-2, 3, 240)
    ax = fig.add_subplot(1, 1, 1)
    f = sp.lambdify(args, shifted_soft_argmax, "numpy")
    colors = ("tab:blue", "tab:orange", "tab:green")
    for (x, label), c in zip(PLOT_INPUTS, colors):
        ax.plot(ts, f(ts, max(x), *x), color=c, lw=2, label=f"S_t, {label}")
        ax.axhline(argmax_set(x)[0], color=c, lw=1, ls="--")
    ax.set_xscale("log")
    ax.set_xlabel("temperature t")
    ax.set_ylabel("S_t(x) = Σ i·softmax(t·x)_i")
    ax.set_title("S_t → argmax x as t grows; near a tie only once t ≫ 1/δ;\n"
                 "at a tie → the mean of the tied indices (dashed: first maximiser)", fontsize=9)
    ax.set_ylim(0.9, 4.1)
    ax.legend(loc="center right", fontsize=8)


def draw_field(t, ys, soft_argmax_elementary, fig):
    """S_t (colour) and its gradient (arrows, differentiated by SymPy) on the slice x = (a, b, 0), t = 2."""
    grad = [sp.diff(soft_argmax_elementary, y) for y in ys[:2]]
    sub = {ys[2]: 0, t: 2.0}
    f = sp.lambdify(ys[:2], soft_argmax_elementary.subs(sub), "numpy")
    ga = sp.lambdify(ys[:2], grad[0].subs(sub), "numpy")
    gb = sp.lambdify(ys[:2], grad[1].subs(sub), "numpy")
    a, b = np.meshgrid(np.linspace(-2, 2, 121), np.linspace(-2, 2, 121))
    ax = fig.add_subplot(1, 1, 1)
    cs = ax.contourf(a, b, f(a, b), levels=np.linspace(1, 3, 21), cmap="viridis")
    fig.colorbar(cs, ax=ax, label="S_t(a, b, 0)")
    qa, qb = np.meshgrid(np.linspace(-1.8, 1.8, 15), np.linspace(-1.8, 1.8, 15))
    ax.quiver(qa, qb, ga(qa, qb), gb(qa, qb), color="white", scale=12, width=0.004)
    for (a0, b0), (a1, b1) in (((0, 0), (2, 2)), ((0, -2), (0, 0)), ((-2, 0), (0, 0))):  # ties of the maximum
        ax.plot([a0, a1], [b0, b1], color="w", lw=0.8, ls=":")
    ax.set_xlabel("a = x₁")
    ax.set_ylabel("b = x₂")
    ax.set_aspect("equal")
    ax.set_title("∇S_t on the slice x = (a, b, 0), t = 2:\nlarge only near the ties of the maximum (dotted)",
                 fontsize=9)
