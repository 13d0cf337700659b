"""The web chat (Gradio): the page (layout.py) wired to what its controls do (handlers.py), the HTTP
API, and the server. Every answer, page and document operation goes through Assistant, and
everything shown is made safe by render.py."""

from __future__ import annotations

import gradio as gr
from gradio.events import api as expose_api

from ..app import Assistant
from ..errors import AssistantError
from .handlers import MODE_CHOICES, ChatHandlers, indexed_files
from .layout import CSS, HEAD, THEME, Layout, build_layout


def create_app(assistant: Assistant) -> gr.Blocks:
    with gr.Blocks(title="the assistant", fill_width=True) as demo:
        # Gradio's file route serves `allowed_paths`: exactly the indexed documents' own files, updated
        # whenever the index may have changed, so no other file (in the documents folder or anywhere)
        # is reachable.
        handlers = ChatHandlers(assistant, serve_files=lambda paths: setattr(demo, "allowed_paths", paths))
        layout = build_layout(
            handlers.examples(),
            assistant.settings.top_k,
            handlers.status(),
            handlers.files_in_folder(),
            model=_writer_name(assistant),
            modes=MODE_CHOICES,
        )
        _wire(layout, handlers)
        _register_api(handlers)
    app: gr.Blocks = demo  # Gradio's context manager is typed as returning Any
    return app


def _writer_name(assistant: Assistant) -> str:
    """The model that writes answers, as the endpoint names it ("" without one; its URL if it cannot
    be asked now: the first question will say what is wrong)."""
    if not assistant.writes:
        return ""
    try:
        return assistant.writer().model
    except AssistantError:
        return assistant.settings.llm.url


def _wire(ui: Layout, handlers: ChatHandlers) -> None:
    """The chat's events; none of them is part of the HTTP API."""
    asked = [ui.question, ui.chatbot, ui.queries, ui.top_k, ui.strict, ui.mode]
    # In the order ChatHandlers.respond returns them.
    answered = [ui.question, ui.chatbot, ui.queries, ui.sources, ui.picker, ui.citations, ui.page_image, ui.page_info]
    ui.question.submit(handlers.respond, asked, answered, api_visibility="private")
    ui.ask.click(handlers.respond, asked, answered, api_visibility="private")
    ui.chatbot.example_select(handlers.pick_example, None, ui.question, api_visibility="private").then(
        handlers.respond, asked, answered, api_visibility="private"
    )
    page = [ui.page_image, ui.page_info]
    ui.picker.change(handlers.show_page, [ui.picker, ui.citations], page, api_visibility="private")
    cleared = [ui.chatbot, ui.queries, ui.sources, ui.picker, ui.citations, *page]
    ui.clear.click(handlers.new_conversation, None, cleared, api_visibility="private")
    ui.upload.upload(
        handlers.add_files,
        [ui.upload, ui.replace_existing],
        [ui.build_log, ui.remove_choice, ui.upload],
        api_visibility="private",
    )
    ui.remove.click(handlers.remove_file, ui.remove_choice, [ui.build_log, ui.remove_choice], api_visibility="private")
    ui.rebuild.click(
        handlers.rebuild_with_progress, None, [ui.build_log, ui.status], api_visibility="private", concurrency_limit=1
    )


def _register_api(handlers: ChatHandlers) -> None:
    """/ask, /search and /rebuild: answers and passages as `assistant ask --json` and `search --json` print them."""
    expose_api(handlers.ask_api, api_name="ask", queue=False)
    expose_api(handlers.search_api, api_name="search", queue=False)
    expose_api(handlers.rebuild_api, api_name="rebuild", concurrency_limit=1)


def launch(assistant: Assistant, host: str, port: int, auth: list[tuple[str, str]] | None) -> None:
    demo = create_app(assistant)  # answering up to 8 questions at once (web/__init__.py)
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
