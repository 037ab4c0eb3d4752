"""/homework: record what the therapist suggested, the five questions, the card."""

from __future__ import annotations

from typing import Any

from telegram.ext import BaseHandler

from bot.context import BetweenContext


def handlers() -> list[BaseHandler[Any, BetweenContext, Any]]:
    """This feature's handlers, in order (group 0)."""
    return []
