"""Real policy reports read as their reader reads them: the CRS reports of ../shared/eval/crs-reports
(tests/data/crs_questions.md), answered from body text, footnotes beside the sentences that point to
them, no running head left in any passage."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant import Assistant, Settings
from assistant.embedding import Embedder
from assistant.evaluation import citations, running
from assistant.types import BODY, CAPTION, Answer

from .conftest import BUNDLED_SUMMARY, DOCUGAMI, ROOT, SHARED, run_cli, shared_data
from .web_helpers import CHROMIUM, CHROMIUM_FLAGS, require_chromium, serving

CRS = SHARED / "eval" / "crs-reports" / "pdfs"
SEABED = "R47324.18.pdf"
QUESTIONS = ROOT / "tests" / "data" / "crs_questions.csv"
# Measured on the CRS questions (tests/data/crs_questions.csv): see docs/reading.md.
BODY_SHARE_FLOOR = 0.95


@pytest.fixture(scope="module")
def seabed_docs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What the issue's user had: the bundled summary and the seabed mining report added to it."""
    docs = tmp_path_factory.mktemp("seabed") / "documents"
    docs.mkdir()
    shutil.copy(BUNDLED_SUMMARY, docs / BUNDLED_SUMMARY.name)
    shutil.copy(shared_data(CRS / SEABED), docs / SEABED)
    return docs


@pytest.fixture(scope="module")
def seabed(seabed_docs: Path, embedder: Embedder) -> Assistant:
    assistant = Assistant(Settings(docs_dir=seabed_docs, index_dir=seabed_docs.parent / "index"), embedder=embedder)
    assistant.index()
    return assistant


