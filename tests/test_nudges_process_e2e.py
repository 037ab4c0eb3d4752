"""Nudges and the bot process as the operator runs it (`python -m bot`): killed and
restarted around a due time, a nudge is sent exactly once; missed beyond the grace
window, it is recorded missed; a second process on the same database refuses to start."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.clock import iso
from bot.db import Database
from bot.nudging import Slot
from bot.standin import FakeUser, StandinServer
from bot.store import homework, reminders, users

from .conftest import TOKEN
from .processes import ROOT, bot_process


async def seed(db_path: Path, user_id: int, due: datetime) -> None:
    """A person (UTC, English, consented) whose bedtime homework is due at `due`."""
    db = Database(db_path)
    try:
        now = datetime.now(UTC)
        await users.ensure(db, user_id, user_id, now)
        await users.set_timezone(db, user_id, "UTC", now)
        await users.set_locale(db, user_id, "en", now)
        await users.set_consent(db, user_id, True, now)
        await users.mark_onboarded(db, user_id, now)
        item = await homework.create(db, user_id, "Journal", now)
        await homework.update(db, item, user_id, now, tiny_key="one_sentence", anchor="bed")
        at = due.replace(second=0, microsecond=0)
        await reminders.add(
            db,
            user_id=user_id,
            kind=reminders.HOMEWORK,
            slot=Slot(at=at.time(), weekdays=frozenset(range(7))),
            now=now,
            homework_id=item,
        )
        # As the scheduler derives it; set to the second so the test need not wait for
        # a whole minute to turn.
        await db.execute("UPDATE reminders SET next_due = ?", (iso(due),))
    finally:
        await db.close()


def read(db_path: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as conn:
        return list(conn.execute(sql).fetchall())


async def polled(standin: StandinServer, after: int) -> None:
    """Wait until the bot process starts polling (it deletes any webhook first): it is up."""
    for _ in range(300):
        if any(r.method == "deleteWebhook" for r in standin.requests[after:]):
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the bot did not start polling")


def nudges(person: FakeUser) -> list[str]:
    return [m.text for m in person.messages if m.text.startswith("After I get into bed")]


async def test_killed_before_the_due_time_and_restarted_after_it_sends_the_nudge_once(
    standin: StandinServer, tmp_path: Path
) -> None:
    db = tmp_path / "between.sqlite3"
    ada = standin.user(4001, first_name="Ada", language_code="en")
    ada.started_earlier()
    due = datetime.now(UTC) + timedelta(seconds=6)
    await seed(db, 4001, due)
    async with bot_process(standin, db) as first:
        await polled(standin, 0)
        first.kill()  # SIGKILL, before the nudge is due
        await first.wait()
    await asyncio.sleep(max(0.0, (due - datetime.now(UTC)).total_seconds()) + 0.5)
    assert nudges(ada) == []
    async with bot_process(standin, db):
        nudge = await ada.next_reply(timeout=30)  # late, within the grace window
        assert nudge.text == "After I get into bed: write one sentence about today"
        await asyncio.sleep(1.5)
    assert len(nudges(ada)) == 1
    assert read(db, "SELECT status FROM deliveries") == [("sent",)]


async def test_killed_just_after_sending_and_restarted_does_not_send_it_again(
    standin: StandinServer, tmp_path: Path
) -> None:
    db = tmp_path / "between.sqlite3"
    bo = standin.user(4002, first_name="Bo", language_code="en")
    bo.started_earlier()
    due = datetime.now(UTC) + timedelta(seconds=4)
    await seed(db, 4002, due)
    async with bot_process(standin, db) as first:
        await bo.next_reply(timeout=30)
        for _ in range(100):
            if read(db, "SELECT status FROM deliveries") == [("sent",)]:
                break
            await asyncio.sleep(0.05)
        first.kill()
        await first.wait()
        assert first.returncode == -signal.SIGKILL
    async with bot_process(standin, db):
        await polled(standin, len(standin.requests))
        await asyncio.sleep(2)
    assert len(nudges(bo)) == 1
    next_due = read(db, "SELECT next_due FROM reminders")[0][0]
    assert isinstance(next_due, str) and datetime.fromisoformat(next_due) > due


async def test_a_nudge_missed_beyond_the_grace_window_is_recorded_missed_not_sent(
    standin: StandinServer, tmp_path: Path
) -> None:
    db = tmp_path / "between.sqlite3"
    cy = standin.user(4003, first_name="Cy", language_code="en")
    cy.started_earlier()
    due = datetime.now(UTC) - timedelta(hours=2)  # the bot was down: the grace is an hour
    await seed(db, 4003, due)
    async with bot_process(standin, db):
        await polled(standin, 0)
        for _ in range(100):
            if read(db, "SELECT status FROM deliveries"):
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.5)
    assert nudges(cy) == []
    assert read(db, "SELECT status FROM deliveries") == [("missed",)]
    next_due = datetime.fromisoformat(str(read(db, "SELECT next_due FROM reminders")[0][0]))
    assert next_due > datetime.now(UTC)


async def test_a_second_bot_process_on_the_same_database_refuses_to_start(
    standin: StandinServer, tmp_path: Path
) -> None:
    db = tmp_path / "between.sqlite3"
    async with bot_process(standin, db):
        await polled(standin, 0)
        env = {
            **os.environ,
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_URL": standin.base_url,
            "BETWEEN_DB": str(db),
        }
        second = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            cwd=ROOT,
            env=env,
            stdin=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        _, stderr = await asyncio.wait_for(second.communicate(), 30)
        assert second.returncode == 2
        said = stderr.decode()
        assert "Between cannot start: Between is already running on this database" in said
        assert "409 Conflict" in said
    # Once the first has stopped, the database is free again.
    async with bot_process(standin, db) as third:
        await polled(standin, len(standin.requests))
        assert third.returncode is None
