"""/checkin: name the feeling on the wheel (or type it), rate it, and do one small thing.

The flow lives in one message, edited in place: wheel → intensity → (at 8 or more) a
body-first minute at a calm pace and a re-rating → two techniques to choose from →
the technique step by step → intensity now → what was happening (a typed note, so the
next question is a new message) → did it help → a short acknowledgement.

The check-in is stored when the intensity is tapped, keyed by its message, and completed
as the person answers: leaving half-way loses nothing, a second tap stores nothing twice.
"""

from __future__ import annotations

import asyncio
import logging
import re
import secrets
import weakref
from datetime import timedelta
from html import escape
from typing import Any, cast

from telegram import CallbackQuery, Message, Update
from telegram.error import BadRequest
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    JobQueue,
    MessageHandler,
    filters,
)

from bot import callbacks, coach, feelings
from bot.context import BetweenContext
from bot.i18n import N_, Translator, resolve_locale, translator
from bot.store import checkins, users
from bot.weeks import week_start, zone
from content.techniques import Technique, body_first, library
from content.wheel import FEELING_CONTEXT, Place, wheel
from handlers import nudges, plans
from handlers.common import (
    KEEPS_TEXT,
    PRIVATE,
    Button,
    edit,
    ignore_taps,
    in_rows,
    is_double_tap,
    keyboard,
    mark_finished,
)
from handlers.safety import offer_resources

_log = logging.getLogger(__name__)

PREFIX = "ci"
NAME = "checkin"
WHEEL, INTENSITY, BODY, COACH, STEPS, AFTER, NOTE, HELPED = (
    "ci_wheel", "ci_intensity", "ci_body", "ci_coach", "ci_steps", "ci_after", "ci_note",
    "ci_helped",
)  # fmt: skip
IDLE_TIMEOUT = timedelta(hours=1)
MEMO = "checkin"
SOURCES = ("command", "menu", "nudge", "onboarding", "again")
HELPED_ANSWERS = {"yes": N_("Yes"), "some": N_("A little"), "no": N_("Not really")}
NOTE_SHOWN = 300  # characters of the note shown back in the acknowledgement
TRADITIONS = {
    "breathing": N_("breathing"),
    "grounding": N_("grounding"),
    "dbt": N_("DBT"),
    "act": N_("ACT"),
    "cbt": N_("CBT"),
    "mbct": N_("mindfulness"),
    "compassion": N_("self-compassion"),
    "behavioural": N_("behavioural activation"),
    "positive": N_("positive psychology"),
    "emdr": N_("EMDR"),
    "anger": N_("anger management"),
}


# ---- copy -------------------------------------------------------------------------------


def feeling(t: Translator, place: Place) -> str:
    return t.pgettext(FEELING_CONTEXT, place.label)


def place_path(t: Translator, place_id: str) -> str:
    return " › ".join(feeling(t, p) for p in wheel().path(place_id))


def tech_text(t: Translator, text: str) -> str:
    return t.pgettext("technique", text)


def wheel_screen(t: Translator, place_id: str | None) -> tuple[str, list[list[Button]]]:
    """The wheel at one level: the cores, or the feelings inside one place."""
    w = wheel()
    if place_id is None:
        text = t.gettext(
            "What are you feeling right now? Tap the closest word, or type it in your own words."
        )
        buttons = [(feeling(t, w.places[c]), callbacks.pack(PREFIX, "w", c)) for c in w.cores]
        rows = in_rows(buttons, 2)
        rows.append([(t.gettext("Not now"), callbacks.pack(PREFIX, "cancel"))])
        return text, rows
    place = w.places[place_id]
    text = t.gettext(
        "<b>{feeling}</b>. Closer to one of these? Or keep it as it is.",
        feeling=escape(place_path(t, place_id)),
    )
    buttons = [(feeling(t, w.places[c]), callbacks.pack(PREFIX, "w", c)) for c in place.children]
    rows = in_rows(buttons, 2)
    rows.append(
        [
            (
                t.gettext("Just “{feeling}”", feeling=feeling(t, place)),
                callbacks.pack(PREFIX, "ok", place_id),
            )
        ]
    )
    rows.append([(t.gettext("« Back"), callbacks.pack(PREFIX, "up", place_id))])
    return text, rows


def intensity_rows(t: Translator, action: str, skip: bool = False) -> list[list[Button]]:
    rows = in_rows([(str(n), callbacks.pack(PREFIX, action, str(n))) for n in range(1, 11)], 5)
    if skip:
        rows.append([(t.gettext("Skip"), callbacks.pack(PREFIX, action, "skip"))])
    return rows


def intensity_screen(t: Translator, place_id: str) -> tuple[str, list[list[Button]]]:
    text = t.gettext(
        "<b>{feeling}</b>\n\nHow strong is it, from 1 (barely there) to 10 (as strong as it gets)?",
        feeling=escape(place_path(t, place_id)),
    )
    rows = intensity_rows(t, "i")
    rows.append([(t.gettext("« Back"), callbacks.pack(PREFIX, "ib", place_id))])
    return text, rows


