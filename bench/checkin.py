"""Check-in throughput and latency, measured against a bare PTB bot on the same stand-in.

    python3 dev.py bench checkin [--users 50] [--seconds 10] [--rate 50]

Both bots run as their own process (`python -m bot` and `python -m bench.floor_bot`),
one after the other, against one local Bot API stand-in in this process, where the
simulated users live. Two figures each:

- saturation: every user taps as soon as the previous tap's reply arrived, for
  --seconds; taps per second. Between's users do whole check-ins by taps (/checkin, a
  core, middle and outer feeling, an intensity below 8, "Just log it", "Skip"), the
  floor's users tap its one button;
- latency at an offered load of --rate taps a second spread evenly over --users users
  (each taps every users/rate seconds): p50 and p99 from a tap to the bot's reply.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bot.standin import BotMessage, FakeUser, StandinServer

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "4242:between-bench-token"
FEELINGS = [
    ("Fearful", "Anxious", "Worried"),
    ("Sad", "Lonely", "Isolated"),
    ("Angry", "Frustrated", "Annoyed"),
    ("Bad", "Stressed", "Overwhelmed"),
    ("Happy", "Content", "Joyful"),
]


@dataclass
class Figures:
    taps: int = 0
    latencies: list[float] = field(default_factory=list)


@asynccontextmanager
async def process(module: str, standin: StandinServer, db: Path) -> AsyncIterator[None]:
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": standin.base_url,
        "BETWEEN_DB": str(db),
        "BETWEEN_LOG_LEVEL": "WARNING",
    }
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", module, cwd=ROOT, env=env, stdin=asyncio.subprocess.DEVNULL
    )
    try:
        yield
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(proc.wait(), 20)
        except TimeoutError:
            proc.kill()
            await proc.wait()


async def timed_tap(
    person: FakeUser, message: BotMessage, button: str, figures: Figures
) -> BotMessage:
    started = time.perf_counter()
    await person.tap(message, button)
    reply = await person.next_reply(timeout=30)
    figures.latencies.append(time.perf_counter() - started)
    figures.taps += 1
    return reply


# ---- the floor ----------------------------------------------------------------------------


async def floor_ready(person: FakeUser) -> BotMessage:
    await person.send("/start")
    return await person.next_reply(timeout=60)


async def floor_loop(person: FakeUser, start: BotMessage, figures: Figures, pace: Pacer) -> None:
    message = start
    while not pace.done():
        await pace.wait_turn()
        message = await timed_tap(person, message, "tap", figures)


# ---- Between ----------------------------------------------------------------------------


async def between_ready(person: FakeUser) -> None:
    """Onboarded with consent, as a new user would be."""
    await person.send("/start")
    welcome = await person.next_reply(timeout=60)
    await person.tap(welcome, 0)
    zone = await person.next_reply(timeout=30)
    await person.tap(zone, 0)
    consent = await person.next_reply(timeout=30)
    await person.tap(consent, 0)
    await person.next_reply(timeout=30)


async def between_loop(person: FakeUser, figures: Figures, pace: Pacer, seed: int) -> None:
    chooser = random.Random(seed)
    while not pace.done():
        core, middle, outer = chooser.choice(FEELINGS)
        await person.send("/checkin")
        screen = await person.next_reply(timeout=30)
        for button in (core, middle, outer, str(chooser.randint(1, 7)), "Just log it", "Skip"):
            await pace.wait_turn()
            screen = await timed_tap(person, screen, button, figures)
        assert "Logged:" in screen.text, screen.text


# ---- pacing -------------------------------------------------------------------------------


class Pacer:
    """Closed loop (interval None: tap again at once) or a fixed interval per user."""

    def __init__(self, seconds: float, interval: float | None, offset: float) -> None:
        self.deadline = time.perf_counter() + seconds
        self.interval = interval
        self.next_at = time.perf_counter() + offset

    def done(self) -> bool:
        return time.perf_counter() >= self.deadline

    async def wait_turn(self) -> None:
        if self.interval is None:
            return
        delay = self.next_at - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        self.next_at = max(self.next_at + self.interval, time.perf_counter())


async def measure(
    users: list[FakeUser],
    seconds: float,
    interval: float | None,
    loop: Callable[[int, FakeUser, Figures, Pacer], Awaitable[None]],
) -> tuple[Figures, float]:
    figures = Figures()
    spread = interval or 0.0
    pacers = [Pacer(seconds, interval, spread * i / len(users)) for i in range(len(users))]
    started = time.perf_counter()
    await asyncio.gather(*(loop(i, person, figures, pacers[i]) for i, person in enumerate(users)))
    return figures, time.perf_counter() - started


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def report(name: str, saturated: tuple[Figures, float], loaded: tuple[Figures, float]) -> float:
    figures, elapsed = saturated
    rate = figures.taps / elapsed
    at_load, load_elapsed = loaded
    p50 = statistics.median(at_load.latencies) * 1000
    p99 = percentile(at_load.latencies, 0.99) * 1000
    print(
        f"{name:8} saturation {rate:7.1f} taps/s ({figures.taps} taps in {elapsed:.1f} s) | "
        f"at {at_load.taps / load_elapsed:5.1f} taps/s offered: p50 {p50:6.1f} ms, "
        f"p99 {p99:6.1f} ms ({at_load.taps} taps)",
        flush=True,
    )
    return rate


async def run(users: int, seconds: float, rate: float) -> None:
    interval = users / rate
    async with StandinServer() as standin:
        standin.add_bot(TOKEN)
        with tempfile.TemporaryDirectory() as folder:
            db = Path(folder) / "floor.sqlite3"
            async with process("bench.floor_bot", standin, db):
                floor_users = [standin.user(300_000 + i) for i in range(users)]
                starts = await asyncio.gather(*(floor_ready(u) for u in floor_users))

                async def floor(i: int, person: FakeUser, figures: Figures, pace: Pacer) -> None:
                    await floor_loop(person, starts[i], figures, pace)

                floor_sat = await measure(floor_users, seconds, None, floor)
                for i, person in enumerate(floor_users):
                    starts[i] = person.messages[-1]
                floor_load = await measure(floor_users, seconds, interval, floor)
            db = Path(folder) / "between.sqlite3"
            async with process("bot", standin, db):
                between_users = [standin.user(400_000 + i) for i in range(users)]
                await asyncio.gather(*(between_ready(u) for u in between_users))

                async def between(i: int, person: FakeUser, figures: Figures, pace: Pacer) -> None:
                    await between_loop(person, figures, pace, seed=i)

                between_sat = await measure(between_users, seconds, None, between)
                between_load = await measure(between_users, seconds, interval, between)
    print(f"{users} users; {seconds:.0f} s per measurement; offered load {rate:.0f} taps/s")
    floor_rate = report("floor", floor_sat, floor_load)
    between_rate = report("Between", between_sat, between_load)
    print(f"ratio    {between_rate / floor_rate:.2f} of the floor's rate (target: at least 0.70)")
    p99 = percentile(between_load[0].latencies, 0.99) * 1000
    print(f"p99      {p99:.1f} ms at the offered load (target: under 100 ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--rate", type=float, default=50.0)
    args = parser.parse_args()
    asyncio.run(run(args.users, args.seconds, args.rate))


if __name__ == "__main__":
    main()
