"""The `assistant` command: thin wrappers over Assistant; the only place errors become exit codes.

Exit codes: 0 ok; 1 error (the message says what to do); 3 index built but some files were
skipped (they are listed); 130 interrupted.
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import os
import re
import shutil
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any, TypeAlias

from .app import MODES as ANSWER_MODES
from .app import Assistant
from .build import describe
from .config import ENV_VARS, LLM_ENV_VARS, LOCAL_STORE, Endpoint, Settings, read_secret_file
from .errors import AssistantError, ConfigError
from .retrieve import MODES
from .types import (
    GENERATED,
    KIND_NAMES,
    SOURCE_NOTE,
    UNSUPPORTED_MARK,
    Answer,
    answer_footer,
    answer_to_json,
    note_reference,
    page_reference,
    row_reference,
    search_to_json,
)

EXIT_ERROR = 1
EXIT_SKIPPED = 3
DEFAULT_HOST = "127.0.0.1"  # loopback unless the user asks: the documents may be private
DEFAULT_PORT = 7860

# What add_subparsers returns: the place commands are declared.
Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"
Runner = Callable[[Assistant, argparse.Namespace], int]


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = Settings.from_env(
            docs_dir=getattr(args, "docs", None),
            index_dir=getattr(args, "index_dir", None),
            model=getattr(args, "model", None),
            max_upload_mb=getattr(args, "max_upload_mb", None),
            store=getattr(args, "store", None),
            llm=Endpoint.from_env(
                url=getattr(args, "llm_url", None),
                model=getattr(args, "llm_model", None),
                timeout_s=getattr(args, "llm_timeout", None),
                context_tokens=getattr(args, "llm_context", None),
                temperature=getattr(args, "llm_temperature", None),
            ),
        )
        return int(args.run(Assistant(settings), args))
    except AssistantError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def _parser() -> argparse.ArgumentParser:
    common = _global_options()
    parser = argparse.ArgumentParser(
        prog="assistant",
        description="Ask questions about your documents; answers quote them verbatim, with page numbers.",
        parents=[common],
        allow_abbrev=False,
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for declare in (_declare_index, _declare_status, _declare_search, _declare_ask, _declare_serve, _declare_eval):
        declare(commands, common)
    return parser


def _global_options() -> argparse.ArgumentParser:
    """Options every command takes, before or after its name. SUPPRESS keeps a subcommand's unset copy
    from overwriting a value given before it (so no set_defaults for them: the parsers share these
    option objects)."""
    common = argparse.ArgumentParser(add_help=False, allow_abbrev=False)
    for flag, dest, meta, what in (
        ("--docs", "docs", "DIR", "documents folder (default: documents/)"),
        ("--index-dir", "index_dir", "DIR", "index folder (default: index/)"),
        (
            "--model",
            "model",
            "NAME_OR_PATH",
            "sentence-transformers model, ':int8' after it to quantise it (default: bundled all-MiniLM-L6-v2:int8)",
        ),
        (
            "--store",
            "store",
            "STORE",
            "where the vectors live: faiss (default, the index folder), a Milvus URI http://HOST:19530 "
            "(token: env ASSISTANT_MILVUS_TOKEN), or a Milvus Lite file PATH.db",
        ),
    ):
        env = ENV_VARS["docs_dir" if dest == "docs" else dest]
        common.add_argument(flag, dest=dest, metavar=meta, default=argparse.SUPPRESS, help=f"{what}; env {env}")
    return common


def _command(
    commands: Commands, common: argparse.ArgumentParser, name: str, summary: str, run: Runner | None = None
) -> argparse.ArgumentParser:
    """A (sub)command that takes the global options too. Only whole option names are accepted:
    argparse's prefix matching would read a mistyped --mode as --model."""
    parser: argparse.ArgumentParser = commands.add_parser(name, parents=[common], help=summary, allow_abbrev=False)
    if run is not None:
        parser.set_defaults(run=run)
    return parser


def _declare_index(commands: Commands, common: argparse.ArgumentParser) -> None:
    index = _command(commands, common, "index", "build the index, or update it after changes", _index)
    index.add_argument("--rebuild", action="store_true", help="rebuild everything from scratch")
    index.add_argument(
        "--compact",
        action="store_true",
        help="write a library in segments whole again: merge its segments, drop removed documents' rows "
        "(nothing is embedded again)",
    )


