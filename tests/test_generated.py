"""Written answers from a real local model (llama.cpp's server with SmolLM2-135M-Instruct): streamed,
every sentence checked against the passages, cited verbatim or marked unsupported; through the
library, the command line (a terminal and JSON), and a server killed in the middle of an answer."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from assistant import Assistant, Settings
from assistant.config import Endpoint
from assistant.embedding import Embedder
from assistant.generate import UNSUPPORTED_FALLBACK
from assistant.support import SUPPORT_FLOOR
from assistant.types import EXTRACTIVE, GENERATED, UNSUPPORTED_MARK, Answer

from .conftest import BUNDLED_SUMMARY, ROOT
from .llm_servers import LOCAL_MODEL, start_local_server

QUESTION = "Who sponsored the research?"


@pytest.fixture(scope="module")
def index_dir(summary_docs: Path, tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> Path:
    index = tmp_path_factory.mktemp("generated") / "index"
    Assistant(Settings(docs_dir=summary_docs, index_dir=index), embedder=embedder).index()
    return index


@pytest.fixture
def writing(
    make_assistant: Callable[..., Assistant], summary_docs: Path, index_dir: Path
) -> Callable[[str], Assistant]:
    def make(url: str) -> Assistant:
        base = make_assistant(summary_docs, index_dir)
        return Assistant(replace(base.settings, llm=Endpoint(url=url)), embedder=base.embedder)

    return make


def assert_checked(answer: Answer, assistant: Assistant) -> None:
    """Supported sentences cite verbatim excerpts close to them; unsupported ones cite nothing."""
    pages = assistant.stored_index().pages
    for citation in answer.citations:
        text = pages[citation.document][citation.page_start - 1].text
        assert text[citation.char_start : citation.char_end] == citation.excerpt
    by_key = {c.key: c for c in answer.citations}
    for sentence in answer.sentences:
        assert sentence.supported == bool(sentence.citations)
        if sentence.supported:
            vectors = assistant.embedder.embed_texts([sentence.text] + [by_key[k].excerpt for k in sentence.citations])
            assert float(np.max(vectors[1:] @ vectors[0])) >= SUPPORT_FLOOR - 0.02  # rows embed their headings too


def test_a_written_answer_streams_and_every_sentence_is_checked(
    local_llm: str, writing: Callable[[str], Assistant]
) -> None:
    assistant = writing(local_llm)
    *pieces, answer = assistant.ask_stream(QUESTION)
    assert isinstance(answer, Answer) and len(pieces) >= 3 and all(isinstance(p, str) for p in pieces)
    if answer.mode == EXTRACTIVE:
        # Nothing the 135M model wrote was supported, and a passage answers the question: quoted instead.
        assert answer.covered and answer.notice == UNSUPPORTED_FALLBACK.format(model=LOCAL_MODEL)
        return
    assert (answer.mode, answer.model, answer.notice) == (GENERATED, LOCAL_MODEL, "")
    assert answer.sentences
    assert_checked(answer, assistant)
    # What was streamed is what was checked: the model's words, sentence by sentence.
    written = " ".join("".join(pieces).split())
    for sentence in answer.sentences:
        assert sentence.text in written
    if answer.covered:
        assert any(s.supported for s in answer.sentences)


def test_quote_only_is_still_there_beside_a_model(local_llm: str, writing: Callable[[str], Assistant]) -> None:
    answer = writing(local_llm).ask(QUESTION, mode=EXTRACTIVE)
    assert answer.mode == EXTRACTIVE and answer.covered
    assert "Russia Strategic Initiative" in answer.citations[0].excerpt


def test_the_command_line_prints_the_written_answers_json(local_llm: str, summary_docs: Path, index_dir: Path) -> None:
    result = subprocess.run(
        [str(Path(sys.executable).parent / "assistant"), "ask", QUESTION, "--json", "--llm-url", local_llm]
        + ["--docs", str(summary_docs), "--index-dir", str(index_dir)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    if data["mode"] == EXTRACTIVE:  # nothing the model wrote was supported: quoted instead, and said so
        assert data["notice"] == UNSUPPORTED_FALLBACK.format(model=LOCAL_MODEL)
    else:
        assert (data["mode"], data["model"], data["notice"]) == (GENERATED, LOCAL_MODEL, None)
    keys = {c["key"] for c in data["citations"]}
    for sentence in data["sentences"]:
        assert set(sentence) == {"text", "citations", "supported"}
        assert set(sentence["citations"]) <= keys and sentence["supported"] == bool(sentence["citations"])
    page = BUNDLED_SUMMARY.read_text(encoding="utf-8")
    assert all(page[c["char_start"] : c["char_end"]] == c["excerpt"] for c in data["citations"])


def test_the_command_line_streams_to_a_terminal_then_shows_the_checked_answer(
    local_llm: str, summary_docs: Path, index_dir: Path
) -> None:
    """In a terminal the draft appears as it is written, is erased, and the checked answer follows
    with its footer and sources."""
    command = [str(Path(sys.executable).parent / "assistant"), "ask", QUESTION, "--llm-url", local_llm]
    command += ["--docs", str(summary_docs), "--index-dir", str(index_dir)]
    output = _run_in_terminal(command)
    assert "\x1b[J" in output  # the draft was erased
    draft, _, checked = output.rpartition("\x1b[J")
    assert len(draft.split()) >= 3  # words arrived before the end
    assert f"(Written by {LOCAL_MODEL}." in checked
    if "[1]" in checked:
        assert "belarus-russia-relations-summary.md, p. 1" in checked
    else:
        assert UNSUPPORTED_MARK in checked or "not shown" in checked


def test_a_server_killed_in_the_middle_of_an_answer(writing: Callable[[str], Assistant]) -> None:
    server = start_local_server()
    try:
        stream = writing(server.url).ask_stream(QUESTION)
        first = next(stream)
        assert isinstance(first, str)
        server.stop()
        *_, answer = stream
    finally:
        server.stop()
    assert isinstance(answer, Answer)
    assert answer.mode == EXTRACTIVE and answer.covered
    assert "broke off" in answer.notice and answer.notice.endswith("quoted from the documents instead.")
    assert "Russia Strategic Initiative" in answer.citations[0].excerpt


def _run_in_terminal(command: list[str], timeout_s: float = 300) -> str:
    main, secondary = pty.openpty()
    env = {**os.environ, "COLUMNS": "100", "LINES": "40", "TERM": "xterm"}
    process = subprocess.Popen(command, stdin=secondary, stdout=secondary, stderr=secondary, cwd=ROOT, env=env)
    os.close(secondary)
    chunks = []
    try:
        while True:
            ready, _, _ = select.select([main], [], [], timeout_s)
            if not ready:
                raise TimeoutError("the command printed nothing for too long")
            try:
                data = os.read(main, 4096)
            except OSError:  # the terminal closed: the command ended
                break
            if not data:
                break
            chunks.append(data)
    finally:
        process.wait(timeout=60)
        os.close(main)
    assert process.returncode == 0, b"".join(chunks).decode(errors="replace")
    return b"".join(chunks).decode(errors="replace")


def test_the_web_chat_streams_a_written_answer_and_can_quote_only(
    local_llm: str, summary_docs: Path, index_dir: Path
) -> None:
    """In a real browser: the answer grows in the chat as the model writes it, then shows its checked
    form with a footer naming the model; "Quote only" gives the quoted answer, saying so."""
    from .web_helpers import ARTIFACTS, CHROMIUM, CHROMIUM_FLAGS, require_chromium, serving

    require_chromium()
    from playwright.sync_api import sync_playwright

    with serving(summary_docs, index_dir, "--llm-url", local_llm) as (url, _), sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        page.goto(url)
        page.wait_for_selector("#question textarea", timeout=60_000)
        assert "Write an answer" in page.inner_text("#mode") and "Quote only" in page.inner_text("#mode")
        # Every text the last answer shows while it is being written.
        page.evaluate(
            """() => { window.seen = []; new MutationObserver(() => {
                 const bots = document.querySelectorAll('#chat [data-testid=bot]');
                 if (bots.length) window.seen.push(bots[bots.length - 1].innerText); })
               .observe(document.querySelector('#chat'), {subtree: true, childList: true, characterData: true}); }"""
        )
        page.fill("#question textarea", QUESTION)
        page.click("#ask")
        page.wait_for_function(
            f"document.querySelector('#chat').innerText.includes('Written by {LOCAL_MODEL}')", timeout=120_000
        )
        seen = page.evaluate("window.seen")
        drafts = [text for text in seen if "▍" in text]
        assert drafts, seen  # the answer was shown while it was written
        assert len({len(t) for t in drafts}) >= 2  # and it grew
        final = page.query_selector_all("#chat [data-testid=bot]")[-1]
        if "[not in the sources]" in final.inner_text():
            assert final.query_selector(".unsupported") is not None
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "web-written-answer.png"), full_page=True)

        page.get_by_label("Quote only").check()
        page.fill("#question textarea", "What was the watershed year in the relationship?")
        page.click("#ask")
        page.wait_for_function(
            "document.querySelector('#chat').innerText.includes('Quoted from the documents, no model.')",
            timeout=60_000,
        )
        assert "The watershed year in the relationship was 2020" in page.inner_text("#sources")
        browser.close()
