"""Telegram's own checks of message content, beyond the spec's types.

Texts and captions (parse mode, length after entity parsing, trimming), reply
markup (keyboards and their buttons) and bot commands. Each check raises an
ApiError with the description Telegram gives.
"""

from __future__ import annotations

import re
from typing import Any

from .html import ParseError, parse_html, utf16_len
from .models import ApiError, bad_request

__all__ = [
    "CAPTION_LIMIT",
    "TEXT_LIMIT",
    "check_commands",
    "check_reply_markup",
    "format_caption",
    "format_text",
]

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
CALLBACK_DATA_LIMIT = 64
_COMMAND = re.compile(r"[a-z0-9_]{1,32}")
_LANGUAGE_CODE = re.compile(r"[a-z]{2}")
_INLINE_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)


def _parse(
    text: str, parse_mode: str | None, entities: list[dict[str, Any]] | None, strict: bool
) -> tuple[str, list[dict[str, Any]]]:
    if parse_mode is not None and parse_mode != "" and entities is None:
        if parse_mode.lower() != "html":
            raise bad_request("unsupported parse_mode")
        try:
            return parse_html(text, strict=strict)
        except ParseError as error:
            raise bad_request(f"can't parse entities: {error.reason}") from None
    return text, [dict(entity) for entity in entities or []]


def _trim(text: str, entities: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """Strip leading and trailing whitespace, moving entities along, as Telegram does."""
    stripped = text.strip()
    if stripped == text:
        return text, entities
    lead = utf16_len(text[: len(text) - len(text.lstrip())])
    end = utf16_len(stripped)
    trimmed: list[dict[str, Any]] = []
    for entity in entities:
        start = max(0, int(entity["offset"]) - lead)
        stop = min(end, int(entity["offset"]) + int(entity["length"]) - lead)
        if stop > start:
            trimmed.append({**entity, "offset": start, "length": stop - start})
    return stripped, trimmed


def _check_entities(text: str, entities: list[dict[str, Any]]) -> None:
    size = utf16_len(text)
    for entity in entities:
        offset, length = int(entity["offset"]), int(entity["length"])
        if offset < 0 or length < 0:
            raise bad_request("wrong entity offset or length specified")
        if offset > size:
            raise bad_request("entity begins after the end of the text")
        if offset + length > size:
            raise bad_request("entity ends after the end of the text")


def format_text(
    text: str,
    parse_mode: str | None,
    entities: list[dict[str, Any]] | None = None,
    *,
    strict_html: bool = True,
) -> tuple[str, list[dict[str, Any]]]:
    """Plain text and entities of a message text; refuses what Telegram refuses."""
    plain, found = _parse(text, parse_mode, entities, strict_html)
    if entities is not None:
        _check_entities(plain, found)
    plain, found = _trim(plain, found)
    if not plain:
        raise bad_request("message text is empty")
    if utf16_len(plain) > TEXT_LIMIT:
        raise bad_request("message is too long")
    return plain, found


def format_caption(
    caption: str | None,
    parse_mode: str | None,
    entities: list[dict[str, Any]] | None = None,
    *,
    strict_html: bool = True,
) -> tuple[str, list[dict[str, Any]]]:
    if caption is None:
        return "", []
    plain, found = _parse(caption, parse_mode, entities, strict_html)
    if entities is not None:
        _check_entities(plain, found)
    plain, found = _trim(plain, found)
    if utf16_len(plain) > CAPTION_LIMIT:
        raise bad_request("message caption is too long")
    return plain, found


# -- reply markup -------------------------------------------------------------


def check_reply_markup(markup: dict[str, Any] | None) -> None:
    """Telegram's checks of a keyboard beyond its JSON shape."""
    if markup is None:
        return
    if "inline_keyboard" in markup:
        for row in markup["inline_keyboard"]:
            for button in row:
                _check_inline_button(button)
    elif "keyboard" in markup:
        rows = markup["keyboard"]
        if not rows or not any(rows):
            raise bad_request("keyboard must be non-empty")
        for row in rows:
            for button in row:
                text = button.get("text", "")
                if not str(text).strip():
                    raise bad_request("BUTTON_TEXT_INVALID")
        placeholder = markup.get("input_field_placeholder")
        if placeholder is not None and not 1 <= len(placeholder) <= 64:
            raise bad_request("input field placeholder must be 1-64 characters long")
    elif "remove_keyboard" in markup:
        if markup["remove_keyboard"] is not True:
            raise bad_request("remove_keyboard must be True")
    elif "force_reply" in markup and markup["force_reply"] is not True:
        raise bad_request("force_reply must be True")


def _check_inline_button(button: dict[str, Any]) -> None:
    actions = [name for name in _INLINE_ACTIONS if name in button]
    if not actions:
        raise bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    if len(actions) > 1:
        raise bad_request(
            "can't parse inline keyboard button: exactly one of the optional fields must be used"
        )
    if not str(button.get("text", "")).strip():
        raise bad_request("BUTTON_TEXT_INVALID")
    if "callback_data" in button:
        size = len(str(button["callback_data"]).encode("utf-8"))
        if not 1 <= size <= CALLBACK_DATA_LIMIT:
            raise bad_request("BUTTON_DATA_INVALID")
    if "url" in button and not _is_button_url(str(button["url"])):
        raise bad_request("BUTTON_URL_INVALID")


def _is_button_url(url: str) -> bool:
    lowered = url.lower()
    return lowered.startswith(("http://", "https://", "tg://")) and " " not in url


# -- commands and bot texts ---------------------------------------------------


def check_commands(commands: list[dict[str, Any]]) -> None:
    if len(commands) > 100:
        raise bad_request("BOT_COMMANDS_TOO_MUCH")
    for command in commands:
        if not _COMMAND.fullmatch(str(command.get("command", ""))):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(str(command.get("description", "")).strip()) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")


def check_language_code(code: str | None) -> str:
    """The storage key of a language code ("" for all languages)."""
    if code is None or code == "":
        return ""
    if not _LANGUAGE_CODE.fullmatch(code):
        raise bad_request("LANG_CODE_INVALID")
    return code


def check_length(value: str | None, limit: int, reason: str) -> str:
    value = value or ""
    if len(value) > limit:
        raise ApiError(400, f"Bad Request: {reason}")
    return value
