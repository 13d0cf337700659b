"""Extracted pages -> each page's cleaned text with its parts: the regions that are not body text and
the footnote markers in it.

Lines are classified first (regions.py), running heads dropped, then cleaned as before (cleaning.py),
except that a line is never glued to a line of another kind, nor a note to the note before it. Every
offset refers to the cleaned text, like every other offset of a page. A marker is found where the PDF
set a number small and raised inside a line of text, or a markdown `[^1]`, and is kept in the text:
the text stays what the page prints, and an excerpt holding a marker names the note it points to.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from ..types import BODY, NOTE, Region
from . import cleaning, regions
from .layout import LineStyle
from .line_kinds import MARGIN_POINTS, RUNNING, SIZE_POINTS, LineKind, PageLines

MARKER_CONTEXT = 12  # characters before a marker that find it again in the cleaned line
# A paragraph's (or a table cell's) next line sits at most this many font sizes below: CRS body text
# at 1.15, Apple's 10-Q at 1.25; a heading stands 1.4 and more above the paragraph it heads.
WRAP_LEADING = 1.3
COLUMN_LINES = 5  # lines set at one margin on a page that show how wide its column is
FILLED = 0.75  # a line this share of its column's width ran out of room: the next goes on with it
_MD_MARKER = re.compile(r"\[\^([^\]\s]+)\](?!:)")


@dataclass(frozen=True)
class SourcePage:
    """One extracted page: its text, and for a PDF each line's style (layout.py) and the page's height."""

    text: str
    styles: tuple[LineStyle, ...] | None = None
    height: float = 0.0
    headings: tuple[str, ...] = ()


@dataclass(frozen=True)
class PageParts:
    text: str
    regions: tuple[Region, ...]
    markers: tuple[tuple[int, int], ...]
    lines: tuple[str, ...]  # the page's lines as split, running heads left out, before gluing (for the TOC check)


def clean_pages(pages: Sequence[SourcePage], markdown: bool = False) -> tuple[list[PageParts], Counter[str]]:
    """Every page cleaned, with its regions and markers; and how often each signal of regions.py fired."""
    lines = [cleaning.split_lines(page.text) for page in pages]
    styles = [_aligned(page, split) for page, split in zip(pages, lines, strict=True)]
    classified = regions.classify(
        [
            PageLines(split, style, page.height, page.headings)
            for page, split, style in zip(pages, lines, styles, strict=True)
        ],
        markdown=markdown,
    )
    kept = [[i for i, kind in enumerate(kinds) if kind.kind != RUNNING] for kinds in classified.kinds]
    words = cleaning.vocabulary(["\n".join(split[i] for i in keep) for split, keep in zip(lines, kept, strict=True)])
    parts = []
    fired = classified.fired
    for split, style, kinds, keep in zip(lines, styles, classified.kinds, kept, strict=True):
        kept_lines = [split[i] for i in keep]
        kept_kinds = [kinds[i] for i in keep]
        kept_styles = [style[i] for i in keep] if style else None
        follows = _follows(kept_lines, kept_styles)
        text, origins = cleaning.clean_lines(
            kept_lines,
            words,
            _breaks(kept_kinds),
            [k.kind for k in kept_kinds],
            follows,
            _wraps(kept_lines, kept_styles, follows),
        )
        page_regions = _regions(text, origins, kept_kinds)
        markers = _pdf_markers(text, origins, kept_lines, kept_styles, kept_kinds)
        if markdown:
            markers = _markdown_markers(text, page_regions)
        fired["marker_superscript" if not markdown else "marker_markdown"] += len(markers)
        parts.append(PageParts(text, page_regions, markers, tuple(kept_lines)))
    return parts, fired


def _aligned(page: SourcePage, lines: Sequence[str]) -> tuple[LineStyle, ...] | None:
    """The page's styles with each superscript's offsets moved to the line as split_lines gives it;
    None when the page has none, or they do not line up with its lines."""
    if page.styles is None or len(page.styles) != len(lines):
        return None
    raw = page.text.split("\n")
    if len(raw) != len(lines):
        return None
    aligned = []
    for line, style in zip(raw, page.styles, strict=True):
        spans = tuple(
            (cleaning.normalized_offset(line, start), cleaning.normalized_offset(line, start) + (end - start))
            for start, end in style.superscripts
        )
        aligned.append(LineStyle(style.size, style.x, style.y, spans) if spans else style)
    return tuple(aligned)


def _breaks(kinds: Sequence[LineKind]) -> list[bool]:
    """Where a line must start a line of the text: it opens a note, or follows a line of another kind."""
    breaks, previous = [], None
    for kind in kinds:
        breaks.append(kind.starts or (previous is not None and (kind.kind, kind.label) != previous))
        previous = (kind.kind, kind.label)
    return breaks


def _follows(lines: Sequence[str], styles: Sequence[LineStyle] | None) -> list[bool] | None:
    """For each line, whether the PDF sets it as the next line of the one before: right below it (one
    line's leading at most), starting at the same margin, in the same size."""
    if styles is None:
        return None
    follows = [False] * len(lines)
    for i in range(1, len(lines)):
        above, style = styles[i - 1], styles[i]
        if not lines[i] or not lines[i - 1] or above.size <= 0 or style.size <= 0:
            continue
        follows[i] = (
            abs(style.size - above.size) <= SIZE_POINTS
            and abs(style.x - above.x) <= MARGIN_POINTS
            and 0 < above.y - style.y <= WRAP_LEADING * above.size
        )
    return follows


def _wraps(
    lines: Sequence[str], styles: Sequence[LineStyle] | None, follows: Sequence[bool] | None
) -> list[bool] | None:
    """For each line, whether it is the next line of a paragraph: it follows the line before, and that
    line fills its column (as long as most lines set at its margin on the page). The page's longest
    lines are no measure of a column's width in a two-column report, nor for a footnote's lines."""
    if styles is None or follows is None:
        return None
    lengths: dict[int, list[int]] = {}
    for line, style in zip(lines, styles, strict=True):
        if line and style.size > 0 and not math.isnan(style.x):
            lengths.setdefault(round(style.x / MARGIN_POINTS), []).append(len(line))
    wide = {}
    for column, found in lengths.items():
        if len(found) >= COLUMN_LINES:
            found.sort()
            wide[column] = found[int(0.9 * (len(found) - 1))]
    wraps = [False] * len(lines)
    for i in range(1, len(lines)):
        if follows[i]:  # both lines have text, so a place
            column = round(styles[i - 1].x / MARGIN_POINTS)
            wraps[i] = column in wide and len(lines[i - 1]) >= FILLED * wide[column]
    return wraps


def _regions(text: str, origins: Sequence[int], kinds: Sequence[LineKind]) -> tuple[Region, ...]:
    """The spans of text whose lines are not body text; a note, or a line that starts a unit, begins one."""
    found: list[Region] = []
    offset = 0
    for line, origin in zip(text.split("\n") if text else [], origins, strict=True):
        start, offset = offset, offset + len(line) + 1
        if origin < 0:
            continue  # a blank line between paragraphs belongs to neither
        kind = kinds[origin]
        if kind.kind == BODY:
            continue
        last = found[-1] if found else None
        joins = last is not None and not kind.starts and (last.kind, last.label) == (kind.kind, kind.label)
        if joins and text[last.end : start].strip() == "":  # type: ignore[union-attr]
            found[-1] = Region(last.start, start + len(line), kind.kind, kind.label)  # type: ignore[union-attr]
        else:
            found.append(Region(start, start + len(line), kind.kind, kind.label))
    return tuple(found)


def _pdf_markers(
    text: str,
    origins: Sequence[int],
    lines: Sequence[str],
    styles: Sequence[LineStyle] | None,
    kinds: Sequence[LineKind],
) -> tuple[tuple[int, int], ...]:
    """The superscript numbers of the page's lines of text, found again in the cleaned text: each is
    looked for, with the characters before it on its line, from where the last one was found."""
    if styles is None:
        return ()
    starts = _line_starts(text)
    into = _output_lines(origins, len(lines))
    found: list[tuple[int, int]] = []
    cursor = 0
    for i, (line, style) in enumerate(zip(lines, styles, strict=True)):
        if kinds[i].kind == NOTE or into[i] < 0:
            continue  # a note's own number opens it; numbers inside notes point nowhere we keep
        for start, end in style.superscripts:
            if start == 0:
                continue  # a number opening a line is a list's or a note's, not a marker
            before = line[max(0, start - MARKER_CONTEXT) : start]
            number = line[start:end]
            if not number.isdigit():
                number = re.sub(r"\D.*", "", number)
            if not number:
                continue
            where = text.find(before + number, max(cursor, starts[into[i]]))
            if where < 0:
                continue
            begin = where + len(before)
            stop = begin + len(number)
            if stop < len(text) and text[stop].isdigit():
                continue
            found.append((begin, stop))
            cursor = stop
    return tuple(found)


def _line_starts(text: str) -> list[int]:
    starts, offset = [], 0
    for line in text.split("\n"):
        starts.append(offset)
        offset += len(line) + 1
    return starts


def _output_lines(origins: Sequence[int], count: int) -> list[int]:
    """For each input line, the line of the cleaned text it went into (-1 for none)."""
    into = [-1] * count
    current = -1
    firsts = {origin: k for k, origin in enumerate(origins) if origin >= 0}
    for i in range(count):
        current = firsts.get(i, current)
        into[i] = current
    return into


def _markdown_markers(text: str, page_regions: Sequence[Region]) -> tuple[tuple[int, int], ...]:
    """`[^1]` in the page's text outside its notes: the span of the label inside the brackets."""
    notes = [(r.start, r.end) for r in page_regions if r.kind == NOTE]
    return tuple(
        (m.start(1), m.end(1))
        for m in _MD_MARKER.finditer(text)
        if not any(start <= m.start() < end for start, end in notes)
    )
