"""Names, years and quarters in the forms people write them: what BM25 adds to every text it sees."""

import pytest

from assistant.lexical import terms
from assistant.term_forms import extra_forms


@pytest.mark.parametrize(
    "text, forms",
    [
        ("ACME_2022_10K.pdf", ["ACME", "2022", "10K", "10", "K"]),
        ("3M_2018_10K", ["3M", "3", "M", "2018", "10K", "10", "K"]),
        ("AcmeCorp annual report", ["Acme", "Corp"]),
        ("FY2022", ["FY", "2022"]),
        ("FY22 and FY'22", ["2022", "2022"]),
        ("the third quarter of fiscal year 2024", ["q3", "q3of2024"]),
        ("Q3 FY23", ["2023", "q3of2023"]),
        ("NVIDIA's fiscal 2024 second quarter", ["q2", "q2of2024"]),
        ("fiscal year 2024's second quarter", ["q2", "q2of2024"]),
        ("2023 Q3 AAPL", ["q3of2023"]),
        ("first-quarter results", ["q1"]),
        ("IL-6 levels in 2020", []),
    ],
)
def test_forms(text: str, forms: list[str]) -> None:
    assert extra_forms(text) == forms


def test_a_question_and_a_file_name_share_the_terms_people_mean() -> None:
    asked, named = terms(["What was Acme's capital expenditure in FY2022?", "ACME_2022_10K"])
    assert {"acm", "2022"} <= asked & named


@pytest.mark.parametrize(
    "question", ["Apple's Q3 2023 net sales", "Apple's third quarter of fiscal 2023", "Apple's 2023 Q3"]
)
def test_every_way_of_naming_a_quarter_meets_the_others(question: str) -> None:
    (asked,) = terms([question])
    (footer,) = terms(["Apple Inc. | Q3 2023 Form 10-Q | 1"])
    assert "q3of2023" in asked & footer
