"""A question as typed (or sent to the API) -> the text that is searched, or QuestionError.

Questions come from browsers, terminals and HTTP clients: they may hold control characters,
terminal escape codes, bidirectional overrides or unpaired surrogates, none of which mean anything
to a search and some of which crash the tokenizer. They are removed here, once, for every caller.
"""

from __future__ import annotations

import re
import unicodedata

from .errors import QuestionError
from .sentences import sentence_spans

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


# Answer-format instructions ("Round to one decimal place.", "Answer in USD millions.") tell the
# answer step what to write, not the search where to look: on analyst questions they are most of
# the words BM25 matches, in every passage alike. Whole sentences that only give such an instruction,
# and clauses that do, are left out of what is searched (`for_search`); the question itself is
# unchanged for the answer.
_FORMAT_WORDS = (
    r"decimals?|round(?:ed|ing)?|units?|percent(?:age)?s?|usd|us\$|dollars?|millions?|billions?|thousands?"
    r"|whole\s+number|nearest|format|bullet|words?|sentences?"
)
_INSTRUCTION = re.compile(
    rf"^(?:please\s+)?(?:answer|respond|round|express|format|report|give|provide|present|show|write|state)\b"
    rf"[^.?!]*\b(?:{_FORMAT_WORDS})\b[^.?!]*[.?!]?$",
    re.IGNORECASE,
)
_FORMAT_CLAUSE = re.compile(
    r"[,;]?\s*\(?\b(?:rounded|round(?:ing)?)\s+(?:it\s+|them\s+)?(?:off\s+)?to\s+(?:the\s+)?(?:nearest\s+)?"
    r"(?:\w+\s+)?(?:decimal(?:\s+places?)?|digits?|percent|whole\s+number|million|billion|integer)\w*\)?"
    r"|[,;]?\s*\(?\b(?:in|as)\s+(?:units\s+of\s+)?(?:USD|US\$|\$)\s*(?:millions|billions|thousands)\b\)?",
    re.IGNORECASE,
)


def for_search(question: str) -> str:
    """The question without its answer-format instructions: what retrieval looks for."""
    kept, last = [], 0
    for start, end in sentence_spans(question):
        if _INSTRUCTION.match(question[start:end]):
            kept.append(question[last:start])
            last = end
    searched = _FORMAT_CLAUSE.sub("", "".join(kept) + question[last:])
    return " ".join(searched.split()) or question


# A question that asks where something comes from or what a figure, table or note shows: only then are
# notes, captions and labels quoted as an answer (answer.py); the report's own text answers the rest.
_ASKS_FOR_APPARATUS = re.compile(
    r"\b(?:sources?|sourced|cites?|cited|citations?|references?|referenced|footnotes?|endnotes?|notes?|"
    r"bibliography|according\s+to\s+(?:which|what|whom)|which\s+(?:study|studies|report|reports|paper|papers|"
    r"article|articles|survey|surveys|dataset|data\s+set|document|documents|publication|publications|author|"
    r"authors)|(?:study|studies|report|paper|article|survey)\s+(?:found|finds|says|shows|showed)|"
    r"figures?\s+\d+|tables?\s+\d+|maps?\s+\d+|charts?\s+\d+|exhibits?\s+\d+|"
    r"(?:the|this|that)\s+(?:figure|map|chart|graph|caption|legend)|what\s+(?:does|do)\s+the\s+(?:figure|map|chart|graph)s?)\b",
    re.IGNORECASE,
)


def asks_for_apparatus(question: str) -> bool:
    """The question asks for a source, a note or what a figure, table or map shows ("Which study …",
    "What is the source of …", "What does Figure 3 show?")."""
    return bool(_ASKS_FOR_APPARATUS.search(question))
