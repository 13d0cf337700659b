"""Hits -> a written Answer: a language model writes from the passages, every sentence is checked.

The steps, in order:
  1. the passages that fit the model's context (best first) are numbered into the prompt (prompts.py);
  2. the model's text is streamed to the caller as it is written (endpoint.py);
  3. each written sentence is checked against the passages' sentences (support.py); a supported one
     cites the verbatim excerpts that support it, an unsupported one cites nothing;
  4. when the model declines, the answer is "not covered" with the closest passages, as a quoted answer
     would be; when nothing it wrote is supported, the quoted answer is given (it is asked only when a
     quoted sentence holds what the question asks, grounding.py), with a notice saying so.
The model is not asked at all when the quoted answer is "not covered" (nothing to ground an answer on).
Any GenerationError gives the quoted answer instead, with a notice saying what went wrong.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import replace

import numpy as np

from .answer import NOT_COVERED, SentenceVectors, cite, sentence_candidates, with_lead_in
from .endpoint import Writer
from .errors import GenerationError
from .prompts import Prompts
from .questions import asks_for_apparatus
from .reading.tables import row_at
from .support import Checked, Source, addresses_the_model, check, says_not_covered, split_written
from .types import BODY, GENERATED, Answer, AnswerSentence, Citation, Hit, Page

CHARS_PER_TOKEN = 3.0  # a cautious estimate for any model's tokenizer (English prose runs near 4)
# Said when the quoted answer is "not covered": nothing to write from.
NOT_ASKED = "No passage holds what the question asks for, so the language model was not asked."
# Said when the model wrote nothing the passages support although a quoted sentence answers the question.
UNSUPPORTED_FALLBACK = (
    "Nothing {model} wrote is supported by the passages, though they answer the question: "
    "this answer is quoted from them instead."
)

Embed = Callable[[Sequence[str]], np.ndarray]  # texts -> unit vectors, one row each (Embedder.embed_texts)


def generate(
    quoted: Answer,
    pages: Mapping[str, Sequence[Page]],
    prompts: Prompts,
    writer: Writer,
    embed: Embed,
    sentence_vectors: SentenceVectors,
    context_tokens: int,
    answer_tokens: int,
) -> Iterator[str | Answer]:
    """The written answer's text as it arrives (str pieces), then the checked Answer. `quoted` is the
    quoted answer to the same question, over the same hits: the fallback, and the closest passages."""
    if not quoted.covered:
        yield replace(quoted, notice=NOT_ASKED)
        return
    try:
        passages = fitting(quoted.hits, prompts, quoted.question, context_tokens - answer_tokens)
        model = writer.model
        pieces = []
        for piece in writer.stream(prompts.messages(quoted.question, passages)):
            pieces.append(piece)
            yield piece
    except GenerationError as error:
        yield replace(quoted, notice=f"{error}. This answer is quoted from the documents instead.")
        return
    yield checked_answer(quoted, "".join(pieces), model, passages, pages, prompts.not_covered, embed, sentence_vectors)


def fitting(hits: Sequence[Hit], prompts: Prompts, question: str, budget_tokens: int) -> list[Hit]:
    """The best-ranked passages whose prompt fits the budget (estimated); GenerationError if none does."""
    chosen: list[Hit] = []
    for hit in hits:
        if _tokens(prompts.messages(question, [*chosen, hit])) > budget_tokens:
            break
        chosen.append(hit)
    if not chosen and hits:
        raise GenerationError(
            "too_long",
            f"Not even one passage fits the language model's context of {budget_tokens} tokens left for the "
            "prompt — raise ASSISTANT_LLM_CONTEXT (--llm-context) to the model's real window",
        )
    return chosen


def checked_answer(
    quoted: Answer,
    text: str,
    model: str,
    passages: Sequence[Hit],
    pages: Mapping[str, Sequence[Page]],
    not_covered: str,
    embed: Embed,
    sentence_vectors: SentenceVectors,
) -> Answer:
    """The Answer for what the model wrote: each sentence checked, supported ones cited."""
    written = split_written(text, len(passages))
    vectors = embed([w.text for w in written]) if written else np.zeros((0, 1), dtype=np.float32)
    texts = [f"{hit.chunk.document}\n{hit.chunk.search_text}" for hit in passages]
    asked = quoted.query or quoted.question  # what the quoted answer was made for, a follow-up with its topic
    periods = quoted.asks.periods if quoted.asks else ()
    checked = check(written, vectors, sources(passages, pages, sentence_vectors, asked), texts, periods=periods)
    dropped = sum(c.dropped for c in written)
    # The model declined when it opens with the not-covered sentence (or an equivalent), whatever
    # hedging follows.
    declined = bool(checked) and says_not_covered(checked[0].text, not_covered)
    if not declined and not any(c.supported for c in checked) and quoted.covered:
        # Nothing it wrote is supported, yet a quoted sentence holds what the question asks (grounding.py):
        # the documents do answer, the model did not. Saying "not covered" would be false; quote instead.
        return replace(quoted, notice=UNSUPPORTED_FALLBACK.format(model=model), dropped_citations=dropped)
    if declined or not any(c.supported for c in checked):
        # The quoted answer's excerpts are the closest passages' best sentences. What the model wrote
        # is kept, unsupported and uncited, so that JSON shows what was not given as an answer.
        return replace(
            quoted,
            text=NOT_COVERED,
            covered=False,
            mode=GENERATED,
            model=model,
            sentences=tuple(AnswerSentence(c.text, (), False) for c in checked),
            dropped_citations=dropped,
        )
    citations, sentences = _cited(checked, pages)
    return replace(
        quoted,
        text=" ".join(_with_markers(s) for s in sentences),
        covered=True,
        citations=citations,
        mode=GENERATED,
        model=model,
        sentences=sentences,
        dropped_citations=dropped,
        notice="",
    )


def sources(
    passages: Sequence[Hit], pages: Mapping[str, Sequence[Page]], vectors: SentenceVectors, question: str = ""
) -> list[Source]:
    """The sentences a quoted answer could quote (answer.sentence_candidates: titles out, a sentence shared by
    overlapping passages once, body text unless the question asks for a source), numbered by passage, except
    orders to a model."""
    number = {id(hit): n for n, hit in enumerate(passages, start=1)}
    kinds = None if asks_for_apparatus(question) else frozenset({BODY})
    found = []
    for c in sentence_candidates(passages, pages, vectors, lambda text: not addresses_the_model(text), kinds):
        row = row_at(c.page.text, c.start, c.end)
        headings = f"{row.columns} {row.group}" if row else ""
        found.append(Source(number[id(c.hit)], c.hit.chunk.document, c.page, c.start, c.end, c.vector, headings))
    return found


def _cited(
    checked: Sequence[Checked], pages: Mapping[str, Sequence[Page]]
) -> tuple[tuple[Citation, ...], tuple[AnswerSentence, ...]]:
    """Citations numbered by first use (an excerpt supporting two sentences is cited once)."""
    keys: dict[tuple[str, int, int, int], Citation] = {}
    sentences = []
    for c in checked:
        cited = []
        for source in c.sources:
            start = with_lead_in(source.page, source.start, source.end)  # "Their share …" with what it refers to
            where = (source.document, source.page.number, start, source.end)
            if where not in keys:
                keys[where] = cite(
                    len(keys) + 1, source.document, source.page, start, source.end, c.score, pages[source.document]
                )
            cited.append(keys[where].key)
        sentences.append(AnswerSentence(c.text, tuple(dict.fromkeys(cited)), c.supported))
    return tuple(keys.values()), tuple(sentences)


def _with_markers(sentence: AnswerSentence) -> str:
    return sentence.text + "".join(f" [{key}]" for key in sentence.citations)


def _tokens(messages: Sequence[object]) -> int:
    return int(sum(len(getattr(m, "content", "")) for m in messages) / CHARS_PER_TOKEN) + 16
