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

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from statistics import median

from .cleaning import running_edge_lines
from .layout import LineStyle
from .tables import is_row
from .types import BODY, CAPTION, LABEL, NOTE, REFERENCE

RUNNING = "running"  # a line's kind when it is a running head or foot: it is not kept in the text

BAND = 0.08  # the share of a page's height at its top and bottom where running heads are printed
RUNNING_PAGES = 3  # a line set in that band on this many pages is a running head
RUNNING_ELSEWHERE_POINTS = 2.0  # the same line elsewhere, at most this much larger, is the same head
SIZE_POINTS = 0.6  # two lines within this many points of each other are set in the same size
MARGIN_POINTS = 3.0  # two lines starting within this many points start at the same margin
LEADING = 1.9  # a line follows the one above it when it sits at most this many sizes lower
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
_NOTES_HEADING = re.compile(r"^(?:#{1,6}\s+)?(?:foot|end)?notes\s*:?$", re.IGNORECASE)
_REFERENCES_HEADING = re.compile(
    r"^(?:#{1,6}\s+)?(?:references|bibliography|works cited|literature cited|selected bibliography)\s*:?$",
    re.IGNORECASE,
)
_MD_HEADING = re.compile(r"^(#{1,6})\s+\S")
# A numbered note in an endnotes section: "12 Text", "12. Text", "12) Text", "| 12. | Text" (a
# scraped table of notes).
_NUMBERED = re.compile(r"^(?:\|\s*)?(\d{1,3})[.)]?\s*(?:\|\s*)?\s(?=\S)")
_PLAIN_NOTE = re.compile(r"^(\d{1,3})\s+\S")
_MD_FOOTNOTE = re.compile(r"^\[\^([^\]\s]+)\]:\s*")
_ROMAN = re.compile(r"^(?=[ivxlc]+$)c{0,3}(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})$")
_ENDS_SENTENCE = re.compile(r"[.!?][\"'”’)\]]*$")


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


def classify(pages: Sequence[PageLines], markdown: bool = False) -> Classified:
    result = Classified([[LineKind()] * len(page.lines) for page in pages])
    _running(pages, result)
    _sections(pages, result, markdown)
    if markdown:
        _markdown_footnotes(pages, result)
    _footnotes(pages, result)
    _captions(pages, result)
    return result


def _set(result: Classified, page: int, line: int, kind: LineKind, signal: str) -> None:
    result.kinds[page][line] = kind
    result.fired[signal] += 1


def _free(result: Classified, page: int, line: int) -> bool:
    return result.kinds[page][line].kind == BODY


def _style(page: PageLines, line: int) -> LineStyle | None:
    style = page.styles[line] if page.styles is not None else None
    return style if style is not None and style.size > 0 and not math.isnan(style.y) else None


# Running heads and feet ---------------------------------------------------------------------------


def _running(pages: Sequence[PageLines], result: Classified) -> None:
    if len(pages) >= 3:
        for number, drop in enumerate(running_edge_lines([p.lines for p in pages])):
            for line in drop:
                _set(result, number, line, LineKind(RUNNING), "running_edge")
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
            style = _style(page, line)
            if not text or style is None or not _free(result, number, line):
                continue
            key = _band_key(text)
            if key not in running:
                # The last page's foot often adds to the running one ("Congressional Research Service
                # R46991 · VERSION 32 · UPDATED 63"): in the band, a line that opens with a running
                # head of two words or more is one.
                if line in band and any(key.startswith(f"{head} ") for head in running if " " in head):
                    _set(result, number, line, LineKind(RUNNING), "running_band")
                continue
            if line in band:
                _set(result, number, line, LineKind(RUNNING), "running_band")
            elif key and style.size <= size[key] + RUNNING_ELSEWHERE_POINTS:
                _set(result, number, line, LineKind(RUNNING), "running_elsewhere")


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
        style = _style(page, line)
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


# Endnotes and reference lists ----------------------------------------------------------------------


def _sections(pages: Sequence[PageLines], result: Classified, markdown: bool) -> None:
    """Lines under a Notes or References heading, up to the next heading, are notes or references. A
    heading that opens the document is its title, not a section ("# Notes" over a memo); a Notes
    section whose lines are not numbered notes is not one."""
    sections: list[tuple[str, list[tuple[int, int]]]] = []  # (kind, its lines), the heading first
    kind, level, seen_text = "", 0, False
    for number, page in enumerate(pages):
        for line, text in enumerate(page.lines):
            if not text or not _free(result, number, line):
                continue
            heading = _heading_level(page, line, markdown)
            if heading:
                opens = NOTE if _NOTES_HEADING.match(text) else REFERENCE if _REFERENCES_HEADING.match(text) else ""
                if opens and seen_text:
                    kind, level = opens, heading
                    sections.append((kind, [(number, line)]))
                    continue
                if kind and heading <= level:
                    kind = ""
            seen_text = True
            if kind:
                sections[-1][1].append((number, line))
    for kind, lines in sections:
        numbered = [_NUMBERED.match(pages[n].lines[i]) for n, i in lines]
        if kind == NOTE and not any(numbered[1:]):
            continue
        (first_page, first_line), label = lines[0], ""
        _set(
            result,
            first_page,
            first_line,
            LineKind(kind, starts=True),
            f"{'notes' if kind == NOTE else 'references'}_section",
        )
        for (number, line), match in zip(lines[1:], numbered[1:], strict=True):
            is_note = kind == NOTE and match is not None
            label = match.group(1) if is_note and match else label
            result.kinds[number][line] = LineKind(kind, label if kind == NOTE else "", starts=is_note)


