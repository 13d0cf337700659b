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
def test_killed_build_leaves_the_previous_index_serving(
    tmp_path: Path, golden_docs: Path, make_assistant: Callable[..., Assistant]
) -> None:
    """Killed during the embedding (tests/test_faults.py kills builds at exact moments of the writing)."""
    docs, index_dir = tmp_path / "docs", tmp_path / "idx"
    docs.mkdir()
    for source in golden_docs.iterdir():
        (docs / source.name).write_bytes(source.read_bytes())
    assistant = make_assistant(docs, index_dir)
    assistant.index()
    live = store.current_build(index_dir)
    before = assistant.ask(QUESTION)

    _big_text(docs / "big.txt", 3000)
    process = _start_build(docs, index_dir)
    _wait_for(process, "Embedding")
    time.sleep(2)  # well into the embedding, with nothing of the new build live yet
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL

    assert store.current_build(index_dir) == live
    assert make_assistant(docs, index_dir).ask(QUESTION) == before

    finished = _start_build(docs, index_dir)
    _, errors = finished.communicate(timeout=600)
    assert finished.returncode == 0, errors
    assert not list(index_dir.glob(".staging-*"))  # the killed build's leftovers are cleared
    assert any(c.document == "big.txt" for c in make_assistant(docs, index_dir).stored_index().chunks)


@pytest.mark.slow
def test_two_builds_at_once_one_refuses_and_the_index_is_whole(
    tmp_path: Path, golden_docs: Path, make_assistant: Callable[..., Assistant]
) -> None:
    docs, index_dir = tmp_path / "docs", tmp_path / "idx"
    docs.mkdir()
    for source in golden_docs.iterdir():
        (docs / source.name).write_bytes(source.read_bytes())
    _big_text(docs / "big.txt", 500)
    first = _start_build(docs, index_dir)
    _wait_for(first, "Embedding")
    second = _start_build(docs, index_dir)
    _, refused = second.communicate(timeout=120)
    assert second.returncode == 1
    assert refused.strip().splitlines()[-1] == (
        f"error: Another build is already running on {index_dir}/ (pid {first.pid}) — wait for it to finish, "
        "then run the command again"
    )
    _, errors = first.communicate(timeout=600)
    assert first.returncode == 0, errors
    assistant = make_assistant(docs, index_dir)
    manifest = assistant.stored_index().manifest
    assert sorted(d.path for d in manifest.documents) == [
        "belarus-russia-relations-summary.md",
        "big.txt",
        "report.pdf",
    ]
    assert assistant.ask(QUESTION).citations[0].document == "report.pdf"
