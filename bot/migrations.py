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
    Migration(
        version=4,
        name="check-ins",
        statements=(
            # One row per check-in, written when the intensity is tapped and completed as
            # the person answers the rest. (user_id, message_id) is the check-in's own
            # message: a second tap on it can never store a second check-in.
            """
            CREATE TABLE checkins (
                id               INTEGER PRIMARY KEY,
                user_id          INTEGER NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
                message_id       INTEGER NOT NULL,
                at               TEXT NOT NULL,
                local_at         TEXT NOT NULL,
                timezone         TEXT NOT NULL,
                place            TEXT NOT NULL,
                family           TEXT NOT NULL,
                intensity        INTEGER NOT NULL CHECK (intensity BETWEEN 1 AND 10),
                body_rounds      INTEGER NOT NULL DEFAULT 0,
                intensity_rerated INTEGER CHECK (intensity_rerated BETWEEN 1 AND 10),
                technique        TEXT,
                technique_steps  INTEGER,
                intensity_after  INTEGER CHECK (intensity_after BETWEEN 1 AND 10),
                helped           TEXT CHECK (helped IN ('yes', 'some', 'no')),
                note             TEXT,
                source           TEXT NOT NULL,
                updated_at       TEXT NOT NULL,
                UNIQUE (user_id, message_id)
            ) STRICT
            """,
            "CREATE INDEX checkins_by_person ON checkins (user_id, at)",
        ),
    ),
)
