"""Checksums of a build's files: every byte of a small file checked when the build is opened; a large
file checked block by block, a few blocks at open and the rest in the background.

Reading every byte at open cost 1.3 s at 130,000 passages and would be about 10 s at a million
(bench/library.py), most of it the memory-mapped files that a search then reads a few rows of. A
truncated file is still caught at open (its size), and so is damage in the blocks sampled then
(the first, the last and one at random); damage elsewhere is caught by the background pass, after
which the index refuses to answer (store.StoredIndex.check_intact), and a build that carries
vectors over waits for the whole pass first.
"""

from __future__ import annotations

import hashlib
import random
import threading
from collections.abc import Mapping
from pathlib import Path

from .manifest import StoredFile

BLOCK_BYTES = 8 << 20
WHOLE_BELOW = 32 << 20  # files smaller than this are checked whole at open, as every file used to be
_READ = 1 << 20


class FileDamaged(Exception):
    """`str(error)` names the file (relative to the build folder) and what is wrong."""


def stored_file(path: Path) -> StoredFile:
    """Size and sha256 of a file, and for a large one the sha256 of each block, in one read."""
    whole, blocks = hashlib.sha256(), []
    size = path.stat().st_size
    with open(path, "rb") as handle:
        while block := handle.read(BLOCK_BYTES):
            whole.update(block)
            if size >= WHOLE_BELOW:
                blocks.append(hashlib.sha256(block).hexdigest())
    return StoredFile(size, whole.hexdigest(), tuple(blocks))


class Verification:
    """The checks of one build's files: started by `begin`, finished in a background thread."""

    def __init__(self, remaining: list[tuple[str, Path, int, str]]) -> None:
        self.damage: str | None = None  # what the background pass found wrong, once it has
        self._thread = threading.Thread(target=self._check, args=(remaining,), daemon=True, name="verify-index")
        if remaining:
            self._thread.start()

    @classmethod
    def begin(cls, build: Path, files: Mapping[str, StoredFile]) -> Verification:
        """Raises FileDamaged for a missing or resized file, a small file whose sha256 differs, or a
        sampled block that does; the other blocks are checked in the background."""
        remaining = []
        for name, expected in files.items():
            path = build / name
            if not path.is_file() or path.stat().st_size != expected.size:
                raise FileDamaged(f"{name} does not match its checksum")
            if not expected.blocks:
                if sha256_file(path) != expected.sha256:
                    raise FileDamaged(f"{name} does not match its checksum")
                continue
            count = len(expected.blocks)
            sampled = {0, count - 1, random.randrange(count)}
            for number in sorted(sampled):
                if _block_sha256(path, number) != expected.blocks[number]:
                    raise FileDamaged(f"{name} does not match its checksum")
            remaining += [(name, path, n, expected.blocks[n]) for n in range(count) if n not in sampled]
        return cls(remaining)

    def wait(self) -> str | None:
        """Until every block is checked; what was found wrong, if anything."""
        if self._thread.is_alive():
            self._thread.join()
        return self.damage

    def _check(self, remaining: list[tuple[str, Path, int, str]]) -> None:
        for name, path, number, expected in remaining:
            try:
                ok = _block_sha256(path, number) == expected
            except OSError:  # removed: a build two swaps later pruned it; what was mapped stays readable
                return
            if not ok:
                self.damage = f"{name} does not match its checksum"
                return


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(_READ):
            digest.update(block)
    return digest.hexdigest()


def _block_sha256(path: Path, number: int) -> str:
    with open(path, "rb") as handle:
        handle.seek(number * BLOCK_BYTES)
        return hashlib.sha256(handle.read(BLOCK_BYTES)).hexdigest()
