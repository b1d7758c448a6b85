"""The seed's A6.1 statements, encoded for the checker (used by :mod:`.conv1x1`), with their errata: one line
of why, the corrected statement, the severity and the step that derives the right result. Counter-examples
are small enough to check by hand: a map of a few rows at stride 2, a few dozen channels reduced by one or two,
one channel on two pixels."""
from __future__ import annotations

import sympy as sp

from .. import counts
from ..checking import bi
from ..model import Claim, Domain, Relation, Search, Tr, Witness
from ..printing import plain
from .conv1x1 import (C_in, C_out, H, P, U_BELOW, composed_relation, conv_entries, k, linear_map_relation, m,
                      output_size_relations, pixels, relu_relation, s, saving_rows, stacked_relation, tensor)

SECTION = "A6.1"
ONE = "A6.1 ① changing the channel count (降维或升维)"
TWO = "A6.1 ② adding nonlinearity (增加非线性特性)"
THREE = "A6.1 ③ mixing the channels (跨通道的信息交互)"
FOUR = "A6.1 ④ fewer parameters (减少参数)"
FIVE = "A6.1 ⑤ replacing fully connected layers (替代全连接层)"
# the titles of the steps that derive the right result (the links of the errata page)
SIZE_STEP = "Output size along one axis; a 1×1 kernel with stride 1 and no padding keeps H"
MATRIX_STEP = "A 1×1 convolution is one matrix W applied to every pixel"
STACK_STEP = "Two stacked 1×1 convolutions without an activation are one 1×1 convolution"
COMPOSE_STEP = "A k×k convolution followed by a 1×1 convolution is one k×k convolution"
SAVING_STEP = "GoogLeNet's reduction: 1×1 C_in → m, then k×k m → C_out, against one k×k C_in → C_out"
FC_STEP = "A fully connected layer on a flattened input is a convolution with a kernel the size of the map"


def probe_stride(rng) -> Witness:
    """The seed's “height and width do not change” for a 1×1 kernel without padding, at strides 1 and 2."""
    hh, ss = int(rng.integers(2, 9)), int(rng.choice([1, 2]))
    out = int(counts.conv_output_size(hh, 1, ss, 0))
    return Witness({"H": str(hh), "s": str(ss)}, out == hh, float(abs(out - hh)),
                   bi("the output is H' = {out} high; the seed says it stays H = {h}",
                      "输出高度 H' = {out}；原答案说它保持 H = {h}", out=out, h=hh))


def probe_reduction(rng) -> Witness:
    """The seed's “fewer channels, fewer parameters”: C channels reduced to m < C by a 1×1 layer before a 3×3
    layer to C channels, against the 3×3 layer alone."""
    cc = int(rng.integers(12, 41))
    mm = int(rng.integers(1, cc))
    reduced, plain_ = (int(counts.reduced_conv_params(cc, cc, mm, 3)), int(counts.conv2d_params(cc, cc, 3, False)))
    return Witness({"C_in = C_out": str(cc), "k": "3", "m": str(mm)}, reduced < plain_, float(reduced / plain_),
                   bi("1×1 to m channels, then 3×3: {r:,} weights; the 3×3 layer alone: {p:,}",
                      "先 1×1 降到 m 个通道再 3×3：{r:,} 个权重；只用 3×3 层：{p:,} 个", r=reduced, p=plain_))


def probe_dense(rng) -> Witness:
    """One channel, two pixels: does output pixel 1 move with input pixel 2? For a 1×1 convolution never
    (∂/∂x_2 of w x_1 + b is 0 whatever w is); for a dense layer it moves with its weight m_12."""
    w, bias, x1, x2, m11, m12 = sp.symbols("w b x_1 x_2 m_11 m_12", real=True)
    weight = round(float(rng.uniform(0.2, 2.0)), 2)
    conv, dense = sp.diff(w * x1 + bias, x2), sp.diff(m11 * x1 + m12 * x2 + bias, x2).subs(m12, weight)
    return Witness({"C": "1", "P": "2", "m_12": f"{weight:g}"}, conv == dense, float(abs(dense - conv)),
                   bi("∂y_1/∂x_2 is {c} for every 1×1 convolution and {d:g} for this dense layer, so no 1×1 "
                      "convolution computes it", "对任何 1×1 卷积 ∂y_1/∂x_2 = {c}，而这个全连接层的 ∂y_1/∂x_2 = {d:g}，"
                      "所以没有 1×1 卷积能算出它", c=conv, d=float(dense)))


