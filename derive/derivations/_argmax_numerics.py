"""Numerics of the A6.2 ② derivation (argmax, soft-argmax): its probes, the verification of its generated
code and the drawing of its plots. Not a derivation itself (it registers nothing).

Exact numerics in mpmath, so that no float round-off can fake a counter-example: S_t − k* is summed
without the k* term and j − S_t as Σ_i (j − i) s_i, so values of size e^{−tδ} keep their digits. Each
``probe_*`` draws one point and returns a :class:`~derive.model.Witness`; :class:`FixedCases` replays
exact limits (sympy.limit) at fixed points.
"""
from __future__ import annotations

import mpmath
import numpy as np
import sympy as sp

from ..functions import Argmax
from ..kit.numeric import central_difference, fmt_vec, log_uniform, mp_softmax, random_point, relative_error, top_gap
from ..model import VerifyRow, Witness

_SLACK = 1 + mpmath.mpf("1e-40")  # a bound holds up to the working precision


# ----------------------------------------------------------------------------------------------------
# references
# ----------------------------------------------------------------------------------------------------
def argmax_set(x) -> list[int]:
    """All maximal positions, counted from 1."""
    top = max(x)
    return [k + 1 for k, v in enumerate(x) if v == top]


def soft_argmax(x, tt):
    """S_t(𝐱) = Σ_i i·softmax(t𝐱)_i, indices from 1."""
    return mpmath.fsum((k + 1) * v for k, v in enumerate(mp_softmax(x, tt)))


def deviation(x, tt):
    """S_t(𝐱) − argmax 𝐱, summed without the k* term."""
    s, ks = mp_softmax(x, tt), Argmax.numeric(*x)
    return mpmath.fsum((k + 1 - ks) * v for k, v in enumerate(s) if k + 1 != ks)


def gradient(x, tt):
    """∂S_t/∂x_j = t s_j (j − S_t), with j − S_t = Σ_i (j − i) s_i summed directly."""
    s, n = mp_softmax(x, tt), len(x)
    return [tt * s[j] * mpmath.fsum((j - i) * s[i] for i in range(n)) for j in range(n)]


def seed_gradient(x, tt=1):
    """The seed's formula t·i·s_i·(1 − s_i) with s_i = softmax(t𝐱)_i."""
    return [tt * (k + 1) * v * (1 - v) for k, v in enumerate(mp_softmax(x, tt))]


def error_bound(n, tt, gap):
    return mpmath.mpf(n * (n - 1)) / 2 * mpmath.exp(-tt * gap)


def gradient_bound(n, tt, gap):
    return tt * mpmath.mpf((n - 1) * (3 * n - 2)) / 2 * mpmath.exp(-tt * gap)


def _norm1(v):
    return mpmath.fsum(abs(g) for g in v)


# ----------------------------------------------------------------------------------------------------
# argmax itself
# ----------------------------------------------------------------------------------------------------
def probe_locally_constant(rng) -> Witness:
    """Where the maximum is unique (gap δ), every perturbation with |h_i| < δ/2 keeps the argmax."""
    with mpmath.workdps(40):
        n = int(rng.integers(2, 7))
        x = random_point(rng, n)
        gap = top_gap(x)
        h = [mpmath.mpf(float(v)) * gap / 2 for v in rng.uniform(-0.999, 0.999, size=n)]
        before, after = Argmax.numeric(*x), Argmax.numeric(*[a + b for a, b in zip(x, h)])
        return Witness({"x": fmt_vec(x)}, after == before, float(after != before),
                       "" if after == before else f"argmax moved from {before} to {after}")


