"""Sentence boundaries in cleaned page text, as (start, end) offsets, so chunks and excerpts stay verbatim.

A line break in cleaned text is always a boundary (cleaning already glued wrapped lines, so the
ones left end headings, list items, table rows, notes and paragraphs). Within a line, a sentence
ends at . ! or ? (and the closing quotes and brackets after it) followed by a capital, a digit or an
opening quote, and a footnote marker set right after the full stop ends the sentence with it
("multiple times.126 From the 115th …": the sentence is "… multiple times.126"). It does not end
after
- a title or a reference abbreviation: "Dr.", "No.", "p.", "pp.", "Fig.", "et al.", "e.g.";
- a figure's or table's number: "Figure 3. Clarion-Clipperton Zone (CCZ)";
- an initial or a dotted abbreviation — "J.", "U.S.", "E.O.", "(E.O.)", "H.R." — unless the next
  word is one that opens sentences ("The", "In", "However" …): "… issued in the U.S. The order …"
  ends there, "the U.S. Senate" and "Executive Order (E.O.) 14285" do not; so do "etc.", "Inc.",
  "Ltd." and "Co.", which end sentences as often as they sit inside them.
"""

from __future__ import annotations

import re

# The end of a sentence: its closing punctuation, quotes and brackets, and a footnote marker set right
# after them (only after a letter's or a bracket's full stop: "3.2 The" is a number, not a marker).
_END = re.compile(
    r"[.!?]+[\"'”’)\]]*"
    r"(?:(?:(?<=[^\W\d_][.!?])|(?<=[^\W\d_][.!?][\"'”’)\]])|(?<=[)\]\"”’][.!?]))\d{1,3}(?:,\d{1,3})*)?"
    r"(?=\s+[\"'“‘(\[]?[A-Z0-9•])"
)
_WORD_BEFORE = re.compile(r"([\w.]+)$")
_WORD_AFTER = re.compile(r"\s+[\"'“‘(\[]?([\w’']+)")
# List bullets and markdown heading marks are layout, not words: a sentence starts after them.
_MARKER = re.compile(r"(?:#{1,6}|[-*+•▪◦●■]|\(?\d{1,2}[.)]|\(?[a-z][.)])\s+")
# Never the end of a sentence: a title before a name, a reference before a number.
ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof sr jr st mt vs e.g i.e cf al fig figs no nos vol vols pp p ch sec art para approx
    est dept gen col lt maj capt sgt adm gov sen rep rev jan feb mar apr jun jul aug sep sept oct nov
    dec ph.d m.a b.a a.m p.m""".split()
)
# The end of a sentence only when a word that opens sentences follows: "… Apple Inc. The company".
ENDS_WHEN_FOLLOWED = frozenset("etc inc ltd co corp llc plc bros".split())
SENTENCE_OPENERS = frozenset(
    """the this that these those there it its in on at by for from to of with as a an and but or so yet
    however although though while when whereas if since because after before during until unless under
    according some many most several other such each every all both one two three first second
    finally further furthermore moreover also meanwhile thus therefore instead still then he she they
    we i you his her their our my we no not nor what which who why how where""".split()
)
_DOTTED = re.compile(r"^(?:[a-z]\.)+[a-z]$")  # "u.s", "e.o", "h.r", "u.s.c": initials run together
# "Figure 3. Clarion-Clipperton Zone (CCZ)": a caption's number is followed by its title, not a new sentence.
_NUMBERED_THING = re.compile(
    r"(?:^|\s)(?:Figure|Fig\.|Table|Map|Chart|Graph|Box|Exhibit|Appendix)\s+[A-Z]?[\d.-]*\d[A-Za-z]?\.$"
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
        stop = text.find(".", match.start(), match.end())
        quoted = any(mark in match.group() for mark in "\"”’'")  # “… said no.” ends there
        if stop >= 0 and not quoted and _runs_on(text[piece_start : stop + 1], _next_word(text, match.end(), end)):
            continue
        _add(text, piece_start, match.end(), spans)
        piece_start = match.end()
    _add(text, piece_start, end, spans)


def _next_word(text: str, start: int, end: int) -> str:
    match = _WORD_AFTER.match(text, start, end)
    return match.group(1) if match else ""


def _runs_on(before: str, following: str) -> bool:
    """The full stop that ends `before` belongs to an abbreviation, or numbers a figure, and the
    sentence goes on."""
    if len(before.strip()) == 2 and before.strip()[0].isalpha():
        return True  # "h. The total …": a lettered note's or item's label, not a sentence of its own
    tail = before[-40:]
    numbered = _NUMBERED_THING.search(tail)
    if numbered:  # a caption's own number runs on; "… shown in Figure 2.1. The next …" ends
        opens_the_piece = not before[: len(before) - len(tail) + numbered.start()].strip()
        return opens_the_piece or following.lower() not in SENTENCE_OPENERS
    match = _WORD_BEFORE.search(before[:-1])
    if not match:
        return False
    word = match.group(1).lower().strip(".")
    if word in ABBREVIATIONS:
        return True
    if word in ENDS_WHEN_FOLLOWED or _DOTTED.match(word) or (len(word) == 1 and word.isalpha()):
        return following.lower() not in SENTENCE_OPENERS
    return False


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
