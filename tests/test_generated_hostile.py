"""Property-based tests (hypothesis) of every generated function against hostile input (issue 12 §2):
random shapes and axes, float32 and float64, values up to ±1e4 (±1e300 where the math allows), ties,
-inf as masked positions, NaN, empty arrays and empty reduction axes, mismatched shapes, bad temperatures
and non-array input. Oracles: mpmath (40 digits) for softmax, logsumexp and soft-argmax; exact rational
arithmetic for max_subgradient; torch autograd in float64 for the RNN and the LSTM.

Every test runs a fixed number of derandomized examples (reproducible in CI, no example database); the
tolerances are rounding-error bounds of the algorithm (the comments say which)."""
from __future__ import annotations

import math
import re

import mpmath
import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from derive.generated import lstm, rnn, soft_argmax, softmax

torch = pytest.importorskip("torch")

FAST = settings(max_examples=120, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
SLOW = settings(FAST, max_examples=40)  # the torch oracles cost milliseconds per example
DTYPES = st.sampled_from([np.float32, np.float64])
TIES = (0.0, 1.0, -1.0, 2.5, -3.75)  # a small pool of values: equal entries (ties) are likely


def eps(dtype):
    return float(np.finfo(dtype).eps)


def tiny(dtype):
    return float(np.finfo(dtype).tiny)


@st.composite
def arrays_and_axis(draw, min_side=1, max_side=5, scale=1e4, masked=True):
    """(x, axis): x of 1–3 dimensions, finite entries up to ±scale (representable in x's dtype), many
    ties, and -inf at some positions when ``masked`` (never a whole slice along the axis)."""
    dtype = draw(DTYPES)
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=min_side, max_side=max_side))
    axis = draw(st.integers(-len(shape), len(shape) - 1))
    width = 32 if dtype == np.float32 else 64
    scale = float(np.float32(min(scale, 3e38))) if width == 32 else scale
    values = st.one_of(st.floats(-scale, scale, width=width), st.sampled_from(TIES))
    x = draw(hnp.arrays(dtype, shape, elements=values))
    if masked and x.size and x.shape[axis] > 1 and draw(st.booleans()):
        mask = draw(hnp.arrays(np.bool_, shape))
        moved = np.moveaxis(mask, axis, -1)
        moved[..., 0] = False  # every slice keeps one finite entry
        x = np.where(mask, -np.inf, x).astype(dtype)
    return x, axis


TEMPERATURES = st.one_of(st.floats(1e-2, 1e2), st.sampled_from([1.0, 1.0, 1e-300, 1e-30, 1e30, 1e300]))


def rows_of(x, axis):
    return np.moveaxis(np.asarray(x, dtype=np.float64), axis, -1).reshape(-1, x.shape[axis])


def mp_shifted(row, t):
    """The row maximum m and the exact exp(t (x_j - m)) (mpmath, 40 digits)."""
    vals = [mpmath.mpf(float(v)) for v in row]
    m = max(vals)
    return m, [mpmath.exp(t * (v - m)) for v in vals]


# ----------------------------------------------------------------------------------------------------
# softmax, logsumexp, max_subgradient
# ----------------------------------------------------------------------------------------------------
@FAST
@given(arrays_and_axis(), TEMPERATURES)
def test_logsumexp_and_softmax_agree_with_mpmath(xa, t):
    x, axis = xa
    e, n = eps(x.dtype), x.shape[axis]
    value, grad = softmax.logsumexp(x, axis, t=t), softmax.softmax(x, axis, t=t)
    assert value.dtype == x.dtype and grad.dtype == x.dtype
    assert np.shape(value) == tuple(np.delete(np.array(x.shape), axis % x.ndim))
    assert grad.shape == x.shape
    values, grads = np.ravel(value).astype(np.float64), rows_of(grad, axis)
    with mpmath.workdps(40):
        for r, row in enumerate(rows_of(x, axis)):
            m, w = mp_shifted(row, t)
            z = mpmath.fsum(w)
            with np.errstate(over="ignore"):
                ref = float(x.dtype.type(float(m + mpmath.log(z) / t)))
            # the shift, exp and the sum are each off by a few ulps: |error| <= c·eps·(|m| + |value| + n/t)
            tol = 8 * e * (abs(float(m)) + abs(ref) + (n + 2) / t)
            if math.isinf(ref):  # (1/t)·log n beyond the dtype's range for tiny t
                assert values[r] == ref
            else:
                assert abs(values[r] - ref) <= tol, (row, t, values[r], ref)
            for j, wj in enumerate(w):
                s = float(wj / z)
                # entry j: exp(t (x_j - m)) has relative error ~|t (x_j - m)|·eps; subnormals are absolute
                u = float(abs(t * (mpmath.mpf(float(row[j])) - m))) if np.isfinite(row[j]) else 0.0
                assert abs(grads[r, j] - s) <= 8 * e * s * (n + 2 + u) + 2 * tiny(x.dtype), (row, t, j)


