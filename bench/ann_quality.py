"""What the approximate (IVF) vector index costs in retrieval quality, on real embeddings: SciFact.

    python bench/ann_quality.py [--cache-dir DIR]

SciFact's corpus (5,183 abstracts) is far below vector_index.ANN_FROM, so `assistant eval` searches it
flat. Here the same cached index is searched, per split, flat and through IVF indexes made from its
own vectors with vector_index.choose's number of lists for a library of this size and several shares of
them probed (vector_index.PROBED_SHARE among them): nDCG@10 and recall@100 of the product's search
(dense and BM25 fused), and recall@10 of the vector search alone against the exact one. The train
split is where a share would be chosen; the test split is reported beside it. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import math
from dataclasses import replace
from pathlib import Path

import numpy as np

from assistant import Assistant, Settings, vector_index
from assistant.build import build
from assistant.evaluation import metrics
from assistant.evaluation.evalsets import read_beir
from assistant.evaluation.evaluate import BEIR_DEPTH, document_ranking, work_dir, write_corpus
from assistant.store import LocalVectors

SCIFACT = Path(__file__).resolve().parents[2] / "shared/eval/beir-scifact"
SHARES = (1 / 32, 1 / 16, 1 / 8, 1 / 4)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cache-dir", type=Path, default=Path("/tmp/ann-quality"))
    parser.add_argument("--lists-factor", type=float, default=1.0, help="lists = factor x sqrt(passages)")
    parser.add_argument("--kind", default="ivf-fp16", help="the IVF index's kind: ivf-fp16 or ivf-flat")
    args = parser.parse_args()
    settings = Settings.from_env()
    work = work_dir(args.cache_dir, "beir", SCIFACT, settings)
    splits = {split: read_beir(SCIFACT, split) for split in ("train", "test")}
    names = write_corpus(splits["test"], work / "docs")
    assistant = Assistant(replace(settings, docs_dir=work / "docs", index_dir=work / "index"))
    build(assistant.settings, load_embedder=lambda: assistant.embedder, sentence_vectors=False)
    stored = assistant.stored_index()
    assert isinstance(stored.backend, LocalVectors)
    flat = stored.backend
    vectors = stored.all_vectors()
    lists = round(math.sqrt(len(vectors)) * args.lists_factor)  # vector_index.choose's rule: the factor is 1
    trained = vector_index.build(vectors, {"kind": args.kind, "lists": lists, "probes": 1})
    trained.make_direct_map()  # as vector_index.load does: the search reads passages' vectors back
    embed = assistant.embedder.embed_query
    queries = {split: {q: embed(t) for q, t in data.queries.items()} for split, data in splits.items()}
    exact = {split: {q: _top10(flat, v) for q, v in qs.items()} for split, qs in queries.items()}
    result: dict[str, object] = {"passages": len(vectors), "kind": args.kind, "lists": lists}
    for label, share in [("flat", 0.0), *((f"{max(1, round(lists * s))}/{lists}", s) for s in SHARES)]:
        if share:
            trained.nprobe = max(1, round(lists * share))
            stored.backend = replace(flat, faiss_index=trained)
        else:
            stored.backend = flat
        row = {}
        for split, data in splits.items():
            searched = {q: assistant.search(t, top_k=BEIR_DEPTH) for q, t in data.queries.items()}
            rankings = {q: document_ranking(hits, names) for q, hits in searched.items()}
            judged = [(rankings[q], data.qrels[q]) for q in data.queries]
            found = sum(len(exact[split][q] & _top10(stored.backend, v)) for q, v in queries[split].items())
            row[split] = {
                "ndcg_at_10": round(metrics.mean([metrics.ndcg_at_k(r, rel, 10) for r, rel in judged]), 4),
                "recall_at_100": round(metrics.mean([metrics.recall_at_k(r, rel, 100) for r, rel in judged]), 4),
                "vector_recall_at_10": round(found / (10 * len(queries[split])), 3),
            }
        result[label] = row
    print(json.dumps(result))


def _top10(backend: LocalVectors, vector: np.ndarray) -> set[int]:
    return {row for row, _ in backend.search(vector, 10)}


if __name__ == "__main__":
    main()
