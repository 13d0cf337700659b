"""The Milvus store against a real Milvus API (Milvus Lite: its server in a process of its own, and a
.db file served inside the process): the same citations as the local store, updates, a store that
is down, and the collections a build leaves behind."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from assistant import Assistant, Settings, store, vector_index
from assistant.config import store_location
from assistant.errors import ConfigError, IndexMismatchError, StoreUnavailableError
from assistant.evaluation.evalsets import read_questions
from assistant.milvus_store import CHUNKS, SENTENCES, collection_prefix

from .conftest import DOCUGAMI, ROOT, run_cli, shared_data
from .milvus_servers import require_milvus, start_milvus
from .web_helpers import free_port

A = "# Trade\n\nBelarus exports potash fertiliser through the port of Klaipeda.\n"
B = "# Energy\n\nRussia supplies natural gas to Belarus at a discount.\n"
C = "# Military\n\nA joint regional grouping of forces was created in 2021.\n"


def _docs(root: Path, files: dict[str, str]) -> Path:
    docs = root / "docs"
    docs.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (docs / name).write_text(text, encoding="utf-8")
    return docs


def _citations(assistant: Assistant, question: str) -> list[tuple[object, ...]]:
    answer = assistant.ask(question)
    return [(c.document, c.page_start, c.page_end, c.char_start, c.char_end, c.excerpt) for c in answer.citations] + [
        (answer.text,)
    ]


def _collections(uri: str) -> set[str]:
    from pymilvus import MilvusClient

    return set(MilvusClient(uri=uri).list_collections())


@pytest.mark.slow
def test_both_stores_give_the_same_citations_to_the_same_questions(
    docugami_assistant: Assistant, milvus_server: str, tmp_path: Path
) -> None:
    """The 12 Docugami filings, moved from the local store to Milvus without embedding anything again,
    answer the set's questions and our analyst questions with the same citations and the same top 10."""
    index_dir = tmp_path / "idx"
    shutil.copytree(docugami_assistant.settings.index_dir, index_dir)
    settings = Settings(docs_dir=docugami_assistant.settings.docs_dir, index_dir=index_dir, store=milvus_server)
    on_milvus = Assistant(settings, embedder=docugami_assistant.embedder)
    before = on_milvus.embedder.texts_embedded
    report = on_milvus.index()
    assert report.moved == ("faiss", milvus_server) and report.full_rebuild_reason == ""
    assert report.embedded == () and on_milvus.embedder.texts_embedded == before
    assert not (store.current_build(index_dir) / store.VECTORS).exists()  # type: ignore[operator]

    questions = [q.question for q in read_questions(shared_data(DOCUGAMI / "qna_subset_AAPL_AMZN_NVDA.csv"))]
    for half in ("train", "test"):
        questions += [q.question for q in read_questions(ROOT / "tests" / "data" / f"analyst_questions_{half}.csv")]
    assert len(questions) == 188
    for question in questions:
        assert _citations(on_milvus, question) == _citations(docugami_assistant, question), question
    for question in questions[::8]:
        local, remote = docugami_assistant.search(question, 10), on_milvus.search(question, 10)
        assert [h.row for h in remote] == [h.row for h in local], question
        assert [h.score for h in remote] == pytest.approx([h.score for h in local], abs=1e-5)
    # What a question's words are held by: Milvus is searched for each word, the folder's postings
    # are counted; the same shares either way (the asks of every answer above rest on them).
    words = ["NVIDIA", "Center", "segment", "revenue", "tanks", "the"]
    remote_shares = on_milvus.stored_index().term_shares(words)
    assert remote_shares == pytest.approx(docugami_assistant.stored_index().term_shares(words))
    assert remote_shares[-2:] == [0.0, 1.0]


