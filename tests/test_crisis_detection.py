"""Risk language in every supported language: each phrase of the corpus gets its tier."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.crisis import Tier, classify, normalise
from bot.i18n import SUPPORTED_LOCALES

CORPUS_DIR = Path(__file__).resolve().parent / "crisis_corpus"
EXPECTED = {"strong": Tier.STRONG, "soft": Tier.SOFT, "none": Tier.NONE}
MINIMUM = {"strong": 20, "soft": 10, "none": 20}


def corpus(locale: str) -> dict[str, list[str]]:
    data: dict[str, list[str]] = json.loads((CORPUS_DIR / f"{locale}.json").read_text("utf-8"))
    return data


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_every_language_has_a_full_corpus(locale: str) -> None:
    phrases = corpus(locale)
    for tier, minimum in MINIMUM.items():
        assert len(set(phrases[tier])) >= minimum, f"{locale}: {tier} needs {minimum} phrases"


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_each_phrase_gets_its_tier(locale: str) -> None:
    wrong = [
        f"{tier}: {phrase!r} -> {classify(phrase).name}"
        for tier, phrases in corpus(locale).items()
        if tier in EXPECTED
        for phrase in phrases
        if classify(phrase) != EXPECTED[tier]
    ]
    assert not wrong, "\n".join(wrong)


def test_normalising_folds_case_accents_repeats_and_lookalikes() -> None:
    assert normalise("  I wanna DIEEEE!!! ") == "i wanna die"
    assert normalise("Quiero MORIR") == "quiero morir"
    assert normalise("su1c1de") == "suicide"
    assert normalise("Já não AGUENTO") == "ja nao aguento"


def test_nothing_in_empty_or_huge_text() -> None:
    assert classify("") is Tier.NONE
    assert classify("   ") is Tier.NONE
    assert classify("fine " * 5000) is Tier.NONE
    assert classify("fine " * 100 + "I want to die") is Tier.STRONG
