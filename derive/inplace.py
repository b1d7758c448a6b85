"""Print a SymPy expression as NumPy ufunc calls that write into preallocated buffers.

One job: ``target ← expr`` becomes a list of statements ``numpy.<ufunc>(a, b, out=buf)`` (and
``numpy.copyto``), so a generated time loop or row-block loop allocates nothing per step. Used by every
derivation that generates such a loop (soft-argmax row blocks, the RNN and the LSTM time steps).

What it prints:

* sums (``Add``/``MatAdd``): the terms are accumulated in the output; ``c − X`` and ``A − X`` (``A`` an
  operand) end in one ``subtract``;
  ``−X`` alone is ``negative``; a constant ``𝟙`` (``OneMatrix``) counts as the number 1;
* entrywise products (``Mul``/``HadamardProduct``), squares (``x**2``, ``X∘2``: ``numpy.square``),
  ``exp`` and ``tanh`` (also :class:`~derive.functions.Tanh` and ``tanh`` applied entrywise to a matrix);
* matrix products of two named factors (``numpy.matmul(A, B, out=)``);
* ``small`` symbols (scalars, columns, index rows that broadcast against a buffer): a subexpression made
  only of them is printed as one ordinary NumPy expression (it allocates only its own small size); among
  a product's small factors, those that mix a ``rows`` symbol with a column (e.g. ``j − S``) are applied
  one at a time after the others.

Array names: ``names`` maps a symbol or a whole subexpression (e.g. ``Wᵀ``, ``𝟙 bᵀ``) to the array
expression that holds it; any other ``Symbol`` is the array of its own name. Intermediate results live in
scratch buffers ``prefix0, prefix1, …`` (listed by :attr:`InplaceEmitter.scratch`, for the template to
allocate) and are reused once free. Aliasing: when the target (or ``alias``, another name stored in the same
buffer) is read by the expression, the result is accumulated in the target only if its old value is read
exactly once, by the first call; otherwise it is accumulated in a scratch buffer and the last call writes
the target — so ``h ← h + X W`` and ``c ← c + b·a·(1 − c²)`` are safe.
"""
from __future__ import annotations

import sympy as sp
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction

from .functions import Tanh
from .printing import numpy_code

_UNARY = {sp.exp: "exp", sp.tanh: "tanh", Tanh: "tanh"}


def _entrywise(e):
    """(function, argument) of f applied entrywise to a matrix expression, else None."""
    if isinstance(e, ElementwiseApplyFunction):
        fn = e.function.expr.func if isinstance(e.function, sp.Lambda) else e.function
        return fn, e.expr
    return None


def _key(e):
    """Entrywise functions compare by function and argument, whatever their Python class (SymPy rebuilds a
    subclass of ElementwiseApplyFunction as the plain class inside other expressions)."""
    pair = _entrywise(e)
    return ("entrywise",) + pair if pair else e


