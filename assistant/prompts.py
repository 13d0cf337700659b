"""prompts/ -> the messages a language model is asked with: the question and its numbered passages.

The templates are plain files the user may edit (prompts/README.md lists them and their
placeholders). They are read and checked once, when a model is configured: a template with an
unknown or missing placeholder is one ConfigError naming the file and the placeholder, before any
question is asked. Passages are fenced as data: text that imitates the fence is neutralised.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from string import Template

from .errors import ConfigError
from .types import Hit, page_reference

# Each template file, the placeholders it must use and those it may.
TEMPLATES: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "system.txt": (frozenset(), frozenset({"not_covered"})),
    "question.txt": (frozenset({"passages", "question"}), frozenset({"not_covered"})),
    "passage.txt": (frozenset({"n", "text"}), frozenset({"document", "pages", "section"})),
    "not_covered.txt": (frozenset(), frozenset()),
}
# A tag that opens or closes a passage, in any case or spacing: a document must not close its own fence.
_FENCE = re.compile(r"<\s*/?\s*passage\b", re.IGNORECASE)
_ATTRIBUTE_UNSAFE = str.maketrans({'"': "'", "<": "‹", ">": "›", "\n": " "})


@dataclass(frozen=True)
class Message:
    role: str  # "system" or "user"
    content: str


@dataclass(frozen=True)
class Prompts:
    system: Template
    question: Template
    passage: Template
    not_covered: str  # the sentence the model is told to write when the passages do not answer

    def messages(self, question: str, passages: Sequence[Hit]) -> tuple[Message, ...]:
        """The system and user messages for `question`, its passages numbered 1.. in the given order."""
        text = "\n\n".join(self.render_passage(n, hit) for n, hit in enumerate(passages, start=1))
        return (
            Message("system", self.system.substitute(not_covered=self.not_covered)),
            Message(
                "user",
                self.question.substitute(passages=text, question=_fenced(question), not_covered=self.not_covered),
            ),
        )

    def render_passage(self, n: int, hit: Hit) -> str:
        chunk = hit.chunk
        return self.passage.substitute(
            n=n,
            text=_fenced(chunk.text),
            document=chunk.document.translate(_ATTRIBUTE_UNSAFE),
            pages=page_reference(chunk.page_label, chunk.page_start, chunk.page_end),
            section=chunk.section.translate(_ATTRIBUTE_UNSAFE),
        )


def load(folder: Path) -> Prompts:
    """The templates in `folder`, checked; ConfigError naming the file and what is wrong."""
    texts = {name: _read(folder / name) for name in TEMPLATES}
    templates = {name: _checked(folder / name, text) for name, text in texts.items()}
    not_covered = " ".join(texts["not_covered.txt"].split())
    if not not_covered:
        raise ConfigError(
            f"{folder / 'not_covered.txt'} is empty — write the sentence the model answers with "
            "when the passages do not answer the question"
        )
    return Prompts(
        system=templates["system.txt"],
        question=templates["question.txt"],
        passage=templates["passage.txt"],
        not_covered=not_covered,
    )


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(
            f"The prompt template {path} is missing — restore it from the project's prompts/ folder "
            "(git checkout prompts/), or point ASSISTANT_PROMPTS at a folder that has it"
        ) from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"Cannot read the prompt template {path} ({error}) — save it as UTF-8 text") from None


def _checked(path: Path, text: str) -> Template:
    template = Template(text)
    required, optional = TEMPLATES[path.name]
    if not template.is_valid():
        stray = _first_invalid(template)
        raise ConfigError(
            f"{path}: a '$' that is not a placeholder ({stray!r}) — write $$ for a dollar sign, or use one of "
            f"{_names(required | optional)}"
        )
    used = set(template.get_identifiers())
    for name in sorted(used - required - optional):
        raise ConfigError(f"{path}: unknown placeholder ${name} — this template can use {_names(required | optional)}")
    for name in sorted(required - used):
        raise ConfigError(f"{path}: the placeholder ${name} is missing — the template must contain it")
    return template


def _first_invalid(template: Template) -> str:
    """The stray '$' and what follows it, found by Template's own pattern (its "invalid" group)."""
    for match in template.pattern.finditer(template.template):
        if match.group("invalid") is not None:
            return template.template[match.start() : match.start() + 13]
    return "$"


def _names(names: frozenset[str]) -> str:
    return ", ".join(f"${n}" for n in sorted(names)) or "no placeholders"


def _fenced(text: str) -> str:
    """Text inserted into the prompt with anything that could open or close a passage fence defused."""
    return _FENCE.sub(lambda m: m.group(0).replace("<", "‹"), text)
