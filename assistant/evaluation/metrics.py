"""Ranking metrics over document ids, as trec_eval computes them (checked against pytrec_eval in the
tests): nDCG@k with graded gains and the log2 discount, recall@k, reciprocal rank, hit@k.

`ranking` is a list of ids, best first, without repeats; `relevant` maps id -> grade (> 0 relevant).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence


def ndcg_at_k(ranking: Sequence[str], relevant: Mapping[str, int], k: int) -> float:
    gains = sorted((g for g in relevant.values() if g > 0), reverse=True)
    ideal = sum(g / math.log2(i + 2) for i, g in enumerate(gains[:k]))
    if ideal == 0:
        return 0.0
    dcg = sum(relevant.get(doc, 0) / math.log2(i + 2) for i, doc in enumerate(ranking[:k]))
    return dcg / ideal


def recall_at_k(ranking: Sequence[str], relevant: Mapping[str, int], k: int) -> float:
    wanted = {doc for doc, g in relevant.items() if g > 0}
    if not wanted:
        return 0.0
    return len(wanted.intersection(ranking[:k])) / len(wanted)


def reciprocal_rank(ranking: Sequence[str], relevant: Mapping[str, int]) -> float:
    """1/rank of the first relevant id over the whole ranking (trec_eval's recip_rank), 0 if none."""
    for i, doc in enumerate(ranking):
        if relevant.get(doc, 0) > 0:
            return 1.0 / (i + 1)
    return 0.0


def hit_at_k(ranking: Sequence[str], relevant: Mapping[str, int], k: int) -> float:
    """1.0 when any relevant id is in the top k."""
    return 1.0 if any(relevant.get(doc, 0) > 0 for doc in ranking[:k]) else 0.0


def mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0
