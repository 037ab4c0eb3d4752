"""If-then plans, and each time one was brought back with what the person said.

A plan is written as a draft (saved_at NULL) the moment the bot shows it back, so a
restart loses nothing; it counts as saved only once the person taps Save. Drafts appear
nowhere but on their own card.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.clock import iso
from bot.db import Database

USED, NOT_NOW = "used", "not_now"
FROM_CHECKIN, FROM_REMINDER = "checkin", "reminder"


@dataclass(frozen=True)
class Plan:
    plan_id: int
    user_id: int
    cue: str
    response: str
    locale: str
    feeling: str | None
    saved_at: str | None
    paused_at: str | None
    created_at: str

    @property
    def paused(self) -> bool:
        return self.paused_at is not None

    @property
    def saved(self) -> bool:
        return self.saved_at is not None


@dataclass(frozen=True)
class Use:
    use_id: int
    plan_id: int
    user_id: int
    source: str
    checkin_id: int | None
    delivery_id: int | None
    shown_at: str
    answer: str | None


@dataclass(frozen=True)
class Counts:
    """How plans were brought back over a period, for the weekly report."""

    shown: int
    used: int
    not_now: int


def _plan(row: Any) -> Plan:
    return Plan(**{name: row[name] for name in Plan.__dataclass_fields__})


def _use(row: Any) -> Use:
    return Use(**{name: row[name] for name in Use.__dataclass_fields__})


async def draft(
    db: Database,
    user_id: int,
    *,
    cue: str,
    response: str,
    locale: str,
    feeling: str | None,
    now: datetime,
) -> int:
    """A new draft; the person's earlier unsaved drafts (superseded) are dropped."""
    async with db.transaction() as conn:
        await conn.execute("DELETE FROM plans WHERE user_id = ? AND saved_at IS NULL", (user_id,))
        cursor = await conn.execute(
            "INSERT INTO plans (user_id, cue, response, locale, feeling, created_at, "
            "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (user_id, cue, response, locale, feeling, iso(now), iso(now)),
        )
        plan_id = cursor.lastrowid
        await cursor.close()
    assert plan_id is not None
    return plan_id


async def rewrite(
    db: Database,
    plan_id: int,
    user_id: int,
    now: datetime,
    *,
    cue: str | None = None,
    response: str | None = None,
    feeling: str | None = None,
) -> bool:
    """A draft's cue or response written again (and the feeling its cue names)."""
    changed = await db.execute(
        "UPDATE plans SET cue = COALESCE(?, cue), response = COALESCE(?, response), "
        "feeling = CASE WHEN ? IS NULL THEN feeling ELSE ? END, updated_at = ? "
        "WHERE plan_id = ? AND user_id = ? AND saved_at IS NULL",
        (cue, response, cue, feeling, iso(now), plan_id, user_id),
    )
    return changed > 0


async def save(db: Database, plan_id: int, user_id: int, now: datetime) -> bool:
    """Save a draft. False when it was saved already (a double tap) or is gone."""
    changed = await db.execute(
        "UPDATE plans SET saved_at = ?, updated_at = ? "
        "WHERE plan_id = ? AND user_id = ? AND saved_at IS NULL",
        (iso(now), iso(now), plan_id, user_id),
    )
    return changed > 0


async def discard(db: Database, plan_id: int, user_id: int) -> bool:
    """Cancel a draft: it was never saved, so nothing of it is kept."""
    changed = await db.execute(
        "DELETE FROM plans WHERE plan_id = ? AND user_id = ? AND saved_at IS NULL",
        (plan_id, user_id),
    )
    return changed > 0


async def get(db: Database, plan_id: int, user_id: int) -> Plan | None:
    """The plan, only if it is this person's: a forged id never reaches another's row."""
    row = await db.fetchone(
        "SELECT * FROM plans WHERE plan_id = ? AND user_id = ?", (plan_id, user_id)
    )
    return _plan(row) if row else None


async def of_person(db: Database, user_id: int) -> list[Plan]:
    """Saved plans, oldest first."""
    rows = await db.fetchall(
        "SELECT * FROM plans WHERE user_id = ? AND saved_at IS NOT NULL ORDER BY plan_id",
        (user_id,),
    )
    return [_plan(row) for row in rows]


async def active_for_feeling(db: Database, user_id: int, family: str) -> list[Plan]:
    """Active plans about a feeling family, the most recently made first."""
    rows = await db.fetchall(
        "SELECT * FROM plans WHERE user_id = ? AND feeling = ? AND paused_at IS NULL "
        "AND saved_at IS NOT NULL "
        "ORDER BY plan_id DESC",
        (user_id, family),
    )
    return [_plan(row) for row in rows]


