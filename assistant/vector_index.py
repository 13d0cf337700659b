"""The FAISS index over the passages' vectors: exact below ANN_FROM passages, approximate above.
The only module importing faiss.

Below ANN_FROM an exact scan of every vector is fast (about 23 ms at 130,000 passages here,
bench/library.py), so a small library keeps the flat index and exactly the answers it had. Above
it, the scan grows with the library (about 165 ms at a million), and the index is an inverted file (IVF):
the vectors are grouped around `lists` centroids, and a search scans the `probes` groups nearest
the query. The groups hold each vector in float16 ("ivf-fp16"): half the bytes of float32 on disk
and in the page cache, and on SciFact the same nDCG@10, recall@100 and vector recall@10, to the
fourth decimal, as float32 ("ivf-flat") at every number of lists probed (bench/ann_quality.py).
The choice and its parameters are in the manifest ("vector_index"); both kinds are memory-mapped.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

FLAT = {"kind": "flat"}
ANN_FROM = 200_000  # passages; tests lower it to build a small IVF index
# The centroids are trained on at most this many vectors per list (FAISS asks for 39 or more): a
# million passages train on 64,000, in seconds rather than minutes.
TRAINING_PER_LIST = 64
# Share of the lists a search scans: the smallest of 1/32, 1/16, 1/8 and 1/4 whose recall@10 against
# exact search reached 0.95 on SciFact's train split with sqrt(n) lists, real embeddings
# (bench/ann_quality.py: 0.858, 0.93, 0.977 at 1/16, 1/8, 1/4; the test split 0.978 at 1/4). The
# bench's million passages, whose vectors are made up, reach it at 1/32 already (bench/library.py).
PROBED_SHARE = 1 / 4
MIN_PROBES = 16


def choose(passages: int) -> Mapping[str, Any]:
    """The index for a library of this many passages: flat below ANN_FROM, IVF from it on."""
    if passages < ANN_FROM:
        return FLAT
    lists = max(1, round(math.sqrt(passages)))  # FAISS's rule of thumb for the number of lists
    return {"kind": "ivf-fp16", "lists": lists, "probes": min(lists, max(MIN_PROBES, round(lists * PROBED_SHARE)))}


def build(vectors: np.ndarray, params: Mapping[str, Any]) -> Any:
    """A new index over unit vectors (row i = id i), inner product: "flat", "ivf-fp16", or "ivf-flat"
    (the vectors whole in float32, for bench/ann_quality.py's comparison)."""
    import faiss

    dimension = vectors.shape[1]
    lists = int(params.get("lists", 0))
    if params["kind"] == "flat":
        index: Any = faiss.IndexFlatIP(dimension)
    elif params["kind"] == "ivf-flat":
        index = faiss.IndexIVFFlat(faiss.IndexFlatIP(dimension), dimension, lists, faiss.METRIC_INNER_PRODUCT)
    else:
        fp16 = faiss.ScalarQuantizer.QT_fp16
        index = faiss.IndexIVFScalarQuantizer(
            faiss.IndexFlatIP(dimension), dimension, lists, fp16, faiss.METRIC_INNER_PRODUCT
        )
        index.by_residual = False  # each vector itself in float16, not its offset from its centroid
    if params["kind"] != "flat":
        sample = min(len(vectors), lists * TRAINING_PER_LIST)
        # A fixed draw, so the same library gives the same index.
        rows = np.sort(np.random.default_rng(0).choice(len(vectors), size=sample, replace=False))
        index.train(np.ascontiguousarray(vectors[rows]))
    if len(vectors):
        index.add(vectors)
    return index


def write(index: Any, path: Path) -> None:
    import faiss

    faiss.write_index(index, str(path))


def load(path: Path, params: Mapping[str, Any]) -> Any:
    """Memory-mapped: a build's files never change once written (a new build writes a new folder),
    and the page cache keeps what searches read. An IVF index probes params["probes"] lists, and maps
    passage ids to their place in the lists (from the ids alone, a few MB at a million passages) so
    that their vectors read back."""
    import faiss

    index: Any = faiss.read_index(str(path), faiss.IO_FLAG_MMAP | faiss.IO_FLAG_READ_ONLY)
    kinds = ((faiss.IndexFlat, "flat"), (faiss.IndexIVFFlat, "ivf-flat"), (faiss.IndexIVFScalarQuantizer, "ivf-fp16"))
    kind = next((name for cls, name in kinds if isinstance(index, cls)), type(index).__name__)
    if kind != params["kind"]:
        raise ValueError(f"the vector index is {kind}, the manifest says {params['kind']}")
    if kind.startswith("ivf"):
        if index.nlist != int(params["lists"]):
            raise ValueError(f"the vector index has {index.nlist} lists, the manifest says {params['lists']}")
        index.nprobe = int(params["probes"])
        index.make_direct_map()
    return index


def excluding(index: Any, ids: np.ndarray) -> tuple[Any, ...] | None:
    """Search parameters that skip the given ids (the rows of documents taken out, still in the files:
    store.py), then the objects they point to, which must live as long as they do; None for no ids."""
    import faiss

    if not len(ids):
        return None
    batch = faiss.IDSelectorBatch(np.ascontiguousarray(ids, dtype=np.int64))
    selector = faiss.IDSelectorNot(batch)
    # faiss's stubs do not know these keyword arguments (its SWIG wrapper takes them).
    if isinstance(index, faiss.IndexIVF):
        return faiss.SearchParametersIVF(sel=selector, nprobe=index.nprobe), selector, batch  # type: ignore[call-arg]
    return faiss.SearchParameters(sel=selector), selector, batch  # type: ignore[call-arg]
