"""Running heads and feet left in an index's passages, found apart from the reader's own rules: a check
of regions.py, not a use of it.

A PDF's pages are read with pdfium (the page view's renderer), not pypdf: a line of a page's text
set in its top or bottom 8%, smaller than the page's text, is a running line when, with whole numbers
masked, it is set so on three pages or more of the same PDF; so is a line at either end of the page's
text on half its pages or more, wherever it is set. A passage line equal to a running line of
one of its own pages is a running head the reader left in. (A line there in the text's own size heads
what the page holds, as NVIDIA's statements' "NVIDIA CORPORATION AND SUBSIDIARIES" does: those are
counted apart, `heading_lines`.)
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

from ..types import Chunk

BAND = 0.08
PAGES = 3
# Page numbers: whole numbers of up to three figures; not a year ("2022"), nor the parts of
# "Exhibit 31.1", which names one exhibit where "Exhibit 32.1" names another.
_WHOLE_NUMBER = re.compile(r"(?<![\d.,])\d{1,3}(?![\d,]|\.\d)")


def running_lines(paths: Iterable[Path], smaller: bool = True) -> dict[tuple[str, int], set[str]]:
    """(file name, 1-based page) -> the masked running lines of that page: set in its band on three
    pages or more, or the first or last two lines of its text on half the pages or more (Apple's 10-Q
    sets its "Apple Inc. | Q1 2023 Form 10-Q | 5" wherever the page's text ends). With `smaller` False,
    the lines set in the band in the text's own size instead (headings), and no others."""
    found: dict[tuple[str, int], set[str]] = {}
    for path in paths:
        band, edges = _page_lines(path, smaller)
        in_band = Counter(line for lines in band for line in lines)
        at_edge = Counter(line for lines in edges for line in lines)
        half = max(PAGES, (len(edges) + 1) // 2)
        for number, (banded, edged) in enumerate(zip(band, edges, strict=True), start=1):
            lines = {line for line in banded if in_band[line] >= PAGES}
            if smaller:
                lines |= {line for line in edged if at_edge[line] >= half}
            found[path.name, number] = lines
    return found


def _page_lines(path: Path, smaller: bool) -> tuple[list[set[str]], list[set[str]]]:
    """Each page's masked lines in its band, smaller than its text (or, `smaller` False, not); and each
    page's first and last two lines, when they are set no larger than its text (a cover's title is
    not its running head)."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    pages, edges = [], []
    document = pdfium.PdfDocument(path)
    try:
        for number in range(len(document)):
            page = document[number]
            height = page.get_size()[1]
            text = page.get_textpage()
            inside: Counter[float] = Counter()
            lines: list[tuple[str, Counter[float], bool]] = []  # text, its characters' sizes, in the band
            current, sizes, banded = "", Counter[float](), False
            for index in range(text.count_chars()):
                char = text.get_text_range(index, 1)
                if char in "\r\n":
                    lines.append((current, sizes, banded))
                    current, sizes, banded = "", Counter(), False
                    continue
                size = round(pdfium_c.FPDFText_GetFontSize(text.raw, index), 1)
                _, bottom, _, top = text.get_charbox(index)
                in_band = top < BAND * height or bottom > (1 - BAND) * height
                current += char
                if not char.isspace() and size > 1:
                    sizes[size] += 1
                    banded = banded or in_band
                    if not in_band:
                        inside[size] += 1
            lines.append((current, sizes, banded))
            body = max(inside, key=lambda s: (inside[s], s)) if inside else 0.0
            sized = [
                (masked(line), max(sz, key=lambda s: (sz[s], s)), b) for line, sz, b in lines if line.strip() and sz
            ]
            pages.append({line for line, size, b in sized if b and (size < 0.95 * body) == smaller})
            ends = sized[:2] + sized[-2:]
            edges.append({line for line, size, _ in ends if size <= body * 1.05})
    finally:
        document.close()
    return pages, edges


def left_in(chunks: Sequence[Chunk], running: dict[tuple[str, int], set[str]]) -> list[tuple[str, int, str]]:
    """(document, page, line) of every passage line that is a running line of a page it spans."""
    return [
        (chunk.document, number, line)
        for chunk in chunks
        for number in range(chunk.page_start, chunk.page_end + 1)
        for line in chunk.text.split("\n")
        if masked(line) in running.get((chunk.document, number), set())
    ]


def masked(line: str) -> str:
    return _WHOLE_NUMBER.sub("#", " ".join(line.split()).lower())
