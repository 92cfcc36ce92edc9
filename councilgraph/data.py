"""The data directory: graph store, read-only snapshots, search index and the manifest.

Layout::

    data/
      manifest.json        documents ingested + the current snapshot; replaced atomically, written last
      graph/               the Oxigraph store, written only by an ingest run (holds a RocksDB lock)
      snapshots/000007/    a checkpoint of graph/ taken at the end of a run; readers open the
                           one named in the manifest, read-only, so a server and an ingest can
                           run at the same time (Oxigraph forbids a reader beside a writer)
      snapshots/000007.kept  what the server's lists keep of that snapshot (graph.kept), saved
                           by the first server process to work it out
      index/               the whoosh (or tantivy) index
      ingest.lock          held by the running ingest (fcntl), so two ingests never interleave

A remote SPARQL endpoint (setting ``graph_endpoint``) replaces graph/ and snapshots/.
"""
from __future__ import annotations

import bisect
import fcntl
import json
import os
import shutil
import threading
import zlib
from collections.abc import Mapping
from contextlib import contextmanager
from json.decoder import scanstring
from pathlib import Path
from typing import Any, Iterator

from graph.kept import SUFFIX, kept_path

MANIFEST_VERSION = 1
# Parsed manifests shared by readers (DataDir.current_manifest): path -> (generation, manifest).
_CURRENT_MANIFESTS: dict[Path, tuple[str, "ReaderManifest"]] = {}
_MAX_CURRENT_MANIFESTS = 4
_CURRENT_MANIFESTS_LOCK = threading.Lock()
SNAPSHOTS_KEPT = 3


class DataDirError(Exception):
    """The data directory cannot be used (locked, unreadable manifest...); the message says why."""


def empty_manifest(engine: str) -> dict[str, Any]:
    return {"version": MANIFEST_VERSION, "generation": 0, "snapshot": None, "engine": engine, "documents": {}}


class CompactDocuments(Mapping):
    """A manifest's documents as readers hold them: name -> entry, read-only, in name order.

    Parsed, a manifest costs about 1 KB of Python objects per document (10 MB at 10,000
    documents, 100 MB at 100,000), and a server keeps one for as long as the data does not
    change. Here the entries are JSON again, in blocks of `BLOCK` documents each compressed
    with zlib (their names, paths and IRIs repeat each other): about 60 bytes per document.
    Looking one entry up decompresses one block (tens of microseconds)."""

    BLOCK = 128

    def __init__(self, documents: Mapping[str, Any]):
        names = sorted(documents)
        self._count = len(names)
        self._firsts: list[str] = []  # the first name of each block
        self._blocks: list[bytes] = []
        for at in range(0, len(names), self.BLOCK):
            chunk = names[at:at + self.BLOCK]
            self._firsts.append(chunk[0])
            text = "\n".join(json.dumps([name, documents[name]], separators=(",", ":"), sort_keys=True) for name in chunk)
            self._blocks.append(zlib.compress(text.encode("ascii")))

    def _block(self, i: int) -> list[tuple[str, Any]]:
        return [tuple(json.loads(line)) for line in zlib.decompress(self._blocks[i]).decode("ascii").split("\n")]

    def __getitem__(self, name: str) -> Any:
        i = bisect.bisect_right(self._firsts, name) - 1
        if i >= 0:
            text = zlib.decompress(self._blocks[i]).decode("ascii")
            for line in text.split("\n"):
                if scanstring(line, 2)[0] == name:  # a line is ["name",{...}]
                    return json.loads(line)[1]
        raise KeyError(name)

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[str]:
        for i in range(len(self._blocks)):
            for name, _ in self._block(i):
                yield name

    def items(self):  # one pass over the blocks, not a lookup per name
        return [pair for i in range(len(self._blocks)) for pair in self._block(i)]

    def values(self):
        return [entry for _, entry in self.items()]


