"""Benchmark a library of many reports: open, search, memory, disk, and adding one report.

    python bench/library.py [--passages 1000000] [--dir DIR] [--queries 200] [--batch 200]

Writes a documents folder of synthetic 250-page reports until it holds about --passages passages,
builds it with the real reader, chunker (the bundled model's tokenizer) and BM25, --batch reports
per build (a library grows: each build carries the last one over), but with made-up vectors in
place of the model's (embedding a million passages would take days here). The text is SciFact's
abstracts (../shared/eval/beir-scifact), each report a different draw of them with its own numbers
in each sentence, so BM25 sees a vocabulary that grows with the library.

The vectors: the bundled model's embedding of a SciFact abstract drawn at random, plus Gaussian
noise of the same norm (cosine about 0.7 to the abstract), made unit. Real text embeddings are
clustered by topic, and an approximate index relies on that: on random unit vectors, which have no
structure, it finds fewer of the exact neighbours (their recall is printed too). Query vectors are
the model's embeddings of SciFact's claims: recall@10 of the vector search against an exact scan is
measured for each share of IVF lists probed, on a train and a test half of the claims. (The share
the library uses, vector_index.PROBED_SHARE, was chosen on real embeddings: bench/ann_quality.py.)

Then, each in a fresh process: opening the index (process start to ready, the model excluded),
search latency p50/p95 (the claims: BM25 words and their vectors), peak RSS; the index's bytes on
disk per passage; and the time to add one more 250-page report to the library (a new segment,
build.py), the same measures again with that segment, the time to take the report out again (its
rows stay in the segment's files, skipped), and the time to bring in a changed report of the base.
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
from typing import Any

import numpy as np
from timing import percentiles  # bench/ is on sys.path when a script in it runs

from assistant import Assistant, Settings, store, vector_index
from assistant.embedding import Embedder

SCIFACT = Path(__file__).resolve().parents[2] / "shared/eval/beir-scifact"
PAGES_PER_REPORT = 250
CHARS_PER_PAGE = 2_400  # a page of a RAND report holds about 2,000-3,000 characters
PASSAGES_PER_REPORT = 1_300  # measured: 130,165 passages in 100 reports; sizes the folder


class ModelShapedVectors:
    """The bundled model's tokenizer (the chunker sizes passages with it); vectors near real ones
    (the module's docstring says how they are made)."""

    def __init__(self, bases: np.ndarray, seed: int = 0) -> None:
        self._model = Embedder()
        self.name = self._model.name
        self.dimension = self._model.dimension
        self.max_tokens = self._model.max_tokens
        self.texts_embedded = 0
        self._bases = bases
        self._random = np.random.default_rng(seed)

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        return self._model.count_tokens(texts)

    def embed_texts(self, texts: Sequence[str], progress: Callable[[int, int], None] | None = None) -> np.ndarray:
        self.texts_embedded += len(texts)
        near = self._bases[self._random.integers(len(self._bases), size=len(texts))]
        return _unit(near + unit_vectors(self._random, len(texts), self.dimension))


def unit_vectors(random: np.random.Generator, count: int, dimension: int) -> np.ndarray:
    return _unit(random.standard_normal((count, dimension), dtype=np.float32))


def _unit(vectors: np.ndarray) -> np.ndarray:
    normalised: np.ndarray = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    return normalised.astype(np.float32)


def model_vectors(root: Path) -> tuple[np.ndarray, np.ndarray]:
    """The bundled model's embeddings of SciFact's abstracts and claims, made once and kept in root."""
    path = root / "scifact-vectors.npz"
    if not path.exists():
        model = Embedder()
        np.savez(path, abstracts=model.embed_texts(abstracts()), claims=model.embed_texts(claims()))
    with np.load(path) as saved:
        return saved["abstracts"], saved["claims"]


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
    parser.add_argument("--queries", type=int, default=200, help="claims timed, and in each half for recall")
    parser.add_argument("--batch", type=int, default=200, help="reports added by each build")
    parser.add_argument("--probe", type=Path, help=argparse.SUPPRESS)  # the fresh process's part
    args = parser.parse_args()
    if args.probe:
        print(json.dumps(probe(args.probe, args.queries)))
        return
    if args.dir:
        run(args.dir, args.passages, args.queries, args.batch)
    else:
        with tempfile.TemporaryDirectory() as temp:
            run(Path(temp), args.passages, args.queries, args.batch)


def run(root: Path, passages: int, queries: int, batch: int) -> None:
    docs, index_dir = root / "docs", root / "index"
    docs.mkdir(parents=True, exist_ok=True)
    texts = abstracts()
    bases, _ = model_vectors(root)
    reports = max(1, round(passages / PASSAGES_PER_REPORT))
    settings = Settings(docs_dir=docs, index_dir=index_dir)
    embedder = ModelShapedVectors(bases)
    builds = []
    for end in [*range(batch, reports, batch), reports]:
        for number in range(end):
            if not (docs / f"report-{number:05d}.md").exists():
                write_report(docs / f"report-{number:05d}.md", number, texts)
        started = time.perf_counter()
        report = Assistant(settings, embedder=embedder).index()  # type: ignore[arg-type]
        if not report.up_to_date:
            builds.append({"passages": report.chunks, "seconds": round(time.perf_counter() - started, 1)})
            print(json.dumps({"built": builds[-1], "timings": report.timings}), file=sys.stderr, flush=True)
    live = store.current_build(index_dir)
    assert live is not None
    disk = sum(p.stat().st_size for p in live.rglob("*") if p.is_file())
    disk_by_file = {p.name: round(p.stat().st_size / 1e6, 1) for p in sorted(live.iterdir()) if p.is_file()}
    manifest = store.require_manifest(index_dir)
    opened = probe_in_fresh_process(index_dir, queries)
    # One more report: the time to bring the library up to date with it.
    extra = docs / f"report-{reports:05d}.md"
    write_report(extra, reports, texts)
    started = time.perf_counter()
    added = Assistant(settings, embedder=embedder).index()  # type: ignore[arg-type]
    add_seconds = time.perf_counter() - started
    segments = [s.folder for s in store.require_manifest(index_dir).segments]
    with_segment = probe_in_fresh_process(index_dir, queries)  # the library searched with its new segment
    # Taking it out again (its rows stay in the segment, skipped: build.py), so that the kept library
    # (--dir) holds the same reports at the next run.
    extra.unlink()
    started = time.perf_counter()
    Assistant(settings, embedder=embedder).index()  # type: ignore[arg-type]
    remove_seconds = time.perf_counter() - started
    # A report of the base changed (a page added): its new version is read and embedded again, the old
    # one's rows stay in the base, skipped.
    with open(docs / "report-00000.md", "a", encoding="utf-8") as handle:
        handle.write(f"\n\f\n## A page added\n\nAdded at {time.time()}.\n")
    started = time.perf_counter()
    changed = Assistant(settings, embedder=embedder).index()  # type: ignore[arg-type]
    change_seconds = time.perf_counter() - started
    after = store.require_manifest(index_dir)
    print(
        json.dumps(
            {
                "reports": reports,
                "passages": manifest.chunks,
                "vectors": "near SciFact abstracts' embeddings (float32), 384 dimensions; the docstring says how",
                "vector_index": dict(manifest.vector_index),
                "builds": builds or "kept from an earlier run",
                "disk_bytes": disk,
                "disk_bytes_per_passage": round(disk / manifest.chunks),
                "disk_by_file_mb": disk_by_file,
                **opened,
                "add_one_report_seconds": round(add_seconds, 1),
                "add_one_report_stage_seconds": {k: round(v, 2) for k, v in added.timings.items()},
                "add_one_report_passages": sum(dict(added.embedded).values()),
                "segments_after_add": segments,
                "after_add": with_segment,
                "remove_that_report_seconds": round(remove_seconds, 1),
                "change_one_report_seconds": round(change_seconds, 1),
                "change_one_report_stage_seconds": {k: round(v, 2) for k, v in changed.timings.items()},
                "after_change": {
                    "segments": len(after.segments),
                    "removed_documents": len(after.removed),
                    "removed_rows": sum(r.chunks for r in after.removed),
                },
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
    """Run in a fresh process: open the index, then search; the model is not loaded (the claims'
    vectors were made by the parent)."""
    since_start = _seconds_since_process_start()
    _, claim_vectors = model_vectors(index_dir.parent)
    texts = claims()
    vectors = _QueryVectors(dict(zip(texts, claim_vectors, strict=True)))
    assistant = Assistant(Settings(index_dir=index_dir), embedder=vectors)  # type: ignore[arg-type]
    started = time.perf_counter()
    assistant.stored_index()
    open_seconds = time.perf_counter() - started
    ready = since_start + open_seconds
    rss_open = _peak_rss_mb()
    times = []
    for question in texts[:queries]:
        started = time.perf_counter()
        assistant.search(question)
        times.append(time.perf_counter() - started)
    rss_searched = _peak_rss_mb()
    # What the resident memory is: the process's own, or pages of the memory-mapped index files
    # (shared with the page cache, given back under memory pressure).
    parts = {"own (RssAnon)": _status_mb("RssAnon"), "mapped files (RssFile)": _status_mb("RssFile")}
    stored = assistant.stored_index()
    halves = {"train": claim_vectors[0::2][:queries], "test": claim_vectors[1::2][:queries]}
    return {
        "open_seconds": round(open_seconds, 2),
        "process_start_to_ready_seconds": round(ready, 2),
        "search_ms": percentiles(times),
        "peak_rss_mb_open": rss_open,
        "peak_rss_mb_after_search": rss_searched,
        "rss_mb_after_search": parts,
        **_recall(stored, halves),
    }


def _recall(stored: store.StoredIndex, halves: dict[str, np.ndarray]) -> dict[str, object]:
    """Recall@10 of the vector search against an exact scan of every vector (after the RSS is read):
    for each half of the claims at the library's own setting, and for other shares of IVF lists probed;
    and for random unit query vectors."""
    vectors = stored.all_vectors()
    index: Any = getattr(stored.backend, "faiss_index", None)  # a library in segments has one a segment
    exact = {name: _exact_top10(vectors, queries) for name, queries in halves.items()}
    random_queries = unit_vectors(np.random.default_rng(2), 50, vectors.shape[1])
    exact_random = _exact_top10(vectors, random_queries)

    def recall(queries: np.ndarray, truth: list[set[int]]) -> float:
        pairs = zip(queries, truth, strict=True)
        found = sum(len(t & {row for row, _ in stored.search_vectors(q, 10)}) for q, t in pairs)
        return round(found / (10 * len(queries)), 3)

    result: dict[str, object] = {
        "recall_at_10_vs_exact": {name: recall(halves[name], exact[name]) for name in halves},
        "recall_at_10_random_queries": recall(random_queries, exact_random),
    }
    if hasattr(index, "nprobe"):
        own, by_probes = index.nprobe, {}
        for share in (1 / 128, 1 / 64, 1 / 32, 1 / 16, 1 / 8):
            index.nprobe = max(1, round(index.nlist * share))
            entry: dict[str, object] = {name: recall(halves[name], exact[name]) for name in halves}
            times = []
            for query in halves["test"]:
                started = time.perf_counter()
                stored.search_vectors(query, 10)
                times.append(time.perf_counter() - started)
            entry["vector_search_ms"] = percentiles(times)
            by_probes[f"{index.nprobe}/{index.nlist}"] = entry
        index.nprobe = own
        result["recall_at_10_by_lists_probed"] = by_probes
        flat, times = vector_index.build(vectors, vector_index.FLAT), []  # what a flat index would cost
        for query in halves["test"]:
            started = time.perf_counter()
            flat.search(query.reshape(1, -1), 10)
            times.append(time.perf_counter() - started)
        result["exact_scan_ms"] = percentiles(times)
    return result


def _exact_top10(vectors: np.ndarray, queries: np.ndarray) -> list[set[int]]:
    tops = []
    for start in range(0, len(queries), 50):
        scores = vectors @ queries[start : start + 50].T
        tops += [set(np.argsort(-column)[:10].tolist()) for column in scores.T]
    return tops


class _QueryVectors:
    """The claims' vectors, for a process that must not load the model."""

    def __init__(self, vectors: dict[str, np.ndarray]) -> None:
        self._vectors = vectors
        self.dimension = len(next(iter(vectors.values())))

    def embed_query(self, text: str) -> np.ndarray:
        return self._vectors[text]


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
