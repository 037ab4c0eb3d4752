"""Running the Application inside an event loop we own (local chat, tests)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bot.app import ALLOWED_UPDATES, POLL_TIMEOUT_SECONDS, BetweenApplication


@asynccontextmanager
async def polling(
    application: BetweenApplication, *, poll_timeout: int = POLL_TIMEOUT_SECONDS
) -> AsyncIterator[BetweenApplication]:
    """The same start-up and shutdown as run_polling, without taking over the loop."""
    await application.initialize()
    if application.post_init is not None:
        await application.post_init(application)
    assert application.updater is not None
    await application.updater.start_polling(
        timeout=poll_timeout, allowed_updates=ALLOWED_UPDATES, drop_pending_updates=False
    )
    await application.start()
    try:
        yield application
    finally:
        await application.updater.stop()
        await application.stop()
        await application.shutdown()
        if application.post_shutdown is not None:
            await application.post_shutdown(application)
