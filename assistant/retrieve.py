"""Question -> list[Hit]: dense and BM25 scores fused, the documents the question names preferred,
near-duplicates removed.

Fusion is a weighted sum of the two scores, each divided by its best score for this question:
cosine similarities and BM25 scores live on unrelated scales, and dividing by the best keeps each
retriever's own sense of how much better its first passage is than its tenth, which rank fusion
throws away. A passage's dense score is the better of its own cosine and 0.9 times its best table
row's (a row embedded with its column headings, tables.py), over the passages either retriever
found, of which the best 200 are kept; a passage outside one retriever's list gets its lowest
normalised score. To it is added DOCUMENT_WEIGHT times how well the question matches the passage's
document profile (its name, title and first page: bm25-documents/ in the index), so "Apple's Q3
2023" prefers that filing over the same company's other quarters, whose passages read much the
same; when the question names documents by their file names, the profiles are searched for its
names and periods only (preferences.document_query). Then what the question names raises the
passages it points to (preferences.py): the caption of the figure it names, the pages of the
statements it needs, the filings of the period it asks about. A search lists each page's best
passage before any page's second (PER_PAGE); answers read passages as they rank.

Chosen across every set at once, on train parts only (bench/tune_fusion.py; docs/evaluation.md
has every set with dense alone and BM25 alone beside the fusion): SciFact
train, the Docugami single-document questions, the page questions and the train half of the
analyst questions. The weights sit on a plateau: dense 0.70 and 0.75 with the profile at 0.2 are
within one question of each other on every set; 0.65 (chosen earlier on SciFact alone) lost a
question on each question set, 0.8 lost three analyst questions.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from . import preferences
from .errors import ConfigError
from .metrics_glossary import expansion
from .questions import for_search
from .store import StoredIndex
from .types import Chunk, Hit

DENSE_WEIGHT = 0.75  # the lexical weight is 1 - DENSE_WEIGHT
DOCUMENT_WEIGHT = 0.2  # times the document profile's BM25 score divided by the best document's
# A table row's cosine counts at this share against its passage's own. On the train sets
# (bench/tune_fusion.py): 0.8-0.95 scored the same on each, 1.0 lost a Docugami question; against
# no row signal (0), one page question more, the others unchanged.
ROW_WEIGHT = 0.9
DUPLICATE_OVERLAP = 0.85  # word-set Jaccard above which two passages count as the same text
# BM25 also searches the line items and statement of each analyst metric the question names
# (metrics_glossary.py): "current ratio" -> "total current assets", "total current liabilities".
EXPAND_METRICS = True
# "hybrid" is the product; the others are one retriever alone, as `assistant eval --retrieval`
# reports them beside it.
MODES = ("hybrid", "dense", "lexical")

_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Signals:
    """What each retriever found for one question, before fusion: (row, score) lists, best first,
    and document row -> profile score divided by the best document's (empty unless hybrid)."""

    mode: str
    dense: list[tuple[int, float]]
    lexical: list[tuple[int, float]]
    documents: dict[int, float]
    rows: dict[int, float]  # row -> cosine of its best table row, for candidates that hold rows
    depth: int  # how many passages each retriever returns
    searched: str  # the question without its instructions (questions.for_search), read once


@dataclass(frozen=True)
class Fusion:
    """The weights of the fusion; bench/tune_fusion.py tries others on the same Signals."""

    dense_weight: float = DENSE_WEIGHT
    document_weight: float = DOCUMENT_WEIGHT
    row_weight: float = ROW_WEIGHT


def search(
    stored: StoredIndex,
    question: str,
    query_vector: np.ndarray,
    top_k: int,
    candidates: int,
    include_toc: bool = False,
    mode: str = "hybrid",
    per_page: int = 0,
) -> list[Hit]:
    """The top_k passages for the question, best first; with `per_page`, a page's passages beyond
    its best `per_page` come after every other page's (pages_first)."""
    found = signals(stored, question, query_vector, max(candidates, top_k), mode)
    scores = fused_scores(stored, found)
    scores = preferences.named_captions(stored, question, scores)
    scores = preferences.statement_pages(stored, question, scores)
    scores = preferences.filings_of_the_period(stored, found.searched, scores)
    rows = ranked_rows(stored, scores, top_k, include_toc, per_page)
    similarities = stored.similarity(query_vector, rows)
    return [
        Hit(chunk=stored.chunks[row], rank=rank, score=scores[row], similarity=float(sim), row=row)
        for rank, (row, sim) in enumerate(zip(rows, similarities, strict=True), start=1)
    ]


