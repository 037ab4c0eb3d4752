"""If-then plans over real HTTP, as a person does it: a plan written as one message is
shown back and saved with a tap; edited before saving; step by step with /plan; listed,
paused, resumed and deleted with /plans; brought back after a check-in of its feeling,
or by its reminder at the time its cue names; and "I used it" / "Not now" stored."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.app import BetweenApplication, services_of
from bot.nudging import Slot
from bot.standin import BotMessage, FakeUser, StandinServer
from bot.store import checkins, reminders, safety
from bot.store import plans as store

from .conftest import FixedClock, MovingClock
from .flows import onboarded

pytestmark = pytest.mark.usefixtures("private_log")

NEW_YORK = ZoneInfo("America/New_York")
ANXIOUS_PLAN = "If I feel anxious at work, then I will take three slow breaths"


async def saved_plans(bot: BetweenApplication, user_id: int) -> list[store.Plan]:
    return await store.of_person(services_of(bot).db, user_id)


async def all_rows(bot: BetweenApplication, user_id: int) -> list[dict[str, object]]:
    """Every plan row of the person, drafts included."""
    rows = await services_of(bot).db.fetchall("SELECT * FROM plans WHERE user_id = ?", (user_id,))
    return [dict(row) for row in rows]


async def next_with(person: FakeUser, text: str) -> BotMessage:
    """The bot's next message or edit that contains `text`, skipping those before it."""
    while True:
        reply = await person.next_reply()
        if text in reply.text:
            return reply


async def save_plan(person: FakeUser, text: str) -> BotMessage:
    """A plan sent as a message and saved with one tap; returns the saved card."""
    await person.send(text)
    card = await next_with(person, "Here is your plan:")
    await person.tap(card, "Save")
    return await next_with(person, "Saved.")


async def check_in(person: FakeUser, *taps: str, intensity: str = "6") -> BotMessage:
    """A check-in by taps, logged without a technique or note; returns its thanks."""
    await person.send("/checkin")
    screen = await person.next_reply()
    for label in taps:
        await person.tap(screen, label)
        screen = await person.next_reply()
    await person.tap(screen, intensity)
    await person.tap(await next_with(person, "Here are two small things"), "Just log it")
    await person.tap(await next_with(person, "What was happening"), "Skip")
    return await next_with(person, "Logged:")


async def test_a_plan_sent_as_a_message_is_shown_back_and_saved_only_with_a_tap(
    standin: StandinServer, bot: BetweenApplication, private_log: pytest.LogCaptureFixture
) -> None:
    maya = await onboarded(standin, 9601, "en")
    await maya.send(ANXIOUS_PLAN)
    card = await maya.next_reply()
    assert "Here is your plan:" in card.text
    assert "If I feel anxious at work, then I will take three slow breaths." in card.text
    assert "<b>If</b> I feel anxious at work, <b>then</b> I will take" in card.html
    assert card.buttons == [["Save"], ["Change the “if”", "Change the “then”"], ["Cancel"]]
    assert "One idea" not in card.text  # a clear cue and a small action: no suggestion
    assert await saved_plans(bot, 9601) == []  # nothing saved before the tap

    await maya.tap(card, "Save")
    saved = await maya.next_reply()
    assert saved.message_id == card.message_id  # the card is edited in place
    assert "Saved." in saved.text
    assert "It comes back after a check-in where you feel Fearful." in saved.text
    (plan,) = await saved_plans(bot, 9601)
    assert (plan.cue, plan.response, plan.locale, plan.feeling, plan.paused) == (
        "I feel anxious at work",
        "I will take three slow breaths",
        "en",
        "fearful",
        False,
    )
    # A double tap on Save saves nothing twice, and answers quietly.
    query_id = await maya.tap(card, "Save")
    assert await saved_plans(bot, 9601) == [plan]
    assert str(query_id) in maya.callback_answers  # answered, so no spinner stays
    assert len(await all_rows(bot, 9601)) == 1
    logged = private_log.text
    assert "plan saved user=9601" in logged
    for private in ("anxious", "breaths", "fearful"):
        assert private not in logged  # ids and events only


