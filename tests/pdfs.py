"""Small real PDFs made for the tests: fpdf2 writes the pages, pypdf adds page labels, outlines and
encryption. Each known fact sits on a known page so tests can check page numbers by hand."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

from fpdf import FPDF
from pypdf import PdfReader, PdfWriter
from pypdf.constants import PageLabelStyle

HEADER = "Golden Test Report - Working Draft"

# The golden report: 5 physical pages, labelled i, ii, 1, 2, 3.
# Page 1 (i): title page. Page 2 (ii): contents. Pages 3-5 (1-3): the chapters.
GOLDEN_PAGES: list[list[str]] = [
    ["Golden Test Report", "", "Prepared for the assistant's tests."],
    [
        "Contents",
        "Chapter One: Origins .................... 1",
        "Chapter Two: Industry .................... 2",
        "Section 2.1: Suppliers .................... 3",
    ],
    [
        "Chapter One: Origins",
        "The alpha fact is that the union treaty was signed in the spring of 1999.",
        "The committee discussed the exam-",
        "ple of cooperation between the two capitals at length.",
    ],
    [
        "Chapter Two: Industry",
        "The defense industry depends almost entirely on contracts from Moscow.",
        "Section 2.1: Suppliers",
        "Most suppliers of optical components are located near Minsk.",
    ],
    [
        "The bravo fact is that the railway gauge is the same in both countries.",
        "This closing sentence is the last one in the report.",
    ],
]
GOLDEN_LABELS = ["i", "ii", "1", "2", "3"]
GOLDEN_OUTLINE = [
    ("Chapter One: Origins", 2, None),
    ("Chapter Two: Industry", 3, None),
    ("Section 2.1: Suppliers", 3, "Chapter Two: Industry"),
]


def write_pdf(
    path: Path,
    pages: Sequence[Sequence[str]],
    *,
    header: str | None = None,
    footer: bool = False,
    labels: Sequence[str] | None = None,
    outline: Sequence[tuple[str, int, str | None]] = (),
    user_password: str | None = None,
    owner_password: str | None = None,
    algorithm: str | None = None,
) -> Path:
    """Write one line per list item (blank items leave a gap); pages are 0-based in `outline`."""
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    for number, lines in enumerate(pages, start=1):
        pdf.add_page()
        pdf.set_font("Helvetica", size=11)
        if header:
            pdf.set_xy(20, 10)
            pdf.cell(0, 6, header)
        pdf.set_xy(20, 30)
        for line in lines:
            pdf.set_x(20)
            pdf.cell(0, 7, line, new_x="LMARGIN", new_y="NEXT")
        if footer:
            pdf.set_xy(20, 280)
            pdf.cell(0, 6, f"Page {labels[number - 1] if labels else number}")
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(bytes(pdf.output()))))
    if labels:
        _label(writer, labels)
    parents = {}
    for title, page_index, parent in outline:
        parents[title] = writer.add_outline_item(title=title, page_number=page_index, parent=parents.get(parent))
    if user_password is not None:
        writer.encrypt(user_password=user_password, owner_password=owner_password, algorithm=algorithm)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle:
        writer.write(handle)
    return path


def _label(writer: PdfWriter, labels: Sequence[str]) -> None:
    """Roman lower-case labels for leading roman pages, decimal from 1 for the rest."""
    roman = sum(1 for label in labels if not label.isdigit())
    if roman:
        writer.set_page_label(0, roman - 1, style=PageLabelStyle.LOWERCASE_ROMAN, start=1)
    if roman < len(labels):
        writer.set_page_label(roman, len(labels) - 1, style=PageLabelStyle.DECIMAL, start=int(labels[roman]))


def golden_report(path: Path) -> Path:
    return write_pdf(path, GOLDEN_PAGES, header=HEADER, footer=True, labels=GOLDEN_LABELS, outline=GOLDEN_OUTLINE)


def blank_pdf(path: Path, pages: int = 2) -> Path:
    """Pages with a drawn shape and no text layer, like a scan."""
    pdf = FPDF(format="A4")
    for _ in range(pages):
        pdf.add_page()
        pdf.rect(20, 20, 100, 60, style="F")
    path.write_bytes(bytes(pdf.output()))
    return path
