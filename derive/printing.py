"""Printers: SymPy expressions → LaTeX in the seed's notation, and → NumPy source for generated code.

One ``_print_<Node>`` method per node, as SymPy's own printers do. Raw ``sympy.latex`` would print
``\\log(e^{x_1} + …)`` or lose softmax entirely; here softmax, σ, tanh′, LSE, max, diag and ⊙ keep the
names the seed uses. Classes defined elsewhere may also carry a ``_latex(self, printer)`` method, which
SymPy's printer dispatch honours.
"""
from __future__ import annotations

import re

import sympy as sp
from sympy.printing.latex import LatexPrinter, greek_letters_set
from sympy.printing.numpy import NumPyPrinter

from .functions import Argmax, VectorSymbol


_INDEXED = re.compile(r"^([A-Za-z]+)_?(\d+)$")
# a symbol named in raw TeX with two subscripts, e.g. "W_{fh}_{11}" or "b_{f}_1"
_DOUBLE_SUBSCRIPT = re.compile(r"^(.+_(?:\{[^{}]*\}|[A-Za-z0-9]+))_(\{[^{}]*\}|[A-Za-z0-9]+)$")
# functions written by name when applied entrywise to a matrix, as the seed writes tanh(W x + b)
_ENTRYWISE_NAMES = {"Sigmoid": r"\sigma", "Tanh": r"\tanh", "TanhPrime": r"\tanh'"}