def signals(stored: StoredIndex, question: str, query_vector: np.ndarray, depth: int, mode: str) -> Signals:
    """Each retriever's candidates. `query_vector` embeds the whole question; BM25 searches it without
    its answer-format instructions (questions.for_search), which name units and rounding, not what
    to look for."""
    if mode not in MODES:
        raise ConfigError(f"Unknown retrieval {mode!r} — use one of: {', '.join(MODES)}")
    searched = for_search(question)
    words = f"{searched} {expansion(question)}".strip() if EXPAND_METRICS else searched
    dense = stored.search_vectors(query_vector, depth) if mode != "lexical" else []
    lexical = stored.search_lexical(words, depth) if mode != "dense" else []
    if mode == "hybrid":
        # Dense scores for every candidate: a passage only BM25 found gets its own cosine (below every
        # passage in `dense`, which is exact), and may rise by its table rows (with_rows); the fusion
        # then keeps the best `depth` of them, as dense retrieval alone would.
        in_dense = {row for row, _ in dense}
        only_lexical = [row for row, _ in lexical if row not in in_dense]
        cosines = stored.similarity(query_vector, only_lexical)
        dense = dense + sorted(zip(only_lexical, map(float, cosines), strict=True), key=lambda item: -item[1])
    rows = _best_rows(stored, query_vector, dense, lexical) if mode != "lexical" else {}
    documents: dict[int, float] = {}
    if mode == "hybrid" and stored.document_lexical is not None:
        profiles = preferences.document_query(searched, words, stored.pages)
        documents = _normalised(stored.document_lexical.search(profiles, len(stored.pages)))
    return Signals(mode, dense, lexical, documents, rows, depth, searched)


def fused_scores(stored: StoredIndex, found: Signals, fusion: Fusion = Fusion()) -> dict[int, float]:
    """Row -> score: one retriever's own, or the fusion raised by how well the question matches each
    passage's document profile (with one document, the same for every passage)."""
    dense = with_rows(found.dense, found.rows, fusion.row_weight)[: found.depth]
    if found.mode != "hybrid":
        return dict(dense or found.lexical)
    scores = fuse(dense, found.lexical, fusion.dense_weight)
    names = list(stored.pages)
    boost = {names[row]: fusion.document_weight * score for row, score in found.documents.items()}
    return {row: score + boost.get(stored.chunks[row].document, 0.0) for row, score in scores.items()}


def with_rows(dense: list[tuple[int, float]], rows: dict[int, float], row_weight: float) -> list[tuple[int, float]]:
    """The dense ranking with each passage scored as the better of its own cosine and `row_weight`
    times its best table row's. A row is embedded with its column headings and group ("Operating
    expenses: Fulfillment 20,271 20,905 — Three Months Ended March 31, 2022 2023", tables.py): a
    sharper match for "fulfillment costs in Q1 2023" than a passage of forty rows is."""
    if not rows:
        return dense
    scores = dict(dense)
    for row, cosine in rows.items():
        scores[row] = max(scores.get(row, -1.0), row_weight * cosine)
    return sorted(scores.items(), key=lambda item: (-item[1], item[0]))


def _best_rows(
    stored: StoredIndex, query_vector: np.ndarray, dense: list[tuple[int, float]], lexical: list[tuple[int, float]]
) -> dict[int, float]:
    """Row -> cosine of its best table row, for the candidates either retriever found that hold rows
    (a passage only BM25 found can rise by its row too)."""
    candidates = dict.fromkeys([row for row, _ in dense] + [row for row, _ in lexical])
    with_tables = [row for row in candidates if stored.chunks[row].table_rows]
    best: dict[int, float] = {}
    # One read for all of them: from a Milvus store, one request rather than one per passage.
    for row, vectors in zip(with_tables, stored.backend.sentence_vectors(with_tables), strict=True):
        if len(vectors):  # an index built without sentence vectors has none
            best[row] = float((vectors[list(stored.chunks[row].table_rows)] @ query_vector).max())
    return best


