"""The generated code of the A6.2 ② derivation (``derive.generated.soft_argmax``) and its verification. Not
a derivation itself (it registers nothing).

The statements of one row block are SymPy expressions printed into in-place NumPy statements by
:class:`derive.inplace.InplaceEmitter`; the template ``templates/code/soft_argmax.py.j2`` wraps them in the
row-block loop. The verification compares the generated functions with 50-digit mpmath references
(:mod:`derive.derivations._argmax_numerics`) and central differences.
"""
from __future__ import annotations

from functools import partial

import mpmath
import numpy as np
import sympy as sp

from ..functions import Argmax, Dot, MaxOf, SumOf
from ..inplace import InplaceEmitter
from ..kit.numeric import central_difference, relative_error
from ..kit.symbols import entry
from ..model import CodeFunction, CodeModule, VerifyRow
from ..printing import numpy_code
from ._argmax_numerics import gradient, soft_argmax

# ----------------------------------------------------------------------------------------------------
# code: SymPy expressions of one row block, printed into in-place NumPy statements
# ----------------------------------------------------------------------------------------------------
START = sp.Symbol("start", integer=True)  # the first index (1 as in the seed, 0 for Python positions)
CODE_X = sp.Symbol("xb", real=True)    # the input rows of one block, reduction along the last axis
CODE_J = sp.Symbol("j", real=True)     # the index row start, start + 1, … (shape (n,))
CODE_E = sp.Symbol("e", real=True)     # exp(t(x − max x)) of the block (lives in a full-size buffer)
CODE_G = sp.Symbol("g", real=True)
# the columns of a block, shape (rows, 1): argmax position, row maximum, sum of e, value S
CODE_K, CODE_M, CODE_Z, CODE_S = (sp.Symbol(s, real=True) for s in ("k", "m", "z", "S"))
ROW_SYMBOLS = {CODE_J}
BLOCK_BYTES = 256 * 1024  # per row block: every pass over a block stays in L2


def code_bodies(t):
    """(value, gradient) statements of one block, as (target, SymPy expression) pairs; ``t`` is the
    temperature symbol of the derivation."""
    e_expr = sp.exp(t * (CODE_X - CODE_M))
    s_expr = Dot(CODE_E, CODE_J) / CODE_Z
    g_expr = t * CODE_E * (CODE_J - CODE_S) / CODE_Z
    value = [("m", MaxOf(CODE_X)), ("e", e_expr), ("z", SumOf(CODE_E)), ("S", s_expr)]
    # k: the position of the row maximum counted from 0 (argmax counts from 1); m = x_k
    grad = [("k", Argmax(CODE_X) - 1), ("m", entry(CODE_X, CODE_K)), ("e", e_expr), ("z", SumOf(CODE_E)),
            ("S", s_expr), ("g", g_expr)]
    return value, grad


def emitter(t, full: dict[sp.Symbol, str]) -> InplaceEmitter:
    """One block's statements: ``full`` maps the symbols that hold a whole block (rows × n) to their buffer;
    the columns k, m, z, S, the index row j and the scalar t are printed as ordinary (small) expressions."""
    return InplaceEmitter(full, small={t, CODE_J, CODE_K, CODE_M, CODE_Z, CODE_S}, rows=ROW_SYMBOLS,
                          printer=partial(numpy_code, axis="-1"))


def split_at_max(lines):
    """The statements up to the row maximum m, and the rest (the template checks m in between)."""
    cut = next(i for i, line in enumerate(lines) if line.startswith("m = ")) + 1
    return lines[:cut], lines[cut:]


