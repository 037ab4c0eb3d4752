"""Typed feelings: a word in any supported language, matched to places on the wheel.

The vocabulary of a language is the wheel's labels in its catalog plus the forms in
content/feeling_words/<locale>.json (genders, plurals, adverbs, nouns: "ansiosa",
"тревожно", "anxiety"). Case and accents never matter; common endings are stripped so
that an inflection not listed still matches. The person's own language is searched
first, then every other one.
"""

from __future__ import annotations

import difflib
import json
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from bot.i18n import SUPPORTED_LOCALES, translator
from content.crisis import ContentError
from content.wheel import FEELING_CONTEXT, Place, wheel

WORDS_DIR = Path(__file__).resolve().parent.parent / "content" / "feeling_words"
# Longest first; a stem keeps at least MIN_STEM characters.
_ENDINGS = sorted(
    {
        # Russian and Ukrainian adjectives, adverbs and nouns
        "ого", "ему", "ому", "ыми", "ими", "ая", "яя", "ое", "ее", "ые", "ие", "ый", "ий",
        "ой", "ую", "юю", "ым", "им", "ом", "ем", "ых", "их", "ої", "ій", "ою", "ість",
        "ость", "ность", "а", "я", "о", "е", "и", "ы", "у", "ю", "і", "ь",
        # Spanish, Portuguese, French
        "os", "as", "es", "o", "a", "e", "s", "x", "ee", "ees",
        # German
        "en", "er", "em", "n",
        # Spanish and Portuguese superlatives (agotadísima)
        "isimo", "isima", "isimos", "isimas", "issimo", "issima",
        # English
        "ed", "ly", "ness", "ing", "y",
    },
    key=len,
    reverse=True,
)  # fmt: skip
MIN_STEM = 4
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
MAX_TYPED_WORDS = 8


# Letters of their own in Russian and Ukrainian, not accented ones: kept as they are.
_KEEP = frozenset("йїщ")


def _bare(ch: str) -> str:
    if ch in _KEEP:
        return ch
    return "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))


def normalise(text: str) -> str:
    """Lower case, no accents (ё is е, ü is u, but й stays й), letters and spaces only."""
    bare = "".join(_bare(ch) for ch in unicodedata.normalize("NFC", text.casefold()))
    return " ".join(_WORD.findall(bare))


def stem(word: str) -> str:
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= MIN_STEM:
            return word[: -len(ending)]
    return word


def _stems(phrase: str) -> tuple[str, ...]:
    return tuple(stem(word) for word in phrase.split())


@dataclass
class Vocabulary:
    """One language's forms, normalised, each pointing to the English labels it names."""

    exact: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    stemmed: dict[tuple[str, ...], set[str]] = field(default_factory=lambda: defaultdict(set))

    def add(self, form: str, label: str) -> None:
        key = normalise(form)
        if key:
            self.exact[key].add(label)
            self.stemmed[_stems(key)].add(label)


def load_forms(locale: str) -> dict[str, list[str]]:
    path = WORDS_DIR / f"{locale}.json"
    if not path.exists():
        return {}
    with path.open(encoding="utf-8") as fp:
        data = json.load(fp)
    labels = wheel().labels()
    if not isinstance(data, dict) or not set(data) <= labels:
        unknown = sorted(set(data) - labels) if isinstance(data, dict) else data
        raise ContentError(f"feeling words {locale}: keys must be wheel labels: {unknown}")
    for label, forms in data.items():
        if not isinstance(forms, list) or not all(isinstance(f, str) for f in forms):
            raise ContentError(f"feeling words {locale}: {label!r} needs a list of words")
    return data


@cache
def vocabulary(locale: str) -> Vocabulary:
    t = translator(locale)
    vocab = Vocabulary()
    for label in sorted(wheel().labels()):
        vocab.add(label if locale == "en" else t.pgettext(FEELING_CONTEXT, label), label)
    for label, forms in load_forms(locale).items():
        for form in forms:
            vocab.add(form, label)
    return vocab


def _search_order(locale: str) -> list[str]:
    return [locale, *(other for other in SUPPORTED_LOCALES if other != locale)]


def _labels_in(text: str, vocab: Vocabulary) -> set[str]:
    if text in vocab.exact:
        return set(vocab.exact[text])
    words = text.split()
    stems = _stems(text)
    if stems in vocab.stemmed:
        return set(vocab.stemmed[stems])
    found: set[str] = set()
    # A feeling inside a short sentence: "me siento muy ansiosa", "I feel let down".
    for size in (3, 2, 1):
        for start in range(len(words) - size + 1):
            chunk = " ".join(words[start : start + size])
            if chunk in vocab.exact:
                found |= vocab.exact[chunk]
            elif size == 1 and len(stems[start]) <= MIN_STEM:
                continue  # short stems inside a sentence match too much ("libro", "libre")
            elif stems[start : start + size] in vocab.stemmed:
                found |= vocab.stemmed[stems[start : start + size]]
    return found


def _places(labels: set[str]) -> list[Place]:
    """The places these labels stand in, in the wheel's order (deeper first when tied)."""
    return [place for place in wheel().places.values() if place.label in labels]


@dataclass(frozen=True)
class Match:
    """Places that match (one: go on; several: a choice), or close guesses when none do."""

    places: tuple[Place, ...]
    guesses: tuple[Place, ...]


def match(text: str, locale: str) -> Match:
    typed = normalise(text)
    if not typed or len(typed.split()) > MAX_TYPED_WORDS:
        return Match((), ())
    for language in _search_order(locale):
        labels = _labels_in(typed, vocabulary(language))
        if labels:
            return Match(tuple(_places(labels)), ())
    return Match((), tuple(_places(_guesses(typed, locale))))


def _guesses(typed: str, locale: str, limit: int = 3) -> set[str]:
    """The labels whose words are closest to what was typed, in the person's language
    (and English), for "did you mean"."""
    candidates: dict[str, set[str]] = defaultdict(set)
    for language in dict.fromkeys([locale, "en"]):
        for form, labels in vocabulary(language).exact.items():
            candidates[form] |= labels
    words = [typed, *(word for word in typed.split() if len(word) >= MIN_STEM)]
    found: list[str] = []
    for word in dict.fromkeys(words):
        for close in difflib.get_close_matches(word, list(candidates), n=limit, cutoff=0.72):
            found += sorted(candidates[close])
    return set(list(dict.fromkeys(found))[:limit])
