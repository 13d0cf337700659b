"""Real documents: the 12 Docugami 10-Q PDFs (536 pages), the set's own questions, and our
page-labelled questions on one of them (tests/data/page_questions.md says how they were made)."""

import shutil
from collections import Counter
from dataclasses import replace

import pytest

from assistant import Assistant, Settings, preferences, retrieve
from assistant.embedding import Embedder
from assistant.evaluation.evalsets import read_questions
from assistant.evaluation.evaluate import score_questions
from assistant.filing_periods import QUARTER, FilingPeriod, filing_period
from assistant.statements import BALANCE, CASH_FLOWS, INCOME, page_statement

from .conftest import DOCUGAMI, ROOT, shared_data

PAGE_DOCUMENT = "2023 Q1 AMZN.pdf"

# Measured with the defaults on this machine (see docs/evaluation.md's results table). Each floor sits a
# few questions below the measurement, so a regression fails while a question or two may move.
# measured 75/77 = 0.974 (73/77 before the metrics glossary, 0.870 before BM25 by document)
DOCUMENT_HIT_AT_5_FLOOR = 0.90
MULTI_COVERAGE_FLOOR = 0.85  # measured 0.949 of the sources of multi-document questions in the top 10
PAGE_HIT_AT_5_FLOOR = 0.95  # measured 66/66 (65/66 before passages scored by their best table row)
ANALYST_PAGE_HIT_AT_5_FLOOR = 0.75  # measured 32/36 = 0.889 (30/36 before the metrics glossary; dense alone 0.806)
# measured 60/66 = 0.909: rows are embedded with their headings, and sentences are preferred by the
# rank of their document (55/66 before that; 59/66 when rows were glued to the prose after them)
CITED_PAGE_FLOOR = 0.86


@pytest.mark.slow
def test_docugami_questions_find_their_source_filings(docugami_assistant: Assistant) -> None:
    questions = read_questions(shared_data(DOCUGAMI / "qna_subset_AAPL_AMZN_NVDA.csv"))
    result = score_questions(docugami_assistant, questions, k=5)
    print(f"\nDocugami: {result.to_json()}")
    assert (result.single_document, result.multi_document) == (77, 39)
    assert result.document_hit_at_k >= DOCUMENT_HIT_AT_5_FLOOR
    assert result.multi_coverage_at_10 is not None and result.multi_coverage_at_10 >= MULTI_COVERAGE_FLOOR


