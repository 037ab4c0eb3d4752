"""Coaching an if-then plan: the time and feeling a cue names, and vague cues and responses."""

from collections import Counter
from collections.abc import Callable, Sequence
from datetime import time

import pytest

from bot.plan_coach import TimeCue, feeling_family, time_cue, vague_cue, vague_response
from bot.plans import LOCALES

ALL = frozenset(range(7))
WORKDAYS = frozenset(range(5))
WEEKEND = frozenset({5, 6})


def _at(days: frozenset[int] | set[int], hour: int, minute: int = 0) -> TimeCue:
    return TimeCue(weekdays=frozenset(days), at=time(hour, minute))


# (locale, cue, the time cue it names; a bare number needs a time preposition)
TIME_CUES = [
    ("en", "it's Monday morning", _at({0}, 8)),
    ("en", "on Mondays", _at({0}, 9)),
    ("en", "I leave at 8 before work", _at(ALL, 8)),
    ("en", "it's 8 before work", None),
    ("en", "it's 8 pm", _at(ALL, 20)),
    ("en", "I'm still up at 8 in the evening", _at(ALL, 20)),
    ("en", "I finish work at 5:30pm on weekdays", _at(WORKDAYS, 17, 30)),
    ("en", "I wake up at the weekend", _at(WEEKEND, 9)),
    ("en", "it's noon every day", _at(ALL, 12, 30)),
    ("en", "it's Sunday night at 11", _at({6}, 23)),
    ("en", "I'm awake at 2 at night", _at(ALL, 2)),
    ("en", "I get home on Tuesdays and Thursdays", _at({1, 3}, 9)),
    ("es", "son las 8 antes del trabajo", _at(ALL, 8)),
    ("es", "los lunes", _at({0}, 9)),
    ("es", "los lunes por la mañana", _at({0}, 8)),
    ("es", "son las 8 de la tarde", _at(ALL, 20)),
    ("es", "estoy sola por la noche", _at(ALL, 22)),
    ("es", "llego a las 9:30 entre semana", _at(WORKDAYS, 9, 30)),
    ("es", "el sábado a mediodía", _at({5}, 12, 30)),
    ("es", "los fines de semana", _at(WEEKEND, 9)),
    ("de", "montags", _at({0}, 9)),
    ("de", "es Montag ist", _at({0}, 9)),
    ("de", "ich montagabends allein bin", _at({0}, 19)),
    ("de", "ich um 8 vor der Arbeit aufstehe", _at(ALL, 8)),
    ("de", "es 8 Uhr ist", _at(ALL, 8)),
    ("de", "ich um 7 abends heimkomme", _at(ALL, 19)),
    ("de", "ich am Wochenende nachmittags zu Hause bin", _at(WEEKEND, 15)),
    ("de", "ich werktags um 6:45 aufstehe", _at(WORKDAYS, 6, 45)),
    ("fr", "c'est le lundi", _at({0}, 9)),
    ("fr", "c'est le lundi matin", _at({0}, 8)),
    ("fr", "il est 8h avant le travail", _at(ALL, 8)),
    ("fr", "je rentre à 8 heures du soir", _at(ALL, 20)),
    ("fr", "il est 20h30", _at(ALL, 20, 30)),
    ("fr", "je suis seule l'après-midi", _at(ALL, 15)),
    ("fr", "je mange à midi", _at(ALL, 12, 30)),
    ("fr", "c'est le week-end", _at(WEEKEND, 9)),
    ("pt_BR", "for às segundas", _at({0}, 9)),
    ("pt_BR", "for às segundas de manhã", _at({0}, 8)),
    ("pt_BR", "eu acordar às 8 antes do trabalho", _at(ALL, 8)),
    ("pt_BR", "eu chegar às 7 da noite", _at(ALL, 19)),
    ("pt_BR", "for segunda-feira à tarde", _at({0}, 15)),
    ("pt_BR", "for no fim da tarde", _at(ALL, 19)),
    ("pt_BR", "for nos fins de semana", _at(WEEKEND, 9)),
    ("pt_BR", "for às terças e quintas", _at({1, 3}, 9)),
    ("ru", "по понедельникам", _at({0}, 9)),
    ("ru", "в понедельник утром", _at({0}, 8)),
    ("ru", "я встаю в 8 перед работой", _at(ALL, 8)),
    ("ru", "в 8 вечера", _at(ALL, 20)),
    ("ru", "я не сплю в 2 часа ночи", _at(ALL, 2)),
    ("ru", "в 3 часа дня", _at(ALL, 15)),
    ("ru", "в выходные", _at(WEEKEND, 9)),
    ("ru", "в среду вечером", _at({2}, 19)),
    ("uk", "щопонеділка", _at({0}, 9)),
    ("uk", "у понеділок вранці", _at({0}, 8)),
    ("uk", "я встаю о 8 перед роботою", _at(ALL, 8)),
    ("uk", "о 8 вечора", _at(ALL, 20)),
    ("uk", "щоп'ятниці ввечері", _at({4}, 19)),
    ("uk", "на вихідних", _at(WEEKEND, 9)),
    ("uk", "о 7:30 щодня", _at(ALL, 7, 30)),
    ("uk", "у неділю вночі", _at({6}, 22)),
]

