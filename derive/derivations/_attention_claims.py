"""The seed's A6.4 statements, encoded for the checker (used by :mod:`.attention_costs`).

Each cost statement is checked on integer sizes drawn at random (n up to 8192, d up to 2048, the seed's
kernel width k = 3 unless the statement is about other widths); where a verdict depends on n/d the
reading and the crossover are stated with it.
"""
from __future__ import annotations

import numpy as np
import sympy as sp

from .. import counts, tally
from ..model import Claim, Relation, Search, Tr, Witness
from ..printing import plain

SECTION = "A6.4"
n, d, k = sp.symbols("n d k", positive=True, integer=True)


def _point(sizes):
    """Sizes as text, so the evidence reads n = 12, not n = 12.0."""
    return {key: str(v) for key, v in sizes.items()}


def counter(expr):
    """``expr`` as a function of integer sizes {"n", "d", "k"}, exact (Python integers; compiled once,
    SymPy's ``subs`` would be a hundred times slower in a 300-trial search)."""
    fn = sp.lambdify([n, d, k], expr, "math")

    def value(sizes):
        out = fn(sizes["n"], sizes["d"], sizes.get("k", 3))
        return int(out) if float(out).is_integer() else out
    return value


def cost_search(statement, holds, draw_sizes, trials=300):
    """``holds(sizes)`` returns (ok, detail) at integer sizes drawn by ``draw_sizes(rng)``."""
    def probe(rng) -> Witness:
        sizes = draw_sizes(rng)
        ok, detail = holds(sizes)
        return Witness(_point(sizes), ok, 0.0 if ok else 1.0, detail)
    return Search(statement, probe, trials)


def any_sizes(rng, k_choices=(3,)):
    return {"n": int(rng.integers(1, 8193)), "d": int(rng.integers(1, 2049)), "k": int(rng.choice(k_choices))}


def compare(left_label, left, right_label, right, op=">"):
    """``left op right`` at the drawn sizes, with both sides named in the detail."""
    left, right = counter(left), counter(right)

    def holds(sizes):
        a, b = left(sizes), right(sizes)
        ok = a > b if op == ">" else a >= b
        return ok, f"{left_label} = {a:,} MACs, {right_label} = {b:,} MACs"
    return holds


def _attention_probe(kind):
    """Random attention layers (torch layout, one head): ``weights`` — the weights A differ for two inputs;
    ``global`` — every output row moves when any input row moves (central differences)."""
    def probe(rng) -> Witness:
        nn, dd = int(rng.integers(2, 6)), int(rng.integers(1, 4))
        W = [rng.normal(size=(dd, dd)) for _ in range(4)]
        x = rng.normal(size=(nn, dd))
        if kind == "weights":
            def weights(inp):
                q, kk = inp @ W[0].T, inp @ W[1].T
                z = q @ kk.T / np.sqrt(dd)
                e = np.exp(z - z.max(axis=1, keepdims=True))
                return e / e.sum(axis=1, keepdims=True)
            gap = float(np.max(np.abs(weights(x) - weights(rng.normal(size=(nn, dd))))))
            return Witness(_point({"n": nn, "d": dd}), gap > 1e-9, 0.0, f"largest change of a weight: {gap:.3g}")
        smallest = np.inf
        for src in range(nn):
            step = np.zeros_like(x)
            step[src] = 1e-6 * rng.normal(size=dd)
            moved = tally.attention(x + step, *W, 1, tally.Tally()) - tally.attention(x - step, *W, 1, tally.Tally())
            smallest = min(smallest, float(np.min(np.abs(moved).max(axis=1))))
        return Witness(_point({"n": nn, "d": dd}), smallest > 1e-12, 0.0,
                       f"smallest response of an output row to an input row: {smallest:.3g}")
    return probe


def probe_five_products(rng) -> Witness:
    """One head, the seed's figure: Q, K, V projections, then K q_i and Vᵀ a_i for every position."""
    nn, dd = int(rng.integers(1, 7)), int(rng.integers(1, 5))
    W = [rng.normal(size=(dd, dd)) for _ in range(3)]
    got = tally.Tally()
    tally.attention(rng.normal(size=(nn, dd)), *W, None, 1, got)
    per_position = got.macs // nn
    ok = got.matvecs == 5 * nn and per_position == 3 * dd**2 + 2 * nn * dd
    return Witness(_point({"n": nn, "d": dd}), ok, 0.0 if ok else 1.0,
                   f"{got.matvecs / nn:g} matrix–vector products and {per_position} MACs per position")


