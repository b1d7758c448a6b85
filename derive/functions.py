"""Opaque SymPy functions with their own derivative rules.

Keeping σ, softmax, LSE and tanh′ opaque keeps derived results readable and zero tests fast: SymPy never
expands ``log(exp(x1) + exp(x2))`` into something it cannot cancel. Each class carries

* ``fdiff`` — its derivative rule, written next to the function (micrograd style);
* ``numeric`` — a plain-Python/mpmath evaluation used by the checker's random-point probes;
* ``elementary`` — the same function in elementary SymPy terms, used only as a last exact-test resort.

Every subclass of :class:`Opaque` registers itself, so the checker can evaluate any expression that uses
them without a hand-kept table.
"""
from __future__ import annotations

import mpmath
import sympy as sp

OPAQUE: dict[str, type["Opaque"]] = {}


class Opaque(sp.Function):
    """Base class: registers subclasses by name for numeric evaluation."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        OPAQUE[cls.__name__] = cls

    @staticmethod
    def numeric(*args):  # pragma: no cover - every subclass overrides
        raise NotImplementedError

    def elementary(self) -> sp.Expr:
        raise NotImplementedError(type(self).__name__)


def _num_max(values):
    best = values[0]
    for v in values[1:]:
        if v > best:
            best = v
    return best


class VectorSymbol(sp.Symbol):
    """A symbol that stands for a whole vector (printed bold, e.g. 𝐱)."""


def vector(name: str) -> VectorSymbol:
    return VectorSymbol(name, real=True)


# ----------------------------------------------------------------------------------------------------
# log-sum-exp and softmax
# ----------------------------------------------------------------------------------------------------
class LSE(Opaque):
    r"""LSE(x_1, …, x_n) = log Σ_j exp x_j;  ∂LSE/∂x_k = softmax(x)_k."""

    is_real = True

    def fdiff(self, argindex=1):
        return SoftmaxEntry(sp.Integer(argindex), *self.args)

    @staticmethod
    def numeric(*xs):
        # log1p of the non-maximal terms keeps LSE − max accurate when it is tiny
        k = max(range(len(xs)), key=lambda i: xs[i])
        m = xs[k]
        rest = sum((mpmath.exp(x - m) for i, x in enumerate(xs) if i != k), mpmath.mpf(0))
        return m + mpmath.log1p(rest)

    def elementary(self):
        return sp.log(sp.Add(*[sp.exp(x) for x in self.args]))


class SoftmaxEntry(Opaque):
    r"""softmax(x)_k = exp x_k / Σ_j exp x_j  (k counted from 1);  ∂s_k/∂x_j = s_k (δ_kj − s_j)."""

    is_real = True
    is_positive = True

    @classmethod
    def eval(cls, k, *xs):
        if len(xs) == 1:
            return sp.Integer(1)
        return None

    def fdiff(self, argindex=1):
        if argindex == 1:
            raise sp.ArgumentIndexError(self, argindex)
        k, xs = self.args[0], self.args[1:]
        j = argindex - 1
        s_k = self
        s_j = SoftmaxEntry(sp.Integer(j), *xs)
        return s_k * (sp.KroneckerDelta(k, j) - s_j)

    @staticmethod
    def numeric(k, *xs):
        m = _num_max(xs)
        return mpmath.exp(xs[int(k) - 1] - m) / sum(mpmath.exp(x - m) for x in xs)

    def elementary(self):
        k, xs = self.args[0], self.args[1:]
        return sp.exp(xs[int(k) - 1]) / sp.Add(*[sp.exp(x) for x in xs])


class Softmax(Opaque):
    r"""The vector softmax(𝐯); :func:`components` writes it as :class:`SoftmaxEntry` entries."""


class MaxSubgradient(Opaque):
    r"""The minimum-norm element of ∂max(𝐱): 1/|T| on the tied maximal positions T, 0 elsewhere."""


class MaxSubgradientEntry(Opaque):
    """Component k of :class:`MaxSubgradient` (k counted from 1); exact when every entry is a number."""

    @classmethod
    def eval(cls, k, *xs):
        if all(x.is_number and x.is_real for x in xs) and k.is_Integer:
            m = max(xs)
            ties = sum(1 for x in xs if sp.Eq(x, m) is sp.true)
            return sp.Rational(1, ties) if sp.Eq(xs[int(k) - 1], m) is sp.true else sp.Integer(0)
        return None

    @staticmethod
    def numeric(k, *xs):
        m = _num_max(xs)
        ties = sum(1 for x in xs if x == m)
        return mpmath.mpf(1) / ties if xs[int(k) - 1] == m else mpmath.mpf(0)


class MaxOf(Opaque):
    """max(x_1, …, x_n), kept opaque so it prints as the seed writes it and never becomes Piecewise."""

    is_real = True

    @staticmethod
    def numeric(*xs):
        return _num_max(xs)

    def elementary(self):
        return sp.Max(*self.args)


class Argmax(Opaque):
    """argmax(x_1, …, x_n): the position of the first maximal entry, counted from 1 as the seed counts.

    With one vector-level argument (``Argmax(𝐱)``) it is the size-free form; in generated code it is taken
    along the reduction axis (NumPy counts from 0: the printer folds ``Argmax(𝐱) − 1`` into
    ``numpy.argmax``)."""

    is_integer = True
    is_positive = True

    @staticmethod
    def numeric(*xs):
        best = 0
        for k in range(1, len(xs)):
            if xs[k] > xs[best]:
                best = k
        return best + 1


class SumOf(Opaque):
    """x_1 + … + x_n; with one vector-level argument 𝐯 the sum of its entries 𝟏ᵀ𝐯 (in generated code: one
    reduction along the axis, kept as a column)."""

    is_real = True

    @staticmethod
    def numeric(*xs):
        return mpmath.fsum(xs)

    def elementary(self):
        return sp.Add(*self.args)


class Dot(Opaque):
    """⟨𝐯, 𝐰⟩ = Σ_i v_i w_i of two vector-level arguments. In generated code 𝐯 holds one row per sample and
    𝐰 is a single row shared by all of them (an index row), so the whole block is one matrix–vector
    product. No numeric rule: it exists only at vector level; in components it is a plain sum."""

    is_real = True


# ----------------------------------------------------------------------------------------------------
# σ and tanh
# ----------------------------------------------------------------------------------------------------
class Sigmoid(Opaque):
    r"""σ(z) = 1 / (1 + e^{−z});  σ′ = σ (1 − σ)."""

    is_real = True

    def fdiff(self, argindex=1):
        return Sigmoid(self.args[0]) * (1 - Sigmoid(self.args[0]))

    @staticmethod
    def numeric(z):
        return 1 / (1 + mpmath.exp(-z))

    def elementary(self):
        return 1 / (1 + sp.exp(-self.args[0]))


class Tanh(Opaque):
    r"""tanh(z), opaque so that its derivative stays the named tanh′(z)."""

    is_real = True

    def fdiff(self, argindex=1):
        return TanhPrime(self.args[0])

    @staticmethod
    def numeric(z):
        return mpmath.tanh(z)

    def elementary(self):
        return sp.tanh(self.args[0])


class TanhPrime(Opaque):
    r"""tanh′(z) = 1 − tanh²(z);  tanh″ = −2 tanh · tanh′."""

    is_real = True

    def fdiff(self, argindex=1):
        return -2 * Tanh(self.args[0]) * TanhPrime(self.args[0])

    @staticmethod
    def numeric(z):
        return 1 - mpmath.tanh(z) ** 2

    def elementary(self):
        return 1 - sp.tanh(self.args[0]) ** 2


# ----------------------------------------------------------------------------------------------------
# cost notation
# ----------------------------------------------------------------------------------------------------
class BigO(Opaque):
    """𝒪(expr): an order of growth, for display only (SymPy's ``Order`` needs a limit point and would
    drop the terms of a two-size polynomial that neither dominates)."""


def components(expr, v: VectorSymbol, xs):
    """Write a vector-level expression in components: LSE(c·𝐯) → LSE(c·x₁, …, c·xₙ), and the
    vector-valued Softmax(c·𝐯), MaxSubgradient(c·𝐯) → a column Matrix of their entries."""
    xs = list(xs)

    def spread(arg):
        return [arg.subs(v, x) for x in xs]

    if isinstance(expr, Softmax):
        args = spread(expr.args[0])
        return sp.Matrix([SoftmaxEntry(sp.Integer(k + 1), *args) for k in range(len(xs))])
    if isinstance(expr, MaxSubgradient):
        args = spread(expr.args[0])
        return sp.Matrix([MaxSubgradientEntry(sp.Integer(k + 1), *args) for k in range(len(xs))])
    return expr.replace(lambda e: isinstance(e, (LSE, MaxOf)) and len(e.args) == 1 and e.has(v),
                        lambda e: type(e)(*spread(e.args[0])))


def to_elementary(expr):
    """Replace every opaque function by its elementary definition (the exact test's last resort)."""
    def rewrite(e):
        if isinstance(e, Opaque):
            try:
                return e.elementary()
            except NotImplementedError:
                return e
        return e
    return expr.replace(lambda e: isinstance(e, Opaque), rewrite) if isinstance(expr, sp.Basic) else expr


def numeric_namespace() -> dict:
    """Names → numeric callables for ``lambdify`` (mpmath-compatible)."""
    return {name: cls.numeric for name, cls in sorted(OPAQUE.items())
            if cls.numeric is not Opaque.numeric}
