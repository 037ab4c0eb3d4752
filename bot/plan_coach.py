"""Coaching an if-then plan: what its cue names, and whether cue and response are concrete.

The cue and response are the person's words from bot.plans (no "if"/"then" keywords). Each
function reads them in one language (bot.plans.LOCALES; any other raises ValueError) and
never fails on odd text. Words are compared without case or accents (ё is е, й stays).

- time_cue: the weekdays and time of day a cue names, or None when it names neither.
  Weekdays are their names in any form ("on Mondays", "los lunes", "montags", "по
  понедельникам", "щопонеділка"), "weekdays" (Monday to Friday), "weekend" (Saturday and
  Sunday) or "every day" (all seven, as when no weekday is named). The time is a clock
  time, else the usual time of a part of day (morning 08:00, noon or lunch 12:30,
  afternoon 15:00, evening 19:00, night 22:00), else 09:00 when only weekdays are named.
  A clock time is a number right after a time preposition ("at 8", "a las 8", "um 8",
  "à 8", "às 8", "в 8", "о 8"), or a form that is a time on its own ("8:30", "8pm",
  "20h", "8 Uhr"), read by bot.times.parse_time. A number after an amount word ("less
  than 6h") or before a unit ("at 3 times") is no time. A bare hour under 12 is in the
  afternoon with an afternoon or evening word ("at 8 in the evening" is 20:00), and with
  a night word from 6 on ("at 11 at night" is 23:00, "at 2 at night" stays 02:00).
- feeling_family: the wheel family ("fearful", "angry"...) of the first feeling word in
  the cue, in bot.feelings' vocabulary (the person's language first, then the others),
  scanning chunks of 3, 2 and 1 words as bot.feelings does, with no limit on length. A
  word naming several places belongs to the first of them in the wheel's order.
- vague_cue: a short cue (under 5 words) naming no time, no feeling and no place or
  situation ("work", "home", "wake up", "after"...). The bare catch-all core feeling
  "Bad" ("if things get bad", "si todo va mal") does not make a cue concrete.
- vague_response: a response that is not one concrete action: fewer than 2 words or more
  than 25 once its opening "then"-word and future ("I will", "voy a", "я буду") are left
  out, or nothing but vague phrases ("try", "cope", "be calm", "do my best") and filler
  words ("to", "it", "my"). "I'll try the 5-4-3-2-1 exercise" is concrete.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import time
from functools import cache

from bot.feelings import MIN_STEM, normalise, stem, vocabulary
from bot.plans import LOCALES
from bot.times import parse_time
from content.wheel import Place, wheel

ALL_DAYS = frozenset(range(7))
WORKDAYS = frozenset(range(5))
WEEKEND = frozenset({5, 6})
PART_TIMES = {
    "morning": time(8), "noon": time(12, 30), "afternoon": time(15), "evening": time(19),
    "night": time(22),
}  # fmt: skip
WEEKDAY_TIME = time(9, 0)  # a weekday named with no time and no part of day
MIN_CONCRETE_WORDS = 5  # a cue this long describes a situation
MIN_ACTION_WORDS = 2
MAX_ACTION_WORDS = 25  # longer is not a couple of minutes' action
_PM_PARTS = frozenset({"afternoon", "evening"})
_NIGHT_PM_FROM = 6


@dataclass(frozen=True)
class TimeCue:
    weekdays: frozenset[int]  # Monday = 0 ... Sunday = 6; all seven when the cue names no weekday
    at: time  # the time named, or the usual time of the part of day named


@dataclass(frozen=True)
class _Lang:
    """One language's words, as regexes matched on folded text, whole words only."""

    days: tuple[str, ...]  # Monday ... Sunday, then weekdays, weekend, every day (_DAY_SETS)
    parts: tuple[str, ...]  # morning, noon, afternoon, evening, night (PART_TIMES)
    at: str  # time prepositions right before a bare hour (matched with accents)
    amount: str  # words before a number that make it an amount ("less than 6h")
    units: str  # words after a number that make it an amount ("at 3 times")
    places: str  # places and situations
    lead: str  # "then"-words, pronoun and future opening a response (words)
    pronoun: str  # the subject pronoun, left out anywhere when counting words
    vague: str  # vague verb phrases
    fillers: str  # words that add nothing concrete to a vague phrase