def body_screen(t: Translator, technique: Technique, step: int, first_round: bool) -> str:
    lines = []
    if step == 0:
        lines.append(
            t.gettext(
                "That's a lot right now. Let's start with the body: one minute, one step at a "
                "time. The next step comes by itself."
            )
            if first_round
            else t.gettext("Let's give the body one more minute, with something different.")
        )
    lines.append(
        f"<b>{escape(tech_text(t, technique.name))}</b> · {step + 1}/{len(technique.steps)}"
    )
    lines.append(tech_text(t, technique.steps[step]))
    return "\n\n".join(lines)


def rerate_screen(t: Translator) -> tuple[str, list[list[Button]]]:
    text = t.gettext("Thank you for staying with it. How strong is the feeling now?")
    return text, intensity_rows(t, "rr")


def minutes(t: Translator, technique: Technique) -> str:
    low, high = technique.minutes
    if low == high:
        return t.ngettext("{n} min", "{n} min", low)
    return t.gettext("{low}–{high} min", low=low, high=high)


def coach_screen(
    t: Translator, offered: list[Technique], after_body: bool, page: int = 0
) -> tuple[str, list[list[Button]]]:
    if after_body:
        intro = t.gettext(
            "Here are two more things that can help the body settle. Pick one, or just "
            "log the check-in."
        )
    else:
        intro = t.gettext("Here are two small things that fit. Pick one, or just log the check-in.")
    lines = [intro]
    for technique in offered:
        tradition = t.gettext(TRADITIONS[technique.tradition])
        lines.append(
            f"• <b>{escape(tech_text(t, technique.name))}</b> ({escape(tradition)}, "
            f"{escape(minutes(t, technique))})"
        )
    rows: list[list[Button]] = [
        [(tech_text(t, technique.name), callbacks.pack(PREFIX, "t", technique.id))]
        for technique in offered
    ]
    rows.append([(t.gettext("Something else"), callbacks.pack(PREFIX, "more", str(page + 1)))])
    rows.append([(t.gettext("Just log it"), callbacks.pack(PREFIX, "log"))])
    return "\n".join(lines), rows


def step_screen(t: Translator, technique: Technique, step: int) -> tuple[str, list[list[Button]]]:
    total = len(technique.steps)
    lines = [f"<b>{escape(tech_text(t, technique.name))}</b> · {step + 1}/{total}"]
    if step == 0 and technique.caution:
        lines.append(f"<i>{tech_text(t, technique.caution)}</i>")
    lines.append(tech_text(t, technique.steps[step]))
    if step == total - 1:
        lines.append(escape(f"{technique.source}"))
    label = t.gettext("Next ›") if step + 1 < total else t.gettext("Finish")
    rows = [
        [(label, callbacks.pack(PREFIX, "n", str(step + 1)))],
        [(t.gettext("Stop here"), callbacks.pack(PREFIX, "x"))],
    ]
    return "\n\n".join(lines), rows


def after_screen(t: Translator, place_id: str) -> tuple[str, list[list[Button]]]:
    text = t.gettext(
        "How strong is <b>{feeling}</b> now? This is optional.",
        feeling=escape(feeling(t, wheel().places[place_id])),
    )
    return text, intensity_rows(t, "a", skip=True)


def note_screen(t: Translator) -> tuple[str, list[list[Button]]]:
    text = t.gettext(
        "What was happening when this came up? A few words are enough, and it's optional. "
        "It helps you and your therapist see patterns later."
    )
    return text, [[(t.gettext("Skip"), callbacks.pack(PREFIX, "note", "skip"))]]


def helped_screen(t: Translator, technique: Technique) -> tuple[str, list[list[Button]]]:
    text = t.gettext(
        "Did <b>{technique}</b> help, even a little?",
        technique=escape(tech_text(t, technique.name)),
    )
    buttons = [
        (t.gettext(label), callbacks.pack(PREFIX, "h", key))
        for key, label in HELPED_ANSWERS.items()
    ]
    rows = in_rows(buttons, 3)
    rows.append([(t.gettext("Skip"), callbacks.pack(PREFIX, "h", "skip"))])
    return text, rows


def shorten(text: str, limit: int = NOTE_SHOWN) -> str:
    """At most `limit` characters of what the person wrote, escaped for HTML."""
    return escape(text if len(text) <= limit else text[: limit - 1].rstrip() + "…")


def acknowledgement(t: Translator, row: checkins.CheckIn, this_week: int) -> str:
    place = wheel().places[row.place]
    last = row.last_rating
    rating = f"{row.intensity} → {last}" if last is not None else str(row.intensity)
    lines = [
        t.gettext(
            "Logged: <b>{feeling}</b>, {rating}. Thank you for taking a minute for yourself.",
            feeling=escape(feeling(t, place)),
            rating=rating,
        ),
        t.ngettext("{n} check-in this week.", "{n} check-ins this week.", this_week),
    ]
    if row.note:
        lines.append(t.gettext("What was happening: {note}", note=f"<i>{shorten(row.note)}</i>"))
    lines.append(t.gettext("/checkin whenever you need it; /sos if things get too much."))
    return "\n\n".join(lines)


