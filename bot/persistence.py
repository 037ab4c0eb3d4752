"""PTB persistence backed by our SQLite rows.

Conversation states and per-user drafts are written after every update (see
handlers.common.flush_persistence), so a kill, even kill -9, loses no answered tap.
Chat data, bot data and callback data are not used: real state lives in our tables,
and callback_data is plain validated text, never PTB's arbitrary callback data.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from telegram.ext import BasePersistence, PersistenceInput
from telegram.ext._utils.types import CDCData, ConversationDict, ConversationKey

from bot.clock import Clock, system_clock
from bot.db import Database
from bot.store import conversations

UserData = dict[Any, Any]
Unused = dict[Any, Any]

# A backstop: the per-update flush is what keeps taps; this catches anything else.
UPDATE_INTERVAL_SECONDS = 5.0


class SqlitePersistence(BasePersistence[UserData, Unused, Unused]):
    def __init__(
        self,
        db: Database,
        clock: Clock = system_clock,
        idle_limits: Mapping[str, timedelta] | None = None,
    ) -> None:
        super().__init__(
            store_data=PersistenceInput(
                bot_data=False, chat_data=False, user_data=True, callback_data=False
            ),
            update_interval=UPDATE_INTERVAL_SECONDS,
        )
        self.db = db
        self._clock = clock
        # PTB keeps conversation timeouts in memory only; after a restart, a state idle
        # for longer than its conversation's limit is dropped here instead.
        self._idle_limits = dict(idle_limits or {})

    async def get_user_data(self) -> dict[int, UserData]:
        return await conversations.load_user_data(self.db)

    async def get_chat_data(self) -> dict[int, Unused]:
        return {}

    async def get_bot_data(self) -> Unused:
        return {}

    async def get_callback_data(self) -> CDCData | None:
        return None

    async def get_conversations(self, name: str) -> ConversationDict:
        limit = self._idle_limits.get(name)
        not_before = self._clock() - limit if limit is not None else None
        states = await conversations.load_states(self.db, name, not_before)
        return {tuple(key): state for key, state in states.items()}

    async def update_conversation(
        self, name: str, key: ConversationKey, new_state: object | None
    ) -> None:
        await conversations.save_state(self.db, name, tuple(key), new_state, self._clock())

    async def update_user_data(self, user_id: int, data: UserData) -> None:
        await conversations.save_user_data(self.db, user_id, data, self._clock())

    async def update_chat_data(self, chat_id: int, data: Unused) -> None:
        return None

    async def update_bot_data(self, data: Unused) -> None:
        return None

    async def update_callback_data(self, data: CDCData) -> None:
        return None

    async def drop_chat_data(self, chat_id: int) -> None:
        return None

    async def drop_user_data(self, user_id: int) -> None:
        await conversations.drop_user_data(self.db, user_id)

    async def refresh_user_data(self, user_id: int, user_data: UserData) -> None:
        return None

    async def refresh_chat_data(self, chat_id: int, chat_data: Unused) -> None:
        return None

    async def refresh_bot_data(self, bot_data: Unused) -> None:
        return None

    async def flush(self) -> None:
        return None
