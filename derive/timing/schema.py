"""The result schema (``schema.json``, JSON Schema 2020-12) and a small validator for the part of
JSON Schema it uses, so neither ``derive timing`` nor ``derive build`` needs the jsonschema package.
A keyword the validator does not know is an error, so the schema cannot silently outgrow it; the tests
check both against jsonschema where it is installed."""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

SCHEMA_PATH = Path(__file__).with_name("schema.json")
_ANNOTATIONS = {"$schema", "$id", "$defs", "title", "description"}
_TYPES = {"object": dict, "array": list, "string": str, "boolean": bool, "null": type(None)}


class SchemaError(ValueError):
    """The document does not match; the message starts with the JSON path of the first mismatch."""


@lru_cache(maxsize=1)
def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def _is(value, name: str) -> bool:
    if name == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if name == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return isinstance(value, _TYPES[name])


def _resolve(ref: str, root: dict) -> dict:
    if not ref.startswith("#/"):
        raise ValueError(f"$ref: only local references are supported, got {ref!r}")
    node = root
    for part in ref[2:].split("/"):
        node = node[part]
    return node


def _check(value, rule: dict, root: dict, path: str) -> None:
    for key, want in rule.items():
        if key in _ANNOTATIONS:
            continue
        check = _KEYWORDS.get(key)
        if check is None:
            raise ValueError(f"schema keyword {key!r} at {path} is not supported by derive.timing.schema")
        if key == "additionalProperties":
            _additional(value, want, rule.get("properties", {}), root, path)
        else:
            check(value, want, root, path)


def validate(document, rule: dict | None = None) -> None:
    """Raise SchemaError naming the first mismatch of ``document`` against the schema (or ``rule``)."""
    root = schema() if rule is None else rule
    _check(document, root, root, "$")


def _type(value, want, root, path):
    names = [want] if isinstance(want, str) else want
    if not any(_is(value, n) for n in names):
        raise SchemaError(f"{path}: expected {' or '.join(names)}, got {type(value).__name__} {value!r:.60}")


def _const(value, want, root, path):
    if value != want or type(value) is not type(want):
        raise SchemaError(f"{path}: expected {want!r}, got {value!r:.60}")


def _enum(value, want, root, path):
    if value not in want:
        raise SchemaError(f"{path}: expected one of {want}, got {value!r:.60}")


def _required(value, want, root, path):
    if isinstance(value, dict):
        missing = [k for k in want if k not in value]
        if missing:
            raise SchemaError(f"{path}: missing {', '.join(missing)}")


def _properties(value, want, root, path):
    if isinstance(value, dict):
        for k, sub in want.items():
            if k in value:
                _check(value[k], sub, root, f"{path}.{k}")


def _additional(value, want, properties, root, path):
    if not isinstance(value, dict):
        return
    for k, v in value.items():
        if k in properties:
            continue
        if want is False:
            raise SchemaError(f"{path}: unexpected key {k!r}")
        if isinstance(want, dict):
            _check(v, want, root, f"{path}.{k}")


def _items(value, want, root, path):
    if isinstance(value, list):
        for i, v in enumerate(value):
            _check(v, want, root, f"{path}[{i}]")


def _min_items(value, want, root, path):
    if isinstance(value, list) and len(value) < want:
        raise SchemaError(f"{path}: expected at least {want} items, got {len(value)}")


def _max_items(value, want, root, path):
    if isinstance(value, list) and len(value) > want:
        raise SchemaError(f"{path}: expected at most {want} items, got {len(value)}")


def _minimum(value, want, root, path):
    if _is(value, "number") and value < want:
        raise SchemaError(f"{path}: {value!r} is below the minimum {want}")


def _exclusive_minimum(value, want, root, path):
    if _is(value, "number") and value <= want:
        raise SchemaError(f"{path}: {value!r} must be greater than {want}")


def _ref(value, want, root, path):
    _check(value, _resolve(want, root), root, path)


def _all_of(value, want, root, path):
    for sub in want:
        _check(value, sub, root, path)


def _one_of(value, want, root, path):
    errors = []
    for sub in want:
        try:
            _check(value, sub, root, path)
        except SchemaError as exc:
            errors.append(str(exc))
    if len(errors) != len(want) - 1:
        raise SchemaError(errors[-1] if len(errors) == len(want) else f"{path}: matches more than one of oneOf")


_KEYWORDS = {"type": _type, "const": _const, "enum": _enum, "required": _required, "properties": _properties,
             "additionalProperties": _additional, "items": _items, "minItems": _min_items,
             "maxItems": _max_items, "minimum": _minimum, "exclusiveMinimum": _exclusive_minimum,
             "$ref": _ref, "allOf": _all_of, "oneOf": _one_of}
