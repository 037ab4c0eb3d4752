"""If-then plans: a message in any supported language split into its cue and response."""

import dataclasses
from collections import Counter
from collections.abc import Sequence

import pytest

from bot.i18n import SUPPORTED_LOCALES
from bot.plans import LOCALES, Plan, parse_plan, parse_plan_in

# (locale, message, cue, response)
PLANS = [
    (
        "en",
        "If I feel anxious, I will take three slow breaths.",
        "I feel anxious",
        "I will take three slow breaths",
    ),
    (
        "en",
        "If I feel anxious I'll take three slow breaths",
        "I feel anxious",
        "I'll take three slow breaths",
    ),
    (
        "en",
        "When I wake up, then I'll drink a glass of water",
        "I wake up",
        "I'll drink a glass of water",
    ),
    ("en", "When I wake up then I will meditate 🧘", "I wake up", "I will meditate 🧘"),
    ("en", "If it rains, then take the bus", "it rains", "take the bus"),
    ("en", "If it rains then take the bus.", "it rains", "take the bus"),
    (
        "en",
        "Whenever I open Instagram, I’ll put the phone down",
        "I open Instagram",
        "I’ll put the phone down",
    ),
    ("en", "  🌧️  IF it rains  ,   I'LL take the bus 🚌 . ", "it rains", "I'LL take the bus 🚌"),
    (
        "en",
        "if my boss yells, i'm going to step outside!",
        "my boss yells",
        "i'm going to step outside!",
    ),
    ("en", "If I think I'll fail, I will call Ana", "I think I'll fail", "I will call Ana"),
    (
        "en",
        "When I feel tired, sad or lonely I will text my sister",
        "I feel tired, sad or lonely",
        "I will text my sister",
    ),
    (
        "en",
        "If Sam says <b> & I panic, then I will text Ana <3",
        "Sam says <b> & I panic",
        "I will text Ana <3",
    ),
    ("en", "When I get home - I'll go for a walk", "I get home", "I'll go for a walk"),
    ("en", "As soon as I get home, I am going to stretch", "I get home", "I am going to stretch"),
    (
        "en",
        "If I want my phone, then I will breathe, wait and read",
        "I want my phone",
        "I will breathe, wait and read",
    ),
    (
        "es",
        "Si me siento ansiosa, voy a respirar hondo.",
        "me siento ansiosa",
        "voy a respirar hondo",
    ),
    (
        "es",
        "Si me siento ansiosa voy a respirar hondo",
        "me siento ansiosa",
        "voy a respirar hondo",
    ),
    (
        "es",
        "Si me siento ansiosa, entonces salgo a caminar",
        "me siento ansiosa",
        "salgo a caminar",
    ),
    ("es", "Si me siento ansiosa entonces salgo a caminar", "me siento ansiosa", "salgo a caminar"),
    ("es", "Cuando llegue a casa, llamo a mi madre", "llegue a casa", "llamo a mi madre"),
    (
        "es",
        "Cuando termine el trabajo, entonces voy a leer 📖",
        "termine el trabajo",
        "voy a leer 📖",
    ),
    (
        "es",
        "SI TENGO TIEMPO ENTONCES VOY A LEER, ESCRIBIR Y DORMIR",
        "TENGO TIEMPO",
        "VOY A LEER, ESCRIBIR Y DORMIR",
    ),
    (
        "es",
        "Si me siento triste, sola o cansada, voy a llamar a Ana",
        "me siento triste, sola o cansada",
        "voy a llamar a Ana",
    ),
    (
        "es",
        "  😰 Si tengo un ataque de pánico   ,   cuento hasta diez.  ",
        "tengo un ataque de pánico",
        "cuento hasta diez",
    ),
    (
        "es",
        "Siempre que abra Instagram, voy a dejar el móvil",
        "abra Instagram",
        "voy a dejar el móvil",
    ),
    (
        "es",
        "Si mi jefe grita yo voy a salir a tomar aire",
        "mi jefe grita",
        "yo voy a salir a tomar aire",
    ),
    (
        "es",
        "Si Ana dice <no> & me enfado, entonces respiro",
        "Ana dice <no> & me enfado",
        "respiro",
    ),
    ("es", "En cuanto me despierte, bebo agua", "me despierte", "bebo agua"),
    (
        "de",
        "Wenn ich aufwache, meditiere ich zehn Minuten.",
        "ich aufwache",
        "meditiere ich zehn Minuten",
    ),
    ("de", "Wenn ich aufwache, dann meditiere ich", "ich aufwache", "meditiere ich"),
    ("de", "Wenn ich aufwache dann meditiere ich", "ich aufwache", "meditiere ich"),
    (
        "de",
        "Falls ich Panik bekomme, atme ich tief durch 🌬️",
        "ich Panik bekomme",
        "atme ich tief durch 🌬️",
    ),
    (
        "de",
        "Sobald ich zu Hause bin, rufe ich meine Mutter an",
        "ich zu Hause bin",
        "rufe ich meine Mutter an",
    ),
    ("de", "SOBALD ICH ZU HAUSE BIN DANN RUFE ICH AN!", "ICH ZU HAUSE BIN", "RUFE ICH AN!"),
    (
        "de",
        "  🙂 Wenn mein Chef schreit  ,  gehe ich kurz raus .  ",
        "mein Chef schreit",
        "gehe ich kurz raus",
    ),
    ("de", "Wenn ich müde bin – dann gehe ich schlafen", "ich müde bin", "gehe ich schlafen"),
    (
        "de",
        "Immer wenn ich Instagram öffne, lege ich das Handy weg",
        "ich Instagram öffne",
        "lege ich das Handy weg",
    ),
    (
        "de",
        "Falls Tom <schreibt> & ich wütend werde, dann zähle ich",
        "Tom <schreibt> & ich wütend werde",
        "zähle ich",
    ),
    (
        "de",
        "Wenn ich nervös bin, dann atme ich, trinke Wasser und gehe raus",
        "ich nervös bin",
        "atme ich, trinke Wasser und gehe raus",
    ),
    ("de", "wenn es regnet, nehme ich den Bus", "es regnet", "nehme ich den Bus"),
    ("fr", "Si je me sens anxieux, je vais respirer.", "je me sens anxieux", "je vais respirer"),
    ("fr", "Si je me sens anxieux je vais respirer", "je me sens anxieux", "je vais respirer"),
    ("fr", "Si je me sens anxieux, alors je sors marcher", "je me sens anxieux", "je sors marcher"),
    ("fr", "Si je me sens anxieux alors je sors marcher", "je me sens anxieux", "je sors marcher"),
    ("fr", "S'il pleut, je prends le bus", "il pleut", "je prends le bus"),
    ("fr", "S’il pleut alors je prends le bus ☔", "il pleut", "je prends le bus ☔"),
    ("fr", "Si j'ai peur, j'appelle Marie", "j'ai peur", "j'appelle Marie"),
    ("fr", "Quand je rentre, je range mes affaires", "je rentre", "je range mes affaires"),
    (
        "fr",
        "Lorsque mon chef crie, alors je sors prendre l'air",
        "mon chef crie",
        "je sors prendre l'air",
    ),
    ("fr", "Lorsqu'il fait nuit, je vais lire 📖", "il fait nuit", "je vais lire 📖"),
    (
        "fr",
        "  🙂 QUAND JE ME RÉVEILLE   ,  JE BOIS DE L'EAU .  ",
        "JE ME RÉVEILLE",
        "JE BOIS DE L'EAU",
    ),
    (
        "fr",
        "Dès que je rentre, je vais marcher, lire et dormir",
        "je rentre",
        "je vais marcher, lire et dormir",
    ),
    (
        "fr",
        "Si Paul dit <non> & je panique, alors je respire",
        "Paul dit <non> & je panique",
        "je respire",
    ),
    (
        "pt_BR",
        "Se eu me sentir ansiosa, vou respirar fundo.",
        "eu me sentir ansiosa",
        "vou respirar fundo",
    ),
    (
        "pt_BR",
        "Se eu me sentir ansiosa vou respirar fundo",
        "eu me sentir ansiosa",
        "vou respirar fundo",
    ),
    (
        "pt_BR",
        "Se eu me sentir ansiosa, então saio para caminhar",
        "eu me sentir ansiosa",
        "saio para caminhar",
    ),
    (
        "pt_BR",
        "Se eu me sentir ansiosa então saio para caminhar",
        "eu me sentir ansiosa",
        "saio para caminhar",
    ),
    ("pt_BR", "Quando eu acordar, bebo um copo de água", "eu acordar", "bebo um copo de água"),
    ("pt_BR", "Quando eu acordar eu vou meditar 🧘", "eu acordar", "eu vou meditar 🧘"),
    (
        "pt_BR",
        "Quando chegar em casa entao ligo pra minha mãe",
        "chegar em casa",
        "ligo pra minha mãe",
    ),
    (
        "pt_BR",
        "  😰 SE EU TIVER UM ATAQUE DE PÂNICO  ,  CONTO ATÉ DEZ .  ",
        "EU TIVER UM ATAQUE DE PÂNICO",
        "CONTO ATÉ DEZ",
    ),
    (
        "pt_BR",
        "Sempre que abrir o Instagram, vou largar o celular",
        "abrir o Instagram",
        "vou largar o celular",
    ),
    ("pt_BR", "Assim que eu chegar – vou tomar banho", "eu chegar", "vou tomar banho"),
    (
        "pt_BR",
        "Se eu me sentir triste, sozinha ou cansada, vou ligar pra Ana",
        "eu me sentir triste, sozinha ou cansada",
        "vou ligar pra Ana",
    ),
    (
        "pt_BR",
        "Se o chefe gritar <alto> & eu travar, então respiro",
        "o chefe gritar <alto> & eu travar",
        "respiro",
    ),
    (
        "ru",
        "Если я почувствую тревогу, я сделаю три вдоха.",
        "я почувствую тревогу",
        "я сделаю три вдоха",
    ),
    (
        "ru",
        "Если я почувствую тревогу, то я сделаю три вдоха",
        "я почувствую тревогу",
        "я сделаю три вдоха",
    ),
    (
        "ru",
        "Если я почувствую тревогу то сделаю три вдоха",
        "я почувствую тревогу",
        "сделаю три вдоха",
    ),
    (
        "ru",
        "Если я почувствую тревогу я сделаю три вдоха",
        "я почувствую тревогу",
        "я сделаю три вдоха",
    ),
    ("ru", "Когда я проснусь, я буду медитировать 🧘", "я проснусь", "я буду медитировать 🧘"),
    ("ru", "Когда я проснусь я буду медитировать", "я проснусь", "я буду медитировать"),
    ("ru", "Если я устану — лягу спать", "я устану", "лягу спать"),
    ("ru", "Если что-то пойдёт не так то я позвоню маме", "что-то пойдёт не так", "я позвоню маме"),
    (
        "ru",
        "  😰 ЕСЛИ НАЧНЁТСЯ ПАНИКА  ,  ТОГДА СЧИТАЮ ДО ДЕСЯТИ .  ",
        "НАЧНЁТСЯ ПАНИКА",
        "СЧИТАЮ ДО ДЕСЯТИ",
    ),
    ("ru", "Как только приду домой, позвоню маме", "приду домой", "позвоню маме"),
    (
        "ru",
        "Если начальник кричит <громко> & я злюсь, то выхожу",
        "начальник кричит <громко> & я злюсь",
        "выхожу",
    ),
    (
        "ru",
        "Когда мне грустно, то я гуляю, пью чай и звоню подруге",
        "мне грустно",
        "я гуляю, пью чай и звоню подруге",
    ),
    ("uk", "Якщо я відчую тривогу, я зроблю три вдихи.", "я відчую тривогу", "я зроблю три вдихи"),
    ("uk", "Якщо я відчую тривогу, то зроблю три вдихи", "я відчую тривогу", "зроблю три вдихи"),
    ("uk", "Якщо я відчую тривогу то зроблю три вдихи", "я відчую тривогу", "зроблю три вдихи"),
    ("uk", "Якщо я відчую тривогу я зроблю три вдихи", "я відчую тривогу", "я зроблю три вдихи"),
    ("uk", "Коли я прокинуся, я буду медитувати 🧘", "я прокинуся", "я буду медитувати 🧘"),
    ("uk", "Коли я прокинуся я буду медитувати", "я прокинуся", "я буду медитувати"),
    ("uk", "Якщо я втомлюся — ляжу спати", "я втомлюся", "ляжу спати"),
    ("uk", "Коли щось піде не так, тоді я подзвоню мамі", "щось піде не так", "я подзвоню мамі"),
    (
        "uk",
        "  😰 ЯКЩО ПОЧНЕТЬСЯ ПАНІКА  ,  ТО РАХУЮ ДО ДЕСЯТИ .  ",
        "ПОЧНЕТЬСЯ ПАНІКА",
        "РАХУЮ ДО ДЕСЯТИ",
    ),
    ("uk", "Як тільки прийду додому, подзвоню мамі", "прийду додому", "подзвоню мамі"),
    (
        "uk",
        "Якщо начальник кричить <голосно> & я злюся, то виходжу",
        "начальник кричить <голосно> & я злюся",
        "виходжу",
    ),
    (
        "uk",
        "Коли мені сумно, то я гуляю, п'ю чай і дзвоню подрузі",
        "мені сумно",
        "я гуляю, п'ю чай і дзвоню подрузі",
    ),
]

