"""BM25 over the chunk table (row i = chunk i), with English stopwords and Snowball stemming. The only
module importing bm25s."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from .term_forms import with_forms

# Each passage's terms, saved beside bm25s's files, so that a build carrying passages over does not
# make their terms again: at 130,000 passages that was 52 s of the 86 s adding a report took
# (profiled; term_forms' patterns 33 s, bm25s' tokenizer 19 s).
TERM_IDS = "term-ids.npy"  # every text's term ids (into bm25s' vocabulary), one text after another
TERM_STARTS = "term-starts.npy"  # where each text's ids start; one more entry: the end
# How often each term occurs in each text that has it, in the order of bm25s' postings (term by term,
# text by text): with the texts' lengths, what BM25 over several segments needs to score a passage with
# the whole library's statistics (Segments), since bm25s bakes its own index's into its scores.
TERM_FREQUENCIES = "term-frequencies.npy"

# From this many passages on, the best are picked here, among the passages that score at all, rather
# than by bm25s, whose np.argpartition over every passage's score (mostly zeros) took up to 290 ms of
# a search at a million passages (profiled; 13 ms here). Below it, bm25s picks, as it always has, so
# a small library's ties keep their order.
SELECT_FROM = 100_000

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


@dataclass(frozen=True)
class Terms:
    """The BM25 terms of some texts: text i's are vocabulary[ids[starts[i]:starts[i + 1]]]."""

    ids: np.ndarray  # int32
    starts: np.ndarray  # int64, one more entry than texts
    vocabulary: Sequence[str]  # term id -> term

    @staticmethod
    def of(texts: Sequence[str]) -> Terms:
        tokenized = _tokenize(texts, return_ids=True)
        by_bm25s_id = _by_id(tokenized.vocab)
        lengths = [len(ids) for ids in tokenized.ids]
        ids = np.fromiter((i for text in tokenized.ids for i in text), dtype=np.int32, count=sum(lengths))
        # bm25s numbers terms in the order of a set of strings, which follows Python's hash seed: the
        # same texts got other ids, hence other files, in every process. Numbered by term instead, two
        # builds of the same documents write the same bytes.
        order = sorted(range(len(by_bm25s_id)), key=by_bm25s_id.__getitem__)
        renumbered = np.empty(len(order), dtype=np.int32)
        renumbered[order] = np.arange(len(order), dtype=np.int32)
        vocabulary = [by_bm25s_id[i] for i in order]
        return Terms(renumbered[ids], np.concatenate([[0], np.cumsum(lengths, dtype=np.int64)]), vocabulary)

    def __len__(self) -> int:
        return len(self.starts) - 1

    def rows(self, start: int, stop: int) -> Terms:
        """Texts start..stop-1 (their ids still index the whole vocabulary)."""
        begin, end = int(self.starts[start]), int(self.starts[stop])
        starts = np.asarray(self.starts[start : stop + 1]) - begin
        return Terms(np.asarray(self.ids[begin:end]), starts, self.vocabulary)

    @staticmethod
    def join(parts: Sequence[Terms]) -> Terms:
        """The parts' texts in order, over one vocabulary of the terms they use."""
        vocabulary: dict[str, int] = {}
        ids, starts, offset = [], [np.zeros(1, dtype=np.int64)], 0
        for part in parts:
            used = np.unique(part.ids)
            renumbered = np.zeros(len(part.vocabulary), dtype=np.int32)
            renumbered[used] = [vocabulary.setdefault(part.vocabulary[i], len(vocabulary)) for i in used.tolist()]
            ids.append(renumbered[part.ids])
            starts.append(part.starts[1:] + offset)
            offset += len(part.ids)
        terms = list(vocabulary)
        return Terms(np.concatenate(ids) if ids else np.zeros(0, dtype=np.int32), np.concatenate(starts), terms)


class JoinedTerms:
    """The terms of several segments' texts as one run of texts, each part over its own vocabulary
    until `rows` joins the ones asked for: a whole library's terms are never renumbered at once."""

    def __init__(self, parts: Sequence[Terms]) -> None:
        self._parts = parts
        self._bases = np.concatenate([[0], np.cumsum([len(p) for p in parts])]).astype(np.int64).tolist()

    def __len__(self) -> int:
        return int(self._bases[-1])

    def rows(self, start: int, stop: int) -> Terms:
        """Texts start..stop-1, over one vocabulary of the terms they use."""
        spans = zip(self._parts, self._bases[:-1], self._bases[1:], strict=True)
        overlapping = [(part, a, b) for part, a, b in spans if a < stop and start < b]
        return Terms.join([part.rows(max(start, a) - a, min(stop, b) - a) for part, a, b in overlapping])


