"""derive.inplace.InplaceEmitter: the emitted ufunc calls compute the expression (oracle: the same expression
evaluated directly by NumPy through sympy.lambdify, or a plain NumPy formula for matrix expressions), write only
into existing arrays, and name every scratch buffer they use."""
import re
import zlib
from functools import partial

import numpy as np
import pytest
import sympy as sp

from derive.functions import Tanh
from derive.inplace import InplaceEmitter
from derive.printing import numpy_code

a, b, c, d = sp.symbols("a b c d", real=True)
SHAPE = (3, 5)
CALL = re.compile(r"^numpy\.(?:copyto\(\w[\w\[\] +.]*, .+\)|\w+\(.*, out=\w[\w\[\] +.]*\))$")

SCALAR_EXPRS = [
    a + b, a + b + c + d, a - b, b - a, -a, -a - b, a * b, a * b * c * d, 3 * a, a / 2 + 0.25, 1 - a, 2 - a * b,
    a ** 2, 1 - a ** 2, (a + b) ** 2, a * b * (1 - a), c + b * a * (1 - c ** 2), (1 + a) / 2, a * b - c,
    3 * a * b, (a - b) * (c + d), a * (b + c * (d - a)), sp.exp(a - b), sp.tanh(a * b) + c, Tanh(a) * b,
    a + a * b + a ** 2, (a * b + c * d) * (a - d), 1 - (a + b) ** 2, a - a * b, b * (a - a * c), a - b * c * d,
]


def _inputs(rng):
    arrays = {}
    for s in (a, b, c, d):
        x = rng.uniform(0.5, 2.0, size=SHAPE) * rng.choice([-1.0, 1.0], size=SHAPE)  # nonzero, both signs
        arrays[s.name] = x
    return arrays


def _run(em, lines, env, target, shape=SHAPE):
    ns = {"numpy": np, **{k: v.copy() for k, v in env.items()}}
    ns.setdefault(target, np.full(shape, np.nan))
    for name in em.scratch:
        ns[name] = np.full(shape, np.nan)
    before = {k: (id(v), v.shape) for k, v in ns.items() if isinstance(v, np.ndarray)}
    exec("\n".join(lines), ns)
    after = {k: (id(v), v.shape) for k, v in ns.items() if isinstance(v, np.ndarray)}
    assert after == before, ("a line bound a new array", lines)  # everything was written in place
    return ns[target]


def _assert_no_allocation(lines):
    for line in lines:
        assert CALL.match(line), f"not an in-place call: {line}"
        assert " = " not in line.split("(", 1)[0], line


def _assert_names_known(em, lines, known):
    for line in lines:
        for name in re.findall(r"\b[A-Za-z_]\w*\b", line):
            if name in ("numpy", "out") or hasattr(np, name):
                continue
            assert name in known or name in em.scratch, (name, line, em.scratch)


@pytest.mark.parametrize("target", ["out", "a", "b", "c"])
@pytest.mark.parametrize("expr", SCALAR_EXPRS, ids=str)
def test_scalar_expression_matches_numpy_even_when_the_target_aliases_an_input(expr, target):
    rng = np.random.default_rng(zlib.crc32(f"{expr}|{target}".encode()))  # deterministic per case
    env = _inputs(rng)
    want = sp.lambdify([a, b, c, d], expr, modules=[{"Tanh": np.tanh}, "numpy"])(*(env[s] for s in "abcd"))
    want = np.broadcast_to(want, SHAPE)
    em = InplaceEmitter(prefix="tmp")
    lines = em.emit(target, expr)
    _assert_no_allocation(lines)
    _assert_names_known(em, lines, {"a", "b", "c", "d", target})
    got = _run(em, lines, env, target)
    np.testing.assert_allclose(got, want, rtol=1e-13, atol=0, err_msg=f"{expr} into {target}: {lines}")


