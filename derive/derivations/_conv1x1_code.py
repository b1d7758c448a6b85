"""The generated module ``derive.generated.conv1x1`` of A6.1 (used by :mod:`.conv1x1`): the 1×1 layer and its
gradients printed from the derivation's SymPy matrix expressions, verified against torch in float64."""
from __future__ import annotations

import numpy as np
import sympy as sp

from ..model import CodeFunction, CodeModule, Relation, VerifyRow
from .conv1x1 import C_in, C_out, P, Xm, Y_FORMULA, Wm, bm, gradients


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
