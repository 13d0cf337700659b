"""Extractive answers: right page, verbatim excerpts, honest 'not covered'."""

import csv

import pytest

from assistant import Answer, Assistant
from assistant.answer import NOT_COVERED
from assistant.store import StoredIndex

from .conftest import DOCUGAMI, shared_data

GOLDEN_QUESTIONS = [
    # (question, document, physical page, printed label, section, words the first excerpt must hold)
    ("When was the union treaty signed?", "report.pdf", 3, "1", "Chapter One: Origins", "spring of 1999"),
    (
        "Who does the defense industry depend on for contracts?",
        "report.pdf",
        4,
        "2",
        "Chapter Two: Industry",
        "contracts from Moscow",
    ),
    (
        "Where are the suppliers of optical components?",
        "report.pdf",
        4,
        "2",
        "Section 2.1: Suppliers",
        "located near Minsk",
    ),
    (
        "Is the railway gauge the same in both countries?",
        "report.pdf",
        5,
        "3",
        "Section 2.1: Suppliers",
        "railway gauge",
    ),
    (
        "What was the watershed year in the Belarus-Russia relationship?",
        "belarus-russia-relations-summary.md",
        1,
        "1",
        "Summary",
        "2020",
    ),
    (
        "How dependent is the Belarusian defense sector on Moscow?",
        "belarus-russia-relations-summary.md",
        1,
        "1",
        "Overall, Belarus and Russia are aligned in many respects",
        "almost totally dependent",
    ),
]

OFF_TOPIC = [
    "What is the best recipe for chocolate chip cookies?",
    "Who won the football world cup in 1998?",
    "How do I change a flat bicycle tyre?",
]


def assert_verbatim(answer: Answer, stored: StoredIndex) -> None:
    """Every excerpt is exactly the page text at its offsets, and its [n] marker is in the answer."""
    for citation in answer.citations:
        page = stored.page(citation.document, citation.page_start)
        assert page.text[citation.char_start : citation.char_end] == citation.excerpt
        assert citation.page_label == page.label
        assert citation.section == page.section_at(citation.char_start)
        if answer.covered:
            assert f"[{citation.key}]" in answer.text


@pytest.mark.parametrize(("question", "document", "page", "label", "section", "words"), GOLDEN_QUESTIONS)
def test_answer_cites_the_right_page(
    golden_assistant: Assistant, question: str, document: str, page: int, label: str, section: str, words: str
) -> None:
    answer = golden_assistant.ask(question)
    assert answer.covered
    first = answer.citations[0]
    assert (first.document, first.page_start, first.page_end, first.page_label) == (document, page, page, label)
    assert first.section == section
    assert words in first.excerpt
    assert answer.text.startswith(" ".join(first.excerpt.split()) + " [1]")
    assert_verbatim(answer, golden_assistant.stored_index())


@pytest.mark.parametrize("question", OFF_TOPIC)
def test_off_topic_question_is_not_covered_but_shows_closest_passages(
    golden_assistant: Assistant, question: str
) -> None:
    answer = golden_assistant.ask(question)
    assert not answer.covered
    assert answer.text == NOT_COVERED
    assert answer.citations
    assert_verbatim(answer, golden_assistant.stored_index())


def test_contents_page_is_never_cited(golden_assistant: Assistant) -> None:
    """The contents page repeats every chapter title; answers must come from the chapters."""
    for question in ("Chapter Two: Industry", "Section 2.1: Suppliers", "Chapter One: Origins"):
        answer = golden_assistant.ask(question)
        assert all(not (c.document == "report.pdf" and c.page_start == 2) for c in answer.citations)
        assert all(not h.chunk.is_toc for h in golden_assistant.search(question))


def test_every_citation_over_the_docugami_questions_is_verbatim(docugami_assistant: Assistant) -> None:
    rows = list(csv.DictReader(open(shared_data(DOCUGAMI / "qna_subset_AAPL_AMZN_NVDA.csv"), encoding="utf-8")))
    stored = docugami_assistant.stored_index()
    cited = 0
    for row in rows[::2]:
        answer = docugami_assistant.ask(row["Question"])
        assert_verbatim(answer, stored)
        cited += len(answer.citations)
    assert cited >= len(rows[::2])
