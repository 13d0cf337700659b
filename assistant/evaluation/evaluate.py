"""How well retrieval finds the right documents and pages: BEIR benchmarks and question files.

Both run the product's own pipeline (ingest, chunking, embedding, BM25, fusion: what `assistant
search` does) on an index of their own, kept in a cache folder, never in the user's index/. The
cache makes a second run cost only the questions: the build is incremental like any other.
"""

from __future__ import annotations

import fnmatch
import hashlib
import re
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..app import Assistant
from ..build import BuildProgress, build
from ..config import Settings, user_cache_dir
from ..types import Hit, page_reference
from . import metrics
from .evalsets import BeirSet, Question, read_beir, read_questions

if TYPE_CHECKING:
    from ..embedding import Embedder

# Passages retrieved per BEIR query: enough distinct documents for recall@100 (a document scores
# by its best passage, so passages of one document count once).
BEIR_DEPTH = 200
MULTI_DOCUMENT_DEPTH = 10  # passages in which multi-document questions should find their sources


def default_cache_dir() -> Path:
    return user_cache_dir() / "eval"


@dataclass(frozen=True)
class BeirResult:
    dataset: str
    split: str
    queries: int
    documents: int
    chunks: int
    ndcg_at_10: float
    recall_at_10: float
    recall_at_100: float
    mrr: float
    build_seconds: float
    search_seconds: float
    model: str
    retrieval: str = "hybrid"  # Settings.retrieval: the fusion, or one retriever alone

    def to_json(self) -> dict[str, Any]:
        return {k: round(v, 4) if isinstance(v, float) else v for k, v in asdict(self).items()}


def eval_beir(
    folder: Path,
    split: str = "test",
    settings: Settings | None = None,
    cache_dir: Path | None = None,
    embedder: Embedder | None = None,
    progress: BuildProgress | None = None,
) -> BeirResult:
    """Index the BEIR corpus (one markdown document per corpus entry: '# title' then the text) and
    rank documents by their best passage for every judged query of the split."""
    data = read_beir(folder, split)
    settings = settings or Settings.from_env()
    work = work_dir(cache_dir, "beir", folder, settings)
    names = write_corpus(data, work / "docs")
    assistant = Assistant(replace(settings, docs_dir=work / "docs", index_dir=work / "index"), embedder)
    report = build(
        assistant.settings, progress=progress, load_embedder=lambda: assistant.embedder, sentence_vectors=False
    )
    started = time.perf_counter()
    rankings = {
        qid: document_ranking(assistant.search(text, top_k=BEIR_DEPTH), names) for qid, text in data.queries.items()
    }
    search_seconds = time.perf_counter() - started
    per_query = [(rankings[q], data.qrels[q]) for q in data.queries]
    return BeirResult(
        dataset=folder.name,
        split=split,
        queries=len(per_query),
        documents=len(data.corpus),
        chunks=report.chunks,
        ndcg_at_10=metrics.mean([metrics.ndcg_at_k(r, rel, 10) for r, rel in per_query]),
        recall_at_10=metrics.mean([metrics.recall_at_k(r, rel, 10) for r, rel in per_query]),
        recall_at_100=metrics.mean([metrics.recall_at_k(r, rel, 100) for r, rel in per_query]),
        mrr=metrics.mean([metrics.reciprocal_rank(r, rel) for r, rel in per_query]),
        build_seconds=report.seconds,
        search_seconds=search_seconds,
        model=assistant.settings.model,
        retrieval=assistant.settings.retrieval,
    )


def document_ranking(hits: Sequence[Hit], names: dict[str, str]) -> list[str]:
    """Corpus ids in the order of their best passage."""
    return list(dict.fromkeys(names[hit.chunk.document] for hit in hits))


def write_corpus(data: BeirSet, docs: Path) -> dict[str, str]:
    """One file per corpus entry, rewritten only when it differs (so the build stays incremental);
    returns file name -> corpus id."""
    docs.mkdir(parents=True, exist_ok=True)
    names: dict[str, str] = {}
    for doc_id, (title, text) in data.corpus.items():
        name = f"{_safe(doc_id)}.md"
        if name in names:  # ids differing only in characters a file name cannot hold
            name = f"{_safe(doc_id)}-{hashlib.sha1(doc_id.encode()).hexdigest()[:8]}.md"
        names[name] = doc_id
        content = f"# {' '.join(title.split())}\n\n{text}\n" if title.strip() else f"{text}\n"
        path = docs / name
        if not path.is_file() or path.read_text(encoding="utf-8") != content:
            path.write_text(content, encoding="utf-8")
    for stale in docs.glob("*.md"):
        if stale.name not in names:
            stale.unlink()
    return names


@dataclass(frozen=True)
class Miss:
    question: str
    expected: tuple[str, ...]
    pages: tuple[int, ...]
    retrieved: tuple[str, ...]  # "document, p. 12" for each of the top k passages


