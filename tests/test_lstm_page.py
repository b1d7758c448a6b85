"""The A6.3 LSTM page as a reader gets it: every prose text and every piece of evidence in English and
Chinese, general forms that fit a line, the checked instances short, the seed's claims with their errata,
one answer per question whose general result is what the derivation checks (compared with independent
NumPy references and central differences), and a notation in which a name means one thing."""
from __future__ import annotations

import os
import re
import subprocess
import sys

import numpy as np
import pytest
import sympy as sp

from derive.checking import check_derivation
from derive.derivations import _lstm_claims as lc
from derive.derivations import _lstm_forms as lf
from derive.derivations import lstm_jacobian as lj
from derive.functions import to_elementary
from derive.i18n.coverage import missing_prose, monolingual_evidence
from derive.kit.matrices import explicit
from derive.kit.recurrent import lstm_joint_jacobian, lstm_trajectory, random_lstm
from derive.model import SEVERITIES, Relation, Search, Tr
from derive.printing import tex

from conftest import relations

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture(scope="module")
def page():
    d = lj.derivation()
    return d, check_derivation(d)


def rendered_width(line: str) -> int:
    """About how many characters a line of TeX takes when rendered: commands and braces dropped, a
    fraction as wide as its wider part, \\operatorname{diag} as 'diag'."""
    s = re.sub(r"\\(left|right)(?![a-zA-Z])", "", line)
    s = re.sub(r"\\(operatorname|mathrm|mathbf|text)\{([^{}]*)\}", r"\2", s)
    for _ in range(4):
        s = re.sub(r"\\frac\{([^{}]*)\}\{([^{}]*)\}",
                   lambda m: "x" * max(rendered_width(m.group(1)), rendered_width(m.group(2))), s)
    s = re.sub(r"\\(tanh|max)(?![a-zA-Z])", r"\1", s)
    s = re.sub(r"\\(tilde|hat)(?![a-zA-Z])", "", s)
    s = re.sub(r"\\(begin|end)\{[a-z]*\}", "", s)
    s = re.sub(r"\\[a-zA-Z]+", "x", s)
    s = re.sub(r"[{}^_&]|\\,|\\;|\\!", "", s)
    return len(re.sub(r"\s+", " ", s).strip())


def lines_of(obj):
    """The displayed lines of a shown object (a tuple of relations prints one line each)."""
    return [part for part in re.split(r"\\\\(?![a-zA-Z])", tex(obj)) if part.strip()]


def explicit_matrices(obj):
    """Explicit matrices of scalar entries inside a shown object: a general form has none (a block matrix's
    grid of matrix symbols is general)."""
    if isinstance(obj, (list, tuple)):
        return [m for o in obj for m in explicit_matrices(o)]
    if isinstance(obj, Relation):
        return explicit_matrices([obj.lhs, obj.rhs])
    if not isinstance(obj, sp.Basic):
        return []
    nodes = [obj] + list(sp.preorder_traversal(obj))
    return [a for a in nodes if isinstance(a, sp.MatrixBase) and not all(isinstance(e, sp.MatrixExpr) for e in a)]


def shown_forms(d):
    """Everything the page shows as a general form: model, step forms, answers, corrected statements."""
    out = [("model " + str(what), rel) for what, rel in d.model]
    out += [(str(s.title), s.show) for s in d.steps if s.show is not None]
    out += [(str(a.question), a.result) for a in d.answers]
    out += [(str(c.where), c.corrected) for c in d.claims if isinstance(c.corrected, sp.Basic)]
    return out


# ----------------------------------------------------------------------------------------------------
# languages
# ----------------------------------------------------------------------------------------------------
def test_every_text_and_every_piece_of_evidence_has_chinese(page):
    d, checked = page
    assert missing_prose(d, "lstm_jacobian") == []
    assert monolingual_evidence(checked, "lstm_jacobian") == []
    # the probes' own sentences are bilingual too, so the Chinese evidence carries no English sentence
    for r in checked.claims:
        if isinstance(r.evidence, Tr):
            for english in ("after 99 steps", "without the forget path", "no LSTM in", "weight scale"):
                assert english not in r.evidence.zh, (r.claim.where, r.evidence.zh)


