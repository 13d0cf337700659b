"""A question -> what an answer to it must hold (types.Asks): focus terms, periods, the answer's kind and target.

"How many tanks does the Belarusian army have?" asked of the Belarus summary wants a figure
(`quantity`) about tanks and the army; "tanks" and "army" are its focus, because the summary never
says them, while "Belarusian" is what the library is about anyway. An answer that quotes a sentence
without tanks, or without a figure, does not answer it, however close its words are.

- **Focus terms**: the question's content words (no stopwords, wh-words, period words, words that
  only say what kind of answer is wanted, or words that ask the documents to speak) that are rare in
  the library: held by fewer than FOCUS_SHARE of its passages, by the BM25 statistics the index keeps
  (`StoredIndex.term_shares`).
- **Periods**: quarters with their years, fiscal years, months and dates, and years, each as a
  `Period` that compares equal whichever way it is written.
- **The answer type**: from the wh-word and the noun after it; for "how wide/long/old …", the units a
  figure must be in.
- **The target**: the nouns the asked figure, date or name is of ("exports" in "What share of
  Belarus's exports go to Russia?", "treaty" in "When was the Union State treaty signed?").
- Which focus terms are **names** and which are **nouns** (word_classes.py): an answer must hold
  those; verbs and modifiers it may say in other words. The noun that names the kind of answer
  ("Which military *alliance* …", "What *nickname* …") is neither: the answer is an instance of it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from .answer_types import answer_type, heads, per, target, units
from .instances import INSTANCE_CHECKS
from .questions import for_search
from .types import QUANTITY, Asks, Period
from .word_classes import NAME as NAME_WORD
from .word_classes import NOUN, QUESTION_VERBS, QUESTION_WORDS, WORD, classes, is_modifier

__all__ = ["FOCUS_SHARE", "MONTHS", "answer_type", "asks", "content_words", "periods"]

# The answer types whose figure, date or name must stand beside the question's target: those with an
# instance to look for (instances.py).
TYPED = frozenset(INSTANCE_CHECKS)
_NOT_NOUNS = frozenset({"both", "either", "neither", "none", "other", "others"})  # the lexicon calls them nouns

# A word held by fewer than this share of the library's passages carries the question beyond what
# the library is about. A first value, set by hand: the grounding that uses it (issue 24) calibrates
# it on the abstention sets' train halves.
FOCUS_SHARE = 0.1

# Month names and abbreviations -> their number; filing_periods.py reads covers with them too.
MONTHS = {
    m: n
    for n, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sept", "sep"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for m in names
}
_MONTH = rf"(?:{'|'.join(sorted(MONTHS, key=len, reverse=True))})\.?"
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4}
_ORDINAL = "first|second|third|fourth|1st|2nd|3rd|4th"
_YEAR = r"(?:19|20)\d\d"
_FY = rf"(?:FY\s?'?(?P<fy>{_YEAR}|\d\d)|fiscal\s+(?:year\s+)?(?P<fiscal>{_YEAR}))"
_QUARTER = rf"(?:Q(?P<q>[1-4])|(?P<ord>{_ORDINAL})[\s-]+(?:fiscal\s+)?quarter|(?P<nq>[1-4])Q)"

# In the order they are looked for: a span one of them takes is not read again by the next.
_PERIODS = (
    # "Q3 2023", "third quarter of fiscal 2024", "Q2 FY2024", "3Q 2023", "the second quarter of 2022"
    re.compile(rf"\b{_QUARTER}(?:\s+of)?(?:\s+the)?[\s,']*(?:{_FY}|(?P<year>{_YEAR}))\b", re.IGNORECASE),
    # "fiscal 2024 second quarter", "FY2024 Q3", "2023 Q3"
    re.compile(rf"\b(?:{_FY}|(?P<year>{_YEAR}))(?:'s)?[\s,]+{_QUARTER}", re.IGNORECASE),
    # "December 31, 2022", "March 2023", "as of December 31", "31 December 2022"
    re.compile(
        rf"\b(?:(?P<month>{_MONTH})\s+(?:(?P<day>[0-3]?\d)(?:st|nd|rd|th)?(?:,\s*|\s+)?)?(?P<year>{_YEAR})?"
        rf"|(?P<day2>[0-3]?\d)\s+(?P<month2>{_MONTH})\s+(?P<year2>{_YEAR}))\b",
        re.IGNORECASE,
    ),
    re.compile(rf"\b{_FY}\b", re.IGNORECASE),  # "FY2021", "FY21", "fiscal year 2021"
    re.compile(rf"\b{_QUARTER}(?=\W|$)", re.IGNORECASE),  # "the third quarter", no year
    re.compile(rf"(?<![\d$.,])\b(?P<year>{_YEAR})\b(?![.,]\d)"),  # "in 2019", not "$2,019" or "2019.5"
)

# Words that only say what kind of answer is wanted ("what share", "how many", "which year").
_TYPE_WORDS = frozenset(
    """number amount share percentage percent proportion fraction total figure value level size count
    year years date month day quarter quarters fiscal fy period time reason reasons cause causes kind
    type sort way ways end beginning start close person people company companies firm firms agency
    agencies organization organizations organisation organisations institution institutions entity
    entities country countries city cities region regions place places location locations""".split()
)
_SKIPPED = QUESTION_WORDS | _TYPE_WORDS | QUESTION_VERBS | frozenset(MONTHS)
_MARKUP = re.compile(r"</?[A-Za-z][^<>]*>|\*\*|__|`")  # HTML tags and markdown emphasis typed into a question


def asks(question: str, shares: Callable[[Sequence[str]], Sequence[float]]) -> Asks:
    """What an answer to the question must hold. `shares` gives, for words, the share of the library's
    passages that hold each (StoredIndex.term_shares); words it holds in FOCUS_SHARE or more of them
    are what the library is about, not what the question adds."""
    searched = for_search(question)  # "Round to two decimals." asks nothing of the documents
    # A figure to round or put in given units is one the reader computes, from inputs in any units.
    computed = searched != " ".join(question.split())
    question = searched
    question = _MARKUP.sub(" ", question)  # "<b>railway gauge</b>": the tags ask for nothing
    found = periods(question)
    words = content_words(question, found)
    focus = tuple(w for w, share in zip(words, shares(words), strict=True) if share < FOCUS_SHARE)
    word_classes = classes(question)
    kind_nouns = heads(question)
    kind = answer_type(question)
    return Asks(
        focus=focus,
        periods=tuple(p for p, _ in found),
        answer_type=kind,
        target=_target(question, kind, shares) if kind in TYPED else (),
        units=units(question) if kind == QUANTITY and not computed else (),
        names=tuple(w for w in focus if word_classes.get(w) == NAME_WORD),
        nouns=tuple(
            w
            for w in focus
            if word_classes.get(w) == NOUN
            and (kind == QUANTITY or w.lower() not in kind_nouns)
            and not is_modifier(w)
            and w.lower() not in _NOT_NOUNS
        ),
    )


def periods(question: str) -> list[tuple[Period, tuple[int, int]]]:
    """Each period the question names, with its span, in the order they appear."""
    taken: list[tuple[int, int]] = []
    found: list[tuple[Period, tuple[int, int]]] = []
    for pattern in _PERIODS:
        for match in pattern.finditer(question):
            span = match.span()
            if any(span[0] < end and start < span[1] for start, end in taken):
                continue
            period = _period(match)
            if period is not None:
                taken.append(span)
                found.append((period, span))
    return sorted(found, key=lambda item: item[1][0])


def _target(question: str, kind: str, shares: Callable[[Sequence[str]], Sequence[float]]) -> tuple[str, ...]:
    """answer_types.target, but for what a figure is asked per when the library never names it: "each
    side" of a treaty is said "the United States and Russia" (the figure itself must still be there)."""
    asked_per = per(question)
    unnamed = [w for w, share in zip(asked_per, shares(asked_per), strict=True) if share == 0] if asked_per else []
    return tuple(w for w in target(question, kind) if w not in unnamed)


