"""The second engine: tantivy (PyPI `tantivy`), for large corpora and public servers.

Queries are not given to tantivy's own parser (OR by default, no prefix syntax): the whoosh
query tree from `search/query.py` is translated node by node, so both engines read a query
the same way. Terms in the tree are already analysed by the shared analyser.
"""
from __future__ import annotations

import json
import os
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Iterable

import tantivy
from whoosh import query as wq

from search.analysis import MAX_TOKEN_BYTES, STEMMED_TOKENIZER, WORDS_TOKENIZER
from search.base import IndexedPassage
from search.common import FACET_FIELDS, FILTER_FIELDS, EngineIndex, Ranked, passage_fields
from search.query import Request, wildcard_regex

WRITER_HEAP_BYTES = 64_000_000
WRITER_LOCK_TIMEOUT = 60.0
MAX_PREFIX_TERMS = 1024  # a prefix expanding to more terms than this becomes a regex query
FACET_THREADS = 4  # facet counts run beside the ranking (tantivy releases the GIL)
_RAW_FIELDS = ("key", "document", "kind", "committee_id", "council_id", "year", "entity")
_FAST_FIELDS = {"key", "document", "kind", "committee_id", "year"}  # sorting, facets, documents()


_FACET_AGGREGATION = {name: {"terms": {"field": field, "size": 100_000}} for name, field in FACET_FIELDS.items()}


def tantivy_schema() -> tantivy.Schema:
    """Same fields and stored set as the whoosh schema."""
    b = tantivy.SchemaBuilder()
    for name in _RAW_FIELDS:
        b.add_text_field(name, stored=name in ("key", "document", "kind", "committee_id", "council_id"),
                         fast=name in _FAST_FIELDS, tokenizer_name="raw", index_option="basic")
    b.add_text_field("title", stored=True, tokenizer_name=STEMMED_TOKENIZER)
    b.add_text_field("text", stored=True, tokenizer_name=STEMMED_TOKENIZER)
    b.add_text_field("committee", tokenizer_name=STEMMED_TOKENIZER)
    b.add_text_field("council", tokenizer_name=STEMMED_TOKENIZER)
    b.add_text_field("spell", tokenizer_name=WORDS_TOKENIZER, index_option="basic")
    b.add_text_field("date", stored=True, tokenizer_name="raw", index_option="basic")
    b.add_integer_field("day", indexed=True, fast=True)
    b.add_integer_field("page", stored=True)
    b.add_bytes_field("entities", stored=True)
    return b.build()


def _analyzer(stem: bool) -> tantivy.TextAnalyzer:
    builder = (tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
               .filter(tantivy.Filter.remove_long(MAX_TOKEN_BYTES)).filter(tantivy.Filter.lowercase()))
    if stem:
        builder = builder.filter(tantivy.Filter.stemmer("english"))
    return builder.build()


def _regex_literal(text: str) -> str:
    """Escape for tantivy's (Rust) regex syntax."""
    return re.sub(r"([\\.+*?()|\[\]{}^$#&\-~])", r"\\\1", text)


