"""Golden tests for ingestion on PDFs made here (tests/pdfs.py says what is on each page)."""

from collections.abc import Callable
from pathlib import Path

import pytest

from assistant import Assistant
from assistant.errors import DocumentError
from assistant.reading.ingest import read_document

from . import bad_files, pdfs
from .bad_files import CASES
from .conftest import SHARED, shared_data


@pytest.fixture(scope="module")
def golden(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    path = pdfs.golden_report(tmp_path_factory.mktemp("ingest") / "report.pdf")
    return read_document(path, "report.pdf")


def test_pages_keep_physical_numbers_and_printed_labels(golden) -> None:  # type: ignore[no-untyped-def]
    """Five physical pages; the PDF labels the front matter i, ii and the chapters 1, 2, 3."""
    assert [p.number for p in golden.pages] == [1, 2, 3, 4, 5]
    assert [p.label for p in golden.pages] == ["i", "ii", "1", "2", "3"]


def test_known_sentence_is_on_its_page(golden) -> None:  # type: ignore[no-untyped-def]
    assert "union treaty was signed in the spring of 1999" in golden.page(3).text
    assert "contracts from Moscow" in golden.page(4).text
    assert "railway gauge" in golden.page(5).text


def test_running_header_and_footer_are_gone(golden) -> None:  # type: ignore[no-untyped-def]
    for page in golden.pages:
        assert pdfs.HEADER not in page.text
        assert "Page " not in page.text


def test_hyphenated_line_break_is_rejoined(golden) -> None:  # type: ignore[no-untyped-def]
    assert "discussed the example of cooperation" in golden.page(3).text


def test_sections_come_from_the_outline_and_are_placed_within_the_page(golden) -> None:  # type: ignore[no-untyped-def]
    """Chapter One opens page 3; Chapter Two opens page 4 and Section 2.1 starts halfway down it,
    so page 5 falls under Section 2.1."""
    page3, page4, page5 = golden.page(3), golden.page(4), golden.page(5)
    assert page3.section_at(page3.text.index("The alpha fact")) == "Chapter One: Origins"
    assert page4.section_at(page4.text.index("The defense industry")) == "Chapter Two: Industry"
    assert page4.section_at(page4.text.index("Most suppliers")) == "Section 2.1: Suppliers"
    assert page5.section == "Section 2.1: Suppliers"
    assert golden.page(1).section == ""


def test_contents_page_is_flagged(golden) -> None:  # type: ignore[no-untyped-def]
    assert [p.number for p in golden.pages if p.is_toc] == [2]


def test_parse_report_counts_characters_per_page(golden) -> None:  # type: ignore[no-untyped-def]
    assert golden.report.pages == 5
    assert len(golden.report.chars_per_page) == 5
    assert all(n > 0 for n in golden.report.chars_per_page)
    assert golden.report.empty_pages == ()


def test_pages_without_text_are_reported(tmp_path: Path) -> None:
    """Page 2 of 3 has no text layer: indexed anyway, and named in the report's warning."""
    path = pdfs.write_pdf(tmp_path / "mixed.pdf", [["Page one has text."], [], ["Page three has text."]])
    document = read_document(path, "mixed.pdf")
    assert document.report.empty_pages == (2,)
    assert document.report.warnings == (
        "mixed.pdf: 1 page with no extractable text (page 2); probably scanned images — OCR is not "
        "supported, so they cannot be searched",
    )


def test_markdown_headings_become_sections(tmp_path: Path) -> None:
    path = tmp_path / "notes.md"
    path.write_text("# Title\n\nIntro line.\n\n## Trade\n\nExports grew.\n", encoding="utf-8")
    document = read_document(path, "notes.md")
    page = document.page(1)
    assert document.title == "Title"
    assert page.section_at(page.text.index("Intro")) == "Title"
    assert page.section_at(page.text.index("Exports")) == "Trade"


@pytest.mark.parametrize("encoding", ["utf-16", "latin-1", "utf-8-sig"])
def test_text_files_in_common_encodings(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "note.txt"
    path.write_bytes("Café society in Minsk – déjà vu.".replace("–", "-").encode(encoding))
    assert read_document(path, "note.txt").page(1).text == "Café society in Minsk - déjà vu."


def test_form_feeds_split_text_files_into_pages(tmp_path: Path) -> None:
    path = tmp_path / "paged.txt"
    path.write_text("First page.\fSecond page.", encoding="utf-8")
    assert [p.text for p in read_document(path, "paged.txt").pages] == ["First page.", "Second page."]


def test_owner_password_only_pdf_is_read(tmp_path: Path) -> None:
    """AES-256 with an empty user password: opens without a password, as in any viewer."""
    path = pdfs.write_pdf(
        tmp_path / "owner.pdf",
        [["Readable despite encryption."]],
        user_password="",
        owner_password="owner",
        algorithm="AES-256",
    )
    assert "Readable despite encryption." in read_document(path, "owner.pdf").page(1).text


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_the_bad_file_corpus(tmp_path: Path, case: bad_files.Case) -> None:
    """Each file is refused with a sentence naming it and the next step, or read with its pages."""
    case.make(tmp_path / case.name)
    if case.reason:
        with pytest.raises(DocumentError) as raised:
            read_document(tmp_path / case.name, case.name)
        assert case.matches(case.reason, str(raised.value)), str(raised.value)
        return
    document = read_document(tmp_path / case.name, case.name)
    assert case.fact in document.page(case.page).text
    warnings = [w for w in document.report.warnings if case.matches(case.warning, w)] if case.warning else []
    assert len(document.report.warnings) == len(warnings) == (1 if case.warning else 0), document.report.warnings


def test_a_2000_page_pdf_is_indexed_with_every_page_number(
    tmp_path: Path, make_assistant: Callable[..., Assistant]
) -> None:
    """Peak memory and speed for 2,000 full pages are measured by bench/big_files.py."""
    pages = [[f"Entry {n} of the register records a grain shipment from depot {n % 97}."] for n in range(1, 2001)]
    pages[1998] = ["The last-but-one page holds the register's only mention of amber from Yantarny."]
    docs = tmp_path / "docs"
    pdfs.write_pdf(docs / "register.pdf", pages)
    assistant = make_assistant(docs, tmp_path / "idx")
    report = assistant.index()
    assert report.pages == 2000 and report.skipped == ()
    cited = assistant.ask("Where does the register mention amber?").citations[0]
    assert (cited.page_start, cited.page_label) == (1999, "1999")
    assert cited.excerpt == "The last-but-one page holds the register's only mention of amber from Yantarny."
    stored = assistant.stored_index()
    assert [p.number for p in stored.pages["register.pdf"]] == list(range(1, 2001))


def test_a_contents_link_atop_a_filings_pages_hides_none_of_them(
    tmp_path: Path, make_assistant: Callable[..., Assistant]
) -> None:
    """American Water Works' 2022 10-K (FinanceBench's development filings) prints "Table of Contents",
    a link back, atop each of its first 144 pages but not its exhibits'; read as contents pages, they
    were never searched, its balance sheet (pp. 81-82) included. Its first 12 pages, the balance sheet
    and 16 exhibit pages, copied by pypdf: only the contents (p. 2) is one, and the balance sheet is
    found."""
    from pypdf import PdfReader, PdfWriter

    filing = PdfReader(shared_data(SHARED / "eval" / "financebench-dev" / "pdfs" / "AMERICANWATERWORKS_2022_10K.pdf"))
    copy = PdfWriter()
    for number in [*range(1, 13), 81, 82, *range(151, 167)]:
        copy.add_page(filing.pages[number - 1])
    docs = tmp_path / "docs"
    docs.mkdir()
    copy.write(docs / "awk-2022-10k-pages.pdf")
    document = read_document(docs / "awk-2022-10k-pages.pdf", "awk-2022-10k-pages.pdf")
    assert document.page(3).text.startswith("Table of Contents\nFORWARD-LOOKING STATEMENTS")
    assert [p.number for p in document.pages if p.is_toc] == [2]
    assistant = make_assistant(docs, tmp_path / "index")
    assistant.index()
    hits = assistant.search("total current assets and total current liabilities", 3)
    assert {hit.chunk.page_start for hit in hits} & {13, 14}
