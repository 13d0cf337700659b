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
from pathlib import Path

import numpy as np
import onnxruntime
from tokenizers import Tokenizer

from .onnx_export import MODEL_FILE, TOKENIZER_FILE


class OnnxModel:
    """The model in `folder` (an export of onnx_export.py): MODEL_FILE, or `model_file` beside it."""

    def __init__(self, folder: Path, max_seq_length: int, model_file: str = MODEL_FILE) -> None:
        self.max_seq_length = max_seq_length
        self._counter = Tokenizer.from_file(str(folder / TOKENIZER_FILE))
        self._counter.no_truncation()
        self._counter.no_padding()
        self._encoder = Tokenizer.from_file(str(folder / TOKENIZER_FILE))
        self._encoder.enable_truncation(max_seq_length)  # counts the special tokens, as transformers does
        self._encoder.no_padding()
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = os.cpu_count() or 1
        options.log_severity_level = 3  # warnings about unused initialisers are not the user's business
        self._session = onnxruntime.InferenceSession(
            str(folder / model_file), options, providers=["CPUExecutionProvider"]
        )
        self._inputs = [i.name for i in self._session.get_inputs()]
        self.dimension = int(self._session.get_outputs()[0].shape[-1])
        # The word pieces one text may hold before the model silently truncates it.
        self.max_tokens = max_seq_length - self._counter.num_special_tokens_to_add(False)

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        return [len(e.ids) for e in self._counter.encode_batch(list(texts), add_special_tokens=False)]

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """One unit vector per text, each text run alone. Padding texts to a common length was no
        faster here (the padding is computed too), and alone a text's vector does not depend on the
        texts beside it: int8 models quantise activations with one scale per run."""
        vectors = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, encoded in enumerate(self._encoder.encode_batch([str(t).strip() for t in texts])):
            feed = {
                "input_ids": np.array([encoded.ids], dtype=np.int64),
                "attention_mask": np.array([encoded.attention_mask], dtype=np.int64),
                "token_type_ids": np.array([encoded.type_ids], dtype=np.int64),
            }
            tokens = self._session.run(None, {name: feed[name] for name in self._inputs})[0][0]
            pooled = tokens.mean(axis=0)  # one text, no padding: every token is under the mask
            vectors[row] = pooled / max(float(np.linalg.norm(pooled)), 1e-12)
        return vectors
