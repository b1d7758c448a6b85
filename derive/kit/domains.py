"""Sampling domains the derivations share: ties at the maximum, the probability simplex."""
from __future__ import annotations

import sympy as sp

from ..model import Domain

__all__ = ["ties_domain", "simplex_domain"]

_TOP, _LOW = sp.Rational(7, 10), sp.Rational(-13, 10)


def ties_domain(xs, pair: tuple[int, int] = (0, 1), **kw) -> Domain:
    """Random points plus the awkward ones: all entries equal, a two-way tie at the top between
    ``xs[pair[0]]`` and ``xs[pair[1]]`` (the rest lower), one entry far ahead.

    Extra keyword arguments (``ranges``, ``samples``, ``given``, ``where``) go to :class:`Domain`."""
    xs = list(xs)
    special = [{x: _TOP for x in xs}]
    if len(xs) >= 2:
        a, b = xs[pair[0]], xs[pair[1]]
        special.append({a: _TOP, b: _TOP, **{x: _LOW for x in xs if x not in (a, b)}})
        special.append({xs[0]: sp.Integer(2), **{x: _LOW for x in xs[1:]}})
    return Domain(special=special + list(kw.pop("special", ())), **kw)


def simplex_domain(ys, low: float = 0.05, high: float = 1.0, **kw) -> Domain:
    """Points with y_k > 0 and Σ y_k = 1 (a probability vector, e.g. one-hot-free labels).

    Each y_k is ``u_k / Σ u`` for auxiliary u_k drawn from (low, high): the constraint holds exactly at
    every sampled point, so no probe ever lands off the simplex."""
    ys = list(ys)
    us = [sp.Symbol(f"u_{{{y.name}}}", positive=True) for y in ys]
    total = sp.Add(*us)
    ranges = {u: (low, high) for u in us}
    ranges.update(kw.pop("ranges", {}))
    given = {y: u / total for y, u in zip(ys, us)}
    given.update(kw.pop("given", {}))
    return Domain(ranges=ranges, given=given, **kw)
