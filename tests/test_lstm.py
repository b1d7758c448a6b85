"""derive.generated.lstm against independent oracles: torch.nn.LSTM autograd (float64), central
differences, torch.autograd.functional.jacobian for the four-term cell Jacobian; input validation; and the
in-place emitter that prints the per-step formulas."""
from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from derive.generated import lstm as gen

torch = pytest.importorskip("torch")

NAMES = ("x", "h0", "c0", "W_ih", "W_hh", "b_ih", "b_hh")
SHAPES = [(1, 1, 2, 3), (1, 3, 4, 4), (3, 1, 5, 2), (4, 2, 6, 6), (7, 4, 3, 5)]  # (T, B, D, H)


def make(T, B, D, H, seed, dtype=np.float64):
    """Random nonzero inputs, weights and biases (biases far from zero: zero biases hide bugs)."""
    rng = np.random.default_rng(seed)
    arrays = {
        "x": rng.normal(size=(T, B, D)),
        "h0": rng.normal(0, 0.8, (B, H)),
        "c0": rng.normal(0, 0.8, (B, H)),
        "W_ih": rng.normal(0, 0.7, (4 * H, D)),
        "W_hh": rng.normal(0, 0.7, (4 * H, H)),
        "b_ih": rng.choice([-1, 1], 4 * H) * rng.uniform(0.2, 1.0, 4 * H),
        "b_hh": rng.choice([-1, 1], 4 * H) * rng.uniform(0.2, 1.0, 4 * H),
    }
    return {k: v.astype(dtype) for k, v in arrays.items()}, rng.normal(size=(T, B, H)).astype(dtype)


def torch_reference(a, dhs):
    """torch.nn.LSTM (float64) forward and autograd gradients of sum(hs * dhs)."""
    T, B, D = a["x"].shape
    H = a["W_hh"].shape[1]
    m = torch.nn.LSTM(D, H).double()
    with torch.no_grad():
        for name, key in (("weight_ih_l0", "W_ih"), ("weight_hh_l0", "W_hh"), ("bias_ih_l0", "b_ih"),
                          ("bias_hh_l0", "b_hh")):
            getattr(m, name).copy_(torch.from_numpy(a[key]))
    x = torch.tensor(a["x"], requires_grad=True)
    h0 = torch.tensor(a["h0"][None], requires_grad=True)
    c0 = torch.tensor(a["c0"][None], requires_grad=True)
    out, _ = m(x, (h0, c0))
    out.backward(torch.from_numpy(dhs))
    grads = {"x": x.grad, "h0": h0.grad[0], "c0": c0.grad[0], "W_ih": m.weight_ih_l0.grad,
             "W_hh": m.weight_hh_l0.grad, "b_ih": m.bias_ih_l0.grad, "b_hh": m.bias_hh_l0.grad}
    return out.detach().numpy(), {k: v.numpy() for k, v in grads.items()}


def rel(a, b):
    return float(np.linalg.norm(np.asarray(a) - b) / max(np.linalg.norm(b), 1e-300))


@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: "T%d-B%d-D%d-H%d" % s)
def test_forward_and_every_gradient_match_torch_float64(shape):
    a, dhs = make(*shape, seed=sum(shape))
    ref_hs, ref = torch_reference(a, dhs)
    hs, cache = gen.lstm_forward(*(a[k] for k in NAMES))
    assert hs.shape == ref_hs.shape and hs.dtype == np.float64
    assert rel(hs, ref_hs) <= 1e-12
    grads = gen.lstm_backward(dhs, cache)
    assert sorted(grads) == sorted(NAMES)
    for k in NAMES:
        assert grads[k].shape == a[k].shape, k
        assert rel(grads[k], ref[k]) <= 1e-10, (k, rel(grads[k], ref[k]))
    # the seed drops the biases "because they do not appear in the derivative": their gradients are not zero
    assert np.linalg.norm(grads["b_ih"]) > 1e-3 and np.array_equal(grads["b_ih"], grads["b_hh"])


