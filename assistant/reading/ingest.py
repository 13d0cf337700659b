"""Files -> Document(pages): PDF via pypdf, plain text and markdown. The only module importing pypdf."""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..errors import DocumentError
from ..types import Document, Heading, Page, ParseReport
from . import cleaning
from .layout import LineCollector, LineStyle
from .page_parts import SourcePage, clean_pages

PDF_SUFFIXES = frozenset({".pdf"})
TEXT_SUFFIXES = frozenset({".txt", ".text"})
MARKDOWN_SUFFIXES = frozenset({".md", ".markdown"})
SUPPORTED_SUFFIXES = PDF_SUFFIXES | TEXT_SUFFIXES | MARKDOWN_SUFFIXES

MAX_TITLE_CHARS = 160  # longer titles and headings are cut (see short_title)
_MD_HEADING = re.compile(r"^#{1,6}[ \t]+(.+?)[ \t#]*$", re.MULTILINE)


@dataclass(frozen=True)
class RawPage:
    """A page as extracted, before cleaning."""

    text: str
    label: str
    outline_titles: tuple[str, ...] = ()  # outline entries that point at this page
    styles: tuple[LineStyle, ...] | None = None  # how each line of `text` is set (a PDF's pages only)
    height: float = 0.0  # the page's height in points (a PDF's pages only)


def physical_page(pypdf_index: int) -> int:
    """pypdf counts pages from 0; everything else here counts physical pages from 1."""
    return pypdf_index + 1


def is_supported(path: Path) -> bool:
    return path.suffix.lower() in SUPPORTED_SUFFIXES


def check_supported(path: Path, name: str) -> None:
    if not is_supported(path):
        suffix = path.suffix.lower() or "(none)"
        raise DocumentError(
            name, f"unsupported file type '{suffix}' — save it as PDF, TXT or MD, or move it out of the folder"
        )


def read_document(path: Path, name: str) -> Document:
    """Read one file into a Document. `name` is how users see it (path relative to the docs folder).

    Raises DocumentError, naming the file and the next step, for anything that cannot be indexed.
    """
    check_supported(path, name)
    suffix = path.suffix.lower()
    data = path.read_bytes()
    if not data.strip():
        raise DocumentError(name, "the file is empty — replace it with the real document or remove it")
    warnings: list[str] = []
    if suffix in PDF_SUFFIXES:
        with _pypdf_warnings() as repairs:
            raw_pages, title = _read_pdf(name, data)
        if any(marker in message for message in repairs for marker in _XREF_REPAIRS):
            warnings.append(
                f"{name}: its cross-reference table is damaged; the {_plural(len(raw_pages), 'page')} were "
                "recovered by scanning the file — if text is missing, re-export or re-download the PDF"
            )
        kind = "pdf"
        if not any(p.text.strip() for p in raw_pages):
            raise DocumentError(
                name,
                f"no extractable text on any of its {_plural(len(raw_pages), 'page')} (probably scanned "
                "images); OCR is not supported — add a version with a text layer, or a .txt copy",
            )
    else:
        text = _decode(data, name)
        raw_pages = [RawPage(text=part, label=str(i)) for i, part in enumerate(text.split("\f"), start=1)]
        kind = "markdown" if suffix in MARKDOWN_SUFFIXES else "text"
        title = _markdown_title(text) if kind == "markdown" else ""
    return clean_document(name, raw_pages, kind=kind, title=title or Path(name).stem, warnings=warnings)


