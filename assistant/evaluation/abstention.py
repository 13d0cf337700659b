"""Does the assistant answer what the documents answer, and say "not covered" for what they do not?

A question file (tests/data/abstention_*.csv, described in tests/data/abstention.md) holds
answerable questions, each with a short verbatim fact that a right answer quotes, and near-topic
questions whose facts the document does not give. Each is asked as a user would ask it (`ask`, in
either mode); the rates are per split, so settings chosen on train can be reported on test.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..app import Assistant
from ..types import Answer
from . import metrics
from .evalsets import csv_rows

COLUMNS = ("question", "document", "answerable", "pages", "fact", "split", "absent")


@dataclass(frozen=True)
class AbstentionQuestion:
    question: str
    document: str
    answerable: bool
    pages: tuple[int, ...]
    fact: str  # verbatim words of the answer page that a right answer quotes ("" when unanswerable)
    split: str
    absent: str = ""  # for an unanswerable question, what the document does not give ("number of crew deaths")


@dataclass(frozen=True)
class Outcome:
    question: AbstentionQuestion
    answer: Answer

    @property
    def answered(self) -> bool:
        return self.answer.covered

    @property
    def quotes_fact(self) -> bool:
        """The answer cites an excerpt of the question's document holding the fact, on one of its pages."""
        fact = _squeezed(self.question.fact)
        return self.answered and any(
            fact in _squeezed(c.excerpt)
            and c.page_start in self.question.pages
            and c.document == self.question.document
            for c in self.answer.citations
        )

    @property
    def right(self) -> bool:
        return self.answered if self.question.answerable else not self.answered


@dataclass(frozen=True)
class Rates:
    answerable: int
    unanswerable: int
    answered: float  # share of the answerable questions answered (not "not covered")
    abstained: float  # share of the unanswerable questions answered "not covered"
    quotes_fact: float  # share of the answerable questions whose answer quotes the fact

    def to_json(self) -> dict[str, float | int]:
        return {k: round(v, 3) if isinstance(v, float) else v for k, v in self.__dict__.items()}


def read(path: Path) -> list[AbstentionQuestion]:
    rows = csv_rows(path, COLUMNS)
    return [
        AbstentionQuestion(
            question=row["question"],
            document=row["document"],
            answerable=row["answerable"] == "1",
            pages=tuple(int(p) for p in row["pages"].split(";") if p),
            fact=row["fact"],
            split=row["split"],
            absent=row["absent"],
        )
        for row in rows
    ]


def ask_all(assistant: Assistant, questions: Sequence[AbstentionQuestion], mode: str | None = None) -> list[Outcome]:
    return [Outcome(q, assistant.ask(q.question, mode=mode)) for q in questions]


def rates(outcomes: Sequence[Outcome]) -> Rates:
    answerable = [o for o in outcomes if o.question.answerable]
    unanswerable = [o for o in outcomes if not o.question.answerable]
    return Rates(
        answerable=len(answerable),
        unanswerable=len(unanswerable),
        answered=metrics.mean([float(o.answered) for o in answerable]),
        abstained=metrics.mean([float(not o.answered) for o in unanswerable]),
        quotes_fact=metrics.mean([float(o.quotes_fact) for o in answerable]),
    )


def _squeezed(text: str) -> str:
    return " ".join(text.split()).lower()
