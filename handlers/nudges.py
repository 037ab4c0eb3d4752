"""Homework nudges: what they say, and what each of their buttons does.

A nudge arrives at the habit's local time: "After I get into bed: tap one feeling and a
number", with Do it now / Done / Later / Not today. Every answer is stored on the
delivery (and Done / Not today on the homework's day), so "not done" stays apart from
"not answered". Buttons carry the delivery id and are checked against the person who
taps, so forged data never reaches another person's rows.
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from functools import partial
from html import escape
from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot import callbacks
from bot.context import BetweenContext
from bot.engagement import SKIP_WINDOW, may_offer_shrink
from bot.i18n import Translator
from bot.scheduler import FOLLOWUP, SNOOZE, Outgoing, Scheduler
from bot.services import SERVICES_KEY, Services
from bot.store import homework, reminders, users
from bot.store.homework import Homework
from bot.store.reminders import Delivery
from bot.weeks import zone
from content.homework import BARRIERS
from handlers.cards import (
    clip,
    days_engaged_this_week,
    done_on,
    is_checkin,
    nudge_line,
    tiny_text,
)
from handlers.common import Button, edit, expired_button, in_rows, keyboard, person_translator

_log = logging.getLogger(__name__)

PREFIX = "nu"
ACTIONS = ("now", "done", "later", "no", "ask")
NO_BARRIER = "none"
ID = r"(\d{1,12})"


# --- what a nudge says ---------------------------------------------------------------------


def _buttons(t: Translator, item: Homework, delivery_id: int, *, later: bool) -> list[list[Button]]:
    ident = str(delivery_id)
    now: Button = (
        (t.gettext("Do it now"), callbacks.pack("ci", "new", "nudge", ident))
        if is_checkin(item)
        else (t.gettext("Do it now"), callbacks.pack(PREFIX, "now", ident))
    )
    rows: list[list[Button]] = [[now, (t.gettext("Done"), callbacks.pack(PREFIX, "done", ident))]]
    second: list[Button] = []
    if later:
        second.append((t.gettext("Later"), callbacks.pack(PREFIX, "later", ident)))
    second.append((t.gettext("Not today"), callbacks.pack(PREFIX, "no", ident)))
    rows.append(second)
    return rows


def _text(t: Translator, item: Homework) -> str:
    lines = [nudge_line(t, item)]
    if item.pairing:
        lines.append(t.gettext("With: {pairing}", pairing=escape(clip(item.pairing, 300))))
    return "\n".join(lines)


async def _shrink_due(services: Services, item: Homework, today: date) -> bool:
    since = today - SKIP_WINDOW
    nudged = await reminders.sent_days(services.db, item.homework_id, since)
    answered = await homework.days(services.db, item.homework_id, since)
    done = {day for day, (status, _barrier) in answered.items() if status == homework.DONE}
    if is_checkin(item):  # a check-in that day counts, whether or not Done was tapped
        person = await users.get(services.db, item.user_id)
        where = zone(person.timezone if person else None)
        for day in nudged - done:
            if await done_on(services.db, item, day, where, services.settings.day_rollover):
                done.add(day)
    offered = (
        datetime.fromisoformat(item.shrink_offered_at).date() if item.shrink_offered_at else None
    )
    created = datetime.fromisoformat(item.created_at).date()
    return may_offer_shrink(today, created, offered, nudged, done)


async def render(services: Services, delivery: Delivery, occasion: str) -> Outgoing | None:
    """The homework nudge for this delivery, or None when it is no longer wanted: the
    homework was deleted or paused, or is already done today, or (for the one follow-up)
    the nudge was answered."""
    person = await users.get(services.db, delivery.user_id)
    if person is None or delivery.homework_id is None:
        return None
    item = await homework.get(services.db, delivery.homework_id, delivery.user_id)
    if item is None or item.paused:
        return None
    where = zone(person.timezone)
    rollover = services.settings.day_rollover
    if await done_on(services.db, item, delivery.local_date, where, rollover):
        return None
    t = person_translator(services, person)
    if occasion == FOLLOWUP:
        if delivery.answer is not None:
            return None
        text = "\n\n".join([t.gettext("A gentle reminder, whenever it suits you:"), _text(t, item)])
        return Outgoing(text, keyboard(_buttons(t, item, delivery.delivery_id, later=False)))
    rows = _buttons(t, item, delivery.delivery_id, later=True)
    text = _text(t, item)
    if occasion != SNOOZE and await _shrink_due(services, item, delivery.local_date):
        text += "\n\n" + t.gettext(
            "This one hasn't fitted into your days much over the last two weeks. That's "
            "useful to know, not a failing. A smaller version might fit better, and it "
            "could be worth bringing to your therapist."
        )
        rows.append(
            [
                (t.gettext("Make it smaller"), callbacks.pack("hw", "tiny", str(item.homework_id))),
                (
                    t.gettext("Ask my therapist"),
                    callbacks.pack(PREFIX, "ask", str(delivery.delivery_id)),
                ),
            ]
        )
        await homework.set_shrink_offered(services.db, item.homework_id, services.clock())
    return Outgoing(text, keyboard(rows), follow_up=occasion != SNOOZE)


def register_renderers(application: Any, scheduler: Scheduler) -> None:
    services = application.bot_data[SERVICES_KEY]
    assert isinstance(services, Services)
    scheduler.register(reminders.HOMEWORK, partial(render, services))


# --- what its buttons do -------------------------------------------------------------------


async def _owned(context: BetweenContext, delivery_id: int) -> tuple[Delivery, Homework] | None:
    person = context.person
    assert person is not None
    db = context.services.db
    delivery = await reminders.get(db, delivery_id, person.user_id)
    if delivery is None or delivery.homework_id is None:
        return None
    item = await homework.get(db, delivery.homework_id, person.user_id)
    return (delivery, item) if item is not None else None


async def record_now(context: BetweenContext, delivery_id: int) -> None:
    """ "Do it now" on a check-in homework opens the check-in: the answer is kept."""
    found = await _owned(context, delivery_id)
    if found is None:
        return
    delivery, _item = found
    services = context.services
    await reminders.answer(
        services.db, delivery.delivery_id, delivery.user_id, "now", services.clock()
    )
    _log.info("nudge answered delivery=%d answer=now", delivery.delivery_id)


async def nudge_tap(update: Update, context: BetweenContext) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None and context.person is not None
    _prefix, action, *rest = query.data.split(":")
    found = await _owned(context, int(rest[0]))
    if found is None:
        await expired_button(update, context)
        return
    delivery, item = found
    t = context.t
    services = context.services
    db, now, user_id = services.db, services.clock(), context.person.user_id
    ident = str(delivery.delivery_id)
    line = _text(t, item)
    if (action, delivery.answer) in (("done", "done"), ("later", "later")):
        await query.answer(t.gettext("Noted."))  # a double tap: already kept
        return
    if action == "now":
        await reminders.answer(db, delivery.delivery_id, user_id, "now", now)
        await query.answer()
        text = "\n\n".join(
            [
                f"<b>{tiny_text(t, item)}</b>",
                t.gettext("Whenever you're ready. Tap Done when you've done it."),
            ]
        )
        rows: list[list[Button]] = [
            [
                (t.gettext("Done"), callbacks.pack(PREFIX, "done", ident)),
                (t.gettext("Not today"), callbacks.pack(PREFIX, "no", ident)),
            ]
        ]
        await edit(query, text, keyboard(rows))
    elif action == "done":
        await reminders.answer(db, delivery.delivery_id, user_id, "done", now)
        await homework.mark_day(
            db, item.homework_id, user_id, delivery.local_date, homework.DONE, now
        )
        await query.answer(t.gettext("Noted."))
        days = await days_engaged_this_week(context)
        parts = [
            line,
            t.gettext("Done. Small steps like this one count."),
            t.ngettext(
                "You've practised on {n} day this week.",
                "You've practised on {n} days this week.",
                days,
            ),
        ]
        await edit(query, "\n\n".join(parts))
    elif action == "later":
        again = now + services.scheduler.timing.snooze
        if await services.scheduler.may_disturb(delivery, again):
            await reminders.answer(db, delivery.delivery_id, user_id, "later", now, again_at=again)
            await services.scheduler.rearm()
            when = t.time(again, zone(context.person.timezone))
            said = t.gettext("Okay. I'll remind you again at {time}.", time=when)
        else:  # it would land in quiet hours, a pause, or tomorrow: no promise broken
            await reminders.answer(db, delivery.delivery_id, user_id, "later", now)
            said = t.gettext(
                "Okay. Later would fall in your quiet time or past today, so I'll leave "
                "this one for today."
            )
        await query.answer()
        await edit(query, "\n\n".join([line, said]))
    elif action == "no":
        await reminders.answer(db, delivery.delivery_id, user_id, "not_today", now)
        await homework.mark_day(
            db, item.homework_id, user_id, delivery.local_date, homework.NOT_DONE, now
        )
        await query.answer()
        text = "\n\n".join(
            [
                line,
                t.gettext("That's all right. A missed day doesn't undo anything."),
                t.gettext(
                    "If you like, name what got in the way. It helps to see the pattern, "
                    "and to tell your therapist."
                ),
            ]
        )
        buttons = [
            (t.gettext(label), callbacks.pack(PREFIX, "bar", ident, key))
            for key, label in BARRIERS.items()
        ]
        rows = in_rows(buttons)
        rows.append(
            [(t.gettext("Rather not say"), callbacks.pack(PREFIX, "bar", ident, NO_BARRIER))]
        )
        await edit(query, text, keyboard(rows))
    elif action == "bar":
        key = rest[1]
        barrier = None if key == NO_BARRIER else key
        await reminders.answer(db, delivery.delivery_id, user_id, "not_today", now, barrier=barrier)
        await homework.mark_day(
            db,
            item.homework_id,
            user_id,
            delivery.local_date,
            homework.NOT_DONE,
            now,
            barrier=barrier,
        )
        await query.answer(t.gettext("Noted."))
        parts = [line]
        rows = []
        if barrier is None:
            parts.append(t.gettext("That's fine. See you next time."))
        else:
            parts.append(
                t.gettext("Thank you for telling me: {barrier}.", barrier=t.gettext(BARRIERS[key]))
            )
            if barrier in ("too_big", "too_vague"):
                parts.append(t.gettext("A smaller, clearer version might fit better."))
                rows.append(
                    [
                        (
                            t.gettext("Make it smaller"),
                            callbacks.pack("hw", "tiny", str(item.homework_id)),
                        )
                    ]
                )
            elif barrier == "forgot":
                parts.append(
                    t.gettext(
                        "Another moment of the day might suit it better: /homework to change it."
                    )
                )
            elif barrier == "hard_feelings":
                parts.append(
                    t.gettext("If it stirs a lot, a check-in can help, and /sos is always here.")
                )
                rows.append([(t.gettext("Check in"), callbacks.pack("ci", "new", "nudge"))])
        await edit(query, "\n\n".join(parts), keyboard(rows) if rows else None)
    elif action == "ask":
        asked = await homework.questions(db, user_id)
        if (item.text, "homework_skipped") not in asked:
            await homework.add_question(
                db, user_id, item.text, "homework_skipped", now, homework_id=item.homework_id
            )
        await query.answer(t.gettext("Added to your questions for your therapist."))
    _log.info("nudge answered delivery=%d answer=%s", delivery.delivery_id, action)


def handlers() -> list[BaseHandler[Any, BetweenContext, Any]]:
    actions = "|".join(ACTIONS)
    barriers = "|".join([*BARRIERS, NO_BARRIER])
    return [
        CallbackQueryHandler(nudge_tap, pattern=rf"^{PREFIX}:({actions}):{ID}\Z"),
        CallbackQueryHandler(nudge_tap, pattern=rf"^{PREFIX}:(bar):{ID}:({barriers})\Z"),
    ]
