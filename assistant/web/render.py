"""Answers, citations and status as the chat's markdown and HTML.

Anything from a user or a document is escaped here before it reaches the page: questions and
excerpts are shown as text, never rendered as HTML or markdown. Passages of markdown documents are
shown without their markup (readable.py), the excerpt still marked exactly.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from ..app import Assistant
from ..errors import IndexMissingError
from ..missing import NOT_COVERED
from ..reading.ingest import MARKDOWN_SUFFIXES
from ..types import (
    GENERATED,
    KIND_NAMES,
    SOURCE_NOTE,
    UNSUPPORTED_MARK,
    Answer,
    AnswerSentence,
    Citation,
    Page,
    answer_footer,
    note_reference,
    page_reference,
    row_reference,
)
from .readable import at_line_end, at_line_start, to_html, window

CONTEXT_CHARS = 240  # text shown around an excerpt in the sources panel, at most, on either side
PASSAGE_CHARS = 1200  # text shown around an excerpt from a text or markdown document, at most
NO_SOURCES_YET = "<p class='low'>Cited passages appear here.</p>"
RELATED_HEADING = "Related passages, not an answer: the closest the documents come to the question."

# Characters markdown could read as syntax, a link or a formula. Each becomes a numeric character
# reference, not a backslash escape: the chat's renderer turns a web address into a link before it
# reads backslashes, which then showed in the link's text ("https://www\\.isa\\.org…").
_MARKDOWN_SPECIAL = re.compile(r"[\\`*_{}\[\]()#+\-.!|~>:@$]")
_MARKER = re.compile(r"&#91;(\d+)&#93;")


def as_text(text: str) -> str:
    """Markdown that renders exactly `text`: HTML escaped, and every character markdown could read as
    syntax or a link written as a character reference."""
    return _MARKDOWN_SPECIAL.sub(lambda m: f"&#{ord(m.group())};", html.escape(text, quote=False))


UNSUPPORTED_TITLE = "No passage given to the model supports this sentence: it is not cited."


def answer_markdown(answer: Answer) -> str:
    """The answer for the chat, with each [n] a link that shows citation n; a written answer's
    unsupported sentences visibly marked, and a footer saying who made the answer."""
    if not answer.covered:
        # What the documents do not say, in one sentence a reader can check (missing.py), or the plain
        # "not covered" of a written answer the model declined.
        body = f"<span class='not-covered'>{as_text(answer.text or NOT_COVERED)}</span>"
    elif answer.mode == GENERATED:
        body = " ".join(_sentence(s) for s in answer.sentences)
    else:
        body = _MARKER.sub(lambda m: _marker(m.group(1)), as_text(answer.text))
    if answer.notice:
        body += f"\n\n<small class='notice'>⚠ {as_text(answer.notice)}</small>"
    if answer.query != answer.question:
        body += f"\n\n<small>Searched for: {as_text(answer.query)}</small>"
    return body + f"\n\n<small class='answer-footer'>{as_text(answer_footer(answer))}</small>"


def _sentence(sentence: AnswerSentence) -> str:
    if not sentence.supported:
        # Marked in words as well as in colour, so that it survives any sanitising and a screen reader.
        return (
            f"<span class='unsupported' title='{UNSUPPORTED_TITLE}'>{as_text(sentence.text)}</span> "
            f"<small class='unsupported-mark'>{as_text(UNSUPPORTED_MARK)}</small>"
        )
    return as_text(sentence.text) + "".join(" " + _marker(str(k)) for k in sentence.citations)


def _marker(key: str) -> str:
    return f'<a href="#source-{key}">[{key}]</a>'


def citation_label(citation: Citation) -> str:
    where = page_reference(citation.page_label, citation.page_start, citation.page_end)
    return f"[{citation.key}] {citation.document}, {where}"


def sources_html(answer: Answer, pages: Mapping[str, Sequence[Page]]) -> str:
    """One card per citation: where it is, its score, and the excerpt highlighted in its context
    (`pages`: the index the answer came from, or a newer one)."""
    if not answer.citations:
        return "<p class='low'>No passages found.</p>"
    intro = "" if answer.covered else f"<p class='low related'>{html.escape(RELATED_HEADING)}</p>"
    return intro + "".join(_card(c, pages) for c in answer.citations)


def _card(citation: Citation, pages: Mapping[str, Sequence[Page]]) -> str:
    c = citation
    section = f" · {html.escape(c.section)}" if c.section else ""
    head = (
        f"<div class='source-head'><span class='source-key'>[{c.key}]</span>"
        f"<b>{html.escape(c.document)}</b> · {page_reference(c.page_label, c.page_start, c.page_end)}{section}"
        f"{' · ' + KIND_NAMES[c.kind] if c.kind in KIND_NAMES else ''}"
        f" <span class='source-meta'>· relevance {c.score:.2f}</span></div>"
    )
    text = cited_page_text(c, pages)
    if text is None:  # the page is no longer indexed as it was: show the excerpt alone
        body = f"<mark>{html.escape(c.excerpt)}</mark>"
    else:
        begin, end = window(text, c.char_start, c.char_end, CONTEXT_CHARS)
        before = "" if at_line_start(text, begin) else "…"
        after = "" if at_line_end(text, end) else "…"
        body = before + to_html(text, begin, end, (c.char_start, c.char_end), is_markdown(c.document)) + after
    row = row_reference(c)
    row_html = f"<div class='source-row'>{html.escape(row)}</div>" if row else ""
    return (
        f"<div class='source' id='source-{c.key}'>{head}{row_html}<div class='source-text'>{body}</div>"
        f"{_notes_html(c)}</div>"
    )


def _notes_html(citation: Citation) -> str:
    """The notes the excerpt's markers point to, as the report prints them: its own sources."""
    if not citation.notes:
        return ""
    items = "".join(
        f"<li><span class='note-where'>{html.escape(note_reference(note))}</span> "
        f"<span class='note-text'>{html.escape(note.text)}</span></li>"
        for note in citation.notes
    )
    return f"<div class='source-notes'><b>{html.escape(SOURCE_NOTE.capitalize())}</b><ul>{items}</ul></div>"