def probe_jump_at_ties(rng) -> Witness:
    """At a tie between positions a < b, argmax(𝐱 + ε e_a) = a and argmax(𝐱 + ε e_b) = b for every ε > 0:
    a jump of b − a ≥ 1 however small ε is, so the difference quotient grows like 1/ε."""
    with mpmath.workdps(40):
        n = int(rng.integers(2, 7))
        x = random_point(rng, n, tie=True, lift=True)
        tied = argmax_set(x)
        for eps in (mpmath.mpf("1e-3"), mpmath.mpf("1e-12"), mpmath.mpf("1e-30")):
            for k in (tied[0], tied[-1]):
                moved = [v + eps if i + 1 == k else v for i, v in enumerate(x)]
                if Argmax.numeric(*moved) != k:
                    return Witness({"x": fmt_vec(x)}, False, 1.0, "no jump")
        return Witness({"x": fmt_vec(x)}, True, 0.0)


def probe_argmax_identity(chain_step: int):
    """The equalities of the seed's smoothing chain, with the argmax as a set (ties included)."""

    def probe(rng) -> Witness:
        with mpmath.workdps(40):
            n = int(rng.integers(1, 7))
            x = random_point(rng, n, tie=rng.uniform() < 0.3, lift=True)
            top = max(x)
            shifted = [v - top for v in x]
            if chain_step == 1:
                pairs = (x, shifted)
            elif chain_step == 2:
                pairs = (shifted, [mpmath.exp(v) for v in shifted])
            else:
                lse = top + mpmath.log(mpmath.fsum(mpmath.exp(v) for v in shifted))
                pairs = ([mpmath.exp(v - top) for v in x], [mpmath.exp(v - lse) for v in x])
            a, b = argmax_set(pairs[0]), argmax_set(pairs[1])
            return Witness({"x": fmt_vec(x)}, a == b, 0.0 if a == b else 1.0,
                           "" if a == b else f"argmax sets {a} and {b} differ")
    return probe


def probe_index_sum(rng) -> Witness:
    """argmax 𝐱 = Σ_i i·one-hot(argmax 𝐱)_i (unique maximum)."""
    n = int(rng.integers(1, 9))
    x = random_point(rng, n)
    ks = Argmax.numeric(*x)
    total = sum(i * (1 if i == ks else 0) for i in range(1, n + 1))
    return Witness({"x": fmt_vec(x)}, total == ks, float(abs(total - ks)))


# ----------------------------------------------------------------------------------------------------
# soft-argmax: bounds, rates, limits
# ----------------------------------------------------------------------------------------------------
def probe_error_bound(rng) -> Witness:
    """|S_t(𝐱) − argmax 𝐱| ≤ n(n−1)/2 · e^{−tδ}."""
    with mpmath.workdps(50):
        n = int(rng.integers(2, 8))
        x = random_point(rng, n)
        tt = log_uniform(rng, -2, 3)
        dev, bound = abs(deviation(x, tt)), error_bound(n, tt, top_gap(x))
        ok = dev <= bound * _SLACK
        return Witness({"x": fmt_vec(x), "t": tt}, ok, float(dev / bound),
                       "" if ok else f"|S_t − argmax| = {mpmath.nstr(dev, 4)} > bound {mpmath.nstr(bound, 4)}")


def probe_gradient_bound(rng) -> Witness:
    """‖∇S_t(𝐱)‖₁ ≤ t(n−1)(3n−2)/2 · e^{−tδ}."""
    with mpmath.workdps(50):
        n = int(rng.integers(2, 8))
        x = random_point(rng, n)
        tt = log_uniform(rng, -2, 3)
        norm, bound = _norm1(gradient(x, tt)), gradient_bound(n, tt, top_gap(x))
        return Witness({"x": fmt_vec(x), "t": tt}, norm <= bound * _SLACK, float(norm / bound))


