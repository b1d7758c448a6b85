"""The max-logsumexp derivation's own checks and the order-statistics kit they use: each check must
reject a planted mistake, and the kit's SymPy forms must agree with plain Python on numbers."""
import itertools
import re

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
from derive.i18n import catalog
from derive.i18n.zh import max_logsumexp as own_catalog
from derive.i18n.coverage import missing_prose, monolingual_evidence, prose
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
    # the errata: a severity exactly where the verdict is not "correct", with a why, a corrected statement
    # and a link to a step that exists; the counter-examples and evidence in both languages
    titles = {s.title for s in checked.derivation.steps}
    for r in checked.claims:
        c = r.claim
        assert (c.severity == "") == (r.verdict == "correct"), c.where
        assert c.why and c.step in titles, c.where
        assert (c.corrected is None) == (r.verdict == "correct"), c.where
    assert {r.claim.where: r.claim.severity for r in checked.claims}["A6.2 ①, after the partial derivative"] == "slip"
    assert not monolingual_evidence(checked)
    # the fewest symbols: the softmax(x_i) counter-example names two entries, not three
    evidence = {r.claim.where: r.evidence for r in checked.claims}["A6.2 ①, after the partial derivative"]
    assert "x2 = " in str(evidence) and "x3" not in str(evidence) and "x2 = " in evidence.zh


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


# --- the page: general forms, no equality that prints the same on both sides, both languages --------------
def displayed(d):
    """(where, formula) for what the page shows unfolded: model, each step's general form (its check when it
    has none), the answers' results and the corrected statements."""
    out = [(f"model {what}", expr) for what, expr in d.model]
    for s in d.steps:
        shown = s.show if s.show is not None else s.check
        out += [(s.title, f) for f in (shown[:2] if isinstance(shown, tuple) else (shown,))]
    out += [(a.question, a.result) for a in d.answers]
    out += [(c.where, c.corrected) for c in d.claims if c.corrected is not None]
    return out


def sides(formula):
    """The two sides of an equality as printed, or None for anything else."""
    if isinstance(formula, OnlyIf):
        return sides(formula.relation)
    if isinstance(formula, sp.Implies):
        return sides(formula.args[1])
    if isinstance(formula, Relation) and formula.op == "=":
        return tex(formula.lhs), tex(formula.rhs)
    if isinstance(formula, sp.Eq):
        return tex(formula.lhs), tex(formula.rhs)
    return None


def test_no_displayed_equality_prints_the_same_on_both_sides():
    d = mod.derivation()
    same = [where for where, f in displayed(d) if (pair := sides(f)) and pair[0] == pair[1]]
    assert not same
    # the detector sees a planted one, inside an implication too
    x = mod.xvec
    assert sides(Relation(MaxOf(x), MaxOf(x)))[0] == sides(Relation(MaxOf(x), MaxOf(x)))[1]
    planted = sp.Implies(sp.Gt(mod.delta, 0), sp.Eq(MaxOf(x), MaxOf(x), evaluate=False), evaluate=False)
    assert len(set(sides(planted))) == 1


def test_the_page_says_n_where_the_text_says_n():
    d = mod.derivation()
    for where, f in displayed(d):
        text = tex(f)
        assert not re.search(r"\\log\{\\left\(\d", text), f"{where}: log of a number instead of log n: {text}"
        assert not re.search(r"\bx_\{\d\}", text), f"{where}: an explicit entry x_k instead of 𝐱 or x_i: {text}"
    for s in d.steps:
        if re.search(r"\bn\b", str(s.title)):
            assert mod.n in sp.sympify(s.show.lhs - s.show.rhs).free_symbols, s.title
        if isinstance(s.check, tuple) and len(s.check) > 1:  # several instances: a general form is shown
            assert s.show is not None, s.title
    for a in d.answers:
        names = {sym.name for sym in sp.sympify(a.result.lhs - a.result.rhs).free_symbols}
        assert not any(re.fullmatch(r"[a-z]\d+", name) for name in names), a.question


def test_every_text_has_chinese_and_the_catalog_nothing_stale():
    d = mod.derivation()
    assert not missing_prose(d, "max_logsumexp")
    used = {str(v) for _, v in prose(d)}
    assert not [k for k in own_catalog.ZH if k not in used], "stale entries: the English changed or went away"
    zh = catalog("max_logsumexp")
    # a translation, not the English copied: every sentence of three words or more has Chinese in it
    for english in used:
        if len(re.findall(r"(?:^|\s)[A-Za-z]{2,}", english)) >= 3:
            assert re.search(r"[\u4e00-\u9fff]", zh[english]), english
