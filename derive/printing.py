"""Printers: SymPy expressions → LaTeX in the seed's notation, and → NumPy source for generated code.

One ``_print_<Node>`` method per node, as SymPy's own printers do. Raw ``sympy.latex`` would print
``\\log(e^{x_1} + …)`` or lose softmax entirely; here softmax, σ, tanh′, LSE, max, diag and ⊙ keep the
names the seed uses. Classes defined elsewhere may also carry a ``_latex(self, printer)`` method, which
SymPy's printer dispatch honours.
"""
from __future__ import annotations

import re

import sympy as sp
from sympy.printing.latex import LatexPrinter
from sympy.printing.numpy import NumPyPrinter


_INDEXED = re.compile(r"^([A-Za-z]+)_?(\d+)$")
# a symbol named in raw TeX with two subscripts, e.g. "W_{fh}_{11}" or "b_{f}_1"
_DOUBLE_SUBSCRIPT = re.compile(r"^(.+_(?:\{[^{}]*\}|[A-Za-z0-9]+))_(\{[^{}]*\}|[A-Za-z0-9]+)$")


class DeriveLatexPrinter(LatexPrinter):
    printmethod = "_latex"

    def __init__(self, settings=None):
        base = {"mul_symbol": None, "fold_short_frac": False}
        base.update(settings or {})
        super().__init__(base)

    def _print_Symbol(self, expr, style="plain"):
        # "W_{fh}_{11}" would be a TeX double subscript (a MathJax error): group the base instead
        m = _DOUBLE_SUBSCRIPT.match(expr.name) if "{" in expr.name else None
        if m:
            return "{%s}_{%s}" % (m.group(1), m.group(2).strip("{}"))
        return super()._print_Symbol(expr, style)

    # --- vectors -------------------------------------------------------------------------------------
    def _print_VectorSymbol(self, expr):
        return r"\mathbf{%s}" % self._print(sp.Symbol(expr.name))

    def _vector_of(self, args) -> str | None:
        """``(t·x1, …, t·xn)`` → ``t\\mathbf{x}`` when the entries are one vector's components in order."""
        if len(args) < 2:
            return None
        factors, names = [], []
        for k, a in enumerate(args, start=1):
            coeff, rest = a.as_coeff_Mul() if isinstance(a, sp.Mul) else (sp.Integer(1), a)
            if isinstance(rest, sp.Mul):
                symbols = [f for f in rest.args if isinstance(f, sp.Symbol) and _INDEXED.match(f.name)]
                if len(symbols) != 1:
                    return None
                sym = symbols[0]
                factor = coeff * rest / sym
            elif isinstance(rest, sp.Symbol):
                sym, factor = rest, coeff
            else:
                return None
            m = _INDEXED.match(sym.name)
            if not m or int(m.group(2)) != k:
                return None
            factors.append(factor)
            names.append(m.group(1))
        if len(set(names)) != 1 or len(set(factors)) != 1:
            return None
        vec = r"\mathbf{%s}" % names[0]
        factor = factors[0]
        return vec if factor == 1 else self._print(factor) + " " + vec

    def _arglist(self, args) -> str:
        vec = self._vector_of(args)
        if vec is not None:
            return vec
        printed = [self._print(a) for a in args]
        if len(printed) > 4:
            printed = printed[:2] + [r"\dots"] + printed[-1:]
        return ", ".join(printed)

    # --- log-sum-exp, softmax, max -------------------------------------------------------------------
    def _print_LSE(self, expr, exp=None):
        return self._with_exp(r"\operatorname{LSE}\left(%s\right)" % self._arglist(expr.args), exp)

    def _print_SoftmaxEntry(self, expr, exp=None):
        k, xs = expr.args[0], expr.args[1:]
        return self._with_exp(r"\operatorname{softmax}\left(%s\right)_{%s}" % (self._arglist(xs), self._print(k)), exp)

    def _print_Softmax(self, expr):
        return r"\operatorname{softmax}\left(%s\right)" % self._arglist(expr.args)

    def _print_MaxOf(self, expr, exp=None):
        return self._with_exp(r"\max\left(%s\right)" % self._arglist(expr.args), exp)

    def _print_MaxSubgradient(self, expr):
        v = self._arglist(expr.args)
        return (r"\frac{\mathbb{1}\left[%s = \max %s\right]}{\left|\operatorname{argmax} %s\right|}"
                % (v, v, v))

    def _print_MaxSubgradientEntry(self, expr):
        k, xs = expr.args[0], expr.args[1:]
        v = self._arglist(xs)
        xk = self._print(xs[int(k) - 1])
        return (r"\frac{\mathbb{1}\left[%s = \max %s\right]}{\left|\operatorname{argmax} %s\right|}"
                % (xk, v, v))

    # --- activations ---------------------------------------------------------------------------------
    def _with_exp(self, text, exp=None):  # f(z)**n: SymPy's _print_Pow passes exp for function bases
        return text if exp is None else r"%s^{%s}" % (text, exp)

    def _print_Sigmoid(self, expr, exp=None):
        return self._with_exp(r"\sigma\left(%s\right)" % self._print(expr.args[0]), exp)

    def _print_Tanh(self, expr, exp=None):
        return self._with_exp(r"\tanh\left(%s\right)" % self._print(expr.args[0]), exp)

    def _print_TanhPrime(self, expr, exp=None):
        return self._with_exp(r"\tanh'\left(%s\right)" % self._print(expr.args[0]), exp)

    # --- matrices ------------------------------------------------------------------------------------
    def _print_HadamardProduct(self, expr):
        return r" \odot ".join(self.parenthesize(a, 1000, strict=True) for a in expr.args)

    def _print_DiagMatrix(self, expr):
        return r"\operatorname{diag}\left(%s\right)" % self._print(expr.args[0])

    def _print_MatrixElement(self, expr):
        # W_fh[1, 1] must not print as W_{fh}_{11} (a TeX double subscript): bracket a subscripted name
        base = self._print(expr.parent)
        if "_" in base:
            base = r"\left(%s\right)" % base
        return "%s_{%s%s}" % (base, self._print(expr.i + 1), self._print(expr.j + 1))

    def _print_Transpose(self, expr):
        return r"%s^{\top}" % self.parenthesize(expr.arg, 1000, strict=True)

    def _print_ElementwiseApplyFunction(self, expr):
        # σ applied to each entry of a prints as σ(a), as the textbook writes it (SymPy: (d ↦ σ(d))∘(a))
        (var,), body = expr.function.variables, expr.function.expr
        return self._print(body.xreplace({var: expr.expr}))

    def _print_OneMatrix(self, expr):
        return r"\mathbf{1}"

    def _print_MatAdd(self, expr):
        # A sum built unevaluated in an order of its own (the seed's order of the four terms, 1 − f) prints
        # in that order; a sum in SymPy's canonical order prints as SymPy prints it.
        if sp.MatAdd(*expr.args, evaluate=True).args == expr.args:
            return self._print_Add(expr)
        terms = list(expr.args)
        out = self._print(terms[0])
        for term in terms[1:]:
            sign, term = (" - ", -term) if term.could_extract_minus_sign() else (" + ", term)
            out += sign + self._print(term)
        return out

    def _print_Derivative(self, expr):
        # ∂C_t/∂C_i (a Jacobian) or ∂E/∂W (a gradient) for a matrix symbol, not SymPy's d/dC_i applied to C_t
        if isinstance(expr.expr, (sp.Symbol, sp.MatrixSymbol)) and len(expr.variables) == 1 \
                and isinstance(expr.variables[0], sp.MatrixSymbol):
            return r"\frac{\partial %s}{\partial %s}" % (self._print(expr.expr), self._print(expr.variables[0]))
        return super()._print_Derivative(expr)


