"""Store and index, opened once per data generation and shared by requests (flaskr's get_db, made long-lived).

An ingest run replaces the manifest when it finishes; its generation changes, and the
next request reopens the graph snapshot and the index.
"""
from __future__ import annotations

import ctypes
import logging
import threading
import time
from typing import Any

from flask import Flask, current_app, g

from web.errors import ApiError

log = logging.getLogger(__name__)


class Resources:
    """Open graph store and search index for the current data generation."""

    def __init__(self, settings: dict[str, Any]):
        from councilgraph.data import DataDir
        from councilgraph.settings import usable_cpus, worker_count

        self.settings = settings
        self.data_dir = DataDir(settings)
        self.lock = threading.Lock()
        self.generation: str | None = None
        self.graph = None
        self.index = None
        self.warming: threading.Thread | None = None
        slots = int(settings.get("search_concurrency") or 0)
        if slots < 0:
            raise ValueError(f"search_concurrency must be 0 (one per CPU) or more, not {slots}")
        # Searches past this many wait: each holds per-match arrays, and the GIL (whoosh) or the
        # cores (tantivy) would not run more of them at once any faster. One per CPU is shared
        # among the server's processes (setting workers).
        slots = slots or max(1, usable_cpus() // worker_count(settings))
        self.search_slots = threading.BoundedSemaphore(slots)
        graph_slots = int(settings.get("graph_concurrency") or 0)
        if graph_slots < 0:
            raise ValueError(f"graph_concurrency must be 0 (no bound) or more, not {graph_slots}")
        # Requests asking the embedded store at once slow each other down: pyoxigraph lets go of
        # the GIL inside each call, and threads taking it back in turn cost more than they
        # overlap (a school's entity page: 1,605 a second from one thread, 713 from eight).
        self.graph_slots = threading.BoundedSemaphore(graph_slots) if graph_slots else None

    def _refresh(self) -> None:
        generation = self.data_dir.generation()
        if generation == self.generation:
            return
        old = (self.graph, self.index)
        self.graph = self.index = None
        self.generation = None
        # Old handles are left to the garbage collector: a request may still be reading them.
        del old
        self.graph = self.data_dir.open_graph()
        self.index = self.data_dir.open_index()
        self.index.warm()
        self.generation = generation
        if self.settings.get("warm_lists"):
            # A failure here is reported by threading's excepthook; the list request that then
            # finds nothing kept works the order out itself.
            self.warming = threading.Thread(target=_warm, args=(self.graph, self.settings), name="warm-lists", daemon=True)
            self.warming.start()

    def ready(self, generation: str) -> bool:
        """Whether ``generation`` (the data dir's current one) is open and what the lists keep is
        worked out: until then the first requests open it, or share the cores with the thread
        warming the lists."""
        if self.generation is None or self.generation != generation:
            return False
        return self.warming is None or not self.warming.is_alive()

    def current(self) -> tuple[Any, Any]:
        with self.lock:
            try:
                self._refresh()
            except Exception as exc:  # the data dir is unusable: say so without paths
                current_app.logger.exception("cannot open the data directory")
                raise ApiError(503, "The data directory cannot be opened; try again later.") from exc
            return self.graph, self.index


def _warm(graph: Any, settings: dict[str, Any]) -> None:
    """Warm the lists (`graph.queries.warm_lists`): from the snapshot's kept file (setting
    ``save_kept_lists``) if one was saved, else worked out, in a child process that saves it
    (setting ``warm_lists_in_child``) or here; then give the memory their scans freed back to
    the system: glibc keeps freed heap for reuse, and after the warm-up at 30,000 documents
    that was 117 MB more."""
    from graph.kept import warm_from_file
    from graph.queries import WARMED_NAMES, warm_lists

    started = time.monotonic()
    if settings.get("save_kept_lists") and graph.path is not None:
        how = warm_from_file(graph, graph.path, warm_lists, in_child=bool(settings.get("warm_lists_in_child")),
                             names=WARMED_NAMES)
    else:
        warm_lists(graph)
        how = "computed"
    release_free_memory()
    log.info("lists warm (%s) in %.1f s", how, time.monotonic() - started)


def release_free_memory() -> None:
    """``malloc_trim(0)`` where the C library is glibc (elsewhere, nothing)."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def _resources() -> Resources:
    return current_app.extensions["councilgraph"]


def settings() -> dict[str, Any]:
    """The app's settings (councilgraph.settings)."""
    return current_app.config["COUNCILGRAPH"]


def get_graph():
    """The read-only GraphStore of the current data generation. The request holds one of the
    ``graph_concurrency`` slots from now until it ends (`_release_graph_slot`)."""
    resources = _resources()
    if resources.graph_slots is not None and not g.get("graph_slot"):
        resources.graph_slots.acquire()
        g.graph_slot = resources.graph_slots
    return resources.current()[0]


def _release_graph_slot(_exc: BaseException | None = None) -> None:
    slot = g.pop("graph_slot", None)
    if slot is not None:
        slot.release()


def get_index():
    """The SearchIndex of the current data generation."""
    return _resources().current()[1]


def search_slots() -> threading.BoundedSemaphore:
    """Held while a keyword search runs (``search_concurrency`` of them at once)."""
    return _resources().search_slots


def is_ready(generation: str) -> bool:
    """Whether ``generation`` is open and warm (`Resources.ready`)."""
    return _resources().ready(generation)


def get_data_dir():
    """The DataDir the app serves."""
    return _resources().data_dir


def init_app(app: Flask) -> None:
    app.extensions["councilgraph"] = Resources(app.config["COUNCILGRAPH"])
    app.teardown_request(_release_graph_slot)
