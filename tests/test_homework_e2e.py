"""/homework over real HTTP, as a person does it: what the therapist suggested, the five
questions (each skippable), the card and its buttons, edits, and what is stored."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time, timedelta

import pytest

from bot.app import BetweenApplication, services_of
from bot.nudging import Slot
from bot.standin import BotMessage, FakeUser, StandinServer
from bot.store import homework, reminders
from bot.store.homework import Homework
from bot.store.reminders import Reminder

from .conftest import FixedClock
from .flows import onboarded

pytestmark = pytest.mark.usefixtures("private_log")

# The fixed clock is Monday 2026-11-23 09:30 UTC: 04:30 that Monday in New York.
THERAPIST = "Fill in a thought record every evening"


async def items(bot: BetweenApplication, user_id: int) -> list[Homework]:
    return await homework.of_person(services_of(bot).db, user_id)


async def nudges(bot: BetweenApplication, homework_id: int) -> list[Reminder]:
    return await reminders.of_homework(services_of(bot).db, homework_id)


async def next_with(person: FakeUser, text: str) -> BotMessage:
    """The bot's next message or edit that contains `text`, skipping those before it."""
    while True:
        reply = await person.next_reply()
        if text in reply.text:
            return reply


async def new_homework(person: FakeUser, text: str = THERAPIST) -> BotMessage:
    """/homework (or Add homework) to the first question; returns the avoid question."""
    await person.send("/homework")
    ask = await person.next_reply()
    if "Your homework" in ask.text:
        await person.tap(ask, "Add homework")
        ask = await person.next_reply()
    assert "What did your therapist suggest" in ask.text
    await person.send(text)
    return await next_with(person, "What makes you want to avoid")


async def all_skipped(person: FakeUser, text: str = THERAPIST) -> BotMessage:
    """A homework with every question skipped; returns its card."""
    screen = await new_homework(person, text)
    for question in ("What kind of homework", "After which moment", "pair it with", "why"):
        await person.tap(screen, "Skip")
        screen = await next_with(person, question)
    await person.tap(screen, "Skip")
    return await next_with(person, "I will")


async def with_bedtime_nudge(person: FakeUser) -> BotMessage:
    """A homework made small and glued to bedtime at 22:30 every day; returns its card."""
    screen = await new_homework(person)
    await person.tap(screen, "Low energy")
    await person.tap(await next_with(person, "What kind of homework"), "Thought record")
    await person.tap(await next_with(person, "a few tiny versions"), 0)
    await person.tap(await next_with(person, "After which moment"), "After I get into bed")
    await person.tap(await next_with(person, "When do you usually do that"), "hw:tm:2230")
    await person.tap(await next_with(person, "On which days"), "Every day")
    await person.tap(await next_with(person, "pair it with"), "Skip")
    await person.tap(await next_with(person, "why this homework helps"), "Yes")
    return await next_with(person, "After I get into bed, I will")


