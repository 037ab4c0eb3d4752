"""Methods about messages: sending, editing, deleting, files, callback answers."""

from __future__ import annotations

import json
import time
from typing import Any

from . import checks
from .media import document_payload, photo_payload, resolve_input_file
from .models import ApiError, BotDocument, bad_request
from .registry import Call, find_chat, method, writable_chat
from .state import Chat, StoredMessage, now

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
_QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid"
_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)


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