# (locale, message): not a plan, in its own language or in any other.
NOT_PLANS = [
    ("en", "I wonder if it helps"),
    ("en", "What if I fail?"),
    ("en", "If I feel anxious"),
    ("en", "If I feel anxious, I will"),
    ("en", "Then I will call Ana"),
    ("en", "When I was a kid, I loved the sea"),
    ("en", "If I feel anxious, breathe"),
    ("en", "If so, I'll go"),
    ("en", "If it rains, then what?"),
    ("en", "I will call Ana if I feel anxious"),
    ("en", ""),
    ("en", "   "),
    ("es", "No sé si puedo"),
    ("es", "¿Y si fallo?"),
    ("es", "Si me siento ansiosa"),
    ("es", "Si me siento ansiosa, entonces"),
    ("es", "Entonces voy a llamar a Ana"),
    ("es", "Cuando era niña me gustaba el mar"),
    ("es", "Si fallo, ¿entonces qué?"),
    ("de", "Was wäre, wenn ich scheitere?"),
    ("de", "Ich weiß nicht, wenn das hilft"),
    ("de", "Wenn ich nervös bin"),
    ("de", "Wenn ich nervös bin, dann"),
    ("de", "Dann rufe ich Anna an"),
    ("de", "Wenn ich aufwache meditiere ich"),
    ("de", "Wenn ich scheitere, was dann?"),
    ("fr", "Je me demande si ça aide"),
    ("fr", "Et si j'échoue ?"),
    ("fr", "Si je me sens anxieux"),
    ("fr", "Si je me sens anxieux, alors"),
    ("fr", "Alors je vais appeler Marie"),
    ("fr", "Quand j'étais petite j'aimais la mer"),
    ("fr", "Si j'échoue, alors quoi ?"),
    ("pt_BR", "Não sei se consigo"),
    ("pt_BR", "E se eu falhar?"),
    ("pt_BR", "Se eu me sentir ansiosa"),
    ("pt_BR", "Se eu me sentir ansiosa, então"),
    ("pt_BR", "Então vou ligar pra Ana"),
    ("pt_BR", "Quando eu era criança gostava do mar"),
    ("pt_BR", "Se eu falhar, então o quê?"),
    ("ru", "Не знаю, если это поможет"),
    ("ru", "А что, если я не справлюсь?"),
    ("ru", "Если я почувствую тревогу"),
    ("ru", "Если я почувствую тревогу, то"),
    ("ru", "То я позвоню маме"),
    ("ru", "Когда я был маленьким я любил море"),
    ("ru", "Если я сорвусь, то что?"),
    ("uk", "Не знаю, якщо це допоможе"),
    ("uk", "А що, якщо я не впораюся?"),
    ("uk", "Якщо я відчую тривогу"),
    ("uk", "Якщо я відчую тривогу, то"),
    ("uk", "То я подзвоню мамі"),
    ("uk", "Коли я був малим я любив море"),
    ("uk", "Якщо я зірвуся, то що?"),
]