async def test_homework_through_all_five_questions_to_a_card(
    standin: StandinServer, bot: BetweenApplication, private_log: pytest.LogCaptureFixture
) -> None:
    maya = await onboarded(standin, 9001, "en")
    await maya.send("/homework")
    ask = await maya.next_reply()
    assert "What did your therapist suggest" in ask.text  # no homework yet: straight in
    await maya.send(THERAPIST)
    avoid = await maya.next_reply()
    assert f"Saved: {THERAPIST}" in avoid.text
    assert "What makes you want to avoid this one?" in avoid.text
    assert ["It feels too big", "It's too vague"] in avoid.buttons and ["Skip"] in avoid.buttons
    (item,) = await items(bot, 9001)
    assert item.text == THERAPIST  # kept as soon as it is written

    await maya.tap(avoid, "It feels too big")
    kinds = await maya.next_reply()
    assert kinds.message_id == avoid.message_id  # a tap edits the question in place
    assert "What kind of homework is it?" in kinds.text
    await maya.tap(kinds, "Mood tracking")
    tiny = await maya.next_reply()
    assert "Mood tracking: a few tiny versions" in tiny.text
    assert ["tap one feeling and a number"] in tiny.buttons and ["In my own words"] in tiny.buttons
    await maya.tap(tiny, "tap one feeling and a number")
    habit = await maya.next_reply()
    assert "After which moment of your day" in habit.text
    assert ["After I get into bed", "Something else"] in habit.buttons
    await maya.tap(habit, "After I get into bed")
    when = await maya.next_reply()
    assert "When do you usually do that?" in when.text
    assert when.callback_data[0] == ["hw:tm:2200", "hw:tm:2230", "hw:tm:2300"]
    assert "10:30" in str(when.buttons) and "PM" in str(when.buttons)  # the person's locale
    await maya.tap(when, "hw:tm:2230")
    days = await maya.next_reply()
    assert "On which days?" in days.text
    await maya.tap(days, "Choose days")
    picker = await maya.next_reply()
    assert picker.buttons[0] == ["Mon", "Tue", "Wed", "Thu"]
    for day in ("Mon", "Wed", "Fri"):
        await maya.tap(picker, day)
        picker = await maya.next_reply()
    assert picker.buttons[0] == ["✓ Mon", "Tue", "✓ Wed", "Thu"]
    await maya.tap(picker, "Done")
    pair = await maya.next_reply()
    assert "Is there something enjoyable you could pair it with?" in pair.text
    await maya.send("a cup of chamomile tea")
    why = await maya.next_reply()
    assert "Do you understand why this homework helps?" in why.text
    query = await maya.tap(why, "Not really")
    card = await maya.next_reply()

    assert card.message_id == why.message_id
    assert "After I get into bed, I will tap one feeling and a number." in card.text
    assert "<b>After I get into bed, I will tap one feeling and a number.</b>" in card.html
    assert "10:30" in card.text and "Mon, Wed, Fri" in card.text
    assert "With: a cup of chamomile tea" in card.text
    assert "On my list to ask my therapist: why it helps." in card.text
    assert f"From my therapist: {THERAPIST}" in card.text
    assert card.buttons == [
        ["Done today", "Edit"],
        ["Pause", "Delete"],
        ["Add another time"],
        ["« All homework"],
    ]
    answer = maya.callback_answers[str(query)] or {}
    assert answer.get("text") == "It's on your list to ask your therapist."
    assert all(answer is not None for answer in maya.callback_answers.values())

    (item,) = await items(bot, 9001)
    assert (
        item.text, item.avoid_reason, item.kind, item.tiny_key, item.tiny_own, item.anchor,
        item.anchor_own, item.pairing, item.understands_why, item.paused,
    ) == (
        THERAPIST, "too_big", "mood_tracking", "tap_feeling", None, "bed",
        None, "a cup of chamomile tea", 0, False,
    )  # fmt: skip
    (nudge,) = await nudges(bot, item.homework_id)
    assert nudge.kind == "homework" and nudge.user_id == 9001
    assert nudge.slot == Slot(at=time(22, 30), weekdays=frozenset({0, 2, 4}))
    # Monday 22:30 in New York, the first of those still ahead.
    assert nudge.next_due == datetime(2026, 11, 24, 3, 30, tzinfo=UTC)
    questions = await homework.questions(services_of(bot).db, 9001)
    assert questions == [(THERAPIST, "homework_why")]
    logged = private_log.text
    assert f"homework created user=9001 homework={item.homework_id}" in logged
    for private in ("thought record", "chamomile", "Thought record"):
        assert private not in logged  # ids and events only


async def test_every_question_skipped_still_makes_a_card(
    standin: StandinServer, bot: BetweenApplication
) -> None:
    ben = await onboarded(standin, 9002, "en")
    card = await all_skipped(ben, "Go for a short walk")
    assert "I will Go for a short walk." in card.text  # the whole homework is the step
    assert "⏰" not in card.text and "With:" not in card.text and "On my list" not in card.text
    assert ["Add a reminder time"] in card.buttons
    (item,) = await items(bot, 9002)
    assert item.text == "Go for a short walk"
    assert (item.avoid_reason, item.kind, item.tiny_key, item.tiny_own, item.anchor) == (
        None, None, None, None, None,
    )  # fmt: skip
    assert (item.anchor_own, item.pairing, item.understands_why) == (None, None, None)
    assert await nudges(bot, item.homework_id) == []


