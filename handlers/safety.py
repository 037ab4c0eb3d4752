"""Safety: crisis language in any message, /sos in every state, the crisis reply, a
grounding minute, and a gentle offer of resources that any flow can call.

These handlers run in their own group, after the person is resolved and before every
feature, so that no flow can swallow a message that signals danger.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from html import escape

from babel.lists import format_list
from telegram import Message, Update
from telegram.ext import (
    ApplicationHandlerStop,
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot import callbacks, places
from bot.context import BetweenContext
from bot.crisis import Tier, classify_async
from bot.i18n import N_, Translator
from bot.store import safety, users
from content.crisis import CrisisLine, crisis_table
from handlers.common import PRIVATE, Button, edit, in_rows, keyboard

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
PLAN_PREVIEW_CHARS = 300
# Set while the person writes a part of their safety plan (see handlers.safetyplan).
WRITING_PLAN = "safety_plan_section"


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
        text = t.gettext(
            "{country}: you can talk to <b>{service}</b>. Call {numbers}, {hours}, free.",
            country=escape(places.country_name(country, t.locale)),
            service=escape(line.service),
            numbers=_numbers(t, line),
            hours=_hours(t, line),
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
    lines = [t.gettext("<b>Your safety plan</b>")]
    for section, title in PLAN_TITLES.items():
        body = plan.get(section)
        if body:
            shown = body if len(body) <= PLAN_PREVIEW_CHARS else body[:PLAN_PREVIEW_CHARS] + "…"
            lines.append(f"<b>{t.gettext(title)}</b>\n{escape(shown)}")
    return "\n\n".join(lines)


async def person_country(update: Update | None, context: BetweenContext) -> str | None:
    """The country they chose, else their time zone's, else their Telegram language's."""
    person = context.person
    if person is None:
        return None
    user = update.effective_user if update is not None else None
    return (
        person.country
        or places.zone_country(person.timezone)
        or places.language_country(user.language_code if user else None)
    )


async def crisis_message(
    update: Update, context: BetweenContext, intro: str
) -> tuple[str, list[list[Button]]]:
    """The whole crisis reply: the plan first when there is one, then the lines."""
    t = context.t
    person = context.person
    assert person is not None
    plan = await safety.plan(context.services.db, person.user_id)
    blocks = [intro]
    if plan:
        blocks.append(plan_summary(t, plan))
    blocks.append(help_lines_text(t, await person_country(update, context)))
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
    await message.reply_text(text, reply_markup=keyboard(rows))


def strong_intro(t: Translator) -> str:
    return t.gettext(
        "<b>I'm really glad you told me.</b> What you are going through sounds very painful, "
        "and you deserve support right now. You don't have to face this alone."
    )


# Handlers -------------------------------------------------------------------------------


async def sos_command(update: Update, context: BetweenContext) -> None:
    """/sos: help at once, whatever flow the person is in; the flow stays where it was."""
    message = update.effective_message
    person = context.person
    if message is None or person is None:
        raise ApplicationHandlerStop
    services = context.services
    await safety.record_event(services.db, person.user_id, "sos", services.clock())
    _log.info("sos shown user=%d", person.user_id)
    intro = context.t.gettext("<b>Here is help, right now.</b> You did the right thing by asking.")
    await send_crisis_reply(update, message, context, intro)
    raise ApplicationHandlerStop


async def watch_text(update: Update, context: BetweenContext) -> None:
    """Every message a person types is checked first; risk is answered before any flow."""
    message = update.effective_message
    person = context.person
    written = (message.text or message.caption) if message is not None else None
    if message is None or person is None or not written:
        return
    tier = await classify_async(written)
    if tier is Tier.NONE:
        return
    services = context.services
    now = services.clock()
    writing_plan = context.memo.get(WRITING_PLAN) is not None
    if tier is Tier.STRONG:
        await safety.record_event(services.db, person.user_id, "strong", now)
        _log.info("crisis language answered tier=strong user=%d", person.user_id)
        await send_crisis_reply(update, message, context, strong_intro(context.t))
        if writing_plan:
            return  # a safety plan names warning signs: keep what was written, too
        raise ApplicationHandlerStop
    if writing_plan:
        return
    last = await safety.last_event(services.db, person.user_id, "soft")
    if last is not None and now - last < SOFT_COOLDOWN:
        _log.info("crisis language soft tier in cooldown user=%d", person.user_id)
        return
    await safety.record_event(services.db, person.user_id, "soft", now)
    _log.info("crisis language answered tier=soft user=%d", person.user_id)
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
    raise ApplicationHandlerStop


async def check_answered(update: Update, context: BetweenContext) -> None:
    query = update.callback_query
    person = context.person
    assert query is not None and person is not None
    answer = callbacks.field(query.data, f"{PREFIX}:check")
    services = context.services
    await safety.record_event(services.db, person.user_id, f"check_{answer}", services.clock())
    await query.answer()
    t = context.t
    if answer == "yes":
        _log.info("soft check answered yes user=%d", person.user_id)
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


async def grounding_step(update: Update, context: BetweenContext) -> None:
    """One step of 5-4-3-2-1 grounding per tap, in the same message."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    t = context.t
    step = int(callbacks.field(query.data, f"{PREFIX}:ground"))
    if step >= len(GROUNDING_STEPS):
        person = context.person
        if person is not None:
            services = context.services
            await safety.record_event(services.db, person.user_id, "grounding", services.clock())
        await edit(
            query,
            t.gettext(
                "Well done for staying with it. However you feel now is okay. "
                "The help lines are still here whenever you need them: /sos."
            ),
        )
        raise ApplicationHandlerStop
    rows: list[list[Button]] = [
        [
            (t.gettext("Next"), callbacks.pack(PREFIX, "ground", str(step + 1))),
            (t.gettext("Stop"), callbacks.pack(PREFIX, "stop")),
        ]
    ]
    counter = t.gettext("Step {step} of {total}", step=step + 1, total=len(GROUNDING_STEPS))
    await edit(query, f"{t.gettext(GROUNDING_STEPS[step])}\n\n<i>{counter}</i>", keyboard(rows))
    raise ApplicationHandlerStop