def reduction_relations():
    """Reading of “fewer parameters”: below the threshold m* that SymPy solves for (m = u·m*, u < 1)."""
    row = saving_rows()[0]
    a, b, root = row["with"], row["without"], row["root"]
    wide = {C_in: (1.0, 1024.0), C_out: (1.0, 1024.0), k: (1.0, 7.0), U_BELOW: (0.01, 0.99)}
    reading = Relation(a.subs(m, U_BELOW * root), b.subs(m, U_BELOW * root), "<", Domain(ranges=wide))
    return reading, sp.Equivalent(sp.Lt(m, root), sp.Lt(a, b)), plain(root)


def seed_example_relation():
    """The seed's 3×3×64 then 1×1×32 example at reduced channel counts (64 → 3, 32 → 2)."""
    return composed_relation(tensor("x", 1, 3, 3), tensor("w", 3, 1, 3, 3), tensor("v", 2, 3, 1, 1))


def channel_claims() -> list[Claim]:
    map_size = Domain(special=[{P: sp.Integer(pp), C_in: sp.Integer(a), C_out: sp.Integer(b)}
                               for pp, a, b in ((1, 3, 5), (49, 512, 128), (784, 192, 64), (3136, 64, 256))])
    return [
        Claim(SECTION, "因为 1×1 的卷积核并不会改变 height 和 width，只改变channels", ONE,
              Search("a 1×1 convolution without padding keeps the height (strides 1 and 2)", probe_stride, 40,
                     error_name=Tr("largest change of height", "高度的最大变化")),
              output_size_relations()[0],
              "the stride is 1 (and there is no padding): with stride 2, as in ResNet's 1×1 projection "
              "shortcuts, height and width are halved",
              why="A 1×1 kernel keeps the map only at stride 1: the output size is ⌈H/s⌉, so H = 4 becomes 2 at "
                  "stride 2.",
              corrected=sp.Eq(sp.Symbol("H'"), sp.ceiling(H / s)), severity="slip", step=SIZE_STEP),
        Claim(SECTION, "所以可以将原本的数据量进行增加或减少，称之为升维或降维，实际上是对通道数的调节", ONE,
              Relation(C_out * P / (C_in * P), C_out / C_in, domain=map_size),
              note="Output values C_out·P against input values C_in·P (P pixels): the ratio is C_out/C_in.",
              why="At stride 1 only the channel count changes, so the amount of data scales by C_out/C_in.",
              step=SIZE_STEP),
        Claim(SECTION, "1×1 的卷积核可以在保持特征图尺度不变的前提下大幅增加非线性特性（使用后接的非线性激活函数完成这一点）",
              TWO, (stacked_relation(), relu_relation()),
              note="Right about where the nonlinearity comes from: two 1×1 layers without an activation are one "
                   "1×1 layer, with a ReLU between them the stack is no longer linear. “大幅” (how much) is not a "
                   "quantity and is not checked.",
              why="The 1×1 layer itself is linear; the nonlinearity is the activation's, as the seed says.",
              step=STACK_STEP),
        Claim(SECTION, "非线性允许网络学习更加复杂的功能，且使得网络进一步加深", TWO, None,
              note=Tr("A statement about what networks can learn and how deep they can be trained; no computation "
                      "here decides it.", "这是关于网络能学到什么、能训练多深的经验性论断，这里没有计算能判定它。"),
              why="An empirical statement about training, outside what a derivation can check."),
        Claim(SECTION, "使用 1×1 的卷积核实现升维和降维实际上是channel之间的线性组合变化", THREE, linear_map_relation(),
              why="Each output pixel is W times the input pixel plus b: a linear combination of the channels.",
              step=MATRIX_STEP),
        Claim(SECTION, "假设 $3 \\times 3 \\times 64$ 的滤波器与 $1 \\times 1 \\times 32$ 的滤波器组合，输出层得到 "
              "$3 \\times 3 \\times 32$ 的滤波器，原来的64个通道跨通道线性组合变成了32个通道", THREE,
              (seed_example_relation(),
               Relation(sp.Matrix([counts.conv_output_size(3, 1), counts.conv_output_size(3, 1)]), sp.Matrix([3, 3]))),
              note="Both readings hold: a 3×3 layer with 64 filters followed by 32 filters of size 1×1 is one 3×3 "
                   "layer with 32 filters, each a linear combination of the 64 (checked entry by entry with 3 and "
                   "2 channels); and a 3×3×64 map through 32 filters of 1×1 gives a 3×3×32 map. Each 1×1 "
                   "filter is 1×1×64 deep (its depth is the input's channel count); “1×1×32” names the 32 filters.",
              why="The 32 merged filters W_2 K are linear combinations of the 64; “1×1×32” counts the filters, each "
                  "1×1×64 deep.",
              step=COMPOSE_STEP),
    ]


