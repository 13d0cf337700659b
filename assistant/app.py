"""The Assistant: the one object the command line, the web chat and Python users share.

    assistant = Assistant(Settings.from_env(docs_dir="documents"))
    assistant.index()                    # build or update index/
    answer = assistant.ask("What changed in 2020?")

The model and the index are loaded on first use and shared by all callers (thread-safe); a build
that swaps in a new index is picked up by the next question.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import answer as extractive
from . import prompts, retrieve, store
from .asks import asks
from .build import BuildProgress, BuildReport, build
from .close_words import CloseWords
from .config import LOCAL_STORE, Settings
from .conversation import standalone_query
from .embedding import model_id
from .errors import ConfigError, DocumentError
from .grounding import Grounding
from .manifest import Manifest, mismatch
from .questions import clean_question, for_search
from .reading import docs_folder
from .types import EXTRACTIVE, GENERATED, Answer, Hit

if TYPE_CHECKING:
    from .embedding import Embedder
    from .endpoint import Writer

MODES = (GENERATED, EXTRACTIVE)  # how an answer is made: written by the configured model, or quoted


@dataclass(frozen=True)
class Status:
    index_dir: str
    documents: int
    pages: int
    chunks: int
    model: str
    built_at: str
    sources: tuple[dict[str, Any], ...]  # per document: path, title, pages, chunks, parse report
    skipped: tuple[dict[str, str], ...]  # files that could not be indexed: path, reason
    store: str = LOCAL_STORE  # where the vectors are (Settings.store)
    segments: int = 0  # segments beside the base, in a large library (store.py)
    removed_chunks: int = 0  # rows of documents taken out, skipped until the library is written whole


class Assistant:
    def __init__(self, settings: Settings | None = None, embedder: Embedder | None = None) -> None:
        self.settings = settings or Settings.from_env()
        self._embedder = embedder
        self._stored: store.StoredIndex | None = None
        self._writer: Writer | None = None
        self._prompts: prompts.Prompts | None = None
        self._lock = threading.Lock()

    @property
    def embedder(self) -> Embedder:
        with self._lock:
            if self._embedder is None:
                from .embedding import Embedder

                self._embedder = Embedder(self.settings.model)
            return self._embedder

    def index(self, rebuild: bool = False, progress: BuildProgress | None = None, compact: bool = False) -> BuildReport:
        """Build the index, or bring it up to date with the documents folder (`compact`: build.build)."""
        return build(
            self.settings, rebuild=rebuild, progress=progress, load_embedder=lambda: self.embedder, compact=compact
        )

    def status(self) -> Status:
        """What is indexed, read from the manifest alone (no model, no index loaded)."""
        manifest = store.require_manifest(self.settings.index_dir)
        return Status(
            index_dir=str(self.settings.index_dir),
            documents=len(manifest.documents),
            pages=manifest.pages,
            chunks=manifest.chunks,
            model=manifest.model,
            built_at=manifest.built_at,
            sources=tuple(
                {
                    "path": d.path,
                    "title": d.title,
                    "pages": d.pages,
                    "chunks": d.chunks,
                    "chars_per_page": list(d.report.chars_per_page),
                    "empty_pages": list(d.report.empty_pages),
                    "warnings": list(d.report.warnings),
                }
                for d in manifest.documents
            ),
            skipped=tuple({"path": s.path, "reason": s.reason} for s in manifest.skipped),
            store=manifest.store,
            segments=len(manifest.segments),
            removed_chunks=sum(r.chunks for r in manifest.removed),
        )

    def search(self, question: str, top_k: int | None = None) -> list[Hit]:
        """The passages that answer best, each page's best before any page's second (retrieve.PER_PAGE):
        a list to read is a list of pages. Answers read the best passages as they rank."""
        hits, _ = self._search(clean_question(question), top_k, retrieve.PER_PAGE)
        return hits

    @property
    def writes(self) -> bool:
        """A language model is configured: answers are written (and checked) unless asked to quote."""
        return self.settings.llm.configured

    def ask(
        self,
        question: str,
        top_k: int | None = None,
        previous_queries: Sequence[str] = (),
        min_score: float | None = None,
        mode: str | None = None,
    ) -> Answer:
        """The answer to `question`: written by the configured model and checked sentence by sentence,
        or quoted (`mode`, default: written when a model is configured). `previous_queries` (the
        `query` of earlier answers in the same conversation) lets a follow-up like "and Poland?" be
        searched together with its topic; `min_score` overrides the relevance floor (0 quotes the best
        sentences whatever they score)."""
        *_, answer = self.ask_stream(question, top_k, previous_queries, min_score, mode)
        assert isinstance(answer, Answer)
        return answer

    def ask_stream(
        self,
        question: str,
        top_k: int | None = None,
        previous_queries: Sequence[str] = (),
        min_score: float | None = None,
        mode: str | None = None,
    ) -> Iterator[str | Answer]:
        """As ask(), but a written answer's text is yielded piece by piece as the model writes it;
        the last item is the Answer (the only item of a quoted answer)."""
        mode = mode or (GENERATED if self.writes else EXTRACTIVE)
        if mode not in MODES:
            raise ConfigError(f"Unknown answer mode {mode!r} — use one of: {', '.join(MODES)}")
        if mode == GENERATED and not self.writes:
            raise ConfigError(
                "No language model is configured to write answers — set ASSISTANT_LLM_URL (or --llm-url), "
                "or ask for a quoted answer (--mode extractive)"
            )
        question = clean_question(question)
        query = standalone_query(question, previous_queries)
        hits, query_vector = self._search(query, top_k)
        stored = self.stored_index()
        self._check(stored.manifest, sentence_vectors=True)
        # What the searched text asks for (a follow-up's with its topic), checked against each quoted sentence.
        asked = asks(query, stored.term_shares)
        grounding = Grounding(
            query, asked, stored.term_shares, CloseWords(self.embedder.token_vectors, for_search(query))
        )
        quoted = extractive.extract(
            query,
            hits,
            stored.pages,
            query_vector,
            lambda hit: stored.sentence_vectors(hit.row),
            self.settings.min_score if min_score is None else min_score,
            self.settings.answer_sentences,
            grounding,
        )
        quoted = replace(quoted, question=question, query=query, asks=asked)
        if mode == EXTRACTIVE:
            yield quoted
            return
        from .generate import generate

        yield from generate(
            quoted,
            stored.pages,
            self.prompts(),
            self.writer(),
            self.embedder.embed_texts,
            lambda hit: stored.sentence_vectors(hit.row),
            self.settings.llm.context_tokens,
            self.settings.llm.answer_tokens,
        )

    def prompts(self) -> prompts.Prompts:
        """The answer prompt's templates, read and checked once (ConfigError names a broken file)."""
        with self._lock:
            if self._prompts is None:
                self._prompts = prompts.load(self.settings.prompts_dir)
            return self._prompts

    def writer(self) -> Writer:
        """The configured endpoint's client (it imports openai, so only when asked for)."""
        with self._lock:
            if self._writer is None:
                from .endpoint import Writer

                self._writer = Writer(self.settings.llm)
            return self._writer

    def add_document(self, source: Path, name: str, replace_existing: bool = False) -> str:
        """Copy a file into the documents folder (checked by content, name sanitised); returns its
        name there. It is searchable after the next index()."""
        return docs_folder.add_document(
            self.settings.docs_dir,
            source,
            name,
            max_bytes=self.settings.max_upload_mb * 10**6,
            replace=replace_existing,
        )

    def remove_document(self, name: str) -> None:
        """Delete a document from the documents folder; it leaves the index at the next index()."""
        docs_folder.remove_document(self.settings.docs_dir, name)

    def document_path(self, name: str) -> Path:
        """The file of an indexed document (never any other path)."""
        stored = self.stored_index()
        if name not in stored.pages:
            raise DocumentError(name, "is not an indexed document")
        return self.settings.docs_dir / name

    def warm_up(self) -> None:
        """Load the model and the index now, so the first question is answered at full speed."""
        self.stored_index()
        self.embedder.embed_query("warm up")
        if self.writes:
            self.prompts()  # a broken template stops the start, naming the file
            self.writer()

    def stored_index(self) -> store.StoredIndex:
        """The live index, reloaded when a build has swapped in a new one since it was loaded."""
        index_dir = self.settings.index_dir
        live = store.current_build(index_dir)
        with self._lock:
            if self._stored is None or live != self._stored.directory:
                self._check(store.require_manifest(index_dir))  # before loading what may not fit
                self._stored = store.load(index_dir)
            self._stored.check_intact()
            return self._stored

    def _check(self, manifest: Manifest, sentence_vectors: bool | None = None) -> None:
        """IndexMismatchError when the index does not fit the settings (or lacks the sentence vectors
        that answers need)."""
        found = mismatch(
            manifest, model_id(self.settings.model), self.settings.chunking, sentence_vectors, self.settings.store
        )
        if found is not None:
            raise found.error(self.settings.index_dir)

    def _search(self, query: str, top_k: int | None, per_page: int = 0) -> tuple[list[Hit], Any]:
        """`query` has been through clean_question (a follow-up's query adds the previous one to it)."""
        stored = self.stored_index()
        query_vector = self.embedder.embed_query(query)
        hits = retrieve.search(
            stored,
            query,
            query_vector,
            top_k=top_k or self.settings.top_k,
            candidates=self.settings.candidates,
            mode=self.settings.retrieval,
            per_page=per_page,
        )
        return hits, query_vector
