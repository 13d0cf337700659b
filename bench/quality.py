"""Retrieval quality on every evaluation set we have, one JSON line each (the README's results table).

    python bench/quality.py            # or: make quality

SciFact train is printed beside test because every default was chosen on train (bench/
tune_retrieval.py) and only reported on test. Indexes are cached (see `assistant eval`), so a
second run costs the questions only; the first builds SciFact (~5,200 abstracts) and the 12
Docugami PDFs, about 15 minutes on 2 cores.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from assistant.evaluation.evaluate import default_cache_dir, eval_beir, eval_qa

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "eval"


def main() -> None:
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True, text=True, check=False
    ).stdout.strip()
    stamp = {"commit": commit + ("+changes" if dirty else "")}
    for split in ("train", "test"):
        started = time.perf_counter()
        beir = eval_beir(SHARED / "beir-scifact", split)
        _print({"set": f"scifact-{split}", **stamp, **beir.to_json(), "seconds": time.perf_counter() - started})
    docs = SHARED / "docugami-sec10q" / "docs"
    # The page questions are asked of their one filing alone (as tests/test_docugami.py does): the
    # other quarters repeat much of its text, and which quarter is meant is a document question.
    single = default_cache_dir() / "docs-2023-Q1-AMZN"
    single.mkdir(parents=True, exist_ok=True)
    if not (single / "2023 Q1 AMZN.pdf").exists():
        (single / "2023 Q1 AMZN.pdf").symlink_to((docs / "2023 Q1 AMZN.pdf").resolve())
    for name, path, folder in (
        ("docugami-10q", SHARED / "docugami-sec10q" / "qna_subset_AAPL_AMZN_NVDA.csv", docs),
        ("amzn-2023q1-pages", ROOT / "tests" / "data" / "page_questions.csv", single),
    ):
        started = time.perf_counter()
        qa = eval_qa(path, folder)
        _print({"set": name, **stamp, **qa.to_json(), "seconds": time.perf_counter() - started})


def _print(row: dict[str, object]) -> None:
    print(json.dumps({k: round(v, 4) if isinstance(v, float) else v for k, v in row.items()}), flush=True)


if __name__ == "__main__":
    sys.exit(main())
