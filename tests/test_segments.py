"""A large library grows by segments (store.py): a build that only adds documents writes theirs as a
segment and hard-links the live build's files, and the library answers as if it had been rewritten.

The Docugami filings (2,237 passages) stand in for a large library, with build.SEGMENTS_FROM lowered."""

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from assistant import Assistant, build, store
from assistant.errors import IndexCorruptError
from assistant.evaluation.evalsets import read_questions
from assistant.types import Chunk

from .conftest import DOCUGAMI, run_cli, shared_data

QUESTIONS = read_questions(shared_data(DOCUGAMI / "qna_subset_AAPL_AMZN_NVDA.csv"))


def _key(chunk: Chunk) -> tuple[str, int, int, int]:
    return chunk.document, chunk.page_start, chunk.char_start, chunk.char_end


def _copy(source: Assistant, to: Path, held_back: list[str]) -> Path:
    """A copy of the Docugami library's documents folder and index, the named filings moved aside."""
    docs = to / "docs"
    shutil.copytree(source.settings.docs_dir, docs)
    shutil.copytree(source.settings.index_dir, to / "idx", ignore=shutil.ignore_patterns(".lock"))
    for name in held_back:
        (docs / name).rename(to / name)
    return docs


@pytest.fixture
def growing(
    docugami_assistant: Assistant,
    make_assistant: Callable[..., Assistant],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> tuple[Assistant, list[str], Path]:
    """The Docugami library without two filings, rewritten as one base (nothing embedded), then with
    segments allowed from 1,000 passages."""
    names = sorted(p.name for p in docugami_assistant.settings.docs_dir.iterdir())
    held_back = [names[0], names[5]]
    docs = _copy(docugami_assistant, tmp_path, held_back)
    assistant = make_assistant(docs, tmp_path / "idx")
    report = assistant.index()
    assert sorted(report.removed) == held_back and not assistant.stored_index().manifest.in_parts
    monkeypatch.setattr(build, "SEGMENTS_FROM", 1000)
    return assistant, held_back, tmp_path


def test_adding_a_document_writes_a_segment_and_links_the_rest(growing: tuple[Assistant, list[str], Path]) -> None:
    assistant, held_back, root = growing
    before = assistant.stored_index()
    embedded = assistant.embedder.texts_embedded
    (root / held_back[0]).rename(assistant.settings.docs_dir / held_back[0])
    report = assistant.index()
    assert report.added == (held_back[0],) and not report.full_rebuild_reason

    stored = assistant.stored_index()
    (segment,) = stored.manifest.segments
    assert segment.documents == (held_back[0],) and segment.vector_index == {"kind": "flat"}
    # A format of its own, which a version of the assistant from before segments refuses.
    assert json.loads((stored.directory / store.MANIFEST).read_text(encoding="utf-8"))["format_version"] == 4
    assert stored.manifest.format_version == store.FORMAT_VERSION == 3
    new_passages = dict(report.embedded)[held_back[0]]
    added = stored.chunks[len(before.chunks) :]
    # Only the new filing's passages and sentences were embedded, as an incremental build does.
    sentences = {span for c in added for span in c.sentences}
    assert new_passages < assistant.embedder.texts_embedded - embedded <= new_passages + len(sentences)
    assert len(stored.chunks) == len(before.chunks) + new_passages == stored.manifest.chunks
    # The base is the live build's files, linked, with their checksums: nothing of it was rewritten.
    base = {name: f for name, f in before.manifest.files.items() if not name.startswith(store.DOCUMENT_BM25_DIR)}
    assert base and all(stored.manifest.files[name] == f for name, f in base.items())
    for name in base:
        assert os.stat(stored.directory / name).st_ino == os.stat(before.directory / name).st_ino, name
    written = {name.split("/")[0] for name in stored.manifest.files if name not in base}
    assert written == {segment.folder, store.DOCUMENT_BM25_DIR}
    # Its rows follow the base's; its pages are cited from its own page table.
    assert {c.document for c in added} == {held_back[0]}
    answer = assistant.ask(f"What were the total net sales in the {held_back[0].split('_')[0]} filing?")
    pages = [stored.page(c.document, c.page_start).text[c.char_start : c.char_end] for c in answer.citations]
    assert answer.citations and pages == [c.excerpt for c in answer.citations]


def test_a_library_in_segments_answers_as_the_same_library_written_whole(
    growing: tuple[Assistant, list[str], Path],
    docugami_assistant: Assistant,
    make_assistant: Callable[..., Assistant],
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """Two filings added one build each (two segments) against all twelve in one base: the same
    passages found, with the same BM25 scores (the library's statistics, not each segment's), the same
    cosines, and the same citations."""
    assistant, held_back, root = growing
    for name in held_back:
        (root / name).rename(assistant.settings.docs_dir / name)
        assert assistant.index().added == (name,)
    segmented = assistant.stored_index()
    assert [s.documents for s in segmented.manifest.segments] == [(held_back[0],), (held_back[1],)]
    whole = docugami_assistant.stored_index()
    assert not whole.manifest.segments and len(whole.chunks) == len(segmented.chunks)
    assert sorted(map(_key, whole.chunks)) == sorted(map(_key, segmented.chunks))
    _same_answers(docugami_assistant, assistant)


def _same_answers(whole: Assistant, segmented: Assistant) -> None:
    """The same passages found for every Docugami question by BM25 and by the vectors, with the same
    scores, and the same citations."""
    one, other = whole.stored_index(), segmented.stored_index()
    for question in QUESTIONS:
        query = whole.embedder.embed_query(question.question)
        for search in ("search_lexical", "search_vectors"):
            asked = question.question if search == "search_lexical" else query
            a = {_key(one.chunks[row]): score for row, score in getattr(one, search)(asked, 50)}
            b = {_key(other.chunks[row]): score for row, score in getattr(other, search)(asked, 50)}
            # The same scores; which passages hold the 50th place can differ only by a tie.
            assert np.allclose(sorted(a.values()), sorted(b.values()), rtol=1e-5), (search, question.question)
            shared = a.keys() & b.keys()
            assert len(shared) >= 45 and all(abs(a[k] - b[k]) <= 1e-5 * abs(a[k]) for k in shared)
        cited = [
            [(c.document, c.page_start, c.excerpt) for c in x.ask(question.question).citations]
            for x in (whole, segmented)
        ]
        assert cited[0] == cited[1], question.question


def test_segments_merge_into_one_and_then_into_the_base(
    growing: tuple[Assistant, list[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    assistant, held_back, root = growing
    monkeypatch.setattr(build, "SEGMENTS_KEPT", 1)
    base = os.stat(assistant.stored_index().directory / store.CHUNKS).st_ino  # the base's chunk table
    embedded = assistant.embedder.texts_embedded
    for name in held_back:
        (root / name).rename(assistant.settings.docs_dir / name)
        assistant.index()
    # The second segment would be one too many: the first is merged with it, the base still linked.
    stored = assistant.stored_index()
    (segment,) = stored.manifest.segments
    assert segment.documents == tuple(sorted(held_back))
    assert os.stat(stored.directory / store.CHUNKS).st_ino == base
    after_adds = assistant.embedder.texts_embedded
    # Once the segments would hold more than MERGE_SHARE of the base, everything is one base again,
    # carried (nothing embedded).
    monkeypatch.setattr(build, "MERGE_SHARE", 0.0)
    extra = root / "note.md"
    extra.write_text("# A note\n\nThe note says that segments merge into the base.\n", encoding="utf-8")
    extra.rename(assistant.settings.docs_dir / "note.md")
    report = assistant.index()
    merged = assistant.stored_index()
    assert report.added == ("note.md",) and not merged.manifest.segments
    assert json.loads((merged.directory / store.MANIFEST).read_text(encoding="utf-8"))["format_version"] == 3
    assert os.stat(merged.directory / store.CHUNKS).st_ino != base
    assert len(merged.chunks) == len(stored.chunks) + 1 and assistant.embedder.texts_embedded - after_adds <= 3
    assert assistant.embedder.texts_embedded > embedded
    assert [c.document for c in merged.chunks] == sorted(c.document for c in merged.chunks)  # path order again


def test_documents_taken_out_or_changed_stay_in_their_files_skipped(
    growing: tuple[Assistant, list[str], Path],
    docugami_assistant: Assistant,
    make_assistant: Callable[..., Assistant],
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A filing of the base and the segment's filing taken out, and one of the base changed (its bytes,
    not its text): nothing rewritten, the changed filing alone read and embedded, and the library answers
    as the same filings written whole do. Then, past MERGE_SHARE, it is written whole again."""
    assistant, held_back, root = growing
    docs = assistant.settings.docs_dir
    (root / held_back[0]).rename(docs / held_back[0])
    assistant.index()
    before = assistant.stored_index()
    (segment,) = before.manifest.segments
    out, changed = [d.path for d in before.manifest.documents if d.path not in held_back][:2]
    (docs / out).unlink()
    (docs / held_back[0]).unlink()
    with open(docs / changed, "ab") as handle:
        handle.write(b"\n% the same filing, saved again\n")
    embedded = assistant.embedder.texts_embedded
    monkeypatch.setattr(build, "MERGE_SHARE", 1.0)  # a fifth of this small library is taken out
    report = assistant.index()
    assert sorted(report.removed) == sorted([out, held_back[0]]) and report.changed == (changed,)
    stored = assistant.stored_index()
    assert [(r.part, r.path) for r in stored.manifest.removed] == sorted(
        [("", out), ("", changed), (segment.folder, held_back[0])]
    )
    assert stored.manifest.segments[0] == segment and stored.manifest.segments[1].documents == (changed,)
    assert 0 < assistant.embedder.texts_embedded - embedded < 2000  # the changed filing, not the library
    for name in (store.CHUNKS, f"{segment.folder}/{store.CHUNKS}"):  # linked, removed rows and all
        assert os.stat(stored.directory / name).st_ino == os.stat(before.directory / name).st_ino
    assert out not in stored.pages and held_back[0] not in stored.pages
    status = assistant.status()
    assert (status.segments, status.removed_chunks) == (2, sum(r.chunks for r in stored.manifest.removed))
    assert status.chunks == stored.manifest.chunks < len(stored.chunks)
    shown = run_cli("--docs", str(docs), "--index-dir", str(assistant.settings.index_dir), "status").stdout
    assert f"In 3 parts (the base and 2 segment(s) added since); {status.removed_chunks} chunks of" in shown
    found = {stored.chunks[row].document for q in QUESTIONS for row, _ in stored.search_lexical(q.question, 200)}
    assert found.isdisjoint({out, held_back[0]})

    reference = tmp_path_factory.mktemp("reference")
    monkeypatch.setattr(build, "SEGMENTS_FROM", 10**9)  # the same filings, written whole
    whole = make_assistant(_copy(docugami_assistant, reference, [out, *held_back]), reference / "idx")
    assert whole.index().removed and not whole.stored_index().manifest.in_parts
    _same_answers(whole, assistant)

    # Removed rows past MERGE_SHARE of the base: everything written whole again, nothing embedded.
    monkeypatch.setattr(build, "SEGMENTS_FROM", 1000)
    monkeypatch.setattr(build, "MERGE_SHARE", 0.0)
    embedded = assistant.embedder.texts_embedded
    (docs / changed).unlink()
    report = assistant.index()
    rewritten = assistant.stored_index()
    assert report.removed == (changed,) and not rewritten.manifest.in_parts
    assert assistant.embedder.texts_embedded == embedded
    assert (
        len(rewritten.chunks)
        == rewritten.manifest.chunks
        == stored.manifest.chunks - dict(report_chunks(stored))[changed]
    )


def report_chunks(stored: store.StoredIndex) -> list[tuple[str, int]]:
    return [(d.path, d.chunks) for d in stored.manifest.documents]


def test_a_damaged_segment_is_caught_on_load(growing: tuple[Assistant, list[str], Path]) -> None:
    assistant, held_back, root = growing
    (root / held_back[0]).rename(assistant.settings.docs_dir / held_back[0])
    assistant.index()
    stored = assistant.stored_index()
    path = stored.directory / stored.manifest.segments[0].folder / store.CHUNKS
    data = bytearray(path.read_bytes())
    data[100] ^= 1
    path.unlink()  # a new file: the live build's link is not this test's to damage
    path.write_bytes(bytes(data))
    with pytest.raises(IndexCorruptError, match="chunks.jsonl does not match its checksum"):
        store.load(assistant.settings.index_dir)


def test_a_segment_names_only_documents_of_its_build(growing: tuple[Assistant, list[str], Path]) -> None:
    assistant, held_back, root = growing
    (root / held_back[0]).rename(assistant.settings.docs_dir / held_back[0])
    assistant.index()
    build_dir = store.current_build(assistant.settings.index_dir)
    assert build_dir is not None
    manifest = json.loads((build_dir / store.MANIFEST).read_text(encoding="utf-8"))
    manifest["segments"][0]["documents"] = ["not-a-document.pdf"]
    del manifest["checksum"]
    (build_dir / store.MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(IndexCorruptError, match="segment"):
        store.load(assistant.settings.index_dir)


def test_a_removed_document_is_one_its_segment_holds(growing: tuple[Assistant, list[str], Path]) -> None:
    assistant, held_back, root = growing
    (root / held_back[0]).rename(assistant.settings.docs_dir / held_back[0])
    assistant.index()
    build_dir = store.current_build(assistant.settings.index_dir)
    assert build_dir is not None
    manifest = json.loads((build_dir / store.MANIFEST).read_text(encoding="utf-8"))
    folder = manifest["segments"][0]["folder"]
    manifest["removed"] = [{"path": "not-a-document.pdf", "part": folder, "chunks": 3, "pages": 1}]
    del manifest["checksum"]
    (build_dir / store.MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(IndexCorruptError, match="removed document"):
        store.load(assistant.settings.index_dir)


def test_compact_writes_a_library_in_segments_whole_again(growing: tuple[Assistant, list[str], Path]) -> None:
    """`assistant index --compact`: the segments merged and removed rows dropped, nothing embedded; a
    library already whole is up to date."""
    assistant, held_back, root = growing
    for name in held_back:
        (root / name).rename(assistant.settings.docs_dir / name)
        assistant.index()
    (assistant.settings.docs_dir / held_back[0]).unlink()
    assistant.index()
    segmented = assistant.stored_index()
    assert len(segmented.manifest.segments) == 2 and segmented.manifest.removed
    where = ["--docs", str(assistant.settings.docs_dir), "--index-dir", str(assistant.settings.index_dir)]
    result = run_cli(*where, "index", "--compact")
    assert result.returncode == 0, result.stderr
    assert "Library written whole again: its segments merged, removed documents' rows dropped." in result.stdout
    compacted = make_fresh(assistant).stored_index()
    assert not compacted.manifest.in_parts and len(compacted.chunks) == segmented.manifest.chunks
    assert sorted(map(_key, compacted.chunks)) == sorted(
        _key(segmented.chunks[row]) for start, stop in (segmented.runs() or {}).values() for row in range(start, stop)
    )
    assert "Index is up to date" in run_cli(*where, "index", "--compact").stdout


def make_fresh(assistant: Assistant) -> Assistant:
    return Assistant(assistant.settings, embedder=assistant.embedder)
