"""Reminders and their deliveries: the rows the scheduler is derived from.

A reminder's next_due is kept here, and is the only thing the scheduler reads to know
when to wake. Each due reminder is claimed in one transaction that records its delivery
under the unique key (reminder, local date) and moves next_due on: a restart, or a
second look at the same moment, can never claim the same delivery twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.clock import from_iso, iso
from bot.db import Database
from bot.nudging import SEND, Settings, Slot
from bot.recurrence import hhmm, parse_hhmm

HOMEWORK, SESSION_BEFORE, SESSION_AFTER = "homework", "session_before", "session_after"
PLAN = "plan"
SENT, FAILED, BLOCKED, SKIPPED = "sent", "failed", "blocked", "skipped"
ANSWERS = ("now", "done", "later", "not_today")


@dataclass(frozen=True)
class Reminder:
    reminder_id: int
    user_id: int
    kind: str
    homework_id: int | None
    plan_id: int | None
    slot: Slot
    next_due: datetime | None


@dataclass(frozen=True)
class Due:
    """A reminder as it falls due, with what deciding about it needs."""

    reminder: Reminder
    chat_id: int
    person: Settings
    homework_paused: bool  # the homework or plan it belongs to is paused


@dataclass(frozen=True)
class Delivery:
    delivery_id: int
    reminder_id: int
    user_id: int
    chat_id: int
    kind: str
    homework_id: int | None
    plan_id: int | None
    local_date: date
    due_at: datetime
    status: str
    message_id: int | None
    answer: str | None
    again_kind: str | None
    followed_up: bool


def _slot(row: Any) -> Slot:
    anchor = row["anchor_date"]
    return Slot(
        at=parse_hhmm(str(row["at_time"])),
        weekdays=Slot.weekdays_from(str(row["weekdays"])),
        every_weeks=int(row["every_weeks"]),
        anchor=date.fromisoformat(anchor) if anchor else None,
    )


def _reminder(row: Any) -> Reminder:
    return Reminder(
        reminder_id=int(row["reminder_id"]),
        user_id=int(row["user_id"]),
        kind=str(row["kind"]),
        homework_id=row["homework_id"],
        plan_id=row["plan_id"],
        slot=_slot(row),
        next_due=from_iso(row["next_due"]) if row["next_due"] else None,
    )


def person_settings(row: Any) -> Settings:
    """The nudge settings from a users row (or a row joined with it)."""
    zone_name = row["timezone"]
    quiet_from, quiet_until = row["quiet_from"], row["quiet_until"]
    paused = row["nudges_paused_until"]
    return Settings(
        zone=ZoneInfo(zone_name) if zone_name else None,
        blocked=row["blocked_at"] is not None,
        paused_until=from_iso(paused) if paused else None,
        quiet=(parse_hhmm(quiet_from), parse_hhmm(quiet_until))
        if quiet_from and quiet_until
        else None,
    )


_DUE_SELECT = """
    SELECT r.*, u.chat_id, u.timezone, u.blocked_at, u.quiet_from, u.quiet_until,
           u.nudges_paused_until, COALESCE(h.paused_at, p.paused_at) AS homework_paused_at
    FROM reminders r
    JOIN users u ON u.user_id = r.user_id
    LEFT JOIN homework h ON h.homework_id = r.homework_id
    LEFT JOIN plans p ON p.plan_id = r.plan_id
"""


def _due(row: Any) -> Due:
    return Due(
        reminder=_reminder(row),
        chat_id=int(row["chat_id"]),
        person=person_settings(row),
        homework_paused=row["homework_paused_at"] is not None,
    )


_INSERT = (
    "INSERT INTO reminders (user_id, kind, homework_id, at_time, weekdays, every_weeks, "
    "anchor_date, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def _slot_values(slot: Slot) -> tuple[str, str, int, str | None]:
    """at_time, weekdays, every_weeks and anchor_date, as stored."""
    anchor = slot.anchor.isoformat() if slot.anchor else None
    return hhmm(slot.at), slot.weekdays_text, slot.every_weeks, anchor


async def add(
    db: Database,
    *,
    user_id: int,
    kind: str,
    slot: Slot,
    now: datetime,
    homework_id: int | None = None,
) -> int:
    """A new reminder; its next_due is set by the scheduler's refresh of the person."""
    return await db.insert(
        _INSERT, (user_id, kind, homework_id, *_slot_values(slot), iso(now), iso(now))
    )


