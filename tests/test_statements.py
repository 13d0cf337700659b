"""Which pages print a financial statement, and which statements a question needs (statements.py)."""

import pytest

from assistant.reading.ingest import read_document
from assistant.statements import BALANCE, CASH_FLOWS, EQUITY, INCOME, page_statement, statements_asked

from .conftest import SHARED, shared_data


@pytest.mark.parametrize(
    ("page", "kind"),
    [
        ("AMAZON.COM, INC.\nCONSOLIDATED BALANCE SHEETS\n(in millions, except per share data)\nASSETS", BALANCE),
        (
            "PART I. FINANCIAL INFORMATION\nItem 1. Financial Statements\nAMAZON.COM, INC.\n"
            "CONSOLIDATED STATEMENTS OF CASH FLOWS\n(in millions)",
            CASH_FLOWS,
        ),
        ("Table of Contents\nNIKE, Inc.\nConsolidated Statements of Income\nYear Ended May 31,", INCOME),
        ("CONDENSED CONSOLIDATED STATEMENTS OF OPERATIONS (Unaudited)\n(In millions)", INCOME),
        ("Consolidated Statements of Income (Loss)\n2022 2021", INCOME),
        ("Consolidated Statement of Financial Position\nAssets", BALANCE),
        ("Consolidated Balance Sheets (Continued)\nLiabilities", BALANCE),
        ("CONSOLIDATED STATEMENTS OF SHAREHOLDERS’ EQUITY\nCommon stock", EQUITY),
        ("Consolidated Statements of Changes in Equity\n", EQUITY),
        ("Statements of Earnings and Retained Earnings\n", INCOME),
        # As pypdf reads some filings: words on lines of their own, the units glued to the title.
        (
            "MGM\nRESORTS\nINTERNATI\nONAL\nAND\nSUBSIDIARIESCONSOLIDATED\nSTATEMENTS\nOF\n\nOPERATIONS(In thousands)",
            INCOME,
        ),
        (
            "American Water Works Company, Inc. and Subsidiary Companies Consolidated Balance Sheets\n(In millions)",
            BALANCE,
        ),
        ("BALANCE\nSHEETS\n\n(In millions)\n\nJune 30,", BALANCE),
    ],
)
def test_a_statement_page_is_known_by_its_title_line(page: str, kind: str) -> None:
    assert page_statement(page) == kind


@pytest.mark.parametrize(
    "page",
    [
        # The contents page and the exhibit list name statements beside page numbers and other words.
        "INDEX\nPage\nConsolidated Statements of Cash Flows 3 Consolidated Statements of Operations 4",
        "Consolidated Statements of Cash Flows Reconciliation\nThe following table provides a reconciliation",
        # Comprehensive income is not the income statement an analyst computes from.
        "AMAZON.COM, INC.\nCONSOLIDATED STATEMENTS OF COMPREHENSIVE INCOME (LOSS)\n(in millions)",
        "NOTES TO CONSOLIDATED FINANCIAL STATEMENTS\nNote 1 — ACCOUNTING POLICIES",
        # A title further down than a page's head is a reference, not the page's title.
        "Our results depend on the economy and on our customers' demand. " * 8 + "\nConsolidated Balance Sheets\n",
        "Item 8. Financial Statements\nConsolidated Balance Sheets 45\nConsolidated Statements of Income 46",
        "Cash and cash equivalents as reported in the consolidated balance sheets were $5 billion.",
    ],
)
def test_other_pages_are_no_statement(page: str) -> None:
    assert page_statement(page) is None


@pytest.mark.parametrize(
    ("question", "asked"),
    [
        ("Using only the information within the balance sheet, how much total assets did Costco have?", {BALANCE}),
        ("What is the FY2019 COGS? Base your judgments on the P&L statement.", {INCOME}),
        ("According to the statement of cash flows, what was capex?", {CASH_FLOWS}),
        (
            "Basing your judgments off of the statement of financial position and the income statement, what?",
            {BALANCE, INCOME},
        ),
        # Through the metrics glossary: working capital is read off the balance sheet.
        ("Does the company have positive working capital?", {BALANCE}),
        ("What was free cash flow in 2022?", {CASH_FLOWS}),
        # A segment's margin is computed from the segment note, not the consolidated statements.
        ("What operating margin did Apple's Greater China segment earn?", set()),
        ("What was the operating margin in the quarter?", {INCOME}),
        ("What is the statement of changes in shareholders' equity telling us?", {EQUITY}),
        ("Who is the chief executive officer?", set()),
        ("What share of revenue came from services?", set()),
    ],
)
def test_the_statements_a_question_needs(question: str, asked: set[str]) -> None:
    assert statements_asked(question) == asked


def test_the_statements_of_a_real_10k_are_marked() -> None:
    """Netflix's 2017 10-K (FinanceBench's development filings), each page checked by eye: operations
    p. 42, cash flows p. 44, balance sheet p. 45. Comprehensive income (p. 43) is no income statement;
    the stockholders' equity title on p. 46 is missed, as pypdf reads it broken inside a word
    ("CONSOLIDATED STATEME / NTS OF STOCKHOLDERS’ EQUITY")."""
    path = shared_data(SHARED / "eval" / "financebench-dev" / "pdfs" / "NETFLIX_2017_10K.pdf")
    document = read_document(path, path.name)
    marked = {page.number: page_statement(page.text) for page in document.pages if page_statement(page.text)}
    assert marked == {42: INCOME, 44: CASH_FLOWS, 45: BALANCE}
