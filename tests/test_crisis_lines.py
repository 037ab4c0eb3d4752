"""The crisis table: lines with numbers and sources, emergency numbers, every language."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.i18n import SUPPORTED_LOCALES, translator
from bot.places import language_country, zone_country
from content.crisis import CONTENT_DIR, ContentError, crisis_table
from handlers.safety import help_lines_text


def test_at_least_25_countries_have_a_line_with_number_source_and_emergency() -> None:
    table = crisis_table()
    assert len(table.lines) >= 25
    for code, line in table.lines.items():
        assert line.numbers and all(number.strip() for number in line.numbers), code
        assert line.source.strip() and line.service.strip(), code
        assert line.emergency.strip(), code
        assert line.checked in ("CONTENT.md", "verify"), code


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_every_supported_language_has_a_line_for_its_country(locale: str) -> None:
    country = language_country(locale.replace("_", "-"))
    assert country is not None
    assert crisis_table().line_for(country) is not None, f"{locale} -> {country}"


@pytest.mark.parametrize(
    ("zone", "number"),
    [
        ("America/New_York", "988"),
        ("Europe/London", "116 123"),
        ("Europe/Berlin", "0800 111 0 111"),
        ("Europe/Madrid", "024"),
        ("Europe/Paris", "3114"),
        ("America/Sao_Paulo", "188"),
        ("Europe/Moscow", "8-800-2000-122"),
        ("Europe/Kyiv", "7333"),
        ("Australia/Sydney", "13 11 14"),
    ],
)
def test_the_time_zone_country_gets_its_own_line(zone: str, number: str) -> None:
    text = help_lines_text(translator("en"), zone_country(zone))
    assert number in text and "findahelpline.com" in text


def test_a_country_without_a_line_still_gets_its_emergency_number_and_the_directory() -> None:
    text = help_lines_text(translator("en"), "JP")
    assert "<b>119</b>" in text and "findahelpline.com" in text


def test_an_unknown_country_gets_112_and_the_directory() -> None:
    text = help_lines_text(translator("en"), None)
    assert "local emergency number" in text and "112" in text and "findahelpline" in text


def test_a_broken_table_is_refused_at_start_up(tmp_path: Path) -> None:
    raw = json.loads((CONTENT_DIR / "crisis_lines.json").read_text("utf-8"))
    raw["countries"]["US"]["numbers"] = ["call us"]
    broken = tmp_path / "lines.json"
    broken.write_text(json.dumps(raw), "utf-8")
    with pytest.raises(ContentError, match="not a phone number"):
        crisis_table(broken)
