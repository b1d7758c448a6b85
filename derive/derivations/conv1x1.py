"""A6.1: what a 1×1 convolution is and what it costs.

Model: a k×k convolution C_in → C_out (stride s, padding p) with the counts of :mod:`derive.counts`, and
the 1×1 layer on all P pixels at once, Y = W X + b 1ᵀ. Derivation, in the order of the seed's five
points: output size (①); the layer as one matrix W at every pixel, written out entry by entry (③); two
stacked 1×1 layers collapse into one, a ReLU between them does not (②); a k×k then a 1×1 layer is one
k×k layer (③); parameters and MACs as loop-nest sums checked against a counted direct convolution;
GoogLeNet's reduction and ResNet's bottleneck with the condition under which they save parameters, solved
by SymPy (④); a fully connected layer as a convolution and back (⑤); the gradients of the 1×1 layer.
Every step with a long explicit instance shows its general matrix form (``Step.show``). Tables:
GoogLeNet's Table 1 recounted, ResNet's bottleneck block. Claims: :mod:`._conv1x1_claims`; answers,
notation and the page's own texts: :mod:`._conv1x1_notes`; code: :mod:`._conv1x1_code`. Chinese:
``derive/i18n/zh/conv1x1.py``.
"""
from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import sympy as sp

from .. import counts, tally
from ..checking import bi
from ..model import Derivation, Domain, Plot, Relation, Search, Step, Tr, Witness
from ..registry import register

SECTION = "A6.1"
REFERENCE = Path(__file__).resolve().parent.parent / "reference" / "googlenet-table1.csv"
C_in, C_out, H, k, s, p, m, c = sp.symbols("C_{in} C_{out} H k s p m c", positive=True, integer=True)
o, ci, i, u, v, q = sp.symbols("o c i u v q", integer=True)
# P: the pixels a layer sees (H·W of one map, N·H·W of a batch): the columns of the 1×1 layer's matrices.
# The width of a map has no symbol of its own, so that W is only ever the weight matrix.
P = sp.Symbol("P", positive=True, integer=True)
Wm, Xm, bm, Gm = (sp.MatrixSymbol("W", C_out, C_in), sp.MatrixSymbol("X", C_in, P), sp.MatrixSymbol("b", C_out, 1),
                  sp.MatrixSymbol("G", C_out, P))
Ym = sp.MatrixSymbol("Y", C_out, P)
Y_FORMULA = Wm * Xm + bm * sp.OneMatrix(1, P)
LOSS = sp.Trace(Gm.T * Y_FORMULA)  # E with ∂E/∂Y = G
E = sp.Symbol("E")
U_BELOW, U_ABOVE = sp.Symbol("u", positive=True), sp.Symbol("u", positive=True)
# the two layers of a stack: the first (W_1 or a k×k kernel K as a matrix, bias b_1) to m channels, the second W_2
W1, W2 = sp.MatrixSymbol("W_1", m, C_in), sp.MatrixSymbol("W_2", C_out, m)
b1, b2 = sp.MatrixSymbol("b_1", m, 1), sp.MatrixSymbol("b_2", C_out, 1)
Km, patches = sp.MatrixSymbol("K", m, C_in * k**2), sp.MatrixSymbol(r"\hat{X}", C_in * k**2, P)
x_stacked, y_stacked = sp.MatrixSymbol(r"\bar{x}", C_in * P, 1), sp.MatrixSymbol(r"\bar{y}", C_out * P, 1)
ONES = sp.OneMatrix(1, P)


def gradients() -> dict:
    """∂E/∂W, ∂E/∂X, ∂E/∂b of E = tr(Gᵀ Y), by SymPy's matrix calculus."""
    return {"W": sp.diff(LOSS, Wm), "X": sp.diff(LOSS, Xm), "b": sp.diff(LOSS, bm)}


