"""/session over real HTTP, as a person does it: the set-up step by step, the rows and
instants it leaves, the reminder before and the reflection after as they arrive, a skill
made homework in one tap, and what a crisis phrase, a stale or a forged button get."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.app import BetweenApplication, services_of
from bot.nudging import Slot
from bot.recurrence import next_occurrence
from bot.standin import BotMessage, FakeUser, StandinServer
from bot.store import homework, reminders, sessions

from .conftest import FixedClock, MovingClock
from .flows import at_time_zone_step, onboarded

pytestmark = pytest.mark.usefixtures("private_log")
NEW_YORK = ZoneInfo("America/New_York")
# Babel writes "5:00\u202fPM" (a narrow no-break space) for English times.


def utc(year: int, month: int, day: int, hour: int, minute: int, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


async def next_with(person: FakeUser, text: str) -> BotMessage:
    """The bot's next message or edit that contains `text`, skipping those before it."""
    while True:
        reply = await person.next_reply()
        if text in reply.text:
            return reply


async def set_up(
    person: FakeUser, day: str, at: str, every: str, length: str, remind: str
) -> BotMessage:
    """/session through every step by taps (a time that is not a button is typed)."""
    await person.send("/session")
    screen = await next_with(person, "On which day is your therapy session?")
    await person.tap(screen, day)
    screen = await next_with(person, "At what time does it start?")
    try:
        await person.tap(screen, at, current_only=True)
    except LookupError:
        await person.send(at)
    screen = await next_with(person, "How often do you meet?")
    await person.tap(screen, every)
    if every == "Every two weeks":
        screen = await next_with(person, "When is the next one?")
        await person.tap(screen, 1)  # the second of the two dates
    screen = await next_with(person, "How long is a session?")
    await person.tap(screen, length)
    screen = await next_with(person, "Would you like a reminder before it")
    await person.tap(screen, remind)
    return await next_with(person, "Your therapy session")


async def sent_delivery(application: BetweenApplication, user_id: int) -> reminders.Delivery:
    """The person's one delivery, once the scheduler has recorded it as sent (just after
    the message arrived)."""
    db = services_of(application).db
    for _ in range(50):
        (delivery,) = await reminders.of_day(db, user_id, date(2026, 1, 1), date(2027, 1, 1))
        if delivery.status == "sent":
            return delivery
        await asyncio.sleep(0.05)
    raise AssertionError(f"delivery still {delivery.status}")


def all_answered(person: FakeUser) -> bool:
    return all(answer is not None for answer in person.callback_answers.values())