# ---- state ------------------------------------------------------------------------------


def memo(context: BetweenContext) -> dict[str, Any]:
    flow = context.memo.get(MEMO)
    if not isinstance(flow, dict):
        flow = {}
        context.memo[MEMO] = flow
    return flow


def _person_id(context: BetweenContext) -> int:
    assert context.person is not None
    return context.person.user_id


def _technique(ident: object) -> Technique | None:
    return library().get(ident) if isinstance(ident, str) else None


async def _show(
    update: Update, context: BetweenContext, text: str, rows: list[list[Button]]
) -> None:
    """Edit the check-in's message in place after a tap; after typed text, a new message
    (which becomes the check-in's message)."""
    markup = keyboard(rows) if rows else None
    query = update.callback_query
    if query is not None:
        await edit(query, text, markup)
        return
    message = update.effective_message
    if message is not None:
        sent = await message.reply_text(text, reply_markup=markup)
        _own(context, sent.message_id)


def _own(context: BetweenContext, message_id: int) -> None:
    """A message of this check-in: its latest is edited in place, and taps on any of them
    count (a button of an earlier check-in does not)."""
    flow = memo(context)
    flow["msg"] = message_id
    flow["msgs"] = [*flow.get("msgs", [])[-19:], message_id]


async def _store(context: BetweenContext, **answers: Any) -> None:
    """Later answers of this check-in, into its row."""
    services = context.services
    flow = memo(context)
    await checkins.answer(
        services.db, _person_id(context), int(flow["id"]), services.clock(), **answers
    )


async def _answer(update: Update) -> CallbackQuery | None:
    query = update.callback_query
    if query is not None:
        await query.answer()
    return query


# ---- start and the wheel ------------------------------------------------------------------


async def start(update: Update, context: BetweenContext) -> str | int:
    person = context.person
    assert person is not None
    query = await _answer(update)
    source = "command"
    if query is not None and query.data and query.data.count(":") >= 2:
        source, _, delivery = callbacks.field(query.data, f"{PREFIX}:new").partition(":")
        if delivery:
            # "Do it now" on a nudge whose homework is a check-in: the answer is kept.
            await nudges.record_now(context, int(delivery))
    t = context.t
    context.memo.pop(KEEPS_TEXT, None)
    _cancel_body(context, person.user_id)
    if not person.has_consented:
        await _no_consent(update, context)
        return ConversationHandler.END
    now = context.services.clock().timestamp()
    context.memo[MEMO] = {"src": source, "seen": now, "locale": t.locale}
    text, rows = wheel_screen(t, None)
    target = query.message if query is not None else update.effective_message
    if isinstance(target, Message):
        sent = await target.reply_text(text, reply_markup=keyboard(rows))
        _own(context, sent.message_id)
    _log.info("check-in started user=%d source=%s", person.user_id, source)
    return WHEEL


async def _no_consent(update: Update, context: BetweenContext) -> None:
    t = context.t
    text = t.gettext(
        "A check-in keeps what you tap so that you can look back on it, and I keep "
        "nothing without your consent. You can give it in /settings. Until then, a "
        "grounding minute is always here."
    )
    rows = [[(t.gettext("A grounding minute"), callbacks.pack("sf", "ground", "0"))]]
    query = update.callback_query
    target = query.message if query is not None else update.effective_message
    if isinstance(target, Message):
        await target.reply_text(text, reply_markup=keyboard(rows))


def guarded(callback: Any, state: str) -> Any:
    """Every step of a check-in: only the check-in's own message is tapped (an older one
    gets a gentle "expired"), a check-in idle for longer than IDLE_TIMEOUT (say, restored
    after a restart) has ended, and nothing is stored once consent is withdrawn."""

    async def run(update: Update, context: BetweenContext) -> str | int:
        flow = context.memo.get(MEMO)
        now = context.services.clock().timestamp()
        query = update.callback_query
        seen = flow.get("seen") if isinstance(flow, dict) else None
        if not isinstance(seen, int | float) or now - seen > IDLE_TIMEOUT.total_seconds():
            context.memo.pop(MEMO, None)
            context.memo.pop(KEEPS_TEXT, None)
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
            context.memo.pop(MEMO, None)
            context.memo.pop(KEEPS_TEXT, None)
            await _answer(update)
            await _no_consent(update, context)
            return ConversationHandler.END
        flow["seen"] = now
        result: str | int = await callback(update, context)
        return result

    return run


