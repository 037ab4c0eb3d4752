"""Methods about the bot itself and its updates: getMe, getUpdates, webhooks."""

from __future__ import annotations

import re
import time
from typing import Any
from urllib.parse import urlsplit

from .models import ApiError, bad_request
from .registry import Call, method
from .state import DEFAULT_UPDATE_TYPES, WebhookConfig

_SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")
_LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


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
