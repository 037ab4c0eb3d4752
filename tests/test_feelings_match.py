"""Typed feelings: a word in any supported language, to its place (or places) on the wheel."""

import pytest

from bot.feelings import match, normalise

ANXIOUS, WORRIED = "fearful/anxious", "fearful/anxious/worried"
LONELY, SAD, TIRED, STRESSED = "sad/lonely", "sad", "bad/tired", "bad/stressed"
FURIOUS, JEALOUS, HOPEFUL = "angry/mad/furious", "angry/mad/jealous", "happy/optimistic/hopeful"
ASHAMED, GUILTY = "sad/guilty/ashamed", "sad/guilty"
OVERWHELMED = ("fearful/anxious/overwhelmed", "bad/stressed/overwhelmed")
DISAPPOINTED = ("sad/hurt/disappointed", "disgusted/disappointed")

# (locale, typed, the places it matches); several places: the person is offered a choice.
TABLE = [
    ("en", "anxious", (ANXIOUS,)),
    ("en", "ANXIOUS", (ANXIOUS,)),
    ("en", "anxiety", (ANXIOUS,)),
    ("en", "worried", (WORRIED,)),
    ("en", "lonely", (LONELY,)),
    ("en", "let down", ("angry/let_down",)),
    ("en", "out of control", ("bad/stressed/out_of_control",)),
    ("en", "judgemental", ("disgusted/disapproving/judgmental",)),
    ("en", "unfocussed", ("bad/tired/unfocused",)),
    ("en", "I feel so ashamed", (ASHAMED,)),
    ("en", "exhausted", (TIRED,)),
    ("en", "overwhelmed", OVERWHELMED),
    ("en", "embarassed", ("sad/hurt/embarrassed", "disgusted/disapproving/embarrassed")),
    ("es", "ansiosa", (ANXIOUS,)),
    ("es", "Ansioso", (ANXIOUS,)),
    ("es", "ansiedad", (ANXIOUS,)),
    ("es", "preocupada", (WORRIED,)),
    ("es", "triste", (SAD,)),
    ("es", "sola", (LONELY,)),
    ("es", "furiosa", (FURIOUS,)),
    ("es", "agotadísima", (TIRED,)),
    ("es", "avergonzada", (ASHAMED,)),
    ("es", "me siento muy ansiosa", (ANXIOUS,)),
    ("es", "celosa", (JEALOUS,)),
    ("es", "abrumada", OVERWHELMED),
    ("es", "decepcionada", DISAPPOINTED),
    ("de", "Überfordert", OVERWHELMED),
    ("de", "uberfordert", OVERWHELMED),
    ("de", "besorgt", (WORRIED,)),
    ("de", "einsam", (LONELY,)),
    ("de", "traurig", (SAD,)),
    ("de", "gestresst", (STRESSED,)),
    ("de", "ich bin total gestresst", (STRESSED,)),
    ("de", "schuldig", (GUILTY,)),
    ("de", "müde", (TIRED,)),
    ("de", "neidisch", (JEALOUS,)),
    ("de", "hoffnungsvoll", (HOPEFUL,)),
    ("de", "enttäuscht", DISAPPOINTED),
    ("fr", "anxieuse", (ANXIOUS,)),
    ("fr", "Anxieux", (ANXIOUS,)),
    ("fr", "inquiète", (WORRIED,)),
    ("fr", "seule", (LONELY,)),
    ("fr", "furieux", (FURIOUS,)),
    ("fr", "coupable", (GUILTY,)),
    ("fr", "je me sens très anxieuse", (ANXIOUS,)),
    ("fr", "fatiguée", (TIRED,)),
    ("fr", "épuisée", (TIRED,)),
    ("fr", "jalouse", (JEALOUS,)),
    ("fr", "honteux", (ASHAMED,)),
    ("fr", "déçue", DISAPPOINTED),
    ("pt_BR", "ansiosa", (ANXIOUS,)),
    ("pt_BR", "preocupado", (WORRIED,)),
    ("pt_BR", "sozinha", (LONELY,)),
    ("pt_BR", "furiosa", (FURIOUS,)),
    ("pt_BR", "culpada", (GUILTY,)),
    ("pt_BR", "cansada", (TIRED,)),
    ("pt_BR", "com ciúmes", (JEALOUS,)),
    ("pt_BR", "esperançosa", (HOPEFUL,)),
    ("pt_BR", "me sinto muito ansiosa", (ANXIOUS,)),
    ("pt_BR", "envergonhada", (ASHAMED,)),
    ("pt_BR", "sobrecarregada", OVERWHELMED),
    ("ru", "тревожно", (ANXIOUS,)),
    ("ru", "Тревога", (ANXIOUS,)),
    ("ru", "тревожный", (ANXIOUS,)),
    ("ru", "тревожная", (ANXIOUS,)),
    ("ru", "одиноко", (LONELY,)),
    ("ru", "грустно", (SAD,)),
    ("ru", "стыдно", (ASHAMED,)),
    ("ru", "устала", (TIRED,)),
    ("ru", "чувствую себя брошенной", ("sad/lonely/abandoned",)),
    ("ru", "ревную", (JEALOUS,)),
    ("ru", "перегружена", OVERWHELMED),
    ("ru", "разочарована", DISAPPOINTED),
    ("uk", "тривожно", (ANXIOUS,)),
    ("uk", "тривога", (ANXIOUS,)),
    ("uk", "мені тривожно", (ANXIOUS,)),
    ("uk", "самотньо", (LONELY,)),
    ("uk", "сумно", (SAD,)),
    ("uk", "соромно", (ASHAMED,)),
    ("uk", "втомлена", (TIRED,)),
    ("uk", "злий", ("angry/mad",)),
    ("uk", "ревную", (JEALOUS,)),
    ("uk", "надія", (HOPEFUL,)),
    ("uk", "перевантажена", OVERWHELMED),
    ("uk", "розчарована", DISAPPOINTED),
]


