"""The nudge scheduler: one JobQueue job, derived from the reminder rows.

PTB's JobQueue (APScheduler 3) with one job per reminder does not scale and has three
traps, measured on APScheduler 3.11.3: with the default misfire_grace_time of 1 s, when
about 5,000 jobs fall due in the same second all of them are dropped as missed; a daily
02:30 Europe/Berlin job fires twice on the fall-back day; a `time` without tzinfo is
taken as UTC. So the JobQueue holds one wake-up job, armed for the earliest next_due
in the database (an aware instant, given to the JobQueue as a delay, never dropped as
missed), plus a sweep every minute in case the clock jumps. Each wake claims due rows in
small batches (bot/store/reminders.claim_due) and sends them through the bot's rate
limiter, a few at a time, so that a person's taps are not stuck behind a burst and a
kill in the middle of one can repeat at most the sends in flight.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from functools import partial
from typing import Any

from apscheduler.jobstores.base import JobLookupError  # type: ignore[import-untyped]
from telegram import InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError
from telegram.ext import CallbackContext, Job, JobQueue

from bot.clock import Clock
from bot.db import Database
from bot.nudging import MISSED, QUIET, SEND, decide, delivery_day, in_quiet_hours, next_due
from bot.store import reminders, users
from bot.store.reminders import Delivery, Due

_log = logging.getLogger(__name__)

FIRST, FOLLOWUP, SNOOZE, RETRY = "first", "followup", "snooze", "retry"
# Rows claimed at a time, and sends waiting on the rate limiter at a time: about half a
# second of Telegram's 30 a second, so a person's own reply never waits longer.
BATCH = 16
RETRY_AFTER = timedelta(seconds=30)
SWEEP_SECONDS = 60
# Days of missed reminders recorded one by one after a long stop; older ones are skipped.
MISSED_HORIZON = timedelta(days=7)


@dataclass(frozen=True)
class Outgoing:
    """A nudge as it is sent: its text (HTML) and buttons, and whether an unanswered one
    gets its one gentle follow-up."""

    text: str
    markup: InlineKeyboardMarkup | None = None
    follow_up: bool = False


# Renders a delivery for its occasion (first, follow-up, snooze, retry), or None: not
# needed any more (done today, answered, deleted).
Renderer = Callable[[Delivery, str], Awaitable[Outgoing | None]]
# Sends a message to a chat; returns its message id.
Send = Callable[[int, str, InlineKeyboardMarkup | None], Awaitable[int]]


@dataclass(frozen=True)
class Timing:
    grace: timedelta = timedelta(hours=1)
    follow_up_after: timedelta = timedelta(hours=2)
    snooze: timedelta = timedelta(hours=1)
    rollover: time = time(4, 0)


class Scheduler:
    def __init__(self, db: Database, clock: Clock, timing: Timing) -> None:
        self.db = db
        self.clock = clock
        self.timing = timing
        self._renderers: dict[str, Renderer] = {}
        self._send: Send | None = None
        self._job_queue: JobQueue[Any] | None = None
        self._job: Job[Any] | None = None
        self._armed_for: datetime | None = None
        self._running = asyncio.Lock()
        self._again = False
        self._tasks: set[asyncio.Task[None]] = set()
        self.sent = 0  # nudges sent since start (for the benchmark and the logs)

    @property
    def wakes_at(self) -> datetime | None:
        """When the JobQueue will next wake the scheduler (an aware instant), if armed."""
        return self._job.next_t if self._job is not None and not self._job.removed else None

    def register(self, kind: str, renderer: Renderer) -> None:
        self._renderers[kind] = renderer

    async def start(self, send: Send, job_queue: JobQueue[Any] | None) -> None:
        """At start-up: retry what was in flight at a stop, then wake for what is due."""
        self._send = send
        self._job_queue = job_queue
        recovered = await reminders.recover_in_flight(self.db, self.clock())
        if recovered:
            _log.info("nudges in flight at the last stop, retried now count=%d", recovered)
        if job_queue is not None:
            job_queue.run_repeating(
                self._sweep,
                interval=SWEEP_SECONDS,
                first=SWEEP_SECONDS,
                name="nudge-sweep",
                job_kwargs={"misfire_grace_time": None, "coalesce": True},
            )
        await self.rearm()

    async def stop(self) -> None:
        """Remove the wake-up, if the JobQueue still holds it (at shutdown it has stopped
        already, and its jobs are gone)."""
        if self._job is not None:
            with contextlib.suppress(JobLookupError):
                self._job.schedule_removal()
            self._job = None
        self._armed_for = None
        for task in list(self._tasks):
            task.cancel()

    # --- keeping next_due derived from the rows ---------------------------------------

    async def refresh_person(self, user_id: int) -> None:
        """After any change to a person's reminders or settings: derive their next_due
        again from the rows, and re-arm."""
        now = self.clock()
        dues = await reminders.dues_of_person(self.db, user_id)
        changes: list[tuple[int, datetime | None]] = []
        for due in dues:
            following = next_due(
                due.reminder.slot, due.person, now, homework_paused=due.homework_paused
            )
            pending = due.reminder.next_due
            if following is not None and pending is not None and pending <= now:
                continue  # due and not claimed yet: the run in progress will claim it
            changes.append((due.reminder.reminder_id, following))
        await reminders.set_next_due(self.db, changes)
        await self.rearm()

    async def rearm(self, *, force: bool = False) -> None:
        """Arm the one wake-up job for the earliest moment anything is due (`force`: even
        if armed for that moment already, as after the clock was moved in a test)."""
        if self._job_queue is None:
            return
        when = await reminders.earliest(self.db)
        if when is None:
            self._unarm()
            return
        if (
            not force
            and self._job is not None
            and self._armed_for == when
            and not self._job.removed
        ):
            return
        self._unarm()
        # A delay from the injected clock: the JobQueue never sees a naive time, and
        # tests that move the clock move the wake-up with it.
        delay = max(0.0, (when - self.clock()).total_seconds())
        self._job = self._job_queue.run_once(
            self._wake,
            when=delay,
            name="nudge-wake",
            job_kwargs={"misfire_grace_time": None, "coalesce": True},
        )
        self._armed_for = when

    async def _wake(self, context: CallbackContext[Any, Any, Any, Any]) -> None:
        if context.job is self._job:
            self._job, self._armed_for = None, None
        await self.run_due()

    async def _sweep(self, _context: object) -> None:
        await self.run_due()

    def _unarm(self) -> None:
        if self._job is not None:
            # A run-once job that has just fired is gone from the JobQueue already.
            with contextlib.suppress(JobLookupError):
                self._job.schedule_removal()
        self._job, self._armed_for = None, None

    # --- claiming and sending -----------------------------------------------------------

    def _decide(self, due: Due, now: datetime) -> reminders.Decision:
        assert due.reminder.next_due is not None and due.person.zone is not None
        when = due.reminder.next_due
        status = decide(when, now, self.timing.grace, due.person)
        day = delivery_day(when, due.person.zone, self.timing.rollover)
        after = max(when, now - MISSED_HORIZON) if status == MISSED else max(when, now)
        following = next_due(due.reminder.slot, due.person, after, homework_paused=False)
        return status, day, following

    async def run_due(self) -> int:
        """Send everything due now; return how many were sent. Runs once at a time; a
        wake-up during a run makes the run look again before it ends."""
        if self._running.locked():
            self._again = True
            return 0
        sent_before = self.sent
        async with self._running:
            slots = asyncio.Semaphore(BATCH)
            while True:
                self._again = False
                now = self.clock()
                count, claimed = await reminders.claim_due(
                    self.db, now, BATCH, partial(self._decide, now=now)
                )
                again = await reminders.claim_again(self.db, now, BATCH)
                if not count and not again and not self._again:
                    break
                for _due, delivery_id in claimed:
                    delivery = await reminders.get_any(self.db, delivery_id)
                    if delivery is not None:
                        await slots.acquire()
                        self._spawn(self._deliver(delivery, FIRST), slots)
                for delivery, kind in again:
                    await slots.acquire()
                    self._spawn(self._deliver(delivery, kind), slots)
            # The last sends finish before the run ends.
            for _ in range(BATCH):
                await slots.acquire()
        await self.rearm()
        return self.sent - sent_before

    def _spawn(self, work: Awaitable[None], slots: asyncio.Semaphore) -> None:
        async def run() -> None:
            try:
                await work
            except Exception:
                _log.exception("nudge delivery failed")
            finally:
                slots.release()

        task = asyncio.get_running_loop().create_task(run())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _deliver(self, delivery: Delivery, occasion: str) -> None:
        now = self.clock()
        if occasion == RETRY and now - delivery.due_at > self.timing.grace:
            await reminders.mark_status(self.db, delivery.delivery_id, MISSED)
            _log.info("nudge missed delivery=%d", delivery.delivery_id)
            return
        if occasion != FIRST and not await self.may_disturb(delivery, now):
            if occasion == RETRY:  # sent late, it keeps quiet hours and pauses as of now
                await reminders.mark_status(self.db, delivery.delivery_id, QUIET)
            return
        renderer = self._renderers.get(delivery.kind)
        outgoing = await renderer(delivery, occasion) if renderer else None
        if outgoing is None:
            if occasion in (FIRST, RETRY):
                await reminders.mark_status(self.db, delivery.delivery_id, reminders.SKIPPED)
            return
        assert self._send is not None
        try:
            message_id = await self._send(delivery.chat_id, outgoing.text, outgoing.markup)
        except Forbidden:
            await users.mark_blocked(self.db, delivery.user_id, now)
            await reminders.mark_status(self.db, delivery.delivery_id, reminders.BLOCKED)
            _log.info("nudge refused, person blocked the bot user=%d", delivery.user_id)
            await self.refresh_person(delivery.user_id)
            return
        except BadRequest as error:
            await reminders.mark_status(self.db, delivery.delivery_id, reminders.FAILED)
            _log.warning(
                "nudge refused delivery=%d error=%s", delivery.delivery_id, type(error).__name__
            )
            return
        except (RetryAfter, TelegramError) as error:
            # Network trouble or a flood wait that outlasted the limiter's retries.
            if occasion in (FIRST, RETRY):
                await reminders.mark_status(
                    self.db, delivery.delivery_id, SEND, now + RETRY_AFTER, RETRY
                )
            else:  # a follow-up or snooze keeps its kind, and is tried again
                await reminders.mark_status(
                    self.db, delivery.delivery_id, delivery.status, now + RETRY_AFTER, occasion
                )
            _log.warning(
                "nudge not sent, retrying delivery=%d error=%s",
                delivery.delivery_id,
                type(error).__name__,
            )
            return
        self.sent += 1
        follow = occasion in (FIRST, RETRY) and outgoing.follow_up
        await reminders.mark_sent(
            self.db,
            delivery.delivery_id,
            self.clock(),
            message_id,
            now + self.timing.follow_up_after if follow else None,
            FOLLOWUP if follow else None,
            followup=occasion == FOLLOWUP,
            snoozed=occasion == SNOOZE,
        )
        _log.info("nudge sent delivery=%d occasion=%s", delivery.delivery_id, occasion)

    async def may_disturb(self, delivery: Delivery, now: datetime) -> bool:
        """A follow-up or snoozed nudge keeps quiet hours and pauses too, and is not sent
        once the day it was for has rolled over."""
        row = await users.settings_row(self.db, delivery.user_id)
        if row is None:
            return False
        person = reminders.person_settings(row)
        if person.blocked or person.zone is None:
            return False
        if person.paused_until is not None and person.paused_until > now:
            return False
        if delivery_day(now, person.zone, self.timing.rollover) != delivery.local_date:
            return False  # the day it was for has rolled over
        return not in_quiet_hours(now, person.zone, person.quiet)


__all__ = ["FIRST", "FOLLOWUP", "RETRY", "SNOOZE", "Outgoing", "Scheduler", "Timing"]
