"""/safetyplan: a personal safety plan after Stanley & Brown's Safety Planning Intervention.

Six parts, each optional and editable, kept verbatim and shown escaped. When a plan
exists, /sos and the crisis reply show it first.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from html import escape

from telegram import Message, Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
)

from bot import callbacks
from bot.context import BetweenContext
from bot.i18n import N_, Translator
from bot.store import safety, users
from handlers.common import PRIVATE, Button, edit, ignore_taps, keyboard
from handlers.safety import PLAN_TITLES, start_writing, stop_writing, writing_section

_log = logging.getLogger(__name__)

PREFIX = "sp"
WRITING = "sp_writing"
IDLE_TIMEOUT = timedelta(hours=2)
PROMPTS = {
    "signs": N_(
        "What tells you that a crisis may be coming? Thoughts, feelings, images, "
        'situations, things you do. For example: "I stop answering messages."'
    ),
    "self": N_(
        "What can you do on your own to take your mind off things or to calm down? "
        "For example: a walk, a shower, a song, a breathing exercise."
    ),
    "distract": N_(
        "Which people and places help you think of something else? For example: "
        "a friend to text, a café, the library, a park."
    ),
    "people": N_("Who can you ask for help when things get hard? Names and numbers, if you like."),
    "pros": N_(
        "Which professionals or services can you contact? Your therapist, your doctor, "
        "a help line, and when you can reach them."
    ),
    "safer": N_(
        "How can you make your surroundings safer in a crisis? For example: asking "
        "someone to keep medicines for you, or going to be with someone."
    ),
}


def overview(t: Translator, plan: dict[str, str]) -> tuple[str, list[list[Button]]]:
    lines = [
        t.gettext("<b>Your safety plan</b>"),
        t.gettext(
            "A safety plan is a short list, made on a calm day, of what helps when things "
            "get very hard. It works best made together with your therapist. Every part "
            "is optional; tap one to write or change it."
        ),
    ]
    for section, title in PLAN_TITLES.items():
        body = plan.get(section)
        shown = escape(body[:300] + ("…" if len(body) > 300 else "")) if body else "—"
        lines.append(f"<b>{t.gettext(title)}</b>\n{shown}")
    rows = [
        [
            (
                ("✏️ " if section in plan else "➕ ") + t.gettext(title),
                callbacks.pack(PREFIX, "edit", section),
            )
        ]
        for section, title in PLAN_TITLES.items()
    ]
    rows.append([(t.gettext("Done"), callbacks.pack(PREFIX, "done"))])
    return "\n\n".join(lines), rows


def consent_question(t: Translator) -> tuple[str, list[list[Button]]]:
    text = t.gettext(
        "To keep a safety plan and show it to you when you need it, I need to store what "
        "you write. It is used only for you, and you can change it at any time. "
        "Is it all right to store it?"
    )
    rows = [
        [(t.gettext("Yes, store my data"), callbacks.pack(PREFIX, "consent"))],
        [(t.gettext("Not now"), callbacks.pack(PREFIX, "done"))],
    ]
    return text, rows


async def show_plan(update: Update, context: BetweenContext) -> str | int:
    person = context.person
    assert person is not None
    stop_writing(context)
    t = context.t
    if person.has_consented:
        plan = await safety.plan(context.services.db, person.user_id)
        text, rows = overview(t, plan)
    else:
        text, rows = consent_question(t)
    query = update.callback_query
    if query is not None:
        await query.answer()
        if isinstance(query.message, Message):
            await query.message.reply_text(text, reply_markup=keyboard(rows))
    elif update.effective_message is not None:
        await update.effective_message.reply_text(text, reply_markup=keyboard(rows))
    return WRITING if person.has_consented else ConversationHandler.END


async def consent_given(update: Update, context: BetweenContext) -> str:
    query = update.callback_query
    person = context.person
    assert query is not None and person is not None
    services = context.services
    await users.set_consent(services.db, person.user_id, True, services.clock())
    context.person = await users.get(services.db, person.user_id)
    await query.answer(context.t.gettext("Thank you. I'll keep what you tell me."))
    text, rows = overview(context.t, await safety.plan(services.db, person.user_id))
    await edit(query, text, keyboard(rows))
    return WRITING


async def section_tapped(update: Update, context: BetweenContext) -> str:
    query = update.callback_query
    assert query is not None
    section = callbacks.field(query.data, f"{PREFIX}:edit")
    start_writing(context, section)
    await query.answer()
    t = context.t
    text = "\n\n".join(
        [
            f"<b>{t.gettext(PLAN_TITLES[section])}</b>",
            t.gettext(PROMPTS[section]),
            t.gettext("Write it in one message; each line can be one item."),
        ]
    )
    rows = [
        [(t.gettext("Clear this part"), callbacks.pack(PREFIX, "clear", section))],
        [(t.gettext("« Back"), callbacks.pack(PREFIX, "back"))],
    ]
    await edit(query, text, keyboard(rows))
    return WRITING


async def write_part(update: Update, context: BetweenContext) -> None:
    """Keep what the person wrote for the open part, verbatim (called by the safety group,
    so that no other flow waiting for text can take it)."""
    message = update.effective_message
    person = context.person
    section = writing_section(context)
    if message is None or message.text is None or person is None or section is None:
        return
    t = context.t
    services = context.services
    await safety.save_section(services.db, person.user_id, section, message.text, services.clock())
    stop_writing(context)
    _log.info("safety plan part saved user=%d", person.user_id)
    saved = t.gettext("Saved.")
    if len(message.text) > safety.PLAN_TEXT_LIMIT:
        saved = t.gettext(
            "Saved the first {limit} characters; the rest was too long for one part.",
            limit=safety.PLAN_TEXT_LIMIT,
        )
    text, rows = overview(t, await safety.plan(services.db, person.user_id))
    await message.reply_text(f"{saved}\n\n{text}", reply_markup=keyboard(rows))


async def section_cleared(update: Update, context: BetweenContext) -> str:
    query = update.callback_query
    person = context.person
    assert query is not None and person is not None
    section = callbacks.field(query.data, f"{PREFIX}:clear")
    await safety.clear_section(context.services.db, person.user_id, section)
    stop_writing(context)
    await query.answer(context.t.gettext("Cleared."))
    text, rows = overview(context.t, await safety.plan(context.services.db, person.user_id))
    await edit(query, text, keyboard(rows))
    return WRITING


async def back_tapped(update: Update, context: BetweenContext) -> str:
    query = update.callback_query
    person = context.person
    assert query is not None and person is not None
    stop_writing(context)
    await query.answer()
    text, rows = overview(context.t, await safety.plan(context.services.db, person.user_id))
    await edit(query, text, keyboard(rows))
    return WRITING


async def done_tapped(update: Update, context: BetweenContext) -> int:
    query = update.callback_query
    assert query is not None
    stop_writing(context)
    await query.answer()
    await edit(
        query,
        context.t.gettext(
            "Your plan is saved. /safetyplan shows it, and /sos shows it first, with help lines."
        )
        if context.person is not None and context.person.has_consented
        else context.t.gettext("Okay. /safetyplan is here whenever you want it."),
    )
    return ConversationHandler.END


def conversation() -> ConversationHandler[BetweenContext]:
    sections = list(PLAN_TITLES)
    Tap = CallbackQueryHandler[BetweenContext, object]
    return ConversationHandler(
        entry_points=[
            CommandHandler("safetyplan", show_plan, filters=PRIVATE),
            Tap(show_plan, pattern=callbacks.pattern("sf:plan")),
            Tap(consent_given, pattern=callbacks.pattern(f"{PREFIX}:consent")),
            Tap(done_tapped, pattern=callbacks.pattern(f"{PREFIX}:done")),
        ],
        states={
            WRITING: [
                Tap(section_tapped, pattern=callbacks.pattern(f"{PREFIX}:edit", sections)),
                Tap(section_cleared, pattern=callbacks.pattern(f"{PREFIX}:clear", sections)),
                Tap(back_tapped, pattern=callbacks.pattern(f"{PREFIX}:back")),
                Tap(done_tapped, pattern=callbacks.pattern(f"{PREFIX}:done")),
                Tap(consent_given, pattern=callbacks.pattern(f"{PREFIX}:consent")),
                ignore_taps(rf"^{PREFIX}:"),
            ],
        },
        fallbacks=[],
        conversation_timeout=IDLE_TIMEOUT,
        name="safetyplan",
        persistent=True,
        allow_reentry=True,
    )
