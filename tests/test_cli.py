"""The CLI as a user meets it: one-line errors with exit 2, determinism across hash seeds, drift
detection, and no half-written output when a template is broken."""
import hashlib
import json
import os
import shutil
import subprocess
import sys


from conftest import ROOT, run_derive


def assert_one_line_error(result, *fragments):
    assert result.returncode == 2, result
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    for f in fragments:
        assert f in lines[0], lines[0]


def test_unknown_derivation_names_the_closest():
    assert_one_line_error(run_derive("build", "max-logsumxp"), "unknown derivation 'max-logsumxp'", "max-logsumexp")
    assert_one_line_error(run_derive("show", "max_logsumexp"), "did you mean 'max-logsumexp'")
    assert_one_line_error(run_derive("verify", "nope"), "unknown derivation")


def test_unknown_command_and_bad_option():
    assert_one_line_error(run_derive("buidl"), "unknown command 'buidl'", "did you mean 'build'")
    assert_one_line_error(run_derive("claims", "--jsn"), "--jsn")
    assert_one_line_error(run_derive("show"), "NAME")


def test_list_show_and_claims():
    out = run_derive("list")
    assert out.returncode == 0 and "max-logsumexp" in out.stdout
    out = run_derive("show", "max-logsumexp", "--latex")
    assert out.returncode == 0 and r"\operatorname{softmax}" in out.stdout
    out = run_derive("show", "max-logsumexp", "--code")
    assert out.returncode == 0 and "def softmax(x, axis=-1, *, t=1.0):" in out.stdout
    out = run_derive("claims", "--json")
    assert out.returncode == 0
    claims = json.loads(out.stdout)
    assert claims and all({"section", "claim", "verdict", "evidence"} <= set(c) for c in claims)
    assert {c["verdict"] for c in claims} <= {"correct", "imprecise", "wrong", "unverified"}
    sections = {c["section"] for c in claims}
    assert "A6.2 ①" in sections
    # every non-correct verdict carries evidence: a concrete point, or the shapes that cannot agree
    for c in claims:
        if c["verdict"] in ("wrong", "imprecise"):
            assert " = " in c["evidence"] or "shapes differ" in c["evidence"], c


def test_verify_prints_a_passing_table():
    out = run_derive("verify", "max-logsumexp")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "0 failed" in out.stdout and "softmax.softmax" in out.stdout


GENERATED = ("docs/*.md", "docs/zh/*.md", "docs/claims.json", "docs/assets/plots/*.svg", "derive/generated/*.py",
             "mkdocs.yml", "mkdocs.zh.yml")


def _clone(dest):
    """A checkout elsewhere, with every generated file deleted, so a build writes them all afresh."""
    ignore = shutil.ignore_patterns("__pycache__", "mathjax", "node_modules", "site", ".git", "*.egg-info",
                                    ".derive-cache", "*.tmp")
    for name in ("derive", "templates", "docs"):
        shutil.copytree(ROOT / name, dest / name, ignore=ignore, symlinks=True)
    for name in ("pyproject.toml", "mkdocs.yml", "mkdocs.zh.yml"):
        shutil.copy2(ROOT / name, dest / name)
    for pattern in GENERATED:
        for path in dest.glob(pattern):
            if path.name != "__init__.py":
                path.unlink()
    return dest


def _digest(root):
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for pattern in GENERATED for p in sorted(root.glob(pattern))}


def _derive(root, *args, seed, jobs="2"):
    env = dict(os.environ, PYTHONPATH=str(root), PYTHONHASHSEED=seed, DERIVE_JOBS=jobs)
    env.pop("DERIVE_CACHE", None)
    return subprocess.Popen([sys.executable, "-m", "derive", *args], cwd=root, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _finish(proc):
    out, err = proc.communicate(timeout=900)
    assert proc.returncode == 0, err
    return out


def test_outputs_are_byte_identical_across_hash_seeds_clones_workers_and_the_cache(tmp_path):
    """Two clones at different paths, built cold with different hash seeds and worker counts; then one
    of them again with one derivation afresh and the rest (and the site pages re-rendered) from the cache,
    and once more entirely from the cache: every output byte-identical, and identical to what is committed."""
    a = _clone(tmp_path / "a" / "repo")
    b = _clone(tmp_path / "b" / "deeper" / "clone")
    cold_a = _derive(a, "build", "-q", seed="0", jobs="2")
    cold_b = _derive(b, "build", "-q", seed="1", jobs="1")
    _finish(cold_a)
    _finish(cold_b)
    first = _digest(a)
    assert first == _digest(b)
    assert "docs/index.md" in first and "mkdocs.yml" in first
    committed = _digest(ROOT)
    stale = sorted(rel for rel in set(first) | set(committed) if committed.get(rel) != first.get(rel))
    assert not stale, f"committed outputs are stale (run 'derive build'): {stale}"
    for pattern in GENERATED:
        for path in a.glob(pattern):
            if path.name != "__init__.py":
                path.unlink()
    _finish(_derive(a, "build", "-q", "max-logsumexp", seed="2"))
    assert _digest(a) == first
    for path in a.glob("docs/*.md"):
        path.unlink()
    out = _finish(_derive(a, "build", "-q", seed="3"))
    assert _digest(a) == first
    assert sorted(out.split()) == sorted(rel for rel in first if rel.startswith("docs/") and rel.endswith(".md"))


def test_check_fails_on_a_planted_stale_page_missing_code_and_an_orphan(repo_copy):
    page = repo_copy / "docs" / "a6-2-max.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nhand edit\n", encoding="utf-8")
    (repo_copy / "derive" / "generated" / "softmax.py").unlink()
    (repo_copy / "docs" / "a6-9-renamed.md").write_text("a page no derivation makes any more\n", encoding="utf-8")
    out = run_derive("check", "-q", cwd=repo_copy)
    assert out.returncode == 1
    assert "docs/a6-9-renamed.md (orphan: no derivation produces it)" in out.stdout
    assert "docs/a6-2-max.md (stale)" in out.stdout
    assert "derive/generated/softmax.py (missing)" in out.stdout
    assert "Traceback" not in out.stderr


def test_broken_template_is_one_line_and_writes_nothing(repo_copy):
    before = {p: p.read_bytes() for p in (repo_copy / "docs").rglob("*") if p.is_file()}
    generated = (repo_copy / "derive" / "generated" / "softmax.py").read_bytes()
    (repo_copy / "templates" / "page.md.j2").write_text("{% for x in %}broken\n", encoding="utf-8")
    page = repo_copy / "docs" / "a6-2-max.md"
    page.write_text("stale on purpose\n", encoding="utf-8")
    before[page] = page.read_bytes()
    out = run_derive("build", "-q", "max-logsumexp", cwd=repo_copy)
    assert_one_line_error(out, "broken template", "page.md.j2")
    after = {p: p.read_bytes() for p in (repo_copy / "docs").rglob("*") if p.is_file()}
    assert after == before
    assert (repo_copy / "derive" / "generated" / "softmax.py").read_bytes() == generated


def test_atomic_write_leaves_no_temporary_files(tmp_path):
    from derive.rendering import write_atomic

    target = tmp_path / "sub" / "page.md"
    write_atomic(target, b"one")
    write_atomic(target, b"two")
    assert target.read_bytes() == b"two"
    assert [p.name for p in target.parent.iterdir()] == ["page.md"]
