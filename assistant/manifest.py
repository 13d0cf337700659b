"""The manifest: what one build of the index holds and how it was made. Read, written and compared
with the configured settings here, and nowhere else.

Its JSON form is `manifest.json` (index/README.md describes it and how the format grew). Every
format keeps `format_version`, `model`, `chunking`, `documents`, `skipped` and `counts`, so any
version of the assistant can at least say which format it found.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .config import LOCAL_STORE
from .errors import IndexMismatchError
from .reading.chunking import TEXT_CHANGES
from .types import ParseReport

FORMAT_VERSION = 3
# Builds of these formats can be carried into a new build: their chunks and vectors are reused, and
# only what is derived from the chunks, BM25 included, is written anew.
REUSABLE_FORMATS = (2, 3)
# What a library in segments (Manifest.segments, and removed documents' rows kept in their files)
# writes in place of FORMAT_VERSION: the same format, plus what a version of the assistant from before
# segments would not read. Given a number it does not know, that version refuses the build ("rebuild
# with: assistant index --rebuild") instead of serving the base alone.
SEGMENTED_FORMAT = 4
_SEGMENT_FOLDER = re.compile(r"segment-[0-9a-f]+")


@dataclass(frozen=True)
class IndexedDocument:
    """A source file as this build indexed it."""

    path: str  # relative to the documents folder
    size: int
    sha256: str
    title: str
    chunks: int
    report: ParseReport

    @property
    def pages(self) -> int:
        return self.report.pages


@dataclass(frozen=True)
class SkippedFile:
    """A source file that could not be indexed; it is not read again until its bytes change."""

    path: str
    size: int
    sha256: str
    reason: str  # the sentence the user saw


@dataclass(frozen=True)
class StoredFile:
    """A file of the build folder, so a damaged or truncated one is caught on load."""

    size: int
    sha256: str
    # For a large file, the sha256 of each BLOCK_BYTES of it (checksums.py): checked a few at load, the
    # rest in the background, so a large library opens without reading every byte first.
    blocks: tuple[str, ...] = ()


@dataclass(frozen=True)
class Segment:
    """Passages a build added to a large library without rewriting it (store.py, "segments"): a folder
    of the build holding these documents' files, written once and linked into every later build."""

    folder: str  # relative to the build folder: segment-<hex>
    documents: tuple[str, ...]  # its documents' paths, in the order of its rows (sorted)
    # Its own vector index (vector_index.choose for its size), as Manifest.vector_index is the base's.
    vector_index: Mapping[str, Any] = field(default_factory=lambda: {"kind": "flat"})


@dataclass(frozen=True)
class Removed:
    """A document taken out of a library in segments (or the old version of one that changed) whose
    rows are still in the files of the part that holds them: every search skips them, and BM25's
    statistics leave them out, until that part is written again."""

    path: str
    part: str  # "" for the base, else the segment's folder
    chunks: int
    pages: int


@dataclass(frozen=True)
class Rows:
    """A document's stretch of a part's rows (its chunks, in its part's chunk table; its pages, in the
    page table), in the order the part holds them."""

    path: str
    chunks: int
    pages: int
    removed: bool = False


