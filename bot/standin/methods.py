"""Every Bot API method the stand-in implements, by name."""

from __future__ import annotations

from . import messages, profile, updates
from .registry import METHODS, Call, Handler

__all__ = ["METHODS", "Call", "Handler"]

# The modules register their handlers in METHODS when imported.
_MODULES = (messages, profile, updates)