def _by_id(vocabulary: Mapping[str, int]) -> list[str]:
    """bm25s' vocabulary (term -> id) as a list (id -> term)."""
    terms = [""] * len(vocabulary)
    for term, number in vocabulary.items():
        if not 0 <= number < len(terms):
            raise ValueError("the BM25 vocabulary's ids are not 0, 1, 2 ...")
        terms[number] = term
    return terms


class Lexical:
    def __init__(self, retriever: Any, terms: Terms | None = None, directory: Path | None = None) -> None:
        self.retriever = retriever
        self._terms = terms
        self._directory = directory  # where it was loaded from: its saved terms are read when asked for
        self._frequencies: np.ndarray | None = None

    @classmethod
    def build(cls, texts: Sequence[str] | Terms, k1: float | None = None, b: float | None = None) -> Lexical:
        """BM25 over the texts, or over texts' terms, with SETTINGS (k1 and b may be overridden:
        bench/tune_retrieval.py)."""
        import bm25s
        from bm25s.tokenization import Tokenized

        terms = texts if isinstance(texts, Terms) else Terms.of(texts)
        lexical = cls(
            bm25s.BM25(
                method=SETTINGS["method"],
                k1=SETTINGS["k1"] if k1 is None else k1,
                b=SETTINGS["b"] if b is None else b,
            ),
            terms,
        )
        bounds = terms.starts.tolist()
        ids = terms.ids.tolist()
        texts_ids = [ids[start:stop] for start, stop in zip(bounds[:-1], bounds[1:], strict=True)]
        vocabulary = {term: number for number, term in enumerate(terms.vocabulary)}
        lexical.retriever.index(Tokenized(ids=texts_ids, vocab=vocabulary), show_progress=False)
        lexical._frequencies = _frequencies(terms)
        if len(lexical._frequencies) != len(lexical.retriever.scores["indices"]):
            raise AssertionError("bm25s' postings are not the texts' (term, text) pairs")
        return lexical

    @classmethod
    def load(cls, directory: Path) -> Lexical:
        import bm25s

        # Memory-mapped: at 130,000 passages loading the arrays whole was 0.25 s of opening the index.
        return cls(bm25s.BM25.load(str(directory), mmap=True, show_progress=False), directory=directory)

    def save(self, directory: Path, terms: bool = True) -> None:
        """bm25s' files, and unless `terms` is False the texts' terms, for the next build to carry over."""
        self.retriever.save(str(directory), show_progress=False)
        if terms and self._terms is not None:
            np.save(directory / TERM_IDS, self._terms.ids, allow_pickle=False)
            np.save(directory / TERM_STARTS, self._terms.starts, allow_pickle=False)
            if self._frequencies is not None:
                np.save(directory / TERM_FREQUENCIES, self._frequencies, allow_pickle=False)

    def terms(self) -> Terms | None:
        """Every indexed text's terms, or None for an index saved without them (before they were kept)."""
        if self._terms is None and self._directory is not None and (self._directory / TERM_IDS).is_file():
            vocabulary = _by_id(self.retriever.vocab_dict)
            ids = np.load(self._directory / TERM_IDS, mmap_mode="r", allow_pickle=False)
            starts = np.load(self._directory / TERM_STARTS, allow_pickle=False)
            if len(starts) != int(self.retriever.scores["num_docs"]) + 1 or int(starts[-1]) != len(ids):
                raise ValueError(f"{TERM_IDS} does not match the BM25 index")
            if len(ids) and int(ids.max()) >= len(vocabulary):
                raise ValueError(f"{TERM_IDS} names terms the BM25 vocabulary does not have")
            self._terms = Terms(ids, starts, vocabulary)
        return self._terms

    def postings(self, removed: np.ndarray | None = None) -> Postings:
        """What Segments scores this index's texts from, the `removed` rows (of documents taken out)
        left out; ValueError for an index saved without it."""
        directory = self._directory
        if directory is None or not (directory / TERM_FREQUENCIES).is_file():
            raise ValueError(f"the BM25 index has no {TERM_FREQUENCIES}")
        scores = self.retriever.scores
        frequencies = np.load(directory / TERM_FREQUENCIES, mmap_mode="r", allow_pickle=False)
        # The texts' lengths from where their terms start; the terms themselves (mapped) only for the
        # removed texts: checking them all, as terms() does for a build to carry, would read them all
        # at open (a few hundred MB at a million passages).
        ids = np.load(directory / TERM_IDS, mmap_mode="r", allow_pickle=False)
        starts = np.load(directory / TERM_STARTS, allow_pickle=False)
        if len(frequencies) != len(scores["indices"]) or len(starts) != int(scores["num_docs"]) + 1:
            raise ValueError(f"{TERM_FREQUENCIES} does not match the BM25 index")
        lengths = np.diff(starts).astype(np.float32)
        removed = np.zeros(0, dtype=np.int64) if removed is None else np.asarray(removed, dtype=np.int64)
        in_removed = _document_frequencies(ids, starts, removed, len(scores["indptr"]) - 1)
        indptr, indices = scores["indptr"], scores["indices"]
        return Postings(self.retriever.vocab_dict, indptr, indices, frequencies, lengths, removed, in_removed)

    def holding(self, words: Sequence[str]) -> tuple[list[int], int]:
        """For each word, how many texts hold its most widely held BM25 term (0 for a word BM25 does not
        index); and how many texts there are. From the postings' bounds: no text is read."""
        indptr, vocabulary = self.retriever.scores["indptr"], self.retriever.vocab_dict
        counts = []
        for tokens in _tokenize(list(words), return_ids=False):
            ids = [vocabulary.get(token, -1) for token in tokens]
            counts.append(max([int(indptr[i + 1] - indptr[i]) for i in ids if 0 <= i < len(indptr) - 1], default=0))
        return counts, int(self.retriever.scores["num_docs"])

    def search(self, question: str, top_k: int) -> list[tuple[int, float]]:
        """(chunk row, BM25 score) pairs, best first; chunks sharing no term with the question are left out."""
        tokens = _tokenize([question], return_ids=False)
        size = int(self.retriever.scores["num_docs"])
        if not tokens[0] or size == 0:
            return []
        if size < SELECT_FROM:
            rows, scores = self.retriever.retrieve(tokens, k=min(top_k, size), show_progress=False)
            return [(int(r), float(s)) for r, s in zip(rows[0], scores[0], strict=True) if s > 0]
        return _best(self.retriever.get_scores(tokens[0]), top_k)  # bm25s' own scores, one per passage


