"""A quoted table row is cited with the column headings and the group over it, in the answer's
citations, `assistant ask` (text and JSON) and the web chat's sources — the excerpt still the row
alone, verbatim. A real PDF with a statement table, the real model, a real index."""

import json

import pytest

from assistant import Assistant, Settings, retrieve
from assistant.embedding import Embedder
from assistant.reading.tables import embedded_text
from assistant.retrieve import ROW_WEIGHT
from assistant.types import Citation
from assistant.web.render import sources_html

from . import pdfs
from .conftest import run_cli

STATEMENT = [
    "ACME CORPORATION",
    "CONSOLIDATED STATEMENTS OF OPERATIONS",
    "(in millions)",
    "Three Months Ended",
    "March 31,",
    "2022 2023",
    "Net product sales $ 56,455 $ 56,981",
    "Net service sales 59,989 70,377",
    "Total net sales 116,444 127,358",
    "Operating expenses:",
    "Cost of sales 66,499 67,791",
    "Fulfillment 20,271 20,905",
    "Technology and content 14,842 20,450",
    "Total operating expenses 112,775 122,584",
    "Operating income 3,669 4,774",
    "See accompanying notes to the consolidated financial statements.",
]
PROSE = [
    "Overview",
    "Acme sells goods online and runs warehouses in twelve countries.",
    "Our warehouses opened in 2015 and have grown every year since then.",
]
# Prose about fulfillment that competes with the row for the question: several passages of it.
FULFILLMENT = [
    f"Fulfillment centers in region {n} store goods, pack orders and ship them to customers." for n in range(1, 31)
]
ROW = "Fulfillment 20,271 20,905"
COLUMNS = "(in millions) Three Months Ended March 31, 2022 2023"
QUESTION = "What were Acme's fulfillment costs in the three months ended March 31, 2023?"


@pytest.fixture(scope="module")
def acme(embedder: Embedder, tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    docs = tmp_path_factory.mktemp("acme") / "documents"
    pdfs.write_pdf(docs / "acme-10q.pdf", [PROSE, FULFILLMENT, STATEMENT])
    assistant = Assistant(Settings(docs_dir=docs, index_dir=docs.parent / "index"), embedder=embedder)
    assistant.index()
    return assistant


def row_citation(citations: tuple[Citation, ...]) -> Citation:
    found = [c for c in citations if c.excerpt == ROW]
    assert found, [c.excerpt for c in citations]
    return found[0]


def test_the_row_is_quoted_alone_and_cited_with_its_headings_and_group(acme: Assistant) -> None:
    answer = acme.ask(QUESTION)
    citation = row_citation(answer.citations)
    page = acme.stored_index().page("acme-10q.pdf", 3)
    assert page.text[citation.char_start : citation.char_end] == ROW
    assert (citation.columns, citation.row_group) == (COLUMNS, "Operating expenses:")
    # prose is cited without headings
    prose = acme.ask("When did Acme's warehouses open?").citations[0]
    assert prose.page_start == 1 and (prose.columns, prose.row_group) == ("", "")


def test_a_passage_scores_by_its_best_row_described_by_its_headings(acme: Assistant) -> None:
    """Dense retrieval scores a passage as the better of its own cosine and its best row's (whose
    sentence vector embeds the row with its group and headings). tests/test_docugami.py has a real
    filing where the row's wins."""
    stored = acme.stored_index()
    query = acme.embedder.embed_query(QUESTION)
    found = retrieve.signals(stored, QUESTION, query, 10, "dense")
    row = next(r for r, _ in found.dense if ROW in stored.chunks[r].text)
    chunk = stored.chunks[row]
    rows = [chunk.sentences[i] for i in chunk.table_rows]
    assert ROW in [stored.page(chunk.document, p).text[s:e] for p, s, e in rows]
    described = [embedded_text(stored.page(chunk.document, p).text, s, e) for p, s, e in rows]
    assert f"Operating expenses: {ROW} — {COLUMNS}" in described
    best_row = float((acme.embedder.embed_texts(described) @ query).max())
    own = float(stored.similarity(query, [row])[0])
    assert found.rows[row] == pytest.approx(best_row, abs=1e-4)
    assert retrieve.fused_scores(stored, found)[row] == pytest.approx(max(own, ROW_WEIGHT * best_row), abs=1e-4)


def test_ask_prints_the_headings_under_the_row_and_lists_them_in_json(acme: Assistant) -> None:
    where = ["--docs", str(acme.settings.docs_dir), "--index-dir", str(acme.settings.index_dir)]
    text = run_cli(*where, "ask", QUESTION)
    assert text.returncode == 0, text.stderr
    assert f"“{ROW}”\n    (row of “Operating expenses:”; columns: {COLUMNS})" in text.stdout
    data = json.loads(run_cli(*where, "ask", "--json", QUESTION).stdout)
    cited = [c for c in data["citations"] if c["excerpt"] == ROW]
    assert cited and cited[0]["columns"] == COLUMNS and cited[0]["row_group"] == "Operating expenses:"
    assert cited[0]["statement"] == "income statement"  # the page is headed CONSOLIDATED STATEMENTS OF OPERATIONS
    assert all(c["statement"] == "" for c in data["citations"] if not c["columns"])


def test_the_web_sources_name_the_headings_of_a_quoted_row(acme: Assistant) -> None:
    answer = acme.ask(QUESTION)
    html = sources_html(answer, acme.stored_index().pages)
    assert f"<div class='source-row'>row of “Operating expenses:”; columns: {COLUMNS}</div>" in html
