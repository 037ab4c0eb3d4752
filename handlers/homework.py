"""/homework: record what the therapist suggested, the five questions, the card.

The questions live in one message, edited in place after a tap (after typed text, the
next question is a new message): what the therapist suggested → what makes me want to
avoid it → the smallest version (a kind, then its suggestions or my own words) → the
daily habit it follows, the time I usually do that and on which days → something
enjoyable to pair it with → do I understand why it helps. Every question can be skipped,
and every answer is stored as it is given: leaving half-way loses nothing.

The result is a card ("After I get into bed, I will tap one feeling and a number."), with
Done today, Edit, Pause/Resume, Delete and Add another time. Card buttons carry the
homework id and are checked against the person who taps: they work from any old card,
and forged data never reaches another person's rows.
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import replace
from datetime import timedelta
from html import escape
from typing import Any

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
from bot.nudging import Slot
from bot.recurrence import EVERY_DAY, hhmm, parse_hhmm
from bot.store import homework, reminders
from bot.store.homework import Homework
from bot.times import parse_time
from bot.weeks import zone
from content.homework import ANCHOR_TIMES, ANCHORS, AVOID_REASONS, KIND_BY_KEY, KINDS, TINY_TEXT
from handlers.cards import (
    WEEKDAYS,
    WEEKENDS,
    card_sentence,
    day_names,
    days_engaged_this_week,
    days_text,
    done_on,
    time_text,
    today,
    week_order,
)
from handlers.common import (
    KEEPS_TEXT,
    PRIVATE,
    Button,
    edit,
    expired_button,
    ignore_taps,
    in_rows,
    is_double_tap,
    keyboard,
    mark_finished,
)

_log = logging.getLogger(__name__)

PREFIX = "hw"
NAME = "homework"
# A flow left alone this long (seconds) ends; its buttons then say so.
IDLE_TIMEOUT = timedelta(hours=1)
MEMO = "homework"
SOURCES = ("command", "menu", "onboarding", "again", "nudge", "session")

LIST, TEXT, AVOID, AVOID_OWN, KIND, TINY, TINY_OWN = (
    "hw_list", "hw_text", "hw_avoid", "hw_avoid_own", "hw_kind", "hw_tiny", "hw_tiny_own",
)  # fmt: skip
ANCHOR, ANCHOR_OWN, TIME, DAYS, PICK, PAIR, WHY = (
    "hw_anchor", "hw_anchor_own", "hw_time", "hw_days", "hw_pick", "hw_pair", "hw_why",
)  # fmt: skip
# States that wait for words to keep whatever they say: a crisis message typed there
# gets the crisis reply first, and is still kept (handlers.safety.keeps_text).
KEEPS = frozenset({TEXT, AVOID_OWN, KIND, TINY, TINY_OWN, ANCHOR, ANCHOR_OWN, PAIR})

NEW, EDIT, ADD_SLOT = "new", "edit", "slot"
# The five questions, in order; "habit" is the habit, its time and its days.
STEPS = ("avoid", "tiny", "habit", "pair", "why")
PARTS: dict[str, str] = {
    "text": N_("What my therapist suggested"),
    "avoid": N_("Why I avoid it"),
    "tiny": N_("The smallest version"),
    "habit": N_("The daily habit, time and days"),
    "pair": N_("What I pair it with"),
    "why": N_("Why it helps"),
}
DAY_CHOICES = {"all": EVERY_DAY, "wk": WEEKDAYS, "we": WEEKENDS}
TIME_AROUND = (-30, 0, 30)  # minutes around the habit's usual time, offered as buttons
OTHER_TIMES = ("07:30", "12:30", "18:00", "21:00")  # when the habit is the person's own
ID = r"([0-9]{1,12})"
LONGEST_SHOWN = 600  # characters of one thing the person wrote, shown on a card
SHOWN_IN_LIST = 160
LIST_LIMIT = 3500  # characters of the list's text, well under Telegram's 4096
MOST_LISTED = 30


# ---- copy -------------------------------------------------------------------------------------


def _clip(text: str, limit: int) -> str:
    """At most `limit` characters of what the person wrote (not escaped)."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _shown(item: Homework, limit: int = LONGEST_SHOWN) -> Homework:
    """The item with what the person wrote clipped for display (the row stays verbatim)."""

    def clip(value: str | None) -> str | None:
        return _clip(value, limit) if value is not None else None

    return replace(
        item,
        text=_clip(item.text, limit),
        tiny_own=clip(item.tiny_own),
        anchor_own=clip(item.anchor_own),
        pairing=clip(item.pairing),
        avoid_own=clip(item.avoid_own),
    )


def _plain_tiny(t: Translator, item: Homework) -> str:
    """The smallest version as plain text (for a button label)."""
    if item.tiny_own:
        return item.tiny_own
    if item.tiny_key in TINY_TEXT:
        return t.gettext(TINY_TEXT[item.tiny_key])
    return item.text


def _skip(t: Translator, mode: str) -> str:
    return t.gettext("Skip") if mode == NEW else t.gettext("Leave it out")


def _rows_end(t: Translator, flow: dict[str, Any], skip: str) -> list[list[Button]]:
    """The last row of a question: Skip (or, when editing, Leave it out and « Back)."""
    mode = str(flow.get("mode", NEW))
    row: list[Button] = [(_skip(t, mode), callbacks.pack(PREFIX, skip, "skip"))]
    if mode != NEW and "id" in flow:
        row.append((t.gettext("« Back"), callbacks.pack(PREFIX, "open", str(flow["id"]))))
    return [row]


def _back_row(t: Translator, flow: dict[str, Any]) -> list[list[Button]]:
    if flow.get("mode", NEW) != NEW and "id" in flow:
        return [[(t.gettext("« Back"), callbacks.pack(PREFIX, "open", str(flow["id"])))]]
    return []


def _time_choices(usual: str | None) -> list[str]:
    if usual is None:
        return list(OTHER_TIMES)
    at = parse_hhmm(usual)
    base = at.hour * 60 + at.minute
    return [
        f"{((base + shift) % 1440) // 60:02d}:{((base + shift) % 1440) % 60:02d}"
        for shift in TIME_AROUND
    ]


