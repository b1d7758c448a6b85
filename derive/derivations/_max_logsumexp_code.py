"""The code and plots of A6.2 ① (max via log-sum-exp), kept apart so that the derivation module reads like
its page: the functions of ``derive.generated.softmax``, their numeric verification (mpmath, central
differences) and the drawing of the two plots. Not a derivation itself (nothing here is registered);
``max_logsumexp`` imports it inside ``derivation()``, since this module imports that one's expressions.
"""
from __future__ import annotations

from functools import partial

import mpmath
import numpy as np
import sympy as sp

from ..functions import LSE, MaxSubgradient, MaxSubgradientEntry, Softmax, numeric_namespace
from ..kit import central_difference, mp_softmax, relative_error, scalars
from ..model import CodeFunction, CodeModule, Relation, VerifyRow
from ..inplace import InplaceEmitter
from ..printing import numpy_code
from .max_logsumexp import smooth_max, softmax_column, t, xvec

CODE_X, CODE_E, CODE_M, CODE_Z = (sp.Symbol(s, real=True) for s in ("xb", "e", "m", "z"))
BLOCK_BYTES = 256 * 1024  # per row block: the passes over a block stay in L2


# ----------------------------------------------------------------------------------------------------
# code targets
# ----------------------------------------------------------------------------------------------------
def code_blocks() -> dict:
    """The statements of one row block ``xb`` (the reduction axis last), before and after the template sums
    z = Σ e along the row: e = exp(t·(xb − m)) with m the row maximum (shifted before the temperature
    multiplies, so t·x never overflows where the result is finite), then the value m + log(z)/t or the
    gradient e/z. Each is printed for any t and, with t = 1 substituted, without the multiplication."""
    shifted = sp.exp(t * (CODE_X - CODE_M))
    results = {"logsumexp": ("work", CODE_M + sp.log(CODE_Z) / t), "softmax": ("out", CODE_E / CODE_Z)}
    blocks = {}
    for name, (buffer, result) in results.items():
        block = {"kind": "value" if name == "logsumexp" else "grad"}
        for key, temperature in (("scaled", t), ("unit", sp.Integer(1))):
            em = InplaceEmitter({CODE_X: "xb", CODE_E: buffer}, small={t, CODE_M, CODE_Z},
                                printer=partial(numpy_code, axis="-1"))
            post = result.subs(t, temperature)
            block[key] = {"pre": em.emit(buffer, shifted.subs(t, temperature)),
                          "post": [f"value = {numpy_code(post)}"] if name == "logsumexp" else em.emit(buffer, post)}
        blocks[name] = block
    return blocks


def code_module() -> CodeModule:
    x = xvec
    prologue = ["x = _as_float(x)", "t = _positive_temperature(t)"]
    x_j, j, n = sp.Symbol("x_j", real=True), sp.Symbol("j", integer=True), sp.Symbol("n", integer=True)
    row_sum = sp.Sum(sp.exp(t * (x_j - CODE_M)), (j, 1, n))
    block = [("e", sp.exp(t * (CODE_X - CODE_M)))]  # what the page lists; the loop is code_blocks()
    functions = [
        CodeFunction(
            "logsumexp", "x, axis=-1, *, t=1.0",
            "The smooth maximum (1/t)·LSE(t·x) along ``axis``, computed as m + log Σ exp(t·(x − m))/t with m the "
            "maximum along the axis: shifted before the temperature multiplies, so no t·x overflows where the "
            "result is finite.", Relation(LSE(t * x) / t, CODE_M + sp.log(row_sum) / t),
            block + [("result", CODE_M + sp.log(CODE_Z) / t)], prologue=prologue),
        CodeFunction(
            "softmax", "x, axis=-1, *, t=1.0",
            "softmax(t·x) along ``axis``, computed as exp(t·(x − m)) / Σ exp(t·(x − m)) with m the maximum "
            "along the axis: the gradient of ``logsumexp(x, axis, t=t)`` with respect to x.",
            Relation(Softmax(t * x), sp.exp(t * (x - CODE_M)) / row_sum),
            block + [("result", CODE_E / CODE_Z)], prologue=prologue),
        CodeFunction(
            "max_subgradient", "x, axis=-1",
            "The limit t → ∞ of softmax(t·x): one-hot of the argmax where the maximum is unique; at ties "
            "equal weights on the tied positions (the minimum-norm element of the subdifferential of max).",
            MaxSubgradient(x), [("result", MaxSubgradient(x))], prologue=["x = _as_float(x)"]),
    ]
    return CodeModule("softmax", "Smooth maximum, its gradient, and the subgradient of max (A6.2 ①).",
                      functions, template="code/softmax.py.j2",
                      context={"block": BLOCK_BYTES, "blocks": code_blocks()}, verify=verify_softmax)


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
            lse = gen.logsumexp(x, t=tt)
            sm = gen.softmax(x, t=tt)
            for r in range(x.shape[0]):
                xr = [mpmath.mpf(float(v)) for v in x[r]]
                with mpmath.workdps(30):
                    ref = LSE.numeric(*[tt * v for v in xr]) / tt
                    worst_lse = max(worst_lse, relative_error(lse[r], float(ref)))
                    for k, ref_k in enumerate(mp_softmax(xr, tt)):
                        worst_sm = max(worst_sm, relative_error(sm[r, k], float(ref_k), floor=0.0))
            # the rows are independent, so the gradient of their sum is softmax row by row
            fd = central_difference(lambda z: np.sum(gen.logsumexp(z, t=tt)), x, h=1e-5)
            worst_fd = max(worst_fd, float(np.max(np.abs(fd - sm))))
    for x in ([1.0, 3.0, 3.0, -2.0], [5.0, 5.0, 5.0], [0.1, 0.2, 0.3]):
        got = gen.max_subgradient(np.array(x))
        ref = [float(MaxSubgradientEntry.numeric(k + 1, *x)) for k in range(len(x))]
        worst_sub = max(worst_sub, relative_error(got, ref))
    big = np.array([1e4, -1e4, 9999.5, 1e4 - 3])
    stable = np.all(np.isfinite(gen.logsumexp(big, t=100.0))) and np.all(np.isfinite(gen.softmax(big, t=100.0)))
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
