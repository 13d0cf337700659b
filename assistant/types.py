"""The data that flows through the assistant: Document -> Page -> Chunk -> Hit -> Answer(citations).

Every type is a frozen dataclass. Page numbers are 1-based physical pages everywhere; the printed
label (roman front matter included) travels beside them. Character offsets always index the
cleaned text of one page (`Page.text`), so an excerpt can be found again exactly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Heading:
    """A section heading that starts on a page, at `offset` in that page's text."""

    offset: int
    title: str


# What a part of a page is (Region.kind, Chunk.kind, Citation.kind). Body text is the report's own
# prose and its tables; the others are its apparatus, searchable and citable but quoted as an answer
# only when a question asks for a source, a figure or a note (answer.py).
BODY = "body"
NOTE = "note"  # a footnote or an endnote: Region.label is its number
REFERENCE = "reference"  # an entry of a reference list or bibliography
CAPTION = "caption"  # a figure's or table's title, or its Source(s): and Note(s): lines
LABEL = "label"  # text set inside a figure: a map's or chart's labels
KINDS = (BODY, NOTE, REFERENCE, CAPTION, LABEL)


@dataclass(frozen=True)
class Region:
    """A part of a page's text that is not body text: `text[start:end]` is one footnote or endnote
    (`label` its number, "126"), a reference list's entries, a caption or a figure's labels."""

    start: int
    end: int
    kind: str
    label: str = ""


@dataclass(frozen=True)
class Page:
    number: int  # 1-based physical page
    label: str  # printed page label ("iv", "12"); equals str(number) when the file defines none
    text: str  # cleaned text: the only text that excerpts and offsets refer to
    section: str  # heading in force at the top of the page ("" before the first heading)
    headings: tuple[Heading, ...] = ()  # headings that start on this page, in order
    is_toc: bool = False  # a table-of-contents page, kept out of answers
    regions: tuple[Region, ...] = ()  # the parts that are not body text, in order (regions.py)
    # Footnote markers in the text (start, end): text[start:end] is the number of the note they point
    # to ("126" in "multiple times.126"), on this page or in the endnotes.
    markers: tuple[tuple[int, int], ...] = ()

    def section_at(self, offset: int) -> str:
        """The heading in force at `offset` of this page's text."""
        title = self.section
        for heading in self.headings:
            if heading.offset > offset:
                break
            title = heading.title
        return title

    def region_at(self, offset: int) -> Region | None:
        """The region that holds `offset`, or None where the text is body text."""
        return next((r for r in self.regions if r.start <= offset < r.end), None)

    def kind_at(self, offset: int) -> str:
        region = self.region_at(offset)
        return region.kind if region else BODY


@dataclass(frozen=True)
class ParseReport:
    """What ingestion saw in one file, so the user can tell a scanned page from an empty one."""

    pages: int
    chars_per_page: tuple[int, ...]
    empty_pages: tuple[int, ...]  # physical numbers of pages with no extractable text
    warnings: tuple[str, ...] = ()
    # (signal, lines it decided) for the parts of the pages told apart: footnotes by their raised
    # numbers, running heads by their place on the page … (regions.py names them)
    signals: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class Document:
    path: str  # relative to the documents folder, with forward slashes: the name shown to users
    pages: tuple[Page, ...]
    report: ParseReport
    title: str = ""

    def page(self, number: int) -> Page:
        return self.pages[number - 1]


@dataclass(frozen=True)
class Chunk:
    """A window of consecutive sentences of one document, small enough for the embedding model.

    The chunk starts at `char_start` in the text of page `page_start` and ends at `char_end` in
    the text of page `page_end`; `text` is those page slices joined by a newline.
    """

    document: str
    page_start: int
    page_end: int
    page_label: str  # label of page_start
    section: str  # heading in force where the chunk starts
    char_start: int
    char_end: int
    text: str
    is_toc: bool = False
    # Where the chunk sits ("2023 Q3 AAPL — Risk Factors"): embedded and BM25-indexed with the text,
    # because a passage rarely names its own document, while questions often do.
    context: str = ""
    # The sentences (or pieces of overlong ones) the chunk is made of: (page, start, end) in that
    # page's text. Answers quote from these, scored with the vectors stored beside the chunk.
    sentences: tuple[tuple[int, int, int], ...] = ()
    # Which of those are table rows (indices into `sentences`): a row's vector is made from the row
    # with its column headings (tables.py), and retrieval scores a passage by its best row too.
    table_rows: tuple[int, ...] = ()
    kind: str = BODY  # what part of its pages the chunk is: body text, notes, captions … (KINDS)

    @property
    def search_text(self) -> str:
        return f"{self.context}\n{self.text}" if self.context else self.text


