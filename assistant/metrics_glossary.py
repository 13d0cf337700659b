"""Analyst metrics -> the line items that hold their inputs, and the statement those sit on.

"What was the current ratio at the end of Q1 2023?" names no word the balance sheet prints: the
ratio is computed from its "Total current assets" and "Total current liabilities" rows. A reader who
knows finance turns to that page; BM25 matches the question's own words, which an exhibit list or a
signature page shares as well as the statement does. `expansion` gives the retrieval query the words
the statement prints.

Written from the standard definitions (a corporate-finance textbook's, the line items' names as US
filings print them), not from any evaluation question; every entry names a metric an analyst
computes from a filing's statements.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

BALANCE_SHEET = "consolidated balance sheets"
INCOME_STATEMENT = "consolidated statements of operations income"
CASH_FLOWS = "consolidated statements of cash flows"


@dataclass(frozen=True)
class Metric:
    names: str  # a regular expression over the question (case-insensitive, whole words)
    line_items: tuple[str, ...]  # as statements print them
    statement: str


GLOSSARY = (
    Metric(r"current\s+ratio", ("total current assets", "total current liabilities"), BALANCE_SHEET),
    Metric(
        r"quick\s+ratio|acid[- ]test",
        ("cash and cash equivalents", "marketable securities", "accounts receivable", "total current liabilities"),
        BALANCE_SHEET,
    ),
    Metric(r"cash\s+ratio", ("cash and cash equivalents", "total current liabilities"), BALANCE_SHEET),
    Metric(r"working\s+capital", ("total current assets", "total current liabilities"), BALANCE_SHEET),
    Metric(
        r"debt[- ]to[- ]equity|debt\s*/\s*equity|leverage\s+ratio|gearing",
        ("long-term debt", "total stockholders equity"),
        BALANCE_SHEET,
    ),
    Metric(r"return\s+on\s+(?:average\s+)?equity|\bROE\b", ("net income", "total stockholders equity"), BALANCE_SHEET),
    Metric(r"return\s+on\s+(?:average\s+)?assets|\bROA\b", ("net income", "total assets"), BALANCE_SHEET),
    Metric(r"asset\s+turnover", ("total net sales revenue", "total assets"), BALANCE_SHEET),
    Metric(r"fixed\s+asset\s+turnover", ("total net sales revenue", "property and equipment net"), BALANCE_SHEET),
    Metric(
        r"inventory\s+turnover|days\s+(?:of\s+)?inventory|days\s+inventory\s+outstanding|\bDIO\b",
        ("inventories", "cost of sales"),
        BALANCE_SHEET,
    ),
    Metric(
        r"days\s+(?:of\s+)?payables?(?:\s+outstanding)?|\bDPO\b|payables?\s+turnover",
        ("accounts payable", "cost of sales"),
        BALANCE_SHEET,
    ),
    Metric(
        r"days\s+(?:of\s+)?sales\s+outstanding|\bDSO\b|receivables?\s+turnover",
        ("accounts receivable net", "total net sales revenue"),
        BALANCE_SHEET,
    ),
    Metric(
        r"gross\s+(?:profit\s+)?margin", ("gross margin", "cost of sales", "total net sales revenue"), INCOME_STATEMENT
    ),
    Metric(r"operating\s+(?:profit\s+)?margin", ("operating income", "total net sales revenue"), INCOME_STATEMENT),
    Metric(
        r"net\s+(?:profit\s+)?margin|(?<!operating )(?<!gross )profit\s+margin",
        ("net income", "total net sales revenue"),
        INCOME_STATEMENT,
    ),
    Metric(
        r"interest\s+coverage|times\s+interest\s+earned",
        ("operating income", "interest expense"),
        INCOME_STATEMENT,
    ),
    Metric(r"effective\s+tax\s+rate", ("provision for income taxes", "income before income taxes"), INCOME_STATEMENT),
    Metric(r"\bEBITDA\b", ("operating income", "depreciation and amortization"), INCOME_STATEMENT),
    Metric(
        r"free\s+cash\s+flows?|\bFCF\b",
        ("net cash provided by operating activities", "purchases of property and equipment"),
        CASH_FLOWS,
    ),
    Metric(
        r"capital\s+expenditures?|\bcapex\b",
        ("purchases of property and equipment", "capital expenditures"),
        CASH_FLOWS,
    ),
    Metric(
        r"operating\s+cash\s+flow\s+ratio",
        ("net cash provided by operating activities", "total current liabilities"),
        CASH_FLOWS,
    ),
    Metric(r"(?:dividend\s+)?payout\s+ratio", ("dividends paid", "net income"), CASH_FLOWS),
)

_COMPILED = tuple((re.compile(rf"\b(?:{m.names})\b", re.IGNORECASE), m) for m in GLOSSARY)


def metrics_named(question: str) -> tuple[Metric, ...]:
    """The glossary's metrics the question names, in glossary order."""
    return tuple(metric for pattern, metric in _COMPILED if pattern.search(question))


def expansion(question: str) -> str:
    """The line items and statements of every metric the question names, as words to search ('' for
    none): what the page that answers it prints."""
    words: list[str] = []
    for metric in metrics_named(question):
        for phrase in (*metric.line_items, metric.statement):
            if phrase not in words:
                words.append(phrase)
    return " ".join(words)
