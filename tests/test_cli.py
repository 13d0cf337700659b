"""The `assistant` command through its real console script, with the index in a temp folder."""

import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from assistant import Assistant, store

from . import bad_files, pdfs
from .bad_files import INDEXED, REFUSED, make_all
from .conftest import BUNDLED_SUMMARY, ROOT, run_cli


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
    assert set(data) == {
        "question",
        "answer",
        "covered",
        "citations",
        "mode",
        "model",
        "sentences",
        "dropped_citations",
        "notice",
        "asks",
        "missing",
    }
    assert data["covered"] is True and data["missing"] == []
    # What the question asks for: a year, of the watershed; every word it has is what the documents are about.
    assert data["asks"] == {
        "focus": [],
        "periods": [],
        "answer_type": "date",
        "target": ["watershed"],
        "units": [],
        "names": [],
        "nouns": [],
    }
    # Quoted, no model configured: every sentence is an excerpt, cited by its own key.
    assert (data["mode"], data["model"], data["notice"], data["dropped_citations"]) == ("extractive", None, None, 0)
    keys = [c["key"] for c in data["citations"]]
    assert [s["citations"] for s in data["sentences"]] == [[k] for k in keys]
    assert all(s["supported"] for s in data["sentences"])
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


@pytest.mark.parametrize(
    ("question", "said", "missing"),
    [
        (
            "How many tanks does the Belarusian army have?",
            "The documents never mention “tanks”.",
            [{"kind": "term", "text": "tanks", "mentioned": False}],
        ),
        (
            "What happened between Belarus and Russia in 1995?",
            ", not “1995”.",
            [{"kind": "period", "text": "1995", "mentioned": False}],
        ),
        (
            "How many migrants crossed from Belarus during the 2021 crisis?",
            "The passages mention “migrants”, but none gives a count.",
            [{"kind": "answer_type", "text": "quantity", "mentioned": True}],
        ),
    ],
)
def test_ask_says_what_the_documents_do_not_say(
    built: tuple[Path, Path], question: str, said: str, missing: list[dict[str, object]]
) -> None:
    """A term never mentioned, a period never named, a target with no figure: the text answer opens with
    the sentence that says so and lists the closest passages as related; JSON names what is missing."""
    docs, index_dir = built
    where = ("--docs", str(docs), "--index-dir", str(index_dir))
    result = run_cli(*where, "ask", question)
    assert result.returncode == 0, result.stderr
    answer, related = result.stdout.split("\n\n", 1)
    assert said in " ".join(answer.split()) and "related to the question, not an answer to it" in " ".join(
        answer.split()
    )
    assert related.startswith("Related passages, not an answer:\n[1] ")
    data = json.loads(run_cli(*where, "ask", question, "--json").stdout)
    assert data["covered"] is False and data["missing"] == missing
    assert said in data["answer"] and data["citations"]


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
    assert (data["documents"], data["pages"], data["model"]) == (2, 6, "all-MiniLM-L6-v2:int8")
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


@pytest.mark.parametrize("case", REFUSED, ids=lambda c: c.name)
def test_a_lone_bad_file_fails_the_build_with_its_reason(tmp_path: Path, case: bad_files.Case) -> None:
    docs = tmp_path / "docs"
    make_all(docs, [case])
    result = run_cli("--docs", str(docs), "--index-dir", str(tmp_path / "idx"), "index")
    line = _error(result)
    prefix = f"error: Nothing could be indexed in {docs}/: {docs}/"
    assert line.startswith(prefix) and case.matches(case.reason or "", line[len(prefix) :]), line
    assert not (tmp_path / "idx" / store.POINTER).exists()


