"""Benchmark: build an index of a folder of documents, then rebuild with no change, then search.

    python bench/build_and_search.py DOCS_DIR [--questions CSV] [--queries 100]

Prints one JSON line: seconds per build stage (ingest, chunk, embed, write), a no-change rebuild
(in-process and as a fresh `assistant index` process), search and ask latency (p50/p95 over the
queries), embedding throughput of the build and of sentence-transformers' own encode() on the same
texts, and peak RSS. The index lives in a temp folder and is deleted afterwards.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from timing import percentiles  # bench/ is on sys.path when a script in it runs

from assistant import Assistant, Settings
from assistant.embedding import model_path

DEFAULT_QUESTIONS = Path(__file__).resolve().parents[2] / "shared/eval/docugami-sec10q/qna_subset_AAPL_AMZN_NVDA.csv"
THROUGHPUT_SAMPLE = 256  # texts encoded by both paths for the throughput comparison


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("docs", type=Path)
    parser.add_argument("--questions", type=Path, default=DEFAULT_QUESTIONS)
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--model", default=Settings().model, help="e.g. all-MiniLM-L6-v2:int8")
    args = parser.parse_args()
    os.environ["HF_HUB_OFFLINE"] = "1"

    with tempfile.TemporaryDirectory() as temp:
        index_dir = Path(temp) / "index"
        assistant = Assistant(Settings(docs_dir=args.docs, index_dir=index_dir, model=args.model))
        report = assistant.index()
        # The build embeds every chunk and every distinct sentence of them (for the answers).
        stored = assistant.stored_index()
        sentences = len({(c.document, *span) for c in stored.chunks for span in c.sentences})
        embed_rate = (report.chunks + sentences) / report.timings["embed"]

        started = time.perf_counter()
        again = assistant.index()
        in_process = time.perf_counter() - started
        assert again.up_to_date
        started = time.perf_counter()
        subprocess.run(
            [
                str(Path(sys.executable).parent / "assistant"),
                "--docs",
                str(args.docs),
                "--model",
                args.model,
                "--index-dir",
                str(index_dir),
                "index",
            ],
            check=True,
            capture_output=True,
        )
        fresh_process = time.perf_counter() - started

        with open(args.questions, encoding="utf-8-sig") as handle:
            questions = [row["Question"] for row in csv.DictReader(handle)]
        questions = (questions * (1 + args.queries // max(1, len(questions))))[: args.queries]
        assistant.search(questions[0])  # load the index and warm up
        search_times, ask_times = [], []
        for question in questions:
            started = time.perf_counter()
            assistant.search(question)
            search_times.append(time.perf_counter() - started)
        for question in questions:
            started = time.perf_counter()
            assistant.ask(question)
            ask_times.append(time.perf_counter() - started)

        texts = [c.search_text for c in assistant.stored_index().chunks][:THROUGHPUT_SAMPLE]
        embedder = assistant.embedder
        from sentence_transformers import SentenceTransformer

        reference = SentenceTransformer(model_path(assistant.settings.model), device="cpu")
        ours, theirs = 0.0, 0.0
        for _ in range(2):  # alternate and keep each one's best: this machine's speed drifts by 10-20%
            started = time.perf_counter()
            embedder.embed_texts(texts)
            ours = max(ours, len(texts) / (time.perf_counter() - started))
            started = time.perf_counter()
            reference.encode(texts, normalize_embeddings=True, convert_to_numpy=True)  # its own defaults
            theirs = max(theirs, len(texts) / (time.perf_counter() - started))

    print(
        json.dumps(
            {
                "docs": str(args.docs),
                "model": args.model,
                "documents": report.documents,
                "pages": report.pages,
                "chunks": report.chunks,
                "build_seconds": round(report.seconds, 1),
                "stage_seconds": {k: round(v, 2) for k, v in report.timings.items()},
                "pages_per_second_ingest": round(report.pages / report.timings["ingest"], 1),
                "build_embedded_texts": {"chunks": report.chunks, "sentences": sentences},
                "build_embed_texts_per_second": round(embed_rate, 1),
                "no_change_rebuild_seconds": {
                    "in_process": round(in_process, 3),
                    "fresh_process": round(fresh_process, 2),
                },
                "search_ms": percentiles(search_times),
                "ask_ms": percentiles(ask_times),
                "queries": len(questions),
                "throughput_same_texts_chunks_per_second": {
                    "assistant_embed_texts": round(ours, 1),
                    "sentence_transformers_encode": round(theirs, 1),
                    "texts": len(texts),
                },
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            }
        )
    )


if __name__ == "__main__":
    main()
