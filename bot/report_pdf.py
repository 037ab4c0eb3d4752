"""The summary a person may hand to their therapist: a pure function, PDF bytes out.

Handlers call `render_report` in a worker thread (asyncio.to_thread) with every string
already translated and formatted; nothing here reads gettext, the database or the clock.

The page is A4 portrait with 15 mm margins. DejaVu Sans (regular and bold), which
matplotlib ships in mpl-data/fonts/ttf, is embedded (subset), so Latin and Cyrillic text
renders and can be copied or extracted back. A character the font lacks (an emoji in a
trigger, say) is left out of the page rather than failing the report.

Layout: title, from line, the "shared by the client" note, the chart at full width, the
sections (heading and bullet lines, long lines wrapped; a section without lines is left
out), then the check-in table. The table's header row repeats on every page it runs
onto and may wrap to two lines; a check-in row stays one line high, a cell that does not
fit its column cut with "…", so that some 40 rows with the chart and the sections fit on
two pages. Every page ends with the footer text and "page/total".
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import matplotlib
from fpdf import FPDF
from fpdf.enums import MethodReturnValue, XPos, YPos
from fpdf.errors import FPDFException
from PIL import Image

# fpdf2 and fontTools log the characters they draw or lack (a person's name, their notes):
# only their errors reach the logs, never the text.
for _library in ("fpdf", "fontTools"):
    logging.getLogger(_library).setLevel(logging.ERROR)

FONT = "DejaVu"
_FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
_FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}

MARGIN = 15.0  # mm, left, right and top
_FOOTER_Y = -11.0  # mm from the bottom edge
_BOTTOM = 18.0  # mm kept free above the bottom edge, for the footer
ELLIPSIS = "…"
COLUMNS = 7

_TEXT = (34, 34, 34)
_MUTED = (108, 108, 108)
_ACCENT = (44, 86, 116)
_RULE = (212, 217, 222)
_HEADER_FILL = (234, 240, 244)
_ZEBRA_FILL = (247, 248, 249)

_TABLE_SIZE = 8.5  # pt
_TABLE_LINE = 4.2  # mm per line of a table cell
_CELL_PAD_X = 1.4  # mm
_CELL_PAD_Y = 0.9  # mm
# Columns, by ReportRow field: the short ones keep their width up to a cap; the free-text
# ones share what is left, the narrowest first.
_CAPS = {0: 34.0, 1: 14.0, 3: 18.0, 4: 18.0}  # date, time, before, after
_FLEXIBLE = (2, 5, 6)  # feeling, trigger, technique
_HEADING_WORD_CAP = 30.0  # mm: a short column widens to show its heading's longest word
_HEADER_LINES = 2


@dataclass(frozen=True)
class ReportRow:
    """One check-in of the table; every field already formatted and translated."""

    date: str
    time: str
    feeling: str
    before: str
    after: str
    trigger: str
    technique: str

    def cells(self) -> tuple[str, str, str, str, str, str, str]:
        """The fields in table order."""
        return (
            self.date,
            self.time,
            self.feeling,
            self.before,
            self.after,
            self.trigger,
            self.technique,
        )


@dataclass(frozen=True)
class Report:
    """Everything on the therapist's summary, already translated by the caller."""

    title: str  # "Between: a summary for my therapist"
    from_line: str  # "From: Maya · 9–22 November 2026"
    shared_line: str  # "Shared by the client. Made with Between, …; not a clinical record."
    chart_png: bytes | None
    sections: list[tuple[str, list[str]]]  # (heading, lines), e.g. ("Patterns", [...])
    table_heading: str
    table_columns: list[str]  # 7 headings, in ReportRow's field order
    rows: list[ReportRow]
    more_rows: str | None  # "and 12 earlier check-ins" when the caller cut the table
    footer: str  # shown on every page, followed by "page/total"


class _Document(FPDF):
    """An FPDF with the report's fonts and footer."""

    def __init__(self, footer_text: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.footer_text = footer_text
        for style, name in _FONT_FILES.items():
            self.add_font(FONT, style, str(_FONT_DIR / name))
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=_BOTTOM)
        self.c_margin = 0  # cells carry their own padding here

    def footer(self) -> None:
        """The footer text on the left, "page/total" on the right."""
        self.set_y(_FOOTER_Y)
        self.set_font(FONT, "", 7.5)
        self.set_text_color(*_MUTED)
        width = self.epw
        number = f"{self.page_no()}/{self.str_alias_nb_pages}"
        number_width = self.get_string_width(f"{self.page_no()}/{self.page_no() + 99}") + 2
        self.cell(width - number_width, 4, _ellipsize(self, self.footer_text, width - number_width))
        self.cell(number_width, 4, number, align="R")