def test_probe_details_are_bilingual():
    from derive.derivations._lstm_numeric import probe_forget_path, probe_no_vanish

    for probe in (probe_no_vanish, probe_forget_path):
        w = probe(np.random.default_rng(3))
        assert isinstance(w.detail, Tr) and w.detail.zh != w.detail.en and set(w.point) == {"b_f", "s"}


def test_coverage_command_reports_nothing_missing():
    env = dict(os.environ, PYTHONPATH=ROOT)
    out = subprocess.run([sys.executable, "-m", "derive.i18n.coverage", "lstm-jacobian"], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "lstm-jacobian: 0 text(s) without Chinese" in out.stdout


# ----------------------------------------------------------------------------------------------------
# what is shown
# ----------------------------------------------------------------------------------------------------
def test_general_forms_fit_a_line_and_have_no_explicit_entries(page):
    d, _ = page
    for where, shown in shown_forms(d):
        assert explicit_matrices(shown) == [], where
        for line in lines_of(shown):
            assert rendered_width(line) <= 80, (where, line)


def test_the_checked_instances_stay_a_few_thousand_characters(page):
    d, _ = page
    for step in d.steps:
        if step.show is None:
            assert len(tex(step.check)) <= 400, step.title
            continue
        assert len(tex(step.show)) <= 700, step.title
        for r in list(relations(step.check))[:2]:  # what the page prints of the instance
            assert len(tex(r)) <= 4000, step.title


def test_no_equality_prints_the_same_on_both_sides(page):
    d, _ = page
    for step in d.steps:
        for r in relations(step.show if step.show is not None else ()):
            assert tex(r.lhs) != tex(r.rhs), step.title
        for r in list(relations(step.check))[:1]:
            assert tex(r.lhs) != tex(r.rhs), step.title


def test_named_two_step_instance_is_the_unrolled_derivative():
    """The two-step instances print a_{g,i+k} and C_{i+1} for subexpressions once SymPy has differentiated;
    filled with those subexpressions, the named true derivative is SymPy's derivative of the unrolled C_{i+2}
    (so naming only strengthened the checked identity and labelled nothing wrongly)."""
    c, o_i, true2, _, _, steps = lj.multi_step(2)
    named = lj.two_step()[0]
    back = {v: k for k, v in lj.step_names(steps).items()}
    filled = named
    for _ in range(3):  # names inside names: C_{i+1} holds a_{g,i+1}
        filled = filled.xreplace(back)
    rng = np.random.default_rng(5)
    for _ in range(3):
        point = {s: sp.Float(rng.uniform(0.1, 0.9) if s == o_i else rng.uniform(-1.5, 1.5))
                 for s in true2.free_symbols}
        a, b = (to_elementary(e.xreplace(point)).evalf(30) for e in (filled, true2))
        assert abs(a - b) <= 1e-20 * max(1, abs(b))
    assert named.free_symbols != true2.free_symbols  # it is named


# ----------------------------------------------------------------------------------------------------
# the seed's claims
# ----------------------------------------------------------------------------------------------------
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
        else:  # imprecise, wrong, and the unverified ones (whose precise statement is given)
            assert c.severity in SEVERITIES and c.corrected is not None and c.step, c.where
    by_where = {r.claim.where: r for r in checked.claims}
    model = by_where["A6.3 对于LSTM, the model equations"]
    assert model.verdict == "correct"  # a bias-free model is the seed's declared convention
    assert by_where["A6.3 对于LSTM, 约定"].verdict == "imprecise" and by_where["A6.3 对于LSTM, 约定"].claim.severity == "slip"
    product = by_where["A6.3 对于LSTM, 其中"]
    assert product.verdict == "wrong" and product.claim.severity == "error" and product.claim.step == lj.STEP_CHAIN
    assert by_where["A6.3 对于LSTM, 展开得到"].verdict == "correct"
    assert by_where["A6.3 对于LSTM, first remark"].verdict == "wrong"


def test_corrected_product_is_the_answer_and_the_checked_chain():
    """The erratum of the seed's ∏ is the chain the second answer gives and step 4 shows (two steps)."""
    (claim,) = [c for c in lc.seed_claims() if c.where == "A6.3 对于LSTM, 其中"]
    chain = lc.chain_form()
    assert claim.corrected == sp.Eq(chain.lhs, chain.rhs, evaluate=False)
    assert lc.answers()[1].result[0] == chain


def test_searches_name_what_their_number_measures(page):
    d, checked = page
    searches = [c for c in (cl.stated for cl in d.claims) if isinstance(c, Search)]
    assert len(searches) == 3
    for s in searches:
        assert str(s.error_name) != "largest error" and s.error_name.zh
    for r in checked.claims:
        assert "largest error" not in str(r.evidence)


# ----------------------------------------------------------------------------------------------------
# the answers: each general result is what the derivation checks
# ----------------------------------------------------------------------------------------------------
def lstm_case(seed, H=3, D=2, T=5, forget_bias=1.0):
    rng = np.random.default_rng(seed)
    p = random_lstm(rng, H, D, scale=1.5, forget_bias=forget_bias)
    p["b"] = p["b"] + rng.normal(0, 0.5, 4 * H)
    xs, h0, c0 = rng.normal(size=(T, D)), rng.normal(0, 0.5, H), rng.normal(0, 0.5, H)
    traj = lstm_trajectory(p, xs, h0, c0)
    for s, x in zip(traj, xs):
        s["x"], s["a"] = x, p["Wx"] @ x + p["Wh"] @ s["h_prev"] + p["b"]
    return p, xs, traj


def general_values(p, traj, labels):
    """{general symbol: numeric column} for the steps ``labels`` ({trajectory index: label})."""
    H = p["Wh"].shape[1]
    col = lambda v: sp.Matrix(np.asarray(v, dtype=float).reshape(-1))  # noqa: E731
    values = {lf.REC[g]: sp.Matrix(p["Wh"][k * H:(k + 1) * H]) for k, g in enumerate(lf.GATES)}
    for index, label in labels.items():
        s, at = traj[index], lf.at(label)
        values.update({at["i"]: col(s["i"]), at["f"]: col(s["f"]), at["ct"]: col(s["g"]), at["o"]: col(s["o"]),
                       at["aC"]: col(s["a"][2 * H:3 * H]), at["C"]: col(s["c"]), at["h"]: col(s["h"])})
    return values


def numbers(form, values):
    return np.array(explicit(form, values).applyfunc(lambda e: to_elementary(e).evalf(30)), dtype=float)


def rel_err(a, b):
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(b), 1e-300))


