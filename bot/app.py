"""The composition root: build and wire the Application. Touches no file and no network."""

from __future__ import annotations

import warnings
from datetime import timedelta
from typing import Any

from telegram import InlineKeyboardMarkup, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.ext import Application, ApplicationBuilder, ContextTypes, Defaults
from telegram.request import BaseRequest
from telegram.warnings import PTBUserWarning

from bot.clock import Clock, system_clock
from bot.commands import publish_menus
from bot.config import Settings
from bot.context import BetweenContext
from bot.db import Database
from bot.http import AiohttpRequest
from bot.persistence import SqlitePersistence
from bot.ratelimit import SendRateLimiter
from bot.scheduler import Scheduler, Timing
from bot.services import SERVICES_KEY, Services
from bot.updates import PerPersonUpdateProcessor
from content.crisis import crisis_table, phrase_sets
from content.techniques import library
from content.wheel import wheel
from handlers import (
    checkin,
    common,
    data,
    homework,
    insights,
    nudges,
    onboarding,
    plans,
    safety,
    safetyplan,
    session,
    settings,
    timezone,
)

# Every update type the handlers use; Telegram sends nothing else.
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY, Update.MY_CHAT_MEMBER]
# Long polling: Telegram holds getUpdates open this long when nothing happens.
POLL_TIMEOUT_SECONDS = 25

GROUPS_GROUP, PERSON_GROUP, SAFETY_GROUP, FLUSH_GROUP = -3, -2, -1, 99
BetweenApplication = Application[Any, BetweenContext, Any, Any, Any, Any]


def build_application(
    config: Settings,
    *,
    token: str | None = None,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
    clock: Clock = system_clock,
) -> BetweenApplication:
    """The whole bot, wired in one place. `token` overrides the configured one (local chat)."""
    bot_token = token or (config.token.value if config.token else None)
    if bot_token is None:
        raise ValueError("a bot token is needed: set TELEGRAM_BOT_TOKEN or pass token=")
    # Content is checked before anything runs: a broken file is a start-up error.
    crisis_table()
    phrase_sets()
    wheel()
    library()
    db = Database(config.db_path)
    persistence = SqlitePersistence(
        db,
        clock,
        idle_limits={
            "onboarding": onboarding.IDLE_TIMEOUT,
            "timezone": timezone.CHOOSING_TIMEOUT,
            "safetyplan": safetyplan.IDLE_TIMEOUT,
            checkin.NAME: checkin.IDLE_TIMEOUT,
            homework.NAME: homework.IDLE_TIMEOUT,
            session.NAME: session.IDLE_TIMEOUT,
            plans.NAME: plans.IDLE_TIMEOUT,
            insights.NAME: insights.IDLE_TIMEOUT,
        },
    )
    builder = (
        ApplicationBuilder()
        .token(bot_token)
        .base_url(config.base_url)
        .base_file_url(config.base_file_url)
        .context_types(ContextTypes(context=BetweenContext))
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        .persistence(persistence)
        .rate_limiter(SendRateLimiter(max_retries=3, overall_max_rate=config.send_rate))
        .concurrent_updates(PerPersonUpdateProcessor())
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
    )
    builder = builder.request(request or AiohttpRequest(connection_pool_size=16))
    builder = builder.get_updates_request(
        get_updates_request
        or AiohttpRequest(connection_pool_size=1, read_timeout=POLL_TIMEOUT_SECONDS + 10)
    )
    application: BetweenApplication = builder.build()
    scheduler = Scheduler(
        db,
        clock,
        Timing(
            grace=timedelta(seconds=config.grace_seconds),
            follow_up_after=timedelta(seconds=config.follow_up_seconds),
            snooze=timedelta(seconds=config.snooze_seconds),
            rollover=config.day_rollover,
        ),
    )
    application.bot_data[SERVICES_KEY] = Services(
        settings=config, db=db, clock=clock, scheduler=scheduler
    )
    register(application)
    nudges.register_renderers(application, scheduler)
    session.register_renderers(application, scheduler)
    plans.register_renderers(application, scheduler)
    return application


def register(application: BetweenApplication) -> None:
    """All handlers, in order. Group -3 answers group chats (and nothing else sees them);
    group -2 resolves the person; group -1 is safety (/sos and risk language, before any
    flow can take the message); group 0 holds the features and, last, the fallbacks;
    group 99 flushes persistence after every update."""
    with warnings.catch_warnings():
        # per_message=False is deliberate: a flow follows the person, not one message.
        warnings.filterwarnings("ignore", category=PTBUserWarning, message=".*per_message.*")
        conversations = [
            onboarding.conversation(),
            timezone.conversation(),
            safetyplan.conversation(),
            checkin.conversation(),
        ]
        # First in the features' group: while their question is the latest one asked,
        # the typed words are the plan's or the report's (handlers/common.AwaitsText
        # knows when they are not, and lets them through to the other flows).
        plan_steps = plans.conversation(application)
        report_steps = insights.conversation(application)
    for group_handler in safety.group_handlers():
        application.add_handler(group_handler, group=GROUPS_GROUP)
    for handler in common.first_handlers():
        application.add_handler(handler, group=PERSON_GROUP)
    for safety_handler in safety.handlers(write_plan_part=safetyplan.write_part):
        application.add_handler(safety_handler, group=SAFETY_GROUP)
    application.add_handler(plan_steps)
    application.add_handler(report_steps)
    for conversation in conversations:
        application.add_handler(conversation)
    for feature_handler in [
        *settings.handlers(),
        common.help_handler(),
        *data.handlers(),
        *insights.handlers(),
    ]:
        application.add_handler(feature_handler)
    for feature in [*homework.handlers(), *session.handlers()]:
        application.add_handler(feature)
    for nudge_handler in nudges.handlers():
        application.add_handler(nudge_handler)
    # After every flow that waits for text: a plan-shaped message in the middle of one
    # belongs to that flow.
    for plan_handler in plans.handlers():
        application.add_handler(plan_handler)
    for stale in checkin.handlers():
        application.add_handler(stale)
    for fallback in common.fallback_handlers():
        application.add_handler(fallback)
    for last in common.last_handlers():
        application.add_handler(last, group=FLUSH_GROUP)
    application.add_error_handler(common.on_error)


def services_of(application: BetweenApplication) -> Services:
    services = application.bot_data[SERVICES_KEY]
    assert isinstance(services, Services)
    return services


async def _post_init(application: BetweenApplication) -> None:
    services = services_of(application)
    services.loopwatch.start()
    await services.db.connection()
    checkin.resume_body_minutes(application)
    await publish_menus(application.bot, services.settings.default_locale)

    async def send(chat_id: int, text: str, markup: InlineKeyboardMarkup | None) -> int:
        message = await application.bot.send_message(chat_id, text, reply_markup=markup)
        return int(message.message_id)

    await services.scheduler.start(send, application.job_queue)


async def _post_shutdown(application: BetweenApplication) -> None:
    services = services_of(application)
    await services.scheduler.stop()
    await services.db.close()
    await services.loopwatch.stop()
