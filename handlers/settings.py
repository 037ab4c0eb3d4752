"""/settings and /language: language, time zone, quiet hours, a pause of every nudge,
and data, edited in place."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, time, timedelta
from html import escape

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot import callbacks
from bot.commands import publish_chat_commands
from bot.context import BetweenContext
from bot.i18n import SUPPORTED_LOCALES, Translator, native_name, translator
from bot.recurrence import next_occurrence
from bot.store import users
from bot.store.users import Person
from bot.weeks import zone as person_zone
from handlers.common import PRIVATE, Button, edit, in_rows, keyboard
from handlers.onboarding import language_rows
from handlers.timezone import zone_now

_log = logging.getLogger(__name__)

PREFIX = "st"

# The quiet hours one can choose, as local "HH:MM" from and until (wrapping past midnight).
QUIET_CHOICES: tuple[tuple[str, str], ...] = (
    ("21:00", "07:00"),
    ("22:00", "07:00"),
    ("22:00", "08:00"),
    ("23:00", "08:00"),
    ("00:00", "09:00"),
)
QUIET_OFF = "off"
# How long a pause of every nudge lasts; "morning" is the next local 08:00.
PAUSE_CHOICES = ("morning", "3d", "week")
RESUME = "off"
MORNING = time(8, 0)


def quiet_key(quiet: tuple[str, str]) -> str:
    """Callback field of a quiet-hours choice: ("22:00", "07:00") -> "2200-0700"."""
    start, end = quiet
    return f"{start.replace(':', '')}-{end.replace(':', '')}"


QUIET_BY_KEY = {quiet_key(choice): choice for choice in QUIET_CHOICES}


def quiet_span(quiet: tuple[str, str]) -> str:
    return f"{quiet[0]}–{quiet[1]}"


def current_quiet(person: Person) -> tuple[str, str] | None:
    if person.quiet_from and person.quiet_until:
        return person.quiet_from, person.quiet_until
    return None


def paused_until(person: Person, now: datetime) -> datetime | None:
    """The end of the person's pause of every nudge, if it has not ended yet."""
    until = person.nudges_paused_until
    return until if until is not None and until > now else None


def pause_end(choice: str, now: datetime, zone_name: str | None) -> datetime:
    """When a pause chosen now ends, in UTC: the next local 08:00, or the same local
    time three or seven days on (daylight saving changes keep the wall-clock time)."""
    zone = person_zone(zone_name)
    if choice == "morning":
        return next_occurrence(now, MORNING, zone)
    days = 3 if choice == "3d" else 7
    local = now.astimezone(zone).replace(second=0, microsecond=0)
    return (local + timedelta(days=days)).astimezone(UTC)


def _moment(t: Translator, moment: datetime, person: Person) -> str:
    return t.when(moment, person_zone(person.timezone))


def settings_view(context: BetweenContext) -> tuple[str, list[list[Button]]]:
    t = context.t
    person = context.person
    assert person is not None
    zone = (
        escape(zone_now(t, person.timezone, context))
        if person.timezone
        else t.gettext("not set yet")
    )
    if person.consent_at is not None:
        data = t.gettext("stored with your consent since {date}", date=t.date(person.consent_at))
    else:
        data = t.gettext("not stored (no consent given)")
    current = current_quiet(person)
    quiet = quiet_span(current) if current else t.gettext("off")
    until = paused_until(person, context.services.clock())
    nudges = (
        t.gettext("Nudges: paused until {moment}", moment=_moment(t, until, person))
        if until
        else t.gettext("Nudges: on")
    )
    text = "\n".join(
        [
            t.gettext("<b>Settings</b>"),
            t.gettext("Language: {language}", language=native_name(t.locale)),
            t.gettext("Time zone: {zone}", zone=zone),
            t.gettext("Quiet hours: {hours}", hours=quiet),
            nudges,
            t.gettext("Your data: {data}", data=data),
        ]
    )
    rows: list[list[Button]] = [
        [(t.gettext("Language"), "st:lang"), (t.gettext("Time zone"), "st:tz")],
        [
            (t.gettext("Quiet hours"), "st:quiet"),
            (t.gettext("Resume nudges") if until else t.gettext("Pause nudges"), "st:pause"),
        ],
        [(t.gettext("Your data"), "st:data")],
    ]
    return text, rows


