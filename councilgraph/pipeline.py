"""Ingest: files → records → one named graph and a set of passages per document → manifest.

Per document the graph is replaced in one transaction; the index is written by one
writer with one commit per batch; the manifest (written last) says which documents are
in. A run killed at any moment leaves the previous snapshot, index commit and manifest
in place, and the next run redoes whatever the manifest does not vouch for.

Worker processes (setting ``ingest_workers``) read and extract documents, then build
each document's graph (as N-Triples) and passages once the batch's context is known.
This process does every write, and the manifest still comes last, so crash safety does
not depend on the workers. While this process writes batch k, the workers extract batch k+1.
"""
from __future__ import annotations

import gc
import hashlib
import os
import shutil
import sys
import time
from collections import Counter
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from councilgraph.data import DataDir
from councilgraph.settings import usable_cpus

SUFFIXES = (".txt", ".md", ".pdf")


@dataclass
class DocumentOutcome:
    """What happened to one input file."""

    name: str
    path: str
    status: str  # added | replaced | unchanged | failed
    reason: str | None = None
    counts: dict[str, int] = field(default_factory=dict)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    triples: int = 0
    passages: int = 0


@dataclass
class IngestReport:
    """The summary printed at the end of `councilgraph ingest`."""

    outcomes: list[DocumentOutcome] = field(default_factory=list)
    # read, extract, graph (building), index: work summed over this process and the workers (they
    # overlap); store: writing the graphs; snapshot: checkpoints; wait: this process waiting for
    # workers; wall: the whole run, start to end.
    seconds: dict[str, float] = field(default_factory=dict)
    triples: int = 0  # in the store after the run
    passages: int = 0  # in the index after the run
    entities: dict[str, int] = field(default_factory=dict)  # records by kind, over this run's documents
    written: int = 0  # documents this run has made durable (in the graph, the index and the manifest)
    notes: list[str] = field(default_factory=list)  # what the run chose not to do, and why

    @property
    def failed(self) -> list[DocumentOutcome]:
        return [o for o in self.outcomes if o.status == "failed"]

    @property
    def warnings(self) -> list[dict[str, Any]]:
        return [w for o in self.outcomes for w in o.warnings]

    def by_status(self) -> dict[str, int]:
        return dict(Counter(o.status for o in self.outcomes))

    def as_dict(self) -> dict[str, Any]:
        return {
            "documents": self.by_status(),
            "entities": self.entities,
            "triples": self.triples,
            "passages": self.passages,
            "seconds": {k: round(v, 3) for k, v in self.seconds.items()},
            "failed": [{"document": o.name, "reason": o.reason} for o in self.failed],
            "warnings": self.warnings,
            "notes": self.notes,
        }


def discover(paths: Iterable[str | Path]) -> tuple[list[Path], list[DocumentOutcome]]:
    """Files to ingest (folders walked for .txt/.md/.pdf, sorted) and outcomes for paths that cannot be used."""
    files: list[Path] = []
    problems: list[DocumentOutcome] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES))
        elif path.is_file():
            if path.suffix.lower() in SUFFIXES:
                files.append(path)
            else:
                problems.append(DocumentOutcome(path.name, str(path), "failed",
                                                f"unsupported file type {path.suffix or '(none)'}; expected .txt, .md or .pdf"))
        else:
            problems.append(DocumentOutcome(path.name or str(path), str(path), "failed", "no such file or directory"))
    seen: set[Path] = set()
    unique = [p for p in files if not (p.resolve() in seen or seen.add(p.resolve()))]
    return unique, problems


def file_checksum(path: Path) -> str:
    """sha256 of the file's bytes, in hex."""
    return _checksum_and_size(path)[0]


