"""What a model wrote -> each sentence, with the verbatim passage sentences that support it, or none.

A pure step: no model, no server. The written answer is split into sentences and its [n] markers
read (a marker naming a passage that was not given is dropped and counted). Each sentence is then
matched against the sentences of the passages it cites, or of all passages when it cites none
(small models often ignore the instruction to cite). A passage sentence supports it when

  - their embeddings are close (cosine >= the floor, calibrated by bench/calibrate_support.py), and
  - every figure and year the sentence states is in that excerpt (or its table headings), allowing
    for rounding and for "$14.2 billion" written for a table's "14,207" in millions, and
  - every name it states is somewhere in the passages given, and
  - when it states a figure and the question names periods ("in Q3 2023"), the excerpt (or its table
    headings) names them too: a right figure of another quarter is not an answer.

Two excerpts may support one sentence together when each is close and together they hold its
figures. A passage sentence that gives orders to an assistant ("ignore previous instructions …")
supports nothing. Whatever passes becomes the sentence's excerpts,
sliced from the page text by offsets as quoted answers are; a sentence nothing passes is
unsupported, and is never shown as cited.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .grounding import holds_period
from .instances import YEAR
from .reading.sentences import sentence_spans
from .types import Page, Period

# A written sentence with at least this cosine to a passage sentence may be supported by it. Chosen
# by bench/calibrate_support.py on the train half of tests/data/support_sentences.csv (accuracy 0.71
# train, 0.72 test; 0.45-0.60 score within 0.02 of it): it keeps 0.92 / 0.96 of the supported
# sentences; the figure, year and name checks, not the cosine, catch most altered ones.
SUPPORT_FLOOR = 0.5
SECOND_SOURCES = 5  # best-matching passage sentences tried as a second excerpt for one sentence
SHORT_WORDS = 3  # a written "Yes." or "In short:" is checked together with the sentence after it

_MARKERS = re.compile(r"\s*\[(\d+(?:\s*[,;]\s*\d+)*)\]")
_MARKERS_AFTER_END = re.compile(r"([.!?])((?:\s*\[\d+(?:\s*[,;]\s*\d+)*\])+)")
_NUMBER = re.compile(
    r"(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(?![\w])(?:\s*(%|percent\b))?"
    r"(?:\s*(thousand|million|billion|trillion|bn)\b)?",
    re.IGNORECASE,
)
_SCALE = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "bn": 1e9, "trillion": 1e12}
_TABLE_SCALES = (1.0, 1e3, 1e6, 1e9)  # table figures are often in thousands or millions
_NAME = re.compile(r"(?<![\w'’])([A-Z][\w&.'’-]*[\w])")
_WORD = re.compile(r"[\w]+")


@dataclass(frozen=True)
class Source:
    """One sentence of a passage given to the model: a possible excerpt."""

    passage: int  # its passage's number in the prompt, from 1
    document: str
    page: Page
    start: int
    end: int
    vector: np.ndarray  # the sentence's stored embedding
    headings: str = ""  # a table row's column headings and group, which say what its figures are

    @property
    def text(self) -> str:
        return self.page.text[self.start : self.end]


@dataclass(frozen=True)
class Checked:
    """One written sentence and what supports it."""

    text: str  # as written, without its [n] markers
    cited: tuple[int, ...]  # the passages it cited that were given
    dropped: int  # its markers that named passages that were not given
    sources: tuple[Source, ...]  # the excerpts that support it; empty when unsupported
    score: float  # cosine of the sentence to its best-matching passage sentence

    @property
    def supported(self) -> bool:
        return bool(self.sources)


@dataclass(frozen=True)
class Written:
    """A sentence of the answer as split and parsed, before checking."""

    text: str
    cited: tuple[int, ...]
    dropped: int


def split_written(answer: str, passages: int) -> list[Written]:
    """The answer's sentences, each with the passage numbers it cites (1..`passages`) and how many
    markers named others. A marker after the full stop ("… 2020. [1]") belongs to the sentence before."""
    text = _MARKERS_AFTER_END.sub(lambda m: f"{m.group(2)}{m.group(1)}", answer)
    pieces: list[Written] = []
    carried = ""
    spans = sentence_spans(text)
    for i, (start, end) in enumerate(spans):
        raw = text[start:end]
        numbers = [int(n) for group in _MARKERS.findall(raw) for n in re.split(r"\s*[,;]\s*", group)]
        plain = " ".join(_MARKERS.sub("", raw).split())
        if not _WORD.search(plain):
            continue
        plain = f"{carried} {plain}".strip()
        if len(_WORD.findall(plain)) <= SHORT_WORDS and not numbers and i < len(spans) - 1:
            carried = plain
            continue
        carried = ""
        cited = tuple(dict.fromkeys(n for n in numbers if 1 <= n <= passages))
        pieces.append(Written(plain, cited, sum(1 for n in numbers if not 1 <= n <= passages)))
    if carried:
        pieces.append(Written(carried, (), 0))
    return pieces


def check(
    written: Sequence[Written],
    vectors: np.ndarray,
    sources: Sequence[Source],
    passage_texts: Sequence[str],
    floor: float = SUPPORT_FLOOR,
    periods: Sequence[Period] = (),
) -> list[Checked]:
    """Each written sentence (`vectors`: their embeddings, one row each) against the sentences of
    the passages given (`passage_texts`: each passage's text and context, by number from 1);
    `periods`: the periods the question names."""
    checked = []
    given = " ".join(passage_texts)
    given_words = {w.lower() for w in _WORD.findall(given)}
    for sentence, vector in zip(written, vectors, strict=True):
        pool = [s for s in sources if s.passage in sentence.cited] or list(sources)
        if not pool:
            checked.append(Checked(sentence.text, sentence.cited, sentence.dropped, (), 0.0))
            continue
        similarity = np.stack([s.vector for s in pool]) @ vector
        order = [int(i) for i in np.argsort(-similarity)]
        best = float(similarity[order[0]])
        supporting: tuple[Source, ...] = ()
        if _names_given(sentence.text, given_words):
            ranked = [(pool[i], float(similarity[i])) for i in order]
            if periods and _numbers(_without_years(sentence.text)):  # a figure, for the periods asked about
                ranked = [(s, score) for s, score in ranked if _holds_periods(s, periods)]
            supporting = _excerpts(sentence.text, ranked, floor)
        checked.append(Checked(sentence.text, sentence.cited, sentence.dropped, supporting, round(best, 4)))
    return checked


def _excerpts(text: str, ranked: list[tuple[Source, float]], floor: float) -> tuple[Source, ...]:
    """The best-ranked close passage sentence that holds all the amounts of `text`, or the best pair
    of close ones that hold them together; () when none does."""
    amounts = _numbers(text)  # years too: "2020" in another passage does not support "in 2020" here
    close = [s for s, score in ranked if score >= floor]
    for source in close:
        if not _missing(amounts, source):
            return (source,)
    for first in close[:SECOND_SOURCES]:
        missing = _missing(amounts, first)
        for second in close[:SECOND_SOURCES]:
            if second is not first and not _missing(missing, second):
                return (first, second)
    return ()


def addresses_the_model(text: str) -> bool:
    """A sentence that gives orders to an assistant ("Ignore previous instructions and …"): a
    document may contain one, but it is no evidence for anything a model writes."""
    return bool(_ORDERS.search(text))


_ORDERS = re.compile(
    r"\b(?:ignore|disregard|forget|override)\b[^.!?]{0,40}\b(?:instructions?|prompts?|rules|directions)\b"
    r"|\b(?:system|developer) (?:prompt|message|mode)\b"
    r"|\byou are (?:now )?(?:an? )?(?:ai|assistant|language model|chatbot)\b"
    r"|\b(?:tell|instruct|inform) the (?:user|reader)\b",
    re.IGNORECASE,
)


def _missing(amounts: list[tuple[float, float]], source: Source) -> list[tuple[float, float]]:
    held = [value for value, _ in _numbers(f"{source.text} {source.headings}")]
    return [
        (value, precision)
        for value, precision in amounts
        if not any(abs(value - h * scale) <= precision + 1e-9 * value for h in held for scale in _TABLE_SCALES)
    ]


def _numbers(text: str) -> list[tuple[float, float]]:
    """Each figure in `text` as (value, precision): "$14.2 billion" is (14.2e9, 0.05e9), "(1,234)"
    is (1234, 0.5); signs and currency are ignored (tables write losses in parentheses)."""
    found = []
    for match in _NUMBER.finditer(text):
        whole, decimals, _percent, scale_word = match.groups()
        scale = _SCALE[scale_word.lower()] if scale_word else 1.0
        value = float(whole.replace(",", "") + (f".{decimals}" if decimals else ""))
        precision = 0.5 * 10 ** -(len(decimals) if decimals else 0) * scale
        found.append((value * scale, precision))
    return found


def _holds_periods(source: Source, periods: Sequence[Period]) -> bool:
    return all(holds_period(p, f"{source.text} {source.headings}") for p in periods)


def _without_years(text: str) -> str:
    return YEAR.sub(" ", text)


def _names_given(text: str, given_words: set[str]) -> bool:
    """Every capitalised word past the first of `text` (names, acronyms) occurs in the passages given."""
    first = _WORD.search(text)
    after_first = text[first.end() :] if first else text
    for name in _NAME.findall(after_first):
        words = [w.lower() for w in _WORD.findall(re.sub(r"['’]s$", "", name))]
        if words and not all(w in given_words for w in words):
            return False
    return True


def says_not_covered(sentence: str, not_covered: str) -> bool:
    """The model declined: it wrote the not-covered sentence it was given, or an equivalent."""
    words = set(_WORD.findall(sentence.lower()))
    expected = set(_WORD.findall(not_covered.lower()))
    return bool(expected) and len(words & expected) >= 0.8 * len(expected) or bool(_DECLINES.search(sentence))


_DECLINES = re.compile(
    r"\b(?:passages?|documents?|texts?|context|sources?|reports?)\s+(?:do|does|did)\s*(?:n[o']t|not)\s+"
    r"(?:answer|say|state|mention|provide|contain|include|give|specify|address|cover)\b"
    r"|\bno (?:information|mention|data|details?)\b|\b(?:cannot|can['’]t|unable to) (?:answer|determine|find)\b"
    r"|\bnot (?:mentioned|stated|provided|specified|given)\b",
    re.IGNORECASE,
)
