"""derive.generated.rnn against independent oracles: torch.nn.RNN autograd (float64), central differences,
torch's Jacobian of the unrolled recurrence, and exact properties; plus bad input and dtype handling."""
from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

from derive.generated import rnn as gen

torch = pytest.importorskip("torch")

SHAPES = [  # (T, B, D, H)
    (1, 1, 1, 1),
    (1, 3, 2, 4),
    (5, 1, 3, 2),
    (4, 3, 5, 6),
    (7, 2, 4, 4),
    (3, 5, 1, 3),
]
KEYS = ("x", "h0", "W_ih", "W_hh", "b_ih", "b_hh")


def nonzero(rng, shape, scale=1.0):
    """Random entries bounded away from zero (|v| in [0.1, 1] · scale, random sign)."""
    return rng.uniform(0.1, 1.0, size=shape) * rng.choice([-1.0, 1.0], size=shape) * scale


def problem(seed, T, B, D, H, dtype=np.float64):
    rng = np.random.default_rng(seed)
    s = 1.5 / np.sqrt(H)
    return {
        "x": nonzero(rng, (T, B, D), 2.0).astype(dtype),
        "h0": nonzero(rng, (B, H)).astype(dtype),
        "W_ih": nonzero(rng, (H, D), s).astype(dtype),
        "W_hh": nonzero(rng, (H, H), s).astype(dtype),
        "b_ih": nonzero(rng, (H,), 0.5).astype(dtype),
        "b_hh": nonzero(rng, (H,), 0.5).astype(dtype),
    }, nonzero(rng, (T, B, H)).astype(dtype)


def torch_reference(p, dhs, dtype=torch.float64):
    T, B, D = p["x"].shape
    H = p["W_hh"].shape[0]
    rnn = torch.nn.RNN(D, H, nonlinearity="tanh").to(dtype)
    with torch.no_grad():
        rnn.weight_ih_l0.copy_(torch.from_numpy(p["W_ih"]))
        rnn.weight_hh_l0.copy_(torch.from_numpy(p["W_hh"]))
        rnn.bias_ih_l0.copy_(torch.from_numpy(p["b_ih"]))
        rnn.bias_hh_l0.copy_(torch.from_numpy(p["b_hh"]))
    x = torch.from_numpy(p["x"]).clone().requires_grad_()
    h0 = torch.from_numpy(p["h0"])[None].clone().requires_grad_()
    out, _ = rnn(x, h0)
    out.backward(torch.from_numpy(dhs))
    grads = {"x": x.grad, "h0": h0.grad[0], "W_ih": rnn.weight_ih_l0.grad, "W_hh": rnn.weight_hh_l0.grad,
             "b_ih": rnn.bias_ih_l0.grad, "b_hh": rnn.bias_hh_l0.grad}
    return out.detach().numpy(), {k: v.detach().numpy() for k, v in grads.items()}


def rel(a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return float(np.max(np.abs(a - b)) / max(float(np.max(np.abs(b))), 1e-300))


@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: "T{}B{}D{}H{}".format(*s))
def test_matches_torch_autograd_float64(shape):
    p, dhs = problem(int("".join(map(str, shape))), *shape)
    hs_ref, g_ref = torch_reference(p, dhs)
    hs, cache = gen.rnn_forward(**p)
    g = gen.rnn_backward(dhs, cache)
    assert hs.shape == hs_ref.shape and hs.dtype == np.float64
    assert rel(hs, hs_ref) <= 1e-12
    assert sorted(g) == sorted(KEYS)
    for k in KEYS:
        assert g[k].shape == p[k].shape, k
        assert rel(g[k], g_ref[k]) <= 1e-10, (k, rel(g[k], g_ref[k]))


@pytest.mark.parametrize("shape", [(1, 1, 2, 2), (3, 2, 2, 3), (4, 1, 3, 2)], ids=str)
def test_central_differences(shape):
    p, dhs = problem(7 + sum(shape), *shape)
    _, cache = gen.rnn_forward(**p)
    g = gen.rnn_backward(dhs, cache)
    eps = 1e-6
    for k in KEYS:
        fd = np.zeros_like(p[k])
        for idx in np.ndindex(p[k].shape):
            q = {kk: vv.copy() for kk, vv in p.items()}
            q[k][idx] += eps
            up = np.sum(dhs * gen.rnn_forward(**q)[0])
            q[k][idx] -= 2 * eps
            dn = np.sum(dhs * gen.rnn_forward(**q)[0])
            fd[idx] = (up - dn) / (2 * eps)
        assert rel(g[k], fd) <= 1e-7, (k, rel(g[k], fd))


