"""A mean-pooling model run with onnxruntime and the tokenizers library: the only module that imports
onnxruntime. Neither torch nor transformers is imported, so a fresh `assistant ask` loads its model
in a fraction of a second instead of seconds.

It gives the vectors sentence-transformers gives for the same model (a test compares them): texts
stripped, tokenized with truncation at the model's maximum length, the mean of the token vectors
under the attention mask, L2-normalised.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import onnxruntime
from tokenizers import Encoding, Tokenizer

from .export_files import MODEL_FILE, TOKENIZER_FILE


class OnnxModel:
    """The model in `folder` (an export of onnx_export.py): MODEL_FILE, or `model_file` beside it."""

    def __init__(self, folder: Path, max_seq_length: int, model_file: str = MODEL_FILE) -> None:
        self._counter = Tokenizer.from_file(str(folder / TOKENIZER_FILE))
        self._counter.no_truncation()
        self._counter.no_padding()
        self._encoder = Tokenizer.from_file(str(folder / TOKENIZER_FILE))
        self._encoder.enable_truncation(max_seq_length)  # counts the special tokens, as transformers does
        self._encoder.no_padding()
        # Texts run side by side, one session per core on one thread each: 1.3-1.4x the texts a second
        # of one session on two threads here (onnxruntime releases the GIL while it runs). Only the
        # first session is made up front: a question embeds one text, and a fresh `assistant ask`
        # should not pay for the others.
        self._path = folder / model_file
        self._sessions = [_session(self._path)]
        self._pool: ThreadPoolExecutor | None = None
        self._inputs = [i.name for i in self._sessions[0].get_inputs()]
        self.dimension = int(self._sessions[0].get_outputs()[0].shape[-1])
        # The word pieces one text may hold before the model silently truncates it.
        self.max_tokens = max_seq_length - self._counter.num_special_tokens_to_add(False)

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        return [len(e.ids) for e in self._counter.encode_batch(list(texts), add_special_tokens=False)]

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """One unit vector per text, each text run alone. Padding texts to a common length was no
        faster here (the padding is computed too), and alone a text's vector does not depend on the
        texts beside it: int8 models quantise activations with one scale per run."""
        encoded = self._encoder.encode_batch([str(t).strip() for t in texts])
        vectors = np.zeros((len(texts), self.dimension), dtype=np.float32)
        cores = os.cpu_count() or 1
        if len(encoded) < 2 or cores < 2:
            self._run(self._sessions[0], encoded, range(len(encoded)), vectors)
            return vectors
        if self._pool is None:  # the first batch of a build: the other sessions, once
            self._sessions += [_session(self._path) for _ in range(cores - 1)]
            self._pool = ThreadPoolExecutor(cores, thread_name_prefix="onnx")
        shares = [(session, range(k, len(encoded), cores)) for k, session in enumerate(self._sessions)]
        for running in [self._pool.submit(self._run, session, encoded, rows, vectors) for session, rows in shares]:
            running.result()
        return vectors

    def token_vectors(self, text: str) -> tuple[list[tuple[int, int]], np.ndarray]:
        """The word pieces of `text` (stripped): their character spans, and their vectors from the
        model's last layer, unit length, one row each: what a word means in this sentence."""
        encoded = self._encoder.encode(text.strip())
        feed = {
            "input_ids": np.array([encoded.ids], dtype=np.int64),
            "attention_mask": np.array([encoded.attention_mask], dtype=np.int64),
            "token_type_ids": np.array([encoded.type_ids], dtype=np.int64),
        }
        tokens = self._sessions[0].run(None, {name: feed[name] for name in self._inputs})[0][0]
        norms = np.maximum(np.linalg.norm(tokens, axis=1, keepdims=True), 1e-12)
        return [(int(s), int(e)) for s, e in encoded.offsets], (tokens / norms).astype(np.float32)

    def _run(
        self, session: onnxruntime.InferenceSession, encoded: list[Encoding], rows: range, out: np.ndarray
    ) -> None:
        for row in rows:
            feed = {
                "input_ids": np.array([encoded[row].ids], dtype=np.int64),
                "attention_mask": np.array([encoded[row].attention_mask], dtype=np.int64),
                "token_type_ids": np.array([encoded[row].type_ids], dtype=np.int64),
            }
            tokens = session.run(None, {name: feed[name] for name in self._inputs})[0][0]
            pooled = tokens.mean(axis=0)  # one text, no padding: every token is under the mask
            out[row] = pooled / max(float(np.linalg.norm(pooled)), 1e-12)


def _session(path: Path) -> Any:
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1
    options.log_severity_level = 3  # warnings about unused initialisers are not the user's business
    return onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