def cited_page_text(citation: Citation, pages: Mapping[str, Sequence[Page]]) -> str | None:
    """The text of the cited page, or None when `pages` no longer holds the excerpt where it was."""
    document = pages.get(citation.document, ())
    if not 1 <= citation.page_start <= len(document):
        return None
    text = document[citation.page_start - 1].text
    return text if text[citation.char_start : citation.char_end] == citation.excerpt else None


def passage_html(text: str, start: int, end: int, markdown: bool = False) -> str:
    """The text around text[start:end], whole lines or sentences, with that excerpt marked."""
    begin, finish = window(text, start, end, PASSAGE_CHARS)
    return f"<div class='passage'>{to_html(text, begin, finish, (start, end), markdown)}</div>"


def is_markdown(document: str) -> bool:
    return Path(document).suffix.lower() in MARKDOWN_SUFFIXES


def status_markdown(assistant: Assistant) -> str:
    try:
        status = assistant.status()
    except IndexMissingError:
        return "No index yet: add documents and press **Rebuild index**."
    lines = [
        f"**{status.documents} documents, {status.pages} pages, {status.chunks} passages** · model "
        f"`{status.model}` · built {status.built_at}",
        "",
    ]
    for source in status.sources:
        pages = f"{source['pages']} page{'s' * (source['pages'] != 1)}"
        passages = f"{source['chunks']} passage{'s' * (source['chunks'] != 1)}"
        lines.append(f"- {as_text(source['path'])}: {pages}, {passages}")
        lines += [f"  - ⚠ {as_text(w)}" for w in source["warnings"]]
    lines += [f"- ⚠ not indexed: {as_text(s['reason'])}" for s in status.skipped]
    return "\n".join(lines)
