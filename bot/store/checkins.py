"""Check-ins: one row each, started when the intensity is tapped, completed as answered."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.clock import iso
from bot.coach import Outcome
from bot.db import Database

HELPED = ("yes", "some", "no")
# Columns a later answer may fill in; anything else is fixed when the row is made.
ANSWERS = frozenset(
    {"body_rounds", "intensity_rerated", "technique", "technique_steps", "intensity_after",
     "helped", "note"}
)  # fmt: skip


@dataclass(frozen=True)
class CheckIn:
    id: int
    user_id: int
    at: str
    local_at: str
    timezone: str
    place: str
    family: str
    intensity: int
    body_rounds: int
    intensity_rerated: int | None
    technique: str | None
    technique_steps: int | None
    intensity_after: int | None
    helped: str | None
    note: str | None
    source: str

    @property
    def last_rating(self) -> int | None:
        """The latest rating after the first: after the technique, or after the body-first
        minute."""
        return self.intensity_after or self.intensity_rerated


def _checkin(row: Any) -> CheckIn:
    return CheckIn(**{name: row[name] for name in CheckIn.__dataclass_fields__})


async def start(
    db: Database,
    *,
    user_id: int,
    message_id: int,
    now: datetime,
    local: datetime,
    timezone: str,
    place: str,
    intensity: int,
    source: str,
) -> int:
    """The check-in of this message, made once: a second call returns the same row."""
    await db.execute(
        "INSERT INTO checkins (user_id, message_id, at, local_at, timezone, place, family, "
        "intensity, source, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (user_id, message_id) DO NOTHING",
        (
            user_id,
            message_id,
            iso(now),
            local.isoformat(timespec="seconds"),
            timezone,
            place,
            place.split("/")[0],
            intensity,
            source,
            iso(now),
        ),
    )
    row = await db.fetchone(
        "SELECT id FROM checkins WHERE user_id = ? AND message_id = ?", (user_id, message_id)
    )
    assert row is not None
    return int(row["id"])


async def answer(db: Database, user_id: int, checkin_id: int, now: datetime, **values: Any) -> None:
    """Fill in later answers. The user id is part of the key: a row is only ever its
    owner's."""
    unknown = set(values) - ANSWERS
    if unknown:
        raise ValueError(f"not an answer column: {sorted(unknown)}")
    columns = sorted(values)
    assignments = ", ".join(f"{column} = ?" for column in columns)
    await db.execute(
        f"UPDATE checkins SET {assignments}, updated_at = ? WHERE id = ? AND user_id = ?",  # noqa: S608 (columns from ANSWERS)
        (*(values[c] for c in columns), iso(now), checkin_id, user_id),
    )


async def get(db: Database, user_id: int, checkin_id: int) -> CheckIn | None:
    row = await db.fetchone(
        "SELECT * FROM checkins WHERE id = ? AND user_id = ?", (checkin_id, user_id)
    )
    return _checkin(row) if row else None


async def all_of(db: Database, user_id: int) -> list[CheckIn]:
    rows = await db.fetchall("SELECT * FROM checkins WHERE user_id = ? ORDER BY at, id", (user_id,))
    return [_checkin(row) for row in rows]


async def between(db: Database, user_id: int, since: datetime, until: datetime) -> list[CheckIn]:
    """The check-ins made in [since, until), oldest first."""
    rows = await db.fetchall(
        "SELECT * FROM checkins WHERE user_id = ? AND at >= ? AND at < ? ORDER BY at, id",
        (user_id, iso(since), iso(until)),
    )
    return [_checkin(row) for row in rows]


async def count_since(db: Database, user_id: int, since: datetime) -> int:
    row = await db.fetchone(
        "SELECT COUNT(*) AS n FROM checkins WHERE user_id = ? AND at >= ?",
        (user_id, iso(since)),
    )
    return int(row["n"]) if row else 0


async def any_between(db: Database, user_id: int, start: datetime, end: datetime) -> bool:
    row = await db.fetchone(
        "SELECT 1 FROM checkins WHERE user_id = ? AND at >= ? AND at < ? LIMIT 1",
        (user_id, iso(start), iso(end)),
    )
    return row is not None


async def moments_since(db: Database, user_id: int, since: datetime) -> list[datetime]:
    """When each check-in since a moment was made (UTC)."""
    rows = await db.fetchall(
        "SELECT at FROM checkins WHERE user_id = ? AND at >= ? ORDER BY at",
        (user_id, iso(since)),
    )
    return [datetime.fromisoformat(str(row["at"])) for row in rows]


async def outcomes(db: Database, user_id: int, limit: int = 200) -> list[Outcome]:
    """How the person's recent techniques went: intensity before and after each."""
    rows = await db.fetchall(
        "SELECT technique, COALESCE(intensity_rerated, intensity) AS before, intensity_after "
        "FROM checkins WHERE user_id = ? AND technique IS NOT NULL ORDER BY at DESC, id DESC "
        "LIMIT ?",
        (user_id, limit),
    )
    return [Outcome(str(r["technique"]), int(r["before"]), r["intensity_after"]) for r in rows]


async def last_technique(db: Database, user_id: int) -> str | None:
    row = await db.fetchone(
        "SELECT technique FROM checkins WHERE user_id = ? AND technique IS NOT NULL "
        "ORDER BY at DESC, id DESC LIMIT 1",
        (user_id,),
    )
    return str(row["technique"]) if row else None