def _best(scores: np.ndarray, top_k: int) -> list[tuple[int, float]]:
    """The top_k (row, score) pairs among the rows that score at all, best first, a tie in row order:
    bm25s' own pick, np.argpartition over every row's score (mostly zeros), took up to 290 ms of a
    search at a million passages."""
    found = np.flatnonzero(scores > 0)
    if len(found) > top_k:
        found = found[np.argpartition(-scores[found], top_k - 1)[:top_k]]
    found = found[np.lexsort((found, -scores[found]))]
    return [(int(row), float(scores[row])) for row in found]


def _frequencies(terms: Terms) -> np.ndarray:
    """How often each term occurs in each text that has it, ordered by term, then text: the order of
    bm25s' postings (checked where the index is built)."""
    texts = np.repeat(np.arange(len(terms), dtype=np.int64), np.diff(terms.starts))
    counts: np.ndarray = np.unique(terms.ids.astype(np.int64) * max(1, len(terms)) + texts, return_counts=True)[1]
    wide = counts.size and int(counts.max()) > np.iinfo(np.uint16).max
    return counts.astype(np.uint32 if wide else np.uint16)


def _document_frequencies(ids: np.ndarray, starts: np.ndarray, rows: np.ndarray, size: int) -> np.ndarray:
    """How many of the given texts hold each term (term id -> count, `size` terms), from every text's
    term ids (`ids`, text i's at starts[i]:starts[i + 1])."""
    if not len(rows):
        return np.zeros(size, dtype=np.int64)
    begins, lengths = starts[rows], starts[rows + 1] - starts[rows]
    # Every token position of those texts, and which of them it is in, without a loop over texts.
    positions = np.repeat(begins - np.concatenate([[0], np.cumsum(lengths)[:-1]]), lengths) + np.arange(lengths.sum())
    owner = np.repeat(np.arange(len(rows), dtype=np.int64), lengths)
    found = ids[positions].astype(np.int64)
    if len(found) and int(found.max()) >= size:
        raise ValueError(f"{TERM_IDS} names terms the BM25 index does not have")
    pairs = np.unique(owner * size + found)
    return np.bincount(pairs % size, minlength=size)


