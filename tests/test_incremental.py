"""Incremental rebuilds: only what changed is read and embedded, and answers follow the change."""

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from assistant import Assistant, build, config, lexical, store
from assistant.build import describe
from assistant.errors import DocumentError, IndexMismatchError
from assistant.reading import ingest
from assistant.reading.chunking import TEXT_CHANGES, TEXT_VERSION

from . import pdfs

A = "# Trade\n\nBelarus exports potash fertiliser through the port of Klaipeda.\n"
B_OLD = "# Energy\n\nRussia supplies natural gas to Belarus at a discount.\n"
B_NEW = "# Energy\n\nThe Astravets nuclear power plant was completed with a Russian loan.\n"
D = "# Military\n\nA joint regional grouping of forces was created in 2021.\n"


def _docs(tmp_path: Path, files: dict[str, str]) -> Path:
    docs = tmp_path / "docs"
    docs.mkdir()
    for name, text in files.items():
        (docs / name).write_text(text, encoding="utf-8")
    return docs


def _embedded(assistant: Assistant) -> int:
    return assistant.embedder.texts_embedded


def test_add_change_remove(tmp_path: Path, make_assistant: Callable[..., Assistant], store_setting: str) -> None:
    docs = _docs(tmp_path, {"a.md": A, "b.md": B_OLD})
    pdfs.golden_report(docs / "c.pdf")
    assistant = make_assistant(docs, tmp_path / "idx", store=store_setting)
    first = assistant.index()
    assert first.added == ("a.md", "b.md", "c.pdf")
    old = assistant.stored_index()
    old_a_vectors = old.all_vectors()[[i for i, c in enumerate(old.chunks) if c.document == "a.md"]]
    assert assistant.ask("How is natural gas priced for Belarus?").citations[0].document == "b.md"

    (docs / "b.md").write_text(B_NEW, encoding="utf-8")
    (docs / "c.pdf").unlink()
    (docs / "d.md").write_text(D, encoding="utf-8")
    before = _embedded(assistant)
    report = assistant.index()

    assert (report.added, report.changed, report.removed, report.unchanged) == (
        ("d.md",),
        ("b.md",),
        ("c.pdf",),
        ("a.md",),
    )
    assert dict(report.embedded).keys() == {"b.md", "d.md"}
    stored = assistant.stored_index()
    new_rows = [c for c in stored.chunks if c.document in ("b.md", "d.md")]
    assert len(new_rows) == sum(dict(report.embedded).values())
    # each new chunk and each of its sentences (once, though overlapping chunks share some)
    sentences = {(c.document, *span) for c in new_rows for span in c.sentences}
    assert _embedded(assistant) - before == len(new_rows) + len(sentences)
    assert {c.document for c in stored.chunks} == {"a.md", "b.md", "d.md"}
    a_vectors = stored.all_vectors()[[i for i, c in enumerate(stored.chunks) if c.document == "a.md"]]
    assert np.array_equal(a_vectors, old_a_vectors)  # copied, not recomputed

    nuclear = assistant.ask("How was the nuclear power plant financed?")
    assert nuclear.citations[0].document == "b.md"
    assert "Russian loan" in nuclear.citations[0].excerpt
    assert all("natural gas" not in c.excerpt for c in assistant.ask("natural gas discount").citations)
    grouping = assistant.ask("When was the joint regional grouping of forces created?")
    assert grouping.citations[0].document == "d.md"
    assert all(c.document != "c.pdf" for c in assistant.ask("When was the union treaty signed?").citations)


def test_no_change_rebuild_touches_nothing(
    tmp_path: Path, make_assistant: Callable[..., Assistant], store_setting: str
) -> None:
    docs = _docs(tmp_path, {"a.md": A})
    assistant = make_assistant(docs, tmp_path / "idx", store=store_setting)
    assistant.index()
    live = store.current_build(tmp_path / "idx")
    before = _embedded(assistant)
    report = assistant.index()
    assert report.up_to_date and report.unchanged == ("a.md",) and report.embedded == ()
    assert _embedded(assistant) == before
    assert store.current_build(tmp_path / "idx") == live


def test_settings_change_or_rebuild_flag_rebuilds_everything(
    tmp_path: Path, make_assistant: Callable[..., Assistant]
) -> None:
    docs = _docs(tmp_path, {"a.md": A})
    make_assistant(docs, tmp_path / "idx").index()
    again = make_assistant(docs, tmp_path / "idx").index(rebuild=True)
    assert again.full_rebuild_reason == "--rebuild was asked for"
    assert again.added == ("a.md",)
    other = make_assistant(docs, tmp_path / "idx", chunk_tokens=120).index()
    assert other.full_rebuild_reason == (
        f"the chunking settings changed ({{'chunk_tokens': 200, 'overlap_tokens': 40, 'text': {TEXT_VERSION}}} -> "
        f"{{'chunk_tokens': 120, 'overlap_tokens': 40, 'text': {TEXT_VERSION}}})"
    )
    assert dict(other.embedded) == {"a.md": 1}


