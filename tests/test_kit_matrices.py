"""derive.kit.matrices (general matrix forms → explicit instances, per-unit formulas → vector forms) against
NumPy, and the printing rules those forms rely on."""
from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction

from derive.functions import Sigmoid, Tanh
from derive.kit.matrices import entrywise, explicit
from derive.model import Relation
from derive.printing import tex

H = sp.Symbol("H", integer=True, positive=True)
D = sp.Symbol("D", integer=True, positive=True)
v, u = sp.MatrixSymbol("v", H, 1), sp.MatrixSymbol("u", H, 1)
W, X = sp.MatrixSymbol("W", H, H), sp.MatrixSymbol("X", 2 * H, D)
ONE = sp.OneMatrix(H, 1)


def test_explicit_instance_matches_numpy():
    rng = np.random.default_rng(0)
    vn, un, Wn, Xn = rng.normal(size=3), rng.normal(size=3), rng.normal(size=(3, 3)), rng.normal(size=(6, 2))
    expr = sp.MatAdd(sp.MatMul(sp.DiagMatrix(sp.HadamardProduct(v, ONE - v)), W),
                     sp.MatMul(sp.Identity(H), sp.DiagMatrix(sp.HadamardPower(u, 2))))
    got = explicit(expr, {v: sp.Matrix(vn), u: sp.Matrix(un), W: sp.Matrix(Wn)})
    want = np.diag(vn * (1 - vn)) @ Wn + np.diag(un ** 2)
    assert np.allclose(np.array(got, dtype=float), want, rtol=0, atol=1e-13)
    block = sp.BlockMatrix([[sp.MatMul(X.T, X)], [sp.ZeroMatrix(D, D)]])
    got = explicit(block, {X: sp.Matrix(Xn)})
    assert np.allclose(np.array(got, dtype=float), np.vstack([Xn.T @ Xn, np.zeros((2, 2))]), rtol=0, atol=1e-13)


def test_explicit_applies_entrywise_functions():
    z = sp.Matrix(sp.symbols("z1 z2", real=True))
    got = explicit(ElementwiseApplyFunction(Sigmoid, v), {v: z})
    assert got == sp.Matrix([Sigmoid(z[0]), Sigmoid(z[1])])


@pytest.mark.parametrize("expr, values, message", [
    (sp.MatMul(W, v), {v: sp.Matrix([1, 2]), W: sp.eye(3)}, "size H"),
    (sp.MatMul(W, v), {v: sp.Matrix([1, 2])}, "no value for W"),
    (sp.MatMul(X.T, X), {X: sp.zeros(5, 2), v: sp.Matrix([1, 2])}, "shape"),
    (sp.MatMul(W, v), {sp.Symbol("q"): sp.Matrix([1])}, "MatrixSymbol"),
])
def test_explicit_bad_values_raise_value_error(expr, values, message):
    with pytest.raises(ValueError, match=message):
        explicit(expr, values)


def test_entrywise_lifts_a_per_unit_formula():
    a, b = sp.symbols("a b", real=True)
    scalar = 3 * a * (1 - a) ** 2 + Tanh(b)
    vector = entrywise(scalar, {a: v, b: u}, (H, 1))
    vn, un = np.array([0.3, -0.8]), np.array([1.1, 0.4])
    got = explicit(vector, {v: sp.Matrix(vn), u: sp.Matrix(un)}).applyfunc(lambda e: e.replace(Tanh, sp.tanh))
    assert np.allclose(np.array(got, dtype=float).ravel(), 3 * vn * (1 - vn) ** 2 + np.tanh(un), rtol=0, atol=1e-14)
    with pytest.raises(ValueError, match="no vector form"):
        entrywise(a * sp.Symbol("c"), {a: v}, (H, 1))


def test_printing_of_general_forms():
    assert tex(ElementwiseApplyFunction(Sigmoid, v)) == r"\sigma\left(v\right)"
    assert tex(sp.MatAdd(ONE, -v)) == r"\mathbf{1}_{H} - v"  # a symbolic size is written
    assert tex(sp.Derivative(u, v)) == r"\frac{\partial u}{\partial v}"
    assert tex(sp.Derivative(sp.Symbol("E"), W)) == r"\frac{\partial E}{\partial W}"
    assert tex((Relation(u, v), Relation(W, W, "<="))) == "\\begin{aligned}\nu &= v \\\\\nW &\\le W\n\\end{aligned}"
    # a sum built unevaluated keeps its order (the seed's order of the four terms); a canonical one
    # prints as SymPy prints it (other pages stay as they were)
    canonical = W + sp.DiagMatrix(v)
    built = sp.MatAdd(*reversed(canonical.args))
    assert tex(built) == " + ".join(tex(a) for a in built.args)
    assert tex(canonical) == sp.latex(canonical).replace(r"\operatorname{DiagMatrix}", r"\operatorname{diag}")
