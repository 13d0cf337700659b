"""Faults: damaged index files, a full disk, builds killed at exact moments, two builds at once.
In every case the previous index keeps answering as before, or the damage is named with the fix."""

from __future__ import annotations

import contextlib
import gc
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from assistant import Assistant, IndexCorruptError, IndexWriteError, checksums, store

from .conftest import ROOT

QUESTION = "Who does the defense industry depend on for contracts?"
REBUILD = "rebuild it with: assistant index --rebuild"


def _index_files(index_dir: Path) -> list[str]:
    """Every file a reader depends on: the pointer and each file of the live build."""
    build = store.current_build(index_dir)
    assert build is not None
    return [store.POINTER] + sorted(str(p.relative_to(index_dir)) for p in build.rglob("*") if p.is_file())


def _flip_middle_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def test_each_damaged_index_file_is_detected_and_named(
    golden_assistant: Assistant, tmp_path: Path, make_assistant: Callable[..., Assistant]
) -> None:
    source = golden_assistant.settings.index_dir
    names = _index_files(source)
    assert {"CURRENT", "vectors.faiss", "sentences.npy", "chunks.jsonl", "pages.jsonl", "manifest.json"} <= {
        Path(n).name for n in names
    }
    for name in names:
        for damage in (_flip_middle_byte, _truncate):
            copy = tmp_path / f"{damage.__name__}-{name.replace('/', '_')}"
            shutil.copytree(source, copy)
            damage(copy / name)
            assistant = make_assistant(golden_assistant.settings.docs_dir, copy)
            with pytest.raises(IndexCorruptError) as raised:
                assistant.ask(QUESTION)
            message = str(raised.value)
            assert message.startswith(f"The index in {copy}/ is damaged (") and message.endswith(REBUILD), message
            with pytest.raises(IndexCorruptError):
                assistant.search(QUESTION)


