"""A6.4: what a self-attention, a convolutional and a recurrent layer cost, and how far apart two
positions are in each.

Model: sequences of n positions of width d; the MAC counts of :mod:`derive.counts`. Derivation: each
count as the sum over its loop nest (exact) and against a counted implementation (:mod:`derive.tally`);
sequential depth and maximum path length against explicit dependency graphs; the crossovers of the
counts solved by SymPy. Tables: Vaswani et al. 2017, Table 1, from the derived formulas, and concrete
numbers. Claims: :mod:`._attention_claims`. Code: ``derive.generated.costs``.
"""
from __future__ import annotations

import numpy as np
import sympy as sp

from .. import counts, tally
from ..functions import BigO
from ..model import (Answer, CodeFunction, CodeModule, Derivation, Domain, Plot, Relation, Search, Step, Tr,
                     VerifyRow, Witness)
from ..registry import register
from ._attention_claims import claims

SECTION = "A6.4"
n, d, k, h, r = sp.symbols("n d k h r", positive=True, integer=True)
i, j, c, o, t, u, g, s = sp.symbols("i j c o t u g s", integer=True)
u_below, u_above = sp.Symbol("u", positive=True), sp.Symbol("u", positive=True)
BELOW, ABOVE = Domain(ranges={u_below: (0.02, 0.98)}), Domain(ranges={u_above: (1.02, 50.0)})
NUMBERS_D, NUMBERS_N, NUMBERS_K = 512, (50, 128, 256, 512, 1024, 2048, 4096), 3
SIZE = {"n": n, "d": d, "k": k, "heads": h}


def counted(formula, kind, trials=25):
    """A Search: a counted layer of random small sizes (:func:`derive.tally.random_layer`) must do the MACs
    ``formula`` gives at those sizes."""
    def probe(rng) -> Witness:
        sizes, got = tally.random_layer(kind, rng)
        want = int(formula.subs({SIZE[key]: val for key, val in sizes.items()}))
        return Witness({key: str(val) for key, val in sizes.items()}, got.macs == want, float(abs(got.macs - want)),
                       f"counted {got.macs} MACs, the formula gives {want}")
    return Search("the MACs an explicit implementation counts equal the formula (random small sizes)", probe, trials)


def cost_steps() -> list[Step]:
    core = 2 * sp.Sum(1, (g, 1, h), (i, 1, n), (j, 1, n), (c, 1, d / h))
    proj = 4 * sp.Sum(1, (i, 1, n), (o, 1, d), (c, 1, d))
    one_step = sp.Sum(1, (o, 1, d), (c, 1, d))
    return [
        Step("Self-attention without projections: the loop nest of Q Kᵀ and A V",
             (Relation(core, counts.attention_core_macs(n, d, h)), counted(counts.attention_core_macs(n, d, h),
                                                                         "attention, no projections")),
             "Head g has queries and keys of width d/h: n·n dot products for the scores, n·n scaled rows "
             "for the weighted sum of the values. The number of heads cancels."),
        Step("Self-attention with the Q, K, V and output projections",
             (Relation(proj + core, counts.attention_macs(n, d, h)), counted(counts.attention_macs(n, d, h),
                                                                           "attention")),
             "Four d × d matrix–vector products per position come on top of the attention itself."),
        Step("A width-k convolution d → d over n positions (same padding)",
             (Relation(sp.Sum(1, (t, 1, n), (u, 1, k), (o, 1, d), (c, 1, d)), counts.conv1d_macs(n, d, k)),
              counted(counts.conv1d_macs(n, d, k), "conv")),
             "Each output position reads k input positions through a d × d matrix each."),
        Step("The depthwise-separable convolution",
             (Relation(sp.Sum(1, (t, 1, n), (c, 1, d), (u, 1, k)) + sp.Sum(1, (t, 1, n), (o, 1, d), (c, 1, d)),
                       counts.separable_conv1d_macs(n, d, k)),
              counted(counts.separable_conv1d_macs(n, d, k), "separable")),
             "One width-k filter per channel, then a pointwise (1 × 1) d → d mixing."),
        Step("A plain RNN, input width d and hidden width d",
             (Relation(sp.Sum(one_step, (t, 1, n)) * 2, counts.rnn_macs(n, d)),
              counted(counts.rnn_macs(n, d), "rnn")),
             "Per step one product with the input weights and one with the recurrent weights."),
        Step("An LSTM (gates i, f, g, o), input width d and hidden width d",
             (Relation(sp.Sum(one_step, (g, 1, 4), (s, 1, 2), (t, 1, n)), counts.lstm_macs(n, d)),
              counted(counts.lstm_macs(n, d), "lstm")),
             "Four gates, each with an input and a recurrent product per step; the elementwise products "
             "of the cell update are not MACs of a matrix product and are not counted."),
        Step("Restricted self-attention: each query sees r positions",
             Relation(2 * sp.Sum(1, (i, 1, n), (j, 1, r), (c, 1, d)) + proj,
                      counts.restricted_attention_macs(n, d, r)),
             "As in Vaswani et al.: r keys per query (padded at the ends) instead of n."),
    ]