# (locale, cue): no time, part of day or weekday, even with a number in it.
NOT_TIME_CUES = [
    ("en", "I have 3 tasks"),
    ("en", "I sleep less than 6 hours"),
    ("en", "I drink more than 2 coffees"),
    ("en", "I get home late"),
    ("en", "I'm awake at 25"),
    ("es", "llego tarde"),
    ("es", "tengo 3 tareas"),
    ("es", "duermo menos de 6 horas"),
    ("es", "mañana tengo un examen"),
    ("de", "ich morgen aufwache"),
    ("de", "ich 3 Aufgaben habe"),
    ("de", "ich weniger als 6 Stunden schlafe"),
    ("de", "ich ab 3 Aufgaben gestresst bin"),
    ("fr", "je dors moins de 6h"),
    ("fr", "j'ai 3 tâches"),
    ("fr", "je prends le petit-déjeuner"),
    ("fr", "mon patron crie"),
    ("pt_BR", "eu chegar tarde"),
    ("pt_BR", "errar na segunda vez"),
    ("pt_BR", "dormir menos de 6 horas"),
    ("pt_BR", "eu tiver 3 tarefas"),
    ("ru", "у меня 3 задачи"),
    ("ru", "я сплю меньше 6 часов"),
    ("ru", "в 3 раза больше дел"),
    ("ru", "начальник кричит"),
    ("uk", "серед людей"),
    ("uk", "у мене 3 завдання"),
    ("uk", "я сплю менше 6 годин"),
    ("uk", "начальник кричить"),
]

# (locale, cue, family of its first feeling, or None)
FEELINGS = [
    ("en", "I feel anxious at work", "fearful"),
    ("en", "I get angry and then sad", "angry"),
    ("en", "I feel sad and angry", "sad"),
    ("en", "I feel let down", "angry"),
    ("en", "I get home late", None),
    ("en", "my boss yells", None),
    ("es", "me siento ansiosa", "fearful"),
    ("es", "estoy triste", "sad"),
    ("es", "me enojo con mi hermano", "angry"),
    ("es", "llego a casa", None),
    ("es", "son las 8 antes del trabajo", None),
    ("de", "ich wütend werde", "angry"),
    ("de", "ich mich ängstlich fühle", "fearful"),
    ("de", "ich traurig bin", "sad"),
    ("de", "ich nach Hause komme", None),
    ("de", "es passiert", None),
    ("fr", "je me sens seul", "sad"),
    ("fr", "je suis en colère", "angry"),
    ("fr", "j'ai peur", "fearful"),
    ("fr", "je rentre du travail", None),
    ("fr", "ça arrive", None),
    ("pt_BR", "eu ficar com raiva", "angry"),
    ("pt_BR", "eu me sentir ansiosa", "fearful"),
    ("pt_BR", "estiver triste", "sad"),
    ("pt_BR", "eu chegar em casa", None),
    ("pt_BR", "acontecer", None),
    ("ru", "Когда мне тревожно", "fearful"),
    ("ru", "я злюсь", "angry"),
    ("ru", "мне грустно", "sad"),
    ("ru", "я приду домой", None),
    ("ru", "что", None),
    ("uk", "мені тривожно", "fearful"),
    ("uk", "я злюся", "angry"),
    ("uk", "мені сумно", "sad"),
    ("uk", "я прийду додому", None),
    ("uk", "щось", None),
]

