"""The check-in over real HTTP, as a person does it: taps on the wheel, a typed word, a
number, the body-first minute, a technique to its end, the questions after, and what is
stored."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from bot.app import BetweenApplication, build_application, services_of
from bot.config import Settings
from bot.runner import polling
from bot.standin import BotMessage, FakeUser, StandinServer
from bot.store import checkins
from content.techniques import library

from .conftest import TOKEN, FixedClock
from .flows import onboarded

pytestmark = pytest.mark.usefixtures("private_log")
NAMES = {technique.name: technique for technique in library().values()}


async def rows(bot: BetweenApplication, user_id: int) -> list[checkins.CheckIn]:
    return await checkins.all_of(services_of(bot).db, user_id)


async def next_with(person: FakeUser, text: str) -> BotMessage:
    """The bot's next message or edit that contains `text`, skipping those before it."""
    while True:
        reply = await person.next_reply()
        if text in reply.text:
            return reply


async def to_intensity(person: FakeUser, *taps: str) -> BotMessage:
    await person.send("/checkin")
    screen = await person.next_reply()
    assert "What are you feeling right now?" in screen.text
    for label in taps:
        await person.tap(screen, label)
        screen = await person.next_reply()
    assert "How strong is it" in screen.text
    return screen


async def walk_through(person: FakeUser, screen: BotMessage) -> BotMessage:
    """Tap a technique's steps to its end; returns the question that follows."""
    name = screen.text.split("\n")[0].split(" · ")[0]
    technique = NAMES[name]
    for number in range(1, len(technique.steps) + 1):
        assert f"{name} · {number}/{len(technique.steps)}" in screen.text
        assert technique.steps[number - 1].replace("<b>", "").replace("</b>", "") in screen.text
        await person.tap(screen, "Finish" if number == len(technique.steps) else "Next ›")
        screen = await person.next_reply()
    return screen


async def test_a_full_check_in_by_taps(
    standin: StandinServer, bot: BetweenApplication, private_log: pytest.LogCaptureFixture
) -> None:
    maya = await onboarded(standin, 8001, "en")
    screen = await to_intensity(maya, "Fearful", "Anxious", "Worried")
    assert "Fearful › Anxious › Worried" in screen.text
    assert await rows(bot, 8001) == []
    await maya.tap(screen, "6")  # the fourth tap: logged
    coach = await maya.next_reply()
    assert coach.message_id == screen.message_id  # one message, edited in place
    stored = await rows(bot, 8001)
    assert [(r.place, r.family, r.intensity, r.body_rounds) for r in stored] == [
        ("fearful/anxious/worried", "fearful", 6, 0)
    ]
    assert "Here are two small things that fit" in coach.text
    assert coach.buttons[-2:] == [["Something else"], ["Just log it"]]
    offered = [row[0] for row in coach.buttons[:2]]
    assert all(NAMES[name].fits("fearful", 6) for name in offered)
    await maya.tap(coach, offered[0])
    first_step = await maya.next_reply()
    after = await walk_through(maya, first_step)
    assert "How strong is <b>Worried</b> now?" in after.html
    await maya.tap(after, "3")
    note_question = await maya.next_reply()
    assert "What was happening when this came up?" in note_question.text
    await maya.send("Meeting with my manager at 9")
    helped = await maya.next_reply()
    assert f"Did {offered[0]} help, even a little?" in helped.text
    await maya.tap(helped, "Yes")
    thanks = await maya.next_reply()
    assert "Logged: Worried, 6 → 3." in thanks.text
    assert "1 check-in this week." in thanks.text
    assert "What was happening: Meeting with my manager at 9" in thanks.text
    assert "streak" not in thanks.text.lower()
    (row,) = await rows(bot, 8001)
    technique = NAMES[offered[0]]
    assert (row.technique, row.technique_steps, row.intensity_after, row.helped, row.note) == (
        technique.id,
        len(technique.steps),
        3,
        "yes",
        "Meeting with my manager at 9",
    )
    assert row.at == "2026-11-23T09:30:00+00:00"
    assert row.timezone == "America/New_York"
    assert row.local_at == "2026-11-23T04:30:00-05:00"
    # A second check-in the same week: counted, plural, and never the same technique first.
    screen = await to_intensity(maya, "Fearful", "Anxious", "Worried")
    await maya.tap(screen, "5")
    coach = await maya.next_reply()
    assert offered[0] not in [row[0] for row in coach.buttons[:2]]
    await maya.tap(coach, "Just log it")
    await maya.tap(await next_with(maya, "What was happening"), "Skip")
    thanks = await maya.next_reply()
    assert "Logged: Worried, 5." in thanks.text and "2 check-ins this week." in thanks.text
    logged = private_log.text
    assert "check-in stored user=8001" in logged
    for private in ("Meeting with my manager", "Worried", "worried", "fearful"):
        assert private not in logged  # ids and events only


