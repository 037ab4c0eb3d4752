"""Groups, blocked people, Telegram's flood limits and server errors, and private logs."""

from __future__ import annotations

import asyncio

import pytest

from bot.app import BetweenApplication, services_of
from bot.standin import StandinServer
from bot.store import users

from .flows import at_time_zone_step


async def test_a_group_is_told_once_that_between_is_private_gets_help_and_nothing_is_stored(
    standin: StandinServer, bot: BetweenApplication
) -> None:
    maya = standin.user(4001, first_name="Maya")
    group = standin.group(-100500, title="Family")
    await group.send(maya, "/start")
    note = await group.next_reply()
    assert "only in private chats" in note.text and "nothing from this group is stored" in note.text
    await group.send(maya, "hello everyone")
    await group.send(maya, "I want to die")  # help is never withheld, even in a group
    for_risk = await group.next_reply()
    await group.send(maya, "/sos")
    for_sos = await group.next_reply()
    for reply in (for_risk, for_sos):
        assert "findahelpline.com" in reply.text and "112" in reply.text
    await maya.send("/help")  # a private message afterwards is answered
    reply = await maya.next_reply()
    assert "/settings" in reply.text
    said = [message.text for message in group.messages]
    assert said == [note.text, for_risk.text, for_sos.text], "the private-only note once"
    db = services_of(bot).db
    rows = await db.fetchall("SELECT user_id, chat_id FROM users")
    assert [(row["user_id"], row["chat_id"]) for row in rows] == [(4001, 4001)]
    for table in await db.table_names():
        if table != "users":
            # table names come from sqlite_master, not from a person
            assert await db.fetchall(f"SELECT * FROM {table}") == [], table  # noqa: S608


async def test_flood_limit_is_respected_and_the_reply_still_arrives(
    standin: StandinServer, bot: BetweenApplication
) -> None:
    maya = standin.user(4002, first_name="Maya")
    standin.inject_fault("sendMessage", "429", retry_after=1)
    await maya.send("/help")
    reply = await maya.next_reply(timeout=10)
    assert "/settings" in reply.text
    sends = [record for record in standin.requests if record.method == "sendMessage"]
    assert [record.fault for record in sends] == ["429", None]


async def test_a_person_who_blocked_the_bot_is_marked_and_kept(
    standin: StandinServer, bot: BetweenApplication
) -> None:
    maya = standin.user(4003, first_name="Maya")
    await maya.send("/help")
    await maya.next_reply()
    await maya.block()
    db = services_of(bot).db
    for _ in range(100):
        person = await users.get(db, 4003)
        if person is not None and person.blocked_at is not None:
            break
        await asyncio.sleep(0.05)
    assert person is not None and person.blocked_at is not None
    await maya.send("/help")  # writing again unblocks, as in Telegram
    await maya.next_reply()
    person = await users.get(db, 4003)
    assert person is not None and person.blocked_at is None


async def test_a_server_error_gets_a_kind_note_not_silence(
    standin: StandinServer, bot: BetweenApplication
) -> None:
    maya = standin.user(4004, first_name="Maya")
    standin.inject_fault("sendMessage", "5xx")
    await maya.send("/help")
    note = await maya.next_reply(timeout=10)
    assert "something went wrong on my side" in note.text


async def test_logs_hold_no_text_a_person_wrote(
    standin: StandinServer, bot: BetweenApplication, private_log: pytest.LogCaptureFixture
) -> None:
    secrets = ["Tbilisi", "my chest is tight at work", "/nosuchcommand-xyz"]
    maya = standin.user(4005, first_name="Maya", language_code="ru")
    await at_time_zone_step(maya)
    await maya.send(secrets[0])
    await maya.next_reply()
    await maya.next_reply()
    await maya.send(secrets[1])
    await maya.next_reply()
    await maya.send(secrets[2])
    await maya.next_reply()
    logged = "\n".join(record.getMessage() for record in private_log.records)
    assert "onboarding started user=4005" in logged
    for secret in secrets:
        assert secret not in logged
    assert "Asia/Tbilisi" not in logged


@pytest.mark.parametrize(
    "forged",
    [
        "st:lang:ru\n",
        "st:lang:xx",
        "ob:consent:maybe",
        "ob:zone:Not/AZone",
        "ob:zone:../../etc",
        "💥",
        "st:consent:yes:4007",
    ],
)
async def test_forged_callback_data_is_ignored_kindly_and_changes_nothing(
    standin: StandinServer, bot: BetweenApplication, forged: str
) -> None:
    other = standin.user(4007, first_name="Other")
    await other.send("/help")
    await other.next_reply()
    maya = standin.user(4006, first_name="Maya")
    await maya.send("/settings")
    view = await maya.next_reply()
    await maya.tap_forged(view, forged)
    reply = await maya.next_reply()
    assert "/settings" in reply.text and "Language: English" not in reply.text
    db = services_of(bot).db
    rows = await db.fetchall("SELECT user_id, locale, timezone, consent_at FROM users ORDER BY 1")
    assert [tuple(row) for row in rows] == [(4006, None, None, None), (4007, None, None, None)]
    assert all(answer is not None for answer in maya.callback_answers.values())
