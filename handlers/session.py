"""/session: the recurring appointment, its reminder, and the reflection after it.

Setting it up happens in one message, edited in place: the weekday → the time (tapped, or
typed like "17:00" or "5:30 pm") → every week or every two weeks (and then which of the
next two dates is the next session) → how long it is → the reminder before it. Saved, it
becomes two reminder rows: one before the session (unless the person wants none) and one
at its end, for the reflection.

The reminder before offers a minute to prepare (what to bring up, kept as a question for
the therapist; a check-in first; or simply "I'm ready"). The one after offers a four-question
reflection, each question typed or skipped, kept per session day; its "one skill for this
week" becomes a homework item in one tap.
"""

from __future__ import annotations

import logging
import warnings
from datetime import date, datetime, time, timedelta
from html import escape
from typing import Any, cast
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_skeleton, format_time
from telegram import CallbackQuery, Message, Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot import callbacks
from bot.context import BetweenContext
from bot.i18n import N_, Translator
from bot.nudging import Slot, shifted
from bot.recurrence import hhmm, next_occurrence, parse_hhmm
from bot.scheduler import FIRST, RETRY, Outgoing, Scheduler
from bot.services import Services
from bot.store import homework, reminders, sessions, users
from bot.store.reminders import SESSION_AFTER, SESSION_BEFORE, Delivery
from bot.store.sessions import EVENING_BEFORE, LENGTHS, REMIND_HOURS, Reflection, TherapySession
from bot.store.users import Person
from bot.times import parse_time
from bot.weeks import zone
from handlers.common import (
    KEEPS_TEXT,
    PRIVATE,
    Button,
    edit,
    in_rows,
    is_double_tap,
    keyboard,
    mark_finished,
    person_translator,
)

_log = logging.getLogger(__name__)

NAME = "session"
# A flow left alone this long (seconds) ends; its buttons then say so.
IDLE_TIMEOUT = timedelta(hours=1)

PREFIX = "ss"
MEMO = "session"
DAY, TIME, EVERY, FIRST_DATE, LENGTH, REMIND, PREP, REFLECT = (
    "ss_day", "ss_time", "ss_every", "ss_first", "ss_length", "ss_remind", "ss_prep",
    "ss_reflect",
)  # fmt: skip
KINDS = (SESSION_BEFORE, SESSION_AFTER)
# Common start times offered as buttons; any other is typed.
COMMON_TIMES = tuple(time(hour, 0) for hour in range(8, 20))
EVENING_AT = time(20, 0)
REMIND_CHOICES: dict[str, int | None] = {"1": 1, "3": 3, "eve": EVENING_BEFORE, "none": None}
# Buttons that belong to one step of a flow: outside it they are stale.
FLOW_ACTIONS = ("day", "time", "every", "first", "len", "remind", "back", "cancel", "skip", "done")
ANSWER_SHOWN = 300  # characters of an answer shown back in the summary
DOUBLE_TAP_SECONDS = 30


# ---- times and dates as the person reads them ---------------------------------------------


def clock_text(t: Translator, at: time) -> str:
    """ "5:00 PM" or "17:00", as the locale writes it."""
    return str(format_time(at, format="short", locale=t.locale))


def day_names(t: Translator) -> list[str]:
    """The weekdays' names (Monday first), as the locale writes them on their own."""
    names = Locale.parse(t.locale).days["stand-alone"]["wide"]
    return [str(names[day]) for day in range(7)]


def weekday_in_sentence(t: Translator, weekday: int) -> str:
    return str(Locale.parse(t.locale).days["format"]["wide"][weekday])


def week_order(t: Translator) -> list[int]:
    """The weekdays starting on the locale's first day of the week."""
    first = int(Locale.parse(t.locale).first_week_day)
    return [(first + n) % 7 for n in range(7)]


def short_date(t: Translator, day: date) -> str:
    """ "Thu, Nov 26" as the locale writes it."""
    return str(format_skeleton("MMMEd", day, locale=t.locale))


def minutes_text(t: Translator, minutes: int) -> str:
    return t.ngettext("{n} minute", "{n} minutes", minutes)


def remind_text(t: Translator, remind_hours: int | None) -> str:
    if remind_hours is None:
        return t.gettext("no reminder")
    if remind_hours == EVENING_BEFORE:
        return t.gettext("the evening before, at {time}", time=clock_text(t, EVENING_AT))
    return t.ngettext("{n} hour before", "{n} hours before", remind_hours)


def shorten(text: str, limit: int = ANSWER_SHOWN) -> str:
    """At most `limit` characters of what the person wrote, escaped for HTML."""
    return escape(text if len(text) <= limit else text[: limit - 1].rstrip() + "…")


# ---- the appointment as arithmetic ---------------------------------------------------------


def start_slot(session: TherapySession) -> Slot:
    return Slot(
        at=session.at,
        weekdays=frozenset({session.weekday}),
        every_weeks=session.every_weeks,
        anchor=session.anchor if session.every_weeks == 2 else None,
    )


def reminder_slots(session: TherapySession) -> list[tuple[str, Slot]]:
    """The reminder rows of an appointment: before it (hours before, or the evening
    before at 20:00 local), and at its end for the reflection."""
    start = start_slot(session)
    slots: list[tuple[str, Slot]] = []
    if session.remind_hours in REMIND_HOURS:
        slots.append((SESSION_BEFORE, shifted(start, -60 * int(session.remind_hours or 0))))
    elif session.remind_hours == EVENING_BEFORE:
        slots.append(
            (
                SESSION_BEFORE,
                Slot(
                    at=EVENING_AT,
                    weekdays=frozenset({(session.weekday - 1) % 7}),
                    every_weeks=session.every_weeks,
                    anchor=start.anchor - timedelta(days=1) if start.anchor else None,
                ),
            )
        )
    slots.append((SESSION_AFTER, shifted(start, session.minutes)))
    return slots


