"""A6.1 as a lecture note (used by :mod:`.conv1x1`): the answer to each of the seed's five points, the
notation table, and the prose of the page's own tables, in English and Chinese."""
from __future__ import annotations

import sympy as sp

from ..model import Answer, Relation, Tr
from .conv1x1 import (C_in, C_out, E, H, P, W1, W2, Gm, Km, Wm, Xm, Ym, b1, b2, bm, c, ci, i, k, m, o, p,
                      patches, s, saving_rows, x_stacked, y_stacked, ONES)


def answers() -> list[Answer]:
    w, x, b, y = (sp.IndexedBase(n) for n in ("w", "x", "b", "y"))
    row = saving_rows()[0]
    return [
        Answer(Tr("① Reducing or increasing the channels: what does a 1×1 convolution change?",
                  "① 降维或升维：1×1 卷积改变了什么？"),
               Tr("It keeps height and width and changes only the number of channels, so the amount of data grows "
                  "or shrinks.", "1×1 卷积核不改变高和宽，只改变通道数，因而可以增减数据量（升维或降维）。"),
               Tr("Right at stride 1 without padding, which the seed leaves unsaid: at stride s the map shrinks to "
                  "⌈H/s⌉ along each axis (ResNet's 1×1 shortcuts use s = 2).",
                  "只在步幅为 1、无填充时成立，原答案没有说明这个前提：步幅为 s 时，每个方向缩小为 ⌈H/s⌉"
                  "（ResNet 的 1×1 捷径连接用 s = 2）。"),
               Relation(sp.Symbol("H'"), sp.ceiling(H / s)),
               Tr("output size along each axis for k = 1, p = 0; H' = H exactly when s = 1, and the channels go "
                  "from C_in to C_out", "k = 1、p = 0 时每个方向的输出尺寸；当且仅当 s = 1 时 H' = H，通道数由 "
                  "C_in 变为 C_out")),
        Answer(Tr("② Nonlinearity: does a 1×1 convolution add it?", "② 非线性：1×1 卷积能增加非线性吗？"),
               Tr("It adds nonlinearity while keeping the map size, through the activation that follows it.",
                  "在保持特征图尺寸的前提下增加非线性，这由其后的非线性激活函数完成。"),
               Tr("Nothing wrong: the 1×1 layer itself is linear, so without an activation two of them are one. "
                  "“大幅” (greatly) is not a quantity.",
                  "没有错：1×1 层本身是线性的，没有激活函数时两层等于一层。“大幅”不是可度量的量。"),
               Relation(sp.MatMul(W2, W1 * Xm + b1 * ONES) + b2 * ONES, sp.MatAdd(W2 * W1 * Xm, (W2 * b1 + b2) * ONES)),
               Tr("two 1×1 layers without an activation are the one layer W_2 W_1; a ReLU between them breaks this",
                  "没有激活函数时，两个 1×1 层就是一个权重为 W_2 W_1 的层；中间加上 ReLU 后不再如此")),
        Answer(Tr("③ Cross-channel interaction: what does a 1×1 convolution compute?", "③ 跨通道的信息交互：1×1 卷积计算什么？"),
               Tr("A linear combination of the channels; a 3×3×64 layer with 1×1×32 filters gives 3×3×32 filters.",
                  "通道之间的线性组合；3×3×64 的滤波器与 1×1×32 的滤波器组合，得到 3×3×32 的滤波器。"),
               Tr("Correct. In “1×1×32” the 32 is the number of filters; each 1×1 filter is 64 deep, the input's "
                  "channel count.", "正确。“1×1×32”中的 32 是滤波器个数；每个 1×1 滤波器的深度是 64，即输入的通道数。"),
               Relation(y[o, i], sp.Sum(w[o, ci] * x[ci, i], (ci, 1, C_in)) + b[o]),
               Tr("the same C_out × C_in matrix W at every pixel i: Y = W X + b 1ᵀ",
                  "每个像素 i 上都是同一个 C_out × C_in 矩阵 W：Y = W X + b 1ᵀ")),
        Answer(Tr("④ Fewer parameters: when does a 1×1 reduction save weights?", "④ 减少参数：1×1 降维什么时候能省参数？"),
               Tr("Fewer channels mean fewer feature maps and fewer parameters.", "降维使通道变少、特征图变少，参数随之变少。"),
               Tr("Only a deep enough reduction saves: the 1×1 layer adds C_in·m weights of its own. Reducing 20 "
                  "channels to 19 before a 3×3 layer costs 3,800 weights against 3,600 without it.",
                  "只有降得足够多才省参数：1×1 层自身有 C_in·m 个权重。在 3×3 卷积前把 20 个通道降到 19 个，"
                  "共需 3,800 个权重，不降维只需 3,600 个。"),
               sp.Equivalent(sp.Lt(m, row["root"]), sp.Lt(row["with"], row["without"])),
               Tr("1×1 to m channels, then k×k to C_out, against one k×k layer; the threshold is 0.9·C_in for k = 3 "
                  "and C_out = C_in, and GoogLeNet's reductions (192 → 96 before a 3×3) are far below it",
                  "先 1×1 降到 m 个通道、再 k×k 到 C_out，与单个 k×k 层相比；k = 3 且 C_out = C_in 时阈值为 "
                  "0.9·C_in，GoogLeNet 的降维（3×3 前 192 → 96）远低于它")),
        Answer(Tr("⑤ Can a 1×1 convolution replace a fully connected layer?", "⑤ 1×1 卷积能替代全连接层吗？"),
               Tr("Yes (attributed to Yann LeCun).", "可以（出自 Yann LeCun）。"),
               Tr("Only on a 1×1 map (after global pooling, or for the dense layers after the first): a 1×1 "
                  "convolution never mixes pixels. On a larger map a dense layer is a convolution whose kernel "
                  "covers the whole map.",
                  "只在 1×1 的特征图上成立（全局池化之后，或第一个全连接层之后的各层）：1×1 卷积从不混合不同像素。"
                  "在更大的特征图上，全连接层是卷积核覆盖整张特征图的卷积。"),
               Relation(y_stacked, sp.KroneckerProduct(sp.Identity(P), Wm) * x_stacked
                        + sp.KroneckerProduct(sp.OneMatrix(P, 1), bm)),
               Tr("a 1×1 convolution as a dense layer: P copies of W on the diagonal (C_in·C_out weights, not "
                  "C_in·C_out·P²); for P = 1 it is y = W x + b",
                  "把 1×1 卷积写成全连接层：对角线上是 P 个 W（共 C_in·C_out 个权重，而不是 C_in·C_out·P²）；"
                  "P = 1 时就是 y = W x + b")),
    ]


