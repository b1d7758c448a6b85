"""Explicit reference layers that count what they do: the independent side of the cost formulas in
:mod:`derive.counts`.

Every layer here is written as plain loops over matrix–vector products (:func:`matvec`), each of which
adds its multiply-adds to a :class:`Tally`; the results are real numbers, so a test can also hold the
layer against torch. Dependency graphs (which output depends on which input, and through how many
operations) are built the same explicit way, for path lengths and sequential depth.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class Tally:
    macs: int = 0
    matvecs: int = 0


def matvec(A, v, tally: Tally):
    """A v by explicit loops, counting one MAC per product term."""
    rows, cols = A.shape
    out = np.zeros(rows)
    for i in range(rows):
        acc = 0.0
        for j in range(cols):
            acc += A[i, j] * v[j]
            tally.macs += 1
        out[i] = acc
    tally.matvecs += 1
    return out


# ----------------------------------------------------------------------------------------------------
# convolutions
# ----------------------------------------------------------------------------------------------------
def conv2d(x, W, b, stride=1, padding=0, tally: Tally | None = None):
    """Direct convolution (cross-correlation, as torch): x (C_in, H, W), W (C_out, C_in, k, k)."""
    tally = tally if tally is not None else Tally()
    c_out, c_in, k, _ = W.shape
    xp = np.pad(x, ((0, 0), (padding, padding), (padding, padding)))
    h_out = (xp.shape[1] - k) // stride + 1
    w_out = (xp.shape[2] - k) // stride + 1
    y = np.zeros((c_out, h_out, w_out))
    flat = W.reshape(c_out, c_in * k * k)
    for i in range(h_out):
        for j in range(w_out):
            patch = xp[:, i * stride:i * stride + k, j * stride:j * stride + k].reshape(-1)
            y[:, i, j] = matvec(flat, patch, tally) + b
    return y, tally


def conv1d_same(x, W, tally: Tally):
    """x (n, d_in), W (d_out, d_in, k) with k odd, zero padding (k − 1)/2 on both sides."""
    n = x.shape[0]
    k = W.shape[2]
    half = k // 2
    xp = np.pad(x, ((half, half), (0, 0)))
    y = np.zeros((n, W.shape[0]))
    for t in range(n):
        for u in range(k):
            y[t] += matvec(W[:, :, u], xp[t + u], tally)
    return y


def separable_conv1d_same(x, depthwise, pointwise, tally: Tally):
    """Depthwise: one width-k filter per channel, depthwise (d, k); then pointwise (d_out, d)."""
    n, d = x.shape
    k = depthwise.shape[1]
    half = k // 2
    xp = np.pad(x, ((half, half), (0, 0)))
    mixed = np.zeros((n, d))
    for t in range(n):
        for c in range(d):  # a 1×k "matrix" times the window of channel c
            mixed[t, c] = matvec(depthwise[c:c + 1], xp[t:t + k, c], tally)[0]
    return np.stack([matvec(pointwise, mixed[t], tally) for t in range(n)])


# ----------------------------------------------------------------------------------------------------
# attention and recurrence
# ----------------------------------------------------------------------------------------------------
def _softmax(z):
    e = np.exp(z - z.max())
    return e / e.sum()


def attention(x, Wq, Wk, Wv, Wo, heads, tally: Tally, projections=True):
    """Scaled dot-product self-attention, x (n, d), heads splitting d; without projections Q = K = V = x
    and the heads' outputs are concatenated unprojected; ``Wo=None`` leaves out only the output
    projection (the seed's figure)."""
    n, d = x.shape
    if projections:
        q = np.stack([matvec(Wq, x[i], tally) for i in range(n)])
        k = np.stack([matvec(Wk, x[i], tally) for i in range(n)])
        v = np.stack([matvec(Wv, x[i], tally) for i in range(n)])
    else:
        q = k = v = x
    dh = d // heads
    out = np.zeros((n, d))
    for h in range(heads):
        cols = slice(h * dh, (h + 1) * dh)
        for i in range(n):
            scores = matvec(k[:, cols], q[i, cols], tally) / np.sqrt(dh)  # K_h q_i: n dot products
            out[i, cols] = matvec(v[:, cols].T, _softmax(scores), tally)  # V_hᵀ a_i
    if projections and Wo is not None:
        out = np.stack([matvec(Wo, out[i], tally) for i in range(n)])
    return out


def rnn(x, W_ih, W_hh, b, tally: Tally):
    """h_t = tanh(W_ih x_t + W_hh h_{t−1} + b), h_0 = 0; returns all h_t, shape (n, d)."""
    h = np.zeros(W_hh.shape[0])
    hs = []
    for t in range(x.shape[0]):
        h = np.tanh(matvec(W_ih, x[t], tally) + matvec(W_hh, h, tally) + b)
        hs.append(h)
    return np.stack(hs)


def lstm(x, W_ih, W_hh, b, tally: Tally):
    """torch.nn.LSTM's cell (gates i, f, g, o stacked in W_ih (4d, d), W_hh (4d, d)), h_0 = c_0 = 0,
    one matrix–vector product per gate and source."""
    d = W_hh.shape[1]
    h, c = np.zeros(d), np.zeros(d)
    sig = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    hs = []
    for t in range(x.shape[0]):
        a = [matvec(W_ih[g * d:(g + 1) * d], x[t], tally) + matvec(W_hh[g * d:(g + 1) * d], h, tally)
             + b[g * d:(g + 1) * d] for g in range(4)]
        i, f, g, o = sig(a[0]), sig(a[1]), np.tanh(a[2]), sig(a[3])
        c = f * c + i * g
        h = o * np.tanh(c)
        hs.append(h)
    return np.stack(hs)


def random_layer(kind, rng):
    """One counted layer of random small sizes with random weights: ``kind`` is "attention",
    "attention, no projections", "conv", "separable", "rnn" or "lstm". Returns (sizes, Tally)."""
    got = Tally()
    if kind.startswith("attention"):
        heads = int(rng.choice([1, 2]))
        n, d = int(rng.integers(1, 6)), heads * int(rng.integers(1, 3))
        W = [rng.normal(size=(d, d)) for _ in range(4)]
        attention(rng.normal(size=(n, d)), *W, heads, got, projections=kind == "attention")
        return {"n": n, "d": d, "heads": heads}, got
    n, d, k = int(rng.integers(1, 7)), int(rng.integers(1, 5)), int(rng.choice([1, 3, 5]))
    x = rng.normal(size=(n, d))
    if kind == "conv":
        conv1d_same(x, rng.normal(size=(d, d, k)), got)
    elif kind == "separable":
        separable_conv1d_same(x, rng.normal(size=(d, k)), rng.normal(size=(d, d)), got)
    elif kind == "rnn":
        rnn(x, rng.normal(size=(d, d)), rng.normal(size=(d, d)), rng.normal(size=d), got)
    elif kind == "lstm":
        lstm(x, rng.normal(size=(4 * d, d)), rng.normal(size=(4 * d, d)), rng.normal(size=4 * d), got)
    else:
        raise ValueError(f"kind must be one of attention, conv, separable, rnn, lstm; got {kind!r}")
    return {"n": n, "d": d, "k": k}, got


# ----------------------------------------------------------------------------------------------------
# dependency graphs
# ----------------------------------------------------------------------------------------------------
def layers_to_connect(n, offsets_of_layer, limit=10_000):
    """Smallest depth L such that in a stack of L layers every output position depends on every input
    position it may depend on (all of them, or all earlier ones for causal offsets). Layer l lets
    position i read positions i + o for o in ``offsets_of_layer(l)``; reachability is propagated
    explicitly, one boolean matrix per layer."""
    causal = all(o <= 0 for o in offsets_of_layer(0))
    target = np.tril(np.ones((n, n), dtype=bool)) if causal else np.ones((n, n), dtype=bool)
    reach = np.eye(n, dtype=bool)  # reach[i, j]: output i depends on input j
    for depth in range(1, limit + 1):
        step = np.zeros((n, n), dtype=bool)
        positions = np.arange(n)
        for o in offsets_of_layer(depth - 1):
            inside = (positions + o >= 0) & (positions + o < n)
            step[positions[inside], positions[inside] + o] = True  # output i reads input i + o
        reach = (step.astype(int) @ reach.astype(int)) > 0
        if np.array_equal(reach & target, target):
            return depth
    raise ValueError(f"not connected within {limit} layers")


def explicit_path_length(kind, n, k=3):
    """Layers needed to connect all n positions in a stack of ``kind`` layers ("attention", "centred",
    "causal" or "dilated" width-k convolutions), or the edges of the recurrence ("recurrent")."""
    if kind == "recurrent":
        return recurrent_path_length(n)
    offsets = {"attention": lambda layer: range(-n, n + 1), "centred": lambda layer: range(-(k // 2), k // 2 + 1),
               "causal": lambda layer: range(-(k - 1), 1), "dilated": lambda layer: [-m * k**layer for m in range(k)]}
    return layers_to_connect(n, offsets[kind])


def recurrent_path_length(n):
    """Edges from x_1 to h_n in the unrolled recurrence (x_t → h_t, h_{t−1} → h_t), by breadth-first
    search; the longest such shortest path over all (input, output) pairs."""
    # nodes: ("x", t) and ("h", t); edges point forward in time
    longest = 0
    for start in range(n):
        dist = {("h", start): 1}
        frontier = [("h", start)]
        while frontier:
            node = frontier.pop()
            t = node[1]
            if t + 1 < n and ("h", t + 1) not in dist:
                dist[("h", t + 1)] = dist[node] + 1
                frontier.append(("h", t + 1))
        longest = max(longest, max(dist.values()))
    return longest


def sequential_depth(dependencies):
    """Longest chain of operations that must run one after another: ``dependencies[i]`` lists the
    operations (indices below i) that operation i needs."""
    depth = []
    for deps in dependencies:
        depth.append(1 + max((depth[j] for j in deps), default=0))
    return max(depth, default=0)
