"""How long the event loop stalls: a small task that notes how late its wake-ups are.

A stall is time in which no tap can be answered. Stalls over half a second are logged as
they happen; the longest is logged at shutdown (and read by the nudge benchmark).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

_log = logging.getLogger(__name__)

INTERVAL = 0.05
WARN_AFTER = 0.5


class LoopWatch:
    def __init__(self) -> None:
        self.longest = 0.0
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._watch())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        _log.info("longest event loop stall ms=%.1f", self.longest * 1000)

    async def _watch(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            started = loop.time()
            await asyncio.sleep(INTERVAL)
            stall = loop.time() - started - INTERVAL
            if stall > self.longest:
                self.longest = stall
            if stall > WARN_AFTER:
                _log.warning("event loop stalled ms=%.0f", stall * 1000)
