"""If-then plans: written as one message (or /plan, step by step), saved with a tap, and
brought back when the cue happens.

"If I feel my chest tighten at work, then I will take three slow breaths" sent as a
plain message is recognised (bot/plans.py), shown back split into its cue and response,
with one gentle suggestion when a part is vague (bot/plan_coach.py), and saved only when
the person taps Save. A plan whose cue names a feeling comes back right after a check-in
in that feeling's family; one whose cue names a time can have a reminder, sent by the
nudge scheduler. Each time it comes back, "I used it" or "Not now" is stored.

The draft is a row from the moment it is shown (so a restart loses nothing), but counts
as a plan only once saved. Buttons carry plan or use ids and are checked against the
person who taps.
"""

from __future__ import annotations

import logging
from datetime import time, timedelta
from functools import partial
from html import escape
from typing import Any

from telegram import Message, Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot import callbacks
from bot.context import BetweenContext
from bot.i18n import Translator, translator
from bot.nudging import Slot
from bot.plan_coach import TimeCue, feeling_family, time_cue, vague_cue, vague_response
from bot.plans import LOCALES, bare_cue, bare_response, parse_plan, parse_plan_in
from bot.scheduler import FIRST, RETRY, Outgoing, Scheduler
from bot.services import SERVICES_KEY, Services
from bot.store import checkins, reminders, users
from bot.store import plans as store
from bot.store.plans import Plan
from bot.store.reminders import Delivery
from content.wheel import FEELING_CONTEXT, wheel
from handlers.cards import clip, days_text, time_text
from handlers.common import (
    PRIVATE,
    SAFETY_PLAN_WRITING,
    TEXT_FOR,
    AwaitsText,
    Button,
    edit,
    expired_button,
    in_rows,
    is_double_tap,
    keyboard,
    mark_finished,
    person_translator,
)

_log = logging.getLogger(__name__)

PREFIX = "pl"
NAME = "plans"
MEMO = "plan"
IDLE_TIMEOUT = timedelta(hours=1)
CONFIRM, CUE, RESPONSE, EDIT_CUE, EDIT_RESPONSE = (
    "confirm",
    "cue",
    "response",
    "edit_cue",
    "edit_response",
)
# More active plans than this, and the list suggests keeping a few.
MANY = 3
SHOWN = 1000  # characters of each part shown on a card (stored whole)
LISTED = 160  # characters of each part in the list
PAGE = 8  # plans on one page of the list: 8 × 2 × 160 characters fit in a message
ID = r"(\d{1,12})"
NO_FEELING = "none"


# --- how a plan reads ----------------------------------------------------------------------


def sentence(cue: str, response: str, locale: str, limit: int = SHOWN) -> str:
    """The plan in the words and language it was written in: "If …, then …"."""
    t = translator(locale if locale in LOCALES else "en")
    return t.gettext(
        "<b>If</b> {cue}, <b>then</b> {response}.",
        cue=escape(clip(cue, limit)),
        response=escape(clip(response, limit)),
    )


def family_name(t: Translator, family: str) -> str:
    return t.pgettext(FEELING_CONTEXT, wheel().places[family].label)


def when_text(t: Translator, weekdays: frozenset[int], at: time) -> str:
    """ "Mondays at 8:00 AM", "Every day at 21:30"."""
    return t.gettext("{days} at {time}", days=days_text(t, weekdays), time=time_text(t, at))


def suggestion(t: Translator, cue: str, response: str, locale: str) -> str | None:
    """One short suggestion for a vague part, never a refusal."""
    if vague_cue(cue, locale):
        return t.gettext(
            "One idea: a cue is easier to notice when it names a time, a place, a "
            "situation or a feeling, such as “when I sit down at my desk on Monday”."
        )
    if response and vague_response(response, locale):
        return t.gettext(
            "One idea: the “then” works best as one small action that takes a couple of "
            "minutes, such as “take three slow breaths” or “text my sister”."
        )
    return None


def _slot(cue: TimeCue) -> Slot:
    return Slot(at=cue.at, weekdays=cue.weekdays)


def _comes_back(t: Translator, plan: Plan, reminder: reminders.Reminder | None) -> list[str]:
    lines: list[str] = []
    if plan.feeling:
        lines.append(
            t.gettext(
                "It comes back after a check-in where you feel {feeling}.",
                feeling=f"<b>{escape(family_name(t, plan.feeling))}</b>",
            )
        )
    if reminder is not None:
        lines.append(
            t.gettext(
                "⏰ A reminder: {when}.",
                when=when_text(t, reminder.slot.weekdays, reminder.slot.at),
            )
        )
    return lines


def card_text(t: Translator, plan: Plan) -> str:
    lines = [t.gettext("Here is your plan:"), sentence(plan.cue, plan.response, plan.locale)]
    idea = suggestion(t, plan.cue, plan.response, plan.locale)
    if idea:
        lines.append(idea)
    lines.append(t.gettext("Save it?"))
    return "\n\n".join(lines)


