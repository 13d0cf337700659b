"""Offline question answering over long reports: cited, verbatim excerpts with page numbers.

Data flows one way: Document -> Page -> Chunk -> Hit -> Answer(citations).
"""

from .app import Assistant, Status
from .build import BuildReport
from .config import Endpoint, Settings
from .errors import (
    AssistantError,
    BuildLockedError,
    ConfigError,
    DocumentError,
    GenerationError,
    IndexCorruptError,
    IndexMismatchError,
    IndexMissingError,
    IndexWriteError,
    ModelNotFoundError,
    NoDocumentsError,
    QuestionError,
    StoreUnavailableError,
)
from .types import Answer, AnswerSentence, Chunk, Citation, Document, Hit, Page, ParseReport

__all__ = [
    "Answer",
    "AnswerSentence",
    "Assistant",
    "AssistantError",
    "BuildLockedError",
    "BuildReport",
    "Chunk",
    "Citation",
    "ConfigError",
    "Document",
    "DocumentError",
    "Endpoint",
    "GenerationError",
    "Hit",
    "IndexCorruptError",
    "IndexMismatchError",
    "IndexMissingError",
    "IndexWriteError",
    "ModelNotFoundError",
    "NoDocumentsError",
    "Page",
    "ParseReport",
    "QuestionError",
    "Settings",
    "Status",
    "StoreUnavailableError",
]
