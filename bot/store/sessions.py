"""The recurring therapy appointment, and the reflections written right after it.

One appointment per person (therapy_sessions): a weekday and local time, every week or
every second week counted from anchor_date (a day a session happens), its length, and
the reminder before it. The reminder rows themselves live in bot/store/reminders.

One reflection per person and session day (reflections): each answer is written as it
is given, so leaving half-way loses nothing, and a second reflection on the same
session day updates the same row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from bot.clock import iso
from bot.db import Database
from bot.recurrence import hhmm, parse_hhmm

# remind_hours: 1 or 3 hours before; EVENING_BEFORE is the day before at 20:00 local;
# NULL is no reminder.
EVENING_BEFORE = 0
REMIND_HOURS = (1, 3)
LENGTHS = (45, 50, 60, 90)
# The reflection's questions, in order; each is a column of reflections.
ANSWERS = ("takeaway", "hardest", "skill", "feeling")


@dataclass(frozen=True)
class TherapySession:
    user_id: int
    weekday: int  # Monday is 0
    at: time
    every_weeks: int
    anchor: date
    minutes: int
    remind_hours: int | None

    @property
    def remind_evening_before(self) -> bool:
        return self.remind_hours == EVENING_BEFORE


@dataclass(frozen=True)
class Reflection:
    reflection_id: int
    user_id: int
    session_date: date
    takeaway: str | None
    hardest: str | None
    skill: str | None
    feeling: str | None
    homework_id: int | None


def _session(row: Any) -> TherapySession:
    return TherapySession(
        user_id=int(row["user_id"]),
        weekday=int(row["weekday"]),
        at=parse_hhmm(str(row["at_time"])),
        every_weeks=int(row["every_weeks"]),
        anchor=date.fromisoformat(str(row["anchor_date"])),
        minutes=int(row["minutes"]),
        remind_hours=row["remind_hours"],
    )


def _reflection(row: Any) -> Reflection:
    return Reflection(
        reflection_id=int(row["reflection_id"]),
        user_id=int(row["user_id"]),
        session_date=date.fromisoformat(str(row["session_date"])),
        takeaway=row["takeaway"],
        hardest=row["hardest"],
        skill=row["skill"],
        feeling=row["feeling"],
        homework_id=row["homework_id"],
    )


# ---- the appointment ----------------------------------------------------------------------


async def get(db: Database, user_id: int) -> TherapySession | None:
    row = await db.fetchone("SELECT * FROM therapy_sessions WHERE user_id = ?", (user_id,))
    return _session(row) if row else None


async def save(db: Database, session: TherapySession, now: datetime) -> None:
    """The person's appointment, new or changed."""
    if not 0 <= session.weekday <= 6:
        raise ValueError(f"weekday out of range: {session.weekday}")
    if session.every_weeks not in (1, 2):
        raise ValueError(f"every_weeks must be 1 or 2: {session.every_weeks}")
    if session.anchor.weekday() != session.weekday:
        raise ValueError("the anchor date must fall on the session's weekday")
    if session.remind_hours not in (*REMIND_HOURS, EVENING_BEFORE, None):
        raise ValueError(f"not a reminder choice: {session.remind_hours}")
    await db.execute(
        """
        INSERT INTO therapy_sessions (user_id, weekday, at_time, every_weeks, anchor_date,
                                      minutes, remind_hours, created_at, updated_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (user_id) DO UPDATE SET
            weekday = excluded.weekday, at_time = excluded.at_time,
            every_weeks = excluded.every_weeks, anchor_date = excluded.anchor_date,
            minutes = excluded.minutes, remind_hours = excluded.remind_hours,
            updated_at = excluded.updated_at
        """,
        (
            session.user_id,
            session.weekday,
            hhmm(session.at),
            session.every_weeks,
            session.anchor.isoformat(),
            session.minutes,
            session.remind_hours,
            iso(now),
            iso(now),
        ),
    )


async def delete(db: Database, user_id: int) -> bool:
    changed = await db.execute("DELETE FROM therapy_sessions WHERE user_id = ?", (user_id,))
    return changed > 0


# ---- reflections --------------------------------------------------------------------------


async def answer(
    db: Database, user_id: int, session_date: date, question: str, text: str, now: datetime
) -> int:
    """One answer of the reflection on this session day, kept verbatim (a second
    reflection on the same day updates the same row). Returns the reflection's id."""
    if question not in ANSWERS:
        raise ValueError(f"not a reflection question: {question}")
    # The column name comes from ANSWERS above, never from the person.
    async with db.transaction() as conn:
        await conn.execute(
            f"INSERT INTO reflections (user_id, session_date, {question}, created_at, "  # noqa: S608
            "updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (user_id, session_date) "
            f"DO UPDATE SET {question} = excluded.{question}, updated_at = excluded.updated_at",
            (user_id, session_date.isoformat(), text, iso(now), iso(now)),
        )
        async with conn.execute(
            "SELECT reflection_id FROM reflections WHERE user_id = ? AND session_date = ?",
            (user_id, session_date.isoformat()),
        ) as cursor:
            row = await cursor.fetchone()
    assert row is not None
    return int(row[0])


async def reflection_on(db: Database, user_id: int, session_date: date) -> Reflection | None:
    row = await db.fetchone(
        "SELECT * FROM reflections WHERE user_id = ? AND session_date = ?",
        (user_id, session_date.isoformat()),
    )
    return _reflection(row) if row else None


async def reflection(db: Database, reflection_id: int, user_id: int) -> Reflection | None:
    """A reflection, only if it is this person's: a forged id never reaches another's row."""
    row = await db.fetchone(
        "SELECT * FROM reflections WHERE reflection_id = ? AND user_id = ?",
        (reflection_id, user_id),
    )
    return _reflection(row) if row else None


async def reflections_of(db: Database, user_id: int) -> list[Reflection]:
    rows = await db.fetchall(
        "SELECT * FROM reflections WHERE user_id = ? ORDER BY session_date", (user_id,)
    )
    return [_reflection(row) for row in rows]


async def link_homework(
    db: Database, reflection_id: int, user_id: int, homework_id: int, now: datetime
) -> bool:
    """Link the homework made from this reflection's skill, unless one is linked already
    (then False: the caller made a second one and removes it)."""
    changed = await db.execute(
        "UPDATE reflections SET homework_id = ?, updated_at = ? "
        "WHERE reflection_id = ? AND user_id = ? AND homework_id IS NULL",
        (homework_id, iso(now), reflection_id, user_id),
    )
    return changed > 0
