"""Jinja2 rendering (StrictUndefined: a missing value is an error, never an empty string) and crash-safe
file writes.

Writes are staged: every output is first written to a temp file ``.<name>.<pid>.<random>.tmp`` beside it
and fsynced; only when every output is staged are they renamed into place (``os.replace``, atomic), with
SIGINT/SIGTERM held back until the last rename. A kill at any moment therefore leaves each output old or
new and whole; what it can leave behind is temp files, which the next build removes (``stale_temps``) and
``derive check`` reports. A file that cannot be written stops the build before anything is renamed.

Jinja2, the printer and SymPy are imported on first use: ``derive --help`` and a fully cached build need
none of them.
"""
from __future__ import annotations

import errno
import os
import signal
import tempfile
import threading
import traceback
from dataclasses import dataclass
from pathlib import Path

from .typography import plain_to_markdown, scripts_html, scripts_unicode

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"


class TemplateError(Exception):
    """A template is missing or broken; the message names the template file, the line and the problem."""


class WriteError(Exception):
    """An output cannot be written: ``cannot write docs/x.md: Permission denied``. Nothing was changed."""


def _escape_markdown(text: str) -> str:
    out = text
    for ch in ("\\", "`", "*", "_", "[", "]"):
        out = out.replace(ch, "\\" + ch)
    return out.replace("<", "&lt;").replace("$", "&#36;").replace("\n", " ")


def md_escape(text) -> str:
    """Plain text (evidence, titles) into Markdown without it turning into emphasis, HTML or math; its
    TeX-like scripts (h_{t−1}, C_in) are set as sub- and superscripts."""
    return plain_to_markdown(text, _escape_markdown)


def toc_label(text) -> str:
    """A heading's entry in the table of contents (which strips tags): scripts as Unicode, quoted for an
    attribute."""
    return scripts_unicode(text).replace('"', "'").replace("}", ")").replace("{", "(")


def table_cell(text) -> str:
    return str(text).replace("|", "\\|")


def math_cell(latex) -> str:
    """TeX inside a Markdown table cell: a bar would end the cell, so it is written \\vert."""
    return str(latex).replace("\\|", "\\Vert ").replace("|", "\\vert ")


def _tex(expr, *args, **kwargs):
    from .printing import tex

    return tex(expr, *args, **kwargs)


def _numpy(expr, *args, **kwargs):
    from .printing import numpy_code

    return numpy_code(expr, *args, **kwargs)


def _pick(context, en, zh):
    lang = context.get("lang", "en")
    if lang not in ("en", "zh"):
        raise ValueError(f"unknown page language {lang!r} (expected 'en' or 'zh')")
    return zh if lang == "zh" else en


def environment():
    import jinja2

    @jinja2.pass_context
    def bi(context, en, zh):
        """Template prose in both languages side by side: ``{{ bi("Model", "模型") }}``; the page's
        ``lang`` picks one. (Prose of derivations goes through ``t``, which reads their catalogs.)"""
        return _pick(context, en, zh)

    @jinja2.pass_context
    def t(context, value, where="", module=None):
        """Derivation prose (str or Tr) in the page's language: a Tr's own text, or the Chinese of an
        English str from the derivation's catalog (``i18n_module`` in the context) or the site catalog.
        A missing Chinese text raises MissingTranslation, which fails the build naming the text.
        Its TeX-like scripts (h_{t−1}) come out as <sub>/<sup>, which ``md`` and ``toc`` understand."""
        from .i18n import text

        return scripts_html(text(value, context.get("lang", "en"), module or context.get("i18n_module"), where))

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )
    env.filters["tex"] = _tex
    env.filters["numpy"] = _numpy
    env.filters["md"] = md_escape
    env.filters["prose"] = scripts_html
    env.filters["toc"] = toc_label
    env.filters["cell"] = table_cell
    env.filters["mathcell"] = math_cell
    env.globals["bi"] = bi
    env.globals["t"] = t
    return env


_ENV = None


def _environment():
    global _ENV
    if _ENV is None:
        _ENV = environment()
    return _ENV


def rel(path) -> str:
    """``path`` relative to the checkout, as messages show it."""
    try:
        return Path(path).resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return str(path)


