"""The store: fresh databases, upgrades, and refusing a database from a newer Between."""

from datetime import UTC, datetime
from pathlib import Path

import aiosqlite
import pytest

from bot.db import Database, DatabaseTooNewError, migrate, schema_version
from bot.migrations import MIGRATIONS, Migration
from bot.store import conversations, reminders, users

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


async def test_fresh_database_gets_every_table_wal_and_foreign_keys(tmp_path: Path) -> None:
    db = Database(tmp_path / "nested" / "between.sqlite3")
    try:
        assert await db.table_names() == [
            "checkins",
            "conversation_states",
            "deliveries",
            "homework",
            "homework_days",
            "plan_uses",
            "plans",
            "reflections",
            "reminders",
            "safety_events",
            "safety_plan",
            "therapist_questions",
            "therapy_sessions",
            "user_data",
            "users",
        ]
        conn = await db.connection()
        assert await schema_version(conn) == len(MIGRATIONS)
        mode = await db.fetchone("PRAGMA journal_mode")
        assert mode is not None and mode[0] == "wal"
        keys = await db.fetchone("PRAGMA foreign_keys")
        assert keys is not None and keys[0] == 1
    finally:
        await db.close()
    assert (tmp_path / "nested" / "between.sqlite3").exists()


async def test_upgrade_from_version_one_keeps_rows(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    old = Database(path, migrations=MIGRATIONS[:1])
    # Written as version 1 wrote it (today's store functions expect today's schema).
    await old.execute(
        "INSERT INTO users (user_id, chat_id, locale, created_at, updated_at) "
        "VALUES (42, 42, 'ru', 'x', 'x')"
    )
    await old.close()

    db = Database(path)
    try:
        person = await users.get(db, 42)
        assert person is not None and person.locale == "ru" and person.country is None
        await conversations.save_state(db, "onboarding", (42, 42), "ob_timezone", NOW)
        assert await conversations.load_states(db, "onboarding") == {(42, 42): "ob_timezone"}
        assert await schema_version(await db.connection()) == len(MIGRATIONS)
    finally:
        await db.close()


async def test_upgrade_to_plans_rebuilds_reminders_and_keeps_every_delivery(
    tmp_path: Path,
) -> None:
    """Version 6 rebuilds the reminders table (a new kind in its CHECK): the rows and
    their deliveries stay, and deleting a reminder still deletes its deliveries."""
    path = tmp_path / "v5.sqlite3"
    old = Database(path, migrations=MIGRATIONS[:5])
    await old.execute(
        "INSERT INTO users (user_id, chat_id, created_at, updated_at) VALUES (7, 7, 'x', 'x')"
    )
    await old.execute(
        "INSERT INTO reminders (reminder_id, user_id, kind, at_time, weekdays, next_due, "
        "created_at, updated_at) VALUES (3, 7, 'homework', '21:30', '0123456', "
        "'2026-11-24T02:30:00+00:00', 'x', 'x')"
    )
    await old.execute(
        "INSERT INTO deliveries (reminder_id, user_id, local_date, due_at, status) "
        "VALUES (3, 7, '2026-11-23', '2026-11-24T02:30:00+00:00', 'sent')"
    )
    await old.close()

    db = Database(path)
    try:
        (reminder,) = await reminders.of_person(db, 7)
        assert (reminder.reminder_id, reminder.kind, reminder.plan_id) == (3, "homework", None)
        assert reminder.next_due == datetime(2026, 11, 24, 2, 30, tzinfo=UTC)
        assert len(await db.fetchall("SELECT * FROM deliveries WHERE reminder_id = 3")) == 1
        keys = await db.fetchone("PRAGMA foreign_keys")
        assert keys is not None and keys[0] == 1  # back on after the rebuild
        await reminders.delete(db, 3, 7)
        assert await db.fetchall("SELECT * FROM deliveries") == []
    finally:
        await db.close()


async def test_database_from_a_newer_version_is_refused_and_left_untouched(
    tmp_path: Path,
) -> None:
    path = tmp_path / "future.sqlite3"
    async with aiosqlite.connect(path) as conn:
        await conn.execute("CREATE TABLE from_the_future (x INTEGER)")
        await conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 5}")
        await conn.commit()
    before = path.read_bytes()
    db = Database(path)
    with pytest.raises(DatabaseTooNewError, match="newer Between"):
        await db.connection()
    assert path.read_bytes() == before, "not a byte of the file changed"
    async with aiosqlite.connect(path) as conn:
        assert await schema_version(conn) == len(MIGRATIONS) + 5
        async with conn.execute("SELECT name FROM sqlite_master") as cursor:
            assert [row[0] for row in await cursor.fetchall()] == ["from_the_future"]


