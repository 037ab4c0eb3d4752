"""/start as a new person would go through it, over real HTTP against the stand-in."""

from __future__ import annotations

import pytest

from bot.app import BetweenApplication, services_of
from bot.standin import StandinServer
from bot.store import users

from .flows import at_time_zone_step


async def person(bot: BetweenApplication, user_id: int) -> users.Person:
    found = await users.get(services_of(bot).db, user_id)
    assert found is not None
    return found


async def test_onboarding_in_english(
    standin: StandinServer, bot: BetweenApplication, private_log: pytest.LogCaptureFixture
) -> None:
    maya = standin.user(1001, first_name="Maya", language_code="en")
    await maya.send("/start")
    welcome = await maya.next_reply()
    assert "Welcome to Between" in welcome.text
    assert "not therapy" in welcome.text and "not an emergency service" in welcome.text
    assert welcome.buttons[0][0] == "✓ English"
    assert any("Русский" in label for row in welcome.buttons for label in row)

    await maya.tap(welcome, "✓ English")
    step = await maya.next_reply()
    assert step.message_id == welcome.message_id, "each step edits the same message"
    assert "Is it New York, United States?" in step.text
    assert maya.callback_answers, "every tap is answered"

    await maya.tap(step, "Yes, that's right")
    consent = await maya.next_reply()
    assert consent.message_id == welcome.message_id
    assert "Time zone set: New York, United States" in consent.text
    assert "Is it all right to store what you tell me?" in consent.text

    await maya.tap(consent, "Yes, store my data")
    done = await maya.next_reply()
    assert "You're all set" in done.text and "/settings" in done.text
    # a first step, one tap away
    assert done.buttons == [["Try a one-minute check-in"], ["Record this week's homework"]]

    stored = await person(bot, 1001)
    assert stored.locale == "en" and stored.timezone == "America/New_York"
    assert stored.has_consented and stored.onboarded_at is not None
    assert all(answer is not None for answer in maya.callback_answers.values())


async def test_onboarding_in_russian_with_a_typed_city(
    standin: StandinServer, bot: BetweenApplication, private_log: pytest.LogCaptureFixture
) -> None:
    olga = standin.user(1002, first_name="Ольга", language_code="ru")
    await olga.send("/start")
    welcome = await olga.next_reply()
    assert welcome.buttons[0][0] == "✓ Русский"
    assert "Between" in welcome.text and "Welcome" not in welcome.text

    await olga.tap(welcome, "✓ Русский")
    step = await olga.next_reply()
    assert "Москва, Россия" in step.text

    await olga.send("Мюнхен")
    confirmed = await olga.next_reply()
    assert "Мюнхен, Германия" in confirmed.text, "the place the person named"
    consent = await olga.next_reply()
    assert consent.buttons and len(consent.buttons) == 2

    await olga.tap(consent, 1)  # "Not now"
    done = await olga.next_reply()
    assert "/settings" in done.text

    stored = await person(bot, 1002)
    assert stored.locale == "ru" and stored.timezone == "Europe/Berlin"
    assert not stored.has_consented and stored.onboarded_at is not None
    assert "Мюнхен" not in private_log.text


async def test_time_zone_from_a_shared_location(
    standin: StandinServer, bot: BetweenApplication
) -> None:
    ana = standin.user(1003, first_name="Ana", language_code="pt-br")
    await ana.send("/start")
    welcome = await ana.next_reply()
    assert welcome.buttons[0][0] == "✓ Português (Brasil)"
    await ana.tap(welcome, 0)
    step = await ana.next_reply()
    await ana.tap(step, step.buttons[-1][0])  # "Somewhere else"
    ask = await ana.next_reply()
    assert ask.reply_keyboard is not None
    await ana.send_location(38.7223, -9.1393)  # Lisbon
    confirmed = await ana.next_reply()
    assert "Lisboa" in confirmed.text
    consent = await ana.next_reply()
    assert len(consent.buttons) == 2
    assert (await person(bot, 1003)).timezone == "Europe/Lisbon"


async def test_ambiguous_and_unknown_places_keep_the_step(
    standin: StandinServer, bot: BetweenApplication
) -> None:
    sam = standin.user(1004, first_name="Sam", language_code="en-GB")
    await at_time_zone_step(sam)
    await sam.send("Xyzzyville <b>&")
    unknown = await sam.next_reply()
    assert "couldn't find that place" in unknown.text
    await sam.send("Odessa")
    choice = await sam.next_reply()
    assert "I found 2 places with that name. Which one do you mean?" in choice.text
    labels = [row[0] for row in choice.buttons]
    assert any("Ukraine" in label for label in labels)
    assert any("United States" in label for label in labels)
    assert labels[-1] == "Somewhere else"
    await sam.tap(choice, next(label for label in labels if "Ukraine" in label))
    chosen = await sam.next_reply()
    assert chosen.message_id == choice.message_id and chosen.buttons == []
    confirmed = await sam.next_reply()
    assert "Time zone set: Kyiv, Ukraine" in confirmed.text
    assert confirmed.reply_markup == {"remove_keyboard": True}, "location button taken away"
    consent = await sam.next_reply()
    assert "Is it all right to store what you tell me?" in consent.text
    assert (await person(bot, 1004)).timezone == "Europe/Kyiv"


async def test_text_where_a_tap_was_expected_gets_a_hint_and_the_keyboard_again(
    standin: StandinServer, bot: BetweenApplication
) -> None:
    lee = standin.user(1005, first_name="Lee", language_code="de")
    await lee.send("/start")
    welcome = await lee.next_reply()
    await lee.send("hallo?")
    hint = await lee.next_reply()
    assert hint.message_id != welcome.message_id
    assert hint.buttons == welcome.buttons
    await lee.tap(hint, 0)
    step = await lee.next_reply()
    assert "Berlin, Deutschland" in step.text


async def test_double_tap_and_stale_buttons_break_nothing(
    standin: StandinServer, bot: BetweenApplication
) -> None:
    kim = standin.user(1006, first_name="Kim", language_code="en")
    await kim.send("/start")
    old_welcome = await kim.next_reply()
    await kim.send("/start")
    welcome = await kim.next_reply()
    assert welcome.message_id != old_welcome.message_id

    await kim.tap(welcome, 0)
    await kim.tap(welcome, 0)  # both taps queued before the bot edits: a double tap
    step = await kim.next_reply()
    assert "Is it" in step.text
    await kim.tap(step, "Yes, that's right")
    consent = await kim.next_reply()
    await kim.tap(consent, "Yes, store my data")
    done = await kim.next_reply()
    assert "You're all set" in done.text

    await kim.tap(old_welcome, "✓ English")  # a button from a flow that has ended
    expired = await kim.next_reply()
    assert "step that has ended" in expired.text and "/settings" in expired.text
    assert kim.messages[-2].text == done.text, "the finished flow is left as it was"
    answers = list(kim.callback_answers.values())
    assert len(answers) == 5 and all(answer is not None for answer in answers)
    assert answers[-1] is not None and answers[-1]["text"] == "That button has expired."


async def test_chatter_and_unknown_commands_get_the_menu(
    standin: StandinServer, bot: BetweenApplication
) -> None:
    jo = standin.user(1007, first_name="Jo", language_code="fr")
    await jo.send("bonjour")
    menu = await jo.next_reply()
    assert "/settings" in menu.text and "/help" in menu.text
    await jo.send("/nonsense")
    unknown = await jo.next_reply()
    assert "/settings" in unknown.text and unknown.text != menu.text
