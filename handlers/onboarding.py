"""/start: what Between is and is not, language, time zone, consent, and where to begin.

Each step edits the same message in place; typed text or a shared location answers the
time zone step. The conversation is persistent: a restart resumes it at the next tap.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from telegram import Message, Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot import callbacks, places
from bot.commands import publish_chat_commands
from bot.context import BetweenContext
from bot.i18n import SUPPORTED_LOCALES, Translator, native_name, translator
from bot.store import users
from handlers import timezone
from handlers.common import (
    PRIVATE,
    Button,
    about_text,
    edit,
    ignore_taps,
    in_rows,
    keyboard,
    mark_finished,
    menu_text,
)

_log = logging.getLogger(__name__)

PREFIX = "ob"
LANGUAGE, TIMEZONE, CONSENT = "ob_language", "ob_timezone", "ob_consent"
Tap = CallbackQueryHandler[BetweenContext, object]
IDLE_TIMEOUT = timedelta(days=1)


def language_rows(prefix: str, current: str) -> list[list[Button]]:
    """Every supported language in its own name, the current one first and marked."""
    ordered = [current, *(locale for locale in SUPPORTED_LOCALES if locale != current)]
    buttons = [
        (
            ("✓ " if locale == current else "") + native_name(locale),
            callbacks.pack(prefix, "lang", locale),
        )
        for locale in ordered
    ]
    return in_rows(buttons)


def consent_text(t: Translator) -> str:
    return t.gettext(
        "<b>About your data.</b> To remember your check-ins, plans and notes, Between keeps "
        "them in its own database, on the server of whoever runs this bot. They are used "
        "only to help you and to make the summaries you ask for. Nothing is shared unless "
        "you send it yourself, and you can withdraw your consent at any time in /settings.\n\n"
        "Is it all right to store what you tell me?"
    )


def consent_rows(t: Translator) -> list[list[Button]]:
    return [
        [(t.gettext("Yes, store my data"), callbacks.pack(PREFIX, "consent", "yes"))],
        [(t.gettext("Not now"), callbacks.pack(PREFIX, "consent", "no"))],
    ]


async def start(update: Update, context: BetweenContext) -> str:
    message = update.effective_message
    assert message is not None
    t = context.t
    _log.info(
        "onboarding started user=%d", update.effective_user.id if update.effective_user else 0
    )
    text = "\n\n".join(
        [
            t.gettext("<b>Welcome to Between.</b>"),
            about_text(t),
            t.gettext("First, which language would you like me to use?"),
        ]
    )
    await message.reply_text(text, reply_markup=keyboard(language_rows(PREFIX, t.locale)))
    return LANGUAGE


async def language_chosen(update: Update, context: BetweenContext) -> str:
    query = update.callback_query
    assert query is not None and context.person is not None
    locale = callbacks.field(query.data, f"{PREFIX}:lang")
    services = context.services
    await users.set_locale(services.db, context.person.user_id, locale, services.clock())
    context.t = translator(locale)
    await query.answer()
    context.application.create_task(
        publish_chat_commands(context.bot, context.person.chat_id, locale), update=update
    )
    _log.info("onboarding language chosen user=%d locale=%s", context.person.user_id, locale)
    text, rows = await timezone.prompt(update, context, PREFIX)
    await edit(query, text, keyboard(rows) if rows else None)
    if not rows:
        await timezone.ask_for_place(update, context)
    return TIMEZONE


async def zone_tapped(update: Update, context: BetweenContext) -> str:
    query = update.callback_query
    assert query is not None
    zone = timezone.tapped_zone(update, PREFIX)
    if zone is None:
        await query.answer(context.t.gettext("That button has expired."))
        return TIMEZONE
    await query.answer()
    await timezone.save_zone(context, zone)
    t = context.t
    zone_set = timezone.zone_set_text(t, zone, context)
    if timezone.location_keyboard_shown(context) and isinstance(query.message, Message):
        # The "share location" keyboard is on screen: only a new message can take it away.
        await timezone.clear_buttons(query)
        await timezone.remove_reply_keyboard(query.message, zone_set, context)
        await query.message.reply_text(consent_text(t), reply_markup=keyboard(consent_rows(t)))
    else:
        await edit(query, f"{zone_set}\n\n{consent_text(t)}", keyboard(consent_rows(t)))
    return CONSENT


async def place_typed(update: Update, context: BetweenContext) -> str:
    place = await timezone.place_from_text(update, context, PREFIX)
    if place is None:
        return TIMEZONE
    label = places.place_label(place, context.t.locale)
    return await _zone_found(update, context, place.zone, label)


async def location_shared(update: Update, context: BetweenContext) -> str:
    zone = await timezone.zone_from_location(update, context)
    return await _zone_found(update, context, zone)


async def _zone_found(
    update: Update, context: BetweenContext, zone: str | None, label: str | None = None
) -> str:
    if zone is None:
        return TIMEZONE
    await timezone.save_zone(context, zone)
    t = context.t
    message = update.effective_message
    assert message is not None
    await timezone.remove_reply_keyboard(
        message, timezone.zone_set_text(t, zone, context, label), context
    )
    await message.reply_text(consent_text(t), reply_markup=keyboard(consent_rows(t)))
    return CONSENT


async def consent_given(update: Update, context: BetweenContext) -> int:
    query = update.callback_query
    assert query is not None and context.person is not None
    agreed = callbacks.field(query.data, f"{PREFIX}:consent") == "yes"
    services = context.services
    now = services.clock()
    await users.set_consent(services.db, context.person.user_id, agreed, now)
    await users.mark_onboarded(services.db, context.person.user_id, now)
    await query.answer()
    t = context.t
    if agreed:
        closing = t.gettext(
            "Thank you. You're all set. Small, imperfect steps count here, "
            "and you can change anything later in /settings."
        )
    else:
        closing = t.gettext(
            "That's fine. Without your consent I won't keep check-ins, plans or notes. "
            "I keep only your language and time zone so I can talk to you. "
            "You can change your mind any time in /settings."
        )
    _log.info("onboarding finished user=%d consent=%s", context.person.user_id, agreed)
    first_step = None
    if agreed:
        first_step = keyboard(
            [
                [
                    (
                        t.gettext("Try a one-minute check-in"),
                        callbacks.pack("ci", "new", "onboarding"),
                    )
                ],
                [
                    (
                        t.gettext("Record this week's homework"),
                        callbacks.pack("hw", "new", "onboarding"),
                    )
                ],
            ]
        )
    await edit(query, f"{closing}\n\n{menu_text(t)}", first_step)
    mark_finished(context, query)
    return ConversationHandler.END


async def cancel(update: Update, context: BetweenContext) -> int:
    if update.effective_message is not None:
        text = context.t.gettext("Okay. You can go through the introduction any time with /start.")
        await timezone.remove_reply_keyboard(update.effective_message, text, context)
    return ConversationHandler.END


async def hint_tap_language(update: Update, context: BetweenContext) -> str:
    """Text where a tap was expected: a short hint and the same keyboard again."""
    t = context.t
    assert update.effective_message is not None
    await update.effective_message.reply_text(
        t.gettext("Please tap one of the languages below."),
        reply_markup=keyboard(language_rows(PREFIX, t.locale)),
    )
    return LANGUAGE


async def hint_tap_consent(update: Update, context: BetweenContext) -> str:
    t = context.t
    assert update.effective_message is not None
    await update.effective_message.reply_text(
        t.gettext("Please tap one of the answers below."), reply_markup=keyboard(consent_rows(t))
    )
    return CONSENT


def conversation() -> ConversationHandler[BetweenContext]:
    """Each state takes its own buttons and those of later steps (so a restart between a
    reply and its saved state still continues at the next tap); earlier buttons, such as
    a double tap, are answered and change nothing. The state decides what typed text means.
    """
    typed = PRIVATE & filters.TEXT & ~filters.COMMAND
    language: Tap = CallbackQueryHandler(
        language_chosen, pattern=callbacks.pattern(f"{PREFIX}:lang", SUPPORTED_LOCALES)
    )
    zone: Tap = CallbackQueryHandler(zone_tapped, pattern=timezone.zone_pattern(PREFIX))
    other: Tap = CallbackQueryHandler(
        timezone.ask_for_place, pattern=callbacks.pattern(PREFIX, [timezone.OTHER])
    )
    consent: Tap = CallbackQueryHandler(
        consent_given, pattern=callbacks.pattern(f"{PREFIX}:consent", ["yes", "no"])
    )
    earlier_tap = ignore_taps(rf"^{PREFIX}:")
    return ConversationHandler(
        entry_points=[CommandHandler("start", start, filters=PRIVATE)],
        states={
            LANGUAGE: [
                language,
                zone,
                other,
                consent,
                MessageHandler(typed, hint_tap_language),
            ],
            TIMEZONE: [
                zone,
                other,
                consent,
                MessageHandler(PRIVATE & filters.LOCATION, location_shared),
                MessageHandler(typed, place_typed),
                earlier_tap,
            ],
            CONSENT: [consent, MessageHandler(typed, hint_tap_consent), earlier_tap],
        },
        fallbacks=[CommandHandler("cancel", cancel, filters=PRIVATE)],
        # Someone who leaves the introduction half-way is not held in it: later messages
        # are read as messages again, not as answers to an old question.
        conversation_timeout=IDLE_TIMEOUT,
        name="onboarding",
        persistent=True,
        allow_reentry=True,
    )
