"""The web chat: Gradio, and what only the chat needs (rendering, page images, example questions).

Importing this package imports nothing heavy; `assistant.web.chat` imports Gradio.
"""

import os

from .gradio_import import skip_stub_writer

# No analytics, no version check: nothing leaves the machine. Set before any module here imports Gradio.
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
# Gradio's import without rewriting its type stubs: half of the time to the first answer (gradio_import.py).
skip_stub_writer()
