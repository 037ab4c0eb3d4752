"""Every supported locale is complete, and its placeholders and tags match the English."""

import re
from collections import Counter
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.i18n import LOCALES_DIR, SOURCE_LOCALE, SUPPORTED_LOCALES, translator

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")
TAG = re.compile(r"</?[a-z-]+>")
TRANSLATED = [locale for locale in SUPPORTED_LOCALES if locale != SOURCE_LOCALE]
KEYWORDS = {"N_": None, "gettext": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2)}


def catalog(locale: str):  # type: ignore[no-untyped-def]
    with (LOCALES_DIR / locale / "LC_MESSAGES" / "messages.po").open("rb") as fp:
        return read_po(fp, locale=locale)


def source_messages() -> set[str]:
    """Every message the code marks for translation, extracted afresh."""
    method_map = [
        ("bot/standin/**.py", "ignore"),
        ("bot/**.py", "python"),
        ("handlers/**.py", "python"),
        ("content/**.py", "python"),
        ("content/feelings_wheel.json", "content.extract:extract_wheel"),
        ("content/techniques.json", "content.extract:extract_techniques"),
    ]
    found: set[str] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map=method_map, keywords=KEYWORDS
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_code_has_messages_and_english_is_the_source() -> None:
    messages = source_messages()
    assert len(messages) > 40
    assert "<b>Welcome to Between.</b>" in messages


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_catalog_holds_every_message_in_the_code(locale: str) -> None:
    ids = {
        message.id if isinstance(message.id, str) else message.id[0]
        for message in catalog(locale)
        if message.id
    }
    missing = source_messages() - ids
    assert not missing, f"run `python3 dev.py i18n` and translate: {sorted(missing)[:5]}"


@pytest.mark.parametrize("locale", TRANSLATED)
def test_every_message_translated_with_matching_placeholders_and_tags(locale: str) -> None:
    problems: list[str] = []
    for message in catalog(locale):
        if not message.id:
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        if message.fuzzy:
            problems.append(f"fuzzy: {ids[0]!r}")
        for text in strings:
            if not text:
                problems.append(f"untranslated: {ids[0]!r}")
                continue
            expected = set(PLACEHOLDER.findall(ids[-1])) | set(PLACEHOLDER.findall(ids[0]))
            if set(PLACEHOLDER.findall(text)) != expected:
                problems.append(f"placeholders differ: {ids[0]!r} -> {text!r}")
            if Counter(TAG.findall(text)) != Counter(TAG.findall(ids[0])):
                problems.append(f"tags differ: {ids[0]!r} -> {text!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("locale", TRANSLATED)
def test_translations_are_used_at_run_time(locale: str) -> None:
    t = translator(locale)
    assert t.gettext("Language") != "Language"
    assert t.gettext("Language: {language}", language="X").endswith("X")