def test_five_answers_in_general_form(page):
    d, _ = page
    assert [str(a.question) for a in d.answers] == [
        "What is ∂C_t/∂C_{t−1}, the seed's four-term factor?", "What is ∂C_t/∂C_i over several steps?",
        "What are the gradients of the LSTM's parameters?", "How does the gradient pass back through one step (BPTT)?",
        "Why does the LSTM mitigate vanishing gradients, and can they still explode?"]
    for a in d.answers:
        assert len(tex(a.result)) <= 700, a.question
        assert str(a.seed).strip() and str(a.problem).strip() and str(a.result_note).strip()


def test_answer_four_terms_is_the_checked_form_and_the_numeric_reference():
    """F_t = diag(f_t) + (A_f + A_i + A_C) D_{t−1}, with its terms filled in, is exactly the four-term form
    that step 1 checks against SymPy; at H = 3 it is the plots' NumPy factor and central differences."""
    from derive.derivations._lstm_numeric import lstm_four_term

    answer = lc.answers()[0].result
    (step,) = [s for s in lj.one_step_steps() if s.title == lj.STEP_ONE]
    assert tex(answer) == tex(step.show)  # (an entrywise function holds a fresh dummy: compare as printed)
    F, *rest = answer
    fill = {r.lhs: r.rhs for r in rest}
    difference = explicit_free(F.rhs.xreplace(fill)) - explicit_free(lf.four_term_form("t", "t-1"))
    assert difference.applyfunc(sp.simplify) == sp.zeros(2, 2)
    p, xs, traj = lstm_case(11)
    for t in (1, 3):
        values = general_values(p, traj, {t: "t", t - 1: "t-1"})
        got = numbers(F.rhs.xreplace(fill), values)
        assert rel_err(got, lstm_four_term(p, traj[t], traj[t - 1])) <= 1e-12
        assert rel_err(got, central_four_term(p, traj, t)) <= 1e-7