def _checksum_and_size(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size


BATCH_DOCUMENTS = 200  # documents written per graph snapshot, index commit and manifest
# Fewer changed documents than this, or smaller ones on average, are done in-process: a pool costs
# about a second to start and ~1.5 ms of the ingest process per document (2,000 files of 650 bytes:
# 12.7-15.2 s in-process, 15.9-17.2 s with two workers), which only documents of some size repay.
MIN_DOCUMENTS_FOR_WORKERS = 8
MIN_MEAN_BYTES_FOR_WORKERS = 8_000


def ingest_paths(
    paths: Iterable[str | Path],
    settings: dict[str, Any],
    *,
    progress: Callable[[str], None] | None = None,
    batch_written: Callable[[IngestReport], None] | None = None,
    force: bool = False,
) -> IngestReport:
    """Ingest files and folders into the data directory named by ``settings``; never raises for a bad document.

    Documents go in by batches of :data:`BATCH_DOCUMENTS`: each batch ends with one index commit, a
    snapshot and the manifest, so memory stays bounded by a batch and a long run keeps its progress.
    Reading, extraction, graph building and passages run in ``ingest_workers`` worker processes
    (see :func:`worker_count`); this process alone writes the store, the index and the manifest.
    ``batch_written`` is called with the report so far each time a batch is durable, which is what
    a run that may be stopped part way (and later resumed: known documents are skipped) can record.
    """
    mp = sys.modules.get("multiprocessing")  # not imported here unless a pool is needed (cold start)
    if mp is not None and getattr(mp.current_process(), "_inheriting", False):
        # A worker is starting and re-running a main script that ingests at import: without this it
        # would wait for the writer lock its parent holds, forever. Failing lets the parent carry on.
        raise RuntimeError("ingest_paths() called while a worker process starts; "
                           "guard the calling script with `if __name__ == '__main__':`")
    started = time.perf_counter()
    data = DataDir(settings)
    report = IngestReport()
    files, problems = discover(paths)
    report.outcomes.extend(problems)

    with data.writer_lock(wait=True), ExitStack() as resources:
        manifest = data.manifest()
        slots: list[DocumentOutcome | None] = [None] * len(files)
        jobs = _changed_documents(files, slots, manifest, settings, report, progress, force)
        batches = [jobs[i:i + BATCH_DOCUMENTS] for i in range(0, len(jobs), BATCH_DOCUMENTS)]
        runner = _runner(worker_count(settings, len(jobs), sum(job.size for job in jobs)), report)
        resources.callback(runner.close)
        # Workers start on the first batch while this process opens the store and index.
        pending = [runner.submit(_extract_job, job) for job in batches[0]] if batches else []
        store = data.open_primary()
        resources.callback(store.close)
        index = data.open_index()
        resources.callback(index.close)
        data.reconcile(manifest, store, index)
        for k, batch_jobs in enumerate(batches):
            batch = []
            for job, task in zip(batch_jobs, pending):
                result = _extracted(task, job)
                _add_seconds(report.seconds, result.seconds)
                _note_retry(result.outcome, task)
                slots[job.slot] = result.outcome
                if progress:
                    progress(job.path.name)
                if result.extraction is not None:
                    batch.append(result)
            groups, builds = [], []
            if batch:
                with _timed(report.seconds, "graph"):
                    context = _batch_context([r.extraction for r in batch], store, settings)
                # One job per worker, each building its documents and preparing their passages for
                # the index (whoosh: a segment), so the index's analysis runs in every worker.
                groups = _groups([r.extraction for r in batch], runner.width)
                builds = [runner.submit(_build_group_job, [batch[i].extraction for i in group], context,
                                        str(data.index_path), data.engine) for group in groups]
            # Queued behind this batch's builds, so workers build first, then read and extract the
            # next batch while this process writes this one.
            pending = [runner.submit(_extract_job, job) for job in batches[k + 1]] if k + 1 < len(batches) else []
            if batch:
                # Nothing commits to the index between here and the builds' segments (whoosh deletes
                # segment files no commit lists): the next batch's builds are submitted after this.
                _write_batch(batch, groups, builds, context, store, index, manifest, data, report)
                if batch_written:
                    batch_written(report)
        if not data.manifest_path.exists():
            manifest["snapshot"] = data.take_snapshot(store, manifest["generation"])
            data.write_manifest(manifest)
        elif report.written and _compact_due(report.written, len(manifest["documents"]), settings):
            short = _compaction_room(store)
            if short:
                report.notes.append(short)
                compacted = False
            else:
                with _timed(report.seconds, "compact"):
                    compacted = store.compact()
            if compacted:  # the servers read snapshots: a new one holds the compacted files
                data.publish(store, manifest)
                data.prune_snapshots(manifest["snapshot"])
        report.triples = store.triple_count()
        report.passages = index.count()
    report.outcomes.extend(o for o in slots if o is not None)
    report.seconds["wall"] = time.perf_counter() - started
    return report


def _compaction_room(store: Any) -> str | None:
    """Why the disk has no room to compact the store (None when it has): the compaction writes the
    store afresh while the snapshots still hold its old files, so it needs about the store's size
    free. Running out part way would fail the ingest after its documents were written."""
    if store.path is None:
        return None
    need = store.disk_bytes()
    free = shutil.disk_usage(store.path).free
    if free >= need:
        return None
    return (f"compaction skipped: it needs about {need / 1e9:.1f} GB free beside the store, the disk has "
            f"{free / 1e9:.1f} GB (the store works uncompacted; graph questions are slower until a later run compacts it)")


def _compact_due(written: int, documents: int, settings: dict[str, Any]) -> bool:
    """Whether a run that wrote ``written`` of the data dir's ``documents`` compacts the store
    (setting compact_after_ingest): a full compaction rewrites the whole store, so a run adding
    a few documents to a large archive leaves it to RocksDB's own background compactions."""
    share = float(settings.get("compact_after_ingest", 0.1))
    return written >= share * max(documents, 1)


def worker_count(settings: dict[str, Any], documents: int, total_bytes: int | None = None) -> int:
    """Worker processes for ``documents`` changed documents of ``total_bytes`` (file sizes): 1 means in
    this process, with no pool.

    ``ingest_workers`` 0 means one per CPU. Fewer than :data:`MIN_DOCUMENTS_FOR_WORKERS` documents, or
    documents under :data:`MIN_MEAN_BYTES_FOR_WORKERS` on average, never start a pool (it would cost
    more than it saves).
    """
    wanted = int(settings.get("ingest_workers") or 0)
    if wanted == 0:
        wanted = usable_cpus()
    if wanted <= 1 or documents < MIN_DOCUMENTS_FOR_WORKERS:
        return 1
    if total_bytes is not None and total_bytes < MIN_MEAN_BYTES_FOR_WORKERS * documents:
        return 1
    return min(wanted, documents)


# --- the work done per document (in a worker process or in this one) -------------------------------

@dataclass
class _Job:
    """A document to read and extract: everything a worker needs (it never sees the store or manifest)."""

    slot: int  # position among the discovered files, for the report's order
    path: Path
    known: bool  # the manifest lists an earlier version (status "replaced")
    max_text_bytes: int
    size: int = 0  # bytes summed, for choosing between workers and this process


@dataclass
class _Extracted:
    outcome: DocumentOutcome
    checksum: str | None
    extraction: Any  # graph.records.Extraction, or None when the document failed
    seconds: dict[str, float] = field(default_factory=dict)


@dataclass
class _Built:
    ntriples: str | None  # the document's graph; None when building failed
    triples: int = 0
    passages: list = field(default_factory=list)  # search.base.IndexedPassage; emptied once prepared
    error: str | None = None
    seconds: dict[str, float] = field(default_factory=dict)
    passage_count: int = 0


@dataclass
class _GroupBuilt:
    """A group of documents built in one job, and their passages prepared for the index."""

    built: list[_Built]  # one per document of the group, in its order
    prepared: Any = None  # search.prepare_passages of the built documents' passages
    index_error: str | None = None  # preparing failed: every document of the group fails with this
    seconds: dict[str, float] = field(default_factory=dict)


def _changed_documents(files: list[Path], slots: list[DocumentOutcome | None], manifest: dict[str, Any],
                       settings: dict[str, Any], report: IngestReport, progress: Callable[[str], None] | None,
                       force: bool) -> list[_Job]:
    """Sum every file here (cheap) and keep those the manifest does not already vouch for."""
    jobs = []
    with _timed(report.seconds, "read"):
        for slot, path in enumerate(files):
            known = manifest["documents"].get(path.name)
            try:
                checksum, size = _checksum_and_size(path)
            except OSError as exc:
                slots[slot] = DocumentOutcome(path.name, str(path), "failed", f"cannot read file ({exc.strerror or exc})")
            else:
                if known and known["checksum"] == checksum and not force:
                    slots[slot] = DocumentOutcome(path.name, str(path), "unchanged")
                else:
                    jobs.append(_Job(slot, path, bool(known), int(settings["max_text_bytes"]), size))
                    continue
            if progress:
                progress(path.name)
    return jobs


def _extract_job(job: _Job) -> _Extracted:
    """Read and extract one document; every failure becomes a failed outcome naming the reason."""
    from graph.extract import extract_document
    from graph.read import DocumentError, read_document

    path = job.path
    outcome = DocumentOutcome(path.name, str(path), "replaced" if job.known else "added")
    seconds: dict[str, float] = {}
    try:
        with _timed(seconds, "read"):
            _check_size(path, path.stat().st_size, job.max_text_bytes)
            doc = read_document(path)
            _check_size(path, len(doc.text), job.max_text_bytes)
            # The file may have changed since it was summed: the manifest vouches for what was parsed.
            checksum = doc.checksum
        with _timed(seconds, "extract"):
            extraction = extract_document(doc)
    except (DocumentError, DocumentTooLarge) as exc:
        outcome.status, outcome.reason = "failed", getattr(exc, "reason", None) or str(exc)
        return _Extracted(outcome, None, None, seconds)
    except OSError as exc:
        outcome.status, outcome.reason = "failed", f"cannot read file ({exc.strerror or exc})"
        return _Extracted(outcome, None, None, seconds)
    except Exception as exc:  # an extractor bug must not lose the rest of the run
        outcome.status, outcome.reason = "failed", f"could not extract ({type(exc).__name__}: {exc})"
        return _Extracted(outcome, None, None, seconds)
    outcome.counts = extraction.counts()
    outcome.warnings = [{"document": w.document, "page": w.page, "message": w.message, "text": w.text[:200]}
                        for w in extraction.warnings]
    return _Extracted(outcome, checksum, extraction, seconds)


def _build_job(extraction, context) -> _Built:
    """One document's graph as N-Triples, and its passages (needs the batch's context)."""
    import pyoxigraph

    from graph.build import document_ntriples
    from graph.passages import passages_for

    seconds: dict[str, float] = {}
    try:
        with _timed(seconds, "graph"):
            ntriples, triples = document_ntriples(extraction, context)
            # Parsed here as the store will parse it (strictly), so a bad IRI fails this document
            # now rather than the store write in the ingest process later.
            for _ in pyoxigraph.parse(ntriples, format=pyoxigraph.RdfFormat.N_TRIPLES):
                pass
        with _timed(seconds, "index"):
            passages = passages_for(extraction, context)
    except Exception as exc:  # a builder bug fails this document, not the run
        return _Built(None, error=f"could not build the graph ({type(exc).__name__}: {exc})", seconds=seconds)
    return _Built(ntriples, triples, passages, seconds=seconds)


def _build_group_job(extractions: list, context, index_path: str, engine: str) -> _GroupBuilt:
    """Build each document (`_build_job`), then prepare the built documents' passages for the index
    (`search.prepare_passages`: whoosh writes them as an uncommitted segment, in this process)."""
    from search import prepare_passages

    built = [_build_job(extraction, context) for extraction in extractions]
    passages = {x.document.name: b.passages for x, b in zip(extractions, built) if b.ntriples is not None}
    seconds: dict[str, float] = {}
    try:
        with _timed(seconds, "index"), _gc_paused():
            prepared = prepare_passages(Path(index_path), engine, passages)
    except Exception as exc:  # an engine error fails these documents, not the run
        return _GroupBuilt(built, index_error=f"could not index the passages ({type(exc).__name__}: {exc})",
                           seconds=seconds)
    for b in built:
        b.passage_count, b.passages = len(b.passages), []  # they travel inside `prepared`, once
    return _GroupBuilt(built, prepared, seconds=seconds)


def _groups(extractions: list, width: int) -> list[list[int]]:
    """Split a batch into at most `width` groups of about equal work (records extracted), keeping
    each group in batch order; returns indices into `extractions`."""
    width = max(1, min(width, len(extractions)))
    loads = [0] * width
    members: list[list[int]] = [[] for _ in range(width)]
    weight = [sum(x.counts().values()) + 1 for x in extractions]
    for i in sorted(range(len(extractions)), key=lambda i: -weight[i]):
        lightest = loads.index(min(loads))
        loads[lightest] += weight[i]
        members[lightest].append(i)
    return [sorted(group) for group in members if group]


def _batch_context(extractions: list, store, settings: dict[str, Any]):
    """What building needs from the whole batch and the store: councils inferred, people known, time."""
    from graph.build import BuildContext
    from graph.iris import Minter
    from graph.resolve import PeopleIndex, committees_mentioned, infer_councils

    # Only documents that name no council need the store's committees, and only those they name.
    wanted = set().union(*(committees_mentioned(x) for x in extractions if not x.document.council))
    infer_councils(extractions, _committee_councils(store, wanted) if wanted else {})
    return BuildContext(
        minter=Minter(settings["base_iri"]),
        people=PeopleIndex.from_extractions(extractions, store),
        ingested_at=datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
    )


def _extracted(task: "_Task", job: _Job) -> _Extracted:
    try:
        return task.result()
    except Exception as exc:  # e.g. a result that would not pickle: this document fails, not the run
        outcome = DocumentOutcome(job.path.name, str(job.path), "failed",
                                  f"could not extract ({type(exc).__name__}: {exc})")
        return _Extracted(outcome, None, None)


def _group_built(task: "_Task", size: int) -> _GroupBuilt:
    try:
        return task.result()
    except Exception as exc:  # e.g. a result that would not pickle: these documents fail, not the run
        error = f"could not build the graph ({type(exc).__name__}: {exc})"
        return _GroupBuilt([_Built(None, error=error) for _ in range(size)])


def _write_batch(batch: list[_Extracted], groups: list[list[int]], builds: list["_Task"], context, store, index,
                 manifest: dict[str, Any], data: DataDir, report: IngestReport) -> None:
    """The batch's graphs (``GraphStore.add_graphs``) and one index commit, then a snapshot and the manifest.

    The graphs are written by a thread while this one commits the index: pyoxigraph releases the
    GIL while it loads, so the store and the index are written at the same time. Both are done
    before the snapshot, and the manifest comes last.
    """
    from graph.build import document_graph_iri

    built: dict[int, _Built] = {}
    prepared, index_errors = [], {}
    for group, task in zip(groups, builds):
        result = _group_built(task, len(group))
        _add_seconds(report.seconds, result.seconds)
        if result.index_error is None and result.prepared is not None:
            prepared.append(result.prepared)
        for i, b in zip(group, result.built):
            built[i], index_errors[i] = b, result.index_error
            _note_retry(batch[i].outcome, task)
    passage_counts: dict[str, int] = {}
    graphs: list[tuple[Any, str]] = []
    for i, result in enumerate(batch):
        b = built[i]
        _add_seconds(report.seconds, b.seconds)
        outcome, extraction = result.outcome, result.extraction
        if b.ntriples is None or index_errors[i]:
            outcome.status, outcome.reason = "failed", b.error or index_errors[i]
            continue
        graph_iri = document_graph_iri(context, extraction.document.name)
        graphs.append((graph_iri, b.ntriples))
        outcome.triples = b.triples
        passage_counts[extraction.document.name] = b.passage_count
        outcome.passages = b.passage_count
        manifest["documents"][extraction.document.name] = {
            "checksum": result.checksum, "graph": str(graph_iri), "path": outcome.path, "triples": outcome.triples,
            "passages": outcome.passages, "council": extraction.document.council, "kind": extraction.document.kind,
            "ingested_at": context.ingested_at,
        }
        for kind, n in outcome.counts.items():
            report.entities[kind] = report.entities.get(kind, 0) + n
    if not passage_counts:
        return  # every document of the batch failed: nothing was written
    store_seconds: dict[str, float] = {}  # the writer thread's own: no two threads add to one dict

    def write_graphs() -> None:
        with _timed(store_seconds, "store"):
            store.add_graphs(graphs)

    writer = ThreadPoolExecutor(1, thread_name_prefix="graph-writer")
    try:
        written = writer.submit(write_graphs)
        with _timed(report.seconds, "index"), _gc_paused():
            index.commit_prepared(prepared, list(passage_counts))
        written.result()  # a store error stops the run here, before the manifest vouches for anything
    finally:
        writer.shutdown(wait=True, cancel_futures=True)
        _add_seconds(report.seconds, store_seconds)
    with _timed(report.seconds, "snapshot"):
        manifest["generation"] = int(manifest.get("generation", 0)) + 1
        manifest["snapshot"] = data.take_snapshot(store, manifest["generation"])
    data.write_manifest(manifest)
    report.written += len(passage_counts)
    data.prune_snapshots(manifest["snapshot"])


# --- running the work: in this process, or in a pool of worker processes ------------------------------

class _Task:
    """A job's result, when asked for."""

    retried = False  # True when a dead worker's job was redone in this process

    def result(self) -> Any:
        raise NotImplementedError


class _Deferred(_Task):
    """Runs the job in this process when its result is asked for (what ingest did before workers)."""

    def __init__(self, fn: Callable[..., Any], args: tuple, retried: bool = False) -> None:
        self.fn, self.args, self.retried = fn, args, retried

    def result(self) -> Any:
        return self.fn(*self.args)


class _InProcess:
    width = 1  # groups of work per batch

    def submit(self, fn: Callable[..., Any], *args: Any) -> _Task:
        return _Deferred(fn, args)

    def close(self) -> None:
        pass


class _Submitted(_Task):
    def __init__(self, pool: "_Workers", future: Future, fn: Callable[..., Any], args: tuple) -> None:
        self.pool, self.future, self.fn, self.args = pool, future, fn, args

    def result(self) -> Any:
        from concurrent.futures.process import BrokenProcessPool

        try:
            with _timed(self.pool.report.seconds, "wait"):
                return self.future.result()
        except BrokenProcessPool:
            # A worker died (killed, out of memory...): redo its jobs here rather than lose or hang the run.
            self.pool.broken = True
            self.retried = True
            return self.fn(*self.args)


class _Workers:
    """A pool of spawned worker processes (no fork: this process holds threads and a RocksDB handle)."""

    def __init__(self, workers: int, report: IngestReport) -> None:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        self.report = report
        self.broken = False
        self.width = workers
        self.executor = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                                            initializer=_worker_init)

    def submit(self, fn: Callable[..., Any], *args: Any) -> _Task:
        from concurrent.futures.process import BrokenProcessPool

        if not self.broken:
            try:
                return _Submitted(self, self.executor.submit(fn, *args), fn, args)
            except BrokenProcessPool:
                self.broken = True
        # The pool is gone: the rest of the run goes on in this process.
        return _Deferred(fn, args, retried=True)

    def close(self) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)


