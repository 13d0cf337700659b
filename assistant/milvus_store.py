"""A build's vectors and its passages' BM25 in Milvus: a server or cluster (http://HOST:19530) or a
Milvus Lite file (PATH.db, served inside this process). The only module importing pymilvus.

Each build writes two collections named after its build folder, so no two builds share one: the live
build goes on answering from its own while a new build fills its pair, and CURRENT makes the new
pair live with the rest of the build (store.py). What stays in the index folder is what citations
are made of, the chunk and page tables and the manifest, so a citation is the same whichever
store answered.

    <prefix>_chunks     id = chunk row (FAISS id i of a local build); vector, the passage's;
                        terms, its BM25 terms (lexical.term_text) -> sparse, by Milvus's BM25 function
    <prefix>_sentences  id = sentence row (row i of a local build's sentences.npy); vector

BM25 is Lucene's, with the local index's k1 and b, over the same stemmed, stopword-free terms: the
scores differ from bm25s' by the constant factor k1 + 1, which the fusion's division by the best
score removes (retrieve.py). Milvus Lite reports a BM25 hit's distance as minus its score, a Milvus
server as the score itself: the score is its absolute value either way.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .config import MILVUS_TOKEN_VAR
from .errors import StoreUnavailableError
from .lexical import SETTINGS as LEXICAL_SETTINGS
from .lexical import term_text
from .vector_index import FLAT as FLAT_INDEX

CHUNKS, SENTENCES = "_chunks", "_sentences"
TIMEOUT_S = 10.0  # to connect, and for each request: a server that does not answer is reported, not waited on
INSERT_BATCH = 1_000  # rows per insert: well inside gRPC's 64 MB message limit at 384 dimensions
QUERY_BATCH = 1_000  # ids per query: Milvus returns at most 16,384 rows to one query
MAX_TERMS_BYTES = 65_535  # the most a VARCHAR field holds
# Vectors kept after a search returns or fetches them: a question reads the same passages' vectors
# and sentence vectors several times (fusion, table rows, the answer), each a request otherwise.
CACHED_VECTORS = 65_536


def collection_prefix(build_id: str) -> str:
    """Collection names take letters, digits and underscores: build-20261201T231600-a1b2c3 ->
    assistant_build_20261201T231600_a1b2c3."""
    return "assistant_" + build_id.replace("-", "_")


# Keepalive pings only while a request is under way, at most every 5 minutes: gRPC's default server
# (Milvus Lite's) counts pings on an idle connection as abuse and after about 5 idle minutes closes
# it with "too many pings", failing the next request (seen here). A Milvus server accepts either.
# Subchannels of our own: from gRPC's shared pool, a new connection to a server that was down a
# moment ago inherits the old one's reconnect backoff and fails at once without trying.
GRPC_OPTIONS = {
    "grpc.keepalive_permit_without_calls": 0,
    "grpc.keepalive_time_ms": 300_000,
    "grpc.use_local_subchannel_pool": 1,
}


def connect(location: str, fresh: bool = False) -> Any:
    """A client of the store at `location` (Settings.store), or StoreUnavailableError saying what to do.
    pymilvus shares one connection per address; `fresh` asks for one of our own (after the shared one
    failed: a server restarted since, say)."""
    try:
        from pymilvus import MilvusClient, MilvusException
    except ImportError:
        raise StoreUnavailableError(
            f"The store {location} is Milvus, whose client is not installed — install it with: "
            "pip install -e '.[milvus]' (or use --store faiss)"
        ) from None
    # pymilvus logs every failed request with a traceback on stderr; each failure reaches the user
    # once, as the StoreUnavailableError below.
    logging.getLogger("pymilvus").setLevel(logging.CRITICAL)
    token = os.environ.get(MILVUS_TOKEN_VAR, "")
    try:
        return MilvusClient(uri=location, token=token, timeout=TIMEOUT_S, grpc_options=GRPC_OPTIONS, dedicated=fresh)
    except MilvusException as error:
        if not fresh:
            return connect(location, fresh=True)
        raise unavailable(location, error) from error


def unavailable(location: str, error: Exception) -> StoreUnavailableError:
    reason = getattr(error, "message", "") or str(error)
    if location.endswith(".db") and "Open local milvus failed" in reason:
        return StoreUnavailableError(
            f"The Milvus Lite file {location} is open in another process (Milvus Lite serves a file to one "
            f"process at a time) — stop that process, or serve the file to both with: milvus-lite server "
            f"--data-dir {location} --host 127.0.0.1 --port 19530, and use --store http://127.0.0.1:19530"
        )
    return StoreUnavailableError(
        f"The Milvus store at {location} cannot be used ({reason}) — start it or check --store / ASSISTANT_STORE "
        f"(and {MILVUS_TOKEN_VAR} if it needs a login), then try again; the index folder is unchanged"
    )


class MilvusVectors:
    """One build's collections, searched as store.Vectors (store.py)."""

    def __init__(
        self,
        client: Any,
        location: str,
        prefix: str,
        dimension: int,
        sentence_starts: np.ndarray,
        vector_index: Mapping[str, Any],
    ) -> None:
        self.client, self.location, self.prefix, self.dimension = client, location, prefix, dimension
        self.sentence_starts = sentence_starts
        # An IVF index probes as many lists as the local one would (vector_index.py); FLAT needs nothing.
        ivf = vector_index["kind"] != "flat"
        self._search_params = {"params": {"nprobe": int(vector_index["probes"])}} if ivf else {}
        # (collection, id) -> vector. A build's collections never change, so what is kept stays true.
        self._cached: OrderedDict[tuple[str, int], Any] = OrderedDict()
        self._lock = threading.Lock()  # the web chat answers several questions at once

    def open(self) -> tuple[int, int]:
        """Load both collections for searching (a server keeps them loaded between processes, Milvus
        Lite does not), and say how many passages and sentences they hold."""
        self._call("load_collection", self.prefix + CHUNKS)
        self._call("load_collection", self.prefix + SENTENCES)
        return self._count(self.prefix + CHUNKS), self._count(self.prefix + SENTENCES)

    def search(self, query: np.ndarray, top_k: int) -> list[tuple[int, float]]:
        if top_k <= 0:
            return []
        return self._search([np.asarray(query, dtype=np.float32).tolist()], "vector", "IP", top_k)

    def search_lexical(self, words: str, top_k: int) -> list[tuple[int, float]]:
        terms = term_text([words])[0]
        if not terms or top_k <= 0:
            return []
        scored = [(row, abs(distance)) for row, distance in self._search([terms], "sparse", "BM25", top_k)]
        return sorted((hit for hit in scored if hit[1] > 0), key=lambda hit: (-hit[1], hit[0]))

    def _search(self, data: list[Any], field: str, metric: str, top_k: int) -> list[tuple[int, float]]:
        """(id, distance) of the passages found; their vectors are kept, since the fusion scores the
        passages' cosines next."""
        found = self._call(
            "search",
            self.prefix + CHUNKS,
            data=data,
            anns_field=field,
            limit=top_k,
            search_params={"metric_type": metric, **(self._search_params if field == "vector" else {})},
            output_fields=["vector"],
        )
        self._keep(self.prefix + CHUNKS, {int(hit["id"]): hit["entity"]["vector"] for hit in found[0]})
        return [(int(hit["id"]), float(hit["distance"])) for hit in found[0]]

    def vectors(self, rows: Sequence[int]) -> np.ndarray:
        return self._fetch(self.prefix + CHUNKS, [int(r) for r in rows])

    def sentence_vectors(self, rows: Sequence[int]) -> list[np.ndarray]:
        starts = self.sentence_starts
        ids = [i for r in rows for i in range(int(starts[r]), int(starts[r + 1]))]
        matrix = self._fetch(self.prefix + SENTENCES, ids)
        ends = np.cumsum([int(starts[r + 1] - starts[r]) for r in rows])
        return list(np.split(matrix, ends[:-1])) if len(rows) else []

    def _fetch(self, collection: str, ids: list[int]) -> np.ndarray:
        """The vectors of the given ids, in their order."""
        if not ids:
            return np.zeros((0, self.dimension), dtype=np.float32)
        with self._lock:
            found = {i: self._cached[(collection, i)] for i in ids if (collection, i) in self._cached}
        wanted = list(dict.fromkeys(i for i in ids if i not in found))
        for start in range(0, len(wanted), QUERY_BATCH):
            batch = wanted[start : start + QUERY_BATCH]
            rows = self._call("query", collection, filter=f"id in {batch}", output_fields=["id", "vector"])
            fetched = {int(row["id"]): row["vector"] for row in rows}
            self._keep(collection, fetched)
            found.update(fetched)
        missing = [i for i in ids if i not in found]
        if missing:
            raise StoreUnavailableError(
                f"The Milvus store at {self.location} lacks rows of {collection} (id {missing[0]} and "
                f"{len(missing) - 1} more) — rebuild the index with: assistant index --rebuild"
            )
        return np.array([found[i] for i in ids], dtype=np.float32)

    def _keep(self, collection: str, vectors: dict[int, Any]) -> None:
        with self._lock:
            for i, vector in vectors.items():
                self._cached[(collection, i)] = vector
                self._cached.move_to_end((collection, i))
            while len(self._cached) > CACHED_VECTORS:
                self._cached.popitem(last=False)

    def _count(self, collection: str) -> int:
        return int(self._call("get_collection_stats", collection)["row_count"])

    def _call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        from pymilvus import MilvusException

        try:
            return getattr(self.client, method)(*args, timeout=TIMEOUT_S, **kwargs)
        except MilvusException:
            pass  # once more, on a connection of our own: the server may have restarted since the last request
        stale, self.client = self.client, connect(self.location, fresh=True)
        # Released, or every retry of a long-running web chat would keep one more gRPC channel open
        # (a shared connection only loses this client's reference; a dedicated one is closed).
        with contextlib.suppress(Exception):  # the server it spoke to is gone: nothing to tell it
            stale.close()
        try:
            if method != "load_collection":  # a restarted Milvus Lite server has its collections released
                for name in (self.prefix + CHUNKS, self.prefix + SENTENCES):
                    self.client.load_collection(name, timeout=TIMEOUT_S)
            return getattr(self.client, method)(*args, timeout=TIMEOUT_S, **kwargs)
        except MilvusException as error:
            raise unavailable(self.location, error) from error


