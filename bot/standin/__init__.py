"""A local stand-in of the Telegram Bot API, for the terminal chat and the tests.

Usage::

    async with StandinServer() as server:
        maya = server.user(1001)
        # run the bot with base_url=server.base_url + "/bot"
        await maya.send("/start")
        reply = await maya.next_reply()
"""

from .client import FakeGroup, FakeUser
from .html import ParseError, parse_html
from .models import BotDocument, BotEvent, BotMessage, RequestRecord, Violation
from .server import StandinServer

__all__ = [
    "BotDocument",
    "BotEvent",
    "BotMessage",
    "FakeGroup",
    "FakeUser",
    "ParseError",
    "RequestRecord",
    "StandinServer",
    "Violation",
    "parse_html",
]