def test_a_milvus_lite_file_serves_the_command_line_as_the_index_folder_does(tmp_path: Path) -> None:
    """index, status, search and ask in fresh processes, on a .db file, and the same answer from both stores."""
    require_milvus()
    docs = _docs(tmp_path, {"a.md": A, "b.md": B, "c.md": C})
    lite = tmp_path / "vectors.db"
    common = ["--docs", str(docs)]
    on_file = common + ["--index-dir", str(tmp_path / "idx-milvus"), "--store", str(lite)]
    local = common + ["--index-dir", str(tmp_path / "idx-local")]
    for args in (on_file, local):
        result = run_cli(*args, "index")
        assert result.returncode == 0, result.stderr
        assert "Index ready: 3 documents, 3 pages" in result.stdout
    status = run_cli(*on_file, "status")
    assert f"Vectors and passage BM25 in Milvus: {lite}" in status.stdout
    question = "How does Belarus ship its potash?"
    answers = [json.loads(run_cli(*args, "ask", question, "--json").stdout) for args in (on_file, local)]
    assert answers[0] == answers[1]
    assert answers[0]["citations"][0]["document"] == "a.md" and "Klaipeda" in answers[0]["citations"][0]["excerpt"]
    hits = json.loads(run_cli(*on_file, "search", "natural gas discount", "--json").stdout)["hits"]
    assert hits[0]["document"] == "b.md"
    # Asked of the other store, the index says where its vectors are instead of answering from nothing.
    mismatched = run_cli(*common, "--index-dir", str(tmp_path / "idx-milvus"), "ask", question)
    assert mismatched.returncode == 1
    assert f"keeps its vectors in {lite} but --store faiss is configured" in mismatched.stderr
    assert "Traceback" not in mismatched.stderr


def test_pruned_builds_take_their_collections_with_them(
    tmp_path: Path, make_assistant: Callable[..., Assistant], milvus_server: str
) -> None:
    docs = _docs(tmp_path, {"a.md": A})
    assistant = make_assistant(docs, tmp_path / "idx", store=milvus_server)
    builds = []
    for text in (B, C, A + C):
        (docs / "b.md").write_text(text, encoding="utf-8")
        assistant.index()
        builds.append(store.current_build(tmp_path / "idx").name)  # type: ignore[union-attr]
    ours = {name for name in _collections(milvus_server) if any(collection_prefix(b) in name for b in builds)}
    kept = {collection_prefix(b) + part for b in builds[-store.BUILDS_KEPT :] for part in (CHUNKS, SENTENCES)}
    assert ours == kept  # the first build's pair was dropped with its folder
    assert assistant.search("joint regional grouping", 1)[0].chunk.document == "b.md"


def test_a_store_that_is_down_fails_the_build_at_once_and_the_local_index_keeps_answering(
    tmp_path: Path, make_assistant: Callable[..., Assistant]
) -> None:
    require_milvus()
    docs = _docs(tmp_path, {"a.md": A})
    make_assistant(docs, tmp_path / "idx").index()
    live = store.current_build(tmp_path / "idx")
    (docs / "b.md").write_text(B, encoding="utf-8")
    down = f"http://127.0.0.1:{free_port()}"
    moving = make_assistant(docs, tmp_path / "idx", store=down)
    embedded = moving.embedder.texts_embedded
    with pytest.raises(StoreUnavailableError) as raised:
        moving.index()
    assert str(raised.value).startswith(f"The Milvus store at {down} cannot be used (")
    assert "start it or check --store / ASSISTANT_STORE" in str(raised.value)
    assert moving.embedder.texts_embedded == embedded  # failed before reading or embedding anything
    assert store.current_build(tmp_path / "idx") == live and not list((tmp_path / "idx").glob(".staging-*"))
    answer = make_assistant(docs, tmp_path / "idx").ask("How does Belarus ship its potash?")
    assert answer.citations[0].document == "a.md"


