"""A short load test of the HTTP API: 4 clients ask 40 questions in all while a rebuild, started
halfway, swaps in a new index. bench/load.py is the long version (1, 4 and 16 clients, latency, memory)."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path
from typing import Any

import httpx

from .test_answer import GOLDEN_QUESTIONS
from .web_helpers import serving

CLIENTS, TOTAL = 4, 40
QUESTIONS = [question for question, *_ in GOLDEN_QUESTIONS]
# A new document is real work for the rebuild (read, embed, swap), and about nothing the questions ask.
TIMBER = "\n".join(
    f"Timber lot {i} was sold to the sawmill in district {i % 30} for {i * 7} roubles." for i in range(200)
)


def _seen(http: httpx.Client, question: str) -> tuple[Any, ...]:
    """What a user sees of the answer: its text and each citation's document, pages and excerpt."""
    response = http.post("gradio_api/api/ask", json={"data": [question, 5, ""]})
    response.raise_for_status()
    answer = response.json()["data"][0]
    cited = tuple((c["document"], c["page_start"], c["page_end"], c["excerpt"]) for c in answer["citations"])
    return answer["answer"], answer["covered"], cited


def test_four_clients_and_a_rebuild_get_the_single_user_answers(golden_docs: Path, tmp_path: Path) -> None:
    from gradio_client import Client

    docs = tmp_path / "docs"
    shutil.copytree(golden_docs, docs)  # the session's folder is shared: the new document goes in a copy
    with serving(docs, tmp_path / "idx") as (url, _):
        with httpx.Client(base_url=url, timeout=120) as http:
            solo = {question: _seen(http, question) for question in QUESTIONS}
        lock = threading.Lock()
        items = iter(range(TOTAL))
        half, rebuilt = threading.Event(), threading.Event()
        answers: list[tuple[str, tuple[Any, ...]]] = []
        errors: list[str] = []

        def client() -> None:
            with httpx.Client(base_url=url, timeout=120) as http:
                while True:
                    with lock:
                        item = next(items, None)
                    if item is None:
                        return
                    if item >= TOTAL - CLIENTS:
                        # Each client's last question waits for the swap, so the new index answers
                        # four at once however fast the rest went.
                        rebuilt.wait(timeout=600)
                    question = QUESTIONS[item % len(QUESTIONS)]
                    try:
                        answer = _seen(http, question)
                    except (httpx.HTTPError, KeyError, ValueError) as error:
                        with lock:
                            errors.append(f"{question}: {error!r}")
                        continue
                    with lock:
                        answers.append((question, answer))
                        if len(answers) + len(errors) >= TOTAL // 2:
                            half.set()

        rebuild = Client(url, verbose=False)
        threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
        for thread in threads:
            thread.start()
        try:
            assert half.wait(timeout=600)
            (docs / "timber-sales.txt").write_text(TIMBER, encoding="utf-8")
            report = str(rebuild.predict(api_name="/rebuild"))
        finally:
            rebuilt.set()  # never leave the clients waiting, even when the rebuild failed
            for thread in threads:
                thread.join()
        with httpx.Client(base_url=url, timeout=120) as http:
            swapped = _seen(http, "Which sawmill bought timber lot 17?")

    assert errors == []
    assert len(answers) == TOTAL
    assert [(question, solo[question]) for question, _ in answers] == answers
    assert "added      timber-sales.txt" in report
    assert "timber-sales.txt" in [document for document, *_ in swapped[2]]
