"""Crash safety: a build killed with SIGKILL leaves the previous index loading and answering."""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from assistant import Assistant, store

from .conftest import ROOT

QUESTION = "Who does the defense industry depend on for contracts?"


def _big_text(path: Path, sentences: int) -> None:
    topics = ["grain", "potash", "rail", "gas", "oil", "steel", "timber", "dairy", "tractors", "trucks"]
    lines = [
        f"In year {1990 + i % 30} the {topics[i % 10]} trade between region {i} and its partners changed by {i % 7} "
        f"percent, according to report number {i}."
        for i in range(sentences)
    ]
    path.write_text("\n".join(lines), encoding="utf-8")


def _start_build(docs: Path, index_dir: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [str(Path(sys.executable).parent / "assistant"), "--docs", str(docs), "--index-dir", str(index_dir), "index"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )


def _wait_for(process: subprocess.Popen[str], text: str, timeout: float = 300) -> None:
    assert process.stderr is not None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        if text in line:
            return
        if not line and process.poll() is not None:
            pytest.fail(f"build ended before {text!r}: {process.stderr.read()}")
    pytest.fail(f"no {text!r} within {timeout} s")


@pytest.mark.slow
@pytest.mark.parametrize("stage", ["Embedding", "Writing"])
def test_killed_build_leaves_the_previous_index_serving(
    tmp_path: Path, golden_docs: Path, make_assistant: Callable[..., Assistant], stage: str
) -> None:
    docs, index_dir = tmp_path / "docs", tmp_path / "idx"
    docs.mkdir()
    for source in golden_docs.iterdir():
        (docs / source.name).write_bytes(source.read_bytes())
    assistant = make_assistant(docs, index_dir)
    assistant.index()
    live = store.current_build(index_dir)
    before = assistant.ask(QUESTION)

    _big_text(docs / "big.txt", 3000 if stage == "Embedding" else 100)
    process = _start_build(docs, index_dir)
    _wait_for(process, stage)
    if stage == "Embedding":
        time.sleep(2)  # well into the embedding, with nothing of the new build live yet
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL

    fresh = make_assistant(docs, index_dir)
    after = fresh.ask(QUESTION)
    if stage == "Embedding":
        assert store.current_build(index_dir) == live
        assert after == before
    else:  # killed while writing: whichever build CURRENT names is whole, and answers the same
        assert after.citations[0] == before.citations[0]

    finished = _start_build(docs, index_dir)
    _, errors = finished.communicate(timeout=600)
    assert finished.returncode == 0, errors
    assert not list(index_dir.glob(".staging-*"))  # the killed build's leftovers are cleared
    assert any(c.document == "big.txt" for c in make_assistant(docs, index_dir).stored_index().chunks)