def test_central_differences():
    a, dhs = make(3, 2, 2, 2, seed=11)
    hs, cache = gen.lstm_forward(*(a[k] for k in NAMES))
    grads = gen.lstm_backward(dhs, cache)

    def loss(arrays):
        return float(np.sum(gen.lstm_forward(*(arrays[k] for k in NAMES))[0] * dhs))

    eps = 1e-6
    for k in NAMES:
        fd = np.zeros_like(a[k])
        for idx in np.ndindex(a[k].shape):
            plus = {n: v.copy() for n, v in a.items()}
            minus = {n: v.copy() for n, v in a.items()}
            plus[k][idx] += eps
            minus[k][idx] -= eps
            fd[idx] = (loss(plus) - loss(minus)) / (2 * eps)
        assert np.max(np.abs(fd - grads[k])) <= 1e-8 * max(1.0, np.max(np.abs(fd))), k


def test_float32_stays_float32_and_agrees_with_float64():
    a, dhs = make(5, 3, 4, 6, seed=5)
    a32 = {k: v.astype(np.float32) for k, v in a.items()}
    hs32, cache32 = gen.lstm_forward(*(a32[k] for k in NAMES))
    g32 = gen.lstm_backward(dhs.astype(np.float32), cache32)
    hs64, cache64 = gen.lstm_forward(*(a[k] for k in NAMES))
    g64 = gen.lstm_backward(dhs, cache64)
    assert hs32.dtype == np.float32 and all(g32[k].dtype == np.float32 for k in NAMES)
    assert rel(hs32, hs64) < 1e-5
    for k in NAMES:
        assert rel(g32[k], g64[k]) < 1e-4, k


def test_saturated_gates_stay_finite():
    """Pre-activations of ±1e4: σ and tanh saturate without overflow warnings or NaN."""
    a, dhs = make(3, 2, 3, 4, seed=9)
    a["b_ih"] = a["b_ih"] * 1e4
    with np.errstate(all="raise"):
        hs, cache = gen.lstm_forward(*(a[k] for k in NAMES))
        grads = gen.lstm_backward(dhs, cache)
    assert np.all(np.isfinite(hs)) and all(np.all(np.isfinite(g)) for g in grads.values())
    ref_hs, ref = torch_reference(a, dhs)
    assert rel(hs, ref_hs) <= 1e-12
    for k in NAMES:
        assert np.max(np.abs(grads[k] - ref[k])) <= 1e-10 * max(1.0, np.max(np.abs(ref[k]))), k


# ----------------------------------------------------------------------------------------------------
# the cell Jacobian
# ----------------------------------------------------------------------------------------------------
def torch_steps(a):
    """An independent torch implementation of the cell (torch.nn.functional), returning per step the
    gates and states as tensors; checked against torch.nn.LSTM's hs."""
    W_ih, W_hh = torch.from_numpy(a["W_ih"]), torch.from_numpy(a["W_hh"])
    b = torch.from_numpy(a["b_ih"] + a["b_hh"])
    H = W_hh.shape[1]

    def cell(x, h, c):
        z = x @ W_ih.T + h @ W_hh.T + b
        i, f, g, o = torch.sigmoid(z[:, :H]), torch.sigmoid(z[:, H:2 * H]), torch.tanh(z[:, 2 * H:3 * H]), \
            torch.sigmoid(z[:, 3 * H:])
        c_new = f * c + i * g
        return i, f, g, o, c_new, o * torch.tanh(c_new), z[:, 2 * H:3 * H]

    h, c = torch.from_numpy(a["h0"]), torch.from_numpy(a["c0"])
    steps = []
    for x in torch.from_numpy(a["x"]):
        i, f, g, o, c_new, h_new, a_g = cell(x, h, c)
        steps.append({"x": x, "h_prev": h, "c_prev": c, "i": i, "f": f, "g": g, "o": o, "a_g": a_g, "c": c_new,
                      "h": h_new})
        h, c = h_new, c_new
    return cell, steps


@pytest.mark.parametrize("shape", [(2, 1, 3, 2), (4, 3, 2, 5)], ids=lambda s: "T%d-B%d-D%d-H%d" % s)
def test_cell_jacobian_matches_torch_autograd(shape):
    a, dhs = make(*shape, seed=3 + sum(shape))
    T, B, D, H = shape
    cell, steps = torch_steps(a)
    ref_hs, _ = torch_reference(a, dhs)
    assert np.allclose(np.stack([s["h"].numpy() for s in steps]), ref_hs, rtol=0, atol=1e-13)
    hs, cache = gen.lstm_forward(*(a[k] for k in NAMES))
    for t in range(1, T):
        s, prev = steps[t], steps[t - 1]

        def c_of_cprev(c_prev, s=s, prev=prev):
            # h_{t-1} = o_{t-1} * tanh(C_{t-1}) moves with C_{t-1}; o_{t-1} is held
            return cell(s["x"], prev["o"] * torch.tanh(c_prev), c_prev)[4]

        full = torch.autograd.functional.jacobian(c_of_cprev, s["c_prev"]).numpy()  # (B, H, B, H)
        ref = np.stack([full[b, :, b, :] for b in range(B)])
        J = gen.lstm_cell_jacobian(cache, t)
        assert J.shape == (B, H, H)
        assert rel(J, ref) <= 1e-12, t


