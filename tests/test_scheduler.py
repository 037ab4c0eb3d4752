"""The nudge scheduler over a real database: derived from rows, once per (reminder, day),
late only within the grace window, and free of APScheduler's three measured traps."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from telegram import InlineKeyboardMarkup
from telegram.error import Forbidden, NetworkError
from telegram.ext import ApplicationBuilder

from bot.clock import iso
from bot.db import Database
from bot.nudging import Slot
from bot.scheduler import FIRST, FOLLOWUP, Outgoing, Scheduler, Timing
from bot.store import homework, reminders, users
from bot.store.reminders import Delivery

from .conftest import TOKEN, FixedClock, MovingClock

DAILY = frozenset(range(7))


class Outbox:
    """Stands in for Telegram's sendMessage: records what was sent, or fails as told."""

    def __init__(self) -> None:
        self.sent: list[tuple[int, str]] = []
        self.fail: Exception | None = None

    async def __call__(self, chat_id: int, text: str, markup: InlineKeyboardMarkup | None) -> int:
        if self.fail is not None:
            raise self.fail
        self.sent.append((chat_id, text))
        return len(self.sent)


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = Database(tmp_path / "between.sqlite3")
    yield database
    await database.close()


async def person_with_nudge(
    db: Database, user_id: int, zone: str, at: time, now: datetime
) -> tuple[int, int]:
    """A person in `zone` with a homework nudged daily at `at`: (homework, reminder)."""
    await users.ensure(db, user_id, user_id, now)
    await users.set_timezone(db, user_id, zone, now)
    item = await homework.create(db, user_id, "Journal", now)
    await homework.update(db, item, user_id, now, tiny_key="one_sentence", anchor="bed")
    reminder = await reminders.add(
        db,
        user_id=user_id,
        kind=reminders.HOMEWORK,
        slot=Slot(at=at, weekdays=DAILY),
        now=now,
        homework_id=item,
    )
    return item, reminder


def scheduler_for(db: Database, clock: FixedClock | MovingClock, **timing: object) -> Scheduler:
    scheduler = Scheduler(db, clock, Timing(**timing))  # type: ignore[arg-type]

    async def render(delivery: Delivery, occasion: str) -> Outgoing | None:
        if occasion == FOLLOWUP and delivery.answer is not None:
            return None
        return Outgoing(f"{occasion} {delivery.local_date}", follow_up=True)

    scheduler.register(reminders.HOMEWORK, render)
    return scheduler


async def deliveries(db: Database) -> list[tuple[str, str, str]]:
    rows = await db.fetchall("SELECT local_date, due_at, status FROM deliveries ORDER BY due_at")
    return [(str(r[0]), str(r[1]), str(r[2])) for r in rows]


async def test_a_nudge_is_sent_once_when_due_and_next_due_moves_to_tomorrow(db: Database) -> None:
    clock = FixedClock(datetime(2026, 11, 23, 20, 0, tzinfo=UTC))
    _, reminder = await person_with_nudge(db, 1, "Europe/Berlin", time(21, 30), clock.now)
    scheduler, outbox = scheduler_for(db, clock), Outbox()
    await scheduler.start(outbox, None)
    await scheduler.refresh_person(1)
    [row] = await reminders.of_person(db, 1)
    assert row.next_due == datetime(2026, 11, 23, 20, 30, tzinfo=UTC)  # 21:30 CET

    assert await scheduler.run_due() == 0  # not yet
    clock.now = datetime(2026, 11, 23, 20, 30, 1, tzinfo=UTC)
    assert await scheduler.run_due() == 1
    assert await scheduler.run_due() == 0  # asked again at once: nothing more
    assert outbox.sent == [(1, "first 2026-11-23")]
    assert await deliveries(db) == [("2026-11-23", "2026-11-23T20:30:00+00:00", "sent")]
    [row] = await reminders.of_person(db, 1)
    assert row.reminder_id == reminder
    assert row.next_due == datetime(2026, 11, 24, 20, 30, tzinfo=UTC)


