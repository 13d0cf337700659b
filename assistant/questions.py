"""A question as typed (or sent to the API) -> the text that is searched, or QuestionError.

Questions come from browsers, terminals and HTTP clients: they may hold control characters,
terminal escape codes, bidirectional overrides or unpaired surrogates, none of which mean anything
to a search and some of which crash the tokenizer. They are removed here, once, for every caller.
"""

from __future__ import annotations

import re
import unicodedata

from .errors import QuestionError

# Longer questions are refused: the embedding model reads the first 256 word pieces (about 1,000
# characters) anyway, and a pasted page is better searched a paragraph at a time.
MAX_QUESTION_CHARS = 2000

_ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")


def clean_question(question: str) -> str:
    """The question with escape codes and invisible control or format characters removed, unpaired
    surrogates replaced, and whitespace runs collapsed to one space."""
    text = question.encode("utf-8", "replace").decode("utf-8")  # unpaired surrogates become '?'
    text = _ANSI_ESCAPE.sub(" ", text)
    text = "".join(
        " " if ch.isspace() else ch
        for ch in text
        if ch.isspace() or unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn")
    )
    text = " ".join(text.split())
    if not text:
        raise QuestionError("The question is empty — type a question about the documents")
    if len(text) > MAX_QUESTION_CHARS:
        raise QuestionError(
            f"The question is {len(text):,} characters long; the assistant reads at most {MAX_QUESTION_CHARS:,} "
            "— shorten it to the part you want answered"
        )
    return text