def card_rows(t: Translator, plan_id: int) -> list[list[Button]]:
    ident = str(plan_id)
    return [
        [(t.gettext("Save"), callbacks.pack(PREFIX, "save", ident))],
        [
            (t.gettext("Change the “if”"), callbacks.pack(PREFIX, "ec", ident)),
            (t.gettext("Change the “then”"), callbacks.pack(PREFIX, "er", ident)),
        ],
        [(t.gettext("Cancel"), callbacks.pack(PREFIX, "x", ident))],
    ]


def _view_rows(
    t: Translator, plan: Plan, reminder: reminders.Reminder | None
) -> list[list[Button]]:
    ident = str(plan.plan_id)
    rows: list[list[Button]] = []
    cue = time_cue(plan.cue, plan.locale)
    if reminder is not None:
        rows.append([(t.gettext("Stop the reminder"), callbacks.pack(PREFIX, "remoff", ident))])
    elif cue is not None and not plan.paused:
        rows.append(
            [
                (
                    t.gettext("⏰ Remind me: {when}", when=when_text(t, cue.weekdays, cue.at)),
                    callbacks.pack(PREFIX, "rem", ident),
                )
            ]
        )
    feeling_label = (
        t.gettext("Change the feeling") if plan.feeling else t.gettext("Link it to a feeling")
    )
    rows.append([(feeling_label, callbacks.pack(PREFIX, "lf", ident))])
    pause = (
        (t.gettext("Resume"), callbacks.pack(PREFIX, "resume", ident))
        if plan.paused
        else (t.gettext("Pause"), callbacks.pack(PREFIX, "pause", ident))
    )
    rows.append([pause, (t.gettext("Delete"), callbacks.pack(PREFIX, "del", ident))])
    rows.append([(t.gettext("Your plans"), callbacks.pack(PREFIX, "list"))])
    return rows


def view_text(
    t: Translator, plan: Plan, reminder: reminders.Reminder | None, use: tuple[int, int]
) -> str:
    lines = [sentence(plan.cue, plan.response, plan.locale)]
    if plan.paused:
        lines.append(t.gettext("⏸ Paused: it doesn't come back until you resume it."))
    else:
        lines += _comes_back(t, plan, reminder)
        if not plan.feeling and reminder is None:
            lines.append(
                t.gettext(
                    "If it is about a feeling, link it, and it will come back after a "
                    "check-in where you feel that."
                )
            )
    used, shown = use
    if shown:
        lines.append(
            t.ngettext(
                "Came back {n} time, used {used}.",
                "Came back {n} times, used {used}.",
                shown,
                used=used,
            )
        )
    return "\n\n".join(lines)


# --- the flow: by message, or /plan step by step ----------------------------------------------
#
# A plan's card and its buttons carry the draft's id and work without a conversation
# state: Save on a card still works after a restart or an hour later. Only the steps that
# wait for typed words (the cue, the response, or a part written again) are a
# conversation, the first handler of the features' group (bot/app.py): while one of them
# is the latest question asked, the words are the plan's and no other flow takes them;
# once the person has moved on (another command, another flow's button: see
# handlers/common.TEXT_FOR) or an hour has passed, its filter lets the words through.


def _person_id(context: BetweenContext) -> int:
    assert context.person is not None
    return context.person.user_id


def _flow(context: BetweenContext) -> dict[str, Any]:
    flow = context.memo.get(MEMO)
    if not isinstance(flow, dict):
        flow = {}
        context.memo[MEMO] = flow
    return flow


def _await_text(context: BetweenContext, state: str, **values: Any) -> None:
    """The plan's question now waits for typed words."""
    flow = _flow(context)
    flow.update(values, state=state, seen=context.services.clock().timestamp())
    context.memo[TEXT_FOR] = [PREFIX, "plan"]
    context.memo.pop(SAFETY_PLAN_WRITING, None)  # the safety plan's open part is left


def _ends_with(context: BetweenContext, plan_id: int) -> None:
    """A card's button ends the flow only when the flow is about that draft."""
    flow = context.memo.get(MEMO)
    if isinstance(flow, dict) and flow.get("id") == plan_id:
        _end_flow(context)


def _end_flow(context: BetweenContext) -> None:
    context.memo.pop(MEMO, None)
    if (context.memo.get(TEXT_FOR) or [None])[0] == PREFIX:
        context.memo.pop(TEXT_FOR, None)


async def _reply(update: Update, text: str, rows: list[list[Button]] | None = None) -> Message:
    query = update.callback_query
    target = query.message if query is not None else update.effective_message
    assert isinstance(target, Message)
    return await target.reply_text(text, reply_markup=keyboard(rows) if rows else None)


async def _no_consent(update: Update, context: BetweenContext) -> None:
    if update.callback_query is not None:
        await update.callback_query.answer()
    await _reply(
        update,
        context.t.gettext(
            "Your plans are kept so that I can bring them back at the right moment, and I "
            "keep nothing without your consent. You can give it in /settings, whenever you "
            "like."
        ),
    )


