"""`derive new` and the registry's errors, as a contributor meets them, in a copy of the repository."""
import os
import shutil

import pytest

from conftest import run_derive


@pytest.fixture
def repo(repo_copy, tmp_path):
    # the copy builds from scratch; keep its cache inside the copy
    return repo_copy


def test_new_derivation_builds_checks_appears_and_leaves_no_trace(repo):
    out = run_derive("new", "demo", cwd=repo)
    assert out.returncode == 0, out.stderr
    assert (repo / "derive/derivations/demo.py").exists()
    out = run_derive("build", "demo", cwd=repo)
    assert out.returncode == 0, out.stderr
    for rel in ("docs/demo.md", "derive/generated/demo.py", "docs/assets/plots/demo-softplus.svg"):
        assert (repo / rel).exists(), rel
    assert "demo.md" in (repo / "mkdocs.yml").read_text()
    assert "demo.md" in (repo / "docs/index.md").read_text()
    out = run_derive("check", cwd=repo)
    assert out.returncode == 0, out.stdout + out.stderr
    out = run_derive("verify", "demo", cwd=repo)
    assert out.returncode == 0 and "1 passed, 0 failed" in out.stdout, out.stdout

    (repo / "derive/derivations/demo.py").unlink()
    out = run_derive("build", cwd=repo)
    assert out.returncode == 0, out.stderr
    leftovers = [p for p in repo.rglob("*demo*") if ".derive-cache" not in p.parts and "__pycache__" not in p.parts]
    assert not leftovers, leftovers
    assert "demo" not in (repo / "mkdocs.yml").read_text()


def test_new_refuses_bad_or_taken_names(repo):
    for bad in ("Demo", "demo_x", "-x", "max-logsumexp"):
        out = run_derive("new", bad, cwd=repo)
        assert out.returncode == 2 and len(out.stderr.strip().splitlines()) == 1, (bad, out.stderr)
    assert "Traceback" not in out.stderr


def test_new_help_explains_the_skeleton(repo):
    out = run_derive("new", "--help", cwd=repo)
    assert out.returncode == 0 and "skeleton" in out.stdout and "derive build" in out.stdout


@pytest.mark.parametrize("source, where", [
    ("import sympy\nx = (\n", "broken.py:2"),
    ("import sympy\n\nraise RuntimeError('boom at import')\n", "broken.py:3"),
])
def test_a_module_that_does_not_import_is_named_with_file_and_line(repo, source, where):
    (repo / "derive/derivations/broken.py").write_text(source)
    for args in (("list",), ("build",), ("check",)):
        out = run_derive(*args, cwd=repo)
        assert out.returncode != 0, args
        assert where in out.stderr and "Traceback" not in out.stderr, (args, out.stderr)


def test_a_wrong_model_argument_names_class_argument_derivation_and_line(repo):
    (repo / "derive/derivations/wrong.py").write_text(
        "import sympy as sp\nfrom ..model import Domain, Relation, Step\nfrom ..registry import register\n\n"
        "@register('wrong')\ndef derivation():\n    x = sp.Symbol('x')\n"
        "    return Relation(x, x, Domain())\n")
    out = run_derive("build", "wrong", cwd=repo)
    assert out.returncode == 2, out.stderr
    line = out.stderr.strip().splitlines()[-1]
    for fragment in ("'wrong'", "wrong.py:8", "Relation", "'op'"):
        assert fragment in line, line