def probe_gradient_vanishes(tie_rate: float):
    """‖∇S_t‖₁ → 0 as t → ∞: where the maximum is unique by the bound t·(n−1)(3n−2)/2·e^{−tδ}; at a tie
    the norm is measured at t = 10², 10⁴, 10⁶ and must shrink."""

    def probe(rng) -> Witness:
        with mpmath.workdps(50):
            n = int(rng.integers(2, 7))
            tie = rng.uniform() < tie_rate
            x = random_point(rng, n, tie=tie, lift=True)
            if not tie:
                tt = log_uniform(rng, -2, 3)
                norm, bound = _norm1(gradient(x, tt)), gradient_bound(n, tt, top_gap(x))
                return Witness({"x": fmt_vec(x), "t": tt}, norm <= bound * _SLACK, float(norm / bound))
            norms = [_norm1(gradient(x, mpmath.mpf(10) ** p)) for p in (2, 4, 6)]
            ok = norms[2] < norms[1] < norms[0]
            return Witness(
                {"x": fmt_vec(x)}, ok, float(norms[2]),
                "" if ok else "a tie: ‖∇S_t‖₁ = " + ", ".join(mpmath.nstr(v, 4) for v in norms)
                + " at t = 1e2, 1e4, 1e6 — it grows like t instead of vanishing")
    return probe


def probe_more_mass_than_half(rng) -> Witness:
    """‖softmax(𝐱) − one-hot(argmax 𝐱)‖∞ = 1 − s_{k*} < 1/2 (t = 1)."""
    with mpmath.workdps(40):
        n = int(rng.integers(2, 7))
        x = random_point(rng, n)
        s, ks = mp_softmax(x, 1), Argmax.numeric(*x)
        dist = 1 - s[ks - 1]
        ok = dist < mpmath.mpf(1) / 2
        return Witness({"x": fmt_vec(x)}, ok, float(dist),
                       "" if ok else f"softmax(x) = {fmt_vec(s, 3)}; its ∞-distance to one-hot(argmax x) = "
                                     f"e_{ks} is {mpmath.nstr(dist, 4)} ≥ 1/2")


def probe_softmax_rate(rng) -> Witness:
    """‖softmax(t𝐱) − one-hot(argmax 𝐱)‖₁ ≤ 2(n−1)e^{−tδ} (unique maximum)."""
    with mpmath.workdps(50):
        n = int(rng.integers(2, 7))
        x = random_point(rng, n)
        tt = log_uniform(rng, -2, 3)
        s, ks = mp_softmax(x, tt), Argmax.numeric(*x)
        dist = 2 * mpmath.fsum(v for k, v in enumerate(s) if k + 1 != ks)  # = (1 − s_k*) + Σ_{j≠k*} s_j
        bound = 2 * (n - 1) * mpmath.exp(-tt * top_gap(x))
        return Witness({"x": fmt_vec(x), "t": tt}, dist <= bound * _SLACK, float(dist / bound))


def probe_soft_argmax_close(rng) -> Witness:
    """|S_1(𝐱) − argmax 𝐱| < 1/2, i.e. rounding the soft-argmax gives the argmax (t = 1)."""
    with mpmath.workdps(40):
        n = int(rng.integers(2, 7))
        x = random_point(rng, n)
        dev, ks = abs(deviation(x, 1)), Argmax.numeric(*x)
        ok = dev < mpmath.mpf(1) / 2
        return Witness({"x": fmt_vec(x)}, ok, float(dev),
                       "" if ok else f"S_1(x) = {mpmath.nstr(soft_argmax(x, 1), 5)} but argmax x = {ks}; "
                                     f"error {mpmath.nstr(dev, 4)}, relative error {mpmath.nstr(dev / ks, 3)}")


def probe_monotone_in_t(rng) -> Witness:
    """|S_t(𝐱) − argmax 𝐱| does not grow when t grows (t₁ < t₂ drawn from [0.01, 100])."""
    with mpmath.workdps(40):
        n = int(rng.integers(2, 6))
        x = random_point(rng, n)
        t1, t2 = sorted([log_uniform(rng, -2, 2), log_uniform(rng, -2, 2)])
        e1, e2 = abs(deviation(x, t1)), abs(deviation(x, t2))
        ok = e2 <= e1 * (1 + mpmath.mpf("1e-30"))
        return Witness({"x": fmt_vec(x), "t₁": t1, "t₂": t2}, ok, float(e2 - e1),
                       "" if ok else f"|S_t − argmax| = {mpmath.nstr(e1, 4)} at t₁ but {mpmath.nstr(e2, 4)} at the "
                                     f"larger t₂: the larger temperature is the worse approximation here")


