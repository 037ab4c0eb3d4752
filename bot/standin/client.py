"""The people on the other side: users and groups that write to the bot.

A FakeUser sends messages, taps buttons, blocks the bot, and reads what the bot
did in its chat through a cursor over the chat's events (``next_reply``,
``next_event``).
"""

from __future__ import annotations

import copy
import re
import time
from typing import Any

from .html import utf16_len
from .models import BotEvent, BotMessage
from .state import CallbackQueryState, Chat, StoredMessage, World, now

__all__ = ["DEFAULT_LOCATION", "FakeGroup", "FakeUser"]

DEFAULT_LOCATION = (52.5200, 13.4050)
_COMMAND = re.compile(r"/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![A-Za-z0-9_])")


def _text_message(text: str) -> dict[str, Any]:
    content: dict[str, Any] = {"text": text}
    match = _COMMAND.match(text)
    if match:
        content["entities"] = [
            {"type": "bot_command", "offset": 0, "length": utf16_len(match.group(0))}
        ]
    return content


def _describe(event: BotEvent) -> str:
    if event.message is not None:
        text = event.message.text.replace("\n", " ")
        shown = text if len(text) <= 60 else text[:57] + "..."
        return f"{event.kind} #{event.message.message_id}: {shown!r}"
    return f"{event.kind}: {event.data}"


class _ChatView:
    """What the bot did in one chat, read through a cursor."""

    def __init__(self, world: World, chat: Chat) -> None:
        self._world = world
        self._chat = chat
        self.cursor = 0

    @property
    def chat_id(self) -> int:
        return self._chat.id

    @property
    def chat(self) -> dict[str, Any]:
        return dict(self._chat.payload)

    @property
    def messages(self) -> list[BotMessage]:
        """The bot's messages here, as they look now (edits applied, deleted gone)."""
        return [
            message.view() for _, message in sorted(self._chat.messages.items()) if message.from_bot
        ]

    @property
    def last_message(self) -> BotMessage | None:
        messages = self.messages
        return messages[-1] if messages else None

    @property
    def events(self) -> list[BotEvent]:
        return list(self._chat.events)

    def skip_events(self) -> None:
        """Move the cursor past everything that happened so far."""
        self.cursor = len(self._chat.events)

    async def next_event(self, timeout: float = 5.0) -> BotEvent:  # noqa: ASYNC109
        """The next thing the bot did here (message, edit, delete, chat action, answer)."""
        return await self._next(timeout, None)

    async def next_reply(self, timeout: float = 5.0) -> BotMessage:  # noqa: ASYNC109
        """The bot's next new message or edit here, after those already returned."""
        event = await self._next(timeout, ("message", "edit"))
        assert event.message is not None
        return event.message

    async def _next(self, timeout: float, kinds: tuple[str, ...] | None) -> BotEvent:  # noqa: ASYNC109
        deadline = time.monotonic() + timeout
        start = self.cursor
        while True:
            events = self._chat.events
            while self.cursor < len(events):
                event = events[self.cursor]
                self.cursor += 1
                if kinds is None or event.kind in kinds:
                    return event
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                seen = [_describe(e) for e in events[start:]]
                wanted = "event" if kinds is None else "message or edit"
                raise TimeoutError(
                    f"no new bot {wanted} in chat {self._chat.id} within {timeout}s; "
                    f"arrived meanwhile: {seen or 'nothing'}; "
                    f"the bot's messages now: {[m.text[:40] for m in self.messages[-3:]]}"
                )
            await self._chat.changed.wait(remaining)


