"""Choose the fusion weights across every set at once, on train parts only.

    python bench/tune_fusion.py

Each set is indexed as `assistant eval` indexes it (same cache), each question is searched once by
each retriever (retrieve.signals), and every weight pair is then ranked by the product's own
retrieve.fused_scores and retrieve.ranked_rows; then the weight of a passage's best table row
(retrieve.ROW_WEIGHT) the same way. Printed: one line per variant, a column per set
(SciFact train nDCG@10; Docugami single-document source hit@5; the page questions' page hit@5; the
analyst questions' train half, evidence page hit@5), dense alone and BM25 alone first. The test half
of the analyst questions is never read here.

SciFact ranks documents by their best passage among the top 50 (the eval reads 200; the first ten
distinct documents are the same but for ties): a variant then costs seconds, not a minute.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from quality import DOCUGAMI, ROOT, SHARED, single_filing  # bench/quality.py: run as bench/tune_fusion.py

from assistant import retrieve
from assistant.app import Assistant
from assistant.build import build
from assistant.config import Settings
from assistant.evaluation import metrics
from assistant.evaluation.evalsets import read_beir, read_questions
from assistant.evaluation.evaluate import matches, work_dir, write_corpus
from assistant.store import StoredIndex

WEIGHTS = [(d, w) for d in (0.5, 0.6, 0.65, 0.7, 0.75, 0.8, 0.9) for w in (0.0, 0.1, 0.2, 0.3)]
ROW_WEIGHTS = (0.0, 0.8, 0.9, 0.95, 1.0)  # tried with the default dense and document weights


@dataclass(frozen=True)
class Question:
    found: dict[str, retrieve.Signals]  # mode -> what the retrievers found
    judge: Callable[[StoredIndex, list[int]], float]


def main() -> None:
    sets = {
        "scifact-train": _beir(SHARED / "beir-scifact", "train"),
        "docugami": _qa(DOCUGAMI / "qna_subset_AAPL_AMZN_NVDA.csv", DOCUGAMI / "docs"),
        "pages": _qa(ROOT / "tests" / "data" / "page_questions.csv", single_filing("2023 Q1 AMZN.pdf")),
        "analyst-train": _qa(ROOT / "tests" / "data" / "analyst_questions_train.csv", DOCUGAMI / "docs"),
    }
    print(f"{'variant':<26}" + "".join(f"{name:>15}" for name in sets) + f"{'mean':>8}", flush=True)
    _row("dense alone", {n: _score(s, "dense", retrieve.Fusion()) for n, s in sets.items()})
    _row("BM25 alone", {n: _score(s, "lexical", retrieve.Fusion()) for n, s in sets.items()})
    for dense_weight, document_weight in WEIGHTS:
        fusion = retrieve.Fusion(dense_weight, document_weight)
        label = f"dense {dense_weight}, documents {document_weight}"
        if fusion == retrieve.Fusion():
            label += " *"
        _row(label, {n: _score(s, "hybrid", fusion) for n, s in sets.items()})
    for row_weight in ROW_WEIGHTS:
        fusion = retrieve.Fusion(row_weight=row_weight)
        label = f"table rows {row_weight}" + (" *" if fusion == retrieve.Fusion() else "")
        _row(label, {n: _score(s, "hybrid", fusion) for n, s in sets.items()})
    print("* the defaults (retrieve.DENSE_WEIGHT, retrieve.DOCUMENT_WEIGHT, retrieve.ROW_WEIGHT)")


def _row(label: str, scores: dict[str, float]) -> None:
    mean = sum(scores.values()) / len(scores)
    print(f"{label:<26}" + "".join(f"{v:>15.3f}" for v in scores.values()) + f"{mean:>8.4f}", flush=True)


def _score(indexed: tuple[StoredIndex, list[Question], int], mode: str, fusion: retrieve.Fusion) -> float:
    stored, questions, top_k = indexed
    results = []
    for question in questions:
        scores = retrieve.fused_scores(stored, question.found[mode], fusion)
        results.append(question.judge(stored, retrieve.ranked_rows(stored, scores, top_k)))
    return metrics.mean(results)


def _search_all(assistant: Assistant, text: str) -> dict[str, retrieve.Signals]:
    stored = assistant.stored_index()
    vector = assistant.embedder.embed_query(text)
    depth = assistant.settings.candidates
    return {mode: retrieve.signals(stored, text, vector, depth, mode) for mode in retrieve.MODES}


def _beir(folder: Path, split: str) -> tuple[StoredIndex, list[Question], int]:
    data = read_beir(folder, split)
    settings = Settings.from_env()
    work = work_dir(None, "beir", folder, settings)
    names = write_corpus(data, work / "docs")
    assistant = Assistant(replace(settings, docs_dir=work / "docs", index_dir=work / "index"))
    build(assistant.settings, load_embedder=lambda: assistant.embedder, sentence_vectors=False)

    def judge(relevant: dict[str, int]) -> Callable[[StoredIndex, list[int]], float]:
        def ndcg(stored: StoredIndex, rows: list[int]) -> float:
            ranking = list(dict.fromkeys(names[stored.chunks[r].document] for r in rows))
            return metrics.ndcg_at_k(ranking, relevant, 10)

        return ndcg

    questions = [Question(_search_all(assistant, text), judge(data.qrels[q])) for q, text in data.queries.items()]
    return assistant.stored_index(), questions, 50


def _qa(path: Path, docs: Path) -> tuple[StoredIndex, list[Question], int]:
    settings = Settings.from_env()
    work = work_dir(None, "qa", docs, settings)
    assistant = Assistant(replace(settings, docs_dir=docs, index_dir=work / "index"))
    assistant.index()
    indexed = sorted(assistant.stored_index().pages)

    def judge(expected: set[str], pages: tuple[int, ...]) -> Callable[[StoredIndex, list[int]], float]:
        def hit(stored: StoredIndex, rows: list[int]) -> float:
            chunks = [stored.chunks[r] for r in rows]
            if not pages:
                return float(any(c.document in expected for c in chunks))
            return float(
                any(c.document in expected and any(c.page_start <= p <= c.page_end for p in pages) for c in chunks)
            )

        return hit

    questions = []
    for question in read_questions(path):
        if question.multi_document:
            continue
        expected = {d for d in indexed if any(matches(d, pattern) for pattern in question.documents)}
        questions.append(Question(_search_all(assistant, question.question), judge(expected, question.pages)))
    return assistant.stored_index(), questions, 5


if __name__ == "__main__":
    main()
