"""Chunking with the bundled model's own tokenizer."""

from pathlib import Path

import pytest

from assistant.embedding import Embedder
from assistant.reading.chunking import chunk_document, page_slice
from assistant.reading.ingest import RawPage, clean_document, read_document

from . import pdfs


@pytest.fixture(scope="module")
def golden(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    return read_document(pdfs.golden_report(tmp_path_factory.mktemp("chunk") / "report.pdf"), "report.pdf")


def test_golden_report_chunks_follow_its_sections(golden, embedder: Embedder) -> None:  # type: ignore[no-untyped-def]
    """With room for whole pages, chunks still break where a section starts and where the contents
    page ends: title page + contents page | Chapter One | Chapter Two (to 'Section 2.1') | Section
    2.1 through the last page. The title page is front matter, not contents, so it stands alone."""
    chunks = chunk_document(golden, embedder.count_tokens, max_tokens=200, overlap_tokens=0)
    spans = [(c.page_start, c.page_end, c.page_label, c.section, c.is_toc) for c in chunks]
    assert spans == [
        (1, 1, "i", "", False),
        (2, 2, "ii", "", True),
        (3, 3, "1", "Chapter One: Origins", False),
        (4, 4, "2", "Chapter Two: Industry", False),
        (4, 5, "2", "Section 2.1: Suppliers", False),
    ]
    assert chunks[4].text == (
        "Section 2.1: Suppliers\nMost suppliers of optical components are located near Minsk.\n"
        "The bravo fact is that the railway gauge is the same in both countries.\n"
        "This closing sentence is the last one in the report."
    )


def test_every_chunk_is_its_exact_page_text(golden, embedder: Embedder) -> None:  # type: ignore[no-untyped-def]
    for chunk in chunk_document(golden, embedder.count_tokens, max_tokens=12, overlap_tokens=4):
        assert chunk.text == page_slice(
            golden.pages, chunk.page_start, chunk.char_start, chunk.page_end, chunk.char_end
        )


def _long_document() -> object:
    sentences = [
        f"Sentence number {i} talks about trade between Minsk and Moscow in year {1990 + i}." for i in range(60)
    ]
    pages = [RawPage(text=" ".join(sentences[i : i + 20]), label=str(n)) for n, i in enumerate(range(0, 60, 20), 1)]
    return clean_document("long.txt", pages)


def test_no_chunk_exceeds_the_model_input_and_windows_overlap(embedder: Embedder) -> None:
    document = _long_document()
    chunks = chunk_document(document, embedder.count_tokens, max_tokens=embedder.max_tokens, overlap_tokens=40)  # type: ignore[arg-type]
    counts = embedder.count_tokens([c.text for c in chunks])
    assert max(counts) <= embedder.max_tokens == 254
    assert all(c.context == "long" for c in chunks)
    assert len(chunks) > 3
    for before, after in zip(chunks, chunks[1:], strict=False):
        # the next chunk starts inside the previous one: sentences are repeated, none skipped
        assert (after.page_start, after.char_start) < (before.page_end, before.char_end)
        tail = before.text[-60:]
        assert tail in after.text


def test_a_sentence_longer_than_the_model_input_is_cut_at_word_boundaries(embedder: Embedder) -> None:
    words = " ".join(f"word{i}" for i in range(600))  # one 'sentence' of ~1,800 word pieces
    document = clean_document("table.txt", [RawPage(text=words, label="1")])
    chunks = chunk_document(document, embedder.count_tokens, max_tokens=100, overlap_tokens=0)
    assert max(embedder.count_tokens([c.text for c in chunks])) <= 100
    assert " ".join(c.text for c in chunks) == words  # nothing lost, nothing cut inside a word


def test_chunks_of_a_real_report_fit_the_model(docugami_assistant) -> None:  # type: ignore[no-untyped-def]
    stored = docugami_assistant.stored_index()
    embedder = docugami_assistant.embedder
    assert max(embedder.count_tokens([c.text for c in stored.chunks])) <= 200  # the default chunk_tokens
    # what is embedded, context line included, fits the model's input
    assert max(embedder.count_tokens([c.search_text for c in stored.chunks])) <= embedder.max_tokens
    for chunk in stored.chunks:
        pages = stored.pages[chunk.document]
        assert chunk.text == page_slice(pages, chunk.page_start, chunk.char_start, chunk.page_end, chunk.char_end)


def test_text_before_the_first_heading_has_no_section(tmp_path: Path, embedder: Embedder) -> None:
    path = tmp_path / "n.md"
    path.write_text("Preface text here.\n\n# One\n\nBody of one.\n", encoding="utf-8")
    chunks = chunk_document(read_document(path, "n.md"), embedder.count_tokens, 200, 0)
    assert [(c.section, c.text) for c in chunks] == [("", "Preface text here."), ("One", "One\n\nBody of one.")]


@pytest.mark.parametrize("punctuated", [True, False])
def test_a_one_megabyte_line_is_chunked_whole(tmp_path: Path, embedder: Embedder, punctuated: bool) -> None:
    """A markdown file that is one 1 MB line, opening with '# ': the whole line is its heading, which
    used to be copied into every chunk and cut a word at a time (hours of tokenizing)."""
    if punctuated:
        words = " ".join(f"Sentence number {i} is about potash exports from Soligorsk." for i in range(20000))
    else:
        words = " ".join(f"cell{i}" for i in range(150000))
    path = tmp_path / "one-line.md"
    path.write_text(("# " + words)[:1_000_000], encoding="utf-8")
    document = read_document(path, "one-line.md")
    assert len(document.pages) == 1 and len(document.page(1).text) > 990_000
    assert len(document.title) <= 160 and document.title.endswith("…")
    chunks = chunk_document(document, embedder.count_tokens, max_tokens=200, overlap_tokens=40)
    assert len(chunks) > 1000
    assert {c.section for c in chunks} == {document.title}
    assert max(len(c.context) for c in chunks) <= 200
    text = document.page(1).text
    assert text.startswith("# ") and chunks[0].char_start == 2 and text.endswith(chunks[-1].text)
    sample = chunks[:: len(chunks) // 50]
    for chunk in sample:
        assert (
            page_slice(document.pages, chunk.page_start, chunk.char_start, chunk.page_end, chunk.char_end) == chunk.text
        )
    assert max(embedder.count_tokens([c.text for c in sample])) <= 200
