"""Benchmark a library of many reports: open, search, memory, disk, and adding one report.

    python bench/library.py [--passages 1000000] [--dir DIR] [--queries 200]

Writes a documents folder of synthetic 250-page reports until it holds about --passages passages,
builds it with the real reader, chunker (the bundled model's tokenizer) and BM25, but with random
unit vectors in place of the model's (embedding a million passages would take days here; the vector
side's cost does not depend on what the vectors say). The text is SciFact's abstracts
(../shared/eval/beir-scifact), each report a different draw of them with its own numbers in each
sentence, so BM25 sees a vocabulary that grows with the library.

Then, each in a fresh process: opening the index (process start to ready, the model excluded),
search latency p50/p95 (random query vectors, real BM25 queries from SciFact's claims), peak RSS;
the index's bytes on disk per passage; and the time to add one more 250-page report to the library.
Recall@10 of the vector search is measured against an exact scan of every vector.
Prints one JSON line. With --dir the library is kept there (and reused when it is already built).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from timing import percentiles  # bench/ is on sys.path when a script in it runs

from assistant import Assistant, Settings, store
from assistant.embedding import Embedder

SCIFACT = Path(__file__).resolve().parents[2] / "shared/eval/beir-scifact"
PAGES_PER_REPORT = 250
CHARS_PER_PAGE = 2_400  # a page of a RAND report holds about 2,000-3,000 characters
PASSAGES_PER_REPORT = 1_300  # measured: 130,165 passages in 100 reports; sizes the folder


class RandomVectors:
    """The bundled model's tokenizer (the chunker sizes passages with it), random unit vectors."""

    def __init__(self, seed: int = 0) -> None:
        self._model = Embedder()
        self.name = self._model.name
        self.dimension = self._model.dimension
        self.max_tokens = self._model.max_tokens
        self.texts_embedded = 0
        self._random = np.random.default_rng(seed)

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        return self._model.count_tokens(texts)

    def embed_texts(self, texts: Sequence[str], progress: Callable[[int, int], None] | None = None) -> np.ndarray:
        self.texts_embedded += len(texts)
        return unit_vectors(self._random, len(texts), self.dimension)

    def embed_query(self, text: str) -> np.ndarray:
        vector: np.ndarray = self.embed_texts([text])[0]
        return vector


def unit_vectors(random: np.random.Generator, count: int, dimension: int) -> np.ndarray:
    vectors = random.standard_normal((count, dimension), dtype=np.float32)
    normalised: np.ndarray = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    return normalised


def abstracts() -> list[str]:
    return [json.loads(line)["text"] for line in (SCIFACT / "corpus.jsonl").open(encoding="utf-8")]


def claims() -> list[str]:
    return [json.loads(line)["text"] for line in (SCIFACT / "queries.jsonl").open(encoding="utf-8")]


