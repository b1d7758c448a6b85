"""Regressions of issue 12 §1: the generated code gave a silently wrong number (or silently dropped the
imaginary part) in these cases; each test is the issue's own example."""
import numpy as np
import pytest

from derive.generated import lstm, rnn, soft_argmax, softmax


def _rnn_problem(rng, T=4, B=3, D=2, H=5):
    return (rng.normal(size=(T, B, D)), rng.normal(size=(B, H)), rng.normal(size=(H, D)),
            rng.normal(size=(H, H)), rng.normal(size=H), rng.normal(size=H))


def _lstm_problem(rng, T=4, B=3, D=2, H=5):
    return (rng.normal(size=(T, B, D)), rng.normal(size=(B, H)), rng.normal(size=(B, H)),
            rng.normal(size=(4 * H, D)) * 0.5, rng.normal(size=(4 * H, H)) * 0.5, rng.normal(size=4 * H),
            rng.normal(size=4 * H))


@pytest.mark.parametrize("changed", ["x", "W_ih", "W_hh"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_rnn_gradients_ignore_in_place_changes_after_forward(changed, dtype):
    x, h0, Wi, Wh, b, b2 = (a.astype(dtype) for a in _rnn_problem(np.random.default_rng(12)))
    args = {"x": x, "h0": h0, "W_ih": Wi, "W_hh": Wh, "b_ih": b, "b_hh": b2}
    hs, cache = rnn.rnn_forward(**args)
    before = rnn.rnn_backward(np.ones_like(hs), cache)
    hs, cache = rnn.rnn_forward(**args)
    args[changed] *= 2  # an optimizer step between forward and backward, in place
    after = rnn.rnn_backward(np.ones_like(hs), cache)
    for key in before:
        np.testing.assert_array_equal(after[key], before[key], err_msg=key)


@pytest.mark.parametrize("changed", ["x", "W_ih", "W_hh"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_lstm_gradients_ignore_in_place_changes_after_forward(changed, dtype):
    arrays = [a.astype(dtype) for a in _lstm_problem(np.random.default_rng(13))]
    args = dict(zip(("x", "h0", "c0", "W_ih", "W_hh", "b_ih", "b_hh"), arrays))
    hs, cache = lstm.lstm_forward(**args)
    J = lstm.lstm_cell_jacobian(cache, 2)
    before = lstm.lstm_backward(np.ones_like(hs), cache)
    hs, cache = lstm.lstm_forward(**args)
    args[changed] *= 2
    np.testing.assert_array_equal(lstm.lstm_cell_jacobian(cache, 2), J)
    after = lstm.lstm_backward(np.ones_like(hs), cache)
    for key in before:
        np.testing.assert_array_equal(after[key], before[key], err_msg=key)


def test_the_issue_example_rnn_optimizer_step():
    x, h0, Wi, Wh, b, _ = _rnn_problem(np.random.default_rng(0))
    hs, c = rnn.rnn_forward(x, h0, Wi, Wh, b, b)
    g1 = rnn.rnn_backward(np.ones_like(hs), c)["W_hh"]
    hs, c = rnn.rnn_forward(x, h0, Wi, Wh, b, b)
    Wh *= 2
    assert np.allclose(g1, rnn.rnn_backward(np.ones_like(hs), c)["W_hh"])


@pytest.mark.parametrize("forward,problem", [(rnn.rnn_forward, _rnn_problem), (lstm.lstm_forward, _lstm_problem)])
def test_returned_hs_is_not_a_writable_alias_of_the_cache(forward, problem):
    hs, cache = forward(*problem(np.random.default_rng(1)))
    assert not hs.flags.writeable
    with pytest.raises(ValueError, match="read-only"):
        hs[0, 0, 0] = 1.0
    with pytest.raises(ValueError):
        hs.flags.writeable = True  # a view of a read-only base cannot be made writable again
    hs.copy()[0, 0, 0] = 1.0  # a copy is the user's to change


def test_softmax_shifts_before_the_temperature_multiplies():
    np.testing.assert_array_equal(softmax.softmax([1e300, 0.0], t=1e10), [1.0, 0.0])
    assert softmax.logsumexp([1.0, 2.0], t=1e308) == 2.0
    np.testing.assert_array_equal(softmax.softmax(np.array([1e4, 9999.0], np.float32), t=1e30), [1.0, 0.0])
    assert softmax.logsumexp(np.array([-1e38, 3e38], np.float32), t=10.0) == np.float32(3e38)
    assert softmax.logsumexp([-1e308, 1e308], t=1e300) == 1e308  # even x − max x overflows: exp(−inf) = 0


def test_t_equal_one_skips_the_multiplication():
    import re

    from derive.derivations._max_logsumexp_code import code_blocks

    for name, block in code_blocks().items():
        unit = block["unit"]["pre"] + block["unit"]["post"]
        assert not any(re.search(r"\bt\b", line) for line in unit), (name, unit)
        assert "numpy.multiply(" in " ".join(block["scaled"]["pre"]), name


COMPLEX = np.array([[1.0 + 0.5j, 2.0, 0.0]])


@pytest.mark.parametrize("fn", [softmax.softmax, softmax.logsumexp, softmax.max_subgradient,
                                soft_argmax.soft_argmax, soft_argmax.soft_argmax_grad])
@pytest.mark.parametrize("bad,match", [(COMPLEX, "complex"), (None, "real numbers"),
                                       (np.array([1.0, None]), "real numbers"), ("abc", "real numbers"),
                                       ([[1.0, 2.0], [3.0]], "real numbers")])
def test_complex_none_and_object_input_raise(fn, bad, match):
    with pytest.raises(ValueError, match=match):
        fn(bad)


@pytest.mark.parametrize("name", ["x", "h0", "W_ih", "W_hh", "b_ih", "b_hh"])
@pytest.mark.parametrize("bad,match", [("complex", "complex"), (None, "real numbers"), ("object", "real numbers")])
def test_rnn_forward_rejects_complex_and_none(name, bad, match):
    args = dict(zip(("x", "h0", "W_ih", "W_hh", "b_ih", "b_hh"), _rnn_problem(np.random.default_rng(2))))
    args[name] = {"complex": args[name] + 0.5j, None: None, "object": args[name].astype(object)}[bad]
    with pytest.raises(ValueError, match=f"{name} must .*{match}"):
        rnn.rnn_forward(**args)


@pytest.mark.parametrize("name", ["x", "h0", "c0", "W_ih", "W_hh", "b_ih", "b_hh"])
@pytest.mark.parametrize("bad,match", [("complex", "complex"), (None, "real numbers"), ("object", "real numbers")])
def test_lstm_forward_rejects_complex_and_none(name, bad, match):
    args = dict(zip(("x", "h0", "c0", "W_ih", "W_hh", "b_ih", "b_hh"), _lstm_problem(np.random.default_rng(3))))
    args[name] = {"complex": args[name] + 0.5j, None: None, "object": args[name].astype(object)}[bad]
    with pytest.raises(ValueError, match=f"{name} must .*{match}"):
        lstm.lstm_forward(**args)


@pytest.mark.parametrize("forward,backward,problem", [(rnn.rnn_forward, rnn.rnn_backward, _rnn_problem),
                                                      (lstm.lstm_forward, lstm.lstm_backward, _lstm_problem)])
def test_backward_rejects_complex_and_none_dhs(forward, backward, problem):
    hs, cache = forward(*problem(np.random.default_rng(4)))
    for bad, match in ((hs + 0.5j, "complex"), (None, "real numbers")):
        with pytest.raises(ValueError, match=f"dhs must .*{match}"):
            backward(bad, cache)