@FAST
@given(arrays_and_axis(scale=1e300), st.floats(1e-300, 1e300))
def test_huge_values_and_temperatures_stay_finite_where_the_result_is(xa, t):
    """|x| up to 1e300 and any t > 0: the shift before the multiplication keeps softmax finite and
    summing to one, and logsumexp between max x and max x + log(n)/t (the sandwich bound)."""
    x, axis = xa
    grad = softmax.softmax(x, axis, t=t)
    value = np.asarray(softmax.logsumexp(x, axis, t=t), dtype=np.float64)
    assert np.all(np.isfinite(grad))
    np.testing.assert_allclose(grad.sum(axis=axis), 1.0, rtol=(x.shape[axis] + 2) * 4 * eps(x.dtype))
    top = np.max(x, axis=axis).astype(np.float64)
    with np.errstate(over="ignore"):  # beyond the dtype's range for tiny t: inf, as the value is
        bound = (top + np.log(x.shape[axis]) / t).astype(x.dtype).astype(np.float64)
    slack = 4 * eps(x.dtype) * (np.abs(top) + np.abs(bound) + 1)
    assert np.all(value >= top - slack) and np.all(value <= bound + slack)


@FAST
@given(arrays_and_axis(masked=False, scale=1e300))
def test_max_subgradient_is_exact(xa):
    x, axis = xa
    got = rows_of(softmax.max_subgradient(x, axis), axis)
    assert softmax.max_subgradient(x, axis).dtype == x.dtype
    for r, row in enumerate(rows_of(x, axis)):
        top = row.max()
        ties = int(np.sum(row == top))
        want = np.where(row == top, x.dtype.type(1) / x.dtype.type(ties), 0)
        np.testing.assert_array_equal(got[r], want)


@FAST
@given(arrays_and_axis(max_side=4), TEMPERATURES, st.data())
def test_nan_propagates_to_its_slice_only(xa, t, data):
    x, axis = xa
    index = tuple(data.draw(st.integers(0, s - 1)) for s in x.shape)
    dirty = x.copy()
    dirty[index] = np.nan
    hit = np.zeros(x.shape, bool)
    hit[index] = True
    hit_slice = np.broadcast_to(np.any(hit, axis=axis, keepdims=True), x.shape)
    with np.errstate(invalid="ignore"):
        cases = [(softmax.logsumexp(dirty, axis, t=t), softmax.logsumexp(x, axis, t=t), np.any(hit, axis=axis)),
                 (softmax.softmax(dirty, axis, t=t), softmax.softmax(x, axis, t=t), hit_slice),
                 (softmax.max_subgradient(dirty, axis), softmax.max_subgradient(x, axis), hit_slice),
                 (soft_argmax.soft_argmax(dirty, axis, t=t), soft_argmax.soft_argmax(x, axis, t=t),
                  np.any(hit, axis=axis)),
                 (soft_argmax.soft_argmax_grad(dirty, axis, t=t), soft_argmax.soft_argmax_grad(x, axis, t=t),
                  hit_slice)]
    for got, clean, where in cases:
        got, clean = np.asarray(got), np.asarray(clean)
        assert np.all(np.isnan(got[where]))
        np.testing.assert_array_equal(got[~where], clean[~where])  # row by row: the others are untouched


SHAPES_WITH_ZEROS = hnp.array_shapes(min_dims=1, max_dims=3, min_side=0, max_side=3).filter(lambda s: 0 in s)