async def test_a_plan_edited_before_saving(standin: StandinServer, bot: BetweenApplication) -> None:
    leo = await onboarded(standin, 9602, "en")
    await leo.send("When things get bad I'll cope")
    card = await leo.next_reply()
    assert "If things get bad, then I'll cope." in card.text
    assert "One idea: a cue is easier to notice" in card.text  # gentle, never a refusal
    assert ["Save"] in card.buttons

    await leo.tap(card, "Change the “if”")
    asking = await leo.next_reply()
    assert asking.message_id == card.message_id
    assert "Write the “if” part again" in asking.text
    await leo.send("When my manager calls me into her office")
    card = await next_with(leo, "Here is your plan:")
    assert "If my manager calls me into her office, then I'll cope." in card.text
    assert "One idea: the “then” works best as one small action" in card.text

    await leo.tap(card, "Change the “then”")
    await next_with(leo, "Write the “then” part again")
    await leo.send("then I will drink a glass of water first")
    card = await next_with(leo, "Here is your plan:")
    assert (
        "If my manager calls me into her office, then I will drink a glass of water first."
        in card.text
    )
    assert "One idea" not in card.text
    assert await saved_plans(bot, 9602) == []
    await leo.tap(card, "Save")
    await next_with(leo, "Saved.")
    (plan,) = await saved_plans(bot, 9602)
    assert (plan.cue, plan.response) == (
        "my manager calls me into her office",
        "I will drink a glass of water first",
    )
    assert len(await all_rows(bot, 9602)) == 1  # the draft became the plan


async def test_cancel_keeps_nothing_and_plain_chatter_is_no_plan(
    standin: StandinServer, bot: BetweenApplication
) -> None:
    ana = await onboarded(standin, 9603, "en")
    await ana.send("If I wake up at 3am, I'll read for ten minutes")
    card = await next_with(ana, "Here is your plan:")
    await ana.tap(card, "Cancel")
    done = await ana.next_reply()
    assert "Okay, nothing saved." in done.text and done.buttons == []
    assert await all_rows(bot, 9603) == []
    # A sentence that merely contains "if" gets the menu, and nothing is drafted.
    await ana.send("I wonder if it will rain tomorrow")
    menu = await ana.next_reply()
    assert "Here is what I can do:" in menu.text and "/plan" in menu.text
    assert await all_rows(bot, 9603) == []


async def test_text_that_is_not_a_plan_while_the_card_waits_keeps_the_draft(
    standin: StandinServer, bot: BetweenApplication
) -> None:
    eve = await onboarded(standin, 9604, "en")
    await eve.send(ANXIOUS_PLAN)
    card = await next_with(eve, "Here is your plan:")
    await eve.send("hello")
    menu = await eve.next_reply()
    assert "Here is what I can do:" in menu.text
    await eve.tap(card, "Save")  # the card still works, and nothing was lost
    await next_with(eve, "Saved.")
    assert len(await saved_plans(bot, 9604)) == 1


async def test_plan_step_by_step_and_with_text_after_the_command(
    standin: StandinServer, bot: BetweenApplication
) -> None:
    sam = await onboarded(standin, 9605, "en")
    await sam.send("/plan")
    ask = await sam.next_reply()
    assert "First, the moment" in ask.text
    await sam.send("If I get home from work and feel drained")
    ask = await sam.next_reply()
    assert "And then?" in ask.text
    await sam.send("lie on the floor for two minutes with my eyes closed")
    card = await sam.next_reply()
    assert (
        "If I get home from work and feel drained, then lie on the floor for two minutes "
        "with my eyes closed." in card.text
    )
    await sam.tap(card, "Save")
    await next_with(sam, "Saved.")

    await sam.send("/plan When I open my laptop in the morning, then I will write one line")
    card = await sam.next_reply()
    assert "If I open my laptop in the morning, then I will write one line." in card.text
    await sam.tap(card, "Save")
    await next_with(sam, "Saved.")

    await sam.send("/plan breathe more")
    ask = await sam.next_reply()
    assert "I couldn't find an “if” and a “then”" in ask.text and "First, the moment" in ask.text
    assert [p.cue for p in await saved_plans(bot, 9605)] == [
        "I get home from work and feel drained",
        "I open my laptop in the morning",
    ]


