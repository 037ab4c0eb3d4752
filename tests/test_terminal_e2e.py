"""The run command with no token: the local terminal chat, driven as a person types."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class Terminal:
    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.screen = ""
        self.seen = 0  # what earlier waits already matched is not matched again

    async def type(self, line: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(f"{line}\n".encode())
        await self.process.stdin.drain()

    async def wait_for(self, text: str, within: float = 30.0) -> str:
        assert self.process.stdout is not None
        try:
            async with asyncio.timeout(within):
                while text not in self.screen[self.seen :]:
                    chunk = await self.process.stdout.read(4096)
                    if not chunk:
                        raise AssertionError(f"the chat ended before {text!r}:\n{self.screen}")
                    self.screen += chunk.decode()
        except TimeoutError:
            raise AssertionError(f"no {text!r} within {within}s:\n{self.screen}") from None
        self.seen = self.screen.index(text, self.seen) + len(text)
        return self.screen


async def test_local_chat_without_a_token_completes_start_in_ukrainian(tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if key != "TELEGRAM_BOT_TOKEN"}
    env |= {"BETWEEN_DB": str(tmp_path / "local.sqlite3"), "LANG": "uk_UA.UTF-8"}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        cwd=tmp_path,
        env=env,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    terminal = Terminal(process)
    try:
        await terminal.wait_for("Try /start.")
        await terminal.type("/start")
        await terminal.wait_for("[1] ✓ Українська")
        await terminal.type("1")
        await terminal.wait_for("Київ, Україна")
        await terminal.type("1")
        await terminal.wait_for("[2] Не зараз")
        await terminal.type("2")
        screen = await terminal.wait_for("/settings —")
        assert "[document saved" not in screen
        await terminal.type("!quit")
        assert await asyncio.wait_for(process.wait(), 20) == 0
        assert "would refuse" not in terminal.screen
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert (tmp_path / "local.sqlite3").exists()
