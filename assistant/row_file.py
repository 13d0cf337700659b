"""A JSON-lines file read a row at a time: memory-mapped, each row found by the byte offsets its
writer kept (store._write_jsonl returns them). The chunk and page tables of a large library are
read this way (chunk_table.py, page_table.py)."""

from __future__ import annotations

import json
import mmap
from pathlib import Path
from typing import Any

import numpy as np


class RowFile:
    def __init__(self, path: Path, offsets: np.ndarray) -> None:
        """`offsets`: where each row starts, then the file's size."""
        self._offsets = offsets
        with open(path, "rb") as handle:
            self._data: mmap.mmap | bytes = (
                mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) if int(offsets[-1]) else b""
            )

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def row(self, number: int) -> Any:
        """Row `number`, parsed."""
        return json.loads(self._data[int(self._offsets[number]) : int(self._offsets[number + 1])])


def position(index: int, length: int) -> int:
    """A sequence index (negative counts from the end) as a row number; IndexError past either end."""
    number = int(index) + length if index < 0 else int(index)
    if not 0 <= number < length:
        raise IndexError(index)
    return number
