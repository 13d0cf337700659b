"""The passages' vector index: flat (exact) for a small library, IVF above vector_index.ANN_FROM."""

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from assistant import Assistant, store, vector_index
from assistant.errors import IndexCorruptError
from assistant.evaluation.evalsets import read_questions

from .conftest import DOCUGAMI, shared_data


def test_a_small_library_keeps_the_flat_index_and_its_manifest_says_nothing_new() -> None:
    assert vector_index.choose(vector_index.ANN_FROM - 1) == {"kind": "flat"}
    large = vector_index.choose(1_000_000)
    assert large == {"kind": "ivf-fp16", "lists": 1000, "probes": round(1000 * vector_index.PROBED_SHARE)}
    assert vector_index.choose(vector_index.ANN_FROM)["kind"] == "ivf-fp16"


def test_the_golden_index_is_flat(golden_assistant: Assistant) -> None:
    build = store.current_build(golden_assistant.settings.index_dir)
    assert build is not None
    assert "vector_index" not in json.loads((build / store.MANIFEST).read_text(encoding="utf-8"))
    assert type(golden_assistant.stored_index().backend.faiss_index).__name__ == "IndexFlatIP"  # type: ignore[attr-defined]


def test_a_large_library_gets_an_ivf_index_that_finds_what_exact_search_finds(
    docugami_assistant: Assistant,
    make_assistant: Callable[..., Assistant],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The Docugami filings (2,237 passages) with the threshold lowered: carried from the flat index into
    an IVF one without embedding again, then grown by a filing, which alone is embedded."""
    docs = tmp_path / "docs"
    shutil.copytree(docugami_assistant.settings.docs_dir, docs)
    shutil.copytree(docugami_assistant.settings.index_dir, tmp_path / "idx", ignore=shutil.ignore_patterns(".lock"))
    flat = docugami_assistant.stored_index()
    held_back = sorted(docs.iterdir())[0]
    held_back.rename(tmp_path / held_back.name)
    monkeypatch.setattr(vector_index, "ANN_FROM", 1000)
    assistant = make_assistant(docs, tmp_path / "idx")
    before = assistant.embedder.texts_embedded
    report = assistant.index()
    assert report.removed == (held_back.name,) and assistant.embedder.texts_embedded == before

    stored = assistant.stored_index()
    params = stored.manifest.vector_index
    assert params == vector_index.choose(stored.manifest.chunks) and params["kind"] == "ivf-fp16"
    assert type(stored.backend.faiss_index).__name__ == "IndexIVFScalarQuantizer"  # type: ignore[attr-defined]
    # A passage's vector reads back within float16's precision: the IVF lists hold each vector whole,
    # in half the bytes.
    same = [i for i, c in enumerate(flat.chunks) if c.document != held_back.name]
    np.testing.assert_allclose(stored.all_vectors(), flat.all_vectors()[same], rtol=2**-10, atol=1e-7)

    (tmp_path / held_back.name).rename(held_back)
    report = assistant.index()
    assert report.added == (held_back.name,) and report.unchanged and not report.full_rebuild_reason
    stored = assistant.stored_index()
    assert stored.manifest.vector_index["kind"] == "ivf-fp16" and len(stored.chunks) == len(flat.chunks)

    questions = read_questions(shared_data(DOCUGAMI / "qna_subset_AAPL_AMZN_NVDA.csv"))
    vectors = stored.all_vectors()
    found = 0
    for question in questions:
        query = assistant.embedder.embed_query(question.question)
        exact = set(np.argsort(-(vectors @ query))[:10].tolist())
        found += len(exact & {row for row, _ in stored.search_vectors(query, 10)})
    recall = found / (10 * len(questions))
    print(f"\nIVF {dict(stored.manifest.vector_index)}: recall@10 {recall:.3f} vs exact, {len(questions)} questions")
    assert recall >= 0.95
    answer = assistant.ask(questions[0].question)
    pages = [stored.page(c.document, c.page_start).text[c.char_start : c.char_end] for c in answer.citations]
    assert answer.citations and pages == [c.excerpt for c in answer.citations]


def test_an_index_file_that_is_not_what_the_manifest_says_is_refused(tmp_path: Path) -> None:
    vectors = np.eye(4, dtype=np.float32)
    vector_index.write(vector_index.build(vectors, vector_index.FLAT), tmp_path / "v.faiss")
    with pytest.raises(ValueError, match="the vector index is flat, the manifest says ivf-fp16"):
        vector_index.load(tmp_path / "v.faiss", {"kind": "ivf-fp16", "lists": 2, "probes": 1})
    assert vector_index.load(tmp_path / "v.faiss", vector_index.FLAT).ntotal == 4


def test_a_damaged_vector_index_asks_for_a_rebuild(
    make_assistant: Callable[..., Assistant], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    for n in range(3):
        (docs / f"{n}.md").write_text(f"# Part {n}\n\nBelarus and Russia signed treaty number {n}.\n", encoding="utf-8")
    monkeypatch.setattr(vector_index, "ANN_FROM", 2)
    assistant = make_assistant(docs, tmp_path / "idx")
    assistant.index()
    build = store.current_build(tmp_path / "idx")
    assert build is not None and assistant.stored_index().manifest.vector_index["kind"] == "ivf-fp16"
    vector_index.write(vector_index.build(np.eye(384, dtype=np.float32)[:3], vector_index.FLAT), build / store.VECTORS)
    with pytest.raises(IndexCorruptError, match="rebuild it with: assistant index --rebuild"):
        store.load(tmp_path / "idx")
