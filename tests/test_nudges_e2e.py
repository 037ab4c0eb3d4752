"""Homework nudges over real HTTP: due a few seconds ahead, they arrive with their
buttons, and each button does what it says; a blocked person gets no more."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.app import BetweenApplication, services_of
from bot.config import Settings, load_settings
from bot.nudging import Slot
from bot.standin import BotMessage, FakeUser, StandinServer
from bot.store import homework, reminders, users

from .conftest import MovingClock
from .flows import onboarded

NEW_YORK = ZoneInfo("America/New_York")
DAILY = frozenset(range(7))


@pytest.fixture
def settings(tmp_path: Path, standin: StandinServer) -> Settings:
    """Snoozes and follow-ups of two seconds, so that they can be seen to arrive."""
    return load_settings(
        {
            "TELEGRAM_API_URL": standin.base_url,
            "BETWEEN_DB": str(tmp_path / "between.sqlite3"),
            "BETWEEN_CALM_STEP_SECONDS": "0.2",
            "BETWEEN_SNOOZE_SECONDS": "2",
            "BETWEEN_FOLLOW_UP_SECONDS": "2",
        }
    )


async def nudge_set(
    app: BetweenApplication,
    clock: MovingClock,
    user_id: int,
    *,
    tiny_key: str = "one_sentence",
    pairing: str | None = None,
    seconds_ahead: float = 2,
) -> int:
    """A bedtime homework nudged daily at 21:30 New York time, the clock set a few
    seconds before it (as /homework makes it: the rows, then a refresh)."""
    clock.set(datetime(2026, 11, 23, 21, 30, tzinfo=NEW_YORK).astimezone(UTC))
    clock.offset -= timedelta(seconds=seconds_ahead)
    services = services_of(app)
    now = services.clock()
    item = await homework.create(services.db, user_id, "Journal every night", now)
    await homework.update(
        services.db, item, user_id, now, kind="journaling", tiny_key=tiny_key, anchor="bed",
        pairing=pairing,
    )  # fmt: skip
    await reminders.add(
        services.db,
        user_id=user_id,
        kind=reminders.HOMEWORK,
        slot=Slot(at=time(21, 30), weekdays=DAILY),
        now=now,
        homework_id=item,
    )
    await services.scheduler.refresh_person(user_id)
    return item


async def the_nudge(person: FakeUser) -> BotMessage:
    nudge = await person.next_reply(timeout=15)
    assert nudge.text.startswith("After I get into bed:"), nudge.text
    return nudge


async def delivery_row(app: BetweenApplication, user_id: int) -> dict[str, object]:
    """The person's latest delivery, once its send is recorded (the message can arrive
    a moment before the row says so)."""
    for _ in range(50):
        row = await services_of(app).db.fetchone(
            "SELECT * FROM deliveries WHERE user_id = ? ORDER BY delivery_id DESC", (user_id,)
        )
        if row is not None and row["status"] != "sending":
            return dict(row)
        await asyncio.sleep(0.05)
    raise AssertionError(f"no recorded delivery for {user_id}")


async def answer_to(person: FakeUser, query: str) -> str | None:
    """What the bot answered to a tap (the small notice at the top of the chat)."""
    for _ in range(50):
        answer = person.callback_answers.get(query)
        if answer is not None:
            return answer.get("text")
        await asyncio.sleep(0.05)
    raise AssertionError("the tap was not answered")


async def test_a_nudge_due_in_two_seconds_arrives_with_its_buttons_and_done_is_kept(
    standin: StandinServer, live_bot: BetweenApplication, moving_clock: MovingClock
) -> None:
    maya = await onboarded(standin, 3001, "en")
    item = await nudge_set(live_bot, moving_clock, 3001, pairing="a cup of <chamomile> & honey")
    nudge = await the_nudge(maya)
    assert nudge.text == (
        "After I get into bed: write one sentence about today\nWith: a cup of <chamomile> & honey"
    )
    assert nudge.buttons == [["Do it now", "Done"], ["Later", "Not today"]]
    assert (await delivery_row(live_bot, 3001))["status"] == "sent"

    await maya.tap(nudge, "Done")
    done = await maya.next_reply()
    assert done.message_id == nudge.message_id  # edited in place
    assert "Done. Small steps like this one count." in done.text
    assert "You've practised on 1 day this week." in done.text
    assert done.buttons == []
    row = await delivery_row(live_bot, 3001)
    assert row["answer"] == "done" and row["again_at"] is None  # no follow-up now
    db = services_of(live_bot).db
    assert await homework.day_status(db, item, datetime(2026, 11, 23).date()) == "done"
    # A double tap (the same data again, before the edit arrived) changes nothing.
    query = await maya.tap_forged(nudge, str(nudge.callback_data[0][1]))
    assert await answer_to(maya, query) == "Noted."
    await asyncio.sleep(2.5)  # past the follow-up time: none comes, it was answered
    assert [m.message_id for m in maya.messages].count(nudge.message_id) == 1
    assert maya.messages[-1].message_id == nudge.message_id


async def test_not_today_keeps_the_answer_and_the_barrier_named_without_guilt(
    standin: StandinServer, live_bot: BetweenApplication, moving_clock: MovingClock
) -> None:
    sam = await onboarded(standin, 3002, "en")
    item = await nudge_set(live_bot, moving_clock, 3002)
    nudge = await the_nudge(sam)
    await sam.tap(nudge, "Not today")
    ask = await sam.next_reply()
    assert "That's all right. A missed day doesn't undo anything." in ask.text
    assert ["Rather not say"] in ask.buttons
    assert (await delivery_row(live_bot, 3002))["answer"] == "not_today"
    await sam.tap(ask, "Too big")
    thanks = await sam.next_reply()
    assert "Thank you for telling me: Too big." in thanks.text
    assert thanks.buttons == [["Make it smaller"]]
    assert thanks.callback_data == [[f"hw:tiny:{item}"]]
    row = await delivery_row(live_bot, 3002)
    assert (row["answer"], row["barrier"]) == ("not_today", "too_big")
    days = await homework.days(services_of(live_bot).db, item, datetime(2026, 11, 1).date())
    assert list(days.values()) == [("not_done", "too_big")]


async def test_later_snoozes_and_the_nudge_comes_back(
    standin: StandinServer, live_bot: BetweenApplication, moving_clock: MovingClock
) -> None:
    kim = await onboarded(standin, 3003, "en")
    await nudge_set(live_bot, moving_clock, 3003)
    nudge = await the_nudge(kim)
    await kim.tap(nudge, "Later")
    okay = await kim.next_reply()
    assert "Okay. I'll remind you again at 9:30" in okay.text  # two seconds on: 9:30 PM
    assert okay.buttons == []
    again = await the_nudge(kim)  # two seconds later
    assert again.message_id != nudge.message_id
    assert again.buttons == [["Do it now", "Done"], ["Later", "Not today"]]
    for _ in range(50):
        row = await delivery_row(live_bot, 3003)
        if row["message_id"] == again.message_id:
            break
        await asyncio.sleep(0.05)
    # Sent again, it is unanswered again, and its own Later works too.
    assert row["answer"] is None and row["message_id"] == again.message_id
    await kim.tap(again, "Later")
    okay_again = await kim.next_reply()
    assert okay_again.message_id == again.message_id
    assert "Okay. I'll remind you again at 9:30" in okay_again.text
    assert (await delivery_row(live_bot, 3003))["answer"] == "later"


async def test_do_it_now_shows_the_tiny_version_with_done(
    standin: StandinServer, live_bot: BetweenApplication, moving_clock: MovingClock
) -> None:
    lee = await onboarded(standin, 3004, "en")
    await nudge_set(live_bot, moving_clock, 3004)
    nudge = await the_nudge(lee)
    await lee.tap(nudge, "Do it now")
    step = await lee.next_reply()
    assert step.text.startswith("write one sentence about today\n\nWhenever you're ready.")
    assert step.buttons == [["Done", "Not today"]]
    assert (await delivery_row(live_bot, 3004))["answer"] == "now"
    await lee.tap(step, "Done")
    done = await lee.next_reply()
    assert "Done. Small steps like this one count." in done.text
    assert (await delivery_row(live_bot, 3004))["answer"] == "done"


async def test_do_it_now_on_a_check_in_homework_opens_the_check_in(
    standin: StandinServer, live_bot: BetweenApplication, moving_clock: MovingClock
) -> None:
    ana = await onboarded(standin, 3005, "en")
    await nudge_set(live_bot, moving_clock, 3005, tiny_key="tap_feeling")
    nudge = await the_nudge(ana)
    assert nudge.text == "After I get into bed: tap one feeling and a number"
    await ana.tap(nudge, "Do it now")
    wheel = await ana.next_reply()
    assert "What are you feeling right now?" in wheel.text
    assert (await delivery_row(live_bot, 3005))["answer"] == "now"
    row = await services_of(live_bot).db.fetchone("SELECT COUNT(*) FROM checkins")
    assert row is not None and row[0] == 0  # nothing stored until an intensity is tapped


async def test_an_unanswered_nudge_gets_one_gentle_follow_up(
    standin: StandinServer, live_bot: BetweenApplication, moving_clock: MovingClock
) -> None:
    joe = await onboarded(standin, 3006, "en")
    await nudge_set(live_bot, moving_clock, 3006)
    await the_nudge(joe)
    follow = await joe.next_reply(timeout=15)
    assert follow.text.startswith("A gentle reminder, whenever it suits you:")
    assert follow.buttons == [["Do it now", "Done"], ["Not today"]]
    await asyncio.sleep(3)
    assert len([m for m in joe.messages if "A gentle reminder" in m.text]) == 1
    row = await delivery_row(live_bot, 3006)
    assert row["followed_up"] == 1 and row["answer"] is None  # not answered, not "not done"


async def test_a_person_who_blocked_the_bot_gets_no_nudge_until_they_start_again(
    standin: StandinServer, live_bot: BetweenApplication, moving_clock: MovingClock
) -> None:
    eve = await onboarded(standin, 3007, "en")
    await eve.block()  # Telegram tells the bot (my_chat_member: kicked)
    db = services_of(live_bot).db
    for _ in range(100):
        person = await users.get(db, 3007)
        if person is not None and person.blocked_at is not None:
            break
        await asyncio.sleep(0.05)
    await nudge_set(live_bot, moving_clock, 3007, seconds_ahead=1)
    [reminder] = await reminders.of_person(db, 3007)
    assert reminder.next_due is None  # nothing is due for a person who blocked the bot
    await asyncio.sleep(2)
    assert await db.fetchone("SELECT 1 FROM deliveries WHERE user_id = 3007") is None
    # Back again: /start reactivates the reminder, from now on.
    await eve.unblock()
    await eve.send("/start")
    await eve.next_reply()
    [reminder] = await reminders.of_person(db, 3007)
    assert reminder.next_due == datetime(2026, 11, 24, 21, 30, tzinfo=NEW_YORK)


async def test_a_403_on_a_nudge_stops_that_persons_nudges(
    standin: StandinServer, live_bot: BetweenApplication, moving_clock: MovingClock
) -> None:
    """Blocked without the bot hearing of it: the nudge gets 403 Forbidden."""
    ian = await onboarded(standin, 3010, "en")
    standin.inject_fault("sendMessage", "403", chat_id=3010)
    await nudge_set(live_bot, moving_clock, 3010)
    row = await delivery_row(live_bot, 3010)
    assert row["status"] == "blocked"
    db = services_of(live_bot).db
    person = await users.get(db, 3010)
    assert person is not None and person.blocked_at is not None
    [reminder] = await reminders.of_person(db, 3010)
    assert reminder.next_due is None
    assert not [m for m in ian.messages if m.text.startswith("After I")]


async def test_a_forged_nudge_button_for_someone_elses_delivery_touches_nothing(
    standin: StandinServer, live_bot: BetweenApplication, moving_clock: MovingClock
) -> None:
    owner = await onboarded(standin, 3008, "en")
    other = await onboarded(standin, 3009, "en")
    await nudge_set(live_bot, moving_clock, 3008)
    nudge = await the_nudge(owner)
    delivery = (await delivery_row(live_bot, 3008))["delivery_id"]
    await other.send("/help")
    last = await other.next_reply()
    query = await other.tap_forged(last, f"nu:done:{delivery}")
    assert await answer_to(other, query) == "That button has expired."
    assert (await delivery_row(live_bot, 3008))["answer"] is None
    assert nudge.buttons


async def test_no_nudge_when_the_homework_is_already_done_today(
    standin: StandinServer, live_bot: BetweenApplication, moving_clock: MovingClock
) -> None:
    ora = await onboarded(standin, 3011, "en")
    item = await nudge_set(live_bot, moving_clock, 3011, seconds_ahead=1.5)
    services = services_of(live_bot)
    # Done earlier this evening (as "Done today" on the card records it).
    await homework.mark_day(
        services.db, item, 3011, datetime(2026, 11, 23).date(), "done", services.clock()
    )
    row = await delivery_row(live_bot, 3011)
    assert row["status"] == "skipped"
    assert not [m for m in ora.messages if m.text.startswith("After I")]


async def test_a_check_in_homework_counts_as_done_after_any_check_in_that_evening(
    standin: StandinServer, live_bot: BetweenApplication, moving_clock: MovingClock
) -> None:
    """The day rolls over at 04:00: a check-in at 00:30 counts for the evening before."""
    pia = await onboarded(standin, 3012, "en")
    services = services_of(live_bot)
    moving_clock.set(datetime(2026, 11, 24, 0, 30, tzinfo=NEW_YORK).astimezone(UTC))
    await pia.send("/checkin")
    wheel = await pia.next_reply()
    await pia.tap(wheel, "Happy")
    await pia.tap(await pia.next_reply(), "Just “Happy”")
    await pia.tap(await pia.next_reply(), "5")
    await pia.next_reply()
    # The same night's bedtime nudge, set for 00:31: not sent, the check-in counts.
    moving_clock.set(datetime(2026, 11, 24, 0, 31, tzinfo=NEW_YORK).astimezone(UTC))
    moving_clock.offset -= timedelta(seconds=1.5)
    now = services.clock()
    item = await homework.create(services.db, 3012, "Track my mood", now)
    await homework.update(services.db, item, 3012, now, tiny_key="tap_feeling", anchor="bed")
    await reminders.add(
        services.db,
        user_id=3012,
        kind=reminders.HOMEWORK,
        slot=Slot(at=time(0, 31), weekdays=DAILY),
        now=now,
        homework_id=item,
    )
    await services.scheduler.refresh_person(3012)
    row = await delivery_row(live_bot, 3012)
    assert (row["status"], row["local_date"]) == ("skipped", "2026-11-23")


async def test_later_never_promises_a_time_when_nudges_are_paused(
    standin: StandinServer, live_bot: BetweenApplication, moving_clock: MovingClock
) -> None:
    rae = await onboarded(standin, 3013, "en")
    await nudge_set(live_bot, moving_clock, 3013)
    nudge = await the_nudge(rae)
    services = services_of(live_bot)
    # Nudges paused (in /settings) after this one arrived, until tomorrow morning.
    await users.pause_nudges(
        services.db, 3013, services.clock() + timedelta(hours=10), services.clock()
    )
    await rae.tap(nudge, "Later")
    okay = await rae.next_reply()
    assert "so I'll leave this one for today" in okay.text
    assert "remind you again" not in okay.text
    row = await delivery_row(live_bot, 3013)
    assert row["answer"] == "later" and row["again_at"] is None