# ----------------------------------------------------------------------------------------------------
# sequential operations and path lengths against explicit graphs
# ----------------------------------------------------------------------------------------------------
def graph_search(statement, draw, trials=30):
    """``draw(rng)`` returns (point, explicit count, formula value)."""
    def probe(rng) -> Witness:
        point, got, want = draw(rng)
        return Witness({key: str(v) for key, v in point.items()}, got == want, float(got != want),
                       f"explicit graph: {got}, formula: {want}")
    return Search(statement, probe, trials)


def draw_sequential(rng):
    nn = int(rng.integers(1, 40))
    parallel = [[] for _ in range(nn)]  # y_i needs only the layer's inputs (attention, convolution)
    chain = [[step - 1] if step else [] for step in range(nn)]  # h_t needs h_{t−1}
    got = (tally.sequential_depth(parallel), tally.sequential_depth(chain))
    return {"n": nn}, got, (1, nn)


def draw_path(kind, formula=None):
    """Explicit path length (:func:`derive.tally.explicit_path_length`) against ``formula`` in n, k
    (1 for attention, n for the recurrence); restricted attention is a centred window of r = k."""
    def draw(rng):
        nn = int(rng.integers(2, 40))
        kk = int(rng.choice([3, 5, 7])) if kind != "dilated" else int(rng.integers(2, 5))
        got = tally.explicit_path_length("centred" if kind == "restricted" else kind, nn, kk)
        want = {"attention": 1, "recurrent": nn}.get(kind) or int(formula.subs({n: nn, k: kk, r: kk}))
        return {"n": nn, "r" if kind == "restricted" else "k": kk}, got, want
    return draw


def reaches(path, reach_per_layer, span, domain):
    """``path`` layers reach ``span`` positions, and one layer fewer does not: the formula is minimal."""
    return (Relation(path * reach_per_layer, span, ">=", domain), Relation((path - 1) * reach_per_layer, span, "<", domain))