# (locale, cue, whether it is vague)
CUES = [
    ("en", "it happens", True),
    ("en", "things get bad", True),
    ("en", "it gets hard", True),
    ("en", "I feel bad", True),  # the wheel's catch-all core names no particular feeling
    ("en", "I wake up", False),
    ("en", "I open Instagram", False),
    ("en", "I feel anxious", False),
    ("en", "it's Monday morning", False),
    ("en", "the thing with the person comes up again", False),
    ("es", "pase", True),
    ("es", "todo va mal", True),
    ("es", "las cosas se complican", True),
    ("es", "llego a casa", False),
    ("es", "me despierto", False),
    ("es", "me siento ansiosa", False),
    ("de", "es passiert", True),
    ("de", "es schlimm wird", True),
    ("de", "es nicht klappt", True),
    ("de", "ich aufwache", False),
    ("de", "ich im Büro bin", False),
    ("de", "ich wütend werde", False),
    ("fr", "ça arrive", True),
    ("fr", "ça va mal", True),
    ("fr", "c'est dur", True),
    ("fr", "je rentre du travail", False),
    ("fr", "je me lève", False),
    ("fr", "le lundi matin", False),
    ("pt_BR", "acontecer", True),
    ("pt_BR", "der errado", True),
    ("pt_BR", "as coisas piorarem", True),
    ("pt_BR", "eu chegar em casa", False),
    ("pt_BR", "eu acordar", False),
    ("pt_BR", "eu ficar com raiva", False),
    ("ru", "что", True),
    ("ru", "все плохо", True),
    ("ru", "что-то случится", True),
    ("ru", "я приду домой", False),
    ("ru", "я на работе", False),
    ("ru", "мне тревожно", False),
    ("uk", "щось", True),
    ("uk", "все погано", True),
    ("uk", "щось станеться", True),
    ("uk", "я прийду додому", False),
    ("uk", "я на роботі", False),
    ("uk", "мені сумно", False),
]

# (locale, response, whether it is vague)
RESPONSES = [
    ("en", "I will cope", True),
    ("en", "I'll manage", True),
    ("en", "I will try to be better", True),
    ("en", "I'll do my best", True),
    ("en", "I'll try my best to stay calm", True),
    ("en", "I'll " + "breathe and " * 13 + "rest", True),
    ("en", "I will take three slow breaths", False),
    ("en", "I'll try the 5-4-3-2-1 exercise", False),
    ("en", "I will call Ana", False),
    ("en", "I'm going to go for a walk", False),
    ("es", "voy a intentar estar mejor", True),
    ("es", "lo intentaré", True),
    ("es", "voy a tratar de calmarme", True),
    ("es", "haré lo que pueda", True),
    ("es", "voy a llamar a mi hermana", False),
    ("es", "voy a respirar hondo tres veces", False),
    ("es", "salgo a caminar diez minutos", False),
    ("es", "voy a intentar el ejercicio 5-4-3-2-1", False),
    ("de", "versuche ich es", True),
    ("de", "werde ich ruhig bleiben", True),
    ("de", "werde ich es schaffen", True),
    ("de", "mache ich einen kurzen Spaziergang", False),
    ("de", "rufe ich Anna an", False),
    ("de", "trinke ich ein Glas Wasser", False),
    ("de", "atme ich dreimal tief durch", False),
    ("fr", "je vais essayer", True),
    ("fr", "j'essaierai de me calmer", True),
    ("fr", "je vais faire de mon mieux", True),
    ("fr", "je vais boire un verre d'eau", False),
    ("fr", "j'appelle Marie", False),
    ("fr", "je sors marcher dix minutes", False),
    ("fr", "je vais essayer de compter jusqu'à dix", False),
    ("pt_BR", "vou tentar", True),
    ("pt_BR", "vou tentar ficar bem", True),
    ("pt_BR", "vou fazer o meu melhor", True),
    ("pt_BR", "vou respirar fundo três vezes", False),
    ("pt_BR", "vou ligar pra minha irmã", False),
    ("pt_BR", "bebo um copo de água", False),
    ("pt_BR", "vou tentar o exercício 5-4-3-2-1", False),
    ("ru", "я постараюсь", True),
    ("ru", "я справлюсь", True),
    ("ru", "я постараюсь успокоиться", True),
    ("ru", "я попробую не волноваться", True),
    ("ru", "я сделаю три медленных вдоха", False),
    ("ru", "позвоню маме", False),
    ("ru", "я выпью стакан воды", False),
    ("ru", "я попробую упражнение 5-4-3-2-1", False),
    ("uk", "я спробую", True),
    ("uk", "я впораюся", True),
    ("uk", "я спробую заспокоїтися", True),
    ("uk", "я зроблю все можливе", True),
    ("uk", "я зроблю три повільних вдихи", False),
    ("uk", "подзвоню мамі", False),
    ("uk", "я вип'ю склянку води", False),
    ("uk", "рахую до десяти", False),
]