async def test_set_up_through_every_step_to_two_reminders(
    standin: StandinServer, bot: BetweenApplication, private_log: pytest.LogCaptureFixture
) -> None:
    maya = await onboarded(standin, 9101, "en")  # Monday Nov 23, 04:30 in New York
    await maya.send("/session")
    days = await maya.next_reply()
    assert "On which day is your therapy session?" in days.text
    assert days.buttons[:4] == [
        ["Monday", "Tuesday"],
        ["Wednesday", "Thursday"],
        ["Friday", "Saturday"],
        ["Sunday"],
    ]
    await maya.send("Thursdays, usually")  # text where a tap is expected
    again = await maya.next_reply()
    assert "Please tap one of the buttons." in again.text
    assert again.buttons == days.buttons
    await maya.tap(again, "Thursday")
    times = await maya.next_reply()
    assert times.message_id == again.message_id  # edited in place
    assert "<b>Thursday</b>. At what time does it start?" in times.html
    assert times.buttons[0] == ["8:00\u202fAM", "9:00\u202fAM", "10:00\u202fAM", "11:00\u202fAM"]
    await maya.send("half past something")
    unread = await maya.next_reply()
    assert "I couldn't read that as a time" in unread.text and "5:30 pm" in unread.text
    await maya.send("5 pm")
    often = await maya.next_reply()
    assert "Thursday, 5:00\u202fPM" in often.text and "How often do you meet?" in often.text
    await maya.tap(often, "Every week")
    length = await maya.next_reply()
    assert length.message_id == often.message_id
    assert length.buttons[:2] == [["45 minutes", "50 minutes"], ["60 minutes", "90 minutes"]]
    await maya.tap(length, "« Back")
    assert "How often do you meet?" in (await maya.next_reply()).text
    await maya.tap(often, "Every week")
    await maya.tap(await next_with(maya, "How long is a session?"), "50 minutes")
    remind = await maya.next_reply()
    assert remind.buttons[:3] == [
        ["1 hour before", "3 hours before"],
        ["The evening before (8:00\u202fPM)"],
        ["No reminder"],
    ]
    await maya.tap(remind, "3 hours before")
    saved = await maya.next_reply()
    assert saved.message_id == remind.message_id
    assert "Saved." in saved.text
    assert "Every week, Thursday at 5:00\u202fPM" in saved.text
    assert "Length: 50 minutes" in saved.text and "Reminder: 3 hours before" in saved.text
    assert "Next: Thu, Nov 26, 5:00\u202fPM" in saved.text
    assert saved.buttons == [["Change", "Delete"]]

    db = services_of(bot).db
    stored = await sessions.get(db, 9101)
    assert stored == sessions.TherapySession(
        user_id=9101,
        weekday=3,
        at=time(17, 0),
        every_weeks=1,
        anchor=date(2026, 11, 26),
        minutes=50,
        remind_hours=3,
    )
    rows = {row.kind: row for row in await reminders.of_person(db, 9101)}
    assert set(rows) == {"session_before", "session_after"}
    assert rows["session_before"].slot == Slot(time(14, 0), frozenset({3}))
    assert rows["session_after"].slot == Slot(time(17, 50), frozenset({3}))
    # 14:00 and 17:50 on Thursday Nov 26 in New York (EST, UTC-5).
    assert rows["session_before"].next_due == utc(2026, 11, 26, 19, 0)
    assert rows["session_after"].next_due == utc(2026, 11, 26, 22, 50)

    # A double tap on the last step: answered, nothing sent, nothing stored twice.
    count = len(maya.messages)
    await maya.tap(remind, "3 hours before")
    await asyncio.sleep(0.3)
    assert len(maya.messages) == count
    assert len(await reminders.of_person(db, 9101)) == 2

    await maya.send("/session")
    summary = await maya.next_reply()
    assert "Your therapy session" in summary.text and "Saved." not in summary.text
    assert summary.buttons == [["Change", "Delete"]]
    assert all_answered(maya)
    assert "session saved user=9101" in private_log.text


async def test_every_two_weeks_with_the_evening_before(
    standin: StandinServer, bot: BetweenApplication
) -> None:
    ana = await onboarded(standin, 9102, "en")
    await ana.send("/session")
    await ana.tap(await ana.next_reply(), "Monday")
    await ana.tap(await ana.next_reply(), "9:00\u202fAM")
    await ana.tap(await ana.next_reply(), "Every two weeks")
    first = await ana.next_reply()
    assert "When is the next one?" in first.text
    # 04:30 on Monday Nov 23: today's 09:00 is still ahead.
    assert first.buttons[0] == ["Mon, Nov 23", "Mon, Nov 30"]
    assert first.callback_data[0] == ["ss:first:2026-11-23", "ss:first:2026-11-30"]
    await ana.tap(first, "Mon, Nov 30")
    await ana.tap(await ana.next_reply(), "60 minutes")
    await ana.tap(await ana.next_reply(), "The evening before (8:00\u202fPM)")
    saved = await ana.next_reply()
    assert "Every two weeks, Monday at 9:00\u202fAM" in saved.text
    assert "Reminder: the evening before, at 8:00\u202fPM" in saved.text
    assert "Next: Mon, Nov 30, 9:00\u202fAM" in saved.text  # not today: not its week

    db = services_of(bot).db
    stored = await sessions.get(db, 9102)
    assert stored is not None
    assert (stored.every_weeks, stored.anchor, stored.remind_hours) == (
        2,
        date(2026, 11, 30),
        sessions.EVENING_BEFORE,
    )
    rows = {row.kind: row for row in await reminders.of_person(db, 9102)}
    # The evening before is Sunday at 20:00, its cycle moved back a day with it.
    assert rows["session_before"].slot == Slot(time(20, 0), frozenset({6}), 2, date(2026, 11, 29))
    assert rows["session_before"].next_due == utc(2026, 11, 30, 1, 0)
    assert rows["session_after"].slot == Slot(time(10, 0), frozenset({0}), 2, date(2026, 11, 30))
    assert rows["session_after"].next_due == utc(2026, 11, 30, 15, 0)
    slot = rows["session_after"].slot
    following = next_occurrence(
        utc(2026, 11, 30, 15, 0), slot.at, NEW_YORK, slot.weekdays, slot.every_weeks, slot.anchor
    )
    assert following == utc(2026, 12, 14, 15, 0)  # two weeks on, not one

    # Change, then Cancel: nothing changes. Delete: the reminders go with it.
    await ana.tap(saved, "Change")
    change = await ana.next_reply()
    assert change.message_id == saved.message_id and "On which day" in change.text
    await ana.tap(change, "Cancel")
    cancelled = await ana.next_reply()
    assert "Okay, nothing changed." in cancelled.text and "Every two weeks" in cancelled.text
    assert len(await reminders.of_person(db, 9102)) == 2
    await ana.tap(cancelled, "Delete")
    confirm = await ana.next_reply()
    assert "Remove your session and its reminders?" in confirm.text
    await ana.tap(confirm, "Yes, remove it")
    removed = await ana.next_reply()
    assert "Removed, with its reminders." in removed.text
    await ana.tap(confirm, "Yes, remove it")  # a double tap
    assert await sessions.get(db, 9102) is None
    assert await reminders.of_person(db, 9102) == []
    await ana.send("/session")
    assert "On which day is your therapy session?" in (await ana.next_reply()).text
    await asyncio.sleep(0.2)
    assert all_answered(ana)


