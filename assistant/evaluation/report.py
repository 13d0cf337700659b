"""Evaluation results as the lines `assistant eval` prints."""

from __future__ import annotations

from .evaluate import BeirResult, QAResult


def describe_beir(result: BeirResult, seconds: float) -> str:
    return "\n".join(
        [
            f"{result.dataset} ({result.split}): {result.queries} queries over {result.documents} documents "
            f"({result.chunks} chunks), model {result.model}, retrieval {result.retrieval}",
            f"  nDCG@10    {result.ndcg_at_10:.4f}",
            f"  recall@10  {result.recall_at_10:.4f}",
            f"  recall@100 {result.recall_at_100:.4f}",
            f"  MRR        {result.mrr:.4f}",
            f"Index {result.build_seconds:.1f} s, search {result.search_seconds:.1f} s, total {seconds:.1f} s.",
        ]
    )


def describe_qa(result: QAResult, name: str, seconds: float, show_misses: bool = False) -> str:
    k = result.k
    lines = [f"{name}: {result.questions} questions, retrieval {result.retrieval}"]
    if result.single_document:
        lines.append(
            f"  single-document questions ({result.single_document}): document hit@{k} "
            f"{result.document_hit_at_k:.3f}, MRR {result.mrr:.3f}"
        )
    if result.page_hit_at_k is not None:
        lines.append(
            f"  with pages ({result.with_pages}): page hit@{k} {result.page_hit_at_k:.3f}, "
            f"an expected page cited in the answer {result.cited_page_hit:.3f}"
        )
    if result.multi_coverage_at_10 is not None:
        lines.append(
            f"  multi-document questions ({result.multi_document}): sources in the top 10 "
            f"{result.multi_coverage_at_10:.3f}"
        )
    lines.append(f"Questions scored in {result.seconds:.1f} s, total {seconds:.1f} s.")
    for miss in result.misses if show_misses else ():
        pages = f", pages {', '.join(map(str, miss.pages))}" if miss.pages else ""
        lines += ["", f"MISS {miss.question}", f"  expected {', '.join(miss.expected)}{pages}; retrieved:"]
        lines += [f"    {line}" for line in miss.retrieved]
    return "\n".join(lines)
