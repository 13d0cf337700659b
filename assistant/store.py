"""The index on disk: vectors (FAISS, vector_index.py), chunk and page tables, BM25, and a manifest that
describes them. With a Milvus store (Settings.store), the vectors and the passages'
BM25 are in Milvus instead (milvus_store.py) and the build folder holds the rest.

Layout of index_dir (also in index/README.md):
    CURRENT             name of the live build folder; replaced atomically, so readers see a whole build
    .lock               held (flock) by the one build allowed at a time
    build-<id>/         one folder per build: the live one and the one before it are kept
        manifest.json   written last: a build folder without one is incomplete and never made live
        vectors.faiss   inner-product index, flat or IVF (manifest "vector_index"); FAISS id i is row i
                        of chunks.jsonl
        sentences.npy   a vector per sentence of every chunk, in chunk order, then sentence order
        chunks.jsonl    the chunk table
        chunk-rows.npy  for each chunk: where its row starts in chunks.jsonl and its first row in
                        sentences.npy (one more entry: the ends); a large table is read row by row
        pages.jsonl     cleaned page texts, which every citation offset refers to
        page-rows.npy   where each page's row starts in pages.jsonl (one more entry: the end); a large
                        table is read row by row
        bm25/           the lexical index over the same rows
        bm25-documents/ BM25 over document profiles (name, title, first page; row i = i-th document
                        of the pages, in path order), to favour passages of the document a question names
        segment-<hex>/  for a large library, the documents a build added without rewriting the rest
                        (manifest "segments"): the same files as above but the manifest and
                        bm25-documents/, for its own rows. What the build folder itself holds is the
                        base. A later build hard-links every kept segment, the base too, into its
                        folder: their files are written once and never changed. Row numbers run
                        through the base, then each segment in the manifest's order. The rows of a
                        document taken out (or of the old version of one that changed) stay in their
                        part's files (manifest "removed"): both searches skip them, BM25's statistics
                        leave them out, until that part is written again.
    A build whose vectors are in Milvus has no vectors.faiss, sentences.npy or bm25/: its collections
    are named after the build folder, and pruning the folder drops them.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import re
import secrets
import shutil
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from . import checksums, chunk_table, page_table, vector_index
from .config import LOCAL_STORE
from .errors import BuildLockedError, IndexCorruptError, IndexMissingError, IndexWriteError, StoreUnavailableError
from .lexical import JoinedTerms, Lexical, Segments, Terms
from .lexical import terms as lexical_terms
from .manifest import FORMAT_VERSION as FORMAT_VERSION  # re-exported: the format this module writes
from .manifest import Manifest, Rows, StoredFile
from .types import Chunk, Page

POINTER = "CURRENT"
LOCK = ".lock"
MANIFEST = "manifest.json"
VECTORS = "vectors.faiss"
SENTENCE_VECTORS = "sentences.npy"
CHUNKS = "chunks.jsonl"
CHUNK_ROWS = "chunk-rows.npy"
PAGES = "pages.jsonl"
PAGE_ROWS = "page-rows.npy"
BM25_DIR = "bm25"
DOCUMENT_BM25_DIR = "bm25-documents"
_BUILD_NAME = re.compile(r"build-[0-9T]+-[0-9a-f]+")
BUILDS_KEPT = 2  # the live build and the one before it, for readers that opened it just before a swap
# Below this many chunks the whole table is parsed at load (under 1 s), as before: a small index keeps
# its speed. Above it, rows are parsed when a search reads them (chunk_table.py).
PARSE_ALL_BELOW = 20_000
# From this many chunks on, sentence vectors are stored as float16: two thirds of a library's bytes
# (bench/library.py), halved. A smaller index keeps float32, so its answers stay exactly as they were;
# on the Docugami filings float16 changed no citation (docs/benchmarks.md, "A library of many reports").
FLOAT16_SENTENCES_FROM = 20_000


@dataclass(frozen=True)
class Embedded:
    """Chunks and their vectors: row i of `vectors` and `sentence_vectors[i]` (one row per entry of
    chunks[i].sentences) belong to chunks[i]."""

    chunks: list[Chunk]
    vectors: np.ndarray
    sentence_vectors: list[np.ndarray]

    @staticmethod
    def join(parts: Sequence[Embedded]) -> Embedded:
        """All parts in one, ordered by document (stable within a document)."""
        chunks = [c for part in parts for c in part.chunks]
        sized = [p.vectors for p in parts if p.vectors.size]
        vectors = np.concatenate(sized) if sized else np.zeros((0, parts[0].vectors.shape[1]), dtype=np.float32)
        sentence_vectors = [v for part in parts for v in part.sentence_vectors]
        order = sorted(range(len(chunks)), key=lambda i: chunks[i].document)
        return Embedded([chunks[i] for i in order], vectors[order], [sentence_vectors[i] for i in order])


class Vectors(Protocol):
    """Where a build's vectors and its passages' BM25 are searched: this folder (LocalVectors) or
    Milvus (milvus_store.MilvusVectors). Rows are chunk rows."""

    def search(self, query: np.ndarray, top_k: int) -> list[tuple[int, float]]:
        """(row, inner product) of the top_k passages, best first: exact, or for a large local library
        approximate (vector_index.py)."""

    def search_lexical(self, words: str, top_k: int) -> list[tuple[int, float]]:
        """(row, BM25 score) pairs, best first; passages sharing no term with the words are left out."""

    def vectors(self, rows: Sequence[int]) -> np.ndarray:
        """The passages' vectors, one row each."""

    def sentence_vectors(self, rows: Sequence[int]) -> list[np.ndarray]:
        """For each row, the vectors of its chunk's sentences."""