def probe_variable_length(rng) -> Witness:
    dd = int(rng.integers(1, 4))
    W = [rng.normal(size=(dd, dd)) for _ in range(4)]
    lengths = sorted(int(v) for v in rng.choice(np.arange(1, 9), size=2, replace=False))
    shapes = [tally.attention(rng.normal(size=(m, dd)), *W, 1, tally.Tally()).shape for m in lengths]
    ok = shapes == [(m, dd) for m in lengths]
    return Witness(_point({"d": dd, "lengths": lengths}), ok, 0.0, f"output shapes {shapes}")


def probe_rnn_all_sequential(rng) -> Witness:
    """The share of an RNN's MACs that lie on the chain h_{t−1} → h_t (the rest, W_ih x_t, does not
    depend on any earlier step)."""
    nn, dd = int(rng.integers(1, 6)), int(rng.integers(1, 4))
    W_ih, W_hh, x = rng.normal(size=(dd, dd)), rng.normal(size=(dd, dd)), rng.normal(size=(nn, dd))
    inputs, recurrent = tally.Tally(), tally.Tally()
    for step in range(nn):
        tally.matvec(W_ih, x[step], inputs)
        tally.matvec(W_hh, rng.normal(size=dd), recurrent)
    total = inputs.macs + recurrent.macs
    return Witness(_point({"n": nn, "d": dd}), recurrent.macs == total, inputs.macs / total,
                   f"{recurrent.macs} of {total} MACs are on the chain; W_ih x_t for all t ({inputs.macs} MACs) is "
                   f"one matrix product that no step waits for")


def probe_depth(kind):
    def probe(rng) -> Witness:
        nn = int(rng.integers(2, 50))
        if kind == "parallel":
            depth = tally.sequential_depth([[] for _ in range(nn)])
            return Witness(_point({"n": nn}), depth == 1, 0.0, f"longest chain: {depth}")
        depth = tally.sequential_depth([[t - 1] if t else [] for t in range(nn)])
        return Witness(_point({"n": nn}), depth == nn, 0.0, f"longest chain: {depth} of n = {nn} steps")
    return probe


def probe_paths(kind):
    """Layers needed to connect all n positions: conv stacks (centred, contiguous and dilated) against
    one attention layer; ``recurrent``: the RNN/LSTM chain has path length n."""
    def probe(rng) -> Witness:
        kk = int(rng.choice([3, 5, 7]))
        nn = int(rng.integers(kk + 1, 40))
        if kind == "recurrent":
            got = tally.recurrent_path_length(nn)
            return Witness(_point({"n": nn}), got == nn, 0.0, f"path from x_1 to h_n: {got} edges")
        attention = tally.explicit_path_length("attention", nn)
        if kind == "attention":
            return Witness(_point({"n": nn}), attention == 1, 0.0, f"self-attention needs {attention} layer(s)")
        contiguous, dilated = (tally.explicit_path_length(kind, nn, kk) for kind in ("centred", "dilated"))
        ok = min(contiguous, dilated) > attention == 1 and contiguous > 1
        return Witness(_point({"n": nn, "k": kk}), ok, 0.0, f"contiguous stack {contiguous} layers, dilated {dilated}, "
                       f"self-attention {attention}")
    return probe



def formulas() -> dict:
    """The counts the claims compare (the seed's own attention has Q, K, V projections and no W_o)."""
    conv = counts.conv1d_macs(n, d, k)
    return {"attention_p": counts.attention_macs(n, d), "attention_0": counts.attention_macs(n, d, projections=False),
            "conv": conv, "rnn": counts.rnn_macs(n, d), "lstm": counts.lstm_macs(n, d),
            "seed": counts.projection_macs(n, d, 3) + counts.attention_core_macs(n, d),
            "stack": counts.path_length_contiguous(n, k) * conv}


def deep_enough(rng):
    return {"k": int(rng.choice([3, 5, 7])), "n": int(rng.integers(8, 8193)), "d": int(rng.integers(8, 2049))}


def crossover(a, b):
    """The positive n where the counts a and b are equal (SymPy's solve)."""
    return [root for root in sp.solve(sp.Eq(a, b), n) if root.is_positive is not False and root != 0][0]


