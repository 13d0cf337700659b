"""A JSON-lines file read a row at a time, each row found by the byte offsets its writer kept
(store._write_jsonl returns them). The chunk and page tables of a large library are read this way
(chunk_table.py, page_table.py)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np


class RowFile:
    def __init__(self, path: Path, offsets: np.ndarray) -> None:
        """`offsets`: where each row starts, then the file's size."""
        self._offsets = offsets
        # Read with pread, not memory-mapped: mapped, a page read for one row brought the pages around
        # it into the process too, and at a million passages all 1,078 MB of the chunk table was
        # resident after 200 searches (bench/library.py). Read, a row costs one system call (about a
        # microsecond beside its 85 of parsing), and the rows read stay in the page cache. An open file
        # stays readable after a later build prunes it, as a mapping does.
        self._file = open(path, "rb")  # open as long as the table is

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def row(self, number: int) -> Any:
        """Row `number`, parsed."""
        start, end = int(self._offsets[number]), int(self._offsets[number + 1])
        return json.loads(os.pread(self._file.fileno(), end - start, start))


def position(index: int, length: int) -> int:
    """A sequence index (negative counts from the end) as a row number; IndexError past either end."""
    number = int(index) + length if index < 0 else int(index)
    if not 0 <= number < length:
        raise IndexError(index)
    return number