def counted_conv(rng) -> Witness:
    cin, cout, kk = int(rng.integers(1, 4)), int(rng.integers(1, 4)), int(rng.choice([1, 2, 3]))
    hh, ww, ss, pp = int(rng.integers(kk, 7)), int(rng.integers(kk, 7)), int(rng.integers(1, 3)), int(rng.integers(0, 2))
    x, Wt, b = rng.normal(size=(cin, hh, ww)), rng.normal(size=(cout, cin, kk, kk)), rng.normal(size=cout)
    y, got = tally.conv2d(x, Wt, b, ss, pp)
    h_out, w_out = (int(counts.conv_output_size(size, kk, ss, pp)) for size in (hh, ww))
    want = int(counts.conv2d_macs(cin, cout, kk, h_out, w_out))
    ok = got.macs == want and y.shape == (cout, h_out, w_out)
    return Witness({"C_in": str(cin), "C_out": str(cout), "k": str(kk), "map": f"{hh}×{ww}", "s": str(ss),
                    "p": str(pp)}, ok, float(abs(got.macs - want)),
                   bi("the loops performed {got} MACs and gave a {shape} output; the formulas give {want} MACs "
                      "and {want_shape}", "循环实际做了 {got} 次乘加，输出形状 {shape}；公式给出 {want} 次乘加、"
                      "形状 {want_shape}", got=got.macs, shape=y.shape, want=want, want_shape=(cout, h_out, w_out)))


def integer_points(*pairs, **fixed):
    """A Domain of integer points only (floor and ceiling formulas are meant for integers)."""
    rng = np.random.default_rng(61)
    points = [{sym: sp.Integer(int(rng.integers(lo, hi))) for sym, (lo, hi) in pairs} for _ in range(12)]
    return Domain(special=[{**pt, **fixed} for pt in points], samples=0)


def output_size_relations() -> tuple[Relation, Relation]:
    """H' for k = 1, p = 0: H at stride 1, ⌈H/s⌉ at stride s."""
    size = counts.conv_output_size(H, k, s, p)
    return (Relation(sp.Subs(size, (k, s, p), (1, 1, 0)), H, domain=integer_points((H, (1, 200)))),
            Relation(sp.Subs(size, (k, p), (1, 0)), sp.ceiling(H / s), domain=integer_points((H, (1, 200)), (s, (1, 5)))))


def cost_steps() -> list[Step]:
    weights = sp.Sum(1, (o, 1, C_out), (ci, 1, C_in), (u, 1, k), (v, 1, k))
    macs = counts.conv2d_macs(C_in, C_out, k, P, 1)
    return [
        Step("Parameters of a k×k convolution: one weight per (output channel, input channel, tap), one bias "
             "per output channel",
             Relation(weights + sp.Sum(1, (o, 1, C_out)), counts.conv2d_params(C_in, C_out, k)), ""),
        Step("MACs of a k×k convolution: one per weight and output pixel",
             (Relation(sp.Sum(1, (o, 1, C_out), (i, 1, P), (ci, 1, C_in), (u, 1, k), (v, 1, k)), macs),
              Search("a direct convolution written as loops, with random sizes, stride and padding, performs "
                     "C_in·C_out·k² MACs per output pixel, the output size given by the formula above",
                     counted_conv, 40, error_name=Tr("largest difference in MACs", "乘加次数的最大差"))),
             "Here P counts the pixels of the output map; padding taps are counted, as a dense kernel computes them."),
        Step("The 1×1 case: one MAC per weight and pixel",
             Relation(sp.Subs(macs, k, 1), sp.Subs(counts.conv2d_params(C_in, C_out, k, False), k, 1) * P),
             "A 1×1 layer is a C_out × C_in matrix; each of the P pixels is multiplied by it once."),
    ]