def test_product_of_cell_jacobians_is_not_the_true_multi_step_derivative():
    """The seed's ∏ ∂C_{k+1}/∂C_k against the derivative of C_t in C_{t−2} through the joint state
    (torch autograd): they differ; the first factor alone is right."""
    a, _ = make(3, 1, 2, 3, seed=21)
    cell, steps = torch_steps(a)
    hs, cache = gen.lstm_forward(*(a[k] for k in NAMES))
    o0, x1, x2 = steps[0]["o"], steps[1]["x"], steps[2]["x"]

    def c2_of_c0(c0):  # C_0 perturbed, h_0 = o_0 tanh(C_0) with o_0 held; the rest is the real recurrence
        _, _, _, _, c1, h1, _ = cell(x1, o0 * torch.tanh(c0), c0)
        return cell(x2, h1, c1)[4]

    true = torch.autograd.functional.jacobian(c2_of_c0, steps[0]["c"]).numpy()[0, :, 0, :]
    product = gen.lstm_cell_jacobian(cache, 2)[0] @ gen.lstm_cell_jacobian(cache, 1)[0]
    assert rel(product, true) > 1e-3


def test_numeric_four_term_reference_of_the_plots_matches_torch_autograd():
    """The float64 four-term factor behind the plots and the search on the seed's first remark."""
    from derive.derivations._lstm_numeric import lstm_four_term
    from derive.kit.recurrent import lstm_trajectory

    a, _ = make(4, 1, 3, 4, seed=17)
    cell, steps = torch_steps(a)
    p = {"Wx": a["W_ih"], "Wh": a["W_hh"], "b": a["b_ih"] + a["b_hh"]}
    traj = lstm_trajectory(p, a["x"][:, 0], a["h0"][0], a["c0"][0])
    for t in (1, 2, 3):
        s, prev = steps[t], steps[t - 1]
        full = torch.autograd.functional.jacobian(
            lambda c_prev: cell(s["x"], prev["o"] * torch.tanh(c_prev), c_prev)[4], s["c_prev"]).numpy()[0, :, 0, :]
        assert rel(lstm_four_term(p, traj[t], traj[t - 1]), full) <= 1e-12, t


# ----------------------------------------------------------------------------------------------------
# the general (any-H) forms the page shows, instantiated with numbers at H = 3, against torch autograd
# ----------------------------------------------------------------------------------------------------
def _col(tensor):
    return sp.Matrix(np.asarray(tensor.detach().numpy() if hasattr(tensor, "detach") else tensor).reshape(-1))


def _numbers(form, values):
    """A general form at numeric values, carried out to a matrix of floats (σ, tanh, tanh′ evaluated)."""
    from derive.functions import to_elementary
    from derive.kit.matrices import explicit

    return explicit(form, values).applyfunc(lambda e: to_elementary(e).evalf(30))


def _general_values(a, steps, labels):
    """{general symbol: value} for the steps named in ``labels`` ({index: label}) from torch's states."""
    from derive.derivations import _lstm_forms as lf

    H = a["W_hh"].shape[1]
    values = {lf.REC[g]: sp.Matrix(a["W_hh"][k * H:(k + 1) * H]) for k, g in enumerate(lf.GATES)}
    for index, label in labels.items():
        s, at = steps[index], lf.at(label)
        values.update({at["i"]: _col(s["i"]), at["f"]: _col(s["f"]), at["ct"]: _col(s["g"]), at["o"]: _col(s["o"]),
                       at["aC"]: _col(s["a_g"]), at["C"]: _col(s["c"]), at["h"]: _col(s["h"])})
    return values


