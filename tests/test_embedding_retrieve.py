"""The embedding and retrieval stages with the real model and real indexes."""

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from assistant import Assistant, ConfigError, QuestionError, preferences, retrieve
from assistant.embedding import Embedder
from assistant.questions import for_search


def test_vectors_are_unit_length_and_keep_the_input_order(embedder: Embedder) -> None:
    texts = ["short", "a much longer text about the union state of Belarus and Russia " * 5, "medium length text"]
    batch = embedder.embed_texts(texts)
    assert batch.shape == (3, 384) and batch.dtype == np.float32
    assert np.allclose(np.linalg.norm(batch, axis=1), 1.0, atol=1e-5)
    for i, text in enumerate(texts):
        assert float(batch[i] @ embedder.embed_query(text)) > 0.999


def test_a_text_given_twice_is_encoded_once_and_keeps_both_rows(embedder: Embedder) -> None:
    texts = ["(In millions)", "Net sales increased 9% compared with the prior year.", "(In millions)", "2023"]
    before = embedder.texts_embedded
    vectors = embedder.embed_texts(texts)
    assert embedder.texts_embedded - before == 3
    assert vectors.shape == (4, 384) and np.array_equal(vectors[0], vectors[2])
    alone = np.stack([embedder.embed_query(text) for text in texts])
    assert np.allclose(vectors, alone, atol=1e-6)  # each where it was given, as if embedded alone


def test_tokens_are_counted_with_the_model_tokenizer(embedder: Embedder) -> None:
    """'hello world' is two word pieces for BERT's uncased vocabulary; 'unbelievable' one."""
    assert embedder.count_tokens(["hello world", "unbelievable", ""]) == [2, 1, 0]
    assert embedder.max_tokens == 254  # 256 positions minus [CLS] and [SEP]


def test_search_returns_ranked_hits_best_first(golden_assistant: Assistant) -> None:
    hits = golden_assistant.search("optical components suppliers near Minsk", top_k=4)
    assert [h.rank for h in hits] == [1, 2, 3, 4]
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert hits[0].chunk.document == "report.pdf" and hits[0].chunk.page_start == 4
    # first for both retrievers: the full weight of each, plus at most the document profile's weight
    assert 1.0 <= hits[0].score <= 1.0 + retrieve.DOCUMENT_WEIGHT


def test_one_retriever_alone_keeps_its_own_order(golden_assistant: Assistant) -> None:
    stored = golden_assistant.stored_index()
    question = "optical components suppliers near Minsk"
    vector = golden_assistant.embedder.embed_query(question)
    dense = retrieve.search(stored, question, vector, top_k=4, candidates=50, mode="dense")
    lexical = retrieve.search(stored, question, vector, top_k=4, candidates=50, mode="lexical")
    # in each retriever's own order (contents pages and near-copies of better passages left out)
    for hits, ranking in ((dense, stored.search_vectors(vector, 50)), (lexical, stored.search_lexical(question, 50))):
        rows = [h.row for h in hits]
        assert len(rows) >= 3 and rows == [row for row, _ in ranking if row in rows]
        assert [h.score for h in hits] == [score for row, score in ranking if row in rows]
    with pytest.raises(ConfigError, match="Unknown retrieval 'bm25'"):
        retrieve.search(stored, question, vector, top_k=4, candidates=50, mode="bm25")


def test_the_year_and_company_a_question_names_pick_their_document(
    tmp_path: Path, make_assistant: Callable[..., Assistant]
) -> None:
    """Two years of one company's report say the same; only the file name and the first page tell
    them apart, written as people write them: ACME_2022_10K, "FY2022", "fiscal year ended 2022"."""
    docs = tmp_path / "docs"
    docs.mkdir()
    body = "Capital expenditures were spent on new grain silos near the river port.\n"
    for year in (2021, 2022, 2023):
        cover = f"# Acme Corporation annual report\n\nFor the fiscal year ended December 31, {year}.\n\n"
        (docs / f"ACME_{year}_10K.md").write_text(cover + body, encoding="utf-8")
    assistant = make_assistant(docs, tmp_path / "idx")
    assistant.index()
    for question in ("What were Acme's capital expenditures in FY2022?", "Acme FY22 capital expenditures"):
        assert assistant.search(question, top_k=1)[0].chunk.document == "ACME_2022_10K.md", question
    assert assistant.search("Acme's capex on silos in fiscal 2023", top_k=1)[0].chunk.document == "ACME_2023_10K.md"


def test_fusion_weighs_scores_divided_by_each_retrievers_best() -> None:
    dense = [(1, 0.8), (2, 0.4), (3, 0.2)]
    lexical = [(2, 10.0), (4, 5.0)]
    fused = retrieve.fuse(dense, lexical, dense_weight=0.6)
    # dense / 0.8 -> 1, 0.5, 0.25; BM25 / 10 -> 1, 0.5; a row one list lacks gets that list's lowest.
    assert fused == pytest.approx(
        {1: 0.6 * 1 + 0.4 * 0.5, 2: 0.6 * 0.5 + 0.4 * 1, 3: 0.6 * 0.25 + 0.4 * 0.5, 4: 0.6 * 0.25 + 0.4 * 0.5}
    )
    assert retrieve.fuse(dense, []) == pytest.approx({1: 0.75, 2: 0.375, 3: 0.1875})
    assert retrieve.fuse([], []) == {}


def test_a_pages_passages_beyond_its_best_two_wait_behind_every_other_page() -> None:
    page_of = {1: ("a.pdf", 3), 2: ("a.pdf", 3), 3: ("a.pdf", 3), 4: ("b.pdf", 3), 5: ("a.pdf", 3), 6: ("a.pdf", 4)}
    assert retrieve.pages_first([1, 2, 3, 4, 5, 6], page_of.__getitem__, 2) == [1, 2, 4, 6, 3, 5]
    assert retrieve.pages_first([1, 2, 3, 4, 5, 6], page_of.__getitem__, 1) == [1, 4, 6, 2, 3, 5]
    assert retrieve.pages_first([4, 6], page_of.__getitem__, 1) == [4, 6]  # one passage a page: as it was


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


FILINGS = (
    "PEPSICO_2022_10K.pdf",
    "AMERICANWATERWORKS_2022_10K.pdf",
    "MGMRESORTS_2022Q4_EARNINGS.pdf",
    "2023 Q1 AAPL.pdf",
)


@pytest.mark.parametrize(
    ("question", "searched"),
    [
        # A company its file names name: its names and periods, not the topic words an earnings
        # release's first page may share.
        ("What are the geographies that Pepsico primarily operates in as of FY2022?", "FY2022 Pepsico"),
        ("Does American Water Works have positive working capital in FY2022?", "FY2022 American Water Works"),
        ("What is MGM Resorts' FY2022 dividend?", "FY2022 MGM Resorts'"),
        # Named otherwise than its file name ("Apple" for AAPL), or not named: the whole question.
        ("What was Apple's revenue in Q1 2023?", "WHOLE"),
        ("What drove the margin change in FY2022?", "WHOLE"),
    ],
)
def test_documents_named_by_their_file_names_are_searched_for_names_and_periods(question: str, searched: str) -> None:
    assert preferences.document_query(for_search(question), "WHOLE", FILINGS) == searched
