"""Delivering queued updates to the bot's webhook, one at a time, in order."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from urllib.parse import urlsplit

import httpx

from .state import WebhookConfig, World, now

__all__ = ["WebhookDelivery"]

logger = logging.getLogger(__name__)

_LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
RETRY_DELAYS = (0.05, 0.2, 0.5, 1.0)


class WebhookDelivery:
    """POSTs each pending update as JSON to the webhook, as Telegram does.

    A delivery that fails (no 2xx) is retried a few times; after that the update
    stays pending, and delivery resumes when something changes (a new update, a
    new setWebhook).
    """

    def __init__(self, world: World) -> None:
        self._world = world
        self._task: asyncio.Task[None] | None = None
        self._client: httpx.AsyncClient | None = None
        self._closing = False
        self.delivered = 0

    def start(self) -> None:
        self._client = httpx.AsyncClient(trust_env=False, timeout=10.0)
        self._task = asyncio.get_running_loop().create_task(self._run(), name="standin-webhook")

    async def stop(self) -> None:
        self._closing = True
        self._world.updates_changed.notify()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._client is not None:
            await self._client.aclose()

    async def _run(self) -> None:
        world = self._world
        failures = 0
        while not self._closing:
            hook = world.webhook
            if hook is None or not world.updates:
                await world.updates_changed.wait(1.0)
                continue
            update = world.updates[0]
            if await self._deliver(hook, update):
                world.updates = [u for u in world.updates if u is not update]
                failures = 0
                self.delivered += 1
                continue
            failures += 1
            if failures <= len(RETRY_DELAYS):
                await asyncio.sleep(RETRY_DELAYS[failures - 1])
            else:
                failures = 0
                await world.updates_changed.wait(30.0)

    async def _deliver(self, hook: WebhookConfig, update: dict[str, object]) -> bool:
        host = (urlsplit(hook.url).hostname or "").lower()
        if host not in _LOOPBACK_HOSTS:
            self._fail(hook, "The stand-in delivers webhooks only to loopback addresses")
            return False
        headers = {"Content-Type": "application/json"}
        if hook.secret_token:
            headers["X-Telegram-Bot-Api-Secret-Token"] = hook.secret_token
        assert self._client is not None
        try:
            response = await self._client.post(hook.url, json=update, headers=headers)
        except httpx.HTTPError as error:
            self._fail(hook, f"Connection failed: {type(error).__name__}")
            return False
        if 200 <= response.status_code < 300:
            return True
        self._fail(
            hook,
            f"Wrong response from the webhook: {response.status_code} {response.reason_phrase}",
        )
        return False

    @staticmethod
    def _fail(hook: WebhookConfig, message: str) -> None:
        hook.last_error_date = now()
        hook.last_error_message = message
        logger.debug("webhook delivery failed: %s", message)
