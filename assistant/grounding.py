"""Asks + quoted sentences -> which sentences answer the question, and what none of them holds.

A sentence *grounds* the question when it holds what an answer must hold (types.Asks):
- an instance of the answer type: a figure for "how many" (in the units "how wide" wants), a year
  or a date for "when", a person's name for "who leads", an organisation's name for "which agency";
- every period the question names (a table row's column headings count: "Three Months Ended
  March 31, 2023" holds 2023; a fiscal year may end in the calendar year after);
- the target, the nouns the figure or date is *of* ("exports" in "What share of Belarus's exports
  …"): literally, in another form ("Russian" for "Russia", "relationship" for "relations", "EPS" for
  "earnings per share"), in the section's heading or the row's group, or through a close contextual
  vector of the word (`close`, embedding/embedder.py's token vectors);
- the question's names, in the passage it comes from or on its document's first page (a filing
  names its company there and says "the Company" after).
The sentence is read with the one before it when it leans on it ("Their share …").

Before any sentence is read, the library is asked: a name it never holds, and (for a question with
no answer type) a noun it never holds that no quoted sentence says in other words, mean the
documents do not say it, and the answer says so: "The documents never mention Crimea."
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from .answer_types import FORECAST
from .instances import INSTANCE_CHECKS, YEAR
from .lexical import terms
from .term_forms import with_forms
from .types import ANSWER_TYPE, PERIOD, QUANTITY, TERM, Asks, Missing, Period
from .word_classes import lexical_classes

Shares = Callable[[Sequence[str]], Sequence[float]]  # words -> share of the library's passages holding each
Close = Callable[[str, str], bool]  # (a question's word, a sentence) -> the sentence says it in other words

FIRST_PAGE_CHARS = 3000  # of a document's first page, read for the names it goes by

_QUARTER = re.compile(
    r"\b(first|second|third|fourth|1st|2nd|3rd|4th)[\s-]+(?:fiscal\s+)?quarter\b|\bQ([1-4])\b|\b([1-4])Q\b",
    re.IGNORECASE,
)
_FISCAL_YEAR = re.compile(r"\b(?:FY\s?|fiscal (?:year )?)((?:19|20)\d\d)\b", re.IGNORECASE)
# A year right after these is where a span starts or ends, not the period a figure is of.
_SPAN_END = re.compile(
    r"\b(?:since|after|before|prior to)\s+(?:the\s+)?(?:end of\s+)?"
    r"(?:FY\s?|fiscal (?:year )?|calendar (?:year )?)?\W{0,2}$",
    re.IGNORECASE,
)
_MONTH_NAMES = "january february march april may june july august september october november december".split()
_MONTH_DAY = re.compile(
    r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+(\d{1,2})(?!\d)", re.IGNORECASE
)
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4}
# A people's name stands for its country's ("Russian" for "Russia", "Iranian" for "Iran"), as a
# direction's adjective for the direction ("Western" for "the West").
_DEMONYM_ENDINGS = ("ian", "ese", "ish", "ern", "an", "n", "i")
# Names a document writes otherwise, which no rule of spelling finds.
_ALIASES = {
    "american": ("u.s.", "united states", "america"),
    "americans": ("u.s.", "united states", "america"),
    "british": ("u.k.", "united kingdom", "britain"),
    # a capital for its government ("Washington's attempts", "Moscow declined")
    "washington": ("u.s.", "united states"),
    "moscow": ("russia",),
    "beijing": ("china",),
    "minsk": ("belarus",),
    "kyiv": ("ukraine",),
    "tehran": ("iran",),
    "brussels": ("nato", "european union"),
    # what a question asks to be forecast, a document says is expected (answer_types.FORECAST)
    "forecast": ("expect", "anticipate", "outlook", "guidance", "projected", "projection", "predict", "forecast"),
    # a figure asked "per year" is given "annually" as often
    "year": ("annual", "yearly", "a year"),
    "month": ("monthly", "a month"),
    "week": ("weekly", "a week"),
    "day": ("daily", "a day"),
    "quarter": ("quarterly",),
}
_WORD = re.compile(r"[\w'’.-]*\w")
# Where a sentence turns to another clause, about something else: ", with …", ", while …", "; ", " — "
# (not ", which …": a relative clause is about the noun before it).
_CLAUSE_BREAK = re.compile(r",\s+(?:with|while|whereas)\b|;|\s[—–]\s")
SHARED_PREFIX = 6  # letters two forms of a word share at least ("relations", "relationship") …
SHARED_PART = 0.75  # … and the share of the shorter word that is


@dataclass(frozen=True)
class Evidence:
    """One quotable sentence and what a reader sees around it."""

    sentence: str  # with the sentence before it when it leans on it
    headings: str = ""  # a table row's column headings and the group it sits in
    section: str = ""  # the heading in force
    passage: str = ""  # the passage it was quoted from, with its context line
    document: str = ""  # the document's name and the start of its first page

    @property
    def read(self) -> str:
        """What the answer's instance and periods are looked for in: the sentence and its headings."""
        return f"{self.sentence} {self.headings}"


