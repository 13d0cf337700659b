"""The analyst metrics glossary: which metrics a question names, and the words it adds to the search."""

from assistant.metrics_glossary import expansion, metrics_named


def test_a_ratio_adds_the_line_items_it_is_computed_from_and_their_statement() -> None:
    assert expansion("What was Amazon's current ratio at the end of Q1 2023?") == (
        "total current assets total current liabilities consolidated balance sheets"
    )
    assert expansion("Compute the FY2019 free cash flow.") == (
        "net cash provided by operating activities purchases of property and equipment "
        "consolidated statements of cash flows"
    )


def test_margins_are_told_apart() -> None:
    assert [m.line_items[0] for m in metrics_named("the operating profit margin")] == ["operating income"]
    assert [m.line_items[0] for m in metrics_named("the gross margin")] == ["gross margin"]
    assert [m.line_items[0] for m in metrics_named("net profit margin")] == ["net income"]


def test_two_metrics_add_each_line_item_once() -> None:
    words = expansion("Compare working capital and the current ratio.")
    assert words == "total current assets total current liabilities consolidated balance sheets"


def test_a_question_naming_no_metric_adds_nothing() -> None:
    assert expansion("What is the International Seabed Authority?") == ""
    assert expansion("What was the odds ratio for mortality?") == ""  # a ratio, not a financial one
    assert expansion("Did the company's margins improve?") == ""  # no metric named: nothing to compute
