"""Methods about what people see of the bot: commands, descriptions, name, menu button."""

from __future__ import annotations

import json
from typing import Any

from . import checks
from .registry import Call, find_chat, method


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