class InplaceEmitter:
    """``emit(target, expr)`` → statements computing ``expr`` into the existing array ``target`` (see the
    module docstring); ``lines(body)`` for a body of (name, expr); ``value(expr)`` for one-off (allocating)
    matrix products after a loop."""

    def __init__(self, names: dict | None = None, prefix: str = "_scratch", small=(), rows=(), printer=None,
                 constants: dict | None = None):
        self.names = {_key(k): v for k, v in (names or {}).items()}
        # number -> the name of an array the template defines in the working dtype: NumPy runs a ufunc
        # faster with a 0-d array operand than with a Python float, which it converts on every call
        self.constants = {float(k): v for k, v in (constants or {}).items()}
        self._used_constants: dict[str, float] = {}
        self.prefix = prefix
        self.small = frozenset(small)
        self.rows = frozenset(rows)
        self.printer = printer or numpy_code
        self.free: list[str] = []
        self.count = 0

    # -- scratch buffers ------------------------------------------------------------------------------
    @property
    def scratch(self) -> list[str]:
        """The scratch buffers the emitted lines use (all of them, over every ``emit`` so far)."""
        return [f"{self.prefix}{k}" for k in range(self.count)]

    @property
    def constant_arrays(self) -> list[tuple[str, float]]:
        """(name, value) of the mapped constants the emitted lines use, for the template to define as 0-d
        arrays of the working dtype."""
        return sorted(self._used_constants.items())

    def _take(self) -> str:
        if self.free:
            return self.free.pop()
        self.count += 1
        return f"{self.prefix}{self.count - 1}"

    # -- operands -------------------------------------------------------------------------------------
    def _name(self, e):
        """The array that holds ``e`` (None when it must be computed)."""
        k = _key(e)
        if k in self.names:
            return self.names[k]
        if isinstance(e, sp.Symbol) and e not in self.small:
            return e.name
        return None

    def _constant(self, e):
        if isinstance(e, sp.OneMatrix):
            return sp.Integer(1)
        return e if e.is_Number else None

    def _light(self, e) -> bool:
        """No buffer-sized operand: printed as one NumPy expression."""
        if self._constant(e) is not None:
            return True
        if self._name(e) is not None or isinstance(e, sp.MatrixExpr):
            return False
        return e.free_symbols <= self.small

    def _print(self, e) -> str:
        const = self._constant(e)
        if const is not None:
            name = self.constants.get(float(const))
            if name is None:
                return repr(float(const))
            self._used_constants[name] = float(const)
            return name
        name = self._name(e)
        if name is not None:
            return name
        subs = {s: sp.Symbol(self._name(s)) for s in e.free_symbols if self._name(s) is not None}
        return self.printer(e.xreplace(subs))

    def _atom(self, e):
        """The printed operand when ``e`` needs no call (a named array, a constant, a small expression)."""
        if self._name(e) is not None or self._light(e):
            return self._print(e)
        return None

    # -- the op list ----------------------------------------------------------------------------------
    def _split(self, e):
        """("add" | "multiply", light part, buffer-sized terms) of a sum or entrywise product."""
        if isinstance(e, (sp.Add, sp.MatAdd)):
            fn, args = "add", e.args
        elif isinstance(e, sp.HadamardProduct) or (isinstance(e, sp.Mul) and not isinstance(e, sp.MatMul)):
            fn, args = "multiply", e.args
        else:
            return None
        light = [self._constant(a) if self._constant(a) is not None else a for a in args if self._light(a)]
        heavy = [a for a in args if not self._light(a)]
        return fn, light, heavy

    def _minuend(self, fn, light, heavy):
        """(printed c or A, X) when a sum is ``c − X`` (c its constant part) or ``A − X`` (A an operand, X
        computed), else None."""
        if fn != "add":
            return None
        if light and len(heavy) == 1 and heavy[0].could_extract_minus_sign():
            return self._print(sp.Add(*light)), -heavy[0]
        if not light and len(heavy) == 2:
            for a, b in (heavy, heavy[::-1]):
                if self._atom(a) is not None and b.could_extract_minus_sign() and self._atom(-b) is None:
                    return self._atom(a), -b
        return None

    def _negated(self, t):
        """X when the term t is −X with X an operand, else None."""
        if isinstance(t, sp.MatMul):
            coeff, mat = t.as_coeff_mmul()
            inner = sp.MatMul(*mat.args) if len(mat.args) > 1 else mat.args[0]
        elif isinstance(t, sp.Mul):
            coeff, inner = t.as_coeff_Mul()
        else:
            return None
        return inner if coeff == -1 and self._atom(inner) is not None else None

    def _ops(self, e, out):
        """Ops computing ``e`` into ``out``: list of (ufunc, a, b, out); b None for a unary ufunc."""
        atom = self._atom(e)
        if atom is not None:
            return [("copyto", out, atom, None)]
        if (isinstance(e, sp.Pow) and e.exp == 2) or (isinstance(e, sp.HadamardPower) and e.exp == 2):
            base = self._atom(e.base)
            if base is not None:
                return [("square", base, None, out)]
            return self._ops(e.base, out) + [("square", out, None, out)]
        unary = _entrywise(e) or ((e.func, e.args[0]) if e.func in _UNARY else None)
        if unary is not None and unary[0] in _UNARY:
            fn, arg = unary
            src = self._atom(arg)
            if src is not None:
                return [(_UNARY[fn], src, None, out)]
            return self._ops(arg, out) + [(_UNARY[fn], out, None, out)]
        if isinstance(e, sp.MatMul):
            coeff, mat = e.as_coeff_mmul()
            factors = [self._atom(f) for f in mat.args]
            if coeff != 1 or len(factors) != 2 or None in factors:
                raise ValueError(f"cannot emit {e}")
            return [("matmul", factors[0], factors[1], out)]
        split = self._split(e)
        if split is None:
            raise ValueError(f"cannot emit {e!r}")
        fn, light, heavy = split
        minuend = self._minuend(fn, light, heavy)
        if minuend is not None:  # c − X or A − X: X (computed into the output unless an operand), one subtract
            a, x = minuend
            if self._atom(x) is not None:
                return [("subtract", a, self._atom(x), out)]
            return self._ops(x, out) + [("subtract", a, out, out)]
        negs = [t for t in heavy if fn == "add" and self._negated(t) is not None]
        complex_terms = sorted([t for t in heavy if self._atom(t) is None and t not in negs], key=sp.default_sort_key)
        simple = sorted([t for t in heavy if t not in complex_terms and t not in negs], key=sp.default_sort_key)
        ops, cur = [], None
        for t in complex_terms:
            if cur is None:
                ops += self._ops(t, out)
            else:
                s = self._take()
                ops += self._ops(t, s)
                ops.append((fn, cur, s, out))
                self.free.append(s)
            cur = out
        for t in simple:
            if cur is None:
                cur = self._atom(t)
                continue
            ops.append((fn, cur, self._atom(t), out))
            cur = out
        for t in sorted(negs, key=sp.default_sort_key):
            name = self._atom(self._negated(t))
            ops.append(("negative", name, None, out) if cur is None else ("subtract", cur, name, out))
            cur = out
        if fn == "add":
            rest = sp.Add(*light)
            if rest != 0:
                if rest.could_extract_minus_sign():
                    ops.append(("subtract", cur, self._print(-rest), out))
                else:
                    ops.append(("add", cur, self._print(rest), out))
                cur = out
        else:
            outer = [a for a in light if self._broadcasts(a)]
            rest = sp.Mul(*[a for a in light if a not in outer])
            if rest == -1:
                ops.append(("negative", cur, None, out))
                cur = out
            elif rest != 1:
                ops.append(("multiply", cur, self._print(rest), out))
                cur = out
            for a in outer:
                ops.append(("multiply", cur, self._print(a), out))
                cur = out
        if cur != out:
            ops.append(("copyto", out, cur, None))
        return ops

    def _broadcasts(self, e) -> bool:
        """A small factor that mixes an index row with another symbol (e.g. ``j − S``): buffer-sized once
        evaluated, so it is applied on its own."""
        syms = e.free_symbols
        return bool(syms & self.rows) and bool(syms - self.rows)

    def _reads(self, e) -> list[str]:
        """The array names ``e`` reads, once per occurrence."""
        name = self._name(e)
        if name is not None:
            return [name]
        if self._constant(e) is not None:
            return []
        return [n for a in e.args for n in self._reads(a)]

    # -- statements -----------------------------------------------------------------------------------
    def emit(self, target: str, expr, alias: str | None = None) -> list[str]:
        """Lines computing ``expr`` into the array ``target``; ``alias`` names another array stored in the
        same buffer (its old value must not be read after the target is written)."""
        expr = sp.sympify(expr)
        src = self._atom(expr)
        if src is not None:
            return [] if src == target else [f"numpy.copyto({target}, {src})"]
        reads = self._reads(expr)
        owner = {target} | ({alias} if alias else set())
        clash = [n for n in reads if n in owner]
        ops = self._ops(expr, target)
        if clash and not (len(clash) == 1 and clash[0] == target and target in ops[0][1:3]):
            acc = self._take()
            ops = self._ops(expr, acc)
            fn, x, y, _ = ops[-1]
            ops[-1] = (fn, x, y, target)
            self.free.append(acc)
        lines = []
        for fn, x, y, out in ops:
            if fn == "copyto":
                lines.append(f"numpy.copyto({x}, {y})")
            elif y is None:
                lines.append(f"numpy.{fn}({x}, out={out})")
            else:
                lines.append(f"numpy.{fn}({x}, {y}, out={out})")
        return lines

    def lines(self, body) -> list[str]:
        """A body of (name, expr): a name that ``names`` maps to a buffer is computed into it with
        :meth:`emit`; any other name is assigned its printed (small) expression."""
        out = []
        for target, expr in body:
            key = sp.Symbol(target, real=True)
            if key in self.names:
                out += self.emit(self.names[key], expr)
            else:
                out.append(f"{target} = {self._print(expr)}")
        return out

    def value(self, expr) -> str:
        """An (allocating) expression for a one-off matrix product, e.g. a gradient after the loop;
        ``diag(v) M …`` is printed as the batched broadcast ``v[..., :, None] * (M …)``."""
        name = self._name(expr)
        if name is not None:
            return name
        if isinstance(expr, sp.MatMul):
            coeff, mat = expr.as_coeff_mmul()
            factors = list(mat.args)
            if coeff != 1:
                raise ValueError(f"cannot print {expr}")
            if isinstance(factors[0], sp.DiagMatrix):
                rest = self.value(sp.MatMul(*factors[1:])) if len(factors) > 2 else self._ref(factors[1])
                return f"{self._ref(factors[0].args[0])}[..., :, None] * {rest}"
            out = self.value(factors[0])
            for fac in factors[1:]:
                out = f"numpy.matmul({out}, {self.value(fac)})"
            return out
        if isinstance(expr, sp.Transpose):
            return f"{self._ref(expr.arg)}.T"
        raise ValueError(f"cannot print {expr}")

    def _ref(self, e) -> str:
        name = self._name(e)
        if name is None:
            raise ValueError(f"no array name for {e}")
        return name
