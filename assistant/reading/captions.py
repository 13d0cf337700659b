"""Page text -> the captions over its tables and notes ("CONDENSED CONSOLIDATED STATEMENTS OF CASH
FLOWS", "Note 4 – Leases"), so that a passage cut from the middle of a table still says what the
table is about.

A statement page's extracted text is row labels and figures; the question asks for a concept
("capital expenditures") that only the table's caption and labels state. The caption in force
where a passage starts goes into its context line, which is embedded and BM25-indexed with the
passage but never quoted, so excerpts stay verbatim.

A caption line is written in capitals (two words or more, not ending in a figure, as table rows
do), or opens a note, item or part ("Note 4 – Leases", "Item 2. Management's Discussion…").
Consecutive caption lines are one caption: "NVIDIA CORPORATION AND SUBSIDIARIES" over "CONDENSED
CONSOLIDATED BALANCE SHEETS" names the table only together.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

MAX_CAPTION_CHARS = 120

_LETTERS = re.compile(r"[^\W\d_]")
_CAPITAL_WORD = re.compile(r"\b[A-Z][A-Z&'’.-]+\b")
_OPENS_PART = re.compile(r"^(?:Note|NOTE|Item|ITEM|Part|PART)\s+[0-9IVX]+[A-Z]?(?:[.:]|\s+[–—-])\s*\S")
ASIDE = re.compile(r"\([^)]*\)")  # "(Unaudited)", "(In millions)": asides in parentheses
_ENDS_FIGURE = re.compile(r"[\d%$—–]$")


def is_caption(line: str) -> bool:
    if len(line) > MAX_CAPTION_CHARS + 20:  # before anything else: cleaning asks this of long lines
        return False
    line = line.strip()
    # "STATEMENTS OF CASH FLOWS (Unaudited)" is a caption: asides in parentheses are not looked at
    bare = ASIDE.sub("", line).strip()
    if not bare or len(line) > MAX_CAPTION_CHARS or _ENDS_FIGURE.search(bare):
        return False
    if _OPENS_PART.match(line):
        return True
    letters = _LETTERS.findall(bare)
    upper = sum(1 for ch in letters if ch.isupper())
    return len(letters) >= 8 and upper >= 0.9 * len(letters) and len(_CAPITAL_WORD.findall(line)) >= 2


def page_captions(text: str) -> list[tuple[int, str]]:
    """(offset, caption) of every caption on the page, in order."""
    captions: list[tuple[int, str]] = []
    offset, previous_end = 0, -1
    for line in text.split("\n"):
        if is_caption(line):
            if captions and previous_end == offset - 1:  # the line right after the last caption line
                start, title = captions[-1]
                captions[-1] = (start, f"{title} {line.strip()}"[: 2 * MAX_CAPTION_CHARS])
            else:
                captions.append((offset, line.strip()))
            previous_end = offset + len(line)
        offset += len(line) + 1
    return captions


@dataclass(frozen=True)
class CaptionsInForce:
    """Which caption is in force anywhere in a document: the last one before the place, on its page or
    an earlier one (a statement runs onto the next page). A caption ending in a colon ("INVESTING
    ACTIVITIES:") heads a part of a table: it is named after the table's own caption,
    "CONSOLIDATED STATEMENTS OF CASH FLOWS — INVESTING ACTIVITIES:"."""

    pages: Sequence[Sequence[tuple[int, str]]]  # every page's page_captions, in page order
    entering: Sequence[tuple[str, str]]  # (caption, part) in force at the top of each page

    @classmethod
    def of(cls, pages: Sequence[Sequence[tuple[int, str]]]) -> CaptionsInForce:
        entering, state = [], ("", "")
        for captions in pages:
            entering.append(state)
            state = _after(state, [title for _, title in captions])
        return cls(pages, entering)

    def at(self, page: int, offset: int) -> str:
        """The caption in force at `offset` of 1-based `page`."""
        before = [title for start, title in self.pages[page - 1] if start <= offset]
        caption, part = _after(self.entering[page - 1], before)
        return f"{caption} — {part}" if caption and part else caption or part


def _after(state: tuple[str, str], titles: Sequence[str]) -> tuple[str, str]:
    caption, part = state
    for title in titles:
        caption, part = (caption, title) if title.endswith(":") else (title, "")
    return caption, part