@dataclass(frozen=True)
class Hit:
    chunk: Chunk
    rank: int  # 1-based, best first
    score: float  # fused relevance score (higher is better; only comparable within one search)
    similarity: float  # cosine similarity of question and chunk, comparable across questions
    row: int  # the chunk's row in the index (FAISS id), where its sentence vectors are found


@dataclass(frozen=True)
class NoteRef:
    """A footnote or endnote that a cited excerpt points to by its marker: `text` is the note as the
    page has it (page.text[start:end] of its region, verbatim), on physical page `page`."""

    marker: str
    text: str
    page: int
    page_label: str = ""
    start: int = 0
    end: int = 0


@dataclass(frozen=True)
class Citation:
    """One verbatim excerpt backing the answer: `page.text[char_start:char_end] == excerpt`."""

    key: int  # the n of the [n] marker in the answer text
    document: str
    page_start: int
    page_end: int
    page_label: str
    section: str
    excerpt: str
    char_start: int
    char_end: int
    score: float = 0.0  # cosine similarity of the excerpt to the question
    # When the excerpt is a table row: the table's column headings ("Three Months Ended March 31,
    # 2022 2023") and the label the row sits under ("Operating expenses:"), which say what its
    # figures are. Read from the lines above the row; never part of the excerpt.
    columns: str = ""
    row_group: str = ""
    # When that row is on a page printing a primary financial statement: which one ("balance sheet",
    # statements.py). A metric's inputs are read from such rows.
    statement: str = ""
    kind: str = BODY  # what part of the page the excerpt is (KINDS): body text, a footnote, a caption …
    # The notes the excerpt's footnote markers point to: the report's own sources for it.
    notes: tuple[NoteRef, ...] = ()


@dataclass(frozen=True)
class AnswerSentence:
    """One sentence of an answer and the citations (keys) that support it. A quoted answer's sentences
    are its excerpts; a written one's are the model's, each checked against the passages (support.py)."""

    text: str
    citations: tuple[int, ...]  # keys of Answer.citations; empty when unsupported
    supported: bool


EXTRACTIVE = "extractive"  # Answer.mode: quoted from the documents
GENERATED = "generated"  # Answer.mode: written by a language model, every sentence checked


# What kind of thing a question asks for (Asks.answer_type), from its wh-word and head noun.
QUANTITY = "quantity"  # "how many", "how much", "what share", "what was X's revenue"
DATE = "date"  # "when", "in what year"
PERSON = "person"  # a person's name: "who leads", "who are the authors", "the name of the expert"
NAME = "name"  # a person's or an organisation's name: "who paid for", "the name of the distributor"
ORGANISATION = "organisation"  # "which company", "which agency"
PLACE = "place"  # "where", "which country"
LIST = "list"  # "which countries", "what are the …s"
REASON = "reason"  # "why", "what drove"
DESCRIPTION = "description"  # anything else: no constraint on the answer's kind
ANSWER_TYPES = (QUANTITY, DATE, PERSON, NAME, ORGANISATION, PLACE, LIST, REASON, DESCRIPTION)


@dataclass(frozen=True)
class Period:
    """A period a question names, normalised so that two ways of writing it compare equal: "the third
    quarter of fiscal 2024" and "Q3 FY2024" are Period(2024, quarter=3, fiscal=True). A part the
    question leaves out is None ("as of December 31": no year)."""

    text: str  # as the question writes it
    year: int | None = None
    quarter: int | None = None
    month: int | None = None
    day: int | None = None
    fiscal: bool = False  # the question says fiscal year ("FY2021", "fiscal 2024")


@dataclass(frozen=True)
class Asks:
    """What an answer to the question must hold (asks.py): its focus terms (the words that carry it
    beyond what the library is about), the periods it names, and the kind of answer it wants."""

    focus: tuple[str, ...] = ()
    periods: tuple[Period, ...] = ()
    answer_type: str = DESCRIPTION
    target: tuple[str, ...] = ()  # the nouns the asked figure, date or name is of ("exports")
    units: tuple[str, ...] = ()  # the units a figure must be in ("how wide": length), () for any
    names: tuple[str, ...] = ()  # the focus terms that are names ("Crimea", "H100")
    nouns: tuple[str, ...] = ()  # the focus terms that are nouns, not naming the answer's kind ("tanks")


# What an answer lacks (Missing.kind): a term of the question, a period, or an instance of its answer type.
TERM = "term"
PERIOD = "period"
ANSWER_TYPE = "answer_type"


@dataclass(frozen=True)
class Missing:
    """An ask that no quoted sentence holds (grounding.py): `text` is the term ("tanks"), the period as
    the question writes it ("2019") or the answer type ("quantity"); `mentioned` is False when the
    library holds the term or the period's year nowhere at all."""

    kind: str
    text: str
    mentioned: bool = True


