"""The `assistant` command through its real console script, with the index in a temp folder."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from assistant import store

from . import pdfs
from .conftest import BUNDLED_SUMMARY, ROOT, run_cli
from .test_ingest import make_bad_file


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A docs folder with the golden PDF and the bundled summary, indexed by `assistant index`."""
    root = tmp_path_factory.mktemp("cli")
    docs, index_dir = root / "docs", root / "idx"
    pdfs.golden_report(docs / "report.pdf")
    (docs / BUNDLED_SUMMARY.name).write_bytes(BUNDLED_SUMMARY.read_bytes())
    result = run_cli("--docs", str(docs), "--index-dir", str(index_dir), "index")
    assert result.returncode == 0, result.stderr
    assert "  added      belarus-russia-relations-summary.md (" in result.stdout
    assert "  added      report.pdf (" in result.stdout
    assert "Index ready: 2 documents, 6 pages," in result.stdout
    return docs, index_dir


def test_search_json_contract(built: tuple[Path, Path]) -> None:
    docs, index_dir = built
    result = run_cli(
        "search",
        "Where are optical components made?",
        "--top-k",
        "3",
        "--json",
        env={"ASSISTANT_DOCS": str(docs), "ASSISTANT_INDEX_DIR": str(index_dir)},
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["question"] == "Where are optical components made?"
    assert len(data["hits"]) == 3
    first = data["hits"][0]
    assert {"rank", "score", "document", "page_start", "page_end", "page_label", "section", "text"} <= set(first)
    assert (first["rank"], first["document"], first["page_start"], first["page_label"]) == (1, "report.pdf", 4, "2")
    assert [h["rank"] for h in data["hits"]] == [1, 2, 3]


def test_ask_json_contract(built: tuple[Path, Path]) -> None:
    docs, index_dir = built
    result = run_cli(
        "--docs", str(docs), "ask", "What was the watershed year?", "--json", "--index-dir", str(index_dir)
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {"question", "answer", "covered", "citations"}
    assert data["covered"] is True
    citation = data["citations"][0]
    assert {
        "key",
        "document",
        "page_start",
        "page_end",
        "page_label",
        "section",
        "excerpt",
        "char_start",
        "char_end",
    } <= set(citation)
    assert citation["key"] == 1 and "[1]" in data["answer"]
    assert "2020" in citation["excerpt"]
    page_text = (docs / BUNDLED_SUMMARY.name).read_text(encoding="utf-8")
    assert citation["excerpt"] in page_text


def test_ask_text_shows_citations_under_the_answer(built: tuple[Path, Path]) -> None:
    docs, index_dir = built
    result = run_cli(
        "--docs",
        str(docs),
        "--index-dir",
        str(index_dir),
        "ask",
        "Who does the defense industry depend on for contracts?",
    )
    assert result.returncode == 0, result.stderr
    answer, citations = result.stdout.split("\n\n", 1)
    assert "[1]" in answer
    assert citations.startswith("[1] report.pdf, p. 2 (PDF p. 4) — Chapter Two: Industry\n")
    assert "contracts from Moscow" in citations


def test_interactive_ask_reads_questions_until_an_empty_line(built: tuple[Path, Path]) -> None:
    docs, index_dir = built
    result = subprocess.run(
        [str(Path(sys.executable).parent / "assistant"), "--docs", str(docs), "--index-dir", str(index_dir), "ask"],
        input="When was the union treaty signed?\nIs the railway gauge the same?\n\n",
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    assert "spring of 1999" in result.stdout and "railway gauge" in result.stdout


def test_status(built: tuple[Path, Path]) -> None:
    docs, index_dir = built
    result = run_cli("--docs", str(docs), "--index-dir", str(index_dir), "status", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert (data["documents"], data["pages"], data["model"]) == (2, 6, "all-MiniLM-L6-v2")
    assert data["chunks"] > 5 and data["built_at"]
    report = next(source for source in data["sources"] if source["path"] == "report.pdf")
    assert (report["pages"], len(report["chars_per_page"]), report["empty_pages"]) == (5, 5, [])
    text = run_cli("--docs", str(docs), "--index-dir", str(index_dir), "status").stdout
    assert "2 documents, 6 pages" in text and "report.pdf: 5 pages" in text


def test_commands_that_need_no_model_do_not_import_it(built: tuple[Path, Path]) -> None:
    """--help, status and a no-change index must stay instant: no torch, no sentence-transformers."""
    docs, index_dir = built
    code = (
        "import sys\n"
        "from assistant.cli import main\n"
        f"args = ['--docs', {str(docs)!r}, '--index-dir', {str(index_dir)!r}]\n"
        "assert main(args + ['status']) == 0\n"
        "assert main(args + ['index']) == 0\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('torch', 'sentence_transformers', 'transformers', 'gradio') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert "Index is up to date: 2 documents, 6 pages" in result.stdout


def _error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_no_documents(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    result = run_cli("--docs", str(tmp_path / "docs"), "--index-dir", str(tmp_path / "idx"), "index")
    assert _error(result) == (
        f"error: No documents to index in {tmp_path / 'docs'}/ — put PDF, TXT or MD files there (or point --docs "
        "at a folder that has them), then run: assistant index"
    )


def test_missing_documents_folder(tmp_path: Path) -> None:
    result = run_cli("--docs", str(tmp_path / "nowhere"), "--index-dir", str(tmp_path / "idx"), "index")
    assert _error(result) == (
        f"error: The documents folder {tmp_path / 'nowhere'}/ does not exist — create it and put PDF, TXT or MD "
        "files in it, or point --docs at the folder that has them"
    )


@pytest.mark.parametrize("command", ["search", "ask"])
def test_no_index_yet(tmp_path: Path, command: str) -> None:
    result = run_cli("--index-dir", str(tmp_path / "idx"), command, "anything")
    assert _error(result) == f"error: No index in {tmp_path / 'idx'}/ yet — build one with: assistant index"


def test_status_without_index(tmp_path: Path) -> None:
    result = run_cli("--index-dir", str(tmp_path / "idx"), "status")
    assert _error(result) == f"error: No index in {tmp_path / 'idx'}/ yet — build one with: assistant index"


BAD_REASONS = {
    "broken.pdf": "broken.pdf: cannot be read as a PDF; it may be damaged or incomplete (",
    "secret.pdf": "secret.pdf: the PDF is password-protected — save a copy without a password (for example with "
    "'Print to PDF') into the documents folder, then run: assistant index",
    "scan.pdf": "scan.pdf: no extractable text on any of its 2 pages (probably scanned images); OCR is not "
    "supported — add a version with a text layer, or a .txt copy",
    "empty.pdf": "empty.pdf: the file is empty — replace it with the real document or remove it",
    "notes.docx": "notes.docx: unsupported file type '.docx' — save it as PDF, TXT or MD, or move it out of the folder",
    "fake.pdf": "fake.pdf: not a PDF (it starts with 'just some text,') — replace it with the real PDF, or give "
    "it the right extension",
}


@pytest.mark.parametrize("name", sorted(BAD_REASONS))
def test_a_lone_bad_file_fails_the_build_with_its_reason(tmp_path: Path, name: str) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    make_bad_file(docs, name)
    result = run_cli("--docs", str(docs), "--index-dir", str(tmp_path / "idx"), "index")
    line = _error(result)
    assert line.startswith(f"error: Nothing could be indexed in {docs}/: {docs}/{BAD_REASONS[name]}")
    assert not (tmp_path / "idx" / store.POINTER).exists()


def test_bad_files_are_skipped_and_the_rest_is_indexed(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "good.md").write_text("# Good\n\nThe good file mentions the Zubr bison reserve.\n", encoding="utf-8")
    for name in BAD_REASONS:
        make_bad_file(docs, name)
    result = run_cli("--docs", str(docs), "--index-dir", str(tmp_path / "idx"), "index")
    assert result.returncode == 3, result.stderr
    assert "Traceback" not in result.stderr
    for name, reason in BAD_REASONS.items():
        assert f"  skipped    {docs}/{reason}" in result.stdout, name
    assert "Index ready: 1 documents, 1 pages, 1 chunks" in result.stdout
    assert f"{len(BAD_REASONS)} file(s) skipped: fix or remove them, then run: assistant index" in result.stdout
    answer = run_cli("--docs", str(docs), "--index-dir", str(tmp_path / "idx"), "ask", "bison reserve", "--json")
    assert json.loads(answer.stdout)["citations"][0]["document"] == "good.md"


def test_model_not_found(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.md").write_text("Some text to embed.", encoding="utf-8")
    result = run_cli("--docs", str(docs), "--index-dir", str(tmp_path / "idx"), "--model", "no-such/model", "index")
    assert _error(result) == (
        "error: Embedding model 'no-such/model' was not found on this machine (the assistant never downloads "
        "models) — give a local sentence-transformers folder with --model PATH, or leave --model out to use the "
        "bundled all-MiniLM-L6-v2"
    )


def test_a_second_build_is_refused_while_one_runs(built: tuple[Path, Path]) -> None:
    docs, index_dir = built
    with store.build_lock(index_dir):
        result = run_cli("--docs", str(docs), "--index-dir", str(index_dir), "index")
    assert _error(result) == (
        f"error: Another build is already running on {index_dir}/ (pid {os.getpid()}) — wait for it to finish, "
        "then run the command again"
    )


def test_bad_option_value_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli("--index-dir", str(tmp_path), "search", "x", "--top-k", "0")
    assert result.returncode == 2
    assert "expected a whole number of at least 1, got '0'" in result.stderr
