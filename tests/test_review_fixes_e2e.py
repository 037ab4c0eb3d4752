"""Everyday words, small towns, double taps, /cancel, leftover keyboards, and start-up
that survives Telegram's bad moments."""

from __future__ import annotations

import asyncio

import pytest

from bot.app import BetweenApplication, build_application, services_of
from bot.config import Settings
from bot.runner import polling
from bot.standin import StandinServer
from bot.store import users

from .conftest import TOKEN, FixedClock
from .flows import at_time_zone_step


@pytest.mark.parametrize("word", ["yes", "Yes!", "no", "okay", "да", "так", "sim", "não"])
async def test_an_everyday_answer_is_not_read_as_a_town(
    standin: StandinServer, bot: BetweenApplication, word: str
) -> None:
    maya = standin.user(6001, first_name="Maya", language_code="en")
    step = await at_time_zone_step(maya)
    await maya.send(word)
    hint = await maya.next_reply()
    assert "Please tap one of the buttons above, or type the name of your city." in hint.text
    person = await users.get(services_of(bot).db, 6001)
    assert person is not None and person.timezone is None
    await maya.tap(step, "Yes, that's right")  # the question above still works
    assert "Time zone set" in (await maya.next_reply()).text


async def test_a_small_town_is_confirmed_with_a_tap_first(
    standin: StandinServer, bot: BetweenApplication
) -> None:
    maya = standin.user(6002, first_name="Maya", language_code="de")
    await at_time_zone_step(maya)
    await maya.send("Garmisch-Partenkirchen")
    choice = await maya.next_reply()
    assert "1 Ort" in choice.text
    assert [row[0] for row in choice.buttons] == ["Garmisch-Partenkirchen, Deutschland", "Woanders"]
    person = await users.get(services_of(bot).db, 6002)
    assert person is not None and person.timezone is None
    await maya.tap(choice, 0)
    chosen = await maya.next_reply()
    assert chosen.message_id == choice.message_id, "the choice is answered in place"
    assert "Zeitzone eingestellt: Berlin, Deutschland" in chosen.text
    person = await users.get(services_of(bot).db, 6002)
    assert person is not None and person.timezone == "Europe/Berlin"


async def test_a_double_tap_on_the_last_button_sends_nothing_more(
    standin: StandinServer, bot: BetweenApplication
) -> None:
    maya = standin.user(6003, first_name="Maya", language_code="en")
    step = await at_time_zone_step(maya)
    await maya.tap(step, 0)
    consent = await maya.next_reply()
    await maya.tap(consent, "Yes, store my data")
    await maya.tap(consent, "Yes, store my data")
    done = await maya.next_reply()
    assert "You're all set" in done.text
    await asyncio.sleep(0.5)
    assert maya.messages[-1].text == done.text, "no 'that button expired' message"
    answers = list(maya.callback_answers.values())
    assert all(answer is not None for answer in answers)


async def test_cancel_leaves_the_introduction_and_chatter_gets_the_menu(
    standin: StandinServer, bot: BetweenApplication
) -> None:
    maya = standin.user(6004, first_name="Maya", language_code="en")
    await at_time_zone_step(maya)
    await maya.send("/cancel")
    bye = await maya.next_reply()
    assert "/start" in bye.text
    await maya.send("I feel awful today")
    menu = await maya.next_reply()
    assert "/settings" in menu.text and "couldn't find" not in menu.text


async def test_a_leftover_location_button_outside_a_flow_gets_the_menu(
    standin: StandinServer, bot: BetweenApplication
) -> None:
    maya = standin.user(6005, first_name="Maya", language_code="en")
    step = await at_time_zone_step(maya)
    await maya.tap(step, "Somewhere else")
    await maya.next_reply()
    await maya.send("/cancel")
    await maya.next_reply()
    await maya.send_location(48.85, 2.35)
    menu = await maya.next_reply()
    assert "/settings" in menu.text
    assert menu.reply_markup == {"remove_keyboard": True}
    person = await users.get(services_of(bot).db, 6005)
    assert person is not None and person.timezone is None, "outside a flow, nothing is set"


async def test_the_error_note_is_in_the_person_language(
    standin: StandinServer, bot: BetweenApplication
) -> None:
    olga = standin.user(6006, first_name="Ольга", language_code="ru")
    standin.inject_fault("sendMessage", "5xx")
    await olga.send("/help")
    note = await olga.next_reply(timeout=10)
    assert "что-то пошло не так" in note.text.lower()


async def test_start_up_survives_a_failing_menu_call(
    standin: StandinServer, settings: Settings, clock: FixedClock
) -> None:
    standin.inject_fault("setMyShortDescription", "5xx", times=3)
    application = build_application(settings, token=TOKEN, clock=clock)
    async with polling(application, poll_timeout=1):
        maya = standin.user(6007, first_name="Maya")
        await maya.send("/help")
        assert "/settings" in (await maya.next_reply()).text
    calls = [r for r in standin.requests if r.method == "setMyShortDescription"]
    assert len(calls) == 8 and sum(1 for r in calls if r.ok) == 5
