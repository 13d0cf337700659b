"""Documents folder -> index: incremental by sha256, atomic, one build at a time.

Unchanged files are neither re-read nor re-embedded: their chunks, pages and vectors are copied
from the live build, or in a large library its files are linked and what was read is added as a
segment (SEGMENTS_FROM, store.py). Files that cannot be read are reported and skipped; the rest goes on. When
the model, the chunking or the index format changes, everything is rebuilt, and the report says why.

    scan -> plan (against the live manifest) -> read -> chunk and embed -> merge with what is kept -> write
"""

from __future__ import annotations

import os
import secrets
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import groupby
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from . import checksums, store, vector_index
from .config import LOCAL_STORE, Settings
from .embedding import model_id
from .errors import DocumentError, IndexCorruptError, NoDocumentsError, StoreUnavailableError
from .lexical import SETTINGS as LEXICAL_SETTINGS
from .lexical import TERM_FREQUENCIES, Lexical, Terms
from .manifest import FORMAT_VERSION, IndexedDocument, Manifest, Removed, Segment, SkippedFile, mismatch
from .reading import docs_folder, ingest, read_worker
from .reading.chunking import CONTEXT_TOKENS, chunk_document
from .reading.tables import embedded_text
from .types import Chunk, Document, Page

if TYPE_CHECKING:
    from .embedding import Embedder

# A library of this many passages or more grows by segments: a build writes the documents it read as
# a segment and hard-links the live build's files, leaving the rows of documents taken out (or of the
# old versions of changed ones) where they are, skipped, rather than rewriting the library (153 s to
# add a report to a million passages, bench/library.py). Below it, every build rewrites everything,
# as it always has: a second or two, and one BM25 index, whose scores stay bm25s' own.
SEGMENTS_FROM = 20_000
SEGMENTS_KEPT = 8  # segments beside the base at most: a build that would add one more merges them into one
# Once the segments and the removed rows would come to this share of the base's live passages, the
# build writes everything as one base again: as a library grows, each passage is rewritten a few times
# (the base grows by a quarter each time), a search never fans out over many large segments, and
# removed rows never take more than a fifth of the files.
MERGE_SHARE = 0.25

# (stage, done, total): stage is "reading", "embedding" or "writing".
BuildProgress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class SourceFile:
    name: str  # relative to the documents folder, forward slashes
    path: Path
    size: int
    sha256: str


@dataclass(frozen=True)
class BuildReport:
    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    skipped: tuple[tuple[str, str], ...] = ()  # (file, reason sentence)
    warnings: tuple[str, ...] = ()  # parse warnings of the files read in this build
    embedded: tuple[tuple[str, int], ...] = ()  # (document, chunks embedded in this build)
    full_rebuild_reason: str = ""  # why everything was rebuilt ("" for a first or incremental build)
    moved: tuple[str, ...] = ()  # (from, to): the stores the kept vectors were copied between
    up_to_date: bool = False  # nothing changed: nothing was read, embedded or written
    merged: bool = False  # a library in segments written whole again (segments merged, removed rows dropped)
    documents: int = 0
    pages: int = 0
    chunks: int = 0
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict, compare=False)  # seconds per stage


def scan(docs_dir: Path) -> tuple[list[SourceFile], list[tuple[str, str]]]:
    """Indexable files below docs_dir (hidden ones ignored), and the unsupported ones with a reason."""
    if not docs_dir.is_dir():
        raise NoDocumentsError(
            f"The documents folder {docs_dir}/ does not exist — create it and put PDF, TXT or MD files in it, "
            "or point --docs at the folder that has them"
        )
    files, unsupported = [], []
    for name in docs_folder.file_names(docs_dir):
        path = docs_dir / name
        try:
            ingest.check_supported(path, _shown(docs_dir, name))
        except DocumentError as error:
            unsupported.append((name, str(error)))
            continue
        files.append(SourceFile(name, path, path.stat().st_size, checksums.sha256_file(path)))
    return files, unsupported


@dataclass
class _Plan:
    """What a build has to do, from comparing the folder with the live manifest; reading a file that
    turns out to be unreadable moves it from `added` or `changed` to `failed`."""

    unchanged: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    to_read: list[SourceFile] = field(default_factory=list)
    failed: dict[str, tuple[SourceFile, str]] = field(default_factory=dict)  # name -> (file, reason)

    def fail(self, source: SourceFile, reason: str) -> None:
        self.failed[source.name] = (source, reason)
        self.added = [name for name in self.added if name != source.name]
        self.changed = [name for name in self.changed if name != source.name]