@pytest.mark.parametrize("alias", ["a", "b"])
def test_alias_names_another_view_of_the_target_buffer(alias):
    """``alias``: the target and the input ``alias`` are the same memory (e.g. a gradient written over a gate);
    the old value of the input must still be read correctly."""
    rng = np.random.default_rng(5)
    env = _inputs(rng)
    for expr in (a * b * (1 - a), b * (1 - b ** 2), (a + b) * (a - b), c * (1 - a) * b):
        want = sp.lambdify([a, b, c, d], expr, "numpy")(*(env[s] for s in "abcd"))
        em = InplaceEmitter(prefix="tmp")
        lines = em.emit("out", expr, alias)
        ns = {"numpy": np, **{k: v.copy() for k, v in env.items()}}
        ns["out"] = ns[alias]  # the same buffer
        for name in em.scratch:
            ns[name] = np.full(SHAPE, np.nan)
        exec("\n".join(lines), ns)
        np.testing.assert_allclose(ns["out"], want, rtol=1e-13, atol=0, err_msg=f"{expr} over {alias}: {lines}")


def test_reading_the_target_twice_goes_through_a_reported_scratch_buffer():
    em = InplaceEmitter(prefix="s")
    lines = em.emit("a", a * b + a ** 2)
    assert em.scratch and any(f"out={em.scratch[0]}" in line for line in lines)
    assert lines[-1].endswith("out=a)")


def test_scratch_buffers_are_reused_and_all_reported():
    em = InplaceEmitter(prefix="w")
    em.emit("out", (a * b + c * d) * (a - d))
    em.emit("out", a * (b + c * (d - a)))
    n = len(em.scratch)
    assert em.scratch == [f"w{k}" for k in range(n)] and n >= 1
    em.emit("out", (a * b + c * d) * (a - d))
    assert len(em.scratch) == n  # freed buffers are taken again


def test_c_minus_x_is_one_subtract_and_a_difference_no_negation():
    assert InplaceEmitter().emit("out", 1 - a) == ["numpy.subtract(1.0, a, out=out)"]
    assert InplaceEmitter().emit("out", a - b) == ["numpy.subtract(a, b, out=out)"]
    assert InplaceEmitter().emit("out", -a) == ["numpy.negative(a, out=out)"]
    assert InplaceEmitter().emit("out", a ** 2) == ["numpy.square(a, out=out)"]
    assert InplaceEmitter().emit("a", a) == []
    assert InplaceEmitter().emit("out", a) == ["numpy.copyto(out, a)"]


def test_operand_minus_a_computed_product_is_the_product_then_one_subtract():
    # written out by hand: x(1 − y) as x − x·y costs two calls, not a negation and an add
    assert InplaceEmitter().emit("out", a - a * b) == ["numpy.multiply(a, b, out=out)",
                                                      "numpy.subtract(a, out, out=out)"]
    assert InplaceEmitter().emit("out", c * (a - a * b)) == ["numpy.multiply(a, b, out=out)",
                                                            "numpy.subtract(a, out, out=out)",
                                                            "numpy.multiply(out, c, out=out)"]
    # the target read by the subtraction itself: computed in a scratch buffer, the last call writes it
    em = InplaceEmitter(prefix="s")
    assert em.emit("a", a - a * b) == ["numpy.multiply(a, b, out=s0)", "numpy.subtract(a, s0, out=a)"]


def test_mapped_constants_are_printed_as_the_arrays_that_hold_them():
    em = InplaceEmitter(constants={0.5: "half"})
    assert em.emit("out", (1 + a) / 2) == ["numpy.multiply(a, half, out=out)", "numpy.add(out, half, out=out)"]
    assert em.emit("out", 3 * a) == ["numpy.multiply(a, 3.0, out=out)"]  # not mapped: the literal
    ns = {"numpy": np, "a": np.array([1.0, -3.0], np.float32), "out": np.empty(2, np.float32),
          "half": np.array(0.5, np.float32)}
    exec("\n".join(em.emit("out", (1 + a) / 2)), ns)
    assert ns["out"].tolist() == [1.0, -1.0]


def test_unsupported_expression_is_an_error_not_wrong_code():
    with pytest.raises(ValueError):
        InplaceEmitter().emit("out", sp.sin(a))
    with pytest.raises(ValueError):
        InplaceEmitter().emit("out", a ** 3)