def next_start(session: TherapySession, after: datetime, timezone: str | None) -> datetime:
    """The first session start strictly after `after` (UTC)."""
    slot = start_slot(session)
    return next_occurrence(
        after, slot.at, zone(timezone), slot.weekdays, slot.every_weeks, slot.anchor
    )


def candidate_dates(now: datetime, weekday: int, at: time, timezone: str | None) -> list[date]:
    """The next two dates of this weekday and time, for "when is the next one?"."""
    where = zone(timezone)
    first = next_occurrence(now, at, where, {weekday})
    second = next_occurrence(first, at, where, {weekday})
    return [first.astimezone(where).date(), second.astimezone(where).date()]


# ---- copy -----------------------------------------------------------------------------------


def summary_text(
    t: Translator, session: TherapySession, now: datetime, timezone: str | None
) -> str:
    day = weekday_in_sentence(t, session.weekday)
    at = clock_text(t, session.at)
    if session.every_weeks == 2:
        when = t.gettext("Every two weeks, {day} at {time}", day=day, time=at)
    else:
        when = t.gettext("Every week, {day} at {time}", day=day, time=at)
    upcoming = next_start(session, now, timezone).astimezone(zone(timezone))
    lines = [
        t.gettext("<b>Your therapy session</b>"),
        escape(when),
        t.gettext("Length: {length}", length=minutes_text(t, session.minutes)),
        t.gettext("Reminder: {reminder}", reminder=remind_text(t, session.remind_hours)),
        t.gettext(
            "Next: {date}, {time}",
            date=short_date(t, upcoming.date()),
            time=clock_text(t, upcoming.time()),
        ),
        "",
        t.gettext(
            "Right after it ends, I'll offer a short reflection: four questions, each can "
            "be skipped."
        ),
    ]
    return "\n".join(lines)


def summary_rows(t: Translator) -> list[list[Button]]:
    return [
        [
            (t.gettext("Change"), callbacks.pack(PREFIX, "change")),
            (t.gettext("Delete"), callbacks.pack(PREFIX, "del")),
        ]
    ]


def _step_rows(t: Translator, back_from: str | None) -> list[Button]:
    row: list[Button] = []
    if back_from is not None:
        row.append((t.gettext("« Back"), callbacks.pack(PREFIX, "back", back_from)))
    row.append((t.gettext("Cancel"), callbacks.pack(PREFIX, "cancel")))
    return row


def day_screen(t: Translator) -> tuple[str, list[list[Button]]]:
    text = t.gettext(
        "On which day is your therapy session? If it moves around, pick the usual day; "
        "you can change it any time."
    )
    names = day_names(t)
    buttons = [(names[day], callbacks.pack(PREFIX, "day", str(day))) for day in week_order(t)]
    rows = in_rows(buttons, 2)
    rows.append(_step_rows(t, None))
    return text, rows


def time_screen(t: Translator, weekday: int) -> tuple[str, list[list[Button]]]:
    text = t.gettext(
        "<b>{day}</b>. At what time does it start? Tap one, or type it, like 17:00 or 5:30 pm.",
        day=escape(day_names(t)[weekday]),
    )
    buttons = [
        (clock_text(t, at), callbacks.pack(PREFIX, "time", f"{at:%H%M}")) for at in COMMON_TIMES
    ]
    rows = in_rows(buttons, 4)
    rows.append(_step_rows(t, "time"))
    return text, rows


def every_screen(t: Translator, weekday: int, at: time) -> tuple[str, list[list[Button]]]:
    text = t.gettext(
        "<b>{day}, {time}</b>. How often do you meet?",
        day=escape(day_names(t)[weekday]),
        time=clock_text(t, at),
    )
    rows = [
        [
            (t.gettext("Every week"), callbacks.pack(PREFIX, "every", "1")),
            (t.gettext("Every two weeks"), callbacks.pack(PREFIX, "every", "2")),
        ],
        _step_rows(t, "every"),
    ]
    return text, rows


def first_screen(t: Translator, options: list[date]) -> tuple[str, list[list[Button]]]:
    text = t.gettext("Every two weeks. When is the next one?")
    rows = [
        [(short_date(t, day), callbacks.pack(PREFIX, "first", day.isoformat())) for day in options],
        _step_rows(t, "first"),
    ]
    return text, rows


def length_screen(t: Translator) -> tuple[str, list[list[Button]]]:
    text = t.gettext(
        "How long is a session? When it ends, I'll offer a short reflection while it's fresh."
    )
    buttons = [(minutes_text(t, n), callbacks.pack(PREFIX, "len", str(n))) for n in LENGTHS]
    rows = in_rows(buttons, 2)
    rows.append(_step_rows(t, "len"))
    return text, rows


def remind_screen(t: Translator) -> tuple[str, list[list[Button]]]:
    text = t.gettext("Would you like a reminder before it, with a minute to prepare?")
    rows: list[list[Button]] = [
        [
            (t.gettext("1 hour before"), callbacks.pack(PREFIX, "remind", "1")),
            (t.gettext("3 hours before"), callbacks.pack(PREFIX, "remind", "3")),
        ],
        [
            (
                t.gettext("The evening before ({time})", time=clock_text(t, EVENING_AT)),
                callbacks.pack(PREFIX, "remind", "eve"),
            )
        ],
        [(t.gettext("No reminder"), callbacks.pack(PREFIX, "remind", "none"))],
        _step_rows(t, "remind"),
    ]
    return text, rows


QUESTIONS = {
    "takeaway": N_("What is your biggest takeaway from today's session?"),
    "hardest": N_("What was the hardest part?"),
    "skill": N_("One skill or idea to practise this week?"),
    "feeling": N_("How do you feel now, in a few words?"),
}
ANSWER_LABELS = {
    "takeaway": N_("Biggest takeaway"),
    "hardest": N_("Hardest part"),
    "skill": N_("One skill for this week"),
    "feeling": N_("How I feel now"),
}