def probe_seed_limit(tie_rate: float):
    """The seed's ∂argmax/∂x_i = lim_{t→∞} t·i·s_i(1 − s_i): argmax must be differentiable at 𝐱 (its
    derivative is then 0) and the limit must be 0. Where the maximum is unique, 0 ≤ t·i·s_i(1 − s_i) ≤
    t·n·(n−1)·e^{−tδ} → 0; at a tie argmax jumps and the expression grows like t."""

    def probe(rng) -> Witness:
        with mpmath.workdps(50):
            n = int(rng.integers(2, 7))
            tie = rng.uniform() < tie_rate
            x = random_point(rng, n, tie=tie, lift=True)
            if tie:
                tied = argmax_set(x)
                a, b = tied[0], tied[-1]
                vals = [seed_gradient(x, mpmath.mpf(10) ** p)[b - 1] for p in (2, 4, 6)]
                return Witness(
                    {"x": fmt_vec(x)}, False, float(vals[-1]),
                    f"argmax jumps there (from {a} to {b} when x_{b} grows by any ε > 0), so it has no "
                    f"derivative; the seed's expression for i = {b} is " + ", ".join(mpmath.nstr(v, 4) for v in vals)
                    + " at t = 1e2, 1e4, 1e6: it diverges instead of tending to a derivative")
            tt = log_uniform(rng, 0, 4)
            vals = seed_gradient(x, tt)
            bound = tt * n * (n - 1) * mpmath.exp(-tt * top_gap(x))
            ok = all(0 <= v <= bound * _SLACK for v in vals)
            return Witness({"x": fmt_vec(x), "t": tt}, ok, float(max(vals) / bound))
    return probe


# ----------------------------------------------------------------------------------------------------
# exact limits at fixed points: divide by e^{t·max}; each term e^{−t·d}, d ≥ 0, has a sympy.limit
# ----------------------------------------------------------------------------------------------------
LIMIT_POINTS = ((1, 3, 2), (sp.Rational(1, 2), 0, -4), (-2, 1, 3, 0), (1, 0, 1), (-1, 5, 5, 0))


class FixedCases:
    """A Search probe over precomputed exact cases, in a fixed order that restarts after a failure, so
    every run reports the same first counter-example."""

    def __init__(self, cases):
        self.cases = list(cases)
        self.i = 0

    def __call__(self, rng) -> Witness:
        w = self.cases[self.i % len(self.cases)]
        self.i = 0 if (not w.holds or self.i + 1 == len(self.cases)) else self.i + 1
        return w


def exact_limits() -> dict:
    """{point: lim_{t→∞} softmax(t𝐩) entrywise}, as the seed argues: divide by e^{t·max 𝐩}; the
    denominator tends to a number ≥ 1, so the limit of the quotient is the quotient of the limits."""
    t = sp.Symbol("t", positive=True)
    term: dict = {}
    out = {}
    for point in LIMIT_POINTS:
        p = [sp.sympify(v) for v in point]
        for d in {max(p) - v for v in p}:
            term.setdefault(d, sp.limit(sp.exp(-t * d), t, sp.oo))
        lims = [term[max(p) - v] for v in p]
        out[point] = [v / sp.Add(*lims) for v in lims]
    return out


