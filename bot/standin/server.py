"""A local stand-in of the Telegram Bot API, served over HTTP on 127.0.0.1.

The bot talks to it exactly as to Telegram (``base_url + "/bot"``); tests and the
terminal chat play the users through ``server.user(...)``. Every request is
checked against the Bot API specification and Telegram's own rules, and every
refusal is recorded in ``server.violations``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import tornado.httpserver
import tornado.netutil
import tornado.web

from .client import FakeGroup, FakeUser
from .methods import METHODS, Call
from .models import ApiError, FaultKind, RequestRecord, Violation
from .spec import Spec, UploadedFile, check_params, decode_params, load_spec
from .state import World
from .webhook import WebhookDelivery

__all__ = ["StandinServer"]

logger = logging.getLogger(__name__)

_TOKEN = re.compile(r"(\d+):(.+)")
_UNAUTHORIZED = ApiError(401, "Unauthorized")
_NOT_FOUND = ApiError(404, "Not Found")
_BODY_LIMIT = 60 * 1024 * 1024


@dataclass
class _Fault:
    method: str | None
    kind: FaultKind
    times: int
    retry_after: int
    delay: float
    chat_id: int | str | None

    def matches(self, method: str, params: dict[str, Any]) -> bool:
        if self.method is None:
            if method == "getUpdates":
                return False
        elif self.method.lower() != method.lower():
            return False
        return self.chat_id is None or str(params.get("chat_id")) == str(self.chat_id)


class StandinServer:
    """The stand-in Bot API server. Use ``async with StandinServer() as server:``."""

    def __init__(
        self, host: str = "127.0.0.1", port: int = 0, spec_path: Path | str | None = None
    ) -> None:
        self.host = host
        self.port = port
        self.spec: Spec = load_spec(spec_path)
        self.world = World()
        self.requests: list[RequestRecord] = []
        self.violations: list[Violation] = []
        self.strict_html = True
        self.callback_query_timeout = 900.0
        self._faults: list[_Fault] = []
        self._users: dict[int, FakeUser] = {}
        self._groups: dict[int, FakeGroup] = {}
        self._http: tornado.httpserver.HTTPServer | None = None
        self._webhook = WebhookDelivery(self.world)
        self._closing = False

    # -- lifecycle ------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    async def start(self) -> None:
        app = tornado.web.Application(
            [
                (r"/bot([^/]*)/([^/]*)", _ApiHandler, {"server": self}),
                (r"/file/bot([^/]*)/(.+)", _FileHandler, {"server": self}),
            ],
            log_function=_log_request,
        )
        sockets = tornado.netutil.bind_sockets(self.port, self.host)
        self._http = tornado.httpserver.HTTPServer(app, max_body_size=_BODY_LIMIT)
        self._http.add_sockets(sockets)
        self.port = int(sockets[0].getsockname()[1])
        self._closing = False
        self._webhook.start()

    async def stop(self) -> None:
        self._closing = True
        self.world.updates_changed.notify()
        await self._webhook.stop()
        if self._http is not None:
            self._http.stop()
            await self._http.close_all_connections()
            self._http = None

    async def __aenter__(self) -> StandinServer:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    # -- the world ------------------------------------------------------------

    def add_bot(
        self, token: str, username: str = "between_bot", first_name: str = "Between"
    ) -> None:
        match = _TOKEN.fullmatch(token)
        if match is None:
            raise ValueError("a bot token looks like 123456:ABC...")
        identity = self.world.identity(int(match.group(1)))
        identity.username = username
        identity.first_name = first_name

    def user(
        self,
        user_id: int,
        *,
        first_name: str = "Maya",
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "en",
    ) -> FakeUser:
        """The user with this id (created on first call; the same object afterwards)."""
        existing = self._users.get(user_id)
        if existing is None:
            existing = FakeUser(
                self.world,
                user_id,
                first_name=first_name,
                last_name=last_name,
                username=username,
                language_code=language_code,
            )
            self._users[user_id] = existing
        return existing

    def group(self, chat_id: int, title: str = "Friends") -> FakeGroup:
        existing = self._groups.get(chat_id)
        if existing is None:
            existing = FakeGroup(self.world, chat_id, title)
            self._groups[chat_id] = existing
        return existing

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        return list(self.world.updates)

    @property
    def webhook_deliveries(self) -> int:
        return self._webhook.delivered

    # -- faults and records ---------------------------------------------------

    def inject_fault(
        self,
        method: str | None,
        kind: FaultKind,
        *,
        times: int = 1,
        retry_after: int = 1,
        delay: float = 2.0,
        chat_id: int | str | None = None,
    ) -> None:
        """Make the next ``times`` matching requests fail (or be slow), as Telegram may.

        ``method=None`` matches every method except getUpdates (name it to fault the
        polling itself). Injected faults are not violations.
        """
        if kind not in ("429", "5xx", "slow", "403"):
            raise ValueError(f"unknown fault kind {kind!r}")
        self._faults.append(_Fault(method, kind, times, retry_after, delay, chat_id))

    def clear_faults(self) -> None:
        self._faults.clear()

    def clear_violations(self) -> None:
        self.violations.clear()

    def _take_fault(self, method: str, params: dict[str, Any]) -> _Fault | None:
        for fault in self._faults:
            if fault.matches(method, params):
                fault.times -= 1
                if fault.times <= 0:
                    self._faults.remove(fault)
                return fault
        return None

    # -- handling a request ---------------------------------------------------

    async def handle(
        self,
        token: str,
        method_name: str,
        raw: dict[str, Any],
        is_abandoned: Callable[[], bool] | None = None,
    ) -> tuple[int, dict[str, Any]]:
        """Answer one Bot API request: (HTTP status, JSON body)."""
        match = _TOKEN.fullmatch(token)
        method = self.spec.method_name(method_name) if method_name else None
        if match is None:
            return self._refuse(method or method_name, raw, _UNAUTHORIZED)
        if method is None:
            return self._refuse(method_name, raw, _NOT_FOUND)
        bot = self.world.identity(int(match.group(1)))
        params = decode_params(self.spec, method, raw)
        problems = check_params(self.spec, method, params)
        if problems:
            return self._refuse(
                method, params, ApiError(400, "Bad Request: " + "; ".join(problems))
            )
        fault = self._take_fault(method, params)
        if fault is not None:
            if fault.kind != "slow":
                return self._faulted(method, params, fault)
            await asyncio.sleep(fault.delay)
        handler = METHODS.get(method)
        if handler is None:
            error = ApiError(400, f"Bad Request: method {method} is not supported by the stand-in")
            return self._refuse(method, params, error)
        call = Call(
            world=self.world,
            bot=bot,
            method=method,
            params=params,
            strict_html=self.strict_html,
            callback_query_timeout=self.callback_query_timeout,
            is_abandoned=is_abandoned or (lambda: False),
            is_closing=lambda: self._closing,
        )
        try:
            result = await handler(call)
        except ApiError as error:
            abandoned = bool(is_abandoned and is_abandoned())
            return self._refuse(method, params, error, record_violation=not abandoned)
        except Exception:
            logger.exception("stand-in failed on %s", method)
            failure = ApiError(500, "Internal Server Error: the stand-in failed")
            return self._refuse(method, params, failure)
        self.requests.append(RequestRecord(method=method, params=params, ok=True))
        return 200, {"ok": True, "result": result}

    def _refuse(
        self, method: str, params: dict[str, Any], error: ApiError, *, record_violation: bool = True
    ) -> tuple[int, dict[str, Any]]:
        self.requests.append(
            RequestRecord(
                method=method,
                params=params,
                ok=False,
                error_code=error.error_code,
                description=error.description,
            )
        )
        if error.violation and record_violation:
            self.violations.append(
                Violation(
                    method=method,
                    params=params,
                    error_code=error.error_code,
                    description=error.description,
                )
            )
        logger.debug("refused %s: %s", method, error.error_code)
        return error.error_code, error.payload()

    def _faulted(
        self, method: str, params: dict[str, Any], fault: _Fault
    ) -> tuple[int, dict[str, Any]]:
        if fault.kind == "429":
            error = ApiError(
                429,
                f"Too Many Requests: retry after {fault.retry_after}",
                {"retry_after": fault.retry_after},
            )
        elif fault.kind == "403":
            error = ApiError(403, "Forbidden: bot was blocked by the user")
        else:
            error = ApiError(502, "Bad Gateway")
        self.requests.append(
            RequestRecord(
                method=method,
                params=params,
                ok=False,
                error_code=error.error_code,
                description=error.description,
                fault=fault.kind,
            )
        )
        return error.error_code, error.payload()

    def file_bytes(self, token: str, file_path: str) -> tuple[bytes, str] | None:
        if _TOKEN.fullmatch(token) is None:
            return None
        for stored in self.world.files.values():
            if stored.file_path == file_path:
                return stored.data, stored.mime_type
        return None


def _log_request(handler: tornado.web.RequestHandler) -> None:
    # Never log the path: it carries the bot token. Never log bodies: they carry
    # what people wrote.
    logger.debug("%s %s", handler.request.method, handler.get_status())


class _ApiHandler(tornado.web.RequestHandler):
    def initialize(self, server: StandinServer) -> None:
        self.server = server
        self._gone = False

    def on_connection_close(self) -> None:
        self._gone = True
        self.server.world.updates_changed.notify()

    def check_xsrf_cookie(self) -> None:
        return None

    async def get(self, token: str, method: str) -> None:
        try:
            raw = self._raw_params()
        except ApiError as error:
            status, body = self.server._refuse(method, {}, error)
        else:
            status, body = await self.server.handle(token, method, raw, lambda: self._gone)
        if self._gone:
            return
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(body, ensure_ascii=False))

    async def post(self, token: str, method: str) -> None:
        await self.get(token, method)

    def _raw_params(self) -> dict[str, Any]:
        request = self.request
        raw: dict[str, Any] = {}
        try:
            for name, values in request.query_arguments.items():
                raw[name] = values[-1].decode("utf-8")
            content_type = request.headers.get("Content-Type", "")
            if content_type.startswith("application/json"):
                body = json.loads(request.body or b"{}")
                if not isinstance(body, dict):
                    raise ApiError(400, "Bad Request: request body must be a JSON object")
                raw.update(body)
            else:
                for name, values in request.body_arguments.items():
                    raw[name] = values[-1].decode("utf-8")
        except UnicodeDecodeError:
            raise ApiError(400, "Bad Request: strings must be encoded in UTF-8") from None
        except ValueError:
            raise ApiError(400, "Bad Request: can't parse JSON request body") from None
        uploads = {
            name: UploadedFile(
                field_name=name,
                file_name=files[-1].filename,
                mime_type=files[-1].content_type,
                data=files[-1].body,
            )
            for name, files in request.files.items()
        }
        attached: set[str] = set()
        for name, value in list(raw.items()):
            if isinstance(value, str) and value.startswith("attach://"):
                part = value[len("attach://") :]
                if part in uploads:
                    raw[name] = uploads[part]
                    attached.add(part)
        for name, upload in uploads.items():
            if name not in attached:
                raw.setdefault(name, upload)
        return raw


class _FileHandler(tornado.web.RequestHandler):
    def initialize(self, server: StandinServer) -> None:
        self.server = server

    async def get(self, token: str, file_path: str) -> None:
        found = self.server.file_bytes(token, file_path)
        if found is None:
            self.set_status(404)
            self.set_header("Content-Type", "application/json")
            self.finish(json.dumps(_NOT_FOUND.payload()))
            return
        data, mime_type = found
        self.set_header("Content-Type", mime_type)
        self.finish(data)
