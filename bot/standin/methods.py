"""The Bot API methods the stand-in implements, one function each.

Every handler takes a Call (the world, the calling bot and the decoded, already
spec-checked parameters) and returns the ``result`` of a successful response or
raises ApiError with Telegram's error.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from . import checks
from .media import document_payload, photo_payload, resolve_input_file
from .models import ApiError, BotDocument, bad_request
from .state import DEFAULT_UPDATE_TYPES, BotIdentity, Chat, StoredMessage, WebhookConfig, World, now

__all__ = ["METHODS", "Call"]

_SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")
_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
_LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
_QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid"
_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)


@dataclass
class Call:
    world: World
    bot: BotIdentity
    method: str
    params: dict[str, Any]
    strict_html: bool = True
    callback_query_timeout: float = 900.0
    is_abandoned: Callable[[], bool] = lambda: False
    is_closing: Callable[[], bool] = lambda: False

    def get(self, name: str, default: Any = None) -> Any:
        return self.params.get(name, default)


Handler = Callable[[Call], Awaitable[Any]]
METHODS: dict[str, Handler] = {}


def method(name: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        METHODS[name] = handler
        return handler

    return register


# -- chats and messages -------------------------------------------------------


def find_chat(world: World, chat_id: Any) -> Chat:
    if isinstance(chat_id, str) and re.fullmatch(r"-?\d+", chat_id):
        chat_id = int(chat_id)
    chat = world.chats.get(chat_id) if isinstance(chat_id, int) else None
    if chat is None:
        raise bad_request("chat not found")
    return chat


def writable_chat(world: World, chat_id: Any) -> Chat:
    """The chat, if the bot may write there now."""
    chat = find_chat(world, chat_id)
    if chat.type == "private":
        if chat.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user", violation=False)
        if not chat.started:
            raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
    return chat


def _split_markup(markup: dict[str, Any] | None) -> tuple[dict[str, Any] | None, ...]:
    if markup is not None and "inline_keyboard" in markup:
        return markup, None
    return None, markup


def _reply_to(chat: Chat, call: Call) -> dict[str, Any] | None:
    reply = call.get("reply_parameters")
    if reply is None:
        return None
    target_chat = chat
    if "chat_id" in reply:
        target_chat = find_chat(call.world, reply["chat_id"])
    target = target_chat.messages.get(int(reply["message_id"]))
    if target is None:
        if reply.get("allow_sending_without_reply"):
            return None
        raise bad_request("message to be replied not found")
    replied = dict(target.payload)
    replied.pop("reply_to_message", None)
    return replied


def _post(
    call: Call, chat: Chat, content: dict[str, Any], stored: StoredMessage | None = None
) -> dict[str, Any]:
    """Store a new bot message in ``chat`` and return its Message object."""
    markup = call.get("reply_markup")
    checks.check_reply_markup(markup)
    inline, keyboard = _split_markup(markup)
    reply = _reply_to(chat, call)
    message_id = chat.next_message_id()
    payload: dict[str, Any] = {
        "message_id": message_id,
        "from": call.bot.user(),
        "chat": dict(chat.payload),
        "date": now(),
    }
    if reply is not None:
        payload["reply_to_message"] = reply
    payload.update(content)
    if inline is not None:
        payload["reply_markup"] = inline
    message = stored or StoredMessage(
        message_id=message_id, chat_id=chat.id, from_bot=True, payload={}
    )
    message.message_id = message_id
    message.payload = payload
    message.inline_markup = inline
    message.keyboard_markup = keyboard
    chat.messages[message_id] = message
    if keyboard is not None and "keyboard" in keyboard:
        chat.reply_keyboard = keyboard
    elif keyboard is not None and keyboard.get("remove_keyboard"):
        chat.reply_keyboard = None
    chat.add_event("message", message)
    return payload


def _text_content(text: str, entities: list[dict[str, Any]], key: str) -> dict[str, Any]:
    content: dict[str, Any] = {key: text}
    if entities:
        content["entities" if key == "text" else "caption_entities"] = entities
    return content


def _editable(
    call: Call, *, missing: str = "message to edit not found"
) -> tuple[Chat, StoredMessage]:
    if call.get("inline_message_id") is not None:
        raise bad_request("MESSAGE_ID_INVALID")
    if call.get("chat_id") is None:
        raise bad_request("chat_id is empty")
    if call.get("message_id") is None:
        raise bad_request("message identifier is not specified")
    chat = writable_chat(call.world, call.get("chat_id"))
    message = chat.messages.get(int(call.get("message_id")))
    if message is None:
        raise bad_request(missing)
    if not message.from_bot:
        raise bad_request("message can't be edited")
    return chat, message


def _apply_edit(
    chat: Chat, message: StoredMessage, changes: dict[str, Any], markup: dict[str, Any] | None
) -> dict[str, Any]:
    message.payload.update(changes)
    for key in ("entities", "caption_entities"):
        if key in message.payload and not message.payload[key]:
            del message.payload[key]
    if markup is None:
        message.payload.pop("reply_markup", None)
    else:
        message.payload["reply_markup"] = markup
    message.payload["edit_date"] = now()
    message.inline_markup = markup
    message.keyboard_markup = None
    message.edit_count += 1
    chat.add_event("edit", message)
    return dict(message.payload)


def _same_entities(a: list[dict[str, Any]], b: list[dict[str, Any]]) -> bool:
    def key(items: list[dict[str, Any]]) -> list[str]:
        return sorted(json.dumps(item, sort_keys=True) for item in items)

    return key(a) == key(b)


# -- identity and updates -----------------------------------------------------


@method("getMe")
async def get_me(call: Call) -> Any:
    return {
        **call.bot.user(),
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


@method("logOut")
@method("close")
async def log_out(call: Call) -> Any:
    return True


@method("getUpdates")
async def get_updates(call: Call) -> Any:
    world = call.world
    if world.webhook is not None:
        raise ApiError(
            409,
            "Conflict: can't use getUpdates method while webhook is active; "
            "use deleteWebhook to delete the webhook first",
        )
    world.poll_generation += 1
    generation = world.poll_generation
    world.updates_changed.notify()  # an earlier long poll ends with a conflict
    offset = call.get("offset")
    if offset is not None and offset != 0:
        world.confirm(int(offset))
    allowed = call.get("allowed_updates")
    if allowed is not None:
        world.allowed_updates = frozenset(allowed) if allowed else DEFAULT_UPDATE_TYPES
    limit = min(max(int(call.get("limit", 100)), 1), 100)
    timeout = max(float(call.get("timeout", 0)), 0.0)
    deadline = time.monotonic() + timeout
    while True:
        if call.is_abandoned() or call.is_closing():
            return []
        if world.poll_generation != generation:
            raise ApiError(
                409,
                "Conflict: terminated by other getUpdates request; "
                "make sure that only one bot instance is running",
            )
        if world.webhook is not None:
            raise ApiError(409, "Conflict: webhook is active")
        if world.updates:
            return world.updates[:limit]
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return []
        await world.updates_changed.wait(remaining)


@method("setWebhook")
async def set_webhook(call: Call) -> Any:
    world = call.world
    url = str(call.get("url"))
    if call.get("drop_pending_updates"):
        world.drop_pending()
    allowed = call.get("allowed_updates")
    if allowed is not None:
        world.allowed_updates = frozenset(allowed) if allowed else DEFAULT_UPDATE_TYPES
    if url == "":
        world.webhook = None
        world.updates_changed.notify()
        return True
    _check_webhook_url(url)
    secret = call.get("secret_token")
    if secret is not None and not _SECRET_TOKEN.fullmatch(secret):
        raise bad_request("secret token contains unallowed characters")
    max_connections = int(call.get("max_connections", 40))
    if not 1 <= max_connections <= 100:
        raise bad_request("max_connections must be between 1 and 100")
    world.webhook = WebhookConfig(
        url=url,
        secret_token=secret,
        max_connections=max_connections,
        ip_address=call.get("ip_address"),
        has_custom_certificate=call.get("certificate") is not None,
    )
    world.updates_changed.notify()
    return True


def _check_webhook_url(url: str) -> None:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise bad_request("bad webhook: invalid webhook URL specified") from None
    host = (parts.hostname or "").lower()
    if not host:
        raise bad_request("bad webhook: invalid webhook URL specified")
    if host in _LOOPBACK_HOSTS:
        # Telegram could never reach a loopback address; the stand-in can, over plain
        # HTTP on any port, so that the bot's webhook mode can be tested locally.
        if parts.scheme not in ("http", "https"):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        return
    if parts.scheme != "https":
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    if port not in (None, 80, 88, 443, 8443):
        raise bad_request("bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443")


@method("deleteWebhook")
async def delete_webhook(call: Call) -> Any:
    call.world.webhook = None
    if call.get("drop_pending_updates"):
        call.world.drop_pending()
    call.world.updates_changed.notify()
    return True


@method("getWebhookInfo")
async def get_webhook_info(call: Call) -> Any:
    world = call.world
    hook = world.webhook
    info: dict[str, Any] = {
        "url": hook.url if hook else "",
        "has_custom_certificate": bool(hook and hook.has_custom_certificate),
        "pending_update_count": len(world.updates),
    }
    if hook is not None:
        info["max_connections"] = hook.max_connections
        if hook.ip_address:
            info["ip_address"] = hook.ip_address
        if hook.last_error_date is not None:
            info["last_error_date"] = hook.last_error_date
            info["last_error_message"] = hook.last_error_message or ""
        if world.allowed_updates != DEFAULT_UPDATE_TYPES:
            info["allowed_updates"] = sorted(world.allowed_updates)
    return info


# -- commands, descriptions, menu ---------------------------------------------


def _scope_key(call: Call) -> str:
    scope = call.get("scope") or {"type": "default"}
    if "chat_id" in scope:
        find_chat(call.world, scope["chat_id"])
    return json.dumps(scope, sort_keys=True)


@method("setMyCommands")
async def set_my_commands(call: Call) -> Any:
    commands = list(call.get("commands"))
    checks.check_commands(commands)
    language = checks.check_language_code(call.get("language_code"))
    key = (_scope_key(call), language)
    if commands:
        call.world.commands[key] = [
            {"command": c["command"], "description": c["description"]} for c in commands
        ]
    else:
        call.world.commands.pop(key, None)
    return True


@method("getMyCommands")
async def get_my_commands(call: Call) -> Any:
    language = checks.check_language_code(call.get("language_code"))
    return list(call.world.commands.get((_scope_key(call), language), []))


@method("deleteMyCommands")
async def delete_my_commands(call: Call) -> Any:
    language = checks.check_language_code(call.get("language_code"))
    call.world.commands.pop((_scope_key(call), language), None)
    return True


def _set_text(store: dict[str, str], call: Call, field: str, limit: int) -> bool:
    language = checks.check_language_code(call.get("language_code"))
    value = checks.check_length(call.get(field), limit, f"{field.replace('_', ' ')} is too long")
    if value:
        store[language] = value
    else:
        store.pop(language, None)
    return True


def _get_text(store: dict[str, str], call: Call, field: str) -> dict[str, str]:
    language = checks.check_language_code(call.get("language_code"))
    return {field: store.get(language, store.get("", ""))}


@method("setMyDescription")
async def set_my_description(call: Call) -> Any:
    return _set_text(call.world.descriptions, call, "description", 512)


@method("getMyDescription")
async def get_my_description(call: Call) -> Any:
    return _get_text(call.world.descriptions, call, "description")


@method("setMyShortDescription")
async def set_my_short_description(call: Call) -> Any:
    return _set_text(call.world.short_descriptions, call, "short_description", 120)


@method("getMyShortDescription")
async def get_my_short_description(call: Call) -> Any:
    return _get_text(call.world.short_descriptions, call, "short_description")


@method("setMyName")
async def set_my_name(call: Call) -> Any:
    return _set_text(call.world.names, call, "name", 64)


@method("getMyName")
async def get_my_name(call: Call) -> Any:
    result = _get_text(call.world.names, call, "name")
    return {"name": result["name"] or call.bot.first_name}


@method("setChatMenuButton")
async def set_chat_menu_button(call: Call) -> Any:
    chat_id = call.get("chat_id")
    key = find_chat(call.world, chat_id).id if chat_id is not None else None
    button = call.get("menu_button") or {"type": "default"}
    call.world.menu_buttons[key] = dict(button)
    return True


@method("getChatMenuButton")
async def get_chat_menu_button(call: Call) -> Any:
    chat_id = call.get("chat_id")
    key = find_chat(call.world, chat_id).id if chat_id is not None else None
    found = call.world.menu_buttons.get(key) or call.world.menu_buttons.get(None)
    return dict(found) if found else {"type": "commands"}


# -- sending ------------------------------------------------------------------


@method("sendMessage")
async def send_message(call: Call) -> Any:
    chat = writable_chat(call.world, call.get("chat_id"))
    text, entities = checks.format_text(
        call.get("text"), call.get("parse_mode"), call.get("entities"), strict_html=call.strict_html
    )
    stored = StoredMessage(
        message_id=0,
        chat_id=chat.id,
        from_bot=True,
        payload={},
        html=call.get("text"),
        parse_mode=call.get("parse_mode"),
        text=text,
        entities=entities,
    )
    return _post(call, chat, _text_content(text, entities, "text"), stored)


@method("sendLocation")
async def send_location(call: Call) -> Any:
    chat = writable_chat(call.world, call.get("chat_id"))
    latitude, longitude = float(call.get("latitude")), float(call.get("longitude"))
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise bad_request("wrong latitude or longitude specified")
    stored = StoredMessage(message_id=0, chat_id=chat.id, from_bot=True, payload={}, has_media=True)
    return _post(call, chat, {"location": {"latitude": latitude, "longitude": longitude}}, stored)


async def _send_file(call: Call, kind: str) -> Any:
    chat = writable_chat(call.world, call.get("chat_id"))
    caption, entities = checks.format_caption(
        call.get("caption"),
        call.get("parse_mode"),
        call.get("caption_entities"),
        strict_html=call.strict_html,
    )
    known = set(call.world.files)
    stored_file = resolve_input_file(call.world, call.get(kind), kind)
    try:
        media: Any = (
            photo_payload(stored_file) if kind == "photo" else document_payload(stored_file)
        )
    except ApiError:
        if stored_file.file_id not in known:
            del call.world.files[stored_file.file_id]
        raise
    stored = StoredMessage(
        message_id=0,
        chat_id=chat.id,
        from_bot=True,
        payload={},
        html=call.get("caption") or "",
        parse_mode=call.get("parse_mode"),
        text=caption,
        entities=entities,
        has_media=True,
    )
    if kind == "photo":
        stored.photo = stored_file.data
    else:
        stored.document = BotDocument(
            file_name=stored_file.file_name,
            mime_type=stored_file.mime_type,
            data=stored_file.data,
            file_id=stored_file.file_id,
        )
    content: dict[str, Any] = {kind: media}
    if caption:
        content.update(_text_content(caption, entities, "caption"))
    return _post(call, chat, content, stored)


@method("sendDocument")
async def send_document(call: Call) -> Any:
    return await _send_file(call, "document")


@method("sendPhoto")
async def send_photo(call: Call) -> Any:
    return await _send_file(call, "photo")


@method("getFile")
async def get_file(call: Call) -> Any:
    stored = call.world.files.get(str(call.get("file_id")))
    if stored is None:
        raise bad_request("invalid file_id")
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": len(stored.data),
        "file_path": stored.file_path,
    }


@method("sendChatAction")
async def send_chat_action(call: Call) -> Any:
    chat = writable_chat(call.world, call.get("chat_id"))
    action = call.get("action")
    if action not in _CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    chat.add_event("chat_action", None, {"action": action})
    return True


# -- editing and deleting -----------------------------------------------------


@method("editMessageText")
async def edit_message_text(call: Call) -> Any:
    chat, message = _editable(call)
    if message.has_media:
        raise bad_request("there is no text in the message to edit")
    text, entities = checks.format_text(
        call.get("text"), call.get("parse_mode"), call.get("entities"), strict_html=call.strict_html
    )
    markup = call.get("reply_markup")
    checks.check_reply_markup(markup)
    if (
        text == message.text
        and _same_entities(entities, message.entities)
        and markup == message.inline_markup
    ):
        raise bad_request(_NOT_MODIFIED)
    message.text, message.entities = text, entities
    message.html, message.parse_mode = call.get("text"), call.get("parse_mode")
    return _apply_edit(chat, message, {"text": text, "entities": entities}, markup)


@method("editMessageCaption")
async def edit_message_caption(call: Call) -> Any:
    chat, message = _editable(call)
    if not message.has_media:
        raise bad_request("there is no caption in the message to edit")
    caption, entities = checks.format_caption(
        call.get("caption"),
        call.get("parse_mode"),
        call.get("caption_entities"),
        strict_html=call.strict_html,
    )
    markup = call.get("reply_markup")
    checks.check_reply_markup(markup)
    if (
        caption == message.text
        and _same_entities(entities, message.entities)
        and markup == message.inline_markup
    ):
        raise bad_request(_NOT_MODIFIED)
    message.text, message.entities = caption, entities
    message.html, message.parse_mode = call.get("caption") or "", call.get("parse_mode")
    if not caption:
        message.payload.pop("caption", None)
    changes = {"caption": caption, "caption_entities": entities} if caption else {}
    return _apply_edit(chat, message, changes, markup)


@method("editMessageReplyMarkup")
async def edit_message_reply_markup(call: Call) -> Any:
    chat, message = _editable(call)
    markup = call.get("reply_markup")
    checks.check_reply_markup(markup)
    if markup == message.inline_markup:
        raise bad_request(_NOT_MODIFIED)
    return _apply_edit(chat, message, {}, markup)


@method("deleteMessage")
async def delete_message(call: Call) -> Any:
    chat = find_chat(call.world, call.get("chat_id"))
    if chat.type == "private" and chat.blocked:
        raise ApiError(403, "Forbidden: bot was blocked by the user", violation=False)
    message = chat.messages.pop(int(call.get("message_id")), None)
    if message is None:
        raise bad_request("message to delete not found")
    if not message.from_bot and chat.type != "private":
        chat.messages[message.message_id] = message
        raise bad_request("message can't be deleted")
    chat.add_event("delete", message, {"message_id": message.message_id})
    return True


# -- callback queries ---------------------------------------------------------


@method("answerCallbackQuery")
async def answer_callback_query(call: Call) -> Any:
    query = call.world.callback_queries.get(str(call.get("callback_query_id")))
    if query is None or query.answer is not None:
        raise bad_request(_QUERY_INVALID)
    if time.monotonic() - query.created > call.callback_query_timeout:
        raise bad_request(_QUERY_INVALID)
    text = call.get("text")
    if text is not None and len(text) > 200:
        raise bad_request("MESSAGE_TOO_LONG")
    answer = {
        "text": text,
        "show_alert": bool(call.get("show_alert", False)),
        "url": call.get("url"),
        "cache_time": call.get("cache_time"),
    }
    query.answer = answer
    chat = call.world.chats.get(query.chat_id)
    if chat is not None:
        chat.add_event("callback_answer", None, {"query_id": query.query_id, **answer})
    return True
