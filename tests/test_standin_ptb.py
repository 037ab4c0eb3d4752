"""The stand-in drives a real python-telegram-bot Application, polling and by webhook."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
)

from bot.standin import StandinServer

TOKEN = "4242:ptb-test"


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Check in", callback_data="checkin")]])
    await update.message.reply_text("<b>Hello</b>", parse_mode="HTML", reply_markup=keyboard)


async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer()
    try:
        await query.edit_message_text("How do you feel?")
    except BadRequest as error:  # a double tap: the same edit again
        if "not modified" not in str(error):
            raise


async def unescaped(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None
    await update.message.reply_text("1 < 2", parse_mode="HTML")


def build(server: StandinServer) -> Application:  # type: ignore[type-arg]
    application = (
        ApplicationBuilder()
        .token(TOKEN)
        .base_url(server.base_url + "/bot")
        .base_file_url(server.base_url + "/file/bot")
        .build()
    )
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CommandHandler("unescaped", unescaped))
    application.add_handler(CallbackQueryHandler(button))
    return application


@pytest.fixture
async def server() -> AsyncIterator[StandinServer]:
    async with StandinServer() as running:
        running.add_bot(TOKEN)
        yield running


async def test_polling_application_round_trip(server: StandinServer) -> None:
    application = build(server)
    maya = server.user(7, first_name="Maya")
    async with application:
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(poll_interval=0, timeout=10)
        await maya.send("/start")
        hello = await maya.next_reply()
        assert (hello.text, hello.buttons) == ("Hello", [["Check in"]])
        query_id = await maya.tap_inline(hello, "Check in")
        await maya.tap(hello, "Check in")  # double tap from the same screen
        edited = await maya.next_reply()
        assert (edited.message_id, edited.text, edited.buttons) == (
            hello.message_id,
            "How do you feel?",
            [],
        )
        event = await maya.next_event()
        while event.kind != "callback_answer":
            event = await maya.next_event()
        assert maya.callback_answers[query_id] is not None
        await application.updater.stop()
        await application.stop()
    # The double tap's same-content edit is the one refusal; stopping the poll is none.
    assert [v.description[:40] for v in server.violations] == [
        "Bad Request: message is not modified: sp"
    ]


async def test_a_refused_request_is_recorded(server: StandinServer) -> None:
    application = build(server)
    maya = server.user(8)
    async with application:
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(poll_interval=0, timeout=10)
        await maya.send("/unescaped")
        with pytest.raises(TimeoutError):
            await maya.next_reply(timeout=0.5)
        await application.updater.stop()
        await application.stop()
    [violation] = server.violations
    assert violation.method == "sendMessage"
    assert violation.description == (
        'Bad Request: can\'t parse entities: Unsupported start tag "" at byte offset 2'
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_webhook_application_round_trip(server: StandinServer) -> None:
    application = build(server)
    maya = server.user(9)
    port = free_port()
    async with application:
        await application.start()
        assert application.updater is not None
        await application.updater.start_webhook(
            listen="127.0.0.1",
            port=port,
            url_path="telegram",
            webhook_url=f"http://127.0.0.1:{port}/telegram",
            secret_token="between-secret_1",
        )
        await maya.send("/start")
        hello = await maya.next_reply()
        assert hello.text == "Hello"
        await maya.tap(hello, 0)
        assert (await maya.next_reply()).text == "How do you feel?"
        await application.updater.stop()
        await application.stop()
    assert server.webhook_deliveries == 2
    assert server.violations == []