async def test_a_second_scheduler_on_the_same_rows_never_sends_the_same_nudge(
    db: Database,
) -> None:
    clock = FixedClock(datetime(2026, 11, 23, 20, 0, tzinfo=UTC))
    await person_with_nudge(db, 1, "Europe/Berlin", time(21, 30), clock.now)
    first, outbox = scheduler_for(db, clock), Outbox()
    await first.start(outbox, None)
    await first.refresh_person(1)
    clock.now = datetime(2026, 11, 23, 20, 31, tzinfo=UTC)
    assert await first.run_due() == 1
    # A restart: the same rows, a new scheduler; and even with next_due set back by
    # hand, the unique key (reminder, local date) refuses the same delivery.
    await db.execute("UPDATE reminders SET next_due = ?", (iso(clock.now - timedelta(minutes=1)),))
    second = scheduler_for(db, clock)
    await second.start(outbox, None)
    assert await second.run_due() == 0
    assert len(outbox.sent) == 1


async def test_a_nudge_missed_beyond_the_grace_window_is_recorded_missed_not_sent(
    db: Database,
) -> None:
    clock = FixedClock(datetime(2026, 11, 23, 20, 0, tzinfo=UTC))
    await person_with_nudge(db, 1, "UTC", time(20, 0), clock.now - timedelta(days=1))
    scheduler, outbox = scheduler_for(db, clock), Outbox()
    await scheduler.start(outbox, None)
    await db.execute("UPDATE reminders SET next_due = ?", ("2026-11-23T18:30:00+00:00",))
    assert await scheduler.run_due() == 0
    assert outbox.sent == []
    assert await deliveries(db) == [("2026-11-23", "2026-11-23T18:30:00+00:00", "missed")]
    [row] = await reminders.of_person(db, 1)
    assert row.next_due == datetime(2026, 11, 24, 20, 0, tzinfo=UTC)


async def test_a_nudge_missed_within_the_grace_window_is_sent_late_once(db: Database) -> None:
    clock = FixedClock(datetime(2026, 11, 23, 20, 40, tzinfo=UTC))
    await person_with_nudge(db, 1, "UTC", time(20, 0), clock.now - timedelta(days=1))
    scheduler, outbox = scheduler_for(db, clock), Outbox()
    await scheduler.start(outbox, None)
    await db.execute("UPDATE reminders SET next_due = ?", ("2026-11-23T20:00:00+00:00",))
    assert await scheduler.run_due() == 1
    assert await deliveries(db) == [("2026-11-23", "2026-11-23T20:00:00+00:00", "sent")]


async def test_a_send_in_flight_at_a_kill_is_retried_at_start_up_within_grace(
    db: Database,
) -> None:
    clock = FixedClock(datetime(2026, 11, 23, 20, 0, tzinfo=UTC))
    await person_with_nudge(db, 1, "UTC", time(20, 0), clock.now - timedelta(days=1))
    await person_with_nudge(db, 2, "UTC", time(18, 0), clock.now - timedelta(days=1))
    reminder_rows = await db.fetchall("SELECT reminder_id, user_id FROM reminders")
    ids = {int(r["user_id"]): int(r["reminder_id"]) for r in reminder_rows}
    # As a kill leaves them: claimed, being sent, never marked sent.
    for user_id, due in ((1, "2026-11-23T19:59:00+00:00"), (2, "2026-11-23T18:00:00+00:00")):
        await db.execute(
            "INSERT INTO deliveries (reminder_id, user_id, local_date, due_at, status) "
            "VALUES (?, ?, '2026-11-23', ?, 'sending')",
            (ids[user_id], user_id, due),
        )
    scheduler, outbox = scheduler_for(db, clock), Outbox()
    await scheduler.start(outbox, None)
    await scheduler.run_due()
    assert outbox.sent == [(1, "retry 2026-11-23")]  # person 2's is two hours old: missed
    statuses = await db.fetchall("SELECT user_id, status FROM deliveries ORDER BY user_id")
    assert [(int(r[0]), str(r[1])) for r in statuses] == [(1, "sent"), (2, "missed")]


async def test_one_follow_up_if_unanswered_and_none_once_answered(db: Database) -> None:
    clock = FixedClock(datetime(2026, 11, 23, 20, 0, tzinfo=UTC))
    await person_with_nudge(db, 1, "UTC", time(20, 0), clock.now - timedelta(days=1))
    await person_with_nudge(db, 2, "UTC", time(20, 0), clock.now - timedelta(days=1))
    await db.execute("UPDATE reminders SET next_due = ?", (iso(clock.now),))
    scheduler = scheduler_for(db, clock, follow_up_after=timedelta(hours=2))
    outbox = Outbox()
    await scheduler.start(outbox, None)
    assert await scheduler.run_due() == 2
    answered = await db.fetchone("SELECT delivery_id FROM deliveries WHERE user_id = 2")
    assert answered is not None
    await reminders.answer(db, int(answered[0]), 2, "done", clock.now)
    clock.now += timedelta(hours=2, seconds=1)
    assert await scheduler.run_due() == 1
    clock.now += timedelta(hours=5)
    await scheduler.run_due()
    assert [text for _, text in outbox.sent].count("followup 2026-11-23") == 1
    assert outbox.sent[-1] == (1, "followup 2026-11-23")