def graph_steps() -> list[Step]:
    wide = Domain(ranges={n: (2.0, 500.0), k: (3.0, 15.0), r: (3.0, 15.0)})
    centred, causal = counts.path_length_contiguous(n, k), counts.path_length_contiguous(n, k, causal=True)
    dilated, restricted = counts.path_length_dilated(n, k), counts.path_length_restricted(n, r)
    return [
        Step("Sequential operations: 1 for attention and convolution, n for a recurrence",
             graph_search("longest chain of dependent operations in one layer (explicit graph) = 1 and n",
                          draw_sequential),
             "Every output of an attention or convolution layer needs only the layer's inputs; h_t needs h_{t−1}."),
        Step("Path length of self-attention: one layer",
             graph_search("layers until every output depends on every input, all offsets allowed",
                          draw_path("attention")),
             "Every query reads every key."),
        Step("Path length of a stack of centred width-k convolutions",
             (*reaches(centred, (k - 1) / sp.Integer(2), n - 1, wide),
              graph_search("layers until every output depends on every input (explicit reachability)",
                           draw_path("centred", centred))),
             "Each layer widens the receptive field by (k − 1)/2 on each side; the ends are n − 1 apart."),
        Step("Path length of a stack of causal width-k convolutions",
             (*reaches(causal, k - 1, n - 1, wide),
              graph_search("layers until every output depends on every earlier input", draw_path("causal", causal))),
             "A causal kernel reaches k − 1 positions back per layer."),
        Step("Path length of causal convolutions with dilations 1, k, k², …",
             (Relation(k**dilated, n, ">=", wide), Relation(k ** (dilated - 1), n, "<", wide),
              graph_search("layers until every output depends on every earlier input, dilation k^l in layer l",
                           draw_path("dilated", dilated))),
             "After L layers the receptive field is k^L positions (WaveNet, ByteNet)."),
        Step("Path length of restricted self-attention (a centred window of r positions)",
             (*reaches(restricted, (r - 1) / sp.Integer(2), n - 1, wide),
              graph_search("layers until every output depends on every input, window of r", draw_path("restricted", restricted))),
             "The same geometry as a centred convolution of width r."),
        Step("Path length of a recurrent layer (RNN or LSTM: the same chain)",
             (Relation(1 + sp.Sum(1, (t, 2, n)), n),
              graph_search("longest shortest path from an input x_j to an output h_i (breadth-first search)",
                           draw_path("recurrent"))),
             "x_1 enters h_1, then n − 1 recurrent steps lead to h_n."),
    ]


# ----------------------------------------------------------------------------------------------------
# crossovers: where self-attention costs as much as the others
# ----------------------------------------------------------------------------------------------------
def rivals():
    return [("a plain RNN", counts.rnn_macs(n, d)), ("an LSTM", counts.lstm_macs(n, d)),
            ("a width-k convolution", counts.conv1d_macs(n, d, k)),
            ("a depthwise-separable convolution", counts.separable_conv1d_macs(n, d, k))]


def crossovers() -> list[dict]:
    """n* > 0 with equal MACs, solved by SymPy for every (attention variant, rival) pair; ``root`` is
    ``None`` when there is no positive solution (attention is then always dearer). A root whose sign
    depends on k is positive for k > ``k_min`` (solved as well)."""
    rows = []
    for projections in (False, True):
        attention = counts.attention_macs(n, d, projections=projections)
        for label, rival in rivals():
            roots = [x for x in sp.solve(sp.Eq(attention, rival), n) if x.is_positive is not False and x != 0]
            root = roots[0] if roots else None
            k_min = sp.solve(sp.Eq(root, 0), k)[0] if root is not None and root.is_positive is None else None
            rows.append({"projections": projections, "rival": label, "attention": attention, "cost": rival,
                         "root": root, "k_min": k_min})
    return rows


def crossover_steps(rows) -> list[Step]:
    v = sp.Symbol("v", positive=True)
    steps = []
    for row in rows:
        att, rival, root = row["attention"], row["cost"], row["root"]
        variant = "with projections" if row["projections"] else "without projections"
        if root is None:
            steps.append(Step(f"Self-attention {variant} never costs less than {row['rival']}",
                              Relation(att, rival, ">", Domain(ranges={n: (0.01, 1e4), d: (0.01, 1e4), k: (1, 15)})),
                              "SymPy finds no positive n where the two counts are equal."))
            continue
        # where the root is positive only for k > k_min: sample k above a numeric k_min; above one that
        # depends on d, check at k = k_min + v, v > 0
        k_min, wider, ranges = row["k_min"], {}, {}
        if k_min is not None and k_min.is_number:
            ranges = {k: (float(k_min) + 0.05, 15.0)}
        elif k_min is not None:
            wider, ranges = {k: k_min + v}, {v: (0.05, 15.0)}
        att, rival, root = (e.subs(wider) for e in (att, rival, root))
        steps.append(Step(
            f"Self-attention {variant} against {row['rival']}: the crossover",
            (Relation(sp.Subs(att, n, root), sp.Subs(rival, n, root), domain=Domain(ranges=ranges)),
             Relation(att.subs(n, u_below * root), rival.subs(n, u_below * root), "<",
                      Domain(ranges={**BELOW.ranges, **ranges})),
             Relation(att.subs(n, u_above * root), rival.subs(n, u_above * root), ">",
                      Domain(ranges={**ABOVE.ranges, **ranges}))),
            "Equal at the root n* that SymPy solves for; attention is cheaper below it (n = u·n*, u < 1) and "
            "dearer above it (u > 1)" + (", for the kernel widths k where the root is positive (k = k_min + v, "
                                         "v > 0, when k_min depends on d)" if k_min is not None else "") + "."))
    return steps


