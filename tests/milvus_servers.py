"""A real Milvus API for the tests: Milvus Lite's gRPC server in a process of its own on a free
loopback port, which the assistant reaches by URI exactly as it would a Milvus cluster."""

from __future__ import annotations

import importlib.util
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from .web_helpers import free_port


def require_milvus() -> None:
    """The milvus extra: required in CI (make test installs it), a skip elsewhere."""
    if importlib.util.find_spec("pymilvus") is None or importlib.util.find_spec("milvus_lite") is None:
        if os.environ.get("CI"):
            pytest.fail("pymilvus and milvus-lite are missing: make test installs the 'milvus' extra")
        pytest.skip("the Milvus client is not installed (pip install -e '.[milvus]')")


@dataclass
class MilvusServer:
    process: subprocess.Popen[bytes]
    data_dir: Path
    port: int

    @property
    def uri(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # its server closes the database on Ctrl-C
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=30)


def start_milvus(data_dir: Path, port: int | None = None) -> MilvusServer:
    """Serve data_dir (created if missing) on 127.0.0.1; returns once the port takes connections."""
    require_milvus()
    port = port or free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "milvus_lite", "server", "--data-dir", str(data_dir)]
        + ["--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"milvus_lite server exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return MilvusServer(process, data_dir, port)
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("the Milvus Lite server did not start within 60 s")
