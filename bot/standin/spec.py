"""The Bot API specification as data, and pure checks of requests against it.

The spec file (telegram-bot-api.json) lists every method with its fields and
every type with its fields. ``decode_params`` turns raw form values into typed
values the way the Bot API reads them; ``check_params`` lists every way a
request breaks the spec (empty list = fine).
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

__all__ = [
    "DEFAULT_SPEC_PATH",
    "Spec",
    "UploadedFile",
    "check_params",
    "check_value",
    "decode_params",
    "load_spec",
]

DEFAULT_SPEC_PATH = Path(__file__).with_name("telegram-bot-api.json")

_PRIMITIVES = frozenset({"Integer", "Float", "String", "Boolean", "InputFile"})
_MUST_BE = re.compile(r'must be "?([a-z_]+)"?')


@dataclass(frozen=True)
class UploadedFile:
    """A file part of a multipart request (an InputFile)."""

    field_name: str
    file_name: str
    mime_type: str
    data: bytes = dataclasses.field(repr=False)


@dataclass(frozen=True)
class Field:
    name: str
    types: tuple[str, ...]
    required: bool
    description: str


class Spec:
    """Methods and types of the Bot API, looked up the way the server needs."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.version: str = str(data.get("version", ""))
        self._methods: dict[str, dict[str, Any]] = dict(data["methods"])
        self._types: dict[str, dict[str, Any]] = dict(data["types"])
        self._by_lower = {name.lower(): name for name in self._methods}

    def method_name(self, name: str) -> str | None:
        """The canonical name of a method, matched case-insensitively."""
        return self._by_lower.get(name.lower())

    def method_fields(self, method: str) -> dict[str, Field]:
        return self._fields_of(self._methods[method])

    def type_fields(self, type_name: str) -> dict[str, Field] | None:
        """Fields of an object type, or None for a type that is a union of subtypes."""
        info = self._types.get(type_name)
        if info is None or "subtypes" in info:
            return None
        return self._fields_of(info)

    def subtypes(self, type_name: str) -> list[str]:
        return list(self._types.get(type_name, {}).get("subtypes", []))

    def is_type(self, type_name: str) -> bool:
        return type_name in self._types

    @cached_property
    def _discriminators(self) -> dict[str, str]:
        """For types like BotCommandScopeChat: the value their "type" field must have."""
        result: dict[str, str] = {}
        for name, info in self._types.items():
            for field in info.get("fields", []):
                if field["name"] == "type" and field["types"] == ["String"]:
                    match = _MUST_BE.search(field.get("description", ""))
                    if match:
                        result[name] = match.group(1)
        return result

    def discriminator(self, type_name: str) -> str | None:
        return self._discriminators.get(type_name)

    @staticmethod
    def _fields_of(info: Mapping[str, Any]) -> dict[str, Field]:
        return {
            f["name"]: Field(
                name=f["name"],
                types=tuple(f["types"]),
                required=bool(f.get("required")),
                description=str(f.get("description", "")),
            )
            for f in info.get("fields", [])
        }


def load_spec(path: Path | str | None = None) -> Spec:
    with open(path or DEFAULT_SPEC_PATH, encoding="utf-8") as handle:
        return Spec(json.load(handle))


# -- decoding ---------------------------------------------------------------


def _shallow_kind_ok(type_expr: str, value: Any) -> bool:
    if type_expr.startswith("Array of "):
        return isinstance(value, list)
    if type_expr == "Integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if type_expr == "Float":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if type_expr == "String":
        return isinstance(value, str)
    if type_expr == "Boolean":
        return isinstance(value, bool)
    if type_expr == "InputFile":
        return isinstance(value, UploadedFile)
    return isinstance(value, dict)


def decode_value(types: tuple[str, ...], raw: str) -> Any:
    """Decode one form value: JSON where the field's types call for it, else the string."""
    if types == ("String",):
        return raw
    try:
        decoded = json.loads(raw)
    except ValueError:
        return raw
    if any(_shallow_kind_ok(t, decoded) for t in types):
        return decoded
    if "String" in types:
        return raw
    return decoded


def decode_params(spec: Spec, method: str, raw: Mapping[str, Any]) -> dict[str, Any]:
    """Typed parameters from raw ones (strings from a form, or JSON values).

    Unknown parameters are kept as they are, so that ``check_params`` reports them.
    A JSON null counts as absent, as in the Bot API.
    """
    fields = spec.method_fields(method)
    params: dict[str, Any] = {}
    for name, value in raw.items():
        if value is None:
            continue
        field = fields.get(name)
        if field is not None and isinstance(value, str):
            params[name] = decode_value(field.types, value)
        else:
            params[name] = value
    return params


# -- checking ---------------------------------------------------------------


def check_params(spec: Spec, method: str, params: Mapping[str, Any]) -> list[str]:
    """Every way ``params`` break the spec of ``method``; empty when they don't."""
    fields = spec.method_fields(method)
    problems: list[str] = []
    for name, field in fields.items():
        if field.required and name not in params:
            problems.append(f'parameter "{name}" is required')
    for name, value in params.items():
        known = fields.get(name)
        if known is None:
            problems.append(f'unknown parameter "{name}"')
            continue
        problems.extend(check_value(spec, known.types, value, name))
    return problems


def check_value(spec: Spec, types: tuple[str, ...], value: Any, path: str) -> list[str]:
    """Problems of ``value`` against a union of type expressions ("Array of X" etc.)."""
    best: list[str] | None = None
    for type_expr in types:
        if not _shallow_kind_ok(type_expr, value):
            continue
        problems = _check_one(spec, type_expr, value, path)
        if not problems:
            return []
        if best is None or len(problems) < len(best):
            best = problems
    if best is not None:
        return best
    return [f'field "{path}" must be of type {" or ".join(types)}']


def _check_one(spec: Spec, type_expr: str, value: Any, path: str) -> list[str]:
    if type_expr.startswith("Array of "):
        inner = type_expr[len("Array of ") :]
        problems: list[str] = []
        for index, item in enumerate(value):
            problems.extend(check_value(spec, (inner,), item, f"{path}[{index}]"))
        return problems
    if type_expr in _PRIMITIVES or not spec.is_type(type_expr):
        return []
    subtypes = spec.subtypes(type_expr)
    if subtypes:
        return check_value(spec, tuple(subtypes), value, path)
    return _check_object(spec, type_expr, value, path)


def _check_object(spec: Spec, type_name: str, value: dict[str, Any], path: str) -> list[str]:
    fields = spec.type_fields(type_name) or {}
    if not fields:
        return []  # a placeholder type such as CallbackGame: any object
    problems: list[str] = []
    for name, field in fields.items():
        if field.required and name not in value:
            problems.append(f'field "{path}.{name}" is required in {type_name}')
    for name, item in value.items():
        known = fields.get(name)
        if known is None:
            problems.append(f'unknown field "{path}.{name}" in {type_name}')
            continue
        problems.extend(check_value(spec, known.types, item, f"{path}.{name}"))
    expected = spec.discriminator(type_name)
    if expected is not None and value.get("type") != expected:
        problems.append(f'field "{path}.type" must be "{expected}" in {type_name}')
    return problems