_DAY_SETS = (*(frozenset({day}) for day in range(7)), WORKDAYS, WEEKEND, ALL_DAYS)


def _pt_day(day: str) -> str:
    """Portuguese weekdays double as ordinals ("segunda vez"): "-feira" or a preposition."""
    return rf"{day}s?[- ]feiras?|(?:na|nas|as|a|e|toda|todas as|cada|aos) {day}s?(?! vez)"


_LANGS: dict[str, _Lang] = {
    "en": _Lang(
        days=("mondays?", "tuesdays?", "wednesdays?", "thursdays?", "fridays?", "saturdays?",
              "sundays?", r"weekdays?|workdays?|work days|working days", r"weekends?",
              r"every ?day|each day|daily"),
        parts=(r"mornings?", r"noon|midday|lunch\w*", r"afternoons?", r"evenings?|tonight",
               r"nights?"),
        at=r"at|around|at around|at about|@", amount=r"than|for",
        units=r"times|tasks?|things?|hours?|minutes?|mins|days?|people|percent|drinks?",
        places=r"work|working|workplace|job|home|house|office|bed\w*|bus|train|car|driv\w*|"
        r"commut\w*|school|class\w*|college|meetings?|lunch|dinner|breakfast|meals?|eat\w*|phone|"
        r"shower\w*|bath|wake|wakes|waking|woke|get up|gets up|getting up|arriv\w*|leav\w*|after|"
        r"before|during|boss|partner|mom|mum|dad|kids?|call\w*|texts?|emails?|gym|kitchen|store|"
        r"shop\w*|part(?:y|ies)|doctor|therapy|session|scroll\w*|instagram|tiktok|walk\w*|"
        r"sleep\w*|argu\w*|fight\w*|coffee|alcohol",
        lead="then i will ll shall am m going gonna to", pronoun="i",
        vague=r"try\w*|attempt|cope|manage|deal with|deal|handle|(?:be|do|feel|get) better|"
        r"be (?:calm|ok|okay|fine|positive|strong|good|careful)|stay (?:calm|positive|strong)|"
        r"keep calm|calm down|relax|think positive\w*|not (?:worry|panic|stress|overthink|give up)|"
        r"stop worrying|do (?:my best|something|it)|get through|push through|figure out|survive|"
        r"work on",
        fillers="to it this that with my myself the a an and or just really somehow more again "
        "anyway best things everything all of so be well way some harder too",
    ),
    "es": _Lang(
        days=("lunes", "martes", "miercoles", "jueves", "viernes", "sabados?", "domingos?",
              r"entre semana|dias? (?:laborables?|habiles|de (?:la )?semana)",
              r"fin(?:es)? de semana|finde", r"todos los dias|cada dia|a diario"),
        parts=(r"(?:la|las|cada|esta|una) mananas?", r"mediodia|almuerzo|almorzar|hora de comer",
               r"(?:la|las|cada|esta|una|media) tardes?", r"atardecer|anochecer", r"noches?"),
        at=r"las?|a eso de las?", amount=r"menos de|mas de|durante|unas|unos",
        units=r"veces|tareas?|cosas?|minutos?|dias?|personas?|por ciento",
        places=r"trabaj\w*|oficina|casa|cama|autobus|bus|metro|coche|carro|escuela|colegio|"
        r"clases?|universidad|facu\w*|reunion\w*|almuerz\w*|comida|cena\w*|desayun\w*|telefono|"
        r"movil|celular|ducha\w*|despiert\w*|levant\w*|lleg\w*|salg\w*|salir|despues|antes|"
        r"durante|jef[ea]|mama|papa|hij[oa]s?|pareja|gimnasio|cocina|tienda|fiesta|medico|"
        r"terapia|redes|camin\w*|dorm\w*|discut\w*|pele\w*",
        lead="entonces yo voy a", pronoun="yo",
        vague=r"intent\w*|trat\w* de|procur\w*|estar (?:mejor|bien|tranquil[oa])|sentirme mejor|"
        r"calmarme|tranquilizarme|relajarme|manejarlo|afrontarlo|lidiar con|superarlo|aguantar|"
        r"ser positiv[oa]|pensar en positivo|no preocuparme|esforzarme|mejorar|sobrellevarlo|"
        r"(?:hacer|hare) (?:lo que pueda|lo mejor posible|algo|mi mejor esfuerzo)|"
        r"me (?:calmare|relajare|tranquilizare)|lo (?:intentare|manejare)",
        fillers="lo la a de con eso esto ello mi me el y o mas mejor bien un poco todo posible "
        "que pueda",
    ),
    "de": _Lang(
        days=(r"montag\w*", r"dienstag\w*", r"mittwoch\w*", r"donnerstag\w*", r"freitag\w*",
              r"samstag\w*|sonnabend\w*", r"sonntag\w*",
              r"werktag\w*|wochentag\w*|unter der woche", r"wochenend\w*", r"jeden tag|taglich"),
        parts=(r"(?:am|jeden|diesen) morgen|(?:\w*tag|fruh)morgens?|morgens|(?:\w*tag)?vormittags?",
               r"(?:\w*tag)?mittags?|mittagspause|mittagessen", r"(?:\w*tag)?nachmittags?",
               r"(?:\w*tag)?abends?", r"(?:\w*tag)?nachts?|in der nacht"),
        at=r"um|gegen|ab", amount=r"als|uber|unter|fur|seit",
        units=r"mal|aufgaben?|dinge|stunden?|minuten?|tage?|leute|menschen|prozent",
        places=r"arbeit\w*|buro|zuhause|hause|haus|heim|bett|bus|bahn|zug|auto|schule|uni|kurs|"
        r"besprechung\w*|meeting\w*|mittagessen|abendessen|fruhstuck\w*|essen|handy|telefon\w*|"
        r"dusch\w*|aufwach\w*|wache|aufsteh\w*|stehe? auf|ankomm\w*|komme|kommen|verlass\w*|nach|"
        r"vor|wahrend|chef\w*|kinder?|partner\w*|kuche|laden|party|arzt|therapie|feierabend|"
        r"spazier\w*|schlaf\w*|streit\w*",
        lead="dann ich werde will", pronoun="ich",
        vague=r"versuch\w*|probier\w*|bemuh\w*|beruhig\w*|entspann\w*|klar ?komm\w*|"
        r"zurecht ?komm\w*|umgeh\w*|bewaltig\w*|schaff\w*|durchhalt\w*|besser fuhl\w*|"
        r"fuhl\w* mich besser|positiv denk\w*|(?:ruhig|positiv|gelassen) (?:zu )?bleib\w*|"
        r"bleib\w* ruhig|mein bestes|(?:mir )?keine sorgen mach\w*|etwas mach\w*|mach\w* etwas|"
        r"irgendwas",
        fillers="es das ich mich mir mein meinen bestes damit dann zu und oder einfach irgendwie "
        "besser ruhig mehr wieder werde will gut ganz tun",
    ),
    "fr": _Lang(
        days=("lundis?", "mardis?", "mercredis?", "jeudis?", "vendredis?", "samedis?",
              "dimanches?", r"en semaine|jours? (?:de (?:la )?semaine|ouvrables?|ouvres)",
              r"week[- ]?ends?|fins? de semaine", r"tous les jours|chaque jour|quotidiennement"),
        parts=(r"matins?|matinee",  # not "après-midi" nor "petit-déjeuner" (breakfast)
               r"(?<!apres-)(?<!apres )midi|(?<!petit )(?<!petit-)dejeuner|pause dej",
               r"apres[- ]midi|aprem", r"soirs?|soiree", r"nuits?"),
        at=r"à|vers|dès", amount=r"moins de|plus de|pendant|durant",
        units=r"fois|taches?|choses?|minutes?|jours?|personnes?|pour ?cent",
        places=r"travail\w*|boulot|bureau|maison|chez moi|lit|bus|metro|train|voiture|ecole|"
        r"cours|fac|universite|reunion\w*|dejeuner|diner|repas|telephone|portable|douche|"
        r"reveil\w*|leve|lever|rentr\w*|pars|partir|quitte\w*|apres|avant|pendant|patron\w*|"
        r"chef|enfants?|sport|salle|cuisine|magasin|fete|medecin|therapie|seance|marche\w*|"
        r"dormir|couche|dispute\w*",
        lead="alors je j vais", pronoun="je",
        vague=r"essa\w*|tenter|tenterai|gerer|gererai|faire face|me calmer|rester calme|"
        r"me detendre|me relaxer|aller mieux|me sentir mieux|(?:etre|rester) positi\w*|"
        r"faire de mon mieux|ne pas (?:m inquieter|stresser|paniquer)|faire quelque chose|"
        r"m en sortir|tenir le coup|faire avec|surmonter",
        fillers="le la les l de d du un une ca cela y en mon ma me m mieux et ou plus pas ne "
        "juste bien possible tout",
    ),
    "pt_BR": _Lang(
        days=(_pt_day("segunda"), _pt_day("terca"), _pt_day("quarta"), _pt_day("quinta"),
              _pt_day("sexta"), "sabados?", "domingos?",
              r"dias? (?:de semana|uteis)|durante a semana", r"fins? de semana|fds",
              r"todos os dias|todo (?:santo )?dia|cada dia"),
        parts=(r"manhas?", r"meio[- ]dia|almoco|almocar",
               r"(?:a|de|da|na|nas|pela|pelas|esta|essa|toda|todas as|as) tardes?",
               r"(?:fim|final) d[ae] tarde|entardecer|anoitecer|noitinha", r"noites?|madrugada"),
        at=r"às|as|pelas|das|até as|até às", amount=r"menos de|mais de|durante|por",
        units=r"vezes|tarefas?|coisas?|minutos?|dias?|pessoas?|por cento",
        places=r"trabalh\w*|escritorio|casa|cama|onibus|metro|carro|escola|faculdade|aulas?|"
        r"reuniao|reunioes|almoc\w*|jantar|cafe da manha|refeica\w*|celular|telefone|banho|"
        r"acord\w*|levant\w*|cheg\w*|sair|saio|depois|antes|durante|chefe|filh[oa]s?|academia|"
        r"cozinha|loja|festa|medico|terapia|sessao|caminh\w*|dormir|briga\w*|discut\w*",
        lead="entao eu vou irei", pronoun="eu",
        vague=r"tent\w*|procur\w*|me acalmar|ficar (?:calm[oa]|bem|tranquil[oa]|melhor)|relaxar|"
        r"me sentir melhor|lidar com|encarar|aguentar|superar|dar um jeito|ser positiv[oa]|"
        r"pensar positivo|nao me preocupar|(?:fazer|farei) (?:o )?(?:meu )?melhor|"
        r"fazer (?:algo|alguma coisa)|me esforcar|resolver",
        fillers="isso isto com o a os as de do da me meu minha melhor bem mais e ou um uma pouco "
        "so tudo possivel",
    ),
    "ru": _Lang(
        days=(r"понедельник\w*", r"вторник\w*", r"сред(?:а|у|ы|ам)", r"четверг\w*", r"пятниц\w*",
              r"суббот\w*", r"воскресень\w*", r"будн\w*|рабоч\w* дн\w*", r"выходн\w*",
              r"каждый день|ежедневно"),
        parts=(r"утр(?:о|ом|ам|ами|а)", r"обед\w*|полд(?:ень|ня)",
               r"днем|после обеда|\d+ (?:час\w* )?дня", r"вечер\w*", r"ноч\w*"),
        at=r"в|во|к|около", amount=r"меньше|больше|более|менее|на|за",
        units=r"раза?|задач\w*|дел\w*|минут\w*|дн(?:я|ей)|человек|процент\w*",
        places=r"работ\w*|офис\w*|дом(?:а|ой|у|е)?|кроват\w*|постел\w*|автобус\w*|метро|"
        r"машин\w*|школ\w*|универ\w*|учеб\w*|пар[аеу]|совещани\w*|встреч\w*|обед\w*|ужин\w*|"
        r"завтрак\w*|телефон\w*|душ|душе|просып\w*|просн\w*|вста\w*|прихож\w*|приход\w*|прид\w*|"
        r"ухож\w*|уйд\w*|выйд\w*|после|перед|во время|начальник\w*|руководител\w*|дет(?:и|ей|ям)|"
        r"ребен\w*|спортзал\w*|кухн\w*|магазин\w*|вечеринк\w*|врач\w*|терапи\w*|сесси\w*|"
        r"прогулк\w*|сплю|спать|засыпа\w*|ссор\w*|спор\w*",
        lead="то тогда я буду", pronoun="я",
        vague=r"постара\w*|попыта\w*|попробу\w*|справ\w*|успоко\w*|расслаб\w*|держа\w*|"
        r"(?:быть|буду) (?:спокойн|сильн|позитивн)\w*|спокойн\w*|"
        r"не (?:волноват|переживат|нервничат)\w*|думать позитивно|стать лучше|"
        r"чувствовать себя лучше|(?:сделать|сделаю) (?:что то|что нибудь|все возможное|"
        r"все что смогу)|взять себя в руки|как то",
        fillers="я с этим это этого себя все как то нибудь лучше более и или в руки не буду могу "
        "смогу",
    ),
    "uk": _Lang(
        days=(r"(?:що)?понеділ\w*", r"(?:що)?вівтор\w*", r"(?:що)?серед(?:а|у|и|ам|ами)",
              r"(?:що)?четвер(?:г\w*)?", r"(?:що)?п['’ʼ]?ятниц\w*", r"(?:що)?субот\w*",
              r"(?:що)?неділ\w*", r"будн\w*|робоч\w* дн\w*", r"вихідн\w*",
              r"щодня|щоденно|кожн(?:ого|ий|ен) д(?:ня|ень)"),
        parts=(r"[взу]?ранк\w*|[ву]ранці|щоранку|ранок", r"обід\w*|опівдні|полуд\w*",
               r"вдень|удень|після обіду|по обіді|пополудні|\d+ (?:год\w* )?дня",
               r"[ву]?вечер\w*|вечір\w*|вечор\w*|щовечора", r"[ву]?ночі|ніч\w*|ночам\w*|щоночі"),
        at=r"о|об|близько", amount=r"менше|більше|понад|на|за",
        units=r"раз(?:и|ів)?|завдан\w*|справ\w*|хвилин\w*|дн(?:і|ів)|людей|відсот\w*",
        places=r"робот\w*|офіс\w*|дім|дома|додому|вдома|ліжк\w*|автобус\w*|метро|машин\w*|"
        r"школ\w*|універ\w*|пар[аиу]|нарад\w*|зустріч\w*|обід\w*|вечер[яію]|сніда\w*|сніданок|"
        r"телефон\w*|душ|душі|прокида\w*|прокину\w*|вста\w*|прихо\w*|прийд\w*|прийшл\w*|вийд\w*|"
        r"виходжу|після|перед|під час|начальник\w*|керівник\w*|діт\w*|дитин\w*|спортзал\w*|"
        r"кухн\w*|магазин\w*|вечірк\w*|лікар\w*|терапі\w*|сесі\w*|прогулянк\w*|спат\w*|"
        r"засина\w*|свар\w*",
        lead="то тоді я буду", pronoun="я",
        vague=r"постара\w*|спробу\w*|намага\w*|впора\w*|справ\w*|заспоко\w*|розслаб\w*|трима\w*|"
        r"(?:бути|буду) (?:спокійн|сильн|позитивн)\w*|спокійн\w*|"
        r"не (?:хвилюват|переживат|нервуват)\w*|думати позитивно|стати краще|почуватис\w* краще|"
        r"(?:зробити|зроблю) (?:щось|все можливе|все що зможу)|взяти себе в руки|якось",
        fillers="я з цим це цього себе все як краще більш і або в руки не буду можу зможу",
    ),
}  # fmt: skip


