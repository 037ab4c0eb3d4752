"""Homework content as data: why it gets avoided, kinds with tiny versions, habit anchors,
barriers and ready times. Every label is English marked with N_ and translated where
shown; keys are stored, so a change of language changes the words too.

Sources: CONTENT.md §4.4 (Fogg's Tiny Habits: under about 30 seconds, after an anchor),
§4.5 (temptation bundling), §5.1–5.2 (barriers: Callan et al. 2012, Bunnell et al. 2021).
"""

from __future__ import annotations

from dataclasses import dataclass


def N_(message: str) -> str:
    """Marks a string for extraction; it is translated where it is shown."""
    return message


# What makes me want to avoid it (question 1).
AVOID_REASONS: dict[str, str] = {
    "too_big": N_("It feels too big"),
    "too_vague": N_("It's too vague"),
    "boring": N_("It's boring"),
    "hard_feelings": N_("It stirs something hard"),
    "forget": N_("I forget"),
    "no_point": N_("I don't see the point"),
    "low_energy": N_("Low energy"),
    "other": N_("Something else"),
}

# The mood-tracking tiny version that is a check-in: "Do it now" opens the check-in,
# and any check-in that day counts as done.
CHECKIN_TINY = "tap_feeling"


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    tiny: dict[str, str]  # suggested smallest versions, key -> text (a verb phrase)


KINDS: tuple[Kind, ...] = (
    Kind(
        "journaling",
        N_("Journaling"),
        {
            "one_sentence": N_("write one sentence about today"),
            "three_words": N_("write three words about how today felt"),
        },
    ),
    Kind(
        "thought_record",
        N_("Thought record"),
        {
            "one_thought": N_("write down one thought that bothered me, just the thought"),
            "situation_only": N_("fill in only the situation column"),
        },
    ),
    Kind(
        "breathing",
        N_("Breathing or mindfulness"),
        {
            "three_breaths": N_("take three slow breaths"),
            "feet_minute": N_("notice my feet on the floor for one minute"),
        },
    ),
    Kind(
        "experiment",
        N_("Behavioural experiment"),
        {
            "prediction": N_("write down what I predict will happen"),
            "first_two_minutes": N_("do just the first two minutes of it"),
        },
    ),
    Kind(
        "communication",
        N_("Communication practice"),
        {
            "first_sentence": N_("write the first sentence I'd like to say"),
            "one_appreciation": N_("tell someone one thing I appreciate"),
        },
    ),
    Kind(
        "mood_tracking",
        N_("Mood tracking"),
        {
            CHECKIN_TINY: N_("tap one feeling and a number"),
            "rate_mood": N_("rate my mood from 1 to 10"),
        },
    ),
    Kind(
        "other",
        N_("Something else"),
        {
            "two_minutes": N_("do just the first two minutes"),
            "set_up": N_("put what I need where I'll see it"),
        },
    ),
)
KIND_BY_KEY = {kind.key: kind for kind in KINDS}
TINY_TEXT: dict[str, str] = {key: text for kind in KINDS for key, text in kind.tiny.items()}

# The daily habit to attach it to, phrased to follow "After I ..." (question 3),
# with the time people usually do it, offered as a first guess.
ANCHORS: dict[str, str] = {
    "coffee": N_("After I pour my morning coffee"),
    "teeth": N_("After I brush my teeth"),
    "breakfast": N_("After I have breakfast"),
    "lunch": N_("After I have lunch"),
    "commute_home": N_("After I get home"),
    "dinner": N_("After I have dinner"),
    "bed": N_("After I get into bed"),
}
ANCHOR_TIMES: dict[str, str] = {
    "coffee": "07:30",
    "teeth": "22:00",
    "breakfast": "08:00",
    "lunch": "12:30",
    "commute_home": "18:00",
    "dinner": "19:30",
    "bed": "22:30",
}

# What got in the way, when the person names it after "Not today" (never required).
BARRIERS: dict[str, str] = {
    "forgot": N_("I forgot"),
    "too_big": N_("Too big"),
    "too_vague": N_("Too vague"),
    "low_energy": N_("Low energy"),
    "hard_feelings": N_("It stirs something hard"),
    "no_point": N_("Didn't see the point"),
    "no_time": N_("No time today"),
}
