"""The seed's A6.1 statements, encoded for the checker (used by :mod:`.conv1x1`)."""
from __future__ import annotations

import numpy as np
import sympy as sp

from .. import counts
from ..model import Claim, Relation, Search, Witness
from ..printing import plain
from .conv1x1 import (C_in, C_out, H, W, as_kernel, conv_entries, integer_points, linear_map_relation, pixels,
                      probe_relu, tensor)

SECTION = "A6.1"


def probe_output_size(strides):
    def probe(rng) -> Witness:
        hh, ss, pp = int(rng.integers(1, 200)), int(rng.choice(strides)), 0
        out = int(counts.conv_output_size(hh, 1, ss, pp))
        return Witness({"H": str(hh), "s": str(ss)}, out == hh, float(abs(out - hh)),
                       f"a 1×1 convolution with stride {ss} gives H' = {out} from H = {hh}")
    return probe


def probe_reduction_saves(condition):
    """A 1×1 reduction to m channels before a k×k convolution: fewer weights than the k×k alone?
    ``condition``: "any" draws any reduction m < C_in, "below" only m below SymPy's threshold."""
    from .conv1x1 import saving_rows

    root = saving_rows()[0]["root"]
    threshold = sp.lambdify(sorted(root.free_symbols, key=lambda x: x.name), root)  # (C_in, C_out, k)

    def probe(rng) -> Witness:
        cin, cout, kk = int(rng.integers(2, 1025)), int(rng.integers(1, 1025)), int(rng.choice([3, 5]))
        top = cin - 1 if condition == "any" else min(cin - 1, int(np.ceil(threshold(cin, cout, kk))) - 1)
        mm = int(rng.integers(1, max(top, 1) + 1))
        reduced = int(counts.reduced_conv_params(cin, cout, mm, kk))
        plain = int(counts.conv2d_params(cin, cout, kk, False))
        return Witness({"C_in": str(cin), "C_out": str(cout), "k": str(kk), "m": str(mm)}, reduced < plain, 0.0,
                       f"1×1 to m then k×k: {reduced:,} weights; k×k alone: {plain:,}")
    return probe


def probe_fc_is_1x1(spatial):
    """Is a dense layer on a C×H×W input a 1×1 convolution? A 1×1 convolution's output at a pixel does not
    depend on the other pixels, so a dense layer whose output at pixel 1 moves with pixel 2 is not one."""
    def probe(rng) -> Witness:
        c, hw = int(rng.integers(1, 4)), (1 if spatial == "1x1" else int(rng.integers(2, 5)))
        M = rng.normal(size=(c * hw, c * hw))  # dense C·HW → C·HW, pixel-major
        if spatial == "1x1":
            return Witness({"C": str(c), "H·W": "1"}, True, 0.0, "one pixel: the dense layer is W x + b")
        cross = float(np.max(np.abs(M[:c, c:])))  # ∂(output at pixel 1)/∂(input at the other pixels)
        return Witness({"C": str(c), "H·W": str(hw)}, cross == 0.0, cross,
                       f"the output at pixel 1 depends on the other pixels (largest weight {cross:.3g}); a 1×1 "
                       f"convolution has C² = {c * c} weight(s), this dense layer (C·H·W)² = {(c * hw) ** 2}")
    return probe


def composition_relation():
    """The seed's 3×3×64 then 1×1×32 example at reduced channel counts (64 → 3, 32 → 2): a 3×3
    convolution followed by a 1×1 one is a single 3×3 convolution with the kernels U·K."""
    x, K, U = tensor("x", 1, 3, 3), tensor("w", 3, 1, 3, 3), tensor("u", 2, 3, 1, 1)
    Umat = sp.Matrix(U[:, :, 0, 0])
    merged = np.empty((2, 1, 3, 3), dtype=object)
    for o, c, a, e in np.ndindex(*merged.shape):
        merged[o, c, a, e] = sum(Umat[o, q] * K[q, c, a, e] for q in range(3))
    return Relation(pixels(conv_entries(conv_entries(x, K), U)), pixels(conv_entries(x, merged)))