def write_report(path: Path, number: int, texts: Sequence[str]) -> None:
    """A markdown report of PAGES_PER_REPORT pages (form feeds), drawn from `texts` by its number."""
    draw = random.Random(number)
    pages = []
    for page in range(PAGES_PER_REPORT):
        body: list[str] = []
        while sum(map(len, body)) < CHARS_PER_PAGE:
            sentences = draw.choice(texts).split(". ")
            body.append(". ".join(f"{s} ({number}.{page}.{i})" for i, s in enumerate(sentences)))
        pages.append(f"## Section {page + 1} of report {number}\n\n" + "\n\n".join(body))
    path.write_text(f"# Report {number}\n\n" + "\n\f\n".join(pages), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--passages", type=int, default=1_000_000)
    parser.add_argument("--dir", type=Path, help="keep the library here (default: a temp folder)")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--probe", type=Path, help=argparse.SUPPRESS)  # the fresh process's part
    args = parser.parse_args()
    if args.probe:
        print(json.dumps(probe(args.probe, args.queries)))
        return
    if args.dir:
        run(args.dir, args.passages, args.queries)
    else:
        with tempfile.TemporaryDirectory() as temp:
            run(Path(temp), args.passages, args.queries)


def run(root: Path, passages: int, queries: int) -> None:
    docs, index_dir = root / "docs", root / "index"
    docs.mkdir(parents=True, exist_ok=True)
    texts = abstracts()
    reports = max(1, round(passages / PASSAGES_PER_REPORT))
    for number in range(reports):
        if not (docs / f"report-{number:05d}.md").exists():
            write_report(docs / f"report-{number:05d}.md", number, texts)
    settings = Settings(docs_dir=docs, index_dir=index_dir)
    embedder = RandomVectors()
    started = time.perf_counter()
    report = Assistant(settings, embedder=embedder).index()  # type: ignore[arg-type]
    build_seconds = time.perf_counter() - started
    live = store.current_build(index_dir)
    assert live is not None
    disk = sum(p.stat().st_size for p in live.rglob("*") if p.is_file())
    disk_by_file = {p.name: round(p.stat().st_size / 1e6, 1) for p in sorted(live.iterdir()) if p.is_file()}
    chunks = store.require_manifest(index_dir).chunks
    opened = probe_in_fresh_process(index_dir, queries)
    # One more report: the time to bring the library up to date with it.
    extra = docs / f"report-{reports:05d}.md"
    write_report(extra, reports, texts)
    started = time.perf_counter()
    added = Assistant(settings, embedder=embedder).index()  # type: ignore[arg-type]
    add_seconds = time.perf_counter() - started
    extra.unlink()  # a kept library (--dir) is the same size at the next run
    print(
        json.dumps(
            {
                "reports": reports,
                "passages": chunks,
                "vectors": "random unit vectors (float32), 384 dimensions",
                "build_seconds": round(build_seconds, 1) if not report.up_to_date else "kept from an earlier run",
                "disk_bytes": disk,
                "disk_bytes_per_passage": round(disk / chunks),
                "disk_by_file_mb": disk_by_file,
                **opened,
                "add_one_report_seconds": round(add_seconds, 1),
                "add_one_report_stage_seconds": {k: round(v, 2) for k, v in added.timings.items()},
                "add_one_report_passages": sum(dict(added.embedded).values()),
            }
        )
    )


def probe_in_fresh_process(index_dir: Path, queries: int) -> dict[str, object]:
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, __file__, "--probe", str(index_dir), "--queries", str(queries)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    result: dict[str, object] = json.loads(out.strip().splitlines()[-1])
    result["fresh_process_seconds"] = round(time.perf_counter() - started, 2)
    return result


def probe(index_dir: Path, queries: int) -> dict[str, object]:
    """Run in a fresh process: open the index, then search; the model is not loaded (random queries)."""
    since_start = _seconds_since_process_start()
    assistant = Assistant(Settings(index_dir=index_dir), embedder=_QueryVectors())  # type: ignore[arg-type]
    started = time.perf_counter()
    assistant.stored_index()
    open_seconds = time.perf_counter() - started
    ready = since_start + open_seconds
    rss_open = _peak_rss_mb()
    questions = claims()[:queries]
    times = []
    for question in questions:
        started = time.perf_counter()
        assistant.search(question)
        times.append(time.perf_counter() - started)
    rss_searched = _peak_rss_mb()
    # What the resident memory is: the process's own, or pages of the memory-mapped index files
    # (shared with the page cache, given back under memory pressure).
    parts = {"own (RssAnon)": _status_mb("RssAnon"), "mapped files (RssFile)": _status_mb("RssFile")}
    return {
        "open_seconds": round(open_seconds, 2),
        "process_start_to_ready_seconds": round(ready, 2),
        "search_ms": percentiles(times),
        "peak_rss_mb_open": rss_open,
        "peak_rss_mb_after_search": rss_searched,
        "rss_mb_after_search": parts,
        "recall_at_10_vs_exact": _recall_at_10(assistant.stored_index()),
    }


def _recall_at_10(stored: store.StoredIndex, queries: int = 50) -> float:
    """The vector search's top 10 against an exact scan of every vector (after the RSS is read)."""
    vectors = stored.all_vectors()
    found = 0
    for query in unit_vectors(np.random.default_rng(2), queries, vectors.shape[1]):
        exact = set(np.argsort(-(vectors @ query))[:10].tolist())
        found += len(exact & {row for row, _ in stored.search_vectors(query, 10)})
    return round(found / (10 * queries), 3)


class _QueryVectors:
    """Random unit query vectors, for a process that must not load the model."""

    def __init__(self, dimension: int = 384) -> None:
        self._random = np.random.default_rng(1)
        self.dimension = dimension

    def embed_query(self, text: str) -> np.ndarray:
        vector: np.ndarray = unit_vectors(self._random, 1, self.dimension)[0]
        return vector


def _seconds_since_process_start() -> float:
    """From /proc, so the interpreter's start and the imports count too."""
    ticks = int(Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()[19])
    uptime = float(Path("/proc/uptime").read_text().split()[0])
    return uptime - ticks / os.sysconf("SC_CLK_TCK")


def _peak_rss_mb() -> int:
    """VmHWM: getrusage's peak would count the parent's memory at the fork (Linux keeps it across exec)."""
    return _status_mb("VmHWM")


def _status_mb(field: str) -> int:
    line = next(x for x in Path("/proc/self/status").read_text().splitlines() if x.startswith(field + ":"))
    return round(int(line.split()[1]) / 1024)


if __name__ == "__main__":
    main()
