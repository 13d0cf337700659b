"""Sentence boundaries in cleaned page text, as (start, end) offsets, so chunks and excerpts stay verbatim.

A line break in cleaned text is always a boundary (cleaning already glued wrapped lines, so the
ones left end headings, list items, table rows, notes and paragraphs). Within a line, a sentence
ends at . ! or ? (and the closing quotes and brackets after it) followed by a capital, a digit or an
opening quote, and a footnote marker set right after the full stop ends the sentence with it
("multiple times.126 From the 115th …": the sentence is "… multiple times.126"). It does not end
after
- a title or a reference abbreviation: "Dr.", "No.", "p.", "pp.", "Fig.", "et al.", "e.g.";
- a figure's or table's number: "Figure 3. Clarion-Clipperton Zone (CCZ)";
- a question mark inside a quotation still open ("“Can Nations Agree How to Mine the Sea? This Is
  the Year, She Says,” New York Times");
- an initial or a dotted abbreviation — "J.", "U.S.", "E.O.", "(E.O.)", "H.R." — unless the next
  word is one that opens sentences ("The", "In", "However" …): "… issued in the U.S. The order …"
  ends there, "the U.S. Senate" and "Executive Order (E.O.) 14285" do not; so do "etc.", "Inc.",
  "Ltd." and "Co.", which end sentences as often as they sit inside them, and the states' and the
  legal abbreviations of citations ("(W.D. Tex. 2023)", "S.Res. 598", "Treaty Doc. 103-39").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

# The end of a sentence: its closing punctuation, quotes and brackets, and a footnote marker set right
# after them (only after a letter's or a bracket's full stop: "3.2 The" is a number, not a marker).
_END = re.compile(
    r"[.!?]+[\"'”’)\]]*"
    r"(?:(?:(?<=[^\W\d_][.!?])|(?<=[^\W\d_][.!?][\"'”’)\]])|(?<=[)\]\"”’][.!?]))\d{1,3}(?:,\d{1,3})*)?"
    r"(?=\s+[\"'“‘(\[]?[A-Z0-9•])"
)
_WORD_BEFORE = re.compile(r"([\w.]+)$")
_OPENS = re.compile(r"\s+[\"'“‘(\[]?[A-Z0-9•]")  # what may follow the end of a sentence
_WORD_AFTER = re.compile(r"\s+[\"'“‘(\[]?([\w’']+)")
# List bullets and markdown heading marks are layout, not words: a sentence starts after them.
_MARKER = re.compile(r"(?:#{1,6}|[-*+•▪◦●■]|\(?\d{1,2}[.)]|\(?[a-z][.)])\s+")
# Never the end of a sentence: a title before a name, a reference before a number, a court's or a
# party's abbreviation in a legal citation ("Def. Distributed v. Att'y Gen., 167 F.4th 65 (3d Cir. 2026)").
ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof sr jr st mt vs e.g i.e cf al fig figs no nos vol vols pp p ch sec art para approx
    est dept gen col lt maj capt sgt adm gov sen rep rev jan feb mar apr jun jul aug sep sept oct nov
    dec ph.d m.a b.a a.m p.m cir supp stat def""".split()
)
# The end of a sentence only when a word that opens sentences follows: "… Apple Inc. The company".
ENDS_WHEN_FOLLOWED = frozenset(
    "etc inc ltd co corp llc plc bros ed eds exec doc docs leg reg sess cong dep't dept".split()
)
# The same, written with a capital only: the states and places of legal citations ("(W.D. Tex. 2023)",
# "Or. Rev. Stat.", "(Am. Sam. July 24, 2024)"), which in lower case are words ("critically ill.").
CAPITALISED_ENDS_WHEN_FOLLOWED = frozenset(
    """am sam haw ala ariz ark cal calif colo conn del fla ga ill ind kan ky la md mass mich minn miss mo mont
    neb nev okla or ore pa tenn tex va vt wash wis wyo""".split()
)
SENTENCE_OPENERS = frozenset(
    """the this that these those there it its in on at by for from to of with as a an and but or so yet
    however although though while when whereas if since because after before during until unless under
    according some many most several other such each every all both one two three first second
    finally further furthermore moreover also meanwhile thus therefore instead still then he she they
    we i you his her their our my we no not nor what which who why how where""".split()
)
# "u.s", "e.o", "h.r", "u.s.c": initials run together; "s.res", "h.con.res", "s.hrg": a bill's or a
# hearing's designation
_DOTTED = re.compile(r"^(?:[a-z]\.)+[a-z]$|^[a-z]{1,3}(?:\.[a-z]{1,4})+$")
# "Figure 3. Clarion-Clipperton Zone (CCZ)": a caption's number is followed by its title, not a new sentence.
_NUMBERED_THING = re.compile(
    r"(?:^|\s)(?:Figure|Fig\.|Table|Map|Chart|Graph|Box|Exhibit|Appendix)\s+[A-Z]?[\d.-]*\d[A-Za-z]?\.$"
)


def sentence_spans(
    text: str, start: int = 0, end: int | None = None, markers: Sequence[tuple[int, int]] = ()
) -> list[tuple[int, int]]:
    """Spans of the sentences in text[start:end], whitespace trimmed, in order. `markers` are the page's
    footnote markers (Page.markers): one right after a full stop ends the sentence even after a figure
    ("as of March 2026.51 The largest …"), where a figure alone would be a decimal ("3.2 The")."""
    end = len(text) if end is None else end
    ends = {stop for begin, stop in markers if begin > 0 and text[begin - 1] in '.!?"”’)' and stop < len(text)}
    spans: list[tuple[int, int]] = []
    line_start = start
    while line_start < end:
        newline = text.find("\n", line_start, end)
        line_end = end if newline < 0 else newline
        _split_line(text, line_start, line_end, spans, ends)
        line_start = line_end + 1
    return spans


def _split_line(text: str, start: int, end: int, spans: list[tuple[int, int]], ends: set[int]) -> None:
    piece_start = start
    matches = sorted(
        [(m.start(), m.end(), m.group()) for m in _END.finditer(text, start, end)]
        + [(e - 1, e, text[e - 1]) for e in ends if start < e < end and _OPENS.match(text, e)],
        key=lambda m: m[1],
    )
    for match_start, match_end, group in matches:
        if match_end <= piece_start:
            continue
        if match_end in ends and group.isdigit():  # a known marker: the sentence ends with it
            _add(text, piece_start, match_end, spans)
            piece_start = match_end
            continue
        stop = text.find(".", match_start, match_end)
        piece = text[piece_start:match_end]
        if stop < 0 and piece.count("“") > piece.count("”"):
            continue  # a question inside a quoted title: “Can Nations Agree How to Mine the Sea? This Is …”
        quoted = any(mark in group for mark in "\"”’'")  # “… said no.” ends there
        if stop >= 0 and not quoted and _runs_on(text[piece_start : stop + 1], _next_word(text, match_end, end)):
            continue
        _add(text, piece_start, match_end, spans)
        piece_start = match_end
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
    written = match.group(1).strip(".")
    word = written.lower()
    if word in ABBREVIATIONS:
        return True
    capitalised = written[:1].isupper() and word in CAPITALISED_ENDS_WHEN_FOLLOWED
    if word in ENDS_WHEN_FOLLOWED or capitalised or _DOTTED.match(word) or (len(word) == 1 and word.isalpha()):
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