def _plan(files: Sequence[SourceFile], old: Manifest | None) -> _Plan:
    old_docs = {d.path: d for d in old.documents} if old else {}
    old_failed = {s.path: s for s in old.skipped} if old else {}
    plan = _Plan()
    for source in files:
        before = old_docs.get(source.name)
        failed_before = old_failed.get(source.name)
        if before and before.sha256 == source.sha256:
            plan.unchanged.append(source.name)
        elif failed_before and failed_before.sha256 == source.sha256:
            plan.failed[source.name] = (source, failed_before.reason)  # same bytes: do not read again
        else:
            (plan.changed if before else plan.added).append(source.name)
            plan.to_read.append(source)
    names = {f.name for f in files}
    plan.removed = sorted(name for name in old_docs if name not in names)
    return plan


def build(
    settings: Settings,
    rebuild: bool = False,
    progress: BuildProgress | None = None,
    load_embedder: Callable[[], Embedder] | None = None,
    sentence_vectors: bool = True,
    compact: bool = False,
) -> BuildReport:
    """Bring the index in settings.index_dir up to date with settings.docs_dir.

    `load_embedder` gives the model when something must be embedded (default: load
    settings.model); a build with nothing new to read never calls it. `sentence_vectors=False`
    builds a search-only index (half the embedding work; `assistant eval` uses it): it cannot answer.
    `compact` writes a library in segments whole again, as a build does by itself once its segments
    and removed rows grow past MERGE_SHARE: nothing is embedded again."""
    started = time.perf_counter()
    timings: dict[str, float] = {}
    docs_dir, index_dir = settings.docs_dir, settings.index_dir
    files, unsupported = scan(docs_dir)
    with store.build_lock(index_dir):
        old, reason = _previous(settings, rebuild, sentence_vectors)
        plan = _plan(files, old)
        if old is not None and _nothing_to_do(plan, old, settings) and not (compact and old.in_parts):
            return _up_to_date_report(plan, unsupported, old, started)
        store.check_store(settings.store)  # a store that cannot be reached fails now, not after the embedding
        previous = None
        if plan.unchanged:
            try:
                previous = store.load(index_dir)
                # Every block, before anything is carried over. A build that adds a segment reads none of
                # the live build's files: it links them, checksums and all, so the new build's own check
                # covers them (and waiting would be most of its time: 7 GB at a million passages).
                previous.check_intact(wait=_growth(plan, old, settings, compact=compact) != "segment")
            except IndexCorruptError:
                reason = "the previous index is damaged, so everything is read again"
                plan = _plan(files, None)
            except StoreUnavailableError:  # the store it is moving from (the one it writes to answered)
                where = old.store if old is not None else "?"  # there is an old build: some files are unchanged
                reason = f"the previous store ({where}) cannot be reached, so everything is read again"
                plan = _plan(files, None)
        with _timed(timings, "ingest"):
            documents = _read(plan, docs_dir, progress)
        skipped = tuple(unsupported) + tuple((n, r) for n, (_, r) in sorted(plan.failed.items()))
        if not documents and not plan.unchanged:
            raise NoDocumentsError(_nothing_to_index(docs_dir, skipped))
        new = _embed(documents, settings, load_embedder, progress, timings, sentence_vectors)
        with _timed(timings, "write"):
            manifest = _write(settings, plan, previous, new, documents, files, sentence_vectors, progress, compact)
    return BuildReport(
        added=tuple(plan.added),
        changed=tuple(plan.changed),
        removed=tuple(plan.removed),
        unchanged=tuple(plan.unchanged),
        skipped=skipped,
        warnings=tuple(w for d in documents for w in d.report.warnings),
        embedded=tuple(sorted(Counter(c.document for c in new.chunks).items())),
        full_rebuild_reason=reason,
        moved=_moved(previous, settings),
        merged=previous is not None and previous.manifest.in_parts and not manifest.in_parts,
        documents=len(manifest.documents),
        pages=manifest.pages,
        chunks=manifest.chunks,
        seconds=time.perf_counter() - started,
        timings=timings,
    )