def _limit_witness(point, lims, kind: str) -> Witness:
    p = [sp.sympify(v) for v in point]
    top = max(p)
    tied = [k + 1 for k, v in enumerate(p) if v == top]
    shown = {"x": "(" + ", ".join(str(v) for v in p) + ")"}
    if kind == "softmax":
        seed = [sp.Integer(1) if v == top else sp.Integer(0) for v in p]
        ok = lims == seed
        detail = "" if ok else (f"lim softmax(t·x) = ({', '.join(map(str, lims))}) but the seed's rule "
                                f"(1 at the maximum, 0 elsewhere) gives ({', '.join(map(str, seed))})")
        return Witness(shown, bool(ok), float(max(abs(a - b) for a, b in zip(lims, seed))), detail)
    s_lim = sp.Add(*[(k + 1) * v for k, v in enumerate(lims)])  # the soft-argmax S_t → argmax
    ok = s_lim in tied
    if ok:
        detail = ""
    elif s_lim.is_integer:
        detail = (f"lim S_t(x) = {s_lim}, the mean of the tied positions {tied}; x_{s_lim} = "
                  f"{p[int(s_lim) - 1]} < max = {top}, so the limit is no maximiser")
    else:
        detail = f"lim S_t(x) = {s_lim}, the mean of the tied positions {tied}, is not an index at all"
    return Witness(shown, bool(ok), float(min(abs(s_lim - k) for k in tied)), detail)


def limit_cases(limits: dict, kind: str, unique_only: bool) -> list[Witness]:
    """Witnesses of lim S_t = argmax (``kind`` "soft-argmax") or lim softmax(t𝐩) = one-hot ("softmax")."""
    return [_limit_witness(p, lims, kind) for p, lims in limits.items()
            if not (unique_only and len(argmax_set([sp.sympify(v) for v in p])) > 1)]


