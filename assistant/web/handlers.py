"""What each control of the web chat does: plain methods over an Assistant, testable without Blocks.

Each event handler returns its outputs' new values in the order chat.py wires them. The library's
errors become the message the user sees here, through one decorator, and nowhere else.
"""

from __future__ import annotations

import functools
import html
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import gradio as gr

from ..app import Assistant
from ..build import describe
from ..errors import AssistantError
from ..questions import clean_question
from ..reading.docs_folder import file_names
from ..types import EXTRACTIVE, GENERATED, Answer, Citation, answer_to_json, search_to_json
from .examples import example_questions
from .render import (
    NO_SOURCES_YET,
    answer_markdown,
    as_text,
    citation_label,
    cited_page_text,
    is_markdown,
    passage_html,
    sources_html,
    status_markdown,
)

P = ParamSpec("P")
R = TypeVar("R")

BUILD_STAGES = {"reading": "Reading documents", "embedding": "Embedding passages", "writing": "Writing the index"}


def shown_to_user(handler: Callable[P, R]) -> Callable[P, R]:
    """An AssistantError becomes a gr.Error with its sentence, which says what to do; anything else
    propagates as the bug it is. functools.wraps keeps the signature Gradio reads (API docs, gr.Progress)."""

    @functools.wraps(handler)
    def handle(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return handler(*args, **kwargs)
        except AssistantError as error:
            raise gr.Error(str(error)) from None

    return handle


def shown_to_user_as_it_streams(handler: Callable[P, Iterator[R]]) -> Callable[P, Iterator[R]]:
    """shown_to_user for a handler that yields: its errors arise while it is iterated."""

    @functools.wraps(handler)
    def handle(*args: P.args, **kwargs: P.kwargs) -> Iterator[R]:
        try:
            yield from handler(*args, **kwargs)
        except AssistantError as error:
            raise gr.Error(str(error)) from None

    return handle


WRITING = "Writing the answer…"  # shown until the model's first words arrive
MODE_CHOICES = [("Write an answer", GENERATED), ("Quote only", EXTRACTIVE)]


class ChatHandlers:
    """The web chat's behaviour over one Assistant. `serve_files` is told the files the web app may
    serve, whenever the index may have changed: exactly the indexed documents' own files."""

    def __init__(self, assistant: Assistant, serve_files: Callable[[list[str]], None] = lambda _: None) -> None:
        self.assistant = assistant
        self._serve_files = serve_files

    # The chat.

    @shown_to_user_as_it_streams
    def respond(
        self,
        message: str,
        history: list[dict[str, Any]],
        queries: list[str],
        top_k: float,
        strict: bool,
        mode: str | None = None,
    ) -> Iterator[tuple[Any, ...]]:
        """Ask; yields the emptied question box, the chat, the conversation's queries, the sources,
        the citation picker, the citations and the best citation's page (image and caption). A written
        answer is yielded as it arrives (the chat alone changes), then once more when checked."""
        if not (message or "").strip():
            raise gr.Error("Type a question first.")
        asked = history + [{"role": "user", "content": as_text(clean_question(message))}]
        unchanged = (gr.skip(),) * 6
        stream = self.assistant.ask_stream(
            message,
            top_k=int(top_k),
            previous_queries=queries,
            min_score=None if strict else 0.0,
            mode=(mode or None) if self.assistant.writes else EXTRACTIVE,
        )
        draft = ""
        for item in stream:
            if isinstance(item, Answer):
                yield self._answered(item, history, queries)
                return
            if not draft:
                yield ("", asked + [{"role": "assistant", "content": WRITING}], *unchanged)
            draft += item
            yield ("", asked + [{"role": "assistant", "content": as_text(draft) + " ▍"}], *unchanged)

    def _answered(self, answer: Answer, history: list[dict[str, Any]], queries: list[str]) -> tuple[Any, ...]:
        history = history + [
            {"role": "user", "content": as_text(answer.question)},  # as searched: control characters removed
            {"role": "assistant", "content": answer_markdown(answer)},
        ]
        choices = [(citation_label(c), str(c.key)) for c in answer.citations]
        first = choices[0][1] if choices else None
        image, caption = self.show_page(first, answer.citations)  # the best citation's page, shown at once
        return (
            "",
            history,
            queries + [answer.query],
            sources_html(answer, self.assistant.stored_index().pages),
            gr.update(choices=choices, value=first, visible=bool(choices)),
            answer.citations,
            image,
            caption,
        )

    @shown_to_user
    def show_page(self, key: str | None, citations: Sequence[Citation]) -> tuple[Any, str]:
        """The cited page as an image (PDF) or the passage around the excerpt (text), and a caption."""
        cited = next((c for c in citations if str(c.key) == str(key)), None) if key else None
        if cited is None:
            return gr.update(value=None, visible=False), ""
        path = self.assistant.document_path(cited.document)
        title = f"<p><b>{html.escape(citation_label(cited))}</b>"
        if path.suffix.lower() == ".pdf" and path.is_file():
            from .page_images import render_page

            self._serve_indexed_files()
            image, found = render_page(path, cited.page_start, cited.excerpt)
            url = f"/gradio_api/file={html.escape(str(path.resolve()))}#page={cited.page_start}"
            note = "" if found else " <span class='low'>(the excerpt could not be located on the page image)</span>"
            link = f" · <a href='{url}' target='_blank'>open the PDF at this page</a>{note}</p>"
            return gr.update(value=image, visible=True), title + link
        no_image = gr.update(value=None, visible=False)
        text = cited_page_text(cited, self.assistant.stored_index().pages)
        if text is None:  # a rebuild changed the page since the answer: its offsets mark other text now
            stale = " <span class='low'>(the document changed since this answer: ask again)</span></p>"
            return no_image, f"{title}{stale}<div class='passage'>{html.escape(cited.excerpt)}</div>"
        passage = passage_html(text, cited.char_start, cited.char_end, is_markdown(cited.document))
        return no_image, f"{title}</p>{passage}"

    def new_conversation(self) -> tuple[Any, ...]:
        """Empty chat, queries, sources, picker, citations and page view."""
        hidden = gr.update(choices=[], value=None, visible=False)
        return [], [], NO_SOURCES_YET, hidden, (), gr.update(value=None, visible=False), ""

    def pick_example(self, selected: gr.SelectData) -> str:
        return str(selected.value["text"])

    def examples(self) -> list[str]:
        try:
            return example_questions(self.assistant.stored_index().pages)
        except AssistantError:
            return []

    # The documents.

    def add_files(self, files: list[str] | None, replace: bool) -> tuple[str, Any, None]:
        """Store each file, warn about each refused one, and empty the picker for the next upload."""
        added = []
        for file in files or []:
            try:
                added.append(self.assistant.add_document(Path(file), Path(file).name, replace_existing=replace))
            except AssistantError as error:
                gr.Warning(str(error), duration=None)  # stays until closed: it says what to do
        names = ", ".join(as_text(name) for name in added)
        note = f"Added {names}. Press **Rebuild index** to make them searchable." if added else ""
        return note, self._removable(), None

    @shown_to_user
    def remove_file(self, name: str | None) -> tuple[str, Any]:
        if not name:
            raise gr.Error("Pick a document to remove.")
        self.assistant.remove_document(name)
        return f"Removed {as_text(name)}. Press **Rebuild index** to take it out of the answers.", self._removable()

    @shown_to_user
    def rebuild_with_progress(self, progress: gr.Progress = gr.Progress()) -> tuple[str, str]:  # noqa: B008 — Gradio's injection idiom
        """The build report and the new status."""

        def report(stage: str, done: int, total: int) -> None:
            progress((done, total), desc=BUILD_STAGES.get(stage, stage))

        result = self.assistant.index(progress=report)
        self._serve_indexed_files()
        return f"```\n{describe(result)}\n```", self.status()

    def status(self) -> str:
        return status_markdown(self.assistant)

    def files_in_folder(self) -> list[str]:
        return file_names(self.assistant.settings.docs_dir)

    def _removable(self) -> Any:
        return gr.update(choices=self.files_in_folder(), value=None)

    def _serve_indexed_files(self) -> None:
        self._serve_files(indexed_files(self.assistant))

    # The HTTP API (its docstrings are the API's documentation).

    @shown_to_user
    def ask_api(self, question: str, top_k: int = 5, mode: str = "") -> dict[str, Any]:
        """Ask a question; returns the answer, its sentences and its citations (document, pages, section,
        verbatim excerpt). `mode`: "generated" (the server's language model writes it, every sentence
        checked), "extractive" (quoted), or "" for the server's default (generated when it has a model)."""
        answer = self.assistant.ask(question, top_k=int(top_k), mode=mode or None)
        return {**answer_to_json(answer), "query": answer.query}

    @shown_to_user
    def search_api(self, question: str, top_k: int = 5) -> dict[str, Any]:
        """The passages that best match a question, best first, with their scores."""
        return search_to_json(question, self.assistant.search(question, top_k=int(top_k)))

    @shown_to_user
    def rebuild_api(self) -> str:
        """Bring the index up to date with the documents folder; returns the build report."""
        report = describe(self.assistant.index())
        self._serve_indexed_files()
        return report


def indexed_files(assistant: Assistant) -> list[str]:
    """The absolute paths of the indexed documents (none when there is no usable index)."""
    try:
        names = list(assistant.stored_index().pages)
    except AssistantError:
        return []
    return [str(assistant.document_path(name).resolve()) for name in names]