def _moved(previous: store.StoredIndex | None, settings: Settings) -> tuple[str, ...]:
    before = previous.manifest.store if previous is not None else settings.store
    return (before, settings.store) if before != settings.store else ()


def _previous(settings: Settings, rebuild: bool, sentence_vectors: bool) -> tuple[Manifest | None, str]:
    """The live manifest to build on, or None with the reason everything must be rebuilt."""
    try:
        old = store.read_manifest(settings.index_dir)
    except IndexCorruptError:
        return None, "the previous index could not be read, so everything is rebuilt"
    if old is None:
        return None, ""
    if rebuild:
        return None, "--rebuild was asked for"
    found = mismatch(old, model_id(settings.model), settings.chunking, sentence_vectors, settings.store)
    if found is not None and not found.reusable:
        return None, found.change
    return old, ""


def _nothing_to_do(plan: _Plan, old: Manifest, settings: Settings) -> bool:
    """No file added, changed, removed or newly failed, and nothing derived from the chunks out of date:
    BM25 is rebuilt from the stored chunks by every build, so new BM25 settings or a new index format
    need a write, not a re-embedding; so does a new store, which the vectors are copied to."""
    return (
        not (plan.changed or plan.added or plan.removed)
        and sorted(plan.failed) == sorted(s.path for s in old.skipped)
        and (old.lexical, old.format_version, old.store) == (LEXICAL_SETTINGS, FORMAT_VERSION, settings.store)
    )


def _up_to_date_report(
    plan: _Plan, unsupported: Sequence[tuple[str, str]], old: Manifest, started: float
) -> BuildReport:
    return BuildReport(
        unchanged=tuple(plan.unchanged),
        skipped=tuple(unsupported) + tuple((n, r) for n, (_, r) in plan.failed.items()),
        up_to_date=True,
        documents=len(old.documents),
        pages=old.pages,
        chunks=old.chunks,
        seconds=time.perf_counter() - started,
    )


@contextmanager
def _timed(timings: dict[str, float], stage: str) -> Iterator[None]:
    tick = time.perf_counter()
    try:
        yield
    finally:
        timings[stage] = time.perf_counter() - tick


def _read(plan: _Plan, docs_dir: Path, progress: BuildProgress | None) -> list[Document]:
    """Read the files the plan names, kept in its order; one that cannot be read fails, and the rest
    goes on. Two PDFs or more are read by a process per core (read_worker.py): pypdf is pure Python."""
    sources = list(plan.to_read)
    workers = min(os.cpu_count() or 1, sum(s.path.suffix.lower() in ingest.PDF_SUFFIXES for s in sources))
    if workers >= 2:
        read = read_worker.read_all([(s.path, s.name, s.size) for s in sources], workers)
    else:
        read = ((s.name, read_worker.read_one(s.path, s.name)) for s in sources)
    results: dict[str, read_worker.Result] = {}
    for name, result in read:
        results[name] = result
        if progress:
            progress("reading", len(results), len(sources))
    documents: list[Document] = []
    for source in sources:
        result = results[source.name]
        if isinstance(result, str):
            why = f"{_shown(docs_dir, source.name)}: {result}"
            if source.name in plan.changed:
                why += " (its previous version was taken out of the index)"
            plan.fail(source, why)
        else:
            documents.append(result)
    return documents


def _embed(
    documents: Sequence[Document],
    settings: Settings,
    load_embedder: Callable[[], Embedder] | None,
    progress: BuildProgress | None,
    timings: dict[str, float],
    with_sentences: bool,
) -> store.Embedded:
    """Chunk and embed the documents read in this build; the model is loaded only when there are some."""
    if not documents:
        return store.Embedded([], np.zeros((0, 0), dtype=np.float32), [])
    if load_embedder is None:
        from .embedding import Embedder

        embedder = Embedder(settings.model)
    else:
        embedder = load_embedder()
    with _timed(timings, "chunk"):
        max_tokens = min(settings.chunk_tokens, embedder.max_tokens - CONTEXT_TOKENS)
        chunks = [
            chunk
            for document in documents
            for chunk in chunk_document(document, embedder.count_tokens, max_tokens, settings.overlap_tokens)
        ]
    with _timed(timings, "embed"):
        report = (lambda done, total: progress("embedding", done, total)) if progress else None
        # Sentences are embedded too, once each (overlapping chunks share some), so that answering a
        # question needs no model call beyond the query: it costs about as much again as the chunks.
        pages = {d.path: d.pages for d in documents}
        spans = [(c.document, *span) for c in chunks for span in c.sentences] if with_sentences else []
        sentences = list(dict.fromkeys(spans))
        # A table row is embedded with its headings and group (tables.py): "Services 6,248 5,589" alone
        # says neither that it is a cost nor which quarter it is for. Should that overrun the model's
        # input, what is cut is the end of the headings.
        texts = [c.search_text for c in chunks]
        texts += [embedded_text(pages[d][p - 1].text, s, e) for d, p, s, e in sentences]
        vectors = embedder.embed_texts(texts, report)
        row = {key: len(chunks) + i for i, key in enumerate(sentences)}
        sentence_vectors = [
            vectors[[row[(c.document, *span)] for span in c.sentences if with_sentences]] for c in chunks
        ]
    return store.Embedded(chunks, vectors[: len(chunks)], sentence_vectors)


