"""Persistence keeps live conversations and lets idle ones go; logs never hold secrets."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.db import Database
from bot.logs import RedactSecrets
from bot.persistence import SqlitePersistence

from .conftest import FixedClock

START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


async def test_conversation_states_survive_a_restart_until_they_go_idle(tmp_path: Path) -> None:
    clock = FixedClock(START)
    db = Database(tmp_path / "p.sqlite3")
    before = SqlitePersistence(db, clock, idle_limits={"timezone": timedelta(minutes=30)})
    await before.update_conversation("timezone", (1, 1), "tz_choosing")
    await before.update_conversation("onboarding", (1, 1), "ob_consent")
    clock.now = START + timedelta(minutes=10)
    await before.update_conversation("timezone", (2, 2), "tz_choosing")
    await before.update_user_data(1, {"location_keyboard_shown": True})

    clock.now = START + timedelta(minutes=35)  # the bot restarts 35 minutes later
    after = SqlitePersistence(db, clock, idle_limits={"timezone": timedelta(minutes=30)})
    assert await after.get_conversations("timezone") == {(2, 2): "tz_choosing"}
    assert await after.get_conversations("onboarding") == {(1, 1): "ob_consent"}
    assert await after.get_user_data() == {1: {"location_keyboard_shown": True}}

    await after.update_conversation("onboarding", (1, 1), None)  # the flow ended
    assert await after.get_conversations("onboarding") == {}
    await db.close()


def test_secrets_are_redacted_from_messages_and_tracebacks(
    caplog: pytest.LogCaptureFixture,
) -> None:
    token = "123456:AAH-secret-token"
    logger = logging.getLogger("between.test.redact")
    caplog.handler.addFilter(RedactSecrets([token]))
    try:
        raise RuntimeError(f"The token `{token}` was rejected by the server.")
    except RuntimeError:
        logger.exception("start-up failed for %s", token)
    text = caplog.text
    assert token not in text
    assert "The token `***` was rejected" in text and "start-up failed for ***" in text
