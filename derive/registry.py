"""The registry of derivations: each module in ``derive.derivations`` decorates one function with
``@register("name")``; modules are discovered in sorted order so the registry is the same on every run."""
from __future__ import annotations

import difflib
import importlib
import pkgutil
from typing import Callable

from .model import Derivation

_REGISTRY: dict[str, Callable[[], Derivation]] = {}
_BROKEN: dict[str, str] = {}  # module name -> one-line import error
_LOADED = False


class UnknownDerivation(LookupError):
    pass


def register(name: str):
    def decorate(fn: Callable[[], Derivation]):
        if name in _REGISTRY and _REGISTRY[name] is not fn:
            raise ValueError(f"derivation {name!r} registered twice")
        _REGISTRY[name] = fn
        return fn
    return decorate


def _discover() -> None:
    global _LOADED
    if _LOADED:
        return
    from . import derivations

    for info in sorted(pkgutil.iter_modules(derivations.__path__), key=lambda m: m.name):
        try:
            importlib.import_module(f"{derivations.__name__}.{info.name}")
        except Exception as exc:  # one broken module must not hide the others; full builds still fail
            _BROKEN[info.name] = f"{type(exc).__name__}: {exc}"
    _LOADED = True



# The seed's order (A6.1, A6.2 ① before ②, the RNN before the LSTM, A6.4); derivations not listed follow by name.
SEED_ORDER = ("conv1x1", "max-logsumexp", "argmax-softargmax", "rnn-jacobian", "lstm-jacobian", "attention-costs")


def names() -> list[str]:
    _discover()
    rank = {name: i for i, name in enumerate(SEED_ORDER)}
    return sorted(_REGISTRY, key=lambda n: (rank.get(n, len(rank)), n))


def closest(name: str, choices) -> str | None:
    match = difflib.get_close_matches(name, list(choices), n=1, cutoff=0.0)
    return match[0] if match else None


def resolve(requested) -> list[str]:
    """Validate names (all when none given); unknown ones raise with the closest valid name."""
    known = names()
    if not requested:
        if _BROKEN:
            module, error = sorted(_BROKEN.items())[0]
            raise UnknownDerivation(f"derivation module derive/derivations/{module}.py does not import: {error}")
        return known
    for name in requested:
        if name not in _REGISTRY:
            hint = closest(name, known)
            raise UnknownDerivation(f"unknown derivation {name!r}" + (f"; did you mean {hint!r}?" if hint else ""))
    return list(dict.fromkeys(requested))


_CACHE: dict[str, Derivation] = {}


def load(name: str) -> Derivation:
    resolve([name])
    if name not in _CACHE:
        derivation = _REGISTRY[name]()
        if derivation.name != name:
            raise ValueError(f"derivation registered as {name!r} calls itself {derivation.name!r}")
        _CACHE[name] = derivation
    return _CACHE[name]
