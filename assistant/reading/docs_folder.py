"""The documents folder: which files it holds, and adding and removing them safely.

A new file is checked by its content, not its name (a PDF must start like one; text must decode
and hold no binary data), stored under a sanitised name that cannot leave the folder, and never
overwrites another document unless asked to. Nothing uploaded is ever executed.
"""

from __future__ import annotations

import re
import shutil
import unicodedata
from pathlib import Path

from ..errors import DocumentError
from .ingest import MARKDOWN_SUFFIXES, PDF_SUFFIXES, SUPPORTED_SUFFIXES, looks_like_text

_UNSAFE = re.compile(r"[^\w\s.,()+&'\-\u2010-\u2015]", re.UNICODE)  # dashes (– —) are kept


def file_names(docs_dir: Path) -> list[str]:
    """Every file below docs_dir as a name relative to it (forward slashes), sorted. Hidden files and
    folders are left out: they are not documents (an upload in progress is one)."""
    if not docs_dir.is_dir():
        return []
    names = (path.relative_to(docs_dir) for path in docs_dir.rglob("*") if path.is_file())
    return [name.as_posix() for name in sorted(names) if not any(part.startswith(".") for part in name.parts)]


def safe_name(name: str) -> str:
    """A file name that stays inside the documents folder: no folders, no leading dots, no control or
    shell-special characters; unicode letters and spaces are kept."""
    base = unicodedata.normalize("NFC", name.replace("\\", "/").split("/")[-1])
    base = _UNSAFE.sub("_", "".join(ch for ch in base if ch.isprintable())).strip(" .")
    return base[:200] or "document"


def detect_type(head: bytes, name: str) -> str:
    """The suffix the content deserves (.pdf, .md or .txt), or DocumentError naming the upload."""
    if b"%PDF-" in head[:1024]:
        return ".pdf"
    suffix = Path(name).suffix.lower()
    if suffix in PDF_SUFFIXES:
        raise DocumentError(name, "is named .pdf but is not a PDF — upload the real PDF")
    if not looks_like_text(head):
        raise DocumentError(name, "is neither a PDF nor plain text — upload a PDF, TXT or MD file")
    return suffix if suffix in MARKDOWN_SUFFIXES else ".txt"


def add_document(docs_dir: Path, source: Path, name: str, *, max_bytes: int, replace: bool = False) -> str:
    """Copy `source` into docs_dir as a document called (a sanitised) `name`; returns the stored name.
    `replace` lets it overwrite a document of the same name (the user confirmed it)."""
    size = source.stat().st_size
    if size == 0:
        raise DocumentError(name, "the file is empty — upload the real document")
    if size > max_bytes:
        raise DocumentError(
            name,
            f"is {size / 1e6:.3g} MB, over the {max_bytes / 1e6:.3g} MB upload limit — copy it into the "
            "documents folder directly, or raise the limit with ASSISTANT_MAX_UPLOAD_MB or --max-upload-mb",
        )
    with open(source, "rb") as handle:
        suffix = detect_type(handle.read(8192), name)
    stem = Path(safe_name(name)).stem if Path(name).suffix.lower() in SUPPORTED_SUFFIXES else safe_name(name)
    stored = f"{stem}{suffix}"
    target = docs_dir / stored
    if target.exists() and not replace:
        raise DocumentError(
            stored,
            "a document with this name is already indexed — remove it first, or rename the file and upload it again",
        )
    docs_dir.mkdir(parents=True, exist_ok=True)
    temporary = docs_dir / f".upload-{stored}"
    shutil.copyfile(source, temporary)
    temporary.replace(target)
    return stored


def remove_document(docs_dir: Path, name: str) -> None:
    """Delete one document from docs_dir; refuses anything that is not a file inside it."""
    root = docs_dir.resolve()
    target = (docs_dir / name).resolve()
    if not target.is_relative_to(root) or target == root or not target.is_file():
        raise DocumentError(name, f"is not a document in {docs_dir}/ — pick one from the list")
    target.unlink()