async def _screen(context: BetweenContext, state: str) -> tuple[str, list[list[Button]]]:
    """The question asked in this state, with its keyboard (also shown again after a hint)."""
    t = context.t
    flow = memo(context)
    mode = str(flow.get("mode", NEW))
    if state == LIST:
        return await list_screen(context)
    if state == TEXT:
        text = t.gettext(
            "What did your therapist suggest for this week? Write it in your own words, as "
            "short or as long as you like. Next, we'll make it small enough to happen even "
            "on a hard day."
        )
        if mode == NEW:
            return text, [[(t.gettext("Not now"), callbacks.pack(PREFIX, "x"))]]
        return text, _back_row(t, flow)
    if state == AVOID:
        lines = []
        item = await _item(context)
        if mode == NEW and item is not None:
            lines.append(
                t.gettext("Saved: {homework}", homework=f"<i>{escape(_clip(item.text, 300))}</i>")
            )
        lines.append(
            t.gettext(
                "Homework often gets put off, and that's human. What makes you want to avoid "
                "this one? Knowing it helps to find the right way to make it smaller."
            )
        )
        buttons = [
            (t.gettext(label), callbacks.pack(PREFIX, "av", key))
            for key, label in AVOID_REASONS.items()
        ]
        return "\n\n".join(lines), [*in_rows(buttons, 2), *_rows_end(t, flow, "av")]
    if state == AVOID_OWN:
        text = t.gettext("In your own words: what gets in the way?")
        return text, _rows_end(t, flow, "avo")
    if state == KIND:
        text = t.gettext(
            "Now the smallest version: something that takes under a minute, so that it can "
            "happen even on a hard day. Small, imperfect steps count.\n\n"
            "What kind of homework is it? Or type your own tiny version."
        )
        if mode == NEW:
            text += "\n\n" + t.gettext("If you skip this, the whole homework is the step.")
        buttons = [(t.gettext(kind.label), callbacks.pack(PREFIX, "k", kind.key)) for kind in KINDS]
        return text, [*in_rows(buttons, 2), *_rows_end(t, flow, "k")]
    if state == TINY:
        kind = KIND_BY_KEY.get(str(flow.get("kind")), KINDS[-1])
        text = t.gettext(
            "<b>{kind}</b>: a few tiny versions. Pick one, or write your own.",
            kind=escape(t.gettext(kind.label)),
        )
        rows = [
            [(t.gettext(label), callbacks.pack(PREFIX, "t", key))]
            for key, label in kind.tiny.items()
        ]
        rows.append([(t.gettext("In my own words"), callbacks.pack(PREFIX, "t", "own"))])
        rows.append([(t.gettext("« Back"), callbacks.pack(PREFIX, "t", "back"))])
        return text, rows + _rows_end(t, flow, "t")
    if state == TINY_OWN:
        text = t.gettext(
            "What is the smallest version you could do, even on a hard day? Write it to "
            "follow “I will …”, for example: “read one page”."
        )
        return text, _rows_end(t, flow, "to")
    if state == ANCHOR:
        text = t.gettext(
            "A tiny step sticks best when it follows something you already do every day. "
            "After which moment of your day would it fit? Tap one, or type your own."
        )
        buttons = [
            (t.gettext(label), callbacks.pack(PREFIX, "a", key)) for key, label in ANCHORS.items()
        ]
        buttons.append((t.gettext("Something else"), callbacks.pack(PREFIX, "a", "own")))
        return text, [*in_rows(buttons, 2), *_rows_end(t, flow, "a")]
    if state == ANCHOR_OWN:
        text = t.gettext(
            "Which everyday moment? Write it to follow “After I …”, for example: “walk the dog”."
        )
        return text, _rows_end(t, flow, "ao")
    if state == TIME:
        return _time_screen(context, flow)
    if state == DAYS:
        text = t.gettext("On which days?")
        rows = [
            [
                (t.gettext("Every day"), callbacks.pack(PREFIX, "d", "all")),
                (t.gettext("Weekdays"), callbacks.pack(PREFIX, "d", "wk")),
            ],
            [
                (t.gettext("Weekends"), callbacks.pack(PREFIX, "d", "we")),
                (t.gettext("Choose days"), callbacks.pack(PREFIX, "d", "pick")),
            ],
        ]
        return text, rows + _back_row(t, flow)
    if state == PICK:
        chosen = {int(day) for day in flow.get("days", [])}
        names = day_names(t)
        buttons = [
            (("✓ " if day in chosen else "") + names[day], callbacks.pack(PREFIX, "dt", str(day)))
            for day in week_order(t)
        ]
        text = t.gettext("Tap the days you want, then Done.")
        rows = [*in_rows(buttons, 4), [(t.gettext("Done"), callbacks.pack(PREFIX, "dd"))]]
        return text, rows + _back_row(t, flow)
    if state == PAIR:
        text = t.gettext(
            "Is there something enjoyable you could pair it with? A cup of tea, a favourite "
            "song, a comfortable spot. Something you like makes a task easier to start. "
            "Type it, or skip."
        )
        return text, _rows_end(t, flow, "p")
    if state == WHY:
        text = t.gettext(
            "Do you understand why this homework helps? It's fine not to be sure: that is a "
            "good question for your therapist, and I can put it on your list."
        )
        rows = [
            [
                (t.gettext("Yes"), callbacks.pack(PREFIX, "w", "yes")),
                (t.gettext("Not really"), callbacks.pack(PREFIX, "w", "no")),
            ]
        ]
        return text, rows + _rows_end(t, flow, "w")
    raise ValueError(state)