def claims() -> list[Claim]:
    from .conv1x1 import saving_rows

    threshold = plain(saving_rows()[0]["root"])
    one = "A6.1 ① 降维或升维，调节通道数"
    two, three = "A6.1 ② 增加非线性特性", "A6.1 ③ 跨通道的信息交互"
    four, five = "A6.1 ④ 减少参数", "A6.1 ⑤ 替代全连接层"
    x, K1, b1 = tensor("x", 2, 2, 2), tensor("w", 2, 2, 1, 1), tensor("b", 2)
    K2, b2 = tensor("v", 3, 2, 1, 1), tensor("a", 3)
    W1, W2 = sp.Matrix(K1[:, :, 0, 0]), sp.Matrix(K2[:, :, 0, 0])
    stacked = pixels(conv_entries(conv_entries(x, K1, b1), K2, b2))
    merged = pixels(conv_entries(x, as_kernel(W2 * W1), list(W2 * sp.Matrix(b1) + sp.Matrix(b2))))
    map_size = integer_points((H, (1, 100)), (W, (1, 100)), (C_in, (1, 512)), (C_out, (1, 512)))
    xf, Kf, bf = tensor("x", 3, 1, 1), tensor("w", 2, 3, 1, 1), tensor("b", 2)
    return [
        Claim(SECTION, "因为 1×1 的卷积核并不会改变 height 和 width，只改变channels", one,
              Search("a 1×1 convolution keeps H (strides 1 and 2, no padding)", probe_output_size((1, 2)), 60),
              Search("a 1×1 convolution with stride 1 keeps H", probe_output_size((1,)), 60),
              "the stride is 1 (and no padding): with stride 2, as in ResNet's 1×1 projection shortcuts, H and W "
              "are halved"),
        Claim(SECTION, "所以可以将原本的数据量进行增加或减少，称之为升维或降维，实际上是对通道数的调节", one,
              Relation(C_out * H * W / (C_in * H * W), C_out / C_in, domain=map_size),
              note="Output values C_out·H·W against input values C_in·H·W: the ratio is C_out/C_in."),
        Claim(SECTION, "1×1 的卷积核可以在保持特征图尺度不变的前提下大幅增加非线性特性（使用后接的非线性激活函数完成这一点）",
              two, (Relation(stacked, merged),
                    Search("relu between two 1×1 layers: relu(W x) + relu(−W x) ≠ relu(0)", probe_relu, 40)),
              note="Right about where the nonlinearity comes from: two 1×1 layers without an activation are one "
                   "1×1 layer (checked entry by entry), with a ReLU between them additivity fails. “大幅” "
                   "(how much) is not a quantity and is not checked."),
        Claim(SECTION, "非线性允许网络学习更加复杂的功能，且使得网络进一步加深", two, None,
              note="A statement about what networks can learn and how deep they can be trained; no computation "
                   "here decides it."),
        Claim(SECTION, "使用 1×1 的卷积核实现升维和降维实际上是channel之间的线性组合变化", three, linear_map_relation()),
        Claim(SECTION, "假设 $3 \\times 3 \\times 64$ 的滤波器与 $1 \\times 1 \\times 32$ 的滤波器组合，输出层得到 "
              "$3 \\times 3 \\times 32$ 的滤波器，原来的64个通道跨通道线性组合变成了32个通道", three,
              (composition_relation(),
               Relation(sp.Matrix([counts.conv_output_size(3, 1), counts.conv_output_size(3, 1)]), sp.Matrix([3, 3]))),
              note="Both readings hold: a 3×3 layer with 64 filters followed by 32 filters of size 1×1 is one 3×3 "
                   "layer with 32 filters, each a linear combination of the 64 (checked entry by entry with 3 and "
                   "2 channels); and a 3×3×64 map through 32 filters of 1×1 gives a 3×3×32 map. Each 1×1 "
                   "filter is 1×1×64 deep (its depth is the input's channel count); “1×1×32” names the 32 filters."),
        Claim(SECTION, "降维使得channel变小，特征图变少，参数则变少", four,
              Search("any 1×1 reduction m < C_in before a k×k convolution has fewer weights than the k×k alone",
                     probe_reduction_saves("any"), 300),
              Search(f"a 1×1 reduction to m < {threshold} channels has fewer weights",
                     probe_reduction_saves("below"), 300),
              f"the reduction is deep enough: m < {threshold} (solved by SymPy; about 0.9·C_in for k = 3 and "
              "C_out = C_in); a milder reduction adds the 1×1 layer's C_in·m weights and saves less than that"),
        Claim(SECTION, "相当于在特征图的通道数上进行卷积，压缩特征图，二次提取特征，使得新特征图的特征表达更佳", four, None,
              note="“更佳” (better features) is an empirical statement about trained networks, not a computation."),
        Claim(SECTION, "1×1 的卷积实际上可以替代全连接层（Yann LeCun）", five,
              Search("a dense layer on a C×H×W input is a 1×1 convolution", probe_fc_is_1x1("many"), 30),
              (Relation(pixels(conv_entries(xf, Kf, bf)), sp.Matrix(Kf[:, :, 0, 0]) * pixels(xf) + sp.Matrix(bf)),
               Search("on a 1×1 map the dense layer is W x + b", probe_fc_is_1x1("1x1"), 5)),
              "the input has spatial size 1×1 (e.g. after global pooling, or the fully connected layers after the "
              "first one); a dense layer on a C×H×W map is an H×W convolution (see the derivation), and a 1×1 "
              "convolution on an H×W map is a dense layer only with the block weight I ⊗ W",
              note="The attribution to LeCun is not checked."),
    ]