@FAST
@given(SHAPES_WITH_ZEROS, DTYPES, st.data())
def test_empty_arrays_and_empty_axes(shape, dtype, data):
    x = np.zeros(shape, dtype)
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    reduced = tuple(np.delete(np.array(shape), axis % len(shape)))
    value = softmax.logsumexp(x, axis)
    assert np.shape(value) == reduced and np.asarray(value).dtype == dtype
    if shape[axis] == 0:  # an empty sum: log 0, as scipy.special.logsumexp and torch.logsumexp give
        assert np.all(np.asarray(value) == -np.inf)
    for fn in (softmax.softmax, softmax.max_subgradient):
        out = fn(x, axis)
        assert out.shape == shape and out.dtype == dtype
    for fn in (soft_argmax.soft_argmax, soft_argmax.soft_argmax_grad):
        if shape[axis] == 0:  # no entry, no argmax: a ValueError naming the axis
            with pytest.raises(ValueError, match=rf"axis {axis % len(shape)} of x is empty"):
                fn(x, axis)
        else:
            assert np.shape(fn(x, axis)) == (reduced if fn is soft_argmax.soft_argmax else shape)


def test_scalars_are_one_entry_and_empty_vectors_reduce_to_minus_inf():
    assert softmax.logsumexp(3.5) == 3.5 and softmax.softmax(3.5) == 1.0 and softmax.max_subgradient(-2.0) == 1.0
    assert softmax.logsumexp([]) == -np.inf and softmax.softmax([]).shape == (0,)


BAD_T = st.one_of(st.floats(max_value=0.0), st.just(math.nan), st.just(math.inf), st.none(), st.booleans(),
                  st.text(max_size=3), st.complex_numbers(allow_nan=False, min_magnitude=1e-3),
                  st.lists(st.floats(0.1, 2.0), min_size=1, max_size=2))
SOFT = [softmax.logsumexp, softmax.softmax, soft_argmax.soft_argmax, soft_argmax.soft_argmax_grad]


@FAST
@given(BAD_T, st.sampled_from(SOFT))
def test_a_bad_temperature_is_a_value_error_naming_t(t, fn):
    with pytest.raises(ValueError, match=r"temperature t must"):
        fn(np.ones((2, 3)), t=t)


def test_t_is_keyword_only_and_the_second_positional_argument_is_the_axis():
    x = np.random.default_rng(5).normal(size=(2, 3, 4))
    np.testing.assert_allclose(softmax.softmax(x, 1).sum(axis=1), 1.0, rtol=1e-15)
    for fn in SOFT:
        with pytest.raises(ValueError, match="axis must be an integer"):
            fn(x, 2.0)  # the old positional temperature
        with pytest.raises(TypeError):
            fn(x, -1, 2.0)


BAD_X = st.one_of(
    st.none(), st.text(min_size=1, max_size=4), st.dictionaries(st.text(max_size=2), st.integers(), max_size=2),
    hnp.arrays(np.complex128, hnp.array_shapes(max_dims=2, max_side=3), elements=st.complex_numbers(max_magnitude=5)),
    st.lists(st.one_of(st.none(), st.text(max_size=2)), min_size=1, max_size=3),
    st.just([[1.0, 2.0], [3.0]]), st.just(np.array([1.0, object()], dtype=object)),
    st.just(np.array(["2020-01-01"], dtype="datetime64[D]")))


@FAST
@given(BAD_X, st.sampled_from(SOFT + [softmax.max_subgradient]))
def test_non_array_and_non_real_input_is_a_value_error_naming_x(x, fn):
    with pytest.raises(ValueError, match=r"^x must "):
        fn(x)


@FAST
@given(arrays_and_axis(max_side=3, masked=False),
       st.one_of(st.integers(3, 10), st.integers(-10, -4), st.floats(allow_nan=False), st.text(max_size=2),
                 st.none(), st.booleans()),
       st.sampled_from(SOFT + [softmax.max_subgradient]))
def test_a_bad_axis_is_a_value_error_naming_the_axis(xa, axis, fn):
    x, _ = xa
    assume(not (isinstance(axis, int) and not isinstance(axis, bool) and -max(1, x.ndim) <= axis < max(1, x.ndim)))
    with pytest.raises(ValueError, match=r"axis"):
        fn(x, axis)