def _write(
    settings: Settings,
    plan: _Plan,
    previous: store.StoredIndex | None,
    new: store.Embedded,
    documents: Sequence[Document],
    files: Sequence[SourceFile],
    sentence_vectors: bool,
    progress: BuildProgress | None,
    compact: bool = False,
) -> Manifest:
    """Merge what was embedded now with what is kept from the live build, and write it as the new build."""
    old_manifest = previous.manifest if previous is not None else None
    growth = _growth(plan, old_manifest, settings, len(new.chunks), compact)
    keep = set(plan.unchanged)
    segments: tuple[Segment, ...] = ()  # the new build's
    removed: tuple[Removed, ...] = ()
    linked: store.Linked | None = None
    carry = keep  # the documents whose chunks are carried into what this build writes
    if previous is not None and keep:  # every block checked before anything is carried (build() may not have waited)
        previous.check_intact(wait=growth != "segment")
    if previous is not None and growth != "rewrite":
        old = previous.manifest
        segments = old.segments if growth == "segment" else ()
        linked = store.linked(previous, {""} | {s.folder for s in segments})
        # Documents taken out, and the old versions of those that changed, stay where they are, skipped.
        held = _parts(old)
        gone = [Removed(d.path, held[d.path], d.chunks, d.pages) for d in old.documents if d.path not in keep]
        removed = tuple(r for r in (*old.removed, *gone) if r.part in {""} | {s.folder for s in segments})
        removed = tuple(sorted(removed, key=lambda r: (r.part, r.path)))
        carry = set() if growth == "segment" else {path for path, part in held.items() if part and path in keep}
    parts = [new]
    pages: dict[str, Sequence[Page]] = {d.path: d.pages for d in documents}
    kept: list[IndexedDocument] = []
    runs: dict[str, tuple[int, int]] | None = None  # each kept document's rows in the live build
    if previous is not None:
        # The kept documents' rows from the manifest's runs, not by reading every chunk to see whose it
        # is: at a million passages that read was 28 s of adding a report (profiled).
        runs = previous.runs()
        if runs is not None:
            rows = [i for d in previous.manifest.documents if d.path in carry for i in range(*runs[d.path])]
        else:
            rows = [i for i, c in enumerate(previous.chunks) if c.document in carry]
        if rows:
            parts.append(previous.embedded(rows))
        pages.update({name: previous.pages[name] for name in sorted(carry)})
        kept = [d for d in previous.manifest.documents if d.path in keep]
    merged = store.Embedded.join(parts)  # what this build writes: every passage, or a segment's (or nothing)
    pages = {name: pages[name] for name in sorted(pages)}
    folder = ""
    if linked is not None and pages:
        folder = f"segment-{secrets.token_hex(4)}"
        segments += (Segment(folder, tuple(pages), vector_index.choose(len(merged.chunks))),)
    counts = Counter(c.document for c in merged.chunks)
    sources = {f.name: f for f in files}
    read = [_indexed(d, sources[d.path], counts.get(d.path, 0)) for d in documents]
    manifest = Manifest(
        model=model_id(settings.model),
        dimension=previous.manifest.dimension if linked and previous else int(merged.vectors.shape[1]),
        chunking=settings.chunking,
        lexical=LEXICAL_SETTINGS,
        sentence_vectors=sentence_vectors,
        built_at=datetime.now(UTC).isoformat(timespec="seconds"),
        store=settings.store,
        # The base's: a Milvus store builds the same kind (milvus_store.py); a segment has its own.
        vector_index=previous.manifest.vector_index if linked and previous else vector_index.choose(len(merged.chunks)),
        documents=tuple(sorted(kept + read, key=lambda d: d.path)),
        segments=segments,
        removed=removed,
        skipped=tuple(
            SkippedFile(name, source.size, source.sha256, why) for name, (source, why) in sorted(plan.failed.items())
        ),
    )
    if progress:
        progress("writing", 0, 1)
    titles = {d.path: d.title for d in manifest.documents}
    local = settings.store == LOCAL_STORE
    written = local and (merged.chunks or linked is None)  # a build that only takes documents out writes none
    terms = _passage_terms(merged.chunks, previous, runs, carry) if written else None
    every = pages if linked is None or previous is None else _every_page(pages, previous, keep)
    lexical = _lexical(terms, every, titles)
    store.write(settings.index_dir, store.NewBuild(manifest, merged, pages, *lexical, folder, linked))
    if progress:
        progress("writing", 1, 1)
    return manifest


