"""Intensity routing and the choice of a technique: pure functions, no I/O.

At 8 or more the body comes first (CONTENT.md §2): a 60-second breathing or grounding
step, then a re-rating. Below that, techniques that fit the feeling's family and the
intensity, preferring what lowered this person's intensity before and never offering
the same one twice in a row.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from content.techniques import Technique

BODY_FIRST_AT = 8
MAX_BODY_ROUNDS = 2
OFFERED_AT_ONCE = 2


# Pleasant places: a strong feeling here needs no calming down first.
PLEASANT = ("happy", "surprised/excited", "surprised/amazed")


def pleasant(place_id: str) -> bool:
    return any(place_id == p or place_id.startswith(p + "/") for p in PLEASANT)


def needs_body_first(intensity: int, rounds_done: int, place_id: str = "") -> bool:
    """Another body-first step: at 8 or more, for at most two rounds, unless the feeling
    is a pleasant one."""
    return intensity >= BODY_FIRST_AT and rounds_done < MAX_BODY_ROUNDS and not pleasant(place_id)


@dataclass(frozen=True)
class Outcome:
    """How one earlier check-in with a technique went for this person."""

    technique: str
    before: int
    after: int | None


def relief(technique: str, history: Iterable[Outcome]) -> float | None:
    """The mean drop in intensity after this technique, or None if never rated after."""
    drops = [
        o.before - o.after for o in history if o.technique == technique and o.after is not None
    ]
    return sum(drops) / len(drops) if drops else None


def rank(
    library: Iterable[Technique],
    place_id: str,
    intensity: int,
    history: Sequence[Outcome] = (),
    last: str | None = None,
) -> list[Technique]:
    """Every technique that fits the feeling and intensity, best first.

    A technique that names this place (or the place above it) comes before the rest of
    the family; what lowered this person's intensity before comes before what did not;
    the one used last comes last. Ties keep the library's order, so the choice is stable.
    """
    family = place_id.split("/")[0]
    fitting = [t for t in library if t.fits(family, intensity)]

    def score(item: tuple[int, Technique]) -> tuple[int, float, int, int]:
        order, technique = item
        helped = relief(technique.id, history)
        return (
            1 if technique.id == last else 0,
            -(helped if helped is not None else 0.0),
            0 if technique.fits_place(place_id) else 1,
            order,
        )

    return [technique for _, technique in sorted(enumerate(fitting), key=score)]


def offer(
    library: Iterable[Technique],
    place_id: str,
    intensity: int,
    history: Sequence[Outcome] = (),
    last: str | None = None,
    page: int = 0,
    done: Collection[str] = (),
) -> list[Technique]:
    """The two techniques to offer; "something else" turns the page, and wraps around.
    What this check-in already did (its body-first minutes) is not offered again."""
    ranked = rank(library, place_id, intensity, history, last)
    ranked = [t for t in ranked if t.id not in done] or ranked
    if last is not None and len(ranked) > 1:
        ranked = [t for t in ranked if t.id != last]
    if not ranked:
        return []
    start = (page * OFFERED_AT_ONCE) % len(ranked)
    chosen = ranked[start : start + OFFERED_AT_ONCE]
    if len(chosen) < OFFERED_AT_ONCE:
        chosen += [t for t in ranked[: OFFERED_AT_ONCE - len(chosen)] if t not in chosen]
    return chosen


def body_step(
    steps: Sequence[Technique], place_id: str, already: Sequence[str] = ()
) -> Technique | None:
    """The body-first step for this round: one that fits the place, not the one just done."""
    fresh = [t for t in steps if t.id not in already] or list(steps)
    for technique in fresh:
        if technique.fits_place(place_id):
            return technique
    return fresh[0] if fresh else None
