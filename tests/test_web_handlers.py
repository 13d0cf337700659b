"""The web chat's handlers over a real Assistant and index, without Blocks or a server: what each
control returns, and that library errors reach the user as their sentence."""

from __future__ import annotations

import html
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import gradio as gr
import pytest
from PIL import Image

from assistant import Assistant, Citation
from assistant.types import answer_to_json, search_to_json
from assistant.web.handlers import ChatHandlers
from assistant.web.render import NO_SOURCES_YET

from .conftest import BUNDLED_SUMMARY

RAILWAY = "The bravo fact is that the railway gauge is the same in both countries."


def answered(handlers: ChatHandlers, question: str) -> tuple[Any, ...]:
    """What the chat shows once the answer is complete: the last update respond() yields (a quoted
    answer has no other)."""
    updates = list(handlers.respond(question, [], [], 5, True))
    assert len(updates) == 1
    return updates[-1]


def test_respond_answers_cites_and_shows_the_first_citations_page(golden_assistant: Assistant) -> None:
    served: list[list[str]] = []
    handlers = ChatHandlers(golden_assistant, serve_files=served.append)
    (box, history, queries, sources, picker, citations, image, caption) = answered(
        handlers, "Is the railway gauge the same in both countries?"
    )
    assert box == "" and queries == ["Is the railway gauge the same in both countries?"]
    assert [m["role"] for m in history] == ["user", "assistant"]
    assert '<a href="#source-1">[1]</a>' in history[1]["content"]
    first = citations[0]
    assert isinstance(first, Citation) and (first.document, first.page_start, first.excerpt) == (
        "report.pdf",
        5,
        RAILWAY,
    )
    assert f"<mark>{RAILWAY}</mark>" in sources and "report.pdf</b> · p. 3 (PDF p. 5)" in sources
    assert picker["value"] == "1" and picker["choices"][0] == ("[1] report.pdf, p. 3 (PDF p. 5)", "1")
    assert image["visible"] and isinstance(image["value"], Image.Image)
    assert "open the PDF at this page" in caption and caption.endswith(
        "report.pdf#page=5' target='_blank'>open the PDF at this page</a></p>"
    )
    docs = golden_assistant.settings.docs_dir
    assert sorted(served[-1]) == sorted(str((docs / n).resolve()) for n in ("report.pdf", BUNDLED_SUMMARY.name))


def test_a_markdown_citation_shows_its_passage_as_readable_text(golden_assistant: Assistant) -> None:
    handlers = ChatHandlers(golden_assistant)
    *_, citations, image, caption = answered(handlers, "How do Belarus's neighbors see the relationship?")
    cited = next(c for c in citations if c.document == BUNDLED_SUMMARY.name)
    image, caption = handlers.show_page(str(cited.key), citations)
    assert not image["visible"]
    passage = caption.split("<div class='passage'>", 1)[1].removesuffix("</div>")
    assert re.search(r"<mark>(.*?)</mark>", passage).group(1) == html.escape(cited.excerpt)  # type: ignore[union-attr]
    shown = html.unescape(re.sub(r"<[^>]+>", "", passage))
    assert not re.search(r"(^|\n)(#|- )", shown)  # no heading marks or "-" bullets, as the page text has them
    assert "\n• " in shown and "\nKey Findings\n" in shown
    page = golden_assistant.stored_index().page(cited.document, cited.page_start).text
    first = shown.split("\n", 1)[0]
    assert first in page and (page.startswith(first) or f"\n{first}" in page or f". {first}" in page), first