async def test_an_anxious_plan_comes_back_after_a_fearful_check_in_and_i_used_it_is_stored(
    standin: StandinServer, bot: BetweenApplication
) -> None:
    kai = await onboarded(standin, 9606, "en")
    await save_plan(kai, ANXIOUS_PLAN)
    # A check-in in another family brings nothing back.
    thanks = await check_in(kai, "Happy", "Content", "Just “Content”")
    assert "Logged: Content" in thanks.text
    await kai.send("/plans")
    listing = await kai.next_reply()
    assert "Your if-then plans:" in listing.text
    assert "You made a plan" not in thanks.text
    db = services_of(bot).db
    assert await store.uses_of_person(db, 9606) == []

    await check_in(kai, "Fearful", "Anxious", "Just “Anxious”")
    shown = await next_with(kai, "You made a plan for a moment like this one:")
    assert "If I feel anxious at work, then I will take three slow breaths." in shown.text
    assert shown.buttons == [["I used it", "Not now"]]
    (use,) = await store.uses_of_person(db, 9606)
    (checkin,) = [c for c in await checkins.all_of(db, 9606) if c.place == "fearful/anxious"]
    assert (use.source, use.checkin_id, use.answer) == ("checkin", checkin.id, None)

    await kai.tap(shown, "I used it")
    thanks = await kai.next_reply()
    assert thanks.message_id == shown.message_id
    assert "Noted: you used your plan." in thanks.text
    (use,) = await store.uses_of_person(db, 9606)
    assert use.answer == "used"
    await kai.tap(shown, "Not now")  # a late second tap changes nothing
    (use,) = await store.uses_of_person(db, 9606)
    assert use.answer == "used"
    now = services_of(bot).clock()
    counts = await store.counts(db, 9606, now - timedelta(days=7), now + timedelta(seconds=1))
    assert counts == store.Counts(shown=1, used=1, not_now=0)
    await kai.send("/plans")
    listing = await kai.next_reply()
    assert "Came back 1 time, used 1." in listing.text


async def test_a_plan_linked_to_a_feeling_by_a_tap_comes_back_after_that_check_in(
    standin: StandinServer, bot: BetweenApplication
) -> None:
    ida = await onboarded(standin, 9607, "en")
    saved = await save_plan(ida, "If my sister calls, then I will step outside first")
    assert "It comes back after a check-in" not in saved.text
    await ida.tap(saved, "Link it to a feeling")
    picker = await ida.next_reply()
    assert "Which feeling is this plan for?" in picker.text
    await ida.tap(picker, "Angry")
    view = await ida.next_reply()
    assert "It comes back after a check-in where you feel Angry." in view.text
    (plan,) = await saved_plans(bot, 9607)
    assert plan.feeling == "angry"
    await check_in(ida, "Angry", "Just “Angry”")
    shown = await next_with(ida, "You made a plan for a moment like this one:")
    await ida.tap(shown, "Not now")
    reply = await ida.next_reply()
    assert "That's okay. It will be here next time." in reply.text
    (use,) = await store.uses_of_person(services_of(bot).db, 9607)
    assert use.answer == "not_now"


