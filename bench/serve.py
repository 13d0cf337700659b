"""Benchmark the web chat: time from `assistant serve` to the first answered question, then latency.

    python bench/serve.py [DOCS_DIR] [--questions 50]

With an index already built (the script builds it first, untimed), starts `assistant serve` on a
free port and asks one question over HTTP until it is answered: that is the time to first answer,
taken --starts times (median, min, max). On the last start it asks --questions questions through
the HTTP API (POST /gradio_api/api/ask) and through gradio_client, reads the server's peak RSS
(VmHWM), and prints one JSON line with p50/p95 for each.
"""

from __future__ import annotations

import argparse
import json
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from timing import percentiles  # bench/ is on sys.path when a script in it runs

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = [
    "Where do Belarus and Russia converge, and where do they diverge?",
    "What was the watershed year in the relationship?",
    "How dependent is Belarus's defense industry on Russia?",
    "How do Belarus's neighbors see the relationship?",
    "What happened during the migrant crisis?",
    "Does Russia treat Belarus as an equal?",
    "What is the Union State?",
    "Why can Belarusian industry not grow beyond a point?",
    "Who sponsored the research?",
    "Can Minsk still act as a mediator?",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("docs", type=Path, nargs="?", default=ROOT / "documents")
    parser.add_argument("--questions", type=int, default=50)
    parser.add_argument("--starts", type=int, default=10)
    args = parser.parse_args()
    assistant = str(Path(sys.executable).parent / "assistant")
    with tempfile.TemporaryDirectory() as temp:
        index_dir = Path(temp) / "index"
        subprocess.run(
            [assistant, "--docs", str(args.docs), "--index-dir", str(index_dir), "index"],
            check=True,
            capture_output=True,
        )
        starts = []
        for start in range(args.starts):
            last = start == args.starts - 1
            with socket.socket() as probe:
                probe.bind(("127.0.0.1", 0))
                port = probe.getsockname()[1]
            url = f"http://127.0.0.1:{port}/"
            started = time.perf_counter()
            server = subprocess.Popen(
                [assistant, "--docs", str(args.docs), "--index-dir", str(index_dir), "serve", "--port", str(port)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            try:
                while True:
                    try:
                        response = httpx.post(
                            f"{url}gradio_api/api/ask", json={"data": [QUESTIONS[1], 5, ""]}, timeout=30
                        )
                        if response.status_code == 200:
                            break
                    except httpx.HTTPError:
                        pass
                    if server.poll() is not None:
                        raise SystemExit(f"assistant serve exited with {server.returncode}")
                    time.sleep(0.02)
                starts.append(time.perf_counter() - started)
                if last:
                    http_times, client_times = _latencies(url, args.questions)
                    peak_rss_mb = _peak_rss_mb(server.pid)
            finally:
                server.terminate()
                server.wait(timeout=30)
    print(
        json.dumps(
            {
                "docs": str(args.docs),
                "seconds_to_first_answer": {
                    "median": round(statistics.median(starts), 2),
                    "min": round(min(starts), 2),
                    "max": round(max(starts), 2),
                    "starts": len(starts),
                },
                "server_peak_rss_mb": peak_rss_mb,
                "questions": args.questions,
                "http_api_ms": percentiles(http_times),
                "gradio_client_ms": percentiles(client_times),
            }
        )
    )


def _latencies(url: str, count: int) -> tuple[list[float], list[float]]:
    questions = (QUESTIONS * (1 + count // len(QUESTIONS)))[:count]
    http_times = []
    with httpx.Client(base_url=url, timeout=60) as http:
        for question in questions:
            tick = time.perf_counter()
            http.post("gradio_api/api/ask", json={"data": [question, 5, ""]}).raise_for_status()
            http_times.append(time.perf_counter() - tick)
    from gradio_client import Client

    client = Client(url, verbose=False)
    client_times = []
    for question in questions:
        tick = time.perf_counter()
        client.predict(question, 5, api_name="/ask")
        client_times.append(time.perf_counter() - tick)
    return http_times, client_times


def _peak_rss_mb(pid: int) -> int:
    """The process's high-water mark of resident memory (Linux /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024)
    raise RuntimeError(f"no VmHWM for process {pid}")


if __name__ == "__main__":
    main()
