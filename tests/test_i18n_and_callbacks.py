"""Locale resolution, plural forms and Babel formatting; callback_data packing and patterns."""

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot import callbacks
from bot.i18n import locale_from_language_code, resolve_locale, telegram_language_code, translator

FOUND = "I found {n} place with that name. Which one do you mean?"
FOUND_MANY = "I found {n} places with that name. Which one do you mean?"


@pytest.mark.parametrize(
    ("saved", "telegram", "expected"),
    [
        ("de", "ru", "de"),  # the person's choice wins
        (None, "ru", "ru"),
        (None, "pt-br", "pt_BR"),
        (None, "pt", "pt_BR"),
        (None, "en-GB", "en"),
        (None, "uk", "uk"),
        (None, "it", "es"),  # unsupported: the bot's default (here es)
        (None, None, "es"),
        ("xx", "fr", "fr"),  # a saved value no longer supported is ignored
    ],
)
def test_locale_is_the_choice_then_telegram_then_default(
    saved: str | None, telegram: str | None, expected: str
) -> None:
    assert resolve_locale(saved, telegram, "es") == expected


def test_language_codes_for_telegram_menus() -> None:
    assert telegram_language_code("pt_BR") == "pt"
    assert locale_from_language_code("") is None


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (1, "Нашлось 1 место"),
        (3, "Нашлось 3 места"),
        (5, "Нашлось 5 мест"),
        (21, "Нашлось 21 место"),
    ],
)
def test_russian_plurals(n: int, expected: str) -> None:
    assert translator("ru").ngettext(FOUND, FOUND_MANY, n).startswith(expected)


def test_english_plurals_fall_back_to_the_source() -> None:
    en = translator("en")
    assert en.ngettext(FOUND, FOUND_MANY, 1).startswith("I found 1 place ")
    assert en.ngettext(FOUND, FOUND_MANY, 2).startswith("I found 2 places ")


def test_times_and_dates_are_formatted_for_the_locale() -> None:
    moment = datetime(2026, 11, 23, 21, 5, tzinfo=UTC)
    berlin = ZoneInfo("Europe/Berlin")
    assert translator("en").time(moment, berlin) == "10:05\u202fPM"
    assert translator("de").time(moment, berlin) == "22:05"
    assert translator("ru").date(moment) == "23 нояб. 2026\u202fг."
    assert translator("pt_BR").date(moment) == "23 de nov. de 2026"


def test_pack_refuses_what_telegram_or_the_parser_would_refuse() -> None:
    assert callbacks.pack("ob", "zone", "America/Argentina/ComodRivadavia") == (
        "ob:zone:America/Argentina/ComodRivadavia"
    )
    with pytest.raises(ValueError, match="64 bytes"):
        callbacks.pack("x", "a" * 63)
    with pytest.raises(ValueError, match="characters"):
        callbacks.pack("x", "a:b")


def test_patterns_accept_only_known_values() -> None:
    languages = re.compile(callbacks.pattern("ob:lang", ["en", "ru"]))
    assert languages.match("ob:lang:ru")
    for forged in ("ob:lang:xx", "ob:lang:ru:1", "ob:lang:", "xob:lang:ru", "ob:lang:ru\n"):
        assert not languages.match(forged)
    assert callbacks.field("ob:lang:ru", "ob:lang") == "ru"