async def test_the_reminder_before_arrives_when_due_and_its_buttons_work(
    standin: StandinServer, live_bot: BetweenApplication, moving_clock: MovingClock
) -> None:
    kai = await onboarded(standin, 9103, "en")
    # Thursday Nov 26, 13:59:52 in New York: a 17:00 session's 3-hours-before reminder
    # is due eight seconds from now.
    moving_clock.set(utc(2026, 11, 26, 18, 59, 52))
    await set_up(kai, "Thursday", "5:00\u202fPM", "Every week", "50 minutes", "3 hours before")
    db = services_of(live_bot).db
    assert await homework.questions(db, 9103) == []
    reminder = await kai.next_reply(timeout=15)
    assert "Your session is at 5:00\u202fPM today." in reminder.text
    assert "A minute to prepare? What would you like to bring up?" in reminder.text
    assert reminder.buttons == [["Write it down"], ["Check in first"], ["I'm ready"]]
    assert reminder.callback_data[1] == ["ci:new:nudge"]
    assert moving_clock() >= utc(2026, 11, 26, 19, 0)
    delivery = await sent_delivery(live_bot, 9103)
    assert delivery.kind == "session_before" and delivery.local_date == date(2026, 11, 26)

    await kai.tap(reminder, "Write it down")
    prompt = await kai.next_reply()
    assert "What would you like to bring up?" in prompt.text
    await kai.send("Why do I freeze when <b>my boss</b> calls & what to do")
    kept = await kai.next_reply()
    assert "Kept for your session: Why do I freeze when <b>my boss</b> calls" in kept.text
    assert "&lt;b&gt;my boss&lt;/b&gt;" in kept.html  # shown escaped
    await kai.send("Sleep")
    sleep_kept = await next_with(kai, "Kept for your session: Sleep")
    assert await homework.questions(db, 9103) == [
        ("Why do I freeze when <b>my boss</b> calls & what to do", "session_prep"),
        ("Sleep", "session_prep"),
    ]
    await kai.tap(sleep_kept, "Done")
    assert "Saved for your session." in (await kai.next_reply()).text
    await kai.send("just chatting")  # the flow has ended: the menu, nothing kept
    assert "Here is what I can do" in (await kai.next_reply()).text
    assert len(await homework.questions(db, 9103)) == 2

    await kai.tap(reminder, "I'm ready")
    ready = await kai.next_reply()
    assert ready.message_id == reminder.message_id
    assert "I hope it goes well." in ready.text and ready.buttons == []
    await kai.tap(reminder, "Check in first")
    assert "What are you feeling right now?" in (await kai.next_reply()).text
    assert all_answered(kai)


async def reflection_nudge(
    person: FakeUser, application: BetweenApplication, clock: FixedClock
) -> BotMessage:
    """A weekly Thursday 17:00 session of 50 minutes, no reminder before; the clock moved
    to its end, and the scheduler run: the reflection nudge."""
    saved = await set_up(
        person, "Thursday", "5:00\u202fPM", "Every week", "50 minutes", "No reminder"
    )
    assert "Reminder: no reminder" in saved.text
    db = services_of(application).db
    assert [row.kind for row in await reminders.of_person(db, person.id)] == ["session_after"]
    clock.now = utc(2026, 11, 26, 22, 50, 5)
    assert await services_of(application).scheduler.run_due() == 1
    nudge = await person.next_reply()
    assert "Your session has just ended." in nudge.text
    return nudge