def test_an_index_read_by_the_previous_text_version_is_read_again_once_and_the_report_says_why(
    tmp_path: Path, make_assistant: Callable[..., Assistant], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An index built before footnotes and running heads were told apart (text version 3) holds pages
    without regions: the next build reads every document again, once, and says what changed."""
    docs = _docs(tmp_path, {"a.md": A})
    monkeypatch.setattr(config, "TEXT_VERSION", TEXT_VERSION - 1)
    make_assistant(docs, tmp_path / "idx").index()
    monkeypatch.setattr(config, "TEXT_VERSION", TEXT_VERSION)
    report = make_assistant(docs, tmp_path / "idx").index()
    assert report.full_rebuild_reason == (
        f"{TEXT_CHANGES[TEXT_VERSION]} (text version {TEXT_VERSION - 1} -> {TEXT_VERSION}), so every document "
        "is read again"
    )
    assert dict(report.embedded) == {"a.md": 1}
    assert f"Full rebuild: {TEXT_CHANGES[TEXT_VERSION]}" in describe(report)
    assert make_assistant(docs, tmp_path / "idx").index().up_to_date  # once


def test_bad_file_is_skipped_and_not_reread_until_it_changes(
    tmp_path: Path, make_assistant: Callable[..., Assistant]
) -> None:
    docs = _docs(tmp_path, {"a.md": A})
    (docs / "bad.pdf").write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 4)
    assistant = make_assistant(docs, tmp_path / "idx")
    report = assistant.index()
    assert report.added == ("a.md",)
    assert [name for name, _ in report.skipped] == ["bad.pdf"]
    assert report.skipped[0][1].startswith(f"{docs.as_posix()}/bad.pdf: cannot be read as a PDF")
    assert assistant.status().skipped[0]["path"] == "bad.pdf"
    again = assistant.index()
    assert again.up_to_date and again.skipped == report.skipped
    pdfs.write_pdf(docs / "bad.pdf", [["Now a real PDF about grain exports."]])
    fixed = assistant.index()
    assert fixed.added == ("bad.pdf",) and fixed.skipped == ()


def test_a_damaged_index_is_rebuilt_instead_of_copied_from(
    tmp_path: Path, make_assistant: Callable[..., Assistant]
) -> None:
    docs = _docs(tmp_path, {"a.md": A})
    assistant = make_assistant(docs, tmp_path / "idx")
    assistant.index()
    build = store.current_build(tmp_path / "idx")
    assert build is not None
    (build / "vectors.faiss").write_bytes(b"garbage")
    (docs / "d.md").write_text(D, encoding="utf-8")
    report = assistant.index()
    assert report.full_rebuild_reason == "the previous index is damaged, so everything is read again"
    assert report.added == ("a.md", "d.md")
    assert assistant.ask("When was the joint regional grouping of forces created?").citations[0].document == "d.md"


def test_new_bm25_settings_rebuild_bm25_without_embedding_again(
    tmp_path: Path, make_assistant: Callable[..., Assistant], monkeypatch: pytest.MonkeyPatch
) -> None:
    docs = _docs(tmp_path, {"a.md": A, "b.md": B_OLD})
    assistant = make_assistant(docs, tmp_path / "idx")
    assistant.index()
    assert assistant.index().up_to_date
    before = _embedded(assistant)
    # An upgrade that changes BM25's parameters: the next build writes a new BM25, embeds nothing.
    changed = {**lexical.SETTINGS, "k1": 1.2}
    monkeypatch.setattr(lexical, "SETTINGS", changed)
    monkeypatch.setattr(build, "LEXICAL_SETTINGS", changed)
    report = assistant.index()
    assert not report.up_to_date and report.full_rebuild_reason == "" and report.chunks == 2
    assert _embedded(assistant) == before
    assert store.read_manifest(tmp_path / "idx").lexical["k1"] == 1.2  # type: ignore[union-attr]
    assert assistant.search("potash fertiliser")[0].chunk.document == "a.md"
    assert assistant.index().up_to_date


def test_an_index_of_the_previous_format_is_upgraded_without_embedding_again(
    tmp_path: Path, make_assistant: Callable[..., Assistant]
) -> None:
    docs = _docs(tmp_path, {"a.md": A, "b.md": B_OLD})
    assistant = make_assistant(docs, tmp_path / "idx")
    assistant.index()
    # Make it what format 2 wrote: no document-level BM25.
    build_dir = store.current_build(tmp_path / "idx")
    assert build_dir is not None
    shutil.rmtree(build_dir / store.DOCUMENT_BM25_DIR)
    manifest = json.loads((build_dir / store.MANIFEST).read_text(encoding="utf-8"))
    manifest["format_version"] = 2
    del manifest["checksum"]  # format 2 had no manifest checksum
    manifest["files"] = {k: v for k, v in manifest["files"].items() if not k.startswith(store.DOCUMENT_BM25_DIR)}
    (build_dir / store.MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")

    fresh = make_assistant(docs, tmp_path / "idx")
    with pytest.raises(IndexMismatchError, match="update it with: assistant index"):
        fresh.search("potash")
    before = _embedded(fresh)
    report = fresh.index()
    assert not report.up_to_date and report.full_rebuild_reason == "" and report.unchanged == ("a.md", "b.md")
    assert _embedded(fresh) == before
    assert fresh.stored_index().document_lexical is not None
    assert fresh.search("potash fertiliser")[0].chunk.document == "a.md"


def test_pdfs_read_in_processes_are_the_documents_read_in_this_one(tmp_path: Path) -> None:
    """Two PDFs or more are read by a process per core; what comes back, failures included, is what
    ingest reads here, in the plan's order."""
    docs = _docs(tmp_path, {"a.md": A})
    pdfs.golden_report(docs / "report.pdf")
    pdfs.write_pdf(docs / "second.pdf", [["Minsk hosted the talks in 2014."], ["A second page."]])
    (docs / "broken.pdf").write_bytes(b"%PDF-1.7\nthis is not a PDF body at all\n" * 20)
    files, _ = build.scan(docs)
    plan = build._plan(files, None)
    read = build._read(plan, docs, None)
    expected = [ingest.read_document(f.path, f.name) for f in files if f.name != "broken.pdf"]
    assert read == expected
    assert list(plan.failed) == ["broken.pdf"]
    with pytest.raises(DocumentError) as error:
        ingest.read_document(docs / "broken.pdf", "broken.pdf")
    assert plan.failed["broken.pdf"][1] == f"{docs / 'broken.pdf'}: {error.value.reason}"


def test_a_script_without_a_main_guard_is_not_run_again_by_the_readers(tmp_path: Path) -> None:
    """The readers are `python -m assistant.reading.read_worker` processes, not a spawned pool, which would
    import the caller's script (and so index again) in each of them."""
    docs = tmp_path / "docs"
    docs.mkdir()
    pdfs.golden_report(docs / "one.pdf")
    pdfs.write_pdf(docs / "two.pdf", [["Minsk hosted the talks in 2014."]])
    script = tmp_path / "index_docs.py"
    script.write_text(
        "from pathlib import Path\n"
        "from assistant import Assistant, Settings\n"
        "print('RUN', flush=True)\n"
        f"settings = Settings(docs_dir=Path({str(docs)!r}), index_dir=Path({str(tmp_path / 'idx')!r}))\n"
        "report = Assistant(settings).index()\n"
        "print('DOCS', report.documents)\n",
        encoding="utf-8",
    )
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("RUN") == 1 and "DOCS 2" in result.stdout


def test_bm25_carried_over_is_the_bm25_made_from_every_text(
    tmp_path: Path, make_assistant: Callable[..., Assistant], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build keeps each passage's BM25 terms, so the next one makes terms only for what it read; its
    BM25 scores every passage as a build from scratch does."""
    docs = _docs(tmp_path, {"a.md": A, "b.md": B_OLD})
    pdfs.golden_report(docs / "c.pdf")
    assistant = make_assistant(docs, tmp_path / "idx")
    assistant.index()
    made: list[str] = []
    terms_of = lexical.Terms.of
    monkeypatch.setattr(lexical.Terms, "of", staticmethod(lambda texts: made.extend(texts) or terms_of(texts)))
    (docs / "b.md").write_text(B_NEW, encoding="utf-8")
    (docs / "d.md").write_text(D, encoding="utf-8")
    (docs / "a.md").unlink()
    report = assistant.index()
    assert report.changed == ("b.md",) and report.added == ("d.md",) and report.unchanged == ("c.pdf",)
    incremental = assistant.stored_index()
    new_texts = {c.search_text for c in incremental.chunks if c.document in ("b.md", "d.md")}
    kept_texts = {c.search_text for c in incremental.chunks if c.document == "c.pdf"}
    assert new_texts <= set(made) and not kept_texts & set(made)

    scratch = make_assistant(docs, tmp_path / "scratch")
    scratch.index()
    assert [c.search_text for c in incremental.chunks] == [c.search_text for c in scratch.stored_index().chunks]
    for words in ("Belarus Russia", "nuclear power plant loan", "joint regional grouping of forces 2021", "gas"):
        assert incremental.search_lexical(words, 50) == scratch.stored_index().search_lexical(words, 50)

    # A build written before the terms were kept (no term files): they are made from the texts.
    build_dir = store.current_build(tmp_path / "idx")
    assert build_dir is not None
    manifest = json.loads((build_dir / store.MANIFEST).read_text(encoding="utf-8"))
    for name in (lexical.TERM_IDS, lexical.TERM_STARTS):
        (build_dir / store.BM25_DIR / name).unlink()
        del manifest["files"][f"{store.BM25_DIR}/{name}"]
    del manifest["checksum"]
    (build_dir / store.MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    (docs / "e.md").write_text(A, encoding="utf-8")
    made.clear()
    assert make_assistant(docs, tmp_path / "idx").index().added == ("e.md",)
    assert kept_texts <= set(made)
    scratch.index()
    rebuilt = make_assistant(docs, tmp_path / "idx").stored_index()
    assert rebuilt.search_lexical("potash Klaipeda", 50) == scratch.stored_index().search_lexical("potash Klaipeda", 50)