def question_screen(t: Translator, index: int) -> tuple[str, list[list[Button]]]:
    total = len(sessions.ANSWERS)
    lines = []
    if index == 0:
        lines.append(t.gettext("A few words are enough, and each question can be skipped."))
    key = sessions.ANSWERS[index]
    lines.append(f"<b>{index + 1}/{total}</b> {t.gettext(QUESTIONS[key])}")
    return "\n\n".join(lines), [[(t.gettext("Skip"), callbacks.pack(PREFIX, "skip", key))]]


def reflection_summary(t: Translator, row: Reflection | None) -> tuple[str, list[list[Button]]]:
    lines = [t.gettext("<b>Your reflection</b>")]
    answers = [
        (key, getattr(row, key))
        for key in sessions.ANSWERS
        if row is not None and getattr(row, key)
    ]
    if not answers:
        lines.append(t.gettext("Nothing written this time, and that's fine."))
    for key, value in answers:
        lines.append(f"<b>{escape(t.gettext(ANSWER_LABELS[key]))}:</b> {shorten(str(value))}")
    lines.append(
        t.gettext(
            "Thank you for taking a few minutes for this. It's kept for you, to look back on "
            "before the next session."
        )
    )
    rows: list[list[Button]] = []
    if row is not None and row.skill:
        if row.homework_id is not None:
            lines.append(t.gettext("The skill is this week's homework."))
            rows.append(_tiny_row(t, row.homework_id))
        else:
            rows.append(
                [
                    (
                        t.gettext("Make it this week's homework"),
                        callbacks.pack(PREFIX, "hw", str(row.reflection_id)),
                    )
                ]
            )
    return "\n\n".join(lines), rows


def _tiny_row(t: Translator, homework_id: int) -> list[Button]:
    return [
        (t.gettext("Make it small and set a nudge"), callbacks.pack("hw", "tiny", str(homework_id)))
    ]


def before_text(t: Translator, start: datetime, due: datetime, where: ZoneInfo) -> str:
    local_start, local_due = start.astimezone(where), due.astimezone(where)
    at = clock_text(t, local_start.time())
    if local_start.date() == local_due.date():
        first = t.gettext("Your session is at {time} today.", time=at)
    elif local_start.date() == local_due.date() + timedelta(days=1):
        first = t.gettext("Your session is tomorrow at {time}.", time=at)
    else:
        first = t.gettext(
            "Your session is on {date} at {time}.", date=short_date(t, local_start.date()), time=at
        )
    return "\n\n".join([first, t.gettext("A minute to prepare? What would you like to bring up?")])


def before_rows(t: Translator, delivery_id: int) -> list[list[Button]]:
    return [
        [(t.gettext("Write it down"), callbacks.pack(PREFIX, "prep", str(delivery_id)))],
        [(t.gettext("Check in first"), callbacks.pack("ci", "new", "nudge"))],
        [(t.gettext("I'm ready"), callbacks.pack(PREFIX, "ready", str(delivery_id)))],
    ]


def after_text(t: Translator) -> str:
    return t.gettext(
        "Your session has just ended. A short reflection while it's fresh? Four questions, "
        "each can be skipped."
    )


def reflect_button(t: Translator, delivery_id: int) -> Button:
    return (t.gettext("Reflect now"), callbacks.pack(PREFIX, "reflect", str(delivery_id)))


def after_rows(t: Translator, delivery_id: int) -> list[list[Button]]:
    return [
        [
            reflect_button(t, delivery_id),
            (t.gettext("Not now"), callbacks.pack(PREFIX, "later", str(delivery_id))),
        ]
    ]


# ---- state ----------------------------------------------------------------------------------


def memo(context: BetweenContext) -> dict[str, Any]:
    flow = context.memo.get(MEMO)
    if not isinstance(flow, dict):
        flow = {}
        context.memo[MEMO] = flow
    return flow


def _person(context: BetweenContext) -> Person:
    assert context.person is not None
    return context.person


def _now(context: BetweenContext) -> datetime:
    return context.services.clock()


def _own(context: BetweenContext, message_id: int) -> None:
    """A message of this flow: its latest is edited in place, and taps on any of them count."""
    flow = memo(context)
    flow["msg"] = message_id
    flow["msgs"] = [*flow.get("msgs", [])[-19:], message_id]


def _begin(context: BetweenContext, mode: str, **fields: Any) -> dict[str, Any]:
    flow: dict[str, Any] = {"mode": mode, "seen": _now(context).timestamp(), **fields}
    context.memo[MEMO] = flow
    return flow


def _keep_text(context: BetweenContext) -> None:
    """While a typed answer is awaited, it is kept even when it is a crisis message (the
    crisis reply comes first)."""
    context.memo[KEEPS_TEXT] = (_now(context) + IDLE_TIMEOUT).timestamp()


def _end(context: BetweenContext) -> int:
    context.memo.pop(MEMO, None)
    context.memo.pop(KEEPS_TEXT, None)
    return ConversationHandler.END


async def _show(
    update: Update, context: BetweenContext, text: str, rows: list[list[Button]]
) -> None:
    """Edit the flow's message in place after a tap; after typed text, a new message (which
    becomes the flow's message)."""
    markup = keyboard(rows) if rows else None
    query = update.callback_query
    if query is not None:
        await edit(query, text, markup)
        return
    message = update.effective_message
    if message is not None:
        sent = await message.reply_text(text, reply_markup=markup)
        _own(context, sent.message_id)


async def _reply(
    update: Update,
    context: BetweenContext,
    text: str,
    rows: list[list[Button]],
    *,
    own: bool = True,
) -> None:
    """A new message (below the tapped one, or the typed one); `own`: the flow's message."""
    query = update.callback_query
    target = query.message if query is not None else update.effective_message
    if isinstance(target, Message):
        sent = await target.reply_text(text, reply_markup=keyboard(rows) if rows else None)
        if own:
            _own(context, sent.message_id)


def _field(query: CallbackQuery, action: str) -> str:
    return callbacks.field(query.data, f"{PREFIX}:{action}")


