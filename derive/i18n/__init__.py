"""English and Chinese text for the site.

Prose in a derivation is English (``str``) or both languages (:class:`derive.model.Tr`). The Chinese of an
English string comes from the derivation's catalog, ``derive/i18n/zh/<module>.py`` (a dict ``ZH`` from the
English text, exactly as written, to its Chinese), or from the site-wide catalog ``derive/i18n/zh/site.py``.
A catalog keeps derivation modules short and lets a translator work on one file; when an English text
changes, its entry no longer matches and the Chinese build fails until the catalog is updated — a stale
translation is never shown.

Formulas, code and quotes of the seed are shared by both languages and never pass through here.
"""
from __future__ import annotations

import importlib
from functools import lru_cache

from ..model import Tr

LANGUAGES = ("en", "zh")


class MissingTranslation(LookupError):
    """A text shown on a Chinese page has no Chinese: the message names where it is used."""


@lru_cache(maxsize=None)
def catalog(module: str | None) -> dict[str, str]:
    """The Chinese catalog of a derivation module (by its short name, e.g. ``rnn_jacobian``), merged over
    the site-wide one."""
    merged = dict(_load("site"))
    if module:
        merged.update(_load(module))
    return merged


def _load(name: str) -> dict[str, str]:
    try:
        return dict(importlib.import_module(f"{__name__}.zh.{name}").ZH)
    except ModuleNotFoundError as exc:
        if exc.name != f"{__name__}.zh.{name}":
            raise
        return {}


def text(value, lang: str, module: str | None = None, where: str = "") -> str:
    """``value`` (str, Tr or None) in ``lang``. English returns the text itself; Chinese takes a Tr's zh, or
    the catalog entry of an English str; anything else raises :class:`MissingTranslation`."""
    if value is None:
        return ""
    if isinstance(value, Tr):
        return value.get(lang)
    value = str(value)
    if lang == "en" or not value.strip():
        return value
    found = catalog(module).get(value)
    if found is None:
        short = value if len(value) <= 70 else value[:67] + "..."
        place = f" ({where})" if where else ""
        file = f"derive/i18n/zh/{module}.py" if module else "derive/i18n/zh/site.py"
        raise MissingTranslation(f"no Chinese for {short!r}{place}: add it to {file}")
    return found


def missing(values, module: str | None = None) -> list[str]:
    """The English texts among ``values`` that have no Chinese yet (for reports and tests)."""
    out = []
    for v in values:
        try:
            text(v, "zh", module)
        except MissingTranslation:
            out.append(str(v))
    return out
