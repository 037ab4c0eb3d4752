"""Intensity routing and the technique chooser, as pure functions."""

import pytest

from bot.coach import Outcome, body_step, needs_body_first, offer, rank, relief
from content.techniques import FAMILIES, body_first, library

LIBRARY = list(library().values())


def test_library_has_at_least_40_complete_techniques() -> None:
    assert len(LIBRARY) >= 40
    for technique in LIBRARY:
        assert 3 <= len(technique.steps) <= 8
        assert technique.name and technique.source and technique.tradition
        low, high = technique.intensity
        assert 1 <= low <= high <= 10
        assert technique.families
    assert {t.id for t in body_first()} >= {"paced_breathing", "grounding_54321"}
    assert all(len(t.steps) == 6 for t in body_first())  # one minute at ten seconds a step


@pytest.mark.parametrize(
    ("intensity", "rounds", "expected"),
    [(7, 0, False), (8, 0, True), (10, 0, True), (9, 1, True), (9, 2, False), (3, 1, False)],
)
def test_body_first_at_eight_or_more_for_two_rounds(
    intensity: int, rounds: int, expected: bool
) -> None:
    assert needs_body_first(intensity, rounds, "fearful/scared") is expected


def test_a_strong_pleasant_feeling_needs_no_calming_down() -> None:
    assert not needs_body_first(10, 0, "happy/proud")
    assert not needs_body_first(9, 0, "surprised/excited/eager")
    assert needs_body_first(9, 0, "surprised/startled/shocked")


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("intensity", [1, 3, 5, 7, 9, 10])
def test_every_offer_fits_the_family_and_intensity(family: str, intensity: int) -> None:
    offered = offer(LIBRARY, family, intensity)
    assert len(offered) == 2
    for technique in offered:
        low, high = technique.intensity
        assert family in technique.families
        assert low <= intensity <= high


def test_high_intensity_gets_no_thinking_skill() -> None:
    ranked = {t.id for t in rank(LIBRARY, "fearful/anxious/worried", 9)}
    assert "thought_record" not in ranked
    assert "problem_solving" not in ranked
    assert {t.id for t in rank(LIBRARY, "fearful/anxious/worried", 5)} & {
        "thought_record",
        "worry_time",
    }


def test_a_technique_naming_the_place_comes_first() -> None:
    first = rank(LIBRARY, "sad/depressed/empty", 5)[0]
    assert first.fits_place("sad/depressed/empty")


def test_prefers_what_lowered_intensity_before() -> None:
    place, intensity = "fearful/anxious", 6
    usual = rank(LIBRARY, place, intensity)
    favourite = usual[-1]  # the one that would otherwise come last
    history = [Outcome(favourite.id, 7, 3), Outcome(usual[0].id, 6, 6)]
    assert relief(favourite.id, history) == 4
    assert relief("never_used", history) is None
    reranked = rank(LIBRARY, place, intensity, history)
    assert reranked[0] == favourite
    assert reranked.index(usual[0]) > 0  # tried, and it did not help: no longer first


def test_never_offers_the_last_one_again_straight_away() -> None:
    place, intensity = "angry/frustrated/annoyed", 5
    first_choice = offer(LIBRARY, place, intensity)[0]
    history = [Outcome(first_choice.id, 6, 2)]  # it even helped
    again = offer(LIBRARY, place, intensity, history, last=first_choice.id)
    assert first_choice not in again
    for page in range(1, 10):  # nor on any later page of "something else"
        assert first_choice not in offer(
            LIBRARY, place, intensity, history, last=first_choice.id, page=page
        )


def test_something_else_turns_the_page() -> None:
    place, intensity = "sad/lonely", 5
    pages = [offer(LIBRARY, place, intensity, page=n) for n in range(3)]
    assert pages[0] != pages[1] != pages[2]
    assert set(pages[0]).isdisjoint(pages[1])


def test_body_steps_alternate_and_fit_the_place() -> None:
    steps = body_first()
    startled = body_step(steps, "surprised/startled/shocked")
    assert startled is not None and startled.id == "grounding_54321"
    first = body_step(steps, "angry/mad/furious")
    assert first is not None and first.id == "paced_breathing"
    second = body_step(steps, "angry/mad/furious", already=[first.id])
    assert second is not None and second.id != first.id


def test_what_this_check_in_already_did_is_not_offered_again() -> None:
    place = "fearful/anxious/worried"
    first = offer(LIBRARY, place, 5)
    again = offer(LIBRARY, place, 5, done=[first[0].id])
    assert first[0] not in again and len(again) == 2