async def _answer(update: Update, text: str | None = None) -> CallbackQuery | None:
    query = update.callback_query
    if query is not None:
        await query.answer(text)
    return query


async def _no_consent(update: Update, context: BetweenContext) -> None:
    """Nothing is stored without consent: where to give it (the tap is answered already)."""
    t = context.t
    await _reply(
        update,
        context,
        t.gettext(
            "Your session's day and time, and what you write after it, are kept so that I "
            "can remind you, and I keep nothing without your consent. You can give it in "
            "/settings."
        ),
        [],
        own=False,
    )


async def _no_timezone(update: Update, context: BetweenContext) -> None:
    """Reminders need the person's time zone (the tap is answered already)."""
    await _reply(
        update,
        context,
        context.t.gettext(
            "To remind you at the right moment, I need your time zone first. /timezone sets it."
        ),
        [],
        own=False,
    )


def guarded(callback: Any, state: str) -> Any:
    """Every step of a flow: only the flow's own messages are tapped (an older one gets a
    gentle "expired"), a flow idle for longer than IDLE_TIMEOUT (say, restored after a
    restart) has ended, and nothing is stored once consent is withdrawn."""

    async def run(update: Update, context: BetweenContext) -> str | int:
        flow = context.memo.get(MEMO)
        now = _now(context).timestamp()
        query = update.callback_query
        seen = flow.get("seen") if isinstance(flow, dict) else None
        if not isinstance(seen, int | float) or now - seen > IDLE_TIMEOUT.total_seconds():
            _end(context)
            await _ended(update, context)
            return ConversationHandler.END
        assert isinstance(flow, dict)
        if (
            query is not None
            and isinstance(query.message, Message)
            and query.message.message_id not in flow.get("msgs", [])
        ):
            await query.answer(context.t.gettext("That button has expired."))
            return state
        if context.person is None or not context.person.has_consented:
            _end(context)
            await _answer(update)
            await _no_consent(update, context)
            return ConversationHandler.END
        flow["seen"] = now
        result: str | int = await callback(update, context)
        return result

    return run


# ---- /session: the summary, or the set-up ---------------------------------------------------


async def command(update: Update, context: BetweenContext) -> str | int:
    """/session: the appointment as it is, or, when there is none, its set-up."""
    person = _person(context)
    context.memo.pop(KEEPS_TEXT, None)
    services = context.services
    existing = await sessions.get(services.db, person.user_id)
    if existing is None:
        return await start_setup(update, context)
    context.memo.pop(MEMO, None)
    t = context.t
    text = summary_text(t, existing, _now(context), person.timezone)
    await _reply(update, context, text, summary_rows(t), own=False)
    return ConversationHandler.END


async def start_setup(update: Update, context: BetweenContext) -> str | int:
    """The set-up's first step: from /session, a "set it up" button (a new message), or
    Change on the summary (that message, edited in place)."""
    person = _person(context)
    query = await _answer(update)
    context.memo.pop(KEEPS_TEXT, None)
    if not person.has_consented:
        context.memo.pop(MEMO, None)
        await _no_consent(update, context)
        return ConversationHandler.END
    if person.timezone is None:
        context.memo.pop(MEMO, None)
        await _no_timezone(update, context)
        return ConversationHandler.END
    _begin(context, "setup", msgs=[])
    text, rows = day_screen(context.t)
    if query is not None and query.data == callbacks.pack(PREFIX, "change"):
        await edit(query, text, keyboard(rows))
        if isinstance(query.message, Message):
            _own(context, query.message.message_id)
    else:
        await _reply(update, context, text, rows)
    _log.info("session set-up started user=%d", person.user_id)
    return DAY


async def day_chosen(update: Update, context: BetweenContext) -> str:
    query = await _answer(update)
    assert query is not None
    weekday = int(_field(query, "day"))
    flow = memo(context)
    flow["day"] = weekday
    text, rows = time_screen(context.t, weekday)
    await edit(query, text, keyboard(rows))
    return TIME


async def time_chosen(update: Update, context: BetweenContext) -> str:
    query = await _answer(update)
    flow = memo(context)
    if query is not None:
        raw = _field(query, "time")
        at = time(int(raw[:2]), int(raw[2:]))
    else:
        message = update.effective_message
        typed = parse_time(message.text or "") if message is not None else None
        if typed is None:
            return await hint(update, context, TIME)
        at = typed
    if "day" not in flow:
        return await hint(update, context, DAY)
    flow["time"] = hhmm(at)
    text, rows = every_screen(context.t, int(flow["day"]), at)
    await _show(update, context, text, rows)
    return EVERY


async def every_chosen(update: Update, context: BetweenContext) -> str:
    query = await _answer(update)
    assert query is not None
    flow = memo(context)
    every = int(_field(query, "every"))
    flow["every"] = every
    if every == 2:
        options = candidate_dates(
            _now(context),
            int(flow["day"]),
            parse_hhmm(str(flow["time"])),
            _person(context).timezone,
        )
        flow["options"] = [day.isoformat() for day in options]
        text, rows = first_screen(context.t, options)
        await edit(query, text, keyboard(rows))
        return FIRST_DATE
    flow.pop("anchor", None)
    text, rows = length_screen(context.t)
    await edit(query, text, keyboard(rows))
    return LENGTH


async def first_chosen(update: Update, context: BetweenContext) -> str:
    query = await _answer(update)
    assert query is not None
    flow = memo(context)
    chosen = _field(query, "first")
    if chosen not in flow.get("options", []):
        return FIRST_DATE  # only one of the dates offered
    flow["anchor"] = chosen
    text, rows = length_screen(context.t)
    await edit(query, text, keyboard(rows))
    return LENGTH


async def length_chosen(update: Update, context: BetweenContext) -> str:
    query = await _answer(update)
    assert query is not None
    memo(context)["len"] = int(_field(query, "len"))
    text, rows = remind_screen(context.t)
    await edit(query, text, keyboard(rows))
    return REMIND


