"""Time zones from typed places, locations and guesses (offline data)."""

import pytest

from bot.places import (
    PlaceIndex,
    guess_zones,
    lookup,
    place_index,
    place_label,
    zone_at,
    zone_label,
)


@pytest.fixture(scope="module")
def index() -> PlaceIndex:
    return place_index()


@pytest.mark.parametrize(
    ("typed", "zone"),
    [
        ("Berlin", "Europe/Berlin"),
        ("münchen", "Europe/Berlin"),
        ("Мюнхен", "Europe/Berlin"),
        ("Москва", "Europe/Moscow"),
        ("Київ", "Europe/Kyiv"),
        ("Sao Paulo", "America/Sao_Paulo"),
        ("Nueva York", "America/New_York"),
        ("Deutschland", "Europe/Berlin"),
        ("Allemagne", "Europe/Berlin"),
        ("europe/lisbon", "Europe/Lisbon"),
        ("Europe/Kyiv", "Europe/Kyiv"),
        ("UTC+3", "Etc/GMT-3"),
        ("gmt-5", "Etc/GMT+5"),
        ("Paris", "Europe/Paris"),
    ],
)
def test_a_clear_place_gives_one_zone(index: PlaceIndex, typed: str, zone: str) -> None:
    found = lookup(index, typed)
    assert [place.zone for place in found] == [zone]


def test_a_country_with_several_zones_offers_a_choice(index: PlaceIndex) -> None:
    zones = [place.zone for place in lookup(index, "Россия")]
    assert zones[0] == "Europe/Moscow" and len(zones) > 2 and len(set(zones)) == len(zones)


def test_an_ambiguous_city_offers_each_zone(index: PlaceIndex) -> None:
    zones = {place.zone for place in lookup(index, "Odessa")}
    assert zones == {"Europe/Kyiv", "America/Chicago"}


@pytest.mark.parametrize("typed", ["", "xyzzy plugh", "UTC+5:30", "a" * 500, "<b>Berlin</b>"])
def test_nonsense_gives_nothing(index: PlaceIndex, typed: str) -> None:
    assert lookup(index, typed) == []


@pytest.mark.parametrize(
    ("language_code", "zone"),
    [
        ("ru", "Europe/Moscow"),
        ("pt-br", "America/Sao_Paulo"),
        ("uk", "Europe/Kyiv"),
        ("de", "Europe/Berlin"),
        ("en-GB", "Europe/London"),
        ("en", "America/New_York"),
    ],
)
def test_guess_from_the_language_territory(
    index: PlaceIndex, language_code: str, zone: str
) -> None:
    assert guess_zones(index, language_code, "en")[0].zone == zone


def test_location_gives_the_zone_there() -> None:
    assert zone_at(55.7558, 37.6173) == "Europe/Moscow"
    assert zone_at(-23.55, -46.63) == "America/Sao_Paulo"
    assert zone_at(91.0, 0.0) is None


def test_labels_are_in_the_person_language(index: PlaceIndex) -> None:
    assert zone_label("Europe/Berlin", "ru") == "Берлин, Германия"
    assert zone_label("Europe/Berlin", "de") == "Berlin, Deutschland"
    assert place_label(lookup(index, "München")[0], "en") == "München, Germany"
