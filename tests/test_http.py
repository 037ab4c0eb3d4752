"""The bot's HTTP transport (aiohttp under PTB's request interface) against the stand-in:
parameters, uploads, Telegram's errors, and timeouts."""

from __future__ import annotations

import pytest
from telegram import Bot
from telegram.error import BadRequest, RetryAfter, TimedOut

from bot.http import AiohttpRequest
from bot.standin import StandinServer

from .conftest import TOKEN


def bot_over_aiohttp(standin: StandinServer, read_timeout: float = 5.0) -> Bot:
    return Bot(
        TOKEN,
        base_url=f"{standin.base_url}/bot",
        base_file_url=f"{standin.base_url}/file/bot",
        request=AiohttpRequest(read_timeout=read_timeout),
        get_updates_request=AiohttpRequest(connection_pool_size=1),
    )


async def test_messages_and_uploads_arrive_as_sent(standin: StandinServer) -> None:
    maya = standin.user(9101)
    await maya.send("/start")
    async with bot_over_aiohttp(standin) as bot:
        await bot.send_message(maya.chat_id, "Привет <b>&amp; ✓</b>", parse_mode="HTML")
        await bot.send_document(
            maya.chat_id, document=b"date,feeling\n2026-11-23,calm\n", filename="week.csv"
        )
    text, document = maya.messages
    assert text.text == "Привет & ✓"
    assert document.document is not None
    assert document.document.file_name == "week.csv"
    assert document.document.data == b"date,feeling\n2026-11-23,calm\n"


@pytest.mark.refusals_expected
async def test_telegram_errors_become_ptb_errors(standin: StandinServer) -> None:
    maya = standin.user(9102)
    await maya.send("/start")
    standin.inject_fault("sendMessage", "429", retry_after=3)
    async with bot_over_aiohttp(standin) as bot:
        with pytest.raises(RetryAfter) as waited:
            await bot.send_message(maya.chat_id, "hello")
        assert "3" in str(waited.value)
        with pytest.raises(BadRequest):
            await bot.send_message(maya.chat_id, "unclosed <b>tag", parse_mode="HTML")


async def test_a_slow_server_is_a_timeout(standin: StandinServer) -> None:
    maya = standin.user(9103)
    await maya.send("/start")
    standin.inject_fault("sendMessage", "slow", delay=1.0)
    async with bot_over_aiohttp(standin, read_timeout=0.2) as bot:
        with pytest.raises(TimedOut):
            await bot.send_message(maya.chat_id, "hello")


def test_proxies_from_the_environment_are_honoured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    request = AiohttpRequest()
    assert request._proxy("https://api.telegram.org/bot1:x/getMe") == "http://proxy.example:3128"
    assert request._proxy("http://127.0.0.1:8081/bot1:x/getMe") is None