def torch_state_jacobian(p, t, l):
    """∂h_t/∂h_l from torch: the Jacobian of h_l ↦ h_t (steps l+1 … t), per sample."""
    hs_ref, _ = torch_reference(p, np.zeros((p["x"].shape[0], p["x"].shape[1], p["W_hh"].shape[0])))
    B, H = p["h0"].shape
    hl = torch.from_numpy(p["h0"] if l == 0 else hs_ref[l - 1])
    W_ih, W_hh = torch.from_numpy(p["W_ih"]), torch.from_numpy(p["W_hh"])
    b = torch.from_numpy(p["b_ih"] + p["b_hh"])
    x = torch.from_numpy(p["x"])
    out = np.zeros((B, H, H))
    for s in range(B):
        def step(h, s=s):
            for k in range(l, t):
                h = torch.tanh(W_ih @ x[k, s] + W_hh @ h + b)
            return h
        out[s] = torch.autograd.functional.jacobian(step, hl[s].clone()).numpy()
    return out


@pytest.mark.parametrize("t,l", [(1, 0), (3, 0), (5, 2), (5, 4), (4, 4), (0, 0), (5, 0)])
def test_state_jacobian_against_torch(t, l):
    p, _ = problem(99, 5, 3, 2, 4)
    _, cache = gen.rnn_forward(**p)
    J = gen.rnn_state_jacobian(cache, t, l)
    assert J.shape == (3, 4, 4)
    if t == l:
        assert np.array_equal(J, np.broadcast_to(np.eye(4), (3, 4, 4)))
    else:
        assert rel(J, torch_state_jacobian(p, t, l)) <= 1e-12


def test_state_jacobian_chain_rule():
    """∂h_t/∂h_l = (∂h_t/∂h_m)(∂h_m/∂h_l) for l < m < t: the later factor on the left."""
    p, _ = problem(5, 6, 2, 3, 3)
    _, cache = gen.rnn_forward(**p)
    left, right = gen.rnn_state_jacobian(cache, 6, 3), gen.rnn_state_jacobian(cache, 3, 1)
    whole = gen.rnn_state_jacobian(cache, 6, 1)
    assert rel(whole, left @ right) <= 1e-12
    assert rel(whole, right @ left) > 1e-3  # the reversed order is a different matrix


def test_state_jacobian_norm_bound():
    """‖∂h_t/∂h_l‖₂ ≤ σ_max(W_hh)^{t−l} (tanh′ ≤ 1), per sample."""
    p, _ = problem(17, 8, 4, 3, 5)
    _, cache = gen.rnn_forward(**p)
    s = np.linalg.norm(p["W_hh"], 2)
    for t, l in [(8, 0), (5, 1), (2, 1)]:
        J = gen.rnn_state_jacobian(cache, t, l)
        for b in range(4):
            assert np.linalg.norm(J[b], 2) <= s ** (t - l) * (1 + 1e-12)


def test_float32_preserved_and_close_to_torch_float32():
    p, dhs = problem(3, 6, 4, 5, 7, dtype=np.float32)
    hs, cache = gen.rnn_forward(**p)
    g = gen.rnn_backward(dhs, cache)
    assert hs.dtype == np.float32 and all(v.dtype == np.float32 for v in g.values())
    assert gen.rnn_state_jacobian(cache, 6, 0).dtype == np.float32
    hs_ref, g_ref = torch_reference(p, dhs, torch.float32)
    assert rel(hs, hs_ref) <= 1e-5
    for k in KEYS:
        assert rel(g[k], g_ref[k]) <= 1e-4, k


def test_mixed_and_integer_inputs_promote_to_float64():
    p, dhs = problem(4, 2, 2, 2, 3)
    p32 = dict(p, W_hh=p["W_hh"].astype(np.float32))
    hs, _ = gen.rnn_forward(**p32)
    assert hs.dtype == np.float64
    q = dict(p, x=np.ones((2, 2, 2), dtype=np.int64))
    hs, cache = gen.rnn_forward(**q)
    assert hs.dtype == np.float64
    assert gen.rnn_backward(dhs.tolist(), cache)["x"].dtype == np.float64


def test_inputs_not_modified():
    p, dhs = problem(8, 3, 2, 3, 3)
    before = {k: v.copy() for k, v in p.items()}
    dhs0 = dhs.copy()
    _, cache = gen.rnn_forward(**p)
    gen.rnn_backward(dhs, cache)
    gen.rnn_backward(dhs, cache)  # the cache can be used twice
    for k in KEYS:
        assert np.array_equal(p[k], before[k])
    assert np.array_equal(dhs, dhs0)