class FakeUser(_ChatView):
    """A Telegram user in a private chat with the bot (chat id == user id)."""

    def __init__(
        self,
        world: World,
        user_id: int,
        *,
        first_name: str = "Maya",
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "en",
    ) -> None:
        self.id = user_id
        self.user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
        if last_name:
            self.user["last_name"] = last_name
        if username:
            self.user["username"] = username
        if language_code:
            self.user["language_code"] = language_code
        chat_payload: dict[str, Any] = {"id": user_id, "type": "private", "first_name": first_name}
        if last_name:
            chat_payload["last_name"] = last_name
        if username:
            chat_payload["username"] = username
        chat = world.chats.get(user_id)
        if chat is None:
            chat = Chat(id=user_id, type="private", payload=chat_payload, user=self.user)
            world.chats[user_id] = chat
        super().__init__(world, chat)

    # -- writing ----------------------------------------------------------------

    def started_earlier(self) -> None:
        """As if the person pressed Start in an earlier life of the bot (the database
        already knows them): the bot may write to them first."""
        self._chat.started = True

    async def send(self, text: str) -> dict[str, Any]:
        """Send a text message; "/command" gets its bot_command entity."""
        return self._post(_text_message(text))

    async def send_location(self, latitude: float, longitude: float) -> dict[str, Any]:
        return self._post({"location": {"latitude": latitude, "longitude": longitude}})

    def _post(self, content: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat
        if chat.blocked:
            self._set_blocked(False)  # writing to a bot you blocked restarts it
        chat.started = True
        message_id = chat.next_message_id()
        payload = {
            "message_id": message_id,
            "from": dict(self.user),
            "chat": dict(chat.payload),
            "date": now(),
            **content,
        }
        chat.messages[message_id] = StoredMessage(
            message_id=message_id,
            chat_id=chat.id,
            from_bot=False,
            payload=payload,
            text=str(content.get("text", "")),
        )
        self._world.enqueue("message", payload)
        return payload

    # -- buttons ----------------------------------------------------------------

    async def tap(
        self,
        message: BotMessage | int | None,
        button: str | int,
        *,
        location: tuple[float, float] | None = None,
        current_only: bool = False,
    ) -> str | dict[str, Any]:
        """Tap a button, as the user would.

        An inline button of ``message`` gives a callback query (the query id is
        returned; the query carries the message's current state). ``button`` is the
        visible text, the callback_data, or a 0-based index over all buttons, row
        by row. Given a BotMessage, a button it showed can still be tapped after the
        bot edited it away (a double tap, or a client that has not got the edit
        yet) unless ``current_only``; given a message id, only current buttons count.

        Otherwise a button of the reply keyboard shown in this chat is pressed: its
        text is sent, or a location (``location`` or a default) for a
        request_location button; the message sent is returned.
        LookupError when there is no such button.
        """
        if message is None:
            return await self.press(button, location=location)
        message_id = message if isinstance(message, int) else message.message_id
        stored = self._chat.messages.get(message_id)
        if stored is None:
            raise LookupError(f"message {message_id} is not in chat {self._chat.id} (deleted?)")
        current = (stored.inline_markup or {}).get("inline_keyboard", [])
        found = _find_button(current, button, ("text", "callback_data"))
        seen: list[list[dict[str, Any]]] = []
        if isinstance(message, BotMessage) and message.reply_markup is not None:
            seen = message.reply_markup.get("inline_keyboard", [])
        if found is None and not current_only:
            found = _find_button(seen, button, ("text", "callback_data"))
        if found is not None:
            return self._send_callback_query(stored, found)
        keyboard = self._chat.reply_keyboard
        if keyboard is not None and _find_button(keyboard.get("keyboard", []), button, ("text",)):
            return await self.press(button, location=location)
        labels = [b.get("text") for row in current for b in row]
        raise LookupError(
            f"message {message_id} has no button {button!r} now; it has {labels}"
            + ("" if keyboard is None else "; nor has the reply keyboard shown in the chat")
        )

    async def tap_inline(self, message: BotMessage | int, button: str | int) -> str:
        """Tap an inline button the message has now; returns the callback query id."""
        message_id = message if isinstance(message, int) else message.message_id
        stored = self._chat.messages.get(message_id)
        current = (stored.inline_markup or {}).get("inline_keyboard", []) if stored else []
        found = _find_button(current, button, ("text", "callback_data"))
        if stored is None or found is None:
            raise LookupError(f"message {message_id} has no inline button {button!r} now")
        return self._send_callback_query(stored, found)

    async def tap_forged(self, message: BotMessage | int, callback_data: str) -> str:
        """What a modified client can do: send any callback_data from a bot message."""
        message_id = message if isinstance(message, int) else message.message_id
        stored = self._chat.messages.get(message_id)
        if stored is None:
            raise LookupError(f"message {message_id} is not in chat {self._chat.id}")
        return self._send_callback_query(stored, {"callback_data": callback_data})

    def _send_callback_query(self, stored: StoredMessage, found: dict[str, Any]) -> str:
        if "callback_data" not in found:
            raise ValueError(f"button {found.get('text')!r} sends nothing to the bot")
        query_id = self._world.new_query_id()
        self._world.callback_queries[query_id] = CallbackQueryState(
            query_id=query_id,
            chat_id=self._chat.id,
            message_id=stored.message_id,
            created=time.monotonic(),
        )
        self._world.enqueue(
            "callback_query",
            {
                "id": query_id,
                "from": dict(self.user),
                "message": copy.deepcopy(stored.payload),
                "chat_instance": str(abs(hash(("chat", self._chat.id))) % 10**18),
                "data": found["callback_data"],
            },
        )
        return query_id

    async def press(
        self, button: str | int, *, location: tuple[float, float] | None = None
    ) -> dict[str, Any]:
        """Press a button of the reply keyboard the bot last showed in this chat."""
        keyboard = self._chat.reply_keyboard
        if keyboard is None:
            raise LookupError(f"no reply keyboard is shown in chat {self._chat.id}")
        found = _find_button(keyboard.get("keyboard", []), button, ("text",))
        if found is None:
            labels = [b.get("text") for row in keyboard.get("keyboard", []) for b in row]
            raise LookupError(f"the reply keyboard has no button {button!r}; it has {labels}")
        if keyboard.get("one_time_keyboard"):
            self._chat.reply_keyboard = None
        if found.get("request_location"):
            latitude, longitude = location or DEFAULT_LOCATION
            return await self.send_location(latitude, longitude)
        return await self.send(str(found["text"]))

    # -- blocking ---------------------------------------------------------------

    async def block(self) -> None:
        """Block the bot: from now on the bot gets 403 Forbidden in this chat."""
        self._set_blocked(True)

    async def unblock(self) -> None:
        self._set_blocked(False)

    @property
    def blocked(self) -> bool:
        return self._chat.blocked

    def _set_blocked(self, blocked: bool) -> None:
        chat = self._chat
        if chat.blocked == blocked:
            return
        chat.blocked = blocked
        bot = self._world.bot.user()
        member = {"status": "member", "user": bot}
        kicked = {"status": "kicked", "user": bot, "until_date": 0}
        self._world.enqueue(
            "my_chat_member",
            {
                "chat": dict(chat.payload),
                "from": dict(self.user),
                "date": now(),
                "old_chat_member": member if blocked else kicked,
                "new_chat_member": kicked if blocked else member,
            },
        )

    # -- callback answers -------------------------------------------------------

    @property
    def callback_answers(self) -> dict[str, dict[str, Any] | None]:
        """Every callback query of this user -> the bot's answer (None: unanswered)."""
        return {
            query_id: (dict(query.answer) if query.answer is not None else None)
            for query_id, query in self._world.callback_queries.items()
            if query.chat_id == self._chat.id
        }


class FakeGroup(_ChatView):
    """A group chat with the bot in it."""

    def __init__(self, world: World, chat_id: int, title: str = "Friends") -> None:
        chat = world.chats.get(chat_id)
        if chat is None:
            chat = Chat(
                id=chat_id,
                type="group",
                payload={"id": chat_id, "type": "group", "title": title},
                started=True,
            )
            world.chats[chat_id] = chat
        super().__init__(world, chat)
        self.title = title

    async def send(self, user: FakeUser, text: str) -> dict[str, Any]:
        chat = self._chat
        message_id = chat.next_message_id()
        payload = {
            "message_id": message_id,
            "from": dict(user.user),
            "chat": dict(chat.payload),
            "date": now(),
            **_text_message(text),
        }
        chat.messages[message_id] = StoredMessage(
            message_id=message_id, chat_id=chat.id, from_bot=False, payload=payload, text=text
        )
        self._world.enqueue("message", payload)
        return payload


def _find_button(
    rows: list[list[dict[str, Any]]], button: str | int, keys: tuple[str, ...]
) -> dict[str, Any] | None:
    flat = [b for row in rows for b in row]
    if isinstance(button, int):
        return flat[button] if 0 <= button < len(flat) else None
    for key in keys:
        for candidate in flat:
            if candidate.get(key) == button:
                return candidate
    return None
