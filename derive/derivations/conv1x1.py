"""A6.1: what a 1×1 convolution is and what it costs.

Model: a k×k convolution C_in → C_out on H×W (stride s, padding p) with the counts of
:mod:`derive.counts`. Derivation: output size, parameters and MACs as loop-nest sums (checked against
a counted direct convolution); the 1×1 case as one matrix W applied at every pixel, written out entry
by entry; two stacked 1×1 layers collapse into one, a ReLU between them does not; a fully connected
layer as a convolution; GoogLeNet's reduction and ResNet's bottleneck with the condition under which
they save parameters (solved by SymPy); the gradients of the 1×1 layer. Tables: GoogLeNet's Table 1
recounted, ResNet's bottleneck block. Claims: :mod:`._conv1x1_claims`. Code: ``derive.generated.conv1x1``.
"""
from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import sympy as sp

from .. import counts, tally
from ..model import CodeFunction, CodeModule, Derivation, Domain, Plot, Relation, Search, Step, VerifyRow, Witness
from ..registry import register

SECTION = "A6.1"
REFERENCE = Path(__file__).resolve().parent.parent / "reference" / "googlenet-table1.csv"
C_in, C_out, H, W, k, s, p, m, c = sp.symbols("C_{in} C_{out} H W k s p m c", positive=True, integer=True)
o, ci, i, j, u, v = sp.symbols("o c i j u v", integer=True)
P = sp.Symbol("P", positive=True, integer=True)  # pixels N·H·W, the columns of the 1×1 layer's matrices
Wm, Xm, bm, Gm = (sp.MatrixSymbol("W", C_out, C_in), sp.MatrixSymbol("X", C_in, P), sp.MatrixSymbol("b", C_out, 1),
                  sp.MatrixSymbol("G", C_out, P))
Y_FORMULA = Wm * Xm + bm * sp.OneMatrix(1, P)
LOSS = sp.Trace(Gm.T * Y_FORMULA)  # E with ∂E/∂Y = G
U_BELOW, U_ABOVE = sp.Symbol("u", positive=True), sp.Symbol("u", positive=True)


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
    return Witness({"C_in": str(cin), "C_out": str(cout), "k": str(kk), "H": str(hh), "W": str(ww), "s": str(ss),
                    "p": str(pp)}, ok, float(abs(got.macs - want)),
                   f"counted {got.macs} MACs and shape {y.shape}, the formulas give {want} and {(cout, h_out, w_out)}")


def integer_points(*pairs, **fixed):
    """A Domain of integer points only (floor and ceiling formulas are meant for integers)."""
    rng = np.random.default_rng(61)
    points = [{sym: sp.Integer(int(rng.integers(lo, hi))) for sym, (lo, hi) in pairs} for _ in range(12)]
    return Domain(special=[{**pt, **fixed} for pt in points], samples=0)


def cost_steps() -> list[Step]:
    weights = sp.Sum(1, (o, 1, C_out), (ci, 1, C_in), (u, 1, k), (v, 1, k))
    return [
        Step("Output size along one axis; a 1×1 kernel with stride 1 and no padding keeps H",
             (Relation(sp.Subs(counts.conv_output_size(H, k, s, p), (k, s, p), (1, 1, 0)), H,
                       domain=integer_points((H, (1, 200)))),
              Relation(sp.Subs(counts.conv_output_size(H, k, s, p), (k, p), (1, 0)), sp.ceiling(H / s),
                       domain=integer_points((H, (1, 200)), (s, (1, 5))))),
             "A window of width k fits ⌊(H + 2p − k)/s⌋ + 1 times. With k = 1, s = 1, p = 0 every pixel is one "
             "window; a stride s > 1 (ResNet's 1×1 projection shortcuts) divides H by s, rounding up."),
        Step("Parameters of a k×k convolution: one weight per (output channel, input channel, tap), one bias "
             "per output channel",
             Relation(weights + sp.Sum(1, (o, 1, C_out)), counts.conv2d_params(C_in, C_out, k)), ""),
        Step("MACs of a k×k convolution: one per weight and output pixel",
             (Relation(sp.Sum(1, (o, 1, C_out), (i, 1, H), (j, 1, W), (ci, 1, C_in), (u, 1, k), (v, 1, k)),
                       counts.conv2d_macs(C_in, C_out, k, H, W)),
              Search("a direct convolution (explicit loops, random stride and padding) counts "
                     "C_out·C_in·k²·H'·W' MACs, H' and W' from the output-size formula", counted_conv, 40)),
             "Here H × W is the output map; padding taps are counted, as a dense kernel computes them."),
        Step("The 1×1 case: one MAC per weight and pixel",
             Relation(sp.Subs(counts.conv2d_macs(C_in, C_out, k, H, W), k, 1),
                      sp.Subs(counts.conv2d_params(C_in, C_out, k, False), k, 1) * H * W),
             "A 1×1 layer is a C_out × C_in matrix; each of the H·W pixels is multiplied by it once."),
    ]


