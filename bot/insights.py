"""What the check-ins say, for the weekly view and the therapist report: pure functions.

Every function takes check-ins as `Point`s and only counts: no I/O, no translation, no
state. Times are the person's wall-clock times (`Point.local_at`, aware, in their zone at
the moment of the check-in); intensities are the first rating, 1 to 10.

- part_of_day: morning 05:00-12:00, afternoon 12:00-17:00, evening 17:00-22:00, night
  22:00-05:00 (each start included). A check-in's weekday is its calendar day, so 01:00 on
  a Tuesday is Tuesday night: a week's view never shows one before it happened.
- grid: the count and mean intensity of each (weekday, part) that has check-ins.
- top_feelings: the places named most often; ties go to the one named most recently.
- trigger_words: the meaningful words of a note, once each in order of appearance, lower
  case as written: words of 3 or more letters (none with a digit: "3pm", "covid19") that
  are not stop-words of the person's language or of English. Locales are bot.plans'
  LOCALES; another one ("it") gets the English list only. Words are compared without case
  or accents ("Reunión" is "reunion", ё is е; й and ї stay), never stemmed.
- top_triggers: words counted once per check-in, kept from 2 check-ins on, most frequent
  first (ties: the most recent, then alphabetical), shown as most often written.
- effects: per technique, over check-ins with an "after" rating: their count and mean
  intensity before and after; most used first (ties: the most recent, then the id).
- find_patterns: groups the check-ins by (weekday, part of day), by trigger word and by
  family. A group is a pattern when it has at least `min_points` check-ins, at least
  `min_share` of them at `high` or more, a mean intensity above that of the check-ins
  outside it, and a higher share at `high` than outside ("everything is high" claims
  nothing specific). Outside needs `min_points` check-ins too: no comparison, no claim.
  Patterns are ranked by share at `high`, then size, then slot before trigger before
  family, then mean; one covering exactly the check-ins of a better-ranked one is dropped
  (no saying the same thing twice). At most MAX_PATTERNS; too little data gives [].
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Hashable, Sequence
from dataclasses import dataclass
from datetime import datetime, time
from typing import TypeVar

PARTS = ("morning", "afternoon", "evening", "night")  # 05–12, 12–17, 17–22, 22–05 local
HIGH = 7  # an intensity "at 7 or more"
MIN_POINTS = 4  # no pattern is claimed from fewer check-ins in a group
MIN_SHARE = 0.6  # share of a group's check-ins at HIGH or more for a pattern
MAX_PATTERNS = 3
MIN_WORD = 3  # letters in a trigger word
MIN_TRIGGER_CHECKINS = 2
_STARTS = (
    (time(5), "morning"),
    (time(12), "afternoon"),
    (time(17), "evening"),
    (time(22), "night"),
)
_KINDS = ("slot", "trigger", "family")
_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)  # letters and digits; apostrophes split
_KEEP = frozenset("йї")  # letters of their own, not accented ones

# Small lists: articles, pronouns, prepositions, conjunctions, auxiliaries, "feel" and
# intensifiers. Words under MIN_WORD letters never count and are left out.
_STOP_TEXT = {
    "en": """the and but for nor yet with without from into onto about above after before under over
        between through during again also just only than then that this these those there here
        what which who whom whose when where why how all any some each every both few more most
        much many such own same too can could would should will shall may might must did does
        doing done have has had having was were been being are not don didn doesn isn wasn aren
        weren won wouldn couldn shouldn haven hasn hadn you your yours yourself she her hers
        herself him his himself its itself our ours ourselves they them their theirs themselves
        myself mine feel feels feeling felt very really quite pretty like got get gets getting
        because while until since out off way thing things something anything nothing lot bit kind
        sort""",
    "es": """los las una unos unas del con sin para por que como cuando donde pero porque sobre
        entre hasta desde muy mucho mucha muchos muchas poco todo toda todos todas este esta esto
        estos estas ese esa eso esos esas aquel aquella mis tus sus nuestro nuestra nos les ella
        ellas ellos usted ustedes soy eres somos son estoy estas esta estamos estan estaba estaban
        estuve fue fui era eran ser estar hay habia han has hemos haber tengo tiene tenia tener
        siento senti sentia sentir sentirme realmente bastante demasiado tambien tampoco solo algo
        nada otra otro otros otras mismo misma cada aun todavia entonces vez""",
    "de": """der die das den dem des ein eine einer einem einen eines und oder aber mit ohne fur von
        vom zum zur bei nach aus auf uber unter vor hinter zwischen durch gegen wegen als wie wenn
        weil dass ich mich mir mein meine meiner meinem meinen dich dir dein deine sie ihr ihre
        ihm ihn ihnen wir uns unser unsere euch sich ist bin bist sind war waren wird werden wurde
        wurden habe hast hat haben hatte hatten sein gewesen kann konnte muss musste soll sollte
        will wollte nicht kein keine noch schon auch nur sehr wirklich ganz total fuhle fuhlte
        fuhlen gefuhlt fuhlt etwas nichts alles man dann doch mal wieder""",
    "fr": """les des une aux avec sans pour par dans sur sous chez entre vers que qui quoi quand
        comment pourquoi mais donc car parce comme cette ces ceux celle celui mon mes ton tes son
        ses notre nos votre vos leur leurs moi toi lui elle elles eux nous vous ils suis est sont
        etais etait etaient ete etre avoir avais avait ont fait faire tres vraiment trop beaucoup
        peu tout toute tous toutes sens sentais sentir senti sentie ressens ressenti pas plus rien
        encore aussi bien""",
    "pt_BR": """uma umas uns dos das nos nas pelo pela pelos pelas com sem para por que quando como
        onde mas porque sobre entre ate desde antes depois muito muita muitos muitas pouco todo
        toda todos todas este esta isto estes estas esse essa isso esses essas aquele aquela meu
        minha meus minhas seu sua seus suas nosso nossa voce voces ele ela eles elas sou sao estou
        estava estao estive foi fui era eram ser estar tem tenho tinha ter havia sinto senti
        sentia sentir sentindo realmente bastante demais tambem algo nada outro outra mesmo mesma
        cada ainda entao vez""",
    "ru": """что как это эта этот эти так там тут где когда потому чтобы если или для без при про
        под над через после перед между меня мне мной мой моя мое мои тебя тебе твой твоя его ее
        ему ней него нам нас наш наша вам вас ваш они их ими она оно был была было были быть есть
        буду будет очень правда реально действительно чувствую чувствовал чувствовала почувствовал
        почувствовала себя себе сам сама уже еще тоже также только весь вся все всех всем какой
        какая какие который которая которые ничего чем тем этого этой этом опять снова""",
    "uk": """що як це цей ця ці так там тут де коли тому щоб якщо або для без при про під над через
        після перед між мене мені мій моя моє мої тебе тобі твій його її йому нею нам нас наш наша
        вам вас ваш вони їх вона воно був була було були бути буде дуже справді насправді відчуваю
        відчувала відчував себе собі сам сама вже ще теж також тільки лише весь вся все всі всіх
        який яка які нічого щось чим тим цього цієї цьому знову""",
}


@dataclass(frozen=True)
class Point:
    """A check-in as insights need it."""

    local_at: datetime  # aware, in the person's zone at the time
    family: str  # wheel core id: "fearful", "angry", "sad", "happy", "surprised"...
    place: str  # wheel place id, e.g. "fearful/anxious/worried"
    intensity: int  # 1..10, as first rated
    after: int | None  # the last rating after a technique or the body-first minute
    technique: str | None  # technique id
    note: str | None  # what was happening, the person's words


@dataclass(frozen=True)
class Pattern:
    kind: str  # "slot" (weekday and part of day), "trigger" (a word of the notes), "family"
    weekday: int | None  # 0 = Monday, for "slot"
    part: str | None  # one of PARTS, for "slot"
    key: str | None  # the trigger word (as most often written, lower case) or the family id
    high: int  # check-ins in the group at HIGH or more
    total: int  # check-ins in the group
    mean: float  # mean intensity of the group


@dataclass(frozen=True)
class Cell:
    count: int
    mean: float


@dataclass(frozen=True)
class Effect:
    technique: str
    count: int  # check-ins with this technique and an "after" rating
    before: float  # mean intensity before
    after: float  # mean after


def _fold(word: str) -> str:
    """Lower case without accents: "Reunión" is "reunion", ё is е, й and ї stay."""
    bare = (
        ch if ch in _KEEP else unicodedata.normalize("NFKD", ch)
        for ch in unicodedata.normalize("NFC", word.casefold())
    )
    return "".join(c for c in "".join(bare) if not unicodedata.combining(c))


_K = TypeVar("_K", bound=Hashable)
_Rank = tuple[float, int, int, float, tuple[int, int], str]
_STOP = {locale: frozenset(_fold(w) for w in text.split()) for locale, text in _STOP_TEXT.items()}


def part_of_day(moment: time) -> str:
    """The part of day of a wall-clock time; before 05:00 is still night."""
    current = "night"
    for start, part in _STARTS:
        if moment.replace(tzinfo=None) >= start:
            current = part
    return current


def _slot(point: Point) -> tuple[int, str]:
    return point.local_at.weekday(), part_of_day(point.local_at.time())


def _mean(values: Sequence[int]) -> float:
    return sum(values) / len(values)


def grid(points: Sequence[Point]) -> dict[tuple[int, str], Cell]:
    """(weekday, part) -> count and mean intensity, only for cells with check-ins."""
    cells: dict[tuple[int, str], list[int]] = defaultdict(list)
    for point in points:
        cells[_slot(point)].append(point.intensity)
    return {slot: Cell(len(values), _mean(values)) for slot, values in cells.items()}


def _ranked(
    keys: Sequence[_K], points: Sequence[Point], tiebreak: Callable[[_K], str]
) -> list[tuple[_K, int]]:
    """Keys by how many points carry them (keys[i] belongs to points[i]), most first; ties
    by the latest point, then by tiebreak."""
    counts: Counter[_K] = Counter(keys)
    latest: dict[_K, datetime] = {}
    for key, point in zip(keys, points, strict=True):
        if key not in latest or point.local_at > latest[key]:
            latest[key] = point.local_at
    order = sorted(counts, key=lambda k: (-counts[k], -latest[k].timestamp(), tiebreak(k)))
    return [(key, counts[key]) for key in order]


def top_feelings(points: Sequence[Point], n: int = 3) -> list[tuple[str, int]]:
    """(place id, count), most frequent first, ties by the latest check-in."""
    return _ranked([p.place for p in points], points, str)[:n]


def _stop_words(locale: str) -> frozenset[str]:
    """The locale's stop-words (or its language's: "pt" is "pt_BR") and English ones."""
    language = locale.replace("-", "_").split("_")[0]
    own = _STOP.get(locale) or next(
        (words for name, words in _STOP.items() if name.split("_")[0] == language), frozenset()
    )
    return own | _STOP["en"]


def trigger_words(note: str, locale: str) -> list[str]:
    """The meaningful words of a note, lower case, once each, in order of appearance."""
    stop = _stop_words(locale)
    seen: set[str] = set()
    words: list[str] = []
    for token in _TOKEN.findall(note):
        folded = _fold(token)
        if len(token) < MIN_WORD or not token.isalpha() or folded in stop or folded in seen:
            continue
        seen.add(folded)
        words.append(token.lower())
    return words


def _triggers(points: Sequence[Point], locale: str) -> tuple[list[set[str]], dict[str, str]]:
    """Each point's folded trigger words, and each folded word as most often written."""
    per_point: list[set[str]] = []
    written: dict[str, Counter[str]] = defaultdict(Counter)
    for point in points:
        words = trigger_words(point.note, locale) if point.note else []
        for word in words:
            written[_fold(word)][word] += 1
        per_point.append({_fold(word) for word in words})
    return per_point, {key: forms.most_common(1)[0][0] for key, forms in written.items()}