def content_words(question: str, found: Sequence[tuple[Period, tuple[int, int]]] = ()) -> list[str]:
    """The question's words that could carry it: not inside a period, not a question or answer-type
    word, not a number; each once, in the question's order ("Belarus's" -> "Belarus")."""
    words: list[str] = []
    seen: set[str] = set()
    for match in WORD.finditer(question):
        if any(start <= match.start() < end for _, (start, end) in found):
            continue
        word = re.sub(r"['’]s?$", "", match.group())
        lower = word.lower()
        if len(word) < 2 or lower in _SKIPPED or lower in seen:
            continue
        seen.add(lower)
        words.append(word)
    return words


def _period(match: re.Match[str]) -> Period | None:
    groups = {k: v for k, v in match.groupdict().items() if v}
    text = match.group().strip()
    year = groups.get("year") or groups.get("year2") or groups.get("fiscal") or groups.get("fy")
    full_year = int(year) if year and len(year) == 4 else (2000 + int(year) if year else None)
    quarter = None
    if "q" in groups or "nq" in groups:
        quarter = int(groups.get("q") or groups["nq"])
    elif "ord" in groups:
        quarter = _ORDINALS[groups["ord"].lower()]
    month_name = groups.get("month") or groups.get("month2")
    month = MONTHS.get(month_name.lower().rstrip(".")) if month_name else None
    day = int(groups.get("day") or groups.get("day2") or 0) or None
    if month_name and month_name.lower().rstrip(".") == "may" and not (day or full_year):
        return None  # the verb "may", not the month
    if day is not None and not 1 <= day <= 31:
        return None
    fiscal = "fy" in groups or "fiscal" in groups
    if full_year is None and quarter is None and month is None:
        return None
    return Period(text=text, year=full_year, quarter=quarter, month=month, day=day, fiscal=fiscal)