BAD_FORWARD = [
    ("x", np.zeros((2, 3))),  # not (T, B, D)
    ("x", np.zeros((0, 2, 2))),  # T = 0
    ("h0", np.zeros((3, 2))),  # wrong batch
    ("h0", np.zeros((1, 2, 3))),  # torch's (layers, B, H) is not accepted silently
    ("W_ih", np.zeros((3, 3))),  # wrong D
    ("W_hh", np.zeros((3, 2))),  # not square
    ("b_ih", np.zeros(2)),
    ("b_hh", np.zeros((3, 1))),
    ("x", np.array([[["a", "b"]]])),
]


@pytest.mark.parametrize("key,value", BAD_FORWARD, ids=[f"{k}{np.shape(v)}" for k, v in BAD_FORWARD])
def test_bad_forward_input_is_a_clear_value_error(key, value):
    p, _ = problem(1, 4, 2, 2, 3)
    p[key] = value
    with pytest.raises(ValueError, match=key):
        gen.rnn_forward(**p)


def test_bad_backward_and_jacobian_input():
    p, dhs = problem(2, 4, 2, 2, 3)
    _, cache = gen.rnn_forward(**p)
    with pytest.raises(ValueError, match="dhs"):
        gen.rnn_backward(dhs[:3], cache)
    with pytest.raises(ValueError, match="dhs"):
        gen.rnn_backward(dhs[..., :2], cache)
    with pytest.raises(ValueError, match="cache"):
        gen.rnn_backward(dhs, {"states": 1})
    for t, l in [(5, 0), (-1, 0), (2, 3), (2, -1)]:
        with pytest.raises(ValueError):
            gen.rnn_state_jacobian(cache, t, l)
    for bad in (1.5, True, "2", None):
        with pytest.raises(ValueError, match="integer"):
            gen.rnn_state_jacobian(cache, bad, 0)
    assert gen.rnn_state_jacobian(cache, np.int64(2), np.int32(1)).shape == (2, 3, 3)


def test_generated_module_is_up_to_date_and_deterministic():
    """The committed module is what the derivation prints, whatever PYTHONHASHSEED is."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    code = ("import sys; from derive import registry; from derive.codegen import module_source; "
            "d = registry.load('rnn-jacobian'); sys.stdout.write(module_source(d.code[0], d))")
    outputs = []
    for seed in ("0", "12345"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        outputs.append(subprocess.run([sys.executable, "-c", code], cwd=root, env=env, check=True,
                                      capture_output=True, text=True).stdout)
    assert outputs[0] == outputs[1]
    assert outputs[0] == (root / "derive" / "generated" / "rnn.py").read_text(encoding="utf-8")


def test_matrix_nodes_print_as_the_seed_writes_them():
    """SymPy's own nodes (no look-alike classes): tanh applied entrywise prints tanh(·), also inside the
    transposed derivative that MatrixExpr.diff rebuilds; the all-ones matrix prints 𝟏; a tuple of relations
    (a step's general forms) prints as one gathered block, a nested tuple as one line."""
    import sympy as sp
    from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction

    from derive.functions import Tanh, TanhPrime
    from derive.model import Relation
    from derive.printing import tex

    W, h = sp.MatrixSymbol("W", 2, 2), sp.MatrixSymbol("h", 2, 1)
    assert tex(ElementwiseApplyFunction(Tanh, W * h)) == r"\tanh\left(W h\right)"
    assert tex(ElementwiseApplyFunction(TanhPrime, W * h)) == r"\tanh'\left(W h\right)"
    diff = ElementwiseApplyFunction(Tanh, W * h).diff(h)
    assert tex(diff) == r"W^{\top} \operatorname{diag}\left(\tanh'\left(W h\right)\right)"
    assert tex(sp.OneMatrix(3, 1)) == r"\mathbf{1}"
    d = sp.Symbol("d")  # a function without a name of its own keeps SymPy's (d ↦ f(d))∘(W) form
    assert tex(ElementwiseApplyFunction(sp.Lambda(d, sp.exp(2 * d)), W)) == \
        r"{\left( d \mapsto e^{2 d} \right)}_{\circ}\left({W}\right)"
    a, b = Relation(sp.Symbol("a"), sp.Integer(1)), Relation(sp.Symbol("b"), sp.Integer(2))
    assert tex(((a, b), a)) == r"\begin{gathered}a = 1 \qquad b = 2 \\ a = 1\end{gathered}"
