"""Calibrate the 'not covered' floor: how similar is the best passage for questions the documents
answer, and for questions they do not?

    python bench/calibrate.py DOCS_INDEX_DIR SUMMARY_INDEX_DIR

In-domain: the Docugami 10-Q questions on the 10-Q index, and questions about the bundled summary
on its index. Off-topic: SciFact's biomedical claims and general questions, on both indexes.
Prints, per signal, the percentiles of each group and the share of each group above candidate
floors, as one JSON line per signal; then one line with the share of each group that the answer
step (Settings.min_score plus its term-coverage rule) calls covered.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import numpy as np

from assistant import Assistant, Settings
from assistant import answer as extractive

SHARED = Path(__file__).resolve().parents[2] / "shared" / "eval"
SUMMARY_QUESTIONS = [
    "What was the watershed year in the relationship?",
    "How dependent is the Belarusian defense industry on Russia?",
    "What do Belarus's neighbours think about the relationship?",
    "Who sponsored the research?",
    "Where do Belarus and Russia converge and diverge?",
    "Is Belarus a sovereign country in Moscow's eyes?",
    "What role does Belarus play as a mediator?",
    "What happened in 2021 with migrants?",
    "How did the 2022 invasion of Ukraine involve Belarus?",
    "What does Union State integration lead to?",
    "Why can't Belarusian industry grow beyond a certain point?",
    "Which neighbours of Belarus are considered?",
    "What kind of regimes lead the two countries?",
    "How does Russia view Belarus?",
    "What ties do the two countries share?",
]
GENERAL = [
    "What is the best recipe for chocolate chip cookies?",
    "Who won the football world cup in 1998?",
    "How do I change a flat bicycle tyre?",
    "What is the capital of Australia?",
    "How tall is Mount Everest?",
    "What are the symptoms of the flu?",
    "How do I install Python on Windows?",
    "Who painted the Mona Lisa?",
    "What is the boiling point of water at high altitude?",
    "How many players are on a basketball team?",
    "What's a good name for a golden retriever puppy?",
    "How do I bake sourdough bread?",
    "When did the Roman Empire fall?",
    "What is photosynthesis?",
    "How do airplanes stay in the air?",
]


def signals(assistant: Assistant, questions: list[str]) -> dict[str, list[float]]:
    stored = assistant.stored_index()
    out: dict[str, list[float]] = {"chunk": [], "sentence": [], "combined": [], "covered": []}
    for question in questions:
        out["covered"].append(float(assistant.ask(question).covered))
        hits = assistant.search(question)
        query = assistant.embedder.embed_query(question)
        found = extractive._candidates(hits, stored.pages, lambda hit: stored.sentence_vectors(hit.row), lambda _: True)
        scored = extractive._score(question, found, query, 1.0)
        out["chunk"].append(max(h.similarity for h in hits))
        out["sentence"].append(max((c.similarity for c in scored), default=0.0))
        out["combined"].append(scored[0].score if scored else 0.0)
    return out


def main() -> None:
    docs_index, summary_index = Path(sys.argv[1]), Path(sys.argv[2])
    tenq = Assistant(Settings.from_env(index_dir=docs_index))
    summary = Assistant(Settings.from_env(index_dir=summary_index), embedder=tenq.embedder)
    rows = list(csv.DictReader(open(SHARED / "docugami-sec10q" / "qna_subset_AAPL_AMZN_NVDA.csv", encoding="utf-8")))
    test_ids = {line.split("\t")[0] for line in open(SHARED / "beir-scifact" / "qrels" / "test.tsv", encoding="utf-8")}
    claims = [
        q["text"]
        for q in map(json.loads, open(SHARED / "beir-scifact" / "queries.jsonl", encoding="utf-8"))
        if q["_id"] in test_ids
    ][:60]
    groups = {
        "in_domain": [signals(tenq, [r["Question"] for r in rows]), signals(summary, SUMMARY_QUESTIONS)],
        "off_topic": [signals(tenq, claims + GENERAL), signals(summary, claims + GENERAL)],
    }
    for signal in ("chunk", "sentence", "combined"):
        values = {g: np.array([v for part in parts for v in part[signal]]) for g, parts in groups.items()}
        result = {"signal": signal}
        for g, v in values.items():
            result[g] = {f"p{p}": round(float(np.percentile(v, p)), 3) for p in (1, 5, 10, 50, 90, 95, 99)}
        result["above_floor"] = {
            f"{floor:.2f}": {g: round(float((v >= floor).mean()), 3) for g, v in values.items()}
            for floor in np.arange(0.2, 0.56, 0.05)
        }
        print(json.dumps(result))
    covered = {
        g: round(float(np.mean([v for part in parts for v in part["covered"]])), 3) for g, parts in groups.items()
    }
    print(json.dumps({"signal": "answer_covered", "min_score": tenq.settings.min_score, **covered}))


if __name__ == "__main__":
    main()
