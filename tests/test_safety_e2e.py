"""Safety over real HTTP: crisis language in any state, /sos everywhere, the soft check-in
and its cooldown, another country, grounding, the safety plan, and private logs."""

from __future__ import annotations

from datetime import timedelta

import pytest
from telegram import Update
from telegram.ext import ApplicationHandlerStop, CommandHandler

from bot.app import SAFETY_GROUP, BetweenApplication, services_of
from bot.context import BetweenContext
from bot.standin import StandinServer
from bot.store import safety, users
from handlers.safety import offer_resources

from .conftest import FixedClock
from .flows import at_time_zone_step, onboarded

pytestmark = pytest.mark.usefixtures("private_log")


async def test_crisis_phrase_mid_onboarding_gets_help_first_then_onboarding_goes_on(
    standin: StandinServer, bot: BetweenApplication
) -> None:
    maya = standin.user(7001, first_name="Maya", language_code="en")
    step = await at_time_zone_step(maya)
    await maya.send("honestly I just want to die")
    reply = await maya.next_reply()
    assert "I'm really glad you told me" in reply.text
    assert "988 Suicide & Crisis Lifeline" in reply.text and "988" in reply.text
    assert "911" in reply.text and "findahelpline.com" in reply.text
    assert "not an emergency service" in reply.text
    assert ["A one-minute grounding exercise"] in reply.buttons
    await maya.tap(step, "Yes, that's right")  # the introduction continues where it was
    consent = await maya.next_reply()
    assert "Is it all right to store what you tell me?" in consent.text
    # No consent yet: what was shown is not recorded either.
    assert await safety.count_events(services_of(bot).db, 7001, "strong") == 0


async def test_russian_crisis_phrase_gets_the_russian_line(
    standin: StandinServer, bot: BetweenApplication
) -> None:
    olga = await onboarded(standin, 7002, "ru")
    await olga.send("я больше не хочу жить")
    reply = await olga.next_reply()
    assert "8-800-2000-122" in reply.text and "112" in reply.text
    assert "Россия" in reply.text
    assert await safety.count_events(services_of(bot).db, 7002, "strong") == 1


async def test_sos_mid_onboarding_and_mid_settings(
    standin: StandinServer, bot: BetweenApplication
) -> None:
    sam = standin.user(7003, first_name="Sam", language_code="de")
    step = await at_time_zone_step(sam)
    await sam.send("/sos")
    help_now = await sam.next_reply()
    assert "TelefonSeelsorge" in help_now.text and "0800 111 0 111" in help_now.text
    await sam.tap(step, 0)
    consent = await sam.next_reply()
    await sam.tap(consent, 0)
    await sam.next_reply()

    await sam.send("/settings")
    view = await sam.next_reply()
    await sam.tap(view, 1)  # time zone: now waiting for a typed place
    await sam.next_reply()
    await sam.send("/sos")
    again = await sam.next_reply()
    assert "TelefonSeelsorge" in again.text
    await sam.send("Wien")  # the settings step goes on after /sos
    done = await sam.next_reply()
    assert "Wien" in done.text
    person = await users.get(services_of(bot).db, 7003)
    assert person is not None and person.timezone == "Europe/Vienna"


async def test_soft_tier_asks_gently_and_is_not_repeated_within_the_cooldown(
    standin: StandinServer, bot: BetweenApplication, clock: FixedClock
) -> None:
    kim = await onboarded(standin, 7004, "en")
    await kim.send("I can't go on like this")
    question = await kim.next_reply()
    assert "are you having thoughts of ending your life" in question.text
    await kim.tap(question, "No, not like that")
    answered = await kim.next_reply()
    assert answered.message_id == question.message_id
    assert "/sos" in answered.text and answered.buttons == [["Show me help lines anyway"]]

    await kim.send("what's the point of anything")
    menu = await kim.next_reply()
    assert "are you having thoughts" not in menu.text, "not asked again within the cooldown"

    clock.now += timedelta(hours=7)
    await kim.send("what's the point of anything")
    asked = await kim.next_reply()
    assert "are you having thoughts of ending your life" in asked.text
    await kim.tap(asked, "Yes")
    lines = await kim.next_reply()
    assert "Thank you for telling me" in lines.text and "988" in lines.text


async def test_idioms_do_not_trigger_anything(
    standin: StandinServer, bot: BetweenApplication
) -> None:
    lee = await onboarded(standin, 7005, "en")
    await lee.send("this homework is killing me")
    reply = await lee.next_reply()
    assert "glad you told me" not in reply.text and "/settings" in reply.text
    assert await safety.count_events(services_of(bot).db, 7005, "strong") == 0