class ReaderManifest(Mapping):
    """The manifest as readers see it (`DataDir.current_manifest`): its top-level values as
    they are, its documents as `CompactDocuments`, and the sums readers show (`totals`)."""

    def __init__(self, manifest: dict[str, Any]):
        documents = manifest.get("documents", {})
        self._top = {key: value for key, value in manifest.items() if key != "documents"}
        self._top["documents"] = CompactDocuments(documents)
        self.totals = {
            "documents": len(documents),
            "triples": sum(int(d.get("triples", 0)) for d in documents.values()),
            "passages": sum(int(d.get("passages", 0)) for d in documents.values()),
        }

    def __getitem__(self, key: str) -> Any:
        return self._top[key]

    def __len__(self) -> int:
        return len(self._top)

    def __iter__(self) -> Iterator[str]:
        return iter(self._top)


class DataDir:
    """Access to one data directory, for the pipeline (writer) and the server/CLI (readers)."""

    def __init__(self, settings: dict[str, Any]):
        self.settings = settings
        self.root = Path(settings["data_dir"]).expanduser().resolve()
        self.engine = settings["search_engine"]

    # -- paths ---------------------------------------------------------------
    @property
    def manifest_path(self) -> Path:
        return self.root / "manifest.json"

    @property
    def primary_path(self) -> Path:
        return self.root / "graph"

    @property
    def index_path(self) -> Path:
        return self.root / "index"

    @property
    def remote(self) -> bool:
        return bool(self.settings.get("graph_endpoint"))

    # -- manifest ------------------------------------------------------------
    def manifest(self) -> dict[str, Any]:
        """The current manifest (an empty one when nothing was ingested yet)."""
        try:
            text = self.manifest_path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return empty_manifest(self.engine)
        try:
            manifest = json.loads(text)
        except json.JSONDecodeError as exc:
            raise DataDirError(f"manifest.json in {self.root.name} is not valid JSON ({exc.msg})") from exc
        if manifest.get("version") != MANIFEST_VERSION:
            raise DataDirError(f"manifest.json has version {manifest.get('version')!r}; expected {MANIFEST_VERSION}")
        return manifest

    def current_manifest(self) -> ReaderManifest:
        """The manifest as readers see it, read once per generation and shared (read-only;
        writers take `manifest()`). At 10,000 documents it is 5 MB of JSON, and parsing it
        on every SPARQL request cost 23 ms of the 35. Its documents are kept compressed
        (`CompactDocuments`): parsed they held 10 MB at 10,000 documents."""
        stamp = self.generation()
        cached = _CURRENT_MANIFESTS.get(self.manifest_path)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        manifest = ReaderManifest(self.manifest())
        with _CURRENT_MANIFESTS_LOCK:  # server threads
            _CURRENT_MANIFESTS[self.manifest_path] = (stamp, manifest)
            while len(_CURRENT_MANIFESTS) > _MAX_CURRENT_MANIFESTS:
                _CURRENT_MANIFESTS.pop(next(iter(_CURRENT_MANIFESTS)))
        return manifest

    def write_manifest(self, manifest: dict[str, Any]) -> None:
        """Replace the manifest atomically (write, fsync, rename): readers see the old or the new one."""
        self.root.mkdir(parents=True, exist_ok=True)
        tmp = self.manifest_path.with_suffix(".json.tmp")
        with open(tmp, "w", encoding="utf-8") as fh:
            # Compact: json's C encoder runs only without indent. At 100,000 documents (30 MB) the
            # write, once per batch, took 0.95 s indented and 0.29 s like this.
            json.dump(manifest, fh, sort_keys=True, separators=(",", ":"))
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.manifest_path)
        dir_fd = os.open(self.root, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)

    def generation(self) -> str:
        """Changes whenever an ingest run finishes: readers reopen the store and index then."""
        try:
            stat = self.manifest_path.stat()
        except FileNotFoundError:
            return "empty"
        # The inode too: the manifest is replaced by rename, and two writes of one size can
        # share an mtime tick.
        return f"{stat.st_mtime_ns}-{stat.st_size}-{stat.st_ino}"

    # -- graph ---------------------------------------------------------------
    def graph_path(self) -> Path:
        """The read-only snapshot readers open; created (empty) on first use."""
        manifest = self.current_manifest()
        if manifest.get("snapshot"):
            path = self.root / manifest["snapshot"]
            if path.exists():
                return path
        with self.writer_lock():
            manifest = self.manifest()
            if manifest.get("snapshot") and (self.root / manifest["snapshot"]).exists():
                return self.root / manifest["snapshot"]
            # A killed run may have left graphs the manifest does not vouch for: readers must not see them.
            store, index = self.open_primary(), self.open_index()
            try:
                self.reconcile(manifest, store, index)
                name = self.take_snapshot(store, manifest["generation"])
            finally:
                index.close()
                store.close()
            manifest["snapshot"] = name
            self.write_manifest(manifest)
            return self.root / name

    def open_graph(self):
        """A read-only GraphStore for queries (the current snapshot, or the remote endpoint)."""
        from graph.store import GraphStore

        if self.remote:
            return self._remote_store(writable=False)
        return GraphStore.open(self.graph_path(), read_only=True)

    def _remote_store(self, *, writable: bool):
        from graph.store import GraphStore

        s = self.settings
        if not writable:
            return GraphStore.remote(s["graph_endpoint"])
        return GraphStore.remote(s["graph_endpoint"], s.get("graph_update_endpoint") or s["graph_endpoint"],
                                 graph_store_endpoint=s.get("graph_store_endpoint") or None)

    def open_primary(self):
        """The writable GraphStore; only an ingest run holding :meth:`writer_lock` opens it."""
        from graph.store import GraphStore

        if self.remote:
            return self._remote_store(writable=True)
        self.root.mkdir(parents=True, exist_ok=True)
        return GraphStore.open(self.primary_path, read_only=False)

    def take_snapshot(self, store, generation: int) -> str | None:
        """Checkpoint the primary store into snapshots/NNNNNN and drop old snapshots; returns its relative path."""
        if self.remote:
            return None
        name = f"snapshots/{generation:06d}"
        target = self.root / name
        kept_path(target).unlink(missing_ok=True)  # what the lists kept of the snapshot it replaces
        if target.exists():
            shutil.rmtree(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        store.backup(target)
        return name

    def publish(self, store, manifest: dict[str, Any]) -> None:
        """A new generation of ``manifest`` with a snapshot of ``store``, written: readers move to it."""
        manifest["generation"] = int(manifest.get("generation", 0)) + 1
        manifest["snapshot"] = self.take_snapshot(store, manifest["generation"])
        self.write_manifest(manifest)

    def prune_snapshots(self, keep: str | None) -> None:
        """Remove all but the newest SNAPSHOTS_KEPT snapshots (a server may still read a recent one)."""
        folder = self.root / "snapshots"
        if not folder.exists():
            return
        snapshots = sorted(p for p in folder.iterdir() if p.is_dir())
        for path in snapshots[:-SNAPSHOTS_KEPT]:
            if keep and path == self.root / keep:
                continue
            shutil.rmtree(path, ignore_errors=True)
        # Kept files (and their lock files) of snapshots gone, these or earlier ones.
        for path in folder.iterdir():
            if path.is_file() and SUFFIX in path.name and not (folder / path.name.split(SUFFIX)[0]).is_dir():
                path.unlink(missing_ok=True)

    def reconcile(self, manifest: dict[str, Any], store, index) -> None:
        """Drop graphs and passages of documents the manifest does not vouch for (left by a killed run)."""
        from rdflib import URIRef

        # A store written before the merged default graph existed gets it now (graph/store.py).
        migrated = not self.remote and store.ensure_merged()
        wanted_graphs = {d["graph"] for d in manifest["documents"].values()}
        for name in store.graph_names() - wanted_graphs:
            store.remove_graph(URIRef(name))
        stray = [name for name in index.documents() if name not in manifest["documents"]]
        if stray:
            index.remove_documents(stray)
        if migrated and self.manifest_path.exists():
            # Readers see the merged graph from the next snapshot on, even if this run writes nothing.
            self.publish(store, manifest)

    # -- index ---------------------------------------------------------------
    def open_index(self):
        """The search index (created empty on first use)."""
        from search import open_index

        return open_index(self.index_path, self.engine)

    # -- locking -------------------------------------------------------------
    @contextmanager
    def writer_lock(self, wait: bool = False) -> Iterator[None]:
        """Exclusive lock for writers; released by the kernel if the process dies."""
        self.root.mkdir(parents=True, exist_ok=True)
        fh = open(self.root / "ingest.lock", "a+")
        try:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
            except BlockingIOError as exc:
                raise DataDirError(f"another ingest is running on {self.root}") from exc
            yield
        finally:
            fh.close()