def template_line(exc: BaseException, template: str) -> str:
    """``templates/page.md.j2:12`` — the innermost template frame of the traceback (Jinja2 rewrites its
    frames to the template's file and line), or the template's name when no frame is a template's."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__)
              if f.filename.startswith(str(TEMPLATES)) or f.filename.endswith(".j2")]
    if frames:
        return f"{rel(frames[-1].filename)}:{frames[-1].lineno}"
    return f"templates/{template}"


def render(template: str, **context) -> str:
    import jinja2

    env = _environment()
    try:
        return env.get_template(template).render(**context)
    except jinja2.TemplateNotFound as exc:
        raise TemplateError(f"template not found: {exc.name} (looked in {rel(TEMPLATES)}/)") from None
    except jinja2.TemplateSyntaxError as exc:
        where = f"{rel(exc.filename)}:{exc.lineno}" if exc.filename else f"templates/{template}:{exc.lineno}"
        raise TemplateError(f"broken template {where}: {exc.message}") from None
    except jinja2.UndefinedError as exc:
        raise TemplateError(f"broken template {template_line(exc, template)}: {exc.message}") from None
    except TemplateError:
        raise
    except Exception as exc:  # a type error, a failing filter: the template line that ran it, and the cause
        raise TemplateError(f"broken template {template_line(exc, template)}: {type(exc).__name__}: {exc}") from None


def traced_render(template: str, **context) -> list[tuple[str, str, int]]:
    """Render ``template`` again, chunk by chunk, with the template file and line that produced each chunk:
    [(text, "templates/x.j2", 12), ...]. Used only to explain a failure (e.g. generated code that does not
    compile), so its cost does not matter."""
    env = _environment()
    tmpl = env.get_template(template)
    out = []
    gen = tmpl.root_render_func(tmpl.new_context(context))
    for chunk in gen:
        inner = gen  # the innermost generator that yielded it (extends, blocks and includes nest them)
        while getattr(inner, "gi_yieldfrom", None) is not None and hasattr(inner.gi_yieldfrom, "gi_frame"):
            inner = inner.gi_yieldfrom
        frame = inner.gi_frame
        owner = frame.f_globals.get("__jinja_template__") if frame is not None else None
        if owner is not None:
            out.append((str(chunk), owner.filename, owner.get_corresponding_lineno(frame.f_lineno)))
        else:
            out.append((str(chunk), str(TEMPLATES / template), 0))
    return out


def source_line(chunks: list[tuple[str, str, int]], line: int) -> str:
    """``templates/x.j2:12``: the template line that produced output line ``line`` (1-based) of a traced
    render. A chunk of template text spans several lines and Jinja2 knows only where it starts, so the
    line's own text is looked up in the template from there."""
    current = 1
    for text, filename, start in chunks:
        pieces = text.split("\n")
        for i, piece in enumerate(pieces):
            if current + i == line and piece.strip():
                return f"{rel(filename)}:{_find_line(filename, start + i, piece.strip())}"
        current += len(pieces) - 1
    return f"{rel(chunks[-1][1])}:{chunks[-1][2]}" if chunks else "?"


def _find_line(filename: str, near: int, text: str) -> int:
    try:
        lines = Path(filename).read_text(encoding="utf-8").splitlines()
    except OSError:
        return near
    around = [c for c in (near, near + 1, near - 1, near + 2) if 1 <= c <= len(lines)]
    for candidate in around:  # template text, copied verbatim
        if text in lines[candidate - 1]:
            return candidate
    for candidate in around:  # else the expression that printed it
        if "{{" in lines[candidate - 1]:
            return candidate
    return near


# ----------------------------------------------------------------------------------------------------
# crash-safe writes
# ----------------------------------------------------------------------------------------------------
def _cause(exc: OSError) -> str:
    return exc.strerror or errno.errorcode.get(exc.errno or 0, "") or str(exc)


def _temp_for(path: Path) -> str:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=str(path.parent))
    os.close(fd)
    return tmp


def _write_synced(tmp: str, data: bytes) -> None:
    fd = os.open(tmp, os.O_WRONLY | os.O_TRUNC)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    finally:
        os.close(fd)
    os.chmod(tmp, 0o644)


def write_atomic(path: Path, data: bytes) -> None:
    """One file, atomically (temp file + rename). For several outputs that belong together use
    :func:`commit`, which renames nothing until all are staged."""
    commit({Path(path): data})


@dataclass
class _Staged:
    path: Path
    tmp: str
    old: bytes | None  # the content it replaces (None: a new file), to roll back a failed rename


