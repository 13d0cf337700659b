"""Sentence boundaries in cleaned page text, as (start, end) offsets, so chunks and excerpts stay verbatim.

A line break in cleaned text is always a boundary (cleaning already glued wrapped lines, so the
ones left end headings, list items, table rows and paragraphs). Within a line, a sentence ends at
. ! or ? followed by a capital, digit or opening quote — unless the word before is a known
abbreviation or an initial.
"""

from __future__ import annotations

import re

_END = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9•])")
_WORD_BEFORE = re.compile(r"([\w.]+)$")
# List bullets and markdown heading marks are layout, not words: a sentence starts after them.
_MARKER = re.compile(r"(?:#{1,6}|[-*+•▪◦●■]|\(?\d{1,2}[.)]|\(?[a-z][.)])\s+")
ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof sr jr st mt inc ltd co corp llc plc vs etc e.g i.e cf al fig figs no nos vol
    vols pp p ch sec art para approx est dept gen col lt maj capt sgt adm gov sen rep rev jan feb mar
    apr jun jul aug sep sept oct nov dec u.s u.k u.n e.u u.s.s.r ph.d m.a b.a a.m p.m""".split()
)


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Spans of the sentences in text[start:end], whitespace trimmed, in order."""
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    line_start = start
    while line_start < end:
        newline = text.find("\n", line_start, end)
        line_end = end if newline < 0 else newline
        _split_line(text, line_start, line_end, spans)
        line_start = line_end + 1
    return spans


def _split_line(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    piece_start = start
    for match in _END.finditer(text, start, end):
        if _is_abbreviation(text[piece_start : match.start() + 1]):
            continue
        _add(text, piece_start, match.end(), spans)
        piece_start = match.end()
    _add(text, piece_start, end, spans)


def _is_abbreviation(before: str) -> bool:
    if not before.endswith("."):
        return False
    match = _WORD_BEFORE.search(before[:-1])
    if not match:
        return False
    word = match.group(1).lower().strip(".")
    return word in ABBREVIATIONS or (len(word) == 1 and word.isalpha())


def _add(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    marker = _MARKER.match(text, start, end)
    if marker and marker.end() < end:
        start = marker.end()
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end:
        spans.append((start, end))