async def test_stop_at_any_level_and_back_at_every_level(
    standin: StandinServer, bot: BetweenApplication
) -> None:
    ana = await onboarded(standin, 8002, "en")
    await ana.send("/checkin")
    screen = await ana.next_reply()
    await ana.tap(screen, "Sad")
    middle = await ana.next_reply()
    assert "Lonely" in str(middle.buttons) and ["Just “Sad”"] in middle.buttons
    await ana.tap(middle, "Lonely")
    outer = await ana.next_reply()
    assert outer.buttons == [["Isolated", "Abandoned"], ["Just “Lonely”"], ["« Back"]]
    await ana.tap(outer, "« Back")
    assert "Lonely" in str((await ana.next_reply()).buttons)
    await ana.tap(screen, "« Back")
    top = await ana.next_reply()
    assert "What are you feeling right now?" in top.text
    await ana.tap(top, "Sad")
    await ana.tap(await ana.next_reply(), "Just “Sad”")
    rate = await ana.next_reply()
    assert "<b>Sad</b>" in rate.html
    await ana.tap(rate, "« Back")
    again = await ana.next_reply()
    assert ["Just “Sad”"] in again.buttons  # back where "Sad" was kept
    await ana.tap(again, "Just “Sad”")
    await ana.tap(await ana.next_reply(), "4")
    await next_with(ana, "Here are two small things")
    assert [(r.place, r.intensity) for r in await rows(bot, 8002)] == [("sad", 4)]


async def test_a_feeling_typed_in_spanish(standin: StandinServer, bot: BetweenApplication) -> None:
    lucia = await onboarded(standin, 8003, "es")
    await lucia.send("/checkin")
    await lucia.next_reply()
    await lucia.send("Me siento muy ansiosa")
    rate = await lucia.next_reply()
    assert "1" in str(rate.buttons) and "10" in str(rate.buttons)
    await lucia.tap(rate, "7")
    await lucia.next_reply()
    assert [r.place for r in await rows(bot, 8003)] == ["fearful/anxious"]


async def test_typed_words_that_match_several_places_or_none(
    standin: StandinServer, bot: BetweenApplication
) -> None:
    leo = await onboarded(standin, 8004, "en")
    await leo.send("/checkin")
    await leo.next_reply()
    await leo.send("overwhelmed")
    choice = await leo.next_reply()
    assert "more than one place" in choice.text
    assert choice.buttons[:2] == [
        ["Fearful › Anxious › Overwhelmed"],
        ["Bad › Stressed › Overwhelmed"],
    ]
    await leo.send("anxiuos")  # a typo
    guess = await leo.next_reply()
    assert "Did you mean" in guess.text and ["Fearful › Anxious"] in guess.buttons
    assert ["Happy", "Sad"] in guess.buttons  # and the wheel, to pick instead
    await leo.send("blorptastic")
    unknown = await leo.next_reply()
    assert "I don't know that word yet" in unknown.text
    await leo.tap(choice, "Bad › Stressed › Overwhelmed")
    await leo.tap(await leo.next_reply(), "5")
    await next_with(leo, "Here are two small things")
    assert [r.place for r in await rows(bot, 8004)] == ["bad/stressed/overwhelmed"]


