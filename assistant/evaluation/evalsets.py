"""Evaluation data on disk -> plain records: BEIR folders and question files.

BEIR (https://github.com/beir-cellar/beir): corpus.jsonl (_id, title, text), queries.jsonl (_id,
text), qrels/<split>.tsv (query-id, corpus-id, score; a header line; CRLF endings in SciFact).

Question files (CSV or JSONL), one question per row. Columns, case-insensitive, with the names the
Docugami SEC 10-Q set uses accepted as they are:
    question    (or "Question")        the question
    documents   (or "Source Docs")     expected document(s): names or glob patterns ("*2023 Q3 AAPL*"),
                                       separated by ";" or "," in CSV, a list in JSONL
    pages       (optional)             expected physical page(s), 1-based: "12" or "12;13", a list in JSONL
    answer      (or "Answer", optional)
    type        (or "Question Type", optional)  e.g. "Single-Doc RAG": reported separately
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import EvalDataError


@dataclass(frozen=True)
class BeirSet:
    corpus: dict[str, tuple[str, str]]  # doc id -> (title, text)
    queries: dict[str, str]  # query id -> text, only the queries judged in the split
    qrels: dict[str, dict[str, int]]  # query id -> doc id -> grade


@dataclass(frozen=True)
class Question:
    question: str
    documents: tuple[str, ...]  # names or glob patterns; any one matching counts as found
    pages: tuple[int, ...] = ()  # physical pages holding the answer, in the expected document(s)
    answer: str = ""
    kind: str = ""

    @property
    def multi_document(self) -> bool:
        return self.kind.lower().startswith("multi")


def read_beir(folder: Path, split: str = "test") -> BeirSet:
    paths = {name: folder / name for name in ("corpus.jsonl", "queries.jsonl")}
    paths["qrels"] = folder / "qrels" / f"{split}.tsv"
    for path in paths.values():
        if not path.is_file():
            raise EvalDataError(
                f"{path} is missing — a BEIR folder holds corpus.jsonl, queries.jsonl and qrels/{split}.tsv"
            )
    qrels: dict[str, dict[str, int]] = {}
    with open(paths["qrels"], encoding="utf-8", newline="") as handle:
        for line_number, line in enumerate(handle, start=1):
            fields = line.strip().split("\t")  # strip() also takes the CR of CRLF endings
            if line_number == 1 and not fields[-1].lstrip("-").isdigit():
                continue  # the header
            if fields == [""]:
                continue
            if len(fields) != 3:
                raise EvalDataError(f"{paths['qrels']} line {line_number}: expected query-id, corpus-id, score")
            qrels.setdefault(fields[0], {})[fields[1]] = int(fields[2])
    corpus = {
        str(row["_id"]): (str(row.get("title") or ""), str(row.get("text") or ""))
        for row in _jsonl(paths["corpus.jsonl"])
    }
    queries = {str(row["_id"]): str(row["text"]) for row in _jsonl(paths["queries.jsonl"]) if str(row["_id"]) in qrels}
    missing = sorted(set(qrels) - set(queries))
    if missing:
        raise EvalDataError(f"{paths['qrels']}: {len(missing)} judged queries are not in queries.jsonl ({missing[0]}…)")
    return BeirSet(corpus, queries, qrels)


_ALIASES = {
    "question": "question",
    "documents": "documents",
    "document": "documents",
    "source docs": "documents",
    "pages": "pages",
    "page": "pages",
    "answer": "answer",
    "type": "type",
    "question type": "type",
}


def read_questions(path: Path) -> list[Question]:
    if not path.is_file():
        raise EvalDataError(f"{path} does not exist — give a CSV or JSONL file of questions")
    rows = list(_jsonl(path)) if path.suffix.lower() in (".jsonl", ".json") else _csv(path)
    questions = []
    for number, raw in enumerate(rows, start=2 if path.suffix.lower() == ".csv" else 1):
        row = {_ALIASES.get(str(k).strip().lower().lstrip("\ufeff"), ""): v for k, v in raw.items()}
        text = " ".join(str(row.get("question") or "").split())
        documents = _items(row.get("documents"))
        if not text or not documents:
            raise EvalDataError(f"{path} row {number}: a question and its expected document(s) are required")
        try:
            pages = tuple(int(p) for p in _items(row.get("pages")))
        except ValueError as error:
            raise EvalDataError(f"{path} row {number}: pages must be whole numbers ({error})") from error
        questions.append(Question(text, documents, pages, str(row.get("answer") or ""), str(row.get("type") or "")))
    if not questions:
        raise EvalDataError(f"{path} holds no questions")
    return questions


def _items(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, list):
        return tuple(str(v).strip() for v in value if str(v).strip())
    return tuple(part.strip() for part in str(value).replace(";", ",").split(",") if part.strip())


def csv_rows(path: Path, columns: Sequence[str]) -> list[dict[str, str]]:
    """The rows of a CSV file of our own question sets, whose header must be exactly `columns`."""
    try:
        with path.open(newline="", encoding="utf-8") as file:
            rows = list(csv.DictReader(file))
    except OSError as error:
        raise EvalDataError(f"Cannot read {path} ({error.strerror}) — check the path") from None
    if not rows or tuple(rows[0]) != tuple(columns):
        raise EvalDataError(f"{path} must have the columns {', '.join(columns)}")
    return rows


def _csv(path: Path) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                try:
                    yield json.loads(line)
                except ValueError as error:
                    raise EvalDataError(f"{path} line {number} is not JSON ({error})") from error
