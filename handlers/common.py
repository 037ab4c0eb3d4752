"""What every update goes through: the person and their locale, the menu, stale buttons,
errors, and the persistence flush after each update."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from telegram import (
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    ReplyKeyboardRemove,
    Update,
)
from telegram.constants import ChatType
from telegram.error import BadRequest, Forbidden
from telegram.ext import (
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.context import BetweenContext
from bot.i18n import N_, Translator, resolve_locale, translator
from bot.services import Services
from bot.store import users
from bot.store.users import Person

_log = logging.getLogger(__name__)

PRIVATE = filters.ChatType.PRIVATE

# The commands shown in the menu and in Telegram's command list, in this order.
MENU_COMMANDS: tuple[tuple[str, str], ...] = (
    ("sos", N_("Help right now: crisis lines and a grounding exercise")),
    ("checkin", N_("Check in: name a feeling, and one small thing to do")),
    ("homework", N_("Your homework, made small, with a nudge at the right moment")),
    ("session", N_("Your therapy sessions: a reminder before, a reflection after")),
    ("plan", N_("Write an if-then plan: when this happens, I'll do that")),
    ("plans", N_("Your if-then plans: pause, resume or delete them")),
    ("week", N_("Your last seven days: a chart and what stood out")),
    ("report", N_("A PDF summary for your therapist, made when you ask")),
    ("prep", N_("A few honest lines for your next session")),
    ("start", N_("Start, or go through the introduction again")),
    ("settings", N_("Language, time zone and your data")),
    ("language", N_("Change the language")),
    ("timezone", N_("Change your time zone")),
    ("safetyplan", N_("Your personal safety plan")),
    ("help", N_("What Between is and what it can do")),
)

Button = tuple[str, str]
# Set by a flow to a timestamp until which the text it awaits is kept even when it is a
# crisis message (handlers.safety.keeps_text); any command or other flow's button ends it.
KEEPS_TEXT = "keeps_text_until"
# Set by a flow whose question now waits for typed words, as [its button prefix, its
# command]: the words are that flow's until the person moves on (another command, or
# another flow's button), which ends the claim (handlers/plans.py reads it).
TEXT_FOR = "text_for"
# While a part of the safety plan is being written (handlers.safety reads it first of all).
SAFETY_PLAN_WRITING = "safety_plan_writing"


def keyboard(rows: Sequence[Sequence[Button]]) -> InlineKeyboardMarkup:
    """An inline keyboard from rows of (text, callback_data)."""
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(text, callback_data=data) for text, data in row] for row in rows]
    )


def in_rows(buttons: Sequence[Button], per_row: int = 2) -> list[list[Button]]:
    """Buttons laid out a few to a row."""
    return [list(buttons[i : i + per_row]) for i in range(0, len(buttons), per_row)]


def about_text(t: Translator) -> str:
    return t.gettext(
        "Between helps with the homework between therapy sessions: small steps at the "
        "right moment, and an honest look back at the week to bring to your therapist.\n\n"
        "It is a self-help companion. It is not therapy, and it is not an emergency "
        "service. If you are in danger, please call your local emergency number; /sos "
        "shows crisis lines at any time."
    )


def menu_text(t: Translator) -> str:
    lines = [t.gettext("Here is what I can do:")]
    lines += [f"/{command} — {t.gettext(description)}" for command, description in MENU_COMMANDS]
    return "\n".join(lines)


async def resolve_person(update: Update, context: BetweenContext) -> None:
    """Group -1: keep Between to private chats; load the person and their translator."""
    chat, user = update.effective_chat, update.effective_user
    if chat is not None and chat.type != ChatType.PRIVATE:
        raise ApplicationHandlerStop  # handlers.safety.in_a_group has answered already
    if user is None or chat is None or user.is_bot:
        return
    services = context.services
    now = services.clock()
    if update.my_chat_member is not None:
        status = update.my_chat_member.new_chat_member.status
        if status in ("kicked", "left"):
            await users.mark_blocked(services.db, user.id, now)
            await services.scheduler.refresh_person(user.id)
            _log.info("person blocked the bot user=%d", user.id)
            raise ApplicationHandlerStop
    person, returned = await users.ensure_returning(services.db, user.id, chat.id, now)
    context.person = person
    if returned:
        # Back after blocking the bot: their reminders are due again, from now on.
        _log.info("person came back user=%d", user.id)
        await services.scheduler.refresh_person(user.id)
    if KEEPS_TEXT in context.memo and _leaves_a_flow(update):
        context.memo.pop(KEEPS_TEXT, None)
    claim = context.memo.get(TEXT_FOR)
    if claim and _moves_on_from(update, claim):
        context.memo.pop(TEXT_FOR, None)
    context.t = translator(
        resolve_locale(person.locale, user.language_code, services.settings.default_locale)
    )


def _leaves_a_flow(update: Update) -> bool:
    """A command, or a tap on another flow's button: the person has moved on."""
    message, query = update.effective_message, update.callback_query
    if query is not None:
        return not (query.data or "").startswith("ci:")
    return bool(message is not None and message.text and message.text.startswith("/"))


