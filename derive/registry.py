"""The registry of derivations: each module in ``derive.derivations`` decorates one function with
``@register("name")``; modules are discovered in sorted order so the registry is the same on every run.

:func:`declared` reads the names from the sources without importing them (a regular expression over
``@register("...")``), so the CLI can answer from the build cache without importing SymPy; anything it
cannot read for certain makes callers import the modules (:func:`names`)."""
from __future__ import annotations

import difflib
import importlib
import re
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from .model import Derivation

_REGISTRY: dict[str, Callable[[], "Derivation"]] = {}
_BROKEN: dict[str, str] = {}  # module name -> one-line import error
_LOADED = False


class UnknownDerivation(LookupError):
    pass


class DerivationError(Exception):
    """A derivation module that does not import, or a derivation function that raises: the message names
    the derivation, the file and line, and the cause."""


_PACKAGE_DIR = Path(__file__).resolve().parent
_ROOT = _PACKAGE_DIR.parent


def where(exc: BaseException, module_file: str | None = None) -> str:
    """``derive/derivations/x.py:12`` — the innermost line of a derivation module in the traceback (a syntax
    error's own line), or of ``module_file``, or the innermost frame of all."""
    if isinstance(exc, SyntaxError) and exc.filename:
        return f"{_rel(exc.filename)}:{exc.lineno}"
    frames = traceback.extract_tb(exc.__traceback__)
    derivations = str(_PACKAGE_DIR / "derivations")
    ours = [f for f in frames if f.filename.startswith(derivations) or f.filename == module_file]
    frame = (ours or frames or [None])[-1]
    return f"{_rel(frame.filename)}:{frame.lineno}" if frame else "?"


def _rel(filename: str) -> str:
    try:
        return Path(filename).resolve().relative_to(_ROOT).as_posix()
    except ValueError:
        return filename


def _cause(exc: BaseException) -> str:
    if isinstance(exc, SyntaxError):
        return f"SyntaxError: {exc.msg}"
    return f"{type(exc).__name__}: {exc}"


def register(name: str):
    def decorate(fn: Callable[[], "Derivation"]):
        if name in _REGISTRY and _REGISTRY[name] is not fn:
            raise ValueError(f"derivation {name!r} registered twice")
        _REGISTRY[name] = fn
        return fn
    return decorate


DERIVATIONS_DIR = _PACKAGE_DIR / "derivations"
# @register("name") or @register(NAME) with a module-level NAME = "name"
_REGISTER = re.compile(r"""^@register\(\s*(?:(["'])([^"'\\]+)\1|([A-Za-z_]\w*))\s*\)\s*$""", re.MULTILINE)
_CONSTANT = r"""^{}\s*(?::\s*str\s*)?=\s*(["'])([^"'\\]+)\1\s*(?:#.*)?$"""


def module_files() -> list[Path]:
    """The derivation modules, sorted by name; ``_``-prefixed modules are helpers of a derivation (e.g. its
    code targets), not derivations."""
    return sorted(p for p in DERIVATIONS_DIR.glob("*.py") if not p.name.startswith("_"))


def declared() -> dict[str, Path] | None:
    """name → module file for every derivation, in registry order, read from the sources without importing
    them; None when a module does not declare exactly one ``@register("name")`` at the start of a line (a
    broken or unusual module: callers then import everything and report what fails)."""
    found: dict[str, Path] = {}
    for path in module_files():
        try:
            source = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None
        matches = _REGISTER.findall(source)
        if len(matches) != 1:
            return None
        _, name, constant = matches[0]
        if constant:
            values = re.findall(_CONSTANT.format(re.escape(constant)), source, re.MULTILINE)
            if len(values) != 1:
                return None
            name = values[0][1]
        if name in found:
            return None
        found[name] = path
    return {name: found[name] for name in ordered(found)}


def ordered(names) -> list[str]:
    """``names`` in registry order: the seed's order, then by name."""
    rank = {name: i for i, name in enumerate(SEED_ORDER)}
    return sorted(names, key=lambda n: (rank.get(n, len(rank)), n))


def _discover() -> None:
    global _LOADED
    if _LOADED:
        return
    from . import derivations

    for path in module_files():
        try:
            importlib.import_module(f"{derivations.__name__}.{path.stem}")
        except Exception as exc:  # one broken module must not hide the others; full builds still fail
            _BROKEN[path.stem] = f"{where(exc)}: {_cause(exc)}"
    _LOADED = True


def broken() -> dict[str, str]:
    """Derivation modules that do not import: module name → 'file:line: cause'."""
    _discover()
    return dict(sorted(_BROKEN.items()))


# The seed's order (A6.1, A6.2 ① before ②, the RNN before the LSTM, A6.4); derivations not listed follow by name.
SEED_ORDER = ("conv1x1", "max-logsumexp", "argmax-softargmax", "rnn-jacobian", "lstm-jacobian", "attention-costs")


def names() -> list[str]:
    _discover()
    return ordered(_REGISTRY)


def closest(name: str, choices) -> str | None:
    match = difflib.get_close_matches(name, list(choices), n=1, cutoff=0.0)
    return match[0] if match else None


def resolve(requested) -> list[str]:
    """Validate names (all when none given); unknown ones raise with the closest valid name."""
    known = names()
    if not requested:
        if _BROKEN:
            module, error = sorted(_BROKEN.items())[0]
            raise DerivationError(f"derivation module derive/derivations/{module}.py does not import: {error}")
        return known
    for name in requested:
        if name not in _REGISTRY:
            module = name.replace("-", "_")
            if module in _BROKEN:
                raise DerivationError(f"derivation {name!r} does not import: {_BROKEN[module]}")
            hint = closest(name, known)
            message = f"unknown derivation {name!r}" + (f"; did you mean {hint!r}?" if hint else "")
            if _BROKEN:
                message += "; modules that do not import: " + "; ".join(
                    f"{m}.py ({e})" for m, e in sorted(_BROKEN.items()))
            raise UnknownDerivation(message)
    return list(dict.fromkeys(requested))


def source_file(name: str) -> str:
    """The file of the module that registered ``name``."""
    resolve([name])
    return _REGISTRY[name].__code__.co_filename


_CACHE: dict[str, "Derivation"] = {}


def load(name: str) -> "Derivation":
    from .model import Derivation

    resolve([name])
    if name not in _CACHE:
        fn = _REGISTRY[name]
        try:
            derivation = fn()
        except Exception as exc:
            raise DerivationError(f"derivation {name!r} fails to build at {where(exc, fn.__code__.co_filename)}: "
                                  f"{_cause(exc)}") from exc
        if not isinstance(derivation, Derivation):
            raise DerivationError(f"derivation {name!r} ({_rel(fn.__code__.co_filename)}): the registered "
                                  f"function returns {type(derivation).__name__}, not a Derivation")
        if derivation.name != name:
            raise DerivationError(f"derivation registered as {name!r} calls itself {derivation.name!r}")
        _CACHE[name] = derivation
    return _CACHE[name]
