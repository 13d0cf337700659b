"""Hits -> Answer: the most relevant sentences of the top passages, each cited as [n], no LLM.

Every excerpt is sliced from the cleaned page text by its own offsets, so it is verbatim by
construction; the answer text only normalises whitespace between the quoted sentences. Sentences
are scored with vectors stored at build time, so answering costs no model call beyond the query.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache, lru_cache

import numpy as np

from .grounding import FIRST_PAGE_CHARS, Evidence, Grounding, holds_period, judge, library_years, names_period
from .lexical import terms
from .missing import NOT_COVERED as NOT_COVERED  # re-exported: said when no passage is relevant at all
from .missing import not_covered_text
from .notes import notes_for
from .questions import asks_for_apparatus
from .reading.sentences import sentence_spans
from .reading.tables import row_at
from .statements import page_statement, statements_asked
from .support import addresses_the_model
from .types import BODY, CAPTION, PERIOD, Answer, AnswerSentence, Citation, Hit, Missing, Page, Period

SentenceVectors = Callable[[Hit], np.ndarray]  # a hit's sentence vectors, one row per chunk.sentences entry

MIN_SENTENCE_CHARS = 25  # shorter fragments (headings, table cells) make poor quotations
CHUNK_WEIGHT = 0.3  # how much the surrounding passage's relevance counts for one of its sentences
# Added to a sentence's score divided by the rank of its document among the hits' documents (1 for
# the document of the best passage): retrieval tells the filing asked about better than one
# sentence's cosine does, and 10-Qs of other quarters hold near-identical sentences. Within one
# document the sentences' own scores decide: dividing by the passage's rank instead made a row of
# the statement ranked first beat the right row of the statement ranked second. On the train sets:
# the page questions' answers cite an expected page for 0.909 (0.864 by passage rank), the analyst
# train half's for 0.639 (0.528), the Docugami answers' first citation is from the source filing
# for 0.766 (0.753).
RANK_WEIGHT = 0.2
CLOSEST_PASSAGES = 3  # citations shown when the documents do not cover the question
# Added to the score of a figure's or table's "Source:" line when the question asks for a source: its
# title shares the question's words ("the map of the Clarion-Clipperton Zone"), its Source line answers.
SOURCE_LINE_WEIGHT = 0.1
_ASKS_SOURCE = re.compile(r"\bsources?\b|\bwhere\s+(?:does|do|did)\b.*\bcome\s+from\b", re.IGNORECASE)
_SOURCE_LINE = re.compile(r"^(?:Data\s+)?Sources?\s*:", re.IGNORECASE)
# A sentence joins the answer only when it scores nearly as well as the best one: a weak second
# sentence dilutes an answer more than a missing one does.
SENTENCE_MARGIN = 0.1
# A sentence holding this share of the question's terms (stemmed, stopwords aside; two at least)
# may be quoted whatever its cosine: MiniLM rates "Who sponsored the research?" against "This
# research was sponsored by ..." at only 0.37.
TERM_COVERAGE = 0.75
# Words that ask rather than say what is asked about: they do not count among the question's terms.
QUESTION_WORDS = ("who", "whom", "whose", "what", "when", "where", "why", "how", "which", "does", "did", "do")
_WORD = re.compile(r"\w+")
# A sentence that opens by pointing back ("Their proportion …", "This trend …", "They …") says
# nothing on its own: it is quoted together with the sentence before it, as one verbatim excerpt.
_LEANS_BACK = re.compile(
    r"^[\"'“‘(]?(?:(?:this|these|those|such)\b(?!\s+(?:report|paper|study|document|chapter|section|research|"
    r"article|book|analysis|volume|survey)\b)|(?:they|their|theirs|them|it|its|he|she|his|her|hers)\b"
    r"|the (?:latter|former|same)\b)",
    re.IGNORECASE,
)
LEAD_IN_CHARS = 600  # the sentence before is added only when the two stay a readable quotation
# A title ("Preliminary findings from crowdsourced data") is a line of its own without a full stop.
TITLE_WORDS = 12
_SENTENCE_END = re.compile(r"[.!?:;…][\"'”’)\]]*$")


@dataclass(frozen=True)
class Candidate:
    hit: Hit
    page: Page
    start: int
    end: int
    vector: np.ndarray  # the sentence's own embedding, stored at build time
    similarity: float = 0.0  # cosine of sentence and question
    score: float = 0.0  # similarity blended with its passage's: decides the order
    relevant: bool = False  # similar enough, or holding the question's terms: may be quoted

    @property
    def text(self) -> str:
        return self.page.text[self.start : self.end]


def extract(
    question: str,
    hits: Sequence[Hit],
    pages: Mapping[str, Sequence[Page]],
    query_vector: np.ndarray,
    sentence_vectors: SentenceVectors,
    min_score: float,
    most_sentences: int,
    grounding: Grounding | None = None,
) -> Answer:
    """The answer quoted from the hits. With `grounding`, a relevant sentence is an answer only when
    some sentence grounds the question (grounding.py), and that one is quoted first; otherwise the
    answer says what is missing and the closest passages follow, as related, not as an answer."""
    # Quote the report's own text: its notes, captions and labels only when the question asks for a
    # source, a figure or a note. Whole sentences; only when the passages hold none (tables, lists),
    # fragments.
    kinds = None if asks_for_apparatus(question) else frozenset({BODY})
    found = sentence_candidates(hits, pages, sentence_vectors, _quotable, kinds) or sentence_candidates(
        hits, pages, sentence_vectors, lambda _: True, kinds
    )
    candidates = _score(question, found, query_vector, min_score)
    # Judged on sentences, not passages: a passage embedded with its context line scores low
    # against a short question that never names the document.
    relevant = [c for c in candidates if c.relevant]
    grounded, missing, starts = (
        (range(len(relevant)), [], [c.start for c in relevant])
        if grounding is None or not relevant
        else _judge(grounding, relevant, pages)
    )
    if not grounded:
        # The closest passages are shown for what they are, a footnote among them if nothing else is near.
        pool = candidates or _score(
            question, sentence_candidates(hits, pages, sentence_vectors, _quotable), query_vector, min_score
        )
        closest = [_best_of(hit, pool) for hit in hits[:CLOSEST_PASSAGES]]
        citations = _cite([c for c in closest if c is not None], pages)
        years = (
            library_years(grounding.shares)
            if grounding and any(m.kind == PERIOD and not m.mentioned for m in missing)
            else []
        )
        text = not_covered_text(missing, grounding.asks if grounding else None, years)
        return Answer(
            question=question, text=text, covered=False, citations=citations, hits=tuple(hits), missing=tuple(missing)
        )
    first = relevant[min(grounded)]  # the best-scored sentence that grounds the question opens the answer
    # … with the sentence before it when that one names the period it speaks of (_period_lead_in)
    first = replace(first, start=min(first.start, starts[min(grounded)]))
    chosen = _choose(candidates, most_sentences, first)
    citations = _cite(chosen, pages)
    sentences = tuple(AnswerSentence(_one_line(c.excerpt), (c.key,), True) for c in citations)
    text = " ".join(f"{s.text} [{s.citations[0]}]" for s in sentences)
    return Answer(
        question=question, text=text, covered=True, citations=citations, hits=tuple(hits), sentences=sentences
    )


def _judge(
    grounding: Grounding, relevant: Sequence[Candidate], pages: Mapping[str, Sequence[Page]]
) -> tuple[list[int], list[Missing], list[int]]:
    """grounding.judge on each relevant sentence as a reader sees it: with the sentence it leans on (or
    that names its period), its table headings, its section, its passage and the start of its
    document; and where each sentence so read starts."""
    evidence, starts = [], []
    periods = [p for p in grounding.asks.periods if p.year is not None]
    for c in relevant:
        row = row_at(c.page.text, c.start, c.end)
        document = c.hit.chunk.document
        start = with_lead_in(c.page, c.start, c.end)
        if start == c.start and periods and row is None:
            start = _period_lead_in(c.page, c.start, c.end, periods)
        starts.append(start)
        evidence.append(
            Evidence(
                sentence=_without_markers(c.page, start, c.end),
                headings=f"{row.columns} {row.group}" if row else "",
                section=c.page.section_at(c.start),
                passage=c.hit.chunk.search_text,
                document=f"{document}\n{pages[document][0].text[:FIRST_PAGE_CHARS]}",
            )
        )
    return *judge(grounding, evidence), starts


def _without_markers(page: Page, start: int, end: int) -> str:
    """page.text[start:end] without its footnote markers: the "37" of "… as well.37" is no figure."""
    text, kept = page.text, []
    for marker_start, marker_end in page.markers:
        if start <= marker_start and marker_end <= end:
            kept.append(text[start:marker_start])
            start = marker_end
    return "".join(kept) + text[start:end]


def _period_lead_in(page: Page, start: int, end: int, periods: Sequence[Period]) -> int:
    """Where the excerpt of page.text[start:end] starts when it names no period and the sentence before it,
    in its paragraph, names the asked periods: a sentence speaks of the year last named ("P.L. 119-74
    provided $466 million" after "… included appropriations for EDA for FY2026."), and the reader is
    shown that year. Else `start`."""
    text = page.text
    if names_period(text[start:end]):  # "for Q1" is the sentence's own period, however short
        return start
    before = [(s, e) for s, e in _spans(text, page.markers) if e <= start]
    if not before:
        return start
    previous_start, previous_end = before[-1]
    if (
        "\n\n" in text[previous_end:start]
        or is_heading(page, previous_start, previous_end)
        or is_title(page, previous_start, previous_end)
        or end - previous_start > LEAD_IN_CHARS
    ):
        return start
    held = all(holds_period(p, text[previous_start:previous_end]) for p in periods)
    return previous_start if held else start


def sentence_candidates(
    hits: Sequence[Hit],
    pages: Mapping[str, Sequence[Page]],
    sentence_vectors: SentenceVectors,
    keep: Callable[[str], bool],
    kinds: frozenset[str] | None = None,
) -> list[Candidate]:
    """The sentences of each hit, in hit order; a sentence shared by two overlapping hits once,
    as read in the better-ranked one; only those in parts of their page of `kinds` (None: any)."""
    seen: set[tuple[str, int, int]] = set()
    found = []
    for hit in hits:
        vectors = sentence_vectors(hit)
        for (number, start, end), vector in zip(hit.chunk.sentences, vectors, strict=True):
            page = pages[hit.chunk.document][number - 1]
            key = (hit.chunk.document, number, start)
            if (
                key in seen
                or (kinds is not None and page.kind_at(start) not in kinds)
                or is_heading(page, start, end)
                # a caption's title is the answer to "What does Figure 3 show?", when captions are asked for
                or (is_title(page, start, end) and (kinds is not None or page.kind_at(start) != CAPTION))
                or not keep(page.text[start:end])
            ):
                continue
            seen.add(key)
            found.append(Candidate(hit, page, start, end, vector))
    return found


def is_heading(page: Page, start: int, end: int) -> bool:
    """The span is (nearly all) a section heading: a title is never an answer."""
    return any(start <= h.offset < end and len(h.title) >= 0.8 * (end - start) for h in page.headings)


def is_title(page: Page, start: int, end: int) -> bool:
    """A whole line of a few words with no closing punctuation and no figures of a table row: a
    title, subtitle or caption, which is never an answer (a heading the outline names is is_heading)."""
    text = page.text
    whole_line = (start == 0 or text[start - 1] == "\n") and (end == len(text) or text[end] == "\n")
    sentence = text[start:end]
    return (
        whole_line
        and len(_WORD.findall(sentence)) <= TITLE_WORDS
        and not _SENTENCE_END.search(sentence)
        and row_at(text, start, end) is None
    )


def with_lead_in(page: Page, start: int, end: int) -> int:
    """Where the excerpt of page.text[start:end] starts: at the sentence before it when it leans
    back on that one ("Their proportion among the killed …"), else at `start`."""
    if not _LEANS_BACK.match(page.text[start:end]):
        return start
    before = [(s, e) for s, e in _spans(page.text, page.markers) if e <= start]
    if not before:
        return start
    previous_start, previous_end = before[-1]
    if is_heading(page, previous_start, previous_end) or is_title(page, previous_start, previous_end):
        return start
    return previous_start if end - previous_start <= LEAD_IN_CHARS else start


@lru_cache(maxsize=256)
def _spans(text: str, markers: tuple[tuple[int, int], ...]) -> tuple[tuple[int, int], ...]:
    return tuple(sentence_spans(text, markers=markers))


def _quotable(sentence: str) -> bool:
    return len(sentence) >= MIN_SENTENCE_CHARS and len(_WORD.findall(sentence)) >= 4


def _score(question: str, candidates: list[Candidate], query_vector: np.ndarray, min_score: float) -> list[Candidate]:
    if not candidates:
        return []
    similarity = np.stack([c.vector for c in candidates]) @ query_vector
    asks_source = bool(_ASKS_SOURCE.search(question))
    statements = statements_asked(question) if STATEMENT_ROW_WEIGHT else frozenset()
    asked, *held = terms([question] + [c.text for c in candidates])
    asked -= _question_terms()
    documents = list(dict.fromkeys(c.hit.chunk.document for c in sorted(candidates, key=lambda c: c.hit.rank)))
    document_rank = {document: rank for rank, document in enumerate(documents, start=1)}
    scored = [
        Candidate(
            c.hit,
            c.page,
            c.start,
            c.end,
            c.vector,
            similarity=float(s),
            score=(1 - CHUNK_WEIGHT) * float(s)
            + CHUNK_WEIGHT * c.hit.similarity
            + RANK_WEIGHT / document_rank[c.hit.chunk.document]
            + (SOURCE_LINE_WEIGHT if asks_source and _SOURCE_LINE.match(c.text) else 0.0)
            + (STATEMENT_ROW_WEIGHT if statements and _statement_row(c, statements) else 0.0),
            # A sentence that gives orders to an assistant answers nothing, however close (support.py).
            relevant=(s >= min_score or (len(asked) >= 2 and len(asked & words) >= TERM_COVERAGE * len(asked)))
            and not addresses_the_model(c.text),
        )
        for c, s, words in zip(candidates, similarity, held, strict=True)
    ]
    return sorted(scored, key=lambda c: -c.score)


# Added to a sentence's score when it is a row of a statement the question needs (statements.py): an
# analyst computes working capital from the balance sheet's totals, not from MD&A's or a segment
# table's rows of the same words. Chosen on the analyst train half: the first citation is a statement
# row for 6 of its 8 such questions (3 without; 0.2 the same, 0.05 five).
STATEMENT_ROW_WEIGHT = 0.1


def _statement_row(candidate: Candidate, statements: frozenset[str]) -> bool:
    """The sentence is a row of a financial statement the question needs (statements.py)."""
    return page_statement(candidate.page.text) in statements and (
        row_at(candidate.page.text, candidate.start, candidate.end) is not None
    )


@cache
def _question_terms() -> frozenset[str]:
    """QUESTION_WORDS as BM25 sees them (Snowball stems: "why" is "whi", "does" is "doe")."""
    return frozenset(terms([" ".join(QUESTION_WORDS)])[0])


def _choose(candidates: Sequence[Candidate], most: int, first: Candidate) -> list[Candidate]:
    """`first`, then the best-ordered sentences that clear the floor and score near the best, no near-repeats."""
    chosen: list[Candidate] = [first]
    eligible = [c for c in candidates if c.relevant and c is not first]
    for candidate in eligible:
        if len(chosen) >= most or candidate.score < max(eligible[0].score, first.score) - SENTENCE_MARGIN:
            break
        words = set(_WORD.findall(candidate.text.lower()))
        if any(_overlap(words, set(_WORD.findall(c.text.lower()))) > 0.7 for c in chosen):
            continue
        chosen.append(candidate)
    return chosen


def _best_of(hit: Hit, candidates: Sequence[Candidate]) -> Candidate | None:
    return next((c for c in candidates if c.hit is hit), None)


def _overlap(a: set[str], b: set[str]) -> float:
    return len(a & b) / max(1, min(len(a), len(b)))


def _cite(chosen: Sequence[Candidate], pages: Mapping[str, Sequence[Page]]) -> tuple[Citation, ...]:
    """Each chosen sentence, with the one before it when it leans back on it; spans that then
    overlap on one page (a sentence and the one that leans on it, both chosen) become one excerpt."""
    spans: list[tuple[Candidate, int, int]] = []
    for c in chosen:
        start = with_lead_in(c.page, c.start, c.end)
        for i, (other, other_start, other_end) in enumerate(spans):
            same_page = other.page is c.page and other.hit.chunk.document == c.hit.chunk.document
            if same_page and start < other_end and other_start < c.end:
                spans[i] = (other, min(start, other_start), max(c.end, other_end))
                break
        else:
            spans.append((c, start, c.end))
    return tuple(
        cite(key, c.hit.chunk.document, c.page, start, end, c.similarity, pages[c.hit.chunk.document])
        for key, (c, start, end) in enumerate(spans, start=1)
    )


def cite(
    key: int, document: str, page: Page, start: int, end: int, score: float, document_pages: Sequence[Page] = ()
) -> Citation:
    """The citation of page.text[start:end]: the excerpt is that slice, so it is verbatim; a table
    row carries its column headings and group (and the statement it is a row of); an excerpt with
    footnote markers, the notes they point to (found in `document_pages`, the document's pages)."""
    row = row_at(page.text, start, end)
    return Citation(
        key=key,
        document=document,
        page_start=page.number,
        page_end=page.number,
        page_label=page.label,
        section=page.section_at(start),
        excerpt=page.text[start:end],
        char_start=start,
        char_end=end,
        score=round(score, 4),
        columns=row.columns if row else "",
        row_group=row.group if row else "",
        statement=(page_statement(page.text) or "") if row else "",
        kind=page.kind_at(start),
        notes=notes_for(document_pages, page, start, end) if document_pages else (),
    )


def _one_line(text: str) -> str:
    return " ".join(text.split())
