"""Retrieval quality on every evaluation set we have, with dense alone and BM25 alone beside the
fusion: one JSON line per set and retrieval, then docs/evaluation.md's table.

    python bench/quality.py            # or: make quality

The fusion must be at least as good as the better of its two parts on every set. Every default was
chosen on train parts only (SciFact train, the Docugami questions, the page questions, the analyst
questions' train half: bench/tune_fusion.py, bench/tune_retrieval.py); SciFact test and the analyst
test half are only reported. Indexes are cached (see `assistant eval`), so a second run costs the
questions only; the first builds SciFact (~5,200 abstracts) and the 12 Docugami PDFs, about 25
minutes on 2 cores.
"""

from __future__ import annotations

import json
import subprocess
import time
from dataclasses import replace
from pathlib import Path

from assistant.config import Settings
from assistant.evaluation.evaluate import default_cache_dir, eval_beir, eval_qa
from assistant.retrieve import MODES

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "eval"
DOCUGAMI = SHARED / "docugami-sec10q"
DATA = ROOT / "tests" / "data"
# name, questions, documents (None: the page questions' one filing), (docs/evaluation.md row, measure) pairs
QUESTION_SETS = (
    (
        "docugami-10q",
        DOCUGAMI / "qna_subset_AAPL_AMZN_NVDA.csv",
        DOCUGAMI / "docs",
        [("Docugami single-document questions: source filing in the top 5", "document_hit_at_k")],
    ),
    (
        "amzn-2023q1-pages",
        DATA / "page_questions.csv",
        None,
        [("page questions: page hit@5", "page_hit_at_k"), ("page questions: an expected page cited", "cited_page_hit")],
    ),
    (
        "analyst-train",
        DATA / "analyst_questions_train.csv",
        DOCUGAMI / "docs",
        [("analyst questions, train half: evidence page in the top 5", "page_hit_at_k")],
    ),
    (
        "analyst-test",
        DATA / "analyst_questions_test.csv",
        DOCUGAMI / "docs",
        [("analyst questions, test half: evidence page in the top 5", "page_hit_at_k")],
    ),
)


def main() -> None:
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True, text=True, check=False
    ).stdout.strip()
    stamp = {"commit": commit + ("+changes" if dirty else "")}
    single = single_filing("2023 Q1 AMZN.pdf")
    table: dict[str, dict[str, float]] = {}
    for mode in MODES:
        settings = replace(Settings.from_env(), retrieval=mode)
        for split in ("train", "test"):
            started = time.perf_counter()
            beir = eval_beir(SHARED / "beir-scifact", split, settings)
            row = {"set": f"scifact-{split}", **stamp, **beir.to_json(), "seconds": time.perf_counter() - started}
            table.setdefault(f"SciFact {split}: nDCG@10", {})[mode] = float(_print(row)["ndcg_at_10"])  # type: ignore[arg-type]
        for name, path, folder, measures in QUESTION_SETS:
            started = time.perf_counter()
            qa = eval_qa(path, folder or single, settings)
            row = _print({"set": name, **stamp, **qa.to_json(), "seconds": time.perf_counter() - started})
            for label, measure in measures:
                table.setdefault(label, {})[mode] = float(row[measure])  # type: ignore[arg-type]
    print(f"\n| set ({stamp['commit']}) | fusion | dense alone | BM25 alone |\n| --- | --- | --- | --- |")
    for label, scores in table.items():
        print(f"| {label} | **{scores['hybrid']:.3f}** | {scores['dense']:.3f} | {scores['lexical']:.3f} |")


def single_filing(name: str) -> Path:
    """A folder holding one Docugami filing. The page questions are asked of their one filing alone
    (as tests/test_docugami.py does): the other quarters repeat much of its text, and which quarter
    is meant is a document question. The analyst questions are asked of all 12 filings: naming the
    quarter is part of the question."""
    folder = default_cache_dir() / f"docs-{Path(name).stem.replace(' ', '-')}"
    folder.mkdir(parents=True, exist_ok=True)
    if not (folder / name).exists():
        (folder / name).symlink_to((DOCUGAMI / "docs" / name).resolve())
    return folder


def _print(row: dict[str, object]) -> dict[str, object]:
    rounded = {k: round(v, 4) if isinstance(v, float) else v for k, v in row.items()}
    print(json.dumps(rounded), flush=True)
    return rounded


if __name__ == "__main__":
    main()
