"""BM25 over a large library: the best passages picked among those that score at all."""

import pytest

from assistant import Assistant, lexical
from assistant.evaluation.evalsets import read_questions

from .conftest import DOCUGAMI, shared_data


def test_a_large_librarys_bm25_picks_the_passages_bm25s_picks(
    docugami_assistant: Assistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Docugami filings, as if past lexical.SELECT_FROM: the same scores, best first, as bm25s' own
    selection; where passages tie at the last place kept, either may be the one kept (bm25s keeps any)."""
    stored = docugami_assistant.stored_index()
    questions = read_questions(shared_data(DOCUGAMI / "qna_subset_AAPL_AMZN_NVDA.csv"))
    for question in questions:
        picked_by_bm25s = stored.search_lexical(question.question, 50)
        monkeypatch.setattr(lexical, "SELECT_FROM", 0)
        picked_here = stored.search_lexical(question.question, 50)
        monkeypatch.undo()
        assert [s for _, s in picked_here] == [s for _, s in picked_by_bm25s]
        last = picked_here[-1][1] if picked_here else 0.0
        assert {hit for hit in picked_here if hit[1] > last} == {hit for hit in picked_by_bm25s if hit[1] > last}
        assert picked_here == sorted(picked_here, key=lambda hit: (-hit[1], hit[0]))  # ties in row order