def _heading_level(page: PageLines, line: int, markdown: bool) -> int:
    """1-6 when the line is a heading (a markdown heading's level; 1 for a PDF outline title or a line
    set larger than its neighbours), else 0."""
    text = page.lines[line]
    if markdown:
        match = _MD_HEADING.match(text)
        return len(match.group(1)) if match else 0
    if any(text.strip().lower() == h.strip().lower() for h in page.headings):
        return 1
    style = _style(page, line)
    if style is None:
        # A text file: a short line alone between blank lines heads what follows.
        lines = page.lines
        alone = (line == 0 or not lines[line - 1]) and (line + 1 == len(lines) or not lines[line + 1])
        return 1 if alone and 0 < len(text) <= 40 and not _ENDS_SENTENCE.search(text) else 0
    sizes = [s.size for i in range(max(0, line - 3), min(len(page.lines), line + 4)) if (s := _style(page, i))]
    larger = style.size >= median(sizes) + 1.0 if sizes else False
    return 1 if larger and len(text) <= 80 else 0


def _markdown_footnotes(pages: Sequence[PageLines], result: Classified) -> None:
    for number, page in enumerate(pages):
        label = ""
        for line, text in enumerate(page.lines):
            match = _MD_FOOTNOTE.match(text)
            if match:
                label = match.group(1)
                _set(result, number, line, LineKind(NOTE, label, starts=True), "markdown_footnote")
            elif label and text and _free(result, number, line):
                # The lines right below it go on with the note (its indentation is gone by now), up to a
                # blank line, as a paragraph of markdown runs on.
                result.kinds[number][line] = LineKind(NOTE, label)
            else:
                label = ""


# Footnotes at the foot of PDF pages ---------------------------------------------------------------


def _footnotes(pages: Sequence[PageLines], result: Classified) -> None:
    last_note: tuple[str, float, float] | None = None  # (label, size, margin) of the page before's last note
    for number, page in enumerate(pages):
        if page.styles is None:
            continue
        starts = _note_starts(page, result, number)
        if not starts:
            last_note = _continue_page(page, result, number, last_note)
            continue
        size = median(s.size for _, s, _ in starts)
        margin = min(s.x for _, s, _ in starts)
        first = starts[0][0]
        if last_note is not None:
            _continue_above(page, result, number, first, last_note[0], size, margin)
        labels = {line: label for line, _, label in starts}
        label = ""
        for line in range(first, len(page.lines)):
            style = _style(page, line)
            if not _free(result, number, line) or not page.lines[line]:
                continue
            if line in labels:
                label = labels[line]
                signal = "footnote_superscript" if _superscript_start(page, line) else "footnote_numbered"
                _set(result, number, line, LineKind(NOTE, label, starts=True), signal)
            elif style is not None and abs(style.size - size) <= SIZE_POINTS:
                result.kinds[number][line] = LineKind(NOTE, label)
            elif style is not None:
                break  # set in another size: the body again, in an odd extraction order
        last_note = (label, size, margin)


def _note_starts(page: PageLines, result: Classified, number: int) -> list[tuple[int, LineStyle, str]]:
    """(line, style, number) of each line that opens a footnote, in text order: a number set small and
    raised at its start, or (where the page has no such line) a plain number that a marker of the
    page's text points to, on a line set smaller than that text."""
    starts = []
    for line, text in enumerate(page.lines):
        style = _style(page, line)
        if style is not None and _free(result, number, line) and _superscript_start(page, line):
            start, end = style.superscripts[0]
            starts.append((line, style, re.sub(r"\D.*", "", text[start:end]) or text[start:end]))
    if starts:
        return starts
    markers: dict[str, float] = {}
    for line, text in enumerate(page.lines):
        style = _style(page, line)
        if style is not None:
            for start, end in style.superscripts:
                markers[text[start:end].strip()] = style.size
    for line, text in enumerate(page.lines):
        style = _style(page, line)
        match = _PLAIN_NOTE.match(text)
        if style is not None and match and _free(result, number, line) and match.group(1) in markers:
            if style.size < markers[match.group(1)] - SIZE_POINTS:
                starts.append((line, style, match.group(1)))
    return starts


