"""The people who use Between: their settings and consent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from bot.clock import from_iso, iso
from bot.db import Database


@dataclass(frozen=True)
class Person:
    user_id: int
    chat_id: int
    locale: str | None
    timezone: str | None
    consent_at: datetime | None
    onboarded_at: datetime | None
    blocked_at: datetime | None
    country: str | None = None
    quiet_from: str | None = None
    quiet_until: str | None = None
    nudges_paused_until: datetime | None = None
    report_name: str | None = None  # the name on the report for the therapist

    @property
    def has_consented(self) -> bool:
        return self.consent_at is not None


def _person(row: aiosqlite.Row) -> Person:
    def moment(value: object) -> datetime | None:
        return from_iso(str(value)) if value is not None else None

    return Person(
        user_id=int(row["user_id"]),
        chat_id=int(row["chat_id"]),
        locale=row["locale"],
        timezone=row["timezone"],
        consent_at=moment(row["consent_at"]),
        onboarded_at=moment(row["onboarded_at"]),
        blocked_at=moment(row["blocked_at"]),
        country=row["country"],
        quiet_from=row["quiet_from"],
        quiet_until=row["quiet_until"],
        nudges_paused_until=moment(row["nudges_paused_until"]),
        report_name=row["report_name"],
    )


async def get(db: Database, user_id: int) -> Person | None:
    row = await db.fetchone("SELECT * FROM users WHERE user_id = ?", (user_id,))
    return _person(row) if row else None


async def ensure(db: Database, user_id: int, chat_id: int, now: datetime) -> Person:
    """The person's row, created on first contact; a returning person is no longer blocked."""
    person, _returned = await ensure_returning(db, user_id, chat_id, now)
    return person


async def ensure_returning(
    db: Database, user_id: int, chat_id: int, now: datetime
) -> tuple[Person, bool]:
    """As ensure; also whether the person had blocked the bot and has come back."""
    known = await get(db, user_id)
    if known is not None and known.chat_id == chat_id and known.blocked_at is None:
        return known, False  # the usual case: one read, no write
    await db.execute(
        """
        INSERT INTO users (user_id, chat_id, created_at, updated_at) VALUES (?, ?, ?, ?)
        ON CONFLICT (user_id) DO UPDATE SET
            chat_id = excluded.chat_id,
            blocked_at = NULL,
            updated_at = CASE WHEN users.blocked_at IS NULL AND users.chat_id = excluded.chat_id
                              THEN users.updated_at ELSE excluded.updated_at END
        """,
        (user_id, chat_id, iso(now), iso(now)),
    )
    person = await get(db, user_id)
    assert person is not None
    return person, known is not None and known.blocked_at is not None


async def set_locale(db: Database, user_id: int, locale: str, now: datetime) -> None:
    await db.execute(
        "UPDATE users SET locale = ?, updated_at = ? WHERE user_id = ?",
        (locale, iso(now), user_id),
    )


async def set_timezone(db: Database, user_id: int, timezone: str, now: datetime) -> None:
    await db.execute(
        "UPDATE users SET timezone = ?, updated_at = ? WHERE user_id = ?",
        (timezone, iso(now), user_id),
    )


async def set_consent(db: Database, user_id: int, consent: bool, now: datetime) -> None:
    """Give or withdraw consent; giving it again keeps the date it was first given."""
    await db.execute(
        """
        UPDATE users SET consent_at = CASE WHEN ? THEN COALESCE(consent_at, ?) END,
                         updated_at = ?
        WHERE user_id = ?
        """,
        (consent, iso(now), iso(now), user_id),
    )


async def mark_onboarded(db: Database, user_id: int, now: datetime) -> None:
    await db.execute(
        "UPDATE users SET onboarded_at = COALESCE(onboarded_at, ?), updated_at = ? "
        "WHERE user_id = ?",
        (iso(now), iso(now), user_id),
    )


async def mark_blocked(db: Database, user_id: int, now: datetime) -> None:
    await db.execute(
        "UPDATE users SET blocked_at = ?, updated_at = ? WHERE user_id = ?",
        (iso(now), iso(now), user_id),
    )


async def set_country(db: Database, user_id: int, country: str | None, now: datetime) -> None:
    """The country whose help lines the person wants; None: the time zone's country."""
    await db.execute(
        "UPDATE users SET country = ?, updated_at = ? WHERE user_id = ?",
        (country, iso(now), user_id),
    )


async def settings_row(db: Database, user_id: int) -> aiosqlite.Row | None:
    """The person's row as stored, for the nudge rules (bot/store/reminders.person_settings)."""
    return await db.fetchone("SELECT * FROM users WHERE user_id = ?", (user_id,))


async def set_report_name(db: Database, user_id: int, name: str | None, now: datetime) -> None:
    await db.execute(
        "UPDATE users SET report_name = ?, updated_at = ? WHERE user_id = ?",
        (name, iso(now), user_id),
    )


async def set_quiet_hours(
    db: Database, user_id: int, quiet: tuple[str, str] | None, now: datetime
) -> None:
    """Quiet hours as local "HH:MM" from and until, or None for none."""
    start, end = quiet if quiet else (None, None)
    await db.execute(
        "UPDATE users SET quiet_from = ?, quiet_until = ?, updated_at = ? WHERE user_id = ?",
        (start, end, iso(now), user_id),
    )


async def pause_nudges(db: Database, user_id: int, until: datetime | None, now: datetime) -> None:
    """Pause every nudge until an instant; None resumes them."""
    await db.execute(
        "UPDATE users SET nudges_paused_until = ?, updated_at = ? WHERE user_id = ?",
        (iso(until) if until else None, iso(now), user_id),
    )
