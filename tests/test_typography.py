"""Scripts in plain prose (derive.typography): what a reader sees instead of h_{t−1} and C_in."""
import re

import pytest

from conftest import ROOT
from derive.rendering import md_escape, toc_label
from derive.typography import scripts_html, scripts_unicode


@pytest.mark.parametrize("text, html", [
    ("∂C_t/∂C_{t−1}", "∂C<sub>t</sub>/∂C<sub>t−1</sub>"),
    ("e^{t x_j} / Σ_i e^{t x_i}", "e<sup>t x<sub>j</sub></sup> / Σ<sub>i</sub> e<sup>t x<sub>i</sub></sup>"),
    ("σ_max(W_R) and (t𝐱)_j", "σ<sub>max</sub>(W<sub>R</sub>) and (t𝐱)<sub>j</sub>"),
    ("Σ_{i=1}^{t} E_t", "Σ<sub>i=1</sub><sup>t</sup> E<sub>t</sub>"),
    ("C̃_t, δa_t, W_hhᵀ, 令h_t", "C̃<sub>t</sub>, δa<sub>t</sub>, W<sub>hh</sub>ᵀ, 令h<sub>t</sub>"),
    # identifiers are not scripts: a multi-letter base, or more than three letters after the underscore
    ("rnn_forward(x_ones)", "rnn_forward(x_ones)"),
    ("softmax_i", "softmax_i"),
    # math and code are left to MathJax and to the code span
    ("$h_{t}$ and `a_{b}` but h_{t}", "$h_{t}$ and `a_{b}` but h<sub>t</sub>"),
    # a comparison is no HTML tag: both W_R are scripts
    ("ρ(W_R) < 1 but W_R > 1", "ρ(W<sub>R</sub>) < 1 but W<sub>R</sub> > 1"),
])
def test_scripts_become_sub_and_sup(text, html):
    assert scripts_html(text) == html


@pytest.mark.parametrize("text, label", [
    ("∂C_t/∂C_{t−1}", "∂Cₜ/∂Cₜ₋₁"),
    ("F_{i+2} F_{i+1}", "Fᵢ₊₂ Fᵢ₊₁"),
    ("(γ σ_max(W_R))^{t−l}", "(γ σₘₐₓ(W_R))ᵗ⁻ˡ"),  # no subscript R in Unicode: left as written
    ("a_{g,t} and h_{T−k}", "a_(g,t) and h_(T−k)"),  # no subscript comma, no subscript T
    ("∂C<sub>t</sub>/∂C<sub>t−1</sub>", "∂Cₜ/∂Cₜ₋₁"),  # what t() already turned into tags
    ("W<sub>hg</sub> = 0", "W_hg = 0"),  # no subscript g: a short script reads as written, without parentheses
])
def test_table_of_contents_gets_unicode(text, label):
    assert scripts_unicode(text) == label


def test_markdown_escaping_keeps_the_tags_and_escapes_the_rest():
    assert md_escape("x_{*} = h_{t−1} [a]") == "x<sub>\\*</sub> = h<sub>t−1</sub> \\[a\\]"
    assert md_escape("<b>h_t") == "&lt;b>h<sub>t</sub>"
    assert toc_label('the "state" C_{t−1}') == "the 'state' Cₜ₋₁"


PROTECTED = re.compile(r"```.*?```|`[^`]*`|\$\$.*?\$\$|\$[^$]+\$|<[^<>\n]*>|\{ #[^}]*\}", re.S)


@pytest.mark.parametrize("page", sorted(p.relative_to(ROOT / "docs").as_posix()
                                        for p in (ROOT / "docs").rglob("*.md")))
def test_generated_prose_has_no_script_braces(page):
    """The committed pages, outside math, code and tags: no h_{t−1} left for a reader to decode (the browser
    suite checks the rendered page as well)."""
    text = PROTECTED.sub("", (ROOT / "docs" / page).read_text(encoding="utf-8"))
    left = [m.group(0) for m in re.finditer(r".{0,20}[_^]\\?\{.{0,20}", text)]
    assert not left, left[:5]