def _superscript_start(page: PageLines, line: int) -> bool:
    """The line opens with a superscript number and goes on with text."""
    style = _style(page, line)
    text = page.lines[line]
    if style is None or not style.superscripts:
        return False
    start, end = style.superscripts[0]
    return start == len(text) - len(text.lstrip()) and bool(text[end:].strip())


def _continue_above(
    page: PageLines, result: Classified, number: int, first: int, label: str, size: float, margin: float
) -> None:
    """Lines stacked right above the page's first note, in its size and at its margin, go on with the
    last note of the page before."""
    below = _style(page, first)
    for line in range(first - 1, -1, -1):
        style = _style(page, line)
        if not page.lines[line]:
            continue
        if (
            style is None
            or below is None
            or not _free(result, number, line)
            or abs(style.size - size) > SIZE_POINTS
            or abs(style.x - margin) > MARGIN_POINTS
            or not 0 < style.y - below.y <= LEADING * size
        ):
            return
        _set(result, number, line, LineKind(NOTE, label), "footnote_continued")
        below = style


def _continue_page(
    page: PageLines, result: Classified, number: int, last_note: tuple[str, float, float] | None
) -> tuple[str, float, float] | None:
    """A page without notes of its own may end with the rest of the page before's last note: the lines
    at the end of its text, at the foot of the page, in that note's size and margin."""
    if last_note is None:
        return None
    label, size, margin = last_note
    lines = [i for i, text in enumerate(page.lines) if text]
    found: list[int] = []
    for line in reversed(lines):
        style = _style(page, line)
        if (
            style is None
            or not _free(result, number, line)
            or abs(style.size - size) > SIZE_POINTS
            or abs(style.x - margin) > MARGIN_POINTS
            or style.y > page.height / 2
        ):
            break
        found.append(line)
    if found and any(s.size > size + SIZE_POINTS for i in lines if (s := _style(page, i)) is not None):
        for line in found:
            _set(result, number, line, LineKind(NOTE, label), "footnote_continued")
        return last_note
    return None


# Captions and figures -----------------------------------------------------------------------------


def _captions(pages: Sequence[PageLines], result: Classified) -> None:
    for number, page in enumerate(pages):
        figure: int | None = None  # the line of the last figure caption on the page
        for line, text in enumerate(page.lines):
            if not _free(result, number, line) or not text:
                continue
            if _CAPTION_TITLE.match(text) and not _DOT_LEADER.search(text):
                _set(result, number, line, LineKind(CAPTION, starts=True), "caption_title")
                last = _continue_caption(page, result, number, line, same_size=False, most=CAPTION_LINES)
                figure = last if _FIGURE_TITLE.match(text) else None
            elif _SOURCE_LINE.match(text):
                _set(result, number, line, LineKind(CAPTION, starts=True), "caption_source")
                if figure is not None:
                    _label_figure(page, result, number, figure, line)
                    figure = None
                _continue_caption(page, result, number, line, same_size=True, most=len(page.lines))


def _continue_caption(page: PageLines, result: Classified, number: int, line: int, same_size: bool, most: int) -> int:
    """Mark the lines that go on with the caption at `line` (PDF: right below it, in its size or, for a
    title, nearly); returns the caption's last line."""
    first = _style(page, line)
    if first is None:
        return line
    above, last = first, line
    for following in range(line + 1, min(len(page.lines), line + 1 + most)):
        text = page.lines[following]
        style = _style(page, following)
        if not text:
            continue
        if (
            style is None
            or not _free(result, number, following)
            or _CAPTION_TITLE.match(text)
            or _SOURCE_LINE.match(text)
            or (not same_size and is_row(text))  # a table's rows below its title ("2025." ends a source too)
            or not 0 < above.y - style.y <= LEADING * above.size
            or (abs(style.size - first.size) > SIZE_POINTS if same_size else style.size < 0.85 * first.size)
            or (same_size and style.x < first.x - MARGIN_POINTS)  # a title's lines may be centred
        ):
            break
        _set(result, number, following, LineKind(CAPTION), "caption_title" if not same_size else "caption_source")
        above, last = style, following
    return last


def _label_figure(page: PageLines, result: Classified, number: int, caption: int, source: int) -> None:
    """The lines between a figure's caption and its Source or Notes line are set inside the figure,
    unless one of them is a sentence of body text (the figure is an image; the text is the page's)."""
    between = [i for i in range(caption + 1, source) if page.lines[i] and _free(result, number, i)]
    if not between or source - caption > FIGURE_LINES:
        return
    if any(len(page.lines[i].split()) >= SENTENCE_WORDS and _ENDS_SENTENCE.search(page.lines[i]) for i in between):
        return
    top, bottom = _style(page, caption), _style(page, source)
    for i in between:
        style = _style(page, i)
        if top is not None and bottom is not None and style is not None and not bottom.y < style.y < top.y:
            continue
        _set(result, number, i, LineKind(LABEL), "label_in_figure")