@dataclass(frozen=True)
class QAResult:
    questions: int
    k: int
    single_document: int  # questions with one expected source (document hit@k, MRR are over these)
    document_hit_at_k: float
    mrr: float
    with_pages: int  # questions with expected pages (page hit@k and cited-page hit are over these)
    page_hit_at_k: float | None
    cited_page_hit: float | None  # the answer's citations include an expected page
    multi_document: int
    multi_coverage_at_10: float | None  # share of a multi-document question's sources in the top 10
    seconds: float
    misses: tuple[Miss, ...] = field(default=(), compare=False)
    retrieval: str = "hybrid"  # Settings.retrieval: the fusion, or one retriever alone

    def to_json(self, with_misses: bool = False) -> dict[str, Any]:
        result = {k: round(v, 4) if isinstance(v, float) else v for k, v in asdict(self).items() if k != "misses"}
        if with_misses:
            result["misses"] = [asdict(m) for m in self.misses]
        return result


def eval_qa(
    questions_file: Path,
    docs_dir: Path,
    settings: Settings | None = None,
    cache_dir: Path | None = None,
    k: int = 5,
    embedder: Embedder | None = None,
    progress: BuildProgress | None = None,
) -> QAResult:
    """Index docs_dir in the cache folder, then score every question of the file."""
    questions = read_questions(questions_file)
    settings = settings or Settings.from_env()
    work = work_dir(cache_dir, "qa", docs_dir, settings)
    assistant = Assistant(replace(settings, docs_dir=docs_dir, index_dir=work / "index"), embedder)
    assistant.index(progress=progress)
    return score_questions(assistant, questions, k)


def score_questions(assistant: Assistant, questions: Sequence[Question], k: int = 5) -> QAResult:
    """Document and page hits of every question against an indexed assistant."""
    started = time.perf_counter()
    indexed = sorted(assistant.stored_index().pages)
    doc_hits, ranks, page_hits, cited_hits, coverage = [], [], [], [], []
    misses = []
    for question in questions:
        expected = [d for d in indexed if any(matches(d, pattern) for pattern in question.documents)]
        if question.multi_document:
            hits = assistant.search(question.question, top_k=MULTI_DOCUMENT_DEPTH)
            found = {hit.chunk.document for hit in hits}
            coverage.append(len(found.intersection(expected)) / len(expected) if expected else 0.0)
            continue
        hits = assistant.search(question.question, top_k=max(k, 10))
        in_document = [hit.chunk.document in expected for hit in hits]
        doc_hit = any(in_document[:k])
        doc_hits.append(float(doc_hit))
        ranks.append(1.0 / (in_document.index(True) + 1) if True in in_document else 0.0)
        page_hit = True
        if question.pages:
            page_hit = any(_on_pages(hit, expected, question.pages) for hit in hits[:k])
            page_hits.append(float(page_hit))
            answer = assistant.ask(question.question, top_k=k)
            cited = any(
                c.document in expected and any(c.page_start <= p <= c.page_end for p in question.pages)
                for c in answer.citations
            )
            cited_hits.append(float(cited))
        if not (doc_hit and page_hit):
            retrieved = tuple(f"{h.chunk.document}, {_pages(h)}" for h in hits[:k])
            misses.append(Miss(question.question, question.documents, question.pages, retrieved))
    return QAResult(
        questions=len(questions),
        k=k,
        single_document=len(doc_hits),
        document_hit_at_k=metrics.mean(doc_hits),
        mrr=metrics.mean(ranks),
        with_pages=len(page_hits),
        page_hit_at_k=metrics.mean(page_hits) if page_hits else None,
        cited_page_hit=metrics.mean(cited_hits) if cited_hits else None,
        multi_document=len(coverage),
        multi_coverage_at_10=metrics.mean(coverage) if coverage else None,
        seconds=time.perf_counter() - started,
        misses=tuple(misses),
        retrieval=assistant.settings.retrieval,
    )


def matches(document: str, pattern: str) -> bool:
    """Exact name, or a glob pattern ("*2023 Q3 AAPL*") over the name."""
    return document == pattern or Path(document).name == pattern or fnmatch.fnmatchcase(document, pattern)


def _on_pages(hit: Hit, expected: Sequence[str], pages: Sequence[int]) -> bool:
    chunk = hit.chunk
    return chunk.document in expected and any(chunk.page_start <= p <= chunk.page_end for p in pages)


def _pages(hit: Hit) -> str:
    return page_reference(hit.chunk.page_label, hit.chunk.page_start, hit.chunk.page_end)


def work_dir(cache_dir: Path | None, kind: str, source: Path, settings: Settings) -> Path:
    """One cache folder per evaluated source and model, so runs with other models do not evict it."""
    from ..embedding import model_id

    key = f"{source.resolve()}|{model_id(settings.model)}"
    slug = re.sub(r"[^\w.-]+", "-", source.resolve().name).strip("-") or kind
    return (cache_dir or default_cache_dir()) / f"{kind}-{slug}-{hashlib.sha1(key.encode()).hexdigest()[:10]}"


def _safe(name: str) -> str:
    return re.sub(r"[^\w.-]", "_", name)[:100] or "_"
