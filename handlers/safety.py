"""Safety: crisis language in any message, /sos in every state, the crisis reply, a
grounding minute, and a gentle offer of resources that any flow can call.

These handlers run in their own group, after the person is resolved and before every
feature, so that no flow can swallow a message that signals danger.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, Coroutine
from datetime import datetime, timedelta
from html import escape
from typing import Any

from babel.lists import format_list
from telegram import Message, Update
from telegram.constants import ChatType
from telegram.error import BadRequest, TelegramError
from telegram.ext import (
    ApplicationHandlerStop,
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot import callbacks, places
from bot.context import BetweenContext
from bot.crisis import Tier, classify_async, normalise
from bot.i18n import N_, Translator, resolve_locale, translator
from bot.store import safety, users
from content.crisis import CrisisLine, crisis_table
from handlers import plans
from handlers.common import (
    KEEPS_TEXT,
    PRIVATE,
    SAFETY_PLAN_WRITING,
    Button,
    edit,
    in_rows,
    keyboard,
    mark_finished,
)

_log = logging.getLogger(__name__)

PREFIX = "sf"
# The gentle question is not asked again within this time; the strong reply always comes.
SOFT_COOLDOWN = timedelta(hours=6)
GROUNDING_STEPS = (
    N_(
        "Let's take one minute together. If you are driving, wait until you have stopped "
        "somewhere safe.\n\nLet your feet rest on the floor, and let one slow breath go out."
    ),
    N_("Look around and name <b>5 things you can see</b>. Take your time."),
    N_("Now notice <b>4 things you can feel or touch</b>: your feet, your hands, the chair."),
    N_("Listen for <b>3 things you can hear</b>, near or far."),
    N_("Notice <b>2 things you can smell</b>, or think of 2 smells you like."),
    N_(
        "Notice <b>1 thing you can taste</b>, or take a sip of water. "
        "Then one long, slow breath out."
    ),
)
PLAN_TITLES = {
    "signs": N_("My warning signs"),
    "self": N_("What I can do on my own"),
    "distract": N_("People and places that take my mind off things"),
    "people": N_("People I can ask for help"),
    "pros": N_("Professionals and services"),
    "safer": N_("Making my surroundings safer"),
}
# The plan shown inside a crisis reply is kept short, counted as Telegram counts (UTF-16).
PLAN_PART_UNITS = 250
PLAN_BUDGET_UNITS = 1500
# While a part of the safety plan is being written (see handlers.safetyplan).
WRITING_PLAN = SAFETY_PLAN_WRITING
WRITING_LIMIT = timedelta(hours=2)
# Typed instead of /sos: these words alone ask for help in every supported language.
HELP_WORDS = frozenset(
    {
        "sos", "help", "help me", "ayuda", "ayudame", "hilfe", "aide", "aidez moi",
        "socorro", "ajuda", "me ajuda", "помогите", "помоги", "допоможіть", "допоможи",
    }
)  # fmt: skip
# For people who have not agreed to storage, safety needs a little memory all the same:
# when the gentle question was last asked, and a country they picked. It lives in this
# process only, never in the database.
_SOFT_ASKED: dict[int, datetime] = {}
_COUNTRY_PICKED: dict[int, str] = {}
_MEMORY_LIMIT = 100_000
_TOLD_GROUPS: set[int] = set()


def _units(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def _clip(text: str, units: int) -> str:
    if _units(text) <= units:
        return text
    clipped = ""
    for char in text:
        if _units(clipped + char) > units - 1:
            break
        clipped += char
    return clipped + "…"


def _remember(memory: dict[int, Any], key: int, value: Any) -> None:
    if len(memory) >= _MEMORY_LIMIT:
        memory.clear()
    memory[key] = value


def start_writing(context: BetweenContext, section: str) -> None:
    context.memo[WRITING_PLAN] = [section, context.services.clock().timestamp()]


def stop_writing(context: BetweenContext) -> None:
    context.memo.pop(WRITING_PLAN, None)


def writing_section(context: BetweenContext) -> str | None:
    """The part of the safety plan being written now, if one was opened recently."""
    marker = context.memo.get(WRITING_PLAN)
    if not isinstance(marker, list) or len(marker) != 2:
        return None
    section, opened = marker
    age = context.services.clock().timestamp() - float(opened)
    if section not in PLAN_TITLES or age > WRITING_LIMIT.total_seconds():
        stop_writing(context)
        return None
    return str(section)


async def note_event(context: BetweenContext, kind: str) -> None:
    """Record what was shown (never what was written), only with consent to store."""
    person = context.person
    if person is not None and person.has_consented:
        services = context.services
        await safety.record_event(services.db, person.user_id, kind, services.clock())


def _numbers(t: Translator, line: CrisisLine) -> str:
    return format_list([f"<b>{escape(n)}</b>" for n in line.numbers], style="or", locale=t.locale)


def _hours(t: Translator, line: CrisisLine) -> str:
    if line.hours == "24/7":
        return t.gettext("day and night")
    if line.hours == "24/7 in most regions":
        return t.gettext("day and night in most regions")
    return t.gettext("daily, {hours}", hours=escape(line.hours))


def help_lines_text(t: Translator, country: str | None) -> str:
    """The crisis line for the country, the emergency number, and the directory."""
    table = crisis_table()
    parts: list[str] = []
    emergency = table.emergency_for(country)
    if emergency:
        parts.append(
            t.gettext(
                "If you might act on these thoughts, or you are in danger right now, "
                "please call <b>{number}</b> (emergency services).",
                number=emergency,
            )
        )
    else:
        parts.append(
            t.gettext(
                "If you might act on these thoughts, or you are in danger right now, please "
                "call your local emergency number (<b>{number}</b> works from most mobile "
                "phones).",
                number=table.default_emergency,
            )
        )
    line = table.line_for(country)
    if line is not None and country is not None:
        fields = {
            "country": escape(places.country_name(country, t.locale)),
            "service": escape(line.service),
            "numbers": _numbers(t, line),
            "hours": _hours(t, line),
        }
        if line.free:
            text = t.gettext(
                "{country}: you can talk to <b>{service}</b>. Call {numbers}, {hours}, free.",
                **fields,
            )
        else:
            text = t.gettext(
                "{country}: you can talk to <b>{service}</b>. Call {numbers}, {hours}.",
                **fields,
            )
        if line.text:
            text += " " + t.gettext("Or text {number}.", number=f"<b>{escape(line.text)}</b>")
        parts.append(text)
    parts.append(
        t.gettext(
            "Anywhere in the world: {url} lists free, confidential help lines.",
            url=table.directory.url,
        )
    )
    return "\n\n".join(parts)


def plan_summary(t: Translator, plan: dict[str, str]) -> str:
    """The filled parts of the plan, short enough to leave room for the help lines."""
    lines = [t.gettext("<b>Your safety plan</b>")]
    budget = PLAN_BUDGET_UNITS
    for section, title in PLAN_TITLES.items():
        body = plan.get(section)
        if body and budget > 0:
            shown = _clip(body, min(PLAN_PART_UNITS, budget))
            budget -= _units(shown)
            lines.append(f"<b>{t.gettext(title)}</b>\n{escape(shown)}")
    return "\n\n".join(lines)


def person_country(update: Update | None, context: BetweenContext) -> tuple[str | None, bool]:
    """The country for help lines and whether it is only a guess from their language:
    the one they picked, else their time zone's, else their Telegram language's."""
    person = context.person
    if person is None:
        return None, False
    chosen = person.country or _COUNTRY_PICKED.get(person.user_id)
    if chosen:
        return chosen, False
    by_zone = places.zone_country(person.timezone)
    if by_zone:
        return by_zone, False
    user = update.effective_user if update is not None else None
    guess = places.language_country(user.language_code if user else None)
    return guess, guess is not None


async def crisis_message(
    update: Update, context: BetweenContext, intro: str, *, with_plan: bool = True
) -> tuple[str, list[list[Button]]]:
    """The whole crisis reply: the plan first when there is one, then the lines."""
    t = context.t
    person = context.person
    assert person is not None
    plan = await safety.plan(context.services.db, person.user_id) if with_plan else {}
    blocks = [intro]
    if plan:
        blocks.append(plan_summary(t, plan))
    country, guessed = person_country(update, context)
    blocks.append(help_lines_text(t, country))
    if guessed:
        blocks.append(
            t.gettext(
                "<i>I guessed your country from your language. If you are somewhere else, "
                "tap \u201cAnother country\u201d.</i>"
            )
        )
    blocks.append(
        t.gettext(
            "Between is a self-help tool, not an emergency service, and no one reads "
            "these messages as they arrive. You can keep writing to me, and /sos brings "
            "this back at any time."
        )
    )
    rows: list[list[Button]] = [
        [(t.gettext("A one-minute grounding exercise"), callbacks.pack(PREFIX, "ground", "0"))],
        [
            (
                t.gettext("My safety plan") if plan else t.gettext("Make a safety plan"),
                callbacks.pack(PREFIX, "plan"),
            ),
            (t.gettext("Another country"), callbacks.pack(PREFIX, "countries")),
        ],
    ]
    return "\n\n".join(blocks), rows


async def send_crisis_reply(
    update: Update, message: Message, context: BetweenContext, intro: str
) -> None:
    text, rows = await crisis_message(update, context, intro)
    try:
        await message.reply_text(text, reply_markup=keyboard(rows))
    except BadRequest:
        # Whatever went wrong with the full reply, the help lines must still arrive.
        _log.warning("crisis reply refused, sent again without the plan")
        text, rows = await crisis_message(update, context, intro, with_plan=False)
        await message.reply_text(text, reply_markup=keyboard(rows))


def strong_intro(t: Translator) -> str:
    return t.gettext(
        "<b>I'm really glad you told me.</b> What you are going through sounds very painful, "
        "and you deserve support right now. You don't have to face this alone."
    )


# Handlers -------------------------------------------------------------------------------

WritePlanPart = Callable[[Update, BetweenContext], Awaitable[object]]


async def show_help_now(update: Update, context: BetweenContext) -> None:
    """/sos, or "help" typed alone: help at once; the flow stays where it was."""
    message = update.effective_message
    person = context.person
    if message is None or person is None:
        raise ApplicationHandlerStop
    await note_event(context, "sos")
    _log.info("sos shown user=%d", person.user_id)
    intro = context.t.gettext("<b>Here is help, right now.</b> You did the right thing by asking.")
    await send_crisis_reply(update, message, context, intro)
    raise ApplicationHandlerStop


async def _soft_recently_asked(context: BetweenContext, now: datetime) -> bool:
    person = context.person
    assert person is not None
    if person.has_consented:
        last = await safety.last_event(context.services.db, person.user_id, "soft")
    else:
        last = _SOFT_ASKED.get(person.user_id)
    return last is not None and now - last < SOFT_COOLDOWN


async def ask_gently(message: Message, context: BetweenContext) -> None:
    t = context.t
    await message.reply_text(
        t.gettext(
            "That sounds really heavy, and I'm glad you said it. Can I ask you directly: "
            "are you having thoughts of ending your life, or of hurting yourself?"
        ),
        reply_markup=keyboard(
            [
                [
                    (t.gettext("Yes"), callbacks.pack(PREFIX, "check", "yes")),
                    (t.gettext("No, not like that"), callbacks.pack(PREFIX, "check", "no")),
                ],
                [(t.gettext("Show me help lines"), callbacks.pack(PREFIX, "lines"))],
            ]
        ),
    )


def watcher(
    write_plan_part: WritePlanPart,
) -> Callable[[Update, BetweenContext], Coroutine[Any, Any, None]]:
    """The handler that reads every typed message before any flow does."""

    async def watch_text(update: Update, context: BetweenContext) -> None:
        message = update.effective_message
        person = context.person
        written = (message.text or message.caption) if message is not None else None
        if message is None or person is None or not written:
            return
        if normalise(written) in HELP_WORDS:
            await show_help_now(update, context)
        tier = await classify_async(written)
        services = context.services
        now = services.clock()
        if tier is Tier.STRONG:
            await note_event(context, "strong")
            _log.info("crisis language answered tier=strong user=%d", person.user_id)
            await send_crisis_reply(update, message, context, strong_intro(context.t))
        elif tier is Tier.SOFT and not await _soft_recently_asked(context, now):
            await note_event(context, "soft")
            _remember(_SOFT_ASKED, person.user_id, now)
            _log.info("crisis language answered tier=soft user=%d", person.user_id)
            await ask_gently(message, context)
        elif tier is Tier.SOFT:
            _log.info("crisis language soft tier in cooldown user=%d", person.user_id)
            tier = Tier.NONE
        if message.text and writing_section(context) is not None:
            # A plan names warning signs: what was written is kept, whatever else happened,
            # and no other flow waiting for text can take it.
            await write_plan_part(update, context)
            raise ApplicationHandlerStop
        if tier is not Tier.NONE:
            context.crisis_answered = True
            if tier is Tier.SOFT and not keeps_text(context, now):
                # An if-then plan about a hard feeling ("If I feel hopeless at night, then
                # I will text my sister") may be a way of coping: it is held, and shown
                # back to be saved only if the gentle question is answered "no". Clear
                # risk is never made into a plan.
                await plans.hold(update, context, _without_command(written))
            if not keeps_text(context, now):
                raise ApplicationHandlerStop

    return watch_text


# Commands whose words are read like a message ("/plan If ..., then ..."): crisis
# language after them is answered as it would be in a message.
WORDS_COMMANDS = filters.Regex(re.compile(r"^/plan(?:@\w+)?\s", re.IGNORECASE))


def _without_command(text: str) -> str:
    return text.split(maxsplit=1)[1] if text.startswith("/") and " " in text else text


def keeps_text(context: BetweenContext, now: datetime) -> bool:
    """A flow waits for text that must be kept whatever it says (a check-in's note): the
    crisis reply comes first, and the text still reaches the flow."""
    until = context.memo.get(KEEPS_TEXT)
    return isinstance(until, int | float) and now.timestamp() <= until


async def check_answered(update: Update, context: BetweenContext) -> None:
    query = update.callback_query
    person = context.person
    assert query is not None and person is not None
    answer = callbacks.field(query.data, f"{PREFIX}:check")
    await note_event(context, f"check_{answer}")
    await query.answer()
    t = context.t
    if answer == "yes":
        _log.info("soft check answered yes user=%d", person.user_id)
        await plans.drop_held(context)
        text, rows = await crisis_message(
            update, context, t.gettext("<b>Thank you for telling me.</b> That took courage.")
        )
        await edit(query, text, keyboard(rows))
        raise ApplicationHandlerStop
    # One "no" does not close the door: the resources stay one tap away.
    await edit(
        query,
        t.gettext(
            "Thank you for telling me. I'm here, and if that changes, /sos brings help "
            "lines at any time."
        ),
        keyboard([[(t.gettext("Show me help lines anyway"), callbacks.pack(PREFIX, "lines"))]]),
    )
    await plans.show_held(update, context)  # the plan it was about, if it was one
    raise ApplicationHandlerStop


async def lines_tapped(update: Update, context: BetweenContext) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer()
    text, rows = await crisis_message(
        update, context, context.t.gettext("<b>Here is help, right now.</b>")
    )
    await edit(query, text, keyboard(rows))
    raise ApplicationHandlerStop


def grounding_view(t: Translator, step: int) -> tuple[str, list[list[Button]]]:
    rows: list[list[Button]] = [
        [
            (t.gettext("Next"), callbacks.pack(PREFIX, "ground", str(step + 1))),
            (t.gettext("Stop"), callbacks.pack(PREFIX, "stop")),
        ]
    ]
    counter = t.gettext("Step {step} of {total}", step=step + 1, total=len(GROUNDING_STEPS))
    return f"{t.gettext(GROUNDING_STEPS[step])}\n\n<i>{counter}</i>", rows


async def grounding_step(update: Update, context: BetweenContext) -> None:
    """5-4-3-2-1 grounding, one step per tap. It opens in a new message, so that the help
    lines stay on screen, and then moves on in that message."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    t = context.t
    step = int(callbacks.field(query.data, f"{PREFIX}:ground"))
    if step == 0:
        if isinstance(query.message, Message):
            text, rows = grounding_view(t, 0)
            await query.message.reply_text(text, reply_markup=keyboard(rows))
        raise ApplicationHandlerStop
    if step >= len(GROUNDING_STEPS):
        await note_event(context, "grounding")
        await edit(
            query,
            t.gettext(
                "Well done for staying with it. However you feel now is okay. "
                "The help lines are still here whenever you need them: /sos."
            ),
        )
        mark_finished(context, query)
        raise ApplicationHandlerStop
    text, rows = grounding_view(t, step)
    await edit(query, text, keyboard(rows))
    raise ApplicationHandlerStop


async def grounding_stopped(update: Update, context: BetweenContext) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer()
    await edit(query, context.t.gettext("Okay. /sos is here whenever you need it."))
    mark_finished(context, query)
    raise ApplicationHandlerStop


async def countries_tapped(update: Update, context: BetweenContext) -> None:
    """The countries with a help line, in a new message (the first reply stays)."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    t = context.t
    names = sorted(
        ((places.country_name(code, t.locale), code) for code in crisis_table().lines),
        key=lambda pair: pair[0],
    )
    rows = in_rows([(name, callbacks.pack(PREFIX, "cc", code)) for name, code in names])
    rows.append([(t.gettext("My country is not listed"), callbacks.pack(PREFIX, "cc", "none"))])
    if isinstance(query.message, Message):
        await query.message.reply_text(
            t.gettext("Which country's help lines would you like?"), reply_markup=keyboard(rows)
        )
    raise ApplicationHandlerStop


async def country_chosen(update: Update, context: BetweenContext) -> None:
    query = update.callback_query
    person = context.person
    assert query is not None and person is not None
    country = callbacks.field(query.data, f"{PREFIX}:cc")
    await query.answer()
    t = context.t
    if country == "none":
        text = "\n\n".join(
            [
                help_lines_text(t, None),
                t.gettext("Between is a self-help tool, not an emergency service."),
            ]
        )
        await edit(query, text)
        raise ApplicationHandlerStop
    services = context.services
    if person.has_consented:
        await users.set_country(services.db, person.user_id, country, services.clock())
        context.person = await users.get(services.db, person.user_id)
    else:
        _remember(_COUNTRY_PICKED, person.user_id, country)
    _log.info("help line country chosen user=%d", person.user_id)
    text, rows = await crisis_message(update, context, t.gettext("<b>Here is help, right now.</b>"))
    await edit(query, text, keyboard(rows))
    raise ApplicationHandlerStop


async def in_a_group(update: Update, context: BetweenContext) -> None:
    """Groups: Between says once that it works privately, and answers /sos or risk language
    with the directory and the emergency number. Nothing from a group is stored."""
    chat = update.effective_chat
    if chat is None or chat.type == ChatType.PRIVATE:
        return
    _log.info("update from a non-private chat chat=%d", chat.id)
    message = update.effective_message
    user = update.effective_user
    t = translator(
        resolve_locale(
            None, user.language_code if user else None, context.services.settings.default_locale
        )
    )
    written = (message.text or message.caption or "") if message is not None else ""
    asks_for_help = written.split("@")[0].strip().lower() == "/sos" or (
        written and await classify_async(written) is Tier.STRONG
    )
    try:
        if asks_for_help:
            await context.bot.send_message(chat.id, help_lines_text(t, None))
        elif chat.id not in _TOLD_GROUPS and (message is not None or _bot_added(update)):
            if len(_TOLD_GROUPS) >= _MEMORY_LIMIT:
                _TOLD_GROUPS.clear()
            _TOLD_GROUPS.add(chat.id)
            await context.bot.send_message(
                chat.id,
                t.gettext(
                    "Between works only in private chats, to keep what people share private. "
                    "Please write to me directly; nothing from this group is stored."
                ),
            )
    except TelegramError as error:
        _log.info("group reply not sent chat=%d error=%s", chat.id, type(error).__name__)
    raise ApplicationHandlerStop


def _bot_added(update: Update) -> bool:
    member = update.my_chat_member
    return member is not None and member.new_chat_member.status not in ("left", "kicked")


async def offer_resources(message: Message, context: BetweenContext) -> None:
    """For any flow: offer help lines gently, without assuming a crisis (e.g. a check-in
    at high intensity in the despair, powerless, helpless or worthless places)."""
    t = context.t
    person = context.person
    if person is not None:
        await note_event(context, "offered")
    await message.reply_text(
        t.gettext(
            "This sounds like a lot to carry. If it would help to talk to someone, "
            "there are people you can reach any time, for free."
        ),
        reply_markup=keyboard(
            [[(t.gettext("Show me help lines"), callbacks.pack(PREFIX, "lines"))]]
        ),
    )


def group_handlers() -> list[BaseHandler[Update, BetweenContext, None]]:
    """First of all: updates from groups are answered here and go no further."""
    return [TypeHandler(Update, in_a_group)]


def handlers(write_plan_part: WritePlanPart) -> list[BaseHandler[Update, BetweenContext, None]]:
    """The safety group: /sos, risk language in typed text, and the safety buttons."""
    codes = [*crisis_table().lines, "none"]
    return [
        CommandHandler("sos", show_help_now, filters=PRIVATE),
        MessageHandler(
            PRIVATE & ((filters.TEXT & (~filters.COMMAND | WORDS_COMMANDS)) | filters.CAPTION),
            watcher(write_plan_part),
        ),
        CallbackQueryHandler(
            check_answered, pattern=callbacks.pattern(f"{PREFIX}:check", ["yes", "no"])
        ),
        CallbackQueryHandler(lines_tapped, pattern=callbacks.pattern(f"{PREFIX}:lines")),
        CallbackQueryHandler(
            grounding_step,
            pattern=callbacks.pattern(
                f"{PREFIX}:ground", [str(i) for i in range(len(GROUNDING_STEPS) + 1)]
            ),
        ),
        CallbackQueryHandler(grounding_stopped, pattern=callbacks.pattern(f"{PREFIX}:stop")),
        CallbackQueryHandler(countries_tapped, pattern=callbacks.pattern(f"{PREFIX}:countries")),
        CallbackQueryHandler(country_chosen, pattern=callbacks.pattern(f"{PREFIX}:cc", codes)),
    ]
