"""(a question's word, a sentence) -> whether the sentence says that word in other words.

"Who paid for the RAND *study*?" is answered by "This *research* was sponsored by …": the word is
not there, its meaning is. Each word is read as the embedding model reads it in its own sentence
(the mean of its word pieces' vectors from the model's last layer, embedding.token_vectors), and a
sentence says a word when one of its words comes close enough: "study" and "research" 0.61,
"counterbalance" and "offset" 0.63, but "tanks" and "defense" 0.31. Static word vectors did not
tell these apart ("tanks" and "army" 0.52, "reliant" and "dependent" 0.35).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .word_classes import WORD

# Cosine of two words' contextual vectors at which a sentence says the question's word. Chosen on the
# abstention sets' train halves with the page and analyst questions beside them (bench/abstention.py):
# 0.50 to 0.60 kept the same answers but for one or two questions; 0.55 sits between.
CLOSE_FLOOR = 0.55

TokenVectors = Callable[[str], tuple[list[tuple[int, int]], np.ndarray] | None]


class CloseWords:
    """The matcher for one question (grounding.Close). Without token vectors (a model run through
    sentence-transformers) no sentence says a word in other words: only literal matches count."""

    def __init__(self, token_vectors: TokenVectors, question: str, floor: float = CLOSE_FLOOR) -> None:
        self._token_vectors = token_vectors
        self._floor = floor
        self._cache: dict[str, dict[str, np.ndarray]] = {}  # for one question: a few dozen sentences
        self._question = self._words(question)

    def __call__(self, word: str, sentence: str) -> bool:
        asked = self._question.get(word.lower())
        if asked is None or not sentence.strip():
            return False
        said = self._words(sentence)
        if not said:
            return False
        return bool(float(np.max(np.stack(list(said.values())) @ asked)) >= self._floor)

    def _words(self, text: str) -> dict[str, np.ndarray]:
        """Each word of `text` (lower case) -> its contextual vector (the first time it occurs)."""
        if text in self._cache:
            return self._cache[text]
        found = self._token_vectors(text.strip())
        words: dict[str, np.ndarray] = {}
        if found is not None:
            spans, vectors = found
            for match in WORD.finditer(text.strip()):
                rows = [i for i, (s, e) in enumerate(spans) if e > s and s >= match.start() and e <= match.end()]
                if rows and match.group().lower() not in words:
                    mean = vectors[rows].mean(axis=0)
                    words[match.group().lower()] = mean / max(float(np.linalg.norm(mean)), 1e-12)
        self._cache[text] = words
        return words