@dataclass(frozen=True)
class LocalVectors:
    faiss_index: Any  # over the chunks' unit vectors: IndexFlatIP, or for a large library IVF (vector_index.py)
    lexical: Lexical
    sentence_matrix: np.ndarray  # every chunk's sentence vectors, stacked in chunk order (memory-mapped)
    sentence_starts: np.ndarray  # row of chunk i's first sentence vector; one extra entry at the end
    excluded: tuple[Any, ...] | None = None  # search parameters skipping removed documents' rows

    def search(self, query: np.ndarray, top_k: int) -> list[tuple[int, float]]:
        if top_k <= 0:  # StoredIndex has capped it at the number of passages
            return []
        params = None if self.excluded is None else self.excluded[0]
        scores, rows = self.faiss_index.search(query.reshape(1, -1).astype(np.float32), top_k, params=params)
        return [(int(r), float(s)) for r, s in zip(rows[0], scores[0], strict=True) if r >= 0]

    def search_lexical(self, words: str, top_k: int) -> list[tuple[int, float]]:
        return self.lexical.search(words, top_k)

    def vectors(self, rows: Sequence[int]) -> np.ndarray:
        if not len(rows):
            return np.zeros((0, self.faiss_index.d), dtype=np.float32)
        vectors: np.ndarray = self.faiss_index.reconstruct_batch(np.asarray(rows, dtype=np.int64))
        return vectors

    def sentence_vectors(self, rows: Sequence[int]) -> list[np.ndarray]:
        # Plain arrays over the mapped rows (no copy), not np.memmaps that results would inherit.
        starts = self.sentence_starts
        return [np.asarray(self.sentence_matrix[starts[r] : starts[r + 1]]) for r in rows]


@dataclass(frozen=True)
class SegmentedVectors:
    """The vectors and BM25 of a library in segments (the base and those a build added), searched as
    one: each segment's vector index gives its best, the best of those are kept, and BM25 scores every
    passage with the whole library's statistics (lexical.Segments). Row r of the library is row
    r - bases[i] of segment i."""

    parts: tuple[LocalVectors, ...]
    bases: tuple[int, ...]  # each segment's first row; one more entry: the library's rows
    lexical: Segments

    def search(self, query: np.ndarray, top_k: int) -> list[tuple[int, float]]:
        found = [
            (base + row, score)
            for part, base in zip(self.parts, self.bases, strict=False)
            for row, score in part.search(query, min(top_k, part.faiss_index.ntotal))
        ]
        return sorted(found, key=lambda hit: (-hit[1], hit[0]))[:top_k]

    def search_lexical(self, words: str, top_k: int) -> list[tuple[int, float]]:
        return self.lexical.search(words, top_k)

    def vectors(self, rows: Sequence[int]) -> np.ndarray:
        found = np.zeros((len(rows), self.parts[0].faiss_index.d), dtype=np.float32)
        for number, (where, local) in self._by_part(rows).items():
            found[where] = self.parts[number].vectors(local)
        return found

    def sentence_vectors(self, rows: Sequence[int]) -> list[np.ndarray]:
        found: list[np.ndarray] = [np.zeros(0)] * len(rows)
        for number, (where, local) in self._by_part(rows).items():
            for place, vectors in zip(where, self.parts[number].sentence_vectors(local), strict=True):
                found[place] = vectors
        return found

    def _by_part(self, rows: Sequence[int]) -> dict[int, tuple[list[int], list[int]]]:
        """Segment -> (places in `rows`, its own row numbers)."""
        numbers = np.searchsorted(np.asarray(self.bases), np.asarray(rows, dtype=np.int64), side="right") - 1
        parts: dict[int, tuple[list[int], list[int]]] = {}
        for place, (row, number) in enumerate(zip(rows, numbers.tolist(), strict=True)):
            if not 0 <= row < self.bases[-1]:
                raise IndexError(row)
            where, local = parts.setdefault(number, ([], []))
            where.append(place)
            local.append(int(row) - self.bases[number])
        return parts


