"""Example questions for the start screen, chosen for what is indexed."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from ..types import Page

# The bundled summary (and the full report, whose file name users choose) get questions a reader
# of the report would ask; they were checked to be answered from the summary alone.
REPORT_QUESTIONS = (
    "Where do Belarus and Russia converge, and where do they diverge?",
    "What was the watershed year in the relationship, and why?",
    "How dependent is Belarus's defense industry on Russia?",
    "How do Belarus's neighbors see the relationship?",
)
_REPORT = re.compile(r"belarus|RRA2061|RR-A2061", re.IGNORECASE)
MOST = 4


def example_questions(pages: Mapping[str, Sequence[Page]]) -> list[str]:
    """Up to four questions: the report's own when it is indexed, else ones built from section headings."""
    if any(_REPORT.search(name) for name in pages):
        return list(REPORT_QUESTIONS)
    questions: list[str] = []
    for document_pages in pages.values():
        for page in document_pages:
            for heading in page.headings:
                title = heading.title.strip(" .:")
                question = f"What do the documents say about “{title}”?"
                if 3 <= len(title) <= 60 and question not in questions:
                    questions.append(question)
                if len(questions) == MOST:
                    return questions
    return questions
