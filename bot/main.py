"""`python -m bot`: the local terminal chat with no token, else Telegram (polling or webhook)."""

from __future__ import annotations

import asyncio
import os
import sys

from telegram.error import InvalidToken

from bot.app import ALLOWED_UPDATES, POLL_TIMEOUT_SECONDS, build_application
from bot.config import ConfigError, Settings, load_settings
from bot.db import Database, DatabaseTooNewError
from bot.instance import AlreadyRunningError, InstanceLock
from bot.logs import configure_logging


def _fail(message: str) -> SystemExit:
    print(f"Between cannot start: {message}", file=sys.stderr)
    return SystemExit(2)


def _check_database(settings: Settings) -> None:
    """Open and migrate the database before anything else, so a problem is said plainly."""

    async def check() -> None:
        db = Database(settings.db_path)
        try:
            await db.connection()
        finally:
            await db.close()

    try:
        asyncio.run(check())
    except DatabaseTooNewError as error:
        raise _fail(str(error)) from None


def main() -> None:
    try:
        settings = load_settings(os.environ)
    except ConfigError as error:
        print("Between cannot start: the configuration needs attention.", file=sys.stderr)
        for problem in error.problems:
            print(f"  - {problem}", file=sys.stderr)
        raise SystemExit(2) from None
    lock = InstanceLock(settings.db_path)
    try:
        lock.acquire()
    except AlreadyRunningError as error:
        raise _fail(str(error)) from None
    _check_database(settings)
    if settings.token is None:
        from bot.terminal import run_terminal_chat  # only the local chat needs it

        configure_logging(settings.log_level or "WARNING")
        asyncio.run(run_terminal_chat(settings))
        return
    secrets = [settings.token.value]
    if settings.webhook_secret is not None:
        secrets.append(settings.webhook_secret.value)
    configure_logging(settings.log_level or "INFO", secrets)
    application = build_application(settings)
    try:
        if settings.uses_webhook:
            assert settings.webhook_url is not None and settings.webhook_secret is not None
            application.run_webhook(
                listen="0.0.0.0",  # behind the operator's reverse proxy
                port=settings.port,
                url_path="telegram",
                webhook_url=f"{settings.webhook_url}/telegram",
                secret_token=settings.webhook_secret.value,
                allowed_updates=ALLOWED_UPDATES,
            )
        else:
            application.run_polling(allowed_updates=ALLOWED_UPDATES, timeout=POLL_TIMEOUT_SECONDS)
    except InvalidToken:
        raise _fail(
            "Telegram did not accept TELEGRAM_BOT_TOKEN. Copy it again from @BotFather "
            "(/mybots, API Token)."
        ) from None


if __name__ == "__main__":
    main()
