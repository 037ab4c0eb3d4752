"""Fixtures: the local Bot API stand-in, and the real Application polling it over HTTP."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.app import BetweenApplication, build_application
from bot.config import Settings, load_settings
from bot.runner import polling
from bot.standin import StandinServer

TOKEN = "4242:between-test-token"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "refusals_expected: the test provokes requests Telegram refuses"
    )


@pytest.fixture
async def standin(request: pytest.FixtureRequest) -> AsyncIterator[StandinServer]:
    """The stand-in; a test fails if the bot sent anything Telegram would refuse."""
    async with StandinServer() as server:
        server.add_bot(TOKEN)
        yield server
        if request.node.get_closest_marker("refusals_expected") is None:
            assert server.violations == [], "requests Telegram would refuse"


@pytest.fixture
def settings(tmp_path: Path, standin: StandinServer) -> Settings:
    return load_settings(
        {
            "TELEGRAM_API_URL": standin.base_url,
            "BETWEEN_DB": str(tmp_path / "between.sqlite3"),
            "BETWEEN_CALM_STEP_SECONDS": "0.2",
        }
    )


class FixedClock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


class MovingClock:
    """Real time, shifted to a chosen moment and moving at the real rate: the JobQueue's
    real delays and the domain's clock agree, so a nudge set a few seconds ahead of the
    shifted time arrives a few real seconds later."""

    def __init__(self, start: datetime) -> None:
        self.offset = start - datetime.now(UTC)

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def set(self, moment: datetime) -> None:
        self.offset = moment - datetime.now(UTC)


@pytest.fixture
def moving_clock() -> MovingClock:
    return MovingClock(datetime(2026, 11, 23, 9, 30, tzinfo=UTC))


@pytest.fixture
async def live_bot(
    standin: StandinServer, settings: Settings, moving_clock: MovingClock
) -> AsyncIterator[BetweenApplication]:
    """The real Application on a moving clock, for nudges that must really arrive.
    After moving the clock, re-arm: `await services_of(app).scheduler.rearm(force=True)`."""
    application = build_application(settings, token=TOKEN, clock=moving_clock)
    async with polling(application, poll_timeout=1):
        yield application


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 11, 23, 9, 30, tzinfo=UTC))


@pytest.fixture
async def bot(
    standin: StandinServer, settings: Settings, clock: FixedClock
) -> AsyncIterator[BetweenApplication]:
    """The real Application, long polling the stand-in over HTTP."""
    application = build_application(settings, token=TOKEN, clock=clock)
    async with polling(application, poll_timeout=1):
        yield application


@pytest.fixture
def private_log(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """Every log record of the run, to check that nothing a person wrote is in them."""
    caplog.set_level(logging.DEBUG, logger="bot")
    caplog.set_level(logging.DEBUG, logger="handlers")
    caplog.set_level(logging.INFO)
    return caplog