# The most passages term_shares counts a word in (Milvus answers at most 16,384 a search).
SHARE_DEPTH = 16_384


@dataclass
class StoredIndex:
    """A loaded build. Row i of `chunks` is FAISS id i and BM25 row i."""

    directory: Path
    manifest: Manifest
    chunks: Sequence[Chunk]  # a list, or for a large index a ChunkTable read row by row
    pages: Mapping[str, Sequence[Page]]  # document -> its pages, in order (a PageTable for a large index)
    backend: Vectors  # the vectors and the passages' BM25: LocalVectors, or Milvus's
    document_lexical: Lexical | None  # None for a build of format 2 (index/README.md), until rebuilt
    verification: checksums.Verification  # of the large files' blocks, finishing in the background

    def check_intact(self, wait: bool = False) -> None:
        """IndexCorruptError when the background check found a damaged file (`wait`: once it is done)."""
        damage = self.verification.wait() if wait else self.verification.damage
        if damage is not None:
            raise _damaged(self.directory.parent, f"{self.directory.name}/{damage}")

    def sentence_vectors(self, row: int) -> np.ndarray:
        return self.backend.sentence_vectors([row])[0]

    def embedded(self, rows: Sequence[int]) -> Embedded:
        """The stored chunks and vectors of the given rows, to carry into a new build."""
        return Embedded([self.chunks[i] for i in rows], self.backend.vectors(rows), self.backend.sentence_vectors(rows))

    def passage_terms(self) -> Terms | JoinedTerms | None:
        """The passages' BM25 terms (row i = chunk i), when this build kept them (a local store, written
        since they are), for a new build to carry over."""
        if isinstance(self.backend, SegmentedVectors):
            lexicals = [part.lexical for part in self.backend.parts]
        elif isinstance(self.backend, LocalVectors):
            lexicals = [self.backend.lexical]
        else:
            return None
        try:
            parts = [lexical.terms() for lexical in lexicals]
        except (OSError, ValueError):  # not this build's terms: they are made again, from the texts
            return None
        if any(part is None for part in parts):
            return None
        terms = parts[0] if len(parts) == 1 else JoinedTerms([p for p in parts if p is not None])
        return terms if terms is not None and len(terms) == len(self.chunks) else None

    def runs(self) -> dict[str, tuple[int, int]] | None:
        """Each document's rows (start, stop): a build's chunks are in its manifest's document order
        (the base's, then each segment's), one run a document. Checked at each run's ends; None when
        they are not (never written so). Removed documents' rows, still in their part, are no run."""
        runs, start = {}, 0
        for document in (d for part in self.manifest.in_row_order() for d in part):
            stop = start + document.chunks
            if document.chunks and {self.chunks[start].document, self.chunks[stop - 1].document} != {document.path}:
                return None
            if not document.removed:  # a removed document's rows are skipped, and carried nowhere
                runs[document.path] = (start, stop)
            start = stop
        return runs if start == len(self.chunks) else None

    def page(self, document: str, number: int) -> Page:
        return self.pages[document][number - 1]

    def all_vectors(self) -> np.ndarray:
        return self.backend.vectors(range(len(self.chunks)))

    def search_vectors(self, query: np.ndarray, top_k: int) -> list[tuple[int, float]]:
        return self.backend.search(query, min(top_k, len(self.chunks)))

    def search_lexical(self, words: str, top_k: int) -> list[tuple[int, float]]:
        return self.backend.search_lexical(words, min(top_k, len(self.chunks)))

    def term_shares(self, words: Sequence[str]) -> list[float]:
        """For each word, the share of the library's passages that hold it (its most widely held BM25
        term), documents taken out left out: from the BM25 postings of a local store, or by a search
        of the word alone in Milvus. A word BM25 does not index (a stopword) counts as held
        everywhere: it carries nothing."""
        words = list(words)
        indexed = [bool(terms) for terms in lexical_terms(words)]
        backend = self.backend
        if isinstance(backend, (LocalVectors, SegmentedVectors)):
            counts, size = backend.lexical.holding(words)
        else:
            size = len(self.chunks)
            depth = min(size, SHARE_DEPTH)
            found = [
                len(self.search_lexical(word, depth)) if held else 0 for word, held in zip(words, indexed, strict=True)
            ]
            # As many as were asked for: held at least that widely, and more than rare in any library.
            counts = [size if n == depth < size else n for n in found]
        return [count / size if size and held else 1.0 for count, held in zip(counts, indexed, strict=True)]

    def similarity(self, query: np.ndarray, rows: Sequence[int]) -> np.ndarray:
        """Cosine similarity of the (unit) query to the given rows."""
        if not rows:
            return np.zeros(0, dtype=np.float32)
        similarities: np.ndarray = self.backend.vectors(rows) @ query.astype(np.float32)
        return similarities


