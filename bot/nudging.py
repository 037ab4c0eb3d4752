"""What a reminder does and when: pure rules, with the clock passed in.

A reminder row says "21:30 local, on these weekdays, every week or every second one".
From it and the person's settings come two things the scheduler needs: the UTC instant
it is next due (`next_due`), and, once due, what happens to it (`decide`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.recurrence import DEFAULT_ROLLOVER, habit_day, next_occurrence

SEND, MISSED, QUIET, PAUSED = "sending", "missed", "quiet", "paused"


@dataclass(frozen=True)
class Slot:
    """When a reminder happens: a local time on some weekdays (Monday is 0)."""

    at: time
    weekdays: frozenset[int]
    every_weeks: int = 1
    anchor: date | None = None

    def __post_init__(self) -> None:
        if self.at.tzinfo is not None:
            raise ValueError("a slot's time is wall-clock time, without tzinfo")
        if not self.weekdays or not self.weekdays <= frozenset(range(7)):
            raise ValueError(f"weekdays must be a non-empty subset of 0..6: {self.weekdays}")
        if self.every_weeks not in (1, 2) or (self.every_weeks == 2 and self.anchor is None):
            raise ValueError("every second week needs an anchor date")

    @property
    def weekdays_text(self) -> str:
        return "".join(str(day) for day in sorted(self.weekdays))

    @staticmethod
    def weekdays_from(text: str) -> frozenset[int]:
        return frozenset(int(char) for char in text)


@dataclass(frozen=True)
class Settings:
    """What the person decided about nudges, as the rules need it."""

    zone: ZoneInfo | None
    blocked: bool = False
    paused_until: datetime | None = None
    quiet: tuple[time, time] | None = None


def next_due(
    slot: Slot, person: Settings, now: datetime, *, homework_paused: bool = False
) -> datetime | None:
    """The next instant the reminder is due, or None while nothing should be due: the
    person blocked the bot, has no time zone, or paused this homework. A pause of every
    nudge moves the next one past its end."""
    if person.zone is None or person.blocked or homework_paused:
        return None
    after = now
    if person.paused_until is not None and person.paused_until > now:
        # A nudge due at the very moment the pause ends is due (decide sends it).
        after = person.paused_until - timedelta(microseconds=1)
    return next_occurrence(
        after, slot.at, person.zone, slot.weekdays, slot.every_weeks, slot.anchor
    )


def in_quiet_hours(moment: datetime, zone: ZoneInfo, quiet: tuple[time, time] | None) -> bool:
    """Whether a moment falls in quiet hours ("22:00 to 07:00" wraps past midnight)."""
    if quiet is None:
        return False
    start, end = quiet
    if start == end:
        return False
    local = moment.astimezone(zone).time().replace(tzinfo=None)
    if start < end:
        return start <= local < end
    return local >= start or local < end


def decide(due: datetime, now: datetime, grace: timedelta, person: Settings) -> str:
    """What a due reminder does: sent now (even late, within the grace window), or
    recorded as missed, or held back by quiet hours or a pause."""
    if now - due > grace:
        return MISSED
    if person.paused_until is not None and due < person.paused_until:
        return PAUSED
    if person.zone is not None and in_quiet_hours(due, person.zone, person.quiet):
        return QUIET
    return SEND


def delivery_day(due: datetime, zone: ZoneInfo, rollover: time = DEFAULT_ROLLOVER) -> date:
    """The local date a delivery is recorded under, with the day's rollover hour: the
    unique key (reminder, this date) is what makes a restart unable to send it twice."""
    return habit_day(due, zone, rollover)


def shifted(slot: Slot, minutes: int) -> Slot:
    """The same slot moved by some minutes (a session reminder hours before, or the
    reflection after it); the weekdays and anchor move with it across midnight."""
    start = datetime.combine(date(2000, 1, 3), slot.at)  # a Monday
    moved = start + timedelta(minutes=minutes)
    day_shift = (moved.date() - start.date()).days
    return Slot(
        at=moved.time(),
        weekdays=frozenset((day + day_shift) % 7 for day in slot.weekdays),
        every_weeks=slot.every_weeks,
        anchor=slot.anchor + timedelta(days=day_shift) if slot.anchor else None,
    )
