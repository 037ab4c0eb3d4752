"""Schema migrations, in order. Never edit a released migration: add the next one."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    statements: tuple[str, ...]


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        version=1,
        name="people",
        statements=(
            """
            CREATE TABLE users (
                user_id      INTEGER PRIMARY KEY,
                chat_id      INTEGER NOT NULL,
                locale       TEXT,
                timezone     TEXT,
                consent_at   TEXT,
                onboarded_at TEXT,
                blocked_at   TEXT,
                created_at   TEXT NOT NULL,
                updated_at   TEXT NOT NULL
            ) STRICT
            """,
        ),
    ),
    Migration(
        version=2,
        name="conversation persistence",
        statements=(
            """
            CREATE TABLE conversation_states (
                name       TEXT NOT NULL,
                key        TEXT NOT NULL,
                state      TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                PRIMARY KEY (name, key)
            ) STRICT
            """,
            """
            CREATE TABLE user_data (
                user_id    INTEGER PRIMARY KEY,
                data       TEXT NOT NULL,
                updated_at TEXT NOT NULL
            ) STRICT
            """,
        ),
    ),
    Migration(
        version=3,
        name="safety",
        statements=(
            "ALTER TABLE users ADD COLUMN country TEXT",
            """
            CREATE TABLE safety_events (
                id      INTEGER PRIMARY KEY,
                user_id INTEGER NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
                kind    TEXT NOT NULL,
                at      TEXT NOT NULL
            ) STRICT
            """,
            "CREATE INDEX safety_events_by_person ON safety_events (user_id, kind, at)",
            """
            CREATE TABLE safety_plan (
                user_id    INTEGER NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
                section    TEXT NOT NULL,
                body       TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                PRIMARY KEY (user_id, section)
            ) STRICT
            """,
        ),
    ),
)
