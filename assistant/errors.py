"""Errors the user can act on. Each message says what failed, names the file or folder, and gives the next step.

    AssistantError
     ├── DocumentError          one file cannot be indexed; a build reports it, skips it and goes on
     ├── NoDocumentsError       the documents folder is missing or holds nothing indexable
     ├── IndexMissingError      no index has been built yet
     ├── IndexMismatchError     the index was built with other settings (model, chunking, format)
     ├── IndexCorruptError      an index file is damaged or incomplete
     ├── IndexWriteError        a new index could not be written (disk full, permissions); the old one stays
     ├── BuildLockedError       another build holds the index lock
     ├── StoreUnavailableError  the Milvus store cannot be reached or refused a request; the local index stays
     ├── QuestionError          the question cannot be searched (empty, or too long)
     ├── ConfigError            an option or setting has a value that cannot work (a prompt template too)
     ├── GenerationError        the language model could not write an answer; the answer is quoted instead
     ├── EvalDataError          an evaluation file (BEIR folder, question file) cannot be read
     └── ModelNotFoundError     the embedding model is not on this machine

Only the edges (CLI, web) turn these into messages; anything else propagates as a bug.
"""

from __future__ import annotations


class AssistantError(Exception):
    """Base class: `str(error)` is a complete sentence for the user."""


class DocumentError(AssistantError):
    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.reason = message


class NoDocumentsError(AssistantError):
    pass


class IndexMissingError(AssistantError):
    pass


class IndexMismatchError(AssistantError):
    pass


class IndexCorruptError(AssistantError):
    pass


class IndexWriteError(AssistantError):
    pass


class BuildLockedError(AssistantError):
    pass


class StoreUnavailableError(AssistantError):
    pass


class QuestionError(AssistantError):
    pass


class ConfigError(AssistantError):
    pass


class GenerationError(AssistantError):
    """`reason` is a stable word for scripts and tests (endpoint.py lists them); the message says what to do."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


class EvalDataError(AssistantError):
    pass


class ModelNotFoundError(AssistantError):
    pass