def test_general_joint_jacobian_matches_torch_and_needs_the_output_gate_block():
    from derive.derivations import _lstm_forms as lf

    a, _ = make(3, 1, 2, 3, seed=31)
    cell, steps = torch_steps(a)
    H, s = 3, steps[2]

    def state(hc):
        out = cell(s["x"], hc[None, :H], hc[None, H:])
        return torch.cat([out[5][0], out[4][0]])

    ref = torch.autograd.functional.jacobian(state, torch.cat([s["h_prev"][0], s["c_prev"][0]])).numpy()
    values = _general_values(a, steps, {1: "t-1", 2: "t"})
    J = np.array(_numbers(lf.joint_form("t", "t-1"), values), dtype=float)
    assert rel(J, ref) <= 1e-12
    without_g = lf.joint_form("t", "t-1", G=sp.ZeroMatrix(lf.H, lf.H))
    assert rel(np.array(_numbers(without_g, values), dtype=float), ref) > 1e-3


def test_true_two_step_derivative_is_the_seed_product_plus_the_output_gate_path():
    """The page's headline at H = 3: ∂C_{i+2}/∂C_i = F_{i+2} F_{i+1} + A_{i+2} G_{i+1} D_i (torch autograd)."""
    from derive.derivations import _lstm_forms as lf

    a, _ = make(3, 1, 2, 3, seed=21)
    cell, steps = torch_steps(a)
    o0, x1, x2 = steps[0]["o"], steps[1]["x"], steps[2]["x"]

    def c2_of_c0(c0):
        _, _, _, _, c1, h1, _ = cell(x1, o0 * torch.tanh(c0), c0)
        return cell(x2, h1, c1)[4]

    true = torch.autograd.functional.jacobian(c2_of_c0, steps[0]["c"]).numpy()[0, :, 0, :]
    values = _general_values(a, steps, {0: "i", 1: "i+1", 2: "i+2"})
    product = _numbers(sp.MatMul(lf.four_term_form("i+2", "i+1"), lf.four_term_form("i+1", "i")), values)
    path = _numbers(sp.MatMul(lf.cell_by_hidden("i+2", "i+1"), lf.output_path("i+1"), lf.hidden_by_cell("i")), values)
    assert rel(np.array(product + path, dtype=float), true) <= 1e-12
    assert rel(np.array(product, dtype=float), true) > 1e-3


def test_general_bptt_rules_over_several_steps_match_torch_autograd():
    """The per-unit vector forms and the matrix rules the page shows, run backwards over T = 3 steps with
    numbers (H = 3, D = 2, one sample), give torch.nn.LSTM's gradients of every parameter, x, h0, c0."""
    from derive.derivations import _lstm_forms as lf

    T, B, D, H = 3, 1, 2, 3
    a, dhs = make(T, B, D, H, seed=41)
    _, ref = torch_reference(a, dhs)
    _, steps = torch_steps(a)
    forms, _ = lf.unit_forms()
    _, terms, (da, x_s, hp_s, u_s) = lf.bptt_rules()
    at, before = lf.at("t"), lf.at("t-1")
    dh, dc = _col(dhs[-1, 0]), sp.zeros(H, 1)
    grads, gx = {"W_ih": sp.zeros(4 * H, D), "W_hh": sp.zeros(4 * H, H), "b": sp.zeros(4 * H, 1)}, [None] * T
    for t in reversed(range(T)):
        s = steps[t]
        val = {at["i"]: _col(s["i"]), at["f"]: _col(s["f"]), at["ct"]: _col(s["g"]), at["o"]: _col(s["o"]),
               at["C"]: _col(s["c"]), before["C"]: _col(s["c_prev"]), lf.delta("h_{t}"): dh, lf.delta("c_{t}"): dc}
        val[lf.delta("C_{t}")] = _numbers(forms["dC"], val)
        dA = sp.Matrix.vstack(*[_numbers(forms[k], val) for k in ("da_i", "da_f", "da_g", "da_o")])
        dc = _numbers(forms["dc_prev"], val)
        rule = {da: dA, x_s: _col(s["x"]), hp_s: _col(s["h_prev"]), u_s: _col(dhs[t - 1, 0]) if t else sp.zeros(H, 1),
                lf.W_IH: sp.Matrix(a["W_ih"]), lf.W_HH: sp.Matrix(a["W_hh"])}
        for key in grads:
            grads[key] = grads[key] + _numbers(terms[key], rule)
        gx[t], dh = _numbers(terms["x"], rule), _numbers(terms["h"], rule)
    got = {"W_ih": grads["W_ih"], "W_hh": grads["W_hh"], "b_ih": grads["b"], "b_hh": grads["b"],
           "x": sp.Matrix.hstack(*gx).T, "h0": dh.T, "c0": dc.T}
    for k, value in got.items():
        assert rel(np.array(value, dtype=float).reshape(ref[k].shape), ref[k]) <= 1e-12, k


