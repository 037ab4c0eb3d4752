"""The SQLite database: one connection (aiosqlite, WAL, foreign keys) and its migrations.

The database is the truth. Repository modules in bot/store hold the SQL; nothing else
writes SQL. The connection is opened lazily on first use, so that building the
application touches no file and no network.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiosqlite

from bot.migrations import MIGRATIONS, Migration

_log = logging.getLogger(__name__)


class DatabaseTooNewError(RuntimeError):
    """The file was written by a newer Between than this one."""


@dataclass(frozen=True)
class MigrationReport:
    before: int
    after: int


async def schema_version(conn: aiosqlite.Connection) -> int:
    async with conn.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row else 0


async def check_not_newer(conn: aiosqlite.Connection, latest: int) -> int:
    """The schema version, if this Between knows it; DatabaseTooNewError otherwise."""
    version = await schema_version(conn)
    if version > latest:
        raise DatabaseTooNewError(
            f"This database has schema version {version}, but this version of Between knows "
            f"only up to {latest}. It was written by a newer Between: upgrade Between, or "
            "point BETWEEN_DB at another file. The file was left untouched."
        )
    return version


async def _foreign_keys(conn: aiosqlite.Connection) -> bool:
    async with conn.execute("PRAGMA foreign_keys") as cursor:
        row = await cursor.fetchone()
    return bool(row and row[0])


async def migrate(
    conn: aiosqlite.Connection, migrations: Sequence[Migration] = MIGRATIONS
) -> MigrationReport:
    """Bring the schema up to the newest migration, each step in its own transaction."""
    versions = [m.version for m in migrations]
    if versions != list(range(1, len(migrations) + 1)):
        raise ValueError("migrations must be numbered 1, 2, 3, ... without gaps")
    latest = len(migrations)
    before = await check_not_newer(conn, latest)
    for migration in migrations[before:]:
        keys_on = await _foreign_keys(conn)
        if migration.rebuilds and keys_on:
            # Only outside a transaction does this pragma take effect (SQLite's way to
            # rebuild a table: https://sqlite.org/lang_altertable.html#otheralter).
            await conn.execute("PRAGMA foreign_keys = OFF")
        await conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in migration.statements:
                await conn.execute(statement)
            if migration.rebuilds:
                async with conn.execute("PRAGMA foreign_key_check") as cursor:
                    broken = list(await cursor.fetchall())
                if broken:
                    raise RuntimeError(
                        f"migration {migration.version} left {len(broken)} broken references"
                    )
            # PRAGMA takes no parameters; the version is an int from our own list.
            await conn.execute(f"PRAGMA user_version = {int(migration.version)}")
        except BaseException:
            await conn.execute("ROLLBACK")
            raise
        else:
            await conn.execute("COMMIT")
        finally:
            if migration.rebuilds and keys_on:
                await conn.execute("PRAGMA foreign_keys = ON")
        _log.info("schema migrated version=%d name=%s", migration.version, migration.name)
    return MigrationReport(before=before, after=latest)


class Database:
    """A lazily opened, migrated connection with small query helpers."""

    def __init__(self, path: Path, migrations: Sequence[Migration] = MIGRATIONS) -> None:
        self.path = path
        self._migrations = migrations
        self._conn: aiosqlite.Connection | None = None
        self._open_lock = asyncio.Lock()
        # One connection: every statement takes this lock, so that a read from one task
        # never runs inside another task's open transaction.
        self._lock = asyncio.Lock()

    async def connection(self) -> aiosqlite.Connection:
        if self._conn is not None:
            return self._conn
        async with self._open_lock:
            if self._conn is None:
                self._conn = await self._open()
        return self._conn

    async def _open(self) -> aiosqlite.Connection:
        if str(self.path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = await aiosqlite.connect(self.path, isolation_level=None)
        try:
            conn.row_factory = aiosqlite.Row
            # Refuse a newer schema before anything writes to the file (even WAL mode does).
            await check_not_newer(conn, len(self._migrations))
            await conn.execute("PRAGMA journal_mode = WAL")
            await conn.execute("PRAGMA foreign_keys = ON")
            await conn.execute("PRAGMA busy_timeout = 5000")
            await conn.execute("PRAGMA synchronous = NORMAL")
            await migrate(conn, self._migrations)
        except BaseException:
            await conn.close()
            raise
        return conn

    async def close(self) -> None:
        if self._conn is not None:
            await self._conn.close()
            self._conn = None

    async def fetchone(self, sql: str, params: Sequence[Any] = ()) -> aiosqlite.Row | None:
        conn = await self.connection()
        async with self._lock, conn.execute(sql, params) as cursor:
            return await cursor.fetchone()

    async def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[aiosqlite.Row]:
        conn = await self.connection()
        async with self._lock, conn.execute(sql, params) as cursor:
            return list(await cursor.fetchall())

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run one statement on its own (autocommit); return the rows it changed."""
        conn = await self.connection()
        async with self._lock:
            cursor = await conn.execute(sql, params)
            changed = cursor.rowcount
            await cursor.close()
        return changed

    async def insert(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run one INSERT on its own; return the new row's id."""
        conn = await self.connection()
        async with self._lock:
            cursor = await conn.execute(sql, params)
            row_id = cursor.lastrowid
            await cursor.close()
        assert row_id is not None
        return row_id

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """Several statements that land together or not at all. Inside, use the yielded
        connection only: the Database's own helpers would wait for this transaction."""
        conn = await self.connection()
        async with self._lock:
            await conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                await conn.execute("ROLLBACK")
                raise
            await conn.execute("COMMIT")

    async def table_names(self) -> list[str]:
        rows = await self.fetchall(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
        return [str(row["name"]) for row in rows]
