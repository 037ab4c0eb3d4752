"""The command menu and the bot's descriptions, in every supported language."""

from __future__ import annotations

import logging
from collections.abc import Coroutine
from typing import Any

from telegram import Bot, BotCommand, BotCommandScopeChat
from telegram.error import TelegramError

from bot.i18n import N_, SUPPORTED_LOCALES, Translator, telegram_language_code, translator
from handlers.common import MENU_COMMANDS

_log = logging.getLogger(__name__)

DESCRIPTION = N_(
    "Between helps with the homework between therapy sessions: one-minute check-ins "
    "when something flares, small steps at the right moment, gentle reminders, and an "
    "honest weekly summary to bring to your therapist.\n\n"
    "It is a self-help companion. It is not therapy and not an emergency service."
)
SHORT_DESCRIPTION = N_(
    "A gentle companion for the homework between therapy sessions. Not an emergency service."
)


def commands_for(t: Translator) -> list[BotCommand]:
    return [BotCommand(command, t.gettext(description)) for command, description in MENU_COMMANDS]


async def publish_menus(bot: Bot, default_locale: str) -> None:
    """setMyCommands and descriptions for every language, and the default for the rest.

    A failure here is logged and skipped: the bot works without a fresh menu, and
    start-up must not fail because Telegram had a bad moment.
    """
    calls: list[tuple[str, Coroutine[Any, Any, bool]]] = []
    for locale, code in [(default_locale, None)] + [
        (locale, telegram_language_code(locale)) for locale in SUPPORTED_LOCALES
    ]:
        t = translator(locale)
        calls += [
            ("commands", bot.set_my_commands(commands_for(t), language_code=code)),
            ("description", bot.set_my_description(t.gettext(DESCRIPTION), language_code=code)),
            (
                "short description",
                bot.set_my_short_description(t.gettext(SHORT_DESCRIPTION), language_code=code),
            ),
        ]
    for what, call in calls:
        try:
            await call
        except TelegramError as error:
            _log.warning("menu not published part=%s error=%s", what, type(error).__name__)


async def publish_chat_commands(bot: Bot, chat_id: int, locale: str) -> None:
    """The menu in the language the person chose, even if their Telegram app uses another."""
    try:
        await bot.set_my_commands(
            commands_for(translator(locale)), scope=BotCommandScopeChat(chat_id)
        )
    except TelegramError as error:
        _log.warning("chat commands not set chat=%d error=%s", chat_id, type(error).__name__)
