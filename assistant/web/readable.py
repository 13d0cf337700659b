"""Page text as a reader sees it in the chat: a window that starts and ends on a line or sentence,
markdown markup hidden, and the excerpt marked.

Nothing here changes the page text: markup is skipped while it is written out, so the offsets that
every citation carries still mark exactly its excerpt.
"""

from __future__ import annotations

import html
import re
from itertools import pairwise

from ..reading.sentences import sentence_spans

# Markdown that is layout, not words, in the text of a page (cleaning keeps headings and list items
# on lines of their own). Each match's groups are what is hidden; the rest stays.
_HEADING = re.compile(r"^(#{1,6}[ \t]+)[^\n]*?([ \t]+#+)?[ \t]*$", re.MULTILINE)
_QUOTE = re.compile(r"^([ \t]*>[ \t]?)", re.MULTILINE)
_EMPHASIS = re.compile(r"(\*\*|__)(?=\S)[^\n]*?(?<=\S)(\1)|(?<![\w*])(\*)(?=[^\s*])[^\n*]*?(?<=[^\s*])(\*)(?![\w*])")
_CODE = re.compile(r"(`)[^`\n]+(`)")
_LINK = re.compile(r"(\[)[^\]\n]+(\]\([^)\s]+\))")
_BULLET = re.compile(r"^[ \t]*([-*+])[ \t]+", re.MULTILINE)


def window(text: str, start: int, end: int, chars: int) -> tuple[int, int]:
    """About `chars` of text on either side of text[start:end], widened or narrowed to begin at the
    start of a line or sentence and to end at the end of one, so the view never opens mid-word."""
    low, high = max(0, start - chars), min(len(text), end + chars)
    spans = sentence_spans(text, low, high)
    # The region's first and last sentences may be cut by the region itself: trust their edges only
    # where the region begins or ends at a line.
    starts = [s for i, (s, _) in enumerate(spans) if i > 0 or at_line_start(text, low)]
    ends = [e for i, (_, e) in enumerate(spans) if i < len(spans) - 1 or at_line_end(text, high)]
    starts += [p for p in range(low, start + 1) if at_line_start(text, p)]
    ends += [p for p in range(end, high + 1) if at_line_end(text, p)]
    begin = min((s for s in starts if low <= s <= start), default=start)
    finish = max((e for e in ends if end <= e <= high), default=end)
    while begin < start and text[begin].isspace():  # a blank line at either edge shows nothing
        begin += 1
    while finish > end and text[finish - 1].isspace():
        finish -= 1
    return begin, finish


def to_html(text: str, begin: int, end: int, mark: tuple[int, int], markdown: bool = False) -> str:
    """text[begin:end] as escaped HTML with text[mark[0]:mark[1]] inside <mark>; with `markdown`,
    heading marks, emphasis, code ticks, link targets and quote marks are hidden and bullets become •."""
    spans = _markup(text, begin, end) if markdown else []
    mark_start, mark_end = max(begin, mark[0]), min(end, mark[1])
    for start, stop, _ in spans:  # a mark edge inside markup moves to the markup's edge
        if start < mark_start < stop:
            mark_start = start
        if start < mark_end < stop:
            mark_end = stop
    replaced = {start: (stop, shown) for start, stop, shown in spans}
    cuts = sorted({begin, end, mark_start, mark_end} | {p for s, e, _ in spans for p in (s, e)})
    out = []
    for here, there in pairwise(cuts):
        if here == mark_start < mark_end:
            out.append("<mark>")
        if here in replaced and replaced[here][0] == there:
            out.append(replaced[here][1])
        else:
            out.append(html.escape(text[here:there]))
        if there == mark_end and mark_start < mark_end:
            out.append("</mark>")
    return "".join(out)


def _markup(text: str, begin: int, end: int) -> list[tuple[int, int, str]]:
    """(start, end, shown instead) of each piece of markup wholly inside text[begin:end], in order."""
    found: list[tuple[int, int, str]] = []
    for pattern in (_HEADING, _QUOTE, _EMPHASIS, _CODE, _LINK):
        for match in pattern.finditer(text, begin, end):
            found += [(match.start(g), match.end(g), "") for g in range(1, len(match.groups()) + 1) if match.group(g)]
    found += [(m.start(1), m.end(1), "•") for m in _BULLET.finditer(text, begin, end)]
    kept: list[tuple[int, int, str]] = []
    for start, stop, shown in sorted(found):
        if start >= (kept[-1][1] if kept else begin) and stop <= end:  # overlaps: the first one wins
            kept.append((start, stop, shown))
    return kept


def at_line_start(text: str, position: int) -> bool:
    return position == 0 or text[position - 1] == "\n"


def at_line_end(text: str, position: int) -> bool:
    return position == len(text) or text[position] == "\n"