async def _refuse(update: Update, context: BetweenContext) -> object:
    """No consent: the flow ends, and the person is told why."""
    _end_flow(context)
    await _no_consent(update, context)
    return ConversationHandler.END


def _consented(context: BetweenContext) -> bool:
    return context.person is not None and context.person.has_consented


def _read(text: str, context: BetweenContext) -> tuple[str, str, str] | None:
    """(cue, response, locale) of a plan-shaped text: read in the person's language
    first, then in any."""
    own = context.t.locale
    plan = parse_plan_in(text, own) if own in LOCALES else None
    plan = plan or parse_plan(text)
    return (plan.cue, plan.response, plan.locale) if plan else None


async def _show_card(update: Update, context: BetweenContext, plan: Plan) -> None:
    """The draft shown back, with Save / Change / Cancel: the tapped message edited in
    place, or a new message after typed words."""
    t = context.t
    text, markup = card_text(t, plan), keyboard(card_rows(t, plan.plan_id))
    query = update.callback_query
    if query is not None and isinstance(query.message, Message):
        await edit(query, text, markup)
    else:
        await _reply(update, text, card_rows(t, plan.plan_id))


async def _draft(
    update: Update, context: BetweenContext, cue: str, response: str, locale: str
) -> None:
    services = context.services
    person_id = _person_id(context)
    plan_id = await store.draft(
        services.db,
        person_id,
        cue=cue,
        response=response,
        locale=locale,
        feeling=feeling_family(cue, locale),
        now=services.clock(),
    )
    _end_flow(context)
    _log.info("plan drafted user=%d plan=%d", person_id, plan_id)
    plan = await store.get(services.db, plan_id, person_id)
    assert plan is not None
    await _show_card(update, context, plan)


async def written(update: Update, context: BetweenContext) -> None:
    """A plain message shaped as an if-then plan, that no flow was waiting for."""
    message = update.effective_message
    if message is None or not message.text or context.person is None:
        return
    if not _consented(context):
        await _no_consent(update, context)
        return
    parsed = _read(message.text, context)
    if parsed is not None:
        await _draft(update, context, *parsed)


HELD = "plan_held"  # memo: a plan-shaped message held while a gentle question is asked


async def hold(update: Update, context: BetweenContext, text: str) -> None:
    """Called by the safety watcher for softer risk language: if the words are a plan,
    they are kept as a draft (with consent), and shown back only if the person answers
    the gentle question "no" (show_held)."""
    context.memo.pop(HELD, None)
    if not _consented(context):
        return
    parsed = _read(text, context)
    if parsed is None:
        return
    cue, response, locale = parsed
    services = context.services
    plan_id = await store.draft(
        services.db,
        _person_id(context),
        cue=cue,
        response=response,
        locale=locale,
        feeling=feeling_family(cue, locale),
        now=services.clock(),
    )
    context.memo[HELD] = plan_id
    _log.info("plan held during a gentle question user=%d plan=%d", _person_id(context), plan_id)


async def drop_held(context: BetweenContext) -> None:
    """After "Yes" to the gentle question: the held words were not a plan to save."""
    plan_id = context.memo.pop(HELD, None)
    if isinstance(plan_id, int) and context.person is not None:
        await store.discard(context.services.db, plan_id, _person_id(context))


async def show_held(update: Update, context: BetweenContext) -> None:
    """After "No, not like that": the held plan's card, if there is one."""
    plan_id = context.memo.pop(HELD, None)
    if not isinstance(plan_id, int) or context.person is None:
        return
    plan = await store.get(context.services.db, plan_id, _person_id(context))
    if plan is not None and not plan.saved:
        t = context.t
        await _reply(update, card_text(t, plan), card_rows(t, plan.plan_id))


async def _ask_cue(update: Update, context: BetweenContext, intro: str | None = None) -> str:
    t = context.t
    lines = [intro] if intro else []
    lines.append(
        t.gettext(
            "Let's write an if-then plan, in two short steps.\n\nFirst, the moment: "
            "<b>if</b> or <b>when</b> what happens? A time, a place, a situation or a "
            "feeling. For example: “I feel my chest tighten at work”."
        )
    )
    rows = [[(t.gettext("Cancel"), callbacks.pack(PREFIX, "x", "0"))]]
    _await_text(context, CUE, id=None)  # before the question, which may be answered at once
    await _reply(update, "\n\n".join(lines), rows)
    return CUE


async def plan_command(update: Update, context: BetweenContext) -> object:
    """/plan with a plan after it, or alone to write one step by step."""
    if not _consented(context):
        return await _refuse(update, context)
    message = update.effective_message
    # Everything after the command, as written (line breaks and spacing kept).
    parts = (message.text or "").split(maxsplit=1) if message is not None else []
    text = parts[1].strip() if len(parts) > 1 else ""
    if not text:
        return await _ask_cue(update, context)
    parsed = _read(text, context)
    if parsed is not None:
        await _draft(update, context, *parsed)
        return ConversationHandler.END
    intro = context.t.gettext(
        "I couldn't find an “if” and a “then” in that, so let's write it step by step."
    )
    return await _ask_cue(update, context, intro)


