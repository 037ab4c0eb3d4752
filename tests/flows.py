"""Steps many end-to-end tests share, taken as a person would take them."""

from __future__ import annotations

from bot.standin import BotMessage, FakeUser, StandinServer


async def at_time_zone_step(person: FakeUser) -> BotMessage:
    """/start, then the first (pre-selected) language: the time zone question."""
    await person.send("/start")
    welcome = await person.next_reply()
    await person.tap(welcome, 0)
    return await person.next_reply()


async def onboarded(standin: StandinServer, user_id: int, language_code: str) -> FakeUser:
    """A person who went through /start accepting every first choice."""
    person = standin.user(user_id, first_name="Alex", language_code=language_code)
    step = await at_time_zone_step(person)
    await person.tap(step, 0)
    consent = await person.next_reply()
    await person.tap(consent, 0)
    await person.next_reply()
    return person