async def test_another_country_and_a_grounding_minute(
    standin: StandinServer, bot: BetweenApplication
) -> None:
    ana = await onboarded(standin, 7006, "pt-br")
    await ana.send("/sos")
    reply = await ana.next_reply()
    assert "188" in reply.text and "192" in reply.text
    await ana.tap(reply, "Outro país")
    countries = await ana.next_reply()
    assert countries.message_id != reply.message_id, "the help lines stay on screen"
    assert countries.buttons[-1] == ["Meu país não está na lista"]
    await ana.tap(countries, "Portugal")
    portugal = await ana.next_reply()
    assert portugal.message_id == countries.message_id
    assert "808 24 24 24" in portugal.text and "112" in portugal.text
    assert "gratuitamente" not in portugal.text, "a charged line is not called free"
    person = await users.get(services_of(bot).db, 7006)
    assert person is not None and person.country == "PT"

    await ana.tap(portugal, 0)  # grounding opens below, then moves on in its own message
    first = await ana.next_reply()
    assert first.message_id not in (reply.message_id, portugal.message_id)
    for number, count in enumerate(("", "5", "4", "3", "2", "1"), start=1):
        step = first if number == 1 else await ana.next_reply()
        assert step.message_id == first.message_id
        assert f"Passo {number} de 6" in step.text
        assert not count or f"<b>{count} " in step.html
        await ana.tap(step, 0)
    done = await ana.next_reply()
    assert "/sos" in done.text and done.buttons == []


async def test_a_safety_plan_is_written_kept_verbatim_and_shown_first_by_sos(
    standin: StandinServer, bot: BetweenApplication
) -> None:
    jo = await onboarded(standin, 7007, "en")
    await jo.send("/safetyplan")
    plan = await jo.next_reply()
    assert "Your safety plan" in plan.text
    await jo.tap(plan, "➕ People I can ask for help")
    ask = await jo.next_reply()
    assert "Who can you ask for help" in ask.text
    written = "Sam <3 & Alex: +44 7700 900123\n<b>my sister</b>"
    await jo.send(written)
    saved = await jo.next_reply()
    assert saved.text.startswith("Saved.") and "Sam <3 & Alex" in saved.text
    assert "&lt;b&gt;my sister" in saved.html, "shown escaped"
    stored = await safety.plan(services_of(bot).db, 7007)
    assert stored == {"people": written}, "kept verbatim"
    await jo.tap(saved, "Done")
    await jo.next_reply()

    await jo.send("/sos")
    reply = await jo.next_reply()
    assert reply.text.index("Your safety plan") < reply.text.index("988")
    assert "Sam <3 & Alex" in reply.text
    assert ["A one-minute grounding exercise"] in reply.buttons
    assert any("My safety plan" in label for row in reply.buttons for label in row)


async def test_the_plan_asks_for_consent_first(
    standin: StandinServer, bot: BetweenApplication
) -> None:
    lu = standin.user(7008, first_name="Lu", language_code="en")
    step = await at_time_zone_step(lu)
    await lu.tap(step, 0)
    consent = await lu.next_reply()
    await lu.tap(consent, "Not now")
    await lu.next_reply()
    await lu.send("/safetyplan")
    ask = await lu.next_reply()
    assert "Is it all right to store it?" in ask.text
    await lu.tap(ask, "Yes, store my data")
    plan = await lu.next_reply()
    assert "Your safety plan" in plan.text
    person = await users.get(services_of(bot).db, 7008)
    assert person is not None and person.has_consented


async def test_writing_warning_signs_keeps_them_and_still_offers_help(
    standin: StandinServer, bot: BetweenApplication
) -> None:
    max_ = await onboarded(standin, 7009, "en")
    await max_.send("/safetyplan")
    plan = await max_.next_reply()
    await max_.tap(plan, "➕ My warning signs")
    await max_.next_reply()
    await max_.send("when I start thinking I want to die")
    first = await max_.next_reply()
    second = await max_.next_reply()
    texts = first.text + second.text
    assert "988" in texts and "Saved." in texts
    assert await safety.plan(services_of(bot).db, 7009) == {
        "signs": "when I start thinking I want to die"
    }


async def test_any_flow_can_offer_resources_gently(
    standin: StandinServer, bot: BetweenApplication
) -> None:
    async def offer(update: Update, context: BetweenContext) -> None:
        """Stands for a future flow (the check-in) that calls the shared offer."""
        assert update.effective_message is not None
        await offer_resources(update.effective_message, context)
        raise ApplicationHandlerStop

    bot.add_handler(CommandHandler("offer_for_test", offer), group=SAFETY_GROUP)
    rae = await onboarded(standin, 7010, "uk")
    await rae.send("/offer_for_test")
    offer_message = await rae.next_reply()
    assert offer_message.buttons and len(offer_message.buttons) == 1
    await rae.tap(offer_message, 0)
    lines = await rae.next_reply()
    assert "7333" in lines.text and "Lifeline Ukraine" in lines.text