@cache
def _words(pattern: str) -> re.Pattern[str]:
    return re.compile(rf"\b(?:{pattern})\b")


@cache
def _ending(pattern: str) -> re.Pattern[str]:
    """The words of the pattern, at the end of the text searched."""
    return re.compile(rf"(?:^|\W)(?:{pattern})\s*\Z")


# An hour, its minutes ("8:30", "8.30", "8h30") and a mark that makes it a time on its
# own ("8pm", "20h", "8 Uhr", "8 o'clock"); not part of a longer number ("1.5", "3:1:2").
_CLOCK = re.compile(
    r"(?<![\w:.,])([0-9]{1,2})(?:\s*([:.h])\s*([0-9]{2}))?"
    r"(\s*(?:[ap]\.?\s?m\b\.?|h\b|uhr\b|ч\b|o['’]?clock\b))?(?![\w:]|[.,][0-9])"
)
_TOKEN = re.compile(r"[^\W_]+")
_KEEP = frozenset("йїЙЇ")  # letters of their own in Russian and Ukrainian, not accented ones
_CATCH_ALL = frozenset({"bad"})  # the bare core "Bad" names no particular feeling


def _lang(locale: str) -> _Lang:
    if locale not in _LANGS:
        raise ValueError(f"no plan coach words for locale {locale!r}")
    return _LANGS[locale]


