"""Written answers against any endpoint: how much of what the model writes the passages support.

    python bench/generate.py [--llm-url URL --llm-model NAME | --local] [--limit N] [--cache-dir DIR]

Asks the 66 page questions (tests/data/page_questions.csv, Amazon's Q1 2023 10-Q) and the abstention
dev sets (tests/data/abstention_*.csv: the bundled summary, NVIDIA's Q2 2023 10-Q and three CRS
reports) in generated mode, each on an index of its own document (cached), and prints one JSON line
per set:

- sentences_supported: share of the written sentences the checker supports (support.py)
- cites_answer_page: share of the page questions whose answer cites one of the expected pages
- answered / abstained: share of the answerable questions answered, of the unanswerable ones
  answered "not covered" (a fallback to a quoted answer counts as what it says)
- not_asked: questions no passage was close enough to write from (the model is not asked)
- quoted_instead: answers quoted because nothing the model wrote was supported, though a quoted
  sentence holds what the question asks (generate.py)
- fallbacks: answers quoted because the endpoint failed, and the first one's notice
- first_piece_s: seconds from asking to the first written piece, median (retrieval and the model's
  reading of the prompt); pieces_per_s: pieces streamed per second after the first, median (llama.cpp
  and Ollama stream about one token per piece)

The endpoint comes from the options, else from ASSISTANT_LLM_URL / ASSISTANT_LLM_MODEL; --local
starts llama.cpp's server with SmolLM2-135M-Instruct (the `llm` extra) on a free loopback port.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant import Assistant, Settings  # noqa: E402
from assistant.config import Endpoint  # noqa: E402
from assistant.evaluation import abstention  # noqa: E402
from assistant.evaluation.evaluate import default_cache_dir, work_dir  # noqa: E402
from assistant.generate import NOT_ASKED, UNSUPPORTED_FALLBACK  # noqa: E402
from assistant.types import GENERATED, Answer  # noqa: E402

DOCS = ROOT.parent / "shared" / "eval" / "docugami-sec10q" / "docs"
CRS = ROOT.parent / "shared" / "eval" / "crs-reports" / "pdfs"
DATA = ROOT / "tests" / "data"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--llm-url", default=None)
    parser.add_argument("--llm-model", default=None)
    parser.add_argument("--local", action="store_true", help="start llama.cpp's server with SmolLM2-135M")
    parser.add_argument("--limit", type=int, default=0, help="at most this many questions per set")
    parser.add_argument("--cache-dir", type=Path, default=None)
    args = parser.parse_args()
    server = None
    if args.local:
        from tests.llm_servers import LOCAL_MODEL, start_local_server

        server = start_local_server()
        args.llm_url, args.llm_model = server.url, LOCAL_MODEL
    try:
        endpoint = Endpoint.from_env(url=args.llm_url, model=args.llm_model)
        if not endpoint.configured:
            parser.error("no endpoint: give --llm-url (or set ASSISTANT_LLM_URL), or --local")
        run(endpoint, args.cache_dir or default_cache_dir(), args.limit)
    finally:
        if server is not None:
            server.stop()


def run(endpoint: Endpoint, cache: Path, limit: int) -> None:
    sets = [
        ("page questions", DOCS / "2023 Q1 AMZN.pdf", _page_questions()),
        ("summary", ROOT / "documents" / "belarus-russia-relations-summary.md", _abstention("abstention_summary.csv")),
        ("nvda", DOCS / "2023 Q2 NVDA.pdf", _abstention("abstention_nvda.csv")),
        *(
            (f"crs {report}", CRS / report, _abstention("abstention_crs.csv", report))
            for report in ("R46991.32.pdf", "R48883.4.pdf", "R48903.3.pdf")
        ),
    ]
    embedder = None
    for name, document, questions in sets:
        assistant = _assistant(document, cache, endpoint, embedder)
        embedder = assistant.embedder
        results = [(question, *_ask(assistant, question["question"])) for question in questions[: limit or None]]
        print(json.dumps({"set": name, "model": endpoint.model or endpoint.url, **_summary(results)}), flush=True)


def _assistant(document: Path, cache: Path, endpoint: Endpoint, embedder: object) -> Assistant:
    docs = (
        document.parent if document.parent == ROOT / "documents" else cache / f"docs-{document.stem.replace(' ', '-')}"
    )
    if docs != document.parent:
        docs.mkdir(parents=True, exist_ok=True)
        if not (docs / document.name).exists():
            os.symlink(document, docs / document.name)
    settings = Settings.from_env(llm=endpoint)
    settings = replace(settings, docs_dir=docs, index_dir=work_dir(cache, "qa", docs, settings) / "index")
    assistant = Assistant(settings, embedder)  # type: ignore[arg-type]
    assistant.index()
    return assistant


def _ask(assistant: Assistant, question: str) -> tuple[Answer, float | None, float | None]:
    started = time.perf_counter()
    first = None
    pieces = 0
    for item in assistant.ask_stream(question):
        if isinstance(item, str):
            pieces += 1
            first = first or time.perf_counter()
        else:
            answer = item
    ended = time.perf_counter()
    to_first = first - started if first else None
    rate = (pieces - 1) / (ended - first) if first and pieces > 1 and ended > first else None
    return answer, to_first, rate


def _summary(results: list[tuple[dict[str, object], Answer, float | None, float | None]]) -> dict[str, object]:
    written = [s for _, a, _, _ in results if a.mode == GENERATED for s in a.sentences]
    answerable = [(q, a) for q, a, _, _ in results if q["answerable"]]
    unanswerable = [a for q, a, _, _ in results if not q["answerable"]]
    paged = [(q, a) for q, a in answerable if q["pages"]]
    firsts = [t for _, _, t, _ in results if t is not None]
    rates = [r for _, _, _, r in results if r is not None]
    unsupported = [a for _, a, _, _ in results if a.notice.startswith(UNSUPPORTED_FALLBACK.split("{", 1)[0])]
    failed = [a.notice for _, a, _, _ in results if a.notice and a.notice != NOT_ASKED and a not in unsupported]
    return {
        "questions": len(results),
        "written": sum(a.mode == GENERATED for _, a, _, _ in results),
        "sentences": len(written),
        "sentences_supported": _share(sum(s.supported for s in written), len(written)),
        "cites_answer_page": _share(
            sum(any(c.page_start in q["pages"] for c in a.citations) and a.covered for q, a in paged), len(paged)
        ),
        "answered": _share(sum(a.covered for _, a in answerable), len(answerable)),
        "abstained": _share(sum(not a.covered for a in unanswerable), len(unanswerable)),
        "not_asked": sum(a.notice == NOT_ASKED for _, a, _, _ in results),  # nothing close enough to write from
        "quoted_instead": len(unsupported),  # the model wrote nothing supported, the passages answer: quoted
        "fallbacks": len(failed),
        "first_fallback": failed[0] if failed else None,
        "first_piece_s": round(statistics.median(firsts), 2) if firsts else None,
        "pieces_per_s": round(statistics.median(rates), 1) if rates else None,
    }


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None


def _page_questions() -> list[dict[str, object]]:
    with (DATA / "page_questions.csv").open(encoding="utf-8", newline="") as file:
        return [
            {"question": r["question"], "answerable": True, "pages": {int(p) for p in r["pages"].split(";") if p}}
            for r in csv.DictReader(file)
        ]


def _abstention(name: str, document: str = "") -> list[dict[str, object]]:
    return [
        {"question": q.question, "answerable": q.answerable, "pages": set(q.pages)}
        for q in abstention.read(DATA / name)
        if not document or q.document == document
    ]


if __name__ == "__main__":
    main()
