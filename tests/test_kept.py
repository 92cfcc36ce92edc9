"""What the lists keep of a snapshot, saved beside it and read back (graph.kept)."""
import os
import pickle
import re
import shutil
import threading
from pathlib import Path

import numpy as np
import pytest

from councilgraph.data import DataDir
from councilgraph.settings import load_settings
from graph import kept
from graph.queries import WARMED_NAMES, inspections_page, meetings_page, people_page, warm_lists
from graph.store import GraphStore
from tests.conftest import app_over


@pytest.fixture()
def data_dir(corpus_data_dir, tmp_path) -> Path:
    """A copy of the corpus data dir without any kept file, for tests that write or spoil one."""
    target = tmp_path / "data"
    shutil.copytree(corpus_data_dir, target, ignore=shutil.ignore_patterns("*.kept", "*.kept.lock"))
    return target


def _snapshot(data_dir: Path) -> Path:
    return DataDir(load_settings({"data_dir": str(data_dir)})).graph_path()


def _open(snapshot: Path) -> GraphStore:
    return GraphStore.open(snapshot, read_only=True)


def _same(a, b) -> bool:
    """Kept values compared: numpy arrays by their items, InspectionRows by their slots."""
    if isinstance(a, np.ndarray):
        return isinstance(b, np.ndarray) and a.dtype == b.dtype and np.array_equal(a, b)
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if hasattr(a, "__slots__"):
        return type(a) is type(b) and all(_same(getattr(a, s), getattr(b, s)) for s in a.__slots__)
    return a == b


def _answers(store: GraphStore) -> list:
    """What the lists answer, filtered and not, over ``store``."""
    total, rows = inspections_page(store)
    inspector = next(r["inspector"]["name"] for r in rows if r.get("inspector"))
    return [inspections_page(store), inspections_page(store, inspector=inspector),
            inspections_page(store, hmi=True), inspections_page(store, grade=rows[0]["grade"]),
            meetings_page(store), people_page(store), people_page(store, role="councillor")]


def test_the_first_process_saves_the_kept_lists_and_the_next_reads_them_back(data_dir):
    snapshot = _snapshot(data_dir)
    first = _open(snapshot)
    assert kept.warm_from_file(first, snapshot, warm_lists) == "saved"
    assert kept.kept_path(snapshot).is_file()
    second = _open(snapshot)
    assert kept.warm_from_file(second, snapshot, lambda _: pytest.fail("worked out again: the file was not read")) == "read"
    assert second.kept_values().keys() == first.kept_values().keys() >= {"order of cg:Inspection", "facts of every cg:Inspection"}
    assert _same(first.kept_values(), second.kept_values())
    assert _answers(second) == _answers(first)
    # The same answers as a store that keeps nothing (asked of the store each time).
    writable_copy = data_dir.parent / "writable"
    shutil.copytree(snapshot, writable_copy)
    assert _answers(GraphStore.open(writable_copy)) == _answers(second)


def _spoil(path: Path, body) -> None:
    with open(path, "wb") as fh:
        pickle.dump({"format": kept.KEPT_FORMAT, "code": kept.code_digest(), "snapshot": path.name[:-len(kept.SUFFIX)]}, fh)
        pickle.dump(body, fh)


class _RunsCode:
    """Unpickled, it would create the file ``marker``: what a hostile kept file would do."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


def test_a_kept_file_that_would_run_code_is_refused_and_replaced(data_dir, tmp_path):
    snapshot = _snapshot(data_dir)
    marker = tmp_path / "ran"
    _spoil(kept.kept_path(snapshot), {"order of cg:Inspection": _RunsCode(marker)})
    with pytest.raises(kept.KeptFileError, match="pathlib"):
        kept.load(kept.kept_path(snapshot), snapshot=snapshot.name)
    assert not marker.exists()
    store = _open(snapshot)
    assert kept.warm_from_file(store, snapshot, warm_lists) == "saved"
    assert not marker.exists()
    assert kept.load(kept.kept_path(snapshot), snapshot=snapshot.name).keys() == store.kept_values().keys()


@pytest.mark.parametrize("spoil", ["truncated", "other code", "other snapshot", "not a table", "empty"])
def test_a_kept_file_not_of_this_code_and_snapshot_is_worked_out_again(data_dir, spoil):
    snapshot = _snapshot(data_dir)
    path = kept.kept_path(snapshot)
    assert kept.warm_from_file(_open(snapshot), snapshot, warm_lists) == "saved"
    whole = path.read_bytes()
    if spoil == "truncated":
        path.write_bytes(whole[:len(whole) // 2])
    elif spoil == "empty":
        path.write_bytes(b"")
    elif spoil == "not a table":
        _spoil(path, ["order of cg:Inspection"])
    else:
        header = {"format": kept.KEPT_FORMAT, "code": kept.code_digest(), "snapshot": snapshot.name}
        header["code" if spoil == "other code" else "snapshot"] = "something else"
        with open(path, "wb") as fh:
            pickle.dump(header, fh)
            pickle.dump({"order of cg:Inspection": ([], [])}, fh)
    with pytest.raises(kept.KeptFileError):
        kept.load(path, snapshot=snapshot.name)
    computed = []
    store = _open(snapshot)
    assert kept.warm_from_file(store, snapshot, lambda s: (computed.append(1), warm_lists(s))) == "saved"
    assert computed and store.kept("order of cg:Inspection")[1]
    assert kept.load(path, snapshot=snapshot.name).keys() == store.kept_values().keys()


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes anywhere")
def test_a_data_dir_the_server_may_not_write_keeps_the_lists_in_memory(data_dir):
    snapshot = _snapshot(data_dir)
    snapshot.parent.chmod(0o555)
    try:
        store = _open(snapshot)
        assert kept.warm_from_file(store, snapshot, warm_lists) == "computed"
        assert store.kept("order of cg:Inspection")[1] and not kept.kept_path(snapshot).exists()
    finally:
        snapshot.parent.chmod(0o755)


def test_a_kept_file_that_cannot_be_locked_keeps_the_lists_in_memory(data_dir):
    snapshot = _snapshot(data_dir)
    lock = kept.kept_path(snapshot).with_name(kept.kept_path(snapshot).name + ".lock")
    lock.mkdir()  # what cannot be opened as a file, even by root
    store = _open(snapshot)
    assert kept.warm_from_file(store, snapshot, warm_lists) == "computed"
    assert store.kept("order of cg:Inspection")[1] and not kept.kept_path(snapshot).exists()


def test_a_store_that_keeps_nothing_takes_nothing_from_a_file(data_dir):
    store = GraphStore.memory()
    store.keep_all({"order of cg:Inspection": ([], [])})
    assert store.kept_values() == {}


def test_kept_files_go_with_their_snapshots(data_dir):
    data = DataDir(load_settings({"data_dir": str(data_dir)}))
    snapshot = _snapshot(data_dir)
    assert kept.warm_from_file(_open(snapshot), snapshot, warm_lists) == "saved"
    # A snapshot taken again under its name drops what was kept of the old one.
    store = data.open_primary()
    try:
        name = data.take_snapshot(store, int(snapshot.name))
    finally:
        store.close()
    assert data.root / name == snapshot and not kept.kept_path(snapshot).exists()
    # Pruned snapshots take their kept files (and lock files) with them.
    folder = snapshot.parent
    gone_names = [f"{n:06d}" for n in range(int(snapshot.name) + 1, int(snapshot.name) + 3)]
    for gone in gone_names:
        (folder / (gone + kept.SUFFIX)).write_bytes(b"old")
        (folder / (gone + kept.SUFFIX + ".lock")).write_bytes(b"")
    kept.kept_path(snapshot).write_bytes(b"current")
    data.prune_snapshots(keep=None)
    assert not any(gone in p.name for p in folder.iterdir() for gone in gone_names)
    assert kept.kept_path(snapshot).read_bytes() == b"current"


def _warmed(app):
    """The app's resources, opened and warm."""
    with app.app_context():
        resources = app.extensions["councilgraph"]
        resources.current()
    resources.warming.join(timeout=60)
    assert not resources.warming.is_alive()
    return resources