async def open_place(update: Update, context: BetweenContext) -> str:
    query = await _answer(update)
    assert query is not None
    place_id = callbacks.field(query.data, f"{PREFIX}:w")
    place = wheel().places[place_id]
    if not place.children:
        return await _choose(update, context, place_id)
    text, rows = wheel_screen(context.t, place_id)
    await edit(query, text, keyboard(rows))
    return WHEEL


async def keep_place(update: Update, context: BetweenContext) -> str:
    query = await _answer(update)
    assert query is not None
    return await _choose(update, context, callbacks.field(query.data, f"{PREFIX}:ok"))


async def _choose(update: Update, context: BetweenContext, place_id: str) -> str:
    memo(context)["place"] = place_id
    text, rows = intensity_screen(context.t, place_id)
    await _show(update, context, text, rows)
    return INTENSITY


async def go_up(update: Update, context: BetweenContext) -> str:
    """« Back from a place's feelings: the level above."""
    query = await _answer(update)
    assert query is not None
    place = wheel().places[callbacks.field(query.data, f"{PREFIX}:up")]
    text, rows = wheel_screen(context.t, place.parent)
    await edit(query, text, keyboard(rows))
    return WHEEL


async def back_from_intensity(update: Update, context: BetweenContext) -> str:
    """« Back from the intensity: the feelings the place was chosen among."""
    query = await _answer(update)
    assert query is not None
    place = wheel().places[callbacks.field(query.data, f"{PREFIX}:ib")]
    memo(context).pop("place", None)
    text, rows = wheel_screen(context.t, place.id if place.children else place.parent)
    await edit(query, text, keyboard(rows))
    return WHEEL


async def typed_feeling(update: Update, context: BetweenContext) -> str:
    message = update.effective_message
    assert message is not None and message.text is not None
    t = context.t
    found = feelings.match(message.text, t.locale)
    if len(found.places) == 1:
        return await _choose(update, context, found.places[0].id)
    if found.places:
        text = t.gettext("That word fits more than one place. Which is closer?")
        choices = found.places
    elif found.guesses:
        text = t.gettext("I'm not sure I know that word. Did you mean one of these?")
        choices = found.guesses
    else:
        text = t.gettext("I don't know that word yet. Could you pick the closest one on the wheel?")
        choices = ()
    rows = [
        [(place_path(t, place.id), callbacks.pack(PREFIX, "ok", place.id))] for place in choices
    ]
    rows += wheel_screen(t, None)[1]
    await _show(update, context, text, rows)
    return WHEEL


async def cancel(update: Update, context: BetweenContext) -> int:
    query = await _answer(update)
    context.memo.pop(MEMO, None)
    if query is not None:
        await edit(query, context.t.gettext("Okay. /checkin is here whenever you want it."))
        mark_finished(context, query)
    return ConversationHandler.END


# ---- intensity and routing ------------------------------------------------------------------


def _typed_number(update: Update) -> int | None:
    """A number from 1 to 10 typed instead of tapped ("²" or "١" are not numbers here)."""
    message = update.effective_message
    text = (message.text or "").strip() if message is not None else ""
    if not re.fullmatch(r"[0-9]{1,2}", text):
        return None
    return int(text) if 1 <= int(text) <= 10 else None


async def intensity_tapped(update: Update, context: BetweenContext) -> str:
    query = await _answer(update)
    if query is not None:
        value = int(callbacks.field(query.data, f"{PREFIX}:i"))
    else:
        typed = _typed_number(update)
        if typed is None:
            return await hint(update, context, INTENSITY)
        value = typed
    flow = memo(context)
    if "id" in flow:
        return INTENSITY  # already stored: a tap on an earlier copy of this question
    place_id = flow.get("place")
    person = context.person
    if not isinstance(place_id, str) or place_id not in wheel().places or person is None:
        return await hint(update, context, WHEEL)
    services = context.services
    now = services.clock()
    message_id = flow.get("msg")
    if query is not None and isinstance(query.message, Message):
        message_id = query.message.message_id
    flow["id"] = await checkins.start(
        services.db,
        user_id=person.user_id,
        message_id=int(message_id or 0),
        now=now,
        local=now.astimezone(zone(person.timezone)),
        timezone=zone(person.timezone).key,
        place=place_id,
        intensity=value,
        source=str(flow.get("src", "command")),
    )
    flow.update(level=value, rounds=0, page=0)
    _log.info("check-in stored user=%d checkin=%d", person.user_id, flow["id"])
    if coach.needs_body_first(value, 0, place_id):
        if wheel().places[place_id].sensitive and update.effective_message is not None:
            flow["offered"] = True
            await offer_resources(_message_of(update), context)
        return await _start_body(update, context)
    return await _show_coach(update, context)


def _message_of(update: Update) -> Message:
    query = update.callback_query
    if query is not None and isinstance(query.message, Message):
        return query.message
    assert update.effective_message is not None
    return update.effective_message


# ---- the body-first minute ------------------------------------------------------------------


