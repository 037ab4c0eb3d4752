"""Homework as the person reads it: the tiny-habit card sentence, its parts, whether it is
done today, and the days engaged this week. Shared by /homework and the nudges."""

from __future__ import annotations

from datetime import date, time, timedelta
from html import escape
from typing import Literal
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_time, get_day_names

from bot.context import BetweenContext
from bot.db import Database
from bot.i18n import Translator
from bot.recurrence import EVERY_DAY, day_bounds, habit_day
from bot.store import checkins, homework
from bot.store.homework import Homework
from bot.weeks import week_start, zone
from content.homework import ANCHORS, CHECKIN_TINY, TINY_TEXT


def is_checkin(item: Homework) -> bool:
    """Whether the tiny version is a check-in: "Do it now" opens one, and any check-in
    that day counts as done."""
    return item.tiny_own is None and item.tiny_key == CHECKIN_TINY


# A person's own words in a card or nudge are shown up to this many characters (stored
# whole), so that a long paste can never push a nudge past Telegram's 4,096.
SHOWN = 600


def clip(text: str, limit: int = SHOWN) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def tiny_text(t: Translator, item: Homework) -> str:
    """The smallest version, escaped: the person's words, a suggestion, or the homework."""
    if item.tiny_own:
        return escape(clip(item.tiny_own))
    if item.tiny_key in TINY_TEXT:
        return escape(t.gettext(TINY_TEXT[item.tiny_key]))
    return escape(clip(item.text))


def anchor_text(t: Translator, item: Homework) -> str | None:
    """ "After I get into bed" (escaped), or None when no habit was chosen."""
    if item.anchor_own:
        return t.gettext("After I {habit}", habit=escape(clip(item.anchor_own, 200)))
    if item.anchor in ANCHORS:
        return escape(t.gettext(ANCHORS[item.anchor]))
    return None


def card_sentence(t: Translator, item: Homework) -> str:
    """ "After I get into bed, I will tap one feeling and a number." (HTML-safe)."""
    after = anchor_text(t, item)
    tiny = tiny_text(t, item)
    if after is None:
        return t.gettext("I will {tiny}.", tiny=tiny)
    return t.gettext("{after}, I will {tiny}.", after=after, tiny=tiny)


def nudge_line(t: Translator, item: Homework) -> str:
    """ "After I get into bed: tap one feeling and a number" (HTML-safe)."""
    after = anchor_text(t, item)
    tiny = tiny_text(t, item)
    if after is None:
        return tiny
    return t.gettext("<b>{after}:</b> {tiny}", after=after, tiny=tiny)


WEEKDAYS = frozenset(range(5))  # Monday to Friday
WEEKENDS = frozenset({5, 6})


def time_text(t: Translator, at: time) -> str:
    """A wall-clock time in the person's locale: "9:30 PM", "21:30"."""
    return format_time(at, format="short", locale=t.locale)


def day_names(
    t: Translator, width: Literal["abbreviated", "narrow", "short", "wide"] = "abbreviated"
) -> list[str]:
    """The weekday names in the person's locale, Monday first."""
    names = get_day_names(width, locale=t.locale)
    return [str(names[day]) for day in range(7)]


def days_text(t: Translator, weekdays: frozenset[int]) -> str:
    """ "Every day", "Weekdays", "Weekends", or the days' short names in week order."""
    if weekdays == EVERY_DAY:
        return t.gettext("Every day")
    if weekdays == WEEKDAYS:
        return t.gettext("Weekdays")
    if weekdays == WEEKENDS:
        return t.gettext("Weekends")
    names = day_names(t)
    return ", ".join(names[day] for day in week_order(t) if day in weekdays)


def week_order(t: Translator) -> list[int]:
    """The weekdays (Monday is 0) in the order the person's locale starts its week."""
    first = Locale.parse(t.locale).first_week_day
    return [(first + n) % 7 for n in range(7)]


def today(context: BetweenContext) -> date:
    """The person's habit day now (the day rolls over at the configured hour)."""
    person = context.person
    assert person is not None
    services = context.services
    return habit_day(services.clock(), zone(person.timezone), services.settings.day_rollover)


async def done_on(db: Database, item: Homework, day: date, where: ZoneInfo, rollover: time) -> bool:
    """Whether the homework counts as done on a habit day: marked done, or (for a
    check-in homework) any check-in made during that day."""
    if await homework.day_status(db, item.homework_id, day) == homework.DONE:
        return True
    if not is_checkin(item):
        return False
    start, end = day_bounds(day, where, rollover)
    return await checkins.any_between(db, item.user_id, start, end)


async def days_engaged_this_week(context: BetweenContext) -> int:
    """Days this week (the person's week, in their zone) with a check-in or some homework
    done: a count that only grows, never a streak that breaks."""
    person = context.person
    assert person is not None
    services = context.services
    now = services.clock()
    rollover = services.settings.day_rollover
    where = zone(person.timezone)
    first_day = week_start(now, person.timezone, context.t.locale).astimezone(where).date()
    last_day = habit_day(now, where, rollover)
    engaged = await homework.done_days(services.db, person.user_id, first_day, last_day)
    since, _ = day_bounds(first_day, where, rollover)
    for moment in await checkins.moments_since(services.db, person.user_id, since):
        engaged.add(habit_day(moment, where, rollover))
    return len({day for day in engaged if first_day <= day <= last_day})


def week_days(first: date) -> list[date]:
    return [first + timedelta(days=n) for n in range(7)]
