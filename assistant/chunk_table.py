"""The chunk table read from disk: chunks.jsonl (one JSON row per chunk, written by store.py, which
also keeps where each row starts), parsed whole, or for a large library a row at a time when a
search needs that row.

At 130,000 passages, parsing every row was 3.8 s (profiled) of opening the index, and a search
reads a few hundred rows (bench/library.py).
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, overload

import numpy as np

from .row_file import RowFile, position
from .types import Chunk

PARSED_KEPT = 8192  # rows kept parsed: a search reads the same candidates several times


def read_all(path: Path) -> list[Chunk]:
    """Every row, parsed now (a small index, or one written before the offsets were kept)."""
    with open(path, encoding="utf-8") as handle:
        return [from_row(json.loads(line)) for line in handle]


def from_row(row: dict[str, Any]) -> Chunk:
    row["sentences"] = tuple(tuple(span) for span in row["sentences"])
    row["table_rows"] = tuple(row.get("table_rows", ()))
    return Chunk(**row)


class ChunkTable(Sequence[Chunk]):
    """The rows of chunks.jsonl, memory-mapped and parsed when first asked for."""

    def __init__(self, path: Path, offsets: np.ndarray) -> None:
        self._file = RowFile(path, offsets)
        self._row = lru_cache(maxsize=PARSED_KEPT)(self._parse)

    def __len__(self) -> int:
        return len(self._file)

    @overload
    def __getitem__(self, index: int) -> Chunk: ...

    @overload
    def __getitem__(self, index: slice) -> list[Chunk]: ...

    def __getitem__(self, index: int | slice) -> Chunk | list[Chunk]:
        if isinstance(index, slice):
            return [self._row(i) for i in range(*index.indices(len(self)))]
        return self._row(position(index, len(self)))

    def _parse(self, row: int) -> Chunk:
        return from_row(self._file.row(row))


class Joined(Sequence[Chunk]):
    """The chunk tables of a library's segments as one: row r is row r - bases[i] of table i."""

    def __init__(self, tables: Sequence[Sequence[Chunk]]) -> None:
        self._tables = tables
        self.bases = np.concatenate([[0], np.cumsum([len(t) for t in tables])]).astype(np.int64).tolist()

    def __len__(self) -> int:
        return int(self.bases[-1])

    @overload
    def __getitem__(self, index: int) -> Chunk: ...

    @overload
    def __getitem__(self, index: slice) -> list[Chunk]: ...

    def __getitem__(self, index: int | slice) -> Chunk | list[Chunk]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        row = position(index, len(self))
        number = bisect.bisect_right(self.bases, row) - 1
        chunk: Chunk = self._tables[number][row - self.bases[number]]
        return chunk