def up_to(root, kernels=(3,), strict=False):
    """Sizes with n ≤ root(d, k) (n < root when ``strict``), k drawn from ``kernels``."""
    bound = sp.lambdify([d, k], root, "math")

    def draw(rng):
        kk, dd = int(rng.choice(kernels)), int(rng.integers(2, 2049))
        top = bound(dd, kk)
        top = int(np.ceil(top)) - 1 if strict else int(np.floor(top))
        return {"n": int(rng.integers(1, max(top, 1) + 1)), "d": dd, "k": kk}
    return draw


def cheapest(projections):
    """Self-attention cheaper than the RNN, the LSTM (without projections only) and the width-3 convolution."""
    f = formulas()
    mine = counter(f["attention_p" if projections else "attention_0"])
    rivals = {"RNN": counter(f["rnn"]), "convolution": counter(f["conv"])}
    if not projections:
        rivals["LSTM"] = counter(f["lstm"])

    def holds(sizes):
        a, others = mine(sizes), {key: fn(sizes) for key, fn in rivals.items()}
        label = "with" if projections else "without"
        return all(a < v for v in others.values()), (f"self-attention {label} projections {a:,} MACs; "
                                                     + ", ".join(f"{key} {v:,}" for key, v in others.items()))
    return holds


WHERE = {"attention": "A6.4 1、自注意力模型", "conv": "A6.4 2、卷积层", "rnn": "A6.4 3、循环层", "summary": "A6.4 4、总结"}


def _attention_claims() -> list[Claim]:
    """1、自注意力模型: what the attention weights depend on, reach, parallelism, variable length."""
    return [
        Claim(SECTION, "其注意力层的权重由输入决定", WHERE["attention"],
              Search("the attention weights softmax(Q Kᵀ/√d) change when the input changes (weights W fixed)",
                     _attention_probe("weights"), 40)),
        Claim(SECTION, "自注意力模型的每个输出都是基于全局信息的（即是一种直接的对序列的长距离依赖关系）", WHERE["attention"],
              Search("every output row responds to every input row (central differences, random layers)",
                     _attention_probe("global"), 30)),
        Claim(SECTION, "并且可以并行化计算", WHERE["attention"],
              Search("longest chain of dependent operations in one attention layer = 1", probe_depth("parallel"), 30)),
        Claim(SECTION, "自注意力模型可以利用注意力机制动态地生成不同连接的权重，从而处理变长的信息序列", WHERE["attention"],
              (Relation(sp.diff(counts.projection_macs(1, d, 4), n), 0),
               Search("the same W_q, W_k, W_v, W_o applied to sequences of two lengths give outputs of those lengths",
                      probe_variable_length, 20)),
              note="A fully connected layer over the whole sequence would need (n·d)² weights, fixed to one n."),
    ]


