"""Settings read from the environment, validated once at start-up."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from urllib.parse import urlsplit

from bot.i18n import SUPPORTED_LOCALES
from bot.logs import LEVELS

DEFAULT_API_URL = "https://api.telegram.org"
DEFAULT_DB = "./data/between.sqlite3"

_TOKEN_RE = re.compile(r"^\d{1,20}:[A-Za-z0-9_-]{1,100}$")
_LOOPBACK = ("127.0.0.1", "localhost", "::1")
_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


class ConfigError(Exception):
    """Every bad setting found, each with a line that says how to fix it."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Secret:
    """A value that never prints: repr and str hide it."""

    value: str = field(repr=False)

    def __repr__(self) -> str:
        return "Secret('***')"

    def __str__(self) -> str:
        return "***"


@dataclass(frozen=True)
class Settings:
    token: Secret | None
    api_url: str
    db_path: Path
    webhook_url: str | None
    webhook_secret: Secret | None
    port: int
    default_locale: str
    log_level: str | None = None
    # Seconds between the steps of a body-first minute (6 steps: one minute at 10).
    calm_step_seconds: float = 10.0
    # Nudges: a nudge missed while the bot was down is sent late only within the grace
    # window; an unanswered one gets one follow-up after follow_up_seconds; "Later"
    # snoozes it for snooze_seconds; the day rolls over at day_rollover (local time).
    grace_seconds: float = 3600.0
    follow_up_seconds: float = 7200.0
    snooze_seconds: float = 3600.0
    day_rollover: time = time(4, 0)
    # New messages a second, overall (Telegram allows about 30).
    send_rate: float = 30.0

    @property
    def base_url(self) -> str:
        return f"{self.api_url}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self.api_url}/file/bot"

    @property
    def uses_webhook(self) -> bool:
        return self.webhook_url is not None


def _http_url(name: str, raw: str, problems: list[str]) -> str:
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        problems.append(f"{name} must be an http(s) URL such as https://example.org, got {raw!r}.")
    return raw.rstrip("/")


