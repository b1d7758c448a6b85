"""Symbolic cost formulas shared by the A6.1 and A6.4 derivations: each function takes sizes (SymPy
symbols or integers) and returns a SymPy expression. Nothing here is checked; the derivations check
these formulas against loop-nest sums and against counted implementations (:mod:`derive.tally`).

Conventions (the same in every function, and in ``derive.generated.costs``):

* a MAC is one multiply-add of a matrix product or a convolution; biases, nonlinearities, softmax
  and the elementwise gate products of an LSTM are not counted;
* a convolution counts every tap its output positions use, padding taps included (as a dense kernel
  computes them), so "same" padding costs ``k`` taps at every position;
* sequences have ``n`` positions of width ``d``; recurrent layers have input width and hidden width ``d``.
"""
from __future__ import annotations

import sympy as sp


def conv_output_size(size, k, stride=1, padding=0):
    """Positions along one axis after a width-``k`` convolution: ⌊(size + 2·padding − k)/stride⌋ + 1."""
    return sp.floor((size + 2 * padding - k) / sp.sympify(stride)) + 1


def conv2d_params(c_in, c_out, k, bias=True):
    """Weights (and biases) of a k×k convolution c_in → c_out."""
    return c_out * c_in * k**2 + (c_out if bias else 0)


def conv2d_macs(c_in, c_out, k, h_out, w_out):
    """MACs of a k×k convolution c_in → c_out producing an h_out × w_out map."""
    return c_out * c_in * k**2 * h_out * w_out


def reduced_conv_params(c_in, c_out, m, k):
    """GoogLeNet's reduction: a 1×1 convolution c_in → m, then k×k m → c_out (no biases)."""
    return conv2d_params(c_in, m, 1, bias=False) + conv2d_params(m, c_out, k, bias=False)


def bottleneck_params(c, m, k):
    """ResNet's bottleneck: 1×1 c → m, k×k m → m, 1×1 m → c (no biases)."""
    return (conv2d_params(c, m, 1, bias=False) + conv2d_params(m, m, k, bias=False)
            + conv2d_params(m, c, 1, bias=False))


def inception_params(c_in, n1x1, n3x3_reduce, n3x3, n5x5_reduce, n5x5, pool_proj):
    """Weights of an inception module (four branches; the pooling branch's 1×1 projection), no biases."""
    return (conv2d_params(c_in, n1x1, 1, False) + reduced_conv_params(c_in, n3x3, n3x3_reduce, 3)
            + reduced_conv_params(c_in, n5x5, n5x5_reduce, 5) + conv2d_params(c_in, pool_proj, 1, False))


def conv1d_macs(n, d, k):
    """A width-k convolution d → d over n positions with same padding."""
    return n * k * d**2


def separable_conv1d_macs(n, d, k):
    """Depthwise (one width-k filter per channel) then pointwise (1×1, d → d)."""
    return n * k * d + n * d**2


def projection_macs(n, d, count):
    """``count`` projections d → d of every position (Q, K, V, output)."""
    return count * n * d**2


def attention_core_macs(n, d, heads=1):
    """Q Kᵀ and A V with ``heads`` heads of width d/heads: heads · 2 · n² · (d/heads)."""
    return heads * 2 * n**2 * (d / sp.sympify(heads))


def attention_macs(n, d, heads=1, projections=True):
    """Self-attention with (Q, K, V and output projections) or without projections."""
    core = attention_core_macs(n, d, heads)
    return sp.expand(core + (projection_macs(n, d, 4) if projections else 0))


def restricted_attention_macs(n, d, r, projections=True):
    """Each query attends to r positions (Vaswani's restricted self-attention)."""
    return 2 * n * r * d + (projection_macs(n, d, 4) if projections else 0)


def rnn_macs(n, d):
    """h_t = tanh(W_ih x_t + W_hh h_{t−1} + b): two d×d matrix–vector products per step."""
    return n * 2 * d**2


def lstm_macs(n, d):
    """Four gates, each with a d×d input and a d×d recurrent product per step."""
    return n * 4 * 2 * d**2


def fully_connected_params(n, d):
    """A dense layer over the whole flattened sequence (n·d → n·d), no biases."""
    return (n * d) ** 2


def path_length_contiguous(n, k, causal=False):
    """Layers a stack of width-k contiguous convolutions needs to connect the two ends of n positions:
    a centred kernel grows the receptive field by (k − 1)/2 on each side per layer, a causal one by
    k − 1 to the left."""
    reach = (k - 1) if causal else (k - 1) / sp.Integer(2)
    return sp.ceiling((n - 1) / reach)


def path_length_dilated(n, k):
    """Causal width-k convolutions with dilations 1, k, k², …: k^L positions after L layers."""
    return sp.ceiling(sp.log(n) / sp.log(k))


def path_length_restricted(n, r):
    """Restricted self-attention over a centred window of r positions (r odd)."""
    return sp.ceiling((n - 1) / ((r - 1) / sp.Integer(2)))


def leading_terms(expr, sizes):
    """The monomials of a polynomial in ``sizes`` that no other monomial dominates (for sizes ≥ 1,
    x^a ≤ x^b when every exponent of a is at most b's), coefficients dropped: 2n²d + 4nd² + nd →
    n²d + nd². This is the part a big-O keeps when no size is assumed larger than another."""
    poly = sp.Poly(sp.expand(expr), *sizes)
    exps = [m for m, c in poly.terms() if c != 0]

    def dominated(a):
        return any(b != a and all(x <= y for x, y in zip(a, b)) for b in exps)

    kept = sorted((m for m in exps if not dominated(m)), reverse=True)
    return sp.Add(*[sp.Mul(*[s**e for s, e in zip(sizes, m)]) for m in kept])


def order_of(expr, sizes):
    """The order of growth of a count: floors and ceilings dropped, then the leading terms of numerator
    and denominator (a non-polynomial part such as log n / log k is kept as it is)."""
    plain = expr.replace(lambda e: isinstance(e, (sp.floor, sp.ceiling)), lambda e: e.args[0])
    num, den = sp.fraction(sp.together(plain))

    def lead(part):
        try:
            return leading_terms(part, [x for x in sizes if part.has(x)]) if part.free_symbols else sp.Integer(1)
        except sp.PolynomialError:
            return part
    return lead(num) / lead(den)