async def test_intensity_nine_gets_the_body_first_then_a_re_rating(
    standin: StandinServer, bot: BetweenApplication
) -> None:
    kai = await onboarded(standin, 8005, "en")
    screen = await to_intensity(kai, "Angry", "Mad", "Furious")
    await kai.tap(screen, "9")
    seen: list[BotMessage] = []
    while True:
        step = await kai.next_reply()
        seen.append(step)
        if "How strong is the feeling now?" in step.text:
            break
    body = NAMES["Slow breathing out"] if "Slow breathing out" in seen[0].text else None
    assert "Let's start with the body" in seen[0].text
    assert all(m.message_id == screen.message_id for m in seen)  # edited in place
    assert all("Here are two" not in m.text for m in seen)  # no technique before it
    assert [m.buttons for m in seen[:-1]] == [[["Stop"]]] * (len(seen) - 1)
    assert len(seen) - 1 == 6 and body is not None
    (row,) = await rows(bot, 8005)
    assert row.intensity == 9 and row.body_rounds == 0
    await kai.tap(seen[-1], "9")  # still 9: a second minute, and help offered gently
    offer = await next_with(kai, "This sounds like a lot to carry")
    assert offer.buttons == [["Show me help lines"]]
    second = await next_with(kai, "one more minute")
    assert "Slow breathing out" not in second.text  # something different
    await kai.tap(second, "Stop")  # stopping is always possible
    rerate = await next_with(kai, "How strong is the feeling now?")
    await kai.tap(rerate, "6")
    coach = await next_with(kai, "Here are two small things")
    assert coach.message_id == screen.message_id
    offered = [NAMES[row[0]] for row in coach.buttons[:2]]
    assert all(t.tradition not in ("breathing", "grounding") for t in offered)  # below 8 now
    (row,) = await rows(bot, 8005)
    assert (row.body_rounds, row.intensity_rerated) == (2, 6)


async def test_a_long_note_with_html_is_kept_verbatim_and_shown_escaped_and_short(
    standin: StandinServer, bot: BetweenApplication
) -> None:
    ines = await onboarded(standin, 8006, "en")
    screen = await to_intensity(ines, "Bad", "Tired", "Just “Tired”")
    await ines.tap(screen, "4")
    await ines.tap(await next_with(ines, "Here are two"), "Just log it")
    await next_with(ines, "What was happening")
    note = ("<b>& my boss said 'you're late' </b> " * 120)[:4000]
    assert len(note) == 4000
    await ines.send(note)
    thanks = await ines.next_reply()
    assert "Logged: Tired, 4." in thanks.text
    assert "<b>& my boss said" in thanks.text  # shown as written, not as markup
    assert "&lt;b&gt;&amp; my boss" in thanks.html
    assert "…" in thanks.text and len(thanks.text) < 1000
    (row,) = await rows(bot, 8006)
    assert row.note == note


async def test_a_double_tap_on_intensity_stores_one_check_in(
    standin: StandinServer, bot: BetweenApplication
) -> None:
    ola = await onboarded(standin, 8007, "en")
    screen = await to_intensity(ola, "Surprised", "Confused", "Perplexed")
    first = await ola.tap(screen, "5")
    second = await ola.tap(screen, "5")  # the same button again, from the old screen
    await next_with(ola, "Here are two")
    await asyncio.sleep(0.3)
    assert len(await rows(bot, 8007)) == 1
    answers = ola.callback_answers
    assert answers[str(first)] is not None and answers[str(second)] is not None
    coach = ola.messages[-1]
    assert "Here are two" in coach.text  # the flow goes on unbroken
    await ola.tap(coach, "Just log it")
    assert "What was happening" in (await ola.next_reply()).text