@pytest.mark.parametrize(("locale", "typed", "expected"), TABLE)
def test_typed_word_matches_its_places(locale: str, typed: str, expected: tuple[str, ...]) -> None:
    found = match(typed, locale)
    assert tuple(place.id for place in found.places) == expected
    assert found.guesses == ()


def test_at_least_ten_words_per_language() -> None:
    for locale in ("en", "es", "de", "fr", "pt_BR", "ru", "uk"):
        assert sum(1 for row in TABLE if row[0] == locale) >= 10


@pytest.mark.parametrize(
    ("locale", "typed", "guess"),
    [
        ("en", "anxiuos", ANXIOUS),
        ("es", "ansiozo", ANXIOUS),
        ("de", "einsm", LONELY),
        ("pt_BR", "ansiossa", ANXIOUS),
        ("ru", "тревожнно", ANXIOUS),
        ("uk", "тривжно", ANXIOUS),
    ],
)
def test_a_near_miss_gets_did_you_mean(locale: str, typed: str, guess: str) -> None:
    found = match(typed, locale)
    assert found.places == ()
    assert guess in [place.id for place in found.guesses]


@pytest.mark.parametrize(
    ("locale", "typed"),
    [
        ("en", "blorptastic"),
        ("en", "the weather"),
        ("es", "xyzzy"),
        ("es", "estoy leyendo un libro"),  # "libro" is not "libre"
        ("de", "Kühlschrank"),
        ("pt_BR", "geladeira"),
        ("ru", "холодильник"),
        ("uk", "холодильник"),
        ("en", ""),
        ("en", "a " * 40),
    ],
)
def test_unknown_words_match_nothing(locale: str, typed: str) -> None:
    assert match(typed, locale).places == ()


def test_a_word_from_another_language_still_matches() -> None:
    assert [p.id for p in match("anxious", "ru").places] == [ANXIOUS]
    assert [p.id for p in match("тревожно", "en").places] == [ANXIOUS]


def test_normalise_drops_case_and_accents_but_keeps_cyrillic_letters() -> None:
    assert normalise("  Überfordert!! ") == "uberfordert"
    assert normalise("Ёлка") == "елка"
    assert normalise("брошенной й ї") == "брошенной й ї"


@pytest.mark.parametrize("locale", ["en", "es", "de", "fr", "pt_BR", "ru", "uk"])
def test_every_language_has_words_for_every_feeling(locale: str) -> None:
    from bot.feelings import load_forms
    from content.wheel import wheel

    forms = load_forms(locale)
    assert set(forms) == wheel().labels()
    assert all(2 <= len(words) <= 8 for words in forms.values())
