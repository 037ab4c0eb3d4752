"""callback_data: short text like "ob:lang:ru", at most 64 bytes, validated on the way in.

Every handler matches its buttons with an anchored pattern built from the values it
accepts, so forged or malformed data never reaches a feature: it falls through to the
generic "that one expired" reply.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

MAX_CALLBACK_BYTES = 64
_FIELD = re.compile(r"^[A-Za-z0-9_/+\-]+\Z")


def pack(*fields: str) -> str:
    """Join fields with ':'; refuse data Telegram would refuse or we could not parse back."""
    for value in fields:
        if not _FIELD.match(value):
            raise ValueError(f"callback field {value!r} has characters outside [A-Za-z0-9_/+-]")
    data = ":".join(fields)
    if len(data.encode("utf-8")) > MAX_CALLBACK_BYTES:
        raise ValueError(f"callback_data over {MAX_CALLBACK_BYTES} bytes: {data!r}")
    return data


def pattern(prefix: str, values: Iterable[str] | None = None, *, any_field: bool = False) -> str:
    """An anchored regex for "prefix" or "prefix:<one of values>" or "prefix:<any field>"."""
    if values is not None:
        choices = "|".join(re.escape(value) for value in values)
        return rf"^{re.escape(prefix)}:({choices})\Z"
    if any_field:
        return rf"^{re.escape(prefix)}:([A-Za-z0-9_/+\-]{{1,60}})\Z"
    return rf"^{re.escape(prefix)}\Z"


def field(data: str | None, prefix: str) -> str:
    """The value after "prefix:" in data that a pattern already matched."""
    assert data is not None and data.startswith(prefix + ":")
    return data[len(prefix) + 1 :]
