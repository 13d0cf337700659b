"""Shared fixtures: the real bundled model (loaded once), real PDFs, real indexes on disk."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

from assistant import Assistant, Settings  # noqa: E402
from assistant.embedding import Embedder  # noqa: E402

from . import pdfs  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("ASSISTANT_SHARED", ROOT.parent / "shared"))
DOCUGAMI = SHARED / "eval" / "docugami-sec10q"
BUNDLED_SUMMARY = ROOT / "documents" / "belarus-russia-relations-summary.md"


def shared_data(path: Path) -> Path:
    """Evaluation data from ../shared: required in CI, a skip elsewhere."""
    if not path.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{path} is missing: CI needs the shared evaluation data beside the checkout")
        pytest.skip(f"{path} is not on this machine")
    return path


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    return Embedder()


@pytest.fixture
def make_assistant(embedder: Embedder) -> Callable[..., Assistant]:
    def make(docs: Path, index_dir: Path, **settings: object) -> Assistant:
        return Assistant(Settings(docs_dir=docs, index_dir=index_dir, **settings), embedder=embedder)  # type: ignore[arg-type]

    return make


@pytest.fixture(scope="session")
def golden_docs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A documents folder with the golden report PDF and the bundled summary."""
    docs = tmp_path_factory.mktemp("golden") / "documents"
    pdfs.golden_report(docs / "report.pdf")
    shutil.copy(BUNDLED_SUMMARY, docs / BUNDLED_SUMMARY.name)
    return docs


@pytest.fixture(scope="session")
def golden_assistant(golden_docs: Path, embedder: Embedder, tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    assistant = Assistant(
        Settings(docs_dir=golden_docs, index_dir=tmp_path_factory.mktemp("golden-index")), embedder=embedder
    )
    assistant.index()
    return assistant


@pytest.fixture(scope="session")
def docugami_assistant(embedder: Embedder, tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    """The 12 Docugami 10-Q PDFs (536 pages), indexed once per session."""
    docs = shared_data(DOCUGAMI / "docs")
    assistant = Assistant(
        Settings(docs_dir=docs, index_dir=tmp_path_factory.mktemp("docugami-index")), embedder=embedder
    )
    assistant.index()
    return assistant


def run_cli(*args: str, env: dict[str, str] | None = None, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """The real `assistant` console script, in a fresh process."""
    return subprocess.run(
        [str(Path(sys.executable).parent / "assistant"), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
    )


@pytest.fixture(scope="session")
def local_llm() -> Iterator[str]:
    """The base URL of a real llama.cpp server with SmolLM2-135M-Instruct on a free loopback port."""
    from .llm_servers import start_local_server

    server = start_local_server()
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture(scope="module")
def summary_docs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A documents folder holding the bundled summary alone."""
    docs = tmp_path_factory.mktemp("summary") / "documents"
    docs.mkdir()
    shutil.copy(BUNDLED_SUMMARY, docs / BUNDLED_SUMMARY.name)
    return docs


@pytest.fixture(scope="session")
def milvus_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URI of a real Milvus API (Milvus Lite's server, its own process, a free loopback port)."""
    from .milvus_servers import start_milvus

    server = start_milvus(tmp_path_factory.mktemp("milvus") / "data")
    try:
        yield server.uri
    finally:
        server.stop()


@pytest.fixture(params=["faiss", "milvus"])
def store_setting(request: pytest.FixtureRequest) -> str:
    """Each store in turn: the index folder's own FAISS and BM25, then a Milvus server."""
    return "faiss" if request.param == "faiss" else str(request.getfixturevalue("milvus_server"))
