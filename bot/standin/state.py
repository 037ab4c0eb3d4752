"""Everything the stand-in remembers: chats, messages, updates, files, settings.

Plain data plus a few operations that keep it consistent. All of it lives in the
one asyncio event loop shared by the server, the bot and the test.
"""

from __future__ import annotations

import asyncio
import copy
import itertools
import time
from dataclasses import dataclass, field
from typing import Any, Literal

from .models import BotDocument, BotEvent, BotMessage, EventKind

__all__ = [
    "BotIdentity",
    "CallbackQueryState",
    "Chat",
    "Signal",
    "StoredFile",
    "StoredMessage",
    "WebhookConfig",
    "World",
]

DEFAULT_UPDATE_TYPES = frozenset(
    {
        "message",
        "edited_message",
        "channel_post",
        "edited_channel_post",
        "business_connection",
        "business_message",
        "edited_business_message",
        "deleted_business_messages",
        "inline_query",
        "chosen_inline_result",
        "callback_query",
        "shipping_query",
        "pre_checkout_query",
        "purchased_paid_media",
        "poll",
        "poll_answer",
        "my_chat_member",
        "chat_join_request",
        "chat_boost",
        "removed_chat_boost",
    }
)


def now() -> int:
    return int(time.time())


class Signal:
    """Wakes every waiter when something changed; waiters re-check their condition."""

    def __init__(self) -> None:
        self._waiters: set[asyncio.Future[None]] = set()

    def notify(self) -> None:
        for waiter in self._waiters:
            if not waiter.done():
                waiter.set_result(None)
        self._waiters.clear()

    async def wait(self, seconds: float) -> None:
        """Wait until notified or ``seconds`` passed (whichever is first)."""
        if seconds <= 0:
            return
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.add(waiter)
        try:
            await asyncio.wait_for(waiter, seconds)
        except TimeoutError:
            pass
        finally:
            self._waiters.discard(waiter)


@dataclass
class BotIdentity:
    id: int
    username: str = "between_bot"
    first_name: str = "Between"

    def user(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "is_bot": True,
            "first_name": self.first_name,
            "username": self.username,
        }


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    file_path: str
    file_name: str
    mime_type: str
    data: bytes


@dataclass
class StoredMessage:
    """A message in a chat, in its current state."""

    message_id: int
    chat_id: int
    from_bot: bool
    payload: dict[str, Any]
    html: str = ""
    parse_mode: str | None = None
    text: str = ""
    entities: list[dict[str, Any]] = field(default_factory=list)
    inline_markup: dict[str, Any] | None = None
    keyboard_markup: dict[str, Any] | None = None
    document: BotDocument | None = None
    photo: bytes | None = None
    has_media: bool = False
    edit_count: int = 0

    def view(self) -> BotMessage:
        """The message as the user sees it now."""
        inline = (self.inline_markup or {}).get("inline_keyboard")
        keyboard = (self.keyboard_markup or {}).get("keyboard")
        return BotMessage(
            message_id=self.message_id,
            chat_id=self.chat_id,
            text=self.text,
            html=self.html,
            parse_mode=self.parse_mode,
            entities=[dict(e) for e in self.entities],
            reply_markup=_copy(self.inline_markup or self.keyboard_markup),
            buttons=[[str(b.get("text", "")) for b in row] for row in inline or []],
            callback_data=[[b.get("callback_data") for b in row] for row in inline or []],
            reply_keyboard=(
                [[str(b.get("text", "")) for b in row] for row in keyboard]
                if keyboard is not None
                else None
            ),
            document=self.document,
            photo=self.photo,
            edit_count=self.edit_count,
            date=int(self.payload.get("date", 0)),
            raw=_copy(self.payload) or {},
        )


def _copy(value: dict[str, Any] | None) -> dict[str, Any] | None:
    return copy.deepcopy(value) if value is not None else None


@dataclass
class Chat:
    id: int
    type: Literal["private", "group"]
    payload: dict[str, Any]
    user: dict[str, Any] | None = None
    started: bool = False
    blocked: bool = False
    messages: dict[int, StoredMessage] = field(default_factory=dict)
    events: list[BotEvent] = field(default_factory=list)
    reply_keyboard: dict[str, Any] | None = None
    changed: Signal = field(default_factory=Signal)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def next_message_id(self) -> int:
        return next(self._ids)

    def add_event(
        self, kind: EventKind, message: StoredMessage | None, data: dict[str, Any] | None = None
    ) -> None:
        view = message.view() if message is not None else None
        self.events.append(BotEvent(kind=kind, message=view, data=data))
        self.changed.notify()


@dataclass
class CallbackQueryState:
    query_id: str
    chat_id: int
    message_id: int
    created: float
    answer: dict[str, Any] | None = None


@dataclass
class WebhookConfig:
    url: str
    secret_token: str | None = None
    max_connections: int = 40
    ip_address: str | None = None
    has_custom_certificate: bool = False
    last_error_date: int | None = None
    last_error_message: str | None = None


class World:
    """The stand-in's whole state."""

    def __init__(self) -> None:
        self.bot = BotIdentity(id=0)
        self.bots: dict[int, BotIdentity] = {}
        self.chats: dict[int, Chat] = {}
        self.updates: list[dict[str, Any]] = []
        self.updates_changed = Signal()
        self.poll_generation = 0
        self.allowed_updates: frozenset[str] = DEFAULT_UPDATE_TYPES
        self.webhook: WebhookConfig | None = None
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.descriptions: dict[str, str] = {}
        self.short_descriptions: dict[str, str] = {}
        self.names: dict[str, str] = {}
        self.menu_buttons: dict[int | None, dict[str, Any]] = {}
        self.files: dict[str, StoredFile] = {}
        self.callback_queries: dict[str, CallbackQueryState] = {}
        self._update_ids = itertools.count(1)
        self._file_ids = itertools.count(1)
        self._query_ids = itertools.count(1)

    # -- bot identity --------------------------------------------------------

    def identity(self, bot_id: int) -> BotIdentity:
        known = self.bots.get(bot_id)
        if known is None:
            known = BotIdentity(id=bot_id)
            self.bots[bot_id] = known
        self.bot = known
        return known

    # -- updates -------------------------------------------------------------

    def enqueue(self, kind: str, body: dict[str, Any]) -> dict[str, Any] | None:
        """Queue an update of type ``kind``; None when allowed_updates filter it out."""
        if kind not in self.allowed_updates:
            return None
        update = {"update_id": next(self._update_ids), kind: body}
        self.updates.append(update)
        self.updates_changed.notify()
        return update

    def confirm(self, offset: int) -> None:
        if offset < 0:
            self.updates = self.updates[offset:]
        else:
            self.updates = [u for u in self.updates if u["update_id"] >= offset]

    def drop_pending(self) -> None:
        self.updates.clear()

    # -- ids -----------------------------------------------------------------

    def new_file_ids(self, kind: str) -> tuple[str, str, int]:
        number = next(self._file_ids)
        prefix = {"photo": "AgAC", "document": "BQAC"}.get(kind, "CAAC")
        return f"{prefix}standin{number:06d}{kind}", f"AQAD{number:06d}", number

    def new_query_id(self) -> str:
        return f"{next(self._query_ids) + 4_000_000_000_000_000:d}"
