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
from .types import ParseReport

FORMAT_VERSION = 3
# Builds of these formats can be carried into a new build: their chunks and vectors are reused, and
# only what is derived from the chunks, BM25 included, is written anew.
REUSABLE_FORMATS = (2, 3)
# What a library in segments (Manifest.segments) writes in place of FORMAT_VERSION: the same format,
# plus folders that a version of the assistant before segments would not read. Given a number it does
# not know, that version refuses the build ("rebuild with: assistant index --rebuild") instead of
# serving the base alone.
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
    # base holds every document no segment names. Written only when there are some.
    segments: tuple[Segment, ...] = ()

    @property
    def pages(self) -> int:
        return sum(d.pages for d in self.documents)

    @property
    def chunks(self) -> int:
        return sum(d.chunks for d in self.documents)

    def in_row_order(self) -> list[list[IndexedDocument]]:
        """The documents of the base, then of each segment, each part in the order of its rows."""
        named = {d.path: d for d in self.documents}
        in_segments = {path for segment in self.segments for path in segment.documents}
        base = [d for d in self.documents if d.path not in in_segments]
        return [base] + [[named[path] for path in segment.documents] for segment in self.segments]

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
            "format_version": SEGMENTED_FORMAT if self.segments else self.format_version,
            "files": {name: _file_json(f) for name, f in self.files.items()},
        }
        if self.store != LOCAL_STORE:
            data["store"] = self.store
        if self.vector_index != {"kind": "flat"}:
            data["vector_index"] = dict(self.vector_index)
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
            )
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise ValueError(f"cannot be read ({type(error).__name__}: {error})") from error
        named = {d.path for d in manifest.documents}
        listed = [path for segment in manifest.segments for path in segment.documents]
        if len(set(listed)) != len(listed) or not named.issuperset(listed):
            raise ValueError("names a segment's documents that are not its own")
        if any(not _SEGMENT_FOLDER.fullmatch(segment.folder) for segment in manifest.segments):
            raise ValueError("names a segment folder that is not one")
        return manifest


def _format_version(data: Mapping[str, Any]) -> int:
    found = int(data["format_version"])
    if found == SEGMENTED_FORMAT:
        if not data.get("segments"):
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
