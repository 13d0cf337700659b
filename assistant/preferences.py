"""What a question names -> the passages it prefers: the figure it names, the statement it needs,
the filing of its period, the documents it names.

Fusion (retrieve.py) scores passages by their words and meaning. A reader also knows where an answer
sits: "What does Figure 3 show?" means that caption; "working capital" means the balance sheet;
"FY2022" means the fiscal 2022 10-K, not the 2021 one that prints the same rows; "PepsiCo's
geographies" means PepsiCo's filings, whatever an earnings release of another company says about
its own "diverse geographies" on its first page. Each preference here adds a fixed weight to the
fused scores of the passages it points to (or, for documents, chooses what their profiles are
searched for), and is measured alone in docs/financebench.md.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from pathlib import Path

from .asks import periods
from .filing_periods import asked_period, filing_period, reports
from .statements import page_statement, statements_asked
from .store import StoredIndex
from .types import CAPTION
from .word_classes import QUESTION_WORDS

# Added to the score of a caption's passage when the question names its figure or table ("What does
# Figure 3 show?"): the reader means that caption, whose words need not be the question's.
NAMED_CAPTION_WEIGHT = 0.5
# Added to the score of a passage on a page that prints a financial statement the question needs
# (statements.py): "working capital", "using the balance sheet" mean the balance sheet's page.
STATEMENT_WEIGHT = 0.1
# Added to the score of a passage of a filing that reports the period the question asks about
# (filing_periods.py). Chosen on FinanceBench train (0.1 and 0.2 tie there; page hit@5 0.759 -> 0.862).
PERIOD_WEIGHT = 0.1

_NAMED = re.compile(r"\b(figure|fig\.|table|map|chart|exhibit|box)\s+([a-z]?\d+(?:[.-]\d+)*[a-z]?)\b", re.IGNORECASE)
_NAME_WORD = re.compile(r"\b(?:[A-Z][\w&'’.-]*|\w*\d\w*)")  # capitalised, or holding a digit
_POSSESSIVE = re.compile(r"['’]s$|[.'’]$")
_MOST_JOINED = 3  # "American Water Works" -> AMERICANWATERWORKS, as file names glue a company's name


def named_captions(stored: StoredIndex, question: str, scores: dict[int, float]) -> dict[int, float]:
    """The scores with each caption passage of a figure or table the question names raised."""
    named = [
        re.compile(rf"(?:^|\n){re.escape(kind)}\s+{re.escape(number)}[.:]", re.IGNORECASE)
        for kind, number in _NAMED.findall(question)
    ]
    if not named:
        return scores
    return {
        row: score + NAMED_CAPTION_WEIGHT
        if stored.chunks[row].kind == CAPTION and any(p.search(stored.chunks[row].text) for p in named)
        else score
        for row, score in scores.items()
    }


def statement_pages(stored: StoredIndex, question: str, scores: dict[int, float]) -> dict[int, float]:
    """The scores with each passage on a page printing a statement the question needs raised."""
    asked = statements_asked(question)
    if not asked or not STATEMENT_WEIGHT:
        return scores
    kinds: dict[tuple[str, int], str | None] = {}  # a page's statement, read once per search
    raised = dict(scores)
    for row in scores:
        chunk = stored.chunks[row]
        key = (chunk.document, chunk.page_start)
        if key not in kinds:
            kinds[key] = page_statement(stored.pages[chunk.document][chunk.page_start - 1].text)
        if kinds[key] in asked:
            raised[row] += STATEMENT_WEIGHT
    return raised


def filings_of_the_period(stored: StoredIndex, searched: str, scores: dict[int, float]) -> dict[int, float]:
    """The scores with each passage of a filing that reports the period the question asks about raised,
    when some candidate filing does (filing_periods.py). `searched`: the question without its
    instructions (questions.for_search), as BM25 searched it."""
    asked = asked_period([period for period, _ in periods(searched)])
    if asked is None or not PERIOD_WEIGHT:
        return scores
    matching: dict[str, bool] = {}
    for row in scores:
        document = stored.chunks[row].document
        if document not in matching:
            filing = filing_period("\n".join(page.text for page in stored.pages[document][:2]))
            matching[document] = filing is not None and reports(filing, asked)
    if not any(matching.values()):
        return scores
    return {row: score + PERIOD_WEIGHT * matching[stored.chunks[row].document] for row, score in scores.items()}


def document_query(searched: str, words: str, documents: Iterable[str]) -> str:
    """What the document profiles (name, title, first page) are searched for. When the question names
    a document by a word of its file name ("PepsiCo": PEPSICO_2022_10K.pdf; "American Water Works":
    AMERICANWATERWORKS_2022_10K.pdf), its names and periods only: the topic words ("geographies",
    "working capital") match whichever first page happens to use them, often another company's
    earnings release. Otherwise `words`, the whole searched question: SciFact's abstracts, CRS
    reports and "2023 Q1 AAPL.pdf" (named "Apple" in questions) are searched as before. `searched`:
    the question without its instructions (questions.for_search)."""
    found = periods(searched)
    rest = searched
    for _, (start, end) in found:
        rest = rest[:start] + " " * (end - start) + rest[end:]
    names = list(dict.fromkeys(w for w in _NAME_WORD.findall(rest) if w.lower().strip("'’.") not in QUESTION_WORDS))
    bare = [_POSSESSIVE.sub("", w).lower() for w in names if not any(ch.isdigit() for ch in w)]
    joined = {"".join(bare[i:j]) for i in range(len(bare)) for j in range(i + 1, min(i + _MOST_JOINED, len(bare)) + 1)}
    if not joined & _file_name_words(tuple(documents)):
        return words
    return " ".join([searched[start:end] for _, (start, end) in found] + names)


@functools.lru_cache(maxsize=8)  # one library's names, asked on every search
def _file_name_words(documents: tuple[str, ...]) -> frozenset[str]:
    return frozenset(part.lower() for name in documents for part in re.split(r"[^A-Za-z0-9]+", Path(name).stem) if part)