def explicit_free(form):
    """A general form carried out at symbolic H = 2 values (for comparing two ways of writing it)."""
    values = {}
    for m in sorted(form.atoms(sp.MatrixSymbol), key=str):
        if m.shape[1] == 1:
            values[m] = sp.Matrix(2, 1, lambda i, j: sp.Symbol(f"{m.name}_{i}"))
        else:
            values[m] = sp.Matrix(2, 2, lambda i, j: sp.Symbol(f"{m.name}_{i}{j}"))
    return explicit(form, values)


def central_four_term(p, traj, t, eps=1e-6):
    """∂C_t/∂C_{t−1} with h_{t−1} = o_{t−1} tanh C_{t−1} moving and o_{t−1} held, by central differences."""
    H = p["Wh"].shape[1]
    s, o_prev = traj[t], traj[t - 1]["o"]

    def c_of(c_prev):
        return lstm_trajectory(p, s["x"][None], o_prev * np.tanh(c_prev), c_prev)[0]["c"]

    J = np.zeros((H, H))
    for j in range(H):
        e = np.eye(H)[j] * eps
        J[:, j] = (c_of(s["c_prev"] + e) - c_of(s["c_prev"] - e)) / (2 * eps)
    return J


def filled_joint(k, p_label):
    """The answer's J_k with its blocks A_k, D_k, G_k replaced by their general forms."""
    J = lc.joint_named(k, p_label).rhs
    return J.xreplace({lf.square(f"A_{{{k}}}"): lf.cell_by_hidden(k, p_label),
                       lf.square(f"D_{{{k}}}"): lf.hidden_by_cell(k), lf.square(f"G_{{{k}}}"): lf.output_path(k)})


def test_answer_chain_through_the_joint_state_matches_numpy_and_central_differences():
    """∂C_t/∂C_i = [0 I] J_t ⋯ J_{i+1} [D_i; I] with J_k as the answer writes it: each J_k is the NumPy joint
    Jacobian of the plots, and the chain over four steps is the central-difference derivative of C_t in C_i
    (h_i = o_i tanh C_i, o_i held); the seed's product of four-term factors is not."""
    from derive.derivations._lstm_numeric import lstm_four_term

    p, xs, traj = lstm_case(23, T=5)
    H = p["Wh"].shape[1]
    i, t = 0, 4
    chain, seed = np.eye(2 * H)[H:], np.eye(H)
    for k in range(t, i, -1):
        J = numbers(filled_joint("k", "k-1"), general_values(p, traj, {k: "k", k - 1: "k-1"}))
        assert rel_err(J, lstm_joint_jacobian(p, traj[k])) <= 1e-12
        chain = chain @ J
        seed = seed @ lstm_four_term(p, traj[k], traj[k - 1])
    D_i = np.diag(traj[i]["o"] * (1 - np.tanh(traj[i]["c"]) ** 2))
    chain = chain @ np.vstack([D_i, np.eye(H)])

    def c_t(c_i):
        return lstm_trajectory(p, xs[i + 1:t + 1], traj[i]["o"] * np.tanh(c_i), c_i)[-1]["c"]

    eps, fd = 1e-6, np.zeros((H, H))
    for j in range(H):
        e = np.eye(H)[j] * eps
        fd[:, j] = (c_t(traj[i]["c"] + e) - c_t(traj[i]["c"] - e)) / (2 * eps)
    assert rel_err(chain, fd) <= 1e-7
    assert rel_err(seed, fd) > 1e-4


def test_answer_parameter_gradients_and_recursion_are_what_bptt_checks(page):
    """The gradient answers are the very relations the BPTT steps show, whose summands are the rules the
    checked instance applies (and tests/test_lstm.py runs against torch.nn.LSTM)."""
    d, _ = page
    grads, recursion = lc.answers()[2].result, lc.answers()[3].result
    (bptt,) = [s for s in d.steps if s.title == lj.STEP_BPTT]
    (unit,) = [s for s in d.steps if s.title == lj.STEP_UNIT]
    assert len(grads) == 3 and all(any(g == r for r in bptt.show) for g in grads)
    assert tex(recursion) == tex(unit.show)
    _, terms, _ = lf.bptt_rules()
    by_lhs = {str(r.lhs): r.rhs for r in grads}
    E = sp.Symbol("E", real=True)
    assert by_lhs[str(sp.Derivative(E, lf.W_HH))].function == terms["W_hh"]
    assert by_lhs[str(sp.Derivative(E, lf.W_IH))].function == terms["W_ih"]
    assert by_lhs[str(sp.Derivative(E, lf.B_IH))].function == terms["b"]