async def test_plans_list_pause_resume_delete_and_a_note_past_three(
    standin: StandinServer, bot: BetweenApplication, clock: FixedClock
) -> None:
    uma = await onboarded(standin, 9608, "en")
    await uma.send("/plans")
    empty = await uma.next_reply()
    assert "You have no if-then plans yet" in empty.text
    plans = [
        "If I feel anxious before a meeting, then I will take three slow breaths",
        "If I wake up at 3am, then I will read for ten minutes",
        "If I get angry at my brother, then I will count to ten",
        "If I feel lonely at night, then I will text a friend",
    ]
    for text in plans[:3]:
        await save_plan(uma, text)
    await uma.send("/plans")
    listing = await uma.next_reply()
    assert "active plans" not in listing.text  # three is fine
    await save_plan(uma, plans[3])
    await uma.send("/plans")
    listing = await uma.next_reply()
    assert "You have 4 active plans. A few tend to work better than many" in listing.text
    assert listing.buttons[0] == ["1", "2", "3", "4"]
    await uma.tap(listing, "2")
    view = await uma.next_reply()
    assert "If I wake up at 3am, then I will read for ten minutes." in view.text
    await uma.tap(view, "Pause")
    view = await uma.next_reply()
    assert "Paused" in view.text and ["Resume", "Delete"] in view.buttons
    second = (await saved_plans(bot, 9608))[1]
    assert second.paused
    await uma.tap(view, "Your plans")
    listing = await uma.next_reply()
    assert "(paused)" in listing.text and "active plans" not in listing.text
    await uma.tap(listing, "2")
    view = await uma.next_reply()
    await uma.tap(view, "Resume")
    view = await uma.next_reply()
    assert not (await saved_plans(bot, 9608))[1].paused
    await uma.tap(view, "Delete")
    confirm = await uma.next_reply()
    assert "Delete this plan?" in confirm.text
    await uma.tap(confirm, "Yes, delete the plan")
    gone = await uma.next_reply()
    assert "Deleted." in gone.text
    assert [p.response for p in await saved_plans(bot, 9608)] == [
        "I will take three slow breaths",
        "I will count to ten",
        "I will text a friend",
    ]
    await uma.tap(confirm, "Yes, delete the plan")  # a double tap: nothing else happens
    assert len(await saved_plans(bot, 9608)) == 3


async def test_a_plan_with_markup_characters_and_300_characters_is_kept_verbatim(
    standin: StandinServer, bot: BetweenApplication
) -> None:
    zoe = await onboarded(standin, 9609, "en")
    response = "I will write <b>one</b> line & breathe " + "slowly " * 40
    response = response.strip()
    assert len(response) > 300
    await zoe.send(f"If my <boss> & I argue, then {response}")
    card = await zoe.next_reply()
    assert "&lt;boss&gt; &amp; I argue" in card.html
    assert "&lt;b&gt;one&lt;/b&gt; line &amp; breathe" in card.html
    assert card.text.count("slowly") == 40  # shown whole
    await zoe.tap(card, "Save")
    await next_with(zoe, "Saved.")
    (plan,) = await saved_plans(bot, 9609)
    assert (plan.cue, plan.response) == ("my <boss> & I argue", response)


async def test_a_crisis_phrase_shaped_as_a_plan_gets_the_crisis_reply_not_a_plan_card(
    standin: StandinServer, bot: BetweenApplication
) -> None:
    ray = await onboarded(standin, 9610, "en")
    await ray.send("If nothing changes by Friday, then I will kill myself")
    crisis = await ray.next_reply()
    assert "988" in crisis.text
    assert "Here is your plan:" not in crisis.text
    await ray.send("/plans")
    listing = await ray.next_reply()
    assert "You have no if-then plans yet" in listing.text  # no card came in between
    assert await all_rows(bot, 9610) == []


async def test_plans_need_consent(standin: StandinServer, bot: BetweenApplication) -> None:
    noa = standin.user(9611, first_name="Noa", language_code="en")
    await noa.send("/start")
    await noa.tap(await noa.next_reply(), 0)
    await noa.tap(await noa.next_reply(), 0)
    await noa.tap(await noa.next_reply(), "Not now")
    await noa.next_reply()
    await noa.send(ANXIOUS_PLAN)
    reply = await noa.next_reply()
    assert "nothing without your consent" in reply.text
    assert "Your plans are kept so that I can bring them back" in reply.text
    assert await all_rows(bot, 9611) == []


