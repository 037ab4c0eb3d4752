"""Homework nudges: what they say, and what each of their buttons does."""

from __future__ import annotations

from typing import Any

from telegram.ext import BaseHandler

from bot.context import BetweenContext


def handlers() -> list[BaseHandler[Any, BetweenContext, Any]]:
    return []


def register_renderers(application: object, scheduler: object) -> None:
    pass