@dataclass(frozen=True)
class Grounding:
    """The question's asks, and the two ways of reading the library grounding needs."""

    question: str
    asks: Asks
    shares: Shares
    close: Close


def library_gaps(grounding: Grounding, evidence: Sequence[Evidence]) -> list[Missing]:
    """What the documents never hold, whatever the sentences: a name of the question no passage of the
    library holds (in any form the retrieved passages show), a period whose year it never names, and
    for a question with no answer type, a noun the library never holds that no quoted sentence says
    in other words."""
    asks = grounding.asks
    around = " ".join(e.passage for e in evidence)
    candidates = [w for w in asks.names + asks.nouns if not _held_around(w, around)]
    held = dict(zip(candidates, _library_holds(grounding.shares, candidates), strict=True))
    gaps = [Missing(TERM, name, mentioned=False) for name in asks.names if name in held and not held[name]]
    years = {p.year for p in asks.periods if p.year is not None}
    years |= {p.year - 1 for p in asks.periods if p.year is not None and p.fiscal}
    ordered = sorted(years)
    year_held = (
        dict(zip(ordered, (s > 0 for s in grounding.shares([str(y) for y in ordered])), strict=True)) if years else {}
    )
    gaps += [
        Missing(PERIOD, p.text, mentioned=False)
        for p in asks.periods
        if p.year is not None and not year_held[p.year] and not (p.fiscal and year_held[p.year - 1])
    ]
    if asks.answer_type not in INSTANCE_CHECKS:  # no figure, date or name to look for: the nouns asked about
        for noun in asks.nouns:
            # A noun that is also a verb ("decline", "host") is too often the question's own wording.
            if noun in held and not held[noun] and "VERB" not in lexical_classes(noun):
                if not any(grounding.close(noun, e.sentence) for e in evidence):
                    gaps.append(Missing(TERM, noun, mentioned=False))
    return gaps


def judge(grounding: Grounding, evidence: Sequence[Evidence]) -> tuple[list[int], list[Missing]]:
    """The first of the sentences (in the order given) that grounds the question, as a list of its index,
    and, when none does, what is missing: the library's gaps, or what the sentence closest to grounding
    lacks (the first of those lacking least)."""
    gaps = library_gaps(grounding, evidence)
    if gaps or not evidence:
        return [], gaps
    lacking = []
    for i, e in enumerate(evidence):
        missing = missing_in(grounding, e)
        if not missing:
            return [i], []  # the best-ordered sentence that grounds it: the one quoted first
        lacking.append(missing)
    closest = min(lacking, key=len)
    # A term the library never holds is worth saying so ("The documents never mention tanks").
    around = " ".join(e.passage for e in evidence)
    words = [m.text for m in closest if m.kind == TERM and not _held_around(m.text, around)]
    held = dict(zip(words, _library_holds(grounding.shares, words), strict=True))
    return [], [Missing(m.kind, m.text, held.get(m.text, True)) if m.kind == TERM else m for m in closest]


def library_years(shares: Shares, first: int = 1990, last: int = 2040, most: int = 4) -> list[int]:
    """The years the library names most (at most `most`, each in 5% of its passages or more), in order:
    what "The documents cover 2022 and 2023, not 2019" names."""
    years = list(range(first, last + 1))
    held = sorted(
        ((share, year) for year, share in zip(years, shares([str(y) for y in years]), strict=True)), reverse=True
    )
    return sorted(year for share, year in held[:most] if share >= 0.05)


def missing_in(grounding: Grounding, evidence: Evidence) -> list[Missing]:
    """What `evidence` lacks of the question's asks: [] when it grounds the question."""
    asks = grounding.asks
    found: list[Missing] = []
    kind = asks.answer_type
    check = INSTANCE_CHECKS.get(kind)
    if check is not None and not check(evidence.read, grounding.question, asks.units):
        found.append(Missing(ANSWER_TYPE, kind))
    found += [Missing(PERIOD, p.text) for p in asks.periods if not holds_period(p, evidence.read)]
    if asks.names:
        around = f"{evidence.read} {evidence.section} {evidence.passage} {evidence.document}"
        unnamed = [Missing(TERM, name) for name in asks.names if not holds_term(name, around)]
        # A passage naming all but one of three or more names ("NOAA, BOEM and USGS") is about the same thing.
        found += unnamed if len(unnamed) > 1 or len(asks.names) < 3 else []
    near = f"{evidence.read} {evidence.section}"
    unsaid = [word for word in asks.target if not holds_term(word, near)]
    # The model reads a sentence only when the target is all it may lack (a few milliseconds each).
    if not found:
        unsaid = [word for word in unsaid if not grounding.close(word, evidence.sentence)]
    if not found and not unsaid and kind == QUANTITY and check and not _in_one_clause(grounding, evidence, check):
        unsaid = [word for word in asks.target if word != FORECAST]
    return found + [Missing(TERM, word) for word in unsaid]