def ranked_rows(
    stored: StoredIndex, scores: dict[int, float], top_k: int, include_toc: bool = False, per_page: int = 0
) -> list[int]:
    """The best top_k rows, contents pages left out unless asked for, near-copies of better ones too.
    A tie (two documents holding the same text score the same) goes to the first document by path,
    then the first row: a library written whole has its rows in that order, and one in segments
    (store.py) answers the same."""
    rows = sorted(scores, key=lambda r: (-scores[r], stored.chunks[r].document, r))
    if not include_toc:
        rows = [r for r in rows if not stored.chunks[r].is_toc]
    if per_page:
        rows = pages_first(rows, lambda row: _page_of(stored.chunks[row]), per_page)
    return _distinct(stored, rows, top_k)


# A list of passages to read (Assistant.search, the CLI's and the API's search) shows each page once
# before it shows any page twice: a statement or a note cut into five passages would otherwise fill
# the top five alone, while a reader, and the evidence, think in pages. Chosen on FinanceBench train
# among 1, 2 and 3 passages a page (1: page hit@5 0.724 -> 0.759, @10 0.828 -> 0.862; no set lost
# a question). Answers still read the best passages as they rank: reading at most two a page cost
# the CRS questions' quoted facts (train 0.688 -> 0.656, test 0.714 -> 0.679), at most one the
# analyst test half's cited facts (0.833 -> 0.778), since an answer often spans two passages of one
# page. Pages keep the order of their best passages, so documents ranked by their best passage
# (SciFact) rank the same.
PER_PAGE = 1


def _page_of(chunk: Chunk) -> tuple[str, int]:
    return chunk.document, chunk.page_start


def pages_first(rows: Sequence[int], page_of: Callable[[int], tuple[str, int]], per_page: int) -> list[int]:
    """The rows, best first, with each page's passages after its `per_page` best moved behind every
    other page's (in their order)."""
    taken: Counter[tuple[str, int]] = Counter()
    first: list[int] = []
    later: list[int] = []
    for row in rows:
        page = page_of(row)
        taken[page] += 1
        (first if taken[page] <= per_page else later).append(row)
    return first + later


def fuse(
    dense: Sequence[tuple[int, float]], lexical: Sequence[tuple[int, float]], dense_weight: float = DENSE_WEIGHT
) -> dict[int, float]:
    """Row -> fused score, from (row, score) lists of each retriever."""
    d, lx = _normalised(dense), _normalised(lexical)
    d_floor, l_floor = min(d.values(), default=0.0), min(lx.values(), default=0.0)
    return {
        row: dense_weight * d.get(row, d_floor) + (1 - dense_weight) * lx.get(row, l_floor)
        for row in list(d) + [r for r in lx if r not in d]
    }


def _normalised(ranking: Sequence[tuple[int, float]]) -> dict[int, float]:
    top = max((abs(score) for _, score in ranking), default=0.0) or 1.0
    return {row: score / top for row, score in ranking}


def _distinct(stored: StoredIndex, rows: list[int], top_k: int) -> list[int]:
    """The first top_k rows whose text is not a near-copy of a better-ranked one."""
    kept: list[int] = []
    kept_words: list[set[str]] = []
    for row in rows:
        words = set(_WORD.findall(stored.chunks[row].text.lower()))
        # Sets whose sizes differ by more than the overlap allows cannot be near-copies: checking the
        # sizes first keeps deep searches (assistant eval asks for 200 passages) fast.
        size = len(words)
        if any(
            min(size, len(other)) >= DUPLICATE_OVERLAP * max(size, len(other))
            and _jaccard(words, other) >= DUPLICATE_OVERLAP
            for other in kept_words
        ):
            continue
        kept.append(row)
        kept_words.append(words)
        if len(kept) == top_k:
            break
    return kept


def _jaccard(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 1.0 if a == b else 0.0
    return len(a & b) / len(a | b)