# ----------------------------------------------------------------------------------------------------
# tables: Vaswani et al. 2017, Table 1, and concrete numbers
# ----------------------------------------------------------------------------------------------------
def vaswani_rows() -> list[dict]:
    """Each row: the derived exact count and its order next to the published entry (from
    ../shared/reference/README.md, typed as SymPy); ``agrees`` is computed."""
    sizes = (n, d, k, r)
    one = sp.Integer(1)
    rows = [
        ("self-attention", counts.attention_core_macs(n, d), one, one, n**2 * d, one, one,
         "the table counts Q Kᵀ and A V only; the four projections add 4nd²"),
        ("self-attention with projections (not in the table)", counts.attention_macs(n, d), one, one,
         n**2 * d, one, one, "the projections dominate while n < 2d"),
        ("recurrent (plain RNN)", counts.rnn_macs(n, d), n, n, n * d**2, n, n, ""),
        ("recurrent (LSTM, not in the table)", counts.lstm_macs(n, d), n, n, n * d**2, n, n,
         "four times the RNN's MACs: the same order"),
        ("convolutional (dilated stack)", counts.conv1d_macs(n, d, k), one, counts.path_length_dilated(n, k),
         k * n * d**2, one, sp.log(n, k), "the table's path length assumes dilated convolutions"),
        ("convolutional (contiguous stack)", counts.conv1d_macs(n, d, k), one, counts.path_length_contiguous(n, k),
         k * n * d**2, one, sp.log(n, k), "contiguous kernels need O(n/k) layers (the paper's text says so)"),
        ("separable convolution (the paper's text, not the table)", counts.separable_conv1d_macs(n, d, k), one,
         counts.path_length_dilated(n, k), k * n * d + n * d**2, one, sp.log(n, k),
         "the paper's text gives O(k·n·d + n·d²), which the table does not list"),
        ("self-attention (restricted)", counts.restricted_attention_macs(n, d, r, projections=False), one,
         counts.path_length_restricted(n, r), r * n * d, one, n / r, ""),
    ]
    out = []
    for layer, cost, seq, path, pub_cost, pub_seq, pub_path, note in rows:
        derived = (counts.order_of(cost, sizes), counts.order_of(seq, sizes), counts.order_of(path, sizes))
        published = (pub_cost, pub_seq, pub_path)
        agrees = [sp.simplify(a - b) == 0 for a, b in zip(derived, published)]
        out.append({"layer": layer, "cost": cost, "sequential": seq, "path": path,
                    "derived": [BigO(x) for x in derived], "published": [BigO(x) for x in published],
                    "agrees": agrees, "note": note})
    return out


def number_rows() -> list[dict]:
    at = {n: sp.Integer(1), d: NUMBERS_D, k: NUMBERS_K}
    columns = [counts.attention_macs(n, d, projections=False), counts.attention_macs(n, d),
               counts.rnn_macs(n, d), counts.lstm_macs(n, d), counts.conv1d_macs(n, d, k),
               counts.separable_conv1d_macs(n, d, k)]
    return [{"n": size, "gmacs": [float(col.subs({**at, n: size})) / 1e9 for col in columns]}
            for size in NUMBERS_N]