# ----------------------------------------------------------------------------------------------------
# the 1×1 layer written out entry by entry (small explicit sizes)
# ----------------------------------------------------------------------------------------------------
def tensor(name, *shape):
    """An object array of real symbols name_{i,j,…} (indices from 1)."""
    arr = np.empty(shape, dtype=object)
    for idx in np.ndindex(*shape):
        arr[idx] = sp.Symbol(f"{name}_{{{','.join(str(q + 1) for q in idx)}}}", real=True)
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


def structure_steps() -> list[Step]:
    x, K1, b1 = tensor("x", 3, 2, 2), tensor("w", 2, 3, 1, 1), tensor("b", 2)
    K2, b2 = tensor("v", 2, 2, 1, 1), tensor("a", 2)
    W1, W2 = sp.Matrix(K1[:, :, 0, 0]), sp.Matrix(K2[:, :, 0, 0])
    stacked = conv_entries(conv_entries(x, K1, b1), K2, b2)
    merged = conv_entries(x, as_kernel(W2 * W1), list(W2 * sp.Matrix(b1) + sp.Matrix(b2)))
    x4, K3, b3, U = tensor("x", 1, 2, 2), tensor("w", 2, 1, 2, 2), tensor("b", 2), tensor("u", 1, 2, 1, 1)
    Umat = sp.Matrix(U[:, :, 0, 0])
    composed = np.empty((1, 1, 2, 2), dtype=object)
    for o_, c_, a, e in np.ndindex(*composed.shape):
        composed[o_, c_, a, e] = sum(Umat[o_, q] * K3[q, c_, a, e] for q in range(2))
    xf, M, bf = tensor("x", 2, 2, 2), tensor("m", 2, 8), tensor("b", 2)
    flat = sp.Matrix(xf.reshape(-1))
    fc = sp.Matrix(M) * flat + sp.Matrix(bf)
    xp = tensor("x", 2, 1, 3)  # C_in = 2, three pixels; pixel-major flattening for the block form
    Kp, bp = tensor("w", 2, 2, 1, 1), tensor("b", 2)
    per_pixel = sp.Matrix(conv_entries(xp, Kp, bp).transpose(1, 2, 0).reshape(-1))
    block = sp.kronecker_product(sp.eye(3), sp.Matrix(Kp[:, :, 0, 0]))
    x_pixel_major = sp.Matrix(xp.transpose(1, 2, 0).reshape(-1))
    explicit_G, explicit_X = tensor("g", 2, 3), tensor("x", 3, 3)
    explicit_W, explicit_b = tensor("w", 2, 3), tensor("b", 2, 1)
    values = {Wm: sp.ImmutableMatrix(explicit_W), Xm: sp.ImmutableMatrix(explicit_X), bm: sp.ImmutableMatrix(explicit_b),
              Gm: sp.ImmutableMatrix(explicit_G)}
    Y = sp.Matrix(explicit_W) * sp.Matrix(explicit_X) + sp.Matrix(explicit_b) * sp.ones(1, 3)
    E = sum(explicit_G[a, e] * Y[a, e] for a in range(2) for e in range(3))
    grads = gradients()

    def derived(name):
        return sp.Matrix(grads[name].xreplace({**values, P: 3, C_in: 3, C_out: 2}).doit().as_explicit())
    return [
        Step("A 1×1 convolution is one matrix W applied to every pixel", linear_map_relation(),
             "The definition of the convolution with k = 1, written out for C_in = 3, C_out = 2 on a 2 × 3 map, "
             "equals W X + b 1ᵀ with the pixels as the columns of X: the same C_out × C_in matrix at every "
             "pixel, a linear combination of the channels and nothing else."),
        Step("Two stacked 1×1 convolutions without an activation are one 1×1 convolution",
             Relation(pixels(stacked), pixels(merged)),
             "Checked for 3 → 2 → 2 channels on a 2 × 2 map: without a nonlinearity the second layer adds "
             "nothing a single layer could not do."),
        Step("A ReLU between them breaks this: the stack is not linear",
             Search("relu(W x) + relu(−W x) ≠ relu(0) = 0 for random W and x (additivity fails)", probe_relu, 40),
             "relu(Wx) + relu(−Wx) = |Wx|, which is not zero unless Wx = 0."),
        Step("A k×k convolution followed by a 1×1 convolution is one k×k convolution",
             Relation(pixels(conv_entries(conv_entries(x4, K3, b3), U)),
                      pixels(conv_entries(x4, composed, list(Umat * sp.Matrix(b3))))),
             "Checked for two 2 × 2 filters and a 1×1 layer to one channel: the merged kernel is U·K, a linear "
             "combination of the first layer's filters (the same holds for any k, channel counts and map)."),
        Step("A fully connected layer on a flattened C×H×W input is an H×W convolution without padding",
             Relation(pixels(conv_entries(xf, np.array(M).reshape(2, 2, 2, 2), list(bf))), fc),
             "Kernel o is row o of the weight matrix reshaped to C × H × W; the output map is 1 × 1. On a "
             "1 × 1 input (H = W = 1) this kernel is 1×1."),
        Step("A 1×1 convolution on an H×W map is a fully connected layer with the block weight I ⊗ W",
             Relation(per_pixel, block * x_pixel_major + sp.Matrix(list(bp) * 3)),
             "With the pixels one after another, the weight is block-diagonal with H·W copies of W: C_in·C_out "
             "parameters where a dense layer on the same input and output would have C_in·C_out·(H·W)²."),
        Step("Gradients of the 1×1 layer (SymPy matrix calculus, checked entry by entry)",
             tuple(Relation(sp.Matrix(rows), derived(name)) for name, rows in (
                 ("W", [[sp.diff(E, explicit_W[a, e]) for e in range(3)] for a in range(2)]),
                 ("X", [[sp.diff(E, explicit_X[a, e]) for e in range(3)] for a in range(3)]),
                 ("b", [[sp.diff(E, explicit_b[a, 0])] for a in range(2)]))),
             "E = tr(Gᵀ Y) has ∂E/∂Y = G. The elementwise derivatives of E (C_out = 2, C_in = 3, three pixels) "
             "equal SymPy's matrix derivatives G Xᵀ, Wᵀ G and G 1, which the generated code prints."),
    ]


