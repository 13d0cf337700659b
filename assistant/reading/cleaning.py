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
_NUMBER_HYPHEN_END = re.compile(r"(?:^|\s)(?:[A-Z][\w.]*\s)?\d{1,4}-$")
_WORD_START = re.compile(r"^([^\W\d_]+)")
_WORDS = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
# A web address the layout broke at a slash or a hyphen ("https://isa.org.jm/exploration-contracts/" +
# "polymetallic-nodules/"): its pieces are glued as they are, hyphen kept, so it reads as printed.
_URL_END = re.compile(r"[(\[“\"]?(?:https?://|www\.)\S*[/\-_.=?&#]$")
_URL_GOES_ON = re.compile(r"^[\w%~.#?=&/+-]*[/\-_.][\w%~.#?=&/+-]*[.,;:)\]”\"’]*(?:\s|$)")

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
    """Drop header and footer lines that recur at the edge of most pages (running_edge_lines)."""
    drops = running_edge_lines(pages)
    return [[line for i, line in enumerate(lines) if i not in drop] for lines, drop in zip(pages, drops, strict=True)]


def running_edge_lines(pages: Sequence[Sequence[str]]) -> list[set[int]]:
    """The indices of each page's header and footer lines that recur at the edge of most pages.

    A line counts as running when (with digits masked, so page numbers match) it sits within
    EDGE_LINES of the top or bottom of at least half of the pages, and of at least three.
    """
    counts: Counter[str] = Counter()
    for lines in pages:
        counts.update({_line_key(lines[i]) for i in _edges(lines)})
    threshold = max(3, (len(pages) + 1) // 2)
    running = {key for key, n in counts.items() if n >= threshold}
    return [{i for i in _edges(lines) if _line_key(lines[i]) in running} for lines in pages]


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
    return _dehyphenate(lines, words, [False] * len(lines))[0]


def join_wrapped(lines: Sequence[str]) -> str:
    """Glue lines that a layout wrapped mid-sentence; keep real line breaks (headings, list
    items, table rows, paragraph ends) as '\\n' and blank lines as paragraph breaks ('\\n\\n').

    A line is taken as wrapped when it does not end a sentence, is not a heading, a caption, a
    single word or a table row (two figures or more at its end), the next line does not start a
    list item, and either the next line starts in lower case or the line is nearly as long as the
    page's long lines (the layout ran out of width).
    """
    return "\n".join(_join_wrapped(lines, [False] * len(lines))[0])


def clean_lines(
    lines: Sequence[str],
    words: Counter[str],
    breaks: Sequence[bool],
    kinds: Sequence[str] | None = None,
    follows: Sequence[bool] | None = None,
    wraps: Sequence[bool] | None = None,
) -> tuple[str, list[int]]:
    """dehyphenate, then join_wrapped, never gluing a line whose `breaks` is set to the one before it
    (a footnote after body text, a new note), and judging how long a line of each of `kinds` runs by
    the lines of that kind (footnotes set small hold more characters a line than the body). A line
    that `follows` the one before (a PDF sets it right below, at the same margin, in the same size)
    goes on with one word and a comma ("Antimony," + "bismuth, copper, …"); that is no sign of a
    wrapped line by itself, as a 10-Q's table rows and labels follow each other so too. A line that
    `wraps` (it follows a line that fills its column) is the next line of a paragraph, whatever its
    first letter and even after a colon or a semicolon ("… Deep Sea Mining:" + "A Report to
    Congress"). Returns the page's text and, for each of its lines, the index in `lines` of the first
    line it holds (-1 for a blank line)."""
    glued, origins, glued_breaks = _dehyphenate(lines, words, breaks)
    glued_kinds = [kinds[i] for i in origins] if kinds is not None else None
    glued_follows = [follows[i] for i in origins] if follows is not None else None
    glued_wraps = [wraps[i] for i in origins] if wraps is not None else None
    joined, where = _join_wrapped(glued, glued_breaks, glued_kinds, glued_follows, glued_wraps)
    return "\n".join(joined), [origins[i] if i >= 0 else -1 for i in where]


def _dehyphenate(
    lines: Sequence[str], words: Counter[str], breaks: Sequence[bool]
) -> tuple[list[str], list[int], list[bool]]:
    out: list[str] = []
    origins: list[int] = []
    out_breaks: list[bool] = []
    for i, line in enumerate(lines):
        if out and not breaks[i] and _URL_END.match(out[-1][out[-1].rfind(" ") + 1 :]) and _URL_GOES_ON.match(line):
            out[-1] += line
            continue
        if out and not breaks[i] and _NUMBER_HYPHEN_END.search(out[-1]) and line[:1].isdigit():
            out[-1] += line  # "P.L. 66-" + "261) restricts …": a law's number, broken at its hyphen
            continue
        end = _HYPHEN_END.search(out[-1]) if out and not breaks[i] else None
        start = _WORD_START.match(line)
        if end and start and start.group(1)[0].islower():
            left, right = end.group(1), start.group(1)
            joined, compound = (left + right).lower(), f"{left}-{right}".lower()
            glue = "-" if words[compound] > 0 and words[joined] == 0 else ""
            out[-1] = out[-1][: end.end(1)] + glue + line
        else:
            out.append(line)
            origins.append(i)
            out_breaks.append(breaks[i])
    return out, origins, out_breaks


def _join_wrapped(
    lines: Sequence[str],
    breaks: Sequence[bool],
    kinds: Sequence[str] | None = None,
    follows: Sequence[bool] | None = None,
    wraps: Sequence[bool] | None = None,
) -> tuple[list[str], list[int]]:
    """The lines of join_wrapped's text, and for each the index in `lines` of its first (-1: blank)."""
    kinds = kinds if kinds is not None else [""] * len(lines)
    follows = follows if follows is not None else [False] * len(lines)
    wraps = wraps if wraps is not None else [False] * len(lines)
    long_lines = {
        kind: _long_line([line for line, k in zip(lines, kinds, strict=True) if k == kind]) for kind in set(kinds)
    }
    out: list[str] = []
    origins: list[int] = []
    last_length = 0  # length of the last physical line, even when it was glued to others
    for i, line in enumerate(lines):
        if not line:
            if out and out[-1]:
                out.append("")
                origins.append(-1)
            continue
        previous = out[-1] if out else ""
        long_line = long_lines[kinds[i]]
        # A line that goes on, whatever ends the one before: a clause after a semicolon or a full line's
        # colon, or the number after "see p." (a page reference, not the end of a sentence, nor a list).
        page_number = bool(previous) and bool(_BEFORE_A_NUMBER.search(previous[-8:]) and line[:1].isdigit())
        goes_on = page_number or (bool(previous) and _goes_on_after_clause(previous, line, wraps[i]))
        wrapped = (
            previous
            and not breaks[i]
            and (not _ENDS_SENTENCE.search(previous) or goes_on)
            and not previous.startswith("#")  # a markdown heading is a line of its own
            # a row ends in figures, never in a comma: "… On April 24, 2025," goes on below
            and (previous.endswith(",") or not _TABLE_ROW.search(previous[-TABLE_ROW_TAIL:]))
            and not is_caption(previous)  # "CONSOLIDATED BALANCE SHEETS" heads what follows
            # one word on a line is a heading ("iPhone"), not a wrapped sentence, unless a list goes on below it
            and (" " in previous or (follows[i] and previous.endswith(",")))
            and (not _STARTS_ITEM.match(line) or page_number)
            and (
                goes_on
                or wraps[i]
                or line[:1].islower()
                or (long_line >= 40 and last_length >= 0.75 * long_line and not _ENDS_NUMBER.search(previous))
            )
        )
        if wrapped:
            out[-1] = f"{previous} {line}"
        else:
            out.append(line)
            origins.append(i)
        last_length = len(line)
    while out and not out[-1]:
        out.pop()
        origins.pop()
    return out, origins


def _long_line(lines: Sequence[str]) -> int:
    lengths = sorted(len(line) for line in lines if line)
    return lengths[int(0.9 * (len(lengths) - 1))] if lengths else 0


_BEFORE_A_NUMBER = re.compile(r"\b(?:p|pp|no|nos|vol|vols|ch|sec|art|fig|figs|para)\.$|§$", re.IGNORECASE)


def _goes_on_after_clause(previous: str, line: str, ran_out_of_width: bool) -> bool:
    """A clause that ends its line in a semicolon or a colon and goes on in the next one is one
    sentence wrapped, not a list or a table's label: the next line starts in lower case ("…
    polymetallic sulfides;" + "and one contract for …"), or the PDF sets it as the next line of a
    line that filled the width ("… Deep Sea Mining:" + "A Report to Congress, 1995"). Never before a
    table row."""
    if not previous.endswith((";", ":")) or _TABLE_ROW.search(line[-TABLE_ROW_TAIL:]):
        return False
    return (previous.endswith(";") and line[:1].islower()) or ran_out_of_width


def normalized_offset(raw_line: str, offset: int) -> int:
    """Where offset `offset` of an extracted line falls in the line as split_lines gives it: its
    characters normalised, runs of spaces collapsed, its ends trimmed (`offset` must be at a
    character that is not a space)."""
    return len(_SPACES.sub(" ", normalize_chars(raw_line[:offset])).lstrip())


_TOC_TITLE = re.compile(r"^(?:(?:table of )?contents|index)$", re.IGNORECASE)
_DOT_LEADER = re.compile(r"(?:\.\s?){4,}\s*\S*$|…{2,}")
_ENDS_PAGE_REF = re.compile(r"\s(?:\d{1,4}|[ivxlc]{1,6})$", re.IGNORECASE)


def toc_pages(pages: Sequence[Sequence[str]]) -> list[bool]:
    """Which pages, given as their lines, are tables of contents (is_toc_page). A contents title atop
    more than RUNNING_TITLE_SHARE of a document's pages is a link back to the contents, as filings
    converted from HTML print it on every page ("Table of Contents" atop each of American Water Works'
    2022 10-K's first 144 pages): there the title alone makes no page a contents page."""
    titled = sum(1 for lines in pages if _titled(lines))
    running = titled > max(RUNNING_TITLE_PAGES, RUNNING_TITLE_SHARE * len(pages))
    found, after_toc = [], False
    for lines in pages:
        after_toc = is_toc_page(lines, after_toc, running_title=running)
        found.append(after_toc)
    return found


# A real table of contents runs a few pages; a link printed atop every page, most of them.
RUNNING_TITLE_PAGES = 3
RUNNING_TITLE_SHARE = 0.1


def is_toc_page(lines: Sequence[str], after_toc: bool = False, running_title: bool = False) -> bool:
    """A table-of-contents page: titled 'Contents', or mostly dot-leader lines, or (right after
    such a page, or titled where the title runs atop most pages) mostly short lines ending in a page
    number."""
    filled = [line for line in lines if line]
    if not filled:
        return False
    titled = _titled(filled)
    if titled and not running_title:
        return True
    leaders = sum(1 for line in filled if _DOT_LEADER.search(line))
    if len(filled) >= 4 and leaders >= 0.4 * len(filled):
        return True
    if after_toc or titled:
        refs = sum(1 for line in filled if _ENDS_PAGE_REF.search(line) and len(line) < 110 and "$" not in line)
        return len(filled) >= 4 and refs >= 0.6 * len(filled)
    return False


def _titled(lines: Sequence[str]) -> bool:
    return any(_TOC_TITLE.match(line) for line in [line for line in lines if line][:6])