def awaiting(
    memo: Mapping[Any, Any], claim: str, flow_key: str, state: str, now: float, idle: float
) -> bool:
    """Whether a flow's question (the flow's memo under `flow_key`, at `state`) is still
    the one the person's words answer: it is the latest question asked for words (TEXT_FOR
    names the flow's prefix `claim`), asked within `idle` seconds."""
    flow = memo.get(flow_key)
    if not isinstance(flow, dict) or flow.get("state") != state:
        return False
    seen = flow.get("seen")
    fresh = isinstance(seen, int | float) and now - seen <= idle
    return fresh and (memo.get(TEXT_FOR) or [None])[0] == claim


class AwaitsText(filters.UpdateFilter):
    """Typed words for a flow's question (see `awaiting`), read from the people's memos as
    PTB holds them. A flow whose text steps carry this filter sits first among the
    features: it takes the words only while its question is the latest one asked, and
    lets them through to the other flows otherwise."""

    def __init__(
        self,
        memos: Mapping[int, Mapping[Any, Any]],
        clock: Callable[[], datetime],
        claim: str,
        flow_key: str,
        state: str,
        idle: timedelta,
    ) -> None:
        super().__init__(name=f"awaits_{claim}_{state}")
        self._memos, self._clock = memos, clock
        self._claim, self._flow_key, self._state = claim, flow_key, state
        self._idle = idle.total_seconds()

    def filter(self, update: Update) -> bool:
        user = update.effective_user
        memo = self._memos.get(user.id) if user is not None else None
        now = self._clock().timestamp()
        return memo is not None and awaiting(
            memo, self._claim, self._flow_key, self._state, now, self._idle
        )


def _moves_on_from(update: Update, claim: object) -> bool:
    """A command other than the flow's own, or a tap on another flow's button."""
    if not isinstance(claim, list | tuple) or len(claim) != 2:
        return True
    prefix, command = claim
    message, query = update.effective_message, update.callback_query
    if query is not None:
        return not (query.data or "").startswith(f"{prefix}:")
    text = message.text if message is not None else None
    if not text or not text.startswith("/"):
        return False
    name = text[1:].split(maxsplit=1)[0].split("@", 1)[0].lower() if len(text) > 1 else ""
    return bool(name != command)


async def flush_persistence(update: Update, context: BetweenContext) -> None:
    """Last group: write conversation states now, so a kill never loses an answered tap."""
    await context.application.update_persistence()


async def show_menu(update: Update, context: BetweenContext) -> None:
    """Plain chatter outside a flow, or an unknown command: the menu, nothing stored."""
    message = update.effective_message
    if message is None or context.crisis_answered:
        return
    t = context.t
    if message.text and message.text.startswith("/"):
        intro = t.gettext("I don't know that command.")
    else:
        intro = t.gettext("I'm a simple companion and can't chat freely, but I'm here.")
    # Also takes away a leftover reply keyboard (such as "Share my location").
    await message.reply_text(f"{intro}\n\n{menu_text(t)}", reply_markup=ReplyKeyboardRemove())
    _log.info("menu shown user=%d", update.effective_user.id if update.effective_user else 0)


async def help_command(update: Update, context: BetweenContext) -> None:
    message = update.effective_message
    if message is None:
        return
    t = context.t
    await message.reply_text(f"{about_text(t)}\n\n{menu_text(t)}")


