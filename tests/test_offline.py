"""No network at run time: a full build and a question with every non-loopback socket refused."""

import json
import subprocess
import sys
from pathlib import Path

from .conftest import BUNDLED_SUMMARY, ROOT

GUARD = r"""
import ipaddress, json, socket, sys

attempts = []

def _loopback(address):
    host = address[0] if isinstance(address, tuple) else address
    if isinstance(host, bytes):
        host = host.decode()
    if host in (None, "localhost") or not isinstance(host, str) or host.startswith("/"):
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False

def _refuse(kind, address):
    attempts.append(f"{kind} {address!r}")
    raise OSError(f"network access refused by the test: {kind} {address!r}")

_connect, _connect_ex, _getaddrinfo = socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo

def connect(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6) and not _loopback(address):
        _refuse("connect", address)
    return _connect(self, address)

def connect_ex(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6) and not _loopback(address):
        _refuse("connect_ex", address)
    return _connect_ex(self, address)

def getaddrinfo(host, *args, **kwargs):
    if not _loopback((host,)):
        _refuse("getaddrinfo", host)
    return _getaddrinfo(host, *args, **kwargs)

socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo = connect, connect_ex, getaddrinfo

from assistant.cli import main
docs, index_dir = sys.argv[1], sys.argv[2]
built = main(["--docs", docs, "--index-dir", index_dir, "index"])
asked = main(["--docs", docs, "--index-dir", index_dir, "ask", "What was the watershed year?", "--json"])
print("RESULT " + json.dumps({"built": built, "asked": asked, "attempts": attempts}))
"""


def test_build_and_ask_with_the_network_refused(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / BUNDLED_SUMMARY.name).write_bytes(BUNDLED_SUMMARY.read_bytes())
    result = subprocess.run(
        [sys.executable, "-c", GUARD, str(docs), str(tmp_path / "idx")],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "HF_HUB_OFFLINE": "1"},
    )
    assert result.returncode == 0, result.stderr
    # A new HOME: the model is exported and quantised in this run, and onnxruntime's quantiser, which
    # configures the root logger when imported, leaves no library's debug lines on the terminal.
    assert "DEBUG:" not in result.stderr, result.stderr
    outcome = json.loads(result.stdout.split("RESULT ", 1)[1])
    assert outcome == {"built": 0, "asked": 0, "attempts": []}
    answer = json.loads(result.stdout.split("RESULT ", 1)[0].split("Index ready:", 1)[1].split("\n", 1)[1])
    assert answer["covered"] and "2020" in answer["citations"][0]["excerpt"]
