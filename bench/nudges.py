"""Nudges at scale: start-up with 100,000 reminders, and bursts through the stand-in.

    python3 dev.py bench nudges [--people 100000] [--burst 1000] [--big 10000]

The bot runs as the operator runs it (`python -m bot`, its own process) against a local
Bot API stand-in in this process, on a database seeded here. Figures printed:

1. start-up: --people people, each with a daily nudge (spread over the day, none due
   during the run): seconds from starting the process to ready (it deletes any webhook
   just before it polls, after the scheduler is armed), and its resident memory then;
2. a burst: --burst nudges due in the same second, at Telegram's 30 messages a second:
   the achieved send rate, lost and duplicated nudges, and how long a tap on a nudge
   ("Done": answer and edit) waits during the burst;
3. the same burst with the bot killed (SIGKILL) in the middle and restarted: lost, and
   repeated (only sends in flight at the kill may repeat);
4. --big nudges due in the same second with the send limit raised for the run
   (BETWEEN_SEND_RATE=10000): none dropped, and the longest event-loop stall the bot
   logged.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import signal
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bot.db import Database
from bot.standin import FakeUser, StandinServer

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "4242:between-bench-token"
NUDGE = "After I get into bed"


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


async def create_schema(path: Path) -> None:
    db = Database(path)
    await db.connection()
    await db.close()


def seed(path: Path, people: range, due: datetime | None) -> None:
    """People in UTC, each with a bedtime homework nudged daily. With `due`, all of them
    at that instant; otherwise spread over tomorrow's minutes."""
    now = datetime.now(UTC)
    tomorrow = datetime.combine(date.today() + timedelta(days=1), datetime.min.time(), UTC)
    stamp = iso(now)

    def when(n: int) -> tuple[str, str]:
        if due is not None:
            return due.strftime("%H:%M"), iso(due)
        minute = n % 1440
        moment = tomorrow + timedelta(minutes=minute)
        return moment.strftime("%H:%M"), iso(moment)

    with sqlite3.connect(path) as conn:
        conn.executemany(
            "INSERT INTO users (user_id, chat_id, locale, timezone, consent_at, onboarded_at, "
            "created_at, updated_at) VALUES (?, ?, 'en', 'UTC', ?, ?, ?, ?)",
            [(n, n, stamp, stamp, stamp, stamp) for n in people],
        )
        conn.executemany(
            "INSERT INTO homework (homework_id, user_id, text, kind, tiny_key, anchor, "
            "created_at, updated_at) VALUES (?, ?, 'Journal', 'journaling', 'one_sentence', "
            "'bed', ?, ?)",
            [(n, n, stamp, stamp) for n in people],
        )
        conn.executemany(
            "INSERT INTO reminders (user_id, kind, homework_id, at_time, weekdays, next_due, "
            "created_at, updated_at) VALUES (?, 'homework', ?, ?, '0123456', ?, ?, ?)",
            [(n, n, *when(n), stamp, stamp) for n in people],
        )


@asynccontextmanager
async def bot_process(
    standin: StandinServer, db: Path, log: Path, **extra: str
) -> AsyncIterator[asyncio.subprocess.Process]:
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": standin.base_url,
        "BETWEEN_DB": str(db),
        "BETWEEN_LOG_LEVEL": "INFO",
        **extra,
    }
    with log.open("ab") as sink:
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            cwd=ROOT,
            env=env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=sink,
            stderr=sink,
        )
    try:
        yield proc
    finally:
        if proc.returncode is None:
            proc.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(proc.wait(), 60)
            except TimeoutError:
                proc.kill()
                await proc.wait()


async def ready(standin: StandinServer, after: int) -> None:
    while not any(r.method == "deleteWebhook" for r in standin.requests[after:]):  # noqa: ASYNC110
        await asyncio.sleep(0.01)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def people_in(standin: StandinServer, ids: range) -> list[FakeUser]:
    users = []
    for n in ids:
        person = standin.user(n, first_name=f"P{n}", language_code="en")
        person.started_earlier()
        users.append(person)
    return users


def nudge_counts(standin: StandinServer, ids: range) -> Counter[int]:
    counts: Counter[int] = Counter()
    for record in standin.requests:
        if record.method == "sendMessage" and record.ok:
            chat = int(record.params.get("chat_id", 0))
            if chat in ids and NUDGE in str(record.params.get("text", "")):
                counts[chat] += 1
    return counts


async def startup(folder: Path, count: int) -> None:
    db, log = folder / "startup.sqlite3", folder / "startup.log"
    await create_schema(db)
    seed(db, range(1, count + 1), None)
    async with StandinServer() as standin:
        standin.add_bot(TOKEN)
        started = time.monotonic()
        async with bot_process(standin, db, log) as proc:
            await ready(standin, 0)
            seconds = time.monotonic() - started
            memory = rss_mb(proc.pid)
            await asyncio.sleep(2)
            settled = rss_mb(proc.pid)
    print(f"1. start-up with {count:,} people, each with a daily nudge:")
    print(
        f"   ready in {seconds:.2f} s; resident memory {memory:.0f} MB (2 s later {settled:.0f} MB)"
    )
    print("   (targets: under 5 s and 300 MB; one PTB run_daily job per reminder: 36 s, 490 MB)")