def _fold(text: str) -> tuple[str, str]:
    """The text in lower case, with and without accents, one character for one."""
    lowered = unicodedata.normalize("NFC", text.casefold())
    bare = (ch if ch in _KEEP else unicodedata.normalize("NFD", ch)[0] for ch in lowered)
    return lowered, "".join(bare)


def _clock(lowered: str, folded: str, lang: _Lang) -> tuple[time, bool] | None:
    """The first clock time in the text, and whether it says am or pm."""
    for found in _CLOCK.finditer(folded):
        hour, separator, minute, mark = found.groups()
        if _ending(lang.amount).search(folded, 0, found.start()):
            continue
        half = re.sub(r"[\s.]", "", mark or "")
        if (
            not half
            and separator not in (":", "h")
            and (
                not _ending(lang.at).search(lowered, 0, found.start())
                or _words(lang.units).match(folded[found.end() :].lstrip())
            )
        ):
            continue
        at = parse_time(f"{hour}:{minute or '00'} {half if half in ('am', 'pm') else ''}")
        if at is not None:
            return at, half in ("am", "pm")
    return None


def time_cue(cue: str, locale: str) -> TimeCue | None:
    """The weekdays and time a cue names; None when it names no time, part of day or day."""
    lang = _lang(locale)
    lowered, folded = _fold(cue)
    weekdays: frozenset[int] = frozenset()
    for pattern, days in zip(lang.days, _DAY_SETS, strict=True):
        if _words(pattern).search(folded):
            weekdays |= days
    found = [(m.start(), i) for i, p in enumerate(lang.parts) if (m := _words(p).search(folded))]
    part = list(PART_TIMES)[min(found)[1]] if found else None
    clock = _clock(lowered, folded, lang)
    if clock is not None:
        at, half = clock
        if (
            not half
            and at.hour < 12
            and (part in _PM_PARTS or (part == "night" and at.hour >= _NIGHT_PM_FROM))
        ):
            at = at.replace(hour=at.hour + 12)
    elif part is not None:
        at = PART_TIMES[part]
    elif weekdays:
        at = WEEKDAY_TIME
    else:
        return None
    return TimeCue(weekdays=weekdays or ALL_DAYS, at=at)


