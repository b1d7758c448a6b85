"""A6.1: the generated 1×1 convolution against torch autograd (float64), the counts against torch modules
and its FLOP counter, GoogLeNet's Table 1 / ResNet's bottleneck recounted with the derived formulas; and the
page: the general forms it shows hold at other sizes, every claim has its errata, every text its Chinese."""
import csv

import numpy as np
import pytest
import sympy as sp
import torch
import torch.nn.functional as F
from torch.utils.flop_counter import FlopCounterMode

from derive import counts, registry
from derive.checking import check_derivation
from derive.derivations.conv1x1 import REFERENCE, googlenet_rows, saving_rows
from derive.generated.conv1x1 import conv1x1_backward, conv1x1_forward
from derive.i18n import catalog
from derive.i18n.coverage import missing_prose, prose
from derive.model import Relation, Tr
from derive.printing import tex

SHAPES = [(1, 1, 1, 1, 1), (2, 3, 5, 7, 4), (3, 6, 2, 5, 9), (1, 4, 3, 1, 6), (5, 2, 7, 3, 3)]


def torch_reference(x, W4, b, dy):
    tx, tW, tb = (torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in (x, W4, b))
    y = F.conv2d(tx, tW, tb)
    y.backward(torch.tensor(dy, dtype=torch.float64))
    return y.detach().numpy(), {"x": tx.grad.numpy(), "W": tW.grad.numpy(), "b": tb.grad.numpy()}


