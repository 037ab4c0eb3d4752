"""The bot process killed (SIGKILL) in the middle of onboarding; the next tap continues."""

from __future__ import annotations

import asyncio
import json
import signal
import sqlite3
from pathlib import Path

import pytest

from bot.standin import StandinServer

from .processes import bot_process


async def saved_state(db: Path, user_id: int) -> str | None:
    """The onboarding state the bot process wrote, read from its database file."""

    def read() -> str | None:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
            row = conn.execute(
                "SELECT state FROM conversation_states WHERE name = 'onboarding' AND key = ?",
                (json.dumps([user_id, user_id]),),
            ).fetchone()
        return json.loads(row[0]) if row else None

    return await asyncio.to_thread(read)


@pytest.mark.parametrize("wait_for_saved_state", [True, False], ids=["after-save", "at-once"])
async def test_kill_minus_nine_mid_onboarding_then_the_next_tap_continues(
    standin: StandinServer, tmp_path: Path, wait_for_saved_state: bool
) -> None:
    db = tmp_path / "between.sqlite3"
    maya = standin.user(2001, first_name="Maya", language_code="en")
    async with bot_process(standin, db) as first:
        await maya.send("/start")
        welcome = await maya.next_reply(timeout=30)
        await maya.tap(welcome, "✓ English")
        step = await maya.next_reply(timeout=30)
        assert "Is it New York" in step.text
        if wait_for_saved_state:
            for _ in range(100):
                if await saved_state(db, 2001) == "ob_timezone":
                    break
                await asyncio.sleep(0.05)
            assert await saved_state(db, 2001) == "ob_timezone"
        first.kill()  # SIGKILL: no shutdown, no final persistence flush
        await first.wait()
        assert first.returncode == -signal.SIGKILL

    async with bot_process(standin, db):
        await maya.tap(step, "Yes, that's right")
        consent = await maya.next_reply(timeout=30)
        assert consent.message_id == step.message_id
        assert "Time zone set: New York" in consent.text
        assert "Is it all right to store what you tell me?" in consent.text
        await maya.tap(consent, "Yes, store my data")
        done = await maya.next_reply(timeout=30)
        assert "You're all set" in done.text
