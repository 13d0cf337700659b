"""The web chat: Gradio, and what only the chat needs (rendering, page images, example questions).

Importing this package imports nothing heavy; `assistant.web.chat` imports Gradio.
"""

import os

from .gradio_import import skip_stub_writer

# No analytics, no version check: nothing leaves the machine. Set before any module here imports Gradio.
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
# Several people may ask at once; the model and index are shared, so answers run in threads, up to 8
# at a time for each of the chat's events. Set here rather than by `Blocks.queue()`, which would build
# Gradio's web app a fourth time at each start (about 0.1 s); the environment's own value wins.
os.environ.setdefault("GRADIO_DEFAULT_CONCURRENCY_LIMIT", "8")
# Gradio's import without rewriting its type stubs: about half of its import time (gradio_import.py).
skip_stub_writer()
