"""The web chat (Gradio only): every answer, page and document operation goes through Assistant,
and everything shown is made safe by render.py."""

from __future__ import annotations

import html
import os
from pathlib import Path
from typing import Any

# No analytics, no version check: nothing leaves the machine.
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr  # noqa: E402
from gradio.events import api as expose_api  # noqa: E402

from .app import Assistant
from .build import describe
from .errors import AssistantError
from .examples import example_questions
from .questions import MAX_QUESTION_CHARS
from .render import answer_markdown, as_text, citation_label, passage_html, sources_html, status_markdown
from .types import answer_to_json, hit_to_json

# System fonts only: Gradio's default theme would have the browser fetch fonts from Google.
THEME = gr.themes.Default(font=["ui-sans-serif", "system-ui", "sans-serif"], font_mono=["ui-monospace", "monospace"])

CSS = """
.source { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 10px 12px; margin-bottom: 10px; }
.source-head { font-size: 0.9em; margin-bottom: 6px; }
.source-key { font-weight: 700; margin-right: 4px; }
.source-meta { color: var(--body-text-color-subdued); }
.source-text { line-height: 1.5; white-space: pre-line; }
.source-text mark, .passage mark { background: #ffe36e; color: inherit; padding: 0 1px; }
.passage { white-space: pre-wrap; line-height: 1.5; max-height: 520px; overflow-y: auto; }
.low { color: var(--body-text-color-subdued); }
"""

# Clicking an inline [n] marker in the chat selects citation n, which shows its page.
HEAD = """<script>
document.addEventListener("click", (event) => {
  const link = event.target.closest('a[href^="#source-"]');
  if (!link) return;
  event.preventDefault();
  const key = link.getAttribute("href").slice("#source-".length);
  const input = document.querySelector(`#citation-picker input[value="${key}"]`);
  if (input) input.click();
});
</script>"""