# ----------------------------------------------------------------------------------------------------
# the 1×1 layer written out entry by entry (small explicit sizes)
# ----------------------------------------------------------------------------------------------------
def tensor(name, *shape):
    """An object array of real symbols name_{i,j,…} (indices from 1). Trailing axes of size 1 are left out
    of the names: the entries of a 1×1 kernel (C_out, C_in, 1, 1) are w_{o,c}, as those of the matrix W."""
    named = len(shape)
    while named > 1 and shape[named - 1] == 1:
        named -= 1
    arr = np.empty(shape, dtype=object)
    for idx in np.ndindex(*shape):
        arr[idx] = sp.Symbol(f"{name}_{{{','.join(str(q + 1) for q in idx[:named])}}}", real=True)
    return arr


def conv_entries(x, K, b=None):
    """The convolution's definition on symbols (no padding, stride 1): x (C_in, H, W), K (C_out, C_in, k, l),
    b (C_out,) → y (C_out, H − k + 1, W − l + 1), y[o,a,e] = Σ_c Σ_u Σ_v K[o,c,u,v]·x[c,a+u,e+v] + b[o]."""
    c_out, c_in, kh, kw = K.shape
    y = np.empty((c_out, x.shape[1] - kh + 1, x.shape[2] - kw + 1), dtype=object)
    for o_, a, e in np.ndindex(*y.shape):
        y[o_, a, e] = sp.Add(*[K[o_, c_, u_, v_] * x[c_, a + u_, e + v_] for c_ in range(c_in)
                               for u_ in range(kh) for v_ in range(kw)]) + (b[o_] if b is not None else 0)
    return y


def pixels(arr) -> sp.Matrix:
    """(C, H, W) → the C × (H·W) matrix whose columns are the pixels (row-major)."""
    return sp.Matrix(arr.reshape(arr.shape[0], -1))


def as_kernel(M) -> np.ndarray:
    """A C_out × C_in matrix as a 1×1 kernel (C_out, C_in, 1, 1)."""
    return np.array(M.tolist(), dtype=object)[:, :, None, None]


def linear_map_relation(c_in=3, c_out=2, hh=2, ww=3) -> Relation:
    x, K, b = tensor("x", c_in, hh, ww), tensor("w", c_out, c_in, 1, 1), tensor("b", c_out)
    Wmat, bcol = sp.Matrix(K[:, :, 0, 0]), sp.Matrix(b)
    return Relation(pixels(conv_entries(x, K, b)), Wmat * pixels(x) + bcol * sp.ones(1, hh * ww))


def stacked_relation(c_in=3, mid=2, c_out=2) -> Relation:
    """Two 1×1 layers with biases, C_in → m → C_out on a 2 × 2 map, against the one layer (W_2 W_1, W_2 b_1 + b_2)."""
    x, K1, bias1 = tensor("x", c_in, 2, 2), tensor("w", mid, c_in, 1, 1), tensor("b", mid)
    K2, bias2 = tensor("v", c_out, mid, 1, 1), tensor("a", c_out)
    first, second = sp.Matrix(K1[:, :, 0, 0]), sp.Matrix(K2[:, :, 0, 0])
    merged = conv_entries(x, as_kernel(second * first), list(second * sp.Matrix(bias1) + sp.Matrix(bias2)))
    return Relation(pixels(conv_entries(conv_entries(x, K1, bias1), K2, bias2)), pixels(merged))


def relu_relation() -> Relation:
    """One channel, no bias: relu(w(x + x')) ≠ relu(wx) + relu(wx'), while every 1×1 layer without bias is
    additive. The first point probed is the smallest counter-example, w = 1, x = 1, x' = −1."""
    w, x, x2 = sp.symbols("w x x'", real=True)
    relu = lambda z: sp.Max(0, z)  # noqa: E731
    return Relation(relu(w * (x + x2)), relu(w * x) + relu(w * x2), "!=",
                    Domain(special=[{w: sp.Integer(1), x: sp.Integer(1), x2: sp.Integer(-1)}]))


