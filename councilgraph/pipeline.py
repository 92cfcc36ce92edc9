"""Ingest: files → records → one named graph and a set of passages per document → manifest.

Per document the graph is replaced in one transaction; the index is written by one
writer with one commit per run; the manifest (written last) says which documents are
in. A run killed at any moment leaves the previous snapshot, index commit and manifest
in place, and the next run redoes whatever the manifest does not vouch for.
"""
from __future__ import annotations

import hashlib
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from councilgraph.data import DataDir

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
    seconds: dict[str, float] = field(default_factory=dict)  # read, extract, graph, index
    triples: int = 0  # in the store after the run
    passages: int = 0  # in the index after the run
    entities: dict[str, int] = field(default_factory=dict)  # records by kind, over this run's documents

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
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


BATCH_DOCUMENTS = 200  # documents written per graph snapshot, index commit and manifest


def ingest_paths(
    paths: Iterable[str | Path],
    settings: dict[str, Any],
    *,
    progress: Callable[[str], None] | None = None,
    force: bool = False,
) -> IngestReport:
    """Ingest files and folders into the data directory named by ``settings``; never raises for a bad document.

    Documents go in by batches of :data:`BATCH_DOCUMENTS`: each batch ends with one index commit, a
    snapshot and the manifest, so memory stays bounded by a batch and a long run keeps its progress.
    """
    data = DataDir(settings)
    report = IngestReport()
    files, problems = discover(paths)
    report.outcomes.extend(problems)

    with data.writer_lock(wait=True):
        manifest = data.manifest()
        store = data.open_primary()
        index = data.open_index()
        try:
            data.reconcile(manifest, store, index)
            for first in range(0, len(files), BATCH_DOCUMENTS):
                batch = []
                for path in files[first:first + BATCH_DOCUMENTS]:
                    if progress:
                        progress(path.name)
                    outcome, checksum, extraction = _read_and_extract(path, manifest, settings, report, force)
                    report.outcomes.append(outcome)
                    if extraction is not None:
                        batch.append((outcome, checksum, extraction))
                if batch:
                    _write_batch(batch, store, index, manifest, data, settings, report)
            if not data.manifest_path.exists():
                manifest["snapshot"] = data.take_snapshot(store, manifest["generation"])
                data.write_manifest(manifest)
            report.triples = store.triple_count()
            report.passages = index.count()
        finally:
            index.close()
            store.close()
    return report


def _read_and_extract(path: Path, manifest: dict[str, Any], settings: dict[str, Any], report: IngestReport,
                      force: bool):
    """One file to (outcome, checksum, extraction); extraction is None when unchanged or failed."""
    from graph.extract import extract_document
    from graph.read import DocumentError, read_document

    outcome = DocumentOutcome(path.name, str(path), "added")
    limit = int(settings["max_text_bytes"])
    try:
        with _timed(report.seconds, "read"):
            checksum = file_checksum(path)
            known = manifest["documents"].get(path.name)
            if known and known["checksum"] == checksum and not force:
                outcome.status = "unchanged"
                return outcome, checksum, None
            _check_size(path, path.stat().st_size, limit)
            doc = read_document(path)
            _check_size(path, len(doc.text), limit)
            # The file may have changed since it was summed: the manifest vouches for what was parsed.
            checksum = doc.checksum
        with _timed(report.seconds, "extract"):
            extraction = extract_document(doc)
    except (DocumentError, DocumentTooLarge) as exc:
        outcome.status, outcome.reason = "failed", getattr(exc, "reason", None) or str(exc)
        return outcome, None, None
    except OSError as exc:
        outcome.status, outcome.reason = "failed", f"cannot read file ({exc.strerror or exc})"
        return outcome, None, None
    except Exception as exc:  # an extractor bug must not lose the rest of the run
        outcome.status, outcome.reason = "failed", f"could not extract ({type(exc).__name__}: {exc})"
        return outcome, None, None
    if known:
        outcome.status = "replaced"
    outcome.counts = extraction.counts()
    outcome.warnings = [{"document": w.document, "page": w.page, "message": w.message, "text": w.text[:200]}
                        for w in extraction.warnings]
    return outcome, checksum, extraction


