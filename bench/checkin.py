"""Check-in throughput and latency, measured against a bare PTB bot on the same stand-in.

    python3 dev.py bench checkin [--users 50] [--seconds 8] [--rate 50] [--rounds 3]

Both bots run as their own process (`python -m bot` and `python -m bench.floor_bot`),
in alternating rounds (so that both meet the machine in the same state), against one
local Bot API stand-in in this process, where the simulated users live. Two figures
each, and the CPU time the bot process spent per tap:

- saturation: every user acts as soon as the previous reply arrived, for --seconds;
  taps per second. Between's users do whole check-ins (/checkin, then six taps: a core,
  middle and outer feeling, an intensity below 8, "Just log it", "Skip"); the floor's
  users do the same shape of work (a command, then six taps on its one button), so that
  both make the same Telegram calls and only Between's logic differs;
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
# The taps of one check-in: three feelings, a number, then "Just log it" and "Skip".
CHECKIN_TAPS = ("core", "middle", "outer", "number", "Just log it", "Skip")
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
    cpu: float = 0.0  # the bot process's CPU seconds during the measurement


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process so far (Linux; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@asynccontextmanager
async def process(module: str, standin: StandinServer, db: Path) -> AsyncIterator[int]:
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
        yield proc.pid
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
    """The same shape of work as a check-in: a command, then six taps."""
    message = start
    while not pace.done():
        await pace.wait_turn()
        await person.send("/start")
        message = await person.next_reply(timeout=30)
        for _ in CHECKIN_TAPS:
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
        await pace.wait_turn()  # the command is one of the person's paced actions too
        await person.send("/checkin")
        screen = await person.next_reply(timeout=30)
        taps = (core, middle, outer, str(chooser.randint(1, 7)), *CHECKIN_TAPS[4:])
        for button in taps:
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
    pid: int,
    users: list[FakeUser],
    seconds: float,
    interval: float | None,
    loop: Callable[[int, FakeUser, Figures, Pacer], Awaitable[None]],
) -> tuple[Figures, float]:
    figures = Figures()
    spread = interval or 0.0
    pacers = [Pacer(seconds, interval, spread * i / len(users)) for i in range(len(users))]
    cpu_before, started = cpu_seconds(pid), time.perf_counter()
    await asyncio.gather(*(loop(i, person, figures, pacers[i]) for i, person in enumerate(users)))
    figures.cpu = cpu_seconds(pid) - cpu_before
    return figures, time.perf_counter() - started


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


@dataclass
class Round:
    saturation: Figures
    saturation_seconds: float
    load: Figures
    load_seconds: float

    @property
    def rate(self) -> float:
        return self.saturation.taps / self.saturation_seconds

    @property
    def cpu_per_tap(self) -> float:
        return self.saturation.cpu / self.saturation.taps * 1000


def summary(name: str, rounds: list[Round]) -> None:
    latencies = [value for r in rounds for value in r.load.latencies]
    offered = sum(r.load.taps for r in rounds) / sum(r.load_seconds for r in rounds)
    rates = " ".join(f"{r.rate:.0f}" for r in rounds)
    print(
        f"{name:8} saturation {statistics.median(r.rate for r in rounds):6.1f} taps/s "
        f"(rounds: {rates}), {statistics.median(r.cpu_per_tap for r in rounds):4.1f} ms CPU a tap"
        f" | at {offered:4.1f} taps/s: p50 {statistics.median(latencies) * 1000:5.1f} ms, "
        f"p99 {percentile(latencies, 0.99) * 1000:6.1f} ms ({len(latencies)} taps)",
        flush=True,
    )


async def floor_round(standin: StandinServer, folder: Path, n: int, args: Args) -> Round:
    async with process("bench.floor_bot", standin, folder / f"floor{n}.sqlite3") as pid:
        users = [standin.user(300_000 + 1000 * n + i) for i in range(args.users)]
        await asyncio.gather(*(floor_ready(u) for u in users))

        async def floor(i: int, person: FakeUser, figures: Figures, pace: Pacer) -> None:
            await floor_loop(person, person.messages[-1], figures, pace)

        saturated = await measure(pid, users, args.seconds, None, floor)
        # Seven paced actions a cycle, six of them taps: the taps come at --rate.
        paced = args.users / args.rate * len(CHECKIN_TAPS) / (len(CHECKIN_TAPS) + 1)
        loaded = await measure(pid, users, args.seconds, paced, floor)
    return Round(*saturated, *loaded)


async def between_round(standin: StandinServer, folder: Path, n: int, args: Args) -> Round:
    async with process("bot", standin, folder / f"between{n}.sqlite3") as pid:
        users = [standin.user(400_000 + 1000 * n + i) for i in range(args.users)]
        await asyncio.gather(*(between_ready(u) for u in users))

        async def between(i: int, person: FakeUser, figures: Figures, pace: Pacer) -> None:
            await between_loop(person, figures, pace, seed=i)

        saturated = await measure(pid, users, args.seconds, None, between)
        # Seven paced actions a check-in, six of them taps: the taps come at --rate.
        paced = args.users / args.rate * len(CHECKIN_TAPS) / (len(CHECKIN_TAPS) + 1)
        loaded = await measure(pid, users, args.seconds, paced, between)
    return Round(*saturated, *loaded)


@dataclass(frozen=True)
class Args:
    users: int
    seconds: float
    rate: float
    rounds: int


async def run(args: Args) -> None:
    floor: list[Round] = []
    between: list[Round] = []
    async with StandinServer() as standin:
        standin.add_bot(TOKEN)
        with tempfile.TemporaryDirectory() as name:
            # Alternate the two, so that both meet the machine in the same moods.
            for n in range(args.rounds):
                floor.append(await floor_round(standin, Path(name), n, args))
                between.append(await between_round(standin, Path(name), n, args))
                ratio = between[-1].rate / floor[-1].rate
                print(
                    f"round {n + 1}: floor {floor[-1].rate:.0f}, Between "
                    f"{between[-1].rate:.0f} taps/s, ratio {ratio:.2f}",
                    flush=True,
                )
    print(
        f"{args.users} users; {args.rounds} rounds of {args.seconds:.0f} s per measurement; "
        f"offered load {args.rate:.0f} taps/s"
    )
    summary("floor", floor)
    summary("Between", between)
    ratios = [b.rate / f.rate for f, b in zip(floor, between, strict=True)]
    print(
        f"ratio    {statistics.median(ratios):.2f} of the floor's rate, median of the rounds "
        f"({' '.join(f'{r:.2f}' for r in ratios)}; target: at least 0.70)"
    )
    latencies = [value for r in between for value in r.load.latencies]
    print(
        f"p99      {percentile(latencies, 0.99) * 1000:.1f} ms at the offered load "
        f"(target: under 100 ms)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--rate", type=float, default=50.0)
    parser.add_argument("--rounds", type=int, default=3)
    parsed = parser.parse_args()
    asyncio.run(run(Args(parsed.users, parsed.seconds, parsed.rate, parsed.rounds)))


if __name__ == "__main__":
    main()