def composed_relation(x, K, U, b=None) -> Relation:
    """A k×k convolution (kernel K, bias b) then a 1×1 one (U), against one convolution with the kernels U·K."""
    Umat = sp.Matrix(U[:, :, 0, 0])
    merged = np.empty((U.shape[0],) + K.shape[1:], dtype=object)
    for o_, c_, a, e in np.ndindex(*merged.shape):
        merged[o_, c_, a, e] = sum(Umat[o_, q_] * K[q_, c_, a, e] for q_ in range(K.shape[0]))
    merged_bias = list(Umat * sp.Matrix(b)) if b is not None else None
    return Relation(pixels(conv_entries(conv_entries(x, K, b), U)), pixels(conv_entries(x, merged, merged_bias)))


def fc_steps() -> list[Step]:
    """⑤: a dense layer as a convolution with a kernel the size of its input, and a 1×1 convolution as a
    dense layer with the block weight I ⊗ W."""
    xf, M, bf = tensor("x", 2, 2, 2), tensor("m", 2, 8), tensor("b", 2)
    # M's columns list pixel 1's channels, then pixel 2's, … (pixel-major, as x̄ below)
    fc = sp.Matrix(M) * sp.Matrix(xf.transpose(1, 2, 0).reshape(-1)) + sp.Matrix(bf)
    kernel = np.array(M).reshape(2, 2, 2, 2).transpose(0, 3, 1, 2)  # (o, h, w, c) → (o, c, h, w)
    xp, Kp, bp = tensor("x", 2, 1, 3), tensor("w", 2, 2, 1, 1), tensor("b", 2)  # C_in = 2, three pixels
    per_pixel = sp.Matrix(conv_entries(xp, Kp, bp).transpose(1, 2, 0).reshape(-1))
    block = sp.kronecker_product(sp.eye(3), sp.Matrix(Kp[:, :, 0, 0]))
    x_pixel_major = sp.Matrix(xp.transpose(1, 2, 0).reshape(-1))
    K, x, b, Mb, xb = (sp.IndexedBase(n) for n in ("K", "x", "b", "M", r"\bar{x}"))
    flat = (i - 1) * C_in + ci  # x̄_{(i−1)C_in + c} = x_{c,i}
    conv_sum = sp.Sum(K[o, ci, i] * x[ci, i], (ci, 1, C_in), (i, 1, P)) + b[o]
    return [
        Step("A fully connected layer on a flattened input is a convolution with a kernel the size of the map",
             Relation(pixels(conv_entries(xf, kernel, list(bf))), fc),
             "Kernel o is row o of the weight matrix M, reshaped to the input's channels × height × width; the "
             "output map is 1 × 1. Checked for two output channels on a 2 × 2 × 2 input. On a 1 × 1 input this "
             "kernel is 1×1.",
             show=(Relation(K[o, ci, i], Mb[o, flat]),
                   Relation(conv_sum, sp.Sum(Mb[o, q] * xb[q], (q, 1, C_in * P)) + b[o]))),
        Step("A 1×1 convolution on a map of P pixels is a fully connected layer with the block weight I ⊗ W",
             Relation(per_pixel, block * x_pixel_major + sp.Matrix(list(bp) * 3)),
             "With the pixels one after another, the weight is block-diagonal with P copies of W: C_in·C_out "
             "parameters where a dense layer on the same input and output would have C_in·C_out·P². Checked "
             "for C_in = C_out = 2 and three pixels.",
             show=Relation(y_stacked, sp.KroneckerProduct(sp.Identity(P), Wm) * x_stacked
                           + sp.KroneckerProduct(sp.OneMatrix(P, 1), bm))),
    ]