def claims() -> list[Claim]:
    reading, saves, threshold = reduction_relations()
    xf, Kf, bf = tensor("x", 3, 1, 1), tensor("w", 2, 3, 1, 1), tensor("b", 2)
    return channel_claims() + [
        Claim(SECTION, "降维使得channel变小，特征图变少，参数则变少", FOUR,
              Search("any 1×1 reduction to m < C_in channels before a 3×3 layer has fewer weights than the 3×3 "
                     "layer alone", probe_reduction, 200,
                     error_name=Tr("largest ratio of weights, with the reduction / without", "权重数之比（降维/不降维）的最大值")),
              reading,
              f"the reduction is deep enough: m < {threshold} (about 0.9·C_in for k = 3 and C_out = C_in); a "
              "milder reduction adds the 1×1 layer's C_in·m weights and saves less than that",
              why=Tr("The 1×1 layer adds C_in·m weights of its own: reducing 20 channels to 19 before a 3×3 layer "
                     "costs 3,800 weights against 3,600 without it.",
                     "1×1 层自身有 C_in·m 个权重：在 3×3 卷积前把 20 个通道降到 19 个，共 3,800 个权重，不降维只需 3,600 个。"),
              corrected=saves, severity="error", step=SAVING_STEP),
        Claim(SECTION, "相当于在特征图的通道数上进行卷积，压缩特征图，二次提取特征，使得新特征图的特征表达更佳", FOUR, None,
              note=Tr("“更佳” (better features) is an empirical statement about trained networks, not a computation.",
                      "“更佳”是对训练后网络的经验判断，不是可以计算验证的结论。"),
              why="Whether the features are better is an empirical question about trained networks."),
        Claim(SECTION, "1×1 的卷积实际上可以替代全连接层（Yann LeCun）", FIVE,
              Search("a fully connected layer on a map of P > 1 pixels is a 1×1 convolution", probe_dense, 20,
                     error_name=Tr("largest difference of ∂y_1/∂x_2", "∂y_1/∂x_2 的最大差")),
              (Relation(pixels(conv_entries(xf, Kf, bf)), sp.Matrix(Kf[:, :, 0, 0]) * pixels(xf) + sp.Matrix(bf)),),
              "the input has spatial size 1×1 (e.g. after global pooling, or the fully connected layers after the "
              "first one); a dense layer on a whole feature map is a convolution with a kernel the size of the map, "
              "and a 1×1 convolution on P pixels is a dense layer only with the block weight I ⊗ W",
              note="The attribution to LeCun is not checked.",
              why="A 1×1 convolution never mixes pixels, a dense layer does: they agree only on a 1×1 map, the "
                  "setting of LeCun's remark.",
              corrected=Tr("On a 1×1 map (C_in values) a fully connected layer y = W x + b is a 1×1 convolution; on "
                           "a feature map of P > 1 pixels it is a convolution whose kernel covers the whole map.",
                           "在 1×1 的特征图（C_in 个值）上，全连接层 y = W x + b 就是 1×1 卷积；在 P > 1 个像素的"
                           "特征图上，它是卷积核覆盖整张特征图的卷积。"),
              severity="slip", step=FC_STEP),
    ]
