"""Golden tests for text repair: each input is small enough to check the expected output by eye."""

from collections import Counter

from assistant.reading import cleaning
from assistant.reading.sentences import sentence_spans


def test_ligatures_and_odd_spaces_become_plain_text() -> None:
    assert cleaning.normalize_chars("e\ufb03cient \ufb01rst\u00a0step\u00adwise\u200b") == "efficient first stepwise"


def test_line_end_hyphen_is_removed_when_the_word_is_whole_elsewhere() -> None:
    words = Counter({"example": 1})
    assert cleaning.dehyphenate(["an exam-", "ple here"], words) == ["an example here"]


def test_line_end_hyphen_is_kept_for_a_compound_the_document_spells_with_one() -> None:
    words = Counter({"well-known": 2})
    assert cleaning.dehyphenate(["a well-", "known fact"], words) == ["a well-known fact"]


def test_hyphen_before_a_capital_is_not_a_word_break() -> None:
    words: Counter[str] = Counter()
    assert cleaning.dehyphenate(["Belarus-", "Russia relations"], words) == ["Belarus-", "Russia relations"]


def test_running_header_and_page_number_footer_are_removed_from_every_page() -> None:
    """'Report Title' heads all 4 pages and 'Page N' (N changing) ends them: both go. The body
    lines stay, though the first and last of each sit at the page's edges too."""
    bodies = [
        ["Summary", "Alpha.", "Beta.", "Gamma."],
        ["Details", "Delta.", "Epsilon.", "Zeta."],
        ["Method", "Eta.", "Theta.", "Iota."],
        ["Outlook", "Kappa.", "Lambda.", "Mu."],
    ]
    pages = [["Report Title", *body, f"Page {n}"] for n, body in enumerate(bodies, start=1)]
    assert cleaning.strip_running_lines(pages) == bodies


def test_roman_page_numbers_count_as_page_numbers() -> None:
    pages = [["Body one.", "Page i"], ["Body two.", "Page ii"], ["Body three.", "Page iii"]]
    assert cleaning.strip_running_lines(pages) == [["Body one."], ["Body two."], ["Body three."]]


def test_wrapped_lines_are_glued_and_real_breaks_kept() -> None:
    lines = [
        "Chapter 2",
        "The relationship between the two countries has been described as a union of",
        "unequal partners for decades.",
        "- first point",
        "- second point",
        "",
        "A new paragraph.",
    ]
    assert cleaning.join_wrapped(lines) == (
        "Chapter 2\nThe relationship between the two countries has been described as a union of "
        "unequal partners for decades.\n- first point\n- second point\n\nA new paragraph."
    )


def test_table_rows_are_not_glued_together() -> None:
    lines = ["Net sales $ 35,383 $ 37,472 $ 122,445 $ 129,850", "Operating income $ 13,117 $ 13,914"]
    assert cleaning.join_wrapped(lines) == "\n".join(lines)


def test_contents_pages_are_recognised() -> None:
    titled = ["Contents", "Introduction 1", "Findings 7"]
    leaders = ["About This Report ........ iii", "Summary ........ v", "Chapter 1 ........ 1", "Chapter 2 ........ 9"]
    prose = ["The union treaty was signed in 1999.", "It created a joint budget."]
    assert cleaning.is_toc_page(titled)
    assert cleaning.is_toc_page(leaders)
    assert not cleaning.is_toc_page(prose)
    continuation = ["Chapter 3 Industry 40", "Chapter 4 Neighbours 61", "Chapter 5 Outlook 80", "Appendix 101"]
    assert cleaning.is_toc_page(continuation, after_toc=True)
    assert not cleaning.is_toc_page(continuation, after_toc=False)


def test_a_contents_title_atop_most_pages_is_a_link_not_a_contents_page() -> None:
    """Filings converted from HTML print "Table of Contents" (a link back) atop their pages: then the
    title alone makes no page a contents page, and the contents itself is known by its page numbers."""
    contents = ["TABLE OF CONTENTS", "Page", "Part I", "Item 1. Business 4", "Item 1A. Risks 25", "Item 2. Mines 40"]
    prose = ["Table of Contents", "Consolidated Balance Sheets", "Total current assets 1,250 1,554", "Other 312 155"]
    exhibit = ["The pro-rata portion earned will be equal to the number of units.", "Section 2. Vesting."]
    assert cleaning.toc_pages([contents, prose, prose, prose, prose, exhibit]) == [True] + [False] * 5
    # Titled on a few pages only, as a report's own contents runs: each titled page is one.
    assert cleaning.toc_pages([contents, prose] + [exhibit] * 20) == [True, True] + [False] * 20


def _sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in sentence_spans(text)]


def test_sentences_split_at_ends_but_not_at_abbreviations_or_initials() -> None:
    text = "The U.S. and the E.U. agreed in 2021. J. Smith disagreed, e.g. on trade. Why? Because.\nA heading"
    assert _sentences(text) == [
        "The U.S. and the E.U. agreed in 2021.",
        "J. Smith disagreed, e.g. on trade.",
        "Why?",
        "Because.",
        "A heading",
    ]


def test_sentences_start_after_list_markers_and_heading_marks() -> None:
    assert _sentences("- first item\n## Key Findings\n2. second item") == ["first item", "Key Findings", "second item"]


def test_sentence_spans_respect_a_window() -> None:
    text = "One. Two three. Four."
    assert [text[s:e] for s, e in sentence_spans(text, 5, 15)] == ["Two three."]


