"""derive.generated.soft_argmax (A6.2 ②) against independent oracles.

Oracles: SciPy's softmax for the value; central differences of that SciPy value; torch autograd in float64;
high-precision (mpmath) central differences of the definition Σ_i i·e^{t x_i} / Σ_i e^{t x_i}, which use
no closed form at all; exact values at ties. Plus properties any correct gradient must have, bad input,
and the checker's verdicts on the seed's gradient formulas (corroborated here by torch).
"""
import mpmath
import numpy as np
import pytest
from scipy import special

from derive.generated import soft_argmax as gen

SHAPES_AXES = [((7,), -1), ((3, 5), -1), ((3, 5), 0), ((2, 4, 6), 1), ((4, 1), -1), ((2, 3, 4), -3), ((5, 2), 1)]
TEMPERATURES = [0.3, 1.0, 4.5]
STARTS = [1, 0, -3]


@pytest.fixture
def rng():
    return np.random.default_rng(20240611)


def ref_value(x, t, axis, start):
    """S_t along ``axis`` from SciPy's softmax (float64)."""
    s = special.softmax(t * x, axis=axis)
    shape = [1] * x.ndim
    shape[axis] = x.shape[axis]
    idx = (start + np.arange(x.shape[axis], dtype=np.float64)).reshape(shape)
    return np.sum(idx * s, axis=axis)


def rowwise_rel_error(ours, ref, axis):
    """max over rows of max|ours − ref| / max|ref| within the row (rows along ``axis``)."""
    diff = np.max(np.abs(ours - ref), axis=axis)
    scale = np.max(np.abs(ref), axis=axis)
    return float(np.max(diff / np.maximum(scale, 1e-300)))


def mp_value(x, t, start=1, dps=60):
    with mpmath.workdps(dps):
        w = [mpmath.exp(mpmath.mpf(t) * mpmath.mpf(float(v))) for v in x]
        return mpmath.fsum((start + i) * v for i, v in enumerate(w)) / mpmath.fsum(w)


