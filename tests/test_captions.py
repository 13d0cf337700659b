"""Captions over tables and notes, carried into the context line of every passage under them."""

from assistant.reading.captions import CaptionsInForce, is_caption, page_captions


def test_captions_are_capitals_or_note_and_item_openings_never_table_rows() -> None:
    assert is_caption("CONDENSED CONSOLIDATED STATEMENTS OF CASH FLOWS (Unaudited)")
    assert is_caption("Note 4 – Leases")
    assert is_caption("Item 2. Management's Discussion and Analysis")
    assert not is_caption("TOTAL NET SALES 81,797 82,959")
    assert not is_caption("(Unaudited)")
    assert not is_caption("AWS")
    assert not is_caption("The Company repurchased $18.0 billion of its common stock.")


def test_consecutive_caption_lines_are_one_caption() -> None:
    text = "NVIDIA CORPORATION AND SUBSIDIARIES\nCONDENSED CONSOLIDATED BALANCE SHEETS\nAssets 1 2\nNote 3 - Leases\n"
    assert page_captions(text) == [
        (0, "NVIDIA CORPORATION AND SUBSIDIARIES CONDENSED CONSOLIDATED BALANCE SHEETS"),
        (text.index("Note 3"), "Note 3 - Leases"),
    ]


def test_the_caption_in_force_runs_onto_later_pages_and_names_the_part_of_its_table() -> None:
    pages = [[(0, "STATEMENTS OF CASH FLOWS"), (50, "INVESTING ACTIVITIES:")], [(10, "FINANCING ACTIVITIES:")], []]
    caption_at = CaptionsInForce.of(pages).at
    assert caption_at(1, 0) == "STATEMENTS OF CASH FLOWS"
    assert caption_at(1, 60) == "STATEMENTS OF CASH FLOWS — INVESTING ACTIVITIES:"
    assert caption_at(2, 5) == "STATEMENTS OF CASH FLOWS — INVESTING ACTIVITIES:"
    assert caption_at(3, 0) == "STATEMENTS OF CASH FLOWS — FINANCING ACTIVITIES:"
    assert CaptionsInForce.of([[]]).at(1, 0) == ""
