"""Text -> whether it holds an instance of an answer type: a figure (in the units asked for), a date,
a person's name, an organisation's name, a place.

Checks a reader can repeat by eye, on the quoted sentence with its table headings (grounding.py):
- a **figure** is a number that is not a year alone ("242 pages", "$1.35 billion", "one-third");
  "how wide" wants one in units of length, "how long" of length, time or pages;
- a **date** is a year or a month's name;
- a **person's name** is a title and a name ("President Biden") or two capitalised words the English
  lexicon does not know ("Jensen Huang"), neither given by the question;
- an **organisation's name** ends in Inc, Corporation, Agency, Committee … ("Islamic Revolutionary
  Guard Corps"), is an acronym ("TSMC"), or is a capitalised word the lexicon does not know ("Micron");
- a **place** is a capitalised word the question does not give.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from .types import DATE, NAME, ORGANISATION, PERSON, PLACE, QUANTITY
from .word_classes import is_known

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
_UNITS = {
    "length": r"miles?|kilometers?|kilometres?|km|meters?|metres?|feet|foot|ft|yards?|inches|nautical",
    "time": r"years?|months?|weeks?|days?|hours?|minutes?|decades?",
    "pages": r"pages?",
    "temperature": r"degrees?|°|fahrenheit|celsius",
    "weight": r"tons?|tonnes?|pounds?|kilograms?|kg|lbs?",
}
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
    """A number that is not a year alone ("242 pages", "$1.35 billion", "one-third"), in one of
    `units` when any are asked for ("20 miles" for "how wide")."""
    if units:
        wanted = "|".join(_UNITS[u] for u in units)
        return bool(re.search(rf"\b{_NUMBER}(?:\s+|-)(?:{wanted})\b", text, re.IGNORECASE))
    return any(not YEAR.fullmatch(m.group().strip("$,.% ")) for m in _FIGURE.finditer(text))


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
    )


def has_name(text: str, question: str = "", units: Sequence[str] = ()) -> bool:
    return has_person(text, question) or has_organisation(text, question)


def has_place(text: str, question: str = "", _units: Sequence[str] = ()) -> bool:
    """A capitalised word, not opening the text, that the question does not give."""
    asked = _words_of(question)
    return any(m.start() > 0 and m.group().lower() not in asked for m in re.finditer(r"\b[A-Z][a-zA-Z]+\b", text))


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