def top_triggers(points: Sequence[Point], locale: str, n: int = 3) -> list[tuple[str, int]]:
    """(word, check-ins), from 2 check-ins on, most frequent first."""
    per_point, shown = _triggers(points, locale)
    pairs = [(word, p) for words, p in zip(per_point, points, strict=True) for word in words]
    ranked = _ranked([w for w, _ in pairs], [p for _, p in pairs], lambda w: shown[w])
    return [(shown[w], count) for w, count in ranked if count >= MIN_TRIGGER_CHECKINS][:n]


def effects(points: Sequence[Point]) -> list[Effect]:
    """Per technique with an after rating: mean intensity before and after, most used first."""
    rated = [p for p in points if p.technique is not None and p.after is not None]
    result = []
    for technique, count in _ranked([p.technique or "" for p in rated], rated, str):
        used = [p for p in rated if p.technique == technique]
        after = _mean([p.after for p in used if p.after is not None])
        result.append(Effect(technique, count, _mean([p.intensity for p in used]), after))
    return result


def find_patterns(
    points: Sequence[Point],
    locale: str,
    *,
    min_points: int = MIN_POINTS,
    high: int = HIGH,
    min_share: float = MIN_SHARE,
    kinds: Collection[str] = _KINDS,
) -> list[Pattern]:
    """The groups of check-ins clearly more intense than the rest (see the module's rules),
    of these kinds only (without "trigger" when the notes are left out)."""
    if len(points) < 2 * min_points:
        return []
    groups: dict[tuple[str, int | None, str | None, str | None], set[int]] = defaultdict(set)
    per_point, shown = _triggers(points, locale)
    for i, point in enumerate(points):
        day, when = _slot(point)
        groups["slot", day, when, None].add(i)
        groups["family", None, None, point.family].add(i)
        for word in per_point[i]:
            groups["trigger", None, None, word].add(i)
    found: list[tuple[_Rank, frozenset[int], Pattern]] = []
    for (kind, weekday, part, key), members in groups.items():
        if kind not in kinds:
            continue
        inside = [points[i].intensity for i in members]
        outside = [p.intensity for i, p in enumerate(points) if i not in members]
        if len(inside) < min_points or len(outside) < min_points:
            continue
        n_high = sum(value >= high for value in inside)
        share, share_out = n_high / len(inside), sum(v >= high for v in outside) / len(outside)
        mean = _mean(inside)
        if share < min_share or share <= share_out or mean <= _mean(outside):
            continue
        shown_key = shown[key] if kind == "trigger" and key is not None else key
        pattern = Pattern(kind, weekday, part, shown_key, n_high, len(inside), mean)
        slot_order = (weekday or 0, PARTS.index(part) if part else 0)
        rank = (-share, -len(inside), _KINDS.index(kind), -mean, slot_order, shown_key or "")
        found.append((rank, frozenset(members), pattern))
    found.sort(key=lambda item: item[0])
    kept: list[Pattern] = []
    covered: set[frozenset[int]] = set()
    for _, same, pattern in found:
        if same not in covered:
            covered.add(same)
            kept.append(pattern)
    return kept[:MAX_PATTERNS]