# ----------------------------------------------------------------------------------------------------
# verification of the generated code
# ----------------------------------------------------------------------------------------------------
def verify_soft_argmax() -> list[VerifyRow]:
    """Generated code against mpmath (50 digits) and central differences of the generated value."""
    import importlib

    gen = importlib.import_module("derive.generated.soft_argmax")
    rng = np.random.default_rng(31415)
    worst_v = worst_g = worst_fd = 0.0
    for n in (1, 2, 5, 9):
        for tt in (0.3, 1.0, 6.0):
            x = rng.normal(scale=2, size=(3, n))
            v = gen.soft_argmax(x, t=tt)
            g = gen.soft_argmax_grad(x, t=tt)
            for r in range(3):
                xr = [mpmath.mpf(float(a)) for a in x[r]]
                with mpmath.workdps(50):
                    ref = soft_argmax(xr, tt)
                    gref = gradient(xr, tt)
                worst_v = max(worst_v, float(abs(ref - v[r]) / abs(ref)))
                worst_g = max(worst_g, relative_error(g[r], [float(a) for a in gref], floor=1e-300))
                fd = central_difference(lambda row: gen.soft_argmax(row, t=tt), x[r])
                worst_fd = max(worst_fd, relative_error(fd, g[r]))
    # nearly one-hot rows: t·δ from 30 to 600, where j − S_t cancels at the argmax
    worst_peak = 0.0
    for tt in (30.0, 100.0, 600.0):
        x = np.array([[0.3, 1.0, -0.2, 0.1], [2.0, -1.0, 1.0, 0.5]])
        g = gen.soft_argmax_grad(x, t=tt)
        for r in range(2):
            with mpmath.workdps(60):
                gref = gradient([mpmath.mpf(float(a)) for a in x[r]], tt)
            worst_peak = max(worst_peak, relative_error(g[r], [float(a) for a in gref], floor=0.0))
    big = np.array([[1e4, -1e4, 9999.5, 1e4 - 3], [-1e4, -1e4, -1e4, -1e4]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        stable = bool(np.all(np.isfinite(gen.soft_argmax(big, t=1.0))) and np.all(np.isfinite(gen.soft_argmax_grad(big, t=1.0))))
    return [
        VerifyRow("soft_argmax", "mpmath 50 digits (relative)", worst_v, 1e-14),
        VerifyRow("soft_argmax_grad", "mpmath 50 digits (relative to the row's largest entry)", worst_g, 1e-13),
        VerifyRow("soft_argmax_grad", "central differences of soft_argmax", worst_fd, 1e-8),
        VerifyRow("soft_argmax_grad", "mpmath, nearly one-hot rows (t·δ = 21 … 600)", worst_peak, 1e-13),
        VerifyRow("soft_argmax, soft_argmax_grad", "finite, no FP exception at |t·x| = 1e4",
                  0.0 if stable else float("inf"), 0.0),
    ]


# ----------------------------------------------------------------------------------------------------
# plots: the derivation passes its SymPy expressions; they are lambdified here
# ----------------------------------------------------------------------------------------------------
PLOT_INPUTS = (((0.3, -0.5, 0.8, 1.0), "x = (0.3, −0.5, 0.8, 1)"),
               ((1.0, 0.2, 0.99, -1.0), "near tie x = (1, 0.2, 0.99, −1)"),
               ((1.0, 0.2, 1.0, -1.0), "tie x = (1, 0.2, 1, −1)"))


def draw_limit(args, shifted_soft_argmax, fig):
    """S_t against t at three inputs; ``shifted_soft_argmax`` is S_t with exponents shifted by the maximum
    M, a function of ``args`` = (t, M, x_1, …, x_4)."""
    ts = np.logspace(-2, 3, 240)
    ax = fig.add_subplot(1, 1, 1)
    f = sp.lambdify(args, shifted_soft_argmax, "numpy")
    colors = ("tab:blue", "tab:orange", "tab:green")
    for (x, label), c in zip(PLOT_INPUTS, colors):
        ax.plot(ts, f(ts, max(x), *x), color=c, lw=2, label=f"S_t, {label}")
        ax.axhline(argmax_set(x)[0], color=c, lw=1, ls="--")
    ax.set_xscale("log")
    ax.set_xlabel("temperature t")
    ax.set_ylabel("S_t(x) = Σ i·softmax(t·x)_i")
    ax.set_title("S_t → argmax x as t grows; near a tie only once t ≫ 1/δ;\n"
                 "at a tie → the mean of the tied indices (dashed: first maximiser)", fontsize=9)
    ax.set_ylim(0.9, 4.1)
    ax.legend(loc="center right", fontsize=8)


def draw_field(t, ys, soft_argmax_elementary, fig):
    """S_t (colour) and its gradient (arrows, differentiated by SymPy) on the slice x = (a, b, 0), t = 2."""
    grad = [sp.diff(soft_argmax_elementary, y) for y in ys[:2]]
    sub = {ys[2]: 0, t: 2.0}
    f = sp.lambdify(ys[:2], soft_argmax_elementary.subs(sub), "numpy")
    ga = sp.lambdify(ys[:2], grad[0].subs(sub), "numpy")
    gb = sp.lambdify(ys[:2], grad[1].subs(sub), "numpy")
    a, b = np.meshgrid(np.linspace(-2, 2, 121), np.linspace(-2, 2, 121))
    ax = fig.add_subplot(1, 1, 1)
    cs = ax.contourf(a, b, f(a, b), levels=np.linspace(1, 3, 21), cmap="viridis")
    fig.colorbar(cs, ax=ax, label="S_t(a, b, 0)")
    qa, qb = np.meshgrid(np.linspace(-1.8, 1.8, 15), np.linspace(-1.8, 1.8, 15))
    ax.quiver(qa, qb, ga(qa, qb), gb(qa, qb), color="white", scale=12, width=0.004)
    for (a0, b0), (a1, b1) in (((0, 0), (2, 2)), ((0, -2), (0, 0)), ((-2, 0), (0, 0))):  # ties of the maximum
        ax.plot([a0, a1], [b0, b1], color="w", lw=0.8, ls=":")
    ax.set_xlabel("a = x₁")
    ax.set_ylabel("b = x₂")
    ax.set_aspect("equal")
    ax.set_title("∇S_t on the slice x = (a, b, 0), t = 2:\nlarge only near the ties of the maximum (dotted)",
                 fontsize=9)
