"""/session: the recurring appointment, its reminder, and the reflection after it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from telegram.ext import BaseHandler

from bot.context import BetweenContext

NAME = "session"
# A flow left alone this long (seconds) ends; its buttons then say so.
IDLE_TIMEOUT = timedelta(hours=1)


def handlers() -> list[BaseHandler[Any, BetweenContext, Any]]:
    """This feature's handlers, in order (group 0)."""
    return []


def register_renderers(application: object, scheduler: object) -> None:
    """Register the session reminder and reflection nudges with the scheduler."""
