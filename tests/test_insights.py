"""The pure insights of bot/insights.py: parts of day, the week's grid, top feelings and
triggers, techniques' effects and the patterns claimed for the therapist report."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.insights import (
    Cell,
    Effect,
    Pattern,
    Point,
    effects,
    find_patterns,
    grid,
    part_of_day,
    top_feelings,
    top_triggers,
    trigger_words,
)
from bot.plans import LOCALES

BERLIN, NEW_YORK = ZoneInfo("Europe/Berlin"), ZoneInfo("America/New_York")
WORRIED, LONELY = "fearful/anxious/worried", "sad/lonely/isolated"
ANNOYED, FREE = "angry/frustrated/annoyed", "happy/content/free"


def checkin(
    day: int,
    hour: int,
    intensity: int,
    family: str = "sad",
    *,
    minute: int = 0,
    place: str | None = None,
    after: int | None = None,
    technique: str | None = None,
    note: str | None = None,
    zone: ZoneInfo = BERLIN,
) -> Point:
    """A check-in on a day of March 2024 (the 4th and the 11th are Mondays)."""
    at = datetime(2024, 3, day, hour, minute, tzinfo=zone)
    return Point(at, family, place or f"{family}/x/y", intensity, after, technique, note)


def slot(weekday: int, part: str, high: int, total: int, mean: float) -> Pattern:
    return Pattern("slot", weekday, part, None, high, total, mean)


def keyed(kind: str, key: str, high: int, total: int, mean: float) -> Pattern:
    return Pattern(kind, None, None, key, high, total, mean)


# --- part_of_day --------------------------------------------------------------------------

PARTS_OF_DAY = [
    (time(0, 0), "night"),
    (time(4, 59), "night"),
    (time(5, 0), "morning"),
    (time(11, 59), "morning"),
    (time(12, 0), "afternoon"),
    (time(16, 59), "afternoon"),
    (time(17, 0), "evening"),
    (time(21, 59), "evening"),
    (time(22, 0), "night"),
    (time(23, 59), "night"),
    (time(12, 0, tzinfo=BERLIN), "afternoon"),
]


@pytest.mark.parametrize(("moment", "part"), PARTS_OF_DAY)
def test_part_of_day(moment: time, part: str) -> None:
    assert part_of_day(moment) == part


# --- grid ---------------------------------------------------------------------------------


def test_grid_counts_and_means_by_local_weekday_and_part() -> None:
    points = [
        checkin(4, 8, 6),
        checkin(11, 9, 8, minute=30),
        checkin(5, 1, 5),  # 01:00 on Tuesday is Tuesday night
        checkin(5, 23, 3, minute=30),
        checkin(6, 12, 4),
        checkin(4, 23, 9, zone=NEW_YORK),  # Monday night where the person was
    ]
    assert grid(points) == {
        (0, "morning"): Cell(2, 7.0),
        (1, "night"): Cell(2, 4.0),
        (2, "afternoon"): Cell(1, 4.0),
        (0, "night"): Cell(1, 9.0),
    }
    assert grid([]) == {}


# --- top_feelings -------------------------------------------------------------------------


def test_top_feelings_most_frequent_first_ties_by_latest() -> None:
    points = [
        checkin(4, 9, 5, place=WORRIED),
        checkin(5, 9, 5, place=LONELY),
        checkin(6, 9, 5, place=ANNOYED),
        checkin(7, 9, 5, place=WORRIED),
        checkin(8, 9, 5, place=LONELY),
        checkin(9, 9, 5, place=FREE),
        checkin(10, 9, 5, place=ANNOYED),  # annoyed's latest is after lonely's
        checkin(11, 9, 5, place=WORRIED),
    ]
    assert top_feelings(points) == [(WORRIED, 3), (ANNOYED, 2), (LONELY, 2)]
    assert top_feelings(points, n=1) == [(WORRIED, 3)]
    assert top_feelings([]) == []


# --- trigger words ------------------------------------------------------------------------

# (locale, note, its trigger words)
TRIGGER_WORDS = [
    ("en", "Meeting with my manager at 3pm!", ["meeting", "manager"]),
    ("en", "don't know why, covid19 again", ["know"]),
    ("en", "", []),
    ("es", "Reunión con mi JEFE, otra vez la reunion", ["reunión", "jefe"]),
    ("es", "I felt awful after the meeting", ["awful", "meeting"]),
    ("de", "Ich fühle mich sehr gestresst wegen der Prüfung", ["gestresst", "prüfung"]),
    ("fr", "Je me sens très seule avec l'équipe", ["seule", "équipe"]),
    ("pt_BR", "Estou muito cansada depois do trabalho", ["cansada", "trabalho"]),
    ("pt", "Estou muito cansada", ["cansada"]),
    ("ru", "Я очень устала после работы, всё опять", ["устала", "работы"]),
    ("uk", "Я дуже втомилася після роботи", ["втомилася", "роботи"]),
    ("xx", "The meeting con el jefe", ["meeting", "con", "jefe"]),  # English only
]


def test_trigger_words_cover_every_locale() -> None:
    assert {locale for locale, _, _ in TRIGGER_WORDS} >= set(LOCALES)


@pytest.mark.parametrize(("locale", "note", "words"), TRIGGER_WORDS)
def test_trigger_words(locale: str, note: str, words: list[str]) -> None:
    assert trigger_words(note, locale) == words


# (locale, notes, top triggers)
TOP_TRIGGERS = [
    (
        "en",
        [
            "I felt really anxious about the exam",
            "Really tired before the EXAM, felt awful, exam exam",
            "Exam results tomorrow",
            "Argument with my sister",
            "My sister called, I felt better",
            None,
        ],
        [("exam", 3), ("sister", 2)],
    ),
    (
        "ru",
        [
            "Опять ссора с мамой, я очень устала",
            "Очень много работы, опять дедлайн",
            "Мама звонила, снова ссора",
            "ссора с мамой",
        ],
        [("ссора", 3), ("мамой", 2)],
    ),
]


@pytest.mark.parametrize(("locale", "notes", "top"), TOP_TRIGGERS)
def test_top_triggers_count_once_per_checkin_without_stop_words(
    locale: str, notes: list[str | None], top: list[tuple[str, int]]
) -> None:
    points = [checkin(4 + i, 9, 5, note=note) for i, note in enumerate(notes)]
    assert top_triggers(points, locale) == top
    assert top_triggers(points, locale, n=1) == top[:1]


# --- effects ------------------------------------------------------------------------------


def test_effects_means_before_and_after_most_used_first() -> None:
    points = [
        checkin(4, 9, 8, after=5, technique="breathing"),
        checkin(5, 9, 6, after=4, technique="breathing"),
        checkin(6, 9, 7, after=3, technique="breathing"),
        checkin(7, 9, 9, after=6, technique="grounding"),
        checkin(8, 9, 5, after=4, technique="tapping"),  # as used as grounding, later
        checkin(9, 9, 8, technique="breathing"),  # no after rating: not counted
        checkin(10, 9, 6, technique="walk"),
        checkin(11, 9, 7, after=5),  # the body-first minute, no technique
    ]
    assert effects(points) == [
        Effect("breathing", 3, 7.0, 4.0),
        Effect("tapping", 1, 5.0, 4.0),
        Effect("grounding", 1, 9.0, 6.0),
    ]


# --- find_patterns ------------------------------------------------------------------------

MONDAY_MORNINGS = [
    checkin(4, 8, 8, "fearful"),
    checkin(4, 10, 9, "fearful", minute=30),
    checkin(11, 7, 7, "fearful", minute=15),
    checkin(11, 9, 8, "fearful"),
    checkin(11, 11, 4, "fearful"),
]
OTHERS = [
    checkin(5, 19, 3, "sad"),
    checkin(6, 13, 2, "angry"),
    checkin(7, 20, 5, "sad"),
    checkin(8, 8, 4, "bad", minute=30),  # a Friday morning
    checkin(9, 15, 3, "happy"),
    checkin(12, 19, 2, "sad", minute=30),
    checkin(13, 12, 5, "angry", minute=30),
    checkin(14, 21, 8, "sad"),
    checkin(15, 18, 3, "bad"),
    checkin(17, 10, 4, "fearful"),  # a Sunday morning
]
TWO_WEEKS = MONDAY_MORNINGS + OTHERS


def test_monday_mornings_come_first() -> None:
    assert find_patterns(TWO_WEEKS, "en") == [
        slot(0, "morning", high=4, total=5, mean=36 / 5),
        keyed("family", "fearful", high=4, total=6, mean=40 / 6),
    ]
    # Monday mornings are under 6 check-ins: only the fearful ones are a pattern.
    assert find_patterns(TWO_WEEKS, "en", min_points=6) == [
        keyed("family", "fearful", high=4, total=6, mean=40 / 6)
    ]
    assert find_patterns(TWO_WEEKS, "en", high=9) == []


def test_a_trigger_with_the_same_checkins_as_a_slot_is_not_said_twice() -> None:
    noted = [
        Point(p.local_at, p.family, p.place, p.intensity, None, None, "Weekly standup")
        for p in MONDAY_MORNINGS
    ]
    assert find_patterns(noted + OTHERS, "en") == find_patterns(TWO_WEEKS, "en")


def _mondays(intensity: int, count: int) -> list[Point]:
    """Check-ins on Monday mornings, 3 on the 4th then on the 11th and the 18th."""
    return [checkin(4 + 7 * (i // 3), 8 + i % 3, intensity) for i in range(count)]


def _evenings(intensities: list[int]) -> list[Point]:
    """Check-ins on the evenings from Tuesday the 5th on."""
    return [checkin(5 + i, 19, value) for i, value in enumerate(intensities)]


# Too little data, or nothing specific: no claim.
NO_PATTERNS = [
    [*_mondays(9, 3), *_evenings([2, 2, 2])],  # too few
    [*_mondays(9, 5), *_evenings([2, 2, 2])],  # only 3 others to compare with
    [*_mondays(8, 5), *_evenings([8] * 6)],  # everything high
    [*_mondays(9, 5), *_evenings([7, 8, 7, 8, 7, 8])],  # all high, Mondays a little higher
    [*_mondays(7, 5), *_evenings([10, 10, 10, 10, 6, 6])],  # Mondays not above the mean
    [],
]


@pytest.mark.parametrize("points", NO_PATTERNS)
def test_no_claim(points: list[Point]) -> None:
    assert find_patterns(points, "en") == []


def _meetings(notes: list[str | None]) -> list[Point]:
    """4 high check-ins noting the meeting, 1 high without, 1 low noting a meeting, 5 low,
    each in a slot and family of its own enough to claim nothing else."""
    cases = [
        (4, 9, 8, "fearful"),
        (5, 14, 9, "angry"),
        (6, 18, 7, "sad"),
        (7, 10, 8, "fearful"),
        (8, 20, 8, "bad"),
        (9, 11, 3, "happy"),
        (10, 16, 2, "happy"),
        (11, 19, 4, "sad"),
        (12, 13, 3, "bad"),
        (13, 8, 5, "fearful"),
        (14, 22, 2, "happy"),
    ]
    return [
        checkin(day, hour, intensity, family, note=note)
        for (day, hour, intensity, family), note in zip(cases, notes, strict=True)
    ]


TRIGGER_CASES = [
    (
        "en",
        [
            "Meeting with my manager",
            "another meeting with my manager, felt really small",
            "The meeting with my Manager again",
            "meeting with my manager about the review",
            "Couldn't sleep",
            "Short meeting, fine",
            "walk in the park",
            "quiet evening",
            None,
            "tired",
            "reading",
        ],
        ("manager", "meeting"),
    ),
    (
        "es",
        [
            "Reunión con mi jefe",
            "otra reunión con mi jefe, me sentí muy pequeña",
            "La reunion con mi Jefe otra vez",
            "reunión con mi jefe sobre la evaluación",
            "No pude dormir",
            "Reunión corta, bien",
            "paseo por el parque",
            "tarde tranquila",
            None,
            "cansada",
            "leyendo",
        ],
        ("jefe", "reunión"),
    ),
]


@pytest.mark.parametrize(("locale", "notes", "words"), TRIGGER_CASES)
def test_trigger_patterns_from_notes(
    locale: str, notes: list[str | None], words: tuple[str, str]
) -> None:
    boss, meeting = words
    assert find_patterns(_meetings(notes), locale) == [
        keyed("trigger", boss, high=4, total=4, mean=32 / 4),
        keyed("trigger", meeting, high=4, total=5, mean=35 / 5),
    ]


def test_leaving_out_triggers_keeps_the_other_patterns() -> None:
    """A trigger word covering the same check-ins as a family would take the family's
    place; with triggers left out (the report without notes), the family is still found."""
    zone = ZoneInfo("Europe/Berlin")
    points = [
        Point(datetime(2026, 11, 2 + d, 9 + d % 3, tzinfo=zone), "angry", "angry", 8,
              None, None, "boss shouted")
        for d in range(5)
    ] + [
        Point(datetime(2026, 11, 2 + d, 15, tzinfo=zone), "happy", "happy", 3, None, None,
              "quiet walk")
        for d in range(6)
    ]  # fmt: skip
    kinds = [p.kind for p in find_patterns(points, "en")]
    assert "trigger" in kinds and "family" not in kinds  # the same check-ins, said once
    without = find_patterns(points, "en", kinds=("slot", "family"))
    assert [(p.kind, p.key, p.high, p.total) for p in without] == [("family", "angry", 5, 5)]