ODD_TEXTS = ["", "   ", "🙂 🙂 🙂", "12345678901234567890", "at", "at 25:99", "𝟖:30 ٨", "\x00\n\t"]
ODD_TEXTS.append("a" * 5000)


def _ids(rows: Sequence[tuple[object, ...]]) -> list[str]:
    return [f"{row[0]}:{str(row[1])[:40]}" for row in rows]


@pytest.mark.parametrize(("locale", "cue", "expected"), TIME_CUES, ids=_ids(TIME_CUES))
def test_the_time_a_cue_names(locale: str, cue: str, expected: TimeCue | None) -> None:
    assert time_cue(cue, locale) == expected


@pytest.mark.parametrize(("locale", "cue"), NOT_TIME_CUES, ids=_ids(NOT_TIME_CUES))
def test_a_cue_naming_no_time(locale: str, cue: str) -> None:
    assert time_cue(cue, locale) is None


@pytest.mark.parametrize(("locale", "cue", "family"), FEELINGS, ids=_ids(FEELINGS))
def test_the_feeling_a_cue_names(locale: str, cue: str, family: str | None) -> None:
    assert feeling_family(cue, locale) == family


def test_a_feeling_is_found_past_the_typed_feeling_limit() -> None:
    cue = "I come back from a long day at the office and feel anxious"
    assert len(cue.split()) > 8
    assert feeling_family(cue, "en") == "fearful"


def test_a_feeling_in_another_language_is_found_too() -> None:
    assert feeling_family("je suis en colère", "en") == "angry"


@pytest.mark.parametrize(("locale", "cue", "vague"), CUES, ids=_ids(CUES))
def test_a_vague_cue(locale: str, cue: str, vague: bool) -> None:
    assert vague_cue(cue, locale) is vague


@pytest.mark.parametrize(("locale", "response", "vague"), RESPONSES, ids=_ids(RESPONSES))
def test_a_vague_response(locale: str, response: str, vague: bool) -> None:
    assert vague_response(response, locale) is vague


CHECKS: list[Callable[[str, str], object]] = [time_cue, feeling_family, vague_cue, vague_response]


@pytest.mark.parametrize("check", CHECKS, ids=lambda check: check.__name__)
def test_an_unknown_locale_is_an_error(check: Callable[[str, str], object]) -> None:
    with pytest.raises(ValueError, match="xx"):
        check("If I feel anxious", "xx")


@pytest.mark.parametrize("locale", LOCALES)
def test_odd_text_never_fails(locale: str) -> None:
    for text in ODD_TEXTS:
        assert time_cue(text, locale) is None
        assert feeling_family(text, locale) is None
        assert vague_cue(text, locale) is True
        assert isinstance(vague_response(text, locale), bool)
    assert vague_response("🙂 🙂 🙂", locale) is True


def test_a_time_cue_is_frozen() -> None:
    cue = _at(ALL, 8)
    with pytest.raises(AttributeError):
        cue.at = time(9)  # type: ignore[misc]


def test_the_tables_cover_every_language() -> None:
    def count(rows: Sequence[tuple[object, ...]], *values: object) -> Counter[object]:
        return Counter(row[0] for row in rows if not values or row[-1] in values)

    minimums = [
        (count(TIME_CUES), 6),
        (count(NOT_TIME_CUES), 4),
        (count(FEELINGS, *{row[2] for row in FEELINGS} - {None}), 3),
        (count(FEELINGS, None), 2),
        (count(CUES, True), 3),
        (count(CUES, False), 3),
        (count(RESPONSES, True), 3),
        (count(RESPONSES, False), 4),
    ]
    for counts, minimum in minimums:
        assert all(counts[locale] >= minimum for locale in LOCALES), counts


def test_the_bare_word_bad_names_no_feeling_to_bring_a_plan_back_for() -> None:
    """ "If things get bad" is a vague cue, not the wheel's "Bad" family (bored, busy,
    stressed, tired): a plan about it is not shown after every such check-in."""
    assert feeling_family("things get bad", "en") is None
    assert feeling_family("todo va mal", "es") is None
    assert feeling_family("I feel stressed after work", "en") == "bad"
