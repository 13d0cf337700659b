"""Side by side: LangChain's documented default PDF pipeline and `assistant index`, on the same folder
with the same bundled model, one after the other in one run.

    pip install -e '.[compare]'           # LangChain's packages: not in the default install
    python bench/compare_langchain.py DOCS_DIR [--rounds 1]

LangChain's side is what its RAG tutorial does: PyPDFLoader for each PDF, RecursiveCharacterTextSplitter
at 1,000 characters with 200 of overlap, HuggingFaceEmbeddings (sentence-transformers) with the bundled
all-MiniLM-L6-v2, FAISS.from_documents. Ours is `assistant index` into an empty index folder, sentence
vectors included. Each build runs as a fresh process, so both pay their imports and their model load;
the rounds alternate which goes first. Prints one JSON line: every time, the best of each, and the
ratio LangChain / ours (2.0: we build in half its time).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent


def langchain_build(docs: Path, out: Path) -> dict[str, float | int]:
    from langchain_community.document_loaders import PyPDFLoader
    from langchain_community.vectorstores import FAISS
    from langchain_huggingface import HuggingFaceEmbeddings
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    from assistant.config import BUNDLED_MODEL
    from assistant.embedding import model_path

    pages = [page for pdf in sorted(docs.glob("*.pdf")) for page in PyPDFLoader(str(pdf)).load()]
    chunks = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200).split_documents(pages)
    embeddings = HuggingFaceEmbeddings(model_name=model_path(BUNDLED_MODEL))
    FAISS.from_documents(chunks, embeddings).save_local(str(out))
    return {"pages": len(pages), "chunks": len(chunks)}


def _timed(command: list[str]) -> tuple[float, str]:
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command[:3])} … failed:\n{result.stderr[-2000:]}")
    return seconds, result.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("docs", type=Path)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--langchain-only", type=Path, help=argparse.SUPPRESS)  # the child process's side
    args = parser.parse_args()
    if args.langchain_only:
        print(json.dumps(langchain_build(args.docs, args.langchain_only)))
        return
    # The first load of the bundled model exports it to ONNX (once per machine): not part of a build.
    subprocess.run([str(BIN / "python"), "-c", "from assistant.embedding import Embedder; Embedder()"], check=True)
    ours, theirs, counts = [], [], {}
    with tempfile.TemporaryDirectory() as temp:
        for round_ in range(args.rounds):
            runs = ["ours", "langchain"] if round_ % 2 == 0 else ["langchain", "ours"]
            for name in runs:
                out = Path(temp) / f"{name}-{round_}"
                if name == "ours":
                    command = [str(BIN / "assistant"), "--docs", str(args.docs), "--index-dir", str(out), "index"]
                    seconds, _ = _timed(command)
                    ours.append(seconds)
                else:
                    command = [str(BIN / "python"), __file__, str(args.docs), "--langchain-only", str(out)]
                    seconds, stdout = _timed(command)
                    theirs.append(seconds)
                    counts = json.loads(stdout.strip().splitlines()[-1])
                print(f"{name}: {seconds:.1f} s", file=sys.stderr, flush=True)
    print(
        json.dumps(
            {
                "docs": str(args.docs),
                "langchain_seconds": [round(s, 1) for s in theirs],
                "assistant_seconds": [round(s, 1) for s in ours],
                "langchain_pages_chunks": counts,
                "ratio_langchain_over_assistant": round(min(theirs) / min(ours), 2),
            }
        )
    )


if __name__ == "__main__":
    main()
