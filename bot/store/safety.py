"""Safety events (what was shown, never what was written) and the personal safety plan."""

from __future__ import annotations

from datetime import datetime

from bot.clock import from_iso, iso
from bot.db import Database

# Sections of a safety plan, after Stanley & Brown's Safety Planning Intervention (2012).
PLAN_SECTIONS = ("signs", "self", "distract", "people", "pros", "safer")
PLAN_TEXT_LIMIT = 3000


async def record_event(db: Database, user_id: int, kind: str, now: datetime) -> None:
    await db.execute(
        "INSERT INTO safety_events (user_id, kind, at) VALUES (?, ?, ?)",
        (user_id, kind, iso(now)),
    )


async def last_event(db: Database, user_id: int, kind: str) -> datetime | None:
    row = await db.fetchone(
        "SELECT at FROM safety_events WHERE user_id = ? AND kind = ? ORDER BY at DESC LIMIT 1",
        (user_id, kind),
    )
    return from_iso(str(row["at"])) if row else None


async def count_events(db: Database, user_id: int, kind: str) -> int:
    row = await db.fetchone(
        "SELECT COUNT(*) AS n FROM safety_events WHERE user_id = ? AND kind = ?",
        (user_id, kind),
    )
    return int(row["n"]) if row else 0


async def plan(db: Database, user_id: int) -> dict[str, str]:
    """The person's plan: section -> what they wrote, only the sections they filled."""
    rows = await db.fetchall("SELECT section, body FROM safety_plan WHERE user_id = ?", (user_id,))
    return {str(row["section"]): str(row["body"]) for row in rows}


async def save_section(db: Database, user_id: int, section: str, body: str, now: datetime) -> None:
    if section not in PLAN_SECTIONS:
        raise ValueError(f"unknown safety plan section {section!r}")
    await db.execute(
        """
        INSERT INTO safety_plan (user_id, section, body, updated_at) VALUES (?, ?, ?, ?)
        ON CONFLICT (user_id, section) DO UPDATE SET body = excluded.body,
                                                     updated_at = excluded.updated_at
        """,
        (user_id, section, body[:PLAN_TEXT_LIMIT], iso(now)),
    )


async def clear_section(db: Database, user_id: int, section: str) -> None:
    await db.execute(
        "DELETE FROM safety_plan WHERE user_id = ? AND section = ?", (user_id, section)
    )