def _time_screen(context: BetweenContext, flow: dict[str, Any]) -> tuple[str, list[list[Button]]]:
    t = context.t
    usual = flow.get("usual")
    lines = [
        t.gettext(
            "When do you usually do that? I'll send a short nudge then. Tap a time, or type "
            "one, like 21:30 or 9:30 pm."
        )
    ]
    person = context.person
    if person is not None and person.timezone is None:
        lines.append(t.gettext("Nudges need your time zone: you can set it with /timezone."))
    buttons = [
        (time_text(t, parse_hhmm(at)), callbacks.pack(PREFIX, "tm", at.replace(":", "")))
        for at in _time_choices(usual if isinstance(usual, str) else None)
    ]
    rows = in_rows(buttons, 4)
    if flow.get("mode") == ADD_SLOT:
        rows += _back_row(t, flow)
    else:
        row: list[Button] = [(t.gettext("No reminder"), callbacks.pack(PREFIX, "tm", "skip"))]
        if flow.get("mode") == EDIT and "id" in flow:
            row.append((t.gettext("« Back"), callbacks.pack(PREFIX, "open", str(flow["id"]))))
        rows.append(row)
    return "\n\n".join(lines), rows


async def card_screen(
    context: BetweenContext, item: Homework, note: str | None = None
) -> tuple[str, list[list[Button]]]:
    """The tiny-habit card: the sentence, when and on which days, the pairing, and what is
    on the list for the therapist; with its buttons."""
    t = context.t
    person = context.person
    assert person is not None
    services = context.services
    shown = _shown(item)
    lines = []
    if note:
        lines.append(note)
    lines.append(f"<b>{card_sentence(t, shown)}</b>")
    slots = [r.slot for r in await reminders.of_homework(services.db, item.homework_id)]
    when = [
        f"⏰ {escape(time_text(t, slot.at))} · {escape(days_text(t, slot.weekdays))}"
        for slot in sorted(slots, key=lambda slot: (slot.at, min(slot.weekdays)))
    ]
    if when:
        lines.append("\n".join(when))
    if item.pairing:
        lines.append(t.gettext("With: {pairing}", pairing=escape(shown.pairing or "")))
    if item.understands_why == 0:
        lines.append(t.gettext("On my list to ask my therapist: why it helps."))
    if item.tiny_own or item.tiny_key:
        lines.append(
            t.gettext(
                "From my therapist: {homework}",
                homework=f"<i>{escape(_clip(item.text, 300))}</i>",
            )
        )
    if item.paused:
        lines.append(t.gettext("Paused: no nudges until you resume it."))
    elif slots and person.timezone is None:
        lines.append(t.gettext("Nudges need your time zone: you can set it with /timezone."))
    rollover = services.settings.day_rollover
    if await done_on(services.db, item, today(context), zone(person.timezone), rollover):
        lines.append(t.gettext("Done today. Small steps count."))
    ident = str(item.homework_id)
    pause = (
        (t.gettext("Resume"), callbacks.pack(PREFIX, "resume", ident))
        if item.paused
        else (t.gettext("Pause"), callbacks.pack(PREFIX, "pause", ident))
    )
    add_time = t.gettext("Add another time") if slots else t.gettext("Add a reminder time")
    rows = [
        [
            (t.gettext("Done today"), callbacks.pack(PREFIX, "done", ident)),
            (t.gettext("Edit"), callbacks.pack(PREFIX, "edit", ident)),
        ],
        [pause, (t.gettext("Delete"), callbacks.pack(PREFIX, "del", ident))],
        [(add_time, callbacks.pack(PREFIX, "slot", ident))],
        [(t.gettext("« All homework"), callbacks.pack(PREFIX, "list"))],
    ]
    return "\n\n".join(lines), rows


async def list_screen(context: BetweenContext) -> tuple[str, list[list[Button]]]:
    """Every homework item, a button for each, Add homework, and the days practised."""
    t = context.t
    person = context.person
    assert person is not None
    items = await homework.of_person(context.services.db, person.user_id)
    lines = [t.gettext("<b>Your homework</b>")]
    rows: list[list[Button]] = []
    length = 0
    for number, item in enumerate(items[:MOST_LISTED], start=1):
        sentence = card_sentence(t, _shown(item, SHOWN_IN_LIST))
        line = f"{number}. {sentence}"
        if item.paused:
            line += " " + t.gettext("(paused)")
        length += len(line)
        if length < LIST_LIMIT:
            lines.append(line)
        label = f"{number}. {_clip(_plain_tiny(t, item), 40)}"
        if item.paused:
            label = "⏸ " + label
        rows.append([(label, callbacks.pack(PREFIX, "open", str(item.homework_id)))])
    if length >= LIST_LIMIT:
        lines.append("…")
    engaged = await days_engaged_this_week(context)
    lines.append(
        t.ngettext(
            "Days you practised this week: {n}", "Days you practised this week: {n}", engaged
        )
    )
    rows.append([(t.gettext("Add homework"), callbacks.pack(PREFIX, "add"))])
    return "\n\n".join(lines), rows


def edit_menu(t: Translator, item: Homework) -> tuple[str, list[list[Button]]]:
    text = "\n\n".join(
        [f"<b>{card_sentence(t, _shown(item))}</b>", t.gettext("What would you like to change?")]
    )
    ident = str(item.homework_id)
    rows = [
        [(t.gettext(label), callbacks.pack(PREFIX, "e", part, ident))]
        for part, label in PARTS.items()
    ]
    rows.append([(t.gettext("« Back"), callbacks.pack(PREFIX, "open", ident))])
    return text, rows


# ---- state ------------------------------------------------------------------------------------


def memo(context: BetweenContext) -> dict[str, Any]:
    flow = context.memo.get(MEMO)
    if not isinstance(flow, dict):
        flow = {}
        context.memo[MEMO] = flow
    return flow


def _begin(
    context: BetweenContext, mode: str, item_id: int | None = None, source: str | None = None
) -> dict[str, Any]:
    """A new run of questions (a new homework, one part edited, or one more time)."""
    flow: dict[str, Any] = {"mode": mode, "seen": context.services.clock().timestamp()}
    if item_id is not None:
        flow["id"] = item_id
    if source is not None:
        flow["src"] = source
    context.memo[MEMO] = flow
    return flow


def _own(context: BetweenContext, message_id: int) -> None:
    """A message of this run: its latest is edited in place, and taps on any of them
    count (a button of an earlier run does not)."""
    flow = memo(context)
    flow["msg"] = message_id
    if message_id not in flow.get("msgs", []):
        flow["msgs"] = [*flow.get("msgs", [])[-19:], message_id]


