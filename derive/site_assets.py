"""Copy the MathJax 4 files the site needs from node_modules (installed by ``npm ci`` from the committed
lock file) into docs/assets/mathjax/, which git ignores: no third-party JavaScript is committed and
nothing is fetched when a page is read."""
from __future__ import annotations

import shutil
from pathlib import Path

from .rendering import ROOT

MATHJAX_FILES = ("tex-chtml-nofont.js", "input", "output", "a11y", "ui", "sre", "LICENSE")
FONT_FILES = ("chtml.js", "chtml", "LICENSE")


def install_mathjax(root: Path = ROOT) -> str:
    src = root / "node_modules" / "mathjax"
    font = root / "node_modules" / "@mathjax" / "mathjax-newcm-font"
    dest = root / "docs" / "assets" / "mathjax"
    if not src.is_dir() or not font.is_dir():
        return "MathJax not installed (run 'npm ci'); pages will show raw LaTeX"
    tmp = dest.with_name(".mathjax.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    for name in MATHJAX_FILES:
        path = src / name
        if path.is_dir():
            shutil.copytree(path, tmp / name)
        elif path.exists():
            shutil.copy2(path, tmp / name)
    (tmp / "fonts" / "mathjax-newcm").mkdir(parents=True)
    for name in FONT_FILES:
        path = font / name
        target = tmp / "fonts" / "mathjax-newcm" / name
        if path.is_dir():
            shutil.copytree(path, target)
        elif path.exists():
            shutil.copy2(path, target)
    shutil.rmtree(dest, ignore_errors=True)
    tmp.rename(dest)
    return f"MathJax copied to {dest.relative_to(root)}"
