"""Load test of the web chat's HTTP API: N clients at once ask a fixed number of questions while a
rebuild, triggered halfway, swaps a new index in under them.

    python bench/load.py [--docs DIR] [--questions 200] [--clients 1,4,16]

Indexes the documents once (untimed; by default a copy of three Docugami 10-Q PDFs, since all
twelve take ~5 minutes). Then, for each N, starts a fresh `assistant serve` over a copy of the
documents and that index, asks every question once as a single user, and runs N threads that
share the fixed list of questions (POST /gradio_api/api/ask). When half of them are answered it
adds a small text file to the documents and calls /rebuild (gradio_client), so a real build runs
and its index is swapped in during the run; each client's last question waits for the swap if the
build is still running. After the run every question is asked once more as a single user, against
the new index.

Prints one JSON line per N (stdout) and a table (stderr): throughput (over the time at least one
question was in flight, so the wait for the swap is left out), p50/p95/p99 latency, errors,
whether every answer equals the single-user answer on the index it was asked against (an answer
that overlaps the rebuild may match either), how many answers were asked after the swap, and the
server's peak RSS (VmHWM from /proc). Exits 1 on any error or mismatch.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import shutil
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import numpy as np
from serve import QUESTIONS as SUMMARY_QUESTIONS  # bench/ is on sys.path when a script in it runs
from timing import percentiles

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the server is started by the tests' helper, not a copy of it

from assistant.evaluation.evalsets import read_questions  # noqa: E402
from tests.conftest import DOCUGAMI, run_cli  # noqa: E402
from tests.web_helpers import serving  # noqa: E402

# One PDF per company, so most of the Docugami questions about these filings have their source here.
DEFAULT_PDFS = ("2023 Q3 AAPL.pdf", "2023 Q3 AMZN.pdf", "2023 Q3 NVDA.pdf")
QUESTION_FILE = DOCUGAMI / "qna_subset_AAPL_AMZN_NVDA.csv"
NOTE = "load-test-note.txt"  # added before the rebuild: a new document is real work (read, embed, swap)


@dataclass
class Sample:
    question: str
    started: float
    ended: float
    seen: tuple[Any, ...] | None  # what the user sees of the answer; None when the request failed
    error: str = ""


@dataclass
class Rebuild:
    sent: float = float("inf")
    done: float = float("inf")
    report: str = ""
    error: str = ""


@dataclass
class Run:
    samples: list[Sample] = field(default_factory=list)
    rebuild: Rebuild = field(default_factory=Rebuild)


def seen(answer: dict[str, Any]) -> tuple[Any, ...]:
    """The answer text and each citation's document, pages and excerpt; not the float scores."""
    cited = tuple(
        (c["document"], c["page_start"], c["page_end"], c["excerpt"], c["char_start"], c["char_end"])
        for c in answer["citations"]
    )
    return answer["answer"], answer["covered"], cited


def ask(http: httpx.Client, question: str) -> dict[str, Any]:
    response = http.post("gradio_api/api/ask", json={"data": [question, 5, ""]})
    response.raise_for_status()
    answer: dict[str, Any] = response.json()["data"][0]
    return answer


def timed_ask(http: httpx.Client, question: str) -> Sample:
    started = time.perf_counter()
    try:
        answer = seen(ask(http, question))
    except Exception as error:  # any failure is an error to count, not a reason to stop the others
        return Sample(question, started, time.perf_counter(), None, f"{type(error).__name__}: {error}"[:300])
    return Sample(question, started, time.perf_counter(), answer)


def single_user(url: str, questions: list[str]) -> dict[str, tuple[Any, ...]]:
    with httpx.Client(base_url=url, timeout=120) as http:
        return {question: seen(ask(http, question)) for question in dict.fromkeys(questions)}


def note_text() -> str:
    # Unrelated to the filings, so it should rarely change their answers; ~100 sentences to embed.
    return "\n".join(
        f"Greenhouse bench {i} in row {i % 15} grew {i * 3} tomato seedlings for the spring fair." for i in range(100)
    )