def _settle(context: BetweenContext, state: object) -> None:
    """Keep typed text, even a crisis message, only while a question waits for words."""
    flow = context.memo.get(MEMO)
    if state is None and isinstance(flow, dict):
        state = flow.get("state")  # nothing changed: the run is where it was
    if isinstance(state, str) and isinstance(flow, dict):
        flow["state"] = state
    if isinstance(state, str) and state in KEEPS:
        moment = context.services.clock() + IDLE_TIMEOUT
        context.memo[KEEPS_TEXT] = moment.timestamp()
    else:
        context.memo.pop(KEEPS_TEXT, None)


def _person_id(context: BetweenContext) -> int:
    assert context.person is not None
    return context.person.user_id


async def _item(context: BetweenContext) -> Homework | None:
    ident = memo(context).get("id")
    if not isinstance(ident, int):
        return None
    return await homework.get(context.services.db, ident, _person_id(context))


async def _store(context: BetweenContext, part: str, **fields: object) -> None:
    """Answers of this run, into its homework row (only ever the person's own)."""
    ident = memo(context).get("id")
    if not isinstance(ident, int):
        return
    services = context.services
    await homework.update(services.db, ident, _person_id(context), services.clock(), **fields)
    _log.info("homework answer user=%d homework=%d part=%s", _person_id(context), ident, part)


async def _answer(update: Update, text: str | None = None) -> CallbackQuery | None:
    query = update.callback_query
    if query is not None:
        await query.answer(text)
    return query


async def _show(
    update: Update,
    context: BetweenContext,
    text: str,
    rows: list[list[Button]],
    *,
    new: bool = False,
) -> None:
    """Edit the tapped message in place (or, after typed text or when `new`, send a new
    one); a message shown during a run becomes the run's."""
    markup = keyboard(rows) if rows else None
    query = update.callback_query
    in_run = isinstance(context.memo.get(MEMO), dict)
    if query is not None and not new and isinstance(query.message, Message):
        await edit(query, text, markup)
        if in_run:
            _own(context, query.message.message_id)
        return
    target = query.message if query is not None else update.effective_message
    if isinstance(target, Message):
        sent = await target.reply_text(text, reply_markup=markup)
        if in_run:
            _own(context, sent.message_id)


async def _ask(update: Update, context: BetweenContext, state: str, *, new: bool = False) -> str:
    text, rows = await _screen(context, state)
    mode = memo(context).get("mode")
    if mode != NEW and state not in (LIST, TEXT):
        item = await _item(context)
        if item is not None:
            text = f"<b>{card_sentence(context.t, _shown(item, 300))}</b>\n\n{text}"
    await _show(update, context, text, rows, new=new)
    return state


FIRST_STATE = {"avoid": AVOID, "tiny": KIND, "habit": ANCHOR, "pair": PAIR, "why": WHY}


async def _next(update: Update, context: BetweenContext, done: str) -> str | int:
    """After one question: the next one (a new homework), or the card (an edit)."""
    if memo(context).get("mode") != NEW:
        return await _to_card(update, context)
    index = STEPS.index(done) + 1 if done in STEPS else 0
    if index >= len(STEPS):
        return await _to_card(update, context)
    return await _ask(update, context, FIRST_STATE[STEPS[index]])


async def _to_card(update: Update, context: BetweenContext, note: str | None = None) -> int:
    item = await _item(context)
    context.memo.pop(MEMO, None)
    if item is None:
        await _ended(update, context)
        return ConversationHandler.END
    text, rows = await card_screen(context, item, note)
    if update.callback_query is not None:  # before the reply: a tap seen after it is a second
        mark_finished(context, update.callback_query)
    await _show(update, context, text, rows)
    _log.info("homework card shown user=%d homework=%d", item.user_id, item.homework_id)
    return ConversationHandler.END


def _typed(update: Update) -> str:
    message = update.effective_message
    assert message is not None and message.text is not None
    return message.text


async def _kept_after_crisis(update: Update, context: BetweenContext) -> int:
    """The crisis reply came first; the words are kept, and no more questions now."""
    message = update.effective_message
    context.memo.pop(MEMO, None)
    if message is not None:
        await message.reply_text(
            context.t.gettext(
                "I've kept what you wrote. There's no rush with the rest: /homework is here "
                "whenever you're ready, and /sos is one tap away."
            )
        )
    _log.info("homework kept after a crisis reply user=%d", _person_id(context))
    return ConversationHandler.END


async def _no_consent(update: Update, context: BetweenContext) -> None:
    t = context.t
    text = t.gettext(
        "Your homework is kept so that I can show it to you and nudge you at the right "
        "moment, and I keep nothing without your consent. You can give it in /settings, "
        "whenever you like."
    )
    query = update.callback_query
    target = query.message if query is not None else update.effective_message
    if isinstance(target, Message):
        await target.reply_text(text)


async def _ended(update: Update, context: BetweenContext) -> None:
    t = context.t
    query = update.callback_query
    if query is not None:
        await query.answer(t.gettext("That step has ended."))
    _log.info("homework step already ended user=%d", _person_id(context))
    target = query.message if query is not None else update.effective_message
    if isinstance(target, Message):
        await target.reply_text(
            t.gettext(
                "That belongs to a homework step that has ended; anything you saved is kept."
            ),
            reply_markup=keyboard(
                [[(t.gettext("Your homework"), callbacks.pack(PREFIX, "new", "again"))]]
            ),
        )


async def _gone(update: Update, context: BetweenContext) -> None:
    """A card button for homework that is not (or no longer) this person's: a second tap
    on what just deleted it changes nothing; anything else gets the generic reply."""
    query = update.callback_query
    if query is not None and is_double_tap(context, query):
        await query.answer()
        return
    _log.info("homework button without an item user=%d", _person_id(context))
    await expired_button(update, context)