async def test_a_failing_migration_rolls_back_completely(tmp_path: Path) -> None:
    broken = (
        *MIGRATIONS,
        Migration(
            len(MIGRATIONS) + 1,
            "broken",
            ("CREATE TABLE half_done (x INTEGER)", "THIS IS NOT SQL"),
        ),
    )
    async with aiosqlite.connect(tmp_path / "b.sqlite3", isolation_level=None) as conn:
        with pytest.raises(aiosqlite.OperationalError):
            await migrate(conn, broken)
        assert await schema_version(conn) == len(MIGRATIONS)
        async with conn.execute("SELECT name FROM sqlite_master WHERE name = 'half_done'") as cur:
            assert await cur.fetchone() is None


async def test_user_text_is_stored_verbatim_through_parameters(tmp_path: Path) -> None:
    db = Database(tmp_path / "x.sqlite3")
    try:
        await users.ensure(db, 7, 7, NOW)
        tricky = {"draft": "'); DROP TABLE users; -- <b>&amp;</b> \u0000 😀"}
        await conversations.save_user_data(db, 7, tricky, NOW)
        assert await conversations.load_user_data(db) == {7: tricky}
        assert "users" in await db.table_names()
    finally:
        await db.close()


async def test_person_settings_round_trip(tmp_path: Path) -> None:
    db = Database(tmp_path / "p.sqlite3")
    try:
        person = await users.ensure(db, 5, 5, NOW)
        assert person.locale is None and not person.has_consented
        await users.set_timezone(db, 5, "Europe/Berlin", NOW)
        await users.set_consent(db, 5, True, NOW)
        await users.mark_onboarded(db, 5, NOW)
        person = await users.ensure(db, 5, 5, NOW)
        assert person.timezone == "Europe/Berlin"
        assert person.consent_at == NOW and person.onboarded_at == NOW
        later = NOW.replace(day=30)
        await users.set_consent(db, 5, True, later)  # a repeated "yes" keeps the first date
        person = await users.ensure(db, 5, 5, later)
        assert person.consent_at == NOW
        await users.set_consent(db, 5, False, NOW)
        person = await users.ensure(db, 5, 5, NOW)
        assert not person.has_consented
    finally:
        await db.close()


async def test_a_transaction_lands_whole_or_not_at_all(tmp_path: Path) -> None:
    db = Database(tmp_path / "t.sqlite3")
    try:

        async def insert_then_fail() -> None:
            async with db.transaction() as conn:
                await conn.execute(
                    "INSERT INTO users (user_id, chat_id, created_at, updated_at) "
                    "VALUES (1, 1, 'x', 'x')"
                )
                raise RuntimeError("a failure halfway")

        with pytest.raises(RuntimeError):
            await insert_then_fail()
        assert await users.get(db, 1) is None
        async with db.transaction() as conn:
            await conn.execute(
                "INSERT INTO users (user_id, chat_id, created_at, updated_at) "
                "VALUES (2, 2, 'x', 'x')"
            )
        assert await users.get(db, 2) is not None
    finally:
        await db.close()
