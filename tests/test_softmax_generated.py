"""derive.generated.softmax against independent oracles: SciPy, central differences, torch autograd."""
import numpy as np
import pytest
from scipy import special

from derive.generated import softmax as gen

SHAPES_AXES = [((7,), -1), ((3, 5), -1), ((3, 5), 0), ((2, 4, 6), 1), ((4, 1), -1), ((2, 3, 4), -3)]
TEMPERATURES = [0.25, 1.0, 3.7]


@pytest.fixture
def rng():
    return np.random.default_rng(1234)


@pytest.mark.parametrize("shape,axis", SHAPES_AXES)
@pytest.mark.parametrize("t", TEMPERATURES)
def test_logsumexp_and_softmax_match_scipy(rng, shape, axis, t):
    x = rng.normal(scale=4.0, size=shape)
    np.testing.assert_allclose(gen.logsumexp(x, axis, t=t), special.logsumexp(t * x, axis=axis) / t, rtol=1e-13, atol=0)
    np.testing.assert_allclose(gen.softmax(x, axis, t=t), special.softmax(t * x, axis=axis), rtol=1e-12, atol=1e-300)


@pytest.mark.parametrize("shape,axis", SHAPES_AXES)
@pytest.mark.parametrize("t", TEMPERATURES)
def test_softmax_is_the_gradient_by_central_differences(rng, shape, axis, t):
    x = rng.normal(scale=2.0, size=shape)
    grad = gen.softmax(x, axis, t=t)
    h = 1e-6
    fd = np.empty_like(x)
    for idx in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[idx] = h
        # f = sum of logsumexp over the other axes: its derivative w.r.t. x[idx] is softmax[idx]
        fd[idx] = (gen.logsumexp(x + e, axis, t=t).sum() - gen.logsumexp(x - e, axis, t=t).sum()) / (2 * h)
    np.testing.assert_allclose(fd, grad, rtol=0, atol=1e-8)


@pytest.mark.parametrize("shape,axis", SHAPES_AXES)
@pytest.mark.parametrize("t", TEMPERATURES)
def test_softmax_matches_torch_autograd_float64(rng, shape, axis, t):
    torch = pytest.importorskip("torch")
    x = rng.normal(scale=3.0, size=shape)
    w = rng.normal(size=np.delete(np.array(shape), axis % len(shape)).tolist() or None)
    xt = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    y = torch.logsumexp(t * xt, dim=axis) / t
    (y * torch.as_tensor(w, dtype=torch.float64)).sum().backward()
    ours = np.expand_dims(np.asarray(w), axis) * gen.softmax(x, axis, t=t)
    ref = xt.grad.numpy()
    assert np.max(np.abs(ours - ref) / np.maximum(np.abs(ref), 1e-300)) <= 1e-10
    np.testing.assert_allclose(gen.logsumexp(x, axis, t=t), y.detach().numpy(), rtol=1e-12)


@pytest.mark.parametrize("scale", [1e3, 1e4, 1e6])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_stable_for_huge_inputs(rng, scale, dtype):
    x = (rng.uniform(-1, 1, size=(5, 9)) * scale).astype(dtype)
    x[:, 0] = scale
    x[:, 1] = -scale
    for t in (1.0, 50.0):
        lse = gen.logsumexp(x, t=t)
        sm = gen.softmax(x, t=t)
        assert lse.dtype == dtype and sm.dtype == dtype
        assert np.all(np.isfinite(lse)) and np.all(np.isfinite(sm))
        np.testing.assert_allclose(sm.sum(axis=-1), 1, rtol=1e-5 if dtype == np.float32 else 1e-12)
        ref = special.logsumexp(t * x.astype(np.float64), axis=-1) / t
        np.testing.assert_allclose(lse, ref, rtol=1e-6 if dtype == np.float32 else 1e-14)
        assert np.all(lse >= x.max(axis=-1) - np.abs(x.max(axis=-1)) * (1e-6 if dtype == np.float32 else 1e-15))


def test_plus_minus_1000_exact_values():
    x = np.array([1000.0, -1000.0, 1000.0])
    np.testing.assert_allclose(gen.logsumexp(x), 1000 + np.log(2), rtol=1e-15)
    np.testing.assert_allclose(gen.softmax(x), [0.5, 0.0, 0.5], atol=1e-300)
    np.testing.assert_allclose(gen.logsumexp(-x), 1000.0, rtol=1e-15)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_preserved_and_ints_promoted(dtype):
    x = np.arange(6, dtype=dtype).reshape(2, 3)
    for f in (gen.logsumexp, gen.softmax, gen.max_subgradient):
        assert f(x).dtype == dtype
    assert gen.softmax([1, 2, 3]).dtype == np.float64


def test_max_subgradient_one_hot_and_ties():
    np.testing.assert_array_equal(gen.max_subgradient(np.array([0.1, 3.0, -2.0])), [0, 1, 0])
    np.testing.assert_allclose(gen.max_subgradient(np.array([2.0, 5.0, 5.0, 5.0])), [0, 1 / 3, 1 / 3, 1 / 3])
    m = gen.max_subgradient(np.array([[1.0, 1.0], [0.0, 2.0]]), axis=0)
    np.testing.assert_allclose(m, [[1, 0], [0, 1]])
    m = gen.max_subgradient(np.array([[1.0, 1.0], [0.0, 2.0]]), axis=-1)
    np.testing.assert_allclose(m, [[0.5, 0.5], [0, 1]])


def test_softmax_tends_to_max_subgradient_as_t_grows(rng):
    x = rng.normal(size=(6, 5))
    x[0, 1] = x[0, 3] = x[0].max() + 1  # a tie at the top
    top = x.max(axis=-1, keepdims=True)
    gap = (top - np.where(x < top, x, -np.inf).max(axis=-1, keepdims=True))[:, 0]  # gap to the best non-maximal entry
    for t in (1.0, 10.0, 100.0):
        err = np.abs(gen.softmax(x, t=t) - gen.max_subgradient(x)).sum(axis=-1)
        bound = 2 * (x.shape[1] - 1) * np.exp(-t * gap)
        assert np.all(err <= bound + 1e-12)


def test_smooth_max_bounds(rng):
    x = rng.normal(size=(50, 7))
    for t in (0.1, 1.0, 10.0):
        v = gen.logsumexp(x, t=t)
        assert np.all(v >= x.max(axis=-1) - 1e-12)
        assert np.all(v <= x.max(axis=-1) + np.log(7) / t + 1e-12)


@pytest.mark.parametrize("t", [0.0, -1.0, float("nan"), float("inf")])
def test_bad_temperature_is_a_clear_error(t):
    with pytest.raises(ValueError, match="temperature t must be positive"):
        gen.softmax(np.ones(3), t=t)
