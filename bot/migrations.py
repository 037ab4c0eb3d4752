"""Schema migrations, in order. Never edit a released migration: add the next one."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    statements: tuple[str, ...]
    # A table rebuilt (SQLite cannot change a CHECK in place) runs with foreign keys off,
    # so that dropping the old table deletes nothing that refers to it; every reference
    # is checked before the step commits.
    rebuilds: bool = False


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
    Migration(
        version=5,
        name="homework, reminders and sessions",
        statements=(
            # When a person asked not to be nudged: quiet hours (local "HH:MM", either
            # both or neither) and a pause of every nudge until an instant (UTC).
            "ALTER TABLE users ADD COLUMN quiet_from TEXT",
            "ALTER TABLE users ADD COLUMN quiet_until TEXT",
            "ALTER TABLE users ADD COLUMN nudges_paused_until TEXT",
            # What the therapist suggested, and the five questions' answers. A suggested
            # tiny version is kept by its key (shown in the person's current language);
            # the person's own words are kept verbatim.
            """
            CREATE TABLE homework (
                homework_id      INTEGER PRIMARY KEY,
                user_id          INTEGER NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
                text             TEXT NOT NULL,
                avoid_reason     TEXT,
                avoid_own        TEXT,
                kind             TEXT,
                tiny_key         TEXT,
                tiny_own         TEXT,
                anchor           TEXT,
                anchor_own       TEXT,
                pairing          TEXT,
                understands_why  INTEGER CHECK (understands_why IN (0, 1)),
                paused_at        TEXT,
                shrink_offered_at TEXT,
                created_at       TEXT NOT NULL,
                updated_at       TEXT NOT NULL
            ) STRICT
            """,
            "CREATE INDEX homework_by_person ON homework (user_id)",
            # Done or not done on a day (the day rolls over at the configured hour): one
            # row per homework and day; "not answered" is the absence of a row.
            """
            CREATE TABLE homework_days (
                homework_id INTEGER NOT NULL REFERENCES homework (homework_id) ON DELETE CASCADE,
                user_id     INTEGER NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
                day         TEXT NOT NULL,
                status      TEXT NOT NULL CHECK (status IN ('done', 'not_done')),
                barrier     TEXT,
                at          TEXT NOT NULL,
                PRIMARY KEY (homework_id, day)
            ) STRICT
            """,
            "CREATE INDEX homework_days_by_person ON homework_days (user_id, day)",
            # A reminder: a local wall-clock time on some weekdays (Monday = 0), every
            # week or every second week counted from anchor_date. next_due (UTC) is
            # derived from these and the person's settings; NULL while nothing is due
            # (paused homework, a person who blocked the bot). The scheduler holds
            # nothing else.
            """
            CREATE TABLE reminders (
                reminder_id INTEGER PRIMARY KEY,
                user_id     INTEGER NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
                kind        TEXT NOT NULL
                            CHECK (kind IN ('homework', 'session_before', 'session_after')),
                homework_id INTEGER REFERENCES homework (homework_id) ON DELETE CASCADE,
                at_time     TEXT NOT NULL,
                weekdays    TEXT NOT NULL,
                every_weeks INTEGER NOT NULL DEFAULT 1 CHECK (every_weeks IN (1, 2)),
                anchor_date TEXT,
                next_due    TEXT,
                created_at  TEXT NOT NULL,
                updated_at  TEXT NOT NULL
            ) STRICT
            """,
            "CREATE INDEX reminders_by_person ON reminders (user_id)",
            "CREATE INDEX reminders_due ON reminders (next_due) WHERE next_due IS NOT NULL",
            # One row per reminder and local date: the unique key that makes a restart
            # unable to send a nudge twice. again_at is a follow-up, a snooze or a retry.
            """
            CREATE TABLE deliveries (
                delivery_id INTEGER PRIMARY KEY,
                reminder_id INTEGER NOT NULL REFERENCES reminders (reminder_id) ON DELETE CASCADE,
                user_id     INTEGER NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
                local_date  TEXT NOT NULL,
                due_at      TEXT NOT NULL,
                status      TEXT NOT NULL,
                sent_at     TEXT,
                message_id  INTEGER,
                answer      TEXT CHECK (answer IN ('now', 'done', 'later', 'not_today')),
                barrier     TEXT,
                answered_at TEXT,
                again_at    TEXT,
                again_kind  TEXT CHECK (again_kind IN ('followup', 'snooze', 'retry')),
                followed_up INTEGER NOT NULL DEFAULT 0,
                UNIQUE (reminder_id, local_date)
            ) STRICT
            """,
            "CREATE INDEX deliveries_again ON deliveries (again_at) WHERE again_at IS NOT NULL",
            "CREATE INDEX deliveries_by_person ON deliveries (user_id, local_date)",
            "CREATE INDEX deliveries_sending ON deliveries (status) WHERE status = 'sending'",
            # The recurring appointment with the therapist.
            """
            CREATE TABLE therapy_sessions (
                user_id      INTEGER PRIMARY KEY REFERENCES users (user_id) ON DELETE CASCADE,
                weekday      INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),
                at_time      TEXT NOT NULL,
                every_weeks  INTEGER NOT NULL CHECK (every_weeks IN (1, 2)),
                anchor_date  TEXT NOT NULL,
                minutes      INTEGER NOT NULL DEFAULT 50,
                remind_hours INTEGER,
                created_at   TEXT NOT NULL,
                updated_at   TEXT NOT NULL
            ) STRICT
            """,
            """
            CREATE TABLE reflections (
                reflection_id INTEGER PRIMARY KEY,
                user_id       INTEGER NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
                session_date  TEXT NOT NULL,
                takeaway      TEXT,
                hardest       TEXT,
                skill         TEXT,
                feeling       TEXT,
                homework_id   INTEGER REFERENCES homework (homework_id) ON DELETE SET NULL,
                created_at    TEXT NOT NULL,
                updated_at    TEXT NOT NULL,
                UNIQUE (user_id, session_date)
            ) STRICT
            """,
            # What the person wants to ask the therapist (for /prep and the report).
            """
            CREATE TABLE therapist_questions (
                question_id INTEGER PRIMARY KEY,
                user_id     INTEGER NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
                text        TEXT NOT NULL,
                source      TEXT NOT NULL,
                homework_id INTEGER REFERENCES homework (homework_id) ON DELETE SET NULL,
                created_at  TEXT NOT NULL
            ) STRICT
            """,
        ),
    ),
    Migration(
        version=6,
        name="plans",
        rebuilds=True,
        statements=(
            # An if-then plan: the person's own words, split into cue and response.
            # feeling is the wheel family its cue names (or the person linked by a tap):
            # the plan comes back after a check-in in that family. Until the person taps
            # Save it is a draft (saved_at NULL), shown nowhere but on its own card.
            """
            CREATE TABLE plans (
                plan_id    INTEGER PRIMARY KEY,
                user_id    INTEGER NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
                cue        TEXT NOT NULL,
                response   TEXT NOT NULL,
                locale     TEXT NOT NULL,
                feeling    TEXT,
                saved_at   TEXT,
                paused_at  TEXT,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL
            ) STRICT
            """,
            "CREATE INDEX plans_by_person ON plans (user_id)",
            # Each time a plan was brought back (after a check-in, or by its reminder),
            # and what the person said: used, not now, or nothing yet (answer NULL).
            """
            CREATE TABLE plan_uses (
                use_id      INTEGER PRIMARY KEY,
                plan_id     INTEGER NOT NULL REFERENCES plans (plan_id) ON DELETE CASCADE,
                user_id     INTEGER NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
                source      TEXT NOT NULL CHECK (source IN ('checkin', 'reminder')),
                checkin_id  INTEGER REFERENCES checkins (id) ON DELETE SET NULL,
                delivery_id INTEGER REFERENCES deliveries (delivery_id) ON DELETE SET NULL,
                shown_at    TEXT NOT NULL,
                answer      TEXT CHECK (answer IN ('used', 'not_now')),
                answered_at TEXT
            ) STRICT
            """,
            "CREATE INDEX plan_uses_by_person ON plan_uses (user_id, shown_at)",
            "CREATE INDEX plan_uses_by_plan ON plan_uses (plan_id)",
            # Reminders gain a kind for plans whose cue names a time.
            """
            CREATE TABLE reminders_v6 (
                reminder_id INTEGER PRIMARY KEY,
                user_id     INTEGER NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
                kind        TEXT NOT NULL
                            CHECK (kind IN ('homework', 'session_before', 'session_after',
                                            'plan')),
                homework_id INTEGER REFERENCES homework (homework_id) ON DELETE CASCADE,
                plan_id     INTEGER REFERENCES plans (plan_id) ON DELETE CASCADE,
                at_time     TEXT NOT NULL,
                weekdays    TEXT NOT NULL,
                every_weeks INTEGER NOT NULL DEFAULT 1 CHECK (every_weeks IN (1, 2)),
                anchor_date TEXT,
                next_due    TEXT,
                created_at  TEXT NOT NULL,
                updated_at  TEXT NOT NULL
            ) STRICT
            """,
            """
            INSERT INTO reminders_v6 (reminder_id, user_id, kind, homework_id, at_time,
                weekdays, every_weeks, anchor_date, next_due, created_at, updated_at)
            SELECT reminder_id, user_id, kind, homework_id, at_time, weekdays, every_weeks,
                anchor_date, next_due, created_at, updated_at FROM reminders
            """,
            "DROP TABLE reminders",
            "ALTER TABLE reminders_v6 RENAME TO reminders",
            "CREATE INDEX reminders_by_person ON reminders (user_id)",
            "CREATE INDEX reminders_due ON reminders (next_due) WHERE next_due IS NOT NULL",
            "CREATE INDEX reminders_by_plan ON reminders (plan_id) WHERE plan_id IS NOT NULL",
        ),
    ),
    Migration(
        version=7,
        name="report name",
        statements=(
            # The name the person chose to put on the report for their therapist.
            "ALTER TABLE users ADD COLUMN report_name TEXT",
        ),
    ),
)
