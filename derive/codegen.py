"""NumPy code generation: each :class:`~derive.model.CodeFunction` body is a list of SymPy expressions;
common subexpressions are pulled out with ``cse`` (our own symbol generator, canonical order), printed
by :class:`~derive.printing.DeriveNumPyPrinter`, and placed in a module template that also defines the
numerically stable helpers the printer refers to."""
from __future__ import annotations

import re
import textwrap

import sympy as sp

from .model import CodeFunction, CodeModule
from .printing import numpy_code, tex
from .rendering import TemplateError, render, source_line, traced_render

HELPERS = ("_as_float", "_positive_temperature", "_lse", "_softmax", "_sigmoid", "_max_subgradient")


def _cse_symbols():
    for i in range(10**6):
        yield sp.Symbol(f"_c{i}", real=True)


def function_lines(fn: CodeFunction, axis: str = "axis") -> list[str]:
    targets = [t for t, _ in fn.body]
    exprs = [sp.sympify(e) for _, e in fn.body]
    replacements, reduced = sp.cse(exprs, symbols=_cse_symbols(), order="canonical")
    lines = [f"{s} = {numpy_code(e, axis=axis)}" for s, e in replacements]
    lines += [f"{t} = {numpy_code(e, axis=axis)}" for t, e in zip(targets, reduced)]
    return lines


def module_source(module: CodeModule, derivation) -> str:
    functions = []
    for fn in module.functions:
        lines = function_lines(fn)
        functions.append({
            "name": fn.name,
            "signature": fn.signature,
            "doc": textwrap.fill(fn.doc, 100, subsequent_indent="    "),
            "formula": tex(fn.formula),
            "prologue": list(fn.prologue),
            "lines": lines,
            "returns": fn.returns or fn.body[-1][0],
        })
    used_text = "\n".join(line for f in functions for line in f["lines"] + f["prologue"])
    used = [h for h in HELPERS if re.search(rf"\b{h}\(", used_text)]
    context = dict(module=module, derivation=derivation, functions=functions, helpers=used, **dict(module.context))
    source = render(module.template, **context)
    check_compiles(source, module.template, context, f"derive/generated/{module.name}.py")
    return source


def check_compiles(source: str, template: str, context: dict, target: str) -> None:
    """A broken code template fails here, not when the generated module is imported: the error names the
    template file and line that wrote the offending line, the generated file and line, and the cause."""
    try:
        compile(source, target, "exec")
    except SyntaxError as exc:
        line = exc.lineno or 0
        try:
            where = source_line(traced_render(template, **context), line)
        except Exception:  # explaining the failure must not hide it
            where = f"templates/{template}"  # no line known
        text = (exc.text or "").strip()
        raise TemplateError(f"broken template {where}: it generates invalid Python at {target}:{line}: "
                            f"{exc.msg}" + (f": {text}" if text else "")) from None