async def test_own_words_for_every_part_and_typed_times(
    standin: StandinServer, bot: BetweenApplication
) -> None:
    kim = await onboarded(standin, 9003, "en")
    avoid = await new_homework(kim, "Practise saying no to my sister")
    await kim.tap(avoid, "Something else")
    own = await kim.next_reply()
    assert "In your own words: what gets in the way?" in own.text
    await kim.send("I feel guilty")
    kinds = await next_with(kim, "What kind of homework")
    await kim.send("say no to one small thing")  # typed at the kind step: my own words
    habit = await next_with(kim, "After which moment")
    await kim.tap(habit, "Something else")
    await next_with(kim, "Which everyday moment?")
    await kim.send("After I walk the dog.")
    await next_with(kim, "When do you usually do that?")
    await kim.send("half past seven")
    hint = await kim.next_reply()
    assert "I couldn't read that as a time" in hint.text and "21:30" in hint.text
    assert hint.callback_data[-1] == ["hw:tm:skip"]  # the same keyboard again
    await kim.send("7.15pm")
    days = await next_with(kim, "On which days?")
    await kim.send("every day please")
    again = await kim.next_reply()
    assert "Please tap one of the buttons." in again.text and "On which days?" in again.text
    await kim.tap(days, "Weekends")
    await kim.tap(await next_with(kim, "pair it with"), "Skip")
    await kim.tap(await next_with(kim, "why this homework helps"), "Skip")
    card = await next_with(kim, "I will")
    assert "After I walk the dog, I will say no to one small thing." in card.text
    assert "7:15" in card.text and "Weekends" in card.text
    (item,) = await items(bot, 9003)
    assert (item.avoid_reason, item.avoid_own, item.tiny_own, item.anchor_own) == (
        "other", "I feel guilty", "say no to one small thing", "walk the dog",
    )  # fmt: skip
    (nudge,) = await nudges(bot, item.homework_id)
    assert nudge.slot == Slot(at=time(19, 15), weekdays=frozenset({5, 6}))
    assert nudge.next_due == datetime(2026, 11, 29, 0, 15, tzinfo=UTC)  # Sat 19:15 New York
    assert kinds.message_id != card.message_id


async def test_edit_one_part_and_add_another_time(
    standin: StandinServer, bot: BetweenApplication
) -> None:
    lea = await onboarded(standin, 9004, "en")
    card = await with_bedtime_nudge(lea)
    (item,) = await items(bot, 9004)
    await lea.tap(card, "Edit")
    parts = await lea.next_reply()
    assert "What would you like to change?" in parts.text
    assert ["What I pair it with"] in parts.buttons and ["« Back"] in parts.buttons
    await lea.tap(parts, "What I pair it with")
    pair = await lea.next_reply()
    assert "pair it with" in pair.text and ["Leave it out", "« Back"] in pair.buttons
    await lea.send("my favourite playlist")
    card = await next_with(lea, "After I get into bed, I will")
    assert "With: my favourite playlist" in card.text
    (item,) = await items(bot, 9004)
    assert item.pairing == "my favourite playlist" and item.avoid_reason == "low_energy"

    # The habit, its time and days: the nudge is replaced, not added to.
    await lea.tap(card, "Edit")
    await lea.tap(await lea.next_reply(), "The daily habit, time and days")
    await lea.tap(await next_with(lea, "After which moment"), "After I have dinner")
    when = await next_with(lea, "When do you usually do that?")
    assert when.callback_data[0] == ["hw:tm:1900", "hw:tm:1930", "hw:tm:2000"]
    await lea.send("19h45")
    await lea.tap(await next_with(lea, "On which days?"), "Weekdays")
    card = await next_with(lea, "After I have dinner, I will")
    assert "7:45" in card.text and "Weekdays" in card.text
    (nudge,) = await nudges(bot, item.homework_id)
    assert nudge.slot == Slot(at=time(19, 45), weekdays=frozenset(range(5)))

    # One more time, on its own days.
    await lea.tap(card, "Add another time")
    when = await lea.next_reply()
    assert when.callback_data[-1] == [f"hw:open:{item.homework_id}"]  # « Back, no "No reminder"
    await lea.send("7am")
    await lea.tap(await next_with(lea, "On which days?"), "Weekends")
    card = await next_with(lea, "After I have dinner, I will")
    assert "7:00" in card.text and "7:45" in card.text
    slots = {nudge.slot for nudge in await nudges(bot, item.homework_id)}
    assert slots == {
        Slot(at=time(19, 45), weekdays=frozenset(range(5))),
        Slot(at=time(7, 0), weekdays=frozenset({5, 6})),
    }
    assert all(nudge.next_due is not None for nudge in await nudges(bot, item.homework_id))

    # « Back from an edit leaves everything as it was.
    await lea.tap(card, "Edit")
    await lea.tap(await lea.next_reply(), "What my therapist suggested")
    await lea.tap(await next_with(lea, "What did your therapist suggest"), "« Back")
    await next_with(lea, "After I have dinner, I will")
    (after,) = await items(bot, 9004)
    assert after.text == THERAPIST