async def remind_chosen(update: Update, context: BetweenContext) -> int:
    """The last step: the appointment and its reminders are saved, and the summary shown."""
    query = await _answer(update)
    assert query is not None
    flow = memo(context)
    person = _person(context)
    services = context.services
    now = _now(context)
    weekday, at, every = int(flow["day"]), parse_hhmm(str(flow["time"])), int(flow["every"])
    if every == 2 and isinstance(flow.get("anchor"), str):
        anchor = date.fromisoformat(str(flow["anchor"]))
    else:
        anchor = candidate_dates(now, weekday, at, person.timezone)[0]
    session = TherapySession(
        user_id=person.user_id,
        weekday=weekday,
        at=at,
        every_weeks=every,
        anchor=anchor,
        minutes=int(flow.get("len", 50)),
        remind_hours=REMIND_CHOICES[_field(query, "remind")],
    )
    await sessions.save(services.db, session, now)
    await reminders.replace(
        services.db,
        user_id=person.user_id,
        kinds=KINDS,
        slots=reminder_slots(session),
        now=now,
    )
    await services.scheduler.refresh_person(person.user_id)
    _log.info("session saved user=%d every_weeks=%d", person.user_id, every)
    t = context.t
    text = t.gettext("Saved.") + "\n\n" + summary_text(t, session, now, person.timezone)
    await edit(query, text, keyboard(summary_rows(t)))
    mark_finished(context, query)
    return _end(context)


async def back(update: Update, context: BetweenContext) -> str:
    """« Back: the step before, as it was."""
    query = await _answer(update)
    assert query is not None
    step = _field(query, "back")
    flow = memo(context)
    t = context.t
    if step == "time" or "day" not in flow:
        text, rows = day_screen(t)
        state = DAY
    elif step == "every" or "time" not in flow:
        text, rows = time_screen(t, int(flow["day"]))
        state = TIME
    elif step == "first" or (step == "len" and int(flow.get("every", 1)) == 1):
        text, rows = every_screen(t, int(flow["day"]), parse_hhmm(str(flow["time"])))
        state = EVERY
    elif step == "len":
        options = [date.fromisoformat(str(day)) for day in flow.get("options", [])]
        text, rows = first_screen(t, options)
        state = FIRST_DATE
    else:
        text, rows = length_screen(t)
        state = LENGTH
    await edit(query, text, keyboard(rows))
    return state


async def cancel(update: Update, context: BetweenContext) -> int:
    query = await _answer(update)
    assert query is not None
    person = _person(context)
    existing = await sessions.get(context.services.db, person.user_id)
    t = context.t
    if existing is None:
        await edit(
            query, t.gettext("Okay, nothing was saved. /session is here whenever you want it.")
        )
    else:
        text = t.gettext("Okay, nothing changed.") + "\n\n"
        text += summary_text(t, existing, _now(context), person.timezone)
        await edit(query, text, keyboard(summary_rows(t)))
    mark_finished(context, query)
    return _end(context)


# ---- typed text where a tap was expected ----------------------------------------------------


async def hint(update: Update, context: BetweenContext, state: str) -> str:
    """Text where a tap was expected (or a time that can't be read): a short hint, and the
    same step again below it."""
    flow = memo(context)
    t = context.t
    hint_text = t.gettext("Please tap one of the buttons.")
    if state == TIME and "day" in flow:
        text, rows = time_screen(t, int(flow["day"]))
        hint_text = t.gettext(
            "I couldn't read that as a time. Something like 17:00, 9:30 or 5:30 pm works, or "
            "tap one of the buttons."
        )
    elif state == EVERY and "time" in flow:
        text, rows = every_screen(t, int(flow["day"]), parse_hhmm(str(flow["time"])))
    elif state == FIRST_DATE and flow.get("options"):
        text, rows = first_screen(t, [date.fromisoformat(str(d)) for d in flow["options"]])
    elif state == LENGTH:
        text, rows = length_screen(t)
    elif state == REMIND:
        text, rows = remind_screen(t)
    else:
        text, rows = day_screen(t)
        state = DAY
    await _reply(update, context, f"{hint_text}\n\n{text}", rows)
    return state


def _hint_for(state: str) -> Any:
    async def hint_in_state(update: Update, context: BetweenContext) -> str:
        return await hint(update, context, state)

    return hint_in_state


# ---- the summary's buttons (outside any flow) -----------------------------------------------


async def delete_asked(update: Update, context: BetweenContext) -> None:
    query = await _answer(update)
    assert query is not None
    t = context.t
    if await sessions.get(context.services.db, _person(context).user_id) is None:
        await edit(query, t.gettext("There is no session saved. /session sets one up."))
        return
    await edit(
        query,
        t.gettext("Remove your session and its reminders? Reflections you wrote are kept."),
        keyboard(
            [
                [
                    (t.gettext("Yes, remove it"), callbacks.pack(PREFIX, "delok")),
                    (t.gettext("Keep it"), callbacks.pack(PREFIX, "keep")),
                ]
            ]
        ),
    )


async def delete_confirmed(update: Update, context: BetweenContext) -> None:
    query = await _answer(update)
    assert query is not None
    person = _person(context)
    services = context.services
    await reminders.replace(
        services.db, user_id=person.user_id, kinds=KINDS, slots=[], now=_now(context)
    )
    removed = await sessions.delete(services.db, person.user_id)
    await services.scheduler.refresh_person(person.user_id)
    if removed:
        _log.info("session deleted user=%d", person.user_id)
    await edit(
        query,
        context.t.gettext(
            "Removed, with its reminders. /session sets it up again whenever you like."
        ),
    )
    mark_finished(context, query)


async def delete_kept(update: Update, context: BetweenContext) -> None:
    query = await _answer(update)
    assert query is not None
    person = _person(context)
    t = context.t
    existing = await sessions.get(context.services.db, person.user_id)
    if existing is None:
        await edit(query, t.gettext("There is no session saved. /session sets one up."))
        return
    text = summary_text(t, existing, _now(context), person.timezone)
    await edit(query, text, keyboard(summary_rows(t)))