async def test_forged_plan_buttons_touch_nothing(
    standin: StandinServer, bot: BetweenApplication
) -> None:
    owner = await onboarded(standin, 9612, "en")
    await save_plan(owner, ANXIOUS_PLAN)
    await check_in(owner, "Fearful", "Anxious", "Just “Anxious”")
    await next_with(owner, "You made a plan")
    (plan,) = await saved_plans(bot, 9612)
    (use,) = await store.uses_of_person(services_of(bot).db, 9612)
    other = await onboarded(standin, 9613, "en")
    for data in (
        f"pl:delok:{plan.plan_id}",
        f"pl:pause:{plan.plan_id}",
        f"pl:v:{plan.plan_id}",
        f"pl:u:{use.use_id}:used",
    ):
        await other.send("/plans")
        message = await other.next_reply()
        await other.tap_forged(message, data)
        reply = await other.next_reply()
        assert "That button belongs to a step that has ended" in reply.text
    assert await saved_plans(bot, 9612) == [plan]
    (use,) = await store.uses_of_person(services_of(bot).db, 9612)
    assert use.answer is None


async def test_a_plan_in_spanish_is_read_and_shown_in_spanish(
    standin: StandinServer, bot: BetweenApplication
) -> None:
    lia = await onboarded(standin, 9614, "es")
    await lia.send("Si me siento ansiosa en el trabajo, voy a salir a caminar cinco minutos")
    card = await lia.next_reply()
    assert "Si me siento ansiosa en el trabajo, entonces voy a salir a caminar" in card.text
    await lia.tap(card, 0)
    saved = await lia.next_reply()
    (plan,) = await saved_plans(bot, 9614)
    assert (plan.locale, plan.feeling) == ("es", "fearful")
    assert "Con miedo" in saved.text  # the feeling family, in Spanish


# --- a plan whose cue names a time gets its reminder --------------------------------------------


async def test_a_plan_with_a_time_cue_gets_its_reminder(
    standin: StandinServer, live_bot: BetweenApplication, moving_clock: MovingClock
) -> None:
    moving_clock.set(datetime(2026, 11, 23, 8, 0, tzinfo=NEW_YORK).astimezone(UTC))
    moving_clock.offset -= timedelta(seconds=6)
    services = services_of(live_bot)
    await services.scheduler.rearm(force=True)
    tom = await onboarded(standin, 9615, "en")
    saved = await save_plan(tom, "If it's 8am before work, then I will write my three priorities")
    assert "Your cue names a time" in saved.text
    (row,) = [b for b in saved.buttons if b[0].startswith("⏰")]
    assert row[0].replace("\u202f", " ") == "⏰ Remind me: Every day at 8:00 AM"
    await tom.tap(saved, row[0])
    view = await tom.next_reply()
    assert "⏰ A reminder: Every day at 8:00 AM." in view.text.replace("\u202f", " ")
    (plan,) = await store.of_person(services.db, 9615)
    reminder = await reminders.of_plan(services.db, plan.plan_id)
    assert reminder is not None and reminder.kind == "plan"
    assert reminder.next_due == datetime(2026, 11, 23, 13, 0, tzinfo=UTC)

    nudge = await tom.next_reply(timeout=15)
    assert "Your plan for this moment:" in nudge.text
    assert "If it's 8am before work, then I will write my three priorities." in nudge.text
    assert nudge.buttons == [["I used it", "Not now"]]
    await tom.tap(nudge, "I used it")
    await next_with(tom, "Noted: you used your plan.")
    (use,) = await store.uses_of_person(services.db, 9615)
    assert (use.source, use.answer) == ("reminder", "used") and use.delivery_id is not None
    reminder = await reminders.of_plan(services.db, plan.plan_id)
    assert reminder is not None
    assert reminder.next_due == datetime(2026, 11, 24, 13, 0, tzinfo=UTC)  # tomorrow

    # Paused, the plan's reminder is not due; resumed, it is again.
    await tom.send("/plans")
    await tom.tap(await tom.next_reply(), "1")
    view = await tom.next_reply()
    await tom.tap(view, "Pause")
    await next_with(tom, "Paused")
    reminder = await reminders.of_plan(services.db, plan.plan_id)
    assert reminder is not None and reminder.next_due is None