def _job_name(user_id: int) -> str:
    return f"checkin-body:{user_id}"


def _cancel_body(context: BetweenContext, user_id: int) -> None:
    if context.job_queue is None:
        return
    for job in context.job_queue.get_jobs_by_name(_job_name(user_id)):
        job.schedule_removal()


async def _start_body(update: Update, context: BetweenContext) -> str:
    flow = memo(context)
    user_id = _person_id(context)
    done = [str(x) for x in flow.get("body_done", [])]
    technique = coach.body_step(body_first(), str(flow["place"]), done)
    assert technique is not None
    run = secrets.token_hex(4)
    first_round = int(flow.get("rounds", 0)) == 0
    flow["body"] = {"tech": technique.id, "step": 0, "run": run, "first": first_round}
    await _show(
        update, context, body_screen(context.t, technique, 0, first_round), _stop_rows(context.t)
    )
    _schedule_body(context, user_id, run, 1)
    return BODY


def _stop_rows(t: Translator) -> list[list[Button]]:
    return [[(t.gettext("Stop"), callbacks.pack(PREFIX, "bs"))]]


def _schedule_body(context: BetweenContext, user_id: int, run: str, step: int) -> None:
    queue = cast("JobQueue[BetweenContext]", context.job_queue)
    queue.run_once(
        _body_tick,
        context.services.settings.calm_step_seconds,
        data={"run": run, "step": step},
        name=_job_name(user_id),
        user_id=user_id,
        chat_id=user_id,
    )


# A step shown by the job and a tap on Stop never cross: one person's are taken in turn.
# A lock lives only while someone holds or awaits it.
_body_locks: weakref.WeakValueDictionary[int, asyncio.Lock] = weakref.WeakValueDictionary()


def _body_lock(user_id: int) -> asyncio.Lock:
    lock = _body_locks.get(user_id)
    if lock is None:
        lock = asyncio.Lock()
        _body_locks[user_id] = lock
    return lock


async def _body_tick(context: BetweenContext) -> None:
    """A job: the next step of the body-first minute, then the re-rating."""
    job = context.job
    if job is None or job.user_id is None or not isinstance(job.data, dict):
        return
    async with _body_lock(job.user_id):
        await _show_body_step(context, job.user_id, job.data)


async def _show_body_step(context: BetweenContext, user_id: int, job_data: dict[str, Any]) -> None:
    flow = context.memo.get(MEMO)
    body = flow.get("body") if isinstance(flow, dict) else None
    if not isinstance(body, dict) or body.get("run") != job_data["run"]:
        return  # stopped, or another check-in began
    person = await users.get(context.services.db, user_id)
    if person is None or not isinstance(flow, dict):
        return
    saved = flow.get("locale")
    locale = saved if isinstance(saved, str) else person.locale
    t = translator(resolve_locale(locale, None, context.services.settings.default_locale))
    technique = _technique(body.get("tech"))
    step = int(job_data["step"])
    if technique is None:
        return
    if step < len(technique.steps):
        body["step"] = step
        text = body_screen(t, technique, step, bool(body.get("first")))
        markup = keyboard(_stop_rows(t))
        _schedule_body(context, user_id, str(body["run"]), step + 1)
    else:
        flow.pop("body", None)
        _finish_body(flow, technique)
        text, rows = rerate_screen(t)
        markup = keyboard(rows)
    try:
        await context.bot.edit_message_text(
            text, chat_id=person.chat_id, message_id=int(flow.get("msg", 0)), reply_markup=markup
        )
    except BadRequest as error:
        if "not modified" not in str(error):
            _log.info("body step not shown user=%d error=%s", user_id, type(error).__name__)


def resume_body_minutes(application: Any) -> int:
    """After a restart: a body-first minute that was running goes on from its step (the
    scheduler's jobs live in memory; the minute's place is kept with the person)."""
    resumed = 0
    queue = cast("JobQueue[BetweenContext] | None", application.job_queue)
    for user_id, data in application.user_data.items():
        flow = data.get(MEMO) if isinstance(data, dict) else None
        body = flow.get("body") if isinstance(flow, dict) else None
        if queue is None or not isinstance(body, dict) or "run" not in body:
            continue
        queue.run_once(
            _body_tick,
            1.0,
            data={"run": body["run"], "step": int(body.get("step", 0)) + 1},
            name=_job_name(user_id),
            user_id=user_id,
            chat_id=user_id,
        )
        resumed += 1
    return resumed


def _finish_body(flow: dict[str, Any], technique: Technique) -> None:
    flow["body_done"] = [*flow.get("body_done", []), technique.id]
    flow["rounds"] = int(flow.get("rounds", 0)) + 1


async def stop_body(update: Update, context: BetweenContext) -> str:
    query = await _answer(update)
    assert query is not None
    async with _body_lock(_person_id(context)):
        return await _stop_body(query, context)


