"""The pure nudge rules of bot/nudging.py: quiet hours, what a due nudge does, when the
next one is due, and slots moved across midnight."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.nudging import (
    MISSED,
    PAUSED,
    QUIET,
    SEND,
    Settings,
    Slot,
    decide,
    in_quiet_hours,
    next_due,
    shifted,
)
from bot.recurrence import EVERY_DAY

NEW_YORK, BERLIN = ZoneInfo("America/New_York"), ZoneInfo("Europe/Berlin")
KOLKATA = ZoneInfo("Asia/Kolkata")
NIGHT = (time(22, 0), time(7, 0))
GRACE = timedelta(hours=1)
WORKDAYS = frozenset(range(5))


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def local(zone: ZoneInfo, year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=zone)


# --- in_quiet_hours -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hour", "minute", "quiet"),
    [
        (22, 0, True),  # the start is inside
        (21, 59, False),
        (23, 30, True),
        (0, 0, True),  # past midnight
        (3, 15, True),
        (6, 59, True),
        (7, 0, False),  # the end is outside
        (12, 0, False),
    ],
)
def test_quiet_hours_wrap_past_midnight(hour: int, minute: int, quiet: bool) -> None:
    moment = local(BERLIN, 2026, 11, 23, hour, minute)
    assert in_quiet_hours(moment, BERLIN, NIGHT) is quiet


@pytest.mark.parametrize(
    ("hour", "minute", "quiet"),
    [(12, 59, False), (13, 0, True), (14, 59, True), (15, 0, False), (23, 0, False)],
)
def test_quiet_hours_within_one_day(hour: int, minute: int, quiet: bool) -> None:
    moment = local(BERLIN, 2026, 11, 23, hour, minute)
    assert in_quiet_hours(moment, BERLIN, (time(13, 0), time(15, 0))) is quiet


def test_quiet_hours_from_midnight() -> None:
    quiet = (time(0, 0), time(9, 0))
    assert in_quiet_hours(local(BERLIN, 2026, 11, 23, 0, 0), BERLIN, quiet)
    assert in_quiet_hours(local(BERLIN, 2026, 11, 23, 8, 59), BERLIN, quiet)
    assert not in_quiet_hours(local(BERLIN, 2026, 11, 23, 9, 0), BERLIN, quiet)
    assert not in_quiet_hours(local(BERLIN, 2026, 11, 22, 23, 59), BERLIN, quiet)


@pytest.mark.parametrize("hour", [0, 6, 12, 21, 22, 23])
def test_equal_ends_are_no_quiet_hours(hour: int) -> None:
    moment = local(BERLIN, 2026, 11, 23, hour)
    assert not in_quiet_hours(moment, BERLIN, (time(22, 0), time(22, 0)))


def test_no_quiet_hours() -> None:
    assert not in_quiet_hours(local(BERLIN, 2026, 11, 23, 3), BERLIN, None)


def test_quiet_hours_are_read_on_the_local_clock() -> None:
    # 03:30 UTC is 22:30 in New York the evening before, 09:00 in Kolkata.
    moment = utc(2026, 11, 24, 3, 30)
    assert in_quiet_hours(moment, NEW_YORK, NIGHT)
    assert not in_quiet_hours(moment, KOLKATA, NIGHT)
    assert in_quiet_hours(moment, ZoneInfo("UTC"), NIGHT)
    # 17:00 UTC is 12:00 in New York and 22:30 in Kolkata.
    noon = utc(2026, 11, 24, 17, 0)
    assert not in_quiet_hours(noon, NEW_YORK, NIGHT)
    assert in_quiet_hours(noon, KOLKATA, NIGHT)


def test_quiet_hours_on_daylight_saving_days() -> None:
    # New York falls back on 2026-11-01: 01:30 happens twice, quiet both times.
    first, second = utc(2026, 11, 1, 5, 30), utc(2026, 11, 1, 6, 30)
    assert first.astimezone(NEW_YORK).hour == second.astimezone(NEW_YORK).hour == 1
    assert in_quiet_hours(first, NEW_YORK, NIGHT) and in_quiet_hours(second, NEW_YORK, NIGHT)
    # Berlin springs forward on 2026-03-29 at 02:00: 07:00 CEST is 05:00 UTC, not quiet.
    assert not in_quiet_hours(utc(2026, 3, 29, 5, 0), BERLIN, NIGHT)
    assert in_quiet_hours(utc(2026, 3, 29, 4, 59), BERLIN, NIGHT)


# --- decide -----------------------------------------------------------------------------

DUE = utc(2026, 11, 23, 20, 0)  # 21:00 in Berlin
PLAIN = Settings(zone=BERLIN)


def test_due_now_is_sent() -> None:
    assert decide(DUE, DUE, GRACE, PLAIN) == SEND


def test_late_within_grace_is_still_sent() -> None:
    assert decide(DUE, DUE + timedelta(minutes=59), GRACE, PLAIN) == SEND
    assert decide(DUE, DUE + GRACE, GRACE, PLAIN) == SEND, "the grace window's end is in it"


def test_missed_beyond_grace() -> None:
    assert decide(DUE, DUE + GRACE + timedelta(seconds=1), GRACE, PLAIN) == MISSED
    assert decide(DUE, DUE + timedelta(days=2), GRACE, PLAIN) == MISSED


def test_missed_comes_before_paused_and_quiet() -> None:
    person = Settings(
        zone=BERLIN, paused_until=DUE + timedelta(days=1), quiet=(time(20, 0), NIGHT[1])
    )
    assert decide(DUE, DUE + timedelta(hours=2), GRACE, person) == MISSED


def test_paused() -> None:
    person = Settings(zone=BERLIN, paused_until=DUE + timedelta(minutes=1))
    assert decide(DUE, DUE, GRACE, person) == PAUSED
    ended = Settings(zone=BERLIN, paused_until=DUE)
    assert decide(DUE, DUE, GRACE, ended) == SEND, "a pause until 21:00 lets 21:00 through"
    past = Settings(zone=BERLIN, paused_until=DUE - timedelta(days=1))
    assert decide(DUE, DUE, GRACE, past) == SEND


def test_paused_comes_before_quiet() -> None:
    person = Settings(
        zone=BERLIN, paused_until=DUE + timedelta(hours=1), quiet=(time(20, 0), NIGHT[1])
    )
    assert decide(DUE, DUE, GRACE, person) == PAUSED


def test_quiet() -> None:
    assert decide(DUE, DUE, GRACE, Settings(zone=BERLIN, quiet=(time(20, 0), NIGHT[1]))) == QUIET
    assert decide(DUE, DUE, GRACE, Settings(zone=BERLIN, quiet=NIGHT)) == SEND
    # Quiet hours are about when it was due, not when it is looked at late.
    late = DUE + timedelta(minutes=30)
    assert decide(DUE, late, GRACE, Settings(zone=BERLIN, quiet=(time(21, 15), NIGHT[1]))) == SEND


def test_quiet_needs_a_zone() -> None:
    assert decide(DUE, DUE, GRACE, Settings(zone=None, quiet=(time(0, 0), time(23, 59)))) == SEND


# --- next_due ---------------------------------------------------------------------------

NOW = utc(2026, 11, 23, 9, 30)  # Monday, 04:30 in New York
MORNING = Slot(at=time(7, 0), weekdays=EVERY_DAY)  # 12:00 UTC in New York in winter
NY = Settings(zone=NEW_YORK)


def test_next_due_is_the_next_local_occurrence() -> None:
    assert next_due(MORNING, NY, NOW) == utc(2026, 11, 23, 12, 0)
    assert next_due(MORNING, NY, utc(2026, 11, 23, 12, 0)) == utc(2026, 11, 24, 12, 0)


@pytest.mark.parametrize(
    ("person", "homework_paused"),
    [
        (Settings(zone=NEW_YORK, blocked=True), False),
        (Settings(zone=None), False),
        (NY, True),
        (Settings(zone=None, blocked=True), True),
    ],
)
def test_nothing_is_due(person: Settings, homework_paused: bool) -> None:
    assert next_due(MORNING, person, NOW, homework_paused=homework_paused) is None


def test_a_pause_moves_the_next_one_past_its_end() -> None:
    paused = Settings(zone=NEW_YORK, paused_until=utc(2026, 11, 23, 13, 0))  # 08:00 local
    assert next_due(MORNING, paused, NOW) == utc(2026, 11, 24, 12, 0)
    week = Settings(zone=NEW_YORK, paused_until=utc(2026, 11, 30, 9, 30))
    assert next_due(MORNING, week, NOW) == utc(2026, 11, 30, 12, 0)


def test_a_pause_over_a_weekend_lands_on_the_next_workday() -> None:
    workdays = Slot(at=time(7, 0), weekdays=WORKDAYS)
    friday = utc(2026, 11, 27, 9, 30)
    paused = Settings(zone=NEW_YORK, paused_until=utc(2026, 11, 28, 13, 0))  # Saturday
    assert next_due(workdays, paused, friday) == utc(2026, 11, 30, 12, 0)  # Monday


def test_a_pause_that_has_ended_changes_nothing() -> None:
    ended = Settings(zone=NEW_YORK, paused_until=utc(2026, 11, 23, 9, 0))
    assert next_due(MORNING, ended, NOW) == utc(2026, 11, 23, 12, 0)


def test_a_pause_across_a_daylight_saving_change() -> None:
    # New York falls back on 2026-11-01: 07:00 EDT is 11:00 UTC, 07:00 EST is 12:00 UTC.
    paused = Settings(zone=NEW_YORK, paused_until=utc(2026, 11, 1, 6, 0))
    assert next_due(MORNING, paused, utc(2026, 10, 30, 12, 0)) == utc(2026, 11, 1, 12, 0)


def test_quiet_hours_do_not_move_next_due() -> None:
    quiet = Settings(zone=NEW_YORK, quiet=(time(0, 0), time(9, 0)))
    assert next_due(MORNING, quiet, NOW) == utc(2026, 11, 23, 12, 0)


def test_a_nudge_at_the_pause_end_is_not_skipped() -> None:
    eight = Slot(at=time(8, 0), weekdays=EVERY_DAY)
    paused = Settings(zone=NEW_YORK, paused_until=utc(2026, 11, 23, 13, 0))  # 08:00 local
    assert next_due(eight, paused, NOW) == utc(2026, 11, 23, 13, 0)


# --- shifted ----------------------------------------------------------------------------


def test_shifted_within_the_day() -> None:
    slot = Slot(at=time(18, 0), weekdays=frozenset({1, 3}))
    assert shifted(slot, -120) == Slot(at=time(16, 0), weekdays=frozenset({1, 3}))
    assert shifted(slot, 90) == Slot(at=time(19, 30), weekdays=frozenset({1, 3}))
    assert shifted(slot, 0) == slot


def test_shifted_back_across_midnight() -> None:
    monday_early = Slot(at=time(1, 0), weekdays=frozenset({0, 3}))
    assert shifted(monday_early, -180) == Slot(at=time(22, 0), weekdays=frozenset({6, 2}))


def test_shifted_forward_across_midnight() -> None:
    sunday_late = Slot(at=time(23, 0), weekdays=frozenset({6, 4}))
    assert shifted(sunday_late, 90) == Slot(at=time(0, 30), weekdays=frozenset({0, 5}))


def test_shifted_moves_the_anchor_with_it() -> None:
    fortnightly = Slot(
        at=time(0, 30), weekdays=frozenset({0}), every_weeks=2, anchor=date(2026, 11, 23)
    )
    before = shifted(fortnightly, -60)
    assert before == Slot(
        at=time(23, 30), weekdays=frozenset({6}), every_weeks=2, anchor=date(2026, 11, 22)
    )
    after = shifted(Slot(time(23, 0), frozenset({0}), 2, date(2026, 11, 23)), 120)
    assert after == Slot(time(1, 0), frozenset({1}), 2, date(2026, 11, 24))
    # The shifted slot runs on the same fortnights, a day earlier.
    start = utc(2026, 11, 20)
    zone = Settings(zone=BERLIN)
    original = next_due(fortnightly, zone, start)
    moved = next_due(before, zone, start)
    assert original is not None and moved is not None
    assert original - moved == timedelta(hours=1)


def test_shifted_by_a_whole_day_and_more() -> None:
    slot = Slot(at=time(10, 0), weekdays=frozenset({6}))
    assert shifted(slot, 24 * 60) == Slot(at=time(10, 0), weekdays=frozenset({0}))
    assert shifted(slot, -(24 * 60 + 30)) == Slot(at=time(9, 30), weekdays=frozenset({5}))


def test_slots_refuse_what_cannot_be_scheduled() -> None:
    with pytest.raises(ValueError, match="wall-clock"):
        Slot(at=time(8, 0, tzinfo=UTC), weekdays=EVERY_DAY)
    with pytest.raises(ValueError, match="weekdays"):
        Slot(at=time(8, 0), weekdays=frozenset())
    with pytest.raises(ValueError, match="weekdays"):
        Slot(at=time(8, 0), weekdays=frozenset({7}))
    with pytest.raises(ValueError, match="anchor"):
        Slot(at=time(8, 0), weekdays=EVERY_DAY, every_weeks=2)