def write(
    client: Any,
    location: str,
    prefix: str,
    vectors: np.ndarray,
    sentences: np.ndarray,
    texts: Sequence[str],
    vector_index: Mapping[str, Any],
) -> None:
    """Both collections of one build, complete and flushed; on failure, neither is left behind."""
    from pymilvus import MilvusException

    try:
        _create(client, prefix + CHUNKS, int(vectors.shape[1]), lexical=True, vector_index=vector_index)
        terms = [_fit(t) for t in term_text(texts)]
        for start in range(0, len(vectors), INSERT_BATCH):
            client.insert(
                prefix + CHUNKS,
                [
                    {"id": start + i, "vector": v.tolist(), "terms": terms[start + i]}
                    for i, v in enumerate(vectors[start : start + INSERT_BATCH])
                ],
                timeout=TIMEOUT_S,
            )
        _create(client, prefix + SENTENCES, int(vectors.shape[1]), lexical=False)
        for start in range(0, len(sentences), INSERT_BATCH):
            client.insert(
                prefix + SENTENCES,
                [
                    {"id": start + i, "vector": v.tolist()}
                    for i, v in enumerate(sentences[start : start + INSERT_BATCH])
                ],
                timeout=TIMEOUT_S,
            )
        for name in (prefix + CHUNKS, prefix + SENTENCES):
            client.flush(name, timeout=TIMEOUT_S)  # durable, and counted by get_collection_stats
    except MilvusException as error:
        drop(client, prefix)
        raise unavailable(location, error) from error