def guarded(callback: Any, state: str) -> Any:
    """Every step of a run: only the run's own messages are tapped (an older one gets a
    gentle "expired"), a run idle for longer than IDLE_TIMEOUT (say, restored after a
    restart) has ended, and nothing is stored once consent is withdrawn."""

    async def run(update: Update, context: BetweenContext) -> str | int:
        flow = context.memo.get(MEMO)
        now = context.services.clock().timestamp()
        query = update.callback_query
        seen = flow.get("seen") if isinstance(flow, dict) else None
        if not isinstance(seen, int | float) or now - seen > IDLE_TIMEOUT.total_seconds():
            context.memo.pop(MEMO, None)
            _settle(context, ConversationHandler.END)
            await _ended(update, context)
            return ConversationHandler.END
        assert isinstance(flow, dict)
        if (
            query is not None
            and isinstance(query.message, Message)
            and query.message.message_id not in flow.get("msgs", [])
        ):
            await query.answer(context.t.gettext("That button has expired."))
            _settle(context, state)
            return state
        if context.person is None or not context.person.has_consented:
            context.memo.pop(MEMO, None)
            _settle(context, ConversationHandler.END)
            await _answer(update)
            await _no_consent(update, context)
            return ConversationHandler.END
        flow["seen"] = now
        result: str | int = await callback(update, context)
        _settle(context, result)
        return result

    return run


def entry(callback: Any, *, with_item: bool = False) -> Any:
    """A way in: a command, a menu button, or a card's button. Card buttons carry the
    homework id, and reach only the tapping person's own homework."""

    async def run(update: Update, context: BetweenContext) -> str | int | None:
        person = context.person
        assert person is not None
        query = update.callback_query
        if not person.has_consented:
            await _answer(update)
            context.memo.pop(MEMO, None)
            _settle(context, ConversationHandler.END)
            await _no_consent(update, context)
            return ConversationHandler.END
        result: str | int | None
        if with_item:
            assert query is not None and query.data is not None
            ident = int(query.data.rsplit(":", 1)[1])
            item = await homework.get(context.services.db, ident, person.user_id)
            if item is None:
                await _gone(update, context)
                _settle(context, None)
                return None  # a run in progress goes on where it was
            result = await callback(update, context, item)
        else:
            result = await callback(update, context)
        _settle(context, result)
        return result

    return run


# ---- ways in ----------------------------------------------------------------------------------


async def start(update: Update, context: BetweenContext) -> str:
    """/homework: the list, or (with none yet) straight to what the therapist suggested."""
    query = await _answer(update)
    source = "command"
    if query is not None and query.data and query.data.count(":") == 2:
        source = callbacks.field(query.data, f"{PREFIX}:new")
    elif query is not None:
        source = "menu"
    items = await homework.of_person(context.services.db, _person_id(context))
    _begin(context, NEW, source=source)
    _log.info("homework opened user=%d source=%s items=%d", _person_id(context), source, len(items))
    return await _ask(update, context, LIST if items else TEXT, new=True)


async def add_tapped(update: Update, context: BetweenContext) -> str:
    await _answer(update)
    _begin(context, NEW, source="list")
    return await _ask(update, context, TEXT)


async def list_tapped(update: Update, context: BetweenContext) -> str:
    await _answer(update)
    _begin(context, NEW, source="card")
    return await _ask(update, context, LIST)


async def open_tapped(update: Update, context: BetweenContext, item: Homework) -> int:
    await _answer(update)
    context.memo.pop(MEMO, None)
    text, rows = await card_screen(context, item)
    await _show(update, context, text, rows)
    return ConversationHandler.END


async def done_tapped(update: Update, context: BetweenContext, item: Homework) -> int:
    services = context.services
    day = today(context)
    await homework.mark_day(
        services.db, item.homework_id, item.user_id, day, homework.DONE, services.clock()
    )
    await _answer(update, context.t.gettext("Marked as done for today."))
    _log.info("homework done user=%d homework=%d", item.user_id, item.homework_id)
    context.memo.pop(MEMO, None)
    text, rows = await card_screen(context, item)
    await _show(update, context, text, rows)
    return ConversationHandler.END


async def pause_tapped(update: Update, context: BetweenContext, item: Homework) -> int:
    return await _set_paused(update, context, item, True)


async def resume_tapped(update: Update, context: BetweenContext, item: Homework) -> int:
    return await _set_paused(update, context, item, False)


async def _set_paused(update: Update, context: BetweenContext, item: Homework, paused: bool) -> int:
    services = context.services
    t = context.t
    if item.paused != paused:  # a second tap changes nothing
        await homework.set_paused(
            services.db, item.homework_id, item.user_id, paused, services.clock()
        )
        await services.scheduler.refresh_person(item.user_id)
        _log.info(
            "homework %s user=%d homework=%d",
            "paused" if paused else "resumed",
            item.user_id,
            item.homework_id,
        )
    await _answer(update, t.gettext("Paused.") if paused else t.gettext("Resumed."))
    context.memo.pop(MEMO, None)
    fresh = await homework.get(services.db, item.homework_id, item.user_id)
    text, rows = await card_screen(context, fresh or item)
    await _show(update, context, text, rows)
    return ConversationHandler.END


async def delete_tapped(update: Update, context: BetweenContext, item: Homework) -> int:
    await _answer(update)
    t = context.t
    context.memo.pop(MEMO, None)
    ident = str(item.homework_id)
    text = "\n\n".join(
        [
            f"<b>{card_sentence(t, _shown(item))}</b>",
            t.gettext(
                "Delete this homework? Its reminders and the days you marked go with it. "
                "If you only need a break from it, Pause keeps everything."
            ),
        ]
    )
    rows = [
        [
            (t.gettext("Yes, delete it"), callbacks.pack(PREFIX, "delok", ident)),
            (t.gettext("Keep it"), callbacks.pack(PREFIX, "open", ident)),
        ]
    ]
    await _show(update, context, text, rows)
    return ConversationHandler.END


async def delete_confirmed(update: Update, context: BetweenContext, item: Homework) -> int:
    services = context.services
    t = context.t
    await homework.delete(services.db, item.homework_id, item.user_id)
    await services.scheduler.refresh_person(item.user_id)
    _log.info("homework deleted user=%d homework=%d", item.user_id, item.homework_id)
    await _answer(update, t.gettext("Deleted."))
    context.memo.pop(MEMO, None)
    left = await homework.of_person(services.db, item.user_id)
    if left:
        text = t.gettext("Deleted. Your other homework is still here.")
        rows = [[(t.gettext("« All homework"), callbacks.pack(PREFIX, "list"))]]
    else:
        text = t.gettext("Deleted. /homework is here whenever you have something new.")
        rows = [[(t.gettext("Add homework"), callbacks.pack(PREFIX, "add"))]]
    query = update.callback_query
    if query is not None:
        mark_finished(context, query)
    await _show(update, context, text, rows)
    return ConversationHandler.END


