"""A filing's own period from its cover, and whether it is the period a question asks about
(filing_periods.py)."""

import pytest

from assistant.asks import periods
from assistant.filing_periods import ANNUAL, QUARTER, FilingPeriod, asked_period, filing_period, reports
from assistant.types import Period


@pytest.mark.parametrize(
    ("cover", "period"),
    [
        (
            "ANNUAL REPORT PURSUANT TO SECTION 13 OR 15(d)\nFor the fiscal year ended December 31, 2022\nOR",
            FilingPeriod(ANNUAL, 2022, 12, 31),
        ),
        ("FOR THE FISCAL YEAR ENDED MAY 29, 2022", FilingPeriod(ANNUAL, 2022, 5, 29)),
        ("For the quarterly period ended July 1, 2023\nor", FilingPeriod(QUARTER, 2023, 7, 1)),
        # As pypdf reads two cover columns into one line, and a cover whose month it lost.
        (
            "For the quarterly period ended Commission file\nMarch 31, 2021 number 1-5805",
            FilingPeriod(QUARTER, 2021, 3, 31),
        ),
        ("For\nthe\nfiscal\nyear\nended\n31,\n2018\n\nOR", FilingPeriod(ANNUAL, 2018, None, 31)),
        # Earnings releases say it in their first lines: a fourth-quarter release reports the year.
        (
            "MGM Resorts International today reported financial results for the quarter and year ended "
            "December 31, 2022.",
            FilingPeriod(ANNUAL, 2022, 12, 31),
        ),
        (
            "announced financial results for its thirteen-week period (“fourth quarter”) and fifty-two-week "
            "period (“fiscal year”) ended January 28, 2023 compared to",
            FilingPeriod(ANNUAL, 2023, 1, 28),
        ),
        ("Quarterly Report on Form 10-Q for the 12 weeks ended March 25, 2023", FilingPeriod(QUARTER, 2023, 3, 25)),
        # No period of its own: an 8-K, a report that is no filing.
        ("FORM 8-K\nCURRENT REPORT\nDate of Report (Date of earliest event reported): May 30, 2023", None),
        ("Cooperation and Dependence in Belarus-Russia Relations\nRAND Corporation, 2023", None),
    ],
)
def test_a_filing_says_its_period_on_its_cover(cover: str, period: FilingPeriod | None) -> None:
    assert filing_period(cover) == period


def _asked(question: str) -> Period | None:
    return asked_period([period for period, _ in periods(question)])


def test_a_question_asks_for_its_latest_year_else_its_latest_month() -> None:
    assert _asked("What is the FY2022 working capital?") == Period("FY2022", 2022, fiscal=True)
    assert (_asked("What is the FY2018 - FY2020 average capex?") or Period("")).year == 2020
    assert _asked("Apple's diluted EPS in its June 2023 quarter?") == Period("June 2023", 2023, month=6)
    assert _asked("What was the revenue in Q3 2023?") is None  # a quarter: BM25's q3of2023 terms
    assert _asked("What drove the margin change?") is None


def test_an_annual_filing_reports_its_year_and_a_filing_its_month() -> None:
    fiscal_2022 = Period("FY2022", 2022, fiscal=True)
    assert reports(FilingPeriod(ANNUAL, 2022, 12, 31), fiscal_2022)
    assert not reports(FilingPeriod(ANNUAL, 2021, 12, 31), fiscal_2022)
    assert not reports(FilingPeriod(QUARTER, 2022, 9, 30), fiscal_2022)  # a 10-Q of that year is not its 10-K
    # A year ending in January is called by either year (Walmart's fiscal 2018 ended January 31, 2018;
    # a retailer's fiscal 2022 ended January 28, 2023).
    assert reports(FilingPeriod(ANNUAL, 2023, 1, 28), fiscal_2022)
    assert reports(FilingPeriod(ANNUAL, 2022, 1, 31), fiscal_2022)
    june_2023 = Period("June 2023", 2023, month=6)
    assert reports(FilingPeriod(QUARTER, 2023, 7, 1), june_2023)  # Apple's June quarter ended July 1
    assert reports(FilingPeriod(QUARTER, 2023, 6, 30), june_2023)
    assert not reports(FilingPeriod(QUARTER, 2022, 6, 25), june_2023)
    assert not reports(FilingPeriod(QUARTER, 2023, 7, 30), june_2023)
    assert not reports(FilingPeriod(ANNUAL, 2018, None, 31), Period("June 2018", 2018, month=6))