def probe_relu(rng) -> Witness:
    Wr, x = rng.normal(size=(int(rng.integers(1, 5)), int(rng.integers(1, 5)))), None
    x = rng.normal(size=Wr.shape[1])
    relu = lambda z: np.maximum(z, 0)  # noqa: E731
    gap = float(np.max(np.abs(relu(Wr @ x) + relu(-(Wr @ x)) - relu(Wr @ (x - x)))))
    return Witness({"C_out": str(Wr.shape[0]), "C_in": str(Wr.shape[1])}, gap > 0, 0.0,
                   f"relu(Wx) + relu(−Wx) − relu(0) has largest entry {gap:.3g}")


# ----------------------------------------------------------------------------------------------------
# when a 1×1 reduction saves parameters
# ----------------------------------------------------------------------------------------------------
def saving_rows() -> list[dict]:
    """(what, cost with the 1×1 layers, cost without, the m where they are equal — solved by SymPy)."""
    rows = [("GoogLeNet's reduction: 1×1 C_in → m, then k×k m → C_out, against one k×k C_in → C_out",
             counts.reduced_conv_params(C_in, C_out, m, k), counts.conv2d_params(C_in, C_out, k, False)),
            ("ResNet's bottleneck: 1×1 c → m, k×k m → m, 1×1 m → c, against two k×k c → c layers",
             counts.bottleneck_params(c, m, k), 2 * counts.conv2d_params(c, c, k, False))]
    out = []
    for label, with_1x1, without in rows:
        root = [r for r in sp.solve(sp.Eq(with_1x1, without), m) if r.is_positive is not False][0]
        out.append({"label": label, "with": with_1x1, "without": without, "root": root,
                    "ratio": sp.simplify(with_1x1 / without)})
    return out


