"""The A6.3 RNN page as a reader gets it: every prose text and every piece of evidence in English and
Chinese, general forms shown and the checked instances short, the seed's claims with their errata, one
answer per question, and a notation in which a name means one thing."""
from __future__ import annotations

import pytest
import sympy as sp

from derive.checking import check_derivation
from derive.derivations import rnn_jacobian as rj
from derive.i18n.coverage import missing_prose, monolingual_evidence
from derive.model import SEVERITIES, Relation, Search
from derive.printing import tex

from conftest import relations


@pytest.fixture(scope="module")
def page():
    d = rj.derivation()
    return d, check_derivation(d)


def test_every_text_and_every_piece_of_evidence_has_chinese(page):
    d, checked = page
    assert missing_prose(d, "rnn_jacobian") == []
    assert monolingual_evidence(checked) == []


def test_general_forms_are_short_and_the_instances_fold_away(page):
    """What a reader sees outside the collapsed blocks is a size-free formula; the instance under it (the
    first two relations, what the page prints) stays a few thousand TeX characters at most."""
    d, _ = page
    for step in d.steps:
        shown = step.show if step.show is not None else getattr(step.check, "formula", None)
        if shown is None:  # no general form: the check itself is shown, and must be short
            assert len(tex(step.check)) <= 400, step.title
            continue
        assert len(tex(shown)) <= 600, step.title
        assert "matrix}" not in tex(shown), step.title  # no explicit entries in a general form
        for r in list(relations(step.check))[:2]:
            assert len(tex(r)) <= 4000, step.title


def test_no_equality_prints_the_same_on_both_sides(page):
    """Neither a general form nor a derivation step's instance reads "M = M" (the code steps' instances
    are identities by construction and are exempt)."""
    d, _ = page
    for step in d.steps:
        for r in relations(step.show if step.show is not None else ()):
            assert tex(r.lhs) != tex(r.rhs), step.title
        if str(step.title).startswith("Code"):
            continue
        for r in list(relations(step.check))[:2]:
            assert tex(r.lhs) != tex(r.rhs), step.title


def test_every_claim_has_its_errata(page):
    d, checked = page
    titles = {str(s.title) for s in d.steps}
    for r in checked.claims:
        c = r.claim
        assert str(c.why).strip(), c.where
        if c.step:
            assert str(c.step) in titles, c.where
        if r.verdict == "correct":
            assert c.severity == "" and c.corrected is None, c.where
        else:
            assert c.severity in SEVERITIES and c.corrected is not None and c.step, c.where
    by_where = {r.claim.where: r for r in checked.claims}
    assert by_where["A6.3 RNN, “则梯度为”"].claim.severity == "error"  # one factor too many changes the result
    assert by_where["A6.3, “对于普通的RNN”, the model"].verdict == "correct"  # a bias-free model is a choice


def test_one_answer_per_question_in_general_form(page):
    d, _ = page
    assert len(d.answers) == 3
    for a in d.answers:
        printed = tex(a.result)
        assert "matrix}" not in printed and len(printed) <= 400, a.question


def test_notation_names_each_symbol_once_and_w_ih_is_w_i():
    """W_ih is torch's name for W_I (H × D) and nothing else on the page: every matrix symbol named W_ih in
    a shown form has W_I's shape, and the notation lists each symbol once."""
    d = rj.derivation()
    names = [tex(sym) for sym, _ in d.notation]
    assert len(names) == len(set(names))
    shown = [s.show for s in d.steps if s.show is not None] + [a.result for a in d.answers]
    shown += list(d.context["code_shown"].values())

    def atoms(obj):
        if isinstance(obj, (list, tuple)):
            for o in obj:
                yield from atoms(o)
        elif isinstance(obj, dict):
            yield from atoms(list(obj.values()))
        elif isinstance(obj, Relation):
            yield from atoms([obj.lhs, obj.rhs])
        elif isinstance(obj, sp.Basic):
            yield from obj.atoms(sp.MatrixSymbol)

    for sym in atoms(shown):
        if tex(sym) in ("W_{ih}", "W_{I}"):
            assert sym.shape == (rj.H, rj.D), sym
        if tex(sym) in ("W_{hh}", "W_{R}"):
            assert sym.shape == (rj.H, rj.H), sym
    meanings = {tex(sym): str(m) for sym, m in d.notation}
    assert "W_ih" in meanings["W_{I}"] and "W_hh" in meanings["W_{R}"]


def test_searches_name_what_their_number_measures(page):
    """No bare "largest error": each search says which ratio or norm its number is."""
    d, checked = page
    searches = [s.check for s in d.steps if isinstance(s.check, Search)]
    searches += [c for c in (cl.stated for cl in d.claims) if isinstance(c, Search)]
    assert searches
    for s in searches:
        assert str(s.error_name) != "largest error" and s.error_name.zh
    for r in list(checked.steps) + list(checked.claims):
        text = str(getattr(r, "evidence", None) or r.outcome.detail)
        assert "largest error" not in text