# ---- the reminder before: a minute to prepare -----------------------------------------------


async def _own_delivery(
    update: Update, context: BetweenContext, action: str, kind: str
) -> Delivery | None:
    """The delivery a tapped nudge button names, only if it is this person's and of this
    kind; otherwise the generic "expired" reply, and None."""
    query = update.callback_query
    assert query is not None
    raw = _field(query, action)
    delivery = None
    if raw.isdigit():
        delivery = await reminders.get(context.services.db, int(raw), _person(context).user_id)
    if delivery is None or delivery.kind != kind:
        _log.info(
            "session nudge button refused user=%d action=%s", _person(context).user_id, action
        )
        await expired(update, context)
        return None
    return delivery


async def prep_started(update: Update, context: BetweenContext) -> str | int | None:
    """ "Write it down": what to bring up, typed, kept as a question for the therapist."""
    delivery = await _own_delivery(update, context, "prep", SESSION_BEFORE)
    if delivery is None:
        return None  # a forged button changes nothing, not even a flow under way
    person = _person(context)
    if not person.has_consented:
        _end(context)
        await _answer(update)
        await _no_consent(update, context)
        return ConversationHandler.END
    await _answer(update)
    _begin(context, "prep", delivery=delivery.delivery_id, msgs=[], kept=0)
    t = context.t
    await _reply(
        update,
        context,
        t.gettext(
            "What would you like to bring up? Write it in a message, in your own words; I'll "
            "keep it for your session."
        ),
        [[(t.gettext("Done"), callbacks.pack(PREFIX, "done", "prep"))]],
    )
    _keep_text(context)
    _log.info("session prep started user=%d delivery=%d", person.user_id, delivery.delivery_id)
    return PREP


async def prep_written(update: Update, context: BetweenContext) -> str | int:
    message = update.effective_message
    assert message is not None and message.text is not None
    person = _person(context)
    services = context.services
    await homework.add_question(
        services.db, person.user_id, message.text, "session_prep", _now(context)
    )
    flow = memo(context)
    flow["kept"] = int(flow.get("kept", 0)) + 1
    _log.info("session prep kept user=%d", person.user_id)
    t = context.t
    if context.crisis_answered:
        await message.reply_text(
            t.gettext(
                "I've kept what you wrote for your session. I'm here, and /sos is one tap away."
            )
        )
        return _end(context)
    await _reply(
        update,
        context,
        t.gettext("Kept for your session: <i>{text}</i>", text=shorten(message.text))
        + "\n\n"
        + t.gettext("Anything else? Write it, or tap Done."),
        [[(t.gettext("Done"), callbacks.pack(PREFIX, "done", "prep"))]],
    )
    _keep_text(context)
    return PREP


async def prep_done(update: Update, context: BetweenContext) -> int:
    query = await _answer(update)
    assert query is not None
    t = context.t
    if int(memo(context).get("kept", 0)) > 0:
        text = t.gettext("Saved for your session. I hope it goes well.")
    else:
        text = t.gettext("Okay. I hope the session goes well.")
    await edit(query, text)
    mark_finished(context, query)
    return _end(context)


async def ready(update: Update, context: BetweenContext) -> None:
    """ "I'm ready": the reminder keeps its text, loses its buttons, and says so."""
    delivery = await _own_delivery(update, context, "ready", SESSION_BEFORE)
    if delivery is None:
        return
    query = await _answer(update)
    assert query is not None
    t = context.t
    original = query.message.text_html if isinstance(query.message, Message) else ""
    marker = t.gettext("I hope it goes well.")
    text = original if marker in original else f"{original}\n\n{marker}"
    await edit(query, text)
    mark_finished(context, query)


# ---- the reflection after -------------------------------------------------------------------


async def later(update: Update, context: BetweenContext) -> None:
    """ "Not now": no guilt, and the reflection stays one tap away."""
    delivery = await _own_delivery(update, context, "later", SESSION_AFTER)
    if delivery is None:
        return
    query = await _answer(update)
    assert query is not None
    t = context.t
    text = (
        after_text(t)
        + "\n\n"
        + t.gettext("That's fine. The button stays here if you'd like it later.")
    )
    await edit(query, text, keyboard([[reflect_button(t, delivery.delivery_id)]]))


async def reflect_started(update: Update, context: BetweenContext) -> str | int | None:
    delivery = await _own_delivery(update, context, "reflect", SESSION_AFTER)
    if delivery is None:
        return None  # a forged button changes nothing, not even a flow under way
    person = _person(context)
    if not person.has_consented:
        _end(context)
        await _answer(update)
        await _no_consent(update, context)
        return ConversationHandler.END
    query = update.callback_query
    assert query is not None
    flow = context.memo.get(MEMO)
    now = _now(context).timestamp()
    if (
        isinstance(flow, dict)
        and flow.get("mode") == "reflect"
        and flow.get("delivery") == delivery.delivery_id
        and flow.get("q") == 0
        and now - float(flow.get("seen", 0)) <= DOUBLE_TAP_SECONDS
    ):
        await query.answer()
        return REFLECT  # a double tap: the first question is already below
    await query.answer()
    _begin(
        context,
        "reflect",
        delivery=delivery.delivery_id,
        date=delivery.local_date.isoformat(),
        q=0,
        msgs=[],
    )
    text, rows = question_screen(context.t, 0)
    await _reply(update, context, text, rows)
    _keep_text(context)
    _log.info("reflection started user=%d delivery=%d", person.user_id, delivery.delivery_id)
    return REFLECT