# --- what the review found: flows side by side, crisis after /plan, long lists -----------------


async def test_crisis_language_after_the_plan_command_gets_the_crisis_reply(
    standin: StandinServer, bot: BetweenApplication
) -> None:
    ray = await onboarded(standin, 9620, "en")
    await ray.send("/plan If nothing changes by Friday, then I will kill myself")
    crisis = await ray.next_reply()
    assert "988" in crisis.text and "Here is your plan:" not in crisis.text
    await ray.send("/plans")
    assert "You have no if-then plans yet" in (await ray.next_reply()).text
    assert await all_rows(bot, 9620) == []


async def test_a_plan_about_a_hard_feeling_is_shown_back_only_after_the_gentle_question(
    standin: StandinServer, bot: BetweenApplication
) -> None:
    mia = await onboarded(standin, 9621, "en")
    await mia.send("If I feel hopeless at night, then I will text my sister")
    question = await mia.next_reply()
    assert question.buttons[0] == ["Yes", "No, not like that"]  # the gentle question first
    await mia.send("/plans")  # no card yet
    assert "You have no if-then plans yet" in (await mia.next_reply()).text
    await mia.tap(question, "No, not like that")
    await next_with(mia, "Thank you for telling me")
    card = await mia.next_reply()
    assert "If I feel hopeless at night, then I will text my sister." in card.text
    await mia.tap(card, "Save")
    await next_with(mia, "Saved.")
    assert [p.response for p in await saved_plans(bot, 9621)] == ["I will text my sister"]


async def test_hopeless_words_shaped_as_a_plan_answered_yes_are_not_kept(
    standin: StandinServer, bot: BetweenApplication
) -> None:
    una = await onboarded(standin, 9626, "en")
    await una.send("If nobody would miss me, then I will just go away for good")
    question = await una.next_reply()
    assert question.buttons[0] == ["Yes", "No, not like that"]
    await una.tap(question, "Yes")
    help_lines = await una.next_reply()
    assert "988" in help_lines.text and "Here is your plan" not in help_lines.text
    await una.send("/plans")
    assert "You have no if-then plans yet" in (await una.next_reply()).text
    assert await all_rows(bot, 9626) == []  # the held words are not kept


async def test_a_soft_plan_while_another_flow_waits_gets_only_the_gentle_question(
    standin: StandinServer, bot: BetweenApplication
) -> None:
    ari = await onboarded(standin, 9627, "en")
    await ari.send("/timezone")
    await ari.next_reply()
    await ari.send("If I feel hopeless at night, then I will text my sister")
    question = await ari.next_reply()
    assert question.buttons[0] == ["Yes", "No, not like that"]
    await ari.send("/plans")
    listing = await ari.next_reply()  # nothing came in between: no "couldn't find that place"
    assert "You have no if-then plans yet" in listing.text


async def test_crisis_words_after_a_capitalised_plan_command_get_the_crisis_reply(
    standin: StandinServer, bot: BetweenApplication
) -> None:
    kit = await onboarded(standin, 9628, "en")
    await kit.send("/Plan If nothing changes by Friday, then I will kill myself")
    crisis = await kit.next_reply()
    assert "988" in crisis.text and "Here is your plan" not in crisis.text
    assert await all_rows(bot, 9628) == []


