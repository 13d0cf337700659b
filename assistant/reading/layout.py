"""pypdf's text runs -> a page's lines with what the PDF says of how each is set: font size, position
and the superscript figures in it (footnote markers).

pypdf reports every run of text it extracts to a visitor, with the text and font matrices and the
font size, and the runs joined are exactly the text `extract_text` returns (checked on the CRS and
Docugami PDFs: no page differs). So the lines of the extracted text can be given their style
without a second extraction: the text every offset refers to stays pypdf's own.

The style is what tells the parts of a page apart where the words alone do not (regions.py): a
footnote is set smaller than the body and sits below it; a footnote marker is a figure set small
and raised ("multiple times.¹²⁶"), which is how it can be told from a figure of the text.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

# A superscript is set at most this share of its line's size, and raised by at least this share of it.
SUPERSCRIPT_SIZE = 0.85
SUPERSCRIPT_RISE = 0.15
_MARKER_TEXT = re.compile(r"^\s*\d{1,3}(?:\s*[,–-]\s*\d{1,3})*\s*$")


@dataclass(frozen=True)
class LineStyle:
    """How one line of a page's extracted text is set. `size` is the font size most of its characters
    have, in points as printed (the font size times the matrices' scale); `x`, `y` where its first
    visible run starts, in the page's coordinates (y grows upwards); `superscripts` the (start, end)
    offsets in the line of figures set small and raised."""

    size: float
    x: float
    y: float
    superscripts: tuple[tuple[int, int], ...] = ()


@dataclass
class _Piece:
    text: str
    size: float
    x: float
    y: float


@dataclass
class LineCollector:
    """A pypdf `visitor_text` that gathers each run's style, then cuts the page into lines."""

    pieces: list[list[_Piece]] = field(default_factory=lambda: [[]])

    def __call__(self, text: Any, cm: Any, tm: Any, font: Any, font_size: Any) -> None:
        if not isinstance(text, str) or not text:
            return
        # Only "\n" ends a line here: a stray CR or form feed inside a run would split it in two for
        # cleaning (which takes them for line ends) and not here.
        text = text.replace("\r", " ").replace("\f", " ")
        try:
            m = _multiply(tm, cm)
            size = float(font_size) * math.hypot(m[2], m[3])
            x, y = m[4], m[5]
        except (TypeError, ValueError, IndexError):
            size, x, y = 0.0, math.nan, math.nan
        parts = text.split("\n")
        for i, part in enumerate(parts):
            if part:
                self.pieces[-1].append(_Piece(part, size, x, y))
            if i < len(parts) - 1:
                self.pieces.append([])

    def lines(self) -> tuple[str, tuple[LineStyle, ...]]:
        """The page's text (the runs joined, as extract_text returns it) and one style per line of it."""
        texts = ["".join(p.text for p in line) for line in self.pieces]
        return "\n".join(texts), tuple(_style(line) for line in self.pieces)


def _style(pieces: list[_Piece]) -> LineStyle:
    visible = [p for p in pieces if p.text.strip()]
    if not visible:
        return LineStyle(0.0, math.nan, math.nan)
    sizes: Counter[float] = Counter()
    for p in visible:
        sizes[round(p.size, 1)] += len(p.text.strip())
    size = max(sizes, key=lambda s: (sizes[s], s))
    baseline = next((p.y for p in visible if round(p.size, 1) == size), visible[0].y)
    superscripts: list[tuple[int, int]] = []
    offset = 0
    for p in pieces:
        if (
            _MARKER_TEXT.match(p.text)
            and 0 < p.size <= SUPERSCRIPT_SIZE * size
            and p.y - baseline >= SUPERSCRIPT_RISE * size
        ):
            start = offset + len(p.text) - len(p.text.lstrip())
            end = offset + len(p.text.rstrip())
            if superscripts and superscripts[-1][1] == start:  # one marker set in several runs
                start = superscripts.pop()[0]
            superscripts.append((start, end))
        offset += len(p.text)
    return LineStyle(size, visible[0].x, visible[0].y, tuple(superscripts))


def _multiply(tm: Any, cm: Any) -> list[float]:
    """tm × cm, the matrix that places a run on the page (PDF 1.7, 9.4.4)."""
    a, b, c, d, e, f = (float(v) for v in tm)
    A, B, C, D, E, F = (float(v) for v in cm)
    return [a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F]