async def test_make_it_smaller_from_a_nudge_opens_the_smallest_version(
    standin: StandinServer, bot: BetweenApplication
) -> None:
    ada = await onboarded(standin, 9005, "en")
    card = await all_skipped(ada, "Write in my journal for 20 minutes")
    (item,) = await items(bot, 9005)
    await ada.tap_forged(card, f"hw:tiny:{item.homework_id}")  # the nudge's button
    kinds = await next_with(ada, "What kind of homework")
    assert kinds.message_id != card.message_id  # under the nudge, not in its place
    assert "I will Write in my journal for 20 minutes." in kinds.text
    await ada.tap(kinds, "Journaling")
    await ada.tap(await ada.next_reply(), "write one sentence about today")
    card = await next_with(ada, "I will write one sentence about today.")
    (item,) = await items(bot, 9005)
    assert (item.kind, item.tiny_key) == ("journaling", "one_sentence")


async def test_pause_clears_next_due_and_resume_restores_it(
    standin: StandinServer, bot: BetweenApplication
) -> None:
    noa = await onboarded(standin, 9006, "en")
    card = await with_bedtime_nudge(noa)
    (item,) = await items(bot, 9006)
    (nudge,) = await nudges(bot, item.homework_id)
    assert nudge.next_due == datetime(2026, 11, 24, 3, 30, tzinfo=UTC)
    await noa.tap(card, "Pause")
    paused = await next_with(noa, "Paused: no nudges until you resume it.")
    assert ["Resume", "Delete"] in paused.buttons
    (nudge,) = await nudges(bot, item.homework_id)
    assert nudge.next_due is None
    (item,) = await items(bot, 9006)
    assert item.paused
    await noa.tap(card, "Pause")  # a double tap on the old button changes nothing
    await noa.tap(paused, "Resume")
    resumed = await next_with(noa, "After I get into bed")
    await asyncio.sleep(0.2)
    resumed = noa.messages[-1]
    assert "Paused" not in resumed.text and ["Pause", "Delete"] in resumed.buttons
    (nudge,) = await nudges(bot, item.homework_id)
    assert nudge.next_due == datetime(2026, 11, 24, 3, 30, tzinfo=UTC)
    (item,) = await items(bot, 9006)
    assert not item.paused
    assert all(answer is not None for answer in noa.callback_answers.values())


async def test_delete_asks_first_and_removes_the_rows(
    standin: StandinServer, bot: BetweenApplication, clock: FixedClock
) -> None:
    eli = await onboarded(standin, 9007, "en")
    card = await with_bedtime_nudge(eli)
    await eli.tap(card, "Done today")
    await next_with(eli, "Done today. Small steps count.")
    await eli.tap(card, "Delete")
    confirm = await next_with(eli, "Delete this homework?")
    assert confirm.buttons == [["Yes, delete it", "Keep it"]]
    await eli.tap(confirm, "Keep it")
    await next_with(eli, "After I get into bed")
    assert len(await items(bot, 9007)) == 1
    await eli.tap(card, "Delete")
    confirm = await next_with(eli, "Delete this homework?")
    await eli.tap(confirm, "Yes, delete it")
    gone = await eli.next_reply()
    assert "Deleted." in gone.text and gone.buttons == [["Add homework"]]
    await eli.tap(confirm, "Yes, delete it")  # a double tap
    await asyncio.sleep(0.3)
    assert eli.messages[-1].message_id == gone.message_id  # nothing more was said
    assert await items(bot, 9007) == []
    db = services_of(bot).db
    assert await db.fetchall("SELECT * FROM reminders WHERE user_id = 9007") == []
    assert await db.fetchall("SELECT * FROM homework_days WHERE user_id = 9007") == []
    clock.now += timedelta(minutes=5)
    await eli.tap(card, "Pause")  # an old card of the deleted homework, minutes later
    expired = await eli.next_reply()
    assert "That button belongs to a step that has ended" in expired.text
    assert all(answer is not None for answer in eli.callback_answers.values())