async def replace(
    db: Database,
    *,
    user_id: int,
    kinds: tuple[str, ...],
    slots: list[tuple[str, Slot]],
    now: datetime,
    homework_id: int | None = None,
) -> None:
    """Set the person's reminders of these kinds (for one homework item, or none) to these
    slots, in one transaction: existing rows are changed in place, extra ones added,
    surplus ones deleted (with their deliveries)."""
    marks = ", ".join("?" for _ in kinds)
    async with db.transaction() as conn:
        async with conn.execute(
            f"SELECT reminder_id FROM reminders WHERE user_id = ? AND kind IN ({marks}) "  # noqa: S608
            "AND homework_id IS ? ORDER BY reminder_id",
            (user_id, *kinds, homework_id),
        ) as cursor:
            existing = [int(row[0]) for row in await cursor.fetchall()]
        # Rows are updated in place, so their deliveries (every answer given) stay, and
        # a nudge already sent today is not sent again at the new time.
        for reminder_id, (kind, slot) in zip(existing, slots, strict=False):
            await conn.execute(
                "UPDATE reminders SET kind = ?, at_time = ?, weekdays = ?, every_weeks = ?, "
                "anchor_date = ?, next_due = NULL, updated_at = ? WHERE reminder_id = ?",
                (kind, *_slot_values(slot), iso(now), reminder_id),
            )
        await conn.executemany(
            "DELETE FROM reminders WHERE reminder_id = ?",
            [(reminder_id,) for reminder_id in existing[len(slots) :]],
        )
        await conn.executemany(
            _INSERT,
            [
                (user_id, kind, homework_id, *_slot_values(slot), iso(now), iso(now))
                for kind, slot in slots[len(existing) :]
            ],
        )


async def set_for_plan(
    db: Database, *, user_id: int, plan_id: int, slot: Slot | None, now: datetime
) -> None:
    """A plan's one reminder: set to this slot (changed in place, so its deliveries
    stay), or removed (None)."""
    async with db.transaction() as conn:
        async with conn.execute(
            "SELECT reminder_id FROM reminders WHERE user_id = ? AND plan_id = ?",
            (user_id, plan_id),
        ) as cursor:
            row = await cursor.fetchone()
        if slot is None:
            await conn.execute(
                "DELETE FROM reminders WHERE user_id = ? AND plan_id = ?", (user_id, plan_id)
            )
        elif row is not None:
            await conn.execute(
                "UPDATE reminders SET at_time = ?, weekdays = ?, every_weeks = ?, "
                "anchor_date = ?, next_due = NULL, updated_at = ? WHERE reminder_id = ?",
                (*_slot_values(slot), iso(now), int(row[0])),
            )
        else:
            await conn.execute(
                "INSERT INTO reminders (user_id, kind, plan_id, at_time, weekdays, "
                "every_weeks, anchor_date, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (user_id, PLAN, plan_id, *_slot_values(slot), iso(now), iso(now)),
            )


async def of_plan(db: Database, plan_id: int) -> Reminder | None:
    row = await db.fetchone("SELECT * FROM reminders WHERE plan_id = ?", (plan_id,))
    return _reminder(row) if row else None


async def of_person(db: Database, user_id: int) -> list[Reminder]:
    rows = await db.fetchall(
        "SELECT * FROM reminders WHERE user_id = ? ORDER BY reminder_id", (user_id,)
    )
    return [_reminder(row) for row in rows]


async def of_homework(db: Database, homework_id: int) -> list[Reminder]:
    rows = await db.fetchall(
        "SELECT * FROM reminders WHERE homework_id = ? ORDER BY reminder_id", (homework_id,)
    )
    return [_reminder(row) for row in rows]


async def delete(db: Database, reminder_id: int, user_id: int) -> None:
    await db.execute(
        "DELETE FROM reminders WHERE reminder_id = ? AND user_id = ?", (reminder_id, user_id)
    )


async def dues_of_person(db: Database, user_id: int) -> list[Due]:
    rows = await db.fetchall(_DUE_SELECT + " WHERE r.user_id = ?", (user_id,))
    return [_due(row) for row in rows]