# ------------------------------------------------------------------------------------------------------------
# matrix expressions (the RNN step): named arrays, matmul, Hadamard products, 𝟙 − X, tanh entrywise
# ------------------------------------------------------------------------------------------------------------
B_, H_ = 4, 3
X, P, G, Dn, W = (sp.MatrixSymbol(n, B_, H_) for n in ("X", "P", "G", "Dn", "Wx"))
Whh = sp.MatrixSymbol("W", H_, H_)
ONE = sp.OneMatrix(B_, H_)
MATRIX_CASES = [
    # (expr, target, oracle on the arrays x, p, g, dn, W)
    (P + X * Whh.T, "p", lambda v: v["p"] + v["x"] @ v["W"].T),  # target holds one term: h ← h + X Wᵀ
    (P + X * Whh.T, "out", lambda v: v["p"] + v["x"] @ v["W"].T),
    (sp.HadamardProduct(G, ONE - sp.HadamardProduct(X, X)), "out", lambda v: v["g"] * (1 - v["x"] ** 2)),
    (sp.HadamardProduct(G + Dn * Whh, ONE - sp.HadamardProduct(X, X)), "out",
     lambda v: (v["g"] + v["dn"] @ v["W"]) * (1 - v["x"] ** 2)),
    (sp.HadamardProduct(G + Dn * Whh, ONE - sp.HadamardProduct(X, X)), "x",  # target aliases X, read twice
     lambda v: (v["g"] + v["dn"] @ v["W"]) * (1 - v["x"] ** 2)),
    (ONE - sp.HadamardProduct(X, X), "x", lambda v: 1 - v["x"] ** 2),
    (sp.HadamardPower(X, 2), "out", lambda v: v["x"] ** 2),
    (X.applyfunc(Tanh), "x", lambda v: np.tanh(v["x"])),
    (sp.HadamardProduct(X, G) - P, "out", lambda v: v["x"] * v["g"] - v["p"]),
]


@pytest.mark.parametrize("case", range(len(MATRIX_CASES)))
def test_matrix_expression_matches_numpy(case):
    expr, target, oracle = MATRIX_CASES[case]
    rng = np.random.default_rng(100 + case)
    names = {X: "x", P: "p", G: "g", Dn: "dn", Whh: "W", Whh.T: "W.T"}
    env = {k: rng.uniform(0.5, 2.0, size=(B_, H_)) * rng.choice([-1.0, 1.0], size=(B_, H_))
           for k in ("x", "p", "g", "dn")}
    env["W"] = rng.normal(size=(H_, H_))
    want = oracle(env)
    em = InplaceEmitter(names)
    lines = em.emit(target, expr)
    _assert_no_allocation(lines)
    _assert_names_known(em, lines, set(env) | {"W", "T", target})
    got = _run(em, lines, {k: v for k, v in env.items()}, target, (B_, H_))
    np.testing.assert_allclose(got, want, rtol=1e-13, atol=0, err_msg=f"{expr} into {target}: {lines}")


# ------------------------------------------------------------------------------------------------------------
# small operands broadcast against a buffer (the soft-argmax row block): columns, an index row, a scalar
# ------------------------------------------------------------------------------------------------------------
def test_small_operands_are_printed_once_and_the_row_column_factor_applied_last():
    x, e, g, m, z, S, j, t = sp.symbols("x e g m z S j t", real=True)
    em = InplaceEmitter({x: "xb", e: "buf", g: "buf"}, small={m, z, S, j, t}, rows={j},
                        printer=partial(numpy_code, axis="-1"))
    body = [("e", sp.exp(t * (x - m))), ("g", t * e * (j - S) / z)]
    lines = em.lines(body)
    rng = np.random.default_rng(11)
    rows, n = 4, 6
    xv = rng.uniform(0.5, 2.0, size=(rows, n)) * rng.choice([-1.0, 1.0], size=(rows, n))
    mv, zv, Sv = (rng.uniform(0.5, 2.0, size=(rows, 1)) for _ in range(3))
    jv, tv = np.arange(1.0, n + 1), 1.7
    ns = {"numpy": np, "xb": xv.copy(), "buf": np.full((rows, n), np.nan), "m": mv, "z": zv, "S": Sv, "j": jv,
          "t": tv}
    exec("\n".join(lines), ns)
    ev = np.exp(tv * (xv - mv))
    np.testing.assert_allclose(ns["buf"], tv * ev * (jv - Sv) / zv, rtol=1e-13, atol=0, err_msg=str(lines))
    assert em.scratch == []
    assert all("out=buf" in line for line in lines), lines
    assert len(lines) == 5  # subtract, multiply by t, exp; multiply by t/z, multiply by (j − S)
    assert "j" in lines[-1] and "S" in lines[-1]
