"""The week made visible: /week (a chart and a short text), /report (a PDF for the
therapist, made only when asked, after a preview), and /prep (an honest note for the next
session).

Everything is gathered from the store for a period, summarised by the pure functions in
bot/insights.py, phrased here in the person's language, and drawn off the event loop
(bot/charts.py, bot/report_pdf.py run in a worker thread).
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from html import escape
from typing import Any

from babel.dates import format_date, format_interval, format_time
from babel.numbers import format_decimal, get_decimal_symbol
from telegram import InputFile, Message, Update
from telegram.constants import ChatAction
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot import callbacks
from bot.charts import ChartLabels, ChartPoint, week_chart
from bot.clock import from_iso
from bot.context import BetweenContext
from bot.i18n import N_, Translator
from bot.insights import (
    HIGH,
    PARTS,
    Pattern,
    Point,
    effects,
    find_patterns,
    top_feelings,
    top_triggers,
)
from bot.report_pdf import Report, ReportRow, render_report
from bot.services import SERVICES_KEY, Services
from bot.store import checkins, homework, sessions, users
from bot.store import plans as plan_store
from bot.store.users import Person
from bot.weeks import week_start, zone
from content.homework import BARRIERS
from content.techniques import library
from content.wheel import wheel
from handlers.cards import clip, day_names
from handlers.checkin import feeling, place_path, tech_text
from handlers.common import (
    PRIVATE,
    TEXT_FOR,
    AwaitsText,
    Button,
    edit,
    ignore_taps,
    keyboard,
    mark_finished,
)
from handlers.plans import PLAN_SHAPED

_log = logging.getLogger(__name__)

PREFIX = "rp"
NAME = "report"
IDLE_TIMEOUT = timedelta(hours=1)
MEMO = "report"
ASK_NAME = "rp_name"
WEEK, TWO_WEEKS, SINCE_SESSION = "week", "two", "session"
PERIODS = (WEEK, TWO_WEEKS, SINCE_SESSION)
# The report's table: the most recent rows, so that it stays one or two pages.
TABLE_ROWS = 40
TABLE_MIN = 12
SECTION_LINES = 14  # lines of sections (headings included) that leave the table whole
WRAP = 95  # characters of a section's line on the page, about
# The latest questions for the therapist shown, and how much of any one item (a question,
# a homework's text) is shown: the messages and the PDF stay within their limits.
QUESTIONS = 5
ITEM_SHOWN = 200
HOMEWORK_SHOWN = 6
REPORT_DPI = 165  # the chart is scaled down to the page's width: drawn sharper for print
NAME_LIMIT = 60
PART_PHRASES = {
    "morning": N_("in the morning"),
    "afternoon": N_("in the afternoon"),
    "evening": N_("in the evening"),
    "night": N_("at night"),
}
PART_NAMES = {
    "morning": N_("Morning"),
    "afternoon": N_("Afternoon"),
    "evening": N_("Evening"),
    "night": N_("Night"),
}


@dataclass(frozen=True)
class Period:
    since: datetime
    until: datetime
    first: date  # local days, inclusive
    last: date
    where: tzinfo  # the person's zone, in which the days are counted


@dataclass(frozen=True)
class Gathered:
    """What a period holds for one person, as the views need it."""

    period: Period
    rows: list[checkins.CheckIn]
    points: list[Point]
    done: Counter[str]  # homework text -> days done
    not_done: Counter[str]  # homework text -> days not done
    barriers: Counter[str]  # barrier key -> times named
    plans: plan_store.Counts
    questions: list[str]


# --- gathering ---------------------------------------------------------------------------------


def _to_today(start: datetime, now: datetime, where: tzinfo) -> Period:
    """From `start` to the end of the person's today."""
    today = now.astimezone(where).date()
    until = datetime.combine(today + timedelta(days=1), time(0), tzinfo=where)
    return Period(start, until, start.astimezone(where).date(), today, where)


