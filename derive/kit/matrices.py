"""General (size-free) matrix forms and their explicit instances.

A step shows a general form built from MatrixSymbols, ``diag``, ``⊙`` and entrywise functions, and checks
an instance of it at a small size: :func:`explicit` turns the general form into that instance, so what
the page shows is what the checker tested. :func:`entrywise` lifts a per-unit (scalar) formula to the
vector formula that applies it to every unit.
"""
from __future__ import annotations

import functools
import operator

import sympy as sp
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction

__all__ = ["explicit", "entrywise"]


def explicit(expr, values) -> sp.Matrix:
    """``expr`` with every MatrixSymbol in ``values`` replaced by its explicit matrix, carried out.

    Size symbols (the ``H`` of an ``H × 1`` symbol) are read off the shapes of the values, so that
    ``OneMatrix(H, 1)`` and ``Identity(H)`` become explicit as well."""
    values = {symbol: sp.ImmutableMatrix(value) for symbol, value in values.items()}
    sizes = {}
    for symbol, value in values.items():
        if not isinstance(symbol, sp.MatrixSymbol):
            raise ValueError(f"explicit: key {symbol!r} must be a MatrixSymbol")
        for dim, n in zip(symbol.shape, value.shape):
            if isinstance(dim, sp.Symbol) and sizes.setdefault(dim, sp.Integer(n)) != n:
                raise ValueError(f"explicit: size {dim} is {sizes[dim]} for one value and {n} for {symbol}")
    for symbol, value in values.items():  # compound sizes (4H): solve for a size no plain one gave
        for dim, n in zip(symbol.shape, value.shape):
            rest = sp.sympify(dim).xreplace(sizes)
            if len(rest.free_symbols) == 1:
                (size,) = rest.free_symbols
                solved = sp.solve(sp.Eq(rest, n), size)
                if len(solved) == 1 and solved[0].is_Integer and solved[0] > 0:
                    sizes[size] = solved[0]
    for symbol, value in values.items():
        if tuple(sp.sympify(d).xreplace(sizes) for d in symbol.shape) != value.shape:
            raise ValueError(f"explicit: value for {symbol} has shape {value.shape}, not {symbol.shape}")
    out = expr.xreplace(values).xreplace(sizes)
    left = sorted(s.name for s in out.atoms(sp.MatrixSymbol))
    if left:
        raise ValueError(f"explicit: no value for {', '.join(left)}")
    return _carry_out(out)


def _carry_out(e):
    """Evaluate a matrix expression whose leaves are explicit, node by node (``as_explicit`` goes entry by
    entry through symbolic sums and is orders of magnitude slower on nested products)."""
    if isinstance(e, sp.MatrixBase):
        return sp.Matrix(e)
    if not isinstance(e, sp.MatrixExpr):
        return e  # a scalar factor
    if isinstance(e, (sp.OneMatrix, sp.ZeroMatrix, sp.Identity)):
        return sp.Matrix(e.as_explicit())
    if isinstance(e, ElementwiseApplyFunction):
        return _carry_out(e.expr).applyfunc(e.function)
    if isinstance(e, sp.BlockMatrix):
        return sp.Matrix.vstack(*[sp.Matrix.hstack(*[_carry_out(b) for b in row]) for row in e.blocks.tolist()])
    args = [_carry_out(a) for a in e.args]
    if isinstance(e, sp.MatAdd):
        return functools.reduce(operator.add, args)
    if isinstance(e, sp.MatMul):
        return functools.reduce(operator.mul, args)
    if isinstance(e, sp.HadamardProduct):
        return functools.reduce(lambda u, v: u.multiply_elementwise(v), args)
    if isinstance(e, sp.HadamardPower):
        return args[0].applyfunc(lambda v: v ** args[1])
    if isinstance(e, sp.DiagMatrix):
        return sp.diag(*args[0])
    if isinstance(e, sp.Transpose):
        return args[0].T
    raise ValueError(f"explicit: cannot carry out {type(e).__name__}")


def entrywise(expr, vectors, shape):
    """The vector expression that applies the scalar ``expr`` to each unit: symbols in ``vectors`` become
    their vectors, products ⊙, integer powers ∘, numbers multiples of 𝟏, one-argument functions are
    applied entrywise. ``shape`` is the vectors' shape, e.g. ``(H, 1)``."""
    if expr in vectors:
        return vectors[expr]
    if expr.is_Number:
        return expr * sp.OneMatrix(*shape)
    if isinstance(expr, sp.Add):
        return sp.MatAdd(*[entrywise(a, vectors, shape) for a in expr.args])  # in the order printed: 1 − a
    if isinstance(expr, sp.Mul):
        coeff, factors = expr.as_coeff_mul()
        lifted = [entrywise(f, vectors, shape) for f in factors]
        body = lifted[0] if len(lifted) == 1 else sp.HadamardProduct(*lifted)
        return body if coeff == 1 else coeff * body
    if isinstance(expr, sp.Pow) and expr.exp.is_Integer and expr.exp > 0:
        return sp.HadamardPower(entrywise(expr.base, vectors, shape), expr.exp)
    if isinstance(expr, sp.Function) and len(expr.args) == 1:
        return ElementwiseApplyFunction(type(expr), entrywise(expr.args[0], vectors, shape))
    raise ValueError(f"entrywise: no vector form for {expr!r} (a symbol missing from vectors?)")