def create_app(assistant: Assistant) -> gr.Blocks:
    docs_dir = assistant.settings.docs_dir

    def files_in_folder() -> list[str]:
        if not docs_dir.is_dir():
            return []
        return sorted(
            p.relative_to(docs_dir).as_posix()
            for p in docs_dir.rglob("*")
            if p.is_file() and not any(part.startswith(".") for part in p.relative_to(docs_dir).parts)
        )

    def serve_only_indexed() -> None:
        """Gradio's file route serves `allowed_paths`: exactly the indexed documents' own files, updated
        whenever the index changes, so no other file (in the documents folder or anywhere) is reachable."""
        demo.allowed_paths = indexed_files(assistant)

    def examples() -> list[str]:
        try:
            return example_questions(assistant.stored_index().pages)
        except AssistantError:
            return []

    def respond(
        message: str, history: list[dict[str, Any]], queries: list[str], top_k: float, strict: bool
    ) -> tuple[Any, ...]:
        question = (message or "").strip()
        if not question:
            raise gr.Error("Type a question first.")
        try:
            answer = assistant.ask(
                question, top_k=int(top_k), previous_queries=queries, min_score=None if strict else 0.0
            )
            stored = assistant.stored_index()
        except AssistantError as error:
            raise gr.Error(str(error)) from None
        page_texts = {}
        for c in answer.citations:
            if c.document in stored.pages:  # a rebuild may have swapped the index since the answer
                page_texts[(c.document, c.page_start)] = stored.page(c.document, c.page_start).text
        history = history + [
            {"role": "user", "content": as_text(answer.question)},  # as searched: control characters removed
            {"role": "assistant", "content": answer_markdown(answer)},
        ]
        citations = [
            {
                "key": c.key,
                "document": c.document,
                "page": c.page_start,
                "label": citation_label(c),
                "excerpt": c.excerpt,
                "char_start": c.char_start,
                "char_end": c.char_end,
            }
            for c in answer.citations
        ]
        choices = [(c["label"], str(c["key"])) for c in citations]
        first = choices[0][1] if choices else None
        image, page_html = show_page(first, citations)  # the best citation's page, shown at once
        return (
            "",
            history,
            queries + [answer.query],
            sources_html(answer, page_texts),
            gr.update(choices=choices, value=first, visible=bool(choices)),
            citations,
            image,
            page_html,
        )

    def show_page(key: str | None, citations: list[dict[str, Any]]) -> tuple[Any, str]:
        """The cited page as an image (PDF) or the passage around the excerpt (text), and a caption."""
        image, caption = page_view(key, citations)
        return gr.update(value=image, visible=image is not None), caption

    def page_view(key: str | None, citations: list[dict[str, Any]]) -> tuple[Any, str]:
        cited = next((c for c in citations if str(c["key"]) == str(key)), None) if key else None
        if cited is None:
            return None, ""
        try:
            path = assistant.document_path(cited["document"])
            page = assistant.stored_index().page(cited["document"], cited["page"])
        except AssistantError as error:
            raise gr.Error(str(error)) from None
        title = f"<p><b>{html.escape(cited['label'])}</b>"
        if path.suffix.lower() == ".pdf" and path.is_file():
            from .pages import render_page

            serve_only_indexed()
            image, found = render_page(path, cited["page"], cited["excerpt"])
            url = f"/gradio_api/file={html.escape(str(path.resolve()))}#page={cited['page']}"
            note = "" if found else " <span class='low'>(the excerpt could not be located on the page image)</span>"
            return image, f"{title} · <a href='{url}' target='_blank'>open the PDF at this page</a>{note}</p>"
        return None, f"{title}</p>{passage_html(page.text, cited['char_start'], cited['char_end'])}"

    def add_files(files: list[str] | None, replace: bool) -> tuple[str, Any, None]:
        """Store each file, warn about each refused one, and empty the picker for the next upload."""
        added = []
        for file in files or []:
            try:
                added.append(assistant.add_document(Path(file), Path(file).name, replace_existing=replace))
            except AssistantError as error:
                gr.Warning(str(error), duration=None)  # stays until closed: it says what to do
        names = ", ".join(as_text(name) for name in added)
        note = f"Added {names}. Press **Rebuild index** to make them searchable." if added else ""
        return note, gr.update(choices=files_in_folder(), value=None), None

    def remove_file(name: str | None) -> tuple[str, Any]:
        if not name:
            raise gr.Error("Pick a document to remove.")
        try:
            assistant.remove_document(name)
        except AssistantError as error:
            raise gr.Error(str(error)) from None
        return (
            f"Removed {as_text(name)}. Press **Rebuild index** to take it out of the answers.",
            gr.update(choices=files_in_folder(), value=None),
        )

    def rebuild_with_progress(progress: gr.Progress = gr.Progress()) -> tuple[str, str]:  # noqa: B008 — Gradio's injection idiom
        labels = {"reading": "Reading documents", "embedding": "Embedding passages", "writing": "Writing the index"}

        def report(stage: str, done: int, total: int) -> None:
            progress((done, total), desc=labels.get(stage, stage))

        try:
            result = assistant.index(progress=report)
        except AssistantError as error:
            raise gr.Error(str(error)) from None
        serve_only_indexed()
        return f"```\n{describe(result)}\n```", status_markdown(assistant)

    def pick_example(selected: gr.SelectData) -> str:
        return str(selected.value["text"])

    def ask_api(question: str, top_k: int = 5) -> dict[str, Any]:
        """Ask a question; returns the answer and its citations (document, pages, section, verbatim excerpt)."""
        try:
            answer = assistant.ask(question, top_k=int(top_k))
        except AssistantError as error:
            raise gr.Error(str(error)) from None
        return {**answer_to_json(answer), "query": answer.query}

    def rebuild_api() -> str:
        """Bring the index up to date with the documents folder; returns the build report."""
        try:
            report = describe(assistant.index())
        except AssistantError as error:
            raise gr.Error(str(error)) from None
        serve_only_indexed()
        return report

    def search_api(question: str, top_k: int = 5) -> dict[str, Any]:
        """The passages that best match a question, best first, with their scores."""
        try:
            hits = assistant.search(question, top_k=int(top_k))
        except AssistantError as error:
            raise gr.Error(str(error)) from None
        return {"question": question, "hits": [hit_to_json(h) for h in hits]}

    with gr.Blocks(title="the assistant", fill_width=True) as demo:
        gr.Markdown("## the assistant\nAnswers quoted verbatim from your documents, with the page they come from.")
        queries = gr.State([])
        citations = gr.State([])
        with gr.Row(equal_height=False):
            with gr.Column(scale=5, min_width=420):
                chatbot = gr.Chatbot(
                    label="Conversation",
                    height=540,
                    placeholder="Ask a question about the documents, or pick an example below.",
                    examples=[{"text": q} for q in examples()],
                    elem_id="chat",
                )
                with gr.Row():
                    question = gr.Textbox(
                        placeholder="Ask about the documents…",
                        show_label=False,
                        scale=6,
                        elem_id="question",
                        max_length=MAX_QUESTION_CHARS,
                    )
                    ask = gr.Button("Ask", variant="primary", scale=1, min_width=80, elem_id="ask")
                with gr.Accordion("Search settings", open=False):
                    top_k = gr.Slider(1, 10, value=assistant.settings.top_k, step=1, label="Passages to draw on")
                    strict = gr.Checkbox(
                        value=True,
                        label="Only cite passages above the relevance floor (otherwise always quote the best ones)",
                    )
                clear = gr.Button("New conversation", size="sm")
            with gr.Column(scale=4, min_width=380):
                with gr.Tabs():
                    with gr.Tab("Sources", id="sources"):
                        sources = gr.HTML("<p class='low'>Cited passages appear here.</p>", elem_id="sources")
                        picker = gr.Radio(
                            label="Show the page of", choices=[], elem_id="citation-picker", visible=False
                        )
                        page_info = gr.HTML(elem_id="page-info")
                        page_image = gr.Image(
                            show_label=False,
                            interactive=False,
                            elem_id="page-image",
                            height=720,
                            buttons=[],
                            visible=False,
                            format="png",
                        )
                    with gr.Tab("Documents", id="documents"):
                        status = gr.Markdown(status_markdown(assistant), elem_id="status")
                        upload = gr.File(
                            label="Add PDF, TXT or MD files",
                            file_count="multiple",
                            file_types=[".pdf", ".txt", ".md"],
                            elem_id="upload",
                        )
                        replace_existing = gr.Checkbox(
                            value=False, label="Replace a document of the same name", elem_id="replace"
                        )
                        with gr.Row():
                            remove_choice = gr.Dropdown(label="Remove a document", choices=files_in_folder(), scale=3)
                            remove = gr.Button("Remove", scale=1)
                        rebuild_button = gr.Button("Rebuild index", variant="primary", elem_id="rebuild")
                        build_log = gr.Markdown(elem_id="build-log")

        outputs = [question, chatbot, queries, sources, picker, citations, page_image, page_info]
        inputs = [question, chatbot, queries, top_k, strict]
        question.submit(respond, inputs, outputs, api_visibility="private")
        ask.click(respond, inputs, outputs, api_visibility="private")
        chatbot.example_select(pick_example, None, question, api_visibility="private").then(
            respond, inputs, outputs, api_visibility="private"
        )
        picker.change(show_page, [picker, citations], [page_image, page_info], api_visibility="private")
        clear.click(
            lambda: (
                [],
                [],
                "<p class='low'>Cited passages appear here.</p>",
                gr.update(choices=[], value=None, visible=False),
                [],
                gr.update(value=None, visible=False),
                "",
            ),
            None,
            [chatbot, queries, sources, picker, citations, page_image, page_info],
            api_visibility="private",
        )
        upload.upload(
            add_files, [upload, replace_existing], [build_log, remove_choice, upload], api_visibility="private"
        )
        remove.click(remove_file, remove_choice, [build_log, remove_choice], api_visibility="private")
        rebuild_button.click(
            rebuild_with_progress, None, [build_log, status], api_visibility="private", concurrency_limit=1
        )
        expose_api(ask_api, api_name="ask", queue=False)
        expose_api(search_api, api_name="search", queue=False)
        expose_api(rebuild_api, api_name="rebuild", concurrency_limit=1)
    app: gr.Blocks = demo
    return app


def indexed_files(assistant: Assistant) -> list[str]:
    """The absolute paths of the indexed documents (none when there is no usable index)."""
    try:
        names = list(assistant.stored_index().pages)
    except AssistantError:
        return []
    return [str(assistant.document_path(name).resolve()) for name in names]


def launch(assistant: Assistant, host: str, port: int, auth: list[tuple[str, str]] | None) -> None:
    demo = create_app(assistant)
    # Several people may ask at once; the model and index are shared, so answers run in threads.
    demo.queue(default_concurrency_limit=8)
    demo.launch(
        server_name=host,
        server_port=port,
        auth=auth,
        allowed_paths=indexed_files(assistant),
        # Gradio refuses larger uploads before storing them; add_document checks the same limit.
        max_file_size=assistant.settings.max_upload_mb * 10**6,
        theme=THEME,
        css=CSS,
        head=HEAD,
        footer_links=["api"],
        show_error=False,
        quiet=True,
    )