@dataclass(frozen=True)
class Manifest:
    model: str  # the embedding model's id (embedding.model_id)
    dimension: int
    chunking: Mapping[str, int]  # Settings.chunking
    lexical: Mapping[str, Any]  # lexical.SETTINGS
    sentence_vectors: bool  # False for the search-only indexes `assistant eval` builds
    built_at: str  # ISO 8601, UTC
    documents: tuple[IndexedDocument, ...]  # sorted by path
    skipped: tuple[SkippedFile, ...]  # sorted by path
    format_version: int = FORMAT_VERSION
    files: Mapping[str, StoredFile] = field(default_factory=dict)  # filled in by store.write
    # Where the vectors and the passages' BM25 are (Settings.store). Written only when it is not the
    # index folder, so a local build's manifest reads as before to every version.
    store: str = LOCAL_STORE
    # The FAISS index over the passages' vectors (vector_index.py): {"kind": "flat"}, or an IVF index
    # with its parameters for a large library. Written only when it is not flat, as `store` is.
    vector_index: Mapping[str, Any] = field(default_factory=lambda: {"kind": "flat"})
    # Segments added after the base (the build folder's own files), in the order of their rows. The
    # base holds every document that no segment holds (as a live one). Written only when there are some.
    segments: tuple[Segment, ...] = ()
    removed: tuple[Removed, ...] = ()  # sorted by part, then path. Written only when there are some.

    @property
    def pages(self) -> int:
        return sum(d.pages for d in self.documents)

    @property
    def chunks(self) -> int:
        return sum(d.chunks for d in self.documents)

    def in_row_order(self) -> list[list[Rows]]:
        """The rows of the base, then of each segment, a document at a time in the order of its rows:
        a removed document's too, which are still there."""
        named = {d.path: d for d in self.documents}
        removed = {(r.part, r.path): r for r in self.removed}
        parts = []
        for segment in self.segments:
            rows = [removed.get((segment.folder, path)) or named[path] for path in segment.documents]
            parts.append([Rows(r.path, r.chunks, r.pages, isinstance(r, Removed)) for r in rows])
        in_segments = {r.path for part in parts for r in part if not r.removed}
        base = [Rows(d.path, d.chunks, d.pages) for d in self.documents if d.path not in in_segments]
        base += [Rows(r.path, r.chunks, r.pages, True) for r in self.removed if not r.part]
        return [sorted(base, key=lambda r: r.path)] + parts

    @property
    def in_parts(self) -> bool:
        """Whether this build's rows are in segments, or hold removed documents' (store.py)."""
        return bool(self.segments or self.removed)

    def to_json(self) -> dict[str, Any]:
        data = {
            "model": {"name": self.model, "dimension": self.dimension},
            "chunking": dict(self.chunking),
            "lexical": dict(self.lexical),
            "sentence_vectors": self.sentence_vectors,
            "built_at": self.built_at,
            "documents": [_document_json(d) for d in self.documents],
            "skipped": [{"path": s.path, "size": s.size, "sha256": s.sha256, "reason": s.reason} for s in self.skipped],
            "counts": {"documents": len(self.documents), "pages": self.pages, "chunks": self.chunks},
            "format_version": SEGMENTED_FORMAT if self.in_parts else self.format_version,
            "files": {name: _file_json(f) for name, f in self.files.items()},
        }
        if self.store != LOCAL_STORE:
            data["store"] = self.store
        if self.vector_index != {"kind": "flat"}:
            data["vector_index"] = dict(self.vector_index)
        if self.removed:
            data["removed"] = [
                {"path": r.path, "part": r.part, "chunks": r.chunks, "pages": r.pages} for r in self.removed
            ]
        if self.segments:
            data["segments"] = [
                {"folder": s.folder, "documents": list(s.documents), "vector_index": dict(s.vector_index)}
                for s in self.segments
            ]
        data["checksum"] = _checksum(data)
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Manifest:
        """Raises ValueError (with what is wrong) for a manifest that was altered or is incomplete."""
        if not isinstance(data, Mapping):
            raise ValueError("is not a JSON object")
        checksum = _checksum(data)
        if data.get("checksum", checksum) != checksum:
            raise ValueError("does not match its checksum")
        try:
            manifest = cls(
                model=str(data["model"]["name"]),
                dimension=int(data["model"]["dimension"]),
                chunking=dict(data["chunking"]),
                lexical=dict(data["lexical"]),
                sentence_vectors=bool(data.get("sentence_vectors", True)),
                built_at=str(data["built_at"]),
                documents=tuple(_document(d) for d in data["documents"]),
                skipped=tuple(SkippedFile(s["path"], s["size"], s["sha256"], s["reason"]) for s in data["skipped"]),
                format_version=_format_version(data),
                files={
                    name: StoredFile(f["size"], f["sha256"], tuple(f.get("blocks", ())))
                    for name, f in data.get("files", {}).items()
                },
                store=str(data.get("store", LOCAL_STORE)),
                vector_index=dict(data.get("vector_index", {"kind": "flat"})),
                segments=tuple(
                    Segment(str(s["folder"]), tuple(map(str, s["documents"])), dict(s["vector_index"]))
                    for s in data.get("segments", ())
                ),
                removed=tuple(
                    Removed(str(r["path"]), str(r["part"]), int(r["chunks"]), int(r["pages"]))
                    for r in data.get("removed", ())
                ),
            )
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise ValueError(f"cannot be read ({type(error).__name__}: {error})") from error
        named = {d.path for d in manifest.documents}
        removed = {(r.part, r.path) for r in manifest.removed}
        live = [path for s in manifest.segments for path in s.documents if (s.folder, path) not in removed]
        if len(set(live)) != len(live) or not named.issuperset(live):
            raise ValueError("names a segment's documents that are not its own")
        folders = {s.folder for s in manifest.segments}
        if any(not _SEGMENT_FOLDER.fullmatch(folder) for folder in folders) or len(folders) != len(manifest.segments):
            raise ValueError("names a segment folder that is not one")
        held = {(s.folder, path) for s in manifest.segments for path in s.documents}
        if len(removed) != len(manifest.removed) or any(part and (part, path) not in held for part, path in removed):
            raise ValueError("names a removed document that its segment does not hold")
        return manifest


def _format_version(data: Mapping[str, Any]) -> int:
    found = int(data["format_version"])
    if found == SEGMENTED_FORMAT:
        if not data.get("segments") and not data.get("removed"):
            raise ValueError(f"has format {SEGMENTED_FORMAT} but no segments")
        return FORMAT_VERSION
    return found