async def set_next_due(db: Database, changes: list[tuple[int, datetime | None]]) -> None:
    if not changes:
        return
    async with db.transaction() as conn:
        await conn.executemany(
            "UPDATE reminders SET next_due = ? WHERE reminder_id = ?",
            [(iso(due) if due else None, reminder_id) for reminder_id, due in changes],
        )


async def earliest(db: Database) -> datetime | None:
    """When the scheduler must next wake: the first reminder or follow-up due."""
    row = await db.fetchone(
        "SELECT MIN(t) AS t FROM ("
        " SELECT MIN(next_due) AS t FROM reminders WHERE next_due IS NOT NULL"
        " UNION ALL SELECT MIN(again_at) FROM deliveries WHERE again_at IS NOT NULL)"
    )
    return from_iso(row["t"]) if row and row["t"] else None


# (status, local date, next due) for a due reminder: decided by the scheduler's rules.
Decision = tuple[str, date, datetime | None]


async def claim_due(
    db: Database, now: datetime, limit: int, decide: Callable[[Due], Decision]
) -> tuple[int, list[tuple[Due, int]]]:
    """Claim up to `limit` reminders due by `now`, in one transaction: each gets its
    delivery row (unless that reminder already has one for the day) and its next_due
    moved on. Returns how many were claimed, and those to send now with their delivery
    ids."""
    to_send: list[tuple[Due, int]] = []
    async with db.transaction() as conn:
        async with conn.execute(
            _DUE_SELECT + " WHERE r.next_due IS NOT NULL AND r.next_due <= ? "
            "ORDER BY r.next_due LIMIT ?",
            (iso(now), limit),
        ) as cursor:
            rows = list(await cursor.fetchall())
        for row in rows:
            due = _due(row)
            status, day, following = decide(due)
            assert due.reminder.next_due is not None
            cursor = await conn.execute(
                "INSERT INTO deliveries (reminder_id, user_id, local_date, due_at, status) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (reminder_id, local_date) DO NOTHING",
                (
                    due.reminder.reminder_id,
                    due.reminder.user_id,
                    day.isoformat(),
                    iso(due.reminder.next_due),
                    status,
                ),
            )
            inserted, delivery_id = cursor.rowcount == 1, cursor.lastrowid
            await cursor.close()
            await conn.execute(
                "UPDATE reminders SET next_due = ? WHERE reminder_id = ?",
                (iso(following) if following else None, due.reminder.reminder_id),
            )
            if inserted and status == SEND and delivery_id is not None:
                to_send.append((due, delivery_id))
    return len(rows), to_send


_DELIVERY_SELECT = """
    SELECT d.*, r.kind, r.homework_id, r.plan_id, u.chat_id FROM deliveries d
    JOIN reminders r ON r.reminder_id = d.reminder_id
    JOIN users u ON u.user_id = d.user_id
"""


def _delivery(row: Any) -> Delivery:
    return Delivery(
        delivery_id=int(row["delivery_id"]),
        reminder_id=int(row["reminder_id"]),
        user_id=int(row["user_id"]),
        chat_id=int(row["chat_id"]),
        kind=str(row["kind"]),
        homework_id=row["homework_id"],
        plan_id=row["plan_id"],
        local_date=date.fromisoformat(str(row["local_date"])),
        due_at=from_iso(str(row["due_at"])),
        status=str(row["status"]),
        message_id=row["message_id"],
        answer=row["answer"],
        again_kind=row["again_kind"],
        followed_up=bool(row["followed_up"]),
    )


async def claim_again(db: Database, now: datetime, limit: int) -> list[tuple[Delivery, str]]:
    """Follow-ups, snoozed nudges and retries that are due: each taken once (again_at is
    cleared in the same statement), with the kind it was."""
    async with db.transaction() as conn:
        async with conn.execute(
            "SELECT delivery_id, again_kind FROM deliveries WHERE again_at IS NOT NULL "
            "AND again_at <= ? ORDER BY again_at LIMIT ?",
            (iso(now), limit),
        ) as cursor:
            taken = [(int(row[0]), str(row[1])) for row in await cursor.fetchall()]
        await conn.executemany(
            "UPDATE deliveries SET again_at = NULL, again_kind = NULL WHERE delivery_id = ?",
            [(delivery_id,) for delivery_id, _ in taken],
        )
    result: list[tuple[Delivery, str]] = []
    for delivery_id, kind in taken:
        row = await db.fetchone(_DELIVERY_SELECT + " WHERE d.delivery_id = ?", (delivery_id,))
        if row is not None:
            result.append((_delivery(row), kind))
    return result


