"""Webhook mode: Telegram posts updates to the bot, which checks the secret token."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import httpx

from bot.standin import StandinServer

from .processes import bot_process


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_webhook_mode_answers_updates_and_refuses_a_wrong_secret(
    standin: StandinServer, tmp_path: Path
) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    async with bot_process(
        standin,
        tmp_path / "hook.sqlite3",
        BETWEEN_WEBHOOK_URL=url,
        BETWEEN_WEBHOOK_SECRET="s3cret-between",
        BETWEEN_PORT=str(port),
    ):
        for _ in range(300):
            hooks = [r for r in standin.requests if r.method == "setWebhook" and r.ok]
            if hooks:
                break
            await asyncio.sleep(0.05)
        assert hooks and hooks[-1].params["url"] == f"{url}/telegram"
        assert hooks[-1].params["secret_token"] == "s3cret-between"

        maya = standin.user(5001, first_name="Maya", language_code="en")
        await maya.send("/start")
        welcome = await maya.next_reply(timeout=30)
        assert "Welcome to Between" in welcome.text
        await maya.tap(welcome, 0)
        step = await maya.next_reply(timeout=30)
        assert "Is it New York" in step.text
        assert standin.webhook_deliveries >= 2

        forged = {
            "update_id": 999,
            "message": {
                "message_id": 1,
                "date": 0,
                "chat": {"id": 5002, "type": "private"},
                "from": {"id": 5002, "is_bot": False, "first_name": "Eve"},
                "text": "/start",
            },
        }
        async with httpx.AsyncClient() as client:
            no_secret = await client.post(f"{url}/telegram", json=forged)
            wrong = await client.post(
                f"{url}/telegram",
                json=forged,
                headers={"X-Telegram-Bot-Api-Secret-Token": "guess"},
            )
        assert no_secret.status_code == 403 and wrong.status_code == 403
        await asyncio.sleep(0.3)
        assert not [r for r in standin.requests if r.params.get("chat_id") in (5002, "5002")]