def test_answer_cell_path_is_the_product_of_forget_gates():
    """diag(f_t ⊙ ⋯ ⊙ f_{i+1}) (the ⋯ filled with the steps between) is: the product of the diag(f) blocks of
    the NumPy joint Jacobians, the whole ∂C_t/∂(h, C)_i-chain of an LSTM with every W_hg = 0, and its norm
    the forget-path curve of the plots (_lstm_numeric.lstm_norms)."""
    from derive.derivations._lstm_numeric import lstm_norms

    _, diagonal = lf.cell_path("t", "i")
    assert lc.answers()[4].result.rhs == diagonal
    p, xs, traj = lstm_case(31, T=6, forget_bias=2.0)
    H, T = p["Wh"].shape[1], len(traj)
    i, t = T - 4, T - 1  # three factors: f_t ⊙ f_{t−1} ⊙ f_{t−2}
    col = lambda v: sp.Matrix(v)  # noqa: E731
    form = numbers(diagonal, {lf.at("t")["f"]: col(traj[t]["f"]), lf.at("i+1")["f"]: col(traj[i + 1]["f"]),
                              sp.MatrixSymbol("\\cdots", lf.H, 1): col(traj[i + 2]["f"])})
    blocks = np.eye(H)
    for k in range(t, i, -1):
        blocks = blocks @ lstm_joint_jacobian(p, traj[k])[H:, H:]
    assert rel_err(form, blocks) <= 1e-12
    cut = dict(p, Wh=np.zeros_like(p["Wh"]))
    traj_cut = lstm_trajectory(cut, xs, traj[0]["h_prev"], traj[0]["c_prev"])
    M = np.eye(2 * H)[H:]
    for k in range(T - 1, -1, -1):
        M = M @ lstm_joint_jacobian(cut, traj_cut[k])
    assert np.allclose(M[:, :H], 0) and rel_err(M[:, H:], np.diag(np.prod([s["f"] for s in traj_cut], axis=0))) <= 1e-12
    _, cell_path, _, _ = lstm_norms(p, xs, traj[0]["h_prev"], traj[0]["c_prev"])
    assert np.isclose(cell_path[t - i - 1], np.linalg.norm(form, 2), rtol=1e-12)


# ----------------------------------------------------------------------------------------------------
# notation
# ----------------------------------------------------------------------------------------------------
def test_notation_names_each_symbol_once_and_w_ih_is_torchs_stacked_matrix(page):
    """W_ih is torch's stacked input weights (4H × D) and nothing else: the gate blocks are W_xg, W_hg, so no
    shown symbol prints as W_{ih} (the input gate's recurrent block would) and every W_{\\mathrm{ih}} is 4H × D."""
    d, _ = page
    names = [tex(sym) for sym, _ in d.notation]
    assert len(names) == len(set(names))
    shown = [obj for _, obj in shown_forms(d)]
    symbols = {m for obj in shown for r in (obj if isinstance(obj, tuple) else (obj,))
               for side in ((r.lhs, r.rhs) if isinstance(r, Relation) else (r,))
               for m in (side.atoms(sp.MatrixSymbol) if isinstance(side, sp.Basic) else ())}
    printed = {tex(m): m for m in symbols}
    for bad in ("W_{ih}", "W_{fh}", "W_{Ch}", "W_{oh}"):
        assert bad not in printed
    assert printed["W_{\\mathrm{ih}}"].shape == (4 * lf.H, lf.D)
    assert {"W_{hi}", "W_{hf}", "W_{hC}", "W_{ho}"} <= set(printed)
    meanings = {tex(sym): str(m) for sym, m in d.notation}
    assert "W_ih" in meanings["W_{xg}"] and "W_hh" in meanings["W_{hg}"]