async def set_feeling(
    db: Database, plan_id: int, user_id: int, family: str | None, now: datetime
) -> bool:
    changed = await db.execute(
        "UPDATE plans SET feeling = ?, updated_at = ? WHERE plan_id = ? AND user_id = ?",
        (family, iso(now), plan_id, user_id),
    )
    return changed > 0


async def set_paused(db: Database, plan_id: int, user_id: int, paused: bool, now: datetime) -> bool:
    changed = await db.execute(
        "UPDATE plans SET paused_at = ?, updated_at = ? WHERE plan_id = ? AND user_id = ?",
        (iso(now) if paused else None, iso(now), plan_id, user_id),
    )
    return changed > 0


async def delete(db: Database, plan_id: int, user_id: int) -> bool:
    """The plan, its reminder and its uses."""
    changed = await db.execute(
        "DELETE FROM plans WHERE plan_id = ? AND user_id = ?", (plan_id, user_id)
    )
    return changed > 0


async def shown(
    db: Database,
    plan_id: int,
    user_id: int,
    *,
    source: str,
    now: datetime,
    checkin_id: int | None = None,
    delivery_id: int | None = None,
) -> int:
    return await db.insert(
        "INSERT INTO plan_uses (plan_id, user_id, source, checkin_id, delivery_id, shown_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (plan_id, user_id, source, checkin_id, delivery_id, iso(now)),
    )


async def get_use(db: Database, use_id: int, user_id: int) -> Use | None:
    row = await db.fetchone(
        "SELECT * FROM plan_uses WHERE use_id = ? AND user_id = ?", (use_id, user_id)
    )
    return _use(row) if row else None


async def use_of_delivery(db: Database, delivery_id: int) -> Use | None:
    row = await db.fetchone("SELECT * FROM plan_uses WHERE delivery_id = ?", (delivery_id,))
    return _use(row) if row else None


async def answer(db: Database, use_id: int, user_id: int, value: str, now: datetime) -> bool:
    """Store "used" or "not now". The first answer stays: a second tap changes nothing."""
    if value not in (USED, NOT_NOW):
        raise ValueError(f"not a plan answer: {value!r}")
    changed = await db.execute(
        "UPDATE plan_uses SET answer = ?, answered_at = ? "
        "WHERE use_id = ? AND user_id = ? AND answer IS NULL",
        (value, iso(now), use_id, user_id),
    )
    return changed > 0


async def uses_of_person(db: Database, user_id: int) -> list[Use]:
    rows = await db.fetchall(
        "SELECT * FROM plan_uses WHERE user_id = ? ORDER BY use_id", (user_id,)
    )
    return [_use(row) for row in rows]


# A plan "came back" when it was shown: after a check-in, or by a reminder that was sent
# (a reminder refused by Telegram, or never sent, does not count).
_CAME_BACK = """
    FROM plan_uses u LEFT JOIN deliveries d ON d.delivery_id = u.delivery_id
    WHERE u.user_id = ? AND (u.source = 'checkin' OR d.status = 'sent')
"""


async def counts(db: Database, user_id: int, since: datetime, until: datetime) -> Counts:
    """Plans brought back in [since, until): how many times, used, and not now."""
    row = await db.fetchone(
        "SELECT COUNT(*) AS shown, "
        "COALESCE(SUM(u.answer = 'used'), 0) AS used, "
        "COALESCE(SUM(u.answer = 'not_now'), 0) AS not_now "
        + _CAME_BACK
        + " AND u.shown_at >= ? AND u.shown_at < ?",
        (user_id, iso(since), iso(until)),
    )
    assert row is not None
    return Counts(shown=int(row["shown"]), used=int(row["used"]), not_now=int(row["not_now"]))


async def usage(db: Database, user_id: int) -> dict[int, tuple[int, int]]:
    """Per plan: times used and times brought back, for the list."""
    rows = await db.fetchall(
        "SELECT u.plan_id, COALESCE(SUM(u.answer = 'used'), 0) AS used, COUNT(*) AS shown "
        + _CAME_BACK
        + " GROUP BY u.plan_id",
        (user_id,),
    )
    return {int(row["plan_id"]): (int(row["used"]), int(row["shown"])) for row in rows}


async def forget_use(db: Database, use_id: int) -> None:
    """A plan that could not be shown after all (its message failed)."""
    await db.execute("DELETE FROM plan_uses WHERE use_id = ?", (use_id,))
