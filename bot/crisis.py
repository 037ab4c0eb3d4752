"""Risk language in free text: a pure function from text to a tier.

Text is normalised (case, accents, repeated letters, common look-alike characters) and
matched against every supported language's patterns (content/crisis_phrases). Idioms such
as "this homework is killing me" are removed before the strong tier is looked for.
Tuned for sensitivity: a false alarm gets a warm, low-burden reply.
"""

from __future__ import annotations

import asyncio
import enum
import re
import unicodedata

from content.crisis import PhraseSet, phrase_sets


class Tier(enum.IntEnum):
    NONE = 0
    SOFT = 1
    STRONG = 2


_LOOKALIKES = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "@": "a", "$": "s", "’": "'", "`": "'"}
)
_REPEATS = re.compile(r"(\w)\1{2,}")


def normalise(text: str) -> str:
    """Lower case, no accents (й and ё kept apart from и and е is not needed here), one
    space between words, letters repeated three or more times made one ("dieeee")."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in folded if not unicodedata.combining(ch))
    plain = plain.translate(_LOOKALIKES)
    plain = _REPEATS.sub(r"\1", plain)
    plain = re.sub(r"[^\w'\s💊🔪🪢]+", " ", plain)
    return " ".join(plain.split())


def _tier_in(text: str, phrases: PhraseSet) -> Tier:
    without_idioms = text
    for idiom in phrases.idioms:
        without_idioms = idiom.sub(" ", without_idioms)
    if any(pattern.search(without_idioms) for pattern in phrases.strong):
        return Tier.STRONG
    if any(pattern.search(without_idioms) for pattern in phrases.soft):
        return Tier.SOFT
    return Tier.NONE


def classify(text: str, sets: tuple[PhraseSet, ...] | None = None) -> Tier:
    """The highest tier any supported language finds in the text."""
    if not text or not text.strip():
        return Tier.NONE
    normalised = normalise(text[:4096])
    return max(
        (_tier_in(normalised, phrases) for phrases in sets or phrase_sets()), default=Tier.NONE
    )


# Above this length, matching takes tens of milliseconds: do it off the event loop.
_LONG_TEXT = 200


async def classify_async(text: str) -> Tier:
    """classify, in a worker thread for long texts so that the event loop keeps moving."""
    if len(text) <= _LONG_TEXT:
        return classify(text)
    return await asyncio.to_thread(classify, text)
