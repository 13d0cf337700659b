"""Follow-up questions -> standalone search queries, without an LLM.

"and what about Poland?" or "why?" name too little to search for on their own. When a question
looks like a follow-up, the query becomes the previous query followed by the new question, so
retrieval sees both the topic and the new angle. The answer still shows the question as asked.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

# Openings that lean on what was said before.
_CONTINUATION = re.compile(
    r"^\s*(?:and|but|also|so|then|what about|how about|and what|and how|and why|why|how come|what else|"
    r"anything else|same for|tell me more|more on|more about|compared to|versus|vs\.?)\b",
    re.IGNORECASE,
)
# Words that point back at something named earlier.
_BACK_REFERENCE = re.compile(
    r"\b(?:it|its|they|them|their|theirs|this|that|these|those|he|she|him|her|his|there|such)\b", re.IGNORECASE
)
_WORD = re.compile(r"[^\W_]+")
_FILLER = frozenset(
    """a an the is are was were be been do does did of in on at to for with by from about what which who whom
    whose when where why how and or but so then also any else more tell me please""".split()
)
SHORT_QUESTION_WORDS = 3  # a question with this few content words is taken as a follow-up


def is_follow_up(question: str) -> bool:
    content = [w for w in _WORD.findall(question.lower()) if w not in _FILLER]
    return (
        bool(_CONTINUATION.match(question))
        or len(content) <= SHORT_QUESTION_WORDS
        and bool(_BACK_REFERENCE.search(question) or len(content) <= 1)
    )


def standalone_query(question: str, previous_queries: Sequence[str]) -> str:
    """The text to search for: the question alone, or, for a follow-up, the last query and the question."""
    question = " ".join(question.split())
    if not previous_queries or not is_follow_up(question):
        return question
    return f"{previous_queries[-1]} {question}"