async def _stop_body(query: CallbackQuery, context: BetweenContext) -> str:
    flow = memo(context)
    _cancel_body(context, _person_id(context))
    body = flow.pop("body", None)
    technique = _technique(body.get("tech")) if isinstance(body, dict) else None
    if technique is not None:
        _finish_body(flow, technique)
    text, rows = rerate_screen(context.t)
    await edit(query, text, keyboard(rows))
    return BODY


async def rerated(update: Update, context: BetweenContext) -> str:
    query = await _answer(update)
    flow = memo(context)
    if "body" in flow:  # a forged or early tap while the minute still runs
        return BODY
    typed = _typed_number(update)
    if query is not None:
        value = int(callbacks.field(query.data, f"{PREFIX}:rr"))
    elif typed is not None:
        value = typed
    else:
        return BODY
    await _store(context, intensity_rerated=value, body_rounds=int(flow.get("rounds", 0)))
    flow["level"] = value
    if coach.needs_body_first(value, int(flow.get("rounds", 0)), str(flow["place"])):
        if not flow.get("offered"):
            flow["offered"] = True
            await offer_resources(_message_of(update), context)
        return await _start_body(update, context)
    return await _show_coach(update, context)


# ---- the coach ------------------------------------------------------------------------------


async def _offers(context: BetweenContext) -> list[Technique]:
    flow = memo(context)
    db = context.services.db
    person_id = _person_id(context)
    return coach.offer(
        library().values(),
        str(flow["place"]),
        int(flow["level"]),
        history=await checkins.outcomes(db, person_id),
        last=await checkins.last_technique(db, person_id),
        page=int(flow.get("page", 0)),
        done=_already_done(flow),
    )


def _already_done(flow: dict[str, Any]) -> list[str]:
    """Not offered again now: this check-in's body-first minutes and, once they brought
    the feeling below 8, more breathing or grounding (a thinking skill fits now)."""
    done = [str(x) for x in flow.get("body_done", [])]
    if done and int(flow.get("level", 0)) < coach.BODY_FIRST_AT:
        done += [t.id for t in library().values() if t.tradition in ("breathing", "grounding")]
    return done


async def _show_coach(update: Update, context: BetweenContext) -> str:
    offered = await _offers(context)
    flow = memo(context)
    after_body = int(flow.get("level", 0)) >= coach.BODY_FIRST_AT and int(flow.get("rounds", 0)) > 0
    flow["offered"] = [technique.id for technique in offered]
    text, rows = coach_screen(context.t, offered, after_body, int(flow.get("page", 0)))
    await _show(update, context, text, rows)
    return COACH


async def something_else(update: Update, context: BetweenContext) -> str:
    query = await _answer(update)
    assert query is not None
    flow = memo(context)
    wanted = int(callbacks.field(query.data, f"{PREFIX}:more"))
    if wanted != int(flow.get("page", 0)) + 1:
        return COACH  # a double tap: that page is already shown
    flow["page"] = wanted
    return await _show_coach(update, context)


async def technique_chosen(update: Update, context: BetweenContext) -> str:
    query = await _answer(update)
    assert query is not None
    technique = _technique(callbacks.field(query.data, f"{PREFIX}:t"))
    flow = memo(context)
    if technique is None or technique.id not in flow.get("offered", []):
        return COACH  # only what was offered for this feeling and intensity
    await _store(context, technique=technique.id)
    flow.update(tech=technique.id, step=0)
    text, rows = step_screen(context.t, technique, 0)
    await edit(query, text, keyboard(rows))
    return STEPS


async def next_step(update: Update, context: BetweenContext) -> str:
    query = await _answer(update)
    assert query is not None
    flow = memo(context)
    technique = _technique(flow.get("tech"))
    wanted = int(callbacks.field(query.data, f"{PREFIX}:n"))
    if technique is None or wanted != int(flow.get("step", 0)) + 1:
        return STEPS  # a double tap on a step already passed
    if wanted < len(technique.steps):
        flow["step"] = wanted
        text, rows = step_screen(context.t, technique, wanted)
        await edit(query, text, keyboard(rows))
        return STEPS
    return await _technique_ended(update, context, len(technique.steps))


async def stop_technique(update: Update, context: BetweenContext) -> str:
    await _answer(update)
    return await _technique_ended(update, context, int(memo(context).get("step", 0)))


async def _technique_ended(update: Update, context: BetweenContext, steps_done: int) -> str:
    flow = memo(context)
    await _store(context, technique_steps=steps_done)
    text, rows = after_screen(context.t, str(flow["place"]))
    await _show(update, context, text, rows)
    return AFTER


async def just_log(update: Update, context: BetweenContext) -> str:
    await _answer(update)
    return await _ask_note(update, context)


# ---- after ----------------------------------------------------------------------------------


async def after_rated(update: Update, context: BetweenContext) -> str:
    query = await _answer(update)
    if query is not None:
        answer = callbacks.field(query.data, f"{PREFIX}:a")
        value = None if answer == "skip" else int(answer)
    else:
        value = _typed_number(update)
        if value is None:
            return await hint(update, context, AFTER)
    if value is not None:
        await _store(context, intensity_after=value)
    return await _ask_note(update, context)


