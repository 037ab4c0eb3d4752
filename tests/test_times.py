"""Times as people type them: read when they mean one time, refused when they don't."""

from __future__ import annotations

from datetime import time

import pytest

from bot.times import parse_time


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("21:30", time(21, 30)),
        ("9:30 pm", time(21, 30)),
        ("9:30PM", time(21, 30)),
        ("9pm", time(21, 0)),
        ("9 PM", time(21, 0)),
        ("21.30", time(21, 30)),
        ("21h30", time(21, 30)),
        ("21 h 30", time(21, 30)),
        ("21h", time(21, 0)),
        ("21 Uhr", time(21, 0)),
        ("21ч30", time(21, 30)),
        ("9.30 p.m.", time(21, 30)),
        ("9:30 p. m.", time(21, 30)),
        ("7 a.m.", time(7, 0)),
        ("07:05", time(7, 5)),
        ("9", time(9, 0)),
        ("0:00", time(0, 0)),
        ("24:00", time(0, 0)),
        ("12am", time(0, 0)),
        ("12:15 AM", time(0, 15)),
        ("12pm", time(12, 0)),
        ("2130", time(21, 30)),
        ("930", time(9, 30)),
        ("  9 : 30  ", time(9, 30)),
    ],
)
def test_a_time_is_read(typed: str, meant: time) -> None:
    assert parse_time(typed) == meant


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "   ",
        "25:00",
        "24:30",
        "12:60",
        "13pm",
        "0am",
        "9:7",
        "21.3",
        "21:30:00",
        "12345",
        "abc",
        "half past nine",
        "9ampm",
        "9:30 xm",
        "-1",
        "²¹",  # superscript digits
        "١٢:٠٠",  # Arabic-Indic digits
        "9:30 pm" + " " * 30 + "please",
    ],
)
def test_what_is_not_a_time_is_refused(typed: str) -> None:
    assert parse_time(typed) is None