@pytest.fixture(scope="module")
def crs(embedder: Embedder, tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    """The six CRS reports (202 pages)."""
    docs = shared_data(CRS)
    assistant = Assistant(Settings(docs_dir=docs, index_dir=tmp_path_factory.mktemp("crs-index")), embedder=embedder)
    assistant.index()
    return assistant


def _quotes(answer: Answer) -> list[str]:
    return [c.excerpt for c in answer.citations]


@pytest.mark.slow
def test_the_five_questions_of_the_issue_are_answered_from_body_text(seabed: Assistant) -> None:
    """Each used to quote a footnote, a figure's source note or a map's title, or a sentence cut at
    '(E.O.)'. Now every citation is body text (or a table row), and the right sentence is among them."""
    asked = {
        "What minerals are found in polymetallic nodules?": "Polymetallic Nodules Potato-shaped rocks",
        "What is the International Seabed Authority and when was it established?": (
            "The International Seabed Authority (ISA), established under the 1982 United Nations Convention"
        ),
        "What did the April 2025 executive order direct?": (
            "issued Executive Order (E.O.) 14285, “Unleashing America’s Offshore Critical Minerals and "
            "Resources,” which, among other things, directed NOAA to “expedite the process"
        ),
        "What is the Clarion-Clipperton Zone?": "polymetallic nodules in the Clarion-Clipperton Zone (CCZ; Figure 3)",
        "Has the United States ratified UNCLOS?": "The U.S. Senate has considered ratifying UNCLOS multiple times.126",
    }
    for question, expected in asked.items():
        answer = seabed.ask(question, mode="extractive")
        assert answer.covered, question
        assert {c.kind for c in answer.citations} == {BODY}, (question, _quotes(answer))
        assert any(expected in excerpt for excerpt in _quotes(answer)), (question, _quotes(answer))
        assert all(not re.match(r"\d{1,3} [A-Z]", excerpt) for excerpt in _quotes(answer))  # no note's text


@pytest.mark.slow
def test_the_order_is_quoted_whole_not_cut_at_its_abbreviation(seabed: Assistant) -> None:
    answer = seabed.ask("What did the April 2025 executive order direct?", mode="extractive")
    order = next(c.excerpt for c in answer.citations if "14285" in c.excerpt)
    assert order.endswith("seabed mineral exploration licenses and commercial recovery permits” in ABNJ.")


@pytest.mark.slow
def test_footnote_126_is_shown_beside_its_sentence(seabed: Assistant, seabed_docs: Path) -> None:
    """The marker glued to the full stop ends the sentence, and its note is the report's source for it:
    in the library's answer, in `ask --json` and in the terminal."""
    sentence = "The U.S. Senate has considered ratifying UNCLOS multiple times.126"
    note = (
        "126 To date, UNCLOS and the 1994 Agreement have been considered by Senate Committee on Foreign "
        "Relations three times (1994, 2003, and 2007)."
    )
    answer = seabed.ask("Has the United States ratified UNCLOS?", mode="extractive")
    cited = next(c for c in answer.citations if c.excerpt == sentence)
    assert [(n.marker, n.text, n.page) for n in cited.notes] == [("126", note, cited.page_start)]
    stored = seabed.stored_index()
    page = stored.pages[SEABED][cited.page_start - 1]
    assert page.text[cited.notes[0].start : cited.notes[0].end] == note  # verbatim, like an excerpt

    where = ["--docs", str(seabed_docs), "--index-dir", str(seabed.settings.index_dir)]
    shown = run_cli(*where, "ask", "--json", "Has the United States ratified UNCLOS?")
    assert shown.returncode == 0, shown.stderr
    data = json.loads(shown.stdout)
    cited_json = next(c for c in data["citations"] if c["excerpt"] == sentence)
    assert cited_json["kind"] == BODY
    assert [{k: n[k] for k in ("marker", "text", "page")} for n in cited_json["notes"]] == [
        {"marker": "126", "text": note, "page": cited.page_start}
    ]
    printed = run_cli(*where, "ask", "Has the United States ratified UNCLOS?")
    assert f"The report's source, note 126, p. {cited.page_start}: 126 To date, UNCLOS" in printed.stdout


@pytest.mark.slow
def test_a_question_for_a_source_is_answered_from_the_figures_source_line(seabed: Assistant) -> None:
    answer = seabed.ask("What is the source of the map of the Clarion-Clipperton Zone?", mode="extractive")
    assert any(
        c.kind == CAPTION
        and c.excerpt.startswith("Source: Map created by CRS using International Seabed Authority")
        and "https://www.isa.org.jm/exploration-contracts/maps/;" in c.excerpt  # the address as printed, whole
        for c in answer.citations
    ), _quotes(answer)


def _assert_no_running_lines(assistant: Assistant, folder: Path) -> None:
    found = running.running_lines(sorted(folder.glob("*.pdf")))
    assert sum(len(lines) for lines in found.values()) > 300  # the check finds what it looks for
    assert running.left_in(assistant.stored_index().chunks, found) == []


@pytest.mark.slow
def test_no_running_head_is_left_in_the_crs_reports_passages(crs: Assistant) -> None:
    _assert_no_running_lines(crs, CRS)


@pytest.mark.slow
def test_no_running_head_is_left_in_the_docugami_filings_passages(docugami_assistant: Assistant) -> None:
    _assert_no_running_lines(docugami_assistant, shared_data(DOCUGAMI / "docs"))


@pytest.mark.slow
def test_crs_questions_are_answered_from_body_text_unless_they_ask_for_a_source(crs: Assistant) -> None:
    questions = citations.read(QUESTIONS)
    for split in ("train", "test"):
        plain = [q for q in questions if q.split == split and not q.asks_source]
        rates = citations.rates(citations.ask_all(crs, plain, mode="extractive"))
        assert rates.body_share is not None and rates.body_share >= BODY_SHARE_FLOOR, (split, rates)


@pytest.fixture(scope="module")
def seabed_site(seabed_docs: Path, seabed: Assistant) -> Iterator[str]:
    with serving(seabed_docs, seabed.settings.index_dir) as (url, _):
        yield url


@pytest.mark.slow
def test_the_web_chat_shows_the_note_beside_its_sentence_and_addresses_as_printed(seabed_site: str) -> None:
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        page.goto(seabed_site)
        page.wait_for_selector("#question textarea", timeout=60_000)
        answers = "#chat [data-testid=bot]"
        for number, question in enumerate(
            ("Has the United States ratified UNCLOS?", "What is the source of the map of the Clarion-Clipperton Zone?"),
            start=1,
        ):
            page.fill("#question textarea", question)
            page.click("#ask")
            page.wait_for_function(f"document.querySelectorAll('{answers}').length >= {number}", timeout=60_000)
            page.wait_for_function(
                "document.querySelector('#sources') && document.querySelector('#sources').innerText.includes('[1]')"
            )
            if number == 1:
                page.wait_for_function("document.querySelector('#sources').innerText.includes('note 126')")
                sources = page.inner_text("#sources")
                assert "The report's source" in sources and "note 126, p. 23" in sources
                assert "126 To date, UNCLOS and the 1994 Agreement have been considered" in sources
        bubble = page.query_selector_all(answers)[-1]
        shown = bubble.inner_text()
        address = "https://www.isa.org.jm/exploration-contracts/maps/"
        assert address in shown and "\\" not in shown  # no markdown escape shows
        links = [a.inner_text() for a in bubble.query_selector_all("a")]
        assert all("\\" not in text for text in links)
        page.wait_for_function(f"document.querySelector('#sources').innerText.includes('{address}')")
        browser.close()


GOLDS = {
    "sentences_gold.jsonl": False,  # the developer's, made by correcting the splitter's output
    "sentences_gold_independent.jsonl": True,  # a second agent's, without the splitter; some rows UNSURE
}
_LABEL = re.compile(r"(?:[-*+•▪◦●■]|\(?\d{1,2}[.)]|\(?[a-z][.)])\s+")


@pytest.mark.parametrize("name", sorted(GOLDS))
def test_sentence_boundaries_on_hand_checked_samples(name: str) -> None:
    """At most one wrong boundary in 200 sentences, on each gold set (tests/data/sentences_gold*.md say
    how they were made): each gold line is found in its page and split as the index splits it. A list
    item's label ("(b) ", "• ") is no part of a quoted sentence, so a gold sentence is matched without it;
    lines their author marked UNSURE are left out."""
    from assistant.reading.ingest import read_document
    from assistant.reading.sentences import sentence_spans

    rows = [json.loads(line) for line in (ROOT / "tests" / "data" / name).read_text(encoding="utf-8").splitlines()]
    documents = {}
    wrong, total = [], 0
    for row in rows:
        if str(row.get("notes", "")).startswith("UNSURE"):
            continue
        document = row["document"]
        if document not in documents:
            path = BUNDLED_SUMMARY if document == BUNDLED_SUMMARY.name else shared_data(CRS / document)
            documents[document] = read_document(path, document)
        page = documents[document].page(row["page"])
        line = row.get("bullet", "") + " ".join(row["sentences"])
        start = page.text.find(line)
        line_start = page.text.rfind("\n", 0, max(start, 0)) + 1
        # the line, or the line after its list marker ("• ", "3. "), which no sentence quotes
        assert start >= 0 and re.fullmatch(
            r"(?:[-*+•▪◦●■]|\(?\d{1,2}[.)]|\(?[a-z][.)])?\s*", page.text[line_start:start]
        )
        end = start + len(line)
        assert page.text[end : end + 1] in ("", "\n")
        found = [page.text[s:e] for s, e in sentence_spans(page.text, line_start, end, markers=page.markers)]
        total += len(row["sentences"])
        wrong += [
            (document, row["page"], s) for s in row["sentences"] if s not in found and _LABEL.sub("", s, 1) not in found
        ]
    assert total >= 200
    assert len(wrong) <= total // 200, wrong