async def test_a_button_from_before_a_restart_gets_a_kind_expired_reply_and_a_way_back(
    standin: StandinServer, settings: Settings, clock: FixedClock
) -> None:
    first = build_application(settings, token=TOKEN, clock=clock)
    async with polling(first, poll_timeout=1):
        noor = await onboarded(standin, 8008, "en")
        await noor.send("/checkin")
        wheel_screen = await noor.next_reply()
    clock.now += timedelta(hours=3)  # the bot comes back long after
    second = build_application(settings, token=TOKEN, clock=clock)
    async with polling(second, poll_timeout=1):
        query = await noor.tap(wheel_screen, "Happy")
        reply = await noor.next_reply()
        assert "belongs to a check-in that has ended" in reply.text
        assert (noor.callback_answers[str(query)] or {}).get("text") == "That check-in has ended."
        await noor.tap(reply, "Start a check-in")
        fresh = await noor.next_reply()
        assert "What are you feeling right now?" in fresh.text
        await noor.tap(fresh, "Happy")
        assert "Playful" in str((await noor.next_reply()).buttons)


async def test_a_crisis_phrase_as_the_note_gets_the_crisis_reply_first_and_is_kept(
    standin: StandinServer, bot: BetweenApplication
) -> None:
    ben = await onboarded(standin, 8009, "en")
    screen = await to_intensity(ben, "Sad", "Despair", "Grief")
    await ben.tap(screen, "6")
    await ben.tap(await next_with(ben, "Here are two"), "Just log it")
    await next_with(ben, "What was happening")
    await ben.send("I want to kill myself")
    crisis = await ben.next_reply()
    assert "988" in crisis.text and "not an emergency service" in crisis.text
    kept = await ben.next_reply()
    assert "I've kept your check-in" in kept.text
    (row,) = await rows(bot, 8009)
    assert row.note == "I want to kill myself"
    await asyncio.sleep(0.2)
    assert "Here is what I can do" not in ben.messages[-1].text  # no menu after it


async def test_sos_in_the_middle_of_a_check_in_and_the_check_in_goes_on(
    standin: StandinServer, bot: BetweenApplication
) -> None:
    eva = await onboarded(standin, 8010, "en")
    screen = await to_intensity(eva, "Fearful", "Scared", "Frightened")
    await eva.send("/sos")
    help_now = await eva.next_reply()
    assert "988" in help_now.text
    await eva.tap(screen, "5")
    coach = await next_with(eva, "Here are two")
    await eva.send("honestly I just want to die")
    assert "988" in (await eva.next_reply()).text
    await eva.tap(coach, "Just log it")
    assert "What was happening" in (await eva.next_reply()).text


async def test_without_consent_nothing_is_stored_and_grounding_is_offered(
    standin: StandinServer, bot: BetweenApplication
) -> None:
    zoe = standin.user(8011, first_name="Zoe", language_code="en")
    await zoe.send("/start")
    await zoe.tap(await zoe.next_reply(), 0)
    await zoe.tap(await zoe.next_reply(), 0)
    consent = await zoe.next_reply()
    await zoe.tap(consent, "Not now")
    await zoe.next_reply()
    await zoe.send("/checkin")
    reply = await zoe.next_reply()
    assert "nothing without your consent" in reply.text
    assert reply.buttons == [["A grounding minute"]]
    assert await rows(bot, 8011) == []


async def test_text_where_a_tap_is_expected_gets_a_hint_and_the_same_step(
    standin: StandinServer, bot: BetweenApplication
) -> None:
    max_ = await onboarded(standin, 8012, "en")
    await to_intensity(max_, "Happy", "Proud", "Just “Proud”")
    await max_.send("quite a lot")
    hint = await max_.next_reply()
    assert "Please tap a number from 1 to 10" in hint.text and "How strong" in hint.text
    await max_.send("7")  # a typed number works too
    coach = await next_with(max_, "Here are two")
    await max_.send("hmm")
    again = await max_.next_reply()
    assert "Please tap one of the buttons" in again.text and ["Just log it"] in again.buttons
    await max_.tap(coach, "Just log it")
    await next_with(max_, "What was happening")
    assert [(r.place, r.intensity) for r in await rows(bot, 8012)] == [("happy/proud", 7)]


