"""Rows behind PTB's persistence: conversation states and per-user drafts, as JSON."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from bot.clock import iso
from bot.db import Database

ConversationKey = tuple[int | str, ...]


async def load_states(
    db: Database, name: str, not_before: datetime | None = None
) -> dict[ConversationKey, object]:
    """The saved states of one conversation; states last touched before `not_before`
    have gone idle and are deleted instead of loaded."""
    if not_before is not None:
        await db.execute(
            "DELETE FROM conversation_states WHERE name = ? AND updated_at < ?",
            (name, iso(not_before)),
        )
    rows = await db.fetchall("SELECT key, state FROM conversation_states WHERE name = ?", (name,))
    return {tuple(json.loads(row["key"])): json.loads(row["state"]) for row in rows}


async def save_state(
    db: Database, name: str, key: ConversationKey, state: object | None, now: datetime
) -> None:
    encoded_key = json.dumps(list(key))
    if state is None:
        await db.execute(
            "DELETE FROM conversation_states WHERE name = ? AND key = ?", (name, encoded_key)
        )
        return
    await db.execute(
        """
        INSERT INTO conversation_states (name, key, state, updated_at) VALUES (?, ?, ?, ?)
        ON CONFLICT (name, key) DO UPDATE SET state = excluded.state,
                                              updated_at = excluded.updated_at
        """,
        (name, encoded_key, json.dumps(state), iso(now)),
    )


async def load_user_data(db: Database) -> dict[int, dict[Any, Any]]:
    rows = await db.fetchall("SELECT user_id, data FROM user_data")
    return {int(row["user_id"]): json.loads(row["data"]) for row in rows}


async def save_user_data(db: Database, user_id: int, data: dict[Any, Any], now: datetime) -> None:
    if not data:
        await drop_user_data(db, user_id)
        return
    await db.execute(
        """
        INSERT INTO user_data (user_id, data, updated_at) VALUES (?, ?, ?)
        ON CONFLICT (user_id) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at
        """,
        (user_id, json.dumps(data), iso(now)),
    )


async def drop_user_data(db: Database, user_id: int) -> None:
    await db.execute("DELETE FROM user_data WHERE user_id = ?", (user_id,))
