"""Symbol factories. Names are chosen so the printer writes them as the seed does (``x1`` → x_1)."""
from __future__ import annotations

import sympy as sp

from ..functions import vector

__all__ = ["scalars", "entries", "matrix_symbols", "gradient", "jacobian", "vector"]


def scalars(name: str, n: int, start: int = 1, **assumptions) -> list[sp.Symbol]:
    """``[name1, …, name<n>]`` as real symbols (other assumptions may be passed, e.g. ``positive=True``).

    >>> scalars("x", 3)
    [x1, x2, x3]
    """
    if n < 0:
        raise ValueError(f"scalars({name!r}, n={n}): n must be ≥ 0")
    assumptions.setdefault("real", True)
    return [sp.Symbol(f"{name}{k}", **assumptions) for k in range(start, start + n)]


def entries(name: str, rows: int, cols: int = 1, **assumptions) -> sp.Matrix:
    """A rows × cols matrix of real symbols ``name_{ij}`` (a column ``name_{i}`` when cols is 1), counted
    from 1 as a textbook does. ``name`` may be TeX (``W^{R}``); the printer adds no double subscript."""
    assumptions.setdefault("real", True)
    if cols == 1:
        return sp.Matrix(rows, 1, lambda i, _: sp.Symbol(f"{name}_{{{i + 1}}}", **assumptions))
    return sp.Matrix(rows, cols, lambda i, j: sp.Symbol(f"{name}_{{{i + 1}{j + 1}}}", **assumptions))


def matrix_symbols(name: str, rows: int, cols: int = 1) -> sp.MatrixSymbol:
    """A matrix-level symbol (``W``, ``h_t``) for general, size-free forms."""
    return sp.MatrixSymbol(name, rows, cols)


def gradient(expr, xs, evaluate: bool = False) -> sp.Matrix:
    """∇expr as a column of ∂expr/∂x_k (entry k). Unevaluated by default: the page shows the derivatives,
    the checker carries them out."""
    if evaluate:
        return sp.Matrix([sp.diff(expr, x) for x in xs])
    return sp.Matrix([sp.Derivative(expr, x) for x in xs])


def jacobian(outputs, inputs) -> sp.Matrix:
    """The Jacobian ∂outputs/∂inputs with rows = outputs, columns = inputs (numerator layout).

    SymPy's ``MatrixExpr.diff`` returns the transpose of this; explicit matrices go through here."""
    outputs = sp.Matrix(outputs)
    inputs = sp.Matrix(inputs)
    return outputs.jacobian(inputs)


def product(*factors) -> sp.Expr:
    """``factors`` multiplied, kept in the order given: the printer writes an unevaluated product as written,
    t s_j (j − S_t) rather than SymPy's s_j t (j − S_t)."""
    return sp.Mul(*factors, evaluate=False)


def entry(v, k) -> sp.Indexed:
    """The k-th entry of a vector expression, for size-free forms: ``entry(Softmax(t·𝐱), j)`` prints as
    softmax(t𝐱)_j, ``entry(x, i)`` as x_i."""
    return sp.Indexed(sp.IndexedBase(v), k)


__all__ += ["product", "entry"]