async def edit_tapped(update: Update, context: BetweenContext, item: Homework) -> int:
    await _answer(update)
    context.memo.pop(MEMO, None)
    text, rows = edit_menu(context.t, item)
    await _show(update, context, text, rows)
    return ConversationHandler.END


async def part_tapped(update: Update, context: BetweenContext, item: Homework) -> str:
    """Edit one part: only that question, then back to the card."""
    query = await _answer(update)
    assert query is not None and query.data is not None
    part = query.data.split(":")[2]
    _begin(context, EDIT, item.homework_id)
    if part == "text":
        return await _ask(update, context, TEXT)
    return await _ask(update, context, FIRST_STATE[part])


async def slot_tapped(update: Update, context: BetweenContext, item: Homework) -> str:
    """Add another time: a time and its days, added to the item's reminders."""
    await _answer(update)
    flow = _begin(context, ADD_SLOT, item.homework_id)
    flow["usual"] = ANCHOR_TIMES.get(item.anchor or "")
    return await _ask(update, context, TIME)


async def tiny_entry(update: Update, context: BetweenContext, item: Homework) -> str:
    """ "Make it smaller" (from a nudge): the smallest-version question for that item, as a
    new message under the nudge."""
    await _answer(update)
    _begin(context, EDIT, item.homework_id, source="nudge")
    _log.info("homework shrink opened user=%d homework=%d", item.user_id, item.homework_id)
    return await _ask(update, context, KIND, new=True)


# ---- the questions ----------------------------------------------------------------------------


async def cancel_tapped(update: Update, context: BetweenContext) -> int:
    query = await _answer(update)
    context.memo.pop(MEMO, None)
    if query is not None:
        mark_finished(context, query)
        await edit(query, context.t.gettext("Okay. /homework is here whenever you want it."))
    return ConversationHandler.END


async def text_written(update: Update, context: BetweenContext) -> str | int:
    text = _typed(update)
    flow = memo(context)
    services = context.services
    person_id = _person_id(context)
    if isinstance(flow.get("id"), int):
        await _store(context, "text", text=text)
    else:
        flow["id"] = await homework.create(services.db, person_id, text, services.clock())
        _log.info("homework created user=%d homework=%d", person_id, flow["id"])
    if context.crisis_answered:
        return await _kept_after_crisis(update, context)
    return await _next(update, context, "text")


async def avoid_tapped(update: Update, context: BetweenContext) -> str | int:
    query = await _answer(update)
    assert query is not None
    answer = callbacks.field(query.data, f"{PREFIX}:av")
    if answer == "skip":
        await _store(context, "avoid", avoid_reason=None, avoid_own=None)
        return await _next(update, context, "avoid")
    await _store(context, "avoid", avoid_reason=answer, avoid_own=None)
    if answer == "other":
        return await _ask(update, context, AVOID_OWN)
    return await _next(update, context, "avoid")


async def avoid_own_skipped(update: Update, context: BetweenContext) -> str | int:
    await _answer(update)
    return await _next(update, context, "avoid")


async def avoid_written(update: Update, context: BetweenContext) -> str | int:
    await _store(context, "avoid", avoid_reason="other", avoid_own=_typed(update))
    if context.crisis_answered:
        return await _kept_after_crisis(update, context)
    return await _next(update, context, "avoid")


async def kind_tapped(update: Update, context: BetweenContext) -> str | int:
    query = await _answer(update)
    assert query is not None
    answer = callbacks.field(query.data, f"{PREFIX}:k")
    if answer == "skip":
        return await _tiny_skipped(update, context)
    memo(context)["kind"] = answer
    return await _ask(update, context, TINY)


async def tiny_tapped(update: Update, context: BetweenContext) -> str | int:
    query = await _answer(update)
    assert query is not None
    answer = callbacks.field(query.data, f"{PREFIX}:t")
    flow = memo(context)
    kind = KIND_BY_KEY.get(str(flow.get("kind")))
    if answer == "back":
        return await _ask(update, context, KIND)
    if answer == "own":
        return await _ask(update, context, TINY_OWN)
    if answer == "skip":
        return await _tiny_skipped(update, context)
    if kind is None or answer not in kind.tiny:
        return TINY  # only what was offered for this kind
    await _store(context, "tiny", kind=kind.key, tiny_key=answer, tiny_own=None)
    return await _next(update, context, "tiny")


async def tiny_own_skipped(update: Update, context: BetweenContext) -> str | int:
    await _answer(update)
    return await _tiny_skipped(update, context)


async def _tiny_skipped(update: Update, context: BetweenContext) -> str | int:
    """No smaller version: the whole homework is the step."""
    kind = memo(context).get("kind")
    await _store(
        context, "tiny", kind=kind if kind in KIND_BY_KEY else None, tiny_key=None, tiny_own=None
    )
    return await _next(update, context, "tiny")


async def tiny_written(update: Update, context: BetweenContext) -> str | int:
    kind = memo(context).get("kind")
    await _store(
        context,
        "tiny",
        kind=kind if kind in KIND_BY_KEY else None,
        tiny_key=None,
        tiny_own=_typed(update),
    )
    if context.crisis_answered:
        return await _kept_after_crisis(update, context)
    return await _next(update, context, "tiny")


async def anchor_tapped(update: Update, context: BetweenContext) -> str | int:
    query = await _answer(update)
    assert query is not None
    answer = callbacks.field(query.data, f"{PREFIX}:a")
    if answer == "skip":
        return await _no_habit(update, context)
    if answer == "own":
        return await _ask(update, context, ANCHOR_OWN)
    await _store(context, "habit", anchor=answer, anchor_own=None)
    memo(context)["usual"] = ANCHOR_TIMES.get(answer)
    return await _ask(update, context, TIME)


