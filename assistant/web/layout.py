"""The web chat's page: its components, arranged, and its look (theme, CSS, the marker-click script)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import gradio as gr

from ..questions import MAX_QUESTION_CHARS
from .render import NO_SOURCES_YET

# System fonts only: Gradio's default theme would have the browser fetch fonts from Google.
THEME = gr.themes.Default(font=["ui-sans-serif", "system-ui", "sans-serif"], font_mono=["ui-monospace", "monospace"])

CSS = """
.source { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 10px 12px; margin-bottom: 10px; }
.source-head { font-size: 0.9em; margin-bottom: 6px; }
.source-key { font-weight: 700; margin-right: 4px; }
.source-meta { color: var(--body-text-color-subdued); }
.source-row { color: var(--body-text-color-subdued); font-size: 0.9em; margin: 2px 0; }
.source-text { line-height: 1.5; white-space: pre-line; }
.source-notes { font-size: 0.9em; margin-top: 6px; padding-top: 4px;
  border-top: 1px dashed var(--border-color-primary); }
.source-notes ul { margin: 2px 0 0 1.2em; padding: 0; }
.note-where { color: var(--body-text-color-subdued); }
.source-text mark, .passage mark { background: #ffe36e; color: inherit; padding: 0 1px; }
.passage { white-space: pre-wrap; line-height: 1.5; max-height: 520px; overflow-y: auto; }
.low { color: var(--body-text-color-subdued); }
.unsupported { color: var(--body-text-color-subdued); text-decoration: underline dotted #c0392b; }
.unsupported-mark { color: #c0392b; }
.answer-footer, .notice { color: var(--body-text-color-subdued); }
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


@dataclass(frozen=True)
class Layout:
    """The components that events read or change."""

    chatbot: gr.Chatbot
    question: gr.Textbox
    ask: gr.Button
    top_k: gr.Slider
    strict: gr.Checkbox
    mode: gr.Radio  # write an answer with the configured model, or quote only (hidden without a model)
    clear: gr.Button
    sources: gr.HTML
    picker: gr.Radio
    page_info: gr.HTML
    page_image: gr.Image
    status: gr.Markdown
    upload: gr.File
    replace_existing: gr.Checkbox
    remove_choice: gr.Dropdown
    remove: gr.Button
    rebuild: gr.Button
    build_log: gr.Markdown
    queries: gr.State  # the conversation's search queries, for follow-ups
    citations: gr.State  # the last answer's Citation objects


def build_layout(
    examples: Sequence[str],
    top_k: int,
    status: str,
    documents: Sequence[str],
    model: str = "",
    modes: Sequence[tuple[str, str]] = (),
) -> Layout:
    """The page, inside an open gr.Blocks: the chat on the left, sources and documents on the right.
    `model` names the model that writes answers ("" when none is configured; `modes` are then unused)."""
    what = (
        f"Answers written by {model}, every sentence checked against your documents and cited with its page."
        if model
        else "Answers quoted verbatim from your documents, with the page they come from."
    )
    gr.Markdown(f"## the assistant\n{what}")
    with gr.Row(equal_height=False):
        with gr.Column(scale=5, min_width=420):
            chat = _chat(examples, top_k, model, modes)
        with gr.Column(scale=4, min_width=380), gr.Tabs():
            with gr.Tab("Sources", id="sources"):
                sources = _sources()
            with gr.Tab("Documents", id="documents"):
                documents_tab = _documents(status, documents)
    return Layout(**chat, **sources, **documents_tab, queries=gr.State([]), citations=gr.State(()))


def _chat(examples: Sequence[str], top_k: int, model: str, modes: Sequence[tuple[str, str]]) -> dict[str, Any]:
    chatbot = gr.Chatbot(
        label="Conversation",
        height=540,
        placeholder="Ask a question about the documents, or pick an example below.",
        examples=[{"text": q} for q in examples],
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
        top_k_slider = gr.Slider(1, 10, value=top_k, step=1, label="Passages to draw on")
        strict = gr.Checkbox(
            value=True, label="Only cite passages above the relevance floor (otherwise always quote the best ones)"
        )
    mode = gr.Radio(
        choices=list(modes),
        value=modes[0][1] if modes else None,
        label=f"Answers (model: {model})" if model else "Answers",
        info="A written answer is checked sentence by sentence against the passages; unsupported sentences are marked.",
        visible=bool(model),
        elem_id="mode",
    )
    clear = gr.Button("New conversation", size="sm")
    return {
        "mode": mode,
        "chatbot": chatbot,
        "question": question,
        "ask": ask,
        "top_k": top_k_slider,
        "strict": strict,
        "clear": clear,
    }


def _sources() -> dict[str, Any]:
    return {
        "sources": gr.HTML(NO_SOURCES_YET, elem_id="sources"),
        "picker": gr.Radio(label="Show the page of", choices=[], elem_id="citation-picker", visible=False),
        "page_info": gr.HTML(elem_id="page-info"),
        "page_image": gr.Image(
            show_label=False,
            interactive=False,
            elem_id="page-image",
            height=720,
            buttons=[],
            visible=False,
            format="png",
        ),
    }


def _documents(status: str, documents: Sequence[str]) -> dict[str, Any]:
    status_view = gr.Markdown(status, elem_id="status")
    upload = gr.File(
        label="Add PDF, TXT or MD files", file_count="multiple", file_types=[".pdf", ".txt", ".md"], elem_id="upload"
    )
    replace_existing = gr.Checkbox(value=False, label="Replace a document of the same name", elem_id="replace")
    with gr.Row():
        remove_choice = gr.Dropdown(label="Remove a document", choices=list(documents), scale=3)
        remove = gr.Button("Remove", scale=1)
    rebuild = gr.Button("Rebuild index", variant="primary", elem_id="rebuild")
    build_log = gr.Markdown(elem_id="build-log")
    return {
        "status": status_view,
        "upload": upload,
        "replace_existing": replace_existing,
        "remove_choice": remove_choice,
        "remove": remove,
        "rebuild": rebuild,
        "build_log": build_log,
    }