_OPS = {"=": "=", "<=": r"\le", "<": "<", ">=": r"\ge", ">": ">", "!=": r"\ne"}


def tex(expr, **settings) -> str:
    """LaTeX for a SymPy expression, a matrix, a check of :mod:`derive.model` (Relation, Implies,
    OnlyIf, Not), or a tuple of Relations (one aligned line each)."""
    from .model import Implies, Not, OnlyIf, Relation  # local: model imports nothing from here

    printer = DeriveLatexPrinter(settings)
    if isinstance(expr, (list, tuple)) and expr and all(isinstance(e, Relation) for e in expr):
        # several relations shown as one general form (a step's ``show``): one aligned line each
        lines = [f"{printer.doprint(e.lhs)} &{_OPS[e.op]} {printer.doprint(e.rhs)}" for e in expr]
        return "\\begin{aligned}\n" + " \\\\\n".join(lines) + "\n\\end{aligned}"
    if isinstance(expr, Relation):
        return f"{printer.doprint(expr.lhs)} {_OPS[expr.op]} {printer.doprint(expr.rhs)}"
    if isinstance(expr, Implies):
        return f"{printer.doprint(expr.premise)} \\;\\Longrightarrow\\; {printer.doprint(expr.conclusion)}"
    if isinstance(expr, OnlyIf):
        return f"{tex(expr.relation, **settings)} \\quad\\text{{only if}}\\quad {printer.doprint(expr.condition)}"
    if isinstance(expr, Not) and isinstance(expr.check, Relation):
        return tex(Relation(expr.check.lhs, expr.check.rhs, "!=", expr.check.domain), **settings) \
            if expr.check.op == "=" else r"\neg\left(" + tex(expr.check, **settings) + r"\right)"
    return printer.doprint(expr)


class DeriveNumPyPrinter(NumPyPrinter):
    """NumPy source for generated modules. Opaque functions map to the stable helpers that the module
    template defines (``_lse``, ``_softmax``, ``_sigmoid``, ``_max_subgradient``); ``axis`` is the name of
    the reduction-axis parameter in the generated function."""

    def __init__(self, settings=None):
        settings = dict(settings or {})
        self.axis = settings.pop("axis", "axis")
        super().__init__(settings)

    def _print_VectorSymbol(self, expr):
        return expr.name

    def _print_LSE(self, expr):
        (v,) = expr.args
        return f"_lse({self._print(v)}, {self.axis})"

    def _print_Softmax(self, expr):
        (v,) = expr.args
        return f"_softmax({self._print(v)}, {self.axis})"

    def _print_MaxSubgradient(self, expr):
        (v,) = expr.args
        return f"_max_subgradient({self._print(v)}, {self.axis})"

    def _print_MaxOf(self, expr):
        (v,) = expr.args
        return f"numpy.max({self._print(v)}, axis={self.axis}, keepdims=True)"

    def _print_Sigmoid(self, expr):
        return f"_sigmoid({self._print(expr.args[0])})"

    def _print_Tanh(self, expr):
        return f"numpy.tanh({self._print(expr.args[0])})"

    def _print_TanhPrime(self, expr):
        return f"(1 - numpy.tanh({self._print(expr.args[0])})**2)"


def numpy_code(expr, **settings) -> str:
    return DeriveNumPyPrinter(settings).doprint(expr)