async def reflection_answered(update: Update, context: BetweenContext) -> str | int:
    message = update.effective_message
    assert message is not None and message.text is not None
    flow = memo(context)
    person = _person(context)
    services = context.services
    index = int(flow.get("q", 0))
    key = sessions.ANSWERS[index]
    session_date = date.fromisoformat(str(flow["date"]))
    reflection_id = await sessions.answer(
        services.db, person.user_id, session_date, key, message.text, _now(context)
    )
    _log.info(
        "reflection answer kept user=%d reflection=%d question=%s",
        person.user_id,
        reflection_id,
        key,
    )
    if context.crisis_answered:
        # The crisis reply came first; no more questions now, only that it was kept.
        await message.reply_text(
            context.t.gettext(
                "I've kept what you wrote. I'm here, and /sos is one tap away. The other "
                "questions can wait: the Reflect now button still works whenever you want it."
            )
        )
        return _end(context)
    return await _next_question(update, context, index + 1)


async def reflection_skipped(update: Update, context: BetweenContext) -> str | int:
    query = await _answer(update)
    assert query is not None
    flow = memo(context)
    index = int(flow.get("q", 0))
    if _field(query, "skip") != sessions.ANSWERS[index]:
        return REFLECT  # a double tap on a question already passed
    return await _next_question(update, context, index + 1)


async def _next_question(update: Update, context: BetweenContext, index: int) -> str | int:
    flow = memo(context)
    if index < len(sessions.ANSWERS):
        flow["q"] = index
        text, rows = question_screen(context.t, index)
        await _show(update, context, text, rows)
        _keep_text(context)
        return REFLECT
    person = _person(context)
    session_date = date.fromisoformat(str(flow["date"]))
    row = await sessions.reflection_on(context.services.db, person.user_id, session_date)
    text, rows = reflection_summary(context.t, row)
    await _show(update, context, text, rows)
    if update.callback_query is not None:
        mark_finished(context, update.callback_query)
    _log.info("reflection finished user=%d", person.user_id)
    return _end(context)


async def make_homework(update: Update, context: BetweenContext) -> None:
    """ "Make it this week's homework": the skill becomes a homework item, once however
    often it is tapped, and the homework card is one tap away."""
    query = update.callback_query
    assert query is not None
    person = _person(context)
    services = context.services
    raw = _field(query, "hw")
    row = (
        await sessions.reflection(services.db, int(raw), person.user_id) if raw.isdigit() else None
    )
    if row is None or not row.skill:
        _log.info("reflection homework button refused user=%d", person.user_id)
        await expired(update, context)
        return
    if not person.has_consented:
        await query.answer()
        await _no_consent(update, context)
        return
    t = context.t
    existing = (
        await homework.get(services.db, row.homework_id, person.user_id)
        if row.homework_id is not None
        else None
    )
    if existing is None:
        now = _now(context)
        homework_id = await homework.create(services.db, person.user_id, row.skill, now)
        if await sessions.link_homework(
            services.db, row.reflection_id, person.user_id, homework_id, now
        ):
            _log.info(
                "homework from reflection user=%d reflection=%d homework=%d",
                person.user_id,
                row.reflection_id,
                homework_id,
            )
            await query.answer(t.gettext("Added to your homework."))
        else:  # linked meanwhile: the one made here goes again
            await homework.delete(services.db, homework_id, person.user_id)
            await query.answer()
    else:
        await query.answer()
        if is_double_tap(context, query):
            return  # the first tap has shown it already
    row = await sessions.reflection(services.db, row.reflection_id, person.user_id)
    if row is None or row.homework_id is None:
        return
    text, _rows = reflection_summary(t, row)
    text = f"{text}\n\n" + t.gettext(
        "Added to your homework: <b>{skill}</b>. Making it small, and choosing the moment "
        "for a nudge, makes it much more likely to happen.",
        skill=shorten(row.skill or ""),
    )
    await edit(query, text, keyboard([_tiny_row(t, row.homework_id)]))
    mark_finished(context, query)


# ---- stale buttons --------------------------------------------------------------------------


async def expired(update: Update, context: BetweenContext) -> None:
    """A button of a flow that has ended, from before a restart, or forged: a gentle reply."""
    query = update.callback_query
    if query is None:
        return
    if is_double_tap(context, query):
        await query.answer()
        return
    t = context.t
    await query.answer(t.gettext("That button has expired."))
    _log.info("session button expired user=%d", query.from_user.id)
    if isinstance(query.message, Message):
        await query.message.reply_text(
            t.gettext("That button belongs to a step that has ended. /session shows your session.")
        )


async def stale_step(update: Update, context: BetweenContext) -> None:
    """In a flow, another step's button: on the flow's own message a double tap on a step
    already passed (answered, nothing changes); on another message, it has expired."""
    query = update.callback_query
    if query is None:
        return
    flow = context.memo.get(MEMO)
    owned = flow.get("msgs", []) if isinstance(flow, dict) else []
    if isinstance(query.message, Message) and query.message.message_id in owned:
        await query.answer()
        return
    await query.answer(context.t.gettext("That button has expired."))


async def _ended(update: Update, context: BetweenContext) -> None:
    query = update.callback_query
    t = context.t
    if query is not None:
        await query.answer(t.gettext("That button has expired."))
    target = query.message if query is not None else update.effective_message
    if isinstance(target, Message):
        await target.reply_text(
            t.gettext(
                "That step has ended; anything you saved is kept. /session shows your session."
            )
        )


# ---- the nudges -----------------------------------------------------------------------------


def _services(application: object) -> Services:
    from bot.app import BetweenApplication, services_of  # the app imports this module

    return services_of(cast(BetweenApplication, application))


async def render_before(services: Services, delivery: Delivery, occasion: str) -> Outgoing | None:
    """ "Your session is at 5:00 PM today." with a minute to prepare. Sent once: no
    follow-up, no snooze."""
    if occasion not in (FIRST, RETRY):
        return None
    person = await users.get(services.db, delivery.user_id)
    session = await sessions.get(services.db, delivery.user_id)
    if person is None or session is None:
        return None
    start = next_start(session, delivery.due_at, person.timezone)
    if start - delivery.due_at > timedelta(days=2):
        return None  # not a reminder of this appointment any more
    t = person_translator(services, person)
    text = before_text(t, start, delivery.due_at, zone(person.timezone))
    return Outgoing(text, keyboard(before_rows(t, delivery.delivery_id)))