async def anchor_own_skipped(update: Update, context: BetweenContext) -> str | int:
    await _answer(update)
    return await _no_habit(update, context)


async def _no_habit(update: Update, context: BetweenContext) -> str | int:
    """No daily habit: no nudge for this homework."""
    await _store(context, "habit", anchor=None, anchor_own=None)
    await _set_slots(context, [])
    return await _next(update, context, "habit")


def _habit_words(t: Translator, typed: str) -> str:
    """The person's own habit, without an "After I" they typed themselves (it is added
    when shown) and without a closing comma or full stop."""
    words = typed.strip()
    prefix = t.gettext("After I {habit}", habit="").strip()
    if prefix and words.casefold().startswith(prefix.casefold() + " "):
        words = words[len(prefix) :].strip()
    return words.rstrip(",.;:… ").strip() or typed.strip()


async def anchor_written(update: Update, context: BetweenContext) -> str | int:
    words = _habit_words(context.t, _typed(update))
    if not words:
        return await _ask(update, context, ANCHOR_OWN)
    await _store(context, "habit", anchor=None, anchor_own=words)
    if context.crisis_answered:
        return await _kept_after_crisis(update, context)
    memo(context)["usual"] = None
    return await _ask(update, context, TIME)


async def time_tapped(update: Update, context: BetweenContext) -> str | int:
    query = await _answer(update)
    assert query is not None
    answer = callbacks.field(query.data, f"{PREFIX}:tm")
    flow = memo(context)
    if answer == "skip":
        if flow.get("mode") == ADD_SLOT:
            return await _to_card(update, context)
        await _set_slots(context, [])
        return await _next(update, context, "habit")
    flow["at"] = f"{answer[:2]}:{answer[2:]}"
    return await _ask(update, context, DAYS)


async def time_typed(update: Update, context: BetweenContext) -> str:
    at = parse_time(_typed(update))
    if at is None:
        t = context.t
        text, rows = await _screen(context, TIME)
        hint = t.gettext(
            "I couldn't read that as a time. You can type it like 21:30, 9:30 pm or 9pm."
        )
        await _show(update, context, f"{hint}\n\n{text}", rows)
        return TIME
    memo(context)["at"] = hhmm(at)
    return await _ask(update, context, DAYS)


async def days_tapped(update: Update, context: BetweenContext) -> str | int:
    query = await _answer(update)
    assert query is not None
    answer = callbacks.field(query.data, f"{PREFIX}:d")
    if answer == "pick":
        memo(context)["days"] = []
        return await _ask(update, context, PICK)
    return await _days_chosen(update, context, DAY_CHOICES[answer])


async def day_toggled(update: Update, context: BetweenContext) -> str:
    query = await _answer(update)
    assert query is not None
    day = int(callbacks.field(query.data, f"{PREFIX}:dt"))
    flow = memo(context)
    chosen = {int(d) for d in flow.get("days", [])}
    chosen ^= {day}
    flow["days"] = sorted(chosen)
    return await _ask(update, context, PICK)


async def days_done(update: Update, context: BetweenContext) -> str | int:
    flow = memo(context)
    chosen = frozenset(int(d) for d in flow.get("days", []))
    if not chosen:
        await _answer(update, context.t.gettext("Choose at least one day, or tap Every day."))
        return PICK
    await _answer(update)
    return await _days_chosen(update, context, chosen)


async def _days_chosen(
    update: Update, context: BetweenContext, weekdays: frozenset[int]
) -> str | int:
    flow = memo(context)
    at = flow.get("at")
    if not isinstance(at, str):
        return await _ask(update, context, TIME)
    slot = Slot(at=parse_hhmm(at), weekdays=weekdays)
    if flow.get("mode") == ADD_SLOT:
        await _add_slot(context, slot)
        return await _to_card(update, context)
    await _set_slots(context, [slot])
    return await _next(update, context, "habit")


async def _set_slots(context: BetweenContext, slots: list[Slot]) -> None:
    """The item's nudges, replaced by these, and the scheduler re-armed from the rows."""
    ident = memo(context).get("id")
    if not isinstance(ident, int):
        return
    services = context.services
    person_id = _person_id(context)
    await reminders.replace(
        services.db,
        user_id=person_id,
        kinds=(reminders.HOMEWORK,),
        slots=[(reminders.HOMEWORK, slot) for slot in slots],
        now=services.clock(),
        homework_id=ident,
    )
    await services.scheduler.refresh_person(person_id)
    _log.info("homework reminders set user=%d homework=%d slots=%d", person_id, ident, len(slots))


async def _add_slot(context: BetweenContext, slot: Slot) -> None:
    """One more time for the item (the same time and days twice is kept once)."""
    item = await _item(context)
    if item is None:
        return
    services = context.services
    existing = await reminders.of_homework(services.db, item.homework_id)
    if any(r.kind == reminders.HOMEWORK and r.slot == slot for r in existing):
        return
    await reminders.add(
        services.db,
        user_id=item.user_id,
        kind=reminders.HOMEWORK,
        slot=slot,
        now=services.clock(),
        homework_id=item.homework_id,
    )
    await services.scheduler.refresh_person(item.user_id)
    _log.info("homework reminder added user=%d homework=%d", item.user_id, item.homework_id)


async def pairing_written(update: Update, context: BetweenContext) -> str | int:
    await _store(context, "pair", pairing=_typed(update))
    if context.crisis_answered:
        return await _kept_after_crisis(update, context)
    return await _next(update, context, "pair")


async def pairing_skipped(update: Update, context: BetweenContext) -> str | int:
    await _answer(update)
    await _store(context, "pair", pairing=None)
    return await _next(update, context, "pair")


async def why_tapped(update: Update, context: BetweenContext) -> str | int:
    query = update.callback_query
    assert query is not None
    answer = callbacks.field(query.data, f"{PREFIX}:w")
    t = context.t
    if answer == "no":
        await _store(context, "why", understands_why=0)
        item = await _item(context)
        if item is not None:
            services = context.services
            asked = await homework.questions(services.db, item.user_id)
            if (item.text, "homework_why") not in asked:
                await homework.add_question(
                    services.db,
                    item.user_id,
                    item.text,
                    "homework_why",
                    services.clock(),
                    homework_id=item.homework_id,
                )
        await _answer(update, t.gettext("It's on your list to ask your therapist."))
    else:
        await _answer(update)
        await _store(context, "why", understands_why=1 if answer == "yes" else None)
    return await _next(update, context, "why")