async def test_a_blocked_person_gets_no_more_nudges_until_they_come_back(db: Database) -> None:
    clock = FixedClock(datetime(2026, 11, 23, 20, 0, tzinfo=UTC))
    await person_with_nudge(db, 1, "UTC", time(20, 0), clock.now - timedelta(days=1))
    await db.execute("UPDATE reminders SET next_due = ?", (iso(clock.now),))
    scheduler, outbox = scheduler_for(db, clock), Outbox()
    await scheduler.start(outbox, None)
    outbox.fail = Forbidden("Forbidden: bot was blocked by the user")
    await scheduler.run_due()
    person = await users.get(db, 1)
    assert person is not None and person.blocked_at is not None
    [row] = await reminders.of_person(db, 1)
    assert row.next_due is None  # nothing is due for a person who blocked the bot
    assert (await deliveries(db))[0][2] == "blocked"
    # They come back (any message, such as /start): due again from now on.
    outbox.fail = None
    await users.ensure(db, 1, 1, clock.now)
    await scheduler.refresh_person(1)
    [row] = await reminders.of_person(db, 1)
    assert row.next_due == datetime(2026, 11, 24, 20, 0, tzinfo=UTC)


async def test_network_trouble_is_retried_not_lost(db: Database) -> None:
    clock = FixedClock(datetime(2026, 11, 23, 20, 0, tzinfo=UTC))
    await person_with_nudge(db, 1, "UTC", time(20, 0), clock.now - timedelta(days=1))
    await db.execute("UPDATE reminders SET next_due = ?", (iso(clock.now),))
    scheduler, outbox = scheduler_for(db, clock), Outbox()
    await scheduler.start(outbox, None)
    outbox.fail = NetworkError("connection reset")
    assert await scheduler.run_due() == 0
    outbox.fail = None
    clock.now += timedelta(seconds=31)
    assert await scheduler.run_due() == 1
    assert outbox.sent == [(1, "retry 2026-11-23")]


async def test_berlin_fall_back_day_a_0230_nudge_fires_once(db: Database) -> None:
    """APScheduler's daily 02:30 Europe/Berlin job fires twice on 25 October 2026."""
    clock = FixedClock(datetime(2026, 10, 24, 22, 0, tzinfo=UTC))
    await person_with_nudge(db, 1, "Europe/Berlin", time(2, 30), clock.now)
    scheduler, outbox = scheduler_for(db, clock), Outbox()
    await scheduler.start(outbox, None)
    await scheduler.refresh_person(1)
    while clock.now < datetime(2026, 10, 25, 4, 0, tzinfo=UTC):
        await scheduler.run_due()
        clock.now += timedelta(minutes=5)
    # Once, at the first 02:30 (CEST, 00:30 UTC); the repeated 02:30 CET (01:30 UTC) not.
    # The delivery counts for the 24th: before the 04:00 rollover, it is still that night.
    assert await deliveries(db) == [("2026-10-24", "2026-10-25T00:30:00+00:00", "sent")]
    assert [sent for sent in outbox.sent if sent[1].startswith(FIRST)] == [(1, "first 2026-10-24")]


async def test_berlin_spring_forward_day_a_0230_nudge_fires_once_at_0300(db: Database) -> None:
    clock = FixedClock(datetime(2026, 3, 28, 22, 0, tzinfo=UTC))
    await person_with_nudge(db, 1, "Europe/Berlin", time(2, 30), clock.now)
    scheduler, outbox = scheduler_for(db, clock), Outbox()
    await scheduler.start(outbox, None)
    await scheduler.refresh_person(1)
    while clock.now < datetime(2026, 3, 29, 4, 0, tzinfo=UTC):
        await scheduler.run_due()
        clock.now += timedelta(minutes=5)
    # 02:30 does not exist that night: once, at 03:00 CEST (01:00 UTC).
    assert await deliveries(db) == [("2026-03-28", "2026-03-29T01:00:00+00:00", "sent")]