def clean_document(
    name: str, raw_pages: Sequence[RawPage], *, kind: str = "text", title: str = "", warnings: Sequence[str] = ()
) -> Document:
    """Clean extracted pages and find their sections and table-of-contents pages.

    `kind` is "pdf", "markdown" or "text": markdown headings make sections, and only a PDF page
    without text is suspected of being a scan. `warnings` from reading go into the parse report."""
    chars = tuple(len(p.text.strip()) for p in raw_pages)
    empty = tuple(physical_page(i) for i, n in enumerate(chars) if n == 0)
    if len(empty) == len(raw_pages):
        raise DocumentError(name, "the file has no text — replace it with the real document or remove it")

    parts, fired = clean_pages(
        [SourcePage(p.text, p.styles, p.height, p.outline_titles) for p in raw_pages], markdown=kind == "markdown"
    )
    pages: list[Page] = []
    section = ""
    tocs = cleaning.toc_pages([part.lines for part in parts])
    for i, (raw, part, is_toc) in enumerate(zip(raw_pages, parts, tocs, strict=True)):
        text = part.text
        headings = _markdown_headings(text) if kind == "markdown" else _locate(raw.outline_titles, text)
        headings = tuple(Heading(h.offset, short_title(h.title)) for h in headings)
        pages.append(
            Page(
                number=physical_page(i),
                label=raw.label,
                text=text,
                section=section,
                headings=headings,
                is_toc=is_toc,
                regions=part.regions,
                markers=part.markers,
            )
        )
        if headings:
            section = headings[-1].title

    warnings = list(warnings)
    if empty and kind == "pdf":
        warnings.append(
            f"{name}: {_plural(len(empty), 'page')} with no extractable text ({_page_list(empty)}); "
            "probably scanned images — OCR is not supported, so they cannot be searched"
        )
    report = ParseReport(
        pages=len(pages),
        chars_per_page=chars,
        empty_pages=empty,
        warnings=tuple(warnings),
        signals=tuple(sorted((signal, n) for signal, n in fired.items() if n)),
    )
    return Document(path=name, pages=tuple(pages), report=report, title=short_title(title))


def short_title(title: str, most: int = MAX_TITLE_CHARS) -> str:
    """A title or heading cut at a word to at most `most` characters: every chunk carries its section,
    so a "heading" that is really a 1 MB line must not be copied into each of them."""
    title = " ".join(title.split())
    if len(title) <= most:
        return title
    cut = title[: most - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut) + "…"


# What pypdf (strict=False) logs when the cross-reference table does not match the file and it finds
# the objects by scanning the file instead.
_XREF_REPAIRS = ("incorrect startxref pointer", "Ignoring wrong pointing object", "Negative startxref pointer")


@contextmanager
def _pypdf_warnings() -> Iterator[list[str]]:
    """Collect what pypdf logs while reading, instead of letting it reach the user's terminal
    line by line; the caller turns what matters into one parse-report warning."""
    messages: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            messages.append(record.getMessage())

    logger = logging.getLogger("pypdf")
    handler = Collect(logging.WARNING)
    level, propagate = logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING)
    logger.propagate = False
    try:
        yield messages
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
        logger.propagate = propagate


def _read_pdf(name: str, data: bytes) -> tuple[list[RawPage], str]:
    if b"%PDF-" not in data[:1024]:
        start = data[:16].decode("latin-1").strip() or "nothing"
        raise DocumentError(
            name, f"not a PDF (it starts with {start!r}) — replace it with the real PDF, or give it the right extension"
        )
    import pypdf
    from pypdf.errors import DependencyError, PdfReadError, PyPdfError

    damaged = (
        "cannot be read as a PDF; it may be damaged or incomplete ({error}) — "
        "re-download or re-export it, then run: assistant index"
    )
    try:
        reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and reader.decrypt("") == pypdf.PasswordType.NOT_DECRYPTED:
            raise DocumentError(
                name,
                "the PDF is password-protected — save a copy without a password (for example with "
                "'Print to PDF') into the documents folder, then run: assistant index",
            )
        count = len(reader.pages)
        labels = _page_labels(reader, count)
        titles = _outline_by_page(reader, count)
    except DocumentError:
        raise
    except DependencyError as error:
        raise DocumentError(
            name, f"needs a cryptography package to decrypt ({error}) — reinstall with: pip install cryptography"
        ) from error
    except (PyPdfError, PdfReadError, ValueError, UnicodeDecodeError, KeyError, TypeError, OSError) as error:
        raise DocumentError(name, damaged.format(error=_short(error))) from error
    if count == 0:
        raise DocumentError(name, damaged.format(error="it has no pages"))

    pages = []
    for i in range(count):
        # The visitor sees every run pypdf extracts, with its font size and place: the text is the
        # same, and its lines can be told apart (regions.py) at no second extraction's cost.
        collector = LineCollector()
        styles: tuple[LineStyle, ...] | None
        try:
            page = reader.pages[i]
            page.extract_text(visitor_text=collector)
            text, styles = collector.lines()
            height = float(page.mediabox.height)
        except Exception:  # noqa: BLE001 — one broken page must not lose the rest of the file
            text, styles, height = "", None, 0.0
        pages.append(RawPage(text, labels[i], titles.get(i, ()), styles, height))
    title = ""
    try:
        metadata = reader.metadata
        title = " ".join(str(metadata.get("/Title") or "").split()) if metadata else ""
    except Exception:  # noqa: BLE001 — a broken info dictionary only costs the title
        pass
    # Producers often leave a file name or a filing number as the title: keep only real words.
    return pages, title if len(re.findall(r"[^\W\d_]{2,}", title)) >= 2 else ""