_WORD = re.compile(r"[A-Za-z]{3,}")
_DESCRIPTIVE = re.compile(r"_\{(in|out|prev|next|max|min)\}")
_GREEK = frozenset(greek_letters_set) | {"lamda"}  # SymPy spells the λ symbol lamda


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
        # a word (``start``) is one name, not a product of italic letters s·t·a·r·t
        if _WORD.fullmatch(expr.name) and expr.name.lower() not in _GREEK:
            return r"\mathrm{%s}" % expr.name
        # a descriptive subscript (C_in, c_prev) is a word, set upright; an index (W_ih, x_ij) stays italic
        return _DESCRIPTIVE.sub(r"_{\\mathrm{\1}}", super()._print_Symbol(expr, style))

    # --- vectors -------------------------------------------------------------------------------------
    def _print_VectorSymbol(self, expr):
        return r"\mathbf{%s}" % self._print(sp.Symbol(expr.name))

    def _print_Derivative(self, expr):
        # a named quantity (S_t, E) depends on more than the variable shown: ∂S_t/∂x_j, as a textbook writes;
        # ∂C_t/∂C_i (a Jacobian) or ∂E/∂W (a gradient) for a matrix symbol, not SymPy's d/dC_i applied to C_t
        if isinstance(expr.expr, (sp.Symbol, sp.MatrixSymbol)) and len(expr.variables) == 1 \
                and expr.expr != expr.variables[0]:
            return r"\frac{\partial %s}{\partial %s}" % (self._print(expr.expr), self._print(expr.variables[0]))
        # ∂/∂𝐱 is a gradient even when the expression has one free symbol (SymPy would print d/d𝐱 there)
        if not any(isinstance(v, VectorSymbol) for v in expr.variables):
            return super()._print_Derivative(expr)
        saved = self._settings["diff_operator_latex"]
        self._settings["diff_operator_latex"] = r"\partial"
        try:
            return super()._print_Derivative(expr)
        finally:
            self._settings["diff_operator_latex"] = saved

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

    def _entries_of(self, args) -> str:
        """``\\mathbf{x}`` when the arguments are one vector's components, else ``(a, b, c)`` in brackets, so
        that ``\\max`` and ``\\operatorname{argmax}`` never run into a bare comma-separated list."""
        vec = self._print(args[0]) if len(args) == 1 else self._vector_of(args)
        return vec if vec is not None else r"\left(%s\right)" % self._arglist(args)

    def _print_MaxSubgradient(self, expr):
        v = self._entries_of(expr.args)
        return (r"\frac{\mathbb{1}\left[%s = \max %s\right]}{\left|\operatorname{argmax} %s\right|}"
                % (v, v, v))

    def _print_MaxSubgradientEntry(self, expr, exp=None):
        k, xs = expr.args[0], expr.args[1:]
        v = self._entries_of(xs)
        xk = self._print(xs[int(k) - 1])
        text = (r"\frac{\mathbb{1}\left[%s = \max %s\right]}{\left|\operatorname{argmax} %s\right|}"
                % (xk, v, v))
        return text if exp is None else r"\left(%s\right)^{%s}" % (text, exp)  # a fraction takes a power in brackets

    def _print_Argmax(self, expr, exp=None):
        return self._with_exp(r"\operatorname{argmax}\left(%s\right)" % self._arglist(expr.args), exp)

    def _print_SumOf(self, expr):
        if len(expr.args) == 1:
            return r"\mathbf{1}^{\top} %s" % self._print(expr.args[0])
        return self._print(sp.Add(*expr.args))

    def _print_Dot(self, expr):
        v, w = expr.args
        return r"%s^{\top} %s" % (self._print(w), self._print(v))

    def _print_Indexed(self, expr):
        # softmax(t𝐱)_i, x_i: no braces around a base that cannot take a double subscript
        base = self._print(expr.base)
        if not (re.fullmatch(r"[A-Za-z]+|\\mathbf\{[A-Za-z]+\}", base) or base.endswith(r"\right)")):
            base = "{%s}" % base
        return "%s_{%s}" % (base, ",".join(self._print(i) for i in expr.indices))

    # --- the order a textbook writes ------------------------------------------------------------------
    def _print_Add(self, expr, order=None):
        # a sum does not start with a minus sign when one of its terms is positive: j − S_t, 1 − s_1
        terms = self._as_ordered_terms(expr, order=order)
        first = next((k for k, term in enumerate(terms) if not term.could_extract_minus_sign()), 0)
        if first:
            terms = [terms[first]] + terms[:first] + terms[first + 1:]
            return super()._print_Add(sp.Add(*terms, evaluate=False), order="none")
        return super()._print_Add(expr, order=order)

    def _print_Mul(self, expr):
        """A product built unevaluated in an order other than SymPy's (:func:`derive.kit.symbols.product`)
        prints as written: t s_j (j − S_t), not SymPy's s_j t (j − S_t)."""
        if not _written(expr):
            return super()._print_Mul(expr)
        parts = []
        for i, factor in enumerate(expr.args):
            text = self._print(factor)
            if self._needs_mul_brackets(factor, first=(i == 0), last=(i == len(expr.args) - 1)):
                text = r"\left(%s\right)" % text
            parts.append(text)
        return " ".join(parts)

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
        # SymPy wraps the function as Lambda(d, f(d)) (and its diff builds new ones): unwrap to f
        fn = expr.function
        if isinstance(fn, sp.Lambda) and len(fn.variables) == 1 and fn.expr.args == fn.variables:
            fn = fn.expr.func
        name = _ENTRYWISE_NAMES.get(getattr(fn, "__name__", ""))
        if name is not None:
            return r"%s\left(%s\right)" % (name, self._print(expr.expr))
        # any other function f applied to each entry of a prints as f(a), as the textbook writes σ(a) (SymPy:
        # (d ↦ f(d))∘(a)); a composite body (e^{2d}) keeps SymPy's ∘ form, which cannot be misread as e^{2W}
        fn = expr.function
        if isinstance(fn, sp.Lambda) and len(fn.variables) == 1 and isinstance(fn.expr, sp.Function) \
                and fn.expr.args == fn.variables:
            return self._print(fn.expr.func(expr.expr))
        return super()._print_ElementwiseApplyFunction(expr)

    def _print_OneMatrix(self, expr):
        # a column (or row) of ones, not the bare "1" SymPy prints; the size is written only when it is a
        # symbol (an explicit instance's 2 × 2 is no part of a general formula)
        rows, cols = expr.shape
        if rows.is_number and cols.is_number:
            return r"\mathbf{1}^{\top}" if rows == 1 and cols != 1 else r"\mathbf{1}"
        if cols == 1:
            return r"\mathbf{1}_{%s}" % self._print(rows)
        if rows == 1:
            return r"\mathbf{1}_{%s}^{\top}" % self._print(cols)
        return r"\mathbf{1}_{%s \times %s}" % (self._print(rows), self._print(cols))

    # --- costs ---------------------------------------------------------------------------------------
    def _print_BigO(self, expr):
        return r"\mathcal{O}\left(%s\right)" % self._print(expr.args[0])

    # --- added for A6.1 (conv1x1) ----------------------------------------------------------------------
    def _print_MatAdd(self, expr):
        """A matrix sum built as ``sp.MatAdd(a, b)`` in an order other than SymPy's prints as written, the
        order a textbook uses: W_2 W_1 X + (W_2 b_1 + b_2) 1ᵀ. A sum from arithmetic (``a + b``) has its
        terms sorted by ``default_sort_key`` and is printed in the printer's usual order, as before (so is a
        written sum whose order happens to be that sorted one, as for products, see :func:`_written`)."""
        if list(expr.args) != sorted(expr.args, key=sp.default_sort_key):
            return self._print_Add(expr, order="none")
        return self._print_Add(expr)

    def _print_Identity(self, expr):
        # I_P: the size matters in I_P ⊗ W (P copies of W); SymPy prints a bare blackboard-bold I
        rows = expr.shape[0]
        return r"I" if rows.is_number else r"I_{%s}" % self._print(rows)