def _days(now: datetime, timezone: str | None, days: int) -> Period:
    """The last `days` local days, today included."""
    where = zone(timezone)
    first = now.astimezone(where).date() - timedelta(days=days - 1)
    return _to_today(datetime.combine(first, time(0), tzinfo=where), now, where)


async def last_session_start(services: Services, person: Person) -> datetime | None:
    """When the latest session began, if the person set their sessions up."""
    session = await sessions.get(services.db, person.user_id)
    if session is None:
        return None
    from handlers.session import next_start  # a module with its own flows; imported late

    now = services.clock()
    moment = next_start(session, now - timedelta(days=15), person.timezone)
    latest = None
    while moment <= now:
        latest = moment
        moment = next_start(session, moment, person.timezone)
    return latest


async def period_of(services: Services, person: Person, key: str, locale: str) -> Period | None:
    """This week (from the first day of the week in the person's locale), the last two
    weeks, or since the last session began; None when there is no session to count from."""
    now = services.clock()
    where = zone(person.timezone)
    if key == WEEK:
        return _to_today(week_start(now, person.timezone, locale), now, where)
    if key == SINCE_SESSION:
        start = await last_session_start(services, person)
        return _to_today(start, now, where) if start is not None else None
    return _days(now, person.timezone, 14)


def _point(row: checkins.CheckIn) -> Point:
    return Point(
        local_at=from_iso(row.local_at),
        family=row.family,
        place=row.place,
        intensity=row.intensity,
        after=row.last_rating,
        technique=row.technique,
        note=row.note,
    )


async def gather(services: Services, person: Person, period: Period) -> Gathered:
    db = services.db
    rows = await checkins.between(db, person.user_id, period.since, period.until)
    items = {
        item.homework_id: clip(item.text, ITEM_SHOWN)
        for item in await homework.of_person(db, person.user_id)
    }
    done: Counter[str] = Counter()
    not_done: Counter[str] = Counter()
    barriers: Counter[str] = Counter()
    for homework_id, _day, status, barrier in await homework.days_between(
        db, person.user_id, period.first, period.last
    ):
        text = items.get(homework_id)
        if text is None:
            continue
        if status == homework.DONE:
            done[text] += 1
        else:
            not_done[text] += 1
            if barrier:
                barriers[barrier] += 1
    return Gathered(
        period=period,
        rows=rows,
        points=[_point(row) for row in rows],
        done=done,
        not_done=not_done,
        barriers=barriers,
        plans=await plan_store.counts(db, person.user_id, period.since, period.until),
        questions=[
            clip(text, ITEM_SHOWN)
            for text, _source in (await homework.questions(db, person.user_id))[-QUESTIONS:]
        ],
    )


def _ranked(counts: Counter[str]) -> list[tuple[str, int]]:
    """Most frequent first; ties in a fixed order."""
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


# --- phrasing ----------------------------------------------------------------------------------


def feeling_name(t: Translator, place: str) -> str:
    """A place on the wheel (a family is a place too), in the person's words."""
    return feeling(t, wheel().places[place])


def pattern_text(t: Translator, pattern: Pattern) -> str:
    fields: dict[str, Any] = {"high": pattern.high, "total": pattern.total, "level": HIGH}
    if pattern.kind == "slot" and pattern.weekday is not None and pattern.part is not None:
        return t.gettext(
            "Higher intensity on {weekday}, {part}: {high} of {total} check-ins at {level} "
            "or more.",
            weekday=day_names(t, "wide")[pattern.weekday],
            part=t.gettext(PART_PHRASES[pattern.part]),
            **fields,
        )
    if pattern.kind == "trigger" and pattern.key:
        return t.gettext(
            "Higher intensity when “{word}” was happening: {high} of {total} check-ins at "
            "{level} or more.",
            word=pattern.key,
            **fields,
        )
    return t.gettext(
        "Higher intensity with {family} feelings: {high} of {total} check-ins at {level} or more.",
        family=feeling_name(t, pattern.key or "bad"),
        **fields,
    )


def period_text(t: Translator, period: Period) -> str:
    return str(format_interval(period.first, period.last, "yMMMd", locale=t.locale))