def test_the_server_saves_the_kept_lists_and_a_second_server_reads_them(data_dir):
    snapshot = _snapshot(data_dir)
    for expected_before in (False, True):
        assert kept.kept_path(snapshot).exists() == expected_before
        with app_over(data_dir) as app:
            client = app.test_client()
            resources = _warmed(app)
            assert client.get("/healthz").get_json()["ready"] is True
            body = client.get("/api/inspections?size=3").get_json()
            assert body["total"] > 0 and len(body["results"]) == 3
        assert kept.kept_path(snapshot).is_file()


def test_the_server_can_be_told_not_to_save_them(data_dir):
    snapshot = _snapshot(data_dir)
    with app_over(data_dir, save_kept_lists=False) as app:
        _warmed(app)
        assert app.test_client().get("/api/inspections?size=1").get_json()["total"] > 0
    assert not kept.kept_path(snapshot).exists()


def test_warmed_names_are_what_warm_lists_keeps(data_dir):
    store = _open(_snapshot(data_dir))
    warm_lists(store)
    assert set(store.kept_values()) == set(WARMED_NAMES)


def test_a_child_process_works_the_lists_out_and_this_one_reads_them(data_dir):
    snapshot = _snapshot(data_dir)
    store = _open(snapshot)
    here = lambda _: pytest.fail("worked out in this process")  # noqa: E731
    how = kept.warm_from_file(store, snapshot, here, in_child=True, names=WARMED_NAMES)
    assert re.fullmatch(r"saved by a child, its peak RSS [1-9]\d* MB", how), how
    computed = _open(snapshot)
    warm_lists(computed)
    assert _same(store.kept_values(), computed.kept_values())
    assert _answers(store) == _answers(computed)


def test_a_child_that_cannot_save_leaves_the_work_to_this_process(data_dir):
    snapshot = _snapshot(data_dir)
    kept.kept_path(snapshot).mkdir()  # neither the child nor this process can write the file
    store = _open(snapshot)
    assert kept.warm_from_file(store, snapshot, warm_lists, in_child=True, names=WARMED_NAMES) == "computed"
    assert store.kept("order of cg:Inspection")[1]


def test_requests_wait_for_values_worked_out_elsewhere_and_never_deadlock(data_dir):
    store = _open(_snapshot(data_dir))
    got, computed = [], []
    with store.deriving_elsewhere(["order of cg:Meeting"]):
        asking = threading.Thread(target=lambda: got.append(store.derived("order of cg:Meeting", lambda: computed.append(1))))
        asking.start()
        asking.join(0.3)
        assert asking.is_alive() and not got  # waiting for the other process's answer
        store.keep_all({"order of cg:Meeting": (["2024-01-01"], ["x"])})
    asking.join(5)
    assert got == [(["2024-01-01"], ["x"])] and not computed
    # A value some request is working out already is left to it: holding it returns at once.
    started, release = threading.Event(), threading.Event()
    working = threading.Thread(target=lambda: store.derived("people by name", lambda: (started.set(), release.wait(5))))
    working.start()
    assert started.wait(5)
    with store.deriving_elsewhere(["people by name", "roles of foaf:Person"]):
        pass
    release.set()
    working.join(5)
    assert not working.is_alive()
