"""Updates of different people are handled side by side; one person's, strictly in order.

PTB handles one update at a time by default, so one person's slow step (a database write,
a PDF) would hold up everyone. Running updates concurrently is safe here only because
each person's updates still run one after another, in the order Telegram sent them: a
double tap is seen after the first tap has changed the conversation's state.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

MAX_CONCURRENT_UPDATES = 16
UNBOUNDED = 4096


def person_key(update: object) -> int:
    """Whose update this is: the user, else the chat, else one shared lane."""
    if isinstance(update, Update):
        if update.effective_user is not None:
            return update.effective_user.id
        if update.effective_chat is not None:
            return update.effective_chat.id
    return 0


class PerPersonUpdateProcessor(BaseUpdateProcessor):
    """PTB's own limit is taken before an update could wait for its person's turn, so a
    burst from one person would hold every slot; here the limit is kept inside, after the
    person's turn has come, and PTB's is set out of reach."""

    def __init__(self, max_concurrent_updates: int = MAX_CONCURRENT_UPDATES) -> None:
        super().__init__(UNBOUNDED)
        self._slots = asyncio.Semaphore(max_concurrent_updates)
        self._lanes: dict[int, tuple[asyncio.Lock, int]] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = person_key(update)
        lock, waiting = self._lanes.get(key, (asyncio.Lock(), 0))
        self._lanes[key] = (lock, waiting + 1)
        try:
            async with lock, self._slots:
                await coroutine
        finally:
            lock, waiting = self._lanes[key]
            if waiting <= 1:
                del self._lanes[key]
            else:
                self._lanes[key] = (lock, waiting - 1)

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""