def _ids(rows: Sequence[tuple[str, ...]]) -> list[str]:
    return [f"{row[0]}:{row[1][:40]}" for row in rows]


@pytest.mark.parametrize(("locale", "text", "cue", "response"), PLANS, ids=_ids(PLANS))
def test_a_plan_splits_in_its_language(locale: str, text: str, cue: str, response: str) -> None:
    assert parse_plan_in(text, locale) == Plan(cue=cue, response=response, locale=locale)


@pytest.mark.parametrize(("locale", "text", "cue", "response"), PLANS, ids=_ids(PLANS))
def test_a_plan_is_found_without_knowing_its_language(
    locale: str, text: str, cue: str, response: str
) -> None:
    assert parse_plan(text) == Plan(cue=cue, response=response, locale=locale)


@pytest.mark.parametrize(("locale", "text"), NOT_PLANS, ids=_ids(NOT_PLANS))
def test_not_a_plan(locale: str, text: str) -> None:
    assert parse_plan_in(text, locale) is None
    assert parse_plan(text) is None


@pytest.mark.parametrize(
    ("text", "locale"),
    [
        # "Si" opens Spanish and French plans: a "then"-word or a future marks the language...
        ("Si je suis fatiguée, je vais dormir", "fr"),
        ("Si estoy cansada, voy a dormir", "es"),
        ("Si je suis fatiguée, alors je dors", "fr"),
        # ...and, with a bare comma, the language's common words.
        ("Si j'ai peur, j'appelle Marie", "fr"),
        ("Si me siento mal, llamo a Ana", "es"),
    ],
)
def test_the_language_sharing_an_opening_word(text: str, locale: str) -> None:
    plan = parse_plan(text)
    assert plan is not None
    assert plan.locale == locale