def convolution_claims() -> list[Claim]:
    """2、卷积层: receptive field, path length, parallelism and cost against self-attention."""
    f = formulas()
    seed = counter(f["seed"])
    wide = crossover(f["conv"], f["seed"])  # k·d² = 3d² + 2nd per position
    return [
        Claim(SECTION, "卷积核都只能感受局部的信息（即为一种 $N - gram$ 的局部编码）。如果需要感受更大范围的信息，"
              "增大感受野，则需要加深层数", WHERE["conv"],
              Search("for n > k positions one width-k layer is not enough; the stack needs more layers "
                     "(explicit reachability)", probe_paths("conv"), 25),
              note="Contiguous stacks need ⌈2(n−1)/(k−1)⌉ layers, dilated ones ⌈log_k n⌉ (see the derivation)."),
        Claim(SECTION, "从这来看，卷积层在建模长距离依赖的效率是不如自注意力模型的", WHERE["conv"],
              Search("path length between the two ends of n > k positions: convolution stacks > 1 = self-attention",
                     probe_paths("conv"), 25)),
        Claim(SECTION, "而由于每一次提取相互之间是无关的，所以卷积本身也是可以并行计算的", WHERE["conv"],
              Search("longest chain of dependent operations in one convolution layer = 1", probe_depth("parallel"), 30)),
        Claim(SECTION, "但相对而言，卷积层计算要慢于自注意力模型", WHERE["conv"],
              cost_search("one width-3 convolution layer needs more MACs than one self-attention layer "
                          "(Q, K, V, output projections)",
                          compare("convolution", f["conv"], "self-attention", f["attention_p"]), any_sizes),
              cost_search("a convolution stack deep enough to connect all n positions needs more MACs than one "
                          "self-attention layer with projections (k ∈ {3, 5, 7}, n ≥ 8, d ≥ 8)",
                          compare("convolution stack", f["stack"], "self-attention", f["attention_p"]), deep_enough),
              "read as the seed's own argument in the next two lines: a convolution stack deep enough to "
              "connect all n positions (⌈2(n−1)/(k−1)⌉ layers) against one self-attention layer; n ≥ 8, d ≥ 8"),
        Claim(SECTION, "对于每一个词向量，进行一次自注意力需要五次向量乘法运算", WHERE["conv"],
              cost_search("five products of length-d vectors per position: 5d MACs",
                          lambda s: (seed(s) == 5 * s["n"] * s["d"],
                                     f"per position {seed(s) // s['n']:,} MACs, 5d = {5 * s['d']:,}"),
                          any_sizes),
              Search("five matrix–vector products per position: W_q x_i, W_k x_i, W_v x_i, K q_i, Vᵀ a_i "
                     "(counted implementation)", probe_five_products, 40),
              "“向量乘法” is read as a matrix–vector product: three d×d ones (the projections) and two n×d ones "
              "(the scores K q_i and the weighted sum Vᵀ a_i), 3d² + 2nd MACs per position, growing with n"),
        Claim(SECTION, "每一层的乘法运算数量最少也与一次自注意力的次数相等（随步长变化）", WHERE["conv"],
              cost_search("per position a width-3 convolution layer needs at least the MACs of one self-attention "
                          "(the seed's five products, 3d² + 2nd)",
                          compare("convolution", f["conv"], "self-attention", f["seed"], ">="), any_sizes),
              cost_search("per position a width-k convolution layer needs at least the MACs of one self-attention "
                          f"(3d² + 2nd), for k ≥ 5 and n ≤ {plain(wide)}",
                          compare("convolution", f["conv"], "self-attention", f["seed"], ">="), up_to(wide, (5, 7, 9))),
              f"the kernel is at least 5 wide (the seed's own example, k = 3, never satisfies it) and "
              f"n ≤ {plain(wide)}, where k·d² = 3d² + 2nd (solved by SymPy)",
              note="With stride s the convolution's count drops by the factor s (“随步长变化”); the comparison "
                   "above is for stride 1."),
    ]


def recurrent_claims() -> list[Claim]:
    """3、循环层: sequential steps, cost growth, path length."""
    f = formulas()
    return [
        Claim(SECTION, "由于其递归的特性，导致其计算对于输入序列而言是串行处理的，无法使用并行计算加快计算效率", WHERE["rnn"],
              Search("every MAC of an RNN lies on the chain h_(t−1) → h_t", probe_rnn_all_sequential, 20),
              Search("the recurrence itself is a chain of n dependent steps", probe_depth("chain"), 30),
              "read for the recurrence h_(t−1) → h_t only: the input products W_ih x_t (half the MACs) are one "
              "parallel matrix product, and each step's d×d product is parallel inside"),
        Claim(SECTION, "计算复杂度也随之剧增", WHERE["rnn"],
              cost_search("an RNN needs more MACs than self-attention (the recurrence makes the count grow faster)",
                          compare("RNN", f["rnn"], "self-attention (no projections)", f["attention_0"]), any_sizes),
              Search("what grows is the number of sequential steps: n, against 1 for attention and convolution",
                     probe_depth("chain"), 30),
              "read as the time of the n sequential steps; the MAC count 2nd² is linear in n, the lowest growth "
              "in n of the three layers"),
        Claim(SECTION, "事实上其对长距离依赖关系的建模效率也很低，可以通过LSTM等方式缓解，但还是不能根本地解决问题",
              WHERE["rnn"], Search("the path between the two ends is n steps long, for the RNN and the LSTM alike",
                                probe_paths("recurrent"), 30),
              note="The LSTM changes the gradient along the path (A6.3), not its length."),
    ]


