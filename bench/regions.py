"""The parts of report pages told apart (regions.py), measured on the CRS reports and the Docugami 10-Qs.

    python bench/regions.py                      # or: make regions

Prints JSON lines:
- `signals`: for each PDF, how many lines each signal of regions.py decided (docs/reading.md's table), and
  the seconds reading took;
- `running`: lines of the passages that are running heads of their pages, as pdfium reads the PDFs
  (assistant/evaluation/running.py), apart from the reader's own rules; and the lines set in a page's
  band in its text's own size on three pages or more (headings such as NVIDIA's statements' company
  line), which the reader keeps;
- `citations`: the CRS questions (tests/data/crs_questions.csv, self-written, split by document before
  anything was run) asked of an index of the six CRS reports, per split: the share of citations that
  are body text when the question asks for no source, the answers quoting their fact (in an excerpt, or
  in a note beside one), citing their page.
Indexes are cached under the eval cache folder (`assistant eval`'s), so a second run costs the questions.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

from assistant import Assistant, Settings
from assistant.evaluation import citations, running
from assistant.evaluation.evaluate import default_cache_dir
from assistant.reading.ingest import read_document

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "eval"
CRS = SHARED / "crs-reports" / "pdfs"
DOCUGAMI = SHARED / "docugami-sec10q" / "docs"
QUESTIONS = ROOT / "tests" / "data" / "crs_questions.csv"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cache", type=Path, default=default_cache_dir() / "regions")
    args = parser.parse_args()
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False
    ).stdout.strip()
    for folder in (CRS, DOCUGAMI):
        for path in sorted(folder.glob("*.pdf")):
            started = time.perf_counter()
            document = read_document(path, path.name)
            seconds = time.perf_counter() - started
            _print(
                {
                    "set": "signals",
                    "commit": commit,
                    "document": path.name,
                    "pages": len(document.pages),
                    "read_seconds": round(seconds, 2),
                    **dict(document.report.signals),
                }
            )
    for name, folder in (("crs", CRS), ("docugami", DOCUGAMI)):
        assistant = _indexed(args.cache / name, folder)
        stored = assistant.stored_index()
        paths = sorted(folder.glob("*.pdf"))
        found = running.running_lines(paths)
        left = Counter(line for _, _, line in running.left_in(stored.chunks, found))
        headings = Counter(line for _, _, line in running.left_in(stored.chunks, running.running_lines(paths, False)))
        _print(
            {
                "set": "running",
                "commit": commit,
                "library": name,
                "chunks": len(stored.chunks),
                "running_lines_on_pages": sum(len(lines) for lines in found.values()),
                "running_lines_in_chunks": sum(left.values()),
                "which": dict(left.most_common(10)),
                "headings_in_band_kept": sum(headings.values()),
                "headings": dict(headings.most_common(5)),
            }
        )
    assistant = _indexed(args.cache / "crs", CRS)
    questions = citations.read(QUESTIONS)
    for split in ("train", "test"):
        for kind, asks in (("body", False), ("source", True)):
            chosen = [q for q in questions if q.split == split and q.asks_source == asks]
            asked = citations.ask_all(assistant, chosen, mode="extractive")
            _print(
                {
                    "set": "citations",
                    "commit": commit,
                    "split": split,
                    "questions": kind,
                    **citations.rates(asked).to_json(),
                    "misses": [a.question.question for a in asked if not a.quotes_fact][:20],
                }
            )


def _indexed(work: Path, folder: Path) -> Assistant:
    assistant = Assistant(replace(Settings.from_env(), docs_dir=folder, index_dir=work / "index"))
    assistant.index()
    return assistant


def _print(row: dict[str, object]) -> None:
    print(json.dumps(row, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