def structure_steps() -> list[Step]:
    x4, K3, b3, U = tensor("x", 1, 2, 2), tensor("w", 2, 1, 2, 2), tensor("b", 2), tensor("v", 1, 2, 1, 1)
    w, x, b, y = (sp.IndexedBase(n) for n in ("w", "x", "b", "y"))
    entry = Relation(y[o, i], sp.Sum(w[o, ci] * x[ci, i], (ci, 1, C_in)) + b[o])
    return [
        Step("A 1×1 convolution is one matrix W applied to every pixel", linear_map_relation(),
             "The definition of the convolution with k = 1, written out for C_in = 3, C_out = 2 on a 2 × 3 map, "
             "equals W X + b 1ᵀ with the pixels as the columns of X: the same C_out × C_in matrix at every "
             "pixel, a linear combination of the channels and nothing else.",
             show=((entry, Relation(Ym, Y_FORMULA)),)),
        Step("Two stacked 1×1 convolutions without an activation are one 1×1 convolution", stacked_relation(),
             "Checked for 3 → 2 → 2 channels on a 2 × 2 map: without a nonlinearity the second layer adds "
             "nothing a single layer could not do.",
             show=Relation(sp.MatMul(W2, W1 * Xm + b1 * ONES) + b2 * ONES,
                           sp.MatAdd(W2 * W1 * Xm, (W2 * b1 + b2) * ONES))),
        Step("A ReLU between them breaks this: the stack is not linear", relu_relation(),
             "Every 1×1 layer without bias is additive, f(x + x') = f(x) + f(x'); with a ReLU after it this "
             "fails already for one channel: w = 1, x = 1, x' = −1 gives 0 on the left and 1 on the right."),
        Step("A k×k convolution followed by a 1×1 convolution is one k×k convolution",
             composed_relation(x4, K3, U, list(b3)),
             "Write the k×k layer as K X̂ + b_1 1ᵀ, the columns of X̂ being the k×k windows of all input channels. "
             "The merged kernel W_2 K is a linear combination of the first layer's filters; checked for two "
             "2 × 2 filters and a 1×1 layer to one channel.",
             show=Relation(sp.MatMul(W2, Km * patches + b1 * ONES),
                           sp.MatAdd(W2 * Km * patches, W2 * b1 * ONES))),
    ]


def gradient_step() -> Step:
    explicit_G, explicit_X = tensor("g", 2, 3), tensor("x", 3, 3)
    explicit_W, explicit_b = tensor("w", 2, 3), tensor("b", 2, 1)
    values = {Wm: sp.ImmutableMatrix(explicit_W), Xm: sp.ImmutableMatrix(explicit_X),
              bm: sp.ImmutableMatrix(explicit_b), Gm: sp.ImmutableMatrix(explicit_G)}
    Y = sp.Matrix(explicit_W) * sp.Matrix(explicit_X) + sp.Matrix(explicit_b) * sp.ones(1, 3)
    loss = sum(explicit_G[a, e] * Y[a, e] for a in range(2) for e in range(3))
    grads = gradients()

    def derived(name):
        return sp.Matrix(grads[name].xreplace({**values, P: 3, C_in: 3, C_out: 2}).doit().as_explicit())
    return Step(
        "Gradients of the 1×1 layer",
        tuple(Relation(sp.Matrix(rows), derived(name)) for name, rows in (
            ("W", [[sp.diff(loss, explicit_W[a, e]) for e in range(3)] for a in range(2)]),
            ("X", [[sp.diff(loss, explicit_X[a, e]) for e in range(3)] for a in range(3)]),
            ("b", [[sp.diff(loss, explicit_b[a, 0])] for a in range(2)]))),
        "E = tr(Gᵀ Y) has ∂E/∂Y = G. SymPy's matrix derivatives G Xᵀ, Wᵀ G and G 1 equal the derivatives "
        "of E entry by entry (C_out = 2, C_in = 3, three pixels); the generated code prints them.",
        show=Relation(sp.Tuple(*(sp.Derivative(E, M_) for M_ in (Wm, Xm, bm))),
                      sp.Tuple(grads["W"], grads["X"], grads["b"])))


