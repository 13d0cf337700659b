"""A sentence-transformers model folder of exactly Transformer -> mean Pooling -> Normalize (the
bundled all-MiniLM-L6-v2 is one), run with transformers alone.

Why: sentence-transformers 6 imports scikit-learn and much else at import time, which costs ~1.8 s
of the web chat's start on this machine; this path computes the same vectors (a test compares them
with sentence-transformers' own) without that import. Any other model folder or name goes through
sentence-transformers, so every sentence-transformers model still works.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

_MODULES = [
    "sentence_transformers.models.Transformer",
    "sentence_transformers.models.Pooling",
    "sentence_transformers.models.Normalize",
]


def load(folder: str) -> MeanPoolingModel | None:
    """The model in `folder` when it has exactly the supported layout, else None."""
    root = Path(folder)
    try:
        modules = json.loads((root / "modules.json").read_text(encoding="utf-8"))
        if [m["type"] for m in modules] != _MODULES:
            return None
        pooling = json.loads((root / modules[1]["path"] / "config.json").read_text(encoding="utf-8"))
        config = json.loads((root / modules[0]["path"] / "sentence_bert_config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return None
    modes = {k: v for k, v in pooling.items() if k.startswith("pooling_mode_")}
    if not modes.get("pooling_mode_mean_tokens") or any(v for k, v in modes.items() if k != "pooling_mode_mean_tokens"):
        return None
    if config.get("do_lower_case") or not isinstance(config.get("max_seq_length"), int):
        return None
    if set(pooling) - {"word_embedding_dimension", "include_prompt", *modes}:
        return None  # options this path does not implement
    try:
        extra = json.loads((root / "config_sentence_transformers.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        extra = {}
    if extra.get("default_prompt_name") or extra.get("prompts", {}).get("query"):
        return None  # sentence-transformers would prepend a prompt
    return MeanPoolingModel(root / modules[0]["path"], config["max_seq_length"])


class MeanPoolingModel:
    """The part of SentenceTransformer's interface the Embedder uses."""

    def __init__(self, folder: Path, max_seq_length: int) -> None:
        import torch
        from transformers import AutoModel, AutoTokenizer

        self._torch = torch
        self.tokenizer: Any = AutoTokenizer.from_pretrained(str(folder))
        self.model: Any = AutoModel.from_pretrained(str(folder)).eval()
        self.max_seq_length = max_seq_length

    def get_sentence_embedding_dimension(self) -> int:
        return int(self.model.config.hidden_size)

    def encode(self, texts: Sequence[str], **_: Any) -> np.ndarray:
        """Unit vectors: mean of the token vectors under the attention mask, as sentence-transformers'
        Pooling does, then L2-normalised. Texts are stripped first, as its Transformer module does."""
        torch = self._torch
        encoded = self.tokenizer(
            [str(t).strip() for t in texts],
            padding=True,
            truncation="longest_first",
            max_length=self.max_seq_length,
            return_tensors="pt",
        )
        with torch.inference_mode():
            tokens = self.model(**encoded).last_hidden_state
            mask = encoded["attention_mask"].unsqueeze(-1).to(tokens.dtype)
            pooled = (tokens * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
            vectors = torch.nn.functional.normalize(pooled, p=2, dim=1)
        result: np.ndarray = vectors.float().numpy()
        return result
