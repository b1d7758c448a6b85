"""Order statistics and ties as SymPy objects: the runner-up, "the maximum is attained once", ties written
into a point, and a domain where ties are frequent (the max and argmax derivations both need them).

Conditions are written with plain relationals (no Max/Min inside ``Domain.where``): the checker substitutes
each sampled point into them, which is fast for ``x1 > x2`` and slow for nested Max/Min."""
from __future__ import annotations

import sympy as sp

from ..model import Domain

__all__ = ["runner_up", "unique_max", "tie_at_top", "small_integers_domain"]


def runner_up(xs) -> sp.Expr:
    """The second largest entry, max_i min(x_i, max_{j≠i} x_j), in SymPy's Max/Min; it equals the maximum
    exactly at a tie, so max(𝐱) − runner_up(𝐱) is the gap δ that rates of convergence are written in."""
    xs = list(xs)
    if len(xs) < 2:
        raise ValueError(f"runner_up: xs needs at least 2 entries; got {len(xs)}")
    return sp.Max(*[sp.Min(x, sp.Max(*[y for y in xs if y is not x])) for x in xs])


def unique_max(xs) -> sp.Basic:
    """The condition "the maximum of xs is attained at one index": some x_k exceeds every other entry.
    Usable as ``Domain.where``, an ``Implies`` premise or an ``OnlyIf`` condition."""
    xs = list(xs)
    return sp.Or(*[sp.And(*[sp.Gt(x, y) for y in xs if y is not x]) for x in xs])


def tie_at_top(xs, tied: int = 2) -> tuple[list, dict]:
    """A point with a tie written into it: the first ``tied`` entries replaced by x_1 (so a page shows the
    tie), and sampling ranges that keep x_1 above the other entries (x_1 ∈ (0.5, 3), the rest ∈ (−3, 0.4)).
    Returns (entries, ranges) for :class:`Domain` or :func:`~derive.kit.simplex_domain`."""
    xs = list(xs)
    if not 2 <= tied <= len(xs):
        raise ValueError(f"tie_at_top: tied must be in 2 … {len(xs)}; got {tied}")
    entries = [xs[0]] * tied + xs[tied:]
    ranges = {xs[0]: (0.5, 3.0), **{x: (-3.0, 0.4) for x in xs[tied:]}}
    return entries, ranges


def small_integers_domain(xs, low: int = -2, high: int = 2, **kw) -> Domain:
    """Entries drawn from the integers low … high − 1 (x_k = ⌊u_k⌋, u_k uniform in (low, high)), so that
    ties at the top are frequent: an ``OnlyIf`` about ties then meets points on both sides of its
    condition (a tie has probability zero for real-valued draws). The counter-examples it finds are small
    integer vectors a reader can check by hand."""
    us = [sp.Symbol(f"u_{{{x.name}}}", real=True) for x in xs]
    ranges = {u: (float(low), float(high)) for u in us}
    ranges.update(kw.pop("ranges", {}))
    given = {x: sp.floor(u) for x, u in zip(xs, us)}
    given.update(kw.pop("given", {}))
    return Domain(ranges=ranges, given=given, **kw)