# ----------------------------------------------------------------------------------------------------
# when a 1×1 reduction saves parameters
# ----------------------------------------------------------------------------------------------------
def saving_rows() -> list[dict]:
    """(what, cost with the 1×1 layers, cost without, the m where they are equal — solved by SymPy)."""
    rows = [("GoogLeNet's reduction: 1×1 C_in → m, then k×k m → C_out, against one k×k C_in → C_out",
             Tr("GoogLeNet's reduction (1×1 then k×k)", "GoogLeNet 的降维（先 1×1 再 k×k）"),
             counts.reduced_conv_params(C_in, C_out, m, k), counts.conv2d_params(C_in, C_out, k, False)),
            ("ResNet's bottleneck: 1×1 c → m, k×k m → m, 1×1 m → c, against two k×k c → c layers",
             Tr("ResNet's bottleneck (1×1, k×k, 1×1)", "ResNet 的瓶颈块（1×1、k×k、1×1）"),
             counts.bottleneck_params(c, m, k), 2 * counts.conv2d_params(c, c, k, False))]
    out = []
    for title, label, with_1x1, without in rows:
        root = [r for r in sp.solve(sp.Eq(with_1x1, without), m) if r.is_positive is not False][0]
        out.append({"title": title, "label": label, "with": with_1x1, "without": without, "root": root,
                    "ratio": sp.simplify(with_1x1 / without)})
    return out


def saving_relations(row) -> tuple[Relation, Relation, Relation]:
    """Equal cost at m = m*; fewer weights at m = u·m* for u < 1, more for u > 1."""
    wide = {C_in: (1.0, 1024.0), C_out: (1.0, 1024.0), c: (1.0, 1024.0), k: (1.0, 7.0)}
    a, b, root = row["with"], row["without"], row["root"]
    return (Relation(sp.Subs(a, m, root), sp.Subs(b, m, root), domain=Domain(ranges=wide)),
            Relation(a.subs(m, U_BELOW * root), b.subs(m, U_BELOW * root), "<",
                     Domain(ranges={**wide, U_BELOW: (0.01, 0.99)})),
            Relation(a.subs(m, U_ABOVE * root), b.subs(m, U_ABOVE * root), ">",
                     Domain(ranges={**wide, U_ABOVE: (1.01, 3.0)})))


def saving_steps(rows) -> list[Step]:
    steps = [Step(row["title"], saving_relations(row),
                  "SymPy solves for the m* where both cost the same; below it (m = u·m*, u < 1) the 1×1 layers save "
                  "parameters, above it they add parameters: a mild reduction costs more than no reduction.",
                  show=sp.Equivalent(sp.Lt(m, row["root"]), sp.Lt(row["with"], row["without"])))
             for row in rows]
    steps.append(Step(
        "He et al.'s bottleneck block 256 → 64 → 64 → 256 has fewer weights than two 3×3, 64 layers on 64-d",
        Relation(sp.Subs(counts.bottleneck_params(c, m, k), (c, m, k), (256, 64, 3)),
                 sp.Subs(2 * counts.conv2d_params(m, m, k, False), (m, k), (64, 3)), "<"),
        "The comparison of their Fig. 5: the block works on four times the width for slightly fewer "
        "weights (and, at the same map size, MACs); the numbers are in the table below."))
    n1, r3, n3, r5, n5, pool = names = sp.symbols("n_{1×1} r_3 n_3 r_5 n_5 n_{pool}", positive=True, integer=True)
    branch_macs = sum(counts.conv2d_macs(a, b_, kk, H, H) for a, b_, kk in (
        (C_in, n1, 1), (C_in, r3, 1), (r3, n3, 3), (C_in, r5, 1), (r5, n5, 5), (C_in, pool, 1)))
    steps.append(Step("An inception module's ops are its weights times the map size (stride 1, same padding)",
                      Relation(branch_macs, counts.inception_params(C_in, *names) * H**2),
                      "MACs(H) adds the MACs of the six convolutions of the four branches on an H × H map: 1×1; "
                      "1×1 reduce then 3×3; 1×1 reduce then 5×5; pooling then a 1×1 projection (pooling has no "
                      "weights). Biases are not counted.",
                      show=Relation(sp.Function("MACs")(H), counts.inception_params(C_in, *names) * H**2)))
    return steps


