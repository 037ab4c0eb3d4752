"""Logging: ids and event names only, never message text, feelings or notes.

httpx logs every request URL, and the URL holds the bot token: keep it below INFO, and
redact the token from anything that is logged all the same (an error's text, a traceback).
"""

from __future__ import annotations

import logging

LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class RedactSecrets(logging.Filter):
    """Replaces each secret in a record's message and traceback with ***."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self.secrets = [secret for secret in secrets if secret]

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "***")
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        record.msg = self.redact(record.getMessage())
        record.args = ()
        if record.exc_info:
            record.exc_text = self.redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


def configure_logging(level: str = "INFO", secrets: list[str] | None = None) -> None:
    logging.basicConfig(
        level=level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    redactor = RedactSecrets(secrets or [])
    for handler in logging.getLogger().handlers:
        handler.addFilter(redactor)
    for noisy in ("httpx", "httpcore", "apscheduler", "tornado.access"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    # The PDF's font libraries log the characters they draw (a person's name and notes):
    # their errors only, never their text.
    for private in ("fpdf", "fontTools"):
        logging.getLogger(private).setLevel(logging.ERROR)
    # PTB's debug logs print whole updates, message text included: never below INFO.
    logging.getLogger("telegram").setLevel(
        max(logging.INFO, logging.getLogger().getEffectiveLevel())
    )
