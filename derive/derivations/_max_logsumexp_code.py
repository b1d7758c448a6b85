"""The code and plots of A6.2 ① (max via log-sum-exp), kept apart so that the derivation module reads like
its page: the functions of ``derive.generated.softmax``, their numeric verification (mpmath, central
differences) and the drawing of the two plots. Not a derivation itself (nothing here is registered);
``max_logsumexp`` imports it inside ``derivation()``, since this module imports that one's expressions.
"""
from __future__ import annotations

import mpmath
import numpy as np
import sympy as sp

from ..functions import LSE, MaxSubgradient, MaxSubgradientEntry, Softmax, numeric_namespace
from ..kit import central_difference, mp_softmax, relative_error, scalars
from ..model import CodeFunction, CodeModule, VerifyRow
from .max_logsumexp import smooth_max, softmax_column, t, xvec


# ----------------------------------------------------------------------------------------------------
# code targets
# ----------------------------------------------------------------------------------------------------
def code_module() -> CodeModule:
    x = xvec
    check_t = ["t = _positive_temperature(t)"]
    functions = [
        CodeFunction(
            "logsumexp", "x, t=1.0, axis=-1",
            "The smooth maximum (1/t)·LSE(t·x) along ``axis``, computed with the max shift so that |t·x| of "
            "1e4 and beyond stays finite. ``t`` > 0; dtype float32/float64 is preserved (others → float64).",
            LSE(t * x) / t, [("result", LSE(t * x) / t)], prologue=["x = _as_float(x)", *check_t]),
        CodeFunction(
            "softmax", "x, t=1.0, axis=-1",
            "softmax(t·x) along ``axis``: the gradient of ``logsumexp(x, t, axis)`` with respect to x.",
            Softmax(t * x), [("result", Softmax(t * x))], prologue=["x = _as_float(x)", *check_t]),
        CodeFunction(
            "max_subgradient", "x, axis=-1",
            "The limit t → ∞ of softmax(t·x): one-hot of the argmax where the maximum is unique; at ties "
            "equal weights on the tied positions (the minimum-norm element of the subdifferential of max).",
            MaxSubgradient(x), [("result", MaxSubgradient(x))], prologue=["x = _as_float(x)"]),
    ]
    return CodeModule("softmax", "Smooth maximum, its gradient, and the subgradient of max (A6.2 ①).",
                      functions, verify=verify_softmax)


def verify_softmax() -> list[VerifyRow]:
    """Generated code against an mpmath evaluation of the same SymPy expressions (30 digits) and
    central differences of the generated logsumexp."""
    from ..generated import softmax as gen

    rng = np.random.default_rng(20260)
    rows = []
    worst_lse = worst_sm = worst_fd = worst_sub = 0.0
    for n in (1, 2, 5, 17):
        for tt in (0.3, 1.0, 7.0):
            x = rng.normal(scale=3, size=(4, n))
            lse = gen.logsumexp(x, tt)
            sm = gen.softmax(x, tt)
            for r in range(x.shape[0]):
                xr = [mpmath.mpf(float(v)) for v in x[r]]
                with mpmath.workdps(30):
                    ref = LSE.numeric(*[tt * v for v in xr]) / tt
                    worst_lse = max(worst_lse, relative_error(lse[r], float(ref)))
                    for k, ref_k in enumerate(mp_softmax(xr, tt)):
                        worst_sm = max(worst_sm, relative_error(sm[r, k], float(ref_k), floor=0.0))
            # the rows are independent, so the gradient of their sum is softmax row by row
            fd = central_difference(lambda z: np.sum(gen.logsumexp(z, tt)), x, h=1e-5)
            worst_fd = max(worst_fd, float(np.max(np.abs(fd - sm))))
    for x in ([1.0, 3.0, 3.0, -2.0], [5.0, 5.0, 5.0], [0.1, 0.2, 0.3]):
        got = gen.max_subgradient(np.array(x))
        ref = [float(MaxSubgradientEntry.numeric(k + 1, *x)) for k in range(len(x))]
        worst_sub = max(worst_sub, relative_error(got, ref))
    big = np.array([1e4, -1e4, 9999.5, 1e4 - 3])
    stable = np.all(np.isfinite(gen.logsumexp(big, 100.0))) and np.all(np.isfinite(gen.softmax(big, 100.0)))
    rows += [
        VerifyRow("logsumexp", "mpmath 30 digits", worst_lse, 1e-14),
        VerifyRow("softmax", "mpmath 30 digits (relative, per entry)", worst_sm, 1e-12),
        VerifyRow("softmax", "central differences of logsumexp", worst_fd, 1e-8),
        VerifyRow("max_subgradient", "exact minimum-norm subgradient", worst_sub, 0.0),
        VerifyRow("logsumexp, softmax", "finite at |t·x| = 1e6", 0.0 if stable else float("inf"), 0.0),
    ]
    return rows


# ----------------------------------------------------------------------------------------------------
# plots
# ----------------------------------------------------------------------------------------------------
PLOT_X = (0.3, 1.0, 0.8, -0.5)


def draw_smooth_max(fig):
    ys = scalars("x", len(PLOT_X))
    f = sp.lambdify([t, *ys], smooth_max(ys), modules=[numeric_namespace(), "mpmath"])
    ts = np.logspace(-1, 2, 160)
    vals = np.array([float(f(tt, *PLOT_X)) for tt in ts])
    m = max(PLOT_X)
    ax = fig.add_subplot(1, 1, 1)
    ax.fill_between(ts, m, m + np.log(len(PLOT_X)) / ts, color="tab:blue", alpha=0.15,
                    label="bound band [max, max + log(n)/t]")
    ax.plot(ts, vals, color="tab:blue", lw=2, label="(1/t)·LSE(t·x)")
    ax.axhline(m, color="k", lw=1, ls="--", label="max(x)")
    ax.set_xscale("log")
    ax.set_ylim(m - 0.2, m + 2.0)
    ax.set_xlabel("temperature t")
    ax.set_ylabel("value")
    ax.set_title(f"x = {PLOT_X}: (1/t)·LSE(t·x) → max(x) from above")
    ax.legend(loc="upper right")


def draw_softmax_limit(fig):
    ys = scalars("x", len(PLOT_X))
    entries = [sp.lambdify([t, *ys], s, modules=[numeric_namespace(), "mpmath"]) for s in softmax_column(ys, t)]
    ts = np.logspace(-1, 2, 160)
    ax = fig.add_subplot(1, 1, 1)
    for k, f in enumerate(entries, start=1):
        ax.plot(ts, [float(f(tt, *PLOT_X)) for tt in ts], lw=2, label=f"softmax(t·x)_{k}  (x_{k} = {PLOT_X[k - 1]})")
    ax.set_xscale("log")
    ax.set_xlabel("temperature t")
    ax.set_ylabel("gradient entry")
    ax.set_title("∇ of the smooth maximum tends to one-hot(argmax x)")
    ax.legend(loc="center left")
