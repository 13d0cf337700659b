"""A document's lines -> what each one is: body text, a footnote or endnote, a reference list entry, a
caption or a figure's label, or a running head to drop.

A reader of a policy report tells these apart at a glance; the extracted text runs them together.
What decides, in order (each signal's count goes into the parse report, `Classified.fired`):
- running heads and feet: a line repeated, page numbers masked, at the edge of the text of most
  pages (`running_edge`, the only signal for text files); or, in a PDF, set in the top or bottom
  8% of the page on three pages or more (`running_band`), and the same line printed elsewhere no
  larger (`running_elsewhere`: the publisher's name on the cover);
- footnotes (PDF): a line that starts with a number set small and raised opens a note
  (`footnote_superscript`), or, where notes are numbered in plain figures, a line that starts with
  the number of a marker of the page's text (`footnote_numbered`); the lines after it set in the
  notes' size are its text, and the notes' size stacked right above the first note, at its margin,
  continue the last note of the page before (`footnote_continued`);
- endnotes and reference lists: everything under a heading "Notes", "Endnotes", "Footnotes",
  "References", "Bibliography" or "Works Cited" (`notes_section`, `references_section`) up to the
  next heading; numbered lines in it open notes; a markdown footnote `[^1]: …` is a note
  (`markdown_footnote`);
- captions: "Figure 3. …", "Table 2: …" and the lines that continue them in the caption's size
  (`caption_title`); "Source:", "Sources:", "Note:", "Notes:" and their lines (`caption_source`);
- a figure's labels: the lines between a figure's caption and its Source or Notes line, when no
  sentence of body text lies between them (`label_in_figure`).
Everything else is body text, as a line of a text file always was.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from ..types import CAPTION, LABEL
from . import note_lines
from .cleaning import running_edge_lines
from .line_kinds import (
    LEADING,
    MARGIN_POINTS,
    RUNNING,
    SIZE_POINTS,
    Classified,
    LineKind,
    PageLines,
    is_free,
    mark,
    style_of,
)
from .tables import is_row

__all__ = ["RUNNING", "Classified", "LineKind", "PageLines", "classify"]

BAND = 0.08  # the share of a page's height at its top and bottom where running heads are printed
RUNNING_PAGES = 3  # a line set in that band on this many pages is a running head
RUNNING_ELSEWHERE_POINTS = 2.0  # the same line elsewhere, at most this much larger, is the same head
CAPTION_LINES = 3  # at most this many lines continue a caption's title
FIGURE_LINES = 60  # a figure's labels lie within this many lines of its caption
SENTENCE_WORDS = 12  # a line of this many words ending a sentence is body text, not a label

_CAPTION_TITLE = re.compile(
    r"^(?:Figure|Fig\.|Table|Map|Chart|Graph|Exhibit|Box|Infographic)\s+[A-Z]?\d+(?:[.-]\d+)*[A-Za-z]?"
    r"(?:[.:]|\s+[-–—])\s+\S"
)
_FIGURE_TITLE = re.compile(r"^(?:Figure|Fig\.|Map|Chart|Graph|Infographic)\b")
_SOURCE_LINE = re.compile(r"^(?:Data\s+)?(?:Sources?|Notes?)\s*:\s*\S", re.IGNORECASE)
_DOT_LEADER = re.compile(r"(?:\.\s?){4,}|…{2,}")
_ROMAN = re.compile(r"^(?=[ivxlc]+$)c{0,3}(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})$")
_ENDS_SENTENCE = re.compile(r"[.!?][\"'”’)\]]*$")


def classify(pages: Sequence[PageLines], markdown: bool = False) -> Classified:
    result = Classified([[LineKind()] * len(page.lines) for page in pages])
    _running(pages, result)
    note_lines.sections(pages, result, markdown)
    if markdown:
        note_lines.markdown_footnotes(pages, result)
    note_lines.footnotes(pages, result)
    _captions(pages, result)
    return result


# Running heads and feet ---------------------------------------------------------------------------


def _running(pages: Sequence[PageLines], result: Classified) -> None:
    if len(pages) >= 3:
        for number, drop in enumerate(running_edge_lines([p.lines for p in pages])):
            for line in drop:
                mark(result, number, line, LineKind(RUNNING), "running_edge")
    # In the band: key -> the pages it is set on, and the largest size it is set in there.
    seen: dict[str, set[int]] = {}
    size: dict[str, float] = {}
    for number, page in enumerate(pages):
        for line in _band_lines(page):
            key = _band_key(page.lines[line])
            seen.setdefault(key, set()).add(number)
            size[key] = max(size.get(key, 0.0), page.styles[line].size)  # type: ignore[index]
    running = {key for key, on in seen.items() if len(on) >= RUNNING_PAGES}
    if not running:
        return
    for number, page in enumerate(pages):
        band = set(_band_lines(page))
        for line, text in enumerate(page.lines):
            style = style_of(page, line)
            if not text or style is None or not is_free(result, number, line):
                continue
            key = _band_key(text)
            if key not in running:
                # The last page's foot often adds to the running one ("Congressional Research Service
                # R46991 · VERSION 32 · UPDATED 63"): in the band, a line that opens with a running
                # head of two words or more is one.
                if line in band and any(key.startswith(f"{head} ") for head in running if " " in head):
                    mark(result, number, line, LineKind(RUNNING), "running_band")
                continue
            if line in band:
                mark(result, number, line, LineKind(RUNNING), "running_band")
            elif key and style.size <= size[key] + RUNNING_ELSEWHERE_POINTS:
                mark(result, number, line, LineKind(RUNNING), "running_elsewhere")


def _band_lines(page: PageLines) -> list[int]:
    """The lines set in the page's top or bottom band, smaller than its text. A line there in the
    text's own size heads what the page holds: NVIDIA's "CONDENSED CONSOLIDATED …" statements open
    with "NVIDIA CORPORATION AND SUBSIDIARIES" on every page, the only place in their passages that
    names the company (taken out, an evidence page of each analyst half's questions fell out of the
    top 5)."""
    if page.height <= 0:
        return []
    edge = BAND * page.height
    inside: Counter[float] = Counter()
    found = []
    for line, text in enumerate(page.lines):
        style = style_of(page, line)
        if not text or style is None:
            continue
        if style.y < edge or style.y > page.height - edge:
            found.append(line)
        else:
            inside[round(style.size, 1)] += len(text)
    if not inside:
        return found
    body = max(inside, key=lambda size: (inside[size], size))
    return [line for line in found if page.styles[line].size < body - SIZE_POINTS]  # type: ignore[index]


def _band_key(line: str) -> str:
    """A running line without what changes from page to page: page numbers, arabic or roman."""
    words = [w for w in re.sub(r"\d+", " ", line.lower()).split() if not _ROMAN.match(w.strip(".,:;|-–—"))]
    return " ".join(words).strip(" .,:;|-–—")


# Captions and figures -----------------------------------------------------------------------------


def _captions(pages: Sequence[PageLines], result: Classified) -> None:
    for number, page in enumerate(pages):
        figure: int | None = None  # the line of the last figure caption on the page
        for line, text in enumerate(page.lines):
            if not is_free(result, number, line) or not text:
                continue
            if _CAPTION_TITLE.match(text) and not _DOT_LEADER.search(text):
                mark(result, number, line, LineKind(CAPTION, starts=True), "caption_title")
                last = _continue_caption(page, result, number, line, same_size=False, most=CAPTION_LINES)
                figure = last if _FIGURE_TITLE.match(text) else None
            elif _SOURCE_LINE.match(text):
                mark(result, number, line, LineKind(CAPTION, starts=True), "caption_source")
                if figure is not None:
                    _label_figure(page, result, number, figure, line)
                    figure = None
                _continue_caption(page, result, number, line, same_size=True, most=len(page.lines))


def _continue_caption(page: PageLines, result: Classified, number: int, line: int, same_size: bool, most: int) -> int:
    """Mark the lines that go on with the caption at `line` (PDF: right below it, in its size or, for a
    title, nearly); returns the caption's last line."""
    first = style_of(page, line)
    if first is None:
        return line
    above, last = first, line
    for following in range(line + 1, min(len(page.lines), line + 1 + most)):
        text = page.lines[following]
        style = style_of(page, following)
        if not text:
            continue
        if (
            style is None
            or not is_free(result, number, following)
            or _CAPTION_TITLE.match(text)
            or _SOURCE_LINE.match(text)
            or (not same_size and is_row(text))  # a table's rows below its title ("2025." ends a source too)
            or not 0 < above.y - style.y <= LEADING * above.size
            or (abs(style.size - first.size) > SIZE_POINTS if same_size else style.size < 0.85 * first.size)
            or (same_size and style.x < first.x - MARGIN_POINTS)  # a title's lines may be centred
        ):
            break
        mark(result, number, following, LineKind(CAPTION), "caption_title" if not same_size else "caption_source")
        above, last = style, following
    return last


def _label_figure(page: PageLines, result: Classified, number: int, caption: int, source: int) -> None:
    """The lines between a figure's caption and its Source or Notes line are set inside the figure,
    unless one of them is a sentence of body text (the figure is an image; the text is the page's)."""
    between = [i for i in range(caption + 1, source) if page.lines[i] and is_free(result, number, i)]
    if not between or source - caption > FIGURE_LINES:
        return
    if any(len(page.lines[i].split()) >= SENTENCE_WORDS and _ENDS_SENTENCE.search(page.lines[i]) for i in between):
        return
    top, bottom = style_of(page, caption), style_of(page, source)
    for i in between:
        style = style_of(page, i)
        if top is not None and bottom is not None and style is not None and not bottom.y < style.y < top.y:
            continue
        mark(result, number, i, LineKind(LABEL), "label_in_figure")
