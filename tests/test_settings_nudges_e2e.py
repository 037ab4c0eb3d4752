"""Quiet hours and "pause all nudges until" in /settings, end to end over HTTP.

The clock stands at Monday 2026-11-23 09:30 UTC: 04:30 in New York (EST, UTC-5), where
every person here lives after onboarding.
"""

from __future__ import annotations

from datetime import UTC, datetime, time

from bot.app import BetweenApplication, services_of
from bot.nudging import Slot
from bot.recurrence import EVERY_DAY
from bot.standin import BotMessage, FakeUser, StandinServer
from bot.store import homework, reminders, users

from .conftest import FixedClock
from .flows import onboarded


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def buttons(message: BotMessage) -> list[str]:
    return [text for row in message.buttons for text in row]


async def settings_home(person: FakeUser) -> BotMessage:
    await person.send("/settings")
    return await person.next_reply()


def last_answer(person: FakeUser) -> str:
    answer = person.callback_answers[max(person.callback_answers)]
    assert answer is not None
    return str(answer.get("text", ""))


async def test_settings_home_shows_quiet_hours_and_nudges(
    standin: StandinServer, bot: BetweenApplication
) -> None:
    alex = await onboarded(standin, 5001, "en")
    view = await settings_home(alex)
    assert "Quiet hours: off" in view.text
    assert "Nudges: on" in view.text
    assert {"Quiet hours", "Pause nudges"} <= set(buttons(view))
    assert "Resume nudges" not in buttons(view)


async def test_setting_and_clearing_quiet_hours(
    standin: StandinServer, bot: BetweenApplication
) -> None:
    db = services_of(bot).db
    alex = await onboarded(standin, 5002, "en")
    view = await settings_home(alex)

    await alex.tap(view, "Quiet hours")
    quiet = await alex.next_reply()
    assert quiet.message_id == view.message_id, "edited in place"
    assert buttons(quiet) == [
        "21:00–07:00",
        "22:00–07:00",
        "22:00–08:00",
        "23:00–08:00",
        "00:00–09:00",
        "✓ Off",
        "« Back",
    ]

    await alex.tap(quiet, "22:00–07:00")
    home = await alex.next_reply()
    assert home.message_id == view.message_id
    assert "Quiet hours: 22:00–07:00" in home.text
    assert "22:00–07:00" in last_answer(alex)
    stored = await users.get(db, 5002)
    assert stored is not None
    assert (stored.quiet_from, stored.quiet_until) == ("22:00", "07:00")

    await alex.tap(home, "Quiet hours")
    quiet = await alex.next_reply()
    assert "✓ 22:00–07:00" in buttons(quiet)
    assert "Off" in buttons(quiet) and "✓ Off" not in buttons(quiet)

    await alex.tap(quiet, "✓ 22:00–07:00")  # choosing the current one again is harmless
    home = await alex.next_reply()
    assert "Quiet hours: 22:00–07:00" in home.text
    await alex.tap(home, "Quiet hours")
    quiet = await alex.next_reply()
    await alex.tap(quiet, "00:00–09:00")
    home = await alex.next_reply()
    assert "Quiet hours: 00:00–09:00" in home.text
    stored = await users.get(db, 5002)
    assert stored is not None
    assert (stored.quiet_from, stored.quiet_until) == ("00:00", "09:00")

    await alex.tap(home, "Quiet hours")
    quiet = await alex.next_reply()
    await alex.tap(quiet, "Off")
    home = await alex.next_reply()
    assert "Quiet hours: off" in home.text
    stored = await users.get(db, 5002)
    assert stored is not None and stored.quiet_from is None and stored.quiet_until is None

    await alex.tap(home, "Quiet hours")
    quiet = await alex.next_reply()
    await alex.tap(quiet, "« Back")
    back = await alex.next_reply()
    assert back.message_id == view.message_id and "Quiet hours: off" in back.text
    assert all(answer is not None for answer in alex.callback_answers.values())


async def test_pause_until_tomorrow_morning_and_resume(
    standin: StandinServer, bot: BetweenApplication
) -> None:
    db = services_of(bot).db
    alex = await onboarded(standin, 5003, "en")
    view = await settings_home(alex)

    await alex.tap(view, "Pause nudges")
    pause = await alex.next_reply()
    assert pause.message_id == view.message_id
    assert buttons(pause) == ["Until tomorrow morning", "For 3 days", "For a week", "« Back"]
    assert "/sos" in pause.text

    await alex.tap(pause, "Until tomorrow morning")
    home = await alex.next_reply()
    assert home.message_id == view.message_id
    # 04:30 in New York: the next 08:00 there is this morning's, 13:00 UTC.
    stored = await users.get(db, 5003)
    assert stored is not None and stored.nudges_paused_until == utc(2026, 11, 23, 13, 0)
    assert "Nudges: paused until Mon, Nov 23, 8:00\u202fAM" in home.text
    assert "Resume nudges" in buttons(home) and "Pause nudges" not in buttons(home)
    answer = last_answer(alex)
    assert "Nudges paused until Mon, Nov 23, 8:00\u202fAM" in answer and "/sos" in answer

    await alex.tap(home, "Resume nudges")
    paused = await alex.next_reply()
    assert "paused until Mon, Nov 23, 8:00\u202fAM" in paused.text
    assert buttons(paused)[0] == "Resume now"
    await alex.tap(paused, "Resume now")
    home = await alex.next_reply()
    assert "Nudges: on" in home.text and "Pause nudges" in buttons(home)
    assert last_answer(alex) == "Nudges are back on."
    stored = await users.get(db, 5003)
    assert stored is not None and stored.nudges_paused_until is None
    assert all(answer is not None for answer in alex.callback_answers.values())