async def new_tapped(update: Update, context: BetweenContext) -> object:
    query = update.callback_query
    assert query is not None
    if not _consented(context):
        return await _refuse(update, context)
    await query.answer()
    return await _ask_cue(update, context)


def step(callback: Any) -> Any:
    """A step waiting for typed words (its filter has checked that the question is still
    the one being answered): a whole plan typed there is taken whole; nothing is kept
    once consent is withdrawn."""

    async def run(update: Update, context: BetweenContext) -> object:
        if not _consented(context):
            return await _refuse(update, context)
        message = update.effective_message
        whole = _read(message.text or "", context) if message is not None else None
        if whole is not None:  # a whole plan where one part was asked: taken as it is
            await _draft(update, context, *whole)
            return ConversationHandler.END
        return await callback(update, context)

    return run


async def _empty(update: Update, context: BetweenContext, part: str, state: str) -> bool:
    """A part with no words ("...", an emoji alone): asked again, in the same step."""
    if sum(ch.isalpha() for ch in part) >= 2:
        return False
    _await_text(context, state)
    await _reply(
        update, context.t.gettext("Could you put that in a few words? The step is still open.")
    )
    return True


async def cue_written(update: Update, context: BetweenContext) -> object:
    message = update.effective_message
    assert message is not None and message.text
    services = context.services
    person_id = _person_id(context)
    locale = context.t.locale if context.t.locale in LOCALES else "en"
    cue = bare_cue(message.text, locale)
    if await _empty(update, context, cue, CUE):
        return CUE
    plan_id = await store.draft(
        services.db,
        person_id,
        cue=cue,
        response="",
        locale=locale,
        feeling=feeling_family(cue, locale),
        now=services.clock(),
    )
    t = context.t
    lines = [
        t.gettext(
            "And <b>then</b>? One small thing you will do, that takes a couple of minutes. "
            "For example: “I will take three slow breaths”."
        )
    ]
    idea = suggestion(t, cue, "", locale)
    if idea:
        lines.insert(0, idea)
    rows = [[(t.gettext("Cancel"), callbacks.pack(PREFIX, "x", str(plan_id)))]]
    _await_text(context, RESPONSE, id=plan_id)
    await _reply(update, "\n\n".join(lines), rows)
    return RESPONSE


async def response_written(update: Update, context: BetweenContext) -> object:
    message = update.effective_message
    assert message is not None and message.text
    services = context.services
    person_id = _person_id(context)
    plan_id = _flow(context).get("id")
    response = bare_response(message.text, context.t.locale)
    if await _empty(update, context, response, RESPONSE):
        return RESPONSE
    if not isinstance(plan_id, int) or not await store.rewrite(
        services.db, plan_id, person_id, services.clock(), response=response
    ):
        return await _ask_cue(update, context)
    plan = await store.get(services.db, plan_id, person_id)
    assert plan is not None
    _end_flow(context)
    await _show_card(update, context, plan)
    return ConversationHandler.END


async def _draft_of(update: Update, context: BetweenContext) -> Plan | None:
    """The unsaved draft a card button names, if it is the tapping person's. A button
    on a card already saved (a double tap) is answered quietly; one whose draft was
    cancelled or replaced by a newer plan gets the gentle "expired"."""
    query = update.callback_query
    assert query is not None and query.data is not None
    ident = int(query.data.split(":")[2])
    plan = await store.get(context.services.db, ident, _person_id(context))
    if plan is not None and not plan.saved:
        return plan
    if plan is not None or is_double_tap(context, query):
        await query.answer()
    else:
        await expired_button(update, context)
    return None


async def edit_tapped(update: Update, context: BetweenContext) -> object:
    query = update.callback_query
    assert query is not None and query.data is not None
    if not _consented(context):
        return await _refuse(update, context)
    plan = await _draft_of(update, context)
    if plan is None:
        return ConversationHandler.END
    await query.answer()
    t = context.t
    which = query.data.split(":")[1]
    if which == "ec":
        ask = t.gettext("Write the “if” part again: the moment the plan is for.")
    else:
        ask = t.gettext("Write the “then” part again: what you will do.")
    text = "\n\n".join([sentence(plan.cue, plan.response, plan.locale), ask])
    back = (t.gettext("Keep it as it is"), callbacks.pack(PREFIX, "back", str(plan.plan_id)))
    state = EDIT_CUE if which == "ec" else EDIT_RESPONSE
    _await_text(context, state, id=plan.plan_id)
    await edit(query, text, keyboard([[back]]))
    return state


