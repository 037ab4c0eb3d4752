"""Long-lived services shared by every handler, kept in application.bot_data."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.clock import Clock
from bot.config import Settings
from bot.db import Database
from bot.loopwatch import LoopWatch
from bot.scheduler import Scheduler

SERVICES_KEY = "services"


@dataclass
class Services:
    settings: Settings
    db: Database
    clock: Clock
    scheduler: Scheduler
    loopwatch: LoopWatch = field(default_factory=LoopWatch)
