"""Embedding: texts -> unit vectors, with the bundled MiniLM or any sentence-transformers model here.

Owns the embedder (embedder.py, the only importer of sentence-transformers), the check of whether a
model folder has the bundled model's plain mean-pooling layout (mean_pooling.py), its one-time ONNX
export into the user cache (onnx_export.py, the only importer of torch on that path) and the
onnxruntime model that runs it (onnx_model.py). Imports go one way: embedder -> onnx_export ->
onnx_model -> export_files.

Public entry points: `Embedder`, and `model_id` / `model_path` / `split_int8` for a model setting.
"""

from .embedder import Embedder, model_id, model_path, split_int8

__all__ = ["Embedder", "model_id", "model_path", "split_int8"]
