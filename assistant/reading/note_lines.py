"""Which lines of a document are notes: footnotes at the foot of a PDF's pages, the notes and
reference lists under their headings, markdown footnotes. Their signals are in regions.py's list."""

from __future__ import annotations

import re
from collections.abc import Sequence
from statistics import median

from ..types import NOTE, REFERENCE
from .layout import LineStyle
from .line_kinds import LEADING, MARGIN_POINTS, SIZE_POINTS, Classified, LineKind, PageLines, is_free, mark, style_of

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
_ENDS_SENTENCE = re.compile(r"[.!?][\"'”’)\]]*$")


# Endnotes and reference lists ----------------------------------------------------------------------


def sections(pages: Sequence[PageLines], result: Classified, markdown: bool) -> None:
    """Lines under a Notes or References heading, up to the next heading, are notes or references. A
    heading that opens the document is its title, not a section ("# Notes" over a memo); a Notes
    section whose lines are not numbered notes is not one."""
    sections: list[tuple[str, list[tuple[int, int]]]] = []  # (kind, its lines), the heading first
    kind, level, seen_text = "", 0, False
    for number, page in enumerate(pages):
        for line, text in enumerate(page.lines):
            if not text or not is_free(result, number, line):
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
        mark(
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
    style = style_of(page, line)
    if style is None:
        # A text file: a short line alone between blank lines heads what follows.
        lines = page.lines
        alone = (line == 0 or not lines[line - 1]) and (line + 1 == len(lines) or not lines[line + 1])
        return 1 if alone and 0 < len(text) <= 40 and not _ENDS_SENTENCE.search(text) else 0
    sizes = [s.size for i in range(max(0, line - 3), min(len(page.lines), line + 4)) if (s := style_of(page, i))]
    larger = style.size >= median(sizes) + 1.0 if sizes else False
    return 1 if larger and len(text) <= 80 else 0


def markdown_footnotes(pages: Sequence[PageLines], result: Classified) -> None:
    for number, page in enumerate(pages):
        label = ""
        for line, text in enumerate(page.lines):
            match = _MD_FOOTNOTE.match(text)
            if match:
                label = match.group(1)
                mark(result, number, line, LineKind(NOTE, label, starts=True), "markdown_footnote")
            elif label and text and is_free(result, number, line):
                # The lines right below it go on with the note (its indentation is gone by now), up to a
                # blank line, as a paragraph of markdown runs on.
                result.kinds[number][line] = LineKind(NOTE, label)
            else:
                label = ""


# Footnotes at the foot of PDF pages ---------------------------------------------------------------


def footnotes(pages: Sequence[PageLines], result: Classified) -> None:
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
            style = style_of(page, line)
            if not is_free(result, number, line) or not page.lines[line]:
                continue
            if line in labels:
                label = labels[line]
                signal = "footnote_superscript" if _superscript_start(page, line) else "footnote_numbered"
                mark(result, number, line, LineKind(NOTE, label, starts=True), signal)
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
        style = style_of(page, line)
        if style is not None and is_free(result, number, line) and _superscript_start(page, line):
            start, end = style.superscripts[0]
            starts.append((line, style, re.sub(r"\D.*", "", text[start:end]) or text[start:end]))
    if starts:
        return starts
    markers: dict[str, float] = {}
    for line, text in enumerate(page.lines):
        style = style_of(page, line)
        if style is not None:
            for start, end in style.superscripts:
                markers[text[start:end].strip()] = style.size
    for line, text in enumerate(page.lines):
        style = style_of(page, line)
        match = _PLAIN_NOTE.match(text)
        if style is not None and match and is_free(result, number, line) and match.group(1) in markers:
            if style.size < markers[match.group(1)] - SIZE_POINTS:
                starts.append((line, style, match.group(1)))
    return starts


def _superscript_start(page: PageLines, line: int) -> bool:
    """The line opens with a superscript number and goes on with text."""
    style = style_of(page, line)
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
    below = style_of(page, first)
    for line in range(first - 1, -1, -1):
        style = style_of(page, line)
        if not page.lines[line]:
            continue
        if (
            style is None
            or below is None
            or not is_free(result, number, line)
            or abs(style.size - size) > SIZE_POINTS
            or abs(style.x - margin) > MARGIN_POINTS
            or not 0 < style.y - below.y <= LEADING * size
        ):
            return
        mark(result, number, line, LineKind(NOTE, label), "footnote_continued")
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
        style = style_of(page, line)
        if (
            style is None
            or not is_free(result, number, line)
            or abs(style.size - size) > SIZE_POINTS
            or abs(style.x - margin) > MARGIN_POINTS
            or style.y > page.height / 2
        ):
            break
        found.append(line)
    if found and any(s.size > size + SIZE_POINTS for i in lines if (s := style_of(page, i)) is not None):
        for line in found:
            mark(result, number, line, LineKind(NOTE, label), "footnote_continued")
        return last_note
    return None
