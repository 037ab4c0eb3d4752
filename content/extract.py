"""Babel extractors for the content kept as data, so its words reach the catalogs.

babel.cfg names them; `python3 dev.py i18n` runs them with the Python extractor.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator, Mapping
from typing import IO, Any

from content.wheel import FEELING_CONTEXT

TECHNIQUE_CONTEXT = "technique"
Extracted = tuple[int, str, tuple[str, str], list[str]]


def _load(fileobj: IO[bytes]) -> Any:
    return json.loads(fileobj.read().decode("utf-8"))


def extract_wheel(
    fileobj: IO[bytes],
    keywords: Mapping[str, Any],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[Extracted]:
    """Every word of the feelings wheel, once, in the "feeling" context."""
    seen: set[str] = set()

    def word(label: str, where: str) -> Iterator[Extracted]:
        if label not in seen:
            seen.add(label)
            note = f"A feeling on the feelings wheel ({where}): an adjective or short noun."
            yield (1, "pgettext", (FEELING_CONTEXT, label), [note])

    for core, middles in _load(fileobj).items():
        yield from word(core, "core")
        for middle, outers in middles.items():
            yield from word(middle, core)
            for outer in outers:
                yield from word(outer, f"{core} › {middle}")


def extract_techniques(
    fileobj: IO[bytes],
    keywords: Mapping[str, Any],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[Extracted]:
    """Each technique's name, caution and steps, in the "technique" context."""
    for technique in _load(fileobj)["techniques"]:
        ident = technique["id"]
        yield (1, "pgettext", (TECHNIQUE_CONTEXT, technique["name"]), [f"{ident}: name"])
        if technique.get("caution"):
            yield (1, "pgettext", (TECHNIQUE_CONTEXT, technique["caution"]), [f"{ident}: caution"])
        for number, step in enumerate(technique["steps"], start=1):
            yield (1, "pgettext", (TECHNIQUE_CONTEXT, step), [f"{ident}: step {number}"])
