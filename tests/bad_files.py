"""The bad-file corpus: every awkward file the assistant should meet, made by the tests (nothing is
downloaded), with what must happen to it. The ingest, CLI, Python API and web tests all use it.

A case is either refused (the file is skipped with `reason`, a sentence naming what to do next) or
indexed (its `fact` is found on physical page `page`, and any parse `warning` is reported).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from . import pdfs

ANY = "…"  # in an expected message: any text


@dataclass(frozen=True)
class Case:
    name: str
    make: Callable[[Path], object]
    reason: str | None = None  # refused by the build with this reason (after "name: ")
    upload_reason: str | None = None  # refused already by an upload with this reason
    fact: str = ""  # indexed: a sentence found on `page`
    page: int = 1
    warning: str | None = None  # indexed with this parse warning (after "name: ")

    def matches(self, expected: str, message: str) -> bool:
        """`message` is `name: expected`, where … in `expected` stands for any text."""
        pattern = re.escape(f"{self.name}: {expected}").replace(re.escape(ANY), ".*")
        return re.fullmatch(pattern, message, re.DOTALL) is not None


def _pdf(pages: list[list[str]], **options: object) -> Callable[[Path], object]:
    return lambda path: pdfs.write_pdf(path, pages, **options)  # type: ignore[arg-type]


def _truncated(path: Path) -> None:
    pdfs.write_pdf(path, [["The truncated fact is never read."]] * 3)
    path.write_bytes(path.read_bytes()[: path.stat().st_size * 2 // 3])


def _broken_xref(path: Path) -> None:
    """Every offset in the cross-reference table off by 7 bytes, and startxref pointing nowhere."""
    pdfs.write_pdf(path, [["A first page."], ["The xref fact is that the ledger was found in Grodno."]])
    data = path.read_bytes()
    start = data.rindex(b"\nxref") + 1
    table = re.sub(rb"(\d{10}) 00000 n", lambda m: b"%010d 00000 n" % (int(m.group(1)) + 7), data[start:])
    table = re.sub(rb"startxref\s+\d+", b"startxref\n99999", table)
    path.write_bytes(data[:start] + table)


def _utf16_without_bom(path: Path) -> None:
    path.write_bytes("The UTF-16 fact is that the café in Brest opened in 1921.".encode("utf-16-le"))


def _one_line(path: Path) -> None:
    """1 MB on one line, as a badly exported table: cells padded with runs of spaces and tabs."""
    cells = "".join(f"Cell {i}" + " " * 120 + "\t" for i in range(8000))
    fact = ". The one-line fact is that the padded table lists Vitebsk flax. "
    path.write_text((cells[:500_000] + fact + cells[500_000:])[:1_000_000], encoding="utf-8")
    assert path.stat().st_size == 1_000_000


PASSWORD = "the PDF is password-protected — save a copy without a password (for example with 'Print to PDF') into the documents folder, then run: assistant index"  # noqa: E501
DAMAGED = f"cannot be read as a PDF; it may be damaged or incomplete ({ANY}) — re-download or re-export it, then run: assistant index"  # noqa: E501

CASES = [
    Case(
        "empty.pdf",
        lambda p: p.write_bytes(b""),
        reason="the file is empty — replace it with the real document or remove it",
        upload_reason="the file is empty — upload the real document",
    ),
    Case("truncated.pdf", _truncated, reason=DAMAGED),
    Case(
        "broken-xref.pdf",
        _broken_xref,
        fact="The xref fact is that the ledger was found in Grodno.",
        page=2,
        warning="its cross-reference table is damaged; the 2 pages were recovered by scanning the file — if text "
        "is missing, re-export or re-download the PDF",
    ),
    Case("user-password.pdf", _pdf([["Hidden text."]], user_password="secret"), reason=PASSWORD),
    Case(
        "aes-user-password.pdf", _pdf([["Hidden text."]], user_password="secret", algorithm="AES-256"), reason=PASSWORD
    ),
    Case(
        "aes-owner-password-only.pdf",
        _pdf(
            [["The cipher fact is that the archive in Polotsk is encrypted."]],
            user_password="",
            owner_password="owner",
            algorithm="AES-256",
        ),
        fact="The cipher fact is that the archive in Polotsk is encrypted.",
    ),
    Case(
        "scanned.pdf",
        pdfs.blank_pdf,
        reason="no extractable text on any of its 2 pages (probably scanned images); OCR is not supported — add a "
        "version with a text layer, or a .txt copy",
    ),
    Case(
        "partly-scanned.pdf",
        _pdf([["A first page of text."], [], ["The scan fact is that page three of the survey has text."]]),
        fact="The scan fact is that page three of the survey has text.",
        page=3,
        warning="1 page with no extractable text (page 2); probably scanned images — OCR is not supported, so they "
        "cannot be searched",
    ),
    Case(
        "not-a-pdf.pdf",
        lambda p: p.write_text("<html>a web page saved as .pdf</html>", encoding="utf-8"),
        reason="not a PDF (it starts with '<html>a web page') — replace it with the real PDF, or give it the right "
        "extension",
        upload_reason="is named .pdf but is not a PDF — upload the real PDF",
    ),
    Case(
        "notes.docx",
        lambda p: p.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 4),
        reason="unsupported file type '.docx' — save it as PDF, TXT or MD, or move it out of the folder",
        upload_reason="is neither a PDF nor plain text — upload a PDF, TXT or MD file",
    ),
    Case(
        "binary.txt",
        lambda p: p.write_bytes(bytes(range(256)) * 40),
        reason="does not look like text (it holds binary data) — save it as plain text, PDF or MD",
        upload_reason="is neither a PDF nor plain text — upload a PDF, TXT or MD file",
    ),
    Case(
        "utf16.txt",
        lambda p: p.write_bytes("The UTF-16 fact is that Gomel's theatre seats 800.".encode("utf-16")),
        fact="The UTF-16 fact is that Gomel's theatre seats 800.",
    ),
    Case("utf16-no-bom.txt", _utf16_without_bom, fact="The UTF-16 fact is that the café in Brest opened in 1921."),
    Case(
        "latin1.txt",
        lambda p: p.write_bytes(
            "The Latin-1 fact is that the naïve façade in Mogilev is 200 years old.".encode("latin-1")
        ),
        fact="The Latin-1 fact is that the naïve façade in Mogilev is 200 years old.",
    ),
    Case("one-line.md", _one_line, fact="The one-line fact is that the padded table lists Vitebsk flax."),
    Case(
        "odd name – ü 2 (final).pdf",
        _pdf([["The unicode fact is that the file name has spaces and an umlaut."]]),
        fact="The unicode fact is that the file name has spaces and an umlaut.",
    ),
]
REFUSED = [c for c in CASES if c.reason]
INDEXED = [c for c in CASES if not c.reason]


def make_all(folder: Path, cases: list[Case] = CASES) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for case in cases:
        case.make(folder / case.name)
