"""Next-occurrence arithmetic across daylight-saving changes, daily and weekday-only."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.recurrence import habit_day, next_occurrence

NEW_YORK, BERLIN = ZoneInfo("America/New_York"), ZoneInfo("Europe/Berlin")
SYDNEY, KOLKATA = ZoneInfo("Australia/Sydney"), ZoneInfo("Asia/Kolkata")
WEEKDAYS = frozenset(range(5))


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def series(
    start: datetime, at: time, zone: ZoneInfo, n: int, days: frozenset[int] = frozenset(range(7))
) -> list[datetime]:
    found, moment = [], start
    for _ in range(n):
        moment = next_occurrence(moment, at, zone, days)
        found.append(moment)
    return found


@pytest.mark.parametrize(
    ("zone", "at", "start", "expected"),
    [
        # Spring forward: 02:30 does not exist, so once, at 03:00 (the first valid minute).
        (NEW_YORK, time(2, 30), utc(2026, 3, 7, 12), [utc(2026, 3, 8, 7), utc(2026, 3, 9, 6, 30)]),
        (BERLIN, time(2, 30), utc(2026, 3, 28, 12), [utc(2026, 3, 29, 1), utc(2026, 3, 30, 0, 30)]),
        (
            SYDNEY,
            time(2, 30),
            utc(2026, 10, 3, 0),
            [utc(2026, 10, 3, 16), utc(2026, 10, 4, 15, 30)],
        ),
        # Fall back: 01:30 (New York) and 02:30 (Berlin, Sydney) happen twice; once, the first.
        (
            NEW_YORK,
            time(1, 30),
            utc(2026, 10, 31, 12),
            [utc(2026, 11, 1, 5, 30), utc(2026, 11, 2, 6, 30)],
        ),
        (
            BERLIN,
            time(2, 30),
            utc(2026, 10, 24, 12),
            [utc(2026, 10, 25, 0, 30), utc(2026, 10, 26, 1, 30)],
        ),
        (
            SYDNEY,
            time(2, 30),
            utc(2026, 4, 4, 0),
            [utc(2026, 4, 4, 15, 30), utc(2026, 4, 5, 16, 30)],
        ),
        # A time away from the change keeps its wall-clock hour across it.
        (
            BERLIN,
            time(21, 30),
            utc(2026, 10, 24, 12),
            [utc(2026, 10, 24, 19, 30), utc(2026, 10, 25, 20, 30)],
        ),
        # No daylight saving, and a half-hour offset.
        (
            KOLKATA,
            time(21, 30),
            utc(2026, 11, 23, 12),
            [utc(2026, 11, 23, 16), utc(2026, 11, 24, 16)],
        ),
    ],
)
def test_daily_across_daylight_saving(
    zone: ZoneInfo, at: time, start: datetime, expected: list[datetime]
) -> None:
    assert series(start, at, zone, 2) == expected


def test_fall_back_never_twice_in_one_local_day() -> None:
    found = series(utc(2026, 10, 20), time(2, 30), BERLIN, 10)
    local_days = [moment.astimezone(BERLIN).date() for moment in found]
    assert len(local_days) == len(set(local_days)) == 10


@pytest.mark.parametrize(
    ("zone", "at", "days", "start", "expected"),
    [
        # Weekdays only: Friday evening in Kolkata, then Monday.
        (
            KOLKATA,
            time(21, 30),
            WEEKDAYS,
            utc(2026, 11, 27, 17),
            [utc(2026, 11, 30, 16), utc(2026, 12, 1, 16)],
        ),
        # Weekdays at 07:00 over the Berlin fall-back weekend.
        (
            BERLIN,
            time(7),
            WEEKDAYS,
            utc(2026, 10, 23, 6),
            [utc(2026, 10, 26, 6), utc(2026, 10, 27, 6)],
        ),
        # Sundays at 02:30 in New York, when one of them is spring-forward day.
        (
            NEW_YORK,
            time(2, 30),
            frozenset({6}),
            utc(2026, 3, 2),
            [utc(2026, 3, 8, 7), utc(2026, 3, 15, 6, 30)],
        ),
        # Weekdays in Sydney over the start of daylight saving.
        (
            SYDNEY,
            time(8),
            WEEKDAYS,
            utc(2026, 10, 2, 0),
            [utc(2026, 10, 4, 21), utc(2026, 10, 5, 21)],
        ),
    ],
)
def test_weekday_only(
    zone: ZoneInfo, at: time, days: frozenset[int], start: datetime, expected: list[datetime]
) -> None:
    assert series(start, at, zone, 2, days) == expected


def test_strictly_after_and_bad_input_refused() -> None:
    due = utc(2026, 11, 23, 16)
    assert next_occurrence(due, time(21, 30), KOLKATA) == utc(2026, 11, 24, 16)
    with pytest.raises(ValueError, match="aware"):
        next_occurrence(datetime(2026, 11, 23), time(9), KOLKATA)
    with pytest.raises(ValueError, match="weekdays"):
        next_occurrence(due, time(9), KOLKATA, frozenset())


@pytest.mark.parametrize(
    ("moment", "day"),
    [
        (utc(2026, 11, 24, 5, 30), date(2026, 11, 23)),  # 00:30 in New York: still Monday
        (utc(2026, 11, 24, 8, 59), date(2026, 11, 23)),  # 03:59
        (utc(2026, 11, 24, 9, 0), date(2026, 11, 24)),  # 04:00: Tuesday begins
    ],
)
def test_a_bedtime_check_in_after_midnight_counts_for_the_evening(
    moment: datetime, day: date
) -> None:
    assert habit_day(moment, NEW_YORK) == day
