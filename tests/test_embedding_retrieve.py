"""The embedding and retrieval stages with the real model and real indexes."""

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from assistant import Assistant, QuestionError, retrieve
from assistant.embedding import Embedder


def test_vectors_are_unit_length_and_keep_the_input_order(embedder: Embedder) -> None:
    texts = ["short", "a much longer text about the union state of Belarus and Russia " * 5, "medium length text"]
    batch = embedder.embed_texts(texts)
    assert batch.shape == (3, 384) and batch.dtype == np.float32
    assert np.allclose(np.linalg.norm(batch, axis=1), 1.0, atol=1e-5)
    for i, text in enumerate(texts):
        assert float(batch[i] @ embedder.embed_query(text)) > 0.999


def test_tokens_are_counted_with_the_model_tokenizer(embedder: Embedder) -> None:
    """'hello world' is two word pieces for BERT's uncased vocabulary; 'unbelievable' one."""
    assert embedder.count_tokens(["hello world", "unbelievable", ""]) == [2, 1, 0]
    assert embedder.max_tokens == 254  # 256 positions minus [CLS] and [SEP]


def test_search_returns_ranked_hits_best_first(golden_assistant: Assistant) -> None:
    hits = golden_assistant.search("optical components suppliers near Minsk", top_k=4)
    assert [h.rank for h in hits] == [1, 2, 3, 4]
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert hits[0].chunk.document == "report.pdf" and hits[0].chunk.page_start == 4
    # first for both retrievers, in the document that matches best: the full weight of each
    assert hits[0].score == pytest.approx(1.0 + retrieve.DOCUMENT_WEIGHT)


def test_fusion_weighs_scores_divided_by_each_retrievers_best() -> None:
    dense = [(1, 0.8), (2, 0.4), (3, 0.2)]
    lexical = [(2, 10.0), (4, 5.0)]
    fused = retrieve.fuse(dense, lexical, dense_weight=0.6)
    # dense / 0.8 -> 1, 0.5, 0.25; BM25 / 10 -> 1, 0.5; a row one list lacks gets that list's lowest.
    assert fused == pytest.approx(
        {1: 0.6 * 1 + 0.4 * 0.5, 2: 0.6 * 0.5 + 0.4 * 1, 3: 0.6 * 0.25 + 0.4 * 0.5, 4: 0.6 * 0.25 + 0.4 * 0.5}
    )
    assert retrieve.fuse(dense, []) == pytest.approx({1: 0.65, 2: 0.325, 3: 0.1625})
    assert retrieve.fuse([], []) == {}


def test_near_duplicate_passages_are_shown_once(tmp_path: Path, make_assistant: Callable[..., Assistant]) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    text = "# Grain\n\nBelarus harvested a record amount of grain in the year the new silos opened.\n"
    (docs / "copy-a.md").write_text(text, encoding="utf-8")
    (docs / "copy-b.md").write_text(text, encoding="utf-8")
    (docs / "other.md").write_text("# Rail\n\nThe railway to Vilnius was electrified.\n", encoding="utf-8")
    assistant = make_assistant(docs, tmp_path / "idx")
    assistant.index()
    hits = assistant.search("record grain harvest", top_k=3)
    assert sum(h.chunk.document.startswith("copy-") for h in hits) == 1
    assert {h.chunk.document for h in hits} >= {"other.md"}


@pytest.mark.parametrize("question", ["", "   \n\t"])
def test_an_empty_question_is_refused(golden_assistant: Assistant, question: str) -> None:
    with pytest.raises(QuestionError, match="The question is empty — type a question about the documents"):
        golden_assistant.ask(question)