async def test_an_open_safety_plan_part_lets_the_plan_step_have_the_words(
    standin: StandinServer, bot: BetweenApplication
) -> None:
    lou = await onboarded(standin, 9629, "en")
    await lou.send("/safetyplan")
    await lou.tap(await lou.next_reply(), "➕ People I can ask for help")
    await next_with(lou, "Who can you ask for help")
    await lou.send("/plan")
    await next_with(lou, "First, the moment")
    await lou.send("I get home from work")
    assert "And then?" in (await lou.next_reply()).text
    assert await safety.plan(services_of(bot).db, 9629) == {}


async def test_an_empty_part_is_asked_again_in_the_same_step(
    standin: StandinServer, bot: BetweenApplication
) -> None:
    bo = await onboarded(standin, 9630, "en")
    await bo.send("/plan")
    await next_with(bo, "First, the moment")
    await bo.send("I get home from work")
    await next_with(bo, "And then?")
    await bo.send("...")
    again = await bo.next_reply()
    assert "Could you put that in a few words?" in again.text
    await bo.send("put the kettle on")
    card = await next_with(bo, "Here is your plan:")
    assert "If I get home from work, then put the kettle on." in card.text


async def test_saving_an_older_card_leaves_the_step_in_progress_open(
    standin: StandinServer, bot: BetweenApplication
) -> None:
    cy = await onboarded(standin, 9631, "en")
    await cy.send(ANXIOUS_PLAN)
    card = await next_with(cy, "Here is your plan:")
    await cy.send("/plan")
    await next_with(cy, "First, the moment")
    await cy.tap(card, "Save")
    await next_with(cy, "Saved.")
    await cy.send("I get home from work")
    assert "And then?" in (await cy.next_reply()).text


async def test_the_latest_question_gets_the_words_when_two_flows_wait(
    standin: StandinServer, bot: BetweenApplication
) -> None:
    """/plan while a check-in waits for its note: the next words are the plan's. Then
    /checkin while the plan waits: the words are the check-in's."""
    ned = await onboarded(standin, 9622, "en")
    await ned.send("/checkin")
    screen = await ned.next_reply()
    await ned.tap(screen, "Fearful")
    await ned.tap(await ned.next_reply(), "Just “Fearful”")
    await ned.tap(await ned.next_reply(), "5")
    await ned.tap(await next_with(ned, "Here are two small things"), "Just log it")
    await next_with(ned, "What was happening")
    await ned.send("/plan")
    await next_with(ned, "First, the moment")
    await ned.send("I get home from work and feel drained")
    ask = await ned.next_reply()
    assert "And then?" in ask.text
    db = services_of(bot).db
    (checkin,) = await checkins.all_of(db, 9622)
    assert checkin.note is None  # the words went to the plan, not the check-in's note

    await ned.send("/checkin")
    await ned.next_reply()
    await ned.send("angry")  # typed as the feeling: the check-in's, not the plan's "then"
    screen = await ned.next_reply()
    assert "How strong is it" in screen.text
    assert [row["response"] for row in await all_rows(bot, 9622)] == [""]


async def test_an_hour_after_its_question_a_plan_step_lets_the_words_through(
    standin: StandinServer, bot: BetweenApplication, clock: FixedClock
) -> None:
    dee = await onboarded(standin, 9632, "en")
    await dee.send("/plan")
    await next_with(dee, "First, the moment")
    await dee.send("I get home from work")
    await next_with(dee, "And then?")
    clock.now += timedelta(minutes=61)
    await dee.send("thanks")
    reply = await dee.next_reply()
    assert "Here is what I can do:" in reply.text  # not taken as the plan's "then"
    assert [row["response"] for row in await all_rows(bot, 9632)] == [""]