def _declare_status(commands: Commands, common: argparse.ArgumentParser) -> None:
    status = _command(commands, common, "status", "what is indexed", _status)
    status.add_argument("--json", action="store_true", help="print JSON")


def _declare_search(commands: Commands, common: argparse.ArgumentParser) -> None:
    search = _command(commands, common, "search", "the passages that best match a question", _search)
    search.add_argument("question")
    search.add_argument("--top-k", type=_positive, default=None, metavar="N", help="passages to return (default 5)")
    search.add_argument("--json", action="store_true", help="print JSON")


def _declare_ask(commands: Commands, common: argparse.ArgumentParser) -> None:
    ask = _command(commands, common, "ask", "an answer made of cited excerpts", _ask)
    ask.add_argument("question", nargs="?", help="leave out to ask several questions in a row")
    ask.add_argument("--top-k", type=_positive, default=None, metavar="N", help="passages to draw on (default 5)")
    ask.add_argument("--json", action="store_true", help="print JSON")
    ask.add_argument(
        "--mode",
        choices=ANSWER_MODES,
        default=None,
        help="generated: a language model writes the answer, every sentence checked against the passages; "
        "extractive: quote the passages (default: generated when a model is configured)",
    )
    _llm_options(ask)


def _llm_options(parser: argparse.ArgumentParser) -> None:
    """The language model that writes answers (none: answers are quoted, and nothing is contacted)."""
    group = parser.add_argument_group("language model (an OpenAI-compatible endpoint; API key from env)")
    for flag, field, kind, meta, what in (
        ("--llm-url", "url", str, "URL", "base URL, e.g. http://127.0.0.1:11434/v1 for Ollama"),
        ("--llm-model", "model", str, "NAME", "model to ask for (default: the endpoint's only model)"),
        ("--llm-timeout", "timeout_s", float, "SECONDS", "wait this long for the model (default 60)"),
        ("--llm-context", "context_tokens", _positive, "TOKENS", "the model's context window (default 4096)"),
        ("--llm-temperature", "temperature", float, "T", "sampling temperature (default 0)"),
    ):
        dest, env = flag.removeprefix("--").replace("-", "_"), LLM_ENV_VARS[field]
        group.add_argument(flag, dest=dest, type=kind, default=None, metavar=meta, help=f"{what}; env {env}")


def _declare_serve(commands: Commands, common: argparse.ArgumentParser) -> None:
    serve = _command(commands, common, "serve", "start the web chat (updates the index first)", _serve)
    serve.add_argument("--host", default=None, help=f"address to bind (default {DEFAULT_HOST}; env GRADIO_SERVER_NAME)")
    serve.add_argument("--port", type=_positive, default=None, help="port (default 7860; env GRADIO_SERVER_PORT)")
    serve.add_argument(
        "--auth",
        metavar="USER:PASSWORD",
        default=None,
        help="require this login (visible to other local users in the process list: prefer a file of "
        "USER:PASSWORD lines, readable by you alone, named in ASSISTANT_AUTH_FILE)",
    )
    serve.add_argument(
        "--insecure-no-auth",
        action="store_true",
        help="allow serving beyond this machine (--host) without a login, on a network you trust",
    )
    serve.add_argument(
        "--max-upload-mb",
        type=_positive,
        default=None,
        metavar="MB",
        help="largest upload accepted (default 100; env ASSISTANT_MAX_UPLOAD_MB)",
    )
    _llm_options(serve)