def run_clients(url: str, work: list[str], clients: int, docs: Path) -> Run:
    """N threads take the next question from `work` until none is left; a rebuild starts at half.

    Each client's last question waits for the rebuild to finish, so some answers always come from
    the swapped-in index even when the build outlasts the rest of the run (16 clients slow it)."""
    from gradio_client import Client

    run = Run()
    lock = threading.Lock()
    items = iter(range(len(work)))
    held = max(len(work) - clients, len(work) // 2)  # the first item that waits; never before half
    half, rebuilt = threading.Event(), threading.Event()
    rebuild_client = Client(url, verbose=False)  # made beforehand: it fetches the app's config

    def client() -> None:
        with httpx.Client(base_url=url, timeout=120) as http:
            while True:
                with lock:
                    item = next(items, None)
                if item is None:
                    return
                if item >= held:
                    rebuilt.wait()
                sample = timed_ask(http, work[item])
                with lock:
                    run.samples.append(sample)
                    if len(run.samples) >= len(work) // 2:
                        half.set()

    def rebuild() -> None:
        half.wait()
        (docs / NOTE).write_text(note_text(), encoding="utf-8")
        run.rebuild.sent = time.perf_counter()
        try:
            run.rebuild.report = str(rebuild_client.predict(api_name="/rebuild"))
        except Exception as error:  # reported as an error of the run
            run.rebuild.error = f"{type(error).__name__}: {error}"[:300]
        finally:
            run.rebuild.done = time.perf_counter()
            rebuilt.set()

    rebuilder = threading.Thread(target=rebuild)
    rebuilder.start()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    rebuilder.join()
    return run


def busy_seconds(samples: list[Sample]) -> float:
    """Time with at least one question in flight: the run's length without the wait for the swap."""
    total, end = 0.0, float("-inf")
    for started, ended in sorted((s.started, s.ended) for s in samples):
        if ended > end:
            total += ended - max(started, end)
            end = ended
    return total


def mismatches(run: Run, before: dict[str, tuple[Any, ...]], after: dict[str, tuple[Any, ...]]) -> list[str]:
    """Answers that equal neither single-user answer they could have been given.

    Asked after the rebuild returned: the new index's. Answered before it was requested: the old
    index's. In between the swap may have happened either side of the answer, so either."""
    wrong = []
    for sample in run.samples:
        if sample.seen is None:
            continue
        if sample.started > run.rebuild.done:
            allowed = [after[sample.question]]
        elif sample.ended < run.rebuild.sent:
            allowed = [before[sample.question]]
        else:
            allowed = [before[sample.question], after[sample.question]]
        if sample.seen not in allowed:
            wrong.append(sample.question)
    return wrong


def peak_rss_mb(pid: int) -> tuple[float, float]:
    """VmHWM of the server, and the sum of its descendants' (none expected), in MB."""

    def hwm(process: int) -> float:
        for line in Path(f"/proc/{process}/status").read_text(encoding="utf-8").splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return 0.0

    def descendants(process: int) -> list[int]:
        found = []
        for task in Path(f"/proc/{process}/task").iterdir():
            for child in (task / "children").read_text(encoding="utf-8").split():
                found += [int(child), *descendants(int(child))]
        return found

    return round(hwm(pid), 1), round(sum((hwm(child) for child in descendants(pid)), 0.0), 1)


def latency_ms(seconds: list[float]) -> dict[str, float]:
    return {**percentiles(seconds), "p99": round(float(np.percentile(seconds, 99)) * 1000, 1)}


def measure(base_docs: Path, base_index: Path, questions: list[str], total: int, clients: int) -> dict[str, Any]:
    """One fresh server, so its peak RSS is this run's alone."""
    work = [questions[i % len(questions)] for i in range(total)]
    with tempfile.TemporaryDirectory() as temp:
        docs, index_dir = Path(temp) / "docs", Path(temp) / "index"
        shutil.copytree(base_docs, docs)
        shutil.copytree(base_index, index_dir)
        with serving(docs, index_dir) as (url, server):
            before = single_user(url, work)
            run = run_clients(url, work, clients, docs)
            after = single_user(url, work)
            server_mb, children_mb = peak_rss_mb(server.pid)
        log = next(Path(temp).glob("serve-*.log")).read_text(encoding="utf-8")
    answered = [s for s in run.samples if s.seen is not None]
    errors = [s.error for s in run.samples if s.seen is None] + ([run.rebuild.error] if run.rebuild.error else [])
    wrong = mismatches(run, before, after)
    wall = max(s.ended for s in run.samples) - min(s.started for s in run.samples)
    busy = busy_seconds(run.samples)
    return {
        "clients": clients,
        "questions": total,
        "distinct_questions": len(before),
        "seconds": round(wall, 2),
        "waited_for_swap_s": round(wall - busy, 2),
        "throughput_qps": round(len(answered) / busy, 2),
        "latency_ms": latency_ms([s.ended - s.started for s in answered]),
        "errors": len(errors),
        "error_samples": errors[:3],
        "answers_match_single_user": not wrong,
        "mismatches": len(wrong),
        "mismatch_samples": wrong[:3],
        "questions_changed_by_rebuild": sum(before[q] != after[q] for q in before),
        "rebuild": {
            "seconds": round(run.rebuild.done - run.rebuild.sent, 2),
            "asked_after_swap": sum(s.started > run.rebuild.done for s in run.samples),
            "report": (run.rebuild.report.splitlines() or [""])[-1],
        },
        "server_log_tracebacks": log.count("Traceback"),
        "server_peak_rss_mb": server_mb,
        "children_peak_rss_mb": children_mb,
    }


def default_docs(folder: Path) -> Path:
    """A few Docugami PDFs, or the bundled documents when ../shared is not on this machine."""
    pdfs = [DOCUGAMI / "docs" / name for name in DEFAULT_PDFS]
    if not all(pdf.is_file() for pdf in pdfs):
        return ROOT / "documents"
    folder.mkdir()
    for pdf in pdfs:
        shutil.copy(pdf, folder / pdf.name)
    return folder


def questions_for(docs: Path) -> list[str]:
    """Docugami questions whose source documents are in `docs`, else the bundled summary's questions."""
    if not QUESTION_FILE.is_file():
        return SUMMARY_QUESTIONS
    names = [p.name for p in docs.rglob("*") if p.is_file()]
    chosen = [
        q.question
        for q in read_questions(QUESTION_FILE)
        if any(fnmatch.fnmatch(name, pattern) for pattern in q.documents for name in names)
    ]
    return chosen or SUMMARY_QUESTIONS


def table(results: list[dict[str, Any]]) -> str:
    head = f"{'N':>3} {'q/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>6} {'match':>5} "
    head += f"{'after swap':>10} {'rebuild s':>9} {'peak RSS MB':>11}"
    lines = [head]
    for r in results:
        ms = r["latency_ms"]
        lines.append(
            f"{r['clients']:>3} {r['throughput_qps']:>7} {ms['p50']:>8} {ms['p95']:>8} {ms['p99']:>8} "
            f"{r['errors']:>6} {'yes' if r['answers_match_single_user'] else 'NO':>5} "
            f"{r['rebuild']['asked_after_swap']:>10} {r['rebuild']['seconds']:>9} "
            f"{r['server_peak_rss_mb'] + r['children_peak_rss_mb']:>11}"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=Path, default=None, help="documents folder (copied; default: 3 Docugami PDFs)")
    parser.add_argument("--questions", type=int, default=200, help="questions asked in each run, in total")
    parser.add_argument("--clients", default="1,4,16", help="comma-separated numbers of concurrent clients")
    args = parser.parse_args()
    if args.questions < 2:
        parser.error("--questions must be at least 2: the rebuild starts when half are answered")
    counts = [int(n) for n in args.clients.split(",")]
    results = []
    with tempfile.TemporaryDirectory() as temp:
        docs = args.docs or default_docs(Path(temp) / "docs")
        questions = questions_for(docs)
        base_docs, base_index = Path(temp) / "base-docs", Path(temp) / "base-index"
        shutil.copytree(docs, base_docs)  # never add the note to the caller's folder
        print(f"Indexing {docs}/ ({len(questions)} distinct questions)…", file=sys.stderr, flush=True)
        built = run_cli("--docs", str(base_docs), "--index-dir", str(base_index), "index", timeout=3600)
        if built.returncode != 0:
            sys.exit(f"assistant index failed ({built.returncode}):\n{built.stderr}")
        names = sorted(p.name for p in base_docs.iterdir())
        for clients in counts:
            result = {"documents": names, **measure(base_docs, base_index, questions, args.questions, clients)}
            print(json.dumps(result), flush=True)
            results.append(result)
    print(table(results), file=sys.stderr)
    failed = [r for r in results if r["errors"] or r["mismatches"]]
    for r in failed:
        print(f"N={r['clients']}: {r['errors']} errors, {r['mismatches']} mismatched answers", file=sys.stderr)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