def test_library_errors_reach_the_user_as_their_sentence(golden_assistant: Assistant) -> None:
    handlers = ChatHandlers(golden_assistant)
    with pytest.raises(gr.Error, match="^'Type a question first.'$"):
        answered(handlers, "   ")
    with pytest.raises(gr.Error, match="The question is 3,000 characters long; the assistant reads at most 2,000"):
        answered(handlers, "x" * 3000)
    with pytest.raises(gr.Error, match="The question is empty — type a question about the documents"):
        handlers.ask_api("\x00\x1b[31m")
    docs = golden_assistant.settings.docs_dir
    with pytest.raises(gr.Error, match=re.escape(f"../outside.md: is not a document in {docs}/ — pick one")):
        handlers.remove_file("../outside.md")
    with pytest.raises(gr.Error, match="^'Pick a document to remove.'$"):
        handlers.remove_file(None)


def test_api_answers_and_passages_have_the_command_lines_shape(golden_assistant: Assistant) -> None:
    handlers = ChatHandlers(golden_assistant)
    question = "Where are optical components made?"
    assert handlers.search_api(question, 3) == search_to_json(question, golden_assistant.search(question, 3))
    answer = handlers.ask_api(question)
    assert set(answer) == {
        "question",
        "answer",
        "covered",
        "citations",
        "query",
        "mode",
        "model",
        "sentences",
        "dropped_citations",
        "notice",
        "asks",
        "missing",
    }
    assert answer["citations"][0]["excerpt"] == "Most suppliers of optical components are located near Minsk."
    assert answer["missing"] == []
    assert answer["asks"]["answer_type"] == "place"
    assert answer["asks"] == answer_to_json(golden_assistant.ask(question))["asks"]


def test_documents_tab_adds_removes_and_rebuilds(tmp_path: Path, make_assistant: Callable[..., Assistant]) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(BUNDLED_SUMMARY, docs / BUNDLED_SUMMARY.name)
    assistant = make_assistant(docs, tmp_path / "idx")
    served: list[list[str]] = []
    handlers = ChatHandlers(assistant, serve_files=served.append)
    assert handlers.status() == "No index yet: add documents and press **Rebuild index**."
    upload = tmp_path / "notes.md"
    upload.write_text("# Notes\n\nThe Zubr bison reserve is home to 812 animals.\n", encoding="utf-8")
    note, remove_choices, picker = handlers.add_files([str(upload)], False)
    assert note == "Added notes&#46;md. Press **Rebuild index** to make them searchable." and picker is None
    assert remove_choices["choices"] == [BUNDLED_SUMMARY.name, "notes.md"]
    log, status = handlers.rebuild_with_progress(progress=lambda *args, **kwargs: None)  # type: ignore[arg-type]
    assert "added      notes.md (1 chunks)" in log and "2 documents" in status
    assert sorted(Path(p).name for p in served[-1]) == [BUNDLED_SUMMARY.name, "notes.md"]
    note, remove_choices = handlers.remove_file("notes.md")
    assert note.startswith("Removed notes&#46;md.") and remove_choices["choices"] == [BUNDLED_SUMMARY.name]
    assert "removed    notes.md" in handlers.rebuild_api()
    assert handlers.new_conversation()[2] == NO_SOURCES_YET


def test_a_page_changed_by_a_rebuild_is_never_marked_at_stale_offsets(
    tmp_path: Path, make_assistant: Callable[..., Assistant]
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    note = docs / "notes.md"
    note.write_text("# Notes\n\nThe Zubr bison reserve is home to 812 animals.\n", encoding="utf-8")
    assistant = make_assistant(docs, tmp_path / "idx")
    assistant.index()
    handlers = ChatHandlers(assistant)
    *_, citations, _, caption = answered(handlers, "How many bison live in the reserve?")
    assert "<mark>The Zubr bison reserve is home to 812 animals.</mark>" in caption
    note.write_text("# Notes\n\nA longer first sentence moves every offset. The reserve has 900 bison.\n", "utf-8")
    assistant.index()
    _, caption = handlers.show_page("1", citations)
    assert "the document changed since this answer: ask again" in caption and "<mark>" not in caption
    assert "The Zubr bison reserve is home to 812 animals." in caption  # the excerpt as it was cited
