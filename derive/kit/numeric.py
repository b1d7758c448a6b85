"""Numeric references shared by searches, verifications and plots: mpmath for probes (no float round-off
can fake a counter-example), NumPy float64 for verifications of generated code."""
from __future__ import annotations

from typing import Callable

import mpmath
import numpy as np

__all__ = ["random_point", "mp_softmax", "np_softmax", "central_difference", "relative_error",
           "max_rel_error", "fmt_vec"]


def random_point(rng: np.random.Generator, n: int, tie: bool = False, low: float = -3.0, high: float = 3.0,
                 lift: bool = False) -> list:
    """n mpmath numbers drawn uniformly from (low, high).

    ``tie``: two distinct random positions share the largest value (``lift``: that value is raised by a
    random amount in (0, 1) above the previous maximum, so the tie is the unique top pair)."""
    x = [mpmath.mpf(float(v)) for v in rng.uniform(low, high, size=n)]
    if tie and n >= 2:
        top = max(x)
        if lift:
            top = top + mpmath.mpf(float(rng.uniform(0, 1)))
        a = int(rng.integers(0, n))
        b = (a + 1 + int(rng.integers(0, n - 1))) % n
        x[a] = x[b] = top
    return x


def mp_softmax(x, t=1) -> list:
    """softmax(t·x) in mpmath, max-shifted (exact to the working precision for any t > 0)."""
    top = max(x)
    w = [mpmath.exp(t * (v - top)) for v in x]
    z = mpmath.fsum(w)
    return [v / z for v in w]


def np_softmax(z: np.ndarray, axis: int = -1) -> np.ndarray:
    """A plain float64 reference softmax (max-shifted), independent of the generated code."""
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(z - np.max(z, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def central_difference(f: Callable[[np.ndarray], float], x: np.ndarray, h: float = 1e-6,
                       direction: np.ndarray | None = None):
    """Central differences of a scalar function f at x (float64).

    Without ``direction``: the gradient, shape of x, one pair of evaluations per entry. With
    ``direction``: the directional derivative (f(x + h·d) − f(x − h·d)) / 2h, one pair in all."""
    x = np.array(x, dtype=np.float64)
    if direction is not None:
        d = np.asarray(direction, dtype=np.float64)
        return (float(f(x + h * d)) - float(f(x - h * d))) / (2 * h)
    grad = np.empty_like(x)
    flat, out = x.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        keep = flat[i]
        flat[i] = keep + h
        up = float(f(x))
        flat[i] = keep - h
        down = float(f(x))
        flat[i] = keep
        out[i] = (up - down) / (2 * h)
    return grad


def relative_error(got, want, floor: float = 1.0) -> float:
    """max |got − want| / max(floor, max |want|): a relative error that never divides by an exact zero."""
    got, want = np.asarray(got, dtype=np.float64), np.asarray(want, dtype=np.float64)
    if got.shape != want.shape:
        raise ValueError(f"shapes differ: {got.shape} vs {want.shape}")
    if got.size == 0:
        return 0.0
    return float(np.max(np.abs(got - want)) / max(floor, float(np.max(np.abs(want)))))


def max_rel_error(pairs, floor: float = 1.0) -> float:
    """The largest :func:`relative_error` over (got, want) pairs."""
    return max((relative_error(g, w, floor) for g, w in pairs), default=0.0)


def fmt_vec(x, digits: int = 4) -> str:
    """(x_1, …, x_n) for evidence text, ``digits`` significant digits."""
    return "(" + ", ".join(mpmath.nstr(mpmath.mpf(v) if not isinstance(v, mpmath.mpf) else v, digits)
                           for v in x) + ")"


def top_gap(x):
    """δ = the largest entry minus the runner-up (0 at a tie at the top): the gap every rate of
    softmax(t𝐱) → one-hot depends on."""
    ordered = sorted(x, reverse=True)
    return ordered[0] - ordered[1]


def log_uniform(rng: np.random.Generator, low_exp: float, high_exp: float):
    """10^u (an mpmath number) with u uniform in (low_exp, high_exp): temperatures over several decades."""
    return mpmath.mpf(10) ** float(rng.uniform(low_exp, high_exp))


__all__ += ["top_gap", "log_uniform"]