@pytest.mark.parametrize("n, c_in, c_out, h, w", SHAPES)
@pytest.mark.parametrize("four_d", [False, True])
def test_forward_and_backward_match_torch_autograd(n, c_in, c_out, h, w, four_d):
    rng = np.random.default_rng(n * 1000 + c_in * 100 + c_out * 10 + h + w)
    x, W4 = rng.normal(size=(n, c_in, h, w)), rng.normal(size=(c_out, c_in, 1, 1))
    b, dy = rng.normal(size=c_out) + 0.5, rng.normal(size=(n, c_out, h, w))
    W = W4 if four_d else W4[:, :, 0, 0]
    y, cache = conv1x1_forward(x, W, b)
    grads = conv1x1_backward(dy, cache)
    y_ref, g_ref = torch_reference(x, W4, b, dy)
    np.testing.assert_allclose(y, y_ref, rtol=1e-13, atol=1e-13)
    assert grads["W"].shape == W.shape and grads["x"].shape == x.shape and grads["b"].shape == (c_out,)
    np.testing.assert_allclose(grads["x"], g_ref["x"], rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(grads["W"].reshape(W4.shape), g_ref["W"], rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(grads["b"], g_ref["b"], rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("n", [1, 3])  # N = 1: a transposed view of x would be contiguous, hence no copy
def test_mutating_the_inputs_after_forward_does_not_change_the_gradients(n):
    rng = np.random.default_rng(n)
    x, W, b = rng.normal(size=(n, 3, 4, 5)), rng.normal(size=(2, 3)), rng.normal(size=2)
    dy = rng.normal(size=(n, 2, 4, 5))
    _, g_ref = torch_reference(x, W[:, :, None, None], b, dy)
    y, cache = conv1x1_forward(x, W, b)
    x[...] = 7.0
    W[...] = -3.0
    grads = conv1x1_backward(dy, cache)
    np.testing.assert_allclose(grads["x"], g_ref["x"], rtol=1e-12)
    np.testing.assert_allclose(grads["W"], g_ref["W"][:, :, 0, 0], rtol=1e-12)
    assert not np.shares_memory(y, x)


def test_float32_stays_float32():
    rng = np.random.default_rng(3)
    x, W, b = (rng.normal(size=s).astype(np.float32) for s in ((2, 3, 4, 4), (5, 3), (5,)))
    y, cache = conv1x1_forward(x, W, b)
    grads = conv1x1_backward(np.ones_like(y), cache)
    assert y.dtype == np.float32 and all(g.dtype == np.float32 for g in grads.values())


@pytest.mark.parametrize("args, name", [
    (((2, 3, 4), (2, 3), (2,)), "x"),
    (((1, 3, 4, 4), (2, 4), (2,)), "W"),
    (((1, 3, 4, 4), (2, 3, 3, 3), (2,)), "W"),
    (((1, 3, 4, 4), (2, 3), (3,)), "b"),
])
def test_bad_shapes_raise_value_error_naming_the_argument(args, name):
    with pytest.raises(ValueError, match=rf"^{name} "):
        conv1x1_forward(*(np.ones(s) for s in args))


def test_bad_dy_and_cache_are_refused():
    y, cache = conv1x1_forward(np.ones((1, 2, 3, 3)), np.ones((4, 2)), np.zeros(4))
    with pytest.raises(ValueError, match="^dy "):
        conv1x1_backward(np.ones((1, 4, 3, 2)), cache)
    with pytest.raises(ValueError, match="^cache "):
        conv1x1_backward(np.ones_like(y), {"x": 1})


# --- the counts against torch ---------------------------------------------------------------------------
class Inception(torch.nn.Module):
    """The inception module of Szegedy et al. (no biases, as counted in Table 1's recount)."""

    def __init__(self, c_in, n1, r3, n3, r5, n5, pool):
        super().__init__()
        conv = lambda a, b, k: torch.nn.Conv2d(a, b, k, padding=k // 2, bias=False)  # noqa: E731
        self.b1 = conv(c_in, n1, 1)
        self.b3 = torch.nn.Sequential(conv(c_in, r3, 1), conv(r3, n3, 3))
        self.b5 = torch.nn.Sequential(conv(c_in, r5, 1), conv(r5, n5, 5))
        self.bp = torch.nn.Sequential(torch.nn.MaxPool2d(3, 1, 1), conv(c_in, pool, 1))

    def forward(self, x):
        return torch.cat([self.b1(x), self.b3(x), self.b5(x), self.bp(x)], dim=1)


def test_googlenet_table1_recount_with_torch_modules_and_the_paper():
    rows = googlenet_rows()
    assert [r["module"] for r in rows] == [f"inception({m})" for m in ("3a", "3b", "4a", "4b", "4c", "4d", "4e", "5a", "5b")]
    lines = [line for line in REFERENCE.read_text().splitlines() if not line.startswith("#")]
    for rec, row in zip(csv.DictReader(lines), rows):
        widths = [int(rec[key]) for key in ("n1x1", "n3x3_reduce", "n3x3", "n5x5_reduce", "n5x5", "pool_proj")]
        net = Inception(int(rec["in_channels"]), *widths).double()
        assert sum(p.numel() for p in net.parameters()) == row["params"]  # the formula = torch's count
        x = torch.randn(1, int(rec["in_channels"]), row["size"], row["size"], dtype=torch.float64)
        with FlopCounterMode(display=False) as counter:
            y = net(x)
        assert y.shape[1] == int(rec["out_depth"])
        assert counter.get_total_flops() // 2 == row["params"] * row["size"] ** 2
    by_name = {r["module"]: r for r in rows}
    # the ops column (millions of multiply-adds) is reproduced within 1 M except 5a: 51.1 recounted, 54 printed
    for name, r in by_name.items():
        assert abs(r["ops_diff"]) < (3.0 if name == "inception(5a)" else 1.0), name
    assert by_name["inception(5a)"]["ops_diff"] == pytest.approx(-2.92, abs=0.01)
    # params read with K = 1024 agree within 2 % except 4c (+7.5 %) and 5a (−5.0 %)
    off = {name for name, r in by_name.items() if abs(r["diff1024"]) > 0.02}
    assert off == {"inception(4c)", "inception(5a)"}
    assert by_name["inception(3a)"]["params"] == 163_328 and by_name["inception(3a)"]["paper_k"] == 159


def test_resnet_bottleneck_against_torch_modules():
    conv = lambda a, b, k: torch.nn.Conv2d(a, b, k, padding=k // 2, bias=False)  # noqa: E731
    bottleneck = torch.nn.Sequential(conv(256, 64, 1), conv(64, 64, 3), conv(64, 256, 1))
    basic = torch.nn.Sequential(conv(64, 64, 3), conv(64, 64, 3))
    count = lambda net: sum(p.numel() for p in net.parameters())  # noqa: E731
    assert count(bottleneck) == int(counts.bottleneck_params(256, 64, 3)) == 69_632
    assert count(basic) == 2 * int(counts.conv2d_params(64, 64, 3, False)) == 73_728


def test_reduction_saves_exactly_below_the_solved_threshold():
    root = saving_rows()[0]["root"]
    names = {s.name: s for s in root.free_symbols}
    for c_in, c_out, k in ((64, 64, 3), (192, 32, 5), (480, 208, 3)):
        m_star = float(root.subs({names["C_{in}"]: c_in, names["C_{out}"]: c_out, names["k"]: k}))
        plain = int(counts.conv2d_params(c_in, c_out, k, False))
        below, above = int(np.floor(m_star - 1e-9)), int(np.ceil(m_star + 1e-9))
        assert int(counts.reduced_conv_params(c_in, c_out, below, k)) < plain
        assert int(counts.reduced_conv_params(c_in, c_out, above, k)) > plain


def test_one_by_one_convolution_is_a_per_pixel_matrix_and_fc_is_a_full_size_convolution():
    rng = np.random.default_rng(11)
    x, W = torch.tensor(rng.normal(size=(2, 3, 4, 5))), torch.tensor(rng.normal(size=(6, 3)))
    np.testing.assert_allclose(F.conv2d(x, W[:, :, None, None]), torch.einsum("oc,nchw->nohw", W, x), rtol=1e-12)
    M, b = torch.tensor(rng.normal(size=(7, 3 * 4 * 5))), torch.tensor(rng.normal(size=7))
    fc = x.reshape(2, -1) @ M.T + b
    conv = F.conv2d(x, M.reshape(7, 3, 4, 5), b)
    assert conv.shape == (2, 7, 1, 1)
    np.testing.assert_allclose(conv[:, :, 0, 0], fc, rtol=1e-12)


def test_output_size_formula_against_torch():
    for h, k, s, p in ((7, 1, 1, 0), (7, 1, 2, 0), (8, 3, 2, 1), (9, 5, 3, 2), (10, 1, 3, 0)):
        got = F.conv2d(torch.zeros(1, 1, h, h), torch.zeros(1, 1, k, k), stride=s, padding=p).shape[-1]
        assert got == int(counts.conv_output_size(h, k, s, p)) == int(
            sp.floor(sp.Rational(h + 2 * p - k, s)) + 1)


# --- the page: general forms, errata, translations ----------------------------------------------------------
DERIVATION = registry.load("conv1x1")


def _numeric_matrices(expr, sizes, rng):
    """Every MatrixSymbol of ``expr`` replaced by a random integer matrix at the given dimension values."""
    values = {}
    for M in sorted(expr.atoms(sp.MatrixSymbol), key=str):
        rows, cols = (int(sp.sympify(n).subs(sizes)) for n in M.shape)
        values[M] = sp.ImmutableMatrix(rng.integers(-4, 5, size=(rows, cols)))
    return values


def _explicit(expr, dims, values):
    return sp.Matrix(expr.xreplace(values).subs(dims).doit().as_explicit())


@pytest.mark.parametrize("sizes", [{"C_{in}": 3, "C_{out}": 2, "P": 4, "m": 5, "k": 2},
                                   {"C_{in}": 1, "C_{out}": 4, "P": 1, "m": 2, "k": 1}])
def test_the_displayed_general_matrix_forms_hold_at_random_sizes(sizes):
    """The checker verifies explicit instances; the general forms the page shows instead are tested here, at
    other sizes, with random integer matrices (P = 1 included)."""
    rng = np.random.default_rng(7)
    shown = [st.show for st in DERIVATION.steps if isinstance(st.show, Relation)]
    shown += [a.result for a in DERIVATION.answers if isinstance(a.result, Relation)]
    matrix_forms = [r for r in shown if isinstance(r.lhs, sp.MatrixExpr)]
    assert len(matrix_forms) >= 5
    for rel in matrix_forms:
        both = sp.Tuple(rel.lhs, rel.rhs)
        dims = {sym: sizes[sym.name] for sym in both.atoms(sp.Symbol) if sym.name in sizes}
        values = _numeric_matrices(both, dims, rng)
        if isinstance(rel.lhs, sp.MatrixSymbol) and rel.lhs.name == r"\bar{y}":
            # ȳ: the outputs W x_i + b of the pixels one after another, x̄ holding the inputs the same way
            by_name = {M.name: v for M, v in values.items()}
            W, b, P_ = by_name["W"], by_name["b"], dims[next(s for s in dims if s.name == "P")]
            pixels_in = [by_name[r"\bar{x}"][i * W.shape[1]:(i + 1) * W.shape[1], :] for i in range(P_)]
            want = sp.Matrix.vstack(*[W * x + b for x in pixels_in])
            assert _explicit(rel.rhs, dims, values) == want, tex(rel)
            continue
        assert _explicit(rel.lhs, dims, values) == _explicit(rel.rhs, dims, values), tex(rel)


def test_the_saving_condition_shown_is_exactly_where_the_reduction_saves():
    """m < m* ⟺ fewer weights, tried at every integer m below C_in for a few layer sizes (GoogLeNet's 3a among them)."""
    shown = next(st.show for st in DERIVATION.steps
                 if isinstance(st.show, sp.Equivalent) and "C_{in}" in {s.name for s in st.show.free_symbols})
    names = {sym.name: sym for sym in shown.free_symbols}
    for c_in, c_out, kk in ((192, 128, 3), (192, 32, 5), (20, 20, 3), (64, 64, 1)):
        for mm in range(1, c_in):
            point = {names["C_{in}"]: c_in, names["C_{out}"]: c_out, names["k"]: kk, names["m"]: mm}
            below, saves = (bool(arg.subs(point)) for arg in shown.args)
            fewer = counts.reduced_conv_params(c_in, c_out, mm, kk) < counts.conv2d_params(c_in, c_out, kk, False)
            assert saves == fewer and below == fewer, (c_in, c_out, kk, mm)


def test_the_worked_counter_examples_in_the_prose_are_right():
    assert int(counts.reduced_conv_params(20, 20, 19, 3)) == 3_800
    assert int(counts.conv2d_params(20, 20, 3, False)) == 3_600
    assert int(counts.conv_output_size(4, 1, 2, 0)) == 2 and int(counts.conv_output_size(4, 1, 1, 0)) == 4
    relu = lambda z: max(0, z)  # noqa: E731  w = 1, x = 1, x' = −1
    assert (relu(1 * (1 - 1)), relu(1) + relu(-1)) == (0, 1)
    rows = {r["module"]: r for r in googlenet_rows()}
    root = saving_rows()[0]["root"]
    names = {s.name: s for s in root.free_symbols}
    # GoogLeNet 3a reduces 192 → 96 before its 3×3 (to 128) and 192 → 16 before its 5×5 (to 32): far below m*
    assert rows["inception(3a)"]["c_in"] == 192
    for reduced, c_out, kk in ((96, 128, 3), (16, 32, 5)):
        assert reduced < float(root.subs({names["C_{in}"]: 192, names["C_{out}"]: c_out, names["k"]: kk})) / 1.5


def test_every_claim_has_its_errata_and_links_to_a_step():
    titles = {str(st.title) for st in DERIVATION.steps}
    checked = {r.claim.claim: r.verdict for r in check_derivation(DERIVATION).claims}
    for claim in DERIVATION.claims:
        verdict = checked[claim.claim]
        assert str(claim.why).strip(), claim.claim
        if verdict in ("imprecise", "wrong"):
            assert claim.corrected is not None and claim.severity, claim.claim
        if verdict == "correct":
            assert not claim.severity and claim.corrected is None
        if claim.step:
            assert str(claim.step) in titles, claim.step
        if verdict != "unverified":
            assert claim.step, claim.claim


def test_one_answer_per_point_of_the_seed_with_a_general_result():
    assert len(DERIVATION.answers) == 5
    for answer in DERIVATION.answers:
        result = answer.result.lhs if isinstance(answer.result, Relation) else answer.result
        assert not isinstance(result, sp.MatrixBase)  # a general form, never an explicit instance
        assert all(isinstance(getattr(answer, f), Tr) for f in ("question", "seed", "problem", "result_note"))


def test_no_displayed_equality_prints_the_same_on_both_sides():
    shown = []
    for st in DERIVATION.steps:
        checks = st.check if isinstance(st.check, tuple) else (st.check,)
        shown += [st.show] if st.show is not None else [c for c in checks if isinstance(c, Relation)]
    flat = []
    for item in shown:  # a show may be a tuple of lines, a line a tuple of relations side by side
        for line in item if isinstance(item, tuple) else (item,):
            flat += list(line) if isinstance(line, tuple) else [line]
    for rel in flat:
        if isinstance(rel, Relation):
            assert tex(rel.lhs) != tex(rel.rhs), tex(rel)


def test_every_text_has_chinese_and_the_catalog_has_no_stale_entry():
    assert missing_prose(DERIVATION, "conv1x1") == []
    used = {str(value) for _, value in prose(DERIVATION)}
    from derive.i18n.zh.conv1x1 import ZH

    stale = [key for key in ZH if key not in used]
    assert not stale, stale
    assert catalog("conv1x1")["Gradients of the 1×1 layer"] == "1×1 层的梯度"


def test_printer_keeps_a_written_matrix_sum_and_sizes_the_identity():
    from derive.derivations.conv1x1 import ONES, W1, W2, Xm, b1, b2

    written = sp.MatAdd(W2 * W1 * Xm, (W2 * b1 + b2) * ONES)
    assert tex(written) == r"W_{2} W_{1} X + \left(W_{2} b_{1} + b_{2}\right) \mathbf{1}_{P}^{\top}"
    # a sum from arithmetic prints in the printer's usual order, whatever the order of the operands
    assert tex(W2 * W1 * Xm + (W2 * b1 + b2) * ONES) == tex((W2 * b1 + b2) * ONES + W2 * W1 * Xm) != tex(written)
    assert tex(sp.Identity(sp.Symbol("P"))) == "I_{P}" and tex(sp.Identity(3)) == "I"
