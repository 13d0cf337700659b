"""Answers, citations and status as the chat's markdown and HTML.

Anything from a user or a document is escaped here before it reaches the page: questions and
excerpts are shown as text, never rendered as HTML or markdown.
"""

from __future__ import annotations

import html
import re

from .answer import NOT_COVERED
from .app import Assistant
from .errors import IndexMissingError
from .types import Answer, Citation, page_reference

CONTEXT_CHARS = 240  # text shown around an excerpt in the sources panel
PASSAGE_CHARS = 1200  # text shown around an excerpt from a text or markdown document

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>])")
_MARKER = re.compile(r"\\\[(\d+)\\\]")


def as_text(text: str) -> str:
    """Markdown that renders exactly `text`: HTML escaped, markdown syntax backslashed."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


def answer_markdown(answer: Answer) -> str:
    """The answer for the chat, with each [n] a link that shows citation n."""
    if not answer.covered:
        return as_text(NOT_COVERED)
    body = _MARKER.sub(lambda m: f'<a href="#source-{m.group(1)}">[{m.group(1)}]</a>', as_text(answer.text))
    if answer.query != answer.question:
        body += f"\n\n<small>Searched for: {as_text(answer.query)}</small>"
    return body


def citation_label(citation: Citation) -> str:
    where = page_reference(citation.page_label, citation.page_start, citation.page_end)
    return f"[{citation.key}] {citation.document}, {where}"


def sources_html(answer: Answer, page_texts: dict[tuple[str, int], str]) -> str:
    """One card per citation: where it is, its score, and the excerpt highlighted in its context."""
    if not answer.citations:
        return "<p class='low'>No passages found.</p>"
    intro = "" if answer.covered else "<p class='low'>Closest passages (below the relevance floor):</p>"
    cards = []
    for c in answer.citations:
        text = page_texts.get((c.document, c.page_start), "")
        if text[c.char_start : c.char_end] != c.excerpt:
            text = ""  # the page is no longer indexed as it was: show the excerpt alone
        before = text[max(0, c.char_start - CONTEXT_CHARS) : c.char_start]
        after = text[c.char_end : c.char_end + CONTEXT_CHARS]
        section = f" · {html.escape(c.section)}" if c.section else ""
        cards.append(
            f"<div class='source' id='source-{c.key}'>"
            f"<div class='source-head'><span class='source-key'>[{c.key}]</span>"
            f"<b>{html.escape(c.document)}</b> · {page_reference(c.page_label, c.page_start, c.page_end)}{section}"
            f" <span class='source-meta'>· relevance {c.score:.2f}</span></div>"
            f"<div class='source-text'>{'…' if len(before) == CONTEXT_CHARS else ''}{html.escape(before)}"
            f"<mark>{html.escape(c.excerpt)}</mark>{html.escape(after)}{'…' if len(after) == CONTEXT_CHARS else ''}"
            "</div></div>"
        )
    return intro + "".join(cards)


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


def passage_html(text: str, start: int, end: int) -> str:
    """The text around text[start:end], with that excerpt marked."""
    before = text[max(0, start - PASSAGE_CHARS) : start]
    after = text[end : end + PASSAGE_CHARS]
    return (
        f"<div class='passage'>{html.escape(before)}<mark>{html.escape(text[start:end])}</mark>"
        f"{html.escape(after)}</div>"
    )