# ----------------------------------------------------------------------------------------------------
# soft-argmax
# ----------------------------------------------------------------------------------------------------
@FAST
@given(arrays_and_axis(), st.floats(1e-2, 1e2), st.integers(-3, 3))
def test_soft_argmax_and_its_gradient_agree_with_mpmath(xa, t, start):
    x, axis = xa
    e, n = eps(x.dtype), x.shape[axis]
    value = np.ravel(soft_argmax.soft_argmax(x, axis, t=t, start=start)).astype(np.float64)
    grad = rows_of(soft_argmax.soft_argmax_grad(x, axis, t=t, start=start), axis)
    J = max(abs(start), abs(start + n - 1), 1)
    with mpmath.workdps(40):
        for r, row in enumerate(rows_of(x, axis)):
            _, w = mp_shifted(row, t)
            z = mpmath.fsum(w)
            s = [wj / z for wj in w]
            S = mpmath.fsum((start + j) * sj for j, sj in enumerate(s))
            # S = (e·j)/z: a dot product and a division, each a few ulps of the largest index J
            assert abs(value[r] - float(S)) <= 16 * e * J * (n + 2), (row, t, start)
            ref = [float(t * sj * (start + j - S)) for j, sj in enumerate(s)]
            # t·s_j·(j − S): the error of S, times t·s_j, plus the argmax entry = −(sum of the others)
            assert np.max(np.abs(grad[r] - ref)) <= 16 * e * t * J * (n + 2) + 2 * tiny(x.dtype), (row, t, start)


# ----------------------------------------------------------------------------------------------------
# RNN and LSTM against torch autograd (float64)
# ----------------------------------------------------------------------------------------------------
@st.composite
def recurrent_problem(draw, gates):
    """Random sizes T, B, D, H in 1…4, a dtype, inputs up to ±x_scale (x_scale up to 1e4: saturated
    tanh and gates) and weights, biases and states of moderate size; ``gates`` is 1 (RNN) or 4 (LSTM)."""
    dtype = draw(DTYPES)
    T, B, D, H = (draw(st.integers(1, 4)) for _ in range(4))
    x_scale = draw(st.sampled_from([1.0, 3.0, 1e4]))
    width = 32 if dtype == np.float32 else 64

    def arr(shape, scale):
        scale = float(np.dtype(dtype).type(scale))  # a bound the dtype represents exactly
        return draw(hnp.arrays(dtype, shape, elements=st.floats(-scale, scale, width=width)))

    s = 1.5 / math.sqrt(H)
    p = {"x": arr((T, B, D), x_scale), "h0": arr((B, H), 1.0)}
    if gates == 4:
        p["c0"] = arr((B, H), 2.0)
    p.update({"W_ih": arr((gates * H, D), s), "W_hh": arr((gates * H, H), s), "b_ih": arr((gates * H,), 1.0),
              "b_hh": arr((gates * H,), 1.0)})
    return p, arr((T, B, H), 1.0)


def torch_recurrent(module, p, dhs):
    """torch.nn.RNN / torch.nn.LSTM in float64 with p's weights: hs and the gradients of Σ dhs·hs."""
    t64 = {k: torch.tensor(np.asarray(v, dtype=np.float64), requires_grad=True) for k, v in p.items()}
    T, B, D = p["x"].shape
    H = p["W_hh"].shape[1]
    m = (torch.nn.RNN(D, H, nonlinearity="tanh") if module == "rnn" else torch.nn.LSTM(D, H)).double()
    params = {"weight_ih_l0": t64["W_ih"], "weight_hh_l0": t64["W_hh"], "bias_ih_l0": t64["b_ih"],
              "bias_hh_l0": t64["b_hh"]}
    state = t64["h0"][None] if module == "rnn" else (t64["h0"][None], t64["c0"][None])
    out, _ = torch.func.functional_call(m, params, (t64["x"], state))
    out.backward(torch.tensor(np.asarray(dhs, dtype=np.float64)))
    return out.detach().numpy(), {k: v.grad.numpy() for k, v in t64.items()}


def assert_close(got, ref, dtype, what, scale_factor=1.0):
    """float64: 1e-10 of the array's scale; float32 runs in float32: 2e-3 of the scale (saturated gates
    round differently in float32, but an error of that order means a wrong formula)."""
    tol = (1e-10 if dtype == np.float64 else 2e-3) * scale_factor
    scale = max(float(np.max(np.abs(ref))), 1.0) if np.size(ref) else 1.0
    assert got.shape == np.shape(ref), what
    assert float(np.max(np.abs(np.asarray(got, np.float64) - ref), initial=0.0)) <= tol * scale, what


@SLOW
@given(recurrent_problem(gates=1))
def test_rnn_forward_backward_agree_with_torch(problem):
    p, dhs = problem
    hs, cache = rnn.rnn_forward(**p)
    grads = rnn.rnn_backward(dhs, cache)
    hs_ref, g_ref = torch_recurrent("rnn", p, dhs)
    assert hs.dtype == p["x"].dtype
    assert_close(hs, hs_ref, hs.dtype, "hs")
    for k in p:
        assert grads[k].dtype == hs.dtype
        assert_close(grads[k], g_ref[k], hs.dtype, k, scale_factor=hs.shape[0])