def _declare_eval(commands: Commands, common: argparse.ArgumentParser) -> None:
    evaluate = _command(
        commands, common, "eval", "measure retrieval on a benchmark or a question file (own index, cached)"
    )
    kinds = evaluate.add_subparsers(dest="kind", required=True, metavar="KIND")
    beir = _command(kinds, common, "beir", "nDCG@10, recall@10/100 and MRR on a BEIR folder", _eval_beir)
    beir.add_argument("folder", type=Path, metavar="DIR", help="holds corpus.jsonl, queries.jsonl, qrels/SPLIT.tsv")
    beir.add_argument("--split", default="test", help="qrels file to score (default test)")
    qa = _command(kinds, common, "qa", "document and page hits for a CSV/JSONL question file", _eval_qa)
    qa.add_argument("file", type=Path, metavar="FILE", help="questions with expected documents (and pages)")
    qa.add_argument("-k", "--k", type=_positive, default=5, metavar="N", help="passages counted as hits (default 5)")
    qa.add_argument("--show-misses", action="store_true", help="list what was retrieved for each miss")
    for parser in (beir, qa):
        parser.add_argument(
            "--cache-dir",
            type=Path,
            default=None,
            metavar="DIR",
            help="where eval indexes live (default ~/.cache/assistant/eval)",
        )
        parser.add_argument("--json", action="store_true", help="print one JSON line")
        parser.add_argument(
            "--retrieval",
            choices=MODES,
            default="hybrid",
            help="hybrid (the product), or one retriever alone to compare: dense or lexical (BM25)",
        )


def _serve(assistant: Assistant, args: argparse.Namespace) -> int:
    host = args.host or os.environ.get("GRADIO_SERVER_NAME") or DEFAULT_HOST
    port = args.port or int(os.environ.get("GRADIO_SERVER_PORT") or DEFAULT_PORT)
    auth = read_auth(args.auth, os.environ.get("ASSISTANT_AUTH_FILE"))
    if not _is_loopback(host) and not auth:
        if not args.insecure_no_auth:
            raise ConfigError(
                f"Refusing to serve on {host} without a login: anyone who can reach this machine could read your "
                "documents — name a file of USER:PASSWORD lines in ASSISTANT_AUTH_FILE (or use --auth), or add "
                "--insecure-no-auth if everyone on this network may read them"
            )
        print(
            f"warning: serving on {host} without a login (--insecure-no-auth): anyone who can reach this "
            "machine can read your documents",
            file=sys.stderr,
        )
    # An up-to-date index is a check of a few milliseconds; anything new is indexed before serving.
    _index(assistant, argparse.Namespace(rebuild=False, compact=False))
    started = time.perf_counter()
    assistant.warm_up()
    print(f"Model and index loaded in {time.perf_counter() - started:.1f} s.", file=sys.stderr)
    from .web.chat import launch

    print(
        f"Web chat on http://{'127.0.0.1' if host == '0.0.0.0' else host}:{port}/ — Ctrl-C stops it.",
        file=sys.stderr,
        flush=True,
    )
    launch(assistant, host, port, auth)
    return 0


def _eval_beir(assistant: Assistant, args: argparse.Namespace) -> int:
    from .evaluation.evaluate import default_cache_dir, eval_beir
    from .evaluation.report import describe_beir

    cache = args.cache_dir or default_cache_dir()
    print(f"Indexing {args.folder}/ for evaluation in {cache}/ (the cache makes the next run fast)", file=sys.stderr)
    started = time.perf_counter()
    with _TerminalProgress() as progress:
        settings = replace(assistant.settings, retrieval=args.retrieval)
        result = eval_beir(args.folder, args.split, settings, cache, progress=progress)
    seconds = time.perf_counter() - started
    if args.json:
        print(json.dumps({**result.to_json(), "seconds": round(seconds, 1)}))
    else:
        print(describe_beir(result, seconds))
    return 0


def _eval_qa(assistant: Assistant, args: argparse.Namespace) -> int:
    from .evaluation.evaluate import default_cache_dir, eval_qa
    from .evaluation.report import describe_qa

    if getattr(args, "docs", None) is None and not os.environ.get(ENV_VARS["docs_dir"]):
        raise ConfigError("assistant eval qa needs the documents the questions are about: add --docs DIR")
    cache = args.cache_dir or default_cache_dir()
    docs = assistant.settings.docs_dir
    print(f"Indexing {docs}/ for evaluation in {cache}/ (the cache makes the next run fast)", file=sys.stderr)
    started = time.perf_counter()
    with _TerminalProgress() as progress:
        settings = replace(assistant.settings, retrieval=args.retrieval)
        result = eval_qa(args.file, docs, settings, cache, args.k, progress=progress)
    seconds = time.perf_counter() - started
    if args.json:
        print(json.dumps({"file": args.file.name, **result.to_json(args.show_misses), "seconds": round(seconds, 1)}))
    else:
        print(describe_qa(result, args.file.name, seconds, args.show_misses))
    return 0


