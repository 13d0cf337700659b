"""Reads files in processes of their own, one per core, for a build of two PDFs or more.

pypdf is pure Python (7-26 pages a second on real filings), so threads would take turns; processes
read side by side. They are plain `python -m assistant.reading.read_worker` children rather than a
multiprocessing pool: a spawned pool re-runs the caller's script in every worker (a user's script
that calls Assistant.index() without a `__main__` guard would index itself again, recursively), and a
forked one copies a web server's threads in whatever state they are in.

Each worker gets its list of (path, name) on stdin and writes (name, Document or reason) pairs to
stdout as it reads them, pickled; a reason is the DocumentError's message, a plain string.
"""

from __future__ import annotations

import pickle
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from queue import Queue

from ..errors import DocumentError
from ..types import Document
from . import ingest

Result = Document | str  # the document, or why it cannot be indexed


def read_one(path: Path, name: str) -> Result:
    try:
        return ingest.read_document(path, name)
    except DocumentError as error:
        return error.reason


def read_all(files: Sequence[tuple[Path, str, int]], workers: int) -> Iterator[tuple[str, Result]]:
    """(name, result) for each (path, name, size), in the order they are read, by `workers` processes;
    the largest files are handed out first, so that one long file does not start last."""
    bins: list[list[tuple[Path, str]]] = [[] for _ in range(workers)]
    loads = [0] * workers
    for path, name, size in sorted(files, key=lambda f: -f[2]):
        least = loads.index(min(loads))
        bins[least].append((path, name))
        loads[least] += size
    results: Queue[tuple[str, Result] | BaseException | None] = Queue()
    children = [_start(jobs, results) for jobs in bins if jobs]
    try:
        for _ in children:
            while (item := results.get()) is not None:
                if isinstance(item, BaseException):
                    raise item
                yield item
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
            child.wait()


def _start(
    jobs: list[tuple[Path, str]], results: Queue[tuple[str, Result] | BaseException | None]
) -> subprocess.Popen[bytes]:
    errors = tempfile.TemporaryFile()  # a file, not a pipe: what it writes there never blocks it
    child = subprocess.Popen(
        [sys.executable, "-m", "assistant.reading.read_worker"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=errors,
    )
    assert child.stdin is not None
    child.stdin.write(pickle.dumps(jobs))
    child.stdin.close()

    def drain() -> None:  # one thread per worker, so that no worker waits on a full pipe
        assert child.stdout is not None
        try:
            while True:
                try:
                    results.put(pickle.load(child.stdout))
                except EOFError:
                    break
            if child.wait() != 0:
                errors.seek(0)
                raise RuntimeError(f"a reader process failed:\n{errors.read().decode(errors='replace')[-3000:]}")
            results.put(None)
        except BaseException as error:  # handed to the build's thread, which raises it
            results.put(error)
        finally:
            errors.close()

    threading.Thread(target=drain, name="read worker", daemon=True).start()
    return child


def main() -> None:
    jobs: list[tuple[Path, str]] = pickle.load(sys.stdin.buffer)
    for path, name in jobs:
        pickle.dump((name, read_one(path, name)), sys.stdout.buffer)
        sys.stdout.buffer.flush()


if __name__ == "__main__":
    main()