@SLOW
@given(recurrent_problem(gates=4))
def test_lstm_forward_backward_agree_with_torch(problem):
    p, dhs = problem
    hs, cache = lstm.lstm_forward(**p)
    grads = lstm.lstm_backward(dhs, cache)
    hs_ref, g_ref = torch_recurrent("lstm", p, dhs)
    assert hs.dtype == p["x"].dtype
    assert_close(hs, hs_ref, hs.dtype, "hs")
    for k in p:
        assert grads[k].dtype == hs.dtype
        assert_close(grads[k], g_ref[k], hs.dtype, k, scale_factor=hs.shape[0])


@SLOW
@given(recurrent_problem(gates=1), st.data())
def test_rnn_state_jacobian_agrees_with_torch(problem, data):
    p, _ = problem
    T = p["x"].shape[0]
    t = data.draw(st.integers(0, T))
    l = data.draw(st.integers(0, t))
    hs, cache = rnn.rnn_forward(**p)
    J = rnn.rnn_state_jacobian(cache, t, l)
    v = {k: torch.tensor(np.asarray(a, dtype=np.float64)) for k, a in p.items()}
    h = v["h0"]
    for k in range(l):
        h = torch.tanh(v["x"][k] @ v["W_ih"].T + v["b_ih"] + h @ v["W_hh"].T + v["b_hh"])

    def run(start):
        out = start
        for k in range(l, t):
            out = torch.tanh(v["x"][k] @ v["W_ih"].T + v["b_ih"] + out @ v["W_hh"].T + v["b_hh"])
        return out

    full = torch.autograd.functional.jacobian(run, h).numpy()  # (B, H, B, H)
    ref = np.stack([full[b, :, b, :] for b in range(h.shape[0])])
    assert_close(J, ref, J.dtype, "J", scale_factor=max(1, t - l))


@SLOW
@given(recurrent_problem(gates=4).filter(lambda pr: pr[0]["x"].shape[0] >= 2), st.data())
def test_lstm_cell_jacobian_agrees_with_torch(problem, data):
    p, _ = problem
    T, B, _ = p["x"].shape
    H = p["W_hh"].shape[1]
    t = data.draw(st.integers(1, T - 1))
    hs, cache = lstm.lstm_forward(**p)
    J = lstm.lstm_cell_jacobian(cache, t)
    v = {k: torch.tensor(np.asarray(a, dtype=np.float64)) for k, a in p.items()}

    def step(x, h, c):
        a = x @ v["W_ih"].T + v["b_ih"] + h @ v["W_hh"].T + v["b_hh"]
        i, f, g, o = torch.sigmoid(a[:, :H]), torch.sigmoid(a[:, H:2 * H]), torch.tanh(a[:, 2 * H:3 * H]), \
            torch.sigmoid(a[:, 3 * H:])
        c = f * c + i * g
        return o, c, o * torch.tanh(c)

    h, c, o = v["h0"], v["c0"], None
    for k in range(t):
        o, c, h = step(v["x"][k], h, c)
    # C_t as a function of C_{t-1}, with h_{t-1} = o_{t-1}·tanh(C_{t-1}) and o_{t-1} held
    full = torch.autograd.functional.jacobian(lambda cp: step(v["x"][t], o * torch.tanh(cp), cp)[1], c).numpy()
    ref = np.stack([full[b, :, b, :] for b in range(B)])
    assert_close(J, ref, J.dtype, "J")


def _shape_names(module):
    return ("x", "h0", "W_ih", "W_hh", "b_ih", "b_hh") if module == "rnn" else \
        ("x", "h0", "c0", "W_ih", "W_hh", "b_ih", "b_hh")


@FAST
@given(st.sampled_from(["rnn", "lstm"]), st.data())
def test_mismatched_shapes_name_the_argument_and_both_shapes(module, data):
    T, B, D, H = 3, 2, 4, 5
    gates = 1 if module == "rnn" else 4
    shapes = {"x": (T, B, D), "h0": (B, H), "c0": (B, H), "W_ih": (gates * H, D), "W_hh": (gates * H, H),
              "b_ih": (gates * H,), "b_hh": (gates * H,)}
    names = _shape_names(module)
    bad = data.draw(st.sampled_from([n for n in names if n not in ("x", "W_hh")]))
    want = shapes[bad]
    wrong = data.draw(st.one_of(
        st.tuples(*[st.integers(1, 7) for _ in want]), hnp.array_shapes(min_dims=0, max_dims=3, max_side=7))
        .filter(lambda s: tuple(s) != want))
    args = {n: np.full(wrong if n == bad else shapes[n], 0.5) for n in names}
    forward = rnn.rnn_forward if module == "rnn" else lstm.lstm_forward
    with pytest.raises(ValueError) as info:
        forward(**args)
    message = str(info.value)
    assert message.startswith(f"{bad} must have shape {want}"), message
    assert str(tuple(wrong)) in message and str((T, B, D)) in message  # its shape and where `want` comes from


