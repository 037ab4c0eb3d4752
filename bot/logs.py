"""Logging: ids and event names only, never message text, feelings or notes.

httpx logs every request URL, and the URL holds the bot token: keep it below INFO.
"""

from __future__ import annotations

import logging
import os


def configure_logging(level: str | None = None) -> None:
    logging.basicConfig(
        level=(level or os.environ.get("BETWEEN_LOG_LEVEL") or "INFO").upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    for noisy in ("httpx", "httpcore", "apscheduler", "tornado.access"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    # PTB's debug logs print whole updates, message text included: never below INFO.
    logging.getLogger("telegram").setLevel(
        max(logging.INFO, logging.getLogger().getEffectiveLevel())
    )