async def render_after(services: Services, delivery: Delivery, occasion: str) -> Outgoing | None:
    """ "Your session has just ended." with the reflection one tap away."""
    if occasion not in (FIRST, RETRY):
        return None
    person = await users.get(services.db, delivery.user_id)
    session = await sessions.get(services.db, delivery.user_id)
    if person is None or session is None:
        return None
    t = person_translator(services, person)
    return Outgoing(after_text(t), keyboard(after_rows(t, delivery.delivery_id)))


def register_renderers(application: object, scheduler: Scheduler) -> None:
    """Register the session reminder and reflection nudges with the scheduler."""

    async def before(delivery: Delivery, occasion: str) -> Outgoing | None:
        return await render_before(_services(application), delivery, occasion)

    async def after(delivery: Delivery, occasion: str) -> Outgoing | None:
        return await render_after(_services(application), delivery, occasion)

    scheduler.register(SESSION_BEFORE, before)
    scheduler.register(SESSION_AFTER, after)


# ---- wiring ---------------------------------------------------------------------------------


def conversation() -> ConversationHandler[BetweenContext]:
    Tap = CallbackQueryHandler[BetweenContext, object]
    Text = MessageHandler[BetweenContext, object]
    typed = PRIVATE & filters.TEXT & ~filters.COMMAND
    swallow = Tap(stale_step, pattern=rf"^{PREFIX}:({'|'.join(FLOW_ACTIONS)})(:|\Z)")
    days = [str(day) for day in range(7)]
    times = [f"{at:%H%M}" for at in COMMON_TIMES]
    ids = r"^ss:{action}:([0-9]{{1,18}})\Z"

    def p(action: str, values: list[str] | None = None) -> str:
        return callbacks.pattern(f"{PREFIX}:{action}", values)

    def step(callback: Any, state: str, action: str, values: list[str] | None = None) -> Tap:
        return Tap(guarded(callback, state), pattern=p(action, values))

    def leave(state: str, back_from: str | None) -> list[Tap]:
        found = [step(cancel, state, "cancel")]
        if back_from is not None:
            found.append(step(back, state, "back", [back_from]))
        return found

    with warnings.catch_warnings():
        # per_message=False is deliberate: a flow follows the person, not one message.
        warnings.filterwarnings("ignore", category=PTBUserWarning, message=".*per_message.*")
        return ConversationHandler(
            entry_points=[
                CommandHandler("session", command, filters=PRIVATE),
                Tap(start_setup, pattern=p("new")),
                Tap(start_setup, pattern=p("change")),
                Tap(prep_started, pattern=ids.format(action="prep")),
                Tap(reflect_started, pattern=ids.format(action="reflect")),
            ],
            states={
                DAY: [
                    step(day_chosen, DAY, "day", days),
                    *leave(DAY, None),
                    Text(typed, guarded(_hint_for(DAY), DAY)),
                    swallow,
                ],
                TIME: [
                    step(time_chosen, TIME, "time", times),
                    *leave(TIME, "time"),
                    Text(typed, guarded(time_chosen, TIME)),
                    swallow,
                ],
                EVERY: [
                    step(every_chosen, EVERY, "every", ["1", "2"]),
                    *leave(EVERY, "every"),
                    Text(typed, guarded(_hint_for(EVERY), EVERY)),
                    swallow,
                ],
                FIRST_DATE: [
                    Tap(
                        guarded(first_chosen, FIRST_DATE),
                        pattern=r"^ss:first:([0-9]{4}-[0-9]{2}-[0-9]{2})\Z",
                    ),
                    *leave(FIRST_DATE, "first"),
                    Text(typed, guarded(_hint_for(FIRST_DATE), FIRST_DATE)),
                    swallow,
                ],
                LENGTH: [
                    step(length_chosen, LENGTH, "len", [str(n) for n in LENGTHS]),
                    *leave(LENGTH, "len"),
                    Text(typed, guarded(_hint_for(LENGTH), LENGTH)),
                    swallow,
                ],
                REMIND: [
                    step(remind_chosen, REMIND, "remind", list(REMIND_CHOICES)),
                    *leave(REMIND, "remind"),
                    Text(typed, guarded(_hint_for(REMIND), REMIND)),
                    swallow,
                ],
                PREP: [
                    Text(typed, guarded(prep_written, PREP)),
                    step(prep_done, PREP, "done", ["prep"]),
                    swallow,
                ],
                REFLECT: [
                    Text(typed, guarded(reflection_answered, REFLECT)),
                    step(reflection_skipped, REFLECT, "skip", list(sessions.ANSWERS)),
                    swallow,
                ],
            },
            fallbacks=[],
            conversation_timeout=IDLE_TIMEOUT,
            name=NAME,
            persistent=True,
            allow_reentry=True,
        )


def handlers() -> list[BaseHandler[Any, BetweenContext, Any]]:
    """This feature's handlers, in order (group 0): the flows, then the buttons that work
    outside them, then this feature's stale or forged buttons."""
    Tap = CallbackQueryHandler[BetweenContext, None]
    ids = r"^ss:{action}:([0-9]{{1,18}})\Z"
    return [
        conversation(),
        Tap(delete_asked, pattern=callbacks.pattern(f"{PREFIX}:del")),
        Tap(delete_confirmed, pattern=callbacks.pattern(f"{PREFIX}:delok")),
        Tap(delete_kept, pattern=callbacks.pattern(f"{PREFIX}:keep")),
        Tap(ready, pattern=ids.format(action="ready")),
        Tap(later, pattern=ids.format(action="later")),
        Tap(make_homework, pattern=ids.format(action="hw")),
        Tap(expired, pattern=rf"^{PREFIX}:"),
    ]
