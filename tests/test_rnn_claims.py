"""The A6.3 RNN page's verdicts against independent numerics: torch autograd Jacobians of the unrolled
tanh recurrence (float64), so that the checker's evidence is confirmed by a second route."""
from __future__ import annotations

import numpy as np
import pytest

from derive.checking import check_claim, check_step
from derive.derivations import rnn_jacobian as rj

torch = pytest.importorskip("torch")


def torch_jacobian(W_R, W_I, b, xs, h_start, steps):
    """∂h_{l+steps}/∂h_l of h ↦ tanh(W_I x + W_R h + b), by torch autograd (float64)."""
    W_R, W_I, b = (torch.as_tensor(v, dtype=torch.float64) for v in (W_R, W_I, b))
    xs = torch.as_tensor(xs, dtype=torch.float64)

    def run(h):
        for k in range(steps):
            h = torch.tanh(W_I @ xs[k] + W_R @ h + b)
        return h

    return torch.autograd.functional.jacobian(run, torch.as_tensor(h_start, dtype=torch.float64)).numpy()


@pytest.fixture(scope="module")
def claims():
    return {c.claim: c for c in rj.seed_claims()}


def find(claims, text):
    (hit,) = [c for k, c in claims.items() if text in k]
    return hit


def test_saturation_counterexample_is_real(claims):
    """ρ(W_R) > 1 and still ‖∂h_40/∂h_0‖₂ < 1: confirmed with torch, eigenvalues from torch.linalg."""
    claim = find(claims, "主特征值大于1")
    result = check_claim(claim, rj.NAME)
    assert result.verdict in ("imprecise", "wrong")
    c = result.outcome.witness.data  # the network the search found (what the page's plot draws)
    rho = float(torch.linalg.eigvals(torch.as_tensor(c["W"])).abs().max())
    assert rho > 1
    J = torch_jacobian(c["W"], c["W_I"], c["b"], c["xs"], c["h0"], rj.HORIZON)
    assert np.linalg.norm(J, 2) < 1
    assert np.isclose(np.linalg.norm(J, 2), c["norms"][-1], rtol=1e-8, atol=1e-300)


def test_transient_growth_counterexample_is_real(claims):
    """ρ(W_R) < 1 and still ‖∂h_40/∂h_0‖₂ > 1: after 40 steps the gradient has not vanished; confirmed with
    torch, and the network is far from normal (σ_max > 1), the reason the page gives."""
    claim = find(claims, "主特征值小于1, 则会导致梯度消失")
    result = check_claim(claim, rj.NAME)
    assert result.verdict in ("imprecise", "wrong")
    c = result.outcome.witness.data
    rho = float(torch.linalg.eigvals(torch.as_tensor(c["W"])).abs().max())
    assert rho < 1
    t = rj.HORIZON
    J = torch_jacobian(c["W"], c["W_I"], c["b"], c["xs"], c["h0"], t)
    assert np.linalg.norm(J, 2) > 1
    # 1e10-fold growth amplifies round-off: the two routes agree to a few digits, far from the threshold 1
    assert np.isclose(np.linalg.norm(J, 2), c["norms"][-1], rtol=1e-3)
    # and the singular-value bound still holds there (the page's reading of the claim)
    s = float(torch.linalg.matrix_norm(torch.as_tensor(c["W"]), ord=2))
    assert np.linalg.norm(J, 2) <= s ** t * (1 + 1e-9)


def test_product_range_and_order_numerically():
    """The seed's ∏_{i=l}^{t} (either order) is not ∂h_t/∂h_l; k = t … l+1, later on the left, is."""
    rng = np.random.default_rng(63)
    H, D, t, l = 3, 2, 4, 1
    W_R, W_I, b = rng.normal(size=(H, H)), rng.normal(size=(H, D)), rng.normal(size=H) * 0.5
    xs = rng.normal(size=(t + 1, D))  # xs[k] = x_k, k = 0 … t (x_0 unused by the model)
    h = {0: np.tanh(rng.normal(size=H))}
    a = {}
    for k in range(1, t + 1):
        a[k] = W_I @ xs[k] + W_R @ h[k - 1] + b
        h[k] = np.tanh(a[k])
    J = torch_jacobian(W_R, W_I, b, xs[l + 1:], h[l], t - l)

    def factor(k):
        return np.diag(1 - np.tanh(a[k]) ** 2) @ W_R

    def product(ks):
        out = np.eye(H)
        for k in ks:
            out = out @ factor(k)
        return out

    assert np.allclose(product(range(t, l, -1)), J, rtol=1e-12, atol=1e-14)
    assert not np.allclose(product(range(l + 1, t + 1)), J, rtol=1e-3)  # ascending order
    assert not np.allclose(product(range(t, l - 1, -1)), J, rtol=1e-3)  # i = l … t, descending
    assert not np.allclose(product(range(l, t + 1)), J, rtol=1e-3)  # i = l … t, ascending
    verdict = check_claim(find({c.claim: c for c in rj.seed_claims()}, "\\prod_{i=l}^t"), rj.NAME).verdict
    assert verdict == "wrong"  # both readings fail numerically above