@FAST
@given(st.sampled_from(["rnn", "lstm"]), hnp.array_shapes(min_dims=0, max_dims=4, max_side=6))
def test_a_mismatched_dhs_names_both_shapes(module, wrong):
    T, B, D, H = 3, 2, 4, 5
    assume(tuple(wrong) != (T, B, H))
    gates = 1 if module == "rnn" else 4
    shapes = {"x": (T, B, D), "h0": (B, H), "c0": (B, H), "W_ih": (gates * H, D), "W_hh": (gates * H, H),
              "b_ih": (gates * H,), "b_hh": (gates * H,)}
    forward, backward = (rnn.rnn_forward, rnn.rnn_backward) if module == "rnn" else (lstm.lstm_forward,
                                                                                      lstm.lstm_backward)
    _, cache = forward(**{n: np.full(shapes[n], 0.25) for n in _shape_names(module)})
    with pytest.raises(ValueError, match=re.escape(f"{(T, B, H)}") + r".*shape of hs.*" + re.escape(str(tuple(wrong)))):
        backward(np.zeros(wrong), cache)


@FAST
@given(st.sampled_from(["rnn", "lstm"]), hnp.array_shapes(min_dims=3, max_dims=3, min_side=0, max_side=3)
       .filter(lambda s: 0 in s))
def test_an_empty_sequence_batch_or_input_is_a_value_error_naming_the_axis(module, shape):
    T, B, D = shape
    H, gates = 2, (1 if module == "rnn" else 4)
    shapes = {"x": shape, "h0": (B, H), "c0": (B, H), "W_ih": (gates * H, D), "W_hh": (gates * H, H),
              "b_ih": (gates * H,), "b_hh": (gates * H,)}
    args = {n: np.zeros(shapes[n]) for n in _shape_names(module)}
    forward = rnn.rnn_forward if module == "rnn" else lstm.lstm_forward
    empty = [f"{name} (axis {k})" for k, name in enumerate("TBD") if shape[k] == 0]
    with pytest.raises(ValueError, match=re.escape(", ".join(empty)) + " is 0"):
        forward(**args)


@FAST
@given(st.sampled_from(["rnn", "lstm"]), BAD_X, st.data())
def test_recurrent_non_array_input_is_a_value_error_naming_the_argument(module, bad, data):
    names = _shape_names(module)
    name = data.draw(st.sampled_from(names))
    gates = 1 if module == "rnn" else 4
    shapes = {"x": (2, 1, 3), "h0": (1, 2), "c0": (1, 2), "W_ih": (gates * 2, 3), "W_hh": (gates * 2, 2),
              "b_ih": (gates * 2,), "b_hh": (gates * 2,)}
    args = {n: (bad if n == name else np.ones(shapes[n])) for n in names}
    forward = rnn.rnn_forward if module == "rnn" else lstm.lstm_forward
    with pytest.raises(ValueError, match=rf"^{name} must "):
        forward(**args)


@SLOW
@given(st.sampled_from(["rnn", "lstm"]), st.data())
def test_recurrent_nan_propagates_through_its_sample(module, data):
    p, _ = data.draw(recurrent_problem(gates=1 if module == "rnn" else 4))
    T, B, D = p["x"].shape
    t0, b0 = data.draw(st.integers(0, T - 1)), data.draw(st.integers(0, B - 1))
    dirty = dict(p, x=p["x"].copy())
    dirty["x"][t0, b0, 0] = np.nan
    forward = rnn.rnn_forward if module == "rnn" else lstm.lstm_forward
    hs, _ = forward(**dirty)
    clean, _ = forward(**p)
    assert np.all(np.isnan(hs[t0:, b0]))  # NaN reaches every later state of its sample
    others = np.arange(B) != b0
    np.testing.assert_array_equal(hs[:, others], clean[:, others])  # and no other sample
    np.testing.assert_array_equal(hs[:t0], clean[:t0])