async def test_several_items_are_listed_with_the_days_practised(
    standin: StandinServer, bot: BetweenApplication
) -> None:
    ivo = await onboarded(standin, 9008, "en")
    first = await with_bedtime_nudge(ivo)
    await all_skipped(ivo, "Call my brother")
    await ivo.tap(first, "Pause")
    await next_with(ivo, "Paused")
    await ivo.send("/homework")
    listing = await ivo.next_reply()
    assert "Your homework" in listing.text
    assert (
        "1. After I get into bed, I will write down one thought that bothered me, just the "
        "thought. (paused)"
    ) in listing.text
    assert "2. I will Call my brother." in listing.text
    assert "Days you practised this week: 0" in listing.text
    assert listing.buttons[-1] == ["Add homework"]
    assert listing.buttons[1] == ["2. Call my brother"]
    assert listing.buttons[0][0].startswith("⏸ 1. write down one thought")
    await ivo.send("hello?")
    hint = await ivo.next_reply()
    assert "Please tap one of the buttons." in hint.text and hint.buttons == listing.buttons
    await ivo.tap(listing, "2. Call my brother")
    card = await next_with(ivo, "I will Call my brother.")
    await ivo.tap(card, "Done today")
    card = await next_with(ivo, "Done today. Small steps count.")
    (_, second) = await items(bot, 9008)
    monday = date(2026, 11, 23)
    assert await homework.day_status(services_of(bot).db, second.homework_id, monday) == "done"
    await ivo.tap(card, "« All homework")
    listing = await next_with(ivo, "Your homework")
    assert "Days you practised this week: 1" in listing.text
    await ivo.tap(listing, "Add homework")
    assert "What did your therapist suggest" in (await ivo.next_reply()).text


async def test_a_crisis_phrase_as_the_homework_gets_the_crisis_reply_first_and_is_kept(
    standin: StandinServer, bot: BetweenApplication
) -> None:
    sam = await onboarded(standin, 9009, "en")
    await sam.send("/homework")
    await next_with(sam, "What did your therapist suggest")
    await sam.send("I want to kill myself")
    crisis = await sam.next_reply()
    assert "988" in crisis.text and "not an emergency service" in crisis.text
    kept = await sam.next_reply()
    assert "I've kept what you wrote" in kept.text and "/sos" in kept.text
    (item,) = await items(bot, 9009)
    assert item.text == "I want to kill myself"
    await asyncio.sleep(0.2)
    assert "Here is what I can do" not in sam.messages[-1].text


async def test_html_and_long_text_is_stored_verbatim_and_shown_escaped(
    standin: StandinServer, bot: BetweenApplication
) -> None:
    zoe = await onboarded(standin, 9010, "en")
    text = "<b>& " + "x" * 300
    avoid = await new_homework(zoe, text)
    assert "<b>& xxx" in avoid.text and "&lt;b&gt;&amp; xxx" in avoid.html
    for question in ("What kind of homework", "After which moment", "pair it with"):
        await zoe.tap(avoid, "Skip")
        avoid = await next_with(zoe, question)
    await zoe.send("<i>tea</i> & " + "y" * 4000)  # the card would go over Telegram's limit
    why = await next_with(zoe, "why this homework helps")
    await zoe.tap(why, "Skip")
    card = await next_with(zoe, "I will")
    assert "I will <b>& xxx" in card.text and "&lt;b&gt;&amp;" in card.html
    assert "With: <i>tea</i> & yyy" in card.text and "…" in card.text
    assert len(card.text) < 4096
    (item,) = await items(bot, 9010)
    assert item.text == text and item.pairing == "<i>tea</i> & " + "y" * 4000


async def test_a_forged_button_never_reaches_another_persons_homework(
    standin: StandinServer, bot: BetweenApplication, clock: FixedClock
) -> None:
    ana = await onboarded(standin, 9011, "en")
    await with_bedtime_nudge(ana)
    (theirs,) = await items(bot, 9011)
    mal = await onboarded(standin, 9012, "en")
    mine = await all_skipped(mal, "My own homework")
    clock.now += timedelta(minutes=5)  # not a double tap on the card just made
    for action in ("delok", "pause", "done", "open", "slot", "tiny"):
        query = await mal.tap_forged(mine, f"hw:{action}:{theirs.homework_id}")
        reply = await mal.next_reply()
        assert "That button belongs to a step that has ended" in reply.text
        assert THERAPIST not in reply.text
        assert (mal.callback_answers[query] or {}).get("text") == "That button has expired."
    await mal.tap_forged(mine, "hw:e:text:99999999")
    assert "ended" in (await mal.next_reply()).text
    await mal.tap_forged(mine, "hw:av:'; DROP TABLE homework")
    assert "ended" in (await mal.next_reply()).text
    (still,) = await items(bot, 9011)
    assert still == theirs and not still.paused
    (nudge,) = await nudges(bot, theirs.homework_id)
    assert nudge.next_due is not None
    db = services_of(bot).db
    assert await db.fetchall("SELECT * FROM homework_days WHERE user_id = 9011") == []