# ----------------------------------------------------------------------------------------------------
# validation
# ----------------------------------------------------------------------------------------------------
def test_bad_shapes_raise_value_error():
    a, dhs = make(3, 2, 4, 5, seed=1)
    bad = {
        "x": np.zeros((3, 2)), "h0": np.zeros((2, 4)), "c0": np.zeros((3, 5)), "W_ih": np.zeros((20, 3)),
        "W_hh": np.zeros((19, 5)), "b_ih": np.zeros(19), "b_hh": np.zeros((20, 1)),
    }
    for k, v in bad.items():
        args = dict(a)
        args[k] = v
        with pytest.raises(ValueError, match=k if k != "x" else "x must"):
            gen.lstm_forward(*(args[n] for n in NAMES))
    with pytest.raises(ValueError, match="x must"):
        gen.lstm_forward(np.zeros((0, 2, 4)), *(a[n] for n in NAMES[1:]))
    hs, cache = gen.lstm_forward(*(a[k] for k in NAMES))
    with pytest.raises(ValueError, match="dhs"):
        gen.lstm_backward(dhs[:, :, :4], cache)


def test_bad_step_index_and_consumed_cache():
    a, dhs = make(3, 2, 4, 5, seed=2)
    hs, cache = gen.lstm_forward(*(a[k] for k in NAMES))
    for t in (0, -1, 3, 10, 1.0, True, "1"):
        with pytest.raises(ValueError, match="t must"):
            gen.lstm_cell_jacobian(cache, t)
    assert gen.lstm_cell_jacobian(cache, np.int64(2)).shape == (2, 5, 5)
    gen.lstm_backward(dhs, cache)
    with pytest.raises(ValueError, match="consumed"):
        gen.lstm_backward(dhs, cache)
    with pytest.raises(ValueError, match="consumed"):
        gen.lstm_cell_jacobian(cache, 1)
    with pytest.raises(ValueError, match="cache"):
        gen.lstm_backward(dhs, {"x": 1})


# ----------------------------------------------------------------------------------------------------
# the emitter that prints the per-step formulas as in-place ufunc calls
# ----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("alias", [None, "a", "b"])
def test_inplace_emitter_computes_the_expression_even_when_the_target_aliases_an_input(alias):
    from derive.inplace import InplaceEmitter

    a_, b_, c_ = sp.symbols("a b c", real=True)
    exprs = [a_ * b_ * (1 - a_), c_ + b_ * a_ * (1 - c_ ** 2), 1 - a_ ** 2, (1 + a_) / 2, a_ * b_ - c_, 3 * a_ * b_]
    rng = np.random.default_rng(0)
    for expr in exprs:
        env = {"a": rng.normal(size=(3, 4)), "b": rng.normal(size=(3, 4)), "c": rng.normal(size=(3, 4))}
        want = sp.lambdify([a_, b_, c_], expr, "numpy")(env["a"], env["b"], env["c"])
        em = InplaceEmitter(prefix="tmp")
        target = alias or "out"
        lines = em.emit(target, expr, None)
        ns = {"numpy": np, **{k: v.copy() for k, v in env.items()}}
        ns.setdefault("out", np.empty((3, 4)))
        for name in em.scratch:
            ns[name] = np.empty((3, 4))
        exec("\n".join(lines), ns)
        assert np.allclose(ns[target], want, rtol=1e-14, atol=1e-14), (expr, target, lines)


def test_generated_module_is_up_to_date():
    from derive.codegen import module_source
    from derive.registry import load
    from derive.rendering import ROOT

    d = load("lstm-jacobian")
    (module,) = d.code
    assert (ROOT / "derive/generated/lstm.py").read_text(encoding="utf-8") == module_source(module, d)


def test_returned_states_are_read_only_so_the_cache_stays_valid():
    rng = np.random.default_rng(7)
    T, B, D, H = 3, 2, 4, 3
    x = rng.normal(size=(T, B, D))
    W_ih, W_hh = rng.normal(size=(4 * H, D)), rng.normal(size=(4 * H, H))
    hs, cache = gen.lstm_forward(x, rng.normal(size=(B, H)), rng.normal(size=(B, H)), W_ih, W_hh,
                                 rng.normal(size=4 * H), rng.normal(size=4 * H))
    with pytest.raises(ValueError):
        hs[0, 0, 0] = 1.0


