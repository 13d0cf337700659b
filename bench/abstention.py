"""Saying "not covered" (grounding.py), on every set side by side, quoted answers, train and test halves.

    python bench/abstention.py [--split train|test|both] [--show]     # or: make abstention

- the abstention sets (tests/data/abstention_*.csv): the bundled summary, NVIDIA's Q2 2023 10-Q, and
  three CRS reports each asked of its own index, and the CRS questions asked of all six reports
  together; then the same for the other three CRS reports (abstention_crs_fresh.csv, written after
  the first grounding rules): answerable questions answered, their fact quoted, unanswerable ones
  "not covered", and for those, whether `missing` names what the set's `absent` column says is
  absent (words shared);
- questions that all have answers: the page questions (Amazon's Q1 2023 10-Q alone), the analyst
  questions (the 12 Docugami filings), the CRS citation questions (the six CRS reports): answered,
  and an expected page cited;
- how often each kind of "missing" decided (never mentioned, a period, no instance, the target, a name).

Indexes are built once into the eval cache (see `assistant eval`); a second run costs the questions.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant import Assistant, Settings  # noqa: E402
from assistant.evaluation import abstention, citations  # noqa: E402
from assistant.evaluation.evalsets import read_questions  # noqa: E402
from assistant.evaluation.evaluate import default_cache_dir, work_dir  # noqa: E402
from assistant.types import ANSWER_TYPE, PERIOD, TERM, Answer  # noqa: E402

SHARED = ROOT.parent / "shared" / "eval"
DOCUGAMI = SHARED / "docugami-sec10q" / "docs"
CRS = SHARED / "crs-reports" / "pdfs"
DATA = ROOT / "tests" / "data"
_WORD = re.compile(r"[a-z0-9]+")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("train", "test", "both"), default="both")
    parser.add_argument("--show", action="store_true", help="print each wrong answer and each missing")
    args = parser.parse_args()
    splits = ("train", "test") if args.split == "both" else (args.split,)
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False
    ).stdout.strip()
    crs = abstention.read(DATA / "abstention_crs.csv")
    fresh = abstention.read(DATA / "abstention_crs_fresh.csv")  # written after the rules, on the other three
    sets = [
        ("summary", ROOT / "documents", abstention.read(DATA / "abstention_summary.csv")),
        ("nvda", _alone(DOCUGAMI / "2023 Q2 NVDA.pdf"), abstention.read(DATA / "abstention_nvda.csv")),
        *(
            (f"crs {r}", _alone(CRS / r), [q for q in crs if q.document == r])
            for r in sorted({q.document for q in crs})
        ),
        ("crs, six reports", CRS, crs),
        *(
            (f"crs fresh {r}", _alone(CRS / r), [q for q in fresh if q.document == r])
            for r in sorted({q.document for q in fresh})
        ),
        ("crs fresh, six reports", CRS, fresh),
    ]
    embedder = None
    kinds: Counter[str] = Counter()
    for name, folder, questions in sets:
        assistant = _indexed(folder, embedder)
        embedder = assistant.embedder
        for split in splits:
            started = time.perf_counter()
            outcomes = abstention.ask_all(assistant, [q for q in questions if q.split == split], mode="extractive")
            rates = abstention.rates(outcomes)
            abstained = [o for o in outcomes if not o.question.answerable and not o.answered]
            kinds.update(_kind(o.answer) for o in abstained)
            named = [o for o in abstained if _names_absent(o.answer, o.question.absent)]
            _print(
                {
                    "set": name,
                    "split": split,
                    "commit": commit,
                    **rates.to_json(),
                    "missing_names_absent": f"{len(named)}/{len(abstained)}",
                    "seconds": round(time.perf_counter() - started, 1),
                }
            )
            if args.show:
                for o in outcomes:
                    if not o.right or not o.question.answerable:
                        print(f"    {'A' if o.question.answerable else 'U'} {o.answered!s:5} {o.question.question}")
                        print(f"        {o.answer.text[:160]}  | absent: {o.question.absent}")
    print(json.dumps({"set": "abstained, by what was missing", **dict(kinds)}), flush=True)
    answerable = [
        (
            "page questions",
            _alone(DOCUGAMI / "2023 Q1 AMZN.pdf"),
            [(q, "all") for q in read_questions(DATA / "page_questions.csv")],
        ),
        (
            "analyst questions",
            DOCUGAMI,
            [(q, split) for split in splits for q in read_questions(DATA / f"analyst_questions_{split}.csv")],
        ),
    ]
    for name, folder, pairs in answerable:
        assistant = _indexed(folder, embedder)
        for split in sorted({s for _, s in pairs}):
            answers = [(q, assistant.ask(q.question, mode="extractive")) for q, s in pairs if s == split]
            _print(
                {
                    "set": name,
                    "split": split,
                    "commit": commit,
                    "questions": len(answers),
                    "answered": _share(sum(a.covered for _, a in answers), len(answers)),
                    "cites_page": _share(sum(_cites(q.pages, a) for q, a in answers), len(answers)),
                    "answered_and_cites_page": _share(
                        sum(a.covered and _cites(q.pages, a) for q, a in answers), len(answers)
                    ),
                }
            )
            if args.show:
                _show_unanswered([(q.question, a) for q, a in answers])
    assistant = _indexed(CRS, embedder)
    for split in splits:
        asked = citations.ask_all(
            assistant, [q for q in citations.read(DATA / "crs_questions.csv") if q.split == split], mode="extractive"
        )
        _print({"set": "crs citation questions", "split": split, "commit": commit, **citations.rates(asked).to_json()})
        if args.show:
            _show_unanswered([(a.question.question, a.answer) for a in asked])


def _show_unanswered(answers: list[tuple[str, Answer]]) -> None:
    """Each question with an answer that was not answered, and what its answer says is missing."""
    for question, answer in answers:
        if not answer.covered:
            print(f"    A False {question}\n        {answer.text[:160]}")


def _kind(answer: Answer) -> str:
    """What decided a "not covered": never mentioned, a period, no instance beside the target (a partial
    grounding), the target or a name not beside an instance, or nothing relevant at all."""
    missing = answer.missing
    if not missing:
        return "nothing relevant"
    if any(m.kind == TERM and not m.mentioned for m in missing):
        return "a term never mentioned"
    if any(m.kind == PERIOD and not m.mentioned for m in missing):
        return "a period never mentioned"
    target = set(answer.asks.target) if answer.asks else set()
    if any(m.kind == ANSWER_TYPE for m in missing) and not any(m.text in target for m in missing):
        return "target found, no instance (partial)"
    if any(m.kind == TERM for m in missing):
        return "a term not beside an instance"
    if any(m.kind == ANSWER_TYPE for m in missing):
        return "no instance"
    return "a period not beside an instance"


def _names_absent(answer: Answer, absent: str) -> bool:
    """`missing` shares a word (4 letters or more, or an acronym) with the set's note of what is absent."""
    noted = {w for w in _WORD.findall(absent.lower()) if len(w) >= 4 or w.isdigit()}
    said = {w for m in answer.missing for w in _WORD.findall(m.text.lower())}
    said |= {w.rstrip("s") for w in said}
    return bool(said & (noted | {w.rstrip("s") for w in noted}))


def _cites(pages: tuple[int, ...], answer: Answer) -> bool:
    return any(c.page_start <= p <= c.page_end for c in answer.citations for p in pages)


def _alone(path: Path) -> Path:
    """A folder holding one document (a link to it), so that it is asked of its own index."""
    folder = default_cache_dir() / f"docs-{path.stem.replace(' ', '-')}"
    folder.mkdir(parents=True, exist_ok=True)
    if not (folder / path.name).exists():
        (folder / path.name).symlink_to(path.resolve())
    return folder


def _indexed(folder: Path, embedder: object) -> Assistant:
    settings = Settings.from_env()
    settings = replace(settings, docs_dir=folder, index_dir=work_dir(None, "qa", folder, settings) / "index")
    assistant = Assistant(settings, embedder)  # type: ignore[arg-type]
    assistant.index()
    return assistant


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None


def _print(row: dict[str, object]) -> None:
    print(json.dumps(row, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