def _runner(workers: int, report: IngestReport) -> _InProcess | _Workers:
    return _Workers(workers, report) if workers > 1 else _InProcess()


def _worker_init() -> None:
    """In each worker: leave Ctrl-C to the ingest process, and exit if the ingest process dies."""
    import multiprocessing
    import signal
    import threading

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = multiprocessing.parent_process()
    if parent is not None:
        # A killed ingest (SIGKILL) cannot stop its pool; without this its workers would wait for work forever.
        threading.Thread(target=_exit_with, args=(parent,), daemon=True, name="exit-with-parent").start()


def _exit_with(parent) -> None:  # noqa: ANN001
    parent.join()
    os._exit(1)


WORKER_DIED = "a worker process died; this document was redone in the ingest process"


def _note_retry(outcome: DocumentOutcome, task: "_Task") -> None:
    """Say so in the document's warnings when a dead worker's job was redone here."""
    if task.retried and not any(w["message"] == WORKER_DIED for w in outcome.warnings):
        outcome.warnings.append({"document": outcome.name, "page": None, "message": WORKER_DIED, "text": ""})


def _add_seconds(into: dict[str, float], seconds: dict[str, float]) -> None:
    for phase, value in seconds.items():
        into[phase] = into.get(phase, 0.0) + value


class DocumentTooLarge(Exception):
    """The document is over the max_text_bytes limit."""


