"""The bot as the operator runs it: `python -m bot` in its own process."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from bot.standin import StandinServer

from .conftest import TOKEN

ROOT = Path(__file__).resolve().parent.parent


@asynccontextmanager
async def bot_process(
    standin: StandinServer, db: Path, **extra_env: str
) -> AsyncIterator[asyncio.subprocess.Process]:
    """`python -m bot` as the operator runs it, with a token, against the stand-in."""
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": standin.base_url,
        "BETWEEN_DB": str(db),
        "BETWEEN_LOG_LEVEL": "WARNING",
        **extra_env,
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", cwd=ROOT, env=env, stdin=asyncio.subprocess.DEVNULL
    )
    try:
        yield process
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(process.wait(), 15)
            except TimeoutError:
                process.kill()
                await process.wait()
