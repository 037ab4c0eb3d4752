"""Time zone: a guess confirmed in a tap, a typed city, country or zone name, or a location.

The same steps serve onboarding (prefix "ob") and /timezone or Settings (prefix "tz").
"""

from __future__ import annotations

import logging
from datetime import timedelta
from html import escape

from telegram import (
    CallbackQuery,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.error import BadRequest
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot import callbacks, places
from bot.context import BetweenContext
from bot.i18n import Translator
from bot.store import users
from handlers.common import PRIVATE, Button, edit, ignore_taps, keyboard, mark_finished

_log = logging.getLogger(__name__)

OTHER = "other"
CHOOSING = "tz_choosing"
CHOOSING_TIMEOUT = timedelta(minutes=30)


def zone_now(t: Translator, zone: str, context: BetweenContext, label: str | None = None) -> str:
    """ "Berlin, Germany (14:05 now)" in the person's language."""
    now = places.local_now(zone, context.services.clock())
    place = label or places.zone_label(zone, t.locale)
    return t.gettext("{place} ({time} now)", place=place, time=t.time(now))


async def prompt(
    update: Update, context: BetweenContext, prefix: str
) -> tuple[str, list[list[Button]]]:
    """The question and buttons: the current zone or a guess first, then 'somewhere else'."""
    t = context.t
    index = await places.load_place_index()
    user = update.effective_user
    current = context.person.timezone if context.person else None
    candidates = [current] if current else []
    for place in places.guess_zones(index, user.language_code if user else None, t.locale):
        if place.zone not in candidates:
            candidates.append(place.zone)
    intro = t.gettext("Your time zone lets reminders arrive at the right local time.")
    rows: list[list[Button]] = []
    if candidates:
        first = candidates[0]
        question = t.gettext(
            "Is it <b>{place}</b>? It is {time} there now.",
            place=escape(places.zone_label(first, t.locale)),
            time=t.time(places.local_now(first, context.services.clock())),
        )
        rows.append([(t.gettext("Yes, that's right"), callbacks.pack(prefix, "zone", first))])
        rows += [
            [(places.zone_label(zone, t.locale), callbacks.pack(prefix, "zone", zone))]
            for zone in candidates[1:]
        ]
        rows.append([(t.gettext("Somewhere else"), callbacks.pack(prefix, OTHER))])
    else:
        question = ask_place_text(t)
    return f"{intro}\n\n{question}", rows


def ask_place_text(t: Translator) -> str:
    return t.gettext(
        "Type your city (or a larger one nearby), your country, or a time zone such as "
        "Europe/Berlin. You can also share your location with the button below."
    )


def location_keyboard(t: Translator) -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        [[KeyboardButton(t.gettext("📍 Share my location"), request_location=True)]],
        resize_keyboard=True,
        one_time_keyboard=True,
        input_field_placeholder=t.gettext("City or time zone"),
    )


KEYBOARD_SHOWN = "location_keyboard_shown"


async def show_location_keyboard(message: Message, text: str, context: BetweenContext) -> None:
    await message.reply_text(text, reply_markup=location_keyboard(context.t))
    context.memo[KEYBOARD_SHOWN] = True


async def remove_reply_keyboard(message: Message, text: str, context: BetweenContext) -> None:
    await message.reply_text(text, reply_markup=ReplyKeyboardRemove())
    context.memo.pop(KEYBOARD_SHOWN, None)


def location_keyboard_shown(context: BetweenContext) -> bool:
    return bool(context.memo.get(KEYBOARD_SHOWN))


async def clear_buttons(query: CallbackQuery) -> None:
    """Take the buttons off a message whose choice was made (a double tap is fine)."""
    message = query.message
    if isinstance(message, Message) and message.reply_markup is not None and message.text:
        try:
            # editMessageText rather than editMessageReplyMarkup: with Defaults(parse_mode)
            # PTB adds parse_mode to the latter, a field that method does not have.
            await message.edit_text(message.text_html, reply_markup=None)
        except BadRequest as error:
            if "not modified" not in str(error):
                raise