async def part_rewritten(update: Update, context: BetweenContext, part: str) -> object:
    message = update.effective_message
    assert message is not None and message.text
    services = context.services
    plan_id = _flow(context).get("id")
    plan = (
        await store.get(services.db, plan_id, _person_id(context))
        if isinstance(plan_id, int)
        else None
    )
    if plan is None or plan.saved:
        return await _ask_cue(update, context)
    if part == "cue":
        cue = bare_cue(message.text, plan.locale)
        if await _empty(update, context, cue, EDIT_CUE):
            return EDIT_CUE
        await store.rewrite(
            services.db,
            plan.plan_id,
            plan.user_id,
            services.clock(),
            cue=cue,
            feeling=feeling_family(cue, plan.locale),
        )
    else:
        response = bare_response(message.text, plan.locale)
        if await _empty(update, context, response, EDIT_RESPONSE):
            return EDIT_RESPONSE
        await store.rewrite(
            services.db, plan.plan_id, plan.user_id, services.clock(), response=response
        )
    fresh = await store.get(services.db, plan.plan_id, plan.user_id)
    assert fresh is not None
    _end_flow(context)
    await _show_card(update, context, fresh)
    return ConversationHandler.END


async def back_tapped(update: Update, context: BetweenContext) -> object:
    """Keep it as it is: the card again, in place."""
    plan = await _draft_of(update, context)
    if plan is not None:
        _ends_with(context, plan.plan_id)
        assert update.callback_query is not None
        await update.callback_query.answer()
        await _show_card(update, context, plan)
    return ConversationHandler.END


async def cancel_tapped(update: Update, context: BetweenContext) -> object:
    """Cancel on a card or a step: the draft (if any) is deleted, nothing is kept."""
    query = update.callback_query
    assert query is not None and query.data is not None
    ident = int(query.data.split(":")[2])
    flow = context.memo.get(MEMO)
    current = isinstance(flow, dict) and flow.get("id") == (ident or None)
    discarded = ident > 0 and await store.discard(context.services.db, ident, _person_id(context))
    if not (discarded or current):
        # A saved plan's old card, a replaced draft, or a second tap on Cancel.
        await _draft_of(update, context)
        return None  # a step in progress stays where it was
    if current:
        _end_flow(context)
    await query.answer()
    await edit(query, context.t.gettext("Okay, nothing saved."))
    mark_finished(context, query)
    _log.info("plan cancelled user=%d", _person_id(context))
    return ConversationHandler.END


async def save_tapped(update: Update, context: BetweenContext) -> None:
    query = update.callback_query
    assert query is not None
    if not _consented(context):
        await _no_consent(update, context)
        return
    plan = await _draft_of(update, context)
    if plan is None:
        return
    services = context.services
    if not plan.response:  # never on a card: a step-by-step plan before its "then"
        await query.answer()
        return
    await store.save(services.db, plan.plan_id, plan.user_id, services.clock())
    await query.answer(context.t.gettext("Saved."))
    _ends_with(context, plan.plan_id)
    saved = await store.get(services.db, plan.plan_id, plan.user_id)
    assert saved is not None
    await edit(query, *(await _saved_view(context, saved)))
    mark_finished(context, query)
    _log.info("plan saved user=%d plan=%d", plan.user_id, plan.plan_id)


async def _saved_view(context: BetweenContext, plan: Plan) -> tuple[str, Any]:
    t = context.t
    reminder = await reminders.of_plan(context.services.db, plan.plan_id)
    lines = [t.gettext("Saved."), sentence(plan.cue, plan.response, plan.locale)]
    lines += _comes_back(t, plan, reminder)
    cue = time_cue(plan.cue, plan.locale)
    if cue is not None and reminder is None:
        lines.append(t.gettext("Your cue names a time. Would a reminder then help?"))
    elif not plan.feeling:
        lines.append(
            t.gettext(
                "If it is about a feeling, link it, and it will come back after a "
                "check-in where you feel that."
            )
        )
    return "\n\n".join(lines), keyboard(_view_rows(t, plan, reminder))


# --- /plans and a saved plan's buttons ----------------------------------------------------------


async def _list(context: BetweenContext, page: int = 0) -> tuple[str, list[list[Button]]]:
    """The saved plans, PAGE at a time (each part clipped), so the list always fits in
    one message; numbered buttons open each one."""
    t = context.t
    db = context.services.db
    person_id = _person_id(context)
    saved = await store.of_person(db, person_id)
    new = (t.gettext("Write a new plan"), callbacks.pack(PREFIX, "new"))
    if not saved:
        text = t.gettext(
            "You have no if-then plans yet. Write one as a message, for example: “If I "
            "feel my chest tighten at work, then I will take three slow breaths.” Or "
            "write one step by step."
        )
        return text, [[new]]
    pages = (len(saved) + PAGE - 1) // PAGE
    page = min(max(page, 0), pages - 1)
    first = page * PAGE
    usage = await store.usage(db, person_id)
    lines = [t.gettext("Your if-then plans:")]
    for number, plan in enumerate(saved[first : first + PAGE], start=first + 1):
        line = f"{number}. {sentence(plan.cue, plan.response, plan.locale, LISTED)}"
        if plan.paused:
            line += " " + t.gettext("(paused)")
        used, shown = usage.get(plan.plan_id, (0, 0))
        if shown:
            line += "\n" + t.ngettext(
                "Came back {n} time, used {used}.",
                "Came back {n} times, used {used}.",
                shown,
                used=used,
            )
        lines.append(line)
    active = sum(1 for plan in saved if not plan.paused)
    if active > MANY:
        lines.append(
            t.ngettext(
                "You have {n} active plan. A few tend to work better than many: you could "
                "pause the ones you use least.",
                "You have {n} active plans. A few tend to work better than many: you could "
                "pause the ones you use least.",
                active,
            )
        )
    lines.append(t.gettext("Tap a number to pause, resume or delete a plan."))
    numbers = [
        (str(number), callbacks.pack(PREFIX, "v", str(plan.plan_id)))
        for number, plan in enumerate(saved[first : first + PAGE], start=first + 1)
    ]
    turns: list[Button] = []
    if page > 0:
        turns.append((t.gettext("‹ Earlier"), callbacks.pack(PREFIX, "page", str(page - 1))))
    if page < pages - 1:
        turns.append((t.gettext("Later ›"), callbacks.pack(PREFIX, "page", str(page + 1))))
    rows = [*in_rows(numbers, 4)]
    if turns:
        rows.append(turns)
    return "\n\n".join(lines), [*rows, [new]]


