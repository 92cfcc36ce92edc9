"""Hostile and broken documents: each gets a clear message naming the file, nothing built before is lost."""
from __future__ import annotations

import os
import random
import shutil
from pathlib import Path

import pytest

from councilgraph.data import DataDir
from councilgraph.pipeline import ingest_paths
from councilgraph.settings import load_settings
from search import SearchQuery

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"

SMALL_MINUTES = """PLANNING COMMITTEE

MEETING HELD AT THE CIVIC CENTRE, EXAMPLETON ON WEDNESDAY 6TH MARCH, 2024

PRESENT: Councillor Rowe (in the Chair)

1. {title}

RESOLVED: That the {topic} report be noted.
"""


@pytest.fixture(scope="module")
def baseline(tmp_path_factory):
    """A data dir with the sample corpus, and what a user sees in it before any hostile input."""
    tmp = tmp_path_factory.mktemp("hostile")
    settings = load_settings({"data_dir": str(tmp / "data")}, environ={})
    report = ingest_paths([CORPUS], settings)
    assert not report.failed
    return settings, snapshot_of(settings)


def snapshot_of(settings) -> dict:
    from graph.queries import find_inspections

    data = DataDir(settings)
    store, index = data.open_graph(), data.open_index()
    try:
        return {
            "triples": store.triple_count(),
            "fasd": [h.key for h in index.search(SearchQuery(q="FASD training")).hits],
            "inspections": sorted(i["id"] for i in find_inspections(store)),
            "documents": sorted(data.manifest()["documents"]),
        }
    finally:
        store.close()
        index.close()


def search(settings, q: str):
    """A search result from the data dir's index (opened and closed around the query)."""
    index = DataDir(settings).open_index()
    try:
        return index.search(SearchQuery(q=q))
    finally:
        index.close()


def hostile_files(folder: Path) -> dict[str, str]:
    """Write the hostile inputs; returns file name -> a word its failure reason must contain."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "blank.md").write_text("   \n\n\t \n")
    rng = random.Random(7)
    (folder / "random.pdf").write_bytes(bytes(rng.randrange(256) for _ in range(20_000)))
    (folder / "truncated.pdf").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Ty")
    (folder / "huge.txt").write_bytes(b"council " * (50_000_000 // 8))  # 50 MB
    return {"empty.txt": "empty", "blank.md": "empty", "random.pdf": "PDF", "truncated.pdf": "PDF", "huge.txt": "large"}


def test_broken_inputs_fail_clearly_and_lose_nothing(baseline, tmp_path):
    settings, before = baseline
    expected = hostile_files(tmp_path / "bad")
    report = ingest_paths([tmp_path / "bad"], settings)
    failed = {o.name: o.reason for o in report.failed}
    assert set(failed) == set(expected)
    for name, word in expected.items():
        assert word.lower() in failed[name].lower(), (name, failed[name])
        assert "Traceback" not in failed[name]
    assert snapshot_of(settings) == before


@pytest.mark.parametrize("encoding", ["latin-1", "utf-16", "utf-8-sig"])
def test_other_encodings_are_read(tmp_path, encoding):
    settings = load_settings({"data_dir": str(tmp_path / "data")}, environ={})
    doc = tmp_path / f"minutes-{encoding}.txt"
    doc.write_bytes(SMALL_MINUTES.format(title="CAFÉ LICENCE RENEWAL", topic="café licence").encode(encoding))
    report = ingest_paths([doc], settings)
    assert not report.failed, report.failed
    assert search(settings, "café").total >= 1


def test_nul_bytes_long_line_and_markup(tmp_path):
    settings = load_settings({"data_dir": str(tmp_path / "data")}, environ={})
    folder = tmp_path / "odd"
    folder.mkdir()
    (folder / "nul.txt").write_bytes(SMALL_MINUTES.format(title="STREET\x00LIGHTING", topic="street lighting").encode())
    (folder / "oneline.txt").write_text("Councillor Example said " + "word " * 1_000_000)
    (folder / "markup.txt").write_text(SMALL_MINUTES.format(
        title="<SCRIPT>ALERT(1)</SCRIPT> ALLOTMENTS", topic="<img src=x onerror=alert(1)> allotments"))
    report = ingest_paths([folder], settings)
    assert not report.failed, [(o.name, o.reason) for o in report.failed]
    hits = search(settings, "allotments").hits
    assert hits
    for hit in hits:
        assert "<script" not in hit.snippet.lower() and "<img" not in hit.snippet.lower()
    assert search(settings, "lighting").total >= 1


def test_many_small_files(tmp_path):
    settings = load_settings({"data_dir": str(tmp_path / "data")}, environ={})
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(2000):
        (folder / f"minutes-{i:04d}.txt").write_text(SMALL_MINUTES.format(title=f"ITEM NUMBER {i}", topic=f"topic{i}"))
    report = ingest_paths([folder], settings)
    assert report.by_status() == {"added": 2000}
    assert len(DataDir(settings).manifest()["documents"]) == 2000
    assert search(settings, "topic1999").total == 1


def test_file_removed_or_changed_mid_ingest(tmp_path):
    settings = load_settings({"data_dir": str(tmp_path / "data")}, environ={})
    folder = tmp_path / "moving"
    folder.mkdir()
    for name in ("a.txt", "b.txt", "c.txt"):
        (folder / name).write_text(SMALL_MINUTES.format(title=f"ITEM {name}", topic=f"topic {name}"))

    def meddle(name: str) -> None:
        if name == "a.txt":  # while a.txt is processed, b.txt disappears and c.txt changes
            os.remove(folder / "b.txt")
            (folder / "c.txt").write_text(SMALL_MINUTES.format(title="REWRITTEN", topic="bandstand"))

    report = ingest_paths([folder], settings, progress=meddle)
    status = {o.name: (o.status, o.reason) for o in report.outcomes}
    assert status["a.txt"][0] == "added" and status["c.txt"][0] == "added"
    assert status["b.txt"][0] == "failed" and status["b.txt"][1]
    assert set(DataDir(settings).manifest()["documents"]) == {"a.txt", "c.txt"}
    assert search(settings, "bandstand").total >= 1
