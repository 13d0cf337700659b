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


# A policy report of four pages laid out as CRS and RAND set theirs: a running head and a numbered
# running foot, 11-point body text whose footnote markers are set small and raised, 9-point
# footnotes at the foot of the page (note 13 runs on to the next page), a figure with its caption,
# the labels set inside it and its Source and Notes lines, a table with its caption, and a reference
# list under a heading. Each line is (kind, text): "body", "note" (its number first, then its text),
# "caption", "label", "heading"; "^12" inside a body line is a marker set small and raised.
REPORT_HEAD = "Seabed Mining: Issues for Congress"
REPORT_FOOT = "Congressional Research Service"
REPORT_PAGES: list[list[tuple[str, str]]] = [
    [
        ("heading", "Background"),
        ("body", "The Senate has considered ratifying the treaty multiple times.^12 From the 115th Congress on,"),
        ("body", "some Members have introduced resolutions calling for its ratification. On April 24, 2025,"),
        ("body", "the President issued Executive Order (E.O.) 14285, which directed NOAA to expedite the"),
        ("body", "review of seabed mineral licenses.^13 The U.S. Senate has not acted on the order since."),
        ("note", "12 Senate Treaty Document 103-39, October 7, 1994, Congressional Record, p. 17."),
        ("note", "13 Executive Order 14285 of April 24, 2025, Unleashing America's Offshore Critical Minerals"),
        ("note", "and Resources, 90 Federal Register 17735, April 29, 2025, which the Administration said"),
    ],
    [
        ("body", "Polymetallic nodules are potato-shaped rocks that hold cobalt, copper, manganese and nickel."),
        ("caption", "Figure 1. Map of the Clarion-Clipperton Zone"),
        ("label", "Clarion-Clipperton Zone"),
        ("label", "Hawaii"),
        ("label", "Mexico"),
        ("caption", "Source: Map created by the author using International Seabed Authority data."),
        ("caption", "Notes: The zone spans about 1.7 million square miles of the Pacific seafloor."),
        ("body", "Most commercial interest in deep-seabed mining focuses on the zone, as the ISA reported.^14"),
        ("note", "would speed the licensing of American firms."),
        ("note", "14 International Seabed Authority, Annual Report 2025, Kingston, Jamaica, p. 12."),
    ],
    [
        ("caption", "Table 1. Seabed Mineral Deposits"),
        ("body", "Nodules 17 31"),
        ("body", "Crusts 5 9"),
        ("caption", "Source: Bureau of Ocean Energy Management, Types of Marine Mineral Deposits."),
        ("body", "Crusts form on seamounts, where the water is rich in dissolved metals, over millions of years."),
    ],
    [
        ("body", "Congress may weigh the environmental costs of mining against the need for minerals."),
        ("heading", "References"),
        ("body", "Amon, Diva, et al. Assessment of Scientific Gaps. Marine Policy 138, 2022."),
        ("body", "Sharma, Rahul. Environmental Issues of Deep-Sea Mining. Springer, 2019."),
    ],
]


def policy_report(path: Path) -> Path:
    """REPORT_PAGES as a US-letter PDF (see there)."""
    pdf = FPDF(format="letter", unit="pt")
    pdf.set_auto_page_break(False)
    for number, lines in enumerate(REPORT_PAGES, start=1):
        pdf.add_page()
        _at(pdf, 72, 30, REPORT_HEAD, 8)
        _at(pdf, 72, 752, f"{REPORT_FOOT}   {number}", 8)
        y = 90.0
        notes = [line for line in lines if line[0] == "note"]
        for kind, text in lines:
            if kind == "note":
                continue
            if kind == "heading":
                y += 8
                _at(pdf, 72, y, text, 14)
                y += 26
            elif kind == "label":
                _at(pdf, 160 + 40 * (len(text) % 5), y, text, 7)
                y += 30
            elif kind == "caption":
                small = text.startswith(("Source", "Notes"))
                y += 10 if not small else 0
                _at(pdf, 90 if small else 110, y, text, 9 if small else 11)
                y += 22 if not small else 12
            else:
                _body_line(pdf, 72, y, text, 11)
                y += 14
        y = 730 - 12 * len(notes)
        for _, text in notes:
            number_text, _, rest = text.partition(" ")
            if number_text.isdigit():
                _body_line(pdf, 72, y, f"^{number_text} {rest}", 9)
            else:
                _at(pdf, 72, y, text, 9)
            y += 12
    path.write_bytes(bytes(pdf.output()))
    return path


def _at(pdf: FPDF, x: float, y: float, text: str, size: float) -> None:
    pdf.set_font("Helvetica", size=size)
    pdf.set_xy(x, y)
    pdf.cell(pdf.get_string_width(text), size * 1.25, text)


def _body_line(pdf: FPDF, x: float, y: float, text: str, size: float) -> None:
    """One line whose "^12" pieces are set as a superscript: smaller, raised, right after the text."""
    pdf.set_xy(x, y)
    for i, piece in enumerate(text.split("^")):
        marker, rest = ("", piece) if i == 0 else _split_marker(piece)
        if marker:
            pdf.set_font("Helvetica", size=size * 0.64)
            start_x = pdf.get_x()
            pdf.set_xy(start_x, y - size * 0.22)
            pdf.cell(pdf.get_string_width(marker), size * 1.25, marker)
            pdf.set_xy(pdf.get_x(), y)
        if rest:
            pdf.set_font("Helvetica", size=size)
            pdf.cell(pdf.get_string_width(rest), size * 1.25, rest)


def _split_marker(piece: str) -> tuple[str, str]:
    digits = len(piece) - len(piece.lstrip("0123456789"))
    return piece[:digits], piece[digits:]
