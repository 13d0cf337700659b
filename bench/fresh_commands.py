"""Benchmark: `assistant ask` and `assistant search` as fresh processes, index present.

    python bench/fresh_commands.py [DOCS_DIR] [--runs 10]

Builds an index of DOCS_DIR (default: the bundled documents/) in a temp folder, untimed, then runs
each command --runs times and prints one JSON line with the median, min and max seconds and the
peak RSS of each (what a shell loop of questions pays per question).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QUESTION = "What was the watershed year in the relationship?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("docs", type=Path, nargs="?", default=ROOT / "documents")
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    assistant = str(Path(sys.executable).parent / "assistant")
    result: dict[str, object] = {"docs": str(args.docs)}
    with tempfile.TemporaryDirectory() as temp:
        where = ["--docs", str(args.docs), "--index-dir", str(Path(temp) / "index")]
        subprocess.run([assistant, *where, "index"], check=True, capture_output=True)
        for command in ("ask", "search"):
            seconds, rss = [], []
            for _ in range(args.runs):
                started = time.perf_counter()
                child = subprocess.Popen([assistant, *where, command, QUESTION], stdout=subprocess.DEVNULL)
                _, status, usage = os.wait4(child.pid, 0)
                seconds.append(time.perf_counter() - started)
                if status != 0:
                    raise SystemExit(f"assistant {command} failed ({status})")
                rss.append(usage.ru_maxrss / 1024)  # Linux reports kilobytes
            result[command] = {
                "median_seconds": round(statistics.median(seconds), 2),
                "min_seconds": round(min(seconds), 2),
                "max_seconds": round(max(seconds), 2),
                "peak_rss_mb": round(max(rss)),
            }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