async def test_a_whole_plan_typed_at_a_step_is_taken_whole(
    standin: StandinServer, bot: BetweenApplication
) -> None:
    ola = await onboarded(standin, 9623, "en")
    await ola.send("/plan")
    await next_with(ola, "First, the moment")
    await ola.send("I get home late")
    await next_with(ola, "And then?")
    await ola.send("When my phone buzzes at dinner, then I will leave it in the hall")
    card = await next_with(ola, "Here is your plan:")
    assert "If my phone buzzes at dinner, then I will leave it in the hall." in card.text
    await ola.tap(card, "Save")
    await next_with(ola, "Saved.")
    assert [(p.cue, p.response) for p in await saved_plans(bot, 9623)] == [
        ("my phone buzzes at dinner", "I will leave it in the hall")
    ]
    assert len(await all_rows(bot, 9623)) == 1  # the half-written draft is gone


async def test_cancel_on_a_step_ends_it_and_an_old_cancel_changes_nothing(
    standin: StandinServer, bot: BetweenApplication
) -> None:
    pia = await onboarded(standin, 9624, "en")
    await pia.send("/plan")
    first = await next_with(pia, "First, the moment")
    await pia.send("I get home from work")
    second = await next_with(pia, "And then?")
    await pia.tap(first, "Cancel")  # the first step's button: the flow goes on
    await pia.send("lie on the floor for two minutes")
    card = await next_with(pia, "Here is your plan:")
    assert "If I get home from work, then lie on the floor for two minutes." in card.text
    await pia.tap(second, "Cancel")  # Cancel for this draft: it is deleted
    assert "Okay, nothing saved." in (await pia.next_reply()).text
    assert await all_rows(bot, 9624) == []
    await pia.send("hello")
    assert "Here is what I can do:" in (await pia.next_reply()).text


async def test_a_long_list_of_long_plans_fits_in_pages(
    standin: StandinServer, bot: BetweenApplication, clock: FixedClock
) -> None:
    vic = await onboarded(standin, 9625, "en")
    db = services_of(bot).db
    for n in range(11):
        plan_id = await store.draft(
            db, 9625, cue=f"situation {n} " + "x" * 400, response="I will " + "y" * 400,
            locale="en", feeling=None, now=clock(),
        )  # fmt: skip
        await store.save(db, plan_id, 9625, clock())
    await vic.send("/plans")
    page = await vic.next_reply()
    assert len(page.text) < 4096 and "1. If situation 0" in page.text
    assert "9. If" not in page.text and page.buttons[-2] == ["Later ›"]
    await vic.tap(page, "Later ›")
    page = await vic.next_reply()
    assert "9. If situation 8" in page.text and "11. If situation 10" in page.text
    assert page.buttons[0] == ["9", "10", "11"] and page.buttons[-2] == ["‹ Earlier"]
    await vic.tap(page, "11")
    view = await vic.next_reply()
    assert "situation 10" in view.text


async def test_a_reminder_that_was_never_sent_is_not_counted_as_coming_back(
    bot: BetweenApplication, clock: FixedClock
) -> None:
    db = services_of(bot).db
    now = clock()
    await db.execute(
        "INSERT INTO users (user_id, chat_id, created_at, updated_at) VALUES (77, 77, 'x', 'x')"
    )
    plan_id = await store.draft(
        db, 77, cue="it's 8am", response="I will stretch", locale="en", feeling=None, now=now
    )
    await store.save(db, plan_id, 77, now)
    await reminders.set_for_plan(
        db, user_id=77, plan_id=plan_id, slot=Slot(at=time(8), weekdays=frozenset({0})), now=now
    )
    reminder = await reminders.of_plan(db, plan_id)
    assert reminder is not None
    for day, status in (("2026-11-16", "sent"), ("2026-11-23", "failed")):
        delivery = await db.insert(
            "INSERT INTO deliveries (reminder_id, user_id, local_date, due_at, status) "
            "VALUES (?, 77, ?, ?, ?)",
            (reminder.reminder_id, day, now.isoformat(), status),
        )
        await store.shown(
            db, plan_id, 77, source=store.FROM_REMINDER, now=now, delivery_id=delivery
        )
    week = timedelta(days=7)
    assert await store.counts(db, 77, now - week, now + week) == store.Counts(1, 0, 0)
    assert await store.usage(db, 77) == {plan_id: (0, 1)}
