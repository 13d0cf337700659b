"""Page text -> its table rows, each with the column headings over it and the group it sits in.

A quoted row alone says neither which period its figures are for nor what they count: "Services
6,248 5,589 18,370 16,411" is Apple's cost of services in two quarters and two nine-month periods,
which only the lines above it say ("Cost of sales:", "Three Months Ended Nine Months Ended July 1,
2023 June 25, 2022 …"). The citation of a row names both, and a row's sentence vector is made from
the row with both, so a question about a concept and a period can find the row. The excerpt stays
the row itself, verbatim.

Read line by line (cleaning keeps every row on a line of its own):
- a heading line names periods: years, month-and-day dates, "Three Months Ended", "Change",
  "(In millions)" — no amounts; consecutive heading lines before a table's rows are its headings;
- a row ends in figures ("$ 81,797 $ 82,959 (1)%", "— —") and is not a heading line;
- a group label is a short line ending in a colon ("Cost of sales:", "INVESTING ACTIVITIES:"); it
  holds for the rows after it up to a "Total …" or "Net …" row, which closes the group; a short
  title right over rows ("AWS", "North America") holds up to the next label, title or headings;
- anything else long or ending a sentence is prose, and ends the table: a row after it without
  headings of its own gets none, rather than the last table's.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

from .captions import ASIDE, is_caption

MAX_HEADING_LINE_CHARS = 80
MAX_LABEL_CHARS = 100
MAX_TITLE_CHARS = 40
MAX_COLUMNS_CHARS = 200  # headings longer than this are cut: they describe, they are never quoted
MAX_ONE_FIGURE_ROW_CHARS = 100
ROW_TAIL = 80  # characters at a line's end looked at for figures: lines may be megabytes

_FIGURE = r"(?:(?:\$\s?)?\(?\d[\d,.]*\)?\s?%?|[—–-])"
_FIGURE_AT_END = re.compile(rf"(?:\s|^){_FIGURE}$")
_TWO_FIGURES_AT_END = re.compile(rf"(?:\s{_FIGURE}){{2,}}$")
_NUMBER = re.compile(r"\d[\d,.]*")
_YEAR = re.compile(r"^(?:19|20)\d\d$")
_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?)"
)
_PERIOD_WORDS = re.compile(
    rf"\b(?:{_MONTH}|ended|ending|months?|weeks?|quarters?|fiscal|years?|change|as of)\b|\b(?:19|20)\d\d\b",
    re.IGNORECASE,
)
_DAY = re.compile(rf"{_MONTH}\s+(\d{{1,2}}),?", re.IGNORECASE)
_UNITS = re.compile(r"^\((?:in|dollars in|amounts in)\b[^)]{0,60}\)$", re.IGNORECASE)
_INTRO = re.compile(r"\b(?:follow|following|follows|table|below)\b", re.IGNORECASE)
_CLOSES_GROUP = re.compile(r"^(?:Total|Net)\b")


@dataclass(frozen=True)
class TableRow:
    start: int  # the row's line in the page text: text[start:end]
    end: int
    columns: str  # the table's column headings, one line ("Three Months Ended March 31, 2022 2023"), or ""
    group: str  # the label the row sits under ("Cost of sales:"), or ""

    def described(self, row: str) -> str:
        """The row with what it is about, as embedded: never quoted."""
        parts = [f"{self.group} {row}" if self.group else row]
        return " — ".join(parts + [self.columns] if self.columns else parts)


def is_heading_line(line: str) -> bool:
    """A line of column headings: periods and dates, no amounts."""
    if _UNITS.match(line):
        return True
    bare = ASIDE.sub(" ", line).strip()
    if not bare or len(bare) > MAX_HEADING_LINE_CHARS or "$" in bare or bare.endswith((".", ":")):
        return False
    if not _PERIOD_WORDS.search(bare):
        return False
    days = {m.start(1) for m in _DAY.finditer(bare)}
    return all(_YEAR.match(n.group().rstrip(",.")) or n.start() in days for n in _NUMBER.finditer(bare))


def is_row(line: str) -> bool:
    return _ends_in_figures(line) and not is_heading_line(line)


def _ends_in_figures(line: str) -> bool:
    """Two figures or more at the end, or one on a short line ("2025 3,960"): a long line ending in
    one figure is more often prose that the layout broke there."""
    figures = _TWO_FIGURES_AT_END if len(line) > MAX_ONE_FIGURE_ROW_CHARS else _FIGURE_AT_END
    return bool(figures.search(line[-ROW_TAIL:]))


@lru_cache(maxsize=256)
def table_rows(text: str) -> tuple[TableRow, ...]:
    """Every table row of a page's text, in order, with its headings and group."""
    rows: list[TableRow] = []
    block: list[str] = []  # heading lines since the last row or prose
    columns, group, title = "", "", ""
    offset = 0
    for raw in text.split("\n"):
        start, offset = offset + len(raw) - len(raw.lstrip()), offset + len(raw) + 1
        line = raw.strip()
        if not line:
            continue
        if is_heading_line(line):
            if not block:
                group = ""  # a new set of headings: a new table, or a new part of one
            block.append(line if _UNITS.match(line) else " ".join(ASIDE.sub(" ", line).split()))
        elif _ends_in_figures(line):  # a row: heading lines were taken above
            if any(not _UNITS.match(b) for b in block):
                columns = " ".join(block)[:MAX_COLUMNS_CHARS]
            if title and columns:  # "AWS" right over its rows: a segment's part of the table
                group = title
            block, title = [], ""
            rows.append(TableRow(start, start + len(line), columns, group))
            if group.endswith(":") and _CLOSES_GROUP.match(line):
                group = ""
        elif _is_label(line):
            group, title = line, ""
        elif _is_title(line):
            title = line
        elif not is_caption(line):
            block, columns, group, title = [], "", "", ""
    return tuple(rows)


def row_at(text: str, start: int, end: int) -> TableRow | None:
    """The table row that text[start:end] lies in, if it lies in one."""
    rows = table_rows(text)
    i = bisect_right(rows, start, key=lambda row: row.start) - 1
    return rows[i] if i >= 0 and end <= rows[i].end else None


def _is_label(line: str) -> bool:
    return line.endswith(":") and len(line) <= MAX_LABEL_CHARS and not _INTRO.search(line)


def _is_title(line: str) -> bool:
    """A short line that neither heads nor ends a table ("ASSETS", "North America", "(Unaudited)");
    right over rows, it names their part of the table. Captions ("CONSOLIDATED BALANCE SHEETS")
    neither end a table nor name a part of one."""
    return len(line) <= MAX_TITLE_CHARS and not line.endswith(".") and not is_caption(line)


def embedded_text(text: str, start: int, end: int) -> str:
    """What is embedded for the sentence text[start:end]: a row with its group and headings, else
    the sentence itself."""
    row = row_at(text, start, end)
    return row.described(text[start:end]) if row else text[start:end]