def read_auth(option: str | None, path: str | None) -> list[tuple[str, str]] | None:
    """Logins from --auth USER:PASSWORD, or else from a file of USER:PASSWORD lines."""
    lines = [option] if option else []
    if not lines and path:
        lines = read_secret_file(Path(path), "ASSISTANT_AUTH_FILE").splitlines()
    logins = []
    for line in (line.strip() for line in lines):
        if not line or line.startswith("#"):
            continue
        user, colon, password = line.partition(":")
        if not colon or not user or not password:
            raise ConfigError("A login must look like USER:PASSWORD — check --auth or the logins file")
        logins.append((user, password))
    return logins or None


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text!r}")
    return value


def _index(assistant: Assistant, args: argparse.Namespace) -> int:
    settings = assistant.settings
    print(f"Indexing {settings.docs_dir}/ into {settings.index_dir}/", file=sys.stderr, flush=True)
    with _TerminalProgress() as progress:
        report = assistant.index(rebuild=args.rebuild, progress=progress, compact=args.compact)
    print(describe(report))
    return EXIT_SKIPPED if report.skipped else 0


def _status(assistant: Assistant, args: argparse.Namespace) -> int:
    status = assistant.status()
    if args.json:
        _print_json(asdict(status))
        return 0
    print(f"Index {status.index_dir}/ — built {status.built_at} with {status.model}")
    print(f"{status.documents} documents, {status.pages} pages, {status.chunks} chunks")
    if status.store != LOCAL_STORE:
        print(f"Vectors and passage BM25 in Milvus: {status.store}")
    if status.segments or status.removed_chunks:
        print(
            f"In {status.segments + 1} parts (the base and {status.segments} segment(s) added since); "
            f"{status.removed_chunks} chunks of documents taken out or changed are kept, skipped, "
            "until a build writes the library whole"
        )
    for source in status.sources:
        print(f"  {source['path']}: {source['pages']} pages, {source['chunks']} chunks")
        for warning in source["warnings"]:
            print(f"    warning: {warning}")
    for skipped in status.skipped:
        print(f"  skipped: {skipped['reason']}")
    return 0


def _search(assistant: Assistant, args: argparse.Namespace) -> int:
    hits = assistant.search(args.question, top_k=args.top_k)
    if args.json:
        _print_json(search_to_json(args.question, hits))
        return 0
    for hit in hits:
        chunk = hit.chunk
        where = page_reference(chunk.page_label, chunk.page_start, chunk.page_end)
        section = f", {chunk.section}" if chunk.section else ""
        print(
            f"{hit.rank}. {chunk.document}, {where}{section} — score {hit.score:.4f}, similarity {hit.similarity:.2f}"
        )
        print(textwrap.indent(textwrap.fill(" ".join(chunk.text.split()), 100), "   "))
    return 0


def _ask(assistant: Assistant, args: argparse.Namespace) -> int:
    if args.question is not None:
        _answer(assistant, args.question, args)
        return 0
    interactive = sys.stdin.isatty()
    if interactive:
        print("Ask about your documents. An empty line or Ctrl-D quits.", file=sys.stderr)
    while True:
        try:
            question = input("\nQuestion: " if interactive else "")
        except EOFError:
            return 0
        if not question.strip():
            return 0
        _answer(assistant, question, args)
        sys.stdout.flush()


def _answer(assistant: Assistant, question: str, args: argparse.Namespace) -> None:
    """Ask and print; a written answer streams to a terminal as it is written, then is replaced by
    the checked answer."""
    items = assistant.ask_stream(question, top_k=args.top_k, mode=args.mode)
    if args.json or not sys.stdout.isatty():
        *_, answer = items
    else:
        answer = _stream_draft(items)
    assert isinstance(answer, Answer)
    if args.json:
        _print_json(answer_to_json(answer))
    else:
        _print_answer(answer, color=sys.stdout.isatty())


def _stream_draft(items: Iterator[str | Answer]) -> Answer:
    """Show the model's text as it arrives, then erase it: what is kept is the checked answer."""
    draft = _Draft(sys.stdout, shutil.get_terminal_size().columns)
    try:
        for item in items:
            if isinstance(item, Answer):
                return item
            draft.write(item)
    finally:
        draft.erase()
    raise AssertionError("ask_stream ends with the Answer")