async def test_the_reflection_arrives_after_the_session_and_a_skill_becomes_homework_once(
    standin: StandinServer, live_bot: BetweenApplication, moving_clock: MovingClock
) -> None:
    noor = await onboarded(standin, 9104, "en")
    # Thursday Nov 26, 17:49:54 in New York: a 17:00 session of 50 minutes ends in 6 s.
    moving_clock.set(utc(2026, 11, 26, 22, 49, 54))
    await set_up(noor, "Thursday", "5:00\u202fPM", "Every week", "50 minutes", "No reminder")
    nudge = await noor.next_reply(timeout=15)
    assert "Your session has just ended. A short reflection while it's fresh?" in nudge.text
    assert "Four questions, each can be skipped." in nudge.text
    assert nudge.buttons == [["Reflect now", "Not now"]]
    assert moving_clock() >= utc(2026, 11, 26, 22, 50)

    await noor.tap(nudge, "Not now")
    later = await noor.next_reply()
    assert "That's fine." in later.text and later.buttons == [["Reflect now"]]
    await noor.tap(later, "Reflect now")
    await noor.tap(later, "Reflect now")  # a double tap: one set of questions
    first = await noor.next_reply()
    assert "1/4" in first.text and "biggest takeaway" in first.text
    await noor.send("I can say no & still be liked <3")
    second = await noor.next_reply()
    assert "2/4" in second.text and "hardest part" in second.text
    assert second.message_id != first.message_id
    await noor.tap(second, "Skip")
    third = await noor.next_reply()
    assert third.message_id == second.message_id and "3/4" in third.text
    await noor.tap(second, "ss:skip:hardest")  # a double tap on a question already passed
    await noor.send("Three slow breaths before a hard call")
    fourth = await noor.next_reply()
    assert "4/4" in fourth.text and "How do you feel now" in fourth.text
    await noor.send("Tired, but lighter")
    summary = await noor.next_reply()
    assert "Your reflection" in summary.text
    assert "Biggest takeaway: I can say no & still be liked <3" in summary.text
    assert "&amp; still be liked &lt;3" in summary.html
    assert "Hardest part" not in summary.text
    assert "One skill for this week: Three slow breaths before a hard call" in summary.text
    assert "How I feel now: Tired, but lighter" in summary.text
    assert summary.buttons == [["Make it this week's homework"]]

    db = services_of(live_bot).db
    (row,) = await sessions.reflections_of(db, 9104)
    assert (row.session_date, row.takeaway, row.hardest, row.skill, row.feeling) == (
        date(2026, 11, 26),
        "I can say no & still be liked <3",
        None,
        "Three slow breaths before a hard call",
        "Tired, but lighter",
    )
    assert row.homework_id is None

    await noor.tap(summary, "Make it this week's homework")
    await noor.tap(summary, "Make it this week's homework")  # a double tap
    made = await noor.next_reply()
    assert "Added to your homework: Three slow breaths before a hard call." in made.text
    assert made.buttons == [["Make it small and set a nudge"]]
    await asyncio.sleep(0.3)
    (item,) = await homework.of_person(db, 9104)
    assert item.text == "Three slow breaths before a hard call"
    assert made.callback_data == [[f"hw:tiny:{item.homework_id}"]]
    (row,) = await sessions.reflections_of(db, 9104)
    assert row.homework_id == item.homework_id
    await noor.tap(summary, "Make it this week's homework")  # even later: still one
    await asyncio.sleep(0.3)
    assert len(await homework.of_person(db, 9104)) == 1

    # A second reflection on the same session updates the same row.
    await noor.tap(later, "Reflect now")
    await next_with(noor, "1/4")
    await noor.send("Saying no is allowed")
    for _ in range(3):
        await noor.tap(await next_with(noor, "/4"), "Skip")
    again = await next_with(noor, "Your reflection")
    assert "Biggest takeaway: Saying no is allowed" in again.text
    assert "The skill is this week's homework." in again.text
    assert again.buttons == [["Make it small and set a nudge"]]
    (row,) = await sessions.reflections_of(db, 9104)
    assert row.takeaway == "Saying no is allowed" and row.feeling == "Tired, but lighter"
    # The homework card's own flow takes it from here.
    query = await noor.tap_inline(again, "Make it small and set a nudge")
    shrink = await noor.next_reply()
    assert "ended" not in shrink.text
    assert "expired" not in str((noor.callback_answers[query] or {}).get("text"))
    await asyncio.sleep(0.2)
    assert all_answered(noor)