def _write_batch(batch: list, store, index, manifest: dict[str, Any], data: DataDir, settings: dict[str, Any],
                 report: IngestReport) -> None:
    """Graphs (one transaction per document), then one index commit, a snapshot and the manifest, in that order."""
    from graph.build import BuildContext, build_document_graph, document_graph_iri
    from graph.iris import Minter
    from graph.passages import passages_for
    from graph.resolve import PeopleIndex, infer_councils

    extractions = [e for _, _, e in batch]
    infer_councils(extractions, _committee_councils(store))
    context = BuildContext(
        minter=Minter(settings["base_iri"]),
        people=PeopleIndex.from_extractions(extractions, store),
        ingested_at=datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
    )
    passages_by_doc = {}
    for outcome, checksum, extraction in batch:
        with _timed(report.seconds, "graph"):
            graph = build_document_graph(extraction, context)
            graph_iri = document_graph_iri(context, extraction.document.name)
            store.replace_graph(graph_iri, graph)
        outcome.triples = len(graph)
        with _timed(report.seconds, "index"):
            passages = passages_for(extraction, context)
        passages_by_doc[extraction.document.name] = passages
        outcome.passages = len(passages)
        manifest["documents"][extraction.document.name] = {
            "checksum": checksum, "graph": str(graph_iri), "path": outcome.path, "triples": outcome.triples,
            "passages": outcome.passages, "council": extraction.document.council, "kind": extraction.document.kind,
            "ingested_at": context.ingested_at,
        }
        for kind, n in outcome.counts.items():
            report.entities[kind] = report.entities.get(kind, 0) + n
    with _timed(report.seconds, "index"):
        index.replace_documents(passages_by_doc)
    with _timed(report.seconds, "graph"):
        manifest["generation"] = int(manifest.get("generation", 0)) + 1
        manifest["snapshot"] = data.take_snapshot(store, manifest["generation"])
    data.write_manifest(manifest)
    data.prune_snapshots(manifest["snapshot"])


class DocumentTooLarge(Exception):
    """The document is over the max_text_bytes limit."""


def _check_size(path: Path, size: int, limit: int) -> None:
    if path.suffix.lower() == ".pdf" and size == path.stat().st_size:
        return  # a PDF's file size says little about its text; its extracted text is checked instead
    if size > limit:
        raise DocumentTooLarge(
            f"document too large ({size / 1e6:.1f} MB of text; the limit is {limit / 1e6:.1f} MB, setting max_text_bytes)"
        )


def _committee_councils(store) -> dict[str, set[str]]:
    """Committee key -> councils, for the committees already in the store."""
    from graph.iris import committee_key
    from graph.vocab import sparql_prefixes

    def rows(body: str) -> list[tuple[str, str]]:
        return [(str(a), str(b)) for a, b in store.query(sparql_prefixes() + body)]

    # Three DISTINCT queries rather than one join: a committee named in many documents has its
    # labels and its council once per document graph, and joined those would multiply.
    council_of = rows("SELECT DISTINCT ?c ?co WHERE { ?c a cg:Committee ; org:subOrganizationOf ?co }")
    council_label = dict(rows("SELECT DISTINCT ?co ?label WHERE { ?co a cg:Council ; rdfs:label ?label }"))
    labels = rows("SELECT DISTINCT ?c ?label WHERE { ?c a cg:Committee ; rdfs:label|skos:altLabel ?label }")
    councils: dict[str, set[str]] = {}
    for committee, council in council_of:
        if council in council_label:
            councils.setdefault(committee, set()).add(council_label[council])
    known: dict[str, set[str]] = {}
    for committee, label in labels:
        known.setdefault(committee_key(label), set()).update(councils.get(committee, ()))
    return {k: v for k, v in known.items() if v}


@contextmanager
def _timed(into: dict[str, float], phase: str) -> Iterator[None]:
    """Adds the wall-clock seconds of the block to ``into[phase]``."""
    t0 = time.perf_counter()
    try:
        yield
    finally:
        into[phase] = into.get(phase, 0.0) + time.perf_counter() - t0