# ---- typed text where a tap was expected, and stale buttons -----------------------------------


def _hint_for(state: str) -> Any:
    async def hint(update: Update, context: BetweenContext) -> str:
        """Text where a tap was expected: a short hint, and the same step again below it."""
        text, rows = await _screen(context, state)
        note = context.t.gettext("Please tap one of the buttons.")
        await _show(update, context, f"{note}\n\n{text}", rows)
        return state

    return hint


async def expired(update: Update, context: BetweenContext) -> None:
    """A homework button whose run has ended (or from before a restart)."""
    query = update.callback_query
    if query is None:
        return
    if is_double_tap(context, query):
        await query.answer()
        return
    await _ended(update, context)


# ---- wiring -----------------------------------------------------------------------------------


def conversation() -> ConversationHandler[BetweenContext]:
    Tap = CallbackQueryHandler[BetweenContext, object]
    Text = MessageHandler[BetweenContext, object]
    typed = PRIVATE & filters.TEXT & ~filters.COMMAND
    swallow = ignore_taps(rf"^{PREFIX}:")

    def p(action: str, values: list[str] | None = None) -> str:
        return callbacks.pattern(f"{PREFIX}:{action}", values)

    def skip(action: str) -> str:
        return p(action, ["skip"])

    def with_id(action: str) -> str:
        return rf"^{PREFIX}:{action}:{ID}\Z"

    def hint(state: str) -> Text:
        return Text(typed, guarded(_hint_for(state), state))

    kinds = [kind.key for kind in KINDS]
    tiny = sorted({key for kind in KINDS for key in kind.tiny})
    card_actions = {
        "open": open_tapped,
        "done": done_tapped,
        "pause": pause_tapped,
        "resume": resume_tapped,
        "del": delete_tapped,
        "delok": delete_confirmed,
        "edit": edit_tapped,
        "slot": slot_tapped,
        "tiny": tiny_entry,
    }
    parts = "|".join(PARTS)
    return ConversationHandler(
        entry_points=[
            CommandHandler("homework", entry(start), filters=PRIVATE),
            Tap(entry(start), pattern=p("new")),
            Tap(entry(start), pattern=p("new", list(SOURCES))),
            Tap(entry(add_tapped), pattern=p("add")),
            Tap(entry(list_tapped), pattern=p("list")),
            *[
                Tap(entry(action, with_item=True), pattern=with_id(name))
                for name, action in card_actions.items()
            ],
            Tap(entry(part_tapped, with_item=True), pattern=rf"^{PREFIX}:e:({parts}):{ID}\Z"),
        ],
        states={
            LIST: [hint(LIST), swallow],
            TEXT: [
                Text(typed, guarded(text_written, TEXT)),
                Tap(guarded(cancel_tapped, TEXT), pattern=p("x")),
                swallow,
            ],
            AVOID: [
                Tap(guarded(avoid_tapped, AVOID), pattern=p("av", [*AVOID_REASONS, "skip"])),
                hint(AVOID),
                swallow,
            ],
            AVOID_OWN: [
                Text(typed, guarded(avoid_written, AVOID_OWN)),
                Tap(guarded(avoid_own_skipped, AVOID_OWN), pattern=skip("avo")),
                swallow,
            ],
            KIND: [
                Tap(guarded(kind_tapped, KIND), pattern=p("k", [*kinds, "skip"])),
                Text(typed, guarded(tiny_written, KIND)),
                swallow,
            ],
            TINY: [
                Tap(guarded(tiny_tapped, TINY), pattern=p("t", [*tiny, "own", "back", "skip"])),
                Text(typed, guarded(tiny_written, TINY)),
                swallow,
            ],
            TINY_OWN: [
                Text(typed, guarded(tiny_written, TINY_OWN)),
                Tap(guarded(tiny_own_skipped, TINY_OWN), pattern=skip("to")),
                swallow,
            ],
            ANCHOR: [
                Tap(guarded(anchor_tapped, ANCHOR), pattern=p("a", [*ANCHORS, "own", "skip"])),
                Text(typed, guarded(anchor_written, ANCHOR)),
                swallow,
            ],
            ANCHOR_OWN: [
                Text(typed, guarded(anchor_written, ANCHOR_OWN)),
                Tap(guarded(anchor_own_skipped, ANCHOR_OWN), pattern=skip("ao")),
                swallow,
            ],
            TIME: [
                Tap(
                    guarded(time_tapped, TIME),
                    pattern=rf"^{PREFIX}:tm:((?:[01][0-9]|2[0-3])[0-5][0-9]|skip)\Z",
                ),
                Text(typed, guarded(time_typed, TIME)),
                swallow,
            ],
            DAYS: [
                Tap(guarded(days_tapped, DAYS), pattern=p("d", [*DAY_CHOICES, "pick"])),
                hint(DAYS),
                swallow,
            ],
            PICK: [
                Tap(guarded(day_toggled, PICK), pattern=p("dt", [str(d) for d in range(7)])),
                Tap(guarded(days_done, PICK), pattern=p("dd")),
                hint(PICK),
                swallow,
            ],
            PAIR: [
                Text(typed, guarded(pairing_written, PAIR)),
                Tap(guarded(pairing_skipped, PAIR), pattern=skip("p")),
                swallow,
            ],
            WHY: [
                Tap(guarded(why_tapped, WHY), pattern=p("w", ["yes", "no", "skip"])),
                hint(WHY),
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
    """This feature's handlers, in order (group 0): the flow, then its buttons no flow took."""
    with warnings.catch_warnings():
        # per_message=False is deliberate: a flow follows the person, not one message.
        warnings.filterwarnings("ignore", category=PTBUserWarning, message=".*per_message.*")
        flow = conversation()
    return [flow, CallbackQueryHandler(expired, pattern=rf"^{PREFIX}:")]