def test_a_plan_read_in_another_language_is_none() -> None:
    text = "If I feel anxious, I'll take three breaths"
    assert parse_plan_in(text, "en") is not None
    assert [parse_plan_in(text, locale) for locale in LOCALES if locale != "en"] == [None] * 6


def test_a_long_plan_is_still_a_plan() -> None:
    response = "I will " + "breathe slowly and " * 60 + "call Ana"
    assert len(response) > 1000
    assert parse_plan(f"If I feel anxious, {response}.") == Plan("I feel anxious", response, "en")


def test_an_unknown_locale_is_an_error() -> None:
    with pytest.raises(ValueError, match="xx"):
        parse_plan_in("If I feel anxious, I'll breathe", "xx")


def test_every_supported_language_has_a_grammar() -> None:
    assert LOCALES == SUPPORTED_LOCALES


def test_a_plan_is_frozen() -> None:
    plan = Plan("I feel anxious", "I'll breathe", "en")
    with pytest.raises(dataclasses.FrozenInstanceError):
        plan.cue = "x"  # type: ignore[misc]


def test_the_tables_cover_every_language() -> None:
    plans = Counter(row[0] for row in PLANS)
    not_plans = Counter(row[0] for row in NOT_PLANS)
    assert all(plans[locale] >= 10 for locale in SUPPORTED_LOCALES), plans
    assert all(not_plans[locale] >= 5 for locale in SUPPORTED_LOCALES), not_plans