# ----------------------------------------------------------------------------------------------------
# generated code: derive.generated.costs
# ----------------------------------------------------------------------------------------------------
def code_module() -> CodeModule:
    code = {name: sp.Symbol(name, positive=True, integer=True)
            for name in ("c_in", "c_out", "k", "h", "w", "n", "d", "heads", "projections", "bias")}
    c_in, c_out, H, W = sp.symbols("C_{in} C_{out} H W", positive=True, integer=True)
    bias, proj = sp.Symbol(r"\beta", nonnegative=True, integer=True), sp.Symbol(r"\pi", nonnegative=True, integer=True)
    pretty = {c_in: code["c_in"], c_out: code["c_out"], k: code["k"], H: code["h"], W: code["w"], n: code["n"],
              d: code["d"], h: code["heads"], bias: code["bias"], proj: code["projections"]}
    size = lambda *names: [f'{a} = _size({a}, "{a}")' for a in names]  # noqa: E731
    odd = ['k = _odd(k, "k")']
    specs = [
        ("conv2d_params", "c_in, c_out, k, bias=True", size("c_in", "c_out", "k") + ['bias = _flag(bias, "bias")'],
         counts.conv2d_params(c_in, c_out, k, bias=False) + bias * c_out,
         "Parameters of a k×k convolution c_in → c_out (torch.nn.Conv2d(c_in, c_out, k, bias=bias)); "
         "beta = 1 with a bias, 0 without."),
        ("conv2d_macs", "c_in, c_out, k, h, w", size("c_in", "c_out", "h", "w") + odd,
         counts.conv2d_macs(c_in, c_out, k, H, W),
         "MACs of a k×k convolution c_in → c_out on an h×w map, stride 1, same padding (k odd), padding "
         "taps counted; bias not counted."),
        ("conv1d_macs", "n, d, k", size("n", "d") + odd, counts.conv1d_macs(n, d, k),
         "MACs of a width-k convolution d → d over n positions, same padding (k odd)."),
        ("separable_conv1d_macs", "n, d, k", size("n", "d") + odd, counts.separable_conv1d_macs(n, d, k),
         "MACs of a depthwise (width k, one filter per channel) then pointwise (d → d) convolution."),
        ("attention_macs", "n, d, heads=1, projections=True",
         size("n", "d") + ["heads = _heads(heads, d)", 'projections = _flag(projections, "projections")'],
         counts.attention_core_macs(n, d, h) + proj * counts.projection_macs(n, d, 4),
         "MACs of one self-attention layer over n positions of width d: Q Kᵀ and A V with ``heads`` heads "
         "of width d/heads (the count does not depend on heads, which must divide d), plus the Q, K, V and "
         "output projections d → d when pi = 1 (projections=True). Softmax and scaling not counted."),
        ("rnn_macs", "n, d", size("n", "d"), counts.rnn_macs(n, d),
         "MACs of a plain RNN over n steps, input width d, hidden width d (two d×d products per step)."),
        ("lstm_macs", "n, d", size("n", "d"), counts.lstm_macs(n, d),
         "MACs of an LSTM over n steps, input width d, hidden width d (four gates, two d×d products each "
         "per step); the elementwise cell products are not counted."),
    ]
    functions = [CodeFunction(name, signature, doc + " Bad sizes raise ValueError naming the argument.",
                              formula, [("result", sp.expand(formula.xreplace(pretty)))], prologue=prologue)
                 for name, signature, prologue, formula, doc in specs]
    return CodeModule("costs", "Exact multiply-add (MAC) and parameter counts of convolution, self-attention "
                      "and recurrent layers (A6.1, A6.4), for dividing a measured time by the work done.",
                      functions, template="code/costs.py.j2", verify=verify_costs)


