"""The page table read from disk: pages.jsonl (one JSON row per page, every document's pages in
order, written by store.py, which also keeps where each row starts), parsed whole, or for a large
library a page at a time when an answer cites it.

At 130,000 passages (25,250 pages, 86 MB) parsing every row was 0.7 s of opening the index, and an
answer reads the pages of its few citations (bench/library.py).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, overload

import numpy as np

from .errors import IndexCorruptError
from .row_file import RowFile, position
from .types import Heading, Page, Region

PARSED_KEPT = 1024  # pages kept parsed: the pages of the citations being shown


def read_all(path: Path) -> dict[str, tuple[Page, ...]]:
    """Every page, parsed now (a small index, or one written before the offsets were kept)."""
    pages: dict[str, list[Page]] = {}
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            document, page = from_row(json.loads(line))
            pages.setdefault(document, []).append(page)
    return {document: tuple(p) for document, p in pages.items()}


def from_row(row: dict[str, Any]) -> tuple[str, Page]:
    document = row.pop("document")
    row["headings"] = tuple(Heading(offset, title) for offset, title in row["headings"])
    row["regions"] = tuple(Region(*region) for region in row.get("regions", ()))
    row["markers"] = tuple(tuple(marker) for marker in row.get("markers", ()))
    return document, Page(**row)


class PageTable(Mapping[str, Sequence[Page]]):
    """Document -> its pages, rows of pages.jsonl memory-mapped and parsed when first asked for.
    `counts` are the documents' page counts in the order their rows were written."""

    def __init__(self, path: Path, offsets: np.ndarray, counts: Mapping[str, int]) -> None:
        self._file = RowFile(path, offsets)
        starts = np.concatenate([[0], np.cumsum(list(counts.values()))]).astype(np.int64)
        self._documents = {name: (int(starts[i]), int(starts[i + 1])) for i, name in enumerate(counts)}
        self._row = lru_cache(maxsize=PARSED_KEPT)(self._parse)

    def __getitem__(self, document: str) -> Sequence[Page]:
        start, end = self._documents[document]
        return _DocumentPages(self._row, document, start, end)

    def __iter__(self) -> Iterator[str]:
        return iter(self._documents)

    def __len__(self) -> int:
        return len(self._documents)

    def _parse(self, row: int) -> tuple[str, Page]:
        return from_row(self._file.row(row))


class _DocumentPages(Sequence[Page]):
    """One document's pages: rows start..end of the table. Each row read is checked to be this
    document's: where the rows are comes from the manifest's page counts, and a page of another
    document must never be cited as this one's."""

    def __init__(self, row: Any, document: str, start: int, end: int) -> None:
        self._row, self._document, self._start, self._end = row, document, start, end

    def __len__(self) -> int:
        return self._end - self._start

    @overload
    def __getitem__(self, index: int) -> Page: ...

    @overload
    def __getitem__(self, index: slice) -> list[Page]: ...

    def __getitem__(self, index: int | slice) -> Page | list[Page]:
        if isinstance(index, slice):
            return [self._page(i) for i in range(*index.indices(len(self)))]
        return self._page(position(index, len(self)))

    def _page(self, number: int) -> Page:
        found: tuple[str, Page] = self._row(self._start + number)
        document, page = found
        if document != self._document:
            raise IndexCorruptError(
                f"The index's page table does not match its manifest (row {self._start + number} is a page of "
                f"{document}, not of {self._document}) — rebuild it with: assistant index --rebuild"
            )
        return page
