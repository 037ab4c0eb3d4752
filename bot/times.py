"""A wall-clock time as people type it: "21:30", "9:30 pm", "9pm", "21.30", "21h30".

Pure and forgiving about spacing and case, strict about meaning: a time that does not
exist ("25:00", "13 pm", "9:7") is not guessed at, it is refused (None), so the caller can
show an example of what works and keep the previous setting.
"""

from __future__ import annotations

import re
from datetime import time

# Only ASCII digits: "²" or "١" are not hours here.
_TIME = re.compile(
    r"""
    ^
    (?P<hour>[0-9]{1,2})
    (?:
        \s*(?:[:.]|h|ч)\s*(?P<minute>[0-9]{2})     # 21:30, 21.30, 21h30, 21 h 30, 21ч30
    )?
    \s*
    (?:
        (?P<half>a|p)\.?\s*m\.?                    # am, pm, a.m., p. m.
      | (?:h|hs|hrs|uhr|ч|час|часов|hod)\.?        # 21h, 21 Uhr, 21 ч
    )?
    $
    """,
    re.VERBOSE | re.IGNORECASE | re.ASCII,
)
_LONGEST = 24  # anything longer is a sentence, not a time


def parse_time(text: str) -> time | None:
    """The time meant by `text`, or None when it cannot be read as one."""
    cleaned = " ".join(text.strip().split())
    if not cleaned or len(cleaned) > _LONGEST:
        return None
    compact = re.fullmatch(r"([0-9]{3,4})\s*(.*)", cleaned)
    if compact is not None:
        # "930" or "2130": the last two digits are the minutes.
        digits, rest = compact.groups()
        cleaned = f"{digits[:-2]}:{digits[-2:]} {rest}".strip()
    found = _TIME.match(cleaned)
    if found is None:
        return None
    hour = int(found["hour"])
    minute = int(found["minute"]) if found["minute"] else 0
    half = (found["half"] or "").lower()
    if minute > 59:
        return None
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "p" else 0)
    elif hour > 23:
        if hour == 24 and minute == 0:
            return time(0, 0)
        return None
    return time(hour, minute)