def mp_gradient_fd(x, t, start=1, dps=60):
    """Central differences of the definition at ``dps`` digits (h = 10^(−dps/3))."""
    with mpmath.workdps(dps):
        h = mpmath.mpf(10) ** (-(dps // 3))
        t = mpmath.mpf(t)
        xs = [mpmath.mpf(float(v)) for v in x]
        out = []
        for j in range(len(xs)):
            def s_of(d):
                ys = list(xs)
                ys[j] += d
                w = [mpmath.exp(t * v) for v in ys]
                return mpmath.fsum((start + i) * v for i, v in enumerate(w)) / mpmath.fsum(w)
            out.append((s_of(h) - s_of(-h)) / (2 * h))
        return out


# ----------------------------------------------------------------------------------------------------
# value and gradient against the oracles
# ----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("shape,axis", SHAPES_AXES)
@pytest.mark.parametrize("t", TEMPERATURES)
@pytest.mark.parametrize("start", STARTS)
def test_value_matches_scipy(rng, shape, axis, t, start):
    x = rng.normal(scale=3.0, size=shape)
    got = gen.soft_argmax(x, axis, t=t, start=start)
    ref = ref_value(x, t, axis, start)
    assert np.shape(got) == ref.shape
    np.testing.assert_allclose(got, ref, rtol=1e-13, atol=1e-13 * x.shape[axis])


@pytest.mark.parametrize("shape,axis", SHAPES_AXES)
@pytest.mark.parametrize("t", TEMPERATURES)
def test_gradient_matches_central_differences_of_scipy_value(rng, shape, axis, t):
    x = rng.normal(scale=2.0, size=shape)
    w = rng.normal(size=ref_value(x, t, axis, 1).shape)  # random weights: d/dx Σ w·S_t
    grad = gen.soft_argmax_grad(x, axis, t=t)
    h = 1e-6
    fd = np.empty_like(x)
    for idx in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[idx] = h
        fd[idx] = (np.sum(w * ref_value(x + e, t, axis, 1)) - np.sum(w * ref_value(x - e, t, axis, 1))) / (2 * h)
    ours = np.expand_dims(w, axis) * grad
    np.testing.assert_allclose(ours, fd, rtol=0, atol=1e-7 * max(1.0, t * x.shape[axis]))


@pytest.mark.parametrize("shape,axis", SHAPES_AXES)
@pytest.mark.parametrize("t", TEMPERATURES)
@pytest.mark.parametrize("start", [1, 0])
def test_gradient_matches_torch_autograd_float64(rng, shape, axis, t, start):
    torch = pytest.importorskip("torch")
    x = rng.normal(scale=3.0, size=shape)
    xt = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    n = shape[axis]
    view = [1] * len(shape)
    view[axis] = n
    idx = (start + torch.arange(n, dtype=torch.float64)).reshape(view)
    s_t = (torch.softmax(t * xt, dim=axis) * idx).sum(dim=axis)
    w = rng.normal(size=tuple(s_t.shape))
    (s_t * torch.as_tensor(w)).sum().backward()
    ours = np.expand_dims(w, axis) * gen.soft_argmax_grad(x, axis, t=t, start=start)
    ref = xt.grad.numpy()
    assert ours.shape == ref.shape
    # relative to the largest entry: in nearly one-hot rows autograd's own entry at the argmax loses digits
    # to the cancellation in j − S_t (ours does not; see the high-precision test below)
    assert np.max(np.abs(ours - ref)) <= 1e-10 * np.max(np.abs(ref))
    np.testing.assert_allclose(gen.soft_argmax(x, axis, t=t, start=start), s_t.detach().numpy(), rtol=1e-12)


CASES_MP = [
    # (x, t): random, ties, nearly one-hot rows (t·δ from 20 to 700), |t·x| up to 1e4
    ([0.3, -1.2, 0.8, 2.1, -0.4], 1.0),
    ([0.3, -1.2, 0.8, 2.1, -0.4], 0.05),
    ([1.5, 1.5, -0.7], 2.0),
    ([0.9, -2.0, 0.9, 0.9], 3.0),
    ([0.3, 1.0, -0.2, 0.1], 30.0),
    ([2.0, -1.0, 1.0, 0.5], 100.0),
    ([0.1, 0.2, 0.35, 0.3], 7000.0),
    ([5.0, -5.0, 4.0, 4.5], 2000.0),
    ([1e4, 9999.99, -1e4], 1.0),
]


@pytest.mark.parametrize("x,t", CASES_MP)
@pytest.mark.parametrize("start", [1, 0])
def test_gradient_matches_high_precision_differences(x, t, start):
    """Per row, relative to the row's largest entry, even where softmax(t·x) is one-hot to 1e-300."""
    ref = mp_gradient_fd(x, t, start, dps=450)
    got = gen.soft_argmax_grad(np.array(x), t=t, start=start)
    scale = max(abs(v) for v in ref)
    if scale < mpmath.mpf("1e-300"):  # below float64's range: zero is the best answer
        assert np.all(np.abs(got) < 1e-300)
        return
    err = max(abs(mpmath.mpf(float(g)) - r) for g, r in zip(got, ref)) / scale
    assert err <= 1e-12, (err, got, ref)
    value = gen.soft_argmax(np.array(x), t=t, start=start)
    assert abs(mpmath.mpf(float(value)) - mp_value(x, t, start, dps=450)) <= 1e-14 * max(1, abs(value))


# ----------------------------------------------------------------------------------------------------
# ties, large values, dtypes
# ----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("t", [0.5, 3.0, 1e3])
def test_tie_of_two_is_exact(t):
    # x1 = x2: s = (1/2, 1/2), S = 3/2, gradient t·s_j·(j − S) = (−t/4, t/4) exactly
    x = np.array([[0.7, 0.7], [-4.0, -4.0]])
    np.testing.assert_allclose(gen.soft_argmax(x, t=t), [1.5, 1.5], rtol=1e-15)
    np.testing.assert_allclose(gen.soft_argmax_grad(x, t=t), [[-t / 4, t / 4]] * 2, rtol=1e-14)


@pytest.mark.parametrize("t", [0.5, 2.0, 40.0])
def test_tie_at_the_ends_gives_the_middle_index(t):
    # x = (2, 0, 2): S_t = 2 exactly for every t (symmetry), though position 2 is not a maximiser;
    # with a = 1/(2 + e^{−2t}) the gradient is (−t·a, 0, t·a)
    x = np.array([2.0, 0.0, 2.0])
    a = 1 / (2 + np.exp(-2 * t))
    np.testing.assert_allclose(gen.soft_argmax(x, t=t), 2.0, rtol=1e-15)
    np.testing.assert_allclose(gen.soft_argmax_grad(x, t=t), [-t * a, 0.0, t * a], rtol=1e-13, atol=1e-13 * t)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("scale,t", [(1e4, 1.0), (1.0, 1e4), (100.0, 100.0), (1e4, 1e-4)])
def test_stable_for_large_t_times_x(rng, dtype, scale, t):
    x = (rng.uniform(-1, 1, size=(6, 9)) * scale).astype(dtype)
    x[:, 0] = scale
    x[:, 3] = scale  # a tie at the top in every row
    x[0] = scale  # a row that is all tied
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        v = gen.soft_argmax(x, t=t)
        g = gen.soft_argmax_grad(x, t=t)
    assert v.dtype == dtype and g.dtype == dtype
    assert np.all(np.isfinite(v)) and np.all(np.isfinite(g))
    x64 = x.astype(np.float64)
    for r in range(x.shape[0]):
        ref = mp_value(list(x64[r]), t, dps=80)
        assert abs(float(ref) - float(v[r])) <= (1e-13 if dtype == np.float64 else 1e-5) * 9


@pytest.mark.parametrize("shape,axis", SHAPES_AXES)
def test_float32_preserved_and_close_to_float64(rng, shape, axis):
    x = rng.normal(scale=2.0, size=shape)
    x32 = x.astype(np.float32)
    v32, g32 = gen.soft_argmax(x32, axis, t=1.3), gen.soft_argmax_grad(x32, axis, t=1.3)
    assert np.asarray(v32).dtype == np.float32 and g32.dtype == np.float32
    v64, g64 = gen.soft_argmax(x32.astype(np.float64), axis, t=1.3), gen.soft_argmax_grad(x32.astype(np.float64), axis, t=1.3)
    np.testing.assert_allclose(v32, v64, rtol=2e-6)
    assert rowwise_rel_error(g32.astype(np.float64), g64, axis) <= 1e-5


def test_other_input_types_become_float64():
    assert gen.soft_argmax([3, 1, 2]).dtype == np.float64
    assert gen.soft_argmax_grad(np.array([3, 1, 2], dtype=np.int32)).dtype == np.float64
    assert gen.soft_argmax_grad(np.array([3, 1, 2], dtype=np.float16)).dtype == np.float64


def test_non_contiguous_views_and_large_batches(rng):
    base = rng.normal(size=(40, 3000))
    x = base[::3, ::-2]  # strided, reversed view; rows longer than one block
    np.testing.assert_allclose(gen.soft_argmax(x, t=2.0), ref_value(np.ascontiguousarray(x), 2.0, -1, 1), rtol=1e-12)
    g = gen.soft_argmax_grad(x.T, 0, t=2.0)
    assert g.shape == x.T.shape
    np.testing.assert_allclose(g.T, gen.soft_argmax_grad(np.ascontiguousarray(x), t=2.0), rtol=1e-14, atol=0)
    many = rng.normal(size=(20000, 3))  # many short rows: several blocks of many rows
    np.testing.assert_allclose(gen.soft_argmax(many, t=0.7), ref_value(many, 0.7, -1, 1), rtol=1e-13)


def test_empty_batch_keeps_shape():
    x = np.zeros((0, 4))
    assert gen.soft_argmax(x).shape == (0,)
    assert gen.soft_argmax_grad(x).shape == (0, 4)


# ----------------------------------------------------------------------------------------------------
# properties every correct gradient has
# ----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("shape,axis", SHAPES_AXES)
def test_gradient_properties(rng, shape, axis):
    x = rng.normal(scale=2.0, size=shape)
    t = 1.7
    g = gen.soft_argmax_grad(x, axis, t=t)
    n = shape[axis]
    # shift invariance: the gradient sums to zero, and S_t(x + c) = S_t(x)
    assert np.all(np.abs(g.sum(axis=axis)) <= 1e-13 * np.maximum(np.abs(g).sum(axis=axis), 1e-300))
    np.testing.assert_allclose(gen.soft_argmax(x + 3.25, axis, t=t), gen.soft_argmax(x, axis, t=t), rtol=1e-13)
    # S_t(x) = S_1(t·x), so ∇S_t(x) = t·∇S_1(t·x)
    np.testing.assert_allclose(g, t * gen.soft_argmax_grad(t * x, axis, t=1.0), rtol=1e-12, atol=1e-15)
    # counting from another start shifts S_t and leaves the gradient unchanged
    np.testing.assert_allclose(gen.soft_argmax(x, axis, t=t, start=0), gen.soft_argmax(x, axis, t=t, start=1) - 1, rtol=1e-13, atol=1e-14)
    np.testing.assert_allclose(gen.soft_argmax_grad(x, axis, t=t, start=7), g, rtol=1e-12, atol=1e-15)
    # S_t is a weighted mean of the indices
    v = gen.soft_argmax(x, axis, t=t)
    assert np.all((v >= 1) & (v <= n))


def test_limit_is_argmax_and_gradient_vanishes(rng):
    x = rng.normal(size=(50, 6))
    gap = np.sort(x, axis=1)[:, -1] - np.sort(x, axis=1)[:, -2]
    t = 50.0 / gap.min()
    np.testing.assert_allclose(gen.soft_argmax(x, t=t), np.argmax(x, axis=1) + 1, rtol=0, atol=1e-15 * 6 + 20 * np.exp(-50))
    assert np.max(np.abs(gen.soft_argmax_grad(x, t=t))) <= t * 5 * 16 / 2 * np.exp(-50)


def test_the_seeds_gradient_formula_is_not_the_gradient(rng):
    """The seed's i·softmax(x)_i·(1 − softmax(x)_i) against torch autograd: every entry too large."""
    torch = pytest.importorskip("torch")
    x = rng.normal(size=(8, 5))
    xt = torch.tensor(x, requires_grad=True)
    idx = torch.arange(1, 6, dtype=torch.float64)
    (torch.softmax(xt, dim=1) * idx).sum().backward()
    s = special.softmax(x, axis=1)
    seed = np.arange(1, 6) * s * (1 - s)
    true = xt.grad.numpy()
    assert np.all(seed > true)  # the dropped cross terms are all negative
    assert np.all(seed.sum(axis=1) > 0.1)  # so it is not even shift invariant
    np.testing.assert_allclose(gen.soft_argmax_grad(x), true, rtol=1e-12, atol=1e-15)


# ----------------------------------------------------------------------------------------------------
# bad input
# ----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("fn", [gen.soft_argmax, gen.soft_argmax_grad])
@pytest.mark.parametrize("kwargs,match", [
    ({"x": np.ones(3), "t": 0.0}, "temperature"),
    ({"x": np.ones(3), "t": -1.0}, "temperature"),
    ({"x": np.ones(3), "t": float("nan")}, "temperature"),
    ({"x": np.ones(3), "t": float("inf")}, "temperature"),
    ({"x": np.float64(2.0)}, "at least one dimension"),
    ({"x": np.ones((3, 0))}, "empty"),
    ({"x": np.ones((3, 4)), "axis": 2}, "out of range"),
    ({"x": np.ones((3, 4)), "axis": -3}, "out of range"),
    ({"x": np.ones((3, 4)), "axis": 1.0}, "axis must be an integer"),
    ({"x": np.ones(3), "start": 0.5}, "start must be an integer"),
    ({"x": np.ones(3) + 1j}, "complex"),
    ({"x": None}, "real numbers"),
])
def test_bad_input_raises_value_error(fn, kwargs, match):
    with pytest.raises(ValueError, match=match):
        fn(**kwargs)


@pytest.mark.parametrize("fn", [gen.soft_argmax, gen.soft_argmax_grad])
def test_nan_inf_and_all_minus_inf_rows_are_nan_and_leave_the_others_alone(fn):
    x = np.array([[0.0, np.nan, 1.0], [0.0, np.inf, 1.0], [-np.inf] * 3, [0.3, -1.0, 2.0]])
    with np.errstate(invalid="ignore"):
        got = fn(x, t=1.7)
    assert np.all(np.isnan(got[:3]))
    np.testing.assert_array_equal(got[3], fn(x[3], t=1.7))


def test_minus_infinity_entries_are_masked():
    x = np.array([-np.inf, 0.5, 1.0, -np.inf])
    with np.errstate(invalid="raise"):
        g = gen.soft_argmax_grad(x, t=2.0)
        v = gen.soft_argmax(x, t=2.0)
    ref = ref_value(np.array([0.5, 1.0]), 2.0, -1, 2)
    np.testing.assert_allclose(v, ref, rtol=1e-14)
    assert g[0] == 0 and g[3] == 0
    np.testing.assert_allclose(g[1:3], gen.soft_argmax_grad(np.array([0.5, 1.0]), t=2.0), rtol=1e-14)


# ----------------------------------------------------------------------------------------------------
# the derivation: generated file up to date, steps hold, verdicts on the seed's formulas
# ----------------------------------------------------------------------------------------------------
def test_generated_module_is_printed_from_the_derivation():
    from derive import registry
    from derive.codegen import module_source
    from derive.rendering import ROOT

    d = registry.load("argmax-softargmax")
    (module,) = d.code
    assert module_source(module, d) == (ROOT / "derive/generated/soft_argmax.py").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def derivation():
    from derive import registry

    return registry.load("argmax-softargmax")


@pytest.fixture(scope="module")
def checked(derivation):
    from derive.checking import check_derivation

    return check_derivation(derivation)


def test_checker_results(checked):
    assert not checked.failed_steps, [r.step.title for r in checked.failed_steps]
    verdicts = {r.claim.where: r.verdict for r in checked.claims}
    assert "unverified" not in verdicts.values()
    # the seed's gradient formulas drop the cross terms (see the torch test above)
    for where in ("A6.2 ②, first gradient formula", "A6.2 ②, final formula",
                  "A6.2 ②, “随即求导得”, the expression under the limit"):
        assert verdicts[where] == "wrong"
    # exact equalities of the smoothing chain (argmax ignores shifts and increasing maps)
    for where in ("A6.2 ②, smoothing chain, lines 1–2", "A6.2 ②, smoothing chain, line 3",
                  "A6.2 ②, smoothing chain, line 4 (the circled step)"):
        assert verdicts[where] == "correct"
    # limit statements fail at ties (S_t → mean of the tied indices; exact test above) but hold otherwise
    assert verdicts["A6.2 ②, the temperature form and its limit"] == "imprecise"
    assert verdicts["A6.2 ②, the parenthesis after the temperature form"] == "imprecise"


# ----------------------------------------------------------------------------------------------------
# the page: answers, errata fields, worked counter-examples, both languages
# ----------------------------------------------------------------------------------------------------
def test_answer_gradient_is_the_autograd_gradient(rng, derivation):
    """The boxed general result t(diag 𝐬 − 𝐬𝐬ᵀ)𝐢, with numbers put in for 𝐬, 𝐢 and t, is torch's gradient."""
    import sympy as sp

    torch = pytest.importorskip("torch")
    from derive.derivations import argmax_softargmax as m

    result = derivation.answers[1].result
    assert result.lhs == sp.Derivative(m.S_t, m.xvec)
    for n, t in ((2, 0.4), (3, 1.7), (6, 5.0)):
        x = rng.normal(scale=2.0, size=n)
        xt = torch.tensor(x, requires_grad=True)
        (torch.softmax(t * xt, dim=0) * torch.arange(1, n + 1, dtype=torch.float64)).sum().backward()
        s = special.softmax(t * x)
        value = result.rhs.xreplace({m.S_VEC: sp.ImmutableMatrix(s), m.I_VEC: sp.ImmutableMatrix(range(1, n + 1)),
                                     m.t: sp.Float(t)}).doit()
        np.testing.assert_allclose(np.array(sp.Matrix(value), dtype=float).ravel(), xt.grad.numpy(), rtol=1e-12,
                                   atol=1e-15)


def test_answer_bound_holds_in_float64(rng, derivation):
    """The third answer's |S_t − argmax 𝐱| ≤ n(n−1)/2·e^{−tδ}, against SciPy's softmax."""
    import sympy as sp

    from derive.derivations import argmax_softargmax as m

    bound = sp.lambdify((m.n_, m.t, m.delta), derivation.answers[2].result.rhs, "numpy")
    for _ in range(200):
        n, t = int(rng.integers(2, 8)), float(10 ** rng.uniform(-2, 2))
        x = rng.normal(scale=2.0, size=n)
        top = np.sort(x)
        err = abs(ref_value(x, t, -1, 1) - (np.argmax(x) + 1))
        assert err <= bound(n, t, top[-1] - top[-2]) * (1 + 1e-12) + 1e-13


def test_answers_are_general_forms(derivation):
    """No explicit-size instance (x1, x2, …) in the boxed results: they hold for every n."""
    assert len(derivation.answers) == 3
    for a in derivation.answers:
        names = {str(s) for s in a.result.lhs.free_symbols | a.result.rhs.free_symbols}
        assert not any(name[1:].isdigit() for name in names), names


def test_every_claim_has_its_errata_fields(derivation, checked):
    titles = {str(s.title) for s in derivation.steps}
    for r in checked.claims:
        c = r.claim
        assert str(c.why).strip(), c.where
        assert not c.step or str(c.step) in titles, (c.where, c.step)
        if r.verdict == "correct":
            assert c.severity == "" and c.corrected is None, c.where
        else:
            assert c.severity in ("slip", "degenerate", "error"), c.where
            assert hasattr(c.corrected, "free_symbols"), c.where  # a SymPy statement, printed, not prose
            assert c.step, c.where
    errors = {r.claim.where for r in checked.claims if r.claim.severity == "error"}
    assert errors == {r.claim.where for r in checked.claims if r.verdict == "wrong"}


def test_counter_examples_are_the_worked_ones(checked):
    """The first counter-example is the small one the why line quotes, with entries counted from 1."""
    evidence = {r.claim.where: str(r.evidence) for r in checked.claims}
    assert evidence["A6.2 ②, first gradient formula"].startswith(
        "at x1 = 0, x2 = 0: left side [1] = 0.25, right side [1] = -0.25")
    assert "at t = 1, x1 = 0, x2 = 0: left side [1] = 0.25" in evidence["A6.2 ②, “随即求导得”, the expression under the limit"]
    assert "right side = 0.75" in evidence["A6.2 ②, final formula"]
    assert "x = (0, 0, 1): the seed's value S_1(𝐱) = 2.364" in evidence["A6.2 ②, first soft-argmax display"]
    assert "x = (0, 0, 0.5)" in evidence["A6.2 ②, smoothing chain, lines 5–6"]
    assert "x = (0, 1, 0.5), t₁ = 0.1, t₂ = 1" in evidence["A6.2 ②, “显然，这是一个更接近的近似”"]
    assert "50, 5000, 500000 at t = 100" in evidence["A6.2 ②, first remark after the limit"]
    assert "x = (1, 0, 1)" in evidence["A6.2 ②, the temperature form and its limit"]


def test_worked_cases_come_first_in_every_search():
    from derive.checking import rng_for
    from derive.derivations import _argmax_numerics as nm

    probe = nm.Worked(nm.probe_soft_argmax_close, {"x": nm.mp(0, 0, 1)})
    for key in ("a", "b", "a"):
        rng = rng_for(key)
        first, second = probe(rng), probe(rng)
        assert first.point == {"x": "(0, 0, 1)"} and not first.holds
        assert second.point != first.point


def test_every_text_has_chinese(derivation, checked):
    import re

    from derive.i18n import catalog
    from derive.i18n.coverage import missing_prose, monolingual_evidence, prose

    assert missing_prose(derivation, "argmax_softargmax") == []
    assert monolingual_evidence(checked) == []
    # the probes' own words are Chinese on the Chinese page (the checker's method names are the engine's)
    english = re.compile(r"\b(?!softmax|argmax|one|hot|exp|max|lim|sets?\b)[a-z]{3,}\b")
    for r in checked.claims:
        zh = re.sub(r"（(expand|simplify)[^）]*）", "", r.evidence.zh)
        assert not english.search(zh), (r.claim.where, english.search(zh).group(), zh)
    # no stale entries: every key of the catalog is a text of the page
    texts = {str(v) for _, v in prose(derivation)}
    stale = [k for k in catalog("argmax_softargmax") if k not in texts and k not in catalog(None)]
    assert not stale, stale


# ----------------------------------------------------------------------------------------------------
# the printing the derivation relies on, and the exact references its probes and verification use
# ----------------------------------------------------------------------------------------------------
def test_results_print_in_textbook_order():
    import sympy as sp

    from derive.kit.symbols import entry, product
    from derive.printing import tex

    t, j, s_t, s_j = sp.Symbol("t", positive=True), sp.Symbol("j"), sp.Symbol("S_t"), sp.Symbol("s_j")
    assert tex(product(t, s_j, j - s_t)) == r"t s_{j} \left(j - S_{t}\right)"
    assert tex(s_j * t * (j - s_t)) == r"s_{j} t \left(j - S_{t}\right)"  # an evaluated product keeps SymPy's order
    assert tex(1 - s_t) == r"1 - S_{t}"
    assert tex(sp.Derivative(s_t, sp.Symbol("x_j"))) == r"\frac{\partial S_{t}}{\partial x_{j}}"
    assert tex(entry(sp.Symbol("x"), j)) == "x_{j}"


def test_code_nodes_print_as_row_reductions():
    import sympy as sp

    from derive.functions import Argmax, Dot, SumOf
    from derive.printing import numpy_code

    x, e, j, k = (sp.Symbol(s, real=True) for s in ("xb", "e", "j", "k"))
    assert numpy_code(Argmax(x) - 1, axis="-1") == "numpy.argmax(xb, axis=-1, keepdims=True)"
    assert numpy_code(Argmax(x), axis="-1") == "(numpy.argmax(xb, axis=-1, keepdims=True) + 1)"
    assert numpy_code(sp.Indexed(sp.IndexedBase(x), k), axis="-1") == "numpy.take_along_axis(xb, k, axis=-1)"
    assert numpy_code(SumOf(e), axis="-1") == "numpy.sum(e, axis=-1, keepdims=True)"
    assert numpy_code(Dot(e, j), axis="-1") == "numpy.matmul(e, j)[:, None]"
    rows = np.random.default_rng(3).normal(size=(4, 5))
    col = np.arange(1.0, 6.0)
    space = {"numpy": np, "e": rows, "j": col, "xb": rows, "k": np.argmax(rows, axis=-1, keepdims=True)}
    np.testing.assert_allclose(eval(numpy_code(Dot(e, j), axis="-1"), space), (rows @ col)[:, None])
    space["e"] = rows.T  # the same rows along axis 0
    np.testing.assert_allclose(eval(numpy_code(Dot(e, j), axis="0"), space), (rows @ col)[None, :])
    np.testing.assert_array_equal(eval(numpy_code(sp.Indexed(sp.IndexedBase(x), k), axis="-1"), space),
                                  rows.max(axis=-1, keepdims=True))
    assert Argmax.numeric(1, 3, 3, 2) == 2  # the first maximiser, counted from 1


@pytest.mark.parametrize("x,t", CASES_MP[:6])
def test_probe_references_against_differences_of_the_definition(x, t):
    from derive.derivations import _argmax_numerics as nm

    with mpmath.workdps(60):
        xs = [mpmath.mpf(float(v)) for v in x]
        grad = nm.gradient(xs, mpmath.mpf(t))
        ref = mp_gradient_fd(x, t, dps=60)
        assert max(abs(a - b) for a, b in zip(grad, ref)) <= mpmath.mpf("1e-15") * max(1, max(abs(v) for v in ref))
        ks = nm.argmax_set(xs)[0]
        assert abs(nm.deviation(xs, t) - (mp_value(x, t, dps=60) - ks)) <= mpmath.mpf("1e-40")
