import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run_derive(*args, cwd=ROOT, env=None, timeout=600):
    """Run the CLI in a subprocess, as a user would."""
    full_env = dict(os.environ)
    full_env.pop("DERIVE_DEBUG", None)
    full_env["PYTHONPATH"] = str(cwd)
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "derive", *args], cwd=cwd, env=full_env,
                          capture_output=True, text=True, timeout=timeout)


def relations(check):
    """The Relations inside a check (nested tuples of checks walked in order)."""
    from derive.model import Relation

    if isinstance(check, (list, tuple)):
        for c in check:
            yield from relations(c)
    elif isinstance(check, Relation):
        yield check


@pytest.fixture
def repo_copy(tmp_path):
    """A copy of the sources and committed outputs, so a test may break things without touching main."""
    dest = tmp_path / "repo"
    ignore = shutil.ignore_patterns("__pycache__", "mathjax", "node_modules", "site", ".git", "*.egg-info")
    for name in ("derive", "templates", "docs"):
        shutil.copytree(ROOT / name, dest / name, ignore=ignore, symlinks=True)
    for name in ("pyproject.toml", "mkdocs.yml", "mkdocs.zh.yml"):
        shutil.copy2(ROOT / name, dest / name)
    # this checkout's build cache: keyed by file names and contents, so the copy hits it wherever it lies
    # (the byte-identity test in test_cli builds its own clones cold)
    if (ROOT / ".derive-cache").is_dir():
        shutil.copytree(ROOT / ".derive-cache", dest / ".derive-cache", ignore=shutil.ignore_patterns("*.tmp"))
    # the MathJax copy (git-ignored, ~10 MB) is a site source `derive check` looks for: share this checkout's
    mathjax = ROOT / "docs" / "assets" / "mathjax"
    if mathjax.is_dir():
        (dest / "docs" / "assets" / "mathjax").symlink_to(mathjax)
    return dest
