"""A mean-pooling model's transformer, exported once to ONNX from its own weights on this machine.

The only module that imports torch for the ONNX path, and only when the export is not in the cache
yet: after that, questions and builds run on onnxruntime and tokenizers alone (onnx_model.py).
Nothing is downloaded: the export reads the model folder that is already here.

The export is kept in the user cache (`~/.cache/assistant/onnx/<key>/`), under a key made of the
model folder's path and its files' sizes and times, so a changed model is exported again; it is
written to a temporary folder and renamed into place, so two processes exporting at once, or one
killed halfway, never leave a half-written model behind. Before it is kept, its vectors are
compared with torch's own on a few texts: an export that does not reproduce them is an error.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from ..config import user_cache_dir
from .export_files import INFO_FILE, INT8_FILE, MODEL_FILE, TOKENIZER_FILE
from .mean_pooling import Layout

OPSET = 17
MIN_COSINE = 0.99999  # the export's vectors against torch's on PROBES, or it is not kept
# int8 against float32 on PROBES. Measured on 825 texts of a 10-Q (passages, sentences, questions):
# mean 0.993, lowest 0.983; what it does to retrieval is in docs/benchmarks.md ("Speed").
MIN_INT8_COSINE = 0.97
PROBES = (
    "What was the watershed year in the relationship between Belarus and Russia?",
    "short",
    " ".join(f"Sentence {i} is about potash exports through Klaipeda and gas prices." for i in range(40)),
)


def cached(layout: Layout) -> Path:
    """The folder that holds (or will hold) this model's export."""
    return user_cache_dir() / "onnx" / _key(layout.transformer)


def export(layout: Layout, int8: bool = False) -> Path:
    """The export's folder, exporting first when the cache has none (seconds: torch is imported),
    and quantising it to int8 first when that is asked for and not there yet."""
    target = cached(layout)
    if not ((target / MODEL_FILE).is_file() and (target / TOKENIZER_FILE).is_file()):
        _export_into(layout, target)
    if int8 and not (target / INT8_FILE).is_file():
        _quantize(target, layout.max_seq_length)
    return target


def _export_into(layout: Layout, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".export-", dir=target.parent))
    try:
        info = _export(layout, work)
        (work / INFO_FILE).write_text(json.dumps(info, indent=2), encoding="utf-8")
        try:
            work.rename(target)
        except OSError:
            if not (target / MODEL_FILE).is_file():  # another process's export won; anything else is real
                raise
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _quantize(folder: Path, max_seq_length: int) -> None:
    """INT8_FILE beside MODEL_FILE: every MatMul's weights in int8, one scale per output channel
    (one scale per matrix lost up to 0.07 of cosine here), activations quantised as they come."""
    from .onnx_model import OnnxModel

    handle, name = tempfile.mkstemp(prefix=".int8-", suffix=".onnx", dir=folder)
    os.close(handle)
    temporary = Path(name)
    try:
        with _root_logging_kept():
            from onnxruntime.quantization import QuantType, quantize_dynamic

            quantize_dynamic(
                folder / MODEL_FILE,
                temporary,
                op_types_to_quantize=["MatMul"],
                per_channel=True,
                weight_type=QuantType.QInt8,
            )
        exact = OnnxModel(folder, max_seq_length).encode(list(PROBES))
        cosine = _lowest_cosine(OnnxModel(folder, max_seq_length, temporary.name).encode(list(PROBES)), exact)
        if cosine < MIN_INT8_COSINE:
            raise RuntimeError(f"the int8 model in {folder} is too far from its float32 one (cosine {cosine})")
        os.replace(temporary, folder / INT8_FILE)  # atomic: a reader sees no file or a whole one
    finally:
        temporary.unlink(missing_ok=True)


@contextmanager
def _root_logging_kept() -> Iterator[None]:
    """onnxruntime.quantization calls logging.basicConfig when imported (after which every library's
    debug lines reach the terminal) and warns on the root logger ("consider pre-processing", advice
    for image models): silence it, and give the root logger back as it was."""
    root = logging.getLogger()
    handlers, level, disabled = root.handlers[:], root.level, root.manager.disable
    logging.disable(logging.WARNING)
    try:
        yield
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
        logging.disable(disabled)


def _key(folder: Path) -> str:
    files = sorted(p for p in folder.iterdir() if p.is_file())
    stamp = [str(folder)] + [f"{p.name}:{p.stat().st_size}:{p.stat().st_mtime_ns}" for p in files]
    return hashlib.sha256("\n".join(stamp).encode()).hexdigest()[:20]


def _export(layout: Layout, work: Path) -> dict[str, Any]:
    import torch
    from transformers import AutoModel, AutoTokenizer
    from transformers.utils import logging as transformers_logging

    transformers_logging.set_verbosity_error()  # type: ignore[no-untyped-call]
    transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
    tokenizer = AutoTokenizer.from_pretrained(str(layout.transformer))
    # Eager attention traces to plain matrix products; the SDPA path bakes in shape checks.
    model = AutoModel.from_pretrained(str(layout.transformer), attn_implementation="eager").eval()
    probe = tokenizer(
        list(PROBES), padding=True, truncation=True, max_length=layout.max_seq_length, return_tensors="pt"
    )
    names = [n for n in ("input_ids", "attention_mask", "token_type_ids") if n in probe]

    class LastHiddenState(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, *inputs: Any) -> Any:
            return self.model(**dict(zip(names, inputs, strict=True))).last_hidden_state

    with torch.no_grad(), warnings.catch_warnings():
        expected = _pool(model(**{n: probe[n] for n in names}).last_hidden_state.numpy(), probe["attention_mask"])
        warnings.simplefilter("ignore")  # the TorchScript exporter's deprecation and tracing notes
        torch.onnx.export(
            LastHiddenState().eval(),  # a new Module trains (dropout on) until told otherwise
            tuple(probe[n] for n in names),
            str(work / MODEL_FILE),
            input_names=names,
            output_names=["last_hidden_state"],
            dynamic_axes={n: {0: "batch", 1: "tokens"} for n in [*names, "last_hidden_state"]},
            opset_version=OPSET,
            dynamo=False,
        )
    tokenizer.backend_tokenizer.save(str(work / TOKENIZER_FILE))

    from .onnx_model import OnnxModel

    cosine = _lowest_cosine(OnnxModel(work, layout.max_seq_length).encode(list(PROBES)), expected)
    if cosine < MIN_COSINE:
        raise RuntimeError(f"the ONNX export of {layout.transformer} does not reproduce its vectors (cosine {cosine})")
    return {
        "source": str(layout.transformer),
        "torch": torch.__version__,
        "opset": OPSET,
        "inputs": names,
        "min_cosine_to_torch": cosine,
    }


def _lowest_cosine(got: np.ndarray, expected: np.ndarray) -> float:
    return float(np.min(np.sum(got * expected, axis=1)))


def _pool(tokens: np.ndarray, mask: Any) -> np.ndarray:
    weights = np.asarray(mask, dtype=np.float32)[..., None]
    pooled = (tokens * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
    result: np.ndarray = pooled / np.linalg.norm(pooled, axis=1, keepdims=True)
    return result