def _written(expr) -> bool:
    """An unevaluated commutative product, without a sign or a denominator, whose factors are not in SymPy's
    canonical order: the derivation chose the order."""
    if not isinstance(expr, sp.Mul) or not expr.is_commutative or expr.could_extract_minus_sign():
        return False
    if any(f.is_Pow and f.exp.is_negative for f in expr.args):
        return False
    return expr.args != sp.Mul(*expr.args).args


_OPS = {"=": "=", "<=": r"\le", "<": "<", ">=": r"\ge", ">": ">", "!=": r"\ne"}

# A relation wider than this many printed symbols is set on two lines (the relation starting the second):
# about 44 symbols (~11 px each) is what a phone column (390 px) shows at 1.5× its width (measured in Chromium).
BREAK_AT = 44
_SPACING = re.compile(r"\\(left|right|big|Big|bigg|Bigg|operatorname|mathrm|mathbf|boldsymbol|mathit)\b|[{}]")
_COMMAND = re.compile(r"\\([a-zA-Z]+)")
_SHORT_COMMANDS = {"odot", "cdot", "ne", "le", "ge", "sigma", "tau", "delta", "rho", "gamma", "partial", "top",
                   "otimes", "times", "infty", "to", "prime", "alpha", "beta", "lambda", "mu", "nabla"}


def printed_width(latex: str) -> int:
    """A rough count of the symbols a TeX string prints (sub- and superscripts count in full, a fraction as
    both its lines): enough to decide where a long relation needs a second line."""
    text = _SPACING.sub("", latex)
    text = _COMMAND.sub(lambda m: "x" if m.group(1) in _SHORT_COMMANDS else m.group(1), text)
    return len(re.sub(r"[\s_^&]", "", text))


def _relation(lhs: str, op: str, rhs: str) -> str:
    if printed_width(lhs) + printed_width(rhs) <= BREAK_AT or "\\begin{" in lhs + rhs:
        return f"{lhs} {op} {rhs}"
    return f"\\begin{{aligned}}\n&{lhs} \\\\\n&\\quad {op} {rhs}\n\\end{{aligned}}"


