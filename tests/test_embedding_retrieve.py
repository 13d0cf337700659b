"""The embedding and retrieval stages with the real model and real indexes."""

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from assistant import Assistant, QuestionError
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
    # found by both retrievers, so fused above anything only one of them found
    assert hits[0].score > 1 / 61


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
