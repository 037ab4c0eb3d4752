"""Everything Between keeps about one person: to export it, or to erase it.

The tables are found from the schema (every table with a user_id column, plus the
conversation states keyed by the person's chat), so a table added by a later migration
is exported and erased without a change here.
"""

from __future__ import annotations

import json
from typing import Any

from bot.db import Database

USERS = "users"
CONVERSATIONS = "conversation_states"


async def person_tables(db: Database) -> list[str]:
    """The tables with a user_id column, users last."""
    tables = []
    for name in await db.table_names():
        # A name from sqlite_master, never from a person.
        columns = await db.fetchall(f"PRAGMA table_info({name})")
        if any(column["name"] == "user_id" for column in columns):
            tables.append(name)
    return sorted(tables, key=lambda name: (name == USERS, name))


def _conversation_key(chat_id: int, user_id: int) -> str:
    return json.dumps([chat_id, user_id])


async def export(db: Database, user_id: int, chat_id: int) -> dict[str, list[dict[str, Any]]]:
    """Every row of the person, table by table, as stored."""
    rows: dict[str, list[dict[str, Any]]] = {}
    for table in await person_tables(db):
        found = await db.fetchall(
            f"SELECT * FROM {table} WHERE user_id = ? ORDER BY rowid",  # noqa: S608 - schema name
            (user_id,),
        )
        rows[table] = [dict(row) for row in found]
    states = await db.fetchall(
        f"SELECT * FROM {CONVERSATIONS} WHERE key = ? ORDER BY name",  # noqa: S608 - constant
        (_conversation_key(chat_id, user_id),),
    )
    rows[CONVERSATIONS] = [dict(row) for row in states]
    return rows


async def forget(db: Database, user_id: int, chat_id: int) -> dict[str, int]:
    """Erase every row of the person, in one transaction; how many rows each table held."""
    tables = await person_tables(db)
    erased: dict[str, int] = {}
    async with db.transaction() as conn:
        for table in tables:
            async with conn.execute(
                f"SELECT COUNT(*) FROM {table} WHERE user_id = ?",  # noqa: S608 - schema name
                (user_id,),
            ) as cursor:
                row = await cursor.fetchone()
            erased[table] = int(row[0]) if row else 0
        for table in tables:  # users last: the rest go first, whatever their references
            await conn.execute(
                f"DELETE FROM {table} WHERE user_id = ?",  # noqa: S608 - schema name
                (user_id,),
            )
        cursor = await conn.execute(
            f"DELETE FROM {CONVERSATIONS} WHERE key = ?",  # noqa: S608 - constant
            (_conversation_key(chat_id, user_id),),
        )
        erased[CONVERSATIONS] = cursor.rowcount
        await cursor.close()
    return erased