def tex(expr, **settings) -> str:
    """LaTeX for a SymPy expression, a matrix, or a check of :mod:`derive.model` (Relation, Implies,
    OnlyIf, Not).

    A tuple of Relations prints as an ``aligned`` block (one per line, aligned at the relation); any other
    tuple of checks as a ``gathered`` block, where a tuple inside it is one line of checks side by side."""
    from .model import Implies, Not, OnlyIf, Relation, is_check  # local: model imports nothing from here

    if isinstance(expr, (list, tuple)) and expr and all(isinstance(e, Relation) for e in expr):
        # several relations shown as one general form (a step's ``show``): one aligned line each
        printer = DeriveLatexPrinter(settings)
        lines = [f"{printer.doprint(e.lhs)} &{_OPS[e.op]} {printer.doprint(e.rhs)}" for e in expr]
        return "\\begin{aligned}\n" + " \\\\\n".join(lines) + "\n\\end{aligned}"
    if isinstance(expr, (list, tuple)) and is_check(expr):
        lines = (r" \qquad ".join(tex(c, **settings) for c in line) if isinstance(line, (list, tuple))
                 else tex(line, **settings) for line in expr)
        return r"\begin{gathered}" + r" \\ ".join(lines) + r"\end{gathered}"
    printer = DeriveLatexPrinter(settings)
    if isinstance(expr, Relation):
        return _relation(printer.doprint(expr.lhs), _OPS[expr.op], printer.doprint(expr.rhs))
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

    def _print_Argmax(self, expr, offset: int = 1):
        (v,) = expr.args
        call = f"numpy.argmax({self._print(v)}, axis={self.axis}, keepdims=True)"
        return call if offset == 0 else f"({call} {'+' if offset > 0 else '-'} {abs(offset)})"

    def _print_Add(self, expr, order=None):
        # Argmax counts from 1, numpy.argmax from 0: Argmax(v) − 1 is numpy.argmax itself
        const, rest = expr.as_coeff_Add()
        if isinstance(rest, Argmax) and const.is_Integer:
            return self._print_Argmax(rest, int(const) + 1)
        return super()._print_Add(expr, order=order)

    def _print_Indexed(self, expr):
        """v_k: the entry of each row of v at the position k (a column of positions from 0)."""
        (k,) = expr.indices
        return f"numpy.take_along_axis({self._print(expr.base.label)}, {self._print(k)}, axis={self.axis})"

    def _print_SumOf(self, expr):
        (v,) = expr.args
        return f"numpy.sum({self._print(v)}, axis={self.axis}, keepdims=True)"

    def _print_Dot(self, expr):
        v, w = expr.args
        if str(self.axis) == "-1":  # row blocks: one matrix–vector product, kept as a column
            return f"numpy.matmul({self._print(v)}, {self._print(w)})[:, None]"
        moved = f"numpy.moveaxis({self._print(v)}, {self.axis}, -1)"
        return f"numpy.expand_dims(numpy.matmul({moved}, {self._print(w)}), {self.axis})"

    def _print_Sigmoid(self, expr):
        return f"_sigmoid({self._print(expr.args[0])})"

    def _print_Tanh(self, expr):
        return f"numpy.tanh({self._print(expr.args[0])})"

    def _print_TanhPrime(self, expr):
        return f"(1 - numpy.tanh({self._print(expr.args[0])})**2)"

    def _print_MatMul(self, expr):
        # v·1ᵀ (a column times a row of ones) is a broadcast, not an outer product to allocate
        args = expr.args
        if len(args) == 2 and isinstance(args[1], sp.OneMatrix) and args[1].shape[0] == 1:
            rows, cols = expr.shape
            return f"numpy.broadcast_to({self._print(args[0])}, ({self._print(rows)}, {self._print(cols)}))"
        # A·1 (times a column of ones) is the row sums of A, in A's dtype (numpy.ones would be float64)
        if len(args) == 2 and isinstance(args[1], sp.OneMatrix) and args[1].shape[1] == 1:
            return f"numpy.sum({self._print(args[0])}, axis=1, keepdims=True)"
        return super()._print_MatMul(expr)


def numpy_code(expr, **settings) -> str:
    return DeriveNumPyPrinter(settings).doprint(expr)


_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def plain(expr) -> str:
    """One-line plain text for evidence and conditions (no TeX): C_{in} → C_in, k**2 → k², * → ·."""
    text = sp.sstr(expr)
    text = re.sub(r"_\{([^{}]*)\}", r"_\1", text)
    text = re.sub(r"\*\*(\d+)", lambda mt: mt.group(1).translate(_SUPERSCRIPT), text)
    return text.replace("*", "·")
