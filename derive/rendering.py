"""Jinja2 rendering (StrictUndefined: a missing value is an error, never an empty string) and atomic
file writes (temp file in the same folder, then ``os.replace``), so an interrupted build never leaves a
half-written docs/ tree."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import jinja2

from .printing import numpy_code, tex

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"


class TemplateError(Exception):
    """A template is missing or broken; the message names the template and the problem."""


def md_escape(text) -> str:
    """Plain text (evidence, titles) into Markdown without it turning into emphasis, HTML or math."""
    out = str(text)
    for ch in ("\\", "`", "*", "_", "[", "]"):
        out = out.replace(ch, "\\" + ch)
    return out.replace("<", "&lt;").replace("$", "&#36;").replace("\n", " ")


def table_cell(text) -> str:
    return str(text).replace("|", "\\|")


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )
    env.filters["tex"] = tex
    env.filters["numpy"] = numpy_code
    env.filters["md"] = md_escape
    env.filters["cell"] = table_cell
    return env


_ENV: jinja2.Environment | None = None


def render(template: str, **context) -> str:
    global _ENV
    if _ENV is None:
        _ENV = environment()
    try:
        return _ENV.get_template(template).render(**context)
    except jinja2.TemplateNotFound as exc:
        raise TemplateError(f"template not found: {exc.name} (looked in {TEMPLATES})") from None
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(f"broken template {exc.filename or template}:{exc.lineno}: {exc.message}") from None
    except jinja2.UndefinedError as exc:
        raise TemplateError(f"template {template}: {exc.message}") from None


def write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=str(path.parent))
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
