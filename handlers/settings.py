"""/settings and /language: language, time zone and data, edited in place."""

from __future__ import annotations

import logging
from html import escape

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot import callbacks
from bot.commands import publish_chat_commands
from bot.context import BetweenContext
from bot.i18n import SUPPORTED_LOCALES, native_name, translator
from bot.store import users
from handlers.common import PRIVATE, Button, edit, keyboard
from handlers.onboarding import language_rows
from handlers.timezone import zone_now

_log = logging.getLogger(__name__)

PREFIX = "st"


def settings_view(context: BetweenContext) -> tuple[str, list[list[Button]]]:
    t = context.t
    person = context.person
    assert person is not None
    zone = (
        escape(zone_now(t, person.timezone, context))
        if person.timezone
        else t.gettext("not set yet")
    )
    if person.consent_at is not None:
        data = t.gettext("stored with your consent since {date}", date=t.date(person.consent_at))
    else:
        data = t.gettext("not stored (no consent given)")
    text = "\n".join(
        [
            t.gettext("<b>Settings</b>"),
            t.gettext("Language: {language}", language=native_name(t.locale)),
            t.gettext("Time zone: {zone}", zone=zone),
            t.gettext("Your data: {data}", data=data),
        ]
    )
    rows: list[list[Button]] = [
        [(t.gettext("Language"), "st:lang"), (t.gettext("Time zone"), "st:tz")],
        [(t.gettext("Your data"), "st:data")],
    ]
    return text, rows


def data_view(context: BetweenContext) -> tuple[str, list[list[Button]]]:
    t = context.t
    person = context.person
    assert person is not None
    if person.consent_at is not None:
        text = t.gettext(
            "<b>Your data</b>\n\nYou agreed on {date} that Between may store what you tell "
            "it: check-ins, plans and notes. It is used only to help you and for the "
            "summaries you ask for, and is never shared unless you send it yourself.\n\n"
            "If you withdraw consent, I stop storing new check-ins, plans and notes.",
            date=t.date(person.consent_at),
        )
        toggle: Button = (t.gettext("Withdraw consent"), "st:consent:no")
    else:
        text = t.gettext(
            "<b>Your data</b>\n\nYou haven't agreed to let Between store check-ins, plans "
            "or notes, so it keeps only your language and time zone. If you agree, they "
            "are used only to help you and for the summaries you ask for."
        )
        toggle = (t.gettext("Allow storing my data"), "st:consent:yes")
    return text, [[toggle], [(t.gettext("« Back"), "st:home")]]


async def settings_command(update: Update, context: BetweenContext) -> None:
    assert update.effective_message is not None
    text, rows = settings_view(context)
    await update.effective_message.reply_text(text, reply_markup=keyboard(rows))


async def language_command(update: Update, context: BetweenContext) -> None:
    assert update.effective_message is not None
    t = context.t
    await update.effective_message.reply_text(
        t.gettext("Which language would you like me to use?"),
        reply_markup=keyboard(language_rows(PREFIX, t.locale)),
    )


async def settings_tap(update: Update, context: BetweenContext) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None and context.person is not None
    t = context.t
    services = context.services
    data = query.data
    if data == "st:lang":
        await query.answer()
        await edit(
            query,
            t.gettext("Which language would you like me to use?"),
            keyboard([*language_rows(PREFIX, t.locale), [(t.gettext("« Back"), "st:home")]]),
        )
        return
    if data == "st:data":
        await query.answer()
        text, rows = data_view(context)
        await edit(query, text, keyboard(rows))
        return
    if data.startswith("st:lang:"):
        locale = callbacks.field(data, "st:lang")
        await users.set_locale(services.db, context.person.user_id, locale, services.clock())
        context.t = translator(locale)
        await query.answer(
            context.t.gettext("Language set: {language}", language=native_name(locale))
        )
        # The menu can wait (and may wait out a flood limit); the tap's answer cannot.
        context.application.create_task(
            publish_chat_commands(context.bot, context.person.chat_id, locale), update=update
        )
        _log.info("language changed user=%d locale=%s", context.person.user_id, locale)
    elif data.startswith("st:consent:"):
        agreed = callbacks.field(data, "st:consent") == "yes"
        await users.set_consent(services.db, context.person.user_id, agreed, services.clock())
        _log.info("consent changed user=%d consent=%s", context.person.user_id, agreed)
        await query.answer(
            t.gettext("Thank you. I'll keep what you tell me.")
            if agreed
            else t.gettext("Done. I won't store new check-ins, plans or notes.")
        )
    else:
        await query.answer()
    context.person = await users.get(services.db, context.person.user_id)
    text, rows = settings_view(context)
    await edit(query, text, keyboard(rows))


def handlers() -> list[
    CommandHandler[BetweenContext, None] | CallbackQueryHandler[BetweenContext, None]
]:
    taps = "|".join(
        [
            r"st:home",
            r"st:lang",
            r"st:data",
            r"st:lang:(?:" + "|".join(SUPPORTED_LOCALES) + ")",
            r"st:consent:(?:yes|no)",
        ]
    )
    return [
        CommandHandler("settings", settings_command, filters=PRIVATE),
        CommandHandler("language", language_command, filters=PRIVATE),
        CallbackQueryHandler(settings_tap, pattern=rf"^(?:{taps})\Z"),
    ]
