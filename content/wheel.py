"""The feelings wheel (Geoffrey Roberts, 2015): 7 core, 41 middle and 82 outer feelings.

A place on the wheel is its path, never its bare word: "Embarrassed", "Disappointed",
"Inferior" and "Overwhelmed" each stand in two places. A place id is the path in
lowercase with underscores, e.g. "fearful/anxious/overwhelmed"; its family is the core.
The English labels are gettext message ids in the "feeling" context.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from content.crisis import ContentError

WHEEL_FILE = Path(__file__).resolve().parent / "feelings_wheel.json"
FEELING_CONTEXT = "feeling"
EXPECTED_COUNTS = (7, 41, 82)
_ID = re.compile(r"^[a-z_]+(/[a-z_]+){0,2}$")
# Places whose words also turn up in risk language (CONTENT.md §1.1). They are not risk
# on their own; at high intensity they bring the gentle offer of help lines.
SENSITIVE_WORDS = frozenset(
    {
        "Despair", "Powerless", "Empty", "Worthless", "Abandoned", "Helpless",
        "Out of control", "Numb", "Violated", "Persecuted",
    }
)  # fmt: skip


@dataclass(frozen=True)
class Place:
    id: str
    label: str  # the English word, also the gettext msgid
    parent: str | None
    children: tuple[str, ...]

    @property
    def depth(self) -> int:
        return self.id.count("/")

    @property
    def family(self) -> str:
        return self.id.split("/")[0]

    @property
    def sensitive(self) -> bool:
        return self.label in SENSITIVE_WORDS


@dataclass(frozen=True)
class Wheel:
    places: dict[str, Place]
    cores: tuple[str, ...]

    def place(self, place_id: str) -> Place | None:
        return self.places.get(place_id)

    def path(self, place_id: str) -> tuple[Place, ...]:
        """The place and its ancestors, core first."""
        parts = place_id.split("/")
        return tuple(self.places["/".join(parts[: i + 1])] for i in range(len(parts)))

    def by_depth(self, depth: int) -> list[Place]:
        return [place for place in self.places.values() if place.depth == depth]

    def labels(self) -> set[str]:
        return {place.label for place in self.places.values()}


def slug(label: str) -> str:
    return label.strip().lower().replace(" ", "_")


def build(data: object) -> Wheel:
    if not isinstance(data, dict):
        raise ContentError("feelings wheel: expected an object of core feelings")
    places: dict[str, Place] = {}

    def add(label: object, parent: str | None, children: list[str]) -> str:
        if not isinstance(label, str) or not label.strip():
            raise ContentError(f"feelings wheel: an empty label under {parent!r}")
        place_id = f"{parent}/{slug(label)}" if parent else slug(label)
        if not _ID.match(place_id) or place_id in places:
            raise ContentError(f"feelings wheel: bad or repeated place {place_id!r}")
        places[place_id] = Place(place_id, label.strip(), parent, tuple(children))
        return place_id

    cores: list[str] = []
    for core, middles in data.items():
        if not isinstance(middles, dict):
            raise ContentError(f"feelings wheel: {core!r} needs its middle feelings")
        middle_ids = [f"{slug(core)}/{slug(middle)}" for middle in middles]
        cores.append(add(core, None, middle_ids))
        for middle, outers in middles.items():
            if not isinstance(outers, list) or len(outers) != 2:
                raise ContentError(f"feelings wheel: {middle!r} needs two outer feelings")
            middle_id = f"{slug(core)}/{slug(middle)}"
            add(middle, slug(core), [f"{middle_id}/{slug(outer)}" for outer in outers])
            for outer in outers:
                add(outer, middle_id, [])
    wheel = Wheel(places, tuple(cores))
    counts = tuple(len(wheel.by_depth(depth)) for depth in range(3))
    if counts != EXPECTED_COUNTS:
        raise ContentError(f"feelings wheel: expected {EXPECTED_COUNTS} places, found {counts}")
    return wheel


@cache
def wheel() -> Wheel:
    with WHEEL_FILE.open(encoding="utf-8") as fp:
        return build(json.load(fp))