async def grounding_stopped(update: Update, context: BetweenContext) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer()
    await edit(query, context.t.gettext("Okay. /sos is here whenever you need it."))
    raise ApplicationHandlerStop


async def countries_tapped(update: Update, context: BetweenContext) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer()
    t = context.t
    names = sorted(
        ((places.country_name(code, t.locale), code) for code in crisis_table().lines),
        key=lambda pair: pair[0],
    )
    buttons = [(name, callbacks.pack(PREFIX, "cc", code)) for name, code in names]
    rows = in_rows(buttons)
    await edit(query, t.gettext("Which country's help lines would you like?"), keyboard(rows))
    raise ApplicationHandlerStop


async def country_chosen(update: Update, context: BetweenContext) -> None:
    query = update.callback_query
    person = context.person
    assert query is not None and person is not None
    country = callbacks.field(query.data, f"{PREFIX}:cc")
    services = context.services
    await users.set_country(services.db, person.user_id, country, services.clock())
    context.person = await users.get(services.db, person.user_id)
    await query.answer()
    _log.info("help line country chosen user=%d", person.user_id)
    text, rows = await crisis_message(
        update, context, context.t.gettext("<b>Here is help, right now.</b>")
    )
    await edit(query, text, keyboard(rows))
    raise ApplicationHandlerStop


async def offer_resources(message: Message, context: BetweenContext) -> None:
    """For any flow: offer help lines gently, without assuming a crisis (e.g. a check-in
    at high intensity in the despair, powerless, helpless or worthless places)."""
    t = context.t
    person = context.person
    if person is not None:
        services = context.services
        await safety.record_event(services.db, person.user_id, "offered", services.clock())
    await message.reply_text(
        t.gettext(
            "This sounds like a lot to carry. If it would help to talk to someone, "
            "there are people you can reach any time, for free."
        ),
        reply_markup=keyboard(
            [[(t.gettext("Show me help lines"), callbacks.pack(PREFIX, "lines"))]]
        ),
    )


def handlers() -> list[BaseHandler[Update, BetweenContext, None]]:
    """The safety group: /sos, risk language in typed text, and the safety buttons."""
    codes = list(crisis_table().lines)
    return [
        CommandHandler("sos", sos_command, filters=PRIVATE),
        MessageHandler(PRIVATE & ((filters.TEXT & ~filters.COMMAND) | filters.CAPTION), watch_text),
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