def _in_one_clause(grounding: Grounding, evidence: Evidence, check: Callable[[str, str, Sequence[str]], bool]) -> bool:
    """The figure and a target word the sentence says stand in one clause of it: "17 attacks on vessels
    since March 1, | with several crew members killed" gives no count of crew members. A table row
    (its figures are of its label) and a target held only by the headings, the section or in other
    words have no clause to compare."""
    targets = [word for word in grounding.asks.target if word != FORECAST]
    sentence = evidence.sentence
    if evidence.headings.strip() or not any(holds_term(word, sentence) for word in targets):
        return True
    return any(
        check(clause, grounding.question, grounding.asks.units) and any(holds_term(word, clause) for word in targets)
        for clause in _CLAUSE_BREAK.split(sentence)
    )


def holds_term(word: str, text: str) -> bool:
    """`text` holds the word: as BM25 reads both (stems, and term_forms' forms of names and periods),
    as a country for its people ("Russia" for "Russian"), as a longer or shorter form sharing most
    of its letters ("relationship" for "relations"), spelled out for an acronym ("earnings per share"
    for "EPS"), or by an alias ("U.S." for "American")."""
    stems = terms([word])[0]
    held, words = _read(text)
    if stems and stems <= held:
        return True
    return _held_around(word, text) or any(_forms_of(word.lower(), w) for w in words)


@lru_cache(maxsize=4096)
def _read(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """The text's BM25 terms (with term_forms' forms) and its words, lower case: read once per text,
    though every word of every question asked of it is looked for."""
    return frozenset(terms([with_forms(text)])[0]), frozenset(w.lower() for w in _WORD.findall(text))


def names_period(text: str) -> bool:
    """`text` names a year or a quarter ("2023", "FY2024", "Q1", "the second quarter")."""
    return bool(YEAR.search(text) or _QUARTER.search(text))


def holds_period(period: Period, text: str) -> bool:
    """`text` names the period: its year (for a fiscal year, the calendar year it ends in or the one
    before, but not another fiscal year the text names as one: "FY2023" is not FY2024), not only as
    where a span starts or ends ("since FY2011" gives no figure for FY2011), no quarter but the
    asked one when it names quarters at all, and no day of the asked month but the asked one when it
    names days of it."""
    if period.year is not None:
        years = {int(m.group()) for m in YEAR.finditer(text) if not _SPAN_END.search(text, 0, m.start())}
        fiscal = {int(y) for y in _FISCAL_YEAR.findall(text)}
        if period.year not in years and not (period.fiscal and period.year - 1 in years - fiscal):
            return False
    if period.month is not None and period.day is not None:
        days = {int(m.group(2)) for m in _MONTH_DAY.finditer(text) if _month(m.group(1)) == period.month}
        if days and period.day not in days:  # "February 5, 2026" is not February 11
            return False
    if period.quarter is not None:
        named = {
            _ORDINALS[m.group(1).lower()] if m.group(1) else int(m.group(2) or m.group(3))
            for m in _QUARTER.finditer(text)
        }
        if named and period.quarter not in named:
            return False
    return True


def _month(name: str) -> int:
    return next(i for i, month in enumerate(_MONTH_NAMES, start=1) if month.startswith(name.lower()[:3]))


def _library_holds(shares: Shares, words: Sequence[str]) -> list[bool]:
    """Whether the library holds each word, or the country of a people's name."""
    forms = [
        [w] + [w[: -len(end)] for end in _DEMONYM_ENDINGS if w.lower().endswith(end) and len(w) - len(end) >= 4]
        for w in words
    ]
    flat = [f for group in forms for f in group]
    held = iter(share > 0 for share in shares(flat)) if flat else iter(())
    return [any([next(held) for _ in group]) for group in forms]


def _held_around(word: str, text: str) -> bool:
    """An acronym spelled out ("earnings per share" for "EPS"), or an alias ("U.S." for "American"), in `text`."""
    lower = text.lower()
    return any(alias in lower for alias in _ALIASES.get(word.lower(), ())) or (
        word.isupper() and len(word) > 1 and _spelled_out(word, text)
    )


def _forms_of(word: str, other: str) -> bool:
    if word == other:
        return True
    short, long = sorted((word, other), key=len)
    if len(short) >= 4 and long.startswith(short) and long[len(short) :] in _DEMONYM_ENDINGS:
        return True
    shared = 0
    for a, b in zip(word, other, strict=False):
        if a != b:
            break
        shared += 1
    return shared >= SHARED_PREFIX and shared >= SHARED_PART * len(short)


def _spelled_out(acronym: str, text: str) -> bool:
    """Words whose first letters spell the acronym, small words between them allowed ("EPS":
    "earnings per share", "DOE": "Department of Energy")."""
    letters = acronym.lower()
    words = [w.lower() for w in re.findall(r"[A-Za-z][\w'-]*", text)]
    for start in range(len(words)):
        i, k = start, 0
        while i < len(words) and k < len(letters):
            if words[i][0] == letters[k]:
                k, i = k + 1, i + 1
            elif k > 0 and words[i] in ("of", "and", "the", "for"):
                i += 1
            else:
                break
        if k == len(letters):
            return True
    return False
