"""The manifest as a value: its JSON round trip, and the one check of whether a build fits the settings."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from assistant.manifest import (
    FORMAT_VERSION,
    IndexedDocument,
    Manifest,
    SkippedFile,
    StoredFile,
    mismatch,
)
from assistant.types import ParseReport

CHUNKING = {"chunk_tokens": 200, "overlap_tokens": 40}
MANIFEST = Manifest(
    model="all-MiniLM-L6-v2",
    dimension=384,
    chunking=CHUNKING,
    lexical={"method": "lucene", "k1": 0.9, "b": 0.4, "stemmer": "english", "stopwords": "en"},
    sentence_vectors=True,
    built_at="2026-12-01T08:00:00+00:00",
    documents=(
        IndexedDocument("a.md", 10, "aa" * 32, "A", 3, ParseReport(1, (9,), ())),
        IndexedDocument(
            "b.pdf",
            99,
            "bb" * 32,
            "B",
            4,
            ParseReport(2, (50, 0), (2,), ("b.pdf: 1 page with no text",), (("footnote_superscript", 3),)),
        ),
    ),
    skipped=(SkippedFile("c.pdf", 5, "cc" * 32, "c.pdf: the file is empty"),),
    files={"chunks.jsonl": StoredFile(123, "dd" * 32)},
)


def test_json_round_trip_and_counts() -> None:
    data = MANIFEST.to_json()
    assert data["counts"] == {"documents": 2, "pages": 3, "chunks": 7}
    assert data["format_version"] == FORMAT_VERSION
    assert data["documents"][1]["report"] == {
        "chars_per_page": [50, 0],
        "empty_pages": [2],
        "warnings": ["b.pdf: 1 page with no text"],
        "signals": {"footnote_superscript": 3},
    }
    assert Manifest.from_json(data) == MANIFEST
    del data["documents"][1]["report"]["signals"]  # written before the parts of pages were told apart
    del data["checksum"]
    assert Manifest.from_json(data).documents[1].report.signals == ()


def test_an_altered_or_incomplete_manifest_is_refused() -> None:
    data = MANIFEST.to_json()
    with pytest.raises(ValueError, match="^does not match its checksum$"):
        Manifest.from_json({**data, "built_at": "yesterday"})
    unchecked = {k: v for k, v in data.items() if k not in ("checksum", "model")}  # as format 2 wrote, damaged
    with pytest.raises(ValueError, match=r"^cannot be read \(KeyError: 'model'\)$"):
        Manifest.from_json(unchecked)


def test_a_manifest_of_format_2_is_read_with_its_defaults() -> None:
    """Format 2 wrote no checksum and no sentence_vectors flag (every index then had them)."""
    data = {k: v for k, v in MANIFEST.to_json().items() if k not in ("checksum", "sentence_vectors")}
    old = Manifest.from_json({**data, "format_version": 2})
    assert old == replace(MANIFEST, format_version=2)


@pytest.mark.parametrize(
    "manifest, model, chunking, sentences, change, error",
    [
        (MANIFEST, "all-MiniLM-L6-v2", CHUNKING, True, None, None),
        (MANIFEST, "all-MiniLM-L6-v2", CHUNKING, None, None, None),
        (
            MANIFEST,
            "/models/e5",
            CHUNKING,
            None,
            "the model changed (all-MiniLM-L6-v2 -> /models/e5)",
            "was built with model 'all-MiniLM-L6-v2' but '/models/e5' is configured — rebuild with: assistant index "
            "--model /models/e5 (or use --model all-MiniLM-L6-v2)",
        ),
        (
            MANIFEST,
            "all-MiniLM-L6-v2",
            {**CHUNKING, "chunk_tokens": 120},
            None,
            "the chunking settings changed ({'chunk_tokens': 200, 'overlap_tokens': 40} -> {'chunk_tokens': 120, "
            "'overlap_tokens': 40})",
            "was built with chunking {'chunk_tokens': 200, 'overlap_tokens': 40} but {'chunk_tokens': 120, "
            "'overlap_tokens': 40} is configured — rebuild with: assistant index",
        ),
        (
            replace(MANIFEST, sentence_vectors=False),
            "all-MiniLM-L6-v2",
            CHUNKING,
            True,
            "answers need sentence vectors",
            "was built for search only (as `assistant eval` builds them), so it cannot answer — rebuild it with: "
            "assistant index --rebuild",
        ),
        (
            replace(MANIFEST, format_version=1),
            "all-MiniLM-L6-v2",
            CHUNKING,
            None,
            f"the index format changed (1 -> {FORMAT_VERSION})",
            f"has format 1, this version of the assistant reads format {FORMAT_VERSION} — rebuild with: assistant "
            "index --rebuild",
        ),
    ],
)
def test_one_check_speaks_to_the_build_report_and_to_the_error(
    manifest: Manifest,
    model: str,
    chunking: dict[str, int],
    sentences: bool | None,
    change: str | None,
    error: str | None,
) -> None:
    found = mismatch(manifest, model, chunking, sentences)
    if change is None:
        assert found is None
        return
    assert found is not None and not found.reusable
    assert found.change == change
    assert str(found.error(Path("idx"))) == f"The index in idx/ {error}"


def test_the_previous_format_is_carried_over_but_must_be_updated_before_use() -> None:
    found = mismatch(replace(MANIFEST, format_version=2), "all-MiniLM-L6-v2", CHUNKING, True)
    assert found is not None and found.reusable
    assert str(found.error(Path("idx"))) == (
        "The index in idx/ was built by an earlier version of the assistant — update it with: assistant index "
        "(its passages and vectors are kept, nothing is embedded again)"
    )
    # another model outweighs the format: carrying the old vectors over would be wrong
    other = mismatch(replace(MANIFEST, format_version=2), "/models/e5", CHUNKING, True)
    assert other is not None and not other.reusable and other.change.startswith("the model changed")


def test_an_index_read_by_an_earlier_text_version_is_read_again_and_the_report_says_why() -> None:
    """A build's text version is part of its chunking; when only that changed, the reason names what
    changed in reading pages rather than printing two dictionaries."""
    from assistant.reading.chunking import TEXT_CHANGES, TEXT_VERSION

    before = replace(MANIFEST, chunking={**CHUNKING, "text": TEXT_VERSION - 1})
    found = mismatch(before, "all-MiniLM-L6-v2", {**CHUNKING, "text": TEXT_VERSION})
    assert found is not None and not found.reusable
    assert found.change == (
        f"{TEXT_CHANGES[TEXT_VERSION]} (text version {TEXT_VERSION - 1} -> {TEXT_VERSION}), so every document is "
        "read again"
    )
    assert "rebuild with: assistant index" in str(found.error(Path("index")))