async def plans_command(update: Update, context: BetweenContext) -> None:
    message = update.effective_message
    if message is None:
        return
    text, rows = await _list(context)
    await message.reply_text(text, reply_markup=keyboard(rows))


async def list_tapped(update: Update, context: BetweenContext) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    await query.answer()
    fields = query.data.split(":")
    text, rows = await _list(context, int(fields[2]) if len(fields) == 3 else 0)
    await edit(query, text, keyboard(rows))


async def _owned(update: Update, context: BetweenContext) -> Plan | None:
    """The saved plan a card button names, if it is the tapping person's."""
    query = update.callback_query
    assert query is not None and query.data is not None
    ident = int(query.data.split(":")[2])
    plan = await store.get(context.services.db, ident, _person_id(context))
    if plan is None or not plan.saved:
        if is_double_tap(context, query):
            await query.answer()
        else:
            await expired_button(update, context)
        return None
    return plan


async def _show_view(update: Update, context: BetweenContext, plan: Plan) -> None:
    query = update.callback_query
    assert query is not None
    db = context.services.db
    reminder = await reminders.of_plan(db, plan.plan_id)
    usage = await store.usage(db, plan.user_id)
    text = view_text(context.t, plan, reminder, usage.get(plan.plan_id, (0, 0)))
    await edit(query, text, keyboard(_view_rows(context.t, plan, reminder)))


async def view_tapped(update: Update, context: BetweenContext) -> None:
    plan = await _owned(update, context)
    if plan is None:
        return
    await update.callback_query.answer()  # type: ignore[union-attr]
    await _show_view(update, context, plan)


async def pause_tapped(update: Update, context: BetweenContext, paused: bool) -> None:
    plan = await _owned(update, context)
    if plan is None:
        return
    query = update.callback_query
    assert query is not None
    services = context.services
    await store.set_paused(services.db, plan.plan_id, plan.user_id, paused, services.clock())
    await services.scheduler.refresh_person(plan.user_id)
    await query.answer(context.t.gettext("Paused.") if paused else context.t.gettext("Resumed."))
    _log.info(
        "plan %s user=%d plan=%d", "paused" if paused else "resumed", plan.user_id, plan.plan_id
    )
    fresh = await store.get(services.db, plan.plan_id, plan.user_id)
    if fresh is not None:
        await _show_view(update, context, fresh)


async def delete_tapped(update: Update, context: BetweenContext) -> None:
    plan = await _owned(update, context)
    if plan is None:
        return
    query = update.callback_query
    assert query is not None
    await query.answer()
    t = context.t
    ident = str(plan.plan_id)
    text = "\n\n".join(
        [
            sentence(plan.cue, plan.response, plan.locale),
            t.gettext("Delete this plan? The record of when you used it goes with it."),
        ]
    )
    rows = [
        [
            (t.gettext("Yes, delete the plan"), callbacks.pack(PREFIX, "delok", ident)),
            (t.gettext("Keep it"), callbacks.pack(PREFIX, "v", ident)),
        ]
    ]
    await edit(query, text, keyboard(rows))


async def delete_confirmed(update: Update, context: BetweenContext) -> None:
    plan = await _owned(update, context)
    if plan is None:
        return
    query = update.callback_query
    assert query is not None
    services = context.services
    await store.delete(services.db, plan.plan_id, plan.user_id)
    await services.scheduler.refresh_person(plan.user_id)
    await query.answer()
    t = context.t
    await edit(
        query,
        t.gettext("Deleted."),
        keyboard([[(t.gettext("Your plans"), callbacks.pack(PREFIX, "list"))]]),
    )
    mark_finished(context, query)
    _log.info("plan deleted user=%d plan=%d", plan.user_id, plan.plan_id)


