"""What retrieval searches for: the question without its answer-format instructions, role and
source directions."""

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
        ("Round to one decimal place.", "Round to one decimal place."),  # nothing else to search for
    ],
)
def test_format_instructions_are_left_out_of_the_search(question: str, searched: str) -> None:
    assert for_search(question) == searched


@pytest.mark.parametrize(
    "question, searched",
    [
        # Who to be: no filing says it.
        (
            "Assume that you are a public equities analyst. What was Acme's FY2019 revenue?",
            "What was Acme's FY2019 revenue?",
        ),
        (
            "Answer the following question as if you are an equity research analyst without internet access. "
            "What was Acme's FY2019 revenue?",
            "What was Acme's FY2019 revenue?",
        ),
        # Where to look: the direction goes, the statement it names stays (a statement page's title).
        (
            "We want to calculate a financial metric. Please help us compute it by basing your answers off of "
            "the balance sheet. Here's the question: what is the FY2020 current ratio for Acme?",
            "balance sheet what is the FY2020 current ratio for Acme?",
        ),
        (
            "What were Acme's FY2021 total current liabilities? Base your judgments on the information "
            "provided primarily in the balance sheet.",
            "What were Acme's FY2021 total current liabilities? balance sheet",
        ),
        ("Using the cash flow statement, what was capex?", "cash flow statement what was capex?"),
        (
            "According to the details clearly outlined within the P&L statement, what was Acme's FY2018 revenue?",
            "P&L statement what was Acme's FY2018 revenue?",
        ),
        # What to say when the documents do not fit the question: an answer's business, not the search's.
        (
            "Does Acme have positive working capital? If working capital is not a useful metric for this "
            "company, then please state that and explain why.",
            "Does Acme have positive working capital?",
        ),
        # A direction naming a company, a report or a period says which document to search: it stays.
        (
            "According to NVIDIA's third quarter report, what was revenue?",
            "According to NVIDIA's third quarter report, what was revenue?",
        ),
        (
            "Using the 2022 cash flow statement, what was capex?",
            "Using the 2022 cash flow statement, what was capex?",
        ),
        # A definition names what to look for: it stays.
        (
            "What is Acme's EBITDA margin? Calculate EBITDA using operating income and D&A from the cash flow "
            "statement.",
            "What is Acme's EBITDA margin? Calculate EBITDA using operating income and D&A from the cash flow "
            "statement.",
        ),
    ],
)
def test_role_and_source_directions_are_left_out_of_the_search(question: str, searched: str) -> None:
    assert for_search(question) == searched