def summary_claims() -> list[Claim]:
    """4、总结 and the statements that cannot be checked."""
    f = formulas()
    rnn_cross, lstm_cross = crossover(f["attention_0"], f["rnn"]), crossover(f["attention_p"], f["lstm"])
    conv_cross = crossover(f["attention_0"], f["conv"])
    return [
        Claim(SECTION, "一层计算便可实现依赖的建立", WHERE["summary"],
              Search("one self-attention layer connects all positions", probe_paths("attention"), 20)),
        Claim(SECTION, "计算复杂度也很低", WHERE["summary"],
              cost_search("self-attention with projections needs fewer MACs than an RNN and a width-3 convolution",
                          cheapest(True), any_sizes),
              cost_search("self-attention without projections needs fewer MACs than an RNN, an LSTM and a width-3 "
                          f"convolution when n < {plain(rnn_cross)}", cheapest(False), up_to(rnn_cross, strict=True)),
              f"the projections are left out (as in Vaswani et al.'s Table 1) and n < {plain(rnn_cross)}; with "
              f"projections self-attention never costs less than an RNN of the same width, and less than an LSTM "
              f"only for n < {plain(lstm_cross)} (crossovers solved by SymPy)"),
        Claim(SECTION, "卷积神经网络的不同卷积核之间能够进行并行计算，但计算次数要比自注意力模型多", WHERE["summary"],
              cost_search("a width-3 convolution layer needs more MACs than a self-attention layer with projections",
                          compare("convolution", f["conv"], "self-attention", f["attention_p"]), any_sizes),
              cost_search(f"without projections, a width-3 convolution needs more MACs when n < {plain(conv_cross)}",
                          compare("convolution", f["conv"], "self-attention (no projections)", f["attention_0"]),
                          up_to(conv_cross, strict=True)),
              f"the projections are left out and n < {plain(conv_cross)} (crossover solved by SymPy; "
              f"{plain(conv_cross.subs(k, 3))} for k = 3)"),
        Claim(SECTION, "自注意力模型是注意力机制的一个变体 … 与注意力机制的区别是，其减少了对外部信息的依赖", WHERE["attention"], None,
              note="A description of how the model is built, not a statement with a quantity to check."),
        Claim(SECTION, "RNN存在梯度爆炸和梯度消失的问题", WHERE["rnn"], None,
              note="Checked on the A6.3 pages (the RNN Jacobian product and the LSTM cell path), not here."),
    ]


def claims() -> list[Claim]:
    return [_with_errata(c) for c in _attention_claims() + convolution_claims() + recurrent_claims() + summary_claims()]


# For the errata page: how much each imprecise statement matters and why, in one line (by the seed's words).
ERRATA = {
    "但相对而言，卷积层计算要慢于自注意力模型": ("error", Tr(
        "Per layer a width-3 convolution needs fewer MACs than self-attention; it holds only for a stack deep "
        "enough to connect every position.",
        "按单层比较，宽 3 卷积的乘加次数少于自注意力；只有把卷积堆叠到能连通所有位置时才成立。")),
    "对于每一个词向量，进行一次自注意力需要五次向量乘法运算": ("slip", Tr(
        "Five products per position, but three are d×d and two grow with n: 3d² + 2nd MACs, not 5d.",
        "每个位置确实是五次乘积，但其中三次是 d×d、两次随 n 增长：共 3d² + 2nd 次乘加，而不是 5d。")),
    "每一层的乘法运算数量最少也与一次自注意力的次数相等（随步长变化）": ("error", Tr(
        "Only for kernels at least 5 wide and n ≤ d·(k − 3)/2; the seed's own k = 3 never satisfies it.",
        "只在卷积核宽至少为 5 且 n ≤ d·(k − 3)/2 时成立；原答案自己的 k = 3 从不满足。")),
    "由于其递归的特性，导致其计算对于输入序列而言是串行处理的，无法使用并行计算加快计算效率": ("slip", Tr(
        "The recurrence is serial, but the input products (half the MACs) and each step's matrix product are "
        "parallel.", "递推确实是串行的，但输入乘积（占一半乘加）和每一步内部的矩阵乘积都可以并行。")),
    "计算复杂度也随之剧增": ("slip", Tr(
        "The MAC count 2nd² is linear in n; what grows is the number of sequential steps.",
        "乘加次数 2nd² 对 n 是线性的；增长的是顺序步骤的数目。")),
    "计算复杂度也很低": ("error", Tr(
        "Only without the projections and for n < d; with them attention never costs less than an RNN.",
        "只在不计投影且 n < d 时成立；计入投影后注意力从不比 RNN 更省。")),
    "卷积神经网络的不同卷积核之间能够进行并行计算，但计算次数要比自注意力模型多": ("error", Tr(
        "Only without the projections and for n < d·k/2; a width-3 convolution otherwise needs fewer MACs.",
        "只在不计投影且 n < d·k/2 时成立；否则宽 3 卷积的乘加次数更少。")),
}


def _with_errata(claim: Claim) -> Claim:
    import dataclasses

    if claim.claim not in ERRATA:
        return claim
    severity, why = ERRATA[claim.claim]
    return dataclasses.replace(claim, severity=severity, why=why)