async def reminder_tapped(update: Update, context: BetweenContext, on: bool) -> None:
    plan = await _owned(update, context)
    if plan is None:
        return
    query = update.callback_query
    assert query is not None
    services = context.services
    cue = time_cue(plan.cue, plan.locale)
    slot = _slot(cue) if on and cue is not None else None
    await reminders.set_for_plan(
        services.db, user_id=plan.user_id, plan_id=plan.plan_id, slot=slot, now=services.clock()
    )
    await services.scheduler.refresh_person(plan.user_id)
    t = context.t
    if slot is not None and cue is not None:
        await query.answer(
            t.gettext("Reminder set: {when}.", when=when_text(t, cue.weekdays, cue.at))
        )
    else:
        await query.answer(t.gettext("No reminder for this plan."))
    _log.info(
        "plan reminder %s user=%d plan=%d", "on" if slot else "off", plan.user_id, plan.plan_id
    )
    await _show_view(update, context, plan)


async def feelings_tapped(update: Update, context: BetweenContext) -> None:
    plan = await _owned(update, context)
    if plan is None:
        return
    query = update.callback_query
    assert query is not None
    await query.answer()
    t = context.t
    ident = str(plan.plan_id)
    families = [
        (family_name(t, core), callbacks.pack(PREFIX, "fl", ident, core)) for core in wheel().cores
    ]
    rows = [
        *in_rows(families, 2),
        [(t.gettext("Not about a feeling"), callbacks.pack(PREFIX, "fl", ident, NO_FEELING))],
    ]
    text = "\n\n".join(
        [
            sentence(plan.cue, plan.response, plan.locale),
            t.gettext(
                "Which feeling is this plan for? It will come back after a check-in in "
                "that part of the wheel."
            ),
        ]
    )
    await edit(query, text, keyboard(rows))


async def feeling_chosen(update: Update, context: BetweenContext) -> None:
    plan = await _owned(update, context)
    if plan is None:
        return
    query = update.callback_query
    assert query is not None and query.data is not None
    family = query.data.split(":")[3]
    services = context.services
    chosen = None if family == NO_FEELING else family
    await store.set_feeling(services.db, plan.plan_id, plan.user_id, chosen, services.clock())
    await query.answer()
    _log.info("plan feeling linked user=%d plan=%d", plan.user_id, plan.plan_id)
    fresh = await store.get(services.db, plan.plan_id, plan.user_id)
    if fresh is not None:
        await _show_view(update, context, fresh)


# --- brought back: after a check-in, or by its reminder -------------------------------------


def _use_rows(t: Translator, use_id: int) -> list[list[Button]]:
    ident = str(use_id)
    return [
        [
            (t.gettext("I used it"), callbacks.pack(PREFIX, "u", ident, store.USED)),
            (t.gettext("Not now"), callbacks.pack(PREFIX, "u", ident, "not")),
        ]
    ]


async def after_checkin(update: Update, context: BetweenContext, row: checkins.CheckIn) -> None:
    """Right after a check-in: the person's latest active plan for that feeling family."""
    person = context.person
    if person is None:
        return
    place = wheel().place(row.place)
    if place is None:
        return
    services = context.services
    found = await store.active_for_feeling(services.db, person.user_id, place.family)
    if not found:
        return
    plan = found[0]
    use_id = await store.shown(
        services.db,
        plan.plan_id,
        person.user_id,
        source=store.FROM_CHECKIN,
        now=services.clock(),
        checkin_id=row.id,
    )
    t = context.t
    text = "\n\n".join(
        [
            t.gettext("You made a plan for a moment like this one:"),
            sentence(plan.cue, plan.response, plan.locale),
        ]
    )
    try:
        await _reply(update, text, _use_rows(t, use_id))
    except Exception:
        await store.forget_use(services.db, use_id)  # never shown: not counted
        raise
    _log.info("plan shown after check-in user=%d plan=%d", person.user_id, plan.plan_id)


async def render(services: Services, delivery: Delivery, occasion: str) -> Outgoing | None:
    """A plan's reminder, or None when the plan is gone or paused. No follow-up."""
    if occasion not in (FIRST, RETRY) or delivery.plan_id is None:
        return None
    plan = await store.get(services.db, delivery.plan_id, delivery.user_id)
    person = await users.get(services.db, delivery.user_id)
    if plan is None or plan.paused or not plan.saved or person is None:
        return None
    use = await store.use_of_delivery(services.db, delivery.delivery_id)
    use_id = (
        use.use_id
        if use is not None
        else await store.shown(
            services.db,
            plan.plan_id,
            plan.user_id,
            source=store.FROM_REMINDER,
            now=services.clock(),
            delivery_id=delivery.delivery_id,
        )
    )
    t = person_translator(services, person)
    text = "\n\n".join(
        [t.gettext("Your plan for this moment:"), sentence(plan.cue, plan.response, plan.locale)]
    )
    return Outgoing(text, keyboard(_use_rows(t, use_id)))


def register_renderers(application: Any, scheduler: Scheduler) -> None:
    services = application.bot_data[SERVICES_KEY]
    assert isinstance(services, Services)
    scheduler.register(reminders.PLAN, partial(render, services))