def saving_steps(rows) -> list[Step]:
    wide = {C_in: (1.0, 1024.0), C_out: (1.0, 1024.0), c: (1.0, 1024.0), k: (1.0, 7.0)}
    below = Domain(ranges={**wide, U_BELOW: (0.01, 0.99)})
    above = Domain(ranges={**wide, U_ABOVE: (1.01, 3.0)})
    steps = []
    for row in rows:
        a, b, root = row["with"], row["without"], row["root"]
        steps.append(Step(
            row["label"],
            (Relation(sp.Subs(a, m, root), sp.Subs(b, m, root), domain=Domain(ranges=wide)),
             Relation(a.subs(m, U_BELOW * root), b.subs(m, U_BELOW * root), "<", below),
             Relation(a.subs(m, U_ABOVE * root), b.subs(m, U_ABOVE * root), ">", above)),
            "SymPy solves for the m where both cost the same; below it (m = u·m*, u < 1) the 1×1 layers save "
            "parameters, above it they add parameters: a mild reduction costs more than no reduction."))
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
                      "Four branches on an H × H map: 1×1; 1×1 reduce then 3×3; 1×1 reduce then 5×5; pooling "
                      "then a 1×1 projection (pooling has no weights). Biases are not counted."))
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
    blocks = [("bottleneck 1×1 256→64, 3×3 64→64, 1×1 64→256 (256-d)", counts.bottleneck_params(256, 64, 3)),
              ("two 3×3 layers 64→64 (64-d, the basic block)", 2 * counts.conv2d_params(64, 64, 3, False)),
              ("two 3×3 layers 256→256 (256-d without the bottleneck)", 2 * counts.conv2d_params(256, 256, 3, False))]
    return [{"block": label, "params": int(w), "macs": int(w) * size * size} for label, w in blocks]


# ----------------------------------------------------------------------------------------------------
# generated code: derive.generated.conv1x1
# ----------------------------------------------------------------------------------------------------
def code_module() -> CodeModule:
    grads = gradients()
    as_code = {C_in: sp.Symbol("C_in", positive=True), C_out: sp.Symbol("C_out", positive=True)}  # Python names
    forward = CodeFunction(
        "conv1x1_forward", "x, W, b",
        "A 1×1 convolution of x (N, C_in, H, W) with W (C_out, C_in) or (C_out, C_in, 1, 1) and bias b "
        "(C_out,), stride 1; returns (y, cache) with y (N, C_out, H, W). The pixels of all samples are the "
        "P = N·H·W columns of one matrix X (C_in, P), so the layer is one matrix product; the cache holds "
        "copies of x and W, so changing them afterwards does not change the gradients.",
        Relation(sp.MatrixSymbol("Y", C_out, P), Y_FORMULA), [("Y", Y_FORMULA.xreplace(as_code))])
    backward = CodeFunction(
        "conv1x1_backward", "dy, cache",
        "Gradients of E given dy = dE/dy (N, C_out, H, W) and the cache of conv1x1_forward: a dict with x "
        "(N, C_in, H, W), W (the shape W had) and b (C_out,).",
        Relation(sp.Tuple(*(sp.Derivative(sp.Symbol("E"), M_) for M_ in (Wm, Xm, bm))),
                 sp.Tuple(grads["W"], grads["X"], grads["b"])),
        [(f"d{name}", grads[name].xreplace(as_code)) for name in ("W", "X", "b")])
    return CodeModule("conv1x1", "The 1×1 convolution (A6.1) as one matrix product over all pixels, and its "
                      "gradients, printed from the SymPy matrix expressions.", [forward, backward],
                      template="code/conv1x1.py.j2", verify=verify_conv1x1)