@pytest.fixture(scope="module")
def amzn_assistant(embedder: Embedder, tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    """The one filing the page questions were written on, alone: the other quarters repeat much of
    its text, and which quarter is meant is a document question, not a page question."""
    docs = tmp_path_factory.mktemp("amzn") / "documents"
    docs.mkdir()
    shutil.copy(shared_data(DOCUGAMI / "docs" / PAGE_DOCUMENT), docs / PAGE_DOCUMENT)
    assistant = Assistant(Settings(docs_dir=docs, index_dir=docs.parent / "index"), embedder=embedder)
    assistant.index()
    return assistant


@pytest.mark.slow
def test_page_questions_find_and_cite_their_pages(amzn_assistant: Assistant) -> None:
    questions = read_questions(ROOT / "tests" / "data" / "page_questions.csv")
    assert {q.documents for q in questions} == {(PAGE_DOCUMENT,)}
    result = score_questions(amzn_assistant, questions, k=5)
    print(f"\nPage questions: {result.to_json()}")
    assert result.page_hit_at_k is not None and result.page_hit_at_k >= PAGE_HIT_AT_5_FLOOR
    assert result.cited_page_hit is not None and result.cited_page_hit >= CITED_PAGE_FLOOR


@pytest.mark.slow
def test_search_lists_each_page_once_before_any_page_twice(
    amzn_assistant: Assistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The answer is Item 4's page 34 ("… our disclosure controls and procedures were effective"); the
    # CEO and CFO certifications at the end of the filing say the same words over and over, on page 49
    # in three passages.
    question = (
        "What did Amazon's CEO and CFO conclude about the company's disclosure controls at the end of the period?"
    )
    pages = [hit.chunk.page_start for hit in amzn_assistant.search(question, top_k=5)]
    assert len(set(pages)) == 5 and 34 in pages
    assert pages[0] == 49  # the best passage keeps its place
    # An answer reads the best passages as they rank, three of them on page 49.
    assert [hit.chunk.page_start for hit in amzn_assistant.ask(question, top_k=5).hits].count(49) == 3
    monkeypatch.setattr(retrieve, "PER_PAGE", 0)  # search as answers do
    pages = [hit.chunk.page_start for hit in amzn_assistant.search(question, top_k=5)]
    assert Counter(pages)[49] == 3 and 34 not in pages


@pytest.mark.slow
def test_a_figure_is_found_by_its_table_row_and_cited_with_the_rows_headings(amzn_assistant: Assistant) -> None:
    question = "How much cash went to paying interest on debt in the first quarter of 2023?"
    # The supplemental cash flow table's passage ranks first by its row; by its own vector it is
    # not among the top 5 (five passages of the debt note are).
    assert amzn_assistant.search(question)[0].chunk.page_start == 8
    answer = amzn_assistant.ask(question)
    row = next(c for c in answer.citations if c.page_start == 8)
    assert row.excerpt == "Cash paid for interest on debt $ 279 $ 402 $ 1,101 $ 1,684"
    assert row.columns == "Three Months Ended March 31, Twelve Months Ended March 31, 2022 2023 2022 2023"
    assert row.row_group == "SUPPLEMENTAL CASH FLOW INFORMATION:"


@pytest.mark.slow
def test_docugami_index_has_every_page(docugami_assistant: Assistant) -> None:
    status = docugami_assistant.status()
    assert (status.documents, status.pages) == (12, 536)
    assert status.skipped == ()


@pytest.mark.slow
def test_analyst_questions_find_their_evidence_pages_among_all_twelve_filings(docugami_assistant: Assistant) -> None:
    """The test half of our analyst questions (tests/data/analyst_questions.md), asked of all 12
    filings: the fusion beats dense retrieval alone by a margin, and neither part beats it."""
    questions = read_questions(ROOT / "tests" / "data" / "analyst_questions_test.csv")
    scores = {}
    for mode in ("hybrid", "dense", "lexical"):
        assistant = Assistant(
            replace(docugami_assistant.settings, retrieval=mode), embedder=docugami_assistant.embedder
        )
        result = score_questions(assistant, questions, k=5)
        assert result.page_hit_at_k is not None and result.with_pages == 36
        scores[mode] = result.page_hit_at_k
    print(f"\nAnalyst questions, test half, evidence page hit@5: {scores}")
    assert scores["hybrid"] >= ANALYST_PAGE_HIT_AT_5_FLOOR
    # Dense alone gains from the page-first listing and the question's preferences too (0.750 -> 0.806
    # with them); the fusion still finds three questions more.
    assert scores["hybrid"] >= scores["dense"] + 0.08
    assert scores["hybrid"] >= max(scores["dense"], scores["lexical"])


@pytest.mark.slow
def test_a_metric_question_finds_the_statement_that_holds_its_inputs(docugami_assistant: Assistant) -> None:
    """ "Current ratio" is a word the balance sheet never prints: the glossary adds the rows it is
    computed from (metrics_glossary.py). Without it the exhibit list, signatures and certifications
    of the filing rank above its balance sheet, 6th."""
    document = "2023 Q1 AMZN.pdf"
    pages = docugami_assistant.stored_index().pages[document]
    (sheet,) = [
        p.number for p in pages if "CONSOLIDATED BALANCE SHEETS" in p.text and "Total current liabilities" in p.text
    ]
    hits = docugami_assistant.search("Amazon's current ratio at the end of Q1 2023? Round to two decimals.", top_k=3)
    found = [(h.chunk.document, h.chunk.page_start) for h in hits]
    assert (document, sheet) in found, found


@pytest.mark.slow
def test_every_filing_has_its_three_statements_marked(docugami_assistant: Assistant) -> None:
    """Each 10-Q prints its statements of operations, balance sheet and cash flows on one page each
    (Amazon's Q1 2023 checked by eye: cash flows p. 3, operations p. 4, comprehensive income p. 5 — not
    the income statement —, balance sheet p. 6)."""
    marked = {
        document: {p.number: page_statement(p.text) for p in pages if page_statement(p.text)}
        for document, pages in docugami_assistant.stored_index().pages.items()
    }
    assert marked["2023 Q1 AMZN.pdf"] == {3: CASH_FLOWS, 4: INCOME, 6: BALANCE}
    for document, kinds in marked.items():
        for kind in (BALANCE, INCOME, CASH_FLOWS):
            assert list(kinds.values()).count(kind) == 1, (document, kinds)


@pytest.mark.slow
def test_a_question_naming_a_statement_finds_that_statements_page_first(docugami_assistant: Assistant) -> None:
    """Without the statement marks the first passages are MD&A's (p. 24, p. 12): they share the
    question's words, the statement shares its figures."""
    document = "2023 Q2 NVDA.pdf"
    for question, page in (
        (
            "According to the statement of cash flows, how much did NVIDIA spend on property and equipment in "
            "its July 2023 quarter?",
            8,
        ),
        (
            "Basing your judgment on the P&L statement, what was NVIDIA's net income in the quarter ended July 30, "
            "2023?",
            3,
        ),
    ):
        first = docugami_assistant.search(question, top_k=1)[0].chunk
        assert (first.document, first.page_start) == (document, page), question


@pytest.mark.slow
def test_every_filing_says_its_quarter_and_a_month_asked_finds_that_quarters_filing(
    docugami_assistant: Assistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    stored = docugami_assistant.stored_index()
    period = {name: filing_period("\n".join(page.text for page in pages[:2])) for name, pages in stored.pages.items()}
    assert period["2023 Q3 AAPL.pdf"] == FilingPeriod(QUARTER, 2023, 7, 1)  # Apple's June quarter
    assert period["2023 Q1 NVDA.pdf"] == FilingPeriod(QUARTER, 2023, 4, 30)
    assert period["2022 Q3 AMZN.pdf"] == FilingPeriod(QUARTER, 2022, 9, 30)
    assert all(p is not None and p.kind == QUARTER for p in period.values())
    question = "What were Apple's total net sales in its June 2023 quarter?"
    assert docugami_assistant.search(question)[0].chunk.document == "2023 Q3 AAPL.pdf"
    monkeypatch.setattr(preferences, "PERIOD_WEIGHT", 0.0)  # June 2022's filing says "June" on its cover
    assert docugami_assistant.search(question)[0].chunk.document == "2022 Q3 AAPL.pdf"


@pytest.mark.slow
@pytest.mark.parametrize(
    ("question", "document", "page", "row"),
    [
        # Working capital is computed from the balance sheet's totals (p. 5); without the preference the
        # answer opened with a segment table's row ("Gaming 2,486 …", p. 24).
        (
            "What was NVIDIA's working capital at the end of July 2023?",
            "2023 Q2 NVDA.pdf",
            5,
            "Total current assets 28,797 23,073",
        ),
        # The income statement's row, not MD&A's table of the same figure (p. 20).
        (
            "What was Apple's gross margin in its June 2023 quarter?",
            "2023 Q3 AAPL.pdf",
            4,
            "Gross margin 36,413 35,885 128,721 132,687",
        ),
    ],
)
def test_a_metric_answer_opens_with_the_statement_row_that_holds_its_input(
    docugami_assistant: Assistant, question: str, document: str, page: int, row: str
) -> None:
    first = docugami_assistant.ask(question).citations[0]
    assert (first.document, first.page_start, first.excerpt) == (document, page, row)
    assert first.columns  # cited with the statement's column headings, and the statement
    assert first.statement == (BALANCE if "working capital" in question else INCOME)


@pytest.mark.slow
def test_a_quarter_named_as_people_name_it_finds_that_quarters_filing(docugami_assistant: Assistant) -> None:
    answer = docugami_assistant.ask("What was Apple's total net sales in the third quarter of 2023?")
    assert answer.citations[0].document == "2023 Q3 AAPL.pdf"
    answer = docugami_assistant.ask("How much cash did NVIDIA's operations generate in Q1 FY2024?")
    assert answer.citations[0].document == "2023 Q1 NVDA.pdf"


@pytest.mark.slow
def test_table_rows_stay_rows_and_passages_name_their_table(docugami_assistant: Assistant) -> None:
    stored = docugami_assistant.stored_index()
    # The row used to run into the paragraph after it ("... (3)% iPhone iPhone net sales decreased ...").
    row = "Total net sales $ 81,797 $ 82,959 (1)% $ 293,787 $ 304,182 (3)%"
    assert f"\n{row}\n" in stored.page("2023 Q3 AAPL.pdf", 19).text
    on_cash_flows = [c for c in stored.chunks if c.document == "2023 Q3 AAPL.pdf" and c.page_start == 8]
    assert on_cash_flows and all("STATEMENTS OF CASH FLOWS" in c.context for c in on_cash_flows)