async def test_without_consent_nothing_is_stored(
    standin: StandinServer, bot: BetweenApplication
) -> None:
    una = standin.user(9013, first_name="Una", language_code="en")
    await una.send("/start")
    await una.tap(await una.next_reply(), 0)
    await una.tap(await una.next_reply(), 0)
    consent = await una.next_reply()
    await una.tap(consent, "Not now")
    done = await una.next_reply()
    assert done.buttons == []
    await una.send("/homework")
    reply = await una.next_reply()
    assert "nothing without your consent" in reply.text and "/settings" in reply.text
    await una.send("Breathing exercise every morning")
    assert "Here is what I can do" in (await una.next_reply()).text
    assert await items(bot, 9013) == []


async def test_onboarding_offers_homework_as_a_first_step(
    standin: StandinServer, bot: BetweenApplication
) -> None:
    tom = await onboarded(standin, 9014, "en")
    last = tom.messages[-1]
    await tom.tap(last, "Record this week's homework")
    ask = await tom.next_reply()
    assert "What did your therapist suggest" in ask.text
    assert ask.message_id != last.message_id
    await tom.tap(ask, "Not now")
    assert "/homework is here whenever you want it" in (await tom.next_reply()).text
    assert await items(bot, 9014) == []


async def test_stale_buttons_after_the_flow_ended_and_text_where_a_tap_is_expected(
    standin: StandinServer, bot: BetweenApplication, clock: FixedClock
) -> None:
    val = await onboarded(standin, 9015, "en")
    avoid = await new_homework(val)
    await val.send("it's boring honestly")
    hint = await val.next_reply()
    assert "Please tap one of the buttons." in hint.text
    assert hint.buttons == avoid.buttons  # the same keyboard, state kept
    await val.tap(hint, "It's boring")
    kinds = await next_with(val, "What kind of homework")
    await val.tap(avoid, "It's boring")  # the earlier copy of an answered question
    await asyncio.sleep(0.2)
    assert val.messages[-1].message_id == kinds.message_id  # swallowed, nothing changes
    clock.now += timedelta(hours=2)  # the homework left half-way, for hours
    query = await val.tap(kinds, "Journaling")
    ended = await next_with(val, "homework step that has ended")
    assert (val.callback_answers[str(query)] or {}).get("text") == "That step has ended."
    assert ended.buttons == [["Your homework"]]
    await val.tap(ended, "Your homework")
    listing = await next_with(val, "Your homework")
    (item,) = await items(bot, 9015)
    assert item.avoid_reason == "boring" and item.kind is None  # nothing corrupted
    assert listing.buttons[0] == ["1. " + THERAPIST]
    await val.tap(listing, 0)
    await next_with(val, "I will " + THERAPIST)
    clock.now += timedelta(minutes=5)
    await val.tap(kinds, "Mood tracking")  # the flow has ended: a stale button
    again = await next_with(val, "homework step that has ended")
    assert again.buttons == [["Your homework"]]
    (after,) = await items(bot, 9015)
    assert after == item
    assert all(answer is not None for answer in val.callback_answers.values())


async def test_without_a_time_zone_the_card_works_and_says_nudges_need_one(
    standin: StandinServer, bot: BetweenApplication
) -> None:
    wil = await onboarded(standin, 9016, "en")
    await services_of(bot).db.execute("UPDATE users SET timezone = NULL WHERE user_id = 9016")
    card = await with_bedtime_nudge(wil)
    assert "Nudges need your time zone" in card.text and "/timezone" in card.text
    (item,) = await items(bot, 9016)
    (nudge,) = await nudges(bot, item.homework_id)
    assert nudge.slot.at == time(22, 30) and nudge.next_due is None
    await wil.tap(card, "Done today")
    assert "Done today. Small steps count." in (await wil.next_reply()).text