async def test_pause_for_days_keeps_the_local_time(
    standin: StandinServer, bot: BetweenApplication
) -> None:
    db = services_of(bot).db
    alex = await onboarded(standin, 5004, "en")
    view = await settings_home(alex)
    await alex.tap(view, "Pause nudges")
    pause = await alex.next_reply()
    await alex.tap(pause, "For 3 days")
    home = await alex.next_reply()
    stored = await users.get(db, 5004)
    assert stored is not None and stored.nudges_paused_until == utc(2026, 11, 26, 9, 30)
    assert "Nudges: paused until Thu, Nov 26, 4:30\u202fAM" in home.text

    await alex.tap(home, "Resume nudges")
    paused = await alex.next_reply()
    await alex.tap(paused, "For a week")  # changing the length of a pause
    home = await alex.next_reply()
    stored = await users.get(db, 5004)
    assert stored is not None and stored.nudges_paused_until == utc(2026, 11, 30, 9, 30)


async def test_a_pause_that_has_ended_reads_as_on(
    standin: StandinServer, bot: BetweenApplication, clock: FixedClock
) -> None:
    alex = await onboarded(standin, 5005, "en")
    await users.pause_nudges(
        services_of(bot).db, 5005, utc(2026, 11, 23, 9, 0), utc(2026, 11, 22, 9, 0)
    )
    view = await settings_home(alex)
    assert "Nudges: on" in view.text and "Pause nudges" in buttons(view)


async def test_forged_quiet_hours_get_the_expired_reply_and_change_nothing(
    standin: StandinServer, bot: BetweenApplication
) -> None:
    db = services_of(bot).db
    alex = await onboarded(standin, 5006, "en")
    view = await settings_home(alex)
    before = await db.fetchone("SELECT * FROM users WHERE user_id = 5006")
    for forged in (
        "st:quiet:9999-9999",
        "st:quiet:2200-0700:5007",
        "st:quiet:2200-0700\n",
        "st:pause:forever",
        "st:pause:week ",
    ):
        await alex.tap_forged(view, forged)
        reply = await alex.next_reply()
        assert reply.message_id != view.message_id, "a new message, not an edit"
        assert "That button belongs to a step that has ended." in reply.text
        assert "/settings" in reply.text
        assert last_answer(alex) == "That button has expired."
    after = await db.fetchone("SELECT * FROM users WHERE user_id = 5006")
    assert before is not None and after is not None and tuple(before) == tuple(after)


async def test_a_pause_moves_the_next_homework_nudge_past_its_end_and_back(
    standin: StandinServer, bot: BetweenApplication, clock: FixedClock
) -> None:
    services = services_of(bot)
    db = services.db
    alex = await onboarded(standin, 5007, "en")
    now = clock()
    item = await homework.create(db, 5007, "journal", now)
    # 07:00 in New York every day: next due this morning, 12:00 UTC.
    reminder_id = await reminders.add(
        db,
        user_id=5007,
        kind=reminders.HOMEWORK,
        slot=Slot(at=time(7, 0), weekdays=EVERY_DAY),
        now=now,
        homework_id=item,
    )
    await services.scheduler.refresh_person(5007)

    async def next_due() -> datetime | None:
        (found,) = [r for r in await reminders.of_person(db, 5007) if r.reminder_id == reminder_id]
        return found.next_due

    assert await next_due() == utc(2026, 11, 23, 12, 0)

    view = await settings_home(alex)
    await alex.tap(view, "Pause nudges")
    pause = await alex.next_reply()
    await alex.tap(pause, "Until tomorrow morning")  # until 08:00 there, 13:00 UTC
    home = await alex.next_reply()
    assert await next_due() == utc(2026, 11, 24, 12, 0), "the first 07:00 after the pause"

    await alex.tap(home, "Resume nudges")
    paused = await alex.next_reply()
    await alex.tap(paused, "For a week")
    home = await alex.next_reply()
    assert await next_due() == utc(2026, 11, 30, 12, 0)

    await alex.tap(home, "Resume nudges")
    paused = await alex.next_reply()
    await alex.tap(paused, "Resume now")
    await alex.next_reply()
    assert await next_due() == utc(2026, 11, 23, 12, 0), "back to this morning's"

    # Quiet hours do not move next_due: a nudge falling in them is recorded 'quiet'.
    view = await settings_home(alex)
    await alex.tap(view, "Quiet hours")
    quiet = await alex.next_reply()
    await alex.tap(quiet, "00:00–09:00")
    await alex.next_reply()
    assert await next_due() == utc(2026, 11, 23, 12, 0)

    # Nothing left armed at shutdown: Scheduler.stop runs after the JobQueue has stopped,
    # where removing a still-armed wake-up job raises JobLookupError (reported).
    await reminders.delete(db, reminder_id, 5007)
    await services.scheduler.refresh_person(5007)