async def ask_for_place(update: Update, context: BetweenContext) -> None:
    """'Somewhere else': ask for a city and offer the location button (a reply keyboard)."""
    query = update.callback_query
    if query is not None:
        await query.answer()
    message = update.effective_message
    if message is not None:
        await show_location_keyboard(message, ask_place_text(context.t), context)


async def save_zone(context: BetweenContext, zone: str) -> None:
    person = context.person
    assert person is not None
    await users.set_timezone(context.services.db, person.user_id, zone, context.services.clock())
    await context.services.scheduler.refresh_person(person.user_id)
    context.person = await users.get(context.services.db, person.user_id)
    _log.info("time zone set user=%d", person.user_id)


def zone_set_text(
    t: Translator, zone: str, context: BetweenContext, label: str | None = None
) -> str:
    """The confirmation, naming the place the person gave when there is one."""
    return t.gettext(
        "Time zone set: <b>{zone}</b>.", zone=escape(zone_now(t, zone, context, label))
    )


def _bare(text: str) -> str:
    """Letters only, for comparing short answers: "Yes!" and "yes" are the same."""
    return "".join(ch for ch in places.normalise(text) if ch.isalpha())


def _answer_words() -> frozenset[str]:
    return frozenset(_bare(word) for word in ANSWER_WORDS)


# Replies that are not places, in every supported language; some are also town names.
ANSWER_WORDS = (
    "yes", "no", "ok", "okay", "sure", "thanks", "hello", "hi", "yeah", "nope",
    "si", "sí", "vale", "gracias", "hola", "claro",
    "ja", "nein", "danke", "hallo", "gut", "genau",
    "oui", "non", "merci", "bonjour", "d'accord", "salut",
    "sim", "não", "obrigado", "obrigada", "olá", "oi", "tá",
    "да", "нет", "ок", "спасибо", "привет", "хорошо", "ага",
    "так", "ні", "дякую", "привіт", "добре",
)  # fmt: skip
_ANSWERS = _answer_words()


async def place_from_text(
    update: Update, context: BetweenContext, prefix: str
) -> places.Place | None:
    """The place the person typed if it is clear; otherwise asks them to choose, to tap,
    or to try again, and returns None."""
    message = update.effective_message
    assert message is not None and message.text is not None
    t = context.t
    if _bare(message.text) in _ANSWERS:
        await message.reply_text(
            t.gettext("Please tap one of the buttons above, or type the name of your city.")
        )
        return None
    index = await places.load_place_index()
    found = places.lookup(index, message.text)
    if len(found) == 1 and found[0].certain:
        return found[0]
    if found:
        rows = [
            [(places.place_label(place, t.locale), callbacks.pack(prefix, "zone", place.zone))]
            for place in found
        ]
        rows.append([(t.gettext("Somewhere else"), callbacks.pack(prefix, OTHER))])
        question = t.ngettext(
            "I found {n} place with that name. Which one do you mean?",
            "I found {n} places with that name. Which one do you mean?",
            len(found),
        )
        await message.reply_text(question, reply_markup=keyboard(rows))
        return None
    hint = t.gettext(
        "I couldn't find that place. Try your city or a larger one nearby, your country, "
        "or a time zone name such as Europe/Madrid or America/Sao_Paulo."
    )
    if prefix == PREFIX:
        hint += "\n\n" + t.gettext("Or send /cancel to keep your time zone as it is.")
    await show_location_keyboard(message, hint, context)
    return None


async def zone_from_location(update: Update, context: BetweenContext) -> str | None:
    message = update.effective_message
    assert message is not None and message.location is not None
    zone = await places.zone_at_location(message.location.latitude, message.location.longitude)
    if zone is None:
        t = context.t
        await message.reply_text(
            t.gettext("I couldn't tell the time zone from that location. Please type your city.")
        )
    return zone


