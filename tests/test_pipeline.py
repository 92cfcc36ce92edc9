"""Ingest end to end through the real store and index: idempotence, replacement, bad files, manifest."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from councilgraph.data import DataDir
from councilgraph.pipeline import ingest_paths
from councilgraph.settings import load_settings
from graph.store import GraphStore
from search import SearchQuery

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"

MINUTES = """OVERVIEW AND SCRUTINY COMMITTEE (ADULT SOCIAL CARE)

MEETING HELD AT THE TOWN HALL, EXAMPLETON ON TUESDAY 5TH MARCH, 2024

PRESENT: Councillor Aldridge (in the Chair)

Councillors Bexley, Carrow and Denholm

1. APOLOGIES FOR ABSENCE

Apologies for absence were received from Councillor Easton.

2. {title}

The Committee considered a report on {topic}.

RESOLVED: That

(1) the report on {topic} be noted; and
(2) a further report on {topic} be submitted to the next meeting.
"""


def settings_for(tmp_path: Path, **extra) -> dict:
    return load_settings({"data_dir": str(tmp_path / "data"), **extra}, environ={})


def graph_iso(settings: dict):
    store = DataDir(settings).open_graph()
    try:
        g = Graph()
        g.parse(data=store.serialize("nt"), format="nt")
        return g, store.triple_count()
    finally:
        store.close()


def search_total(settings: dict, q: str) -> int:
    index = DataDir(settings).open_index()
    try:
        return index.search(SearchQuery(q=q)).total
    finally:
        index.close()


@pytest.fixture()
def corpus_copy(tmp_path: Path) -> Path:
    target = tmp_path / "corpus"
    target.mkdir()
    for path in CORPUS.glob("*.txt"):
        shutil.copy(path, target / path.name)
    return target


def test_ingest_corpus_then_reingest_changes_nothing(tmp_path, corpus_copy):
    settings = settings_for(tmp_path)
    first = ingest_paths([corpus_copy], settings)
    assert not first.failed, [(o.name, o.reason) for o in first.failed]
    assert first.by_status() == {"added": 2}
    assert first.triples > 0 and first.passages > 0
    manifest = DataDir(settings).manifest()
    assert set(manifest["documents"]) == {p.name for p in corpus_copy.glob("*.txt")}
    before, count_before = graph_iso(settings)

    second = ingest_paths([corpus_copy], settings)
    assert second.by_status() == {"unchanged": 2}
    after, count_after = graph_iso(settings)
    assert count_after == count_before
    assert isomorphic(before, after)
    assert second.passages == first.passages


def test_batch_written_reports_each_durable_batch(tmp_path, corpus_copy, monkeypatch):
    import councilgraph.pipeline as pipeline

    monkeypatch.setattr(pipeline, "BATCH_DOCUMENTS", 1)
    settings = settings_for(tmp_path)
    seen: list[tuple[int, int]] = []

    def batch_written(report) -> None:
        # The manifest on disk already vouches for every document the report counts as written.
        seen.append((report.written, len(DataDir(settings).manifest()["documents"])))

    report = ingest_paths([corpus_copy], settings, batch_written=batch_written)
    assert seen == [(1, 1), (2, 2)] and report.written == 2
    seen.clear()
    again = ingest_paths([corpus_copy], settings, batch_written=batch_written)
    assert seen == [] and again.written == 0 and again.by_status() == {"unchanged": 2}


def test_changed_file_replaces_everything_from_it(tmp_path):
    settings = settings_for(tmp_path)
    doc = tmp_path / "minutes.txt"
    doc.write_text(MINUTES.format(title="HOME CARE COMMISSIONING", topic="home care commissioning"), encoding="utf-8")
    ingest_paths([doc], settings)
    assert search_total(settings, "commissioning") >= 1

    doc.write_text(MINUTES.format(title="LIBRARY OPENING HOURS", topic="library opening hours"), encoding="utf-8")
    report = ingest_paths([doc], settings)
    assert report.by_status() == {"replaced": 1}
    assert search_total(settings, "commissioning") == 0
    assert search_total(settings, "library") >= 1
    store = DataDir(settings).open_graph()
    try:
        old = store.query('ASK { ?s ?p ?o . FILTER(CONTAINS(LCASE(STR(?o)), "commissioning")) }')
        assert not old.askAnswer
        new = store.query('ASK { ?s ?p ?o . FILTER(CONTAINS(LCASE(STR(?o)), "library opening hours")) }')
        assert new.askAnswer
    finally:
        store.close()


def test_readers_share_one_parsed_manifest_until_a_run_changes_it(tmp_path):
    settings = settings_for(tmp_path)
    doc = tmp_path / "minutes.txt"
    doc.write_text(MINUTES.format(title="HOME CARE COMMISSIONING", topic="home care commissioning"), encoding="utf-8")
    ingest_paths([doc], settings)
    first = DataDir(settings).current_manifest()
    assert DataDir(settings).current_manifest() is first and set(first["documents"]) == {"minutes.txt"}
    other = tmp_path / "other.txt"
    other.write_text(MINUTES.format(title="LIBRARY OPENING HOURS", topic="library opening hours"), encoding="utf-8")
    ingest_paths([other], settings)
    assert set(DataDir(settings).current_manifest()["documents"]) == {"minutes.txt", "other.txt"}
    assert DataDir(settings).current_manifest() == DataDir(settings).manifest()


def test_readers_keep_the_documents_compactly_and_give_back_the_same_entries():
    from councilgraph.data import CompactDocuments, ReaderManifest

    documents = {f"{prefix}-{i:04d}.txt": {"checksum": f"{i:064x}", "passages": i % 7, "triples": 3 * i,
                                             "graph": f"http://example.org/id/document/{prefix}-{i}", "council": None}
                 for prefix in ("b", "a", "Ωmega", "a-b") for i in range(150)}
    documents["quote\"and\\slash.txt"] = {"passages": 1, "triples": 2}
    compact = CompactDocuments(documents)
    assert len(compact) == len(documents) and list(compact) == sorted(documents)
    assert dict(compact.items()) == documents and compact == documents
    for name in documents:
        assert compact[name] == documents[name] and name in compact
    for missing in ("", "a", "a-0000.txt ", "zzz", "b-0150.txt"):
        assert missing not in compact and compact.get(missing) is None
    manifest = ReaderManifest({"version": 1, "generation": 4, "snapshot": "snapshots/000004", "documents": documents})
    assert manifest["snapshot"] == "snapshots/000004" and manifest["documents"] == documents
    assert manifest.totals == {"documents": 601, "triples": sum(d["triples"] for d in documents.values()),
                               "passages": sum(d["passages"] for d in documents.values())}


def test_bad_files_are_reported_and_skipped_the_rest_goes_in(tmp_path):
    settings = settings_for(tmp_path)
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "empty.txt").write_text("")
    (folder / "random.pdf").write_bytes(bytes(range(256)) * 40)
    (folder / "good.txt").write_text(MINUTES.format(title="PARKING CHARGES", topic="parking charges"))
    report = ingest_paths([folder, tmp_path / "missing.txt"], settings)
    failed = {o.name: o.reason for o in report.failed}
    assert set(failed) == {"empty.txt", "random.pdf", "missing.txt"}
    assert all(reason for reason in failed.values())
    assert "empty" in failed["empty.txt"]
    assert "PDF" in failed["random.pdf"]
    assert [o.name for o in report.outcomes if o.status == "added"] == ["good.txt"]
    assert set(DataDir(settings).manifest()["documents"]) == {"good.txt"}


def test_bad_file_leaves_existing_graph_and_index_whole(tmp_path, corpus_copy):
    settings = settings_for(tmp_path)
    ingest_paths([corpus_copy], settings)
    _, triples = graph_iso(settings)
    hits = search_total(settings, "FASD training")
    manifest = json.loads((tmp_path / "data" / "manifest.json").read_text())

    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog")
    report = ingest_paths([bad], settings)
    assert [o.name for o in report.failed] == ["broken.pdf"]
    assert graph_iso(settings)[1] == triples
    assert search_total(settings, "FASD training") == hits
    assert json.loads((tmp_path / "data" / "manifest.json").read_text())["documents"] == manifest["documents"]


def test_graph_and_index_agree_with_manifest(tmp_path, corpus_copy):
    settings = settings_for(tmp_path)
    ingest_paths([corpus_copy], settings)
    data = DataDir(settings)
    manifest = data.manifest()
    index = data.open_index()
    store = data.open_graph()
    try:
        assert set(index.documents()) == set(manifest["documents"])
        assert store.graph_names() >= {d["graph"] for d in manifest["documents"].values()}
    finally:
        index.close()
        store.close()


def test_people_resolve_against_the_store_across_runs(tmp_path, corpus_copy):
    """Ingesting the documents one run at a time names the same people as ingesting them together."""
    def people(settings) -> set[str]:
        store = DataDir(settings).open_graph()
        try:
            return {str(r[0]) for r in store.query("PREFIX foaf: <http://xmlns.com/foaf/0.1/> "
                                                   "SELECT DISTINCT ?p WHERE { ?p a foaf:Person }")}
        finally:
            store.close()

    together = settings_for(tmp_path / "together")
    ingest_paths([corpus_copy], together)
    one_by_one = settings_for(tmp_path / "one-by-one")
    for path in sorted(corpus_copy.glob("*.txt")):
        ingest_paths([path], one_by_one)
    assert people(one_by_one) == people(together)


def test_compaction_after_a_run_keeps_the_graph_and_serves_a_new_snapshot(tmp_path, corpus_copy):
    compacted = settings_for(tmp_path / "a", compact_after_ingest=0)
    plain = settings_for(tmp_path / "b", compact_after_ingest=2)  # above 1: never
    report = ingest_paths([corpus_copy], compacted)
    assert "compact" in report.seconds and "compact" not in ingest_paths([corpus_copy], plain).seconds
    manifest = DataDir(compacted).manifest()
    # one generation per batch, then one for the compacted store; the snapshot served is that one
    assert manifest["generation"] == DataDir(plain).manifest()["generation"] + 1
    assert manifest["snapshot"].endswith(f"{manifest['generation']:06d}")
    (a, count_a), (_, count_b) = graph_iso(compacted), graph_iso(plain)
    assert count_a == count_b == report.triples
    # The same run's snapshot from before the compaction: another run's graph differs from this
    # one in its documents' prov:generatedAtTime whenever the two runs straddle a second.
    before = GraphStore.open(Path(compacted["data_dir"]) / "snapshots" / f"{manifest['generation'] - 1:06d}", read_only=True)
    try:
        assert isomorphic(a, Graph().parse(data=before.serialize("nt"), format="nt"))
    finally:
        before.close()
    assert search_total(compacted, "FASD") == search_total(plain, "FASD") > 0


def test_no_room_on_the_disk_to_compact_skips_the_compaction_and_says_so(tmp_path, corpus_copy, monkeypatch):
    import councilgraph.pipeline

    real = shutil.disk_usage
    # The disk as the store would find it nearly full (the files are real; only the free space is not).
    monkeypatch.setattr(councilgraph.pipeline.shutil, "disk_usage", lambda path: real(path)._replace(free=10_000))
    settings = settings_for(tmp_path, compact_after_ingest=0)
    report = ingest_paths([corpus_copy], settings)
    assert "compact" not in report.seconds and not report.failed
    (note,) = report.notes
    assert note.startswith("compaction skipped") and "GB free" in note and report.as_dict()["notes"] == [note]
    assert search_total(settings, "FASD") > 0 and graph_iso(settings)[1] == report.triples


def test_a_run_adding_a_small_share_of_the_archive_does_not_compact(tmp_path, corpus_copy):
    settings = settings_for(tmp_path, compact_after_ingest=0.5)
    assert "compact" in ingest_paths([corpus_copy], settings).seconds  # 2 of 2 documents
    extra = tmp_path / "more"
    extra.mkdir()
    (extra / "minutes.txt").write_text(MINUTES.format(title="SCHOOL MEALS", topic="school meals"), encoding="utf-8")
    generation = DataDir(settings).manifest()["generation"]
    report = ingest_paths([extra], settings)  # 1 of 3 documents: under half
    assert report.written == 1 and "compact" not in report.seconds
    assert DataDir(settings).manifest()["generation"] == generation + 1