class TantivyIndex(EngineIndex):
    """A tantivy index in a directory; searchers come from tantivy's reader pool."""

    engine = "tantivy"

    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.mkdir(parents=True, exist_ok=True)
        self._meta_path = str(self.path / "meta.json")
        self._schema = tantivy_schema()
        self._ix = tantivy.Index(self._schema, path=str(self.path), reuse=True)
        self._ix.register_tokenizer(STEMMED_TOKENIZER, _analyzer(stem=True))
        self._ix.register_tokenizer(WORDS_TOKENIZER, _analyzer(stem=False))
        self._meta_stamp = self._stamp()
        self._lock = threading.Lock()
        self._pool: tuple[int, ThreadPoolExecutor] | None = None

    # --- writing ---------------------------------------------------------------------
    def _writer(self):
        deadline = time.monotonic() + WRITER_LOCK_TIMEOUT
        while True:
            try:
                return self._ix.writer(heap_size=WRITER_HEAP_BYTES, num_threads=1)
            except ValueError as exc:  # another writer holds the lock
                if "lock" not in str(exc).lower() or time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def replace_documents(self, passages: dict[str, list[IndexedPassage]]) -> None:
        """Replace every passage of each named document with the given ones: one writer, one commit."""
        self.commit_prepared([passages], list(passages))

    def commit_prepared(self, prepared: list[dict[str, list[IndexedPassage]]], documents: Iterable[str]) -> None:
        """Delete `documents`' passages and add the prepared ones (for tantivy, the passages
        themselves: `search.prepare_passages`), in one commit."""
        docs = []
        for passages in prepared:
            for document, items in passages.items():
                for p in items:
                    if p.document != document:
                        raise ValueError(f"passage {p.key!r} belongs to {p.document!r}, not {document!r}")
                    docs.append(self._document(p))
        writer = self._writer()
        try:
            for document in documents:
                writer.delete_documents_by_term("document", document)
            for doc in docs:
                writer.add_document(doc)
            writer.commit()
        except BaseException:
            writer.rollback()
            raise
        finally:
            writer.wait_merging_threads()
        self._ix.reload()  # our own commit is visible to the next query at once
        self._meta_stamp = self._stamp()

    def remove_documents(self, documents: Iterable[str]) -> None:
        """Remove every passage of the named documents (one commit)."""
        self.replace_documents({d: [] for d in documents})

    @staticmethod
    def _document(p: IndexedPassage) -> tantivy.Document:
        values = passage_fields(p)
        doc = tantivy.Document()
        for name in ("key", "document", "kind", "title", "text", "spell", "committee", "council", "date", "year",
                     "committee_id", "council_id"):
            if values[name]:  # absent rather than "": keeps empty values out of facets
                doc.add_text(name, values[name])
        for iri in values["entity"]:
            doc.add_text("entity", iri)
        doc.add_integer("day", values["day"])
        doc.add_integer("page", values["page"])
        doc.add_bytes("entities", values["entities"].encode("utf-8"))
        return doc

    # --- reading ---------------------------------------------------------------------
    def _stamp(self) -> tuple[int, int, int]:
        """meta.json's identity: tantivy replaces it by rename on each commit (a new inode), and two
        commits can share one mtime tick, so the time alone missed the second (a flaky test)."""
        try:
            st = os.stat(self._meta_path)
        except FileNotFoundError:
            return (0, 0, 0)
        return (st.st_mtime_ns, st.st_ino, st.st_size)

    def _searcher(self) -> tantivy.Searcher:
        """A searcher on the latest commit: reload when meta.json changed (one stat per query),
        which also picks up commits made by another process."""
        stamp = self._stamp()
        if stamp != self._meta_stamp:
            with self._lock:
                self._ix.reload()
                self._meta_stamp = stamp
        return self._ix.searcher()

    def documents(self) -> dict[str, int]:
        """Document name -> number of passages in the index."""
        agg = self._searcher().aggregate(tantivy.Query.all_query(),
                                         {"d": {"terms": {"field": "document", "size": 1_000_000}}})
        return {b["key"]: b["doc_count"] for b in agg["d"]["buckets"]}

    def count(self) -> int:
        """Number of passages."""
        return self._searcher().num_docs

    def close(self) -> None:
        """Stop the facet threads; tantivy releases its files when the Index is garbage-collected."""
        pool, self._pool = self._pool, None
        if pool is not None and pool[0] == os.getpid():
            pool[1].shutdown(wait=False)

    # --- engine primitives ------------------------------------------------------------
    def _compile(self, request: Request) -> tantivy.Query:
        main = self._translate(request.parsed.tree)
        q = request.query
        filters: list[tantivy.Query] = []
        for name, field in FILTER_FIELDS.items():
            value = getattr(q, name)
            if value:
                filters.append(tantivy.Query.term_query(self._schema, field, value))
        if request.day_from or request.day_to:
            filters.append(tantivy.Query.range_query(
                self._schema, "day", tantivy.FieldType.Integer, request.day_from or 1, request.day_to))
        if not filters:
            return main
        # Filters select but do not score, as whoosh's filter= does.
        return tantivy.Query.boolean_query(
            [(tantivy.Occur.Must, main)] + [(tantivy.Occur.Must, tantivy.Query.const_score_query(f, 0.0)) for f in filters])

    def _translate(self, node: wq.Query) -> tantivy.Query:
        Q, Occur = tantivy.Query, tantivy.Occur
        boost = getattr(node, "boost", 1.0)
        if node is wq.NullQuery:
            return Q.empty_query()
        if isinstance(node, wq.Every):
            return Q.all_query()
        if isinstance(node, wq.Not):
            return Q.boolean_query([(Occur.Must, Q.all_query()), (Occur.MustNot, self._translate(node.query))])
        if isinstance(node, wq.AndNot):
            out = Q.boolean_query([(Occur.Must, self._translate(node.a)), (Occur.MustNot, self._translate(node.b))])
        elif isinstance(node, wq.AndMaybe):
            out = Q.boolean_query([(Occur.Must, self._translate(node.a)), (Occur.Should, self._translate(node.b))])
        elif isinstance(node, wq.Require):
            out = Q.boolean_query([(Occur.Must, self._translate(node.a)), (Occur.Must, self._translate(node.b))])
        elif isinstance(node, (wq.And, wq.Or)):
            occur = Occur.Must if isinstance(node, wq.And) else Occur.Should
            clauses = []
            for child in node.subqueries:
                if isinstance(child, wq.Not) and occur is Occur.Must:
                    clauses.append((Occur.MustNot, self._translate(child.query)))
                else:
                    clauses.append((occur, self._translate(child)))
            if all(o is Occur.MustNot for o, _ in clauses):
                clauses.append((Occur.Must, Q.all_query()))
            out = Q.boolean_query(clauses)
        elif isinstance(node, wq.Phrase):
            if len(node.words) == 1:
                out = Q.term_query(self._schema, node.fieldname, node.words[0])
            else:
                # whoosh's slop 1 means adjacent; tantivy's 0 does.
                out = Q.phrase_query(self._schema, node.fieldname, list(node.words), slop=max(0, node.slop - 1))
        elif isinstance(node, wq.Prefix):
            out = self._prefix(node.fieldname, node.text)
        elif isinstance(node, wq.Wildcard):
            parts = re.split(r"([*?])", node.text)
            out = Q.regex_query(self._schema, node.fieldname,
                                "".join(".*" if p == "*" else "." if p == "?" else _regex_literal(p) for p in parts))
        elif isinstance(node, wq.Term):
            out = Q.term_query(self._schema, node.fieldname, node.text)
        else:  # not produced by our parser configuration; match nothing rather than guess
            return Q.empty_query()
        return Q.boost_query(out, boost) if boost != 1.0 else out

    def _prefix(self, field: str, prefix: str) -> tantivy.Query:
        """A prefix as the OR of the indexed terms it expands to, scored per term as whoosh
        scores a prefix; a regex query (every match scoring the same, so every match a tie
        to break by key) only when the expansion is very large."""
        terms = []
        if prefix:
            for term, _ in self._searcher().terms_with_prefix(field, prefix):
                terms.append(term)
                if len(terms) > MAX_PREFIX_TERMS:
                    break
        if not prefix or len(terms) > MAX_PREFIX_TERMS:
            return tantivy.Query.regex_query(self._schema, field, _regex_literal(prefix) + ".*")
        if not terms:
            return tantivy.Query.empty_query()
        return tantivy.Query.boolean_query(
            [(tantivy.Occur.Should, tantivy.Query.term_query(self._schema, field, t)) for t in terms])

    def _facet_pool(self) -> ThreadPoolExecutor:
        """Threads for facet counting, made in the process that uses them (a server forks workers)."""
        pid = os.getpid()
        if self._pool is None or self._pool[0] != pid:
            with self._lock:
                if self._pool is None or self._pool[0] != pid:
                    self._pool = (pid, ThreadPoolExecutor(FACET_THREADS, thread_name_prefix="tantivy-facets"))
        return self._pool[1]

    def _ranked(self, compiled, sort: str, n: int, with_facets: bool = False):
        searcher = self._searcher()
        # Counting facets is a second pass over every match, as long as the ranking itself; run
        # beside it they cost the time of one (school improvement at 10,000 documents: 11.5 -> 5.9 ms).
        pending = self._facet_pool().submit(searcher.aggregate, compiled, _FACET_AGGREGATION) if with_facets else None
        if sort == "relevance":
            result = searcher.search(compiled, limit=n, count=True)
        elif sort == "key":
            result = searcher.search(compiled, limit=n, count=True, order_by_field="key", order=tantivy.Order.Asc)
        else:
            order = tantivy.Order.Desc if sort == "-date" else tantivy.Order.Asc
            result = searcher.search(compiled, limit=n, count=True, order_by_field="day", order=order)
        # Ties are left in tantivy's order (score, then index order: one total order per commit,
        # so pages stay stable and disjoint). Ordering them by key meant fetching the whole tie
        # group: at 10,000 scaled documents 5,000 passages tied for first place, and a search
        # took 60 ms instead of 12.
        if sort == "relevance":
            rows = [Ranked(-value, None, address, value, settled=True) for value, address in result.hits]
        elif sort == "key":
            rows = [Ranked(value, value, address, 0.0, settled=True) for value, address in result.hits]
        else:
            sign = -1 if sort == "-date" else 1
            rows = [Ranked(sign * value, None, address, 0.0, settled=True) for value, address in result.hits]
        facets = None
        if pending is not None:
            agg = pending.result()
            facets = {name: {b["key"]: b["doc_count"] for b in agg[name]["buckets"]} for name in FACET_FIELDS}
        return rows, result.count, facets

    def _stored(self, address: Any) -> dict[str, Any]:
        stored = {name: values[0] for name, values in self._searcher().doc(address).to_dict().items() if values}
        if isinstance(stored.get("entities"), (bytes, bytearray, list)):
            stored["entities"] = bytes(stored["entities"]).decode("utf-8")
        return stored

    def _vocabulary(self, prefix: str) -> Iterable[tuple[str, int]]:
        return self._searcher().terms_with_prefix("spell", prefix)
