"""The feelings wheel as data: its shape, its words in every language, its buttons."""

import pytest
from babel.messages.pofile import read_po

from bot import callbacks
from bot.i18n import LOCALES_DIR, SOURCE_LOCALE, SUPPORTED_LOCALES, translator
from content.crisis import ContentError
from content.wheel import FEELING_CONTEXT, build, wheel
from handlers.checkin import PREFIX, intensity_screen, wheel_screen


def test_seven_cores_41_middle_82_outer_places() -> None:
    w = wheel()
    assert [len(w.by_depth(d)) for d in range(3)] == [7, 41, 82]
    assert len(w.places) == 130
    assert len(w.labels()) == 126  # four words stand in two places each


def test_a_place_is_its_path_not_its_word() -> None:
    w = wheel()
    overwhelmed = sorted(p.id for p in w.places.values() if p.label == "Overwhelmed")
    assert overwhelmed == ["bad/stressed/overwhelmed", "fearful/anxious/overwhelmed"]
    assert [p.label for p in w.path("fearful/anxious/overwhelmed")] == [
        "Fearful",
        "Anxious",
        "Overwhelmed",
    ]
    assert w.places["bad/stressed/out_of_control"].sensitive
    assert not w.places["happy/content/joyful"].sensitive


def test_a_broken_wheel_is_refused() -> None:
    with pytest.raises(ContentError):
        build({"Happy": {"Playful": ["Cheeky"]}})
    with pytest.raises(ContentError):
        build({"Happy": {"Playful": ["Cheeky", ""]}})


@pytest.mark.parametrize("locale", [x for x in SUPPORTED_LOCALES if x != SOURCE_LOCALE])
def test_every_place_translated_with_no_empty_label(locale: str) -> None:
    with (LOCALES_DIR / locale / "LC_MESSAGES" / "messages.po").open("rb") as fp:
        catalog = read_po(fp, locale=locale)
    t = translator(locale)
    missing = []
    for place in wheel().places.values():
        message = catalog.get(place.label, context=FEELING_CONTEXT)
        shown = t.pgettext(FEELING_CONTEXT, place.label)
        if message is None or not message.string or not shown.strip():
            missing.append(place.id)
    assert missing == []


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_every_wheel_button_fits_telegram(locale: str) -> None:
    t = translator(locale)
    screens = [wheel_screen(t, None)]
    for place in wheel().places.values():
        if place.children:
            screens.append(wheel_screen(t, place.id))
        screens.append(intensity_screen(t, place.id))
        for action in ("w", "ok", "up", "ib"):
            data = callbacks.pack(PREFIX, action, place.id)
            assert len(data.encode()) <= callbacks.MAX_CALLBACK_BYTES
    for text, rows in screens:
        assert len(text) < 4096
        for row in rows:
            for label, data in row:
                assert label.strip()
                assert len(data.encode()) <= callbacks.MAX_CALLBACK_BYTES