def _growth(
    plan: _Plan, old: Manifest | None, settings: Settings, added: int | None = None, compact: bool = False
) -> str:
    """How a build writes the library: "rewrite" (every passage, into one base), "segment" (what it read
    as a new segment, the rest linked, documents taken out or changed left where they are, skipped)
    or "merge" (the segments and what it read as one segment, the base linked). `added`: the passages
    embedded, when known; `compact`: write it whole (build's `compact`)."""
    if old is None or compact or not _joinable(old, settings):
        return "rewrite"
    keep = set(plan.unchanged)
    held = _parts(old)
    base_rows = sum(r.chunks for r in old.in_row_order()[0])
    gone_from_base = sum(d.chunks for d in old.documents if d.path not in keep and not held[d.path])
    live_base = base_rows - sum(r.chunks for r in old.removed if not r.part) - gone_from_base
    # What a search reads besides the base's live rows: the segments, the new passages, and the base's
    # removed rows. Past a share of the base, the library is written whole again.
    beside = old.chunks + sum(r.chunks for r in old.removed) + (added or 0) - live_base
    if beside > MERGE_SHARE * live_base:
        return "rewrite"
    return "segment" if len(old.segments) + (added != 0) <= SEGMENTS_KEPT else "merge"


def _joinable(old: Manifest, settings: Settings) -> bool:
    """A large local library with files a segment can join: the same BM25 settings and format, and each
    part's term frequencies (lexical.Segments)."""
    folders = ["", *(f"{segment.folder}/" for segment in old.segments)]
    frequencies = {f"{folder}{store.BM25_DIR}/{TERM_FREQUENCIES}" for folder in folders}
    return (
        settings.store == LOCAL_STORE == old.store
        and old.chunks >= SEGMENTS_FROM
        and (old.lexical, old.format_version) == (LEXICAL_SETTINGS, FORMAT_VERSION)
        and frequencies <= set(old.files)
    )


def _parts(manifest: Manifest) -> dict[str, str]:
    """Each document -> the part that holds its rows: "" for the base, else its segment's folder."""
    removed = {(r.part, r.path) for r in manifest.removed}
    held = {d.path: "" for d in manifest.documents}
    for segment in manifest.segments:
        held.update({path: segment.folder for path in segment.documents if (segment.folder, path) not in removed})
    return held


def _every_page(
    written: Mapping[str, Sequence[Page]], previous: store.StoredIndex, keep: set[str]
) -> dict[str, Sequence[Page]]:
    """Every document's pages, in path order: those written now and the live build's (read lazily) for
    the rest, whose profiles the document BM25 needs too."""
    every = {**{name: previous.pages[name] for name in keep if name not in written}, **written}
    return {name: every[name] for name in sorted(every)}