def notation() -> list[tuple]:
    w, x = sp.IndexedBase("w"), sp.IndexedBase("x")
    rows = [
        (C_in, "input channels", "输入通道数"), (C_out, "output channels", "输出通道数"),
        (k, "kernel size (k × k)", "卷积核尺寸（k × k）"), (s, "stride", "步幅"), (p, "padding", "填充"),
        (H, "size of the map along one axis (its height; the width behaves alike)", "特征图在一个方向上的尺寸（高；宽同理）"),
        (P, "number of pixels of a map (height × width; times N for a batch of N maps)",
         "特征图的像素数（高 × 宽；一批 N 张时再乘 N）"),
        (Wm, "weight matrix of the 1×1 layer, C_out × C_in", "1×1 层的权重矩阵，C_out × C_in"),
        (w[o, ci], "entry of W: the weight from input channel c to output channel o", "W 的元素：输入通道 c 到输出通道 o 的权重"),
        (bm, "bias, one per output channel", "偏置，每个输出通道一个"),
        (Xm, "input pixels as columns, C_in × P", "以像素为列的输入，C_in × P"),
        (x[ci, i], "entry of X: channel c of pixel i", "X 的元素：像素 i 的第 c 个通道"),
        (Ym, "output pixels as columns, C_out × P", "以像素为列的输出，C_out × P"),
        (sp.OneMatrix(P, 1), "column of P ones (b 1ᵀ repeats b at every pixel)", "P 个 1 组成的列向量（b 1ᵀ 把 b 复制到每个像素）"),
        (E, "a loss computed from Y", "由 Y 计算的损失"), (Gm, "gradient ∂E/∂Y, C_out × P", "梯度 ∂E/∂Y，C_out × P"),
        (m, "channels between two stacked layers (after a 1×1 reduction)", "两层之间的通道数（1×1 降维后的通道数）"),
        (W1, "first layer of a stack, m × C_in, bias b_1", "堆叠中的第一层，m × C_in，偏置 b_1"),
        (W2, "second (1×1) layer of a stack, C_out × m, bias b_2", "堆叠中的第二个（1×1）层，C_out × m，偏置 b_2"),
        (Km, "a k×k kernel as a matrix, one filter per row (m × C_in k²)", "k×k 卷积核写成矩阵，每行一个滤波器（m × C_in k²）"),
        (patches, "patch matrix: column i holds the k×k window at pixel i, all channels",
         "图像块矩阵：第 i 列是像素 i 处所有通道的 k×k 窗口"),
        (x_stacked, "the pixels of X one after another in one vector (C_in P)", "把 X 的各像素依次排成一个向量（C_in P 维）"),
        (sp.Symbol("M"), "weight matrix of a fully connected layer", "全连接层的权重矩阵"),
        (c, "width of a ResNet block (its input and output channels)", "ResNet 块的宽度（输入和输出通道数）"),
    ]
    return [(sym, Tr(en, zh)) for sym, en, zh in rows]


