"""SPARQL worker processes: pyoxigraph cannot cancel a running query, so queries run here and are killed on timeout.

Each worker opens the read-only store snapshot (``pyoxigraph.Store.read_only``), answers
queries sent over a pipe and returns plain tuples (no pyoxigraph objects cross the pipe).
:class:`WorkerPool` keeps a few reusable workers and replaces any it had to kill.
"""
from __future__ import annotations

import multiprocessing
import queue
import threading
from dataclasses import dataclass
from typing import Any

# A term crossing the pipe: ("uri", iri) | ("bnode", id) | ("literal", value, lang, datatype) | None (unbound)
Term = tuple | None
_STARTUP_SECONDS = 60.0


class QueryTimeout(Exception):
    """The query ran past its time limit; its worker was killed."""


class QueryFailed(Exception):
    """The store refused the query (syntax, evaluation); the message is the store's."""


class StoreUnavailable(Exception):
    """The worker could not open the store or died."""


@dataclass
class QueryAnswer:
    kind: str  # "boolean" | "solutions" | "triples"
    boolean: bool | None = None
    variables: list[str] | None = None
    rows: list[list[Term]] | None = None
    truncated: bool = False


def _term(term: Any) -> Term:
    import pyoxigraph as ox

    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return ("uri", term.value)
    if isinstance(term, ox.BlankNode):
        return ("bnode", term.value)
    if isinstance(term, ox.Literal):
        return ("literal", term.value, term.language, term.datatype.value if term.datatype else None)
    return ("literal", str(term), None, None)  # RDF-star triple terms: shown as text


def _answer(result: Any, max_rows: int) -> QueryAnswer:
    import pyoxigraph as ox

    if isinstance(result, ox.QueryBoolean):
        return QueryAnswer("boolean", boolean=bool(result))
    rows: list[list[Term]] = []
    truncated = False
    if isinstance(result, ox.QuerySolutions):
        variables = [v.value for v in result.variables]
        for solution in result:
            if len(rows) >= max_rows:
                truncated = True
                break
            rows.append([_term(solution[v]) for v in variables])
        return QueryAnswer("solutions", variables=variables, rows=rows, truncated=truncated)
    for triple in result:
        if len(rows) >= max_rows:
            truncated = True
            break
        rows.append([_term(triple.subject), _term(triple.predicate), _term(triple.object)])
    return QueryAnswer("triples", rows=rows, truncated=truncated)


def worker_main(conn: Any) -> None:
    """Loop of a worker process: receive (store_path, query, max_rows, default_graphs), send ("ok"|"query"|"store", payload)."""
    import pyoxigraph as ox

    store = None
    store_path = None
    conn.send(("ready", None))
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        path, sparql, max_rows, default_graphs = message
        try:
            if path != store_path:
                store = None
                from graph.store import default_graph_is_merged

                store = ox.Store.read_only(path)
                store_path = path
                # The store's default graph is the merge of the document graphs (graph/store.py);
                # snapshots written before it existed fall back to Oxigraph's union view.
                merged = default_graph_is_merged(store)
        except OSError as exc:
            conn.send(("store", f"the graph store cannot be opened ({type(exc).__name__})"))
            continue
        try:
            kwargs: dict[str, Any] = {"use_default_graph_as_union": not merged}
            if default_graphs:
                kwargs = {"default_graph": [ox.NamedNode(g) for g in default_graphs]}
            answer = _answer(store.query(sparql, **kwargs), max_rows)
        except (SyntaxError, ValueError, TypeError, RuntimeError) as exc:
            conn.send(("query", str(exc)))
            continue
        except OSError as exc:
            conn.send(("store", f"the graph store failed ({type(exc).__name__})"))
            continue
        conn.send(("ok", answer))


class _Worker:
    def __init__(self, context: Any):
        self.conn, child = context.Pipe()
        self.process = context.Process(target=worker_main, args=(child,), daemon=True, name="councilgraph-sparql")
        self.process.start()
        child.close()
        if not self.conn.poll(_STARTUP_SECONDS):
            self.kill()
            raise StoreUnavailable("a SPARQL worker did not start")
        self.conn.recv()

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()


class WorkerPool:
    """A fixed number of reusable worker processes; a query waits for a free one."""

    def __init__(self, size: int = 2):
        # spawn, not fork: the server process has threads and open RocksDB handles.
        self.context = multiprocessing.get_context("spawn")
        self.slots: queue.Queue[_Worker | None] = queue.Queue()
        for _ in range(size):
            self.slots.put(None)  # started on first use
        self.closed = False
        self._lock = threading.Lock()

    def run(self, store_path: str, sparql: str, *, timeout: float, max_rows: int,
            default_graphs: list[str] | None = None) -> QueryAnswer:
        """Run one query; raises QueryTimeout, QueryFailed or StoreUnavailable."""
        try:
            worker = self.slots.get(timeout=timeout)
        except queue.Empty:
            raise QueryTimeout("every SPARQL worker is busy") from None
        try:
            if worker is None or not worker.process.is_alive():
                worker = _Worker(self.context)
            worker.conn.send((store_path, sparql, max_rows, default_graphs or None))
            if not worker.conn.poll(timeout):
                worker.kill()
                worker = None
                raise QueryTimeout(f"the query ran longer than {timeout:g} s")
            status, payload = worker.conn.recv()
        except (EOFError, OSError, BrokenPipeError) as exc:
            if worker is not None:
                worker.kill()
            worker = None
            raise StoreUnavailable("the SPARQL worker stopped") from exc
        finally:
            self.slots.put(worker)
        if status == "query":
            raise QueryFailed(payload)
        if status == "store":
            raise StoreUnavailable(payload)
        return payload

    def close(self) -> None:
        """Stop every worker (idle ones; busy ones end with their query)."""
        while True:
            try:
                worker = self.slots.get_nowait()
            except queue.Empty:
                return
            if worker is not None:
                worker.kill()