async def watch_sends(standin: StandinServer, ids: range, total: int, limit: float) -> list[float]:
    """Moments (monotonic) at which each nudge send was seen, until `total` or `limit`."""
    seen: list[float] = []
    counted = 0
    deadline = time.monotonic() + limit
    while len(seen) < total and time.monotonic() < deadline:
        fresh = 0
        for record in standin.requests[counted:]:
            if record.method == "sendMessage" and record.ok:
                fresh += 1
        counted = len(standin.requests)
        seen.extend([time.monotonic()] * fresh)
        await asyncio.sleep(0.01)
    return seen


async def tap_during(people: list[FakeUser], taps: int) -> list[float]:
    """Tap "Done" on nudges already received, one every 0.3 s: seconds to the edit."""
    waits: list[float] = []
    tapped: set[int] = set()
    while len(waits) < taps:
        candidates = [
            p
            for p in people
            if p.chat_id not in tapped and any(NUDGE in m.text for m in p.messages)
        ]
        if not candidates:
            await asyncio.sleep(0.05)
            continue
        person = candidates[len(candidates) // 2]
        tapped.add(person.chat_id)
        nudge = next(m for m in person.messages if NUDGE in m.text)
        person.skip_events()
        started = time.monotonic()
        await person.tap(nudge, "Done")
        await person.next_reply(timeout=10)
        waits.append(time.monotonic() - started)
        await asyncio.sleep(0.3)
    return waits


async def burst(folder: Path, count: int, *, kill_at: int | None) -> None:
    name = "kill" if kill_at else "burst"
    db, log = folder / f"{name}.sqlite3", folder / f"{name}.log"
    await create_schema(db)
    ids = range(1, count + 1)
    async with StandinServer() as standin:
        standin.add_bot(TOKEN)
        people = people_in(standin, ids)
        due = datetime.now(UTC) + timedelta(seconds=6)
        seed(db, ids, due)
        async with bot_process(standin, db, log) as proc:
            await ready(standin, 0)
            if kill_at is None:
                watcher = asyncio.create_task(watch_sends(standin, ids, count, 120))
                waits = await tap_during(people, 10)
                moments = await watcher
            else:
                while sum(nudge_counts(standin, ids).values()) < kill_at:  # noqa: ASYNC110
                    await asyncio.sleep(0.005)
                proc.kill()
                await proc.wait()
                before = sum(nudge_counts(standin, ids).values())
        if kill_at is not None:
            async with bot_process(standin, db, log):
                deadline = time.monotonic() + 120
                while len(nudge_counts(standin, ids)) < count and time.monotonic() < deadline:  # noqa: ASYNC110
                    await asyncio.sleep(0.05)
                await asyncio.sleep(2)
        counts = nudge_counts(standin, ids)
    lost = count - len(counts)
    repeated = sum(n - 1 for n in counts.values() if n > 1)
    if kill_at is None:
        span = moments[-1] - moments[0] if len(moments) > 1 else float("nan")
        rate = (len(moments) - 1) / span if span else float("nan")
        print(f"2. {count:,} nudges due in the same second, at the 30-a-second limit:")
        print(
            f"   sent in {span:.1f} s: {rate:.1f} a second ({rate / 30:.0%} of 30/s); "
            f"lost {lost}, duplicated {repeated}"
        )
        print(
            "   a tap during the burst (answer and edit): "
            f"median {statistics.median(waits) * 1000:.0f} ms, "
            f"longest {max(waits) * 1000:.0f} ms over {len(waits)} taps"
        )
    else:
        print(f"3. the same burst, the bot killed (SIGKILL) after {before} sends and restarted:")
        print(f"   lost {lost}, repeated {repeated} (sends in flight at the kill may repeat)")


async def big(folder: Path, count: int) -> None:
    db, log = folder / "big.sqlite3", folder / "big.log"
    await create_schema(db)
    ids = range(1, count + 1)
    async with StandinServer() as standin:
        standin.add_bot(TOKEN)
        people_in(standin, ids)
        due = datetime.now(UTC) + timedelta(seconds=8)
        seed(db, ids, due)
        async with bot_process(standin, db, log, BETWEEN_SEND_RATE="10000"):
            await ready(standin, 0)
            moments = await watch_sends(standin, ids, count, 300)
            await asyncio.sleep(1)
        counts = nudge_counts(standin, ids)
    stalls = [
        float(m) for m in re.findall(r"longest event loop stall ms=([\d.]+)", log.read_text())
    ]
    statuses = dict(
        sqlite3.connect(db)
        .execute("SELECT status, COUNT(*) FROM deliveries GROUP BY status")
        .fetchall()
    )
    span = moments[-1] - moments[0] if len(moments) > 1 else float("nan")
    print(f"4. {count:,} nudges due in the same second, send limit raised for the run:")
    print(
        f"   sent {len(counts):,} in {span:.1f} s ({(len(moments) - 1) / span:.0f} a second); "
        f"dropped {count - len(counts)}, "
        f"duplicated {sum(n - 1 for n in counts.values() if n > 1)}; "
        f"deliveries {statuses}"
    )
    print(
        f"   longest event-loop stall in the bot: {max(stalls) if stalls else float('nan'):.0f} ms"
    )


async def run(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="between-bench-") as tmp:
        folder = Path(tmp)
        await startup(folder, args.people)
        await burst(folder, args.burst, kill_at=None)
        await burst(folder, args.burst, kill_at=args.burst // 2)
        await big(folder, args.big)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--burst", type=int, default=1000)
    parser.add_argument("--big", type=int, default=10_000)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
