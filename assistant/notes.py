"""A cited excerpt's footnote markers -> the notes they point to, as the report prints them.

A marker's note is on the marker's own page (a footnote), else the first note of that number on a
later page (the endnotes at a chapter's or the report's end, or a footnote the layout pushed over).
A note that runs on to the next page is given in both parts, each a verbatim slice of its page.
"""

from __future__ import annotations

from collections.abc import Sequence

from .types import NOTE, NoteRef, Page, Region


def notes_for(pages: Sequence[Page], page: Page, start: int, end: int) -> tuple[NoteRef, ...]:
    """The notes that the markers within page.text[start:end] point to, in the order of the markers."""
    found: list[NoteRef] = []
    for marker_start, marker_end in page.markers:
        if start <= marker_start and marker_end <= end:
            found += _note(pages, page.number, page.text[marker_start:marker_end])
    return tuple(dict.fromkeys(found))


def _note(pages: Sequence[Page], number: int, marker: str) -> list[NoteRef]:
    for page_number in range(number, len(pages) + 1):
        page = pages[page_number - 1]
        notes = [r for r in page.regions if r.kind == NOTE]
        at = next((i for i, r in enumerate(notes) if r.label == marker), None)
        if at is None:
            continue
        region = notes[at]
        parts = [_ref(marker, page, region)]
        if at == len(notes) - 1 and page_number < len(pages):
            following = pages[page_number]
            first = next((r for r in following.regions if r.kind == NOTE), None)
            if first is not None and first.label == marker:  # the note runs on to the next page
                parts.append(_ref(marker, following, first))
        return parts
    return []


def _ref(marker: str, page: Page, region: Region) -> NoteRef:
    return NoteRef(marker, page.text[region.start : region.end], page.number, page.label, region.start, region.end)