def test_a_table_row_ending_in_percentages_is_not_run_into_the_prose_after_it() -> None:
    # From a real 10-Q (Apple, Q3 2023): the row ends in "(3)%", the next line starts in lower case.
    lines = [
        "Total net sales $ 81,797 $ 82,959 (1)% $ 293,787 $ 304,182 (3)%",
        "iPhone",
        "iPhone net sales decreased during the third quarter and first nine months of 2023 compared to the",
        "same periods in 2022.",
    ]
    text = cleaning.join_wrapped(lines)
    assert text.split("\n")[:2] == lines[:2]
    assert [text[s:e] for s, e in sentence_spans(text)][0] == lines[0]


def test_prose_wrapped_after_a_year_is_still_glued() -> None:
    lines = ["Revenue grew in fiscal 2023", "compared with fiscal 2022."]
    assert cleaning.join_wrapped(lines) == "Revenue grew in fiscal 2023 compared with fiscal 2022."


def test_a_caption_keeps_its_own_line() -> None:
    lines = [
        "CONDENSED CONSOLIDATED STATEMENTS OF OPERATIONS (Unaudited)",
        "(In millions, except number of shares which are reflected in thousands and per share amounts)",
        "Net sales $ 60,584 $ 63,355",
    ]
    assert cleaning.join_wrapped(lines).split("\n")[0] == lines[0]


def test_a_footnote_marker_after_a_full_stop_ends_the_sentence_with_it() -> None:
    text = (
        "The U.S. Senate has considered ratifying UNCLOS multiple times.126 From the 115th through 119th "
        "Congresses, some Members acted. It was, they said, “settled.”12 Then (TOML).107 The end. Version 3.2 "
        "The figure stands."
    )
    assert _sentences(text) == [
        "The U.S. Senate has considered ratifying UNCLOS multiple times.126",
        "From the 115th through 119th Congresses, some Members acted.",
        "It was, they said, “settled.”12",
        "Then (TOML).107",
        "The end.",
        "Version 3.2 The figure stands.",  # a decimal, not a marker
    ]


def test_abbreviations_end_a_sentence_only_before_a_word_that_opens_one() -> None:
    text = (
        "The Trump Administration issued Executive Order (E.O.) 14285, which the U.S. Senate noted. "
        "It was made in the U.S. The order followed. Apple Inc. The company grew. See pp. 31-32 and No. 5. "
        "Smith et al. (2020) agreed. He said “No.” She left. Figure 3. Clarion-Clipperton Zone (CCZ)"
    )
    assert _sentences(text) == [
        "The Trump Administration issued Executive Order (E.O.) 14285, which the U.S. Senate noted.",
        "It was made in the U.S.",
        "The order followed.",
        "Apple Inc.",
        "The company grew.",
        "See pp. 31-32 and No. 5.",
        "Smith et al. (2020) agreed.",
        "He said “No.”",
        "She left.",
        "Figure 3. Clarion-Clipperton Zone (CCZ)",
    ]
    assert _sentences("h. The total Fossil Energy account is listed. It grew.") == [
        "The total Fossil Energy account is listed.",  # a table note's letter, as a list bullet, is not quoted
        "It grew.",
    ]


def test_lines_a_layout_broke_are_glued_as_the_report_prints_them() -> None:
    lines = [
        "Also see ISA, “Minerals,” https://isa.org.jm/exploration-contracts/",  # an address broken at a slash
        "polymetallic-nodules/ (hereinafter ISA).",
        "China holds three contracts for polymetallic nodules; one contract for polymetallic sulfides;",
        "and one contract for crusts.",
        "From the 115th Congress on, some Members acted. On April 24, 2025,",  # a date, not a table row
        "the President issued an order, see p.",
        "17 of the order, under P.L. 66-",
        "261) and more.",
    ]
    text, _ = cleaning.clean_lines(lines, Counter(), [False] * len(lines))
    assert text.split("\n") == [
        "Also see ISA, “Minerals,” https://isa.org.jm/exploration-contracts/polymetallic-nodules/ (hereinafter ISA).",
        "China holds three contracts for polymetallic nodules; one contract for polymetallic sulfides; "
        "and one contract for crusts.",
        "From the 115th Congress on, some Members acted. On April 24, 2025, the President issued an order, see "
        "p. 17 of the order, under P.L. 66-261) and more.",
    ]


def test_a_line_of_another_kind_is_never_glued_and_a_full_line_ending_in_a_colon_goes_on() -> None:
    """clean_lines: a footnote after body text stays apart even when it starts in lower case; a line the
    PDF sets right below a line that fills its column goes on with it, after a colon too (a Source
    line's next line); a table's label, which follows its row but fills nothing, is not run into it."""
    lines = [
        "Source: Map created by CRS using International Seabed Authority data and Deep Sea Mining:",
        "A Report to Congress, 1995, p. 6.",
        "the note's text starts in lower case here.",
        "Operating expenses:",
        "Research and development 7,709 6,306",
    ]
    text, origins = cleaning.clean_lines(
        lines,
        Counter(),
        breaks=[False, False, True, False, False],
        kinds=["caption", "caption", "note", "body", "body"],
        follows=[False, True, False, False, True],
        wraps=[False, True, False, False, False],
    )
    assert text.split("\n") == [
        "Source: Map created by CRS using International Seabed Authority data and Deep Sea Mining: A Report to "
        "Congress, 1995, p. 6.",
        "the note's text starts in lower case here.",
        "Operating expenses:",
        "Research and development 7,709 6,306",
    ]
    assert origins == [0, 2, 3, 4]
