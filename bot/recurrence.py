"""When a recurring local time next happens: pure arithmetic, in the person's time zone.

A reminder is a wall-clock time ("21:30") on some weekdays in a zone. Daylight saving
makes two kinds of days special, and each is settled here once, so that the scheduler
only ever holds plain UTC instants:

- on a spring-forward day a time in the gap (02:30 when clocks jump from 02:00 to
  03:00) does not exist: the reminder happens once, at the first valid minute after it;
- on a fall-back day a time in the repeated hour happens twice on the clock: the
  reminder happens once, at the first of the two.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

EVERY_DAY = frozenset(range(7))  # Monday is 0, as in date.weekday()
# Where no time zone has a gap longer than this, a missing time is found within it.
LONGEST_GAP = timedelta(hours=3)
DEFAULT_ROLLOVER = time(4, 0)


def exists(wall: datetime, zone: ZoneInfo) -> bool:
    """Whether this wall-clock time (naive) happens at all in the zone."""
    instant = wall.replace(tzinfo=zone).astimezone(UTC)
    return instant.astimezone(zone).replace(tzinfo=None) == wall


def first_instant(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The one UTC instant a reminder at `at` on `day` belongs to (see the module doc)."""
    wall = datetime.combine(day, at.replace(tzinfo=None, fold=0))
    step, shifted = timedelta(minutes=1), wall
    while not exists(shifted, zone):
        shifted += step
        if shifted - wall > LONGEST_GAP:
            raise ValueError(f"no valid time near {wall} in {zone.key}")
    if shifted != wall:
        shifted = shifted.replace(second=0, microsecond=0)
    return shifted.replace(tzinfo=zone, fold=0).astimezone(UTC)


def in_cycle(day: date, every_weeks: int, anchor: date | None) -> bool:
    """Whether `day` falls in a week the reminder runs: every week, or every second week
    counted from `anchor` (a day the reminder runs)."""
    if every_weeks == 1 or anchor is None:
        return True
    return ((day - anchor).days // 7) % every_weeks == 0


def next_occurrence(
    after: datetime,
    at: time,
    zone: ZoneInfo,
    weekdays: Collection[int] = EVERY_DAY,
    every_weeks: int = 1,
    anchor: date | None = None,
) -> datetime:
    """The first instant strictly after `after` (aware) at which the reminder is due."""
    if after.tzinfo is None:
        raise ValueError("`after` must be timezone-aware")
    if not weekdays or not set(weekdays) <= EVERY_DAY:
        raise ValueError(f"weekdays must be a non-empty subset of 0..6, got {weekdays!r}")
    if every_weeks not in (1, 2):
        raise ValueError(f"every_weeks must be 1 or 2, got {every_weeks!r}")
    day = after.astimezone(zone).date() - timedelta(days=1)
    for _ in range(9 + 7 * (every_weeks - 1)):
        if day.weekday() in weekdays and in_cycle(day, every_weeks, anchor):
            instant = first_instant(day, at, zone)
            if instant > after:
                return instant
        day += timedelta(days=1)
    raise AssertionError("a weekday of the cycle always comes within sixteen days")


def habit_day(moment: datetime, zone: ZoneInfo, rollover: time = DEFAULT_ROLLOVER) -> date:
    """The day a moment counts for: before the rollover hour (04:00 by default), it still
    belongs to the evening before, so a bedtime check-in after midnight counts for it."""
    local = moment.astimezone(zone)
    shift = timedelta(hours=rollover.hour, minutes=rollover.minute)
    return (local.replace(tzinfo=None) - shift).date()


def day_bounds(
    day: date, zone: ZoneInfo, rollover: time = DEFAULT_ROLLOVER
) -> tuple[datetime, datetime]:
    """The UTC instants a habit day runs between: from its rollover hour to the next one."""
    start = first_instant(day, rollover, zone)
    end = first_instant(day + timedelta(days=1), rollover, zone)
    return start, end


def parse_hhmm(text: str) -> time:
    """A stored "HH:MM" wall-clock time."""
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def hhmm(at: time) -> str:
    return f"{at.hour:02d}:{at.minute:02d}"