def test_norm_bound_step_holds_and_is_nearly_tight():
    """The checked bound ‖∂h_t/∂h_0‖₂ ≤ σ_max^t holds, and for W_R = s·orthogonal with tiny inputs
    (tanh′ ≈ 1) torch's Jacobian comes close to it, so the bound is not vacuous."""
    (step,) = [s for s in rj.steps_and_claims()[0] if s.title.startswith("Norm bound")]
    assert check_step(step, rj.NAME).ok
    rng = np.random.default_rng(2013)
    H, T = 6, 12
    q, _ = np.linalg.qr(rng.normal(size=(H, H)))
    for s in (0.7, 1.3):
        W = s * q
        J = torch_jacobian(W, rng.normal(size=(H, 2)) * 1e-4, rng.normal(size=H) * 1e-4,
                           rng.normal(size=(T, 2)), rng.normal(size=H) * 1e-4, T)
        ratio = np.linalg.norm(J, 2) / s ** T
        assert 0.99 < ratio <= 1 + 1e-12


def test_counterexample_plot_draws_the_checked_witnesses():
    """The plot names the two claims whose searches it draws (no re-search, no module global): both are
    claims of the page, and their failing outcomes carry the networks."""
    d = rj.derivation()
    (plot,) = [p for p in d.plots if p.name == "rnn-counterexamples"]
    wheres = {c.where: c for c in d.claims}
    assert set(plot.needs) == {rj.VANISHES_WHERE, rj.EXPLODES_WHERE} <= set(wheres)
    for where in plot.needs:
        outcome = check_claim(wheres[where], rj.NAME).outcome
        assert not outcome.holds and outcome.witness.data["norms"].shape == (rj.HORIZON,)


def test_small_counterexamples_are_the_ones_a_student_can_redo():
    """The failing formula claims are refuted at the special points of small integers, and the numbers in
    the evidence are what NumPy gives for the true Jacobian (left) and the seed's formula (right)."""
    d = {c.where: c for c in rj.seed_claims()}
    tp1 = 1 - np.tanh(1.0) ** 2  # tanh′(1); tanh′(0) = 1
    # ∏_{i=l}^{t} with W_R = 2I and no saturation: ∂h_2/∂h_1 = W_R, the seed's range gives W_R²
    range_claim = check_claim(d["A6.3 RNN, “则梯度为”"], rj.NAME)
    assert range_claim.verdict == "wrong"
    assert "W^R_11 = 2" in range_claim.evidence.en and "left side (1, 1) = 2.0, right side (1, 1) = 4.0" in \
        range_claim.evidence.en
    # the product read left to right: W_R swaps the units, tanh′(a_1) = (1, tanh′(1)), tanh′(a_2) = (1, 1)
    swap = np.array([[0.0, 1.0], [1.0, 0.0]])
    D1, D2 = np.diag([1.0, tp1]), np.eye(2)
    true, seed = D2 @ swap @ D1 @ swap, D1 @ swap @ D2 @ swap
    order = check_claim(d["A6.3 RNN, “其中”, the product sign"], rj.NAME)
    assert order.verdict == "imprecise"
    assert f"left side (1, 1) = {true[0, 0]:.6g}, right side (1, 1) = {seed[0, 0]:.6g}" in order.evidence.en
    # the sum over paths read with total derivatives counts the path through h_1 twice: 2 instead of 1
    paths = check_claim(d["A6.3 RNN, first gradient formula"], rj.NAME)
    assert "left side (1, 1) = 1.0, right side (1, 1) = 2.0" in paths.evidence.en


def test_named_instance_is_the_nested_jacobian():
    """The instances print pre-activations as a_{k,i} after SymPy has differentiated the nested h_t(h_l);
    filled with the actual pre-activations, the named Jacobian is torch's Jacobian of the recurrence."""
    import sympy as sp

    rng = np.random.default_rng(7)
    W_R, W_I, b = rng.normal(size=(2, 2)), rng.normal(size=(2, 2)), rng.normal(size=2)
    xs, h0 = rng.normal(size=(4, 2)), np.tanh(rng.normal(size=2))
    a, h = {}, {0: h0}
    for k in range(1, 4):
        a[k] = W_I @ xs[k - 1] + W_R @ h[k - 1] + b
        h[k] = np.tanh(a[k])
    symbols = list(rj.W_R) + [s for k in range(1, 4) for s in rj.column("a", 2, k)]
    values = list(W_R.ravel()) + [v for k in range(1, 4) for v in a[k]]
    named = sp.lambdify(symbols, rj.state_jacobian(3, 0, name=True),
                        modules=[{"TanhPrime": lambda z: 1 - np.tanh(z) ** 2}, "numpy"])
    assert np.allclose(named(*values), torch_jacobian(W_R, W_I, b, xs, h0, 3), rtol=1e-12, atol=1e-14)
