"""What a question asks for (asks.py), stage by stage, on questions whose asks a person can check by
hand: the answer type, the periods, the content words, and the focus terms against a real index."""

from collections.abc import Callable
from pathlib import Path

import pytest

from assistant import Assistant
from assistant.asks import answer_type, asks, content_words, periods
from assistant.types import DATE, DESCRIPTION, LIST, NAME, ORGANISATION, PERSON, PLACE, QUANTITY, REASON, Period

from .conftest import ROOT


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("How many tanks does the Belarusian army have?", QUANTITY),
        ("What share of Belarus's exports go to Russia?", QUANTITY),
        ("What was NVIDIA's revenue in the third quarter of fiscal 2024?", QUANTITY),
        ("Amazon's current ratio at the end of Q1 2023?", QUANTITY),
        ("When was the International Seabed Authority established?", DATE),
        ("In what year did the Union State treaty come into force?", DATE),
        ("What was the watershed year?", DATE),
        ("Who paid for the RAND study?", NAME),  # a company or an agency may have paid
        ("Who leads the Belarusian opposition?", PERSON),
        ("Which agency issues exploration contracts?", ORGANISATION),
        ("Where are optical components made?", PLACE),
        ("Which country hosts the ISA?", PLACE),
        ("Which countries bordering Belarus does the report examine?", PLACE),  # a list of places
        ("Which sectors does the report examine?", LIST),
        ("Why did Apple's tax rate rise?", REASON),
        ("What drove the change in gross margin?", REASON),
        ("What is the Clarion-Clipperton Zone?", DESCRIPTION),
    ],
)
def test_the_answer_type_comes_from_the_wh_word_and_its_noun(question: str, kind: str) -> None:
    assert answer_type(question) == kind


def test_periods_compare_equal_however_they_are_written() -> None:
    found = [p for p, _ in periods("Q3 FY2024, the third quarter of fiscal 2024, fiscal 2024 third quarter")]
    assert {(p.year, p.quarter, p.fiscal) for p in found} == {(2024, 3, True)}
    assert [p.text for p in found] == ["Q3 FY2024", "third quarter of fiscal 2024", "fiscal 2024 third quarter"]
    (plain,) = [p for p, _ in periods("revenue in Q1 2023")]
    assert plain == Period("Q1 2023", year=2023, quarter=1)


def test_dates_months_fiscal_years_and_years() -> None:
    found = [p for p, _ in periods("cash as of December 31, 2022, in March 2023, FY21 and in 1994, as of June 30")]
    assert found == [
        Period("December 31, 2022", year=2022, month=12, day=31),
        Period("March 2023", year=2023, month=3),
        Period("FY21", year=2021, fiscal=True),
        Period("1994", year=1994),
        Period("June 30", month=6, day=30),
    ]


def test_what_is_not_a_period_is_not_read_as_one() -> None:
    assert periods("The report may say so; it cost $2,019 million and 2019.5 tons.") == []


def test_content_words_leave_out_question_period_and_answer_type_words() -> None:
    question = "What share of Belarus's exports went to Russia in 2021?"
    assert content_words(question, periods(question)) == ["Belarus", "exports", "Russia"]
    assert content_words("Who paid for the RAND study of Belarus-Russia relations?") == [
        "RAND",
        "study",
        "Belarus-Russia",
        "relations",
    ]


def test_answer_format_instructions_ask_nothing_of_the_documents() -> None:
    found = asks(
        "Amazon's current ratio at the end of Q1 2023? Round to two decimals.", lambda words: [0.0] * len(words)
    )
    assert found.focus == ("Amazon", "current", "ratio")
    assert found.periods == (Period("Q1 2023", year=2023, quarter=1),)
    assert found.answer_type == QUANTITY


def test_focus_terms_are_the_words_the_library_rarely_holds(
    tmp_path: Path, make_assistant: Callable[..., Assistant]
) -> None:
    """On the bundled summary (8 passages): Belarus, Russia, defense are what it is about; it never
    says tanks, exports or Vilnius."""
    assistant = make_assistant(ROOT / "documents", tmp_path / "idx")
    assistant.index()
    shares = assistant.stored_index().term_shares
    assert asks("How many tanks does the Belarusian defense sector have?", shares).focus == ("tanks",)
    assert asks("What share of Belarus's exports go to Russia?", shares).focus == ("exports",)
    found = asks("What happened between Russia and Belarus in Vilnius in 2019?", shares)
    assert (found.focus, found.periods) == (("Vilnius",), (Period("2019", year=2019),))
    assert shares(["Belarus", "tanks", "the"]) == [1.0, 0.0, 1.0]  # a stopword is held everywhere
    # what a figure is asked per is asked for only when the library names it: "each month" it never does
    assert asks("How many tanks does Russia deliver to Belarus each month?", shares).target == ("tanks",)
    assert asks("How many tanks does Russia deliver to Belarus each year?", shares).target == ("tanks", "year")
