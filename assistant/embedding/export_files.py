"""The files of an ONNX export folder: onnx_export.py writes them, onnx_model.py reads them. Kept apart
so that the reader need not import the writer (which imports torch when it exports)."""

MODEL_FILE = "model.onnx"
INT8_FILE = "model-int8.onnx"  # MODEL_FILE with its matrix products' weights quantised to int8
TOKENIZER_FILE = "tokenizer.json"
INFO_FILE = "export.json"  # what was exported, from where, and how well it matched torch
