"""Translations at run time: one Translator per locale, chosen per update, never global.

English is the source language: msgids are the English copy. Catalogs live in
locales/<locale>/LC_MESSAGES/messages.po; compiled .mo files are used when they are
at least as new as the .po, else the .po is compiled in memory at start-up.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from datetime import datetime, tzinfo
from functools import cache
from pathlib import Path
from typing import Any

from babel import Locale
from babel.dates import format_date, format_datetime, format_skeleton, format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

SUPPORTED_LOCALES: tuple[str, ...] = ("en", "es", "de", "fr", "pt_BR", "ru", "uk")
SOURCE_LOCALE = "en"
DOMAIN = "messages"
LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"

_log = logging.getLogger(__name__)


def N_(message: str) -> str:
    """Mark a string for extraction; it is translated later, where a locale is known."""
    return message


def _read_catalog(locale: str, locales_dir: Path) -> NullTranslations:
    po_path = locales_dir / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
    mo_path = po_path.with_suffix(".mo")
    if mo_path.exists() and (
        not po_path.exists() or mo_path.stat().st_mtime >= po_path.stat().st_mtime
    ):
        with mo_path.open("rb") as fp:
            return Translations(fp, domain=DOMAIN)
    if not po_path.exists():
        if locale != SOURCE_LOCALE:
            _log.warning("catalog missing locale=%s", locale)
        return NullTranslations()
    with po_path.open("rb") as fp:
        catalog = read_po(fp, locale=locale, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


@dataclass(frozen=True)
class Translator:
    """The copy of one locale, with Babel's formatting for its dates and times."""

    locale: str
    catalog: NullTranslations

    def gettext(self, message: str, **fields: Any) -> str:
        text = self.catalog.gettext(message)
        return text.format(**fields) if fields else text

    def ngettext(self, singular: str, plural: str, n: int, **fields: Any) -> str:
        text = self.catalog.ngettext(singular, plural, n)
        return text.format(n=n, **fields)

    def pgettext(self, context: str, message: str) -> str:
        """Copy kept as content data (feelings, techniques), translated in its context."""
        return str(self.catalog.pgettext(context, message))

    def time(self, moment: datetime, tz: tzinfo | None = None) -> str:
        return format_time(moment, format="short", tzinfo=tz, locale=self.locale)

    def date(self, moment: datetime) -> str:
        return format_date(moment, format="medium", locale=self.locale)

    def when(self, moment: datetime, tz: tzinfo | None = None) -> str:
        """A moment in the coming days, short: "Thu, Nov 26, 1:00 PM", "Do., 26. Nov., 13:00"."""
        day = format_skeleton("MMMEd", moment, tzinfo=tz, locale=self.locale)
        clock = format_time(moment, format="short", tzinfo=tz, locale=self.locale)
        pattern = str(Locale.parse(self.locale).datetime_formats["short"])
        return pattern.replace("{1}", day).replace("{0}", clock)

    def datetime(self, moment: datetime, tz: tzinfo | None = None) -> str:
        return format_datetime(moment, format="medium", tzinfo=tz, locale=self.locale)


@cache
def translator(locale: str, locales_dir: Path = LOCALES_DIR) -> Translator:
    if locale not in SUPPORTED_LOCALES:
        locale = SOURCE_LOCALE
    return Translator(locale=locale, catalog=_read_catalog(locale, locales_dir))


def locale_from_language_code(language_code: str | None) -> str | None:
    """Map Telegram's IETF language tag ("pt-br", "en-GB", "uk") to a supported locale."""
    if not language_code:
        return None
    tag = language_code.replace("-", "_")
    language, _, region = tag.partition("_")
    language = language.lower()
    if region and f"{language}_{region.upper()}" in SUPPORTED_LOCALES:
        return f"{language}_{region.upper()}"
    if language == "pt":
        return "pt_BR"
    if language in SUPPORTED_LOCALES:
        return language
    return None


def resolve_locale(saved: str | None, language_code: str | None, default: str) -> str:
    """The person's saved choice, else their Telegram language, else the bot's default."""
    if saved in SUPPORTED_LOCALES:
        return saved
    return locale_from_language_code(language_code) or default


def telegram_language_code(locale: str) -> str:
    """The two-letter code Telegram uses for per-language commands and descriptions."""
    return locale.split("_")[0]


def native_name(locale: str) -> str:
    """The language's name in itself, capitalised, e.g. "Русский", "Português (Brasil)"."""
    parsed = Locale.parse(locale)
    name = parsed.get_display_name(parsed) or locale
    return name[:1].upper() + name[1:]