def summary_lines(t: Translator, data: Gathered, *, with_notes: bool = True) -> list[str]:
    """The short text of the period: what a person (or their therapist) would want to see."""
    return [
        *overview_lines(t, data, with_notes=with_notes),
        *homework_lines(t, data),
        *plan_lines(t, data),
    ]


def overview_lines(t: Translator, data: Gathered, *, with_notes: bool = True) -> list[str]:
    """How many check-ins, the feelings, what was happening, and what helped."""
    lines = [t.ngettext("{n} check-in.", "{n} check-ins.", len(data.points))]
    feelings = top_feelings(data.points)
    if feelings:
        lines.append(
            t.gettext(
                "Most often: {feelings}.",
                feelings=", ".join(f"{feeling_name(t, place)} ({n})" for place, n in feelings),
            )
        )
    if with_notes:
        triggers = top_triggers(data.points, t.locale)
        if triggers:
            lines.append(
                t.gettext(
                    "What was happening, most often: {words}.",
                    words=", ".join(f"“{word}” ({n})" for word, n in triggers),
                )
            )
    techniques = library()
    for effect in effects(data.points)[:3]:
        technique = techniques.get(effect.technique)
        if technique is None:
            continue
        lines.append(
            t.ngettext(
                "{technique}: {before} → {after} on average ({n} time).",
                "{technique}: {before} → {after} on average ({n} times).",
                effect.count,
                technique=tech_text(t, technique.name),
                before=format_decimal(effect.before, "0.0", locale=t.locale),
                after=format_decimal(effect.after, "0.0", locale=t.locale),
            )
        )
    return lines


def homework_lines(t: Translator, data: Gathered) -> list[str]:
    lines = []
    for text in sorted(set(data.done) | set(data.not_done))[:HOMEWORK_SHOWN]:
        lines.append(
            t.gettext(
                "Homework “{homework}”: done on {done}, not done on {not_done}.",
                homework=text,
                done=t.ngettext("{n} day", "{n} days", data.done[text]),
                not_done=t.ngettext("{n} day", "{n} days", data.not_done[text]),
            )
        )
    if data.barriers:
        lines.append(
            t.gettext(
                "What got in the way: {barriers}.",
                barriers=", ".join(
                    f"{t.gettext(BARRIERS[key])} ({n})"
                    for key, n in _ranked(data.barriers)
                    if key in BARRIERS
                ),
            )
        )
    return lines


def plan_lines(t: Translator, data: Gathered) -> list[str]:
    lines = []
    if data.plans.shown:
        lines.append(
            t.ngettext(
                "Plans: came back {n} time, used {used}.",
                "Plans: came back {n} times, used {used}.",
                data.plans.shown,
                used=data.plans.used,
            )
        )
    return lines


def chart_labels(t: Translator, period: Period, days: int) -> ChartLabels:
    return ChartLabels(
        title=t.gettext("Check-ins: {period}", period=period_text(t, period)),
        intensity_axis=t.gettext("Intensity"),
        grid_title=t.gettext("When check-ins happen (count · mean intensity)"),
        day_names=day_names(t),
        part_names=[t.gettext(PART_NAMES[part]) for part in PARTS],
        family_names={core: feeling_name(t, core) for core in wheel().cores},
        x_dates=[
            str(format_date(period.first + timedelta(days=n), "EEE d", locale=t.locale))
            for n in range(days)
        ]
        if days <= 7
        else [],  # longer: the chart writes the days on two lines itself
        empty=t.gettext("No check-ins in this period yet."),
        count_label=t.gettext("check-ins"),
        decimal_separator=get_decimal_symbol(t.locale),
    )


def _chart(t: Translator, data: Gathered, dpi: int = 110) -> bytes:
    period = data.period
    days = (period.last - period.first).days + 1
    points = [ChartPoint(p.local_at, p.intensity, p.family) for p in data.points]
    start = datetime.combine(period.first, time(0), tzinfo=period.where)
    return week_chart(points, start, days, chart_labels(t, period, days), dpi=dpi)