def load_settings(env: Mapping[str, str]) -> Settings:
    """Read settings from an environment mapping; raise ConfigError listing every problem."""
    problems: list[str] = []

    def get(name: str) -> str | None:
        value = env.get(name, "").strip()
        return value or None

    token_raw = get("TELEGRAM_BOT_TOKEN")
    token: Secret | None = None
    if token_raw is not None:
        if _TOKEN_RE.match(token_raw):
            token = Secret(token_raw)
        else:
            problems.append(
                "TELEGRAM_BOT_TOKEN does not look like a bot token (digits, a colon, then "
                "letters); copy it again from @BotFather, or unset it to try the local chat."
            )

    api_url = _http_url("TELEGRAM_API_URL", get("TELEGRAM_API_URL") or DEFAULT_API_URL, problems)
    db_path = Path(get("BETWEEN_DB") or DEFAULT_DB)
    if db_path.exists() and db_path.is_dir():
        problems.append(f"BETWEEN_DB must be a file path, but {db_path} is a folder.")

    webhook_url = get("BETWEEN_WEBHOOK_URL")
    if webhook_url is not None:
        webhook_url = _http_url("BETWEEN_WEBHOOK_URL", webhook_url, problems)
        host = urlsplit(webhook_url).hostname or ""
        if webhook_url.startswith("http://") and host not in _LOOPBACK:
            problems.append(
                "BETWEEN_WEBHOOK_URL must use https: Telegram only calls https "
                "(plain http is accepted only for a local Bot API server on this machine)."
            )
    secret_raw = get("BETWEEN_WEBHOOK_SECRET")
    webhook_secret: Secret | None = None
    if secret_raw is not None:
        if _SECRET_RE.match(secret_raw):
            webhook_secret = Secret(secret_raw)
        else:
            problems.append(
                "BETWEEN_WEBHOOK_SECRET may hold only A-Z, a-z, 0-9, _ and -, 1 to 256 of them."
            )
    if webhook_url is not None and webhook_secret is None:
        problems.append(
            "BETWEEN_WEBHOOK_SECRET is required with BETWEEN_WEBHOOK_URL, so that only "
            "Telegram can post updates to the bot."
        )
    if webhook_url is not None and token_raw is None:
        problems.append("Webhook mode needs TELEGRAM_BOT_TOKEN.")

    port_raw = get("BETWEEN_PORT") or "8443"
    port = 0
    if port_raw.isdigit() and 1 <= int(port_raw) <= 65535:
        port = int(port_raw)
    else:
        problems.append(f"BETWEEN_PORT must be a port number from 1 to 65535, got {port_raw!r}.")

    default_locale = get("BETWEEN_DEFAULT_LOCALE") or "en"
    if default_locale not in SUPPORTED_LOCALES:
        problems.append(
            f"BETWEEN_DEFAULT_LOCALE must be one of {', '.join(SUPPORTED_LOCALES)}, "
            f"got {default_locale!r}."
        )

    log_level = get("BETWEEN_LOG_LEVEL")
    if log_level is not None:
        log_level = log_level.upper()
        if log_level not in LEVELS:
            problems.append(
                f"BETWEEN_LOG_LEVEL must be one of {', '.join(LEVELS)}, got {log_level!r}."
            )

    calm_raw = get("BETWEEN_CALM_STEP_SECONDS") or "10"
    calm_step_seconds = 10.0
    try:
        calm_step_seconds = float(calm_raw)
        if not 0.05 <= calm_step_seconds <= 60:
            raise ValueError(calm_raw)
    except ValueError:
        problems.append(
            f"BETWEEN_CALM_STEP_SECONDS must be a number of seconds from 0.05 to 60, "
            f"got {calm_raw!r}."
        )

    def seconds(name: str, default: float, low: float, high: float) -> float:
        raw = get(name)
        if raw is None:
            return default
        try:
            value = float(raw)
            if low <= value <= high:
                return value
        except ValueError:
            pass
        problems.append(
            f"{name} must be a number of seconds from {low:g} to {high:g}, got {raw!r}."
        )
        return default

    grace_seconds = seconds("BETWEEN_GRACE_SECONDS", 3600.0, 0, 86400)
    follow_up_seconds = seconds("BETWEEN_FOLLOW_UP_SECONDS", 7200.0, 1, 86400)
    snooze_seconds = seconds("BETWEEN_SNOOZE_SECONDS", 3600.0, 1, 86400)
    rollover_raw = get("BETWEEN_DAY_ROLLOVER") or "04:00"
    day_rollover = time(4, 0)
    match = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)", rollover_raw)
    if match:
        day_rollover = time(int(match[1]), int(match[2]))
    else:
        problems.append(
            f"BETWEEN_DAY_ROLLOVER must be a time like 04:00 (24-hour), got {rollover_raw!r}."
        )
    rate_raw = get("BETWEEN_SEND_RATE") or "30"
    send_rate = 30.0
    try:
        send_rate = float(rate_raw)
        if not 1 <= send_rate <= 10000:
            raise ValueError(rate_raw)
    except ValueError:
        problems.append(
            f"BETWEEN_SEND_RATE must be messages a second from 1 to 10000, got {rate_raw!r}."
        )
    if problems:
        raise ConfigError(problems)
    return Settings(
        token=token,
        api_url=api_url,
        db_path=db_path,
        webhook_url=webhook_url,
        webhook_secret=webhook_secret,
        port=port,
        default_locale=default_locale,
        log_level=log_level,
        calm_step_seconds=calm_step_seconds,
        grace_seconds=grace_seconds,
        follow_up_seconds=follow_up_seconds,
        snooze_seconds=snooze_seconds,
        day_rollover=day_rollover,
        send_rate=send_rate,
    )
