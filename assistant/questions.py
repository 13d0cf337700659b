"""A question as typed (or sent to the API) -> the text that is searched, or QuestionError.

Questions come from browsers, terminals and HTTP clients: they may hold control characters,
terminal escape codes, bidirectional overrides or unpaired surrogates, none of which mean anything
to a search and some of which crash the tokenizer. They are removed here, once, for every caller.
"""

from __future__ import annotations

import re
import unicodedata

from .errors import QuestionError
from .reading.sentences import sentence_spans

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


# Analysts' prompts also say who to be and where to look: "Assume that you are a public equities
# analyst.", "We want to calculate a financial metric.", "Here's the question:", "Base your judgments
# on the information provided primarily in the balance sheet.", "According to the details outlined
# within the cash flow statement, what …", "If X is not a useful metric, then please state that."
# Those words are in no filing and are left out; the statements they name stay, since a statement
# page's title holds them (statements.py reads them from the whole question). A direction that
# names a company, a report or a period ("According to NVIDIA's third quarter report, …") says
# which document to search and is kept, as is a definition ("Calculate EBITDA using operating
# income and D&A"). Only BM25 searches this text: the embedded question stays whole (measured:
# embedding it too found more FinanceBench train pages but cited fewer analyst test facts).
_STATEMENT_NOUNS = (
    r"(?:(?:consolidated\s+)?(?:(?:cash\s+flows?|income|p\s*&\s*l|profit\s+and\s+loss|equity|earnings)\s+statements?"
    r"|statements?(?:\s+of\s+(?:financial\s+|changes\s+in\s+)?\w+(?:\s+(?!and\b|the\b)\w+)?)?"
    r"|balance\s+sheets?|p\s*&\s*l)\b)"
)
_ROLE = re.compile(
    r"as\s+if\s+you|assum(?:e|ing)\s+(?:that\s+)?you\s+are|assuming\s+the\s+perspective|"
    r"imagine\s+(?:that\s+)?you|you\s+are\s+an?\s+\w+(?:\s+\w+)?\s+analyst|"
    r"^(?:we|i)\s+(?:want|need|would\s+like)\s+to\s+(?:calculate|compute)\b|^please\s+help\s+(?:us|me)\b|"
    r"^if\b[^.?!]*\bthen\s+(?:please\s+)?(?:state|say|answer|write|respond|return|explain|indicate)\b",
    re.IGNORECASE,
)
_SOURCE = re.compile(
    r"^(?:please\s+)?(?:base|basing|give|respond|address|answer|compute|calculate|use|using|rely|relying|"
    r"refer|referencing|draw|drawing)\b[^.?!]*\b(?:details|information|judg(?:e)?ments?|line\s+items|data)\b"
    rf"[^.?!]*{_STATEMENT_NOUNS}",
    re.IGNORECASE,
)
_LEAD_IN = re.compile(
    r"^(?:here(?:'|’)?s|here\s+is)\s+the\s+question\s*:\s*"
    r"|^(?:according\s+to|based\s+on|basing|by\s+drawing|(?:when\s+)?(?:primarily\s+)?referencing|using|"
    rf"relying\s+on|looking\s+at)\b[^,?]*{_STATEMENT_NOUNS}[^,?]*,\s*"
    r"(?=(?:what|how|which|who|when|where|why|is|are|does|did|do|was|were|has|have)\b)",
    re.IGNORECASE,
)


def _names_nothing(direction: str) -> bool:
    """The direction names no company, report or period: nothing capitalised or numeric but its first
    word and the statements it names."""
    return not re.search(r"[A-Z0-9]", re.sub(_STATEMENT_NOUNS, "", direction, flags=re.IGNORECASE)[1:])


def _statements_named(direction: str) -> str:
    """The statements a dropped direction names, which a statement page's title shares with BM25."""
    return " " + " ".join(found.group() for found in re.finditer(_STATEMENT_NOUNS, direction, re.IGNORECASE)) + " "


def for_search(question: str) -> str:
    """The question without its answer-format instructions, role and source directions: what
    retrieval looks for."""
    kept, last = [], 0
    for start, end in sentence_spans(question):
        sentence = question[start:end]
        if (
            _INSTRUCTION.match(sentence)
            or _ROLE.search(sentence)
            or (_SOURCE.match(sentence) and _names_nothing(sentence))
        ):
            kept.append(question[last:start] + _statements_named(sentence))
            last = end
        elif (lead_in := _LEAD_IN.match(sentence)) and _names_nothing(lead_in.group()):
            kept.append(question[last:start] + _statements_named(lead_in.group()))
            last = start + lead_in.end()
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