def render_report(report: Report) -> bytes:
    """Render the report as an A4 PDF and return its bytes."""
    if len(report.table_columns) != COLUMNS:
        raise ValueError(f"table_columns must have {COLUMNS} headings")
    pdf = _Document(report.footer)
    pdf.set_title(report.title)
    pdf.set_creator("Between")
    pdf.add_page()

    _paragraph(pdf, report.title, size=17, style="B", colour=_ACCENT, line=7.5)
    pdf.ln(1.5)
    _paragraph(pdf, report.from_line, size=10.5, line=5.2)
    _paragraph(pdf, report.shared_line, size=8, colour=_MUTED, line=4)
    pdf.ln(3)

    if report.chart_png:
        _chart(pdf, report.chart_png)
    for heading, lines in report.sections:
        if lines:
            _section(pdf, heading, lines)
    if report.rows or report.more_rows:
        _table(pdf, report)
    return bytes(pdf.output())


def _paragraph(
    pdf: FPDF,
    text: str,
    *,
    size: float,
    line: float,
    style: str = "",
    colour: tuple[int, int, int] = _TEXT,
) -> None:
    """A block of wrapped text across the full width."""
    pdf.set_font(FONT, style, size)
    pdf.set_text_color(*colour)
    pdf.set_x(pdf.l_margin)
    pdf.multi_cell(0, line, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _chart(pdf: FPDF, png: bytes) -> None:
    """The chart at the full width (smaller if it would be taller than a page)."""
    with Image.open(BytesIO(png)) as image:
        pixels_wide, pixels_high = image.size
    width = pdf.epw
    height = width * pixels_high / pixels_wide
    room = pdf.h - pdf.t_margin - _BOTTOM
    if height > room:
        width, height = width * room / height, room
    if pdf.get_y() + height > pdf.page_break_trigger:
        pdf.add_page()
    pdf.image(BytesIO(png), x=pdf.l_margin + (pdf.epw - width) / 2, y=pdf.get_y(), w=width)
    pdf.set_y(pdf.get_y() + height + 4)


def _heading(pdf: FPDF, text: str, keep_with: float) -> None:
    """A section heading, on a new page when it and `keep_with` mm would not fit."""
    pdf.set_font(FONT, "B", 12)
    if pdf.get_y() + 8 + keep_with > pdf.page_break_trigger:
        pdf.add_page()
    pdf.ln(1)
    pdf.set_text_color(*_ACCENT)
    pdf.multi_cell(0, 6, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1)


def _section(pdf: FPDF, heading: str, lines: list[str]) -> None:
    """A heading and its lines as bullets with a hanging indent."""
    size, line_height, indent = 10.0, 5.0, 5.0
    pdf.set_font(FONT, "", size)
    first = len(_wrap(pdf, lines[0], pdf.epw - indent))
    _heading(pdf, heading, keep_with=first * line_height)
    for text in lines:
        pdf.set_font(FONT, "", size)
        if pdf.get_y() + line_height > pdf.page_break_trigger:
            pdf.add_page()
        pdf.set_text_color(*_MUTED)
        pdf.set_x(pdf.l_margin + 1)
        pdf.cell(indent - 1, line_height, "•")
        pdf.set_text_color(*_TEXT)
        pdf.multi_cell(
            pdf.epw - indent, line_height, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
        pdf.ln(0.8)
    pdf.ln(2)


def _table(pdf: FPDF, report: Report) -> None:
    """The check-ins, one row each, the header repeated on every page."""
    pdf.set_font(FONT, "", _TABLE_SIZE)
    widths = _column_widths(pdf, report)
    header = _header_cells(pdf, report.table_columns, widths)
    header_height = _row_height(header)
    rows = [_row_cells(pdf, row, widths) for row in report.rows]
    first_row = _row_height(rows[0]) if rows else _TABLE_LINE
    _heading(pdf, report.table_heading, keep_with=header_height + first_row)

    if rows:
        _draw_row(pdf, header, widths, bold=True, fill=_HEADER_FILL)
    for index, cells in enumerate(rows):
        if pdf.get_y() + _row_height(cells) > pdf.page_break_trigger:
            pdf.add_page()
            _draw_row(pdf, header, widths, bold=True, fill=_HEADER_FILL)
        _draw_row(pdf, cells, widths, bold=False, fill=_ZEBRA_FILL if index % 2 else None)

    if report.more_rows:
        pdf.ln(1.5)
        _paragraph(pdf, report.more_rows, size=8.5, line=4.5, colour=_MUTED)


def _column_widths(pdf: FPDF, report: Report) -> list[float]:
    """Widths in mm that add up to the text width: short columns as wide as their content
    (up to a cap) and their heading's longest word, then the free-text columns share the
    rest, the narrow ones first."""
    pad = 2 * _CELL_PAD_X + 0.5
    pdf.set_font(FONT, "B", _TABLE_SIZE)
    words = [  # a heading may wrap between words, so its longest word counts
        max(pdf.get_string_width(word) for word in (heading.split() or [""])) + pad
        for heading in report.table_columns
    ]
    pdf.set_font(FONT, "", _TABLE_SIZE)
    contents = [pad] * COLUMNS
    for row in report.rows:
        for column, text in enumerate(row.cells()):
            width = pdf.get_string_width(" ".join(text.split())) + pad
            contents[column] = max(contents[column], width)
    natural = [max(pair) for pair in zip(words, contents, strict=True)]

    widths = [0.0] * COLUMNS
    for column, cap in _CAPS.items():
        widths[column] = max(min(contents[column], cap), min(words[column], _HEADING_WORD_CAP))
    left = pdf.epw - sum(widths)
    flexible = sorted(_FLEXIBLE, key=lambda column: natural[column])
    for position, column in enumerate(flexible):
        share = left / (len(flexible) - position)
        widths[column] = min(natural[column], share)
        left -= widths[column]
    if left > 0:  # everything fits on one line: the free-text columns get the room
        spread = sum(widths[column] for column in _FLEXIBLE)
        for column in _FLEXIBLE:
            widths[column] += left * widths[column] / spread
    return widths


def _header_cells(pdf: FPDF, headings: list[str], widths: list[float]) -> list[list[str]]:
    pdf.set_font(FONT, "B", _TABLE_SIZE)
    return [
        _fit(pdf, text, width - 2 * _CELL_PAD_X, _HEADER_LINES)
        for text, width in zip(headings, widths, strict=True)
    ]


def _row_cells(pdf: FPDF, row: ReportRow, widths: list[float]) -> list[list[str]]:
    pdf.set_font(FONT, "", _TABLE_SIZE)
    return [
        [_ellipsize(pdf, " ".join(text.split()), width - 2 * _CELL_PAD_X)]
        for text, width in zip(row.cells(), widths, strict=True)
    ]


def _row_height(cells: list[list[str]]) -> float:
    return max(len(lines) for lines in cells) * _TABLE_LINE + 2 * _CELL_PAD_Y


def _draw_row(
    pdf: FPDF,
    cells: list[list[str]],
    widths: list[float],
    *,
    bold: bool,
    fill: tuple[int, int, int] | None,
) -> None:
    """One table row at the current y, then move below it."""
    top, height = pdf.get_y(), _row_height(cells)
    if fill is not None:
        pdf.set_fill_color(*fill)
        pdf.rect(pdf.l_margin, top, pdf.epw, height, style="F")
    pdf.set_font(FONT, "B" if bold else "", _TABLE_SIZE)
    pdf.set_text_color(*_TEXT)
    x = pdf.l_margin
    for lines, width in zip(cells, widths, strict=True):
        for number, line in enumerate(lines):
            pdf.set_xy(x + _CELL_PAD_X, top + _CELL_PAD_Y + number * _TABLE_LINE)
            pdf.cell(width - 2 * _CELL_PAD_X, _TABLE_LINE, line)
        x += width
    pdf.set_draw_color(*_RULE)
    pdf.set_line_width(0.2)
    pdf.line(pdf.l_margin, top + height, pdf.l_margin + pdf.epw, top + height)
    pdf.set_xy(pdf.l_margin, top + height)


def _wrap(pdf: FPDF, text: str, width: float) -> list[str]:
    """`text` broken into lines of at most `width` mm in the current font (one line, cut
    with "…", in a column too narrow for even a single character)."""
    if not text:
        return [""]
    try:
        lines = pdf.multi_cell(width, text=text, dry_run=True, output=MethodReturnValue.LINES)
    except FPDFException:
        return [_ellipsize(pdf, text, width)]
    assert isinstance(lines, list)
    return [str(line) for line in lines] or [""]


def _fit(pdf: FPDF, text: str, width: float, max_lines: int) -> list[str]:
    """`text` in at most `max_lines` lines of `width` mm, the last cut with "…"."""
    text = " ".join(text.split())
    lines = _wrap(pdf, text, width)
    if len(lines) <= max_lines:
        return lines
    kept = lines[: max_lines - 1]
    shown = 0  # how much of `text` the kept lines show
    for line in kept:
        found = text.find(line, shown)
        shown = found + len(line) if found >= 0 else shown
    return [*kept, _ellipsize(pdf, text[shown:].strip(), width)]


def _ellipsize(pdf: FPDF, text: str, width: float) -> str:
    """`text` cut at the end, with "…", to fit `width` mm in the current font."""
    if pdf.get_string_width(text) <= width:
        return text
    low, high = 0, len(text)  # the longest prefix that fits with the ellipsis
    while low < high:
        middle = (low + high + 1) // 2
        if pdf.get_string_width(text[:middle].rstrip() + ELLIPSIS) <= width:
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip(" ,.;:·-–—") + ELLIPSIS