def test_a_large_files_blocks_are_checked_at_open_or_in_the_background(
    golden_docs: Path, tmp_path: Path, make_assistant: Callable[..., Assistant], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large library's files are checked a few blocks at open and the rest behind it (checksums.py):
    here every file counts as large, in blocks of 4 kB."""
    monkeypatch.setattr(checksums, "WHOLE_BELOW", 0)
    monkeypatch.setattr(checksums, "BLOCK_BYTES", 4096)
    monkeypatch.setattr(checksums.random, "randrange", lambda count: count - 1)  # block 1 is never sampled
    source = tmp_path / "idx"
    make_assistant(golden_docs, source).index()
    build = store.current_build(source)
    assert build is not None
    manifest = store.require_manifest(source)
    assert len(manifest.files["sentences.npy"].blocks) >= 3  # first, last, and one the background checks
    assert store.load(source).verification.wait() is None

    def damaged_copy(name: str, damage: Callable[[Path], None]) -> Path:
        copy = tmp_path / f"{damage.__name__}-{name}"
        shutil.copytree(source, copy)
        damage(copy / build.name / name)
        return copy

    def flip(offset: int) -> Callable[[Path], None]:
        def flip_byte(path: Path) -> None:
            data = bytearray(path.read_bytes())
            data[offset] ^= 0xFF
            path.write_bytes(bytes(data))

        flip_byte.__name__ = f"flip_{offset}"
        return flip_byte

    for damage in (flip(10), _truncate):  # a sampled block, a size: caught at open
        with pytest.raises(IndexCorruptError, match=r"sentences.npy does not match its checksum\) — rebuild it"):
            store.load(damaged_copy("sentences.npy", damage))
    behind = damaged_copy("sentences.npy", flip(4096 + 10))  # block 1: found by the background pass
    opened = store.load(behind)
    with pytest.raises(IndexCorruptError, match=r"sentences.npy does not match its checksum\) — rebuild it"):
        opened.check_intact(wait=True)
    assistant = make_assistant(golden_docs, behind)
    with contextlib.suppress(IndexCorruptError):  # the background pass may have found it already
        assistant.stored_index().verification.wait()
    with pytest.raises(IndexCorruptError):
        assistant.ask(QUESTION)
    # a build does not carry over what it cannot trust: it reads every document again
    docs = tmp_path / "docs"
    shutil.copytree(golden_docs, docs)
    (docs / "new.md").write_text("# New\n\nA document added after the damage.\n", encoding="utf-8")
    rebuilt = make_assistant(docs, behind)
    assert rebuilt.index().full_rebuild_reason == "the previous index is damaged, so everything is read again"
    assert rebuilt.ask(QUESTION).citations


def test_an_edited_manifest_value_is_caught_by_its_checksum(golden_assistant: Assistant, tmp_path: Path) -> None:
    copy = tmp_path / "idx"
    shutil.copytree(golden_assistant.settings.index_dir, copy)
    build = store.current_build(copy)
    assert build is not None
    manifest = json.loads((build / "manifest.json").read_text(encoding="utf-8"))
    manifest["counts"]["chunks"] += 1  # still valid JSON, and every data file still matches
    (build / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(IndexCorruptError, match=r"manifest.json does not match its checksum\) — rebuild it"):
        store.load(copy)


# --- a full disk -------------------------------------------------------------------------------


@pytest.fixture
def small_disk() -> Iterator[Path]:
    """A 512 KB tmpfs: room for the golden index (about 200 KB), not for one with 300 more sentences."""
    mount_point = Path(tempfile.mkdtemp(prefix="small-disk-"))
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", str(mount_point)], capture_output=True, check=False
    )
    if mounted.returncode != 0:
        mount_point.rmdir()
        pytest.skip("cannot mount a tmpfs here (needs root); the failing-write variant covers the same path")
    try:
        yield mount_point
    finally:
        # The test's indexes are memory-mapped (store.py): the maps go with their last reference,
        # which an exception's traceback cycle can hold until the collector runs; a mapped file
        # keeps the tmpfs busy.
        gc.collect()
        subprocess.run(["umount", str(mount_point)], check=True, capture_output=True)
        mount_point.rmdir()


def _many_sentences(path: Path, count: int) -> None:
    path.write_text(
        "\n".join(
            f"Ledger line {i}: shipment {i * 7} of potash left Soligorsk in week {i % 52}." for i in range(count)
        ),
        encoding="utf-8",
    )


def _check_old_index_survives(
    assistant: Assistant, before: object, live: Path | None, index_dir: Path, error: IndexWriteError
) -> None:
    assert str(error).startswith(f"Could not write the new index in {index_dir}/ (")
    assert "the previous index is unchanged and still answers; free some disk space, then run: assistant index" in (
        str(error)
    )
    assert store.current_build(index_dir) == live
    assert not list(index_dir.glob(".staging-*")) and not list(index_dir.glob("*.tmp"))
    assert assistant.ask(QUESTION) == before
    assert not any(c.document == "ledger.txt" for c in assistant.stored_index().chunks)


def test_a_full_disk_leaves_the_previous_index_serving(
    tmp_path: Path, golden_docs: Path, small_disk: Path, make_assistant: Callable[..., Assistant]
) -> None:
    docs = tmp_path / "docs"
    shutil.copytree(golden_docs, docs)
    index_dir = small_disk / "idx"
    assistant = make_assistant(docs, index_dir)
    assistant.index()
    live = store.current_build(index_dir)
    before = assistant.ask(QUESTION)

    _many_sentences(docs / "ledger.txt", 300)  # 0.46 MB of sentence vectors: more than the disk has left
    with pytest.raises(IndexWriteError) as raised:
        assistant.index()
    assert "(No space left on device)" in str(raised.value)
    _check_old_index_survives(make_assistant(docs, index_dir), before, live, index_dir, raised.value)


def test_a_failing_write_leaves_the_previous_index_serving(
    tmp_path: Path, golden_docs: Path, make_assistant: Callable[..., Assistant], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same guarantee where no small disk can be mounted: the write fails as a full disk would."""
    docs = tmp_path / "docs"
    shutil.copytree(golden_docs, docs)
    index_dir = tmp_path / "idx"
    assistant = make_assistant(docs, index_dir)
    assistant.index()
    live = store.current_build(index_dir)
    before = assistant.ask(QUESTION)

    def no_space(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    _many_sentences(docs / "ledger.txt", 20)
    monkeypatch.setattr(store, "_write_jsonl", no_space)
    with pytest.raises(IndexWriteError) as raised:
        assistant.index()
    monkeypatch.undo()
    _check_old_index_survives(make_assistant(docs, index_dir), before, live, index_dir, raised.value)
    assistant.index()  # with the space back, the same build goes through
    assert any(c.document == "ledger.txt" for c in make_assistant(docs, index_dir).stored_index().chunks)


# --- builds killed at exact moments ------------------------------------------------------------

# Runs `assistant index` with one store function wrapped to SIGKILL the process at a named moment:
# a real kill, at a point a timer could only hit by luck.
KILLER = textwrap.dedent(
    """
    import os, signal, sys
    from assistant import build, cli, store

    moment, layout, argv = sys.argv[1], sys.argv[2], sys.argv[3:]
    if layout == "segment":  # the golden library as if it were large: the new document goes into a segment
        build.SEGMENTS_FROM, build.MERGE_SHARE = 0, 100.0

    def die():
        os.kill(os.getpid(), signal.SIGKILL)

    write_jsonl, write_atomic, prune = store._write_jsonl, store._write_atomic, store._prune

    def partial_jsonl(path, rows):
        if moment == "mid-file" and path.name == store.PAGES:
            with open(path, "w", encoding="utf-8") as handle:
                handle.write('{"document": "half a ro')
                handle.flush()
                os.fsync(handle.fileno())
            die()
        return write_jsonl(path, rows)

    def atomic(path, text):
        if (moment, path.name) in {("before-manifest", store.MANIFEST), ("before-pointer", store.POINTER)}:
            die()
        if moment == "mid-pointer" and path.name == store.POINTER:
            path.with_name(path.name + ".tmp").write_text(text[:5], encoding="utf-8")
            die()
        write_atomic(path, text)

    def pruning(index_dir, keep, client=None):
        if moment == "before-prune":
            die()
        prune(index_dir, keep, client)

    store._write_jsonl, store._write_atomic, store._prune = partial_jsonl, atomic, pruning
    sys.exit(cli.main(argv))
    """
)


@pytest.mark.slow
@pytest.mark.parametrize("layout", ["whole", "segment"])
@pytest.mark.parametrize("moment", ["mid-file", "before-manifest", "before-pointer", "mid-pointer", "before-prune"])
def test_a_build_killed_while_writing_leaves_a_whole_index(
    tmp_path: Path, golden_docs: Path, make_assistant: Callable[..., Assistant], moment: str, layout: str
) -> None:
    """Killed writing the library whole, or writing a segment beside the live build's linked files."""
    docs, index_dir = tmp_path / "docs", tmp_path / "idx"
    shutil.copytree(golden_docs, docs)
    assistant = make_assistant(docs, index_dir)
    assistant.index()
    live = store.current_build(index_dir)
    before = assistant.ask(QUESTION)

    _many_sentences(docs / "ledger.txt", 30)
    argv = ["--docs", str(docs), "--index-dir", str(index_dir), "index"]
    killed = subprocess.run(
        [sys.executable, "-c", KILLER, moment, layout, *argv],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr

    after = make_assistant(docs, index_dir)
    if moment == "before-prune":  # the new build was already live: it is whole and holds the new file
        assert store.current_build(index_dir) != live
        assert any(c.document == "ledger.txt" for c in after.stored_index().chunks)
        assert [s.documents for s in after.stored_index().manifest.segments] == (
            [("ledger.txt",)] if layout == "segment" else []
        )
        assert after.ask(QUESTION).citations == before.citations
    else:
        assert store.current_build(index_dir) == live
        assert after.ask(QUESTION) == before

    finished = subprocess.run(
        [str(Path(sys.executable).parent / "assistant"), *argv], capture_output=True, text=True, cwd=ROOT, timeout=600
    )
    assert finished.returncode == 0, finished.stderr
    assert not list(index_dir.glob(".staging-*")) and not list(index_dir.glob("*.tmp"))
    assert len(list(index_dir.glob("build-*"))) <= store.BUILDS_KEPT
    final = make_assistant(docs, index_dir)
    assert any(c.document == "ledger.txt" for c in final.stored_index().chunks)
    assert final.ask(QUESTION).citations == before.citations
    assert os.path.exists(index_dir / store.POINTER)
