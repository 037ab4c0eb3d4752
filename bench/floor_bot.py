"""The floor a check-in is measured against: a bare PTB bot that, for every tap, only
answers the callback query and edits the message. No database, no logic.

Run by bench.checkin as its own process: `python -m bench.floor_bot` with
TELEGRAM_BOT_TOKEN and TELEGRAM_API_URL set.
"""

from __future__ import annotations

import os

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes
from telegram.request import HTTPXRequest


def _markup(n: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton("tap", callback_data=f"t:{n}")]])


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.effective_message is not None:
        await update.effective_message.reply_text("tap 0", reply_markup=_markup(1))


async def tapped(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    n = int(query.data.split(":")[1])
    await query.answer()
    await query.edit_message_text(f"tap {n}", reply_markup=_markup(n + 1))


def main() -> None:
    api = os.environ["TELEGRAM_API_URL"]
    application = (
        Application.builder()
        .token(os.environ["TELEGRAM_BOT_TOKEN"])
        .base_url(f"{api}/bot")
        .request(HTTPXRequest(connection_pool_size=16))
        .get_updates_request(HTTPXRequest(read_timeout=35))
        .build()
    )
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CallbackQueryHandler(tapped))
    application.run_polling(poll_interval=0, timeout=25)


if __name__ == "__main__":
    main()