def verify_costs() -> list[VerifyRow]:
    """The generated counts against the counted implementations and against the SymPy formulas."""
    from ..generated import costs as gen

    rng = np.random.default_rng(20264)
    calls = {"attention": lambda z: gen.attention_macs(z["n"], z["d"], z["heads"]),
             "attention, no projections": lambda z: gen.attention_macs(z["n"], z["d"], z["heads"], False),
             "conv": lambda z: gen.conv1d_macs(z["n"], z["d"], z["k"]),
             "separable": lambda z: gen.separable_conv1d_macs(z["n"], z["d"], z["k"]),
             "rnn": lambda z: gen.rnn_macs(z["n"], z["d"]), "lstm": lambda z: gen.lstm_macs(z["n"], z["d"])}
    worst_tally = worst_formula = 0
    for _ in range(20):
        for kind, call in calls.items():
            sizes, got = tally.random_layer(kind, rng)
            worst_tally = max(worst_tally, abs(call(sizes) - got.macs))
        big = {n: int(rng.integers(1, 10**5)), d: 8 * int(rng.integers(1, 512))}
        want = int(counts.attention_macs(n, d).subs(big)) + int(counts.lstm_macs(n, d).subs(big))
        worst_formula = max(worst_formula, abs(gen.attention_macs(big[n], big[d], 8) + gen.lstm_macs(big[n], big[d]) - want))
    refused = 0
    for call in (lambda: gen.conv1d_macs(4, 8, 2), lambda: gen.rnn_macs(-1, 3), lambda: gen.lstm_macs(2.5, 3),
                 lambda: gen.attention_macs(4, 6, heads=4), lambda: gen.conv2d_params(3, 4, 3, bias=1)):
        try:
            call()
        except ValueError:
            refused += 1
    return [VerifyRow("all counts", "counted implementations (derive.tally)", float(worst_tally), 0.0),
            VerifyRow("attention_macs, lstm_macs", "SymPy formulas at large sizes", float(worst_formula), 0.0),
            VerifyRow("argument checks", "5 bad calls raise ValueError", float(5 - refused), 0.0)]


# ----------------------------------------------------------------------------------------------------
# plot and derivation
# ----------------------------------------------------------------------------------------------------
PLOT_D = (128, 512, 2048)


def draw_costs(fig):
    sizes = np.logspace(1, 4.5, 60)
    lines = [("self-attention, no projections", counts.attention_macs(n, d, projections=False), "tab:blue", "--"),
             ("self-attention, with projections", counts.attention_macs(n, d), "tab:blue", "-"),
             ("RNN", counts.rnn_macs(n, d), "tab:green", "-"), ("LSTM", counts.lstm_macs(n, d), "tab:green", "--"),
             (f"convolution, k = {NUMBERS_K}", counts.conv1d_macs(n, d, NUMBERS_K), "tab:red", "-")]
    axes = fig.subplots(1, len(PLOT_D), sharey=True)
    for ax, width in zip(axes, PLOT_D):
        for label, formula, colour, style in lines:
            f = sp.lambdify(n, formula.subs(d, width), "numpy")
            ax.plot(sizes, f(sizes) * np.ones_like(sizes), color=colour, ls=style, lw=1.6, label=label)
        ax.axvline(width, color="0.5", lw=0.8, ls=":")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_title(f"d = {width} (dotted: n = d)")
        ax.set_xlabel("sequence length n")
    axes[0].set_ylabel("MACs per layer")
    axes[0].legend(loc="upper left", fontsize=7)