@dataclass(frozen=True)
class Postings:
    """One segment's texts for BM25: where each term occurs (bm25s' own arrays) and how often, and
    each text's length in terms."""

    vocabulary: Mapping[str, int]  # term -> id
    starts: np.ndarray  # term id -> its first posting; one more entry: the end
    rows: np.ndarray  # the text of each posting, term by term
    frequencies: np.ndarray  # how often the term occurs in that text
    lengths: np.ndarray  # float32, one a text
    removed: np.ndarray  # texts of documents taken out: never found, and left out of the statistics
    in_removed: np.ndarray  # term id -> how many of the removed texts hold it


class Segments:
    """BM25 over the texts of several segments as if they were one index: Lucene's formula, as bm25s
    computes it, with the document frequencies, count and mean length of every segment together, and
    without the texts of documents taken out, so a passage scores the same whichever segment holds it,
    and as it would in the library written whole. Computed at each search from the postings,
    since a segment written once cannot know the library it will later be part of."""

    def __init__(self, parts: Sequence[Postings]) -> None:
        self._parts = parts
        self._bases = np.concatenate([[0], np.cumsum([len(p.lengths) for p in parts])]).astype(np.int64)
        self._removed = np.concatenate([p.removed + base for p, base in zip(parts, self._bases, strict=False)])
        self._live = int(self._bases[-1]) - len(self._removed)
        lengths = sum(float(p.lengths.sum()) - float(p.lengths[p.removed].sum()) for p in parts)
        mean = lengths / max(1, self._live)
        k1, b = float(SETTINGS["k1"]), float(SETTINGS["b"])  # type: ignore[arg-type]
        # The length part of each passage's denominator, fixed for the library: k1 (1 - b + b len / mean).
        self._norms = [(k1 * ((1 - b) + b * p.lengths / mean)).astype(np.float32) for p in parts]

    def __len__(self) -> int:
        return int(self._bases[-1])

    def holding(self, words: Sequence[str]) -> tuple[list[int], int]:
        """As Lexical.holding, over every segment, documents taken out left out."""
        counts = []
        for tokens in _tokenize(list(words), return_ids=False):
            held = [0] * len(tokens)
            for part in self._parts:
                for number, token in enumerate(tokens):
                    i = _term_id(part, token)
                    if i >= 0:
                        held[number] += int(part.starts[i + 1] - part.starts[i] - part.in_removed[i])
            counts.append(max(held, default=0))
        return counts, self._live

    def search(self, question: str, top_k: int) -> list[tuple[int, float]]:
        tokens = _tokenize([question], return_ids=False)[0]
        if not tokens or not len(self):
            return []
        # bm25s counts a term the question repeats once per repetition, and so does this.
        ids = [[_term_id(part, token) for token in tokens] for part in self._parts]
        found = np.zeros(len(tokens), dtype=np.int64)  # each term's document frequency, library-wide
        for part, part_ids in zip(self._parts, ids, strict=True):
            found += [int(part.starts[i + 1] - part.starts[i] - part.in_removed[i]) if i >= 0 else 0 for i in part_ids]
        idf = np.log(1 + (self._live - found + 0.5) / (found + 0.5)).astype(np.float32)
        scores = np.zeros(len(self), dtype=np.float32)
        for part, part_ids, norms, base in zip(self._parts, ids, self._norms, self._bases, strict=False):
            for number, term in enumerate(part_ids):
                if term < 0:
                    continue
                start, stop = int(part.starts[term]), int(part.starts[term + 1])
                rows = np.asarray(part.rows[start:stop])
                tf = np.asarray(part.frequencies[start:stop], dtype=np.float32)
                scores[base + rows] += idf[number] * (tf / (norms[rows] + tf))
        scores[self._removed] = 0.0
        return _best(scores, top_k)


def _term_id(part: Postings, token: str) -> int:
    """The term's id in this segment, or -1 when none of its texts has it (bm25s' vocabulary also holds
    an empty term, past the end of its postings)."""
    number = part.vocabulary.get(token, -1)
    return number if 0 <= number < len(part.starts) - 1 else -1