async def test_quiet_hours_hold_a_nudge_back_and_record_it(db: Database) -> None:
    clock = FixedClock(datetime(2026, 11, 23, 22, 30, tzinfo=UTC))
    await person_with_nudge(db, 1, "UTC", time(22, 30), clock.now - timedelta(days=1))
    await users.set_quiet_hours(db, 1, ("22:00", "07:00"), clock.now)
    await db.execute("UPDATE reminders SET next_due = ?", (iso(clock.now),))
    scheduler, outbox = scheduler_for(db, clock), Outbox()
    await scheduler.start(outbox, None)
    await scheduler.run_due()
    assert outbox.sent == []
    assert (await deliveries(db))[0][2] == "quiet"


def test_a_time_with_tzinfo_is_refused_so_no_naive_time_reaches_the_job_queue() -> None:
    with pytest.raises(ValueError, match="wall-clock"):
        Slot(at=time(21, 30, tzinfo=UTC), weekdays=DAILY)


async def test_the_job_queue_wakes_at_the_aware_instant_in_the_persons_zone(
    db: Database,
) -> None:
    """APScheduler takes a `time` without tzinfo as UTC: the wake-up is given as a delay
    from the aware next_due, so 21:30 in Kolkata (+05:30) is 16:00 UTC."""
    clock = MovingClock(datetime(2026, 11, 23, 15, 59, 57, tzinfo=UTC))
    await person_with_nudge(db, 1, "Asia/Kolkata", time(21, 30), clock())
    application = ApplicationBuilder().token(TOKEN).build()
    job_queue = application.job_queue
    assert job_queue is not None
    await job_queue.start()
    try:
        scheduler, outbox = scheduler_for(db, clock), Outbox()
        await scheduler.start(outbox, job_queue)
        await scheduler.refresh_person(1)
        [row] = await reminders.of_person(db, 1)
        assert row.next_due == datetime(2026, 11, 23, 16, 0, tzinfo=UTC)
        wakes = scheduler.wakes_at
        assert wakes is not None and wakes.tzinfo is not None
        expected = datetime.now(UTC) + (row.next_due - clock())
        assert abs((wakes - expected).total_seconds()) < 1
        for _ in range(150):
            if outbox.sent:
                break
            await asyncio.sleep(0.1)
        assert outbox.sent == [(1, f"{FIRST} 2026-11-23")]
    finally:
        await scheduler.stop()
        await job_queue.stop(wait=False)


async def test_six_thousand_nudges_due_in_the_same_second_are_all_sent(db: Database) -> None:
    """With one JobQueue job per reminder and the default misfire_grace_time of 1 s,
    about 5,000 jobs due in the same second are all dropped as missed. Here one job wakes
    the scheduler, which claims them from the rows: every one is sent, once."""
    count = 6000
    clock = MovingClock(datetime(2026, 11, 23, 20, 59, 58, tzinfo=UTC))
    now = clock()
    conn = await db.connection()
    await conn.execute("BEGIN")
    await conn.executemany(
        "INSERT INTO users (user_id, chat_id, timezone, created_at, updated_at) "
        "VALUES (?, ?, 'UTC', ?, ?)",
        [(n, n, iso(now), iso(now)) for n in range(1, count + 1)],
    )
    await conn.executemany(
        "INSERT INTO homework (homework_id, user_id, text, created_at, updated_at) "
        "VALUES (?, ?, 'Journal', ?, ?)",
        [(n, n, iso(now), iso(now)) for n in range(1, count + 1)],
    )
    await conn.executemany(
        "INSERT INTO reminders (user_id, kind, homework_id, at_time, weekdays, next_due, "
        "created_at, updated_at) VALUES (?, 'homework', ?, '21:00', '0123456', "
        "'2026-11-23T21:00:00+00:00', ?, ?)",
        [(n, n, iso(now), iso(now)) for n in range(1, count + 1)],
    )
    await conn.execute("COMMIT")
    application = ApplicationBuilder().token(TOKEN).build()
    job_queue = application.job_queue
    assert job_queue is not None
    await job_queue.start()
    scheduler, outbox = scheduler_for(db, clock), Outbox()
    try:
        await scheduler.start(outbox, job_queue)
        for _ in range(450):
            if len(outbox.sent) >= count:
                break
            await asyncio.sleep(0.2)
        await asyncio.sleep(0.3)
    finally:
        await scheduler.stop()
        await job_queue.stop(wait=False)
    assert len(outbox.sent) == count
    assert len({chat for chat, _ in outbox.sent}) == count
    rows = await db.fetchall("SELECT status, COUNT(*) FROM deliveries GROUP BY status")
    assert {str(r[0]): int(r[1]) for r in rows} == {"sent": count}
    assert date(2026, 11, 23).isoformat() in outbox.sent[0][1]


