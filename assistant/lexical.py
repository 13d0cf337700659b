"""BM25 over the chunk table (row i = chunk i), with English stopwords and Snowball stemming. The only
module importing bm25s."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

from .term_forms import with_forms

# Lucene's BM25 with k1 = 0.9, b = 0.4 (Anserini's defaults), chosen on SciFact's train split with
# bench/tune_retrieval.py: inside the fusion they beat bm25s' defaults (1.5, 0.75) by 0.006 nDCG@10.
# Recorded in the manifest: a change rebuilds BM25 (from the stored chunks; nothing is re-embedded).
# "forms" is the version of term_forms (names, years and quarters in the forms people write them);
# "documents" says what the document-level BM25 reads (build.document_profile).
SETTINGS = {
    "method": "lucene",
    "k1": 0.9,
    "b": 0.4,
    "stemmer": "english",
    "stopwords": "en",
    "forms": 1,
    "documents": "profile",
}


@cache
def _stemmer() -> Any:
    import Stemmer

    return Stemmer.Stemmer(SETTINGS["stemmer"])


def terms(texts: Sequence[str]) -> list[set[str]]:
    """The stemmed, stopword-free terms of each text, as BM25 sees them."""
    return [set(tokens) for tokens in _tokenize(texts, return_ids=False)]


def term_text(texts: Sequence[str]) -> list[str]:
    """Each text as its BM25 terms joined by spaces: what a Milvus store indexes and is asked (its
    analyzer splits them apart again), so both stores score the same terms (milvus_store.py)."""
    return [" ".join(tokens) for tokens in _tokenize(texts, return_ids=False)]


def _tokenize(texts: Sequence[str], return_ids: bool) -> Any:
    import bm25s

    return bm25s.tokenize(
        [with_forms(text) for text in texts],
        stopwords=SETTINGS["stopwords"],
        stemmer=_stemmer(),
        return_ids=return_ids,
        show_progress=False,
    )


class Lexical:
    def __init__(self, retriever: Any) -> None:
        self.retriever = retriever

    @classmethod
    def build(cls, texts: Sequence[str], k1: float | None = None, b: float | None = None) -> Lexical:
        """BM25 over the texts with SETTINGS (k1 and b may be overridden: bench/tune_retrieval.py)."""
        import bm25s

        lexical = cls(
            bm25s.BM25(
                method=SETTINGS["method"],
                k1=SETTINGS["k1"] if k1 is None else k1,
                b=SETTINGS["b"] if b is None else b,
            )
        )
        lexical.retriever.index(_tokenize(texts, return_ids=True), show_progress=False)
        return lexical

    @classmethod
    def load(cls, directory: Path) -> Lexical:
        import bm25s

        # Memory-mapped: at 130,000 passages loading the arrays whole was 0.25 s of opening the index.
        return cls(bm25s.BM25.load(str(directory), mmap=True, show_progress=False))

    def save(self, directory: Path) -> None:
        self.retriever.save(str(directory), show_progress=False)

    def search(self, question: str, top_k: int) -> list[tuple[int, float]]:
        """(chunk row, BM25 score) pairs, best first; chunks sharing no term with the question are left out."""
        tokens = _tokenize([question], return_ids=False)
        size = int(self.retriever.scores["num_docs"])
        if not tokens[0] or size == 0:
            return []
        rows, scores = self.retriever.retrieve(tokens, k=min(top_k, size), show_progress=False)
        return [(int(r), float(s)) for r, s in zip(rows[0], scores[0], strict=True) if s > 0]