def _passage_terms(
    chunks: Sequence[Chunk],
    previous: store.StoredIndex | None,
    runs: Mapping[str, tuple[int, int]] | None,
    kept: set[str],
) -> Terms:
    """Each chunk's BM25 terms: a kept document's as the live build has them, when it kept them (its rows
    there are `runs[document]`, in the same order), and the others' made now."""
    same_settings = previous is not None and previous.manifest.lexical == LEXICAL_SETTINGS  # else made anew
    carried = previous.passage_terms() if previous is not None and same_settings and kept and runs else None
    if carried is None or runs is None:
        return Terms.of([chunk.search_text for chunk in chunks])
    parts: list[Terms | tuple[int, int]] = []  # terms made now, or a run of the live build's rows
    pending: list[str] = []
    for name, group in groupby(chunks, key=lambda chunk: chunk.document):
        if name not in kept:
            pending += [chunk.search_text for chunk in group]
            continue
        if pending:
            parts.append(Terms.of(pending))
            pending = []
        start, stop = runs[name]
        last = parts[-1] if parts else None
        if isinstance(last, tuple) and last[1] == start:
            start = last[0]  # documents kept side by side are one run there too: one slice
            parts.pop()
        parts.append((start, stop))
    if pending:
        parts.append(Terms.of(pending))
    return Terms.join([part if isinstance(part, Terms) else carried.rows(*part) for part in parts])


def _lexical(
    terms: Terms | None, pages: Mapping[str, Sequence[Page]], titles: Mapping[str, str]
) -> tuple[Lexical | None, Lexical]:
    """BM25 over the chunks' terms (row i = chunk i; None for a Milvus store, which indexes them itself)
    and over document profiles (row i = i-th document of pages; always here, one row a document)."""
    profiles = [document_profile(name, titles.get(name, ""), pages[name]) for name in pages]
    return (Lexical.build(terms) if terms is not None else None), Lexical.build(profiles)


def document_profile(name: str, title: str, pages: Sequence[Page]) -> str:
    """What a document says about itself: its file name, its title and its first page (a filing's
    cover names the company and the period; a report's title page, its subject and date). Questions
    name documents this way ("Apple's 10-Q for the quarter ended July 1, 2023"), however the file
    happens to be called. Tuned against the whole text of the document, the profile found the
    filing a question names more often (bench/tune_fusion.py): the whole text of every quarter
    repeats the same company, products and years."""
    first = next((page.text for page in pages if page.text.strip()), "")
    return "\n".join(part for part in (Path(name).stem, title, first) if part)


def _indexed(document: Document, source: SourceFile, chunks: int) -> IndexedDocument:
    return IndexedDocument(document.path, source.size, source.sha256, document.title, chunks, document.report)


def _shown(docs_dir: Path, name: str) -> str:
    return (docs_dir / name).as_posix()


def _nothing_to_index(docs_dir: Path, skipped: Sequence[tuple[str, str]]) -> str:
    if skipped:
        reasons = "; ".join(reason for _, reason in skipped)
        return f"Nothing could be indexed in {docs_dir}/: {reasons}"
    return (
        f"No documents to index in {docs_dir}/ — put PDF, TXT or MD files there (or point --docs at a "
        "folder that has them), then run: assistant index"
    )


def describe(report: BuildReport) -> str:
    """The build report as the lines users see after `assistant index` or the Rebuild button."""
    lines = []
    if report.full_rebuild_reason:
        lines.append(f"Full rebuild: {report.full_rebuild_reason}.")
    if report.moved:
        lines.append(f"Vectors copied from {report.moved[0]} to {report.moved[1]} (nothing embedded again).")
    if report.merged:
        lines.append("Library written whole again: its segments merged, removed documents' rows dropped.")
    embedded = dict(report.embedded)
    for label, names in (("added", report.added), ("changed", report.changed)):
        lines += [f"  {label:<10} {name} ({embedded.get(name, 0)} chunks)" for name in names]
    lines += [f"  {'removed':<10} {name}" for name in report.removed]
    if report.unchanged:
        lines.append(f"  {'unchanged':<10} {len(report.unchanged)} document{'s' * (len(report.unchanged) != 1)}")
    lines += [f"  {'skipped':<10} {reason}" for _, reason in report.skipped]
    if report.warnings:
        lines.append("Warnings:")
        lines += [f"  {warning}" for warning in report.warnings]
    totals = f"{report.documents} documents, {report.pages} pages, {report.chunks} chunks"
    if report.up_to_date:
        lines.append(f"Index is up to date: {totals} (checked in {report.seconds:.2f} s).")
    else:
        lines.append(f"Index ready: {totals}, built in {report.seconds:.1f} s.")
    if report.skipped:
        lines.append(f"{len(report.skipped)} file(s) skipped: fix or remove them, then run: assistant index")
    return "\n".join(lines)