def _check_size(path: Path, size: int, limit: int) -> None:
    if path.suffix.lower() == ".pdf" and size == path.stat().st_size:
        return  # a PDF's file size says little about its text; its extracted text is checked instead
    if size > limit:
        raise DocumentTooLarge(
            f"document too large ({size / 1e6:.1f} MB of text; the limit is {limit / 1e6:.1f} MB, setting max_text_bytes)"
        )


def _committee_councils(store, keys: set[str]) -> dict[str, set[str]]:
    """Committee key -> councils, for the committees with these keys already in the store."""
    from graph.vocab import sparql_prefixes, sparql_values

    known: dict[str, set[str]] = {}
    for values in sparql_values("k", sorted(keys)):
        # A committee's labels all have its key (graph.build mints it from the key), so the key
        # is looked up directly; DISTINCT, as a committee named in many documents is stated in each.
        for key, council in store.select(sparql_prefixes() + f"""SELECT DISTINCT ?k ?label WHERE {{
                {values} ?c cg:nameKey ?k ; a cg:Committee ; org:subOrganizationOf ?co .
                ?co a cg:Council ; rdfs:label ?label }}"""):
            known.setdefault(key, set()).add(council)
    return known


@contextmanager
def _gc_paused() -> Iterator[None]:
    """No cyclic garbage collection in the block: whoosh's writer makes millions of objects (its
    posting pool), and the collector walking them again and again cost a third of writing a
    segment (200 scaled documents: 18.0 s CPU with, 13.9 s without)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextmanager
def _timed(into: dict[str, float], phase: str) -> Iterator[None]:
    """Adds the wall-clock seconds of the block to ``into[phase]``."""
    t0 = time.perf_counter()
    try:
        yield
    finally:
        into[phase] = into.get(phase, 0.0) + time.perf_counter() - t0