def drop(client: Any, prefix: str) -> None:
    """Remove a build's collections, as far as the store lets us: what cannot be dropped now (a server
    that went away) is left for the store's owner, never an error of the build that asked."""
    from pymilvus import MilvusException

    for name in (prefix + CHUNKS, prefix + SENTENCES):
        try:
            if client.has_collection(name, timeout=TIMEOUT_S):
                client.drop_collection(name, timeout=TIMEOUT_S)
        except MilvusException:
            pass


def _create(
    client: Any, name: str, dimension: int, lexical: bool, vector_index: Mapping[str, Any] = FLAT_INDEX
) -> None:
    from pymilvus import DataType, Function, FunctionType

    schema = client.create_schema(auto_id=False)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("vector", DataType.FLOAT_VECTOR, dim=dimension)
    index = client.prepare_index_params()
    # Inner product, exact below the size where the local index turns to IVF (vector_index.py) and an IVF
    # index with the same lists from there (float32: Milvus's IVF has no float16 of a float vector): the
    # same passages for the same question below it. Milvus Lite reads index parameters only in the
    # "params" form (below).
    if vector_index["kind"] != "flat":
        lists = {"nlist": int(vector_index["lists"])}
        index.add_index("vector", index_type="IVF_FLAT", metric_type="IP", params={**lists, "params": lists})
    else:
        index.add_index("vector", index_type="FLAT", metric_type="IP")
    if lexical:
        # The terms are ours already (stemmed, stopwords out): the standard analyzer only splits them
        # at the spaces between them again.
        schema.add_field(
            "terms",
            DataType.VARCHAR,
            max_length=MAX_TERMS_BYTES,
            enable_analyzer=True,
            analyzer_params={"tokenizer": "standard"},
        )
        schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
        schema.add_function(
            Function(
                name="bm25", function_type=FunctionType.BM25, input_field_names=["terms"], output_field_names=["sparse"]
            )
        )
        bm25 = {"bm25_k1": LEXICAL_SETTINGS["k1"], "bm25_b": LEXICAL_SETTINGS["b"]}
        # pymilvus sends index parameters as separate keys, which a Milvus server reads; Milvus Lite
        # reads only the older form, one "params" key holding them as JSON, and would score with its
        # defaults (1.5, 0.75) otherwise. Both forms are sent, with the same values.
        index.add_index(
            "sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25", params={**bm25, "params": bm25}
        )
    # Strong: a search right after the build sees every row it wrote.
    client.create_collection(name, schema=schema, index_params=index, consistency_level="Strong", timeout=TIMEOUT_S)


def _fit(terms: str) -> str:
    """The terms, cut at a space to fit the field (a passage's are a few kB; this never cuts in practice)."""
    data = terms.encode()
    if len(data) <= MAX_TERMS_BYTES:
        return terms
    return data[:MAX_TERMS_BYTES].decode(errors="ignore").rsplit(" ", 1)[0]
