"""Document -> Chunks: windows of whole sentences, sized in the embedding model's own word pieces.

Invariants:
- a chunk never holds more than `max_tokens` word pieces, nor its context more than
  CONTEXT_TOKENS, so the model never truncates what is embedded;
- a chunk never crosses documents, a table-of-contents boundary or a section heading;
- `Chunk.text` is exactly the page text between its (page_start, char_start) and (page_end,
  char_end), with pages joined by a newline;
- `Chunk.sentences` cover that text in order, so every sentence can be cited by page and offsets.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from ..types import BODY, Chunk, Document, Page
from .captions import CaptionsInForce, page_captions
from .sentences import sentence_spans
from .tables import row_at

TokenCounter = Callable[[Sequence[str]], list[int]]

# How page text is cleaned and context lines are made, recorded with the chunking settings, so that
# a change re-reads and re-embeds every document. 2: table rows are never glued to the text after
# them, and context lines name the caption of the table or note a passage sits in (captions.py).
# 3: a table row's sentence vector is made from the row with its column headings and group (tables.py).
# 4: footnotes, endnotes, reference lists, captions and figure labels told apart from body text and
# running heads dropped by their place on the page (regions.py); sentences end at footnote markers and
# not at "U.S." or "(E.O.)"; web addresses broken over lines read whole. 5: a "Table of Contents" link
# atop most pages of a filing no longer makes them contents pages, which answers and searches skip.
TEXT_VERSION = 5
# What each version changed, for the build report's "why everything is read again".
TEXT_CHANGES = {
    4: "footnotes, captions and running heads are now told apart from body text, and sentences cut where they end",
    5: "pages under a 'Table of Contents' link printed atop most pages are no longer taken for contents pages",
}

# Word pieces reserved for a chunk's context line (document name and section): chunk budgets
# are the model's input size minus this.
CONTEXT_TOKENS = 32

_WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class Unit:
    """A sentence (or, for an overlong sentence, a piece of one) on one page."""

    page: int
    start: int
    end: int
    tokens: int
    opens_section: bool = False  # a heading starts within this unit: begin a new chunk here
    kind: str = BODY  # the part of the page it is in (types.KINDS): a chunk holds one kind only


def chunk_document(
    document: Document,
    count_tokens: TokenCounter,
    max_tokens: int,
    overlap_tokens: int,
) -> list[Chunk]:
    units = document_units(document, count_tokens, max_tokens)
    captions = CaptionsInForce.of([page_captions(page.text) for page in document.pages])
    contexts: dict[tuple[str, str], str] = {}
    chunks: list[Chunk] = []
    start = 0
    while start < len(units):
        end = _window_end(units, start, max_tokens, document)
        chunk = make_chunk(document, units[start:end])
        # Unit counts add up to the chunk's count except where text between units (a list marker
        # a sentence starts after) adds word pieces: check the real text, drop units if needed.
        while end - start > 1 and count_tokens([chunk.text])[0] > max_tokens:
            end -= 1
            chunk = make_chunk(document, units[start:end])
        where = (chunk.section, captions.at(chunk.page_start, chunk.char_start))
        if where not in contexts:
            contexts[where] = context_line(document, *where, count_tokens)
        chunks.append(replace(chunk, context=contexts[where]))
        if end >= len(units):
            break
        start = _overlap_start(units, start, end, overlap_tokens, document)
    return chunks


def context_line(document: Document, section: str, caption: str, count_tokens: TokenCounter) -> str:
    """'<file name>: <title> — <section> — <caption>', cut to CONTEXT_TOKENS word pieces."""
    name = Path(document.path).stem
    line = f"{name}: {document.title}" if document.title and document.title != name else name
    if section and section != document.title:
        line = f"{line} — {section}"
    if caption and caption not in (section, document.title):
        line = f"{line} — {caption}"
    words = line.split()[:CONTEXT_TOKENS]  # each word is at least one word piece
    while len(words) > 1 and count_tokens([" ".join(words)])[0] > CONTEXT_TOKENS:
        words.pop()
    return " ".join(words)


def _same_block(document: Document, a: Unit, b: Unit) -> bool:
    return not b.opens_section and a.kind == b.kind and document.page(a.page).is_toc == document.page(b.page).is_toc


def _window_end(units: Sequence[Unit], start: int, max_tokens: int, document: Document) -> int:
    total = units[start].tokens
    end = start + 1
    while (
        end < len(units)
        and total + units[end].tokens <= max_tokens
        and _same_block(document, units[end - 1], units[end])
    ):
        total += units[end].tokens
        end += 1
    return end


def _overlap_start(units: Sequence[Unit], start: int, end: int, overlap_tokens: int, document: Document) -> int:
    """Step back from `end` over whole sentences worth at most `overlap_tokens`, never to `start`
    (the window must move) and never back across a block boundary."""
    if not _same_block(document, units[end - 1], units[end]):
        return end
    new_start, total = end, 0
    while new_start - 1 > start and total + units[new_start - 1].tokens <= overlap_tokens:
        new_start -= 1
        total += units[new_start].tokens
    return new_start


def make_chunk(document: Document, units: Sequence[Unit]) -> Chunk:
    first, last = units[0], units[-1]
    page = document.page(first.page)
    text = page_slice(document.pages, first.page, first.start, last.page, last.end)
    return Chunk(
        document=document.path,
        page_start=first.page,
        page_end=last.page,
        page_label=page.label,
        section=page.section_at(first.start),
        char_start=first.start,
        char_end=last.end,
        text=text,
        is_toc=page.is_toc,
        kind=first.kind,
        sentences=tuple((unit.page, unit.start, unit.end) for unit in units),
        table_rows=tuple(
            i for i, unit in enumerate(units) if row_at(document.page(unit.page).text, unit.start, unit.end) is not None
        ),
    )


def page_slice(pages: Sequence[Page], page_start: int, char_start: int, page_end: int, char_end: int) -> str:
    """The text from (page_start, char_start) to (page_end, char_end), pages joined by a newline."""
    if page_start == page_end:
        return pages[page_start - 1].text[char_start:char_end]
    parts = [pages[page_start - 1].text[char_start:]]
    parts += [pages[n - 1].text for n in range(page_start + 1, page_end)]
    parts.append(pages[page_end - 1].text[:char_end])
    return "\n".join(parts)


def document_units(document: Document, count_tokens: TokenCounter, max_tokens: int) -> list[Unit]:
    spans = [
        (page.number, start, end, _opens_section(page, start, end), page.kind_at(start))
        for page in document.pages
        for start, end in sentence_spans(page.text, markers=page.markers)
    ]
    counts = count_tokens([document.page(p).text[s:e] for p, s, e, _, _ in spans])
    units: list[Unit] = []
    for (page, start, end, opens, kind), tokens in zip(spans, counts, strict=True):
        if tokens <= max_tokens:
            units.append(Unit(page, start, end, tokens, opens, kind))
        else:
            pieces = _split_long(document.page(page).text, start, end, count_tokens, max_tokens)
            units += [Unit(page, s, e, t, opens and i == 0, kind) for i, (s, e, t) in enumerate(pieces)]
    return units


def _opens_section(page: Page, start: int, end: int) -> bool:
    return any(start <= heading.offset < end for heading in page.headings)


def _split_long(
    text: str, start: int, end: int, count_tokens: TokenCounter, max_tokens: int
) -> list[tuple[int, int, int]]:
    """Cut an overlong sentence at word boundaries into pieces of at most max_tokens.

    A single 'word' longer than max_tokens (a URL, a run of digits) is cut by characters."""
    whole = [(m.start(), m.end()) for m in _WORD.finditer(text, start, end)]
    # The parts of a word cut by characters are pieces of their own: glued back together they make
    # other word pieces than they did apart ("МинскMr.Bel" is 9, its halves 4 and 4).
    words = [
        (part, len(parts) > 1)
        for s, e in whole
        for parts in [_cut_word(text, s, e, count_tokens, max_tokens)]
        for part in parts
    ]
    counts = count_tokens([text[s:e] for (s, e), _ in words])
    pieces: list[tuple[int, int, int]] = []
    piece_start, total = words[0][0][0], 0
    previous_end = words[0][0][0]
    for ((s, e), cut), tokens in zip(words, counts, strict=True):
        if total and (cut or total + tokens > max_tokens):
            pieces.append((piece_start, previous_end, total))
            piece_start, total = s, 0
        total += tokens
        previous_end = e
    pieces.append((piece_start, previous_end, total))
    return pieces


def _cut_word(text: str, start: int, end: int, count_tokens: TokenCounter, max_tokens: int) -> list[tuple[int, int]]:
    # No tokenizer makes more word pieces than a word has bytes: short words need no count.
    if len(text[start:end].encode()) <= max_tokens or count_tokens([text[start:end]])[0] <= max_tokens:
        return [(start, end)]
    middle = (start + end) // 2
    return _cut_word(text, start, middle, count_tokens, max_tokens) + _cut_word(
        text, middle, end, count_tokens, max_tokens
    )
