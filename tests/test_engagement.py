"""Engagement counted kindly: when two weeks of a homework mostly skipped earn one gentle
suggestion to shrink it, and the nudge that carries it."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from bot.app import BetweenApplication, services_of
from bot.clock import iso
from bot.engagement import may_offer_shrink, mostly_skipped
from bot.nudging import Slot
from bot.scheduler import FIRST
from bot.store import homework, reminders
from handlers import nudges

from .conftest import FixedClock

TODAY = date(2026, 11, 23)


def days(n: int, start: date = TODAY - timedelta(days=14)) -> set[date]:
    return {start + timedelta(days=k) for k in range(n)}


def test_mostly_skipped_needs_enough_nudges_and_few_done() -> None:
    assert mostly_skipped(days(14), days(4))  # done 4 of 14 days
    assert not mostly_skipped(days(14), days(5))  # 5 of 14 is more than a third
    assert not mostly_skipped(days(6), set())  # too few nudges to say anything
    assert mostly_skipped(days(7), set())


def test_the_suggestion_comes_after_two_weeks_and_once_a_fortnight() -> None:
    nudged, done = days(14), days(2)
    created = TODAY - timedelta(days=14)
    assert may_offer_shrink(TODAY, created, None, nudged, done)
    assert not may_offer_shrink(TODAY, TODAY - timedelta(days=13), None, nudged, done)
    assert not may_offer_shrink(TODAY, created, TODAY - timedelta(days=3), nudged, done)
    assert may_offer_shrink(TODAY, created, TODAY - timedelta(days=14), nudged, done)
    assert not may_offer_shrink(TODAY, created, None, nudged, days(10))


async def test_a_nudge_after_two_weeks_mostly_skipped_offers_to_shrink_it_once(
    bot: BetweenApplication, clock: FixedClock
) -> None:
    services = services_of(bot)
    db = services.db
    clock.now = datetime(2026, 11, 23, 21, 0, tzinfo=UTC)
    start = clock.now - timedelta(days=15)
    await db.execute(
        "INSERT INTO users (user_id, chat_id, locale, timezone, created_at, updated_at) "
        "VALUES (5001, 5001, 'en', 'UTC', ?, ?)",
        (iso(start), iso(start)),
    )
    item = await homework.create(db, 5001, "Thought record every day", start)
    await homework.update(db, item, 5001, start, tiny_key="one_thought", anchor="dinner")
    reminder = await reminders.add(
        db,
        user_id=5001,
        kind=reminders.HOMEWORK,
        slot=Slot(at=time(21, 0), weekdays=frozenset(range(7))),
        now=start,
        homework_id=item,
    )
    for back in range(1, 15):  # nudged the last 14 days; done on 2 of them
        day = TODAY - timedelta(days=back)
        await db.execute(
            "INSERT INTO deliveries (reminder_id, user_id, local_date, due_at, status) "
            "VALUES (?, 5001, ?, ?, 'sent')",
            (reminder, day.isoformat(), f"{day.isoformat()}T21:00:00+00:00"),
        )
        if back in (3, 9):
            await homework.mark_day(db, item, 5001, day, "done", clock.now)
    delivery_id = await db.insert(
        "INSERT INTO deliveries (reminder_id, user_id, local_date, due_at, status) "
        "VALUES (?, 5001, '2026-11-23', '2026-11-23T21:00:00+00:00', 'sending')",
        (reminder,),
    )
    delivery = await reminders.get(db, delivery_id, 5001)
    assert delivery is not None

    first = await nudges.render(services, delivery, FIRST)
    assert first is not None
    assert "hasn't fitted into your days much over the last two weeks" in first.text
    assert "not a failing" in first.text
    assert first.markup is not None
    labels = [button.text for row in first.markup.inline_keyboard for button in row]
    assert labels[-2:] == ["Make it smaller", "Ask my therapist"]
    # Once: the next nudge is plain again.
    again = await nudges.render(services, delivery, FIRST)
    assert again is not None and "last two weeks" not in again.text