async def test_logs_of_a_safety_run_hold_no_user_text(
    standin: StandinServer, bot: BetweenApplication, private_log: pytest.LogCaptureFixture
) -> None:
    said = ["I want to kill myself", "I can't go on anymore", "Tbilisi"]
    zoe = await onboarded(standin, 7011, "en")
    for text in said:
        await zoe.send(text)
        await zoe.next_reply()
    logged = "\n".join(record.getMessage() for record in private_log.records)
    assert "crisis language answered tier=strong user=7011" in logged
    for text in said:
        assert text not in logged


async def test_a_very_long_plan_never_stops_the_help_lines(
    standin: StandinServer, bot: BetweenApplication
) -> None:
    max_ = await onboarded(standin, 7012, "de")
    db = services_of(bot).db
    for section in safety.PLAN_SECTIONS:
        await safety.save_section(db, 7012, section, "😢" * 1400, services_of(bot).clock())
    await max_.send("/sos")
    reply = await max_.next_reply()
    assert "TelefonSeelsorge" in reply.text and "112" in reply.text
    assert len(reply.text.encode("utf-16-le")) // 2 <= 4096


async def test_typed_help_gets_help_and_a_plan_part_is_kept_while_another_flow_waits(
    standin: StandinServer, bot: BetweenApplication
) -> None:
    mo = await onboarded(standin, 7013, "en")
    await mo.send("help")
    assert "988" in (await mo.next_reply()).text
    await mo.send("/timezone")  # this flow now waits for a typed place
    await mo.next_reply()
    await mo.send("/safetyplan")
    plan = await mo.next_reply()
    await mo.tap(plan, "➕ My warning signs")
    await mo.next_reply()
    await mo.send("I stop answering messages")
    saved = await mo.next_reply()
    assert saved.text.startswith("Saved.")
    db = services_of(bot).db
    assert await safety.plan(db, 7013) == {"signs": "I stop answering messages"}
    person = await users.get(db, 7013)
    assert person is not None and person.timezone == "America/New_York", "not read as a place"


async def test_an_old_open_plan_part_does_not_silence_the_gentle_question(
    standin: StandinServer, bot: BetweenApplication, clock: FixedClock
) -> None:
    ivy = await onboarded(standin, 7014, "en")
    await ivy.send("/safetyplan")
    plan = await ivy.next_reply()
    await ivy.tap(plan, "➕ My warning signs")
    await ivy.next_reply()
    clock.now += timedelta(hours=3)
    await ivy.send("I can't go on like this")
    question = await ivy.next_reply()
    assert "are you having thoughts of ending your life" in question.text
    assert await safety.plan(services_of(bot).db, 7014) == {}


async def test_without_consent_nothing_of_a_crisis_is_stored(
    standin: StandinServer, bot: BetweenApplication
) -> None:
    nia = standin.user(7015, first_name="Nia", language_code="en")
    step = await at_time_zone_step(nia)
    await nia.tap(step, 0)
    consent = await nia.next_reply()
    await nia.tap(consent, "Not now")
    await nia.next_reply()
    await nia.send("I can't go on like this")
    question = await nia.next_reply()
    assert "are you having thoughts" in question.text
    await nia.send("I can't go on like this")  # the cooldown holds without storage too
    assert "are you having thoughts" not in (await nia.next_reply()).text
    await nia.send("I want to kill myself")
    reply = await nia.next_reply()
    await nia.tap(reply, "Another country")
    countries = await nia.next_reply()
    await nia.tap(countries, "Canada")
    assert "9-8-8 Suicide Crisis Helpline" in (await nia.next_reply()).text
    await nia.send("/sos")
    assert "9-8-8" in (await nia.next_reply()).text, "the pick is remembered for now"
    db = services_of(bot).db
    assert await db.fetchall("SELECT * FROM safety_events") == []
    person = await users.get(db, 7015)
    assert person is not None and person.country is None


async def test_a_country_guessed_from_the_language_says_so(
    standin: StandinServer, bot: BetweenApplication
) -> None:
    eli = standin.user(7016, first_name="Eli", language_code="en")
    await eli.send("/sos")
    reply = await eli.next_reply()
    assert "988" in reply.text and "I guessed your country from your language" in reply.text
