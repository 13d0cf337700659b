"""The ranking metrics: a hand-computed example, then agreement with trec_eval (pytrec_eval) on many rankings."""

import math
import random

import pytest
import pytrec_eval

from assistant.evaluation import metrics

# Relevant: a (grade 2), b and e (grade 1). Ranking: x a y b z, so relevant ones sit at ranks 2 and 4,
# and e is never retrieved.
RANKING = ["x", "a", "y", "b", "z"]
RELEVANT = {"a": 2, "b": 1, "e": 1, "n": 0}


def test_hand_computed_example() -> None:
    dcg_at_3 = 2 / math.log2(3)  # a at rank 2
    ideal_at_3 = 2 / math.log2(2) + 1 / math.log2(3) + 1 / math.log2(4)  # a, b, e in the best order
    assert metrics.ndcg_at_k(RANKING, RELEVANT, 3) == pytest.approx(dcg_at_3 / ideal_at_3)
    assert metrics.ndcg_at_k(RANKING, RELEVANT, 3) == pytest.approx(0.4030, abs=1e-4)  # 1.2619 / 3.1309
    dcg_at_5 = 2 / math.log2(3) + 1 / math.log2(5)
    assert metrics.ndcg_at_k(RANKING, RELEVANT, 5) == pytest.approx(dcg_at_5 / ideal_at_3)  # ideal has 3 gains
    assert metrics.recall_at_k(RANKING, RELEVANT, 1) == 0.0
    assert metrics.recall_at_k(RANKING, RELEVANT, 2) == pytest.approx(1 / 3)
    assert metrics.recall_at_k(RANKING, RELEVANT, 5) == pytest.approx(2 / 3)
    assert metrics.reciprocal_rank(RANKING, RELEVANT) == 0.5
    assert metrics.hit_at_k(RANKING, RELEVANT, 1) == 0.0
    assert metrics.hit_at_k(RANKING, RELEVANT, 2) == 1.0


def test_edge_cases() -> None:
    assert metrics.ndcg_at_k(["a"], {}, 10) == 0.0
    assert metrics.ndcg_at_k([], {"a": 1}, 10) == 0.0
    assert metrics.reciprocal_rank(["x", "y"], {"a": 1}) == 0.0
    assert metrics.ndcg_at_k(["a", "b"], {"a": 1, "b": 1}, 10) == pytest.approx(1.0)
    assert metrics.mean([]) == 0.0


def test_agrees_with_trec_eval_on_random_rankings() -> None:
    rng = random.Random(7)
    docs = [f"d{i}" for i in range(150)]
    qrels, run = {}, {}
    for q in range(60):
        qid = f"q{q}"
        qrels[qid] = {d: rng.choice([1, 1, 2]) for d in rng.sample(docs, rng.randint(1, 6))}
        ranking = rng.sample(docs, rng.randint(5, 120))
        # trec_eval ranks by score; distinct descending scores keep our order.
        run[qid] = {d: float(len(ranking) - i) for i, d in enumerate(ranking)}
    measures = {"ndcg_cut_10", "recall_10", "recall_100", "recip_rank"}
    expected = pytrec_eval.RelevanceEvaluator(qrels, measures).evaluate(run)
    for qid, ranked in run.items():
        ranking = list(ranked)
        assert metrics.ndcg_at_k(ranking, qrels[qid], 10) == pytest.approx(expected[qid]["ndcg_cut_10"], abs=1e-9)
        assert metrics.recall_at_k(ranking, qrels[qid], 10) == pytest.approx(expected[qid]["recall_10"], abs=1e-9)
        assert metrics.recall_at_k(ranking, qrels[qid], 100) == pytest.approx(expected[qid]["recall_100"], abs=1e-9)
        assert metrics.reciprocal_rank(ranking, qrels[qid]) == pytest.approx(expected[qid]["recip_rank"], abs=1e-9)
