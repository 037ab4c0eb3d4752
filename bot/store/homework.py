"""Homework: what the therapist suggested, made small, and each day's done or not done."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from bot.clock import iso
from bot.db import Database

# Columns the five questions (and editing) may fill in or change.
FIELDS = frozenset(
    {"text", "avoid_reason", "avoid_own", "kind", "tiny_key", "tiny_own", "anchor",
     "anchor_own", "pairing", "understands_why"}
)  # fmt: skip
DONE, NOT_DONE = "done", "not_done"


@dataclass(frozen=True)
class Homework:
    homework_id: int
    user_id: int
    text: str
    avoid_reason: str | None
    avoid_own: str | None
    kind: str | None
    tiny_key: str | None
    tiny_own: str | None
    anchor: str | None
    anchor_own: str | None
    pairing: str | None
    understands_why: int | None
    paused_at: str | None
    shrink_offered_at: str | None
    created_at: str

    @property
    def paused(self) -> bool:
        return self.paused_at is not None


def _homework(row: Any) -> Homework:
    return Homework(**{name: row[name] for name in Homework.__dataclass_fields__})


async def create(db: Database, user_id: int, text: str, now: datetime) -> int:
    return await db.insert(
        "INSERT INTO homework (user_id, text, created_at, updated_at) VALUES (?, ?, ?, ?)",
        (user_id, text, iso(now), iso(now)),
    )


async def get(db: Database, homework_id: int, user_id: int) -> Homework | None:
    """The item, only if it is this person's: a forged id never reaches another's row."""
    row = await db.fetchone(
        "SELECT * FROM homework WHERE homework_id = ? AND user_id = ?", (homework_id, user_id)
    )
    return _homework(row) if row else None


async def of_person(db: Database, user_id: int) -> list[Homework]:
    rows = await db.fetchall(
        "SELECT * FROM homework WHERE user_id = ? ORDER BY homework_id", (user_id,)
    )
    return [_homework(row) for row in rows]


async def update(
    db: Database, homework_id: int, user_id: int, now: datetime, **fields: object
) -> None:
    unknown = set(fields) - FIELDS
    if unknown:
        raise ValueError(f"not homework answers: {sorted(unknown)}")
    if not fields:
        return
    # Column names come from FIELDS above, never from the person.
    assignments = ", ".join(f"{name} = ?" for name in fields)
    await db.execute(
        f"UPDATE homework SET {assignments}, updated_at = ? "  # noqa: S608 - names from FIELDS
        "WHERE homework_id = ? AND user_id = ?",
        (*fields.values(), iso(now), homework_id, user_id),
    )


async def set_paused(
    db: Database, homework_id: int, user_id: int, paused: bool, now: datetime
) -> None:
    await db.execute(
        "UPDATE homework SET paused_at = ?, updated_at = ? WHERE homework_id = ? AND user_id = ?",
        (iso(now) if paused else None, iso(now), homework_id, user_id),
    )


async def set_shrink_offered(db: Database, homework_id: int, now: datetime) -> None:
    await db.execute(
        "UPDATE homework SET shrink_offered_at = ? WHERE homework_id = ?",
        (iso(now), homework_id),
    )


async def delete(db: Database, homework_id: int, user_id: int) -> bool:
    """Delete the item with its reminders and days (the foreign keys cascade)."""
    changed = await db.execute(
        "DELETE FROM homework WHERE homework_id = ? AND user_id = ?", (homework_id, user_id)
    )
    return changed > 0


async def mark_day(
    db: Database,
    homework_id: int,
    user_id: int,
    day: date,
    status: str,
    now: datetime,
    barrier: str | None = None,
) -> None:
    """Done or not done on a habit day; a later answer for the same day replaces it."""
    if status not in (DONE, NOT_DONE):
        raise ValueError(status)
    await db.execute(
        """
        INSERT INTO homework_days (homework_id, user_id, day, status, barrier, at)
        SELECT homework_id, user_id, ?, ?, ?, ? FROM homework
        WHERE homework_id = ? AND user_id = ?
        ON CONFLICT (homework_id, day) DO UPDATE SET
            status = excluded.status, barrier = excluded.barrier, at = excluded.at
        """,
        (day.isoformat(), status, barrier, iso(now), homework_id, user_id),
    )


async def day_status(db: Database, homework_id: int, day: date) -> str | None:
    row = await db.fetchone(
        "SELECT status FROM homework_days WHERE homework_id = ? AND day = ?",
        (homework_id, day.isoformat()),
    )
    return str(row["status"]) if row else None


async def days(db: Database, homework_id: int, since: date) -> dict[date, tuple[str, str | None]]:
    """Each answered day since `since`: its status and the barrier named, if any."""
    rows = await db.fetchall(
        "SELECT day, status, barrier FROM homework_days WHERE homework_id = ? AND day >= ?",
        (homework_id, since.isoformat()),
    )
    return {
        date.fromisoformat(str(row["day"])): (str(row["status"]), row["barrier"]) for row in rows
    }


async def done_days(db: Database, user_id: int, first: date, last: date) -> set[date]:
    """Days on which this person did some homework."""
    rows = await db.fetchall(
        "SELECT DISTINCT day FROM homework_days WHERE user_id = ? AND status = 'done' "
        "AND day BETWEEN ? AND ?",
        (user_id, first.isoformat(), last.isoformat()),
    )
    return {date.fromisoformat(str(row["day"])) for row in rows}


async def add_question(
    db: Database,
    user_id: int,
    text: str,
    source: str,
    now: datetime,
    homework_id: int | None = None,
) -> None:
    """Something to ask the therapist (for /prep and the report)."""
    await db.execute(
        "INSERT INTO therapist_questions (user_id, text, source, homework_id, created_at) "
        "VALUES (?, ?, ?, ?, ?)",
        (user_id, text, source, homework_id, iso(now)),
    )


async def questions(db: Database, user_id: int) -> list[tuple[str, str]]:
    rows = await db.fetchall(
        "SELECT text, source FROM therapist_questions WHERE user_id = ? ORDER BY question_id",
        (user_id,),
    )
    return [(str(row["text"]), str(row["source"])) for row in rows]


async def days_between(
    db: Database, user_id: int, first: date, last: date
) -> list[tuple[int, date, str, str | None]]:
    """(homework, day, done or not done, barrier) for the person's days in [first, last]."""
    rows = await db.fetchall(
        "SELECT homework_id, day, status, barrier FROM homework_days "
        "WHERE user_id = ? AND day >= ? AND day <= ? ORDER BY day, homework_id",
        (user_id, first.isoformat(), last.isoformat()),
    )
    return [
        (int(row["homework_id"]), date.fromisoformat(str(row["day"])), str(row["status"]),
         row["barrier"])
        for row in rows
    ]  # fmt: skip