FINISHED = "finished_message"
# A second tap on the button that ended a flow, within this many seconds, is a double tap.
DOUBLE_TAP_SECONDS = 30


def mark_finished(context: BetweenContext, query: CallbackQuery) -> None:
    """Remember the message whose button just ended a flow, to recognise a double tap."""
    if isinstance(query.message, Message):
        moment = context.services.clock().timestamp()
        context.memo[FINISHED] = [query.message.message_id, moment]


def is_double_tap(context: BetweenContext, query: CallbackQuery) -> bool:
    finished = context.memo.get(FINISHED)
    if not finished or not isinstance(query.message, Message):
        return False
    message_id, moment = finished
    age = context.services.clock().timestamp() - float(moment)
    return bool(message_id == query.message.message_id and age <= DOUBLE_TAP_SECONDS)


async def expired_button(update: Update, context: BetweenContext) -> None:
    """A button from an old message, a finished flow, or forged data: a gentle way back."""
    query = update.callback_query
    if query is None:
        return
    if is_double_tap(context, query):
        await query.answer()
        return
    t = context.t
    await query.answer(t.gettext("That button has expired."))
    _log.info("expired button user=%d", query.from_user.id)
    if isinstance(query.message, Message):
        ended = t.gettext("That button belongs to a step that has ended.")
        await query.message.reply_text(f"{ended}\n\n{menu_text(t)}")


async def ignore_tap(update: Update, context: BetweenContext) -> None:
    """A second tap on a button whose step already moved on: answer it and change nothing."""
    if update.callback_query is not None:
        await update.callback_query.answer()


def ignore_taps(pattern: str) -> CallbackQueryHandler[BetweenContext, object]:
    """In a conversation state: swallow double-taps on this flow's earlier buttons."""
    return CallbackQueryHandler[BetweenContext, object](ignore_tap, pattern=pattern)


async def edit(query: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """Edit the tapped message in place; identical content (a double-tap) is not an error."""
    if not isinstance(query.message, Message):
        return
    message = query.message
    if message.text_html == text and message.reply_markup == markup:
        return
    try:
        await message.edit_text(text, reply_markup=markup)
    except BadRequest as error:
        if "not modified" not in str(error):
            raise


async def on_error(update: object, context: BetweenContext) -> None:
    """Log the failure (its type, never message text) and tell the person kindly."""
    error = context.error
    user = update.effective_user if isinstance(update, Update) else None
    user_id = user.id if user is not None else 0
    services = context.services
    if isinstance(error, Forbidden):
        if user is not None:
            await users.mark_blocked(services.db, user.id, services.clock())
            await services.scheduler.refresh_person(user.id)
        _log.info("send refused, person blocked the bot user=%d", user_id)
        return
    _log.error("handler failed user=%d error=%s", user_id, type(error).__name__, exc_info=error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    # Error handlers get a fresh context: find the person's language again.
    person = await users.get(services.db, user_id) if user is not None else None
    locale = resolve_locale(
        person.locale if person else None,
        user.language_code if user else None,
        services.settings.default_locale,
    )
    t = translator(locale)
    try:
        await context.bot.send_message(
            update.effective_chat.id,
            t.gettext("Sorry, something went wrong on my side. Please try that again in a moment."),
        )
    except Exception:  # the person may be unreachable; the log above has the failure
        _log.warning("could not send the error note user=%d", user_id)


def person_translator(services: Services, person: Person) -> Translator:
    """The person's translator outside an update (a nudge the scheduler sends)."""
    return translator(resolve_locale(person.locale, None, services.settings.default_locale))


def first_handlers() -> list[TypeHandler[Update, BetweenContext, None]]:
    return [TypeHandler(Update, resolve_person)]


def fallback_handlers() -> list[
    MessageHandler[BetweenContext, None] | CallbackQueryHandler[BetweenContext, None]
]:
    """The last handlers of group 0: whatever no flow took."""
    return [
        CallbackQueryHandler(expired_button),
        MessageHandler(PRIVATE & filters.UpdateType.MESSAGE, show_menu),
    ]


def last_handlers() -> list[TypeHandler[Update, BetweenContext, None]]:
    return [TypeHandler(Update, flush_persistence)]


def help_handler() -> CommandHandler[BetweenContext, None]:
    return CommandHandler("help", help_command, filters=PRIVATE)
