"""The public Python API is locked: a change here is a change users see."""

import assistant


def test_public_names() -> None:
    assert sorted(assistant.__all__) == [
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
    for name in assistant.__all__:
        assert getattr(assistant, name)


def test_errors_share_one_base() -> None:
    for name in assistant.__all__:
        value = getattr(assistant, name)
        if isinstance(value, type) and name.endswith("Error"):
            assert issubclass(value, assistant.AssistantError)