def code_module(t, formula_value, formula_grad) -> CodeModule:
    """The module; ``formula_value`` and ``formula_grad`` (Relations) are shown in the docstrings."""
    value, grad = code_bodies(t)
    value_lines = emitter(t, {CODE_X: "xb", CODE_E: "work"}).lines(value)
    grad_lines = emitter(t, {CODE_X: "xb", CODE_E: "out", CODE_G: "out"}).lines(grad)
    prologue = ["x = _as_float(x)", "t = _positive_temperature(t)", "axis, start = _axis_and_start(x, axis, start)"]
    functions = [
        CodeFunction(
            "soft_argmax", "x, axis=-1, *, t=1.0, start=1",
            "The soft-argmax S_t(x) = Σ_i i·softmax(t·x)_i along ``axis``, indices i counted from ``start`` "
            "(1 as in the seed, 0 for Python positions). Shifted by the row maximum, so |t·x| of 1e4 stays "
            "finite; float32/float64 are preserved (other input becomes float64). Returns x's shape without "
            "``axis``.", formula_value, value, prologue=prologue, returns="result"),
        CodeFunction(
            "soft_argmax_grad", "x, axis=-1, *, t=1.0, start=1",
            "∂S_t/∂x_j = t·s_j·(j − S_t) with s = softmax(t·x) along ``axis`` — the gradient of "
            "``soft_argmax(x, axis, t=t, start=start)``, same shape and dtype as x. The entry at each row's argmax is "
            "set to minus the sum of the others (the gradient sums to zero), which keeps it accurate when "
            "softmax(t·x) is nearly one-hot.", formula_grad, grad, prologue=prologue, returns="result"),
    ]
    return CodeModule(
        "soft_argmax", "Soft-argmax and its gradient (A6.2 ②), printed from the SymPy expressions of one row block.",
        functions, template="code/soft_argmax.py.j2",
        context={"block": BLOCK_BYTES,
                 "blocks": {"soft_argmax": dict(zip(("pre", "post"), split_at_max(value_lines)), kind="value"),
                            "soft_argmax_grad": dict(zip(("pre", "post"), split_at_max(grad_lines)), kind="grad")}},
        verify=verify_soft_argmax)


# ----------------------------------------------------------------------------------------------------
# verification of the generated code
# ----------------------------------------------------------------------------------------------------
def verify_soft_argmax() -> list[VerifyRow]:
    """Generated code against mpmath (50 digits) and central differences of the generated value."""
    import importlib

    gen = importlib.import_module("derive.generated.soft_argmax")
    rng = np.random.default_rng(31415)
    worst_v = worst_g = worst_fd = 0.0
    for n in (1, 2, 5, 9):
        for tt in (0.3, 1.0, 6.0):
            x = rng.normal(scale=2, size=(3, n))
            v = gen.soft_argmax(x, t=tt)
            g = gen.soft_argmax_grad(x, t=tt)
            for r in range(3):
                xr = [mpmath.mpf(float(a)) for a in x[r]]
                with mpmath.workdps(50):
                    ref = soft_argmax(xr, tt)
                    gref = gradient(xr, tt)
                worst_v = max(worst_v, float(abs(ref - v[r]) / abs(ref)))
                worst_g = max(worst_g, relative_error(g[r], [float(a) for a in gref], floor=1e-300))
                fd = central_difference(lambda row: gen.soft_argmax(row, t=tt), x[r])
                worst_fd = max(worst_fd, relative_error(fd, g[r]))
    # nearly one-hot rows: t·δ from 30 to 600, where j − S_t cancels at the argmax
    worst_peak = 0.0
    for tt in (30.0, 100.0, 600.0):
        x = np.array([[0.3, 1.0, -0.2, 0.1], [2.0, -1.0, 1.0, 0.5]])
        g = gen.soft_argmax_grad(x, t=tt)
        for r in range(2):
            with mpmath.workdps(60):
                gref = gradient([mpmath.mpf(float(a)) for a in x[r]], tt)
            worst_peak = max(worst_peak, relative_error(g[r], [float(a) for a in gref], floor=0.0))
    big = np.array([[1e4, -1e4, 9999.5, 1e4 - 3], [-1e4, -1e4, -1e4, -1e4]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        stable = bool(np.all(np.isfinite(gen.soft_argmax(big, t=1.0))) and np.all(np.isfinite(gen.soft_argmax_grad(big, t=1.0))))
    return [
        VerifyRow("soft_argmax", "mpmath 50 digits (relative)", worst_v, 1e-14),
        VerifyRow("soft_argmax_grad", "mpmath 50 digits (relative to the row's largest entry)", worst_g, 1e-13),
        VerifyRow("soft_argmax_grad", "central differences of soft_argmax", worst_fd, 1e-8),
        VerifyRow("soft_argmax_grad", "mpmath, nearly one-hot rows (t·δ = 21 … 600)", worst_peak, 1e-13),
        VerifyRow("soft_argmax, soft_argmax_grad", "finite, no FP exception at |t·x| = 1e4",
                  0.0 if stable else float("inf"), 0.0),
    ]