def quiet_view(context: BetweenContext) -> tuple[str, list[list[Button]]]:
    t = context.t
    person = context.person
    assert person is not None
    text = t.gettext(
        "<b>Quiet hours</b>\n\nI won't send nudges during these hours. /sos and "
        "everything else still work any time."
    )
    current = current_quiet(person)

    def marked(label: str, chosen: bool) -> str:
        return f"✓ {label}" if chosen else label

    choices: list[Button] = [
        (marked(quiet_span(choice), choice == current), f"st:quiet:{quiet_key(choice)}")
        for choice in QUIET_CHOICES
    ]
    choices.append((marked(t.gettext("Off"), current is None), f"st:quiet:{QUIET_OFF}"))
    return text, [*in_rows(choices), [(t.gettext("« Back"), "st:home")]]


def pause_view(context: BetweenContext) -> tuple[str, list[list[Button]]]:
    t = context.t
    person = context.person
    assert person is not None
    until = paused_until(person, context.services.clock())
    rows: list[list[Button]] = []
    if until is not None:
        text = t.gettext(
            "<b>Pause nudges</b>\n\nNudges are paused until {moment}. /sos and everything "
            "else still work. You can resume them now, or change how long the break lasts.",
            moment=_moment(t, until, person),
        )
        rows.append([(t.gettext("Resume now"), f"st:pause:{RESUME}")])
    else:
        text = t.gettext(
            "<b>Pause nudges</b>\n\nTake a break from nudges for a while; they come back "
            "on their own. /sos and everything else still work."
        )
    rows += [
        [(t.gettext("Until tomorrow morning"), "st:pause:morning")],
        [(t.gettext("For 3 days"), "st:pause:3d"), (t.gettext("For a week"), "st:pause:week")],
        [(t.gettext("« Back"), "st:home")],
    ]
    return text, rows


def data_view(context: BetweenContext) -> tuple[str, list[list[Button]]]:
    t = context.t
    person = context.person
    assert person is not None
    if person.consent_at is not None:
        text = t.gettext(
            "<b>Your data</b>\n\nYou agreed on {date} that Between may store what you tell "
            "it: check-ins, plans and notes. It is used only to help you and for the "
            "summaries you ask for, and is never shared unless you send it yourself.\n\n"
            "If you withdraw consent, I stop storing new check-ins, plans and notes.",
            date=t.date(person.consent_at),
        )
        toggle: Button = (t.gettext("Withdraw consent"), "st:consent:no")
    else:
        text = t.gettext(
            "<b>Your data</b>\n\nYou haven't agreed to let Between store check-ins, plans "
            "or notes, so it keeps only your language and time zone. If you agree, they "
            "are used only to help you and for the summaries you ask for."
        )
        toggle = (t.gettext("Allow storing my data"), "st:consent:yes")
    text += "\n\n" + t.gettext(
        "/export sends you a copy of everything Between keeps about you; /forget erases it."
    )
    return text, [[toggle], [(t.gettext("« Back"), "st:home")]]


async def settings_command(update: Update, context: BetweenContext) -> None:
    assert update.effective_message is not None
    text, rows = settings_view(context)
    await update.effective_message.reply_text(text, reply_markup=keyboard(rows))


async def language_command(update: Update, context: BetweenContext) -> None:
    assert update.effective_message is not None
    t = context.t
    await update.effective_message.reply_text(
        t.gettext("Which language would you like me to use?"),
        reply_markup=keyboard(language_rows(PREFIX, t.locale)),
    )


