"""Property-based tests (hypothesis) for the chunker and the citation offsets: for arbitrary page
texts, every chunk and every sentence points at its exact page text, and no text is lost."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.embedding import Embedder
from assistant.errors import DocumentError
from assistant.reading.chunking import chunk_document, page_slice
from assistant.reading.ingest import RawPage, clean_document
from assistant.reading.sentences import _MARKER

# Words, punctuation, digits, whitespace of several kinds, ligatures, hyphens at line ends,
# non-Latin scripts: what PDF extraction hands the cleaner.
PIECES = st.sampled_from(
    [
        "Belarus",
        "Russia",
        "the",
        "union",
        "treaty",
        "1999",
        "ﬁnance",
        "co-",
        "operation",
        "Минск",
        "東京",
        ".",
        ",",
        "?",
        "!",
        ";",
        " ",
        " ",
        "  ",
        "\n",
        "\n\n",
        "\t",
        "-\n",
        "Mr.",
        "e.g.",
        "(",
        ")",
        "“",
        "”",
        "5%",
    ]
)
PAGE = st.lists(PIECES, min_size=0, max_size=120).map("".join)
PAGES = st.lists(PAGE, min_size=1, max_size=4)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=PAGES, max_tokens=st.integers(min_value=8, max_value=60), overlap=st.integers(min_value=0, max_value=20))
def test_chunks_and_sentences_point_at_their_page_text(
    embedder: Embedder, texts: list[str], max_tokens: int, overlap: int
) -> None:
    raw = [RawPage(text=t, label=str(i)) for i, t in enumerate(texts, start=1)]
    if not any(t.strip() for t in texts):
        with pytest.raises(DocumentError, match="the file has no text"):
            clean_document("doc.txt", raw)
        return
    document = clean_document("doc.txt", raw)
    chunks = chunk_document(document, embedder.count_tokens, max_tokens, overlap)
    covered: dict[int, set[int]] = {page.number: set() for page in document.pages}
    for chunk in chunks:
        # the chunk is exactly the page text between its offsets
        assert chunk.text == page_slice(
            document.pages, chunk.page_start, chunk.char_start, chunk.page_end, chunk.char_end
        )
        assert 1 <= chunk.page_start <= chunk.page_end <= len(document.pages)
        assert chunk.page_label == document.page(chunk.page_start).label
        for number, start, end in chunk.sentences:
            text = document.page(number).text
            assert 0 <= start < end <= len(text)
            excerpt = text[start:end]
            assert excerpt.strip() and excerpt in chunk.text  # what a citation would quote
            assert chunk.page_start <= number <= chunk.page_end
            covered[number].update(range(start, end))
    # No text lost: every non-blank character of every page is in some chunk's sentences, but for
    # the list markers ("- ", "• ", "3. ") a sentence is quoted without.
    for page in document.pages:
        missing = [i for i, ch in enumerate(page.text) if not ch.isspace() and i not in covered[page.number]]
        for i in missing:
            marker = _MARKER.match(page.text, _line_start(page.text, i))
            assert marker and marker.start() <= i < marker.end(), f"page {page.number}: {page.text!r} lost {i}"
    if chunks:
        assert max(embedder.count_tokens([c.text for c in chunks])) <= max_tokens


def _line_start(text: str, i: int) -> int:
    """Where the marker before offset i may start: after the whitespace that precedes it."""
    j = i
    while j > 0 and not text[j - 1].isspace():
        j -= 1
    return j