def page_texts() -> dict[str, Tr]:
    """The headings, table heads and paragraphs of the page's own tables (templates/a6-1-conv1x1.md.j2)."""
    return {
        "savings_title": Tr("When the 1×1 layers save parameters", "1×1 层何时节省参数"),
        "savings_head": Tr("| design | weights with the 1×1 layers | without | ratio | saves when |",
                           "| 结构 | 含 1×1 层的权重数 | 不含 1×1 层 | 比值 | 节省的条件 |"),
        "googlenet_title": Tr("GoogLeNet Table 1, recounted", "复现 GoogLeNet 表 1"),
        "googlenet_intro": Tr(
            "Szegedy et al. 2015, Table 1, inception rows (`../shared/reference/googlenet-table1.csv`). The recount "
            "uses the derived formulas: weights of the six convolutions (no biases), ops = weights × map size "
            "(stride 1). The paper prints params with “K” without saying whether K is 1000 or 1024; both readings "
            "are shown, with the relative difference to the printed figure. The formula is not adjusted to fit.",
            "Szegedy 等 2015 年论文的表 1 中各 inception 行（`../shared/reference/googlenet-table1.csv`）。重新计数"
            "使用上面推导的公式：六个卷积的权重数（不含偏置），运算量 = 权重数 × 特征图尺寸（步幅 1）。论文的参数"
            "列以 “K” 为单位，没有说明 K 是 1000 还是 1024；两种读法都列出，并给出与论文数字的相对差。公式没有为"
            "吻合而调整。"),
        "googlenet_head": Tr(
            "| module | map | depth (recount · paper) | params recount | paper | recount/1024 | Δ | recount/1000 | Δ "
            "| ops recount (M) | paper (M) | Δ (M) | params without the 1×1 reductions |",
            "| 模块 | 特征图 | 深度（重算 · 论文） | 参数重算 | 论文 | 重算/1024 | Δ | 重算/1000 | Δ "
            "| 运算量重算 (M) | 论文 (M) | Δ (M) | 去掉 1×1 降维后的参数 |"),
        "resnet_title": Tr("ResNet's bottleneck block", "ResNet 的瓶颈块"),
        "resnet_intro": Tr("He et al. 2016, Fig. 5, on a 56 × 56 map (conv2_x), no biases:",
                           "He 等 2016 年论文图 5，在 56 × 56 的特征图上（conv2_x），不含偏置："),
        "resnet_head": Tr("| block | weights | MACs |", "| 结构 | 权重数 | 乘加次数 |"),
    }


def googlenet_summary(rows) -> Tr:
    """What the recount of Table 1 found, with its numbers, in both languages."""
    off_ops = [r for r in rows if abs(r["ops_diff"]) > 1.0]
    off_params = sorted((r for r in rows if abs(r["diff1024"]) > 0.02), key=lambda r: r["module"])
    ops_items = [f"{r['module']} ({r['ops_diff']:+.1f} M)" for r in off_ops]
    params_items = [f"{r['module']} ({100 * r['diff1024']:+.1f} %)" for r in off_params]
    ops, params = ", ".join(ops_items), ", ".join(params_items)
    ops_zh, params_zh = "、".join(ops_items), "、".join(params_items)
    depths_agree = all(r["depth"] == r["depth_paper"] for r in rows)
    n, n_ops, n_params = len(rows), len(rows) - len(off_ops), len(rows) - len(off_params)
    return Tr(
        f"The ops column agrees within ±1 M for {n_ops} of {n} modules"
        + (f"; it differs by more for {ops}" if ops else "")
        + f". Read with K = 1024 the params column agrees within 2 % for {n_params} of {n} modules"
        + (f"; it differs by more for {params}" if params else "") + "."
        + (" The depths (output channels) all agree, so the branch widths are read correctly; the differences are in "
           "the printed figures." if depths_agree else " The depths (output channels) differ for some modules."),
        f"运算量一列有 {n_ops}/{n} 个模块相差不超过 ±1 M" + (f"；相差更多的是 {ops_zh}" if ops else "")
        + f"。按 K = 1024 读，参数一列有 {n_params}/{n} 个模块相差不超过 2 %" + (f"；相差更多的是 {params_zh}" if params else "")
        + "。" + ("各模块的深度（输出通道数）全部一致，说明各分支宽度读得正确；差异出在论文印出的数字上。" if depths_agree
                 else "部分模块的深度（输出通道数）不一致。"))
