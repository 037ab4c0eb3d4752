"""/export and /forget over real HTTP: a person's data, all of it, sent as documents or
erased after two confirmations, and nothing of theirs left in any table."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, time

import pytest

from bot.app import BetweenApplication, services_of
from bot.nudging import Slot
from bot.standin import FakeUser, StandinServer
from bot.store import everything, homework, reminders, safety, sessions
from bot.store import plans as plan_store

from .conftest import FixedClock
from .flows import onboarded

pytestmark = pytest.mark.usefixtures("private_log")


async def full_week(standin: StandinServer, bot: BetweenApplication, user_id: int) -> FakeUser:
    """A person with something in every kind of table: check-ins with a note, homework
    with its nudge and a done day, a session and a reflection, a question, a plan used
    after a check-in, a safety plan, and flow notes."""
    person = await onboarded(standin, user_id, "en")
    await person.send("If I feel anxious at work, then I will take three slow breaths")
    card = await person.next_reply()
    await person.tap(card, "Save")
    await person.next_reply()
    await person.send("/checkin")
    screen = await person.next_reply()
    await person.tap(screen, "Fearful")
    await person.tap(await person.next_reply(), "Anxious")
    await person.tap(await person.next_reply(), "Just “Anxious”")
    await person.tap(await person.next_reply(), "7")
    await person.tap(await person.next_reply(), "Just log it")
    await person.next_reply()
    await person.send("Meeting with <my> manager & team")
    thanks = await person.next_reply()
    while "You made a plan" not in thanks.text:
        thanks = await person.next_reply()
    await person.tap(thanks, "I used it")
    await person.next_reply()
    services = services_of(bot)
    db, now = services.db, services.clock()
    item = await homework.create(db, user_id, "Thought record, every evening", now)
    await homework.mark_day(db, item, user_id, now.date(), homework.DONE, now)
    await reminders.add(
        db, user_id=user_id, kind=reminders.HOMEWORK, homework_id=item, now=now,
        slot=Slot(at=time(21, 30), weekdays=frozenset(range(7))),
    )  # fmt: skip
    await services.scheduler.refresh_person(user_id)
    await homework.add_question(db, user_id, "Why do Mondays feel so heavy?", "prep", now)
    await sessions.answer(db, user_id, now.date(), "takeaway", "Go slower", now)
    await safety.save_section(db, user_id, "people", "Sam: 555 0101", now)
    return person


async def test_export_sends_every_row_as_json_and_the_check_ins_as_csv(
    standin: StandinServer, bot: BetweenApplication
) -> None:
    ada = await full_week(standin, bot, 9701)
    await ada.send("/export")
    first = await ada.next_reply()
    second = await ada.next_reply()
    assert first.document is not None and second.document is not None
    assert first.document.file_name.endswith(".json")
    assert second.document.file_name.endswith(".csv")
    exported = json.loads(first.document.data.decode("utf-8"))
    db = services_of(bot).db
    stored = await everything.export(db, 9701, 9701)
    assert exported["tables"] == json.loads(json.dumps(stored))  # every row, as stored
    for table in ("users", "checkins", "homework", "homework_days", "reminders", "plans",
                  "plan_uses", "therapist_questions", "safety_plan", "reflections",
                  "user_data"):  # fmt: skip
        assert exported["tables"][table], f"{table} is in the export"
    (checkin,) = exported["tables"]["checkins"]
    assert checkin["note"] == "Meeting with <my> manager & team"  # verbatim
    lines = list(csv.reader(io.StringIO(second.document.data.decode("utf-8-sig"))))
    assert lines[0][:4] == ["Date", "Time", "Feeling", "Intensity"]
    assert lines[1][2:4] == ["Fearful › Anxious", "7"]
    assert lines[1][-1] == "Meeting with <my> manager & team"
    assert "Your 1 check-in, for a spreadsheet." in second.text  # the caption
    # Nobody else's rows: a second person's export holds only theirs.
    bo = await onboarded(standin, 9702, "en")
    await bo.send("/export")
    theirs = json.loads((await bo.next_reply()).document.data)  # type: ignore[union-attr]
    assert theirs["tables"]["checkins"] == [] and theirs["tables"]["plans"] == []
    assert [row["user_id"] for row in theirs["tables"]["users"]] == [9702]


async def test_forget_after_two_confirmations_leaves_no_row_in_any_table(
    standin: StandinServer, bot: BetweenApplication, clock: FixedClock
) -> None:
    cy = await full_week(standin, bot, 9703)
    keep = await onboarded(standin, 9704, "en")  # someone else, who stays
    db = services_of(bot).db
    assert (await reminders.of_person(db, 9703))[0].next_due is not None

    await cy.send("/forget")
    ask = await cy.next_reply()
    assert "Erase everything?" in ask.text and "/export" in ask.text
    await cy.tap(ask, "Keep my data")
    assert "Nothing was erased" in (await cy.next_reply()).text
    assert await plan_store.of_person(db, 9703)

    await cy.send("/forget")
    ask = await cy.next_reply()
    await cy.tap(ask, "Erase everything")
    sure = await cy.next_reply()
    assert sure.message_id == ask.message_id and "Are you sure?" in sure.text
    assert await plan_store.of_person(db, 9703)  # nothing erased before the second tap
    await cy.tap(sure, "Yes, erase it all")
    done = await cy.next_reply()
    assert "Erased." in done.text
    assert "1 check-in" in done.text and "1 plan" in done.text and "1 homework" in done.text
    assert "1 reflection" in done.text
    await bot.update_persistence()

    # Every table, every column: no value that is this person's id, in any form.
    for table in await db.table_names():
        rows = await db.fetchall(f"SELECT * FROM {table}")  # noqa: S608 - from the schema
        for row in rows:
            values = [str(value) for value in tuple(row)]
            assert not any("9703" in value for value in values), (table, values)
    assert await reminders.earliest(db) is None  # nothing left to send
    assert await everything.export(db, 9704, 9704) != {}
    assert (await everything.export(db, 9704, 9704))["users"]  # the other person stays
    await keep.send("/plans")
    assert "You have no if-then plans yet" in (await keep.next_reply()).text
    # A double tap on the last button erases nothing more and says nothing.
    await cy.tap(sure, "Yes, erase it all")
    assert clock() == datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