async def _ask_note(update: Update, context: BetweenContext) -> str:
    text, rows = note_screen(context.t)
    await _show(update, context, text, rows)
    moment = context.services.clock() + IDLE_TIMEOUT
    context.memo[KEEPS_TEXT] = moment.timestamp()
    return NOTE


async def note_written(update: Update, context: BetweenContext) -> str | int:
    message = update.effective_message
    assert message is not None and message.text is not None
    flow = memo(context)
    context.memo.pop(KEEPS_TEXT, None)
    await _store(context, note=message.text)
    _log.info("check-in note kept user=%d checkin=%s", _person_id(context), flow.get("id"))
    if context.crisis_answered:
        # The crisis reply came first; no more questions now, only that it was kept.
        await message.reply_text(
            context.t.gettext(
                "I've kept your check-in with what you wrote. I'm here, and /sos is one tap away."
            )
        )
        context.memo.pop(MEMO, None)
        return ConversationHandler.END
    return await _ask_helped_or_finish(update, context)


async def note_skipped(update: Update, context: BetweenContext) -> str | int:
    await _answer(update)
    context.memo.pop(KEEPS_TEXT, None)
    return await _ask_helped_or_finish(update, context)


async def _ask_helped_or_finish(update: Update, context: BetweenContext) -> str | int:
    technique = _technique(memo(context).get("tech"))
    if technique is None:
        return await _finish(update, context)
    text, rows = helped_screen(context.t, technique)
    await _show(update, context, text, rows)
    return HELPED


async def helped_answered(update: Update, context: BetweenContext) -> int:
    query = await _answer(update)
    assert query is not None
    answer = callbacks.field(query.data, f"{PREFIX}:h")
    if answer in checkins.HELPED:
        await _store(context, helped=answer)
    return await _finish(update, context)


async def _finish(update: Update, context: BetweenContext) -> int:
    flow = memo(context)
    person = context.person
    assert person is not None
    services = context.services
    row = await checkins.get(services.db, person.user_id, int(flow["id"]))
    context.memo.pop(MEMO, None)
    if row is None:
        return ConversationHandler.END
    since = week_start(services.clock(), person.timezone, context.t.locale)
    count = await checkins.count_since(services.db, person.user_id, since)
    await _show(update, context, acknowledgement(context.t, row, count), [])
    if update.callback_query is not None:
        mark_finished(context, update.callback_query)
    await plans.after_checkin(update, context, row)
    _log.info("check-in finished user=%d checkin=%d", person.user_id, row.id)
    return ConversationHandler.END


# ---- typed text where a tap was expected, and stale buttons ---------------------------------


async def hint(update: Update, context: BetweenContext, state: str | None = None) -> str:
    """Text where a tap was expected: a short hint, and the same step again below it."""
    message = update.effective_message
    current = state or WHEEL
    t = context.t
    if message is None:
        return current
    flow = memo(context)
    text, rows = "", list[list[Button]]()
    if current == INTENSITY and isinstance(flow.get("place"), str):
        text, rows = intensity_screen(t, str(flow["place"]))
        hint_text = t.gettext("Please tap a number from 1 to 10, or type it.")
    elif current == AFTER and isinstance(flow.get("place"), str):
        text, rows = after_screen(t, str(flow["place"]))
        hint_text = t.gettext("Please tap a number from 1 to 10, or Skip.")
    elif current == COACH and "level" in flow:
        after_body = int(flow["level"]) >= coach.BODY_FIRST_AT and int(flow.get("rounds", 0)) > 0
        offered = await _offers(context)
        flow["offered"] = [technique.id for technique in offered]
        text, rows = coach_screen(t, offered, after_body, int(flow.get("page", 0)))
        hint_text = t.gettext("Please tap one of the buttons.")
    elif current == STEPS and (technique := _technique(flow.get("tech"))) is not None:
        text, rows = step_screen(t, technique, int(flow.get("step", 0)))
        hint_text = t.gettext("Please tap one of the buttons.")
    elif current == HELPED and (technique := _technique(flow.get("tech"))) is not None:
        text, rows = helped_screen(t, technique)
        hint_text = t.gettext("Please tap one of the buttons.")
    elif current == BODY and "body" not in flow and _typed_number(update) is not None:
        return await rerated(update, context)
    elif current == BODY and "body" not in flow:
        text, rows = rerate_screen(t)
        hint_text = t.gettext("Please tap a number from 1 to 10, or type it.")
    elif current == BODY:
        await message.reply_text(
            t.gettext("Stay with the steps above for a moment; you can tap Stop at any time.")
        )
        return BODY
    else:
        text, rows = wheel_screen(t, None)
        hint_text = ""
        current = WHEEL
    await _show(update, context, f"{hint_text}\n\n{text}".strip(), rows)
    return current


