"""The lines of a document's pages, and what each is found to be (regions.py, note_lines.py): the data
the reader's classification passes between its rules, and the small helpers they share."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..types import BODY
from .layout import LineStyle

RUNNING = "running"  # a line's kind when it is a running head or foot: it is not kept in the text
SIZE_POINTS = 0.6  # two lines within this many points of each other are set in the same size
MARGIN_POINTS = 3.0  # two lines starting within this many points start at the same margin
LEADING = 1.9  # a line follows the one above it when it sits at most this many sizes lower


@dataclass(frozen=True)
class PageLines:
    """One page as lines (cleaning.split_lines), with their styles where the file is a PDF."""

    lines: Sequence[str]
    styles: Sequence[LineStyle] | None = None  # one per line, or None for text and markdown
    height: float = 0.0  # the page's height in points (0: unknown)
    headings: Sequence[str] = ()  # outline titles that point at the page


@dataclass(frozen=True)
class LineKind:
    kind: str = BODY
    label: str = ""  # the number of the note the line belongs to
    starts: bool = False  # the line opens a unit of its own (a note) and is never glued to the one before


@dataclass
class Classified:
    kinds: list[list[LineKind]]  # one per line of each page
    fired: Counter[str] = field(default_factory=Counter)  # signal -> how many lines it decided


def mark(result: Classified, page: int, line: int, kind: LineKind, signal: str) -> None:
    result.kinds[page][line] = kind
    result.fired[signal] += 1


def is_free(result: Classified, page: int, line: int) -> bool:
    return result.kinds[page][line].kind == BODY


def style_of(page: PageLines, line: int) -> LineStyle | None:
    style = page.styles[line] if page.styles is not None else None
    return style if style is not None and style.size > 0 and not math.isnan(style.y) else None
