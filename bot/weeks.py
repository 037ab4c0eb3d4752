"""Weeks as the person lives them: in their time zone, starting on their locale's first day."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale


def zone(name: str | None) -> ZoneInfo:
    """The person's time zone, or UTC when they have not chosen one."""
    try:
        return ZoneInfo(name) if name else ZoneInfo("UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def week_start(now: datetime, zone_name: str | None, locale: str) -> datetime:
    """The start of this week (local midnight of the locale's first weekday), in UTC."""
    local = now.astimezone(zone(zone_name))
    first = Locale.parse(locale).first_week_day  # 0 is Monday
    days_back = (local.weekday() - first) % 7
    midnight = datetime.combine(
        (local - timedelta(days=days_back)).date(), datetime.min.time(), tzinfo=local.tzinfo
    )
    return midnight.astimezone(UTC)
