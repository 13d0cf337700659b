"""Starting `assistant serve` for tests, and a headless Chromium to drive it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from .conftest import ROOT

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = ROOT / "tests" / "artifacts"  # screenshots, kept after the run (git-ignored)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serving(
    docs: Path, index_dir: Path, *options: str, timeout: float = 300
) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """Run `assistant serve` on a free port until the block ends; yields its URL and process."""
    port = free_port()
    log = open(index_dir.parent / f"serve-{port}.log", "w+", encoding="utf-8")  # noqa: SIM115 — closed below
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "assistant"),
            "--docs",
            str(docs),
            "--index-dir",
            str(index_dir),
            "serve",
            "--port",
            str(port),
            *options,
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=ROOT,
        env={**os.environ, "GRADIO_ANALYTICS_ENABLED": "False"},
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                log.seek(0)
                pytest.fail(f"assistant serve exited with {process.returncode}:\n{log.read()}")
            try:
                if httpx.get(url, timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"assistant serve did not answer on {url} within {timeout} s")
            time.sleep(0.3)
        yield url, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def require_chromium() -> None:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: .ci/run installs Debian's chromium package")
        pytest.skip("Debian's chromium is not installed (apt-get install -y chromium)")
