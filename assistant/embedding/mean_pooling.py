"""Whether a sentence-transformers model folder is exactly Transformer -> mean Pooling -> Normalize (the
bundled all-MiniLM-L6-v2 is one), the layout the ONNX path (onnx_export.py, onnx_model.py) computes.

Why it matters: for such a model the vectors are the mean of the transformer's token vectors under the
attention mask, L2-normalised, and nothing else, so they can be computed without torch,
transformers or sentence-transformers (seconds of import each). A folder with any other module,
pooling mode, option or prompt is left to sentence-transformers, so every model still works.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

_MODULES = [
    "sentence_transformers.models.Transformer",
    "sentence_transformers.models.Pooling",
    "sentence_transformers.models.Normalize",
]


@dataclass(frozen=True)
class Layout:
    transformer: Path  # the folder of the Transformer module (its config, weights and tokenizer)
    max_seq_length: int  # word pieces per text, special tokens included; longer texts are truncated


def layout(folder: str) -> Layout | None:
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
    if set(config) - {"max_seq_length", "do_lower_case"}:
        return None  # e.g. tokenizer or model arguments sentence-transformers would pass on
    try:
        extra = json.loads((root / "config_sentence_transformers.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        extra = {}
    if extra.get("default_prompt_name") or extra.get("prompts", {}).get("query"):
        return None  # sentence-transformers would prepend a prompt
    transformer = (root / modules[0]["path"]).resolve()
    if not (transformer / "tokenizer.json").is_file():
        return None  # onnx_model.py tokenizes with the tokenizers library, which reads this file
    return Layout(transformer, config["max_seq_length"])