def zone_pattern(prefix: str) -> str:
    return rf"^{prefix}:zone:([A-Za-z0-9_/+\-]{{1,50}})\Z"


def tapped_zone(update: Update, prefix: str) -> str | None:
    query = update.callback_query
    if query is None or query.data is None:
        return None
    zone = callbacks.field(query.data, f"{prefix}:zone")
    return zone if zone in places.accepted_zones() else None


# /timezone and Settings › Time zone --------------------------------------------------------

PREFIX = "tz"


async def start_timezone(update: Update, context: BetweenContext) -> str:
    text, rows = await prompt(update, context, PREFIX)
    query = update.callback_query
    if query is not None:
        await query.answer()
        await edit(query, text, keyboard(rows) if rows else None)
        if not rows:
            await ask_for_place(update, context)
    elif update.effective_message is not None:
        if rows:
            await update.effective_message.reply_text(text, reply_markup=keyboard(rows))
        else:
            await show_location_keyboard(update.effective_message, text, context)
    return CHOOSING


async def zone_tapped(update: Update, context: BetweenContext) -> int | str:
    query = update.callback_query
    assert query is not None
    zone = tapped_zone(update, PREFIX)
    if zone is None:
        await query.answer(context.t.gettext("That button has expired."))
        return CHOOSING
    await query.answer()
    await save_zone(context, zone)
    text = zone_set_text(context.t, zone, context)
    if location_keyboard_shown(context) and isinstance(query.message, Message):
        await clear_buttons(query)
        await remove_reply_keyboard(query.message, text, context)
    else:
        await edit(query, text)
    mark_finished(context, query)
    return ConversationHandler.END


async def place_typed(update: Update, context: BetweenContext) -> int | str:
    place = await place_from_text(update, context, PREFIX)
    if place is None:
        return CHOOSING
    return await _finish_with(
        update, context, place.zone, places.place_label(place, context.t.locale)
    )


async def location_shared(update: Update, context: BetweenContext) -> int | str:
    zone = await zone_from_location(update, context)
    if zone is None:
        return CHOOSING
    return await _finish_with(update, context, zone)


async def _finish_with(
    update: Update, context: BetweenContext, zone: str, label: str | None = None
) -> int:
    await save_zone(context, zone)
    assert update.effective_message is not None
    await remove_reply_keyboard(
        update.effective_message, zone_set_text(context.t, zone, context, label), context
    )
    return ConversationHandler.END


async def cancel(update: Update, context: BetweenContext) -> int:
    if update.effective_message is not None:
        text = context.t.gettext("Okay, your time zone stays as it was.")
        await remove_reply_keyboard(update.effective_message, text, context)
    return ConversationHandler.END


def conversation() -> ConversationHandler[BetweenContext]:
    return ConversationHandler(
        entry_points=[
            CommandHandler("timezone", start_timezone, filters=PRIVATE),
            CallbackQueryHandler(start_timezone, pattern=callbacks.pattern("st:tz")),
        ],
        states={
            CHOOSING: [
                CallbackQueryHandler(zone_tapped, pattern=zone_pattern(PREFIX)),
                CallbackQueryHandler(ask_for_place, pattern=callbacks.pattern(PREFIX, [OTHER])),
                MessageHandler(PRIVATE & filters.LOCATION, location_shared),
                MessageHandler(PRIVATE & filters.TEXT & ~filters.COMMAND, place_typed),
                ignore_taps(r"^(?:st:tz|tz:.*)\Z"),
            ],
        },
        fallbacks=[CommandHandler("cancel", cancel)],
        # An unanswered question does not wait for ever: later chatter is not a place.
        conversation_timeout=CHOOSING_TIMEOUT,
        name="timezone",
        persistent=True,
        allow_reentry=True,
    )
