"""Calibrate the support floor: which written sentences do the passages support?

    python bench/calibrate_support.py [--cache-dir DIR]

tests/data/support_sentences.csv holds sentences as a model might write them, each labelled
supported (a paraphrase, a unit change, two facts combined) or unsupported (a figure, name or
period changed, the meaning reversed, a detail invented, a claim off the text). Each is checked as
a written answer is (support.py): against the sentences of the top passages retrieved for its
question, on an index of its document. The floor is chosen on the train half (the best accuracy,
ties to the higher floor), and reported on both halves with what each kind of sentence scored.
One JSON line per split and floor, then per kind at the chosen floor.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

from assistant import Assistant, Settings
from assistant.evaluation.evaluate import default_cache_dir, work_dir
from assistant.generate import sources
from assistant.support import Written, check

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "eval" / "docugami-sec10q" / "docs"
SENTENCES = ROOT / "tests" / "data" / "support_sentences.csv"
FLOORS = [round(0.40 + 0.05 * i, 2) for i in range(10)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache-dir", type=Path, default=None)
    args = parser.parse_args()
    rows = list(csv.DictReader(SENTENCES.open(encoding="utf-8")))
    assistants = _assistants(args.cache_dir or default_cache_dir(), {r["document"] for r in rows})
    results: dict[float, list[tuple[dict[str, str], bool]]] = defaultdict(list)
    for row in rows:
        assistant = assistants[row["document"]]
        stored = assistant.stored_index()
        hits = assistant.search(row["question"])
        given = sources(hits, stored.pages, lambda hit, stored=stored: stored.sentence_vectors(hit.row))
        texts = [f"{hit.chunk.document}\n{hit.chunk.search_text}" for hit in hits]
        vector = assistant.embedder.embed_texts([row["sentence"]])
        for floor in FLOORS:
            (checked,) = check([Written(row["sentence"], (), 0)], vector, given, texts, floor)
            results[floor].append((row, checked.supported))
    chosen = max(FLOORS, key=lambda f: (_accuracy(results[f], "train"), f))
    for floor in FLOORS:
        for split in ("train", "test"):
            print(json.dumps({"floor": floor, "split": split, **_rates(results[floor], split)}))
    print(json.dumps({"chosen_floor": chosen, "chosen_on": "train"}))
    for split in ("train", "test"):
        kinds: dict[str, list[bool]] = defaultdict(list)
        for row, supported in results[chosen]:
            if row["split"] == split:
                kinds[f"{row['label']}/{row['kind']}"].append(supported)
        shares = {k: f"{sum(v)}/{len(v)} judged supported" for k, v in sorted(kinds.items())}
        print(json.dumps({"split": split, "floor": chosen, **shares}))


def _assistants(cache: Path, documents: set[str]) -> dict[str, Assistant]:
    found: dict[str, Assistant] = {}
    embedder = None
    for document in sorted(documents):
        source = ROOT / "documents" / document
        docs = source.parent if source.exists() else cache / f"docs-{Path(document).stem.replace(' ', '-')}"
        if not source.exists():
            docs.mkdir(parents=True, exist_ok=True)
            if not (docs / document).exists():
                os.symlink(SHARED / document, docs / document)
        settings = Settings.from_env()
        index_dir = work_dir(cache, "qa", docs, settings) / "index"
        assistant = Assistant(replace(settings, docs_dir=docs, index_dir=index_dir), embedder)
        assistant.index()
        embedder = assistant.embedder
        found[document] = assistant
    return found


def _accuracy(results: list[tuple[dict[str, str], bool]], split: str) -> float:
    judged = [(row["label"] == "supported") == supported for row, supported in results if row["split"] == split]
    return sum(judged) / len(judged)


def _rates(results: list[tuple[dict[str, str], bool]], split: str) -> dict[str, float]:
    rows = [(row, supported) for row, supported in results if row["split"] == split]
    good = [s for row, s in rows if row["label"] == "supported"]
    bad = [s for row, s in rows if row["label"] != "supported"]
    return {
        "accuracy": round(_accuracy(results, split), 3),
        "supported_kept": round(sum(good) / len(good), 3),
        "unsupported_caught": round(1 - sum(bad) / len(bad), 3),
    }


if __name__ == "__main__":
    main()
