# Two commands set everything up on a fresh machine (each is idempotent):
#   make chat   install into .venv, index documents/, and start the web chat on http://127.0.0.1:7860/
#   make test   install into .venv and run the whole test suite (what CI runs)

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# Never reach for the network at run time (a model name not on this machine fails at once).
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export GRADIO_ANALYTICS_ENABLED := False

.PHONY: chat test setup lint bench quality

chat: $(STAMP)
	$(BIN)/assistant serve

test: $(STAMP) lint
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check assistant tests bench
	$(BIN)/mypy

setup: $(STAMP)

# torch first, pinned: it is the local CPU wheel; left to sentence-transformers, pip would fetch a
# multi-GB CUDA build.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --disable-pip-version-check -q torch==2.13.0
	$(BIN)/pip install --disable-pip-version-check -q -e '.[test]'
	touch $(STAMP)

bench: $(STAMP)
	$(BIN)/python bench/build_and_search.py ../shared/eval/docugami-sec10q/docs
	$(BIN)/python bench/serve.py

# Retrieval quality on SciFact, the Docugami 10-Q questions, the page questions and the analyst questions,
# with dense alone and BM25 alone beside the fusion (README table).
quality: $(STAMP)
	$(BIN)/python bench/quality.py
