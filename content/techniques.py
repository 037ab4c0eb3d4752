"""The coach's technique library (CONTENT.md §3), loaded and checked at start-up.

Names, cautions and steps are English gettext message ids in the "technique" context;
sources are citations and stay as written.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from content.crisis import ContentError
from content.wheel import wheel

TECHNIQUES_FILE = Path(__file__).resolve().parent / "techniques.json"
FAMILIES = ("happy", "sad", "disgusted", "angry", "fearful", "bad", "surprised")
TRADITIONS = (
    "breathing", "grounding", "dbt", "act", "cbt", "mbct", "compassion",
    "behavioural", "positive", "emdr", "anger",
)  # fmt: skip
MIN_TECHNIQUES = 40
_ID = re.compile(r"^[a-z0-9_]{1,24}$")
STEP_LIMIT = 400


@dataclass(frozen=True)
class Technique:
    id: str
    code: str
    name: str
    tradition: str
    source: str
    minutes: tuple[int, int]
    intensity: tuple[int, int]
    families: frozenset[str]
    places: tuple[str, ...]
    body_first: bool
    caution: str
    steps: tuple[str, ...]

    def fits(self, family: str, intensity: int) -> bool:
        low, high = self.intensity
        return family in self.families and low <= intensity <= high

    def fits_place(self, place_id: str) -> bool:
        """True when one of its places is this place or contains it."""
        return any(place_id == p or place_id.startswith(p + "/") for p in self.places)


def _pair(value: Any, where: str, low: int, high: int) -> tuple[int, int]:
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not all(isinstance(v, int) for v in value)
        or not low <= value[0] <= value[1] <= high
    ):
        raise ContentError(f"{where}: expected [from, to] within {low}..{high}, got {value!r}")
    return value[0], value[1]


def _technique(raw: Any) -> Technique:
    if not isinstance(raw, dict):
        raise ContentError("techniques: every entry is an object")
    ident = raw.get("id")
    if not isinstance(ident, str) or not _ID.match(ident):
        raise ContentError(f"techniques: bad id {ident!r}")
    where = f"technique {ident}"
    text_fields = ("code", "name", "tradition", "source", "caution")
    for key in text_fields:
        if not isinstance(raw.get(key), str):
            raise ContentError(f"{where}: {key} must be text")
    if not raw["name"].strip() or len(raw["name"]) > 32:
        raise ContentError(f"{where}: the name must be 1 to 32 characters")
    if raw["tradition"] not in TRADITIONS:
        raise ContentError(f"{where}: unknown tradition {raw['tradition']!r}")
    families = raw.get("families")
    if not isinstance(families, list) or not families or not set(families) <= set(FAMILIES):
        raise ContentError(f"{where}: families must come from {FAMILIES}")
    places = raw.get("places", [])
    known = wheel().places
    if not isinstance(places, list) or any(p not in known for p in places):
        raise ContentError(f"{where}: every place must be on the wheel, got {places!r}")
    steps = raw.get("steps")
    if (
        not isinstance(steps, list)
        or not 3 <= len(steps) <= 8
        or not all(isinstance(s, str) and s.strip() and len(s) <= STEP_LIMIT for s in steps)
    ):
        raise ContentError(f"{where}: 3 to 8 steps of text, each at most {STEP_LIMIT} characters")
    for text in [raw["name"], raw["caution"], *steps]:
        if "{" in text or "}" in text:
            raise ContentError(f"{where}: braces would be read as placeholders: {text[:40]!r}")
    return Technique(
        id=ident,
        code=raw["code"],
        name=raw["name"],
        tradition=raw["tradition"],
        source=raw["source"],
        minutes=_pair(raw.get("minutes"), f"{where} minutes", 1, 60),
        intensity=_pair(raw.get("intensity"), f"{where} intensity", 1, 10),
        families=frozenset(families),
        places=tuple(places),
        body_first=bool(raw.get("body_first", False)),
        caution=raw["caution"],
        steps=tuple(steps),
    )


def build(data: Any) -> dict[str, Technique]:
    entries = data.get("techniques") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise ContentError("techniques: expected {'techniques': [...]}")
    library: dict[str, Technique] = {}
    for raw in entries:
        technique = _technique(raw)
        if technique.id in library:
            raise ContentError(f"techniques: {technique.id} appears twice")
        library[technique.id] = technique
    if len(library) < MIN_TECHNIQUES:
        raise ContentError(f"techniques: at least {MIN_TECHNIQUES} wanted, found {len(library)}")
    if not [t for t in library.values() if t.body_first]:
        raise ContentError("techniques: at least one body-first technique is needed")
    for family in FAMILIES:
        for intensity in range(1, 11):
            if not any(t.fits(family, intensity) for t in library.values()):
                raise ContentError(f"techniques: nothing fits {family} at {intensity}")
    return library


@cache
def library() -> dict[str, Technique]:
    with TECHNIQUES_FILE.open(encoding="utf-8") as fp:
        return build(json.load(fp))


def body_first() -> list[Technique]:
    """The 60-second steps offered first at high intensity, in library order."""
    return [t for t in library().values() if t.body_first]