def _file_json(stored: StoredFile) -> dict[str, Any]:
    data: dict[str, Any] = {"size": stored.size, "sha256": stored.sha256}
    if stored.blocks:
        data["blocks"] = list(stored.blocks)
    return data


def _document_json(document: IndexedDocument) -> dict[str, Any]:
    report = document.report
    return {
        "path": document.path,
        "size": document.size,
        "sha256": document.sha256,
        "title": document.title,
        "pages": report.pages,
        "chunks": document.chunks,
        "report": {
            "chars_per_page": list(report.chars_per_page),
            "empty_pages": list(report.empty_pages),
            "warnings": list(report.warnings),
            "signals": dict(report.signals),
        },
    }


def _document(data: Mapping[str, Any]) -> IndexedDocument:
    report = data["report"]
    return IndexedDocument(
        path=data["path"],
        size=data["size"],
        sha256=data["sha256"],
        title=data["title"],
        chunks=data["chunks"],
        report=ParseReport(
            pages=data["pages"],
            chars_per_page=tuple(report["chars_per_page"]),
            empty_pages=tuple(report["empty_pages"]),
            warnings=tuple(report["warnings"]),
            signals=tuple(sorted(report.get("signals", {}).items())),  # absent before format 3's text 4
        ),
    )


def _checksum(data: Mapping[str, Any]) -> str:
    """sha256 of the manifest's content without this field, in a canonical form: any change to a value
    (a count, a setting, a file's checksum) is caught, while the manifest stays readable JSON."""
    content = {k: v for k, v in data.items() if k != "checksum"}
    return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Mismatch:
    """Why a build does not fit the configured settings, said for a build report and for an error."""

    change: str  # a full rebuild's reason: "the model changed (a -> b)"
    problem: str  # "was built with model 'a' but 'b' is configured"
    fix: str  # "rebuild with: assistant index --model b (or use --model a)"
    reusable: bool = False  # an older format whose chunks and vectors a build can carry over

    def error(self, index_dir: Path) -> IndexMismatchError:
        return IndexMismatchError(f"The index in {index_dir}/ {self.problem} — {self.fix}")


def mismatch(
    manifest: Manifest,
    model: str,
    chunking: Mapping[str, int],
    sentence_vectors: bool | None = None,
    store: str | None = None,
) -> Mismatch | None:
    """The one check of whether a build can serve the configured model and chunking (and, unless
    `sentence_vectors` is None, has or lacks sentence vectors as asked; unless `store` is None, keeps
    its vectors in that store); None when it can."""
    found, rebuild = manifest.format_version, "rebuild with: assistant index --rebuild"
    if found not in REUSABLE_FORMATS:
        return Mismatch(
            f"the index format changed ({found} -> {FORMAT_VERSION})",
            f"has format {found}, this version of the assistant reads format {FORMAT_VERSION}",
            rebuild,
        )
    if manifest.model != model:
        return Mismatch(
            f"the model changed ({manifest.model} -> {model})",
            f"was built with model '{manifest.model}' but '{model}' is configured",
            f"rebuild with: assistant index --model {model} (or use --model {manifest.model})",
        )
    text_before, text_now = manifest.chunking.get("text"), chunking.get("text")
    if text_before != text_now and {k: v for k, v in manifest.chunking.items() if k != "text"} == {
        k: v for k, v in chunking.items() if k != "text"
    }:
        changed = TEXT_CHANGES.get(text_now or 0, "the way page text is read changed")
        return Mismatch(
            f"{changed} (text version {text_before} -> {text_now}), so every document is read again",
            f"was read by an earlier version of the assistant (text version {text_before}, now {text_now})",
            "rebuild with: assistant index",
        )
    if dict(manifest.chunking) != dict(chunking):
        return Mismatch(
            f"the chunking settings changed ({dict(manifest.chunking)} -> {dict(chunking)})",
            f"was built with chunking {dict(manifest.chunking)} but {dict(chunking)} is configured",
            "rebuild with: assistant index",
        )
    if sentence_vectors is not None and manifest.sentence_vectors != sentence_vectors:
        if sentence_vectors:
            return Mismatch(
                "answers need sentence vectors",
                "was built for search only (as `assistant eval` builds them), so it cannot answer",
                "rebuild it with: assistant index --rebuild",
            )
        return Mismatch("a search-only index was asked for", "holds sentence vectors, not a search-only index", rebuild)
    if store is not None and manifest.store != store:
        return Mismatch(
            f"the store changed ({manifest.store} -> {store})",
            f"keeps its vectors in {manifest.store} but --store {store} is configured",
            f"move them with: assistant index --store {store} (nothing is embedded again), "
            f"or use --store {manifest.store}",
            reusable=True,
        )
    if found != FORMAT_VERSION:
        return Mismatch(
            f"the index format changed ({found} -> {FORMAT_VERSION})",
            "was built by an earlier version of the assistant",
            "update it with: assistant index (its passages and vectors are kept, nothing is embedded again)",
            reusable=True,
        )
    return None
