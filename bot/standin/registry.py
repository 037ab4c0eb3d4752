"""How a Bot API method is handled: the Call it gets, the registry, chat lookups.

Every handler takes a Call (the world, the calling bot and the decoded, already
spec-checked parameters) and returns the ``result`` of a successful response or
raises ApiError with Telegram's error.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from .models import ApiError, bad_request
from .state import BotIdentity, Chat, World

__all__ = ["METHODS", "Call", "Handler", "find_chat", "method", "writable_chat"]


@dataclass
class Call:
    world: World
    bot: BotIdentity
    method: str
    params: dict[str, Any]
    strict_html: bool = True
    callback_query_timeout: float = 900.0
    is_abandoned: Callable[[], bool] = lambda: False
    is_closing: Callable[[], bool] = lambda: False

    def get(self, name: str, default: Any = None) -> Any:
        return self.params.get(name, default)


Handler = Callable[[Call], Awaitable[Any]]
METHODS: dict[str, Handler] = {}


def method(name: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        METHODS[name] = handler
        return handler

    return register


# -- chats and messages -------------------------------------------------------


def find_chat(world: World, chat_id: Any) -> Chat:
    if isinstance(chat_id, str) and re.fullmatch(r"-?\d+", chat_id):
        chat_id = int(chat_id)
    chat = world.chats.get(chat_id) if isinstance(chat_id, int) else None
    if chat is None:
        raise bad_request("chat not found")
    return chat


def writable_chat(world: World, chat_id: Any) -> Chat:
    """The chat, if the bot may write there now."""
    chat = find_chat(world, chat_id)
    if chat.type == "private":
        if chat.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user", violation=False)
        if not chat.started:
            raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
    return chat
