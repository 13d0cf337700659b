"""Text -> whether it holds an instance of an answer type: a figure (in the units asked for), a date,
a person's name, an organisation's name, a place.

Checks a reader can repeat by eye, on the quoted sentence with its table headings (grounding.py):
- a **figure** is a number that is not a year alone nor a day of a date ("242 pages", "$1.35 billion",
  "one-third", not the 1 of "March 1, 2026"); "how wide" wants one in units of length, "how long" of
  length, time or pages, "how much did it pay" a sum of money ("$3.4 billion", a table "(In millions)"),
  "what share" a percentage or a fraction ("40%", "one-third", "half"), "how many people" a count
  (not "$98 billion");
- a **date** is a year or a month's name;
- a **person's name** is a title and a name ("President Biden") or two capitalised words the English
  lexicon does not know ("Jensen Huang"), neither given by the question;
- an **organisation's name** ends in Inc, Corporation, Agency, Committee … ("Islamic Revolutionary
  Guard Corps"), is an acronym ("TSMC"), or is a capitalised word the lexicon does not know ("Micron");
- a **place** is a capitalised word the question does not give and the lexicon does not know
  ("Guinea" and "China" aside, which it knows as words), "United States", "UAE", or a dotted
  abbreviation ("U.S.", "W.D. Wash.") but a law's or an order's ("P.L.", "E.O.").
No month is a name or a place.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from .types import DATE, NAME, ORGANISATION, PERSON, PLACE, QUANTITY
from .word_classes import is_known

MONEY, SHARE, COUNT = "money", "share", "count"  # units of a figure, beside answer_types' length, time …

YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")  # "2023", and the year in "FY2023"
_MONTH = re.compile(
    r"\b(?:January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\b\.?"
)
_NUMBER_WORDS = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozens?|hundreds?|thousands?|millions?|"
    r"billions?|half|third|thirds|fifth|tenth|majority|percent"
)
_FIGURE = re.compile(rf"(?<![\w])(?:\$\s?)?\d[\d,.]*%?|\b(?:{_NUMBER_WORDS})\b", re.IGNORECASE)
_DAY = re.compile(rf"(?:{_MONTH.pattern})\s+\d{{1,2}}(?!\d)|\d{{1,2}}(?=\s*,\s*(?:19|20)\d\d\b)")
_MULTIPLIER = re.compile(r"(\d)\s*(?:hundred|thousand|million|billion|trillion)s?\b", re.IGNORECASE)
_CURRENCY = r"dollars?|euros?|pounds sterling|rubles?|roubles?|yuan|yen|rupees?|francs?|USD|EUR|GBP"
_MONEY = re.compile(
    rf"[$€£¥]\s?\d|\b(?:USD|EUR|GBP)\s?\d|\d[\d,.]*\s*(?:thousand|million|billion|trillion)?\s*(?:{_CURRENCY})\b"
    r"|\(in (?:thousands|millions|billions)\b",  # a financial table's amounts: "(In millions, except …)"
    re.IGNORECASE,
)
# A share, not a period: "a third", "half of", "one in five", but not "third quarter" or "first half".
_SMALL = r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten)"
_SHARE = re.compile(
    r"\d%|\b(?:percent|per cent|percentage points?)\b|\b(?:one|a|two)[ -]thirds?\b|\b(?:a|one|three)[ -]quarters?"
    r"\b|\b(?:one|a)[ -]half\b|(?<!first )(?<!second )\bhalf (?:of|the)\b|"
    rf"\b(?:one|a|two|three|four)[ -](?:fifths?|tenths?)\b|\b(?:majority|minority) of\b|"
    rf"\b{_SMALL} (?:in|out of) (?:every )?{_SMALL}\b",
    re.IGNORECASE,
)
_UNITS = {
    "length": r"miles?|kilometers?|kilometres?|km|meters?|metres?|feet|foot|ft|yards?|inches|nautical",
    "time": r"years?|months?|weeks?|days?|hours?|minutes?|decades?",
    "pages": r"pages?",
    "temperature": r"degrees?|°|fahrenheit|celsius",
    "weight": r"tons?|tonnes?|pounds?|kilograms?|kg|lbs?",
}
# A figure in these is found by its own pattern, not by the unit's word after a number.
_FOUND_BY = {MONEY: _MONEY.search, SHARE: _SHARE.search}
_NUMBER = r"(?:\d[\d,.]*|one|two|three|four|five|six|seven|eight|nine|ten|several|many|a few)"
_TITLES = (
    r"Mr\.|Ms\.|Mrs\.|Dr\.|President|Secretary|Senator|Sen\.|Representative|Rep\.|Chair|Chairman|Chairwoman|"
    r"CEO|Judge|Minister|Governor|Commissioner|Administrator|Director"
)
_ORGANISATION_ENDS = (
    r"Inc|LLP|LLC|Corp|Corporation|Company|Co|Ltd|Group|Bank|Agency|Authority|Commission|Department|Ministry|"
    r"Institute|University|Fund|Association|Council|Committee|Office|Administration|Bureau|Service|Services|"
    r"Corps|Guard|Board|Foundation|Partners|Holdings|Technologies|Systems|Labs"
)


def has_figure(text: str, _question: str = "", units: Sequence[str] = ()) -> bool:
    """A number that is not a year alone nor a date's day ("242 pages", "$1.35 billion", "one-third"),
    in one of `units` when any are asked for ("20 miles" for "how wide", "$3.4 billion" for money)."""
    figures = _MULTIPLIER.sub(r"\1", _DAY.sub(" ", text))  # "$98 billion" is one figure, "March 1" none
    found = [m for m in _FIGURE.finditer(figures) if not YEAR.fullmatch(m.group().strip("$,.% "))]
    if not units:
        return bool(found)
    if any(_FOUND_BY[u](text) for u in units if u in _FOUND_BY):  # "a quarter of": a share with no number
        return True
    if not found:
        return False
    if COUNT in units and any(not _is_money(m, figures) for m in found):
        return True
    wanted = "|".join(_UNITS[u] for u in units if u in _UNITS)
    return bool(wanted) and bool(re.search(rf"\b{_NUMBER}(?:\s+|-)(?:{wanted})\b", text, re.IGNORECASE))


def _is_money(figure: re.Match[str], text: str) -> bool:
    """The figure is a sum of money: "$98 billion", "98 billion dollars" (a count is not)."""
    return figure.group().startswith("$") or bool(_MONEY.match(text, figure.start()))


def has_date(text: str, _question: str = "", _units: Sequence[str] = ()) -> bool:
    return bool(YEAR.search(text) or _MONTH.search(text))


def has_person(text: str, question: str = "", _units: Sequence[str] = ()) -> bool:
    """A person's name the question does not give: a title and a name ("President Biden"), or two
    capitalised words neither of which the lexicon knows ("Jensen Huang")."""
    asked = _words_of(question)
    if any(m.group(1).lower() not in asked for m in re.finditer(rf"\b(?:{_TITLES})\s+([A-Z][a-z]+)", text)):
        return True
    return any(
        m.group(1).lower() not in asked
        and m.group(2).lower() not in asked
        and not is_known(m.group(1))
        and not is_known(m.group(2))
        and not _MONTH.fullmatch(m.group(1))
        for m in re.finditer(r"\b([A-Z][a-z]+)\s+(?:[A-Z]\.\s+)?([A-Z][a-z]+)\b", text)
    )


def has_organisation(text: str, question: str = "", _units: Sequence[str] = ()) -> bool:
    """An organisation's name the question does not give: words ending in Inc, Corporation, Agency,
    Committee … ("Islamic Revolutionary Guard Corps"), an acronym ("TSMC"), or a capitalised word the
    lexicon does not know, inside a sentence ("Micron")."""
    asked = _words_of(question)
    for m in re.finditer(rf"\b(?:[A-Z][\w&'-]*\s+){{0,4}}(?:{_ORGANISATION_ENDS})\b", text):
        if len([w for w in re.findall(r"\w+", m.group()) if w.lower() not in asked]) >= 2:
            return True
    if any(m.group().lower() not in asked for m in re.finditer(r"\b[A-Z][A-Z0-9&-]{1,}\b", text)):
        return True
    return any(
        m.group(1).lower() not in asked and not is_known(m.group(1))
        for m in re.finditer(r"(?<=[a-z,;:]\s)([A-Z][a-z]+)", text)
        if not _MONTH.fullmatch(m.group(1))
    )


def has_name(text: str, question: str = "", units: Sequence[str] = ()) -> bool:
    return has_person(text, question) or has_organisation(text, question)


def has_place(text: str, question: str = "", _units: Sequence[str] = ()) -> bool:
    """A capitalised word, not opening the text, that the question does not give and the lexicon does not
    know as a word ("Lithuania", "Houston"; "China" and a few more it knows), or "United States", "U.S."
    …: "Science" in "the CHIPS and Science Act" is no place, nor is an acronym ("EAA", "P.L.")."""
    asked = _words_of(question)
    if any(m.start() > 0 and m.group().lower() not in asked for m in _PLACE_PHRASES.finditer(text)):
        return True
    for m in re.finditer(r"\b[A-Z][a-z]+\b", text):
        word = m.group()
        if m.start() == 0 or word.lower() in asked or _MONTH.fullmatch(word):
            continue
        if word in _PLACES_THAT_ARE_WORDS or not is_known(word):
            return True
    return False


# Places written in words the lexicon knows, and dotted abbreviations ("U.S.", "W.D. Wash.", a court's
# district) but those of laws and orders ("P.L. 119-74", "E.O. 14067", "H.R. 1").
_PLACE_PHRASES = re.compile(
    r"\bUnited (?:States|Kingdom|Arab Emirates)\b|\b(?:North|South|East|West) [A-Z][a-z]+\b|\bUAE\b|\bEU\b"
    r"|\b(?!P\.L\.|E\.O\.|H\.R\.)(?:[A-Z]\.){2,}"
)
# Countries whose names the lexicon knows as words, so "not known" does not find them.
_PLACES_THAT_ARE_WORDS = frozenset("China Turkey Guinea Chile Jersey Georgia Jordan Chad Niger Japan Cuba".split())


INSTANCE_CHECKS: dict[str, Callable[[str, str, Sequence[str]], bool]] = {
    QUANTITY: has_figure,
    DATE: has_date,
    PERSON: has_person,
    NAME: has_name,
    ORGANISATION: has_organisation,
    PLACE: has_place,
}


def _words_of(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"\w+", text)}
