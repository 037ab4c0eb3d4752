"""Small records shared by the stand-in's server and client sides."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = [
    "ApiError",
    "BotDocument",
    "BotEvent",
    "BotMessage",
    "EventKind",
    "FaultKind",
    "RequestRecord",
    "Violation",
]

FaultKind = Literal["429", "5xx", "slow", "403"]
EventKind = Literal["message", "edit", "delete", "chat_action", "callback_answer"]


class ApiError(Exception):
    """A refusal, answered as Telegram answers it."""

    def __init__(
        self,
        error_code: int,
        description: str,
        parameters: dict[str, Any] | None = None,
        *,
        violation: bool = True,
    ) -> None:
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.parameters = parameters
        # False for refusals that are the expected outcome of a scenario (a user
        # who blocked the bot), which tests must not count as the bot's mistakes.
        self.violation = violation

    def payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.error_code,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(reason: str) -> ApiError:
    return ApiError(400, f"Bad Request: {reason}")


@dataclass(frozen=True)
class Violation:
    """A request Telegram would refuse (or did refuse here)."""

    method: str
    params: dict[str, Any]
    error_code: int
    description: str


@dataclass(frozen=True)
class RequestRecord:
    """One request as the stand-in saw it."""

    method: str
    params: dict[str, Any]
    ok: bool
    error_code: int | None = None
    description: str | None = None
    fault: str | None = None


@dataclass(frozen=True)
class BotDocument:
    file_name: str
    mime_type: str
    data: bytes = field(repr=False)
    file_id: str = ""


@dataclass(frozen=True)
class BotMessage:
    """A message of the bot in a chat, as the user sees it at one moment."""

    message_id: int
    chat_id: int
    text: str
    html: str
    parse_mode: str | None
    entities: list[dict[str, Any]]
    reply_markup: dict[str, Any] | None
    buttons: list[list[str]]
    callback_data: list[list[str | None]]
    reply_keyboard: list[list[str]] | None
    document: BotDocument | None
    photo: bytes | None = field(repr=False)
    edit_count: int
    date: int
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)


@dataclass(frozen=True)
class BotEvent:
    """Something the bot did in a chat: a new message, an edit, a deletion, a chat
    action, or an answer to a callback query."""

    kind: EventKind
    message: BotMessage | None = None
    data: dict[str, Any] | None = None