async def recover_in_flight(db: Database, now: datetime) -> int:
    """At start-up: deliveries that were being sent when the bot stopped are retried now
    (the scheduler sends them again only within the grace window)."""
    return await db.execute(
        "UPDATE deliveries SET again_at = ?, again_kind = 'retry' "
        "WHERE status = 'sending' AND again_at IS NULL",
        (iso(now),),
    )


async def get_any(db: Database, delivery_id: int) -> Delivery | None:
    row = await db.fetchone(_DELIVERY_SELECT + " WHERE d.delivery_id = ?", (delivery_id,))
    return _delivery(row) if row else None


async def get(db: Database, delivery_id: int, user_id: int) -> Delivery | None:
    """A delivery, only if it is this person's."""
    row = await db.fetchone(
        _DELIVERY_SELECT + " WHERE d.delivery_id = ? AND d.user_id = ?", (delivery_id, user_id)
    )
    return _delivery(row) if row else None


async def mark_sent(
    db: Database,
    delivery_id: int,
    now: datetime,
    message_id: int,
    again_at: datetime | None = None,
    again_kind: str | None = None,
    *,
    followup: bool = False,
    snoozed: bool = False,
) -> None:
    """A send went out. A snoozed nudge sent again is unanswered again (its own Later
    works, and no answer to it is "not answered")."""
    await db.execute(
        "UPDATE deliveries SET status = 'sent', sent_at = COALESCE(sent_at, ?), "
        "message_id = ?, again_at = ?, again_kind = ?, "
        "followed_up = CASE WHEN ? THEN 1 ELSE followed_up END, "
        "answer = CASE WHEN ? THEN NULL ELSE answer END WHERE delivery_id = ?",
        (
            iso(now),
            message_id,
            iso(again_at) if again_at else None,
            again_kind,
            followup,
            snoozed,
            delivery_id,
        ),
    )


async def mark_status(
    db: Database,
    delivery_id: int,
    status: str,
    again_at: datetime | None = None,
    again_kind: str | None = None,
) -> None:
    await db.execute(
        "UPDATE deliveries SET status = ?, again_at = ?, again_kind = ? WHERE delivery_id = ?",
        (status, iso(again_at) if again_at else None, again_kind, delivery_id),
    )


async def answer(
    db: Database,
    delivery_id: int,
    user_id: int,
    answer: str,
    now: datetime,
    *,
    barrier: str | None = None,
    again_at: datetime | None = None,
) -> None:
    """The person's answer to a nudge; it also cancels a pending follow-up (or sets the
    snooze, for "later")."""
    if answer not in ANSWERS:
        raise ValueError(answer)
    await db.execute(
        "UPDATE deliveries SET answer = ?, barrier = ?, answered_at = ?, again_at = ?, "
        "again_kind = ? WHERE delivery_id = ? AND user_id = ?",
        (
            answer,
            barrier,
            iso(now),
            iso(again_at) if again_at else None,
            "snooze" if again_at else None,
            delivery_id,
            user_id,
        ),
    )


async def sent_days(db: Database, homework_id: int, since: date) -> set[date]:
    """The local dates since `since` on which a nudge for this homework went out."""
    rows = await db.fetchall(
        "SELECT DISTINCT d.local_date FROM deliveries d "
        "JOIN reminders r ON r.reminder_id = d.reminder_id "
        "WHERE r.homework_id = ? AND d.status = 'sent' AND d.local_date >= ?",
        (homework_id, since.isoformat()),
    )
    return {date.fromisoformat(str(row[0])) for row in rows}


async def of_day(db: Database, user_id: int, first: date, last: date) -> list[Delivery]:
    rows = await db.fetchall(
        _DELIVERY_SELECT + " WHERE d.user_id = ? AND d.local_date BETWEEN ? AND ? "
        "ORDER BY d.due_at",
        (user_id, first.isoformat(), last.isoformat()),
    )
    return [_delivery(row) for row in rows]