async def settings_tap(update: Update, context: BetweenContext) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None and context.person is not None
    t = context.t
    services = context.services
    data = query.data
    if data == "st:lang":
        await query.answer()
        await edit(
            query,
            t.gettext("Which language would you like me to use?"),
            keyboard([*language_rows(PREFIX, t.locale), [(t.gettext("« Back"), "st:home")]]),
        )
        return
    if data in ("st:data", "st:quiet", "st:pause"):
        await query.answer()
        view = {"st:data": data_view, "st:quiet": quiet_view, "st:pause": pause_view}[data]
        text, rows = view(context)
        await edit(query, text, keyboard(rows))
        return
    if data.startswith("st:lang:"):
        locale = callbacks.field(data, "st:lang")
        await users.set_locale(services.db, context.person.user_id, locale, services.clock())
        context.t = translator(locale)
        await query.answer(
            context.t.gettext("Language set: {language}", language=native_name(locale))
        )
        # The menu can wait (and may wait out a flood limit); the tap's answer cannot.
        context.application.create_task(
            publish_chat_commands(context.bot, context.person.chat_id, locale), update=update
        )
        _log.info("language changed user=%d locale=%s", context.person.user_id, locale)
    elif data.startswith("st:consent:"):
        agreed = callbacks.field(data, "st:consent") == "yes"
        await users.set_consent(services.db, context.person.user_id, agreed, services.clock())
        _log.info("consent changed user=%d consent=%s", context.person.user_id, agreed)
        await query.answer(
            t.gettext("Thank you. I'll keep what you tell me.")
            if agreed
            else t.gettext("Done. I won't store new check-ins, plans or notes.")
        )
    elif data.startswith("st:quiet:"):
        await query.answer(await _set_quiet(context, callbacks.field(data, "st:quiet")))
    elif data.startswith("st:pause:"):
        await query.answer(await _set_pause(context, callbacks.field(data, "st:pause")))
    else:
        await query.answer()
    context.person = await users.get(services.db, context.person.user_id)
    text, rows = settings_view(context)
    await edit(query, text, keyboard(rows))


async def _set_quiet(context: BetweenContext, key: str) -> str:
    """Store the chosen quiet hours (a key a pattern already matched); the tap's answer."""
    person = context.person
    assert person is not None
    t, services = context.t, context.services
    quiet = None if key == QUIET_OFF else QUIET_BY_KEY[key]
    await users.set_quiet_hours(services.db, person.user_id, quiet, services.clock())
    await services.scheduler.refresh_person(person.user_id)
    _log.info("quiet hours changed user=%d quiet=%s", person.user_id, key)
    if quiet is None:
        return t.gettext("Quiet hours off.")
    return t.gettext("Quiet hours set: {hours}. I won't nudge you then.", hours=quiet_span(quiet))


async def _set_pause(context: BetweenContext, choice: str) -> str:
    """Pause every nudge, or resume them (a choice a pattern already matched); the tap's
    answer."""
    person = context.person
    assert person is not None
    t, services = context.t, context.services
    now = services.clock()
    until = None if choice == RESUME else pause_end(choice, now, person.timezone)
    await users.pause_nudges(services.db, person.user_id, until, now)
    await services.scheduler.refresh_person(person.user_id)
    if until is None:
        _log.info("nudges resumed user=%d", person.user_id)
        return t.gettext("Nudges are back on.")
    _log.info("nudges paused user=%d choice=%s", person.user_id, choice)
    return t.gettext(
        "Nudges paused until {moment}. /sos and everything else still work.",
        moment=_moment(t, until, person),
    )


def handlers() -> list[
    CommandHandler[BetweenContext, None] | CallbackQueryHandler[BetweenContext, None]
]:
    taps = "|".join(
        [
            r"st:home",
            r"st:lang",
            r"st:data",
            r"st:lang:(?:" + "|".join(SUPPORTED_LOCALES) + ")",
            r"st:consent:(?:yes|no)",
            r"st:quiet",
            r"st:quiet:(?:" + "|".join([*QUIET_BY_KEY, QUIET_OFF]) + ")",
            r"st:pause",
            r"st:pause:(?:" + "|".join([*PAUSE_CHOICES, RESUME]) + ")",
        ]
    )
    return [
        CommandHandler("settings", settings_command, filters=PRIVATE),
        CommandHandler("language", language_command, filters=PRIVATE),
        CallbackQueryHandler(settings_tap, pattern=rf"^(?:{taps})\Z"),
    ]
