"""The local terminal chat: the real bot, over real HTTP, against the local Bot API stand-in.

Bot messages print as they arrive; inline buttons are numbered and typing the number
taps one; documents and photos are saved under downloads/ and their path is printed.
"""

from __future__ import annotations

import asyncio
import os
import sys
import threading
from dataclasses import replace
from pathlib import Path

from bot.app import build_application
from bot.config import Settings
from bot.runner import polling
from bot.standin import BotEvent, BotMessage, FakeUser, StandinServer

LOCAL_TOKEN = "1000001:local-terminal-chat"
LOCAL_USER_ID = 777000001
DOWNLOADS = Path("downloads")

HELP = """\
You are chatting with Between through a local stand-in of Telegram.
  type text or /commands as in Telegram      3 taps button 3 of the last keyboard
  b2  taps button 2 of the keyboard marked b (an earlier message)
  !location LAT LON   share a location       !block / !unblock   block the bot
  !help               this help              !quit (or Ctrl-D)   leave
Try /start."""
_TAGS = "abcdefghijklmnopqrstuvwxyz"
# A button on screen: its message (None for the reply keyboard), its index, its label.
Button = tuple[BotMessage | None, int, str]

_BOLD, _DIM, _RESET = ("\033[1m", "\033[2m", "\033[0m") if sys.stdout.isatty() else ("", "", "")


class TerminalChat:
    """Prints what the bot does in one private chat and turns typed lines into actions."""

    def __init__(self, user: FakeUser, downloads: Path = DOWNLOADS) -> None:
        self.user = user
        self.downloads = downloads
        self.buttons: list[Button] = []
        # Every keyboard on screen keeps a letter, so earlier ones can still be tapped.
        self.keyboards: dict[str, list[Button]] = {}
        self._tag_of: dict[int, str] = {}
        self._next_tag = 0

    def render(self, event: BotEvent) -> None:
        if event.kind == "callback_answer":
            text = (event.data or {}).get("text")
            if text:
                print(f"{_DIM}  [{text}]{_RESET}", flush=True)
            return
        message = event.message
        if message is None or event.kind not in ("message", "edit"):
            return
        label = "Between" if event.kind == "message" else "Between (edited)"
        print(f"\n{_BOLD}{label}:{_RESET}")
        if message.text:
            print(message.text)
        self._save_files(message)
        self._number_buttons(message)
        print(flush=True)

    def _save_files(self, message: BotMessage) -> None:
        if message.document is not None:
            path = self._save(message.document.file_name, message.document.data)
            print(f"{_DIM}  [document saved: {path}]{_RESET}")
        if message.photo is not None:
            path = self._save(f"photo-{message.message_id}.png", message.photo)
            print(f"{_DIM}  [photo saved: {path}]{_RESET}")

    def _save(self, name: str, data: bytes) -> Path:
        self.downloads.mkdir(parents=True, exist_ok=True)
        path = self.downloads / Path(name).name
        path.write_bytes(data)
        return path.resolve()

    def _number_buttons(self, message: BotMessage) -> None:
        inline = [label for row in message.buttons for label in row]
        buttons: list[Button]
        if inline:
            buttons = [(message, i, label) for i, label in enumerate(inline)]
            key = message.message_id
        elif message.reply_keyboard:
            reply = [label for row in message.reply_keyboard for label in row]
            buttons = [(None, i, label) for i, label in enumerate(reply)]
            key = -1  # the reply keyboard under the input field
        else:
            return
        tag = self._tag_of.get(key)
        if tag is None:
            tag = _TAGS[self._next_tag % len(_TAGS)]
            self._next_tag += 1
            self._tag_of[key] = tag
        self.keyboards[tag] = buttons
        self.buttons = buttons
        labels = "  ".join(f"[{n}] {label}" for n, (_, _, label) in enumerate(buttons, 1))
        print(f"{tag}: {labels}")

    def _button(self, text: str) -> Button | None:
        """ "3" is button 3 of the last keyboard; "b2" is button 2 of keyboard b."""
        tag, digits = (text[0], text[1:]) if text[:1].isalpha() else ("", text)
        if not digits.isdigit():
            return None
        buttons = self.keyboards.get(tag) if tag else self.buttons
        number = int(digits)
        if not buttons or not 1 <= number <= len(buttons):
            return None
        return buttons[number - 1]

    async def handle_line(self, line: str) -> bool:
        """Act on one typed line; False when the person wants to leave."""
        text = line.strip()
        if not text:
            return True
        if text in ("!quit", "!exit"):
            return False
        if text == "!help":
            print(HELP)
        elif text == "!block":
            await self.user.block()
            print("  [you blocked the bot]")
        elif text == "!unblock":
            await self.user.unblock()
            print("  [you unblocked the bot]")
        elif text.startswith("!location"):
            await self._share_location(text)
        elif (button := self._button(text)) is not None:
            await self._tap(button)
        else:
            await self.user.send(text)
        return True

    async def _share_location(self, text: str) -> None:
        parts = text.split()
        try:
            latitude, longitude = float(parts[1]), float(parts[2])
        except (IndexError, ValueError):
            print("  usage: !location 52.52 13.40")
            return
        await self.user.send_location(latitude, longitude)

    async def _tap(self, button: Button) -> None:
        message, index, _label = button
        try:
            if message is None:
                await self.user.press(index)
            else:
                await self.user.tap_inline(message, index)
        except LookupError:
            print("  [that button is no longer there]")


def _local_language() -> str:
    """The terminal's language (LANG=ru_RU.UTF-8 -> "ru"), as a Telegram app would send it."""
    raw = os.environ.get("BETWEEN_CHAT_LANGUAGE") or os.environ.get("LANG") or "en"
    code = raw.split(".")[0].replace("_", "-").lower()
    return "en" if code in ("c", "posix", "") else code


def _read_lines(loop: asyncio.AbstractEventLoop, queue: asyncio.Queue[str | None]) -> None:
    for line in sys.stdin:
        loop.call_soon_threadsafe(queue.put_nowait, line)
    loop.call_soon_threadsafe(queue.put_nowait, None)


async def _print_events(chat: TerminalChat) -> None:
    while True:
        try:
            event = await chat.user.next_event(timeout=3600)
        except TimeoutError:
            continue
        chat.render(event)


async def run_terminal_chat(settings: Settings) -> None:
    async with StandinServer() as server:
        server.add_bot(LOCAL_TOKEN)
        local = replace(settings, api_url=server.base_url)
        user = server.user(LOCAL_USER_ID, first_name="You", language_code=_local_language())
        chat = TerminalChat(user)
        application = build_application(local, token=LOCAL_TOKEN)
        async with polling(application, poll_timeout=10):
            print(HELP, flush=True)
            printer = asyncio.create_task(_print_events(chat))
            lines: asyncio.Queue[str | None] = asyncio.Queue()
            loop = asyncio.get_running_loop()
            threading.Thread(target=_read_lines, args=(loop, lines), daemon=True).start()
            try:
                while (line := await lines.get()) is not None and await chat.handle_line(line):
                    pass
            finally:
                printer.cancel()
        if server.violations:
            print(f"\n{len(server.violations)} request(s) Telegram would refuse:")
            for violation in server.violations:
                print(f"  {violation.method}: {violation.description}")
