"""The triple store: embedded Oxigraph (through oxrdflib) or a remote SPARQL 1.1 endpoint.

One named graph per document. ``replace_graph`` swaps a document's graph in one
transaction: embedded, as one pyoxigraph ``load`` of N-Triples when the graph is new, or
one SPARQL UPDATE (drop and insert) when it replaces one; remote, as one Graph Store
Protocol ``PUT`` (or one SPARQL UPDATE request when no graph store endpoint is given) —
either way a crash leaves the old graph or the new one. ``add_graphs`` writes a batch of
new graphs by bulk loads, which a crash can cut short in a way the next run repairs.

Queries see the union of the named graphs as their default graph. Embedded, pyoxigraph
does that per query; remote, the ``union-default-graph`` parameter asks Oxigraph server
for it (Fuseki needs ``tdb2:unionDefaultGraph``; Virtuoso and GraphDB do it by default).
"""
from __future__ import annotations

import io
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable

import pyoxigraph
from rdflib import Dataset, Graph, URIRef
from rdflib.query import Result

from graph.vocab import PREFIXES

_RESULT_FORMATS = {"ttl": "turtle", "turtle": "turtle", "nq": "nquads", "nquads": "nquads", "jsonld": "json-ld",
                   "json-ld": "json-ld", "nt": "nt", "ntriples": "nt", "trig": "trig"}
_OX_FORMATS = {"turtle": pyoxigraph.RdfFormat.TURTLE, "nquads": pyoxigraph.RdfFormat.N_QUADS,
               "nt": pyoxigraph.RdfFormat.N_TRIPLES, "trig": pyoxigraph.RdfFormat.TRIG}


# Oxigraph's "union default graph" is a bag, not the RDF merge: a triple stated by eight documents
# comes out eight times, and a join of three such patterns 8^3 times (at 1,000 scaled documents the
# inspector question in SPARQL gave 1.5 million rows for 24 inspections and took 11 s). So the store's
# own default graph holds the merge, each triple once, kept in step with the document graphs in the
# same transactions; queries use it as their default graph.
_COPY_TO_MERGED = "INSERT {{ ?s ?p ?o }} WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} }}"
# Triples of graph g that no other document graph states leave the merged graph.
_UNMERGE = ("DELETE {{ ?s ?p ?o }} WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} "
            "FILTER NOT EXISTS {{ GRAPH ?other {{ ?s ?p ?o }} FILTER(?other != <{g}>) }} }}")
_REBUILD_MERGED = "DELETE WHERE { ?s ?p ?o } ; INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"


def default_graph_is_merged(ox: pyoxigraph.Store) -> bool:
    """True when the store's default graph holds the merge (or there is nothing to merge); stores
    written before the merged graph existed have named graphs and an empty default graph."""
    return bool(ox.query("ASK { ?s ?p ?o }")) or not any(True for _ in ox.named_graphs())


class StoreError(Exception):
    """The store could not do what was asked (bad SPARQL, unreachable endpoint...)."""


def _ntriples(graph: Graph) -> str:
    return graph.serialize(format="nt")


