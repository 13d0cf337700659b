"""Question -> list[Hit]: dense and BM25 scores fused, near-duplicates removed.

Fusion is a weighted sum of the two scores, each divided by its best score for this question:
cosine similarities and BM25 scores live on unrelated scales, and dividing by the best keeps each
retriever's own sense of how much better its first passage is than its tenth, which rank fusion
throws away. Chosen on SciFact's train split (bench/tune_retrieval.py, nDCG@10 over 809 queries):
reciprocal rank fusion 0.727, this with the dense weight at 0.65 0.739; dense alone 0.678, BM25
alone 0.685. A passage only one retriever found gets the other's lowest normalised score.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from .store import StoredIndex
from .types import Hit

DENSE_WEIGHT = 0.65  # the lexical weight is 1 - DENSE_WEIGHT
# Added to a passage's fused score, times its document's BM25 score over whole documents divided by
# the best document's: questions often name their document ("Amazon's Q3 2023 10-Q") in words the
# passage itself lacks. Docugami single-document questions, source in the top 5 (assistant eval):
# 0.870 -> 0.935; SciFact train nDCG@10 unchanged (0.739). With one document it adds the same to
# every passage.
DOCUMENT_WEIGHT = 0.2
DUPLICATE_OVERLAP = 0.85  # word-set Jaccard above which two passages count as the same text

_WORD = re.compile(r"\w+")


def search(
    stored: StoredIndex,
    question: str,
    query_vector: np.ndarray,
    top_k: int,
    candidates: int,
    include_toc: bool = False,
) -> list[Hit]:
    """The top_k passages for the question, best first."""
    depth = max(candidates, top_k)
    dense = stored.search_vectors(query_vector, depth)
    lexical = stored.lexical.search(question, depth)
    fused = fuse(dense, lexical)
    if stored.document_lexical is not None:
        documents = list(stored.pages)
        found = _normalised(stored.document_lexical.search(question, len(documents)))
        boost = {documents[row]: DOCUMENT_WEIGHT * score for row, score in found.items()}
        fused = {row: score + boost.get(stored.chunks[row].document, 0.0) for row, score in fused.items()}
    rows = sorted(fused, key=lambda r: (-fused[r], r))
    if not include_toc:
        rows = [r for r in rows if not stored.chunks[r].is_toc]
    rows = _distinct(stored, rows, top_k)
    similarities = stored.similarity(query_vector, rows)
    return [
        Hit(chunk=stored.chunks[row], rank=rank, score=fused[row], similarity=float(sim), row=row)
        for rank, (row, sim) in enumerate(zip(rows, similarities, strict=True), start=1)
    ]


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