@dataclass(frozen=True)
class NewBuild:
    """Everything a build writes: its manifest, the chunks with their vectors, the page texts and BM25
    over the chunks (row i = chunk i) and over document profiles (row i = i-th document of `pages`)."""

    manifest: Manifest
    embedded: Embedded
    pages: Mapping[str, Sequence[Page]]
    lexical: Lexical | None  # None when the manifest's store is Milvus, which indexes the passages itself
    document_lexical: Lexical
    # Where `embedded`, `pages` and `lexical` are written: "" for the build folder itself (the base,
    # every passage of a build that keeps no segment), or the folder of the segment this build adds.
    folder: str = ""
    linked: Linked | None = None  # what the build keeps of the live one, as it is


@dataclass(frozen=True)
class Linked:
    """Files of the live build that a new build keeps unchanged: hard-linked into its folder, not
    copied, their checksums taken from the live manifest rather than read again."""

    source: Path  # the live build folder
    files: Mapping[str, StoredFile]  # path in the build folder -> its checksums


def linked(stored: StoredIndex, folders: set[str]) -> Linked:
    """The live build's files of the given parts ("" for the base, else a segment's folder) for a new
    build to link: all but the manifest and the document BM25, which every build writes anew."""

    def part(name: str) -> str | None:
        first = name.split("/", 1)[0]
        if first.startswith("segment-"):
            return first
        return None if first == DOCUMENT_BM25_DIR else ""

    return Linked(stored.directory, {name: f for name, f in stored.manifest.files.items() if part(name) in folders})


def current_build(index_dir: Path) -> Path | None:
    """The live build folder, or None when nothing was ever built."""
    pointer = index_dir / POINTER
    try:
        name = pointer.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as error:
        raise _damaged(index_dir, f"{POINTER} cannot be read: {error}") from error
    if not _BUILD_NAME.fullmatch(name) or not (index_dir / name).is_dir():
        raise _damaged(index_dir, f"{POINTER} names no build folder: {name[:60]!r}")
    return index_dir / name


def read_manifest(index_dir: Path) -> Manifest | None:
    """The live build's manifest, or None when there is no index yet. Cheap: reads one small file."""
    build = current_build(index_dir)
    return None if build is None else _read_manifest(build, index_dir)


def require_manifest(index_dir: Path) -> Manifest:
    """The live build's manifest, or IndexMissingError saying how to build one."""
    manifest = read_manifest(index_dir)
    if manifest is None:
        raise _missing(index_dir)
    return manifest


