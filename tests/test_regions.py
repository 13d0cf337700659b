"""The parts of a page told apart: the golden policy report (tests/pdfs.py, REPORT_PAGES) read as its
reader reads it, markdown footnotes, and the signals counted for the parse report."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.embedding import Embedder
from assistant.reading.chunking import chunk_document
from assistant.reading.ingest import read_document
from assistant.types import BODY, CAPTION, LABEL, NOTE, REFERENCE, Document, Page

from . import pdfs


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Document:
    path = pdfs.policy_report(tmp_path_factory.mktemp("report") / "report.pdf")
    return read_document(path, "report.pdf")


def _parts(page: Page) -> list[tuple[str, str, str]]:
    return [(r.kind, r.label, page.text[r.start : r.end]) for r in page.regions]


def test_running_heads_and_feet_are_not_kept(report: Document) -> None:
    """The title at the top of every page and 'Congressional Research Service N' at its foot recur at
    the edge of every page's text, and are set in its top and bottom 8%: neither is left in any page's
    text (the first rule to decide counts them)."""
    for page in report.pages:
        assert pdfs.REPORT_HEAD not in page.text
        assert pdfs.REPORT_FOOT not in page.text
    assert dict(report.report.signals)["running_edge"] == 8


def test_footnotes_are_told_apart_and_their_markers_found(report: Document) -> None:
    """Page 1: notes 12 and 13 at its foot, set in 9 points and opened by a raised number, are notes;
    the body's raised 12 and 13 are its markers, kept in the text right after the full stops."""
    page = report.page(1)
    assert _parts(page) == [
        (NOTE, "12", "12 Senate Treaty Document 103-39, October 7, 1994, Congressional Record, p. 17."),
        (
            NOTE,
            "13",
            "13 Executive Order 14285 of April 24, 2025, Unleashing America's Offshore Critical Minerals and "
            "Resources, 90 Federal Register 17735, April 29, 2025, which the Administration said",
        ),
    ]
    assert [page.text[s:e] for s, e in page.markers] == ["12", "13"]
    assert page.text[page.markers[0][0] - 15 : page.markers[0][1]] == "multiple times.12"
    assert page.kind_at(page.text.index("The Senate has considered")) == BODY


def test_a_note_that_runs_on_to_the_next_page_keeps_its_number(report: Document) -> None:
    """Page 2's first note line has no number: set in the notes' size right above note 14, at its
    margin, it goes on with note 13 of page 1."""
    notes = [p for p in _parts(report.page(2)) if p[0] == NOTE]
    assert notes == [
        (NOTE, "13", "would speed the licensing of American firms."),
        (NOTE, "14", "14 International Seabed Authority, Annual Report 2025, Kingston, Jamaica, p. 12."),
    ]
    assert dict(report.report.signals)["footnote_continued"] == 1


def test_a_figure_has_its_caption_labels_and_source_lines(report: Document) -> None:
    page = report.page(2)
    assert [p for p in _parts(page) if p[0] != NOTE] == [
        (CAPTION, "", "Figure 1. Map of the Clarion-Clipperton Zone"),
        (LABEL, "", "Clarion-Clipperton Zone\nHawaii\nMexico"),
        (CAPTION, "", "Source: Map created by the author using International Seabed Authority data."),
        (CAPTION, "", "Notes: The zone spans about 1.7 million square miles of the Pacific seafloor."),
    ]
    # The body on both sides of the figure stays body text.
    assert page.kind_at(page.text.index("Polymetallic nodules")) == BODY
    assert page.kind_at(page.text.index("Most commercial interest")) == BODY


def test_a_tables_rows_stay_body_text_between_its_caption_and_source(report: Document) -> None:
    page = report.page(3)
    assert _parts(page) == [
        (CAPTION, "", "Table 1. Seabed Mineral Deposits"),
        (CAPTION, "", "Source: Bureau of Ocean Energy Management, Types of Marine Mineral Deposits."),
    ]
    assert page.kind_at(page.text.index("Nodules 17 31")) == BODY


def test_a_reference_list_runs_from_its_heading_to_the_end(report: Document) -> None:
    page = report.page(4)
    assert _parts(page) == [
        (
            REFERENCE,
            "",
            "References\nAmon, Diva, et al. Assessment of Scientific Gaps. Marine Policy 138, 2022.\n"
            "Sharma, Rahul. Environmental Issues of Deep-Sea Mining. Springer, 2019.",
        )
    ]
    assert page.kind_at(0) == BODY


def test_the_parse_report_counts_each_signal(report: Document) -> None:
    assert dict(report.report.signals) == {
        "caption_source": 3,
        "caption_title": 2,
        "footnote_continued": 1,
        "footnote_superscript": 3,
        "label_in_figure": 3,
        "marker_superscript": 3,
        "references_section": 1,
        "running_edge": 8,
    }


def test_chunks_hold_one_kind_each(report: Document, embedder: Embedder) -> None:
    """A passage of footnotes is never the body passage that answers: chunks are cut where the kind
    changes, and say which kind they are."""
    chunks = chunk_document(report, embedder.count_tokens, 200, 40)
    for chunk in chunks:
        kinds = {report.page(p).kind_at(s) for p, s, _ in chunk.sentences}
        assert kinds == {chunk.kind}
    assert {c.kind for c in chunks} == {BODY, NOTE, CAPTION, LABEL, REFERENCE}


def test_markdown_footnotes_are_notes_and_their_markers_point_to_them(tmp_path: Path) -> None:
    path = tmp_path / "memo.md"
    path.write_text(
        "# Memo\n\nThe gauge differs between the two networks.[^1] It was set in 1850.\n\n"
        "[^1]: Railway Gazette, 2020, p. 4.\n    Reprinted in 2021.\n\n## References\n\nSmith, J. Rails. 2019.\n",
        encoding="utf-8",
    )
    document = read_document(path, "memo.md")
    page = document.page(1)
    assert _parts(page) == [
        (NOTE, "1", "[^1]: Railway Gazette, 2020, p. 4.\nReprinted in 2021."),
        (REFERENCE, "", "## References\n\nSmith, J. Rails. 2019."),
    ]
    assert [page.text[s:e] for s, e in page.markers] == ["1"]
    assert page.text[page.markers[0][0] - 4 : page.markers[0][1] + 1] == "s.[^1]"


def test_a_text_file_is_body_text_as_before(tmp_path: Path) -> None:
    path = tmp_path / "plain.txt"
    path.write_text("Figure 1. This line names a figure.\nThe body goes on here.\n", encoding="utf-8")
    page = read_document(path, "plain.txt").page(1)
    assert _parts(page) == [(CAPTION, "", "Figure 1. This line names a figure.")]
    assert page.markers == ()