def verify_conv1x1() -> list[VerifyRow]:
    """Against torch.nn.functional.conv2d and its autograd in float64 (odd shapes, nonzero bias)."""
    import torch

    from ..generated import conv1x1 as gen

    rng = np.random.default_rng(20261)
    worst_y = worst_g = 0.0
    for n_, cin, cout, hh, ww, four_d in ((1, 1, 1, 1, 1, False), (2, 3, 5, 7, 4, True), (3, 6, 2, 5, 9, False)):
        x, Wt, b = rng.normal(size=(n_, cin, hh, ww)), rng.normal(size=(cout, cin, 1, 1)), rng.normal(size=cout)
        dy = rng.normal(size=(n_, cout, hh, ww))
        W_in = Wt.copy() if four_d else Wt[:, :, 0, 0].copy()
        y, cache = gen.conv1x1_forward(x, W_in, b)
        tx, tW, tb = (torch.tensor(a.copy(), requires_grad=True) for a in (x, Wt, b))
        x[...], W_in[...], b[...] = 0.0, 0.0, 0.0  # mutated after the forward pass: gradients must not change
        grads = gen.conv1x1_backward(dy, cache)
        ty = torch.nn.functional.conv2d(tx, tW, tb)
        ty.backward(torch.tensor(dy))
        worst_y = max(worst_y, float(np.max(np.abs(y - ty.detach().numpy()))))
        for key, ref in (("x", tx.grad), ("W", tW.grad), ("b", tb.grad)):
            worst_g = max(worst_g, float(np.max(np.abs(grads[key].reshape(ref.shape) - ref.numpy()))))
    return [VerifyRow("conv1x1_forward", "torch conv2d, float64", worst_y, 1e-12),
            VerifyRow("conv1x1_backward", "torch autograd, float64 (inputs mutated after forward)", worst_g, 1e-12)]


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


@register("conv1x1")
def derivation() -> Derivation:
    from ._conv1x1_claims import claims

    rows = saving_rows()
    W1, W2 = sp.MatrixSymbol("W_1", m, C_in), sp.MatrixSymbol("W_2", C_out, m)
    b1, b2 = sp.MatrixSymbol("b_1", m, 1), sp.MatrixSymbol("b_2", C_out, 1)
    ones = sp.OneMatrix(1, P)
    grads = gradients()
    general = {
        "A 1×1 convolution is one matrix W applied to every pixel": [Relation(sp.MatrixSymbol("Y", C_out, P), Y_FORMULA)],
        "Two stacked 1×1 convolutions without an activation are one 1×1 convolution":
            [Relation(sp.MatMul(W2, W1 * Xm + b1 * ones) + b2 * ones, (W2 * W1) * Xm + (W2 * b1 + b2) * ones)],
        "Gradients of the 1×1 layer (SymPy matrix calculus, checked entry by entry)":
            [Relation(sp.Derivative(LOSS, M_), grads[name]) for name, M_ in (("W", Wm), ("X", Xm), ("b", bm))],
    }
    return Derivation(
        name="conv1x1", section=SECTION,
        title="1×1 convolutions: a channel-mixing matrix at every pixel, and what it saves",
        title_zh="1×1 卷积：每个像素上的通道线性组合，以及它节省的参数",
        page="a6-1-conv1x1.md",
        summary="A 1×1 convolution is one C_out × C_in matrix applied at every pixel (written out entry by entry); "
                "stacked without an activation it collapses; a fully connected layer is a convolution with the "
                "kernel the size of its input. The reduction saves parameters only below a threshold SymPy solves "
                "for; GoogLeNet's Table 1 and ResNet's bottleneck are recounted.",
        model=[("output size along one axis (stride s, padding p)", counts.conv_output_size(H, k, s, p)),
               ("parameters of a k×k convolution C_in → C_out, with bias", counts.conv2d_params(C_in, C_out, k)),
               ("MACs on an H × W output map", counts.conv2d_macs(C_in, C_out, k, H, W)),
               ("the 1×1 convolution of all P pixels at once (pixels as columns)",
                Relation(sp.MatrixSymbol("Y", C_out, P), Y_FORMULA))],
        steps=cost_steps() + structure_steps() + saving_steps(rows),
        claims=claims(),
        code=[code_module()],
        plots=[Plot("conv1x1-saving", "Weights of a 1×1 reduction followed by a k×k convolution, relative to the "
                    "k×k convolution alone, against the reduced width m.", draw_saving),
               Plot("googlenet-params", "GoogLeNet Table 1: the printed params column against the recount by the "
                    "derived formula (K read as 1024 and as 1000).", draw_googlenet, size=(7.0, 3.8))],
        sections={"intro": "The seed lists five uses of 1×1 convolutions. Below, each is computed: the layer is "
                           "written out entry by entry, its costs are loop-nest sums checked against a counted "
                           "direct convolution, and the published GoogLeNet and ResNet numbers are recounted "
                           "with the same formulas."},
        template="a6-1-conv1x1.md.j2",
        context={"general": general, "savings": rows, "googlenet": googlenet_rows(), "resnet": resnet_rows(),
                 "m_symbol": m},
    )