# ----------------------------------------------------------------------------------------------------
# published numbers: GoogLeNet Table 1, ResNet's bottleneck
# ----------------------------------------------------------------------------------------------------
def googlenet_rows() -> list[dict]:
    """Each inception row of the paper's Table 1 with the recount by the derived formulas."""
    lines = [line for line in REFERENCE.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    rows = []
    for rec in csv.DictReader(lines):
        size, c_in = int(rec["input_hw"]), int(rec["in_channels"])
        w = [int(rec[key]) for key in ("n1x1", "n3x3_reduce", "n3x3", "n5x5_reduce", "n5x5", "pool_proj")]
        params = int(counts.inception_params(c_in, *w))
        direct = int(counts.conv2d_params(c_in, w[0], 1, False) + counts.conv2d_params(c_in, w[2], 3, False)
                     + counts.conv2d_params(c_in, w[4], 5, False) + counts.conv2d_params(c_in, w[5], 1, False))
        paper_k, paper_ops = int(rec["params_paper"].rstrip("K")), int(rec["ops_paper_M"])
        ops = params * size * size
        rows.append({"module": rec["type"], "size": size, "c_in": c_in, "depth": w[0] + w[2] + w[4] + w[5],
                     "depth_paper": int(rec["out_depth"]), "params": params, "paper_k": paper_k,
                     "k1000": params / 1000, "k1024": params / 1024,
                     "diff1000": params / 1000 / paper_k - 1, "diff1024": params / 1024 / paper_k - 1,
                     "ops_m": ops / 1e6, "ops_paper": paper_ops, "ops_diff": ops / 1e6 - paper_ops,
                     "without_reduction": direct, "saving": direct / params})
    return rows


def resnet_rows(size=56) -> list[dict]:
    """He et al. 2016, Fig. 5 (on a 56 × 56 map, conv2_x): weights and MACs."""
    blocks = [(Tr("bottleneck 1×1 256→64, 3×3 64→64, 1×1 64→256 (256-d)",
                  "瓶颈块 1×1 256→64、3×3 64→64、1×1 64→256（256 维）"), counts.bottleneck_params(256, 64, 3)),
              (Tr("two 3×3 layers 64→64 (64-d, the basic block)", "两个 3×3 层 64→64（64 维，基本块）"),
               2 * counts.conv2d_params(64, 64, 3, False)),
              (Tr("two 3×3 layers 256→256 (256-d without the bottleneck)", "两个 3×3 层 256→256（256 维，无瓶颈）"),
               2 * counts.conv2d_params(256, 256, 3, False))]
    return [{"block": label, "params": int(w), "macs": int(w) * size * size} for label, w in blocks]


# ----------------------------------------------------------------------------------------------------
# plots and derivation
# ----------------------------------------------------------------------------------------------------
def draw_googlenet(fig):
    rows = googlenet_rows()
    ax = fig.add_subplot(1, 1, 1)
    at = np.arange(len(rows))
    ax.bar(at - 0.2, [r["paper_k"] for r in rows], 0.4, label="paper (K)", color="0.6")
    ax.bar(at + 0.2, [r["k1024"] for r in rows], 0.4, label="recount / 1024", color="tab:blue")
    ax.plot(at + 0.2, [r["k1000"] for r in rows], "k_", ms=14, label="recount / 1000")
    ax.set_xticks(at, [r["module"].replace("inception", "") for r in rows])
    ax.set_ylabel("parameters (thousands)")
    ax.set_title("GoogLeNet Table 1, params column: printed against the recount")
    ax.legend(loc="upper left")


def draw_saving(fig):
    ax = fig.add_subplot(1, 1, 1)
    ratio = saving_rows()[0]["ratio"].subs(C_out, C_in)
    share = np.linspace(0.01, 1.0, 200)
    for kk, colour in ((3, "tab:blue"), (5, "tab:red")):
        f = sp.lambdify(m, ratio.subs({k: kk}).subs(m, m * C_in), "numpy")
        ax.plot(share, f(share) * np.ones_like(share), color=colour, lw=2, label=f"k = {kk}")
    ax.axhline(1.0, color="k", lw=1, ls="--", label="no saving")
    ax.set_xlabel("m / C_in (channels after the 1×1 reduction, C_out = C_in)")
    ax.set_ylabel("weights with / without the reduction")
    ax.set_title("A 1×1 reduction saves only when it reduces enough")
    ax.legend(loc="upper left")


def all_steps(rows) -> list[Step]:
    """In the order of the seed's points: ① output size, ③② the layer and stacks, ④ costs and savings,
    ⑤ dense layers, then the gradients the generated code uses."""
    size = Step("Output size along one axis; a 1×1 kernel with stride 1 and no padding keeps H",
                output_size_relations(),
                "A window of width k fits ⌊(H + 2p − k)/s⌋ + 1 times. With k = 1, s = 1, p = 0 every pixel is "
                "one window; a stride s > 1 (ResNet's 1×1 projection shortcuts) divides H by s, rounding up.")
    return [size] + structure_steps() + cost_steps() + saving_steps(rows) + fc_steps() + [gradient_step()]


@register("conv1x1")
def derivation() -> Derivation:
    from ._conv1x1_claims import claims
    from ._conv1x1_code import code_module
    from ._conv1x1_notes import answers, googlenet_summary, notation, page_texts

    rows, googlenet = saving_rows(), googlenet_rows()
    return Derivation(
        name="conv1x1", section=SECTION,
        title="1×1 convolutions: a channel-mixing matrix at every pixel, and what it saves",
        title_zh="1×1 卷积：每个像素上的通道线性组合，以及它节省的参数",
        page="a6-1-conv1x1.md",
        nav_title=Tr("1×1 convolutions", "1×1 卷积"),
        summary="A 1×1 convolution is one C_out × C_in matrix applied at every pixel (written out entry by entry); "
                "stacked without an activation it collapses; a fully connected layer is a convolution with the "
                "kernel the size of its input. The reduction saves parameters only below a threshold SymPy solves "
                "for; GoogLeNet's Table 1 and ResNet's bottleneck are recounted.",
        model=[("output size along one axis (stride s, padding p)", counts.conv_output_size(H, k, s, p)),
               ("parameters of a k×k convolution C_in → C_out, with bias", counts.conv2d_params(C_in, C_out, k)),
               ("MACs for an output map of P pixels", counts.conv2d_macs(C_in, C_out, k, P, 1)),
               ("the 1×1 convolution of all P pixels at once (pixels as columns)", Relation(Ym, Y_FORMULA)),
               ("a loss E whose gradient with respect to Y is G", Relation(E, LOSS))],
        steps=all_steps(rows),
        claims=claims(),
        answers=answers(),
        notation=notation(),
        code=[code_module()],
        plots=[Plot("conv1x1-saving", "Weights of a 1×1 reduction followed by a k×k convolution, relative to the "
                    "k×k convolution alone, against the reduced width m.", draw_saving),
               Plot("googlenet-params", "GoogLeNet Table 1: the printed params column against the recount by the "
                    "derived formula (K read as 1024 and as 1000).", draw_googlenet, size=(7.0, 3.8))],
        sections={"intro": "The seed lists five uses of 1×1 convolutions. Below, each is computed: the layer is "
                           "written out entry by entry, its costs are loop-nest sums checked against a counted "
                           "direct convolution, and the published GoogLeNet and ResNet numbers are recounted "
                           "with the same formulas.",
                  **page_texts(), "googlenet_summary": googlenet_summary(googlenet)},
        template="a6-1-conv1x1.md.j2",
        context={"savings": rows, "googlenet": googlenet, "resnet": resnet_rows(), "m_symbol": m},
    )
