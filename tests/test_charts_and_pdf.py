"""The week's chart (PNG) and the therapist's report (PDF): real bytes, read back."""

from __future__ import annotations

import struct
import time
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from io import BytesIO
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from matplotlib.image import imread
from numpy.typing import NDArray
from pypdf import PdfReader

from bot.charts import FAMILY_COLOURS, ChartLabels, ChartPoint, grid_cell, week_chart
from bot.report_pdf import Report, ReportRow, render_report

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
BERLIN = ZoneInfo("Europe/Berlin")
MONDAY = datetime(2026, 11, 16, tzinfo=BERLIN)
FAMILIES = list(FAMILY_COLOURS)

LABELS = ChartLabels(
    title="Your week: 16–22 November",
    intensity_axis="Intensity",
    grid_title="When check-ins happen",
    day_names=["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
    part_names=["Morning", "Afternoon", "Evening", "Night"],
    family_names={family: family.capitalize() for family in FAMILIES},
    x_dates=[],
    empty="No check-ins yet this week",
    count_label="check-ins",
)
RU_LABELS = ChartLabels(
    title="Ваша неделя: 16–22 ноября",
    intensity_axis="Интенсивность",
    grid_title="Когда бывают отметки",
    day_names=["Пн", "Вт", "Ср", "Чт", "Пт", "Сб", "Вс"],
    part_names=["Утро", "День", "Вечер", "Ночь"],
    family_names={"fearful": "Тревога", "sad": "Грусть", "angry": "Злость"},
    x_dates=["Пн 16", "Вт 17", "Ср 18", "Чт 19", "Пт 20", "Сб 21", "Вс 22"],
    empty="Пока нет отметок",
    count_label="отметки",
    decimal_separator=",",
)


def spread(count: int, families: list[str] | None = None) -> list[ChartPoint]:
    """`count` check-ins spread over the week, intensities and families cycling."""
    chosen = families or FAMILIES
    step = timedelta(days=7) / (count + 1)
    return [
        ChartPoint(MONDAY + step * (index + 1), 1 + index % 10, chosen[index % len(chosen)])
        for index in range(count)
    ]


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from the IHDR chunk, which must come first."""
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


def pixels(data: bytes) -> NDArray[np.float32]:
    image = imread(BytesIO(data), format="png")
    return np.asarray(image[..., :3], dtype=np.float32)


def share_off_white(image: NDArray[np.float32]) -> float:
    return float((np.abs(image - 1.0).max(axis=2) > 0.02).mean())


def near_colour(image: NDArray[np.float32], hex_colour: str) -> int:
    """How many pixels are within a small distance of the colour."""
    rgb = np.array([int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)], dtype=np.float32)
    return int((np.abs(image - rgb).max(axis=2) < 0.04).sum())


# The chart


def test_chart_is_a_png_of_the_promised_size_with_the_data_drawn() -> None:
    data = week_chart(spread(30), MONDAY, 7, LABELS)

    assert data.startswith(PNG_SIGNATURE)
    assert png_size(data) == (1200, 600)
    image = pixels(data)
    assert image.shape == (600, 1200, 3)
    assert share_off_white(image) > 0.05


def test_dots_carry_their_familys_colour() -> None:
    one = pixels(week_chart(spread(1, ["angry"]), MONDAY, 7, LABELS))
    twelve = pixels(week_chart(spread(12, ["angry"]), MONDAY, 7, LABELS))
    sad = pixels(week_chart(spread(12, ["sad"]), MONDAY, 7, LABELS))

    # Both have the legend's marker; eleven more dots add some 50 pixels each.
    vermilion = FAMILY_COLOURS["angry"]
    assert near_colour(twelve, vermilion) - near_colour(one, vermilion) > 11 * 25
    # The grid's colours are blues, so vermilion only appears with angry check-ins.
    assert near_colour(sad, vermilion) == 0


def test_an_empty_week_still_renders_and_says_so() -> None:
    data = week_chart([], MONDAY, 7, LABELS)

    assert data.startswith(PNG_SIGNATURE)
    assert png_size(data) == (1200, 600)
    image = pixels(data)
    assert not np.all(image == image[0, 0]), "the empty chart is a single colour"
    silent = pixels(week_chart([], MONDAY, 7, replace(LABELS, empty="")))
    # The message is drawn: the two renders differ only where its text is.
    assert np.abs(image - silent).max(axis=2).astype(bool).sum() > 500


@pytest.mark.parametrize("start", [MONDAY, MONDAY.astimezone(UTC)])
def test_check_ins_outside_the_period_are_left_out(start: datetime) -> None:
    outside = [
        ChartPoint(MONDAY - timedelta(days=2), 9, "angry"),
        # Sunday 23:30 in Berlin is 22:30 UTC: after the UTC wall clock's Sunday 23:00,
        # yet before the week that starts at local midnight.
        ChartPoint(MONDAY - timedelta(minutes=30), 9, "angry"),
        ChartPoint(MONDAY + timedelta(days=7, minutes=30), 9, "angry"),
    ]
    image = pixels(week_chart(outside, start, 7, LABELS))

    assert near_colour(image, FAMILY_COLOURS["angry"]) == 0


def test_cyrillic_labels_render_without_missing_glyphs() -> None:
    points = spread(20, ["fearful", "sad", "angry"])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        data = week_chart(points, MONDAY.astimezone(UTC), 7, RU_LABELS)

    assert data.startswith(PNG_SIGNATURE)
    assert [str(w.message) for w in caught if "missing" in str(w.message).lower()] == []


def test_dpi_scales_the_pixels() -> None:
    assert png_size(week_chart(spread(5), MONDAY, 14, LABELS, dpi=220)) == (2400, 1200)


def test_fifteen_hundred_points_render_quickly() -> None:
    points = spread(1500)
    week_chart(points[:10], MONDAY, 7, LABELS)  # fonts and caches warm
    began = time.perf_counter()
    data = week_chart(points, MONDAY, 7, LABELS)
    elapsed = time.perf_counter() - began

    assert share_off_white(pixels(data)) > 0.05
    assert elapsed < 3.0, f"{elapsed:.2f} s for 1,500 points (about 0.4 s when measured)"


def test_renders_in_worker_threads_match_one_made_alone() -> None:
    points = spread(60)
    alone = week_chart(points, MONDAY, 7, LABELS)
    with ThreadPoolExecutor(max_workers=2) as pool:
        made = list(pool.map(lambda _: week_chart(points, MONDAY, 7, LABELS), range(4)))

    assert all(data == alone for data in made)


@pytest.mark.parametrize(
    ("at", "cell"),
    [
        (datetime(2026, 11, 16, 9, 0, tzinfo=BERLIN), (0, 0)),  # Monday morning
        (datetime(2026, 11, 16, 12, 0, tzinfo=BERLIN), (0, 1)),  # Monday afternoon
        (datetime(2026, 11, 18, 17, 30, tzinfo=BERLIN), (2, 2)),  # Wednesday evening
        (datetime(2026, 11, 22, 23, 0, tzinfo=BERLIN), (6, 3)),  # Sunday night
        (datetime(2026, 11, 17, 1, 0, tzinfo=BERLIN), (1, 3)),  # 1 a.m. Tuesday: Tuesday night
        (datetime(2026, 11, 16, 4, 59, tzinfo=BERLIN), (0, 3)),  # before 5 on Monday: night
        (datetime(2026, 11, 16, 5, 0, tzinfo=BERLIN), (0, 0)),
    ],
)
def test_grid_cell(at: datetime, cell: tuple[int, int]) -> None:
    assert grid_cell(at) == cell


def test_days_must_be_positive() -> None:
    with pytest.raises(ValueError, match="days"):
        week_chart([], MONDAY, 0, LABELS)


# The report

COLUMNS = ["Date", "Time", "Feeling", "Before", "After", "Trigger", "What helped"]
LONG_TRIGGER = (
    "Meeting with my manager about the quarterly review that went on far too long "
    "and ended with a remark about deadlines that I kept replaying on the way home"
)


def rows(count: int) -> list[ReportRow]:
    feelings = ["Anxious", "Overwhelmed", "Lonely", "Hopeful", "Frustrated"]
    return [
        ReportRow(
            date=f"Mon {16 - index // 4} Nov",
            time=f"{8 + index % 12:02d}:15",
            feeling=feelings[index % len(feelings)],
            before=str(1 + index % 10),
            after=str(max(1, index % 10 - 1)),
            trigger=LONG_TRIGGER if index % 3 == 0 else "—",
            technique="Cognitive reframing (thought record)" if index % 2 else "Box breathing",
        )
        for index in range(count)
    ]


def report(count: int = 40, *, chart: bool = True, more: str | None = None) -> Report:
    return Report(
        title="Between: a summary for my therapist",
        from_line="From: Maya · 9–22 November 2026",
        shared_line=(
            "Shared by the client. Made with Between, a self-help app; not a clinical record."
        ),
        chart_png=week_chart(spread(count), MONDAY, 7, LABELS) if chart else None,
        sections=[
            ("Patterns", ["Evenings were the hardest.", "Anxious came up most often."]),
            ("Homework", ["Thought record: 5 of 7 days"]),
            ("Plans", []),
            ("Questions I want to ask", ["Why do Sundays feel heavy?"]),
        ],
        table_heading="Check-ins",
        table_columns=COLUMNS,
        rows=rows(count),
        more_rows=more,
        footer="Made with Between",
    )


def read(data: bytes) -> tuple[PdfReader, list[str]]:
    reader = PdfReader(BytesIO(data))
    return reader, [page.extract_text() for page in reader.pages]


def test_report_is_a_readable_pdf_with_its_content() -> None:
    data = render_report(report(more="and 12 earlier check-ins"))

    assert data.startswith(b"%PDF")
    reader, pages = read(data)
    text = "\n".join(pages)
    assert "Between: a summary for my therapist" in text
    assert "From: Maya · 9–22 November 2026" in text
    assert "Evenings were the hardest." in text
    assert "Why do Sundays feel heavy?" in text
    assert "Overwhelmed" in text
    assert "and 12 earlier check-ins" in text
    assert "Plans" not in text  # a section with no lines is left out
    assert len(reader.pages[0].images) == 1  # the chart


def test_forty_rows_fit_on_one_or_two_pages_with_the_header_on_each() -> None:
    reader, pages = read(render_report(report(40)))

    assert len(reader.pages) in (1, 2)
    total = len(reader.pages)
    for number, text in enumerate(pages, start=1):
        assert "What helped" in text
        assert f"{number}/{total}" in text
        assert "Made with Between" in text
    assert sum(text.count("Box breathing") for text in pages) == 20


def test_a_long_cell_is_cut_with_an_ellipsis() -> None:
    _, pages = read(render_report(report(6, chart=False)))
    text = "\n".join(pages)

    assert "Meeting with my" in text
    assert "…" in text
    assert "replaying on the way home" not in text


def test_a_long_table_runs_onto_more_pages_numbered_out_of_the_total() -> None:
    reader, pages = read(render_report(report(150)))

    total = len(reader.pages)
    assert total >= 3
    assert all(f"{number}/{total}" in text for number, text in enumerate(pages, start=1))
    assert all("Feeling" in text for text in pages)


def test_a_russian_report_keeps_its_cyrillic_text() -> None:
    russian = Report(
        title="Между: сводка для моего терапевта",
        from_line="От: Мария · 9–22 ноября 2026",
        shared_line="Передано клиентом. Сделано в Between; это не медицинская запись.",
        chart_png=week_chart(spread(10, ["fearful", "sad"]), MONDAY, 7, RU_LABELS),
        sections=[("Закономерности", ["Понедельник — самый трудный день."])],
        table_heading="Отметки",
        table_columns=["Дата", "Время", "Чувство", "До", "После", "Повод", "Что помогло"],
        rows=[
            ReportRow("Пн 16 нояб.", "21:40", "Тревога", "8", "5", "—", "Дыхание по квадрату"),
            ReportRow("Вт 17 нояб.", "08:05", "Грусть", "6", "6", "Звонок маме", "—"),
        ],
        more_rows="и ещё 3 отметки раньше",
        footer="Сделано в Between",
    )
    reader, pages = read(render_report(russian))
    text = "\n".join(pages)

    for expected in (
        "Между: сводка для моего терапевта",
        "Понедельник — самый трудный день.",
        "Тревога",
        "Дыхание по квадрату",
        "Звонок маме",
        "Что помогло",
        "и ещё 3 отметки раньше",
        "Сделано в Between",
    ):
        assert expected in text
    assert len(reader.pages) == 1


def test_a_report_without_chart_or_rows_still_renders() -> None:
    empty = replace(report(0, chart=False), sections=[])
    reader, pages = read(render_report(empty))

    assert len(reader.pages) == 1
    assert "Between: a summary for my therapist" in pages[0]
    assert "Check-ins" not in pages[0]


def test_forty_rows_and_a_chart_render_quickly() -> None:
    full = report(40)
    render_report(full)
    began = time.perf_counter()
    render_report(full)
    elapsed = time.perf_counter() - began

    assert elapsed < 3.0, f"{elapsed:.2f} s for 40 rows (about 0.25 s when measured)"


def test_a_long_heading_wraps_between_words() -> None:
    columns = ["Дата", "Время", "Чувство", "Интенсивность до", "Интенсивность после"]
    long_headings = replace(
        report(3, chart=False), table_columns=[*columns, "Повод", "Что помогло"]
    )
    _, pages = read(render_report(long_headings))

    assert pages[0].count("Интенсивность") == 2