@dataclass(frozen=True)
class Answer:
    question: str
    text: str
    covered: bool  # False when nothing relevant was found; citations then hold the closest passages
    citations: tuple[Citation, ...] = ()
    hits: tuple[Hit, ...] = field(default=(), compare=False)
    query: str = ""  # what was searched for: the question, or for a follow-up, joined to the one before
    mode: str = EXTRACTIVE  # what actually answered: GENERATED, or EXTRACTIVE (also after a fallback)
    model: str = ""  # the language model that wrote the answer; "" when quoted
    sentences: tuple[AnswerSentence, ...] = ()
    dropped_citations: int = 0  # [n] markers the model wrote for passages it was not given
    notice: str = ""  # why a written answer was asked for but a quoted one is given, else ""
    asks: Asks | None = None  # what the question asks for (None: not worked out, as by answer.extract alone)
    missing: tuple[Missing, ...] = ()  # what no quoted sentence holds; () when covered (or not worked out)


def page_reference(page_label: str, page_start: int, page_end: int) -> str:
    """How a citation names its pages: 'p. 12 (PDF p. 20)' when the printed label differs from the
    physical page, else 'p. 20'; a span reads 'pp. 20-21' or 'p. 12 (PDF pp. 20-21)'."""
    physical = f"p. {page_start}" if page_start == page_end else f"pp. {page_start}-{page_end}"
    return physical if page_label == str(page_start) else f"p. {page_label} (PDF {physical})"


def row_reference(citation: Citation) -> str:
    """How a citation of a table row names what its figures are: 'row of “Cost of sales:”;
    columns: Three Months Ended …', or '' for an excerpt that is not a row."""
    parts = [f"row of “{citation.row_group}”"] if citation.row_group else []
    parts += [f"columns: {citation.columns}"] if citation.columns else []
    return "; ".join(parts)


# How a citation names the part of the page its excerpt is in, when that is not body text.
KIND_NAMES = {
    NOTE: "from a note",
    REFERENCE: "from the reference list",
    CAPTION: "from a caption",
    LABEL: "a figure's label",
}
SOURCE_NOTE = "the report's source"  # what a note an excerpt's marker points to is called beside it


def note_reference(note: NoteRef) -> str:
    """How a note beside a citation is named: 'note 126, p. 23'."""
    return f"note {note.marker}, {page_reference(note.page_label or str(note.page), note.page, note.page)}"


UNSUPPORTED_MARK = "[not in the sources]"  # follows a written sentence that no passage supports


def answer_footer(answer: Answer) -> str:
    """Who made the answer: the model that wrote it and how much of it the sources support, or
    'quoted' (the terminal and the web chat both show this under an answer)."""
    if answer.mode != GENERATED:
        return "Quoted from the documents, no model."
    if not answer.covered:
        return f"Written by {answer.model}, not shown: nothing it wrote is supported by the sources."
    unsupported = sum(not s.supported for s in answer.sentences)
    parts = [f"Written by {answer.model}."]
    parts.append(
        f"{unsupported} of {len(answer.sentences)} sentences not supported by the sources, marked {UNSUPPORTED_MARK}."
        if unsupported
        else "Every sentence checked against the sources."
    )
    if answer.dropped_citations:
        parts.append(f"{answer.dropped_citations} citation(s) of passages it was not given dropped.")
    return " ".join(parts)


def hit_to_json(hit: Hit) -> dict[str, Any]:
    """A search hit in the JSON contract of `assistant search --json` (field names are stable)."""
    chunk = hit.chunk
    return {
        "rank": hit.rank,
        "score": round(hit.score, 6),
        "similarity": round(hit.similarity, 4),
        "document": chunk.document,
        "page_start": chunk.page_start,
        "page_end": chunk.page_end,
        "page_label": chunk.page_label,
        "section": chunk.section,
        "text": chunk.text,
    }


def search_to_json(question: str, hits: Sequence[Hit]) -> dict[str, Any]:
    """Search results in the JSON contract of `assistant search --json` and the web API's /search."""
    return {"question": question, "hits": [hit_to_json(hit) for hit in hits]}


def answer_to_json(answer: Answer) -> dict[str, Any]:
    """An answer in the JSON contract of `assistant ask --json` (field names are stable)."""
    return {
        "question": answer.question,
        "answer": answer.text,
        "covered": answer.covered,
        "citations": [asdict(c) for c in answer.citations],
        "mode": answer.mode,
        "model": answer.model or None,
        "sentences": [
            {"text": s.text, "citations": list(s.citations), "supported": s.supported} for s in answer.sentences
        ],
        "dropped_citations": answer.dropped_citations,
        "notice": answer.notice or None,
        "asks": asdict(answer.asks) if answer.asks is not None else None,
        "missing": [asdict(m) for m in answer.missing],
    }
