"""Big files through `assistant index`: a 2,000-page PDF and a markdown file that is one 1 MB line.

    python bench/big_files.py [--pages 2000] [--only pdf|line]

Each file is indexed alone by a fresh `assistant index` process into a fresh index; prints one JSON
line per file: pages, chunks, seconds, and the process's peak RSS (ru_maxrss from wait4), so that
memory stays bounded as documents grow. The test suite indexes a 2,000-page PDF of one line per
page (tests/test_ingest.py); this one has full pages.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests import pdfs  # noqa: E402

SENTENCES = [
    "Entry {n} of the register records a grain shipment from depot {d} to the border station at Brest.",
    "The shipment was inspected twice, and the second inspection found {d} damaged sacks.",
    "Freight rates on the line rose by {r} percent in the quarter, according to the operator.",
    "The depot manager reported that rail capacity, not demand, limited the volume moved.",
    "Payments were settled in Russian roubles through a correspondent bank in Moscow.",
]


def big_pdf(path: Path, pages: int) -> None:
    lines = [
        [s.format(n=n, d=n % 97, r=n % 13) for s in SENTENCES]
        + [s.format(n=n + 1, d=n % 89, r=n % 7) for s in SENTENCES]
        for n in range(1, pages + 1)
    ]
    pdfs.write_pdf(path, lines)


def one_line(path: Path) -> None:
    text = " ".join(s.format(n=n, d=n % 97, r=n % 13) for n in range(20000) for s in SENTENCES)
    path.write_text(text[:1_000_000], encoding="utf-8")


def index(docs: Path) -> dict[str, object]:
    index_dir = docs.parent / "idx"
    started = time.perf_counter()
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "assistant"), "--docs", str(docs), "--index-dir", str(index_dir), "index"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"assistant index failed:\n{output}")
    manifest = json.loads(next(index_dir.glob("build-*/manifest.json")).read_text(encoding="utf-8"))
    return {
        "pages": manifest["counts"]["pages"],
        "chunks": manifest["counts"]["chunks"],
        "seconds": round(seconds, 1),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),  # Linux reports KiB
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--only", choices=["pdf", "line"])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        for kind, make in (("pdf", lambda p: big_pdf(p, args.pages)), ("line", one_line)):
            if args.only and args.only != kind:
                continue
            docs = Path(folder) / kind / "docs"
            docs.mkdir(parents=True)
            path = docs / ("register.pdf" if kind == "pdf" else "one-line.md")
            make(path)
            result = {"file": path.name, "bytes": path.stat().st_size, **index(docs)}
            print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
