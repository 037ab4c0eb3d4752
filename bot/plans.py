"""If-then plans (implementation intentions): a message split into its cue and response.

"If I feel anxious, I'll take three breaths" is a plan: the cue is "I feel anxious", the
response "I'll take three breaths". A message is a plan only when it starts with a
conditional word ("If", "Si", "Wenn", "Если"...) and splits in two parts that both say
something. The split, in order of trust:

1. a separator (a comma, or a dash between spaces) followed by the "then"-word;
2. a separator followed by a first-person future ("I will", "voy a", "je vais", "я буду");
3. a "then"-word or a first-person future without a separator, when no separator comes
   before it (the separator then belongs to the response: "... voy a leer, escribir");
4. the first separator alone (not in English, where "If I was a kid, I loved it" is a
   memory: English wants "then" or "I will");
5. a "then"-word or a first-person future after a separator.

With no reliable split the message is not a plan: nothing is guessed. A question (a
message ending in "?") never is one. Cue and response keep the person's words verbatim
(case, emoji, markup characters), without the keywords, surrounding spaces and a final
period. Pure: no I/O, no state.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

# A part says something when it has at least this many letters ("If so, ..." does not);
# past its "then"-word and first-person future, a response needs MIN_ACTION_LETTERS.
MIN_LETTERS = 3
MIN_ACTION_LETTERS = 2

_FLAGS = re.IGNORECASE | re.DOTALL
# Where the cue ends: a comma, or a dash (a hyphen only between spaces: "re-read" is a word).
_SEP = r"(?:\s*,|\s+[-–—]|\s*[–—])\s*"
_QUESTION = re.compile(r"\?[\W_]*\Z")
_LEADING = re.compile(r"\A[\W_]+")  # emoji, bullets, quotes and "¡" before the keyword
_WORD = re.compile(r"[^\W\d_]+")
_TRAILING_PERIOD = re.compile(r"[.…]+\Z")


@dataclass(frozen=True)
class Plan:
    cue: str
    response: str
    locale: str


@dataclass(frozen=True)
class _Grammar:
    """How one language says "if X, (then) Y"."""

    keywords: str  # a regex for the opening word, including the space after it
    then: str  # a regex for the "then"-word(s)
    future: str  # a regex for a first-person future opening the response; "" for none
    bare_comma: bool  # whether a separator alone splits cue from response
    # Common words that tell this language from another one with the same opening word
    # ("Si" opens both Spanish and French plans).
    hints: frozenset[str] = frozenset()


# Common words that tell Spanish from French, which both open a plan with "Si".
_ES_HINTS = frozenset(
    {
        "yo", "me", "mi", "mis", "voy", "estoy", "siento", "los", "las", "y", "con", "para", "una",
        "del", "al", "muy", "lo", "no", "entonces", "cuando", "llego", "tengo",
    }
)  # fmt: skip
_FR_HINTS = frozenset(
    {
        "je", "j", "moi", "mon", "ma", "mes", "suis", "vais", "sens", "les", "et", "pour", "avec",
        "une", "des", "du", "au", "pas", "ne", "il", "elle", "on", "est", "alors", "quand",
    }
)  # fmt: skip

_GRAMMARS: dict[str, _Grammar] = {
    "en": _Grammar(
        keywords=r"(?:whenever|when|if|as\s+soon\s+as|every\s+time)\s+",
        then=r"then",
        future=r"I\s+will|I['’]ll|I\s+am\s+going\s+to|I['’]m\s+going\s+to|I\s+shall",
        bare_comma=False,
    ),
    "es": _Grammar(
        keywords=r"(?:siempre\s+que|en\s+cuanto|cuando|si)\s+",
        then=r"entonces",
        future=r"(?:yo\s+)?voy\s+a",
        bare_comma=True,
        hints=_ES_HINTS,
    ),
    "de": _Grammar(
        keywords=r"(?:immer\s+wenn|wenn|falls|sobald)\s+",
        then=r"dann",
        future="",  # the verb comes second, after the comma or "dann": no marker of its own
        bare_comma=True,
    ),
    "fr": _Grammar(
        keywords=(
            r"(?:dès\s+que|lorsque|quand|si)\s+"
            r"|(?:dès\s+qu|lorsqu)['’](?=\w)"  # Lorsqu'il, Dès qu'elle
            r"|s['’](?=ils?\b)"  # S'il, S'ils
        ),
        then=r"alors",
        future=r"je\s+vais",
        bare_comma=True,
        hints=_FR_HINTS,
    ),
    "pt_BR": _Grammar(
        keywords=r"(?:sempre\s+que|assim\s+que|quando|se)\s+",
        then=r"então|entao",
        future=r"(?:eu\s+)?vou(?=\s+\w)",
        bare_comma=True,
    ),
    "ru": _Grammar(
        keywords=r"(?:как\s+только|если|когда)\s+",
        then=r"то|тогда",
        future=r"я\s+(?:буду|сделаю)",
        bare_comma=True,
    ),
    "uk": _Grammar(
        keywords=r"(?:як\s+тільки|якщо|коли)\s+",
        then=r"то|тоді",
        future=r"я\s+(?:буду|зроблю)",
        bare_comma=True,
    ),
}
LOCALES: tuple[str, ...] = tuple(_GRAMMARS)


@dataclass(frozen=True)
class _Compiled:
    keyword: re.Pattern[str]
    sep_then: re.Pattern[str]
    sep_future: re.Pattern[str] | None
    sep: re.Pattern[str]
    bare: re.Pattern[str]
    leading: re.Pattern[str]  # a "then"-word or future opening a response
    bare_comma: bool


def _compile(grammar: _Grammar) -> _Compiled:
    then = rf"(?:{grammar.then})(?=[\s:])[\s:]*"
    future = rf"(?:{grammar.future})\b" if grammar.future else ""
    bare = rf"\s+{then}" + (rf"|\s+(?={future})" if future else "")
    opening_then = rf"(?:(?:{grammar.then})\b[\s:]*)?"
    leading = rf"\A{opening_then}(?:{future})?" if future else rf"\A{opening_then}"
    return _Compiled(
        keyword=re.compile(rf"\A(?:{grammar.keywords})", _FLAGS),
        sep_then=re.compile(rf"{_SEP}{then}", _FLAGS),
        sep_future=re.compile(rf"{_SEP}(?={future})", _FLAGS) if future else None,
        sep=re.compile(_SEP, _FLAGS),
        bare=re.compile(rf"(?:{bare})(?=\S)", _FLAGS),
        leading=re.compile(leading, _FLAGS),
        bare_comma=grammar.bare_comma,
    )


_COMPILED: dict[str, _Compiled] = {locale: _compile(g) for locale, g in _GRAMMARS.items()}


def _letters(text: str) -> int:
    return sum(ch.isalpha() for ch in text)


def _clean(part: str) -> str:
    return _TRAILING_PERIOD.sub("", part.strip()).strip()


def _split(body: str, compiled: _Compiled) -> tuple[str, str, bool] | None:
    """Cue, response and whether a "then"-word or future marked the split (vs a comma)."""

    def valid(matches: Iterator[re.Match[str]], strong: bool) -> tuple[str, str, bool] | None:
        for match in matches:
            cue, response = _clean(body[: match.start()]), _clean(body[match.end() :])
            action = compiled.leading.sub("", response)
            if (
                _letters(cue) >= MIN_LETTERS
                and _letters(response) >= MIN_LETTERS
                and _letters(action) >= MIN_ACTION_LETTERS
            ):
                return cue, response, strong
        return None

    first_sep = compiled.sep.search(body)
    cut = first_sep.start() if first_sep else len(body)
    attempts: list[tuple[Iterator[re.Match[str]], bool]] = [
        (compiled.sep_then.finditer(body), True),
    ]
    if compiled.sep_future is not None:
        attempts.append((compiled.sep_future.finditer(body), True))
    attempts.append((compiled.bare.finditer(body, 0, cut), True))
    if compiled.bare_comma:
        attempts.append((compiled.sep.finditer(body), False))
    attempts.append(((m for m in compiled.bare.finditer(body) if m.start() >= cut), True))
    for matches, strong in attempts:
        found = valid(matches, strong)
        if found is not None:
            return found
    return None


def _parse(text: str, locale: str) -> tuple[Plan, bool] | None:
    if _QUESTION.search(text):
        return None
    compiled = _COMPILED[locale]
    opening = _LEADING.sub("", text)
    keyword = compiled.keyword.match(opening)
    if keyword is None:
        return None
    found = _split(opening[keyword.end() :], compiled)
    if found is None:
        return None
    cue, response, strong = found
    return Plan(cue=cue, response=response, locale=locale), strong


def parse_plan_in(text: str, locale: str) -> Plan | None:
    """The plan in a message, read in this language only; None if it is not one."""
    if locale not in _GRAMMARS:
        raise ValueError(f"no plan grammar for locale {locale!r}")
    found = _parse(text, locale)
    return found[0] if found else None


def parse_plan(text: str) -> Plan | None:
    """The plan in a message in any supported language; None if it is not one.

    When two languages share the opening word ("Si"), a split at a "then"-word or a
    first-person future wins over one at a bare comma, then the language with more of its
    common words in the message, then the first in LOCALES. A split at a bare comma does
    not count in a language when the message has more common words of another one with
    the same opening word ("Si me siento mal, entonces" is no French plan).
    """
    words = [w.casefold() for w in _WORD.findall(text)]
    opening = _LEADING.sub("", text)
    hints = {
        locale: sum(w in grammar.hints for w in words)
        for locale, grammar in _GRAMMARS.items()
        if _COMPILED[locale].keyword.match(opening)
    }
    most_hints = max(hints.values(), default=0)
    best: Plan | None = None
    best_rank = (False, -1)
    for locale in LOCALES:
        found = _parse(text, locale)
        if found is None:
            continue
        plan, strong = found
        if not strong and hints[locale] < most_hints:
            continue
        rank = (strong, hints[locale])
        if rank > best_rank:
            best, best_rank = plan, rank
    return best


def _languages(locale: str) -> list[str]:
    """The person's language, then English: a part typed alone is read in these."""
    return [lang for lang in dict.fromkeys([locale, "en"]) if lang in _GRAMMARS]


def bare_cue(text: str, locale: str) -> str:
    """A cue typed on its own, without its opening word: "If I feel anxious" → "I feel
    anxious". Anything else is kept as written (without surrounding spaces)."""
    opening = _LEADING.sub("", text.strip())
    for language in _languages(locale):
        keyword = _COMPILED[language].keyword.match(opening)
        if keyword is not None:
            rest = _clean(opening[keyword.end() :].rstrip(","))
            if _letters(rest) >= MIN_LETTERS:
                return rest
    return _clean(text)


def bare_response(text: str, locale: str) -> str:
    """A response typed on its own, without a leading "then"-word: "then I will walk" →
    "I will walk"."""
    cleaned = _clean(text)
    for language in _languages(locale):
        then = re.match(rf"\A(?:{_GRAMMARS[language].then})(?=[\s,:])[\s,:]*", cleaned, _FLAGS)
        if then is not None and _letters(cleaned[then.end() :]) >= MIN_LETTERS:
            return cleaned[then.end() :]
    return cleaned
