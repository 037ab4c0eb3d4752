"""/week and /report with a year of check-ins: how long a person waits for each.

    python3 dev.py bench insights [--checkins 1500] [--runs 5]

The bot runs as the operator runs it (`python -m bot`, its own process) against a local
Bot API stand-in in this process, on a database seeded here with one person's year:
--checkins check-ins spread over 365 days (with notes, techniques and ratings after),
a homework with its done and skipped days, a plan and its uses. Figures printed:

1. /week: from sending the command to the chart (a photo) arriving, --runs times;
2. /report for the last two weeks: from tapping "Make the PDF" to the document arriving;
3. the same report drawn in this process for the whole year (every check-in in the
   period: the chart of 1,500 points and the PDF with its table cut to the latest 40),
   as the worst case of a long period.

Targets (issue 7): /report under 2 s and /week under 1 s on this machine.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sqlite3
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bench.nudges import TOKEN, bot_process, create_schema, iso, ready
from bot.config import load_settings
from bot.db import Database
from bot.i18n import translator
from bot.scheduler import Scheduler, Timing
from bot.services import Services
from bot.standin import StandinServer
from bot.store import users
from handlers.insights import Period, report_for

PERSON = 1
ZONE = ZoneInfo("America/New_York")
PLACES = (
    "fearful/anxious/worried",
    "fearful/anxious",
    "bad/tired",
    "bad/stressed/overwhelmed",
    "sad/lonely",
    "angry/frustrated",
    "happy/content",
    "sad/hurt",
)
NOTES = (
    "meeting with my manager",
    "long day at work",
    "argument at home",
    "couldn't sleep",
    "crowded train",
    None,
    None,
)
TECHNIQUES = ("box_breathing", "paced_breathing", "cyclic_sighing", None)


def seed(path: Path, count: int, now: datetime) -> None:
    rng = random.Random(7)
    stamp = iso(now)
    with sqlite3.connect(path) as conn:
        conn.execute(
            "INSERT INTO users (user_id, chat_id, locale, timezone, consent_at, onboarded_at, "
            "report_name, created_at, updated_at) VALUES (?, ?, 'en', ?, ?, ?, 'Maya', ?, ?)",
            (PERSON, PERSON, str(ZONE), stamp, stamp, stamp, stamp),
        )
        rows = []
        for n in range(count):
            moment = now - timedelta(minutes=rng.randrange(365 * 24 * 60))
            local = moment.astimezone(ZONE)
            place = rng.choice(PLACES)
            intensity = rng.randint(2, 9) if local.weekday() else rng.randint(6, 10)
            technique = rng.choice(TECHNIQUES)
            after = max(1, intensity - rng.randint(0, 4)) if technique else None
            rows.append(
                (
                    PERSON,
                    n + 1,
                    iso(moment),
                    local.isoformat(timespec="seconds"),
                    str(ZONE),
                    place,
                    place.split("/")[0],
                    intensity,
                    technique,
                    after,
                    rng.choice(NOTES),
                    "command",
                    iso(moment),
                )
            )
        conn.executemany(
            "INSERT INTO checkins (user_id, message_id, at, local_at, timezone, place, family, "
            "intensity, technique, intensity_after, note, source, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        conn.execute(
            "INSERT INTO homework (homework_id, user_id, text, created_at, updated_at) "
            "VALUES (1, ?, 'Thought record', ?, ?)",
            (PERSON, stamp, stamp),
        )
        conn.executemany(
            "INSERT INTO homework_days (homework_id, user_id, day, status, barrier, at) "
            "VALUES (1, ?, ?, ?, ?, ?)",
            [
                (
                    PERSON,
                    (now - timedelta(days=d)).date().isoformat(),
                    "done" if d % 3 else "not_done",
                    None if d % 3 else "too_big",
                    stamp,
                )
                for d in range(1, 365)
            ],
        )
        conn.execute(
            "INSERT INTO plans (plan_id, user_id, cue, response, locale, feeling, saved_at, "
            "created_at, updated_at) VALUES (1, ?, 'I feel anxious at work', "
            "'I will take three slow breaths', 'en', 'fearful', ?, ?, ?)",
            (PERSON, stamp, stamp, stamp),
        )
        conn.executemany(
            "INSERT INTO plan_uses (plan_id, user_id, source, shown_at, answer) "
            "VALUES (1, ?, 'checkin', ?, ?)",
            [
                (PERSON, iso(now - timedelta(days=d)), "used" if d % 2 else "not_now")
                for d in range(1, 120, 3)
            ],
        )


def figures(label: str, seconds: list[float], target: float) -> None:
    print(
        f"   {label}: median {statistics.median(seconds):.2f} s, longest {max(seconds):.2f} s "
        f"over {len(seconds)} runs (target under {target:.0f} s)"
    )


async def over_http(folder: Path, count: int, runs: int) -> None:
    db = folder / "between.sqlite3"
    await create_schema(db)
    seed(db, count, datetime.now(UTC))
    async with StandinServer() as standin:
        before = len(standin.requests)
        async with bot_process(standin, db, folder / "bot.log"):
            await ready(standin, before)
            maya = standin.user(PERSON, first_name="Maya", language_code="en")
            week: list[float] = []
            for _ in range(runs):
                start = time.perf_counter()
                await maya.send("/week")
                reply = await maya.next_reply(timeout=30)
                assert reply.photo is not None, reply.text
                week.append(time.perf_counter() - start)
            report: list[float] = []
            for _ in range(runs):
                await maya.send("/report")
                ask = await maya.next_reply(timeout=30)
                await maya.tap(ask, "rp:p:two")
                preview = await maya.next_reply(timeout=30)
                start = time.perf_counter()
                await maya.tap(preview, "rp:make")
                while True:
                    reply = await maya.next_reply(timeout=30)
                    if reply.document is not None:
                        break
                report.append(time.perf_counter() - start)
                await maya.next_reply(timeout=30)  # the preview, edited to "ready"
                size = len(reply.document.data)
    print(f"1. /week with {count} check-ins in the database (over HTTP, bot in its own process)")
    figures("command to chart", week, 1)
    print("2. /report, the last two weeks (over HTTP)")
    figures("tap to PDF", report, 2)
    print(f"   PDF size {size / 1024:.0f} KB")


async def whole_year(folder: Path, count: int, runs: int) -> None:
    path = folder / "year.sqlite3"
    await create_schema(path)
    now = datetime.now(UTC)
    seed(path, count, now)
    settings = load_settings({"TELEGRAM_BOT_TOKEN": TOKEN, "BETWEEN_DB": str(path)})
    db = Database(path)
    services = Services(
        settings=settings, db=db, clock=lambda: now, scheduler=Scheduler(db, lambda: now, Timing())
    )
    person = await users.get(db, PERSON)
    assert person is not None
    local_now = now.astimezone(ZONE)
    first = (local_now - timedelta(days=364)).date()
    period = Period(
        now - timedelta(days=365), now + timedelta(days=1), first, local_now.date(), ZONE
    )
    t = translator("en")
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        pdf = await report_for(services, person, t, period, with_notes=True)
        seconds.append(time.perf_counter() - start)
    await db.close()
    out = Path(tempfile.gettempdir()) / "between-bench-year-report.pdf"
    out.write_bytes(pdf)
    print(f"3. the report for the whole year ({count} check-ins in the period, in process)")
    figures("gather, chart and PDF", seconds, 2)
    print(f"   written to {out}")


async def run(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="between-bench-") as tmp:
        await over_http(Path(tmp), args.checkins, args.runs)
        await whole_year(Path(tmp), args.checkins, args.runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--checkins", type=int, default=1500)
    parser.add_argument("--runs", type=int, default=5)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
