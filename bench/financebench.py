"""FinanceBench's development questions (real analyst questions over real filings, written and
annotated by others): is the evidence page among the first passages retrieved?

    python bench/financebench.py                       # or: make financebench
    python bench/financebench.py --folder DIR          # any folder laid out the same way
    python bench/financebench.py --companies Adobe     # a slice: only these companies' filings

The folder holds `pdfs/` and `questions.jsonl` in FinanceBench's format (../shared/eval/financebench-dev/,
PROVENANCE.md there): each question names its filing (`doc_name`) and its evidence pages, zero-based
(`evidence_page_num`; the assistant's pages are one-based). The filings are indexed once into the eval
cache folder (about 16 minutes for the 43 filings on two cores); later runs cost the questions only.

Prints one JSON line per group — all questions, the train and test halves (companies, not questions,
are split: tests/data/financebench_split.csv, committed before any result was seen), and each
question type — with page hit@1/5/10/20 (an evidence page in a passage among the first k) and
document hit@5 (the question's filing among the first five passages' documents); then one line per
missed question when --misses is given.
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from assistant import Assistant, Settings
from assistant.evaluation.evaluate import default_cache_dir, work_dir
from assistant.types import Hit

ROOT = Path(__file__).resolve().parents[1]
FINANCEBENCH = ROOT.parent / "shared" / "eval" / "financebench-dev"
SPLIT = ROOT / "tests" / "data" / "financebench_split.csv"
DEPTHS = (1, 5, 10, 20)


@dataclass(frozen=True)
class Question:
    id: str
    company: str
    document: str  # the filing's file name
    kind: str  # FinanceBench's question_type
    text: str
    pages: frozenset[int]  # one-based evidence pages in the filing


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--folder", type=Path, default=FINANCEBENCH)
    parser.add_argument("--companies", nargs="*", help="only these companies' questions and filings")
    parser.add_argument("--misses", action="store_true", help="print each question whose page is not in the top 5")
    parser.add_argument("--cache", type=Path, default=default_cache_dir())
    args = parser.parse_args()
    questions = read_questions(args.folder / "questions.jsonl")
    if args.companies:
        questions = [q for q in questions if q.company in args.companies]
    split = read_split(SPLIT) if args.folder.resolve() == FINANCEBENCH.resolve() else {}
    assistant = indexed(args.folder / "pdfs", {q.document for q in questions} if args.companies else None, args.cache)
    started = time.perf_counter()
    ranked = {q.id: assistant.search(q.text, top_k=max(DEPTHS)) for q in questions}
    seconds = time.perf_counter() - started
    stamp = {"commit": _commit(), "seconds_per_question": round(seconds / max(1, len(questions)), 3)}
    groups: dict[str, list[Question]] = {"all": questions}
    for q in questions:
        if q.company in split:
            groups.setdefault(split[q.company], []).append(q)
    for q in questions:
        groups.setdefault(q.kind, []).append(q)
    # The targets are per type on the test half: each type within each half too.
    for q in questions:
        if q.company in split:
            groups.setdefault(f"{split[q.company]} {q.kind}", []).append(q)
    for name, members in groups.items():
        _print({"set": "financebench", "group": name, **stamp, **scores(members, ranked)})
    if args.misses:
        for q in questions:
            hits = ranked[q.id]
            if not any(on_evidence(h, q) for h in hits[:5]):
                rank = next((i + 1 for i, h in enumerate(hits) if on_evidence(h, q)), None)
                top = [f"{h.chunk.document}, p. {h.chunk.page_start}" for h in hits[:5]]
                _print(
                    {
                        "miss": q.id,
                        "split": split.get(q.company, ""),
                        "kind": q.kind,
                        "rank": rank,
                        "question": q.text,
                        "pages": sorted(q.pages),
                        "top5": top,
                    }
                )


def read_questions(path: Path) -> list[Question]:
    questions = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        pages = frozenset(
            int(e["evidence_page_num"]) + 1
            for e in row["evidence"]
            if e.get("doc_name", row["doc_name"]) == row["doc_name"]
        )
        questions.append(
            Question(
                row["financebench_id"],
                row["company"],
                f"{row['doc_name']}.pdf",
                row["question_type"],
                row["question"],
                pages,
            )
        )
    return questions


def read_split(path: Path) -> dict[str, str]:
    with path.open(encoding="utf-8", newline="") as f:
        return {row["company"]: row["split"] for row in csv.DictReader(f)}


def balanced_split(questions: Sequence[Question]) -> dict[str, str]:
    """Companies into two halves of about equal question counts: the largest first, each to the half
    with fewer questions so far (train on a tie). How tests/data/financebench_split.csv was made."""
    counts: dict[str, int] = {}
    for q in questions:
        counts[q.company] = counts.get(q.company, 0) + 1
    halves = {"train": 0, "test": 0}
    split = {}
    for company in sorted(counts, key=lambda c: (-counts[c], c)):
        half = "train" if halves["train"] <= halves["test"] else "test"
        split[company] = half
        halves[half] += counts[company]
    return split


def indexed(pdfs: Path, only: set[str] | None, cache: Path) -> Assistant:
    """An assistant over the folder's filings (or a slice of them), built once into the cache."""
    source = pdfs
    if only is not None:
        # A slice gets a folder of its own (links, not copies) so that its index is built and cached apart.
        source = cache / "financebench-slices" / "-".join(sorted(Path(d).stem for d in only))[:120]
        source.mkdir(parents=True, exist_ok=True)
        for name in only:
            link = source / name
            if not link.exists():
                link.symlink_to((pdfs / name).resolve())
    settings = Settings.from_env()
    work = work_dir(cache, "financebench", source, settings)
    assistant = Assistant(replace(settings, docs_dir=source, index_dir=work / "index"))
    started = time.perf_counter()
    report = assistant.index()
    if not report.up_to_date:
        _print(
            {
                "set": "financebench-build",
                "seconds": round(time.perf_counter() - started, 1),
                "documents": len(report.embedded),
                "chunks": sum(n for _, n in report.embedded),
            }
        )
    return assistant


def on_evidence(hit: Hit, question: Question) -> bool:
    chunk = hit.chunk
    return Path(chunk.document).name == question.document and any(
        chunk.page_start <= p <= chunk.page_end for p in question.pages
    )


def scores(questions: Iterable[Question], ranked: dict[str, list[Hit]]) -> dict[str, float | int]:
    questions = list(questions)
    n = max(1, len(questions))
    result: dict[str, float | int] = {"questions": len(questions)}
    for k in DEPTHS:
        result[f"page_hit_at_{k}"] = round(
            sum(any(on_evidence(h, q) for h in ranked[q.id][:k]) for q in questions) / n, 3
        )
    result["document_hit_at_5"] = round(
        sum(any(Path(h.chunk.document).name == q.document for h in ranked[q.id][:5]) for q in questions) / n, 3
    )
    return result


def _commit() -> str:
    out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False)
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True, text=True, check=False
    ).stdout.strip()
    return out.stdout.strip() + ("+changes" if dirty else "")


def _print(row: dict[str, object]) -> None:
    print(json.dumps(row, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