def test_the_bad_file_corpus_is_skipped_or_indexed_and_the_previous_index_keeps_answering(
    tmp_path: Path, make_assistant: Callable[..., Assistant]
) -> None:
    docs, index_dir = tmp_path / "docs", tmp_path / "idx"
    docs.mkdir()
    (docs / "good.md").write_text("# Good\n\nThe good file mentions the Zubr bison reserve.\n", encoding="utf-8")
    assert run_cli("--docs", str(docs), "--index-dir", str(index_dir), "index").returncode == 0
    before = make_assistant(docs, index_dir).ask("bison reserve")

    make_all(docs)
    result = run_cli("--docs", str(docs), "--index-dir", str(index_dir), "index")
    assert result.returncode == 3, result.stderr
    assert "Traceback" not in result.stderr and "pypdf" not in result.stderr and "xref" not in result.stderr
    assert "Full rebuild" not in result.stdout  # good.md is carried over, not read again
    skipped = [line.removeprefix(f"  skipped    {docs}/") for line in result.stdout.splitlines() if "skipped  " in line]
    for case in REFUSED:
        assert any(case.matches(case.reason or "", line) for line in skipped), (case.name, skipped)
    assert len(skipped) == len(REFUSED)
    for case in INDEXED:
        if case.warning:
            assert any(case.matches(case.warning, line.strip()) for line in result.stdout.splitlines()), case.name
    assert f"{len(REFUSED)} file(s) skipped: fix or remove them, then run: assistant index" in result.stdout

    after = make_assistant(docs, index_dir)
    # The same answer; only its focus terms differ: "bison" was in every passage of a one-file library,
    # and is rare in this one.
    assert replace(after.ask("bison reserve"), asks=None) == replace(before, asks=None)
    for case in INDEXED:
        hit = after.search(case.fact, top_k=1)[0]
        assert hit.chunk.document == case.name and hit.chunk.page_start <= case.page <= hit.chunk.page_end
        cited = after.ask(case.fact).citations[0]
        assert (cited.document, cited.page_start, cited.excerpt) == (case.name, case.page, case.fact)


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


def test_a_model_cache_that_cannot_be_written_is_named(tmp_path: Path) -> None:
    """The bundled model is converted to ONNX in the user cache on first use. A cache folder that cannot
    be made (here XDG_CACHE_HOME is a file) is said as such, not as a model that was not found."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.md").write_text("Some text to embed.", encoding="utf-8")
    not_a_folder = tmp_path / "cache"
    not_a_folder.write_text("a file where the cache folder would be", encoding="utf-8")
    result = run_cli(
        "--docs", str(docs), "--index-dir", str(tmp_path / "idx"), "index", env={"XDG_CACHE_HOME": str(not_a_folder)}
    )
    assert result.returncode != 0
    assert _error(result) == (
        f"error: The model cache {not_a_folder / 'assistant' / 'onnx'} cannot be written (Not a directory): the "
        "embedding model is converted there on first use — make that folder writable, or set XDG_CACHE_HOME to "
        "a writable folder"
    )
    assert not (tmp_path / "idx").exists() or not any((tmp_path / "idx").glob("build-*"))


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


@pytest.mark.parametrize(
    "args, error",
    [
        (["ask", "x", "--mod", "y"], "unrecognized arguments: --mod y"),  # was read as --model or --mode
        (["search", "x", "--top", "3"], "unrecognized arguments: --top 3"),  # was read as --top-k
        (["eval", "qa", "q.csv", "--show", "--docs", "d"], "unrecognized arguments: --show"),  # as --show-misses
        (["--index", "IDX", "status"], "argument COMMAND: invalid choice: 'IDX'"),  # was read as --index-dir
    ],
)
def test_options_must_be_spelled_out(tmp_path: Path, args: list[str], error: str) -> None:
    """argparse's prefix matching is off: a mistyped option is a usage error, never another option."""
    result = run_cli(*[str(tmp_path) if a == "IDX" else a for a in args])
    assert result.returncode == 2, result.stderr
    assert f"assistant: error: {error.replace('IDX', str(tmp_path))}" in result.stderr