def answers() -> list[Answer]:
    """The three questions of A6.4, answered with the derived counts (general n, d, k)."""
    def macs(name):
        return sp.Symbol(r"\mathrm{MACs}_{\text{%s}}" % name, positive=True)

    costs = sp.Matrix([macs("attention"), macs("attention, no proj."), macs("conv"), macs("RNN"), macs("LSTM")])
    values = sp.Matrix([counts.attention_macs(n, d), counts.attention_macs(n, d, projections=False),
                        counts.conv1d_macs(n, d, k), counts.rnn_macs(n, d), counts.lstm_macs(n, d)])
    def steps(name):
        return sp.Symbol(r"\mathrm{seq}_{\text{%s}}" % name, positive=True)

    def path(name):
        return sp.Symbol(r"\mathrm{path}_{\text{%s}}" % name, positive=True)

    layers = ("attention", "conv", "RNN")
    shape = sp.Matrix([[steps(x), path(x)] for x in layers])
    found = sp.Matrix([[1, 1], [1, counts.path_length_contiguous(n, k)], [n, n]])
    return [
        Answer(Tr("Which layer costs least?", "哪种层的计算量最小？"),
               Tr("Self-attention has “low complexity”; a convolution needs more multiplications.",
                  "原答案：自注意力“计算复杂度很低”，卷积的计算次数更多。"),
               Tr("True only without the Q, K, V and output projections and for short sequences: with them one "
                  "attention layer costs 4nd² + 2n²d, always more than an RNN (2nd²) and less than an LSTM only "
                  "for n < 2d.",
                  "只有不计 Q、K、V 与输出投影且序列较短时才成立：计入投影后一层注意力需要 4nd² + 2n²d 次乘加，"
                  "总是多于 RNN（2nd²），只在 n < 2d 时少于 LSTM。"),
               Relation(costs, values),
               Tr("MACs of the matrix products of one layer over n positions of width d; kernel width k.",
                  "一层在 n 个宽 d 的位置上的矩阵乘积乘加次数；卷积核宽 k。")),
        Answer(Tr("Which layer runs in parallel, and how far apart are two positions?",
                  "哪种层可以并行？两个位置之间相隔多远？"),
               Tr("Recurrent layers are serial; one self-attention layer connects all positions; convolutions "
                  "need depth.", "原答案：循环层只能串行；一层自注意力即可建立所有依赖；卷积需要加深层数。"),
               Tr("Right. The recurrence is a chain of n dependent steps (its input products are still one "
                  "parallel matrix product).", "正确。循环本身是 n 个相依步骤组成的链（但其输入乘积仍是一次可并行的矩阵乘积）。"),
               Relation(shape, found),
               Tr("Rows of the table on this page: self-attention, a centred width-k convolution stack, a "
                  "recurrence.", "本页表中各行：自注意力、居中宽 k 卷积堆叠、循环层。")),
    ]


@register("attention-costs")
def derivation() -> Derivation:
    rows = crossovers()
    return Derivation(
        name="attention-costs",
        section=SECTION,
        title="Self-attention, convolution and recurrence: cost, parallelism and path length",
        title_zh="自注意力、卷积与循环层：计算量、并行性与路径长度",
        page="a6-4-attention.md",
        summary="Multiply-adds of self-attention (with and without projections), convolutions, RNN and LSTM "
                "derived as loop-nest sums and counted; sequential steps and path lengths from explicit "
                "graphs; the crossovers solved by SymPy; Vaswani et al.'s Table 1 regenerated.",
        model=[("self-attention, Q, K, V and output projections d → d, h heads of width d/h",
                counts.attention_macs(n, d, h)),
               ("width-k convolution d → d (same padding)", counts.conv1d_macs(n, d, k)),
               ("plain RNN and LSTM (input and hidden width d)", sp.Matrix([counts.rnn_macs(n, d),
                                                                            counts.lstm_macs(n, d)]))],
        steps=cost_steps() + graph_steps() + crossover_steps(rows),
        claims=claims(),
        answers=answers(),
        notation=[(n, Tr("sequence length (positions)", "序列长度（位置数）")),
                  (d, Tr("width of a position (model dimension)", "每个位置的宽度（模型维度）")),
                  (k, Tr("kernel width of a convolution", "卷积核宽度")),
                  (h, Tr("number of attention heads", "注意力头数")),
                  (r, Tr("neighbourhood of restricted self-attention", "受限自注意力的邻域大小"))],
        code=[code_module()],
        plots=[Plot("attention-costs", "MACs per layer against the sequence length n for three widths d.",
                    draw_costs, size=(9.0, 3.6))],
        sections={"intro": "The seed's A6.4 compares self-attention with convolutional and recurrent layers in "
                           "words. Here every count is a SymPy formula, checked as the sum over its loop nest "
                           "and against an implementation that counts its own multiply-adds (MACs: matrix "
                           "products only; biases, softmax and nonlinearities are not counted)."},
        template="a6-4-attention.md.j2",
        context={"vaswani": vaswani_rows(), "crossovers": rows, "numbers": number_rows(),
                 "numbers_d": NUMBERS_D, "numbers_k": NUMBERS_K, "n": n},
    )