def _read_manifest(build: Path, index_dir: Path) -> Manifest:
    try:
        data = json.loads((build / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise _damaged(index_dir, f"{build.name}/{MANIFEST} cannot be read") from error
    try:
        return Manifest.from_json(data)
    except ValueError as error:  # altered, or not a whole manifest
        raise _damaged(index_dir, f"{build.name}/{MANIFEST} {error}") from error


def _missing(index_dir: Path) -> IndexMissingError:
    return IndexMissingError(f"No index in {index_dir}/ yet — build one with: assistant index")


def _damaged(index_dir: Path, what: str) -> IndexCorruptError:
    return IndexCorruptError(
        f"The index in {index_dir}/ is damaged ({what}) — rebuild it with: assistant index --rebuild"
    )


def load(index_dir: Path) -> StoredIndex:
    build = current_build(index_dir)
    if build is None:
        raise _missing(index_dir)
    manifest = _read_manifest(build, index_dir)
    try:
        verification = checksums.Verification.begin(build, manifest.files)
    except checksums.FileDamaged as error:
        raise _damaged(index_dir, f"{build.name}/{error}") from error
    if manifest.in_parts and manifest.store == LOCAL_STORE:
        return _load_segments(build, index_dir, manifest, verification)
    backend: Vectors
    documents = manifest.documents
    try:
        chunks, sentence_starts = _chunk_table(build, index_dir, manifest)
        pages = _page_table(build, [(d.path, d.pages) for d in documents], whole=isinstance(chunks, list))
        document_lexical = _document_lexical(build)
        if manifest.store == LOCAL_STORE:
            backend, counts = _local_vectors(build, manifest.vector_index, sentence_starts)
    except (OSError, ValueError, KeyError, TypeError, RuntimeError) as error:
        raise _damaged(index_dir, str(error)) from error
    if manifest.store != LOCAL_STORE:
        backend, counts = _milvus_vectors(manifest, build.name, sentence_starts)
    _check_counts(index_dir, counts, len(chunks), int(sentence_starts[-1]))
    return StoredIndex(build, manifest, chunks, pages, backend, document_lexical, verification)


def _load_segments(
    build: Path, index_dir: Path, manifest: Manifest, verification: checksums.Verification
) -> StoredIndex:
    """A library in segments: each segment's tables and vectors loaded as a build's are, joined, with
    the rows of documents taken out skipped by both searches."""
    folders = [build] + [build / segment.folder for segment in manifest.segments]
    indexes = [manifest.vector_index] + [segment.vector_index for segment in manifest.segments]
    tables: list[Sequence[Chunk]] = []
    parts: list[LocalVectors] = []
    removed: list[np.ndarray] = []
    pages: dict[str, Sequence[Page]] = {}
    try:
        for folder, params, rows in zip(folders, indexes, manifest.in_row_order(), strict=True):
            chunks, sentence_starts = _chunk_table(folder, index_dir, manifest)
            held = _page_table(folder, [(r.path, r.pages) for r in rows], whole=isinstance(chunks, list))
            pages.update({r.path: held[r.path] for r in rows if not r.removed})
            vectors, counts = _local_vectors(folder, params, sentence_starts)
            _check_counts(index_dir, counts, len(chunks), int(sentence_starts[-1]))
            removed.append(_removed_rows(rows))
            tables.append(chunks)
            parts.append(replace(vectors, excluded=vector_index.excluding(vectors.faiss_index, removed[-1])))
        lexical = Segments([part.lexical.postings(gone) for part, gone in zip(parts, removed, strict=True)])
        document_lexical = _document_lexical(build)
    except (OSError, ValueError, KeyError, TypeError, RuntimeError) as error:
        raise _damaged(index_dir, str(error)) from error
    joined = chunk_table.Joined(tables)
    backend = SegmentedVectors(tuple(parts), tuple(joined.bases), lexical)
    pages = {name: pages[name] for name in sorted(pages)}  # every document's, in path order, as written
    return StoredIndex(build, manifest, joined, pages, backend, document_lexical, verification)


def _removed_rows(rows: Sequence[Rows]) -> np.ndarray:
    """A part's rows that belong to documents taken out, from its documents' stretches in row order."""
    stops = np.cumsum([r.chunks for r in rows], dtype=np.int64)
    gone = [np.arange(stop - r.chunks, stop) for r, stop in zip(rows, stops.tolist(), strict=True) if r.removed]
    return np.concatenate(gone) if gone else np.zeros(0, dtype=np.int64)


def _document_lexical(build: Path) -> Lexical | None:
    return Lexical.load(build / DOCUMENT_BM25_DIR) if (build / DOCUMENT_BM25_DIR).is_dir() else None


def _check_counts(index_dir: Path, counts: tuple[int, int], chunks: int, sentences: int) -> None:
    if counts != (chunks, sentences):
        raise IndexCorruptError(
            f"The index in {index_dir}/ is inconsistent ({counts[0]} vectors and {counts[1]} sentence vectors for "
            f"{chunks} chunks and {sentences} sentences) — rebuild it with: assistant index --rebuild"
        )


def _local_vectors(
    build: Path, params: Mapping[str, Any], sentence_starts: np.ndarray
) -> tuple[LocalVectors, tuple[int, int]]:
    """A folder's own vectors and BM25 (the build's, or a segment's), and how many passage and sentence
    vectors it holds."""
    # Memory-mapped, not read whole, as are BM25's arrays (vector_index.load says why).
    faiss_index = vector_index.load(build / VECTORS, params)
    # The sentence vectors are two thirds of a library's bytes (bench/library.py), and a question
    # reads the rows of its few top passages.
    sentence_matrix = np.load(build / SENTENCE_VECTORS, mmap_mode="r", allow_pickle=False)
    backend = LocalVectors(faiss_index, Lexical.load(build / BM25_DIR), sentence_matrix, sentence_starts)
    return backend, (faiss_index.ntotal, len(sentence_matrix))


def _milvus_vectors(manifest: Manifest, build_id: str, starts: np.ndarray) -> tuple[Vectors, tuple[int, int]]:
    from . import milvus_store

    prefix, location = milvus_store.collection_prefix(build_id), manifest.store
    client = milvus_store.connect(location)
    backend = milvus_store.MilvusVectors(client, location, prefix, manifest.dimension, starts, manifest.vector_index)
    return backend, backend.open()


def _chunk_table(build: Path, index_dir: Path, manifest: Manifest) -> tuple[Sequence[Chunk], np.ndarray]:
    """The chunks, and the first sentence-vector row of each (one more entry: the end)."""
    if not (build / CHUNK_ROWS).is_file():  # written before chunk-rows.npy existed
        chunks = chunk_table.read_all(build / CHUNKS)
        counts = [len(c.sentences) if manifest.sentence_vectors else 0 for c in chunks]
        return chunks, np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    rows = np.load(build / CHUNK_ROWS, allow_pickle=False)
    if rows.shape[1:] != (2,) or len(rows) < 1 or int(rows[-1, 0]) != (build / CHUNKS).stat().st_size:
        raise _damaged(index_dir, f"{build.name}/{CHUNK_ROWS} does not match {CHUNKS}")
    if len(rows) - 1 < PARSE_ALL_BELOW:
        return chunk_table.read_all(build / CHUNKS), rows[:, 1]
    return chunk_table.ChunkTable(build / CHUNKS, rows[:, 0]), rows[:, 1]


def _page_table(build: Path, documents: Sequence[tuple[str, int]], whole: bool) -> Mapping[str, Sequence[Page]]:
    """The pages of the documents ((path, page count), in the order of their rows), parsed now when the
    chunks were (a small index, or one written before page-rows.npy), else read row by row."""
    if whole or not (build / PAGE_ROWS).is_file():
        return page_table.read_all(build / PAGES)
    offsets = np.load(build / PAGE_ROWS, allow_pickle=False)
    counts = dict(documents)
    if offsets.ndim != 1 or len(offsets) != sum(counts.values()) + 1:
        raise ValueError(f"{PAGE_ROWS} does not match the manifest's page counts")
    return page_table.PageTable(build / PAGES, offsets, counts)


def write(index_dir: Path, new: NewBuild) -> Path:
    """Write a complete build beside the live one, then make it live with one atomic rename.

    A crash at any point leaves CURRENT naming the previous, complete build. A failed write (disk
    full, permissions, a Milvus store that went away) removes the partial build, and its collections,
    and raises IndexWriteError or StoreUnavailableError; the live build stays.
    """
    build_id = time.strftime("build-%Y%m%dT%H%M%S", time.gmtime()) + f"-{secrets.token_hex(3)}"
    staging = index_dir / f".staging-{build_id}"
    client = None if new.manifest.store == LOCAL_STORE else _milvus_client(new.manifest.store)
    try:
        final = _write_build(index_dir, build_id, staging, new, client)
    except (OSError, StoreUnavailableError) as error:
        code = error.errno if isinstance(error, OSError) else None
        if isinstance(error, OSError) and code is None and shutil.disk_usage(index_dir).free < 1 << 20:
            code = errno.ENOSPC  # numpy reports a short write ("N requested and M written") without errno
        shutil.rmtree(staging, ignore_errors=True)  # frees the space a disk-full build took
        pointer = index_dir / POINTER
        if not pointer.exists() or pointer.read_text(encoding="utf-8", errors="replace").strip() != build_id:
            shutil.rmtree(index_dir / build_id, ignore_errors=True)  # renamed, but never made live
            if client is not None:
                _drop_collections(client, build_id)
        if isinstance(error, StoreUnavailableError):
            raise
        reason = os.strerror(code) if code else str(error)
        raise IndexWriteError(
            f"Could not write the new index in {index_dir}/ ({reason}) — the previous index is unchanged and "
            f"still answers; {_NEXT_STEP.get(code or 0, 'fix the cause')}, then run: assistant index"
        ) from error
    _prune(index_dir, keep=build_id, client=client)
    return final


def check_store(location: str) -> None:
    """StoreUnavailableError now when the configured store cannot be reached (the index folder always can)."""
    if location != LOCAL_STORE:
        _milvus_client(location)


def _milvus_client(location: str) -> Any:
    from . import milvus_store

    return milvus_store.connect(location)


def _drop_collections(client: Any, build_id: str) -> None:
    from . import milvus_store

    milvus_store.drop(client, milvus_store.collection_prefix(build_id))


_NEXT_STEP = {
    errno.ENOSPC: "free some disk space",
    errno.EDQUOT: "free some disk space (the disk quota is full)",
    errno.EACCES: "make the folder writable",
    errno.EROFS: "use a writable folder (--index-dir)",
}


def _write_build(index_dir: Path, build_id: str, staging: Path, new: NewBuild, client: Any) -> Path:
    staging.mkdir(parents=True)
    linked = dict(new.linked.files) if new.linked is not None else {}
    if new.linked is not None:
        for name in linked:
            _link(new.linked.source / name, staging / name)
    if new.pages or not linked:  # a build whose new files could not be read adds no segment
        (staging / new.folder).mkdir(exist_ok=True)
        _write_part(staging / new.folder, new, client, build_id)
    new.document_lexical.save(staging / DOCUMENT_BM25_DIR, terms=False)  # made again by every build
    written = sorted(p for p in staging.rglob("*") if p.is_file() and p.relative_to(staging).as_posix() not in linked)
    for path in written:
        _fsync(path)
    for folder in {staging, *(p.parent for p in (staging / name for name in linked))}:
        _fsync(folder)  # the links themselves
    checked = {str(p.relative_to(staging)): checksums.stored_file(p) for p in written}
    manifest = replace(new.manifest, files={**linked, **checked})
    _write_atomic(staging / MANIFEST, json.dumps(manifest.to_json(), indent=1, ensure_ascii=False))
    final = index_dir / build_id
    staging.rename(final)
    _fsync(index_dir)
    _write_atomic(index_dir / POINTER, build_id + "\n")  # the one step that makes the build live
    return final


def _write_part(folder: Path, new: NewBuild, client: Any, build_id: str) -> None:
    """The chunks, their vectors, pages and BM25 of the base or of one segment, into its folder."""
    vectors = np.ascontiguousarray(new.embedded.vectors, dtype=np.float32)
    if client is None:
        segment = next((s for s in new.manifest.segments if s.folder == new.folder), None)
        params = new.manifest.vector_index if segment is None else segment.vector_index
        vector_index.write(vector_index.build(vectors, params), folder / VECTORS)
        large = len(new.embedded.chunks) >= FLOAT16_SENTENCES_FROM
        _write_npy(folder / SENTENCE_VECTORS, new.embedded.sentence_vectors, vectors.shape[1], large)
        assert new.lexical is not None, "a local build writes its passages' BM25"
        new.lexical.save(folder / BM25_DIR)
    else:
        from . import milvus_store

        sentences = [v for v in new.embedded.sentence_vectors if len(v)]
        matrix = np.concatenate(sentences) if sentences else np.zeros((0, vectors.shape[1]), dtype=np.float32)
        prefix = milvus_store.collection_prefix(build_id)
        texts = [chunk.search_text for chunk in new.embedded.chunks]
        milvus_store.write(
            client, new.manifest.store, prefix, vectors, matrix.astype(np.float32), texts, new.manifest.vector_index
        )
    offsets = _write_jsonl(folder / CHUNKS, (_chunk_row(chunk) for chunk in new.embedded.chunks))
    starts = np.concatenate([[0], np.cumsum([len(v) for v in new.embedded.sentence_vectors])]).astype(np.int64)
    np.save(folder / CHUNK_ROWS, np.stack([offsets, starts], axis=1), allow_pickle=False)
    rows = (_page_row(document, page) for document, ps in new.pages.items() for page in ps)
    np.save(folder / PAGE_ROWS, _write_jsonl(folder / PAGES, rows), allow_pickle=False)


def _link(source: Path, target: Path) -> None:
    """A second name for a file of the live build (both builds see the same bytes, which neither ever
    changes); a copy where the file system has no hard links."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError as error:
        if error.errno not in (errno.EXDEV, errno.EPERM, errno.EMLINK, errno.EOPNOTSUPP):
            raise
        shutil.copyfile(source, target)


def _prune(index_dir: Path, keep: str, client: Any = None) -> None:
    """Remove staging leftovers of killed builds and builds older than the previous one, with their
    collections in the store being written to (a build whose vectors are in another store leaves
    them there: that store may be gone, and is not ours to reach without being asked)."""
    builds = sorted((p for p in index_dir.glob("build-*") if p.is_dir()), key=lambda p: p.stat().st_mtime)
    old = [p for p in builds if p.name != keep][: max(0, len(builds) - BUILDS_KEPT)]
    for path in old + list(index_dir.glob(".staging-*")):
        if path.name != keep:
            shutil.rmtree(path, ignore_errors=True)
            if client is not None:
                _drop_collections(client, path.name.removeprefix(".staging-"))


@contextmanager
def build_lock(index_dir: Path) -> Iterator[None]:
    """One build at a time. The OS drops the lock when its holder dies, even by SIGKILL."""
    index_dir.mkdir(parents=True, exist_ok=True)
    path = index_dir / LOCK
    with open(path, "a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise BuildLockedError(
                f"Another build is already running on {index_dir}/ ({holder}) — wait for it to finish, "
                "then run the command again"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle, fcntl.LOCK_UN)


def _chunk_row(chunk: Chunk) -> dict[str, Any]:
    """What asdict(chunk) gives, without its deep copy of every field: a Chunk holds no dataclass, and
    asdict was 28 s of the 86 s it took to add a report to 130,000 passages (profiled)."""
    return {name: getattr(chunk, name) for name in _CHUNK_FIELDS}


_CHUNK_FIELDS = tuple(f.name for f in fields(Chunk))


def _page_row(document: str, page: Page) -> dict[str, Any]:
    row = asdict(page)
    row["headings"] = [[h.offset, h.title] for h in page.headings]
    row["regions"] = [[r.start, r.end, r.kind, r.label] for r in page.regions]
    row["markers"] = [list(m) for m in page.markers]
    return {"document": document, **row}


def _write_npy(path: Path, parts: Sequence[np.ndarray], dimension: int, half: bool) -> None:
    """The parts' rows stacked, as np.save would write them, a few thousand parts at a time: a library's
    sentence vectors (gigabytes at a million passages) are never all in memory at once, nor in two
    copies (its carried rows are views of the live build's mapped file)."""
    dtype = np.dtype(np.float16 if half else np.float32)
    rows = sum(len(part) for part in parts)
    with open(path, "wb") as handle:
        header = {"descr": np.lib.format.dtype_to_descr(dtype), "fortran_order": False, "shape": (rows, dimension)}
        np.lib.format.write_array_header_1_0(handle, header)
        for start in range(0, len(parts), 4096):
            group = [part for part in parts[start : start + 4096] if len(part)]
            if group:
                handle.write(np.concatenate(group).astype(dtype, copy=False).tobytes())


def _write_jsonl(path: Path, rows: Iterator[dict[str, Any]] | Any) -> np.ndarray:
    """One JSON row per line, UTF-8; returns the byte offset where each row starts, then the file's size."""
    offsets = [0]
    with open(path, "wb") as handle:
        for row in rows:
            offsets.append(offsets[-1] + handle.write((json.dumps(row, ensure_ascii=False) + "\n").encode()))
    return np.array(offsets, dtype=np.int64)


def _write_atomic(path: Path, text: str) -> None:
    temporary = path.with_name(path.name + ".tmp")
    with open(temporary, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
    _fsync(path.parent)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