def _hint_for(state: str) -> Any:
    async def hint_in_state(update: Update, context: BetweenContext) -> str:
        return await hint(update, context, state)

    return hint_in_state


async def expired(update: Update, context: BetweenContext) -> None:
    """A check-in button whose check-in has ended (or from before a restart)."""
    query = update.callback_query
    if query is None:
        return
    if is_double_tap(context, query):
        await query.answer()
        return
    await _ended(update, context)


async def _ended(update: Update, context: BetweenContext) -> None:
    t = context.t
    query = update.callback_query
    if query is not None:
        await query.answer(t.gettext("That check-in has ended."))
    _log.info("check-in already ended user=%d", context.person.user_id if context.person else 0)
    target = query.message if query is not None else update.effective_message
    if isinstance(target, Message):
        await target.reply_text(
            t.gettext(
                "That button belongs to a check-in that has ended; anything you logged is "
                "kept. Would you like to start a new one?"
            ),
            reply_markup=keyboard(
                [[(t.gettext("Start a check-in"), callbacks.pack(PREFIX, "new", "again"))]]
            ),
        )


# ---- wiring ---------------------------------------------------------------------------------


def conversation() -> ConversationHandler[BetweenContext]:
    Tap = CallbackQueryHandler[BetweenContext, object]
    Text = MessageHandler[BetweenContext, object]
    places = list(wheel().places)
    numbers = [str(n) for n in range(1, 11)]
    typed = PRIVATE & filters.TEXT & ~filters.COMMAND
    swallow = ignore_taps(rf"^{PREFIX}:(?!new)")

    def p(action: str, values: list[str] | None = None) -> str:
        return callbacks.pattern(f"{PREFIX}:{action}", values)

    return ConversationHandler(
        entry_points=[
            CommandHandler("checkin", start, filters=PRIVATE),
            Tap(start, pattern=p("new")),
            Tap(start, pattern=p("new", list(SOURCES))),
            Tap(start, pattern=rf"^{PREFIX}:new:nudge:\d{{1,12}}\Z"),
        ],
        states={
            WHEEL: [
                Tap(guarded(open_place, WHEEL), pattern=p("w", places)),
                Tap(guarded(keep_place, WHEEL), pattern=p("ok", places)),
                Tap(guarded(go_up, WHEEL), pattern=p("up", places)),
                Tap(guarded(cancel, WHEEL), pattern=p("cancel")),
                Text(typed, guarded(typed_feeling, WHEEL)),
                swallow,
            ],
            INTENSITY: [
                Tap(guarded(intensity_tapped, INTENSITY), pattern=p("i", numbers)),
                Tap(guarded(back_from_intensity, INTENSITY), pattern=p("ib", places)),
                Tap(guarded(keep_place, INTENSITY), pattern=p("ok", places)),
                Text(typed, guarded(intensity_tapped, INTENSITY)),
                swallow,
            ],
            BODY: [
                Tap(guarded(stop_body, BODY), pattern=p("bs")),
                Tap(guarded(rerated, BODY), pattern=p("rr", numbers)),
                Text(typed, guarded(_hint_for(BODY), BODY)),
                swallow,
            ],
            COACH: [
                Tap(guarded(technique_chosen, COACH), pattern=p("t", list(library()))),
                Tap(
                    guarded(something_else, COACH),
                    pattern=p("more", [str(n) for n in range(1, 100)]),
                ),
                Tap(guarded(just_log, COACH), pattern=p("log")),
                Text(typed, guarded(_hint_for(COACH), COACH)),
                swallow,
            ],
            STEPS: [
                Tap(guarded(next_step, STEPS), pattern=p("n", [str(n) for n in range(1, 9)])),
                Tap(guarded(stop_technique, STEPS), pattern=p("x")),
                Text(typed, guarded(_hint_for(STEPS), STEPS)),
                swallow,
            ],
            AFTER: [
                Tap(guarded(after_rated, AFTER), pattern=p("a", [*numbers, "skip"])),
                Text(typed, guarded(after_rated, AFTER)),
                swallow,
            ],
            NOTE: [
                Text(typed, guarded(note_written, NOTE)),
                Tap(guarded(note_skipped, NOTE), pattern=p("note", ["skip"])),
                swallow,
            ],
            HELPED: [
                Tap(guarded(helped_answered, HELPED), pattern=p("h", [*checkins.HELPED, "skip"])),
                Text(typed, guarded(_hint_for(HELPED), HELPED)),
                swallow,
            ],
        },
        fallbacks=[],
        conversation_timeout=IDLE_TIMEOUT,
        name=NAME,
        persistent=True,
        allow_reentry=True,
    )


def handlers() -> list[CallbackQueryHandler[BetweenContext, None]]:
    """After every flow: check-in buttons no flow took."""
    return [CallbackQueryHandler(expired, pattern=rf"^{PREFIX}:")]