# ----------------------------------------------------------------------------------------------------
# the workspace kept between calls (the buffers of a consumed cache serve the next call of that shape)
# ----------------------------------------------------------------------------------------------------
def _fresh(a, dhs):
    """Forward and backward with nothing kept from earlier calls: the reference for the reuse tests."""
    gen.release_workspaces()
    hs, cache = gen.lstm_forward(*(a[k] for k in NAMES))
    return hs.copy(), gen.lstm_backward(dhs, cache)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_reused_workspaces_change_no_result_and_no_returned_array(dtype):
    (a1, d1), (a2, d2) = make(5, 3, 4, 6, seed=11, dtype=dtype), make(5, 3, 4, 6, seed=12, dtype=dtype)
    ref1, ref2 = _fresh(a1, d1), _fresh(a2, d2)
    gen.release_workspaces()
    hs1, c1 = gen.lstm_forward(*(a1[k] for k in NAMES))
    hs2, c2 = gen.lstm_forward(*(a2[k] for k in NAMES))  # two caches alive at once: two workspaces
    g2 = gen.lstm_backward(d2, c2)  # consumed in the other order
    g1 = gen.lstm_backward(d1, c1)
    kept = {k: v.copy() for k, v in g1.items()}, hs1.copy(), {k: v.copy() for k, v in g2.items()}, hs2.copy()
    for _ in range(3):  # later calls of the same shape run in the buffers that c1 and c2 used
        hs3, c3 = gen.lstm_forward(*(a2[k] for k in NAMES))
        gen.lstm_backward(d1, c3)
    for (got_g, got_hs), (ref_hs, ref_g), (kept_g, kept_hs) in (((g1, hs1), ref1, kept[:2]),
                                                              ((g2, hs2), ref2, kept[2:])):
        np.testing.assert_array_equal(got_hs, ref_hs)
        np.testing.assert_array_equal(got_hs, kept_hs)
        for k in ref_g:
            np.testing.assert_array_equal(got_g[k], ref_g[k], err_msg=k)
            np.testing.assert_array_equal(got_g[k], kept_g[k], err_msg=k)
    # and no returned array shares memory with another call's or with the other gradients
    arrays = [hs1, hs2, hs3, *g1.values(), *g2.values()]
    for m, x in enumerate(arrays):
        for y in arrays[m + 1:]:
            assert not np.shares_memory(x, y)


def test_a_consumed_cache_holds_no_buffer_and_the_pool_is_bounded_and_released():
    a, dhs = make(4, 2, 3, 5, seed=13)
    gen.release_workspaces()
    hs, cache = gen.lstm_forward(*(a[k] for k in NAMES))
    gen.lstm_backward(dhs, cache)
    assert set(cache) == {"consumed"}  # nothing left there to read after reuse
    assert gen.release_workspaces() > 0
    assert gen.release_workspaces() == 0
    caches = [gen.lstm_forward(*(a[k] for k in NAMES))[1] for _ in range(5)]
    for c in caches:
        gen.lstm_backward(dhs, c)
    sizes = [(T, 2, 3, 5) for T in range(1, 8)]  # more shapes than are kept
    for T, B, D, H in sizes:
        b, d = make(T, B, D, H, seed=T)
        gen.lstm_backward(d, gen.lstm_forward(*(b[k] for k in NAMES))[1])
    one = sum(np.empty(s).nbytes for s in gen._workspace_shapes(7, 2, 3, 5).values())
    assert 0 < gen.release_workspaces() <= gen._SHAPES_KEPT * gen._IDLE_PER_SHAPE * one


def test_concurrent_threads_get_their_own_workspaces():
    from concurrent.futures import ThreadPoolExecutor

    cases = [make(6, 4, 5, 7, seed=20 + k) for k in range(6)]
    refs = [_fresh(a, d) for a, d in cases]

    def run(case):
        a, d = case
        out = []
        for _ in range(5):
            hs, cache = gen.lstm_forward(*(a[k] for k in NAMES))
            out.append((hs.copy(), gen.lstm_backward(d, cache)))
        return out

    with ThreadPoolExecutor(max_workers=3) as pool:
        results = list(pool.map(run, cases))
    for ref, runs in zip(refs, results):
        for hs, g in runs:
            np.testing.assert_array_equal(hs, ref[0])
            for k in g:
                np.testing.assert_array_equal(g[k], ref[1][k], err_msg=k)
