"""The week's chart for /week and the therapist's report: a pure function, PNG bytes out.

Handlers call `week_chart` in a worker thread (asyncio.to_thread) with every string
already translated; nothing here reads gettext, the database or the clock.

Only matplotlib's object API is used (a `Figure` with its own `FigureCanvasAgg`), never
pyplot: pyplot keeps global state and is not safe to use from several threads, while
separate figures on the Agg canvas are. Nothing here selects a backend or changes
rcParams; the text is set in matplotlib's bundled default font, DejaVu Sans, which
covers Latin and Cyrillic. Every text is drawn with mathtext off, so a "$" in a
translation shows as itself.

Times are read on the wall clock: a check-in's `at` is the person's local time, and
`start` is read in the zone of the latest check-in (or its own zone when there are none),
so a week that starts at local midnight has its day lines on whole numbers even when the
caller passes `start` in UTC.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from io import BytesIO

import numpy as np
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import ListedColormap, Normalize
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.lines import Line2D
from PIL import Image

# The seven families of the feelings wheel, from the Okabe–Ito palette (told apart with
# the common kinds of colour blindness), "bad" in a quiet brown-grey of its own.
FAMILY_COLOURS: dict[str, str] = {
    "happy": "#E69F00",
    "sad": "#0072B2",
    "disgusted": "#009E73",
    "angry": "#D55E00",
    "fearful": "#CC79A7",
    "bad": "#8C7B6B",
    "surprised": "#56B4E9",
}
UNKNOWN_COLOUR = "#7F7F7F"

# Parts of the day by local hour: morning from 05:00, afternoon from 12:00, evening from
# 17:00, night from 22:00. A check-in before 05:00 counts for the night of the day before,
# as people speak of "Monday night" at 1 a.m. on Tuesday.
PART_STARTS = (5, 12, 17, 22)

WIDTH_PX = 1200
HEIGHT_PX = 600
_DEFAULT_DPI = 110  # the dpi at which the figure is WIDTH_PX × HEIGHT_PX

_TEXT = "#2B2B2B"
_MUTED = "#6B6B6B"
_RULE = "#D9D9D9"
_LINE = "#B8B8B8"
_CELL_BORDER = "#E3E3E3"
# A calm sequential map for the mean intensity, its palest end cut off so that a cell
# with a mean of 1 is still told apart from an empty (white) one.
_INTENSITY_MAP = ListedColormap(colormaps["PuBu"](np.linspace(0.18, 0.95, 256)))
_INTENSITY_NORM = Normalize(vmin=1, vmax=10)


@dataclass(frozen=True)
class ChartPoint:
    """One check-in: when (aware local time), how strong (1..10), and its wheel family."""

    at: datetime
    intensity: int
    family: str


@dataclass(frozen=True)
class ChartLabels:
    """Every word on the chart, already translated by the caller."""

    title: str  # "Your week: 16–22 November"
    intensity_axis: str  # "Intensity"
    grid_title: str  # "When check-ins happen"
    day_names: list[str]  # 7 short weekday names, Monday first
    part_names: list[str]  # 4: morning, afternoon, evening, night
    family_names: dict[str, str]  # family id -> translated name, for the legend
    x_dates: list[str]  # one tick label per day of the period ("Mon 16"), or [] for auto
    empty: str  # "No check-ins yet this week"
    count_label: str  # "check-ins": explains the first number in a grid cell
    decimal_separator: str = "."  # "," for locales that write 6,3


def grid_cell(at: datetime) -> tuple[int, int]:
    """The heatmap cell of a local time: (weekday row, Monday 0; part-of-day column).

    Columns follow PART_STARTS; before 05:00 is night, on the calendar day (as
    bot/insights.py counts it, so the grid and the patterns' sentences agree).
    """
    hour = at.hour
    if hour < PART_STARTS[0]:
        return at.weekday(), 3
    part = sum(1 for begins in PART_STARTS[1:] if hour >= begins)
    return at.weekday(), part


def week_chart(
    points: Sequence[ChartPoint],
    start: datetime,
    days: int,
    labels: ChartLabels,
    *,
    dpi: int = _DEFAULT_DPI,
) -> bytes:
    """Render the period as one PNG (1200×600 px at the default dpi; more dpi, more pixels).

    Left: intensity over the `days` days from `start`, a dot per check-in in its family's
    colour, joined in time order by a thin grey line, with a legend of the families
    present. Right: weekday (rows, Monday first) × part of the day (columns), each cell
    showing "count · mean intensity" and coloured by the mean; empty cells stay blank.
    Check-ins outside the period are left out of both. With none, the chart still
    renders and says `labels.empty`.
    """
    if days < 1:
        raise ValueError(f"days must be at least 1, got {days}")
    origin = _origin(points, start)
    placed = sorted(
        ((_days_between(origin, point.at), point) for point in points),
        key=lambda item: item[0],
    )
    placed = [(x, point) for x, point in placed if 0 <= x <= days]

    figure = Figure(
        figsize=(WIDTH_PX / _DEFAULT_DPI, HEIGHT_PX / _DEFAULT_DPI),
        dpi=dpi,
        layout=ConstrainedLayoutEngine(w_pad=0.12, h_pad=0.08, wspace=0.06),
        facecolor="white",
    )
    canvas = FigureCanvasAgg(figure)
    left, right = figure.subplots(1, 2, width_ratios=(1.75, 1))
    figure.suptitle(labels.title, fontsize=15, color=_TEXT, parse_math=False)

    _draw_timeline(left, placed, origin, days, labels)
    _draw_grid(figure, right, [point for _, point in placed], labels)

    # One draw (which also runs the layout), then Pillow writes an opaque RGB PNG:
    # savefig would draw twice with a layout engine, and the alpha channel only costs
    # bytes here and work for the PDF.
    canvas.draw()  # type: ignore[no-untyped-call]
    width, height = canvas.get_width_height()
    rgba = canvas.buffer_rgba()  # type: ignore[no-untyped-call]
    image = Image.frombuffer("RGBA", (width, height), rgba, "raw", "RGBA", 0, 1)
    buffer = BytesIO()
    image.convert("RGB").save(buffer, format="PNG", compress_level=3)
    return buffer.getvalue()


def _origin(points: Sequence[ChartPoint], start: datetime) -> datetime:
    """`start` as a naive wall-clock time in the zone of the latest check-in."""
    zone = max(points, key=lambda point: point.at).at.tzinfo if points else start.tzinfo
    if zone is None or start.tzinfo is None:
        return start.replace(tzinfo=None)
    return start.astimezone(zone).replace(tzinfo=None)


def _days_between(origin: datetime, at: datetime) -> float:
    """Wall-clock days from the naive `origin` to the local time `at`."""
    return (at.replace(tzinfo=None) - origin) / timedelta(days=1)


def _draw_timeline(
    ax: Axes,
    placed: list[tuple[float, ChartPoint]],
    origin: datetime,
    days: int,
    labels: ChartLabels,
) -> None:
    """The left panel: intensity over the period."""
    ax.set_xlim(0, days)
    ax.set_ylim(0.4, 10.6)
    ax.set_yticks(range(1, 11))
    ax.set_ylabel(labels.intensity_axis, color=_TEXT, fontsize=11, parse_math=False)
    for spine in ("top", "right"):
        ax.spines[spine].set_visible(False)
    for spine in ("left", "bottom"):
        ax.spines[spine].set_color(_RULE)
    ax.tick_params(colors=_MUTED, labelsize=9, length=0)
    ax.grid(axis="y", color=_RULE, linewidth=0.6, alpha=0.6)
    ax.set_axisbelow(True)
    ax.vlines(range(1, days), 0.4, 10.6, colors=_RULE, linewidths=0.8, zorder=0)

    ax.set_xticks([day + 0.5 for day in range(days)])
    step = max(1, -(-days // 14))
    names = _day_labels(origin, days, labels)
    ax.set_xticklabels(
        [name if day % step == 0 else "" for day, name in enumerate(names)],
        fontsize=9 if days <= 7 else 8,
        color=_TEXT,
        parse_math=False,
    )

    if not placed:
        ax.text(
            0.5,
            0.5,
            labels.empty,
            transform=ax.transAxes,
            ha="center",
            va="center",
            fontsize=14,
            color=_MUTED,
            wrap=True,
            parse_math=False,
            bbox={"boxstyle": "round,pad=0.6", "facecolor": "white", "edgecolor": "none"},
        )
        return

    xs = np.fromiter((x for x, _ in placed), dtype=float, count=len(placed))
    ys = np.fromiter((point.intensity for _, point in placed), dtype=float, count=len(placed))
    colours = [FAMILY_COLOURS.get(point.family, UNKNOWN_COLOUR) for _, point in placed]
    dense = len(placed) > 60
    ax.plot(xs, ys, color=_LINE, linewidth=0.5 if dense else 0.9, alpha=0.6 if dense else 1.0)
    ax.scatter(
        xs,
        ys,
        c=colours,
        s=18 if dense else 42,
        edgecolors="white",
        linewidths=0.3 if dense else 0.6,
        zorder=3,
        clip_on=False,  # a check-in at the very start of the period shows whole
    )

    present = {point.family for _, point in placed}
    families = [family for family in FAMILY_COLOURS if family in present]
    families += sorted(present - set(FAMILY_COLOURS))
    handles = [
        Line2D(
            [],
            [],
            marker="o",
            linestyle="",
            markersize=8,
            markerfacecolor=FAMILY_COLOURS.get(family, UNKNOWN_COLOUR),
            markeredgecolor="white",
            label=labels.family_names.get(family, family),
        )
        for family in families
    ]
    legend = ax.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.09),
        ncol=len(handles) if len(handles) <= 4 else -(-len(handles) // 2),
        frameon=False,
        fontsize=9.5,
        handletextpad=0.3,
        columnspacing=1.2,
    )
    for text in legend.get_texts():
        text.set_parse_math(False)
        text.set_color(_TEXT)


def _day_labels(origin: datetime, days: int, labels: ChartLabels) -> list[str]:
    """The caller's tick labels when there is one per day, else "Mon 16" from day_names
    (on two lines when the period is longer than a week, so that the labels stay apart)."""
    if len(labels.x_dates) == days:
        return list(labels.x_dates)
    first = origin.date()
    between = " " if days <= 7 else "\n"
    result = []
    for offset in range(days):
        day = first + timedelta(days=offset)
        name = labels.day_names[day.weekday()] if len(labels.day_names) == 7 else ""
        result.append(f"{name}{between}{day.day}".strip())
    return result


def _draw_grid(figure: Figure, ax: Axes, points: Sequence[ChartPoint], labels: ChartLabels) -> None:
    """The right panel: weekday × part of the day, count and mean intensity per cell."""
    counts = np.zeros((7, 4), dtype=int)
    sums = np.zeros((7, 4), dtype=float)
    for point in points:
        row, column = grid_cell(point.at)
        counts[row, column] += 1
        sums[row, column] += point.intensity
    means = np.ma.masked_where(counts == 0, sums / np.maximum(counts, 1))

    image = ax.imshow(
        means, cmap=_INTENSITY_MAP, norm=_INTENSITY_NORM, aspect="auto", interpolation="nearest"
    )
    ax.set_title(labels.grid_title, fontsize=12, color=_TEXT, pad=8, parse_math=False)
    ax.set_xticks(range(4))
    ax.set_xticklabels(labels.part_names[:4], fontsize=9, color=_TEXT, parse_math=False)
    ax.set_yticks(range(7))
    ax.set_yticklabels(labels.day_names[:7], fontsize=9, color=_TEXT, parse_math=False)
    ax.xaxis.tick_top()
    ax.tick_params(length=0, pad=4)
    # Cell borders as two line collections: cheaper to draw than minor ticks and a grid.
    ax.hlines(np.arange(0.5, 6, 1), -0.5, 3.5, colors=_CELL_BORDER, linewidths=1.2)
    ax.vlines(np.arange(0.5, 3, 1), -0.5, 6.5, colors=_CELL_BORDER, linewidths=1.2)
    for spine in ax.spines.values():
        spine.set_color(_CELL_BORDER)
    ax.set_xlabel(
        f"{labels.count_label} · {labels.intensity_axis}",
        fontsize=9,
        color=_MUTED,
        labelpad=6,
        parse_math=False,
    )

    for row in range(7):
        for column in range(4):
            count = int(counts[row, column])
            if count == 0:
                continue
            mean = float(means[row, column])
            shown = f"{mean:.1f}".replace(".", labels.decimal_separator)
            ax.text(
                column,
                row,
                f"{count} · {shown}",
                ha="center",
                va="center",
                fontsize=10,
                color="white" if mean >= 6 else _TEXT,
                parse_math=False,
            )

    colourbar = figure.colorbar(image, ax=ax, fraction=0.05, pad=0.03, aspect=25)
    colourbar.set_ticks([1, 4, 7, 10])
    colourbar.ax.tick_params(labelsize=8, colors=_MUTED, length=0)
    colourbar.outline.set_visible(False)
    colourbar.set_label(labels.intensity_axis, fontsize=9, color=_MUTED, parse_math=False)