# --- /week ---------------------------------------------------------------------------------------


async def week_view(services: Services, person: Person, t: Translator) -> tuple[str, bytes]:
    """The last seven days: the caption and the chart (drawn in a worker thread)."""
    data = await gather(services, person, _days(services.clock(), person.timezone, 7))
    png = await asyncio.to_thread(_chart, t, data)
    lines = [
        t.gettext("<b>Your last seven days</b> ({period})", period=period_text(t, data.period))
    ]
    lines += [escape(line) for line in summary_lines(t, data)]
    patterns = find_patterns(data.points, t.locale)
    lines += [escape(pattern_text(t, pattern)) for pattern in patterns]
    if not data.points:
        lines.append(t.gettext("A check-in takes a minute: /checkin."))
    return "\n".join(lines), png


async def week_command(update: Update, context: BetweenContext) -> None:
    message = update.effective_message
    person = context.person
    if message is None or person is None:
        return
    await message.chat.send_action(ChatAction.UPLOAD_PHOTO)
    text, png = await week_view(context.services, person, context.t)
    caption, rest = text[:1000], text[1000:]
    if rest:  # a photo's caption holds 1,024 characters: the rest follows as a message
        cut = text.rfind("\n", 0, 1000)
        caption, rest = text[:cut], text[cut + 1 :]
    await message.reply_photo(InputFile(png, filename="week.png"), caption=caption)
    if rest:
        await message.reply_text(rest)
    _log.info("week shown user=%d", person.user_id)


# --- /report -------------------------------------------------------------------------------------


def _flow(context: BetweenContext) -> dict[str, Any]:
    flow = context.memo.get(MEMO)
    if not isinstance(flow, dict):
        flow = {"period": WEEK, "notes": True}
        context.memo[MEMO] = flow
    return flow


async def report_pdf(
    services: Services, person: Person, t: Translator, key: str, *, with_notes: bool
) -> bytes | None:
    """The PDF for the therapist, for a period (None when that period is not known)."""
    period = await period_of(services, person, key, t.locale)
    if period is None:
        return None
    return await report_for(services, person, t, period, with_notes=with_notes)