async def test_onboarding_ends_with_a_first_check_in_one_tap_away(
    standin: StandinServer, bot: BetweenApplication
) -> None:
    ivy = await onboarded(standin, 8013, "en")
    last = ivy.messages[-1]
    assert last.buttons == [["Try a one-minute check-in"], ["Record this week's homework"]]
    await ivy.tap(last, "Try a one-minute check-in")
    wheel = await ivy.next_reply()
    assert "What are you feeling right now?" in wheel.text
    await ivy.tap(wheel, "Happy")
    await ivy.tap(await ivy.next_reply(), "Just “Happy”")
    await ivy.tap(await ivy.next_reply(), "9")  # strong, and pleasant: no calming down
    coach = await ivy.next_reply()
    assert "Here are two small things" in coach.text
    (row,) = await rows(bot, 8013)
    assert (row.place, row.intensity, row.source) == ("happy", 9, "onboarding")


async def test_a_button_of_an_earlier_check_in_never_touches_the_new_one(
    standin: StandinServer, bot: BetweenApplication
) -> None:
    uma = await onboarded(standin, 8014, "en")
    old = await to_intensity(uma, "Sad", "Lonely", "Isolated")
    await uma.send("5")  # typed: the old keyboard stays on screen
    await uma.tap(await next_with(uma, "Here are two"), "Just log it")
    await uma.tap(await next_with(uma, "What was happening"), "Skip")
    await next_with(uma, "Logged: Isolated, 5.")
    await to_intensity(uma, "Angry", "Mad", "Furious")
    query = await uma.tap(old, "6")  # the earlier check-in's number
    await asyncio.sleep(0.3)
    assert (uma.callback_answers[str(query)] or {}).get("text") == "That button has expired."
    assert [(r.place, r.intensity) for r in await rows(bot, 8014)] == [("sad/lonely/isolated", 5)]
    await uma.tap(uma.messages[-1], "7")  # the current one still works
    await next_with(uma, "Here are two")
    assert [(r.place, r.intensity) for r in await rows(bot, 8014)] == [
        ("sad/lonely/isolated", 5),
        ("angry/mad/furious", 7),
    ]


async def test_consent_withdrawn_mid_check_in_stores_nothing_more(
    standin: StandinServer, bot: BetweenApplication, clock: FixedClock
) -> None:
    from bot.store import users

    vic = await onboarded(standin, 8015, "en")
    screen = await to_intensity(vic, "Bad", "Busy", "Rushed")
    await users.set_consent(services_of(bot).db, 8015, False, clock.now)
    await vic.tap(screen, "6")
    reply = await next_with(vic, "nothing without your consent")
    assert reply.buttons == [["A grounding minute"]]
    assert await rows(bot, 8015) == []


async def test_a_check_in_left_open_for_hours_has_ended(
    standin: StandinServer, bot: BetweenApplication, clock: FixedClock
) -> None:
    wes = await onboarded(standin, 8016, "en")
    screen = await to_intensity(wes, "Bad", "Busy", "Pressured")
    await wes.tap(screen, "5")
    await wes.tap(await next_with(wes, "Here are two"), "Just log it")
    await next_with(wes, "What was happening")
    clock.now += timedelta(days=3)
    await wes.send("hello there")
    reply = await wes.next_reply()
    assert "belongs to a check-in that has ended" in reply.text
    assert reply.buttons == [["Start a check-in"]]
    (row,) = await rows(bot, 8016)
    assert row.note is None  # days later, a message is not taken as that note


async def test_odd_digits_typed_for_a_number_get_a_hint(
    standin: StandinServer, bot: BetweenApplication
) -> None:
    xia = await onboarded(standin, 8017, "en")
    await to_intensity(xia, "Fearful", "Weak", "Insignificant")
    await xia.send("²")
    hint = await xia.next_reply()
    assert "Please tap a number from 1 to 10" in hint.text
    assert await rows(bot, 8017) == []
