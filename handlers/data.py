"""/export and /forget: a person's data, all of it, to keep or to erase.

/export sends two documents: everything Between keeps about the person as JSON (every
row of every table, as stored) and the check-ins as CSV, for a spreadsheet. /forget asks
twice, then erases every row of the person in one transaction, cancels what was
scheduled for them, and says what was erased. Neither needs consent: a person who
withdrew it can still take or erase what was kept before.
"""

from __future__ import annotations

import csv
import io
import json
import logging
from datetime import datetime
from typing import Any

from telegram import InputFile, Update
from telegram.constants import ChatAction
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler

from bot import callbacks
from bot.clock import from_iso
from bot.context import BetweenContext
from bot.i18n import Translator
from bot.store import checkins, everything
from bot.weeks import zone
from content.techniques import library
from handlers.checkin import HELPED_ANSWERS, place_path, tech_text
from handlers.common import PRIVATE, edit, is_double_tap, keyboard

_log = logging.getLogger(__name__)

PREFIX = "dt"
FORMAT = 1  # the export's format version


def _export_json(rows: dict[str, list[dict[str, Any]]], now: datetime) -> bytes:
    document = {"format": FORMAT, "exported_at": now.isoformat(), "tables": rows}
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


def checkins_csv(t: Translator, rows: list[checkins.CheckIn]) -> bytes:
    """The check-ins, one line each, in the person's language (UTF-8 with a BOM, so that
    spreadsheets read the accents and Cyrillic)."""
    techniques = library()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            t.gettext("Date"),
            t.gettext("Time"),
            t.gettext("Feeling"),
            t.gettext("Intensity"),
            t.gettext("After"),
            t.gettext("Technique"),
            t.gettext("Helped"),
            t.gettext("What was happening"),
        ]
    )
    helped = {key: t.gettext(label) for key, label in HELPED_ANSWERS.items()}
    for row in rows:
        local = from_iso(row.local_at)
        technique = techniques.get(row.technique) if row.technique else None
        last = row.last_rating
        writer.writerow(
            [
                local.date().isoformat(),
                local.strftime("%H:%M"),
                place_path(t, row.place),
                row.intensity,
                "" if last is None else last,
                tech_text(t, technique.name) if technique else "",
                helped.get(row.helped or "", ""),
                row.note or "",
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


async def export_command(update: Update, context: BetweenContext) -> None:
    message = update.effective_message
    person = context.person
    if message is None or person is None:
        return
    services = context.services
    t = context.t
    await message.chat.send_action(ChatAction.UPLOAD_DOCUMENT)
    now = services.clock()
    rows = await everything.export(services.db, person.user_id, message.chat.id)
    stamp = now.astimezone(zone(person.timezone)).date().isoformat()  # the person's day
    await message.reply_document(
        InputFile(_export_json(rows, now), filename=f"between-{stamp}.json"),
        caption=t.gettext(
            "Everything Between keeps about you, as stored: every row of every table."
        ),
    )
    found = await checkins.all_of(services.db, person.user_id)
    await message.reply_document(
        InputFile(checkins_csv(t, found), filename=f"between-checkins-{stamp}.csv"),
        caption=t.ngettext(
            "Your {n} check-in, for a spreadsheet.",
            "Your {n} check-ins, for a spreadsheet.",
            len(found),
        ),
    )
    _log.info("export sent user=%d tables=%d", person.user_id, len(rows))


async def forget_command(update: Update, context: BetweenContext) -> None:
    message = update.effective_message
    if message is None:
        return
    t = context.t
    await message.reply_text(
        t.gettext(
            "<b>Erase everything?</b>\n\nThis erases everything Between keeps about you: "
            "check-ins and notes, homework, plans, sessions and reflections, your safety "
            "plan, reminders and settings. It cannot be undone.\n\nIf you'd like a copy "
            "first, /export sends you one."
        ),
        reply_markup=keyboard(
            [
                [(t.gettext("Erase everything"), callbacks.pack(PREFIX, "forget", "1"))],
                [(t.gettext("Keep my data"), callbacks.pack(PREFIX, "keep"))],
            ]
        ),
    )


async def forget_tapped(update: Update, context: BetweenContext) -> None:
    query = update.callback_query
    person = context.person
    assert query is not None and query.data is not None and person is not None
    t = context.t
    step = callbacks.field(query.data, f"{PREFIX}:forget")
    if step == "1":
        await query.answer()
        await edit(
            query,
            t.gettext(
                "<b>Are you sure?</b> This is the last step. Everything will be erased now, "
                "and I can't bring it back."
            ),
            keyboard(
                [
                    [(t.gettext("Yes, erase it all"), callbacks.pack(PREFIX, "forget", "2"))],
                    [(t.gettext("No, keep my data"), callbacks.pack(PREFIX, "keep"))],
                ]
            ),
        )
        return
    if is_double_tap(context, query):
        await query.answer()
        return
    services = context.services
    assert query.message is not None
    chat_id = query.message.chat.id
    erased = await everything.forget(services.db, person.user_id, chat_id)
    _end_conversations(context, chat_id, person.user_id)
    context.application.drop_user_data(person.user_id)
    await services.scheduler.refresh_person(person.user_id)  # no reminder is left to send
    for job in context.job_queue.jobs() if context.job_queue else ():
        if job.user_id == person.user_id:
            job.schedule_removal()  # such as a check-in's body-first minute
    await query.answer()
    await edit(query, erased_text(t, erased))
    # Nothing is written for the person after this: no note of the finished flow (a
    # second tap erases the bare row that tap made, and says the same).
    context.person = None
    _log.info("person forgotten user=%d rows=%d", person.user_id, sum(erased.values()))


def _end_conversations(context: BetweenContext, chat_id: int, user_id: int) -> None:
    """End every flow the person was in, so that none writes their words back after
    the erase. PTB holds conversation states in memory and has no public way to end one
    from outside; its own END path (used on timeouts) does it."""
    key = (chat_id, user_id)
    for group in context.application.handlers.values():
        for handler in group:
            if isinstance(handler, ConversationHandler):
                handler._update_state(ConversationHandler.END, key)


def erased_text(t: Translator, erased: dict[str, int]) -> str:
    """What was erased, in the person's words rather than table names."""
    counts = [
        ("checkins", t.ngettext("{n} check-in", "{n} check-ins", erased.get("checkins", 0))),
        ("homework", t.ngettext("{n} homework", "{n} homework items", erased.get("homework", 0))),
        ("plans", t.ngettext("{n} plan", "{n} plans", erased.get("plans", 0))),
        (
            "reflections",
            t.ngettext("{n} reflection", "{n} reflections", erased.get("reflections", 0)),
        ),
        ("reminders", t.ngettext("{n} reminder", "{n} reminders", erased.get("reminders", 0))),
    ]
    listed = [text for table, text in counts if erased.get(table, 0)]
    lines = [t.gettext("<b>Erased.</b> Everything Between kept about you is gone.")]
    if listed:
        lines.append(t.gettext("That included: {list}.", list=", ".join(listed)))
    lines.append(
        t.gettext(
            "Our chat itself stays in Telegram; you can delete it there. If you ever want to "
            "begin again, /start is here."
        )
    )
    return "\n\n".join(lines)


async def keep_tapped(update: Update, context: BetweenContext) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer()
    await edit(query, context.t.gettext("Nothing was erased. Your data is as it was."))


def handlers() -> list[
    CommandHandler[BetweenContext, None] | CallbackQueryHandler[BetweenContext, None]
]:
    return [
        CommandHandler("export", export_command, filters=PRIVATE),
        CommandHandler("forget", forget_command, filters=PRIVATE),
        CallbackQueryHandler(
            forget_tapped, pattern=callbacks.pattern(f"{PREFIX}:forget", ["1", "2"])
        ),
        CallbackQueryHandler(keep_tapped, pattern=callbacks.pattern(f"{PREFIX}:keep")),
    ]
