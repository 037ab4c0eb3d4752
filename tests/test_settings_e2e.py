"""/settings, /language, /timezone and /help, and what Telegram shows before Start."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from bot.app import BetweenApplication, services_of
from bot.i18n import SUPPORTED_LOCALES, telegram_language_code
from bot.standin import StandinServer
from bot.store import users

from .flows import onboarded


async def test_settings_change_language_in_place(
    standin: StandinServer, bot: BetweenApplication
) -> None:
    alex = await onboarded(standin, 3001, "en")
    await alex.send("/settings")
    view = await alex.next_reply()
    assert "Language: English" in view.text
    assert "Time zone: New York, United States" in view.text
    assert "stored with your consent since Nov 23, 2026" in view.text

    await alex.tap(view, "Language")
    languages = await alex.next_reply()
    assert languages.message_id == view.message_id
    await alex.tap(languages, "Deutsch")
    german = await alex.next_reply()
    assert german.message_id == view.message_id
    assert "Sprache: Deutsch" in german.text
    assert "Zeitzone: New York, Vereinigte Staaten" in german.text
    last_answer = alex.callback_answers[max(alex.callback_answers)]
    assert last_answer is not None and last_answer["text"] == "Sprache eingestellt: Deutsch"

    stored = await users.get(services_of(bot).db, 3001)
    assert stored is not None and stored.locale == "de"
    for _ in range(50):  # the chat's menu is set in the background, after the answer
        chat_menu = [
            record
            for record in standin.requests
            if record.method == "setMyCommands" and "scope" in record.params
        ]
        if chat_menu:
            break
        await asyncio.sleep(0.05)
    assert chat_menu, "the chosen language's menu is set for this chat"
    german_menu = {c["command"]: c["description"] for c in chat_menu[-1].params["commands"]}
    assert german_menu["settings"] == "Sprache, Zeitzone und deine Daten"
    await alex.send("/help")
    help_text = await alex.next_reply()
    assert "/settings" in help_text.text and "keine Therapie" in help_text.text


async def test_timezone_command_with_typed_zone_name(
    standin: StandinServer, bot: BetweenApplication
) -> None:
    alex = await onboarded(standin, 3002, "en")
    await alex.send("/timezone")
    prompt = await alex.next_reply()
    assert "Is it New York, United States?" in prompt.text
    await alex.send("Asia/Tokyo")
    done = await alex.next_reply()
    assert "Time zone set: Tokyo, Japan" in done.text
    stored = await users.get(services_of(bot).db, 3002)
    assert stored is not None and stored.timezone == "Asia/Tokyo"
    await alex.send("what now")
    menu = await alex.next_reply()
    assert "/settings" in menu.text, "after the step, chatter gets the menu again"


async def test_unreadable_place_keeps_the_previous_zone(
    standin: StandinServer, bot: BetweenApplication
) -> None:
    alex = await onboarded(standin, 3003, "en")
    await alex.send("/settings")
    view = await alex.next_reply()
    await alex.tap(view, "Time zone")
    prompt = await alex.next_reply()
    assert prompt.message_id == view.message_id
    await alex.send("nowhere-at-all")
    hint = await alex.next_reply()
    assert "Europe/Madrid" in hint.text, "an example of what works"
    assert "/cancel" in hint.text
    stored = await users.get(services_of(bot).db, 3003)
    assert stored is not None and stored.timezone == "America/New_York"
    await alex.send("/cancel")
    cancelled = await alex.next_reply()
    assert "stays as it was" in cancelled.text


async def test_withdrawing_and_giving_consent(
    standin: StandinServer, bot: BetweenApplication
) -> None:
    alex = await onboarded(standin, 3004, "en")
    await alex.send("/settings")
    view = await alex.next_reply()
    await alex.tap(view, "Your data")
    data = await alex.next_reply()
    assert "You agreed on Nov 23, 2026" in data.text
    await alex.tap(data, "Withdraw consent")
    after = await alex.next_reply()
    assert "Your data: not stored" in after.text
    stored = await users.get(services_of(bot).db, 3004)
    assert stored is not None and not stored.has_consented


async def test_menus_and_descriptions_are_published_in_every_language(
    standin: StandinServer, bot: BetweenApplication
) -> None:
    by_language = {
        record.params.get("language_code"): record.params
        for record in standin.requests
        if record.method == "setMyCommands" and record.ok
    }
    assert set(by_language) == {None} | {telegram_language_code(x) for x in SUPPORTED_LOCALES}
    russian = by_language["ru"]["commands"]
    commands = russian if isinstance(russian, list) else []
    assert [c["command"] for c in commands] == [
        "sos",
        "checkin",
        "homework",
        "session",
        "plan",
        "plans",
        "week",
        "report",
        "prep",
        "start",
        "settings",
        "language",
        "timezone",
        "safetyplan",
        "help",
    ]
    assert all(c["description"] for c in commands)
    short = {
        record.params.get("language_code"): record.params.get("short_description")
        for record in standin.requests
        if record.method == "setMyShortDescription"
    }
    assert len(set(short.values())) == len(SUPPORTED_LOCALES), "each language has its own"


@pytest.mark.parametrize("language_code", ["es", "fr", "pt-br", "uk"])
async def test_onboarding_completes_in_every_language(
    standin: StandinServer, bot: BetweenApplication, language_code: str
) -> None:
    person = await onboarded(standin, 3100, language_code)
    assert "/settings" in person.messages[-1].text
    stored = await users.get(services_of(bot).db, person.chat_id)
    assert stored is not None and stored.has_consented and stored.timezone


@pytest.fixture
def short_question_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("handlers.timezone.CHOOSING_TIMEOUT", timedelta(seconds=1))


async def test_an_unanswered_time_zone_question_lets_go(
    short_question_timeout: None, standin: StandinServer, bot: BetweenApplication
) -> None:
    alex = await onboarded(standin, 3005, "en")
    await alex.send("/timezone")
    await alex.next_reply()
    await asyncio.sleep(2.5)
    await alex.send("Lima")  # much later, and not an answer any more
    menu = await alex.next_reply()
    assert "/settings" in menu.text
    stored = await users.get(services_of(bot).db, 3005)
    assert stored is not None and stored.timezone == "America/New_York"