async def report_for(
    services: Services, person: Person, t: Translator, period: Period, *, with_notes: bool
) -> bytes:
    data = await gather(services, person, period)
    name = person.report_name or t.gettext("a client")
    kinds = ("slot", "trigger", "family") if with_notes else ("slot", "family")
    patterns = find_patterns(data.points, t.locale, kinds=kinds)
    sections = [
        (t.gettext("The period in short"), overview_lines(t, data, with_notes=with_notes)),
        (
            t.gettext("Patterns"),
            [pattern_text(t, p) for p in patterns]
            or [t.gettext("Too few check-ins to say anything about patterns yet.")],
        ),
        (
            t.gettext("Homework"),
            homework_lines(t, data) or [t.gettext("No homework recorded in this period.")],
        ),
    ]
    saved_plans = [plan for plan in await plan_store.of_person(services.db, person.user_id)]
    if saved_plans or data.plans.shown:
        usage = await plan_store.usage(services.db, person.user_id)
        listed = [
            t.gettext(
                "If {cue}, then {response}. ({state})",
                cue=plan.cue,
                response=plan.response,
                state=_plan_state(t, plan, usage.get(plan.plan_id, (0, 0))),
            )
            for plan in saved_plans[:8]
        ]
        sections.append((t.gettext("Plans"), [*plan_lines(t, data), *listed]))
    if data.questions:
        sections.append((t.gettext("Questions I want to ask"), data.questions))
    techniques = library()
    # The table gives way to longer sections, so that the report stays at two pages.
    lines = sum(
        1 + sum(1 + len(line) // WRAP for line in section_lines)
        for _heading, section_lines in sections
    )
    room = max(TABLE_MIN, TABLE_ROWS - 2 * max(0, lines - SECTION_LINES))
    table = data.rows[-room:]
    rows = []
    for row in table:
        local = from_iso(row.local_at)
        technique = techniques.get(row.technique) if row.technique else None
        last = row.last_rating
        rows.append(
            ReportRow(
                date=str(format_date(local.date(), "EEE d MMM", locale=t.locale)),
                time=str(format_time(local.time(), "HH:mm", locale=t.locale)),  # fits the column
                feeling=place_path(t, row.place),
                before=str(row.intensity),
                after="" if last is None else str(last),
                trigger=(row.note or "—") if with_notes else "—",
                technique=tech_text(t, technique.name) if technique else "—",
            )
        )
    earlier = len(data.rows) - len(table)
    report = Report(
        title=t.gettext("Between: a summary for my therapist"),
        from_line=t.gettext("From: {name} · {period}", name=name, period=period_text(t, period)),
        shared_line=t.gettext(
            "Shared by the client. Made with Between, a self-help app: what they chose to "
            "record, not a clinical record."
        ),
        chart_png=await asyncio.to_thread(_chart, t, data, REPORT_DPI),
        sections=sections,
        table_heading=t.gettext("Check-ins"),
        table_columns=[
            t.gettext("Date"),
            t.gettext("Time"),
            t.gettext("Feeling"),
            t.gettext("Before"),
            t.gettext("After"),
            t.gettext("What was happening"),
            t.gettext("Technique"),
        ],
        rows=rows,
        more_rows=t.ngettext("and {n} earlier check-in", "and {n} earlier check-ins", earlier)
        if earlier
        else None,
        footer=t.gettext("Between · shared by the client"),
    )
    return await asyncio.to_thread(render_report, report)


def _plan_state(t: Translator, plan: plan_store.Plan, use: tuple[int, int]) -> str:
    used, shown = use
    if plan.paused:
        return t.gettext("paused")
    if not shown:
        return t.gettext("it hasn't come back yet")
    return t.ngettext("used {used} of {n} time", "used {used} of {n} times", shown, used=used)


def _period_rows(t: Translator, has_session: bool) -> list[list[Button]]:
    rows = [
        [(t.gettext("This week"), callbacks.pack(PREFIX, "p", WEEK))],
        [(t.gettext("The last two weeks"), callbacks.pack(PREFIX, "p", TWO_WEEKS))],
    ]
    if has_session:
        rows.append(
            [(t.gettext("Since my last session"), callbacks.pack(PREFIX, "p", SINCE_SESSION))]
        )
    rows.append([(t.gettext("Cancel"), callbacks.pack(PREFIX, "x"))])
    return rows


async def report_command(update: Update, context: BetweenContext) -> str | int:
    message = update.effective_message
    person = context.person
    if message is None or person is None:
        return ConversationHandler.END
    t = context.t
    context.memo[MEMO] = {"period": WEEK, "notes": True}
    _claim_text(context, PERIOD)
    has_session = await last_session_start(context.services, person) is not None
    await message.reply_text(
        t.gettext(
            "A one- or two-page PDF for your therapist: your check-ins, the patterns in "
            "them, your homework and plans, and your questions. It is made only now, for "
            "you to forward if you wish.\n\nWhich period?"
        ),
        reply_markup=keyboard(_period_rows(t, has_session)),
    )
    return PERIOD


PERIOD, NAME_STEP, PREVIEW = "period", "name", "preview"


async def period_tapped(update: Update, context: BetweenContext) -> str | int:
    query = update.callback_query
    assert query is not None and query.data is not None
    await query.answer()
    _flow(context)["period"] = callbacks.field(query.data, f"{PREFIX}:p")
    person = context.person
    assert person is not None
    if person.report_name is None and person.has_consented:
        return await _ask_name(update, context)
    return await _preview(update, context)  # without consent, nothing is kept: no name


async def _ask_name(update: Update, context: BetweenContext) -> str:
    t = context.t
    user = update.effective_user
    first = (user.first_name if user else "") or ""
    rows: list[list[Button]] = []
    if first and len(first) <= NAME_LIMIT:
        rows.append([(first, callbacks.pack(PREFIX, "n", "first"))])
    rows.append([(t.gettext("No name"), callbacks.pack(PREFIX, "n", "none"))])
    text = t.gettext(
        "Whose summary is it? Type the name your therapist knows you by, or tap below. "
        "It is kept for the next report, and you can change it."
    )
    # The words typed next are the name (handlers/common.AwaitsText), until the person
    # moves on: marked before the question, which may be answered at once.
    _claim_text(context, NAME_STEP)
    query = update.callback_query
    if query is not None:
        await edit(query, text, keyboard(rows))
    elif update.effective_message is not None:
        await update.effective_message.reply_text(text, reply_markup=keyboard(rows))
    return NAME_STEP


async def _set_name(context: BetweenContext, name: str | None) -> None:
    person = context.person
    assert person is not None
    if not person.has_consented:
        return  # nothing is kept without consent
    services = context.services
    await users.set_report_name(services.db, person.user_id, name, services.clock())
    context.person = await users.get(services.db, person.user_id)


async def name_tapped(update: Update, context: BetweenContext) -> str:
    query = update.callback_query
    assert query is not None and query.data is not None
    await query.answer()
    choice = callbacks.field(query.data, f"{PREFIX}:n")
    user = update.effective_user
    name = (user.first_name if user else None) if choice == "first" else ""
    await _set_name(context, name or "")
    return await _preview(update, context)


async def name_written(update: Update, context: BetweenContext) -> str:
    message = update.effective_message
    assert message is not None and message.text
    name = " ".join(message.text.split())[:NAME_LIMIT]
    await _set_name(context, name)
    return await _preview(update, context)


async def _preview(update: Update, context: BetweenContext) -> str:
    person = context.person
    assert person is not None
    _claim_text(context, PREVIEW)
    t = context.t
    services = context.services
    flow = _flow(context)
    period = await period_of(services, person, str(flow.get("period", WEEK)), t.locale)
    if period is None:
        period = _days(services.clock(), person.timezone, 7)
        flow["period"] = WEEK
    data = await gather(services, person, period)
    with_notes = bool(flow.get("notes", True))
    name = person.report_name or t.gettext("no name")
    lines = [
        t.gettext("<b>Your report will contain</b> ({period}):", period=period_text(t, period)),
        "• " + t.gettext("From: {name}", name=f"<i>{escape(name)}</i>"),
        "• "
        + t.ngettext(
            "{n} check-in: date, time, feeling, intensity before and after, technique",
            "{n} check-ins: date, time, feeling, intensity before and after, technique",
            len(data.rows),
        ),
        "• "
        + (
            t.gettext("What was happening, in your words (notes and triggers)")
            if with_notes
            else t.gettext("Without your notes and triggers")
        ),
        "• " + t.gettext("A chart, and the patterns found, if there are enough check-ins"),
    ]
    if data.done or data.not_done:
        lines.append("• " + t.gettext("Homework: days done and not done, and what got in the way"))
    if data.plans.shown:
        lines.append("• " + t.gettext("Plans: how often they came back and were used"))
    if data.questions:
        lines.append(
            "• "
            + t.ngettext(
                "{n} question for your therapist",
                "{n} questions for your therapist",
                len(data.questions),
            )
        )
    lines.append(t.gettext("Nothing is sent to anyone: the PDF comes to you, to forward."))
    notes_button = (
        t.gettext("Leave out notes and triggers")
        if with_notes
        else t.gettext("Include notes and triggers")
    )
    last: list[Button] = [(t.gettext("Cancel"), callbacks.pack(PREFIX, "x"))]
    if person.has_consented:  # without consent no name is kept, so none is asked
        last.insert(0, (t.gettext("Change the name"), callbacks.pack(PREFIX, "name")))
    rows = [
        [(t.gettext("Make the PDF"), callbacks.pack(PREFIX, "make"))],
        [(notes_button, callbacks.pack(PREFIX, "notes"))],
        last,
    ]
    text = "\n".join(lines)
    query = update.callback_query
    if query is not None:
        await edit(query, text, keyboard(rows))
    elif update.effective_message is not None:
        await update.effective_message.reply_text(text, reply_markup=keyboard(rows))
    return PREVIEW


async def notes_tapped(update: Update, context: BetweenContext) -> str:
    query = update.callback_query
    assert query is not None
    await query.answer()
    flow = _flow(context)
    flow["notes"] = not bool(flow.get("notes", True))
    return await _preview(update, context)


async def change_name_tapped(update: Update, context: BetweenContext) -> str:
    query = update.callback_query
    assert query is not None and context.person is not None
    await query.answer()
    if not context.person.has_consented:
        return await _preview(update, context)
    return await _ask_name(update, context)


async def make_tapped(update: Update, context: BetweenContext) -> int:
    query = update.callback_query
    person = context.person
    assert query is not None and person is not None and isinstance(query.message, Message)
    t = context.t
    await query.answer()
    flow = _flow(context)
    await edit(query, t.gettext("Making your report…"))
    await query.message.chat.send_action(ChatAction.UPLOAD_DOCUMENT)
    pdf = await report_pdf(
        context.services,
        person,
        t,
        str(flow.get("period", WEEK)),
        with_notes=bool(flow.get("notes", True)),
    )
    _end(context)
    if pdf is None:
        await edit(query, t.gettext("That period is not known any more. /report to start again."))
        return ConversationHandler.END
    stamp = context.services.clock().astimezone(zone(person.timezone)).date().isoformat()
    await query.message.reply_document(
        InputFile(pdf, filename=f"between-report-{stamp}.pdf"),
        caption=t.gettext("Here is your report, to forward to your therapist if you wish."),
    )
    await edit(query, t.gettext("Your report is ready: it is the document below."))
    mark_finished(context, query)  # a second tap on Make the PDF is answered quietly
    _log.info("report made user=%d bytes=%d", person.user_id, len(pdf))
    return ConversationHandler.END


async def cancel_tapped(update: Update, context: BetweenContext) -> int:
    query = update.callback_query
    assert query is not None
    await query.answer()
    _end(context)
    await edit(query, context.t.gettext("Okay, no report."))
    mark_finished(context, query)
    return ConversationHandler.END


def _claim_text(context: BetweenContext, state: str) -> None:
    """The report's question is now the latest one: typed words are the name (at the name
    step) or get a gentle hint (where a tap is awaited), until the person moves on."""
    flow = _flow(context)
    flow.update(state=state, seen=context.services.clock().timestamp())
    context.memo[TEXT_FOR] = [PREFIX, "report"]


def _end(context: BetweenContext) -> None:
    context.memo.pop(MEMO, None)
    if (context.memo.get(TEXT_FOR) or [None])[0] == PREFIX:
        context.memo.pop(TEXT_FOR, None)


async def report_hint(update: Update, context: BetweenContext) -> None:
    """Words where a tap is awaited: a hint; the buttons above still work (and the
    words typed next are still the report's)."""
    flow = _flow(context)
    _claim_text(context, str(flow.get("state", PERIOD)))
    message = update.effective_message
    if message is not None:
        await message.reply_text(
            context.t.gettext("Please tap one of the buttons above, or /report to start again.")
        )
    return None


def conversation(application: Any) -> ConversationHandler[BetweenContext]:
    """First among the features, with the plan's steps: its name step takes typed words
    only while its question is the latest one asked (handlers/common.AwaitsText)."""
    Tap = CallbackQueryHandler[BetweenContext, object]
    services = application.bot_data[SERVICES_KEY]
    assert isinstance(services, Services)

    def typed(state: str) -> filters.BaseFilter:
        awaited = AwaitsText(
            application.user_data, services.clock, PREFIX, MEMO, state, IDLE_TIMEOUT
        )
        return PRIVATE & filters.TEXT & ~filters.COMMAND & awaited

    Text = MessageHandler[BetweenContext, object]
    cancel = Tap(cancel_tapped, pattern=callbacks.pattern(f"{PREFIX}:x"))
    return ConversationHandler(
        entry_points=[CommandHandler("report", report_command, filters=PRIVATE)],
        states={
            PERIOD: [
                Tap(period_tapped, pattern=callbacks.pattern(f"{PREFIX}:p", PERIODS)),
                cancel,
                Text(typed(PERIOD) & ~PLAN_SHAPED, report_hint),
            ],
            NAME_STEP: [
                Tap(name_tapped, pattern=callbacks.pattern(f"{PREFIX}:n", ["first", "none"])),
                Text(typed(NAME_STEP), name_written),
                ignore_taps(rf"^{PREFIX}:p:"),  # a second tap on the period
            ],
            PREVIEW: [
                Tap(make_tapped, pattern=callbacks.pattern(f"{PREFIX}:make")),
                Tap(notes_tapped, pattern=callbacks.pattern(f"{PREFIX}:notes")),
                Tap(change_name_tapped, pattern=callbacks.pattern(f"{PREFIX}:name")),
                cancel,
                Text(typed(PREVIEW) & ~PLAN_SHAPED, report_hint),
                ignore_taps(rf"^{PREFIX}:(p|n):"),  # a second tap on the period or name
            ],
        },
        fallbacks=[],
        conversation_timeout=IDLE_TIMEOUT,
        name=NAME,
        persistent=True,
        allow_reentry=True,
    )


# --- /prep ---------------------------------------------------------------------------------------


async def prep_text(services: Services, person: Person, t: Translator) -> str:
    """A few honest lines for the next session, since the last one (or two weeks)."""
    period = await period_of(services, person, SINCE_SESSION, t.locale) or _days(
        services.clock(), person.timezone, 14
    )
    data = await gather(services, person, period)
    did = [t.ngettext("checked in {n} time", "checked in {n} times", len(data.points))]
    did += [
        t.ngettext("did “{homework}” on {n} day", "did “{homework}” on {n} days", n, homework=text)
        for text, n in data.done.most_common(HOMEWORK_SHOWN)
    ]
    if data.plans.used:
        did.append(t.ngettext("used a plan {n} time", "used a plan {n} times", data.plans.used))
    lines = [
        t.gettext("<b>For my next session</b> ({period})", period=period_text(t, period)),
        "• " + t.gettext("What I did: {list}.", list=escape(", ".join(did))),
    ]
    skipped = sum(data.not_done.values())
    if data.barriers:
        lines.append(
            "• "
            + t.gettext(
                "What got in the way: {list}.",
                list=", ".join(
                    escape(t.gettext(BARRIERS[key]))
                    for key, _n in _ranked(data.barriers)
                    if key in BARRIERS
                ),
            )
        )
    elif skipped:
        lines.append("• " + t.ngettext("I skipped {n} day.", "I skipped {n} days.", skipped))
    patterns = find_patterns(data.points, t.locale)
    if patterns:
        lines.append(
            "• "
            + t.gettext(
                "A pattern I noticed: {pattern}", pattern=escape(pattern_text(t, patterns[0]))
            )
        )
    if data.questions:
        lines.append(
            "• "
            + t.gettext(
                "What I want to ask or change: {list}",
                list=escape("; ".join(data.questions[-3:])),
            )
        )
    elif data.not_done:
        text, _n = data.not_done.most_common(1)[0]
        lines.append(
            "• "
            + t.gettext(
                "What I want to change: maybe a smaller version of “{homework}”.",
                homework=escape(text),
            )
        )
    if not data.points and not data.done and not data.not_done:
        lines.append(
            t.gettext(
                "Nothing recorded in this period, and that's all right: it is worth saying too."
            )
        )
    return "\n".join(lines)


async def prep_command(update: Update, context: BetweenContext) -> None:
    message = update.effective_message
    person = context.person
    if message is None or person is None:
        return
    await message.reply_text(await prep_text(context.services, person, context.t))


def handlers() -> list[CommandHandler[BetweenContext, None]]:
    return [
        CommandHandler("week", week_command, filters=PRIVATE),
        CommandHandler("prep", prep_command, filters=PRIVATE),
    ]