def _feeling(cue: str, locale: str) -> Place | None:
    """The place of the first feeling word in the cue, as bot.feelings reads chunks."""
    words = normalise(cue).split()
    stems = [stem(word) for word in words]
    for language in (locale, *(other for other in LOCALES if other != locale)):
        vocab = vocabulary(language)
        for start in range(len(words)):
            for size in (3, 2, 1):
                if start + size > len(words):
                    continue
                labels = vocab.exact.get(" ".join(words[start : start + size]))
                if not labels and (size > 1 or len(stems[start]) > MIN_STEM):
                    labels = vocab.stemmed.get(tuple(stems[start : start + size]))
                if labels:
                    return next(p for p in wheel().places.values() if p.label in labels)
    return None


def feeling_family(cue: str, locale: str) -> str | None:
    """The wheel family ("fearful", "angry"...) of the first feeling the cue names."""
    _lang(locale)
    place = _feeling(cue, locale)
    return place.family if place is not None and place.id not in _CATCH_ALL else None


def vague_cue(cue: str, locale: str) -> bool:
    """Whether the cue is too vague to notice: short, with no time, feeling or situation."""
    lang = _lang(locale)
    if time_cue(cue, locale) is not None:
        return False
    place = _feeling(cue, locale)
    if place is not None and place.id not in _CATCH_ALL:
        return False
    folded = _fold(cue)[1]
    return (
        not _words(lang.places).search(folded) and len(_TOKEN.findall(folded)) < MIN_CONCRETE_WORDS
    )


def vague_response(response: str, locale: str) -> bool:
    """Whether the response is not one concrete action of a couple of minutes."""
    lang = _lang(locale)
    words = _TOKEN.findall(_fold(response)[1])
    start = 0
    while start < len(words) and words[start] in lang.lead.split():
        start += 1
    action = [word for word in words[start:] if word != lang.pronoun]
    if not MIN_ACTION_WORDS <= len(action) <= MAX_ACTION_WORDS:
        return True
    rest = _words(lang.vague).sub(" ", " ".join(action)).split()
    return all(word in lang.fillers.split() for word in rest)
