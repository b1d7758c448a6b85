"""The max-logsumexp derivation's own checks and the order-statistics kit they use: each check must
reject a planted mistake, and the kit's SymPy forms must agree with plain Python on numbers."""
import itertools

import mpmath
import numpy as np
import pytest
import sympy as sp

from derive.checking import run_check
from derive.derivations import max_logsumexp as mod
from derive.functions import MaxOf, MaxSubgradientEntry, numeric_namespace
from derive.kit import scalars, ties_domain
from derive.kit.order import runner_up, small_integers_domain, tie_at_top, unique_max
from derive.model import Domain, Implies, OnlyIf, Relation
from derive.printing import tex


# --- kit.order against plain Python --------------------------------------------------------------------
@pytest.mark.parametrize("n", [2, 3, 5])
def test_runner_up_and_unique_max_match_sorting(n):
    xs = scalars("x", n)
    second, unique = sp.lambdify(xs, runner_up(xs)), sp.lambdify(xs, unique_max(xs))
    rng = np.random.default_rng(n)
    points = [list(p) for p in itertools.product((-1, 0, 2), repeat=n)]
    points += [list(rng.uniform(-3, 3, size=n)) for _ in range(50)]
    for p in points:
        ordered = sorted(p, reverse=True)
        assert second(*p) == ordered[1]
        assert bool(unique(*p)) == (ordered[0] > ordered[1]), p


def test_tie_at_top_writes_the_tie_into_the_point_and_keeps_it_on_top():
    xs = scalars("x", 4)
    point, ranges = tie_at_top(xs, 3)
    assert point == [xs[0], xs[0], xs[0], xs[3]]
    assert ranges[xs[0]][0] > ranges[xs[3]][1]
    with pytest.raises(ValueError, match="tied"):
        tie_at_top(xs, 1)
    with pytest.raises(ValueError, match="xs"):
        runner_up(xs[:1])


def test_small_integers_domain_meets_both_sides_of_a_tie_condition():
    xs = scalars("x", 3)
    # "1 where the maximum is unique, else 0" equals 1 at almost every real point: only a sampled tie refutes it
    indicator = sp.Piecewise((1, unique_max(xs)), (0, True))
    assert run_check(Relation(indicator, sp.Integer(1), domain=Domain()), "real points").holds
    out = run_check(Relation(indicator, sp.Integer(1), domain=small_integers_domain(xs)), "integer points")
    assert not out.holds
    values = sorted(float(out.point[f"x{k}"]) for k in (1, 2, 3))
    assert all(v == int(v) for v in values) and values[-1] == values[-2]


# --- the derivation's checks reject planted mistakes ---------------------------------------------------
def test_every_step_and_claim_has_the_expected_result():
    from derive.checking import check_derivation

    checked = check_derivation(mod.derivation())
    assert not checked.failed_steps
    verdicts = {r.claim.where: r.verdict for r in checked.claims}
    assert verdicts["A6.2 ①, last formula"] == "imprecise"
    assert verdicts["A6.2 ①, after (2)"] == "correct"
    assert verdicts["A6.2 ①, first paragraph"] == "correct"


def test_rate_bound_rejects_a_bound_that_is_too_small():
    good = mod.rate_bound(3)
    assert run_check(good, "rate").holds
    too_small = Relation(good.lhs, good.rhs / 4, "<=", good.domain)  # (n−1)/2·e^{−tδ} fails near a tie
    assert not run_check(too_small, "rate/4").holds


def test_gradient_of_max_only_where_the_maximum_is_unique():
    xs = scalars("x", 3)
    step = next(s for s in mod.derivation().steps if s.title.startswith("Where the maximum is unique"))
    out = run_check(step.check, "only if")
    assert out.holds and "counter-example" in out.detail
    # the tie it names is a real tie of integers
    x = [float(out.point[f"x{k}"]) for k in (1, 2, 3)]
    assert sorted(x)[-1] == sorted(x)[-2]
    # a wrong condition (the opposite) must be rejected
    wrong = OnlyIf(step.check.relation, sp.Not(unique_max(xs)))
    assert not run_check(wrong, "only if/wrong").holds
    # and so must a wrong right-hand side (the gradient of max is not softmax(x) itself)
    soft = mod.softmax_column(xs)
    rel = Relation(step.check.relation.lhs, sp.Matrix.vstack(soft, soft), domain=step.check.relation.domain)
    assert not run_check(OnlyIf(rel, unique_max(xs)), "only if/softmax").holds


def test_one_sided_quotients_are_exact_for_small_steps():
    xs = scalars("x", 3)
    q = sp.lambdify([mod.h, *xs], list(mod.one_sided_quotients(xs)), modules=[numeric_namespace(), "mpmath"])
    with mpmath.workdps(30):
        assert [float(v) for v in q(mpmath.mpf("1e-6"), *map(mpmath.mpf, (1, 1, -2)))] == [1, 1, 0, 0, 0, 0]  # tie: 1 right, 0 left
        assert [float(v) for v in q(mpmath.mpf("1e-6"), *map(mpmath.mpf, (0.5, 2, -2)))] == [0, 1, 0, 0, 1, 0]


def test_smooth_max_decreases_in_t_and_the_reverse_is_refuted():
    assert run_check(mod.decreasing_in_t(3), "decreasing").holds
    ys = scalars("x", 3)
    t1, t2 = sp.symbols("t1 t2", positive=True)
    reverse = Implies(sp.Lt(t1, t2), sp.Ge(mod.smooth_max(ys).subs(mod.t, t2), mod.smooth_max(ys).subs(mod.t, t1)),
                      ties_domain(ys, ranges={t1: (0.05, 4.0), t2: (0.05, 4.0)}))
    assert not run_check(reverse, "increasing").holds


def test_tie_checks_reject_a_non_subgradient():
    xs = scalars("x", 3)
    d = scalars("d", 3)
    point, ranges = tie_at_top(xs, 2)
    one_hot = [1, 0, 0]  # e_1 is a subgradient at a tie too; 2·e_1 is not
    bad = Relation(MaxOf(*[x + e for x, e in zip(point, d)]), MaxOf(*point) + 2 * sum(a * b for a, b in zip(one_hot, d)),
                   ">=", Domain(ranges=ranges))
    assert not run_check(bad, "not a subgradient").holds
    assert all(run_check(c, f"tie/{i}").holds for i, c in enumerate(mod.tie_checks(xs)))


def test_min_norm_subgradient_prints_with_brackets_and_powers():
    x1, x3 = sp.symbols("x1 x3", real=True)
    text = tex(MaxSubgradientEntry(1, x1, x1, x3) ** 2)
    assert r"\max \left(x_{1}, x_{1}, x_{3}\right)" in text and text.endswith("^{2}")
    assert tex(sp.Derivative(MaxOf(mod.xvec), mod.xvec)).startswith(r"\frac{\partial}{\partial \mathbf{x}}")
