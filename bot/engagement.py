"""Engagement, counted kindly: days engaged (a count that only grows) and when a homework
has been mostly skipped long enough to suggest shrinking it. Pure functions."""

from __future__ import annotations

from datetime import date, timedelta

# Looked at over the last two weeks, with at least this many nudges sent in them.
SKIP_WINDOW = timedelta(days=14)
MIN_NUDGED_DAYS = 7


def mostly_skipped(nudged: set[date], done: set[date]) -> bool:
    """Two weeks of nudges mostly not done: done on fewer than a third of the days a
    nudge went out (unanswered ones count as not done), with enough nudges to say so."""
    if len(nudged) < MIN_NUDGED_DAYS:
        return False
    return len(done & nudged) * 3 < len(nudged)


def may_offer_shrink(
    today: date, created: date, offered: date | None, nudged: set[date], done: set[date]
) -> bool:
    """Whether to suggest, once a fortnight at most, shrinking a homework further and
    bringing it to the therapist: it is at least two weeks old and mostly skipped."""
    if today - created < SKIP_WINDOW:
        return False
    if offered is not None and today - offered < SKIP_WINDOW:
        return False
    return mostly_skipped(nudged, done)
