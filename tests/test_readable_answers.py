"""Quoted answers read as answers: a title is never one, and a sentence that leans on the one
before it ("their", "this trend") is quoted together with it, still one verbatim excerpt.

The PDF imitates the working paper where a new user met all three failures."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from assistant import Assistant
from assistant.answer import is_title, with_lead_in
from assistant.types import Page

from . import pdfs

TITLE = "Civilian casualties of the war"
SUBTITLE = "Preliminary findings from crowdsourced data"
NAMED = "Older men and rural residents are strongly overrepresented among the civilians killed."
LEANING = "Their proportion among the killed is approximately four times greater than in the population."
RISE = "Monthly civilian fatalities rose steadily from March 2022 onward."
TREND = "This trend is also evident in the changes in fatalities over time by region."
CHECK = "We validated the crowdsourced records against the official lists published by the regional governments."


@pytest.fixture(scope="module")
def paper(tmp_path_factory: pytest.TempPathFactory, embedder: object) -> Assistant:
    docs = tmp_path_factory.mktemp("paper") / "docs"
    pdfs.write_pdf(
        docs / "working-paper.pdf",
        [
            [TITLE, SUBTITLE, "", "Working paper, 23 pages", "", "1. Data", "", CHECK],
            ["2. Who was killed", "", NAMED, LEANING, "", "3. When", "", RISE, TREND],
        ],
    )
    from assistant import Settings

    assistant = Assistant(Settings(docs_dir=docs, index_dir=docs.parent / "index"), embedder=embedder)  # type: ignore[arg-type]
    assistant.index()
    return assistant


def excerpts(assistant: Assistant, question: str) -> list[str]:
    answer = assistant.ask(question)
    assert answer.covered, answer
    pages = assistant.stored_index().pages
    for c in answer.citations:
        assert pages[c.document][c.page_start - 1].text[c.char_start : c.char_end] == c.excerpt
    return [" ".join(c.excerpt.split()) for c in answer.citations]


def test_a_title_is_never_the_answer(paper: Assistant) -> None:
    quoted = excerpts(paper, "How did the author check the data against an outside source?")
    assert quoted[0] == CHECK
    assert all(SUBTITLE not in e and TITLE not in e for e in quoted)


@pytest.mark.parametrize(
    ("question", "before", "leaning"),
    [
        ("Which groups are four times more likely to be killed?", NAMED, LEANING),
        ("From which month did fatalities rise?", RISE, TREND),
    ],
)
def test_a_sentence_that_leans_back_is_quoted_with_the_one_before(
    paper: Assistant, question: str, before: str, leaning: str
) -> None:
    quoted = excerpts(paper, question)
    joined = f"{before} {leaning}"
    assert joined in quoted, quoted
    assert not any(e in (before, leaning) for e in quoted)  # not quoted twice


def page(text: str) -> Page:
    return Page(1, "1", text, "")


def test_lead_in_and_title_rules() -> None:
    text = f"{TITLE}\n{SUBTITLE}\n{NAMED} {LEANING}\nThis report covers 2022. It grew.\nTotal net sales 116,444 127,358"
    p = page(text)
    start = text.index(LEANING)
    assert with_lead_in(p, start, start + len(LEANING)) == text.index(NAMED)
    report = text.index("This report")
    assert with_lead_in(p, report, report + len("This report covers 2022.")) == report  # names its subject
    grew = text.index("It grew.")
    assert with_lead_in(p, grew, grew + len("It grew.")) == report
    first = text.index(NAMED)
    assert with_lead_in(p, first, first + len(NAMED)) == first  # after a title: nothing to lean on
    assert is_title(p, 0, len(TITLE)) and is_title(p, text.index(SUBTITLE), text.index(SUBTITLE) + len(SUBTITLE))
    row = text.index("Total net sales")
    assert not is_title(p, row, len(text))  # a table row is not a title
    assert not is_title(p, first, first + len(NAMED))


def test_leaning_sentence_makes_one_excerpt_when_both_are_chosen(
    make_assistant: Callable[..., Assistant], tmp_path: Path
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "note.md").write_text(
        "# Bison\n\nThe Zubr reserve holds 812 European bison. They are the largest herd in Europe.\n",
        encoding="utf-8",
    )
    assistant = make_assistant(docs, tmp_path / "index")
    assistant.index()
    answer = assistant.ask("Is the herd of the Zubr reserve the largest in Europe?", min_score=0.0)
    both = "The Zubr reserve holds 812 European bison. They are the largest herd in Europe."
    quoted = [c.excerpt for c in answer.citations]
    assert quoted[0] == both
    assert "The Zubr reserve holds 812 European bison." not in quoted  # once, as the lead-in
