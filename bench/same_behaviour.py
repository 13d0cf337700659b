"""Does a change that should change nothing (a refactor, modules moved) leave behaviour byte for byte?

    python bench/same_behaviour.py OUT.jsonl              # this checkout's code
    PYTHONPATH=/path/to/other/checkout python bench/same_behaviour.py OTHER.jsonl
    cmp OUT.jsonl OTHER.jsonl                             # identical, or the first line that differs

Builds two indexes afresh in a temporary folder with the code that is imported (the 12 Docugami
10-Qs, and the Amazon Q1 2023 10-Q alone for the page questions), then writes one JSON line per
question (the 195 Docugami questions of qna_data.csv, the 79 about filings not included too, and
the 66 page questions): its quoted answer as `assistant ask --json` gives it (citations, offsets
and scores included) and its top 10 search hits; then one line per index file with its sha256 (the
manifest without its build time and checksum), so a fresh build's files are compared too. Run it
at the commit before a refactor (a `git worktree` of it, put first on PYTHONPATH) and after; the two
files must be identical. About 4 minutes on two cores.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import tempfile
from pathlib import Path

import assistant
from assistant import Assistant, Settings
from assistant.evaluation.evalsets import read_questions
from assistant.types import answer_to_json, search_to_json

ROOT = Path(__file__).resolve().parents[1]
DOCUGAMI = ROOT.parent / "shared" / "eval" / "docugami-sec10q"
PAGE_QUESTIONS = ROOT / "tests" / "data" / "page_questions.csv"
SETS = (
    ("docugami", DOCUGAMI / "qna_data.csv", sorted((DOCUGAMI / "docs").glob("*.pdf"))),
    ("pages", PAGE_QUESTIONS, [DOCUGAMI / "docs" / "2023 Q1 AMZN.pdf"]),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    args = parser.parse_args()
    print(f"code: {Path(assistant.__file__).parent}")
    with tempfile.TemporaryDirectory(prefix="same-behaviour-") as work, args.out.open("w", encoding="utf-8") as out:
        for name, questions, files in SETS:
            docs = Path(work) / name / "docs"
            docs.mkdir(parents=True)
            for path in files:
                shutil.copy(path, docs / path.name)
            library = Assistant(Settings(docs_dir=docs, index_dir=Path(work) / name / "index"))
            library.index()
            for question in read_questions(questions):
                asked = answer_to_json(library.ask(question.question))
                found = search_to_json(question.question, library.search(question.question, 10))
                out.write(json.dumps({"set": name, "ask": asked, "search": found}, sort_keys=True) + "\n")
            build = next((Path(work) / name / "index").glob("build-*"))
            for path in sorted(p for p in build.rglob("*") if p.is_file()):
                line = {"set": name, "file": path.relative_to(build).as_posix(), "sha256": _digest(path)}
                out.write(json.dumps(line) + "\n")
    print(f"wrote {args.out}")


def _digest(path: Path) -> str:
    if path.name == "manifest.json":
        manifest = json.loads(path.read_text(encoding="utf-8"))
        manifest.pop("built_at", None), manifest.pop("checksum", None)
        return hashlib.sha256(json.dumps(manifest, sort_keys=True).encode()).hexdigest()
    return hashlib.sha256(path.read_bytes()).hexdigest()


if __name__ == "__main__":
    main()
