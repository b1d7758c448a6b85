"""Copy the MathJax 4 files the site needs from node_modules (installed by ``npm ci`` from the committed
lock file) into docs/assets/mathjax/, which git ignores: no third-party JavaScript is committed and
nothing is fetched when a page is read."""
from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

from .rendering import ROOT

MATHJAX_FILES = ("tex-chtml-nofont.js", "input", "output", "a11y", "ui", "sre", "LICENSE")
FONT_FILES = ("chtml.js", "chtml", "LICENSE")


def _sources(src: Path, font: Path) -> list[tuple[Path, str]]:
    """(source, destination relative to docs/assets/mathjax) for every file that is copied."""
    pairs = []
    for base, names, prefix in ((src, MATHJAX_FILES, ""), (font, FONT_FILES, "fonts/mathjax-newcm/")):
        for name in names:
            path = base / name
            if path.is_dir():
                pairs += [(f, prefix + f.relative_to(base).as_posix()) for f in sorted(path.rglob("*")) if f.is_file()]
            elif path.exists():
                pairs.append((path, prefix + name))
    return pairs


def _manifest(pairs) -> str:
    h = hashlib.sha256()
    for path, target in pairs:
        st = path.stat()
        h.update(f"{target}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


MANIFEST = ".derive-manifest"


def install_mathjax(root: Path = ROOT) -> str:
    src = root / "node_modules" / "mathjax"
    font = root / "node_modules" / "@mathjax" / "mathjax-newcm-font"
    dest = root / "docs" / "assets" / "mathjax"
    if not src.is_dir() or not font.is_dir():
        return "MathJax not installed (run 'npm ci'); pages will show raw LaTeX"
    pairs = _sources(src, font)
    manifest = _manifest(pairs)
    try:
        if (dest / MANIFEST).read_text() == manifest and all((dest / t).is_file() for _, t in pairs):
            return f"MathJax up to date in {dest.relative_to(root)}"
    except OSError:
        pass
    # copy beside, then swap: a kill leaves the old copy, the new one, or (between the two renames) none,
    # which `derive check` reports and the next build restores
    tmp = dest.with_name(".mathjax.tmp")
    old = dest.with_name(".mathjax.old")
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.rmtree(old, ignore_errors=True)
    for path, target in pairs:
        (tmp / target).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, tmp / target)
    (tmp / MANIFEST).write_text(manifest)
    if dest.exists():
        os.replace(dest, old)
    os.replace(tmp, dest)
    shutil.rmtree(old, ignore_errors=True)
    return f"MathJax copied to {dest.relative_to(root)}"
