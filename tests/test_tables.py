"""Table rows, their column headings and groups, read from page text as pypdf extracts it (the
pages below are copied from the Docugami 10-Qs' cleaned text)."""

from assistant.reading.tables import embedded_text, is_heading_line, is_row, row_at, table_rows

STATEMENT = """AMAZON.COM, INC.
CONSOLIDATED STATEMENTS OF OPERATIONS
(in millions, except per share data) (unaudited)

Three Months Ended
March 31,
2022 2023
Net product sales $ 56,455 $ 56,981
Net service sales 59,989 70,377
Total net sales 116,444 127,358
Operating expenses:
Cost of sales 66,499 67,791
Fulfillment 20,271 20,905
Total operating expenses 112,775 122,584
Operating income 3,669 4,774
See accompanying notes to consolidated financial statements."""

SEGMENTS = (
    (
        "Information on reportable segments and reconciliation to consolidated net income (loss) is as follows"
        " (in millions):\n"
    )
    + """Three Months Ended
March 31,
2022 2023
North America
Net sales $ 69,244 $ 76,881
Operating expenses 70,812 75,983
AWS
Net sales $ 18,441 $ 21,354
Operating expenses 11,923 16,231"""
)

APPLE = (
    (
        "(In millions, except number of shares which are reflected in thousands and per share amounts)"
        " Three Months Ended Nine Months Ended\n"
    )
    + """July 1,
2023
June 25,
2022 Change
July 1,
2023
June 25,
2022 Change
Net sales by category:
iPhone $ 39,669 $ 40,665 (2)% $ 156,778 $ 162,863 (4)%
Total net sales $ 81,797 $ 82,959 (1)% $ 293,787 $ 304,182 (3)%
iPhone
iPhone net sales decreased during the third quarter and first nine months of 2023 compared to the same periods in 2022.
Total future purchase commitments as of July 30, 2023 are as follows:
2025 3,960
2026 957"""
)


def rows_of(text: str) -> dict[str, tuple[str, str]]:
    return {text[r.start : r.end]: (r.group, r.columns) for r in table_rows(text)}


def test_heading_lines_name_periods_and_hold_no_amounts() -> None:
    for line in (
        "Three Months Ended",
        "March 31,",
        "2022 2023",
        "July 30, January 29,",
        "2022 Change",
        "(In millions)",
    ):
        assert is_heading_line(line), line
    for line in (
        "Net sales $ 69,244 $ 76,881",
        "2025 3,960",
        "Operating expenses:",
        "As of 2023 we held 158 million shares.",
    ):
        assert not is_heading_line(line), line


def test_rows_end_in_figures() -> None:
    assert is_row("Total net sales $ 81,797 $ 82,959 (1)% $ 293,787 $ 304,182 (3)%")
    assert is_row("Preferred stock — —")
    assert is_row("2025 3,960")
    assert not is_row("2022 2023")  # a heading line of years
    assert not is_row(
        "Net sales decreased 5% or $6.8 billion during the first quarter of 2023 compared to the quarter"
        " a year ago in 2022"
    )


def test_a_statement_row_has_its_headings_and_group() -> None:
    rows = rows_of(STATEMENT)
    assert rows["Net service sales 59,989 70,377"] == ("", "Three Months Ended March 31, 2022 2023")
    assert rows["Fulfillment 20,271 20,905"] == ("Operating expenses:", "Three Months Ended March 31, 2022 2023")
    # A "Total" row closes its group: operating income is not an operating expense.
    assert rows["Total operating expenses 112,775 122,584"][0] == "Operating expenses:"
    assert rows["Operating income 3,669 4,774"][0] == ""
    assert "See accompanying notes to consolidated financial statements." not in rows


def test_a_segment_title_over_rows_is_their_group() -> None:
    rows = rows_of(SEGMENTS)
    assert rows["Operating expenses 11,923 16,231"] == ("AWS", "Three Months Ended March 31, 2022 2023")
    assert rows["Operating expenses 70,812 75,983"][0] == "North America"


def test_headings_split_over_lines_are_joined_and_prose_ends_the_table() -> None:
    rows = rows_of(APPLE)
    group, columns = rows["Total net sales $ 81,797 $ 82,959 (1)% $ 293,787 $ 304,182 (3)%"]
    assert group == "Net sales by category:"
    assert columns == (
        "Three Months Ended Nine Months Ended July 1, 2023 June 25, 2022 Change July 1, 2023 June 25, 2022 Change"
    )
    # After the paragraph, a table without headings of its own does not borrow the last table's.
    assert rows["2025 3,960"] == ("", "")


def test_row_at_finds_the_row_a_span_lies_in_and_only_that() -> None:
    row = "Net service sales 59,989 70,377"
    start = STATEMENT.index(row)
    found = row_at(STATEMENT, start, start + len(row))
    assert found is not None and STATEMENT[found.start : found.end] == row
    prose = "See accompanying notes to consolidated financial statements."
    assert row_at(STATEMENT, STATEMENT.index(prose), STATEMENT.index(prose) + len(prose)) is None
    # a span reaching past the row's line is not that row
    assert row_at(STATEMENT, start, start + len(row) + 5) is None


def test_a_row_is_embedded_with_what_it_is_and_prose_as_it_is() -> None:
    row = "Fulfillment 20,271 20,905"
    start = STATEMENT.index(row)
    assert embedded_text(STATEMENT, start, start + len(row)) == (
        "Operating expenses: Fulfillment 20,271 20,905 — Three Months Ended March 31, 2022 2023"
    )
    prose = "See accompanying notes to consolidated financial statements."
    start = STATEMENT.index(prose)
    assert embedded_text(STATEMENT, start, start + len(prose)) == prose