def _print_answer(answer: Answer, color: bool = False) -> None:
    if answer.notice:
        print(textwrap.fill(f"Note: {answer.notice}", 100), file=sys.stderr)
    if answer.mode == GENERATED and answer.covered:
        marked = [
            s.text + "".join(f" [{k}]" for k in s.citations) if s.supported else _unsupported(s.text, color)
            for s in answer.sentences
        ]
        print(textwrap.fill(" ".join(marked), 100))
    else:
        print(textwrap.fill(answer.text, 100))
    print(f"({answer_footer(answer)})")
    if answer.citations:
        print()
        if not answer.covered:
            print("Related passages, not an answer:")
    for c in answer.citations:
        section = f" — {c.section}" if c.section else ""
        kind = f" ({KIND_NAMES[c.kind]})" if c.kind in KIND_NAMES else ""
        print(f"[{c.key}] {c.document}, {page_reference(c.page_label, c.page_start, c.page_end)}{section}{kind}")
        print(textwrap.indent(textwrap.fill(f"“{' '.join(c.excerpt.split())}”", 96), "    "))
        if row := row_reference(c):
            print(textwrap.indent(textwrap.fill(f"({row})", 96), "    "))
        for note in c.notes:
            text = f"{SOURCE_NOTE.capitalize()}, {note_reference(note)}: {' '.join(note.text.split())}"
            print(textwrap.indent(textwrap.fill(text, 92), "      "))


def _unsupported(text: str, color: bool) -> str:
    # Marked in words, so a pipe or a screen reader sees it too; dimmed on a colour terminal.
    marked = f"{text} {UNSUPPORTED_MARK}"
    return f"\x1b[2m{marked}\x1b[0m" if color else marked


class _Draft:
    """Text written to a terminal, wrapped by hand so that the lines it took are known and it can be
    erased afterwards."""

    def __init__(self, out: Any, columns: int) -> None:
        self.out = out
        self.width = max(20, columns - 1)
        self.column = 0
        self.lines = 0
        self.space = False

    def write(self, piece: str) -> None:
        for token in re.split(r"(\s+)", piece):
            if token.isspace():
                for _ in range(token.count("\n")):
                    self._newline()
                self.space = self.space or "\n" not in token
            elif token:
                self._word(token)
        self.out.flush()

    def _word(self, word: str) -> None:
        gap = 1 if self.space and self.column else 0
        if self.column and self.column + gap + len(word) > self.width:
            self._newline()
            gap = 0
        self.out.write(" " * gap)
        self.column += gap
        while len(word) > self.width - self.column:  # longer than a line: break it
            cut = self.width - self.column
            self.out.write(word[:cut])
            word = word[cut:]
            self._newline()
        self.out.write(word)
        self.column += len(word)
        self.space = False

    def _newline(self) -> None:
        self.out.write("\n")
        self.lines += 1
        self.column = 0
        self.space = False

    def erase(self) -> None:
        up = f"\x1b[{self.lines}A" if self.lines else ""
        self.out.write(f"\r{up}\x1b[J")
        self.out.flush()


def _print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


class _TerminalProgress:
    """A line per build stage, and a live bar for reading and embedding when stderr is a terminal."""

    def __init__(self) -> None:
        self.stage = ""
        self.bar: Any = None

    def __enter__(self) -> _TerminalProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        self._close()

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage != self.stage:
            self._close()
            self.stage = stage
            what = {"reading": f"Reading {total} file(s)", "embedding": f"Embedding {total} passages and sentences"}
            label = what.get(stage, "Writing the index")
            if sys.stderr.isatty() and stage != "writing":
                from tqdm import tqdm

                self.bar = tqdm(
                    total=total,
                    desc=label,
                    unit="file" if stage == "reading" else "chunk",
                    file=sys.stderr,
                    leave=False,
                )
            else:
                print(f"{label}...", file=sys.stderr, flush=True)
        if self.bar is not None:
            self.bar.n = done
            self.bar.refresh()

    def _close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


if __name__ == "__main__":
    sys.exit(main())