def _stage(path: Path, data: bytes, created: list[Path]) -> _Staged:
    if path.is_dir() and not path.is_symlink():
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
    missing = []
    parent = path.parent
    while not parent.exists():
        missing.append(parent)
        parent = parent.parent
    for d in reversed(missing):
        d.mkdir()
        created.append(d)
    old = path.read_bytes() if path.exists() else None
    tmp = _temp_for(path)
    try:
        _write_synced(tmp, data)
    except BaseException:
        os.unlink(tmp)
        raise
    return _Staged(path, tmp, old)


class _HeldSignals:
    """Hold SIGINT and SIGTERM back while the renames run, so Ctrl-C cannot stop a commit half way: they are
    recorded and raised again when the block ends. (Handlers, not a signal mask: a mask is per thread and
    the signal could land in another thread.) Only the main thread can set handlers; elsewhere a no-op."""

    SIGNALS = (signal.SIGINT, signal.SIGTERM)

    def __enter__(self):
        self.pending: list[int] = []
        self.previous = {}
        if threading.current_thread() is threading.main_thread():
            for sig in self.SIGNALS:
                self.previous[sig] = signal.signal(sig, lambda signum, frame: self.pending.append(signum))

    def __exit__(self, *exc):
        for sig, handler in self.previous.items():
            signal.signal(sig, handler)
        for sig in dict.fromkeys(self.pending):
            signal.raise_signal(sig)


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def commit(files: dict[Path, bytes], remove=()) -> None:
    """Write every file of ``files`` and delete every path of ``remove``, all or nothing.

    Stage first (temp files written and fsynced, the files to remove renamed to temp names), then rename
    every temp file into place. Any error while staging removes what was staged and raises
    :class:`WriteError` naming the file and the cause; nothing visible has changed then. A rename that
    fails after others succeeded (rare: the checks above make it unlikely) restores the files already
    replaced before raising."""
    staged: list[_Staged] = []
    removed: list[tuple[Path, str]] = []
    created: list[Path] = []
    current = None
    try:
        for path in sorted(files):
            current = path
            staged.append(_stage(path, files[path], created))
        for path in sorted(remove):
            current = path
            trash = _temp_for(path)
            os.replace(path, trash)
            removed.append((path, trash))
    except BaseException as exc:
        _undo(staged, removed, created)
        if isinstance(exc, OSError):
            raise WriteError(f"cannot write {rel(current)}: {_cause(exc)}") from None
        raise
    done: list[_Staged] = []
    with _HeldSignals():
        try:
            for s in staged:
                current = s.path
                os.replace(s.tmp, s.path)
                done.append(s)
        except OSError as exc:
            _roll_back(done)
            _undo([s for s in staged if s not in done], removed, created)
            raise WriteError(f"cannot write {rel(current)}: {_cause(exc)}") from None
        for _, trash in removed:
            try:
                os.unlink(trash)
            except OSError:  # left as a stale temp file; the next build removes it
                pass
    for d in sorted({s.path.parent for s in staged} | {p.parent for p, _ in removed}):
        _fsync_dir(d)


def _undo(staged: list[_Staged], removed: list[tuple[Path, str]], created: list[Path]) -> None:
    for s in staged:
        try:
            os.unlink(s.tmp)
        except OSError:
            pass
    for path, trash in removed:
        try:
            os.replace(trash, path)
        except OSError:
            pass
    for d in reversed(created):
        try:
            d.rmdir()
        except OSError:
            pass


def _roll_back(done: list[_Staged]) -> None:
    for s in reversed(done):
        try:
            if s.old is None:
                os.unlink(s.path)
            else:
                tmp = _temp_for(s.path)
                _write_synced(tmp, s.old)
                os.replace(tmp, s.path)
        except OSError:
            pass


def is_temp_name(name: str) -> bool:
    """A temp file of :func:`commit`: ``.<name>.<pid>.<random>.tmp``."""
    return name.startswith(".") and name.endswith(".tmp") and name.count(".") >= 4


def _temp_pid(name: str) -> int | None:
    try:
        return int(name.rsplit(".", 3)[-3])
    except (ValueError, IndexError):
        return None


def _alive(pid: int | None) -> bool:
    if pid is None:
        return False
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def stale_temps(directories) -> list[Path]:
    """Temp files left in ``directories`` by a build that was killed (their process is gone)."""
    found = []
    for d in sorted({Path(p) for p in directories}):
        if not d.is_dir():
            continue
        for entry in sorted(d.iterdir()):
            if is_temp_name(entry.name) and entry.is_file() and not _alive(_temp_pid(entry.name)):
                found.append(entry)
    return found
