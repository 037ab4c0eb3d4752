"""Telegram's limits, kept by PTB's AIORateLimiter, without making a tap wait for a burst.

Telegram allows about 30 new messages a second overall. AIORateLimiter meters every
request that names a chat, so edits and callback answers (a person's taps) would queue
behind a burst of nudges. Here only what sends a new message is metered; every request
still honours a 429's retry_after, and is retried.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from telegram._utils.types import JSONDict
from telegram.ext import AIORateLimiter

# Requests that answer a person's tap on a message already there: never metered.
UNMETERED = frozenset(
    {
        "answerCallbackQuery",
        "editMessageText",
        "editMessageReplyMarkup",
        "editMessageCaption",
        "sendChatAction",
        "deleteMessage",
    }
)


class SendRateLimiter(AIORateLimiter):
    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | JSONDict | list[JSONDict]:
        if endpoint in UNMETERED:
            # AIORateLimiter meters a request by its chat_id; without it, only the retry
            # after a 429 applies.
            data = {key: value for key, value in data.items() if key != "chat_id"}
        return await super().process_request(
            callback, args, kwargs, endpoint, data, rate_limit_args
        )
