"""What retrieval searches for: the question without its answer-format instructions."""

import pytest

from assistant.questions import for_search


@pytest.mark.parametrize(
    "question, searched",
    [
        (
            "Amazon's current ratio at the end of Q1 2023? Round to two decimals.",
            "Amazon's current ratio at the end of Q1 2023?",
        ),
        (
            "What was 3M's FY2018 capital expenditure? Answer in USD millions.",
            "What was 3M's FY2018 capital expenditure?",
        ),
        (
            "What share of net income went to dividends? Give the answer as a percentage, rounded to one decimal.",
            "What share of net income went to dividends?",
        ),
        ("What was the margin, rounded to one decimal place, in fiscal 2023?", "What was the margin, in fiscal 2023?"),
        (
            "Net cash, i.e. cash less debt, in USD millions for the U.S. unit?",
            "Net cash, i.e. cash less debt for the U.S. unit?",
        ),
        # Not instructions: they say where to look, and stay.
        ("Using the cash flow statement, what was capex?", "Using the cash flow statement, what was capex?"),
        ("Round to one decimal place.", "Round to one decimal place."),  # nothing else to search for
    ],
)
def test_format_instructions_are_left_out_of_the_search(question: str, searched: str) -> None:
    assert for_search(question) == searched
