"""Financial statements: which pages print one, and which ones a question needs.

"What is the FY2021 working capital? Use the balance sheet." is answered by one page of a 10-K: the
one headed CONSOLIDATED BALANCE SHEETS. BM25 and the embedding both also find the notes, MD&A and
exhibit pages that use the same words, and on long filings those outnumber it. A reader turns to
the statement; `page_statement` says which pages are statements (from the title a filing prints at
the top of the page), `statements_asked` which statements a question needs (named outright, "P&L",
"statement of financial position", or through an analyst metric computed from one:
metrics_glossary.py); retrieval prefers those pages (preferences.py) and a quoted answer their rows
(answer.py).

A page is a statement when one of its first lines is a statement's title and nothing else ("CONSOLIDATED
STATEMENTS OF OPERATIONS", "Consolidated Balance Sheets (Continued)", "(In millions)" may follow on the
next line). The contents page, the exhibit list, "Consolidated Statements of Cash Flows
Reconciliation" and a note saying "as reported in the consolidated balance sheets" are not: their
lines hold more than the title. Statements of comprehensive income are not the income statement
(no revenue or expense line an analyst computes from).
"""

from __future__ import annotations

import functools
import re

from .metrics_glossary import BALANCE_SHEET as _GLOSSARY_BALANCE
from .metrics_glossary import CASH_FLOWS as _GLOSSARY_CASH
from .metrics_glossary import INCOME_STATEMENT as _GLOSSARY_INCOME
from .metrics_glossary import metrics_named

BALANCE = "balance sheet"
INCOME = "income statement"
CASH_FLOWS = "cash flow statement"
EQUITY = "equity statement"
KINDS = (BALANCE, INCOME, CASH_FLOWS, EQUITY)

# How far down a page its title may stand: below a running head, the company's name, "Table of
# Contents", "PART I. FINANCIAL INFORMATION" and "Item 1. Financial Statements".
TITLE_CHARS = 400

_PREFIX = r"(?:(?:condensed|consolidated|combined|interim|unaudited)\s+)*"
_SUFFIX = r"(?:\s*\((?:continued|unaudited|loss|income|deficit)\))*"
_OWNERS = r"(?:stockholders|shareholders|shareowners|members|partners)['’]?"
_TITLES = {
    BALANCE: r"balance\s+sheets?|statements?\s+of\s+(?:financial\s+(?:position|condition)|condition)",
    INCOME: r"statements?\s+of\s+(?:consolidated\s+)?(?:operations|income|earnings)"
    r"(?:\s+and\s+(?:comprehensive\s+(?:income|loss|earnings)|retained\s+earnings))?|income\s+statements?",
    CASH_FLOWS: r"statements?\s+of\s+(?:consolidated\s+)?cash\s+flows?|cash\s+flows?\s+statements?",
    EQUITY: rf"statements?\s+of\s+(?:changes\s+in\s+)?(?:{_OWNERS}\s+|total\s+)?(?:equity|deficit)",
}
# A title ends its line, or a parenthesis follows it ("OPERATIONS(In thousands…)", as pypdf reads
# some filings); "Consolidated Balance Sheets 45" on a contents page and "… Cash Flows
# Reconciliation" do not.
_TITLE = re.compile(
    "|".join(
        rf"(?P<{kind.split()[0]}>{_PREFIX}(?:{pattern}){_SUFFIX})(?=[ \t]*(?:\n|\(|$))"
        for kind, pattern in _TITLES.items()
    ),
    re.IGNORECASE,
)
_KIND = {kind.split()[0]: kind for kind in _TITLES}
_SMALL_WORDS = {"of", "and", "in", "&"}

# What a question calls each statement: its titles, and the names analysts give them.
_NAMED = {
    BALANCE: r"balance\s+sheets?|statements?\s+of\s+financial\s+(?:position|condition)",
    INCOME: r"income\s+statements?|statements?\s+of\s+(?:income|operations|earnings)|p\s*&\s*l(?:\s+statements?)?"
    r"|profit\s+and\s+loss(?:\s+statements?)?",
    CASH_FLOWS: r"cash\s+flows?\s+statements?|statements?\s+of\s+cash\s+flows?",
    EQUITY: rf"statements?\s+of\s+(?:changes\s+in\s+)?(?:{_OWNERS}\s+)?equity|equity\s+statements?",
}
_NAMED_RE = {kind: re.compile(rf"\b(?:{pattern})\b", re.IGNORECASE) for kind, pattern in _NAMED.items()}
# A metric of one segment or region is computed from the segment note, not the consolidated statements.
_PART_OF_COMPANY = re.compile(r"\b(?:segments?|geographic|regions?|regional)\b", re.IGNORECASE)
_FROM_GLOSSARY = {_GLOSSARY_BALANCE: BALANCE, _GLOSSARY_INCOME: INCOME, _GLOSSARY_CASH: CASH_FLOWS}


def page_statement(text: str) -> str | None:
    """The statement a page prints (one of KINDS), from its title near the top of the page; None for
    every other page, and for a page whose top names several statements (an index to them)."""
    return _head_statement(text[:TITLE_CHARS])


# Retrieval asks of every candidate's page on every search; the title pattern is long, and a
# library's page heads repeat from search to search (26 ms a question over FinanceBench's 28,000
# passages without the cache).
@functools.lru_cache(maxsize=1 << 16)
def _head_statement(head: str) -> str | None:
    kinds = {_KIND[_group(found)] for found in _TITLE.finditer(head) if _is_title(head, found)}
    return kinds.pop() if len(kinds) == 1 else None


def _is_title(head: str, found: re.Match[str]) -> bool:
    """The match opens its line, is glued to the word before it as pypdf glues some titles
    ("SUBSIDIARIESCONSOLIDATED"), or follows a name set in capitals ("NIKE, Inc. Consolidated
    Statements of Income"); not a sentence's "recorded in our Consolidated Balance Sheets"."""
    before = head[head.rfind("\n", 0, found.start()) + 1 : found.start()]
    if not before.strip() or before[-1].isupper():
        return True
    return all(w[0].isupper() or not w[0].isalpha() or w in _SMALL_WORDS for w in before.split())


def _group(found: re.Match[str]) -> str:
    return next(name for name, value in found.groupdict().items() if value)


def statements_asked(question: str) -> frozenset[str]:
    """The statements the question names, or that print the inputs of an analyst metric it names."""
    named = {kind for kind, pattern in _NAMED_RE.items() if pattern.search(question)}
    if not _PART_OF_COMPANY.search(question):
        named.update(_FROM_GLOSSARY[metric.statement] for metric in metrics_named(question))
    return frozenset(named)