class GraphStore:
    """An rdflib Dataset over Oxigraph (embedded) or a SPARQL 1.1 endpoint (remote)."""

    def __init__(self, dataset: Dataset | None, *, ox: pyoxigraph.Store | None = None, query_endpoint: str | None = None,
                 update_endpoint: str | None = None, graph_store_endpoint: str | None = None,
                 read_only: bool = False) -> None:
        self._dataset = dataset
        self._ox = ox
        self._query_endpoint = query_endpoint
        self._update_endpoint = update_endpoint
        self._graph_store_endpoint = graph_store_endpoint
        self.read_only = read_only
        self.path: Path | None = None  # the embedded store's directory
        self._merged: bool | None = None if ox is not None else False
        self._derived: dict[str, Any] = {}
        self._derived_locks: dict[str, threading.Lock] = {}
        self._derived_locks_lock = threading.Lock()
        if dataset is not None:
            for prefix, iri in PREFIXES.items():
                dataset.bind(prefix, iri)

    @property
    def dataset(self) -> Dataset:
        """The rdflib Dataset view. Embedded, it is built on first use: oxrdflib brings rdflib's
        SPARQL engine, about a third of a second to import, which ingest never needs."""
        if self._dataset is None:
            from oxrdflib import OxigraphStore

            if self._ox is None:
                raise StoreError("the store is closed")
            self._dataset = Dataset(store=OxigraphStore(store=self._ox))
            for prefix, iri in PREFIXES.items():
                self._dataset.bind(prefix, iri)
        return self._dataset

    # --- opening -----------------------------------------------------------------
    @classmethod
    def open(cls, path: Path, *, read_only: bool = False) -> "GraphStore":
        """Open (or create) the embedded store at ``path``; ``read_only`` opens a snapshot many readers may share."""
        path = Path(path)
        if read_only:
            ox = pyoxigraph.Store.read_only(str(path))
        else:
            path.mkdir(parents=True, exist_ok=True)
            ox = pyoxigraph.Store(str(path))
        store = cls(None, ox=ox, read_only=read_only)
        store.path = path
        return store

    @classmethod
    def memory(cls) -> "GraphStore":
        """An in-memory embedded store (tests, one-off builds)."""
        return cls(None, ox=pyoxigraph.Store())

    @classmethod
    def remote(cls, query_endpoint: str, update_endpoint: str | None = None, *,
               graph_store_endpoint: str | None = None) -> "GraphStore":
        """A SPARQL 1.1 endpoint (query, update, and optionally the Graph Store Protocol)."""
        from rdflib.plugins.stores.sparqlstore import SPARQLUpdateStore

        sparql_store = SPARQLUpdateStore(query_endpoint=query_endpoint, update_endpoint=update_endpoint or query_endpoint,
                                         context_aware=True, node_to_sparql=_node_to_sparql)
        return cls(Dataset(store=sparql_store), query_endpoint=query_endpoint,
                   update_endpoint=update_endpoint or query_endpoint, graph_store_endpoint=graph_store_endpoint,
                   read_only=update_endpoint is None and graph_store_endpoint is None)

    @property
    def is_remote(self) -> bool:
        return self._ox is None

    # --- writing -------------------------------------------------------------------
    def replace_graph(self, graph_iri: URIRef | str, graph: Graph | str) -> None:
        """Replace the named graph ``graph_iri`` with ``graph`` atomically (old or new survive a crash, never half).

        ``graph`` is an rdflib Graph or its N-Triples text (what ingest workers send, so the
        ingest process does not rebuild rdflib terms); it must hold no blank nodes.
        """
        self._check_writable()
        body = graph if isinstance(graph, str) else _ntriples(graph)
        if self._ox is not None:
            name = pyoxigraph.NamedNode(str(graph_iri))
            if not self._ox.contains_named_graph(name):
                # Nothing to replace: one load (one transaction) puts the triples in the document's
                # graph and in the merged default graph (the store is a set: a triple already there
                # stays once). Parsing N-Quads costs about half of parsing the same triples in a
                # SPARQL update, and a copy by INSERT ... WHERE would be a second transaction.
                self._ox.load(body + _in_graph(body, str(graph_iri)), format=pyoxigraph.RdfFormat.N_QUADS)
            else:
                # One update = one pyoxigraph transaction: the merged graph loses what only the old
                # version said, then the graph is dropped, inserted again and copied.
                self._ox.update(f"{_UNMERGE.format(g=graph_iri)} ; DROP SILENT GRAPH <{graph_iri}> ; "
                                f"INSERT DATA {{ GRAPH <{graph_iri}> {{ {body} }} }} ; {_COPY_TO_MERGED.format(g=graph_iri)}")
            return
        if self._graph_store_endpoint:
            response = _http().put(self._graph_store_endpoint, params={"graph": str(graph_iri)}, data=body.encode(),
                                    headers={"Content-Type": "application/n-triples"}, timeout=120)
            _raise_for(response, "graph store PUT")
            return
        self.update(f"DROP SILENT GRAPH <{graph_iri}> ; INSERT DATA {{ GRAPH <{graph_iri}> {{ {body} }} }}")

    def add_graphs(self, graphs: list[tuple[URIRef | str, str]]) -> None:
        """Write a batch of document graphs (IRI, N-Triples text); graphs already in the store are replaced.

        Embedded, the new graphs go in by two bulk loads (RocksDB files written directly, no
        transaction): every named graph first, then their triples into the merged default graph.
        At 1,000 scaled documents that costs about half of one load per document, and the gap grows
        with the store (a transactional insert reads before it writes). A bulk load is not atomic,
        so the order is what keeps a crash repairable: a run killed in the first load leaves only
        partial named graphs, which the manifest does not vouch for and the next run removes
        (``remove_graph``); one killed in the second also leaves, in the merged graph, triples that
        only those graphs state, and ``remove_graph`` takes exactly those out with them. Callers
        must not vouch for the batch (manifest) before this returns.
        """
        self._check_writable()
        if self._ox is None:
            for graph_iri, body in graphs:
                self.replace_graph(graph_iri, body)
            return
        new: list[tuple[str, str]] = []
        last = {str(graph_iri): body for graph_iri, body in graphs}  # a graph named twice: the later text wins
        for graph_iri, body in last.items():
            if self._ox.contains_named_graph(pyoxigraph.NamedNode(str(graph_iri))):
                self.replace_graph(graph_iri, body)
            else:
                new.append((str(graph_iri), body))
        if not new:
            return
        try:
            self._ox.bulk_load("".join(_in_graph(body, graph_iri) for graph_iri, body in new),
                               format=pyoxigraph.RdfFormat.N_QUADS)
            self._ox.bulk_load("".join(body if body.endswith("\n") else body + "\n" for _, body in new),
                               format=pyoxigraph.RdfFormat.N_TRIPLES)
        except SyntaxError as exc:
            raise StoreError(f"a document graph is not valid N-Triples: {exc}") from exc

    def remove_graph(self, graph_iri: URIRef) -> None:
        """Remove a named graph and every triple in it (no error when it is absent)."""
        self._check_writable()
        if self._ox is not None:
            self._ox.update(f"{_UNMERGE.format(g=graph_iri)} ; DROP SILENT GRAPH <{graph_iri}>")
        elif self._graph_store_endpoint:
            response = _http().delete(self._graph_store_endpoint, params={"graph": str(graph_iri)}, timeout=60)
            if response.status_code != 404:
                _raise_for(response, "graph store DELETE")
        else:
            self.update(f"DROP SILENT GRAPH <{graph_iri}>")

    def update(self, sparql_update: str) -> None:
        """Run a SPARQL UPDATE (internal use: the server never passes user updates here)."""
        self._check_writable()
        if self._ox is not None:
            self._ox.update(sparql_update)
            return
        response = _http().post(self._update_endpoint, data={"update": sparql_update}, timeout=120)  # type: ignore[arg-type]
        _raise_for(response, "SPARQL update")

    def _check_writable(self) -> None:
        if self.read_only:
            raise StoreError("the store is open read-only")

    # --- reading --------------------------------------------------------------------
    @property
    def keeps_derived(self) -> bool:
        """Whether `derived` keeps what it computes: only when the data cannot change (an embedded
        read-only snapshot, as the server opens per data generation), not for a store that can be
        written, here or, remote, by others."""
        return self.read_only and self._ox is not None

    def kept(self, name: str) -> Any:
        """What `derived` keeps under ``name``, or None if nothing is kept (yet): for a faster
        path that should not wait for it to be worked out."""
        return self._derived.get(name) if self.keeps_derived else None

    def derived(self, name: str, compute: Callable[[], Any]) -> Any:
        """``compute()``, kept for the store's life when `keeps_derived`, else computed each time."""
        if not self.keeps_derived:
            return compute()
        if name in self._derived:
            return self._derived[name]
        with self._derived_locks_lock:
            lock = self._derived_locks.setdefault(name, threading.Lock())
        # One lock per name: requests arriving together compute a thing once, a thing computed
        # from another (the inspections' facets from their order) can ask for it, and a request
        # for one is not held up while another is worked out.
        with lock:
            if name not in self._derived:
                self._derived[name] = compute()
            return self._derived[name]

    def kept_values(self) -> dict[str, Any]:
        """Everything `derived` keeps (name -> value), to save beside a snapshot (`graph.kept`)."""
        return dict(self._derived)

    def keep_all(self, values: dict[str, Any]) -> None:
        """Keep ``values`` (name -> value, as `kept_values` gave them for this snapshot) as if
        `derived` had worked them out; nothing for a store that keeps nothing."""
        if self.keeps_derived:
            self._derived.update(values)

    @contextmanager
    def deriving_elsewhere(self, names: Iterable[str]) -> Iterator[None]:
        """Hold `derived`'s locks of ``names`` while another process works them out (`graph.kept`),
        so that requests for them wait for its answer, as they would for this process's, instead
        of working them out beside it. A name some request is working out already is left to it:
        never waiting for a lock here, this cannot deadlock with a request holding one."""
        held: list[threading.Lock] = []
        if self.keeps_derived:
            with self._derived_locks_lock:
                locks = [self._derived_locks.setdefault(name, threading.Lock()) for name in names]
            held = [lock for lock in locks if lock.acquire(blocking=False)]
        try:
            yield
        finally:
            for lock in held:
                lock.release()

    def graph_names(self) -> set[str]:
        """IRIs of the named graphs (one per document)."""
        if self._ox is not None:
            return {g.value for g in self._ox.named_graphs() if isinstance(g, pyoxigraph.NamedNode)}
        rows = self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", union_default_graph=False)
        return {str(row[0]) for row in rows}

    @property
    def merged(self) -> bool:
        """True when the store's own default graph holds the merge of the named graphs (embedded stores
        written since the merged graph exists); otherwise queries fall back to Oxigraph's union view."""
        if self._merged is None and self._ox is not None:
            self._merged = default_graph_is_merged(self._ox)
        return bool(self._merged)

    def ensure_merged(self) -> bool:
        """Build the merged default graph if the store predates it; True when it was built now."""
        self._check_writable()
        if self._ox is None or self.merged:
            return False
        self._ox.update(_REBUILD_MERGED)
        self._merged = True
        return True

    def uses_union(self, union_default_graph: bool) -> bool:
        """Whether a query asking for the merged view must use Oxigraph's union of named graphs."""
        return union_default_graph and not self.merged

    def query(self, sparql: str, *, union_default_graph: bool = True) -> Result:
        """SELECT/ASK/CONSTRUCT/DESCRIBE, run by Oxigraph (embedded or remote); the default graph is the
        merge of the named graphs (each triple once: see ``_COPY_TO_MERGED``)."""
        if self._ox is not None:
            try:
                return self.dataset.store.query(sparql, {}, {}, "__UNION__" if self.uses_union(union_default_graph)
                                                else "urn:x-rdflib:default")
            except SyntaxError as exc:
                raise StoreError(str(exc)) from exc
        return self._remote_query(sparql, union_default_graph)

    def select(self, sparql: str, *, union_default_graph: bool = True) -> list[tuple[str | None, ...]]:
        """A SELECT's rows as tuples of term texts (the IRI or the literal's lexical form; None when
        unbound). Embedded, read straight from pyoxigraph, without rdflib terms in between."""
        if self._ox is not None:
            try:
                solutions = self._ox.query(sparql, use_default_graph_as_union=self.uses_union(union_default_graph))
            except SyntaxError as exc:
                raise StoreError(str(exc)) from exc
            return [tuple(None if t is None else t.value for t in row) for row in solutions]
        return [tuple(None if v is None else str(v) for v in row)
                for row in self.query(sparql, union_default_graph=union_default_graph)]

    def _remote_query(self, sparql: str, union_default_graph: bool) -> Result:
        if self._query_endpoint is None:
            raise StoreError("the store is closed")
        params = {"union-default-graph": ""} if union_default_graph else {}
        headers = {"Accept": "application/sparql-results+json, application/n-triples;q=0.9"}
        response = _http().post(self._query_endpoint, params=params, data={"query": sparql},  # type: ignore[arg-type]
                                 headers=headers, timeout=120)
        _raise_for(response, "SPARQL query")
        content_type = response.headers.get("Content-Type", "").split(";")[0].strip()
        if content_type == "application/sparql-results+json":
            return Result.parse(io.BytesIO(response.content), format="json")
        graph = Graph()
        graph.parse(data=response.text, format="nt" if "n-triples" in content_type else "turtle")
        result = Result("CONSTRUCT")
        result.graph = graph
        return result

    def disk_bytes(self) -> int:
        """Bytes the embedded store's files take on disk (0 for a store with no directory)."""
        if self.path is None:
            return 0
        return sum(f.stat().st_size for f in Path(self.path).rglob("*") if f.is_file())

    def compact(self) -> bool:
        """Rewrite the embedded store's files into fewer files whose keys do not overlap (RocksDB's
        full compaction, pyoxigraph ``Store.optimize``); returns whether it did. Each batch's bulk
        load adds files whose keys overlap the others', and a lookup seeks in every file its key
        may be in: at 10,000 documents compacted, the graph questions took 0.6x the time
        (docs/benchmarks.md)."""
        if self._ox is None or self.read_only:
            return False
        self._ox.optimize()
        return True

    def triple_count(self) -> int:
        """Number of triples in the document graphs (the merged default graph's copies not counted)."""
        if self._ox is not None:
            if not self.merged:
                return len(self._ox)
            merged = next(iter(self._ox.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))[0]
            return len(self._ox) - int(merged.value)
        rows = list(self.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", union_default_graph=False))
        return int(rows[0][0])

    def serialize(self, fmt: str) -> bytes:
        """The whole store as ``ttl`` | ``nq`` | ``trig`` | ``jsonld`` | ``nt`` (triple formats merge the graphs)."""
        rdf_format = _RESULT_FORMATS.get(fmt)
        if rdf_format is None:
            raise StoreError(f"unknown format {fmt!r}; use one of {', '.join(sorted(_RESULT_FORMATS))}")
        if self._ox is not None and rdf_format in ("nquads", "trig"):
            # The document graphs only: the merged default graph is derived from them.
            out = io.BytesIO()
            quads = (q for q in self._ox.quads_for_pattern(None, None, None, None)
                     if not isinstance(q.graph_name, pyoxigraph.DefaultGraph))
            pyoxigraph.serialize(quads, out, format=_OX_FORMATS[rdf_format])
            return out.getvalue()
        if self._ox is not None and rdf_format in ("nt", "turtle"):
            # Triple formats: the union of the named graphs.
            out = io.BytesIO()
            triples = self._ox.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", use_default_graph_as_union=not self.merged)
            pyoxigraph.serialize(triples, out, format=_OX_FORMATS[rdf_format], prefixes=PREFIXES if rdf_format == "turtle" else None)
            return out.getvalue()
        if rdf_format in ("nquads", "trig", "json-ld"):
            dataset = Dataset()
            for prefix, iri in PREFIXES.items():
                dataset.bind(prefix, iri)
            rows = self.query("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }", union_default_graph=False)
            for s, p, o, g in rows:
                dataset.add((s, p, o, dataset.graph(g)))
            return dataset.serialize(format=rdf_format).encode()
        result = self.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
        assert result.graph is not None
        for prefix, iri in PREFIXES.items():
            result.graph.bind(prefix, iri)
        return result.graph.serialize(format=rdf_format).encode()

    def backup(self, target: Path) -> None:
        """A consistent on-disk snapshot (pyoxigraph ``Store.backup``) that ``open(target, read_only=True)`` reads."""
        if self._ox is None:
            raise StoreError("backup is only available for the embedded store")
        self._ox.flush()
        self._ox.backup(str(target))

    def close(self) -> None:
        """Flush and release the store (the on-disk lock is freed when the object goes)."""
        if self._ox is not None and not self.read_only:
            try:
                self._ox.flush()
            except OSError:
                pass
        self._ox = None
        # RocksDB's lock goes only when the last reference to the pyoxigraph store does: drop
        # the one inside the rdflib Dataset too, so the same process can reopen the store.
        try:
            if self._dataset is not None:
                self._dataset.store.close()
        except (AttributeError, NameError):
            pass  # already closed
        self._query_endpoint = self._update_endpoint = self._graph_store_endpoint = None
        self.read_only = True


def _in_graph(ntriples: str, graph_iri: str) -> str:
    """N-Triples as N-Quads in ``graph_iri``: one triple per line, ending in ``.``, as rdflib and pyoxigraph
    write it. Split on newlines only: a literal may hold a form feed, which str.splitlines would split at."""
    tail = f" <{graph_iri}> .\n"
    lines = (line.rstrip() for line in ntriples.split("\n"))
    return "".join(line[:-1] + tail for line in lines if line and not line.startswith("#"))  # [:-1]: the "."


def _http():  # noqa: ANN202
    """The requests module, imported on first use: only remote stores speak HTTP (~0.1 s to import)."""
    import requests

    return requests


def _raise_for(response: "requests.Response", what: str) -> None:  # noqa: F821
    if response.status_code >= 400:
        raise StoreError(f"{what} failed: HTTP {response.status_code}: {response.text[:500]}")


def _node_to_sparql(node) -> str:  # noqa: ANN001
    from rdflib import BNode

    if isinstance(node, BNode):
        raise StoreError("blank nodes cannot be sent to a remote store")
    return node.n3()
