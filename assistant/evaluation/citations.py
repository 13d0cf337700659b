"""What answers cite, asked as a user asks: is each excerpt the report's own text, and does the answer
quote the fact it should?

A question file (tests/data/crs_questions.csv, described in tests/data/crs_questions.md) holds
questions with the document and pages that answer them, a short verbatim fact a right answer quotes,
a train or test split, and whether the question asks for a source, a note or a figure (`asks_source`):
only those may be answered from notes and captions. A set counts cited when any one citation holds the
fact; a reader sees every citation, so the share of citations that are body text (or table rows)
is measured beside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..app import Assistant
from ..types import BODY, Answer
from . import metrics
from .evalsets import csv_rows

COLUMNS = ("question", "document", "answerable", "pages", "fact", "split", "absent", "asks_source")


@dataclass(frozen=True)
class CitationQuestion:
    question: str
    document: str
    pages: tuple[int, ...]
    fact: str  # verbatim words of the answer that a right answer quotes
    split: str
    asks_source: bool  # the question asks for a source, a note or what a figure shows


@dataclass(frozen=True)
class Asked:
    question: CitationQuestion
    answer: Answer

    @property
    def quotes_fact(self) -> bool:
        """The answer cites an excerpt of the right document holding the fact, on one of its pages, or
        shows it in a note beside an excerpt (the report's source: what "which study …" asks for)."""
        fact = _squeezed(self.question.fact)
        document, pages = self.question.document, self.question.pages
        return self.answer.covered and any(
            c.document == document
            and (
                (c.page_start in pages and fact in _squeezed(c.excerpt))
                or any(n.page in pages and fact in _squeezed(n.text) for n in c.notes)
            )
            for c in self.answer.citations
        )

    @property
    def cites_page(self) -> bool:
        return any(
            c.document == self.question.document and c.page_start in self.question.pages for c in self.answer.citations
        )

    @property
    def body_citations(self) -> tuple[int, int]:
        """(citations that are body text or table rows, citations)."""
        return sum(c.kind == BODY for c in self.answer.citations), len(self.answer.citations)


@dataclass(frozen=True)
class CitationRates:
    questions: int
    answered: float  # share answered (not "not covered")
    quotes_fact: float  # share whose answer quotes the fact on its page
    cites_page: float  # share whose answer cites one of the expected pages
    body_share: float | None  # of the citations of questions that ask for no source, the share of body text

    def to_json(self) -> dict[str, float | int | None]:
        return {k: round(v, 3) if isinstance(v, float) else v for k, v in self.__dict__.items()}


def read(path: Path) -> list[CitationQuestion]:
    rows = csv_rows(path, COLUMNS)
    return [
        CitationQuestion(
            question=row["question"],
            document=row["document"],
            pages=tuple(int(p) for p in row["pages"].split(";") if p),
            fact=row["fact"],
            split=row["split"],
            asks_source=row["asks_source"] == "1",
        )
        for row in rows
        if row["answerable"] == "1"
    ]


def ask_all(assistant: Assistant, questions: Sequence[CitationQuestion], mode: str | None = None) -> list[Asked]:
    return [Asked(q, assistant.ask(q.question, mode=mode)) for q in questions]


def rates(asked: Sequence[Asked]) -> CitationRates:
    plain = [a.body_citations for a in asked if not a.question.asks_source]
    cited = sum(n for _, n in plain)
    return CitationRates(
        questions=len(asked),
        answered=metrics.mean([float(a.answer.covered) for a in asked]),
        quotes_fact=metrics.mean([float(a.quotes_fact) for a in asked]),
        cites_page=metrics.mean([float(a.cites_page) for a in asked]),
        body_share=sum(body for body, _ in plain) / cited if cited else None,
    )


def _squeezed(text: str) -> str:
    return " ".join(text.split()).lower()
