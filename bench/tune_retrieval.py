"""Try retrieval variants on a BEIR split, reusing the index `assistant eval beir` cached.

Documents are ranked by their best passage, as `assistant eval` does (near-duplicate removal is
left out: it changes nothing on SciFact's abstracts).

    python bench/tune_retrieval.py ../shared/eval/beir-scifact --split train

Tune on train, report on test: this prints nDCG@10 per variant for the split it is given. It
needs `assistant eval beir DIR` to have run once (the index lives in its cache folder).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np

from assistant import retrieve, store
from assistant.config import Settings
from assistant.embedding import Embedder
from assistant.evaluation import metrics
from assistant.evaluation.evalsets import read_beir
from assistant.evaluation.evaluate import default_cache_dir, work_dir
from assistant.lexical import Lexical

Ranking = list[tuple[int, float]]
Fusion = Callable[[Ranking, Ranking], dict[int, float]]


def rrf(k: float, w_dense: float = 1.0, w_lexical: float = 1.0, depth: int = 1000) -> Fusion:
    def fuse(dense: Ranking, lexical: Ranking) -> dict[int, float]:
        scores: dict[int, float] = {}
        for weight, ranking in ((w_dense, dense[:depth]), (w_lexical, lexical[:depth])):
            for rank, (row, _) in enumerate(ranking, start=1):
                scores[row] = scores.get(row, 0.0) + weight / (k + rank)
        return scores

    return fuse


def convex(alpha: float, norm: str, depth: int = 1000) -> Fusion:
    """alpha * dense + (1 - alpha) * lexical on normalised scores; a missing score counts as the minimum."""

    def normalise(ranking: Ranking) -> dict[int, float]:
        if not ranking:
            return {}
        values = np.array([s for _, s in ranking[:depth]])
        if norm == "minmax":
            low, high = values.min(), values.max()
            scaled = (values - low) / (high - low or 1.0)
        elif norm == "max":
            scaled = values / (values.max() or 1.0)
        else:  # z-score
            scaled = (values - values.mean()) / (values.std() or 1.0)
        return {row: float(v) for (row, _), v in zip(ranking[:depth], scaled, strict=True)}

    def fuse(dense: Ranking, lexical: Ranking) -> dict[int, float]:
        d, lx = normalise(dense), normalise(lexical)
        d_floor = min(d.values(), default=0.0)
        l_floor = min(lx.values(), default=0.0)
        return {row: alpha * d.get(row, d_floor) + (1 - alpha) * lx.get(row, l_floor) for row in set(d) | set(lx)}

    return fuse


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", type=Path)
    parser.add_argument("--split", default="train")
    parser.add_argument("--depth", type=int, default=200)
    args = parser.parse_args()
    data = read_beir(args.folder, args.split)
    settings = Settings()
    work = work_dir(default_cache_dir(), "beir", args.folder, settings)
    stored = store.load(work / "index")
    names = {f"{p.stem}.md": p.stem for p in (work / "docs").glob("*.md")}
    doc_of = [names.get(c.document, c.document) for c in stored.chunks]
    embedder = Embedder()
    qids = list(data.queries)
    vectors = embedder.embed_texts([data.queries[q] for q in qids])
    dense = {q: stored.search_vectors(v, args.depth) for q, v in zip(qids, vectors, strict=True)}
    texts = [c.search_text for c in stored.chunks]
    lexical_variants = {f"k1={k1} b={b}": Lexical.build(texts, k1, b) for k1, b in ((1.5, 0.75), (0.9, 0.4))}

    def score(rankings: dict[str, dict[int, float]], doc_score: str = "max") -> float:
        values = []
        for q in qids:
            docs: dict[str, float] = {}
            for row, s in rankings[q].items():
                d = doc_of[row]
                docs[d] = max(docs.get(d, -1e9), s) if doc_score == "max" else docs.get(d, 0.0) + s
            ranking = sorted(docs, key=lambda d: -docs[d])
            values.append(metrics.ndcg_at_k(ranking, data.qrels[q], 10))
        return metrics.mean(values)

    print(f"{args.split}: {len(qids)} queries", flush=True)
    print(f"dense only                {score({q: dict(dense[q]) for q in qids}):.4f}", flush=True)
    all_vectors = stored.all_vectors()
    for name, lexical in lexical_variants.items():
        bm25 = {q: lexical.search(data.queries[q], args.depth) for q in qids}
        print(f"bm25 {name:<22}{score({q: dict(bm25[q]) for q in qids}):.4f}", flush=True)
        variants: dict[str, Fusion] = {
            "rrf k=60 depth=50": rrf(60, depth=50),
            "rrf k=60": rrf(60),
            "rrf k=20": rrf(20),
            "product (retrieve.fuse)": retrieve.fuse,
        }
        for alpha in (0.55, 0.6, 0.65, 0.7, 0.75, 0.8):
            variants[f"convex max a={alpha}"] = convex(alpha, "max")
            variants[f"convex minmax a={alpha}"] = convex(alpha, "minmax")
            variants[f"convex z a={alpha}"] = convex(alpha, "z")
        for depth in (50, 100):
            variants[f"convex max a=0.65 depth={depth}"] = convex(0.65, "max", depth)
        for label, fuse in variants.items():
            fused = {q: fuse(dense[q], bm25[q]) for q in qids}
            print(f"  {label:<34}{score(fused):.4f}", flush=True)
        fused = {q: rrf(60)(dense[q], bm25[q]) for q in qids}
        print(f"  {'rrf k=60, documents by summed chunks':<34}{score(fused, 'sum'):.4f}", flush=True)
        # Pseudo-relevance feedback on the dense side: move the query toward its top fused passages.
        for top, beta in ((3, 0.3), (3, 0.6), (5, 0.5)):
            for label, fuse in (("rrf k=60", rrf(60)), ("convex max a=0.65", convex(0.65, "max"))):
                prf = {}
                for q, v in zip(qids, vectors, strict=True):
                    first = fuse(dense[q], bm25[q])
                    best = sorted(first, key=lambda r: -first[r])[:top]
                    moved = v + beta * all_vectors[best].mean(axis=0)
                    moved /= np.linalg.norm(moved)
                    prf[q] = fuse(stored.search_vectors(moved, args.depth), bm25[q])
                print(f"  prf top={top} beta={beta} {label:<18}{score(prf):.4f}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
