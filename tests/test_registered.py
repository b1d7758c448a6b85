"""Every registered derivation, whatever it is: built, every step holds, every claim has a verdict, its
generated code verifies (the code just generated, not the committed file), its page is in the site
navigation, and its module keeps the shape of a derivation. A new derivation needs no test file of its own
to be covered here (its own tests may add more)."""
import ast
import inspect

import pytest
import sympy as sp
import yaml

from derive import pipeline, registry
from derive.checking import VERDICTS

NAMES = registry.names()


@pytest.fixture(scope="module")
def built():
    return pipeline.build_outputs()


@pytest.mark.parametrize("name", NAMES)
def test_every_step_holds(built, name):
    checked = built.checked[name]
    assert checked.steps, f"{name} has no steps"
    failed = [(r.step.title, r.outcome.detail) for r in checked.failed_steps]
    assert not failed, failed


@pytest.mark.parametrize("name", NAMES)
def test_every_claim_has_a_computed_verdict_with_evidence(built, name):
    for r in built.checked[name].claims:
        assert r.verdict in VERDICTS
        assert str(r.evidence).strip(), r.claim.where
        if r.verdict == "unverified":
            assert str(r.claim.note).strip(), f"unverified claim {r.claim.where!r} must say why in its note"


@pytest.mark.parametrize("name", NAMES)
def test_generated_code_verifies_from_the_fresh_source(built, name):
    d = registry.load(name)
    with pipeline.built_modules(built):
        rows = [row for module in d.code if module.verify for row in module.verify()]
    if d.code:
        assert rows, f"{name} generates code but verifies none of it"
    bad = [(r.target, r.oracle, r.error, r.tolerance) for r in rows if not r.ok]
    assert not bad, bad


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("config, docs", [("mkdocs.yml", "docs"), ("mkdocs.zh.yml", "docs/zh")])
def test_page_is_in_the_site_navigation(built, name, config, docs):
    """In both languages: the nav lists the page and the build wrote it (same name in docs/ and docs/zh/)."""
    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("", lambda loader, suffix, node: None)  # !ENV, !!python/name
    nav = yaml.load(built.files[config], Loader=Loader)["nav"]
    pages = [path for entry in nav for path in entry.values()]
    page = registry.load(name).page
    assert page in pages
    assert f"{docs}/{page}" in built.files


def _module(name):
    return inspect.getmodule(registry._REGISTRY[name])


@pytest.mark.parametrize("name", NAMES)
def test_module_reads_like_its_page(name):
    """No SymPy class, no function over 100 lines, at most 500 lines, no `assert` used as a check."""
    module = _module(name)
    source = inspect.getsource(module)
    assert len(source.splitlines()) <= 500, f"{module.__file__}: {len(source.splitlines())} lines"
    classes = [n for n, v in vars(module).items()
               if inspect.isclass(v) and v.__module__ == module.__name__ and issubclass(v, sp.Basic)]
    assert not classes, f"SymPy classes belong in derive/functions.py or derive/printing.py: {classes}"
    tree = ast.parse(source)
    long = [(f.name, f.end_lineno - f.lineno + 1) for f in ast.walk(tree)
            if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef)) and f.end_lineno - f.lineno + 1 > 100]
    assert not long, long
    asserts = [n.lineno for n in ast.walk(tree) if isinstance(n, ast.Assert)]
    assert not asserts, f"assert is skipped under python -O; use a check (lines {asserts})"