def _page_labels(reader: object, count: int) -> list[str]:
    """Printed labels when the PDF defines them (pypdf invents '1', '2', ... when it does not)."""
    try:
        if "/PageLabels" in reader.root_object:  # type: ignore[attr-defined]
            labels = list(reader.page_labels)  # type: ignore[attr-defined]
            if len(labels) == count:
                return [str(label) or str(physical_page(i)) for i, label in enumerate(labels)]
    except Exception:  # noqa: BLE001 — broken labels fall back to physical numbers
        pass
    return [str(physical_page(i)) for i in range(count)]


def _outline_by_page(reader: object, count: int) -> dict[int, tuple[str, ...]]:
    """Outline (bookmark) titles keyed by the 0-based page they point at, in outline order."""
    found: dict[int, list[str]] = {}

    def walk(items: object) -> None:
        for item in items:  # type: ignore[attr-defined]
            if isinstance(item, list):
                walk(item)
                continue
            try:
                index = reader.get_destination_page_number(item)  # type: ignore[attr-defined]
            except Exception:  # noqa: BLE001 — an entry that points nowhere is skipped
                continue
            title = " ".join(str(getattr(item, "title", "") or "").split())
            if title and index is not None and 0 <= index < count:
                found.setdefault(index, []).append(title)

    try:
        walk(reader.outline)  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001 — a broken outline only costs section names
        return {}
    return {index: tuple(titles) for index, titles in found.items()}


def _locate(titles: Sequence[str], text: str) -> tuple[Heading, ...]:
    """Place outline titles in the page text; a title not found there is taken to head the page."""
    headings = []
    position = 0
    for title in titles:
        pattern = r"\s+".join(re.escape(word) for word in title.split())
        match = re.compile(pattern, re.IGNORECASE).search(text, position)
        offset = match.start() if match else position
        position = match.end() if match else position
        headings.append(Heading(offset=offset, title=title))
    return tuple(headings)


def _markdown_headings(text: str) -> tuple[Heading, ...]:
    return tuple(Heading(offset=m.start(1), title=m.group(1).strip()) for m in _MD_HEADING.finditer(text))


def _markdown_title(text: str) -> str:
    match = re.search(r"^#[ \t]+(.+?)[ \t#]*$", text, re.MULTILINE)
    return match.group(1).strip() if match else ""


def _decode(data: bytes, name: str) -> str:
    text = decode_text(data)
    if not looks_like_text(data):
        raise DocumentError(name, "does not look like text (it holds binary data) — save it as plain text, PDF or MD")
    return text


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 (with a BOM, or mostly Latin script without one), else
    Windows-1252/Latin-1."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    utf16 = _utf16_without_bom(data[:4000])
    if utf16:
        return data.decode(utf16, errors="replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            return data.decode("latin-1")


def _utf16_without_bom(sample: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' when every other byte is zero, as in UTF-16 text of Latin script
    saved without a byte-order mark; None otherwise."""
    half = len(sample) // 2
    if half < 8:
        return None
    for codec, zeros in (("utf-16-le", sample[1 : 2 * half : 2]), ("utf-16-be", sample[0 : 2 * half : 2])):
        if zeros.count(0) >= 0.9 * half:
            return codec
    return None


def looks_like_text(data: bytes) -> bool:
    """Text, not binary: at most 5% control characters in the first 10,000 characters."""
    sample = decode_text(data[:40000])[:10000]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\n\r\t\f")
    return controls <= 0.05 * len(sample)


def _short(error: BaseException) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return text if len(text) <= 120 else text[:117] + "..."


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _page_list(numbers: Sequence[int], most: int = 20) -> str:
    shown = ", ".join(str(n) for n in numbers[:most])
    more = f" and {len(numbers) - most} more" if len(numbers) > most else ""
    return f"{'page' if len(numbers) == 1 else 'pages'} {shown}{more}"