async def test_a_crisis_phrase_as_a_reflection_answer_gets_the_crisis_reply_first(
    standin: StandinServer, bot: BetweenApplication, clock: FixedClock
) -> None:
    ben = await onboarded(standin, 9105, "en")
    nudge = await reflection_nudge(ben, bot, clock)
    await ben.tap(nudge, "Reflect now")
    await next_with(ben, "1/4")
    await ben.send("I want to kill myself")
    crisis = await ben.next_reply()
    assert "988" in crisis.text and "not an emergency service" in crisis.text
    kept = await ben.next_reply()
    assert "I've kept what you wrote." in kept.text and "/sos" in kept.text
    (row,) = await sessions.reflections_of(services_of(bot).db, 9105)
    assert row.takeaway == "I want to kill myself"
    await asyncio.sleep(0.2)
    assert "Here is what I can do" not in ben.messages[-1].text  # no menu after it
    assert "2/4" not in ben.messages[-1].text  # no more questions now


async def test_forged_stale_and_other_peoples_buttons(
    standin: StandinServer, bot: BetweenApplication, clock: FixedClock
) -> None:
    owner = await onboarded(standin, 9106, "en")
    nudge = await reflection_nudge(owner, bot, clock)
    db = services_of(bot).db
    (delivery,) = await reminders.of_day(db, 9106, date(2026, 11, 26), date(2026, 11, 26))
    await owner.tap(nudge, "Reflect now")
    await next_with(owner, "1/4")
    await owner.send("Mine")
    await next_with(owner, "2/4")
    (reflection,) = await sessions.reflections_of(db, 9106)

    other = await onboarded(standin, 9107, "en")
    await other.send("/help")
    anywhere = await other.next_reply()
    for forged in (
        f"ss:reflect:{delivery.delivery_id}",
        f"ss:prep:{delivery.delivery_id}",
        f"ss:later:{delivery.delivery_id}",
        f"ss:hw:{reflection.reflection_id}",
        "ss:reflect:abc",
        "ss:reflect:99999999",
        "ss:day:9",
        "ss:time:2500",
        "ss:skip:takeaway",
    ):
        query = await other.tap_forged(anywhere, forged)
        reply = await other.next_reply()
        assert "That button belongs to a step that has ended" in reply.text, forged
        assert (other.callback_answers[query] or {}).get("text") == "That button has expired."
    assert await sessions.reflections_of(db, 9107) == []
    assert await homework.of_person(db, 9107) == []
    assert await homework.of_person(db, 9106) == []
    (untouched,) = await sessions.reflections_of(db, 9106)
    assert untouched.takeaway == "Mine"

    # The owner's own flow goes on; an old set-up message's button is stale.
    await owner.send("Still going")
    await next_with(owner, "3/4")
    setup_message = next(m for m in owner.messages if "Saved." in m.text)
    count = len(owner.messages)
    query = await owner.tap_forged(setup_message, "ss:day:2")
    await asyncio.sleep(0.3)
    assert (owner.callback_answers[query] or {}).get("text") == "That button has expired."
    assert len(owner.messages) == count
    await owner.send("Calm")
    assert "4/4" in (await next_with(owner, "/4")).text  # the reflection goes on
    assert all_answered(owner) and all_answered(other)


async def test_without_consent_nothing_is_set_up(
    standin: StandinServer, bot: BetweenApplication
) -> None:
    olga = standin.user(9108, first_name="Olga", language_code="en")
    step = await at_time_zone_step(olga)
    await olga.tap(step, 0)
    await olga.tap(await olga.next_reply(), 1)  # "Not now": no consent
    await olga.next_reply()
    await olga.send("/session")
    reply = await olga.next_reply()
    assert "I keep nothing without your consent" in reply.text and "/settings" in reply.text
    assert reply.buttons == []
    await olga.send("Thursday")  # no flow took it: the menu
    assert "Here is what I can do" in (await olga.next_reply()).text
    assert await sessions.get(services_of(bot).db, 9108) is None
    assert await reminders.of_person(services_of(bot).db, 9108) == []
    await asyncio.sleep(0.2)
    assert all_answered(olga)
