"""Scripts in plain prose: the TeX-like ``h_{t−1}``, ``C_in``, ``e^{−tδ}`` that derivation texts use outside
formulas, set as a reader expects them instead of as braces and underscores.

Two targets: HTML (``h<sub>t−1</sub>``) for running text, table cells, headings and admonition titles, and
Unicode (``hₜ₋₁``) for the places where Markdown keeps text only (the table of contents, which strips tags).
Math (``$…$``) and code (`` `…` ``) are never touched. A subscript without braces is taken only after a
standalone one-symbol base (``h_t``, ``W_ih``, ``σ_max``, ``(t𝐱)_j``) and only up to three letters or digits,
so that identifiers such as ``rnn_forward`` or ``x_ones`` stay what they are.
"""
from __future__ import annotations

import re

# a braced script, innermost first (its content has no braces left)
_BRACED = re.compile(r"([_^])\{([^{}]*)\}")
# an unbraced subscript: a one-symbol base that does not continue a word, then 1-3 letters or digits that
# end there (no further letter, digit or underscore)
# (ASCII word characters only: δa_t and 令h_t have a one-symbol base too; W_hhᵀ ends its subscript at ᵀ)
_BASE = r"(?<![A-Za-z0-9_\\])[A-Za-zα-ωΑ-Ω∂Σ\U0001D400-\U0001D7FF𝟙][\u0300-\u036f]?[′ᵀ]?|[)\]‖]"
_UNBRACED = re.compile(rf"({_BASE})_([A-Za-z0-9]{{1,3}}|[α-ω∞])(?![A-Za-z0-9_])")
_TAGGED = re.compile(r"<(sub|sup)>([^<>]*)</\1>")
# what is left alone: inline code, display and inline math, HTML tags, and an escaped character
# (a tag starts with a letter or /: "ρ < 1 … > 1" in prose is no tag)
_PROTECTED = re.compile(r"`[^`]*`|\$\$.*?\$\$|\$[^$\n]+\$|</?[A-Za-z][^<>\n]*>|&#?\w+;", re.S)

_SUB = dict(zip("0123456789+−-=()aehijklmnoprstuvxβγρφχ",
                "₀₁₂₃₄₅₆₇₈₉₊₋₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓᵦᵧᵨᵩᵪ"))
_SUP = dict(zip("0123456789+−-=()abcdefghijklmnoprstuvwxyzABDEGHIJKLMNOPRTUVW",
                "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁼⁽⁾ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻᴬᴮᴰᴱᴳᴴᴵᴶᴷᴸᴹᴺᴼᴾᴿᵀᵁⱽᵂ"))


def _innermost_first(pattern, replace, text: str) -> str:
    """``pattern.sub`` until nothing changes: nested scripts are rewritten from the inside out."""
    while True:
        new = pattern.sub(replace, text)
        if new == text:
            return new
        text = new


def _convert(text: str, script) -> str:
    out = _UNBRACED.sub(lambda m: m.group(1) + script("_", m.group(2), braced=False), text)
    return _innermost_first(_BRACED, lambda m: script(m.group(1), m.group(2), braced=True), out)


def _html(kind, content, braced):
    tag = "sub" if kind == "_" else "sup"
    return f"<{tag}>{content}</{tag}>"


def _unicode(kind, content, braced):
    table = _SUB if kind == "_" else _SUP
    plain = content.replace(" ", "")
    if all(ch in table for ch in plain):
        return "".join(table[ch] for ch in plain)
    if not braced or re.fullmatch(r"[A-Za-z0-9]{1,3}", content):
        return kind + content  # W_hg, as an unbraced script reads unambiguously
    return f"{kind}({content})"


def _outside_protected(text: str, convert) -> str:
    out, last = [], 0
    for m in _PROTECTED.finditer(text):
        out.append(convert(text[last:m.start()]))
        out.append(m.group(0))
        last = m.end()
    out.append(convert(text[last:]))
    return "".join(out)


# private-use stand-ins for the tags, so that plain text can be escaped for Markdown after its scripts
# were found (the escaping must not touch the tags, and must still escape what stands inside them)
_MARKS = {"<sub>": "\ue000", "</sub>": "\ue001", "<sup>": "\ue002", "</sup>": "\ue003"}


def _marked(kind, content, braced):
    return (_MARKS["<sub>"] + content + _MARKS["</sub>"] if kind == "_"
            else _MARKS["<sup>"] + content + _MARKS["</sup>"])


def scripts_html(text) -> str:
    """Markdown prose with its plain-text scripts as <sub>/<sup>; math, code and HTML untouched."""
    return _outside_protected(str(text), lambda s: _convert(s, _html))


def plain_to_markdown(text, escape) -> str:
    """Plain text (no math, no code) into Markdown: scripts as <sub>/<sup> (those tags it already has are
    kept), everything else through ``escape`` (which makes Markdown show it literally)."""
    out = str(text)
    for tag, mark in _MARKS.items():
        out = out.replace(tag, mark)
    out = escape(_convert(out, _marked))
    for tag, mark in _MARKS.items():
        out = out.replace(mark, tag)
    return out


def scripts_unicode(text) -> str:
    """Plain text with its scripts as Unicode sub- and superscripts where every character has one, else
    written h_(T−k): for the table of contents, which keeps no markup. <sub>/<sup> tags count as scripts."""
    out = _innermost_first(_TAGGED, lambda m: ("_{" if m.group(1) == "sub" else "^{") + m.group(2) + "}", str(text))
    return _outside_protected(out, lambda s: _convert(s, _unicode))
