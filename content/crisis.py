"""Crisis lines by country and the phrases that signal risk, loaded and checked at start-up."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

CONTENT_DIR = Path(__file__).resolve().parent
PHRASES_DIR = CONTENT_DIR / "crisis_phrases"
_HOURS = re.compile(r"^(?:24/7|24/7 in most regions|\d{1,2}:\d{2}–\d{1,2}:\d{2})$")
_NUMBER = re.compile(r"^[0-9+()*][0-9 +()*\-]{1,22}$")


class ContentError(ValueError):
    """The content files are not what the code expects: a start-up failure, said plainly."""


@dataclass(frozen=True)
class CrisisLine:
    country: str
    service: str
    numbers: tuple[str, ...]
    text: str | None
    hours: str
    emergency: str
    source: str
    checked: str
    free: bool = True


@dataclass(frozen=True)
class Directory:
    name: str
    url: str


@dataclass(frozen=True)
class CrisisTable:
    lines: dict[str, CrisisLine]
    emergency_only: dict[str, str]
    default_emergency: str
    directory: Directory

    def line_for(self, country: str | None) -> CrisisLine | None:
        return self.lines.get(country) if country else None

    def emergency_for(self, country: str | None) -> str | None:
        """The country's emergency number, or None when we do not know the country."""
        if not country:
            return None
        line = self.lines.get(country)
        return line.emergency if line else self.emergency_only.get(country)


def _check_number(value: str, where: str) -> str:
    if not _NUMBER.match(value):
        raise ContentError(f"{where}: {value!r} is not a phone number")
    return value


@cache
def crisis_table(path: Path = CONTENT_DIR / "crisis_lines.json") -> CrisisTable:
    raw = json.loads(path.read_text(encoding="utf-8"))
    lines: dict[str, CrisisLine] = {}
    for code, entry in raw["countries"].items():
        where = f"crisis_lines.json {code}"
        if not (len(code) == 2 and code.isupper()):
            raise ContentError(f"{where}: countries are ISO 3166 codes such as DE")
        if not _HOURS.match(str(entry.get("hours", ""))):
            raise ContentError(f"{where}: hours is '24/7', '24/7 in most regions' or 'HH:MM–HH:MM'")
        for key in ("service", "source", "hours", "emergency", "checked"):
            if not str(entry.get(key, "")).strip():
                raise ContentError(f"{where}: {key} is missing")
        numbers = tuple(_check_number(n, where) for n in entry["numbers"])
        if not numbers:
            raise ContentError(f"{where}: no number")
        lines[code] = CrisisLine(
            country=code,
            service=entry["service"],
            numbers=numbers,
            text=entry.get("text"),
            hours=entry["hours"],
            emergency=_check_number(entry["emergency"], where),
            source=entry["source"],
            checked=entry["checked"],
            free=bool(entry.get("free", True)),
        )
    emergency_only = {
        code: _check_number(number, f"crisis_lines.json emergency {code}")
        for code, number in raw["emergency_only"].items()
    }
    directory = Directory(name=raw["directory"]["name"], url=raw["directory"]["url"])
    return CrisisTable(
        lines, emergency_only, _check_number(raw["default_emergency"], "default"), directory
    )


@dataclass(frozen=True)
class PhraseSet:
    """One language's patterns over normalised text (see bot.crisis.normalise)."""

    language: str
    strong: tuple[re.Pattern[str], ...]
    soft: tuple[re.Pattern[str], ...]
    idioms: tuple[re.Pattern[str], ...]


def _compile(patterns: list[str], where: str) -> tuple[re.Pattern[str], ...]:
    compiled = []
    for pattern in patterns:
        try:
            compiled.append(re.compile(rf"(?<!\w)(?:{pattern})(?!\w)"))
        except re.error as error:
            raise ContentError(f"{where}: bad pattern {pattern!r}: {error}") from None
    return tuple(compiled)


@cache
def phrase_sets(directory: Path = PHRASES_DIR) -> tuple[PhraseSet, ...]:
    """Every language's phrases: risk is looked for in all of them, whatever the locale."""
    sets = []
    for path in sorted(directory.glob("*.json")):
        raw = json.loads(path.read_text(encoding="utf-8"))
        where = f"crisis_phrases/{path.name}"
        sets.append(
            PhraseSet(
                language=path.stem,
                strong=_compile(raw["strong"], where),
                soft=_compile(raw["soft"], where),
                idioms=_compile(raw.get("idioms", []), where),
            )
        )
    if not sets:
        raise ContentError("content/crisis_phrases holds no language")
    return tuple(sets)
