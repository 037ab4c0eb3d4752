"""The per-update context: the person's locale and translator, resolved once per update."""

from __future__ import annotations

from typing import Any, cast

from telegram.ext import Application, CallbackContext, ExtBot

from bot.i18n import Translator, translator
from bot.services import SERVICES_KEY, Services
from bot.store.users import Person


class BetweenContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """CallbackContext with `t` (the person's translator) and `person` (their row).

    Both are set by handlers.common.resolve_person at group -1, before any feature
    handler runs. Scheduled jobs have no update and read the locale stored with the person.
    """

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application=application, chat_id=chat_id, user_id=user_id)
        self._translator: Translator | None = None
        self.person: Person | None = None
        # Set by the safety watcher when this update's text got a crisis reply.
        self.crisis_answered = False

    @property
    def services(self) -> Services:
        return cast(Services, self.application.bot_data[SERVICES_KEY])

    @property
    def memo(self) -> dict[Any, Any]:
        """Small per-person notes kept by PTB's persistence (never feelings or notes)."""
        data = self.user_data
        return data if data is not None else {}

    @property
    def t(self) -> Translator:
        if self._translator is None:
            self._translator = translator(self.services.settings.default_locale)
        return self._translator

    @t.setter
    def t(self, value: Translator) -> None:
        self._translator = value
