"""A filing's own period, from its cover page, and whether it is the period a question asks about.

"What is American Water Works' FY2022 working capital?" is answered by the 10-K for fiscal 2022; its
2020 and 2021 10-Ks print the same rows for other years, and BM25 cannot tell "FY2022" in a question
from "2022" in a 2021 filing's outlook. A 10-K's or 10-Q's cover says which period it reports: "For
the fiscal year ended December 31, 2022", "For the quarterly period ended July 1, 2023". A question
asks about one when it names a fiscal or calendar year ("FY2022", "in 2021": the latest, for
"between FY2021 and FY2022"), or a month with its year ("its June 2023 quarter", "as of December 31,
2022"). Quarters with their year are left to BM25's `q3of2023` terms (term_forms.py): a fiscal
quarter's months depend on the company's calendar.

A fiscal year ending in January or February is called by either year: Walmart's year ended January
31, 2018 is its fiscal 2018, a retailer's ended January 28, 2023 its fiscal 2022. Both match.
"""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from .asks import MONTHS
from .types import Period

ANNUAL = "annual"
QUARTER = "quarter"

# How far into a filing the cover's "For the … ended" stands (the cover is the first page or two).
COVER_CHARS = 6000

_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
# "For the fiscal year ended December 31, 2022"; pypdf may put a column's words between the two
# ("For the quarterly period ended Commission file\nMarch 31, 2021") or lose the month ("ended\n31,\n2018").
_COVER = re.compile(
    r"for\s+the\s+(?P<kind>(?:fiscal\s+)?year|quarterly\s+period|(?:fiscal\s+)?quarter)\s+ended\s*:?\s*"
    rf"(?:[A-Za-z]+\s+){{0,3}}?(?:(?P<month>{_MONTH})\.?\s+)?(?P<day>[0-3]?\d)\s*,\s*(?P<year>(?:19|20)\d\d)\b",
    re.IGNORECASE,
)

# An earnings release has no cover; its first lines say what it reports: "financial results for the
# quarter and year ended December 31, 2022", "fifty-two-week period (“fiscal year”) ended January
# 28, 2023", "the 12 weeks ended March 25, 2023". A year before a quarter: a fourth-quarter release
# reports the year.
_DATE = rf"\s*:?\s*(?:(?P<month>{_MONTH})\.?\s+)(?P<day>[0-3]?\d)\s*,\s*(?P<year>(?:19|20)\d\d)\b"
_RELEASE_YEAR = re.compile(rf"\byear[”\"’)]*\s+ended{_DATE}", re.IGNORECASE)
_RELEASE_QUARTER = re.compile(rf"\b(?:quarter|\d+\s+weeks|three\s+months)[”\"’)]*\s+ended{_DATE}", re.IGNORECASE)
RELEASE_CHARS = 3000  # a release's first page: further on, it compares with other periods


@dataclass(frozen=True)
class FilingPeriod:
    kind: str  # ANNUAL or QUARTER
    year: int
    month: int | None  # None when the cover's month could not be read
    day: int


def filing_period(cover: str) -> FilingPeriod | None:
    """The period a filing reports, from the text of its first pages (a 10-K's or 10-Q's cover, an
    earnings release's first lines); None when they do not say it (an 8-K, a report that is no filing)."""
    return _cover_period(cover[:COVER_CHARS])


@functools.lru_cache(maxsize=1 << 14)  # asked for the candidates' documents on every search
def _cover_period(cover: str) -> FilingPeriod | None:
    found = _COVER.search(cover)
    if found is not None:
        kind = ANNUAL if "year" in found["kind"].lower() else QUARTER
    elif found := _RELEASE_YEAR.search(cover[:RELEASE_CHARS]):
        kind = ANNUAL
    elif found := _RELEASE_QUARTER.search(cover[:RELEASE_CHARS]):
        kind = QUARTER
    else:
        return None
    month = found["month"]
    return FilingPeriod(
        kind=kind,
        year=int(found["year"]),
        month=MONTHS[month.lower()] if month else None,
        day=int(found["day"]),
    )


def asked_period(periods: Sequence[Period]) -> Period | None:
    """The period a question's filing reports: its latest year named alone ("FY2022", "in 2021"),
    else its latest month with a year; None when it names neither."""
    years = [p for p in periods if p.year and p.quarter is None and p.month is None]
    if years:
        return max(years, key=lambda p: p.year or 0)
    months = [p for p in periods if p.year and p.month and p.quarter is None]
    if months:
        return max(months, key=lambda p: (p.year or 0, p.month or 0))
    return None


def reports(filing: FilingPeriod, asked: Period) -> bool:
    """The filing reports the asked period: an annual filing for a year, or any filing whose period
    ends in the asked month (or within the first week after it: Apple's June 2023 quarter ended
    July 1)."""
    if asked.year is None:
        return False
    if asked.month is None:
        if filing.kind != ANNUAL:
            return False
        return filing.year == asked.year or (filing.year == asked.year + 1 and filing.month in (1, 2))
    if filing.month is None:
        return False
    try:
        end = datetime.date(filing.year, filing.month, filing.day)
    except ValueError:  # a day the month does not have: a misread cover
        return False
    first = datetime.date(asked.year, asked.month, 1)
    following = datetime.date(asked.year + asked.month // 12, asked.month % 12 + 1, 1)
    return first <= end < following + datetime.timedelta(days=7)