async def test_a_change_while_a_nudge_is_due_but_unclaimed_does_not_lose_it(
    db: Database,
) -> None:
    clock = FixedClock(datetime(2026, 11, 23, 20, 0, 2, tzinfo=UTC))
    await person_with_nudge(db, 1, "UTC", time(20, 0), clock.now - timedelta(days=1))
    await db.execute("UPDATE reminders SET next_due = '2026-11-23T20:00:00+00:00'")
    scheduler, outbox = scheduler_for(db, clock), Outbox()
    await scheduler.start(outbox, None)
    # The person changes a setting two seconds after the nudge fell due, before the run
    # (busy with a burst) has claimed it.
    await users.set_quiet_hours(db, 1, ("23:00", "07:00"), clock.now)
    await scheduler.refresh_person(1)
    assert await scheduler.run_due() == 1
    assert outbox.sent == [(1, "first 2026-11-23")]


async def test_a_snooze_hit_by_network_trouble_is_tried_again(db: Database) -> None:
    clock = FixedClock(datetime(2026, 11, 23, 20, 0, tzinfo=UTC))
    await person_with_nudge(db, 1, "UTC", time(20, 0), clock.now - timedelta(days=1))
    await db.execute("UPDATE reminders SET next_due = ?", (iso(clock.now),))
    scheduler, outbox = scheduler_for(db, clock), Outbox()
    await scheduler.start(outbox, None)
    await scheduler.run_due()
    row = await db.fetchone("SELECT delivery_id FROM deliveries")
    assert row is not None
    snooze_at = clock.now + timedelta(hours=1)
    await reminders.answer(db, int(row[0]), 1, "later", clock.now, again_at=snooze_at)
    clock.now = snooze_at
    outbox.fail = NetworkError("connection reset")
    await scheduler.run_due()
    outbox.fail = None
    clock.now += timedelta(seconds=31)
    await scheduler.run_due()
    assert outbox.sent[-1] == (1, "snooze 2026-11-23")


async def test_a_late_retry_keeps_quiet_hours_as_of_now(db: Database) -> None:
    clock = FixedClock(datetime(2026, 11, 23, 22, 20, tzinfo=UTC))
    await person_with_nudge(db, 1, "UTC", time(21, 45), clock.now - timedelta(days=1))
    await users.set_quiet_hours(db, 1, ("22:00", "07:00"), clock.now)
    reminder = await db.fetchone("SELECT reminder_id FROM reminders")
    assert reminder is not None
    await db.execute(
        "INSERT INTO deliveries (reminder_id, user_id, local_date, due_at, status) "
        "VALUES (?, 1, '2026-11-23', '2026-11-23T21:45:00+00:00', 'sending')",
        (int(reminder[0]),),
    )
    scheduler, outbox = scheduler_for(db, clock), Outbox()
    await scheduler.start(outbox, None)  # back at 22:20, inside quiet hours
    await scheduler.run_due()
    assert outbox.sent == []
    assert (await deliveries(db))[0][2] == "quiet"


async def test_changing_a_homeworks_time_keeps_its_history_and_sends_once_a_day(
    db: Database,
) -> None:
    clock = FixedClock(datetime(2026, 11, 23, 20, 0, 1, tzinfo=UTC))
    item, _ = await person_with_nudge(db, 1, "UTC", time(20, 0), clock.now - timedelta(days=1))
    await db.execute("UPDATE reminders SET next_due = '2026-11-23T20:00:00+00:00'")
    scheduler, outbox = scheduler_for(db, clock), Outbox()
    await scheduler.start(outbox, None)
    assert await scheduler.run_due() == 1
    # Moved to 21:00 the same evening: the answer history stays, no second nudge today.
    await reminders.replace(
        db,
        user_id=1,
        kinds=(reminders.HOMEWORK,),
        slots=[(reminders.HOMEWORK, Slot(at=time(21, 0), weekdays=DAILY))],
        now=clock.now,
        homework_id=item,
    )
    await scheduler.refresh_person(1)
    clock.now = datetime(2026, 11, 23, 21, 0, 1, tzinfo=UTC)
    assert await scheduler.run_due() == 0
    assert len(await deliveries(db)) == 1
    clock.now = datetime(2026, 11, 24, 21, 0, 1, tzinfo=UTC)
    assert await scheduler.run_due() == 1