async def use_answered(update: Update, context: BetweenContext) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    _prefix, _action, ident, value = query.data.split(":")
    services = context.services
    person_id = _person_id(context)
    use = await store.get_use(services.db, int(ident), person_id)
    if use is None:
        await expired_button(update, context)
        return
    plan = await store.get(services.db, use.plan_id, person_id)
    answer = store.USED if value == store.USED else store.NOT_NOW
    stored = await store.answer(services.db, use.use_id, person_id, answer, services.clock())
    await query.answer()
    if not stored:
        return  # answered already: a double tap changes nothing
    t = context.t
    lines = [sentence(plan.cue, plan.response, plan.locale)] if plan else []
    if answer == store.USED:
        lines.append(t.gettext("Noted: you used your plan. Each time counts."))
    else:
        lines.append(t.gettext("That's okay. It will be here next time."))
    await edit(query, "\n\n".join(lines))
    _log.info("plan use answered user=%d use=%d answer=%s", person_id, use.use_id, answer)


# --- wiring ------------------------------------------------------------------------------------


class _PlanShaped(filters.MessageFilter):
    """A typed message that reads as an if-then plan in a supported language."""

    def filter(self, message: Message) -> bool:
        text = message.text
        return bool(text) and parse_plan(text or "") is not None


PLAN_SHAPED = _PlanShaped(name="plan_shaped")


def _with_id(action: str) -> str:
    return rf"^{PREFIX}:{action}:{ID}\Z"


def conversation(application: Any) -> ConversationHandler[BetweenContext]:
    """The steps that wait for typed words: the first handler of the features' group."""
    Tap = CallbackQueryHandler[BetweenContext, object]
    Text = MessageHandler[BetweenContext, object]
    services = application.bot_data[SERVICES_KEY]
    assert isinstance(services, Services)

    def typed(state: str) -> filters.BaseFilter:
        awaited = AwaitsText(
            application.user_data, services.clock, PREFIX, MEMO, state, IDLE_TIMEOUT
        )
        return PRIVATE & filters.TEXT & ~filters.COMMAND & awaited

    back = Tap(back_tapped, pattern=_with_id("back"))
    return ConversationHandler(
        entry_points=[
            CommandHandler("plan", plan_command, filters=PRIVATE),
            Tap(new_tapped, pattern=callbacks.pattern(f"{PREFIX}:new")),
            Tap(edit_tapped, pattern=rf"^{PREFIX}:(ec|er):{ID}\Z"),
        ],
        states={
            CUE: [Text(typed(CUE), step(cue_written))],
            RESPONSE: [Text(typed(RESPONSE), step(response_written))],
            EDIT_CUE: [Text(typed(EDIT_CUE), step(partial(part_rewritten, part="cue"))), back],
            EDIT_RESPONSE: [
                Text(typed(EDIT_RESPONSE), step(partial(part_rewritten, part="response"))),
                back,
            ],
        },
        fallbacks=[Tap(cancel_tapped, pattern=_with_id("x"))],
        conversation_timeout=IDLE_TIMEOUT,
        name=NAME,
        persistent=True,
        allow_reentry=True,
    )


def handlers() -> list[BaseHandler[Update, BetweenContext, Any]]:
    """For the features' group, after every flow that waits for text (a plan-shaped
    message in the middle of one belongs to that flow): a plan sent as a message, its
    card's buttons, /plans and a saved plan's buttons."""
    Tap = CallbackQueryHandler[BetweenContext, None]
    typed = PRIVATE & filters.TEXT & ~filters.COMMAND
    families = "|".join([*wheel().cores, NO_FEELING])
    return [
        MessageHandler(typed & PLAN_SHAPED, written),
        Tap(save_tapped, pattern=_with_id("save")),
        CallbackQueryHandler[BetweenContext, object](cancel_tapped, pattern=_with_id("x")),
        CallbackQueryHandler[BetweenContext, object](back_tapped, pattern=_with_id("back")),
        CommandHandler("plans", plans_command, filters=PRIVATE),
        Tap(list_tapped, pattern=callbacks.pattern(f"{PREFIX}:list")),
        Tap(list_tapped, pattern=rf"^{PREFIX}:page:(\d{{1,4}})\Z"),
        Tap(view_tapped, pattern=_with_id("v")),
        Tap(partial(pause_tapped, paused=True), pattern=_with_id("pause")),
        Tap(partial(pause_tapped, paused=False), pattern=_with_id("resume")),
        Tap(delete_tapped, pattern=_with_id("del")),
        Tap(delete_confirmed, pattern=_with_id("delok")),
        Tap(partial(reminder_tapped, on=True), pattern=_with_id("rem")),
        Tap(partial(reminder_tapped, on=False), pattern=_with_id("remoff")),
        Tap(feelings_tapped, pattern=_with_id("lf")),
        Tap(feeling_chosen, pattern=rf"^{PREFIX}:fl:{ID}:({families})\Z"),
        Tap(use_answered, pattern=rf"^{PREFIX}:u:{ID}:({store.USED}|not)\Z"),
    ]
