"""BM25 over a large library: the best passages picked among those that score at all, and scored
over several segments as over one index."""

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from assistant import Assistant, lexical
from assistant.evaluation.evalsets import read_questions

from .conftest import DOCUGAMI, ROOT, SHARED, run_cli, shared_data

SCIFACT = SHARED / "eval" / "beir-scifact"


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


def test_bm25_over_segments_scores_as_one_index_over_every_text(tmp_path: Path) -> None:
    """SciFact's first 3,000 abstracts indexed whole by bm25s, and in three segments scored with the
    whole set's statistics (lexical.Segments): the same passages, the same scores to float32's
    precision. A segment's own bm25s scores differ: its idf and mean length are its own."""
    corpus = [json.loads(line) for line in shared_data(SCIFACT / "corpus.jsonl").open(encoding="utf-8")][:3000]
    texts = [f"{doc['title']}\n{doc['text']}" for doc in corpus]
    queries = [json.loads(line)["text"] for line in shared_data(SCIFACT / "queries.jsonl").open(encoding="utf-8")]
    whole = lexical.Lexical.build(texts)
    parts = []
    for number, (start, stop) in enumerate([(0, 1000), (1000, 2800), (2800, 3000)]):
        lexical.Lexical.build(texts[start:stop]).save(tmp_path / str(number))
        parts.append(lexical.Lexical.load(tmp_path / str(number)))
    segments = lexical.Segments([part.postings() for part in parts])
    assert len(segments) == len(texts)
    differs = 0
    for query in queries[:200]:
        expected, found = whole.search(query, 20), segments.search(query, 20)
        assert [row for row, _ in found] == [row for row, _ in expected] or _tied(expected, found), query
        assert np.allclose([s for _, s in found], [s for _, s in expected], rtol=1e-5, atol=0)
        last = parts[2].search(query, 5)
        differs += any(abs(score - dict(expected).get(2800 + row, 0.0)) > 1e-3 for row, score in last)
    assert differs > 100  # the last segment alone would score otherwise


def _tied(expected: list[tuple[int, float]], found: list[tuple[int, float]]) -> bool:
    """Rows differ only where scores tie (to float32's precision)."""
    return all(a == b or abs(sa - sb) <= 1e-5 * sa for (a, sa), (b, sb) in zip(expected, found, strict=True))


def test_a_build_keeps_each_terms_frequency_in_bm25s_order_of_postings(tmp_path: Path) -> None:
    texts = ["the cat sat on the mat, cat", "dogs and cats", "a mat for the dog, dog and dog", ""]
    built = lexical.Lexical.build(texts)
    built.save(tmp_path)
    postings = lexical.Lexical.load(tmp_path).postings()
    by_text = {}
    for term, number in postings.vocabulary.items():
        if number < len(postings.starts) - 1:  # bm25s' empty term has no postings
            span = slice(int(postings.starts[number]), int(postings.starts[number + 1]))
            for row, tf in zip(postings.rows[span], postings.frequencies[span], strict=True):
                by_text[int(row), term] = int(tf)
    expected = {(0, "cat"): 2, (0, "sat"): 1, (0, "mat"): 1, (1, "dog"): 1, (1, "cat"): 1, (2, "mat"): 1, (2, "dog"): 3}
    assert by_text == expected
    assert postings.lengths.tolist() == [4, 2, 4, 0]


def test_bm25_over_segments_leaves_removed_texts_out_of_results_and_statistics(tmp_path: Path) -> None:
    """Texts taken out (rows still in their segment's files) are never found, and the rest score as in
    an index built without them."""
    corpus = [json.loads(line) for line in shared_data(SCIFACT / "corpus.jsonl").open(encoding="utf-8")][:2000]
    texts = [f"{doc['title']}\n{doc['text']}" for doc in corpus]
    queries = [json.loads(line)["text"] for line in shared_data(SCIFACT / "queries.jsonl").open(encoding="utf-8")]
    gone = [np.arange(100, 400), np.arange(0, 50)]  # rows of each segment
    parts = []
    for number, (start, stop) in enumerate([(0, 1500), (1500, 2000)]):
        lexical.Lexical.build(texts[start:stop]).save(tmp_path / str(number))
        parts.append(lexical.Lexical.load(tmp_path / str(number)).postings(gone[number]))
    segments = lexical.Segments(parts)
    removed = set(gone[0].tolist()) | {1500 + row for row in gone[1].tolist()}
    kept = [row for row in range(len(texts)) if row not in removed]
    whole = lexical.Lexical.build([texts[row] for row in kept])
    for query in queries[:200]:
        expected = [(kept[row], score) for row, score in whole.search(query, 20)]
        found = segments.search(query, 20)
        assert not {row for row, _ in found} & removed
        assert [row for row, _ in found] == [row for row, _ in expected] or _tied(expected, found), query
        assert np.allclose([s for _, s in found], [s for _, s in expected], rtol=1e-5, atol=0)


def test_two_builds_of_the_same_documents_write_the_same_files(tmp_path: Path) -> None:
    """The Belarus summary and one Docugami 10-Q, built by the real CLI in two processes whose string
    hashes differ: every file of the two builds is byte-identical, BM25's included (bm25s numbered its
    terms in a set's order, which differed), except the manifest's build time and its checksum."""
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(ROOT / "documents" / "belarus-russia-relations-summary.md", docs)
    shutil.copy(shared_data(DOCUGAMI / "docs" / "2023 Q1 AAPL.pdf"), docs)
    builds = []
    for seed in ("1", "2"):
        index = tmp_path / f"index-{seed}"
        done = run_cli("--docs", str(docs), "--index-dir", str(index), "index", env={"PYTHONHASHSEED": seed})
        assert done.returncode == 0, done.stderr
        builds.append(next(index.glob("build-*")))
    first, second = (sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file()) for b in builds)
    assert first == second and Path("bm25") / "vocab.index.json" in first
    for name in first:
        a, b = (build / name for build in builds)
        if name == Path("manifest.json"):
            manifests = [json.loads(p.read_text(encoding="utf-8")) for p in (a, b)]
            for manifest in manifests:
                manifest.pop("built_at"), manifest.pop("checksum")
            assert manifests[0] == manifests[1]
        else:
            assert a.read_bytes() == b.read_bytes(), name
