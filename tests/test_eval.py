"""`assistant eval`: a tiny BEIR folder with hand-computed scores, question files as the Docugami set
ships them, and page-level hits on the golden report."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from assistant import Assistant, Settings
from assistant.embedding import Embedder
from assistant.errors import EvalDataError, IndexMismatchError
from assistant.evaluation.evalsets import read_beir, read_questions
from assistant.evaluation.evaluate import eval_beir

from .conftest import DOCUGAMI, ROOT, run_cli, shared_data

AQUEDUCT = (
    "Roman engineers surveyed the hills around the city for many months before any stone was laid. "
    * 14
    + "At its far end the aqueduct fed a great settling basin, where sand and silt sank before the water "
    "flowed on to the public fountains and the baths."
)
CORPUS = {
    "volcano": ("Volcanic eruptions", "Magma rises through the crust and erupts as lava and ash from a volcano."),
    "honey": (
        "How bees make honey",
        "Honey bees collect nectar, store it in wax combs and fan it with their wings "
        "until the water evaporates and it turns into honey.",
    ),
    "pollination": (
        "Bees and crops",
        "Bees pollinate almond orchards and many other crops as they fly between flowers.",
    ),
    "chess": ("Chess openings", "The Sicilian Defence is a popular reply to the king's pawn opening in chess."),
    "tax": ("Income tax", "Taxable income is gross income minus deductions allowed by the tax code."),
    "aqueduct": ("Roman aqueducts", AQUEDUCT),  # longer than one chunk: scored by its best chunk
}
QUERIES = {
    "q1": "What comes out of a volcano when it erupts?",
    "q2": "How do honey bees turn nectar into honey?",
    "q3": "How do bees turn nectar into honey in the hive?",
    "q4": "Where did the water of the aqueduct settle before reaching the fountains?",
    "q5": "A query that is not judged in this split and must be ignored",
}
# q2's second relevant document is not in the corpus, so it can never be found; q3 is judged
# relevant only to the pollination abstract, which ranks second behind the honey one.
QRELS = [("q1", "volcano"), ("q2", "honey"), ("q2", "missing"), ("q3", "pollination"), ("q4", "aqueduct")]


def write_beir(folder: Path) -> Path:
    (folder / "qrels").mkdir(parents=True)
    with open(folder / "corpus.jsonl", "w", encoding="utf-8") as handle:
        for doc_id, (title, text) in CORPUS.items():
            handle.write(json.dumps({"_id": doc_id, "title": title, "text": text, "metadata": {}}) + "\n")
    with open(folder / "queries.jsonl", "w", encoding="utf-8") as handle:
        for qid, text in QUERIES.items():
            handle.write(json.dumps({"_id": qid, "text": text, "metadata": {}}) + "\n")
    lines = ["query-id\tcorpus-id\tscore"] + [f"{q}\t{d}\t1" for q, d in QRELS]
    (folder / "qrels" / "test.tsv").write_bytes(("\r\n".join(lines) + "\r\n").encode())  # CRLF, as SciFact's
    return folder


def test_beir_reader_strips_crlf_and_keeps_judged_queries(tmp_path: Path) -> None:
    data = read_beir(write_beir(tmp_path / "tiny"))
    assert data.qrels["q2"] == {"honey": 1, "missing": 1}
    assert sorted(data.queries) == ["q1", "q2", "q3", "q4"]
    assert data.corpus["tax"][0] == "Income tax"
    with pytest.raises(EvalDataError, match="qrels/train.tsv is missing"):
        read_beir(tmp_path / "tiny", "train")


def test_eval_beir_gives_the_hand_computed_scores(tmp_path: Path) -> None:
    folder = write_beir(tmp_path / "tiny")
    result = run_cli("eval", "beir", str(folder), "--cache-dir", str(tmp_path / "cache"), "--json")
    assert result.returncode == 0, result.stderr
    scores = json.loads(result.stdout)
    # Per query: q1 found at rank 1; q2 one of two relevant at rank 1; q3 its one relevant at rank 2;
    # q4 found at rank 1.
    ndcg = [1.0, 1 / (1 + 1 / math.log2(3)), 1 / math.log2(3), 1.0]
    assert scores["queries"] == 4 and scores["documents"] == 6
    assert scores["chunks"] > 6  # the aqueduct text needs more than one chunk
    assert scores["ndcg_at_10"] == pytest.approx(sum(ndcg) / 4, abs=1e-4)  # 0.8110
    assert scores["recall_at_10"] == pytest.approx((1 + 0.5 + 1 + 1) / 4, abs=1e-4)
    assert scores["recall_at_100"] == pytest.approx((1 + 0.5 + 1 + 1) / 4, abs=1e-4)
    assert scores["mrr"] == pytest.approx((1 + 1 + 0.5 + 1) / 4, abs=1e-4)
    # The eval index lives in the cache, and a second run finds it up to date.
    assert list((tmp_path / "cache").glob("beir-tiny-*/index/CURRENT"))
    again = run_cli("eval", "beir", str(folder), "--cache-dir", str(tmp_path / "cache"), "--json")
    assert json.loads(again.stdout)["ndcg_at_10"] == scores["ndcg_at_10"]
    assert json.loads(again.stdout)["build_seconds"] < scores["build_seconds"]
    # Each retriever alone is measured on the same cached index, and says which one it was.
    alone = run_cli(
        "eval", "beir", str(folder), "--cache-dir", str(tmp_path / "cache"), "--json", "--retrieval", "lexical"
    )
    assert alone.returncode == 0, alone.stderr
    assert (scores["retrieval"], json.loads(alone.stdout)["retrieval"]) == ("hybrid", "lexical")
    assert 0 < json.loads(alone.stdout)["ndcg_at_10"] <= 1


def test_an_eval_index_searches_but_refuses_to_answer(tmp_path: Path, embedder: Embedder) -> None:
    # Eval indexes skip sentence vectors (half the embedding work); asking must say so, not fail oddly.
    folder = write_beir(tmp_path / "tiny")
    eval_beir(folder, settings=Settings(), cache_dir=tmp_path / "cache", embedder=embedder)
    [index] = (tmp_path / "cache").glob("beir-tiny-*/index")
    assistant = Assistant(Settings(docs_dir=index.parent / "docs", index_dir=index), embedder=embedder)
    assert assistant.search("lava and ash")[0].chunk.document == "volcano.md"
    with pytest.raises(IndexMismatchError, match="built for search only"):
        assistant.ask("What comes out of a volcano?")


def test_question_reader_takes_the_docugami_csv_as_it_ships() -> None:
    questions = read_questions(shared_data(DOCUGAMI / "qna_subset_AAPL_AMZN_NVDA.csv"))
    assert len(questions) == 116
    single = [q for q in questions if not q.multi_document]
    assert len(single) == 77
    assert questions[0].question == "How has Apple's total net sales changed over time?"  # BOM stripped
    assert questions[0].documents == ("*AAPL*",) and questions[0].multi_document
    assert all(len(q.documents) == 1 and q.documents[0].startswith("*20") for q in single)
    assert questions[0].answer.startswith("Based on the provided documents")


def test_question_reader_takes_the_page_question_set() -> None:
    questions = read_questions(ROOT / "tests" / "data" / "page_questions.csv")
    assert len(questions) >= 30
    assert all(q.documents == ("2023 Q1 AMZN.pdf",) and q.pages for q in questions)
    assert len({p for q in questions for p in q.pages}) >= 20


def test_question_reader_errors_name_the_file_and_row(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("question,documents,pages\nWhat?,a.pdf,twelve\n", encoding="utf-8")
    with pytest.raises(EvalDataError, match=r"bad.csv row 2: pages must be whole numbers"):
        read_questions(bad)
    bad.write_text("question,documents\nWhat?,\n", encoding="utf-8")
    with pytest.raises(EvalDataError, match=r"bad.csv row 2: a question and its expected document"):
        read_questions(bad)


def test_eval_qa_reports_document_and_page_hits_and_misses(golden_docs: Path, tmp_path: Path) -> None:
    questions = tmp_path / "questions.jsonl"
    rows = [
        {"question": "When was the union treaty signed?", "documents": ["report.pdf"], "pages": [3]},
        {"question": "Who does the defense industry depend on for contracts?", "documents": "report.pdf", "pages": 4},
        {"question": "Is the railway gauge the same in both countries?", "documents": ["*report*"], "pages": [5]},
        # A wrong expected page, to be reported as a miss with what was retrieved instead.
        {"question": "Where are the suppliers of optical components?", "documents": ["report.pdf"], "pages": [2]},
    ]
    questions.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    index_before = sorted(p.name for p in (ROOT / "index").iterdir()) if (ROOT / "index").is_dir() else []
    args = ["eval", "qa", str(questions), "--docs", str(golden_docs), "--cache-dir", str(tmp_path / "cache")]
    result = run_cli(*args, "--json", "--show-misses")
    assert result.returncode == 0, result.stderr
    scores = json.loads(result.stdout)
    assert scores["questions"] == 4 and scores["single_document"] == 4 and scores["with_pages"] == 4
    assert scores["document_hit_at_k"] == 1.0 and scores["mrr"] == 1.0
    assert scores["page_hit_at_k"] == 0.75
    assert scores["cited_page_hit"] == 0.75
    [miss] = scores["misses"]

    assert miss["question"].startswith("Where are the suppliers") and miss["pages"] == [2]
    assert any(r.startswith("report.pdf, p. 2 (PDF p") for r in miss["retrieved"])  # its page 4 (and on)
    # The user's index/ is untouched: the eval index is in the cache folder.
    assert (sorted(p.name for p in (ROOT / "index").iterdir()) if (ROOT / "index").is_dir() else []) == index_before
    assert list((tmp_path / "cache").glob("qa-documents-*/index/CURRENT"))

    text = run_cli(*args, "--show-misses")
    assert text.returncode == 0, text.stderr
    assert "page hit@5 0.750" in text.stdout and "MISS Where are the suppliers" in text.stdout


def test_eval_qa_without_docs_says_what_to_add(tmp_path: Path) -> None:
    questions = tmp_path / "q.csv"
    questions.write_text("question,documents\nWhat?,a.pdf\n", encoding="utf-8")
    result = run_cli("eval", "qa", str(questions), env={"ASSISTANT_DOCS": ""})
    assert result.returncode == 1
    assert "add --docs DIR" in result.stderr