def test_a_milvus_server_that_stops_is_reported_and_the_index_folder_is_untouched(tmp_path: Path) -> None:
    """Down while serving: a clear error. Down while a build writes: the previous build stays live, and
    answers again once the server is back."""
    server = start_milvus(tmp_path / "milvus")
    try:
        docs = _docs(tmp_path, {"a.md": A})
        args = ["--docs", str(docs), "--index-dir", str(tmp_path / "idx"), "--store", server.uri]
        assert run_cli(*args, "index").returncode == 0
        live = store.current_build(tmp_path / "idx")

        (docs / "b.md").write_text(B, encoding="utf-8")
        settings = Settings(docs_dir=docs, index_dir=tmp_path / "idx", store=server.uri)

        def stop_while_writing(stage: str, done: int, total: int) -> None:
            if stage == "writing" and done == 0:
                server.stop()

        with pytest.raises(StoreUnavailableError, match=f"The Milvus store at {server.uri} cannot be used"):
            Assistant(settings).index(progress=stop_while_writing)
        assert store.current_build(tmp_path / "idx") == live and not list((tmp_path / "idx").glob(".staging-*"))

        asked = run_cli(*args, "ask", "How does Belarus ship its potash?")
        assert asked.returncode == 1 and "Traceback" not in asked.stderr
        assert asked.stderr.startswith(f"error: The Milvus store at {server.uri} cannot be used (")

        server = start_milvus(server.data_dir, server.port)
        again = run_cli(*args, "ask", "How does Belarus ship its potash?", "--json")
        assert again.returncode == 0, again.stderr
        assert json.loads(again.stdout)["citations"][0]["document"] == "a.md"

        # A server restarted under a running assistant: its next question goes through on a new connection.
        serving = Assistant(settings)
        assert serving.search("potash", 1)[0].chunk.document == "a.md"
        server.stop()
        server = start_milvus(server.data_dir, server.port)
        assert serving.search("natural gas", 1)[0].chunk.document == "a.md"  # b.md never made it in
        # Again: the connection the first retry opened is closed when the second replaces it.
        from pymilvus.client.connection_manager import ConnectionManager

        dedicated = len(ConnectionManager.get_instance()._dedicated)  # the session's other tests' too
        server.stop()
        server = start_milvus(server.data_dir, server.port)
        assert serving.search("potash", 1)[0].chunk.document == "a.md"
        assert len(ConnectionManager.get_instance()._dedicated) == dedicated

        # Leaving a store that is gone for good: the documents are read again into the index folder.
        server.stop()
        back = Assistant(Settings(docs_dir=docs, index_dir=tmp_path / "idx"))
        report = back.index()
        assert report.full_rebuild_reason == (
            f"the previous store ({server.uri}) cannot be reached, so everything is read again"
        )
        assert report.added == ("a.md", "b.md") and back.search("natural gas", 1)[0].chunk.document == "b.md"
    finally:
        server.stop()


def test_the_store_setting_is_checked_and_recorded_in_one_form(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert store_location("faiss") == "faiss"
    assert store_location(" http://milvus.internal:19530/ ") == "http://milvus.internal:19530"
    monkeypatch.chdir(tmp_path)
    assert store_location("vectors.db") == str(tmp_path / "vectors.db")
    monkeypatch.setenv("ASSISTANT_STORE", "https://cloud.example:443")
    assert Settings.from_env().store == "https://cloud.example:443"
    with pytest.raises(ConfigError, match=r"ASSISTANT_STORE \(--store\) must be 'faiss', a Milvus URI"):
        store_location("milvus")


def test_an_index_built_on_one_store_is_not_read_as_another(
    tmp_path: Path, make_assistant: Callable[..., Assistant], milvus_server: str
) -> None:
    docs = _docs(tmp_path, {"a.md": A})
    make_assistant(docs, tmp_path / "idx", store=milvus_server).index()
    with pytest.raises(IndexMismatchError, match=f"keeps its vectors in {milvus_server} but --store faiss"):
        make_assistant(docs, tmp_path / "idx").search("potash")
    back = make_assistant(docs, tmp_path / "idx")
    report = back.index()
    assert report.moved == (milvus_server, "faiss") and report.embedded == ()
    assert (store.current_build(tmp_path / "idx") / store.VECTORS).is_file()  # type: ignore[operator]
    assert back.search("potash", 1)[0].chunk.document == "a.md"


def test_a_library_past_the_threshold_gets_an_ivf_index_in_milvus_too(
    tmp_path: Path, make_assistant: Callable[..., Assistant], milvus_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pymilvus import MilvusClient

    monkeypatch.setattr(vector_index, "ANN_FROM", 2)  # three passages make a large library here
    docs = _docs(tmp_path, {"a.md": A, "b.md": B, "c.md": C})
    make_assistant(docs, tmp_path / "idx").index()  # local first: the move copies its vectors
    assistant = make_assistant(docs, tmp_path / "idx", store=milvus_server)
    report = assistant.index()
    assert report.moved == ("faiss", milvus_server) and report.embedded == ()
    stored = assistant.stored_index()
    assert stored.manifest.vector_index == {"kind": "ivf-fp16", "lists": 2, "probes": 2}
    name = collection_prefix(stored.directory.name) + CHUNKS
    described = MilvusClient(uri=milvus_server).describe_index(name, "vector")
    assert (described["index_type"], described["params"]) == ("IVF_FLAT", {"nlist": 2})
    assert assistant.search("joint regional grouping of forces", 1)[0].chunk.document == "c.md"
