"""Repair what text extraction breaks: ligatures, odd spaces, running headers and footers,
hyphenated line ends, lines wrapped mid-sentence. Also recognises table-of-contents pages.

Cleaning only ever deletes characters or changes whitespace, hyphens and ligatures, so a cited
excerpt can still be found in the original with a plain text search. The cleaned text is the text
every offset refers to.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from .captions import is_caption

_CHAR_FIXES = str.maketrans(
    {
        "\ufb00": "ff",
        "\ufb01": "fi",
        "\ufb02": "fl",
        "\ufb03": "ffi",
        "\ufb04": "ffl",
        "\ufb05": "ft",
        "\ufb06": "st",
        "\u00a0": " ",  # no-break space
        "\u2002": " ",
        "\u2003": " ",
        "\u2009": " ",
        "\u202f": " ",
        "\t": " ",
        "\r": "\n",
        "\f": "\n",
        "\u00ad": None,  # soft hyphen: only marks where a word may break
        "\u200b": None,
        "\u200c": None,
        "\u200d": None,
        "\ufeff": None,
    }
)
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")
_SPACES = re.compile(r" {2,}")

# Lines that start a new unit and so are never glued to the line before them.
_STARTS_ITEM = re.compile(r"^(?:[-*+•▪◦●■–—>|#]|\(?\d{1,3}[.)]\s|\(?[a-z][.)]\s|[A-Z][.)]\s)")
_ENDS_SENTENCE = re.compile(r"[.!?:;][\"'”’)\]]*$")
# Table rows and contents lines end in figures: "42", "(97)", "(3)%", "8 %", or "—" for nil.
_ENDS_NUMBER = re.compile(r"(?:\d|\d\)|[\d)]\s?%|\s[—–])$")
# A table row ends in two figures or more ("$ 81,797 $ 82,959 (1)%"); prose rarely does. Nothing is
# glued to a row, even a line starting in lower case ("iPhone"): rows are not sentences.
TABLE_ROW_TAIL = 80  # characters at the end of a line that are looked at: lines may be megabytes
_TABLE_ROW = re.compile(r"(?:\s(?:\$\s?)?\(?\d[\d,.]*\)?\s?%?|\s[—–]){2,}$")
_HYPHEN_END = re.compile(r"([^\W\d_]+)-$")
_WORD_START = re.compile(r"^([^\W\d_]+)")
_WORDS = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")

# How many lines at the top and at the bottom of a page may hold a running header or footer,
# and how long such a line can be (a longer one is body text, however often it recurs).
EDGE_LINES = 2
RUNNING_LINE_CHARS = 120


def normalize_chars(text: str) -> str:
    """Ligatures to letters, exotic spaces to plain ones, control characters removed."""
    return _CONTROL.sub("", text.translate(_CHAR_FIXES))


def split_lines(text: str) -> list[str]:
    """Lines with runs of spaces collapsed and ends trimmed; blank lines kept as ''."""
    return [_SPACES.sub(" ", line).strip() for line in normalize_chars(text).split("\n")]


def _line_key(line: str) -> str:
    # Page numbers (arabic or roman) change from page to page; the header around them does not.
    return re.sub(r"\b[ivxlc]{1,7}\b", "#", re.sub(r"\d+", "#", line.lower()))


def _edges(lines: Sequence[str]) -> list[int]:
    filled = [i for i, line in enumerate(lines) if line]
    # On a short page the edges would be the whole page: look at one line at each end only.
    depth = max(1, min(EDGE_LINES, len(filled) // 3))
    return sorted(i for i in set(filled[:depth] + filled[-depth:]) if len(lines[i]) <= RUNNING_LINE_CHARS)


def strip_running_lines(pages: Sequence[Sequence[str]]) -> list[list[str]]:
    """Drop header and footer lines that recur at the edge of most pages.

    A line counts as running when (with digits masked, so page numbers match) it sits within
    EDGE_LINES of the top or bottom of at least half of the pages, and of at least three.
    """
    counts: Counter[str] = Counter()
    for lines in pages:
        counts.update({_line_key(lines[i]) for i in _edges(lines)})
    threshold = max(3, (len(pages) + 1) // 2)
    running = {key for key, n in counts.items() if n >= threshold}
    result = []
    for lines in pages:
        drop = {i for i in _edges(lines) if _line_key(lines[i]) in running}
        result.append([line for i, line in enumerate(lines) if i not in drop])
    return result


def vocabulary(texts: Sequence[str]) -> Counter[str]:
    """Lower-cased words (hyphenated compounds whole) of a document, for dehyphenation."""
    words: Counter[str] = Counter()
    for text in texts:
        words.update(w.lower() for w in _WORDS.findall(text))
    return words


def dehyphenate(lines: Sequence[str], words: Counter[str]) -> list[str]:
    """Undo hyphenation at line ends: 'exam-' + 'ple ...' -> 'example ...'.

    A line-end hyphen is dropped unless the document itself spells the compound with a hyphen
    elsewhere and never without ('well-' + 'known' stays 'well-known').
    """
    out: list[str] = []
    for line in lines:
        end = _HYPHEN_END.search(out[-1]) if out else None
        start = _WORD_START.match(line)
        if end and start and start.group(1)[0].islower():
            left, right = end.group(1), start.group(1)
            joined, compound = (left + right).lower(), f"{left}-{right}".lower()
            glue = "-" if words[compound] > 0 and words[joined] == 0 else ""
            out[-1] = out[-1][: end.end(1)] + glue + line
        else:
            out.append(line)
    return out


def join_wrapped(lines: Sequence[str]) -> str:
    """Glue lines that a layout wrapped mid-sentence; keep real line breaks (headings, list
    items, table rows, paragraph ends) as '\\n' and blank lines as paragraph breaks ('\\n\\n').

    A line is taken as wrapped when it does not end a sentence, is not a heading, a caption, a
    single word or a table row (two figures or more at its end), the next line does not start a
    list item, and either the next line starts in lower case or the line is nearly as long as the
    page's long lines (the layout ran out of width).
    """
    lengths = sorted(len(line) for line in lines if line)
    long_line = lengths[int(0.9 * (len(lengths) - 1))] if lengths else 0
    out: list[str] = []
    last_length = 0  # length of the last physical line, even when it was glued to others
    for line in lines:
        if not line:
            if out and out[-1]:
                out.append("")
            continue
        previous = out[-1] if out else ""
        wrapped = (
            previous
            and not _ENDS_SENTENCE.search(previous)
            and not previous.startswith("#")  # a markdown heading is a line of its own
            and not _TABLE_ROW.search(previous[-TABLE_ROW_TAIL:])
            and not is_caption(previous)  # "CONSOLIDATED BALANCE SHEETS" heads what follows
            and " " in previous  # one word on a line is a heading ("iPhone"), not a wrapped sentence
            and not _STARTS_ITEM.match(line)
            and (
                line[:1].islower()
                or (long_line >= 40 and last_length >= 0.75 * long_line and not _ENDS_NUMBER.search(previous))
            )
        )
        if wrapped:
            out[-1] = f"{previous} {line}"
        else:
            out.append(line)
        last_length = len(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out)


_TOC_TITLE = re.compile(r"^(?:(?:table of )?contents|index)$", re.IGNORECASE)
_DOT_LEADER = re.compile(r"(?:\.\s?){4,}\s*\S*$|…{2,}")
_ENDS_PAGE_REF = re.compile(r"\s(?:\d{1,4}|[ivxlc]{1,6})$", re.IGNORECASE)


def is_toc_page(lines: Sequence[str], after_toc: bool = False) -> bool:
    """A table-of-contents page: titled 'Contents', or mostly dot-leader lines, or (right after
    such a page) mostly short lines ending in a page number."""
    filled = [line for line in lines if line]
    if not filled:
        return False
    if any(_TOC_TITLE.match(line) for line in filled[:6]):
        return True
    leaders = sum(1 for line in filled if _DOT_LEADER.search(line))
    if len(filled) >= 4 and leaders >= 0.4 * len(filled):
        return True
    if after_toc:
        refs = sum(1 for line in filled if _ENDS_PAGE_REF.search(line) and len(line) < 110 and "$" not in line)
        return len(filled) >= 4 and refs >= 0.6 * len(filled)
    return False
