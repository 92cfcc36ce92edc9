"""What a read-only snapshot's lists keep (`GraphStore.derived`), saved in a file beside it.

Working out the lists' orders, facets and every inspection's facts takes 30-48 s at 10,000
documents and six to seven minutes at 100,000, for every server process and every restart,
although a snapshot never changes. The first process to work them out saves them next to the
snapshot (``snapshots/000007.kept``); the others, and every later start, read them back.

The file is a pickle, read with an unpickler that builds nothing but the few types the lists
are made of (`_ALLOWED`): a data dir holds data, and loading it must not run code. Its header
names the code that computed it (a digest of the ``graph`` package's sources): after an
upgrade that changes what is kept or how, the file is ignored and replaced.
"""
from __future__ import annotations

import fcntl
import hashlib
import io
import logging
import os
import pickle
import resource
import subprocess
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

KEPT_FORMAT = 1
SUFFIX = ".kept"

# (module, name) the unpickler may build: containers of str/int/bool, arrays and the class
# holding the inspections' facts. numpy 2 moved its internals to numpy._core.
_ALLOWED = {
    ("builtins", name) for name in ("list", "dict", "tuple", "set", "frozenset", "str", "bytes", "int", "float", "bool")
} | {
    ("array", "array"), ("array", "_array_reconstructor"),
    ("numpy", "ndarray"), ("numpy", "dtype"),
    ("numpy.core.multiarray", "_reconstruct"), ("numpy._core.multiarray", "_reconstruct"),
    ("numpy.core.numeric", "_frombuffer"), ("numpy._core.numeric", "_frombuffer"),
    ("graph.queries", "InspectionRows"),
}


class KeptFileError(Exception):
    """A kept file that cannot be read back (truncated, from other code, or holding other types)."""


def kept_path(snapshot: Path) -> Path:
    """The kept file of the snapshot directory ``snapshot``."""
    return snapshot.with_name(snapshot.name + SUFFIX)


def code_digest() -> str:
    """A digest of what computes the kept values: the ``graph`` package's sources, Python's and numpy's versions."""
    import numpy  # here: the ingest, which imports this module for its paths, never needs it

    digest = hashlib.sha256(f"{KEPT_FORMAT} {sys.version_info[:2]} {numpy.__version__}".encode())
    for source in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(source.name.encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in _ALLOWED:
            raise KeptFileError(f"the kept file holds {module}.{name}, which kept lists never do")
        return super().find_class(module, name)


def save(values: dict[str, Any], path: Path, *, snapshot: str) -> None:
    """Write ``values`` (name -> kept value) to ``path`` atomically: readers see a whole file or none."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as fh:
            pickle.dump({"format": KEPT_FORMAT, "code": code_digest(), "snapshot": snapshot}, fh, protocol=5)
            pickle.dump(values, fh, protocol=5)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def load(path: Path, *, snapshot: str) -> dict[str, Any]:
    """The values saved in ``path`` for ``snapshot`` by this code; `KeptFileError` if they are not that."""
    try:
        with open(path, "rb") as fh:
            # One unpickler per pickle: an unpickler's memo outlives its load(), and the
            # second pickle's references would point into the first's objects.
            reader = io.BufferedReader(fh, 1 << 20)
            header = _Unpickler(reader).load()
            wanted = {"format": KEPT_FORMAT, "code": code_digest(), "snapshot": snapshot}
            if header != wanted:
                raise KeptFileError("the kept file was written by other code or for another snapshot")
            values = _Unpickler(reader).load()
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError, IndexError) as exc:
        raise KeptFileError(f"the kept file cannot be read ({type(exc).__name__}: {exc})") from exc
    if not isinstance(values, dict) or not all(isinstance(k, str) for k in values):
        raise KeptFileError("the kept file does not hold a table of kept values")
    return values


class ChildFailed(Exception):
    """The child process working the kept values out ended without saving them."""


def compute_and_save(snapshot: str) -> None:
    """Work out what the lists keep of ``snapshot`` and save it in its kept file: a child
    process's work (`warm_from_file`), run as ``python -m graph.kept SNAPSHOT`` too."""
    from graph.queries import warm_lists
    from graph.store import GraphStore

    path = Path(snapshot)
    store = GraphStore.open(path, read_only=True)
    try:
        warm_lists(store)
        save(store.kept_values(), kept_path(path), snapshot=path.name)
    finally:
        store.close()


def _compute_in_child(snapshot: Path) -> int:
    """`compute_and_save` in a child process (``python -m graph.kept``), waited for; returns its
    peak RSS in MB. The scans' memory (1.3 GB at 100,000 documents against 0.6 read back) is
    the child's and goes when it ends, and its work does not hold this process's GIL while
    requests are answered. A new interpreter, not multiprocessing's spawn: that imports the
    parent's main module again, and a script that builds the app unguarded started itself
    over and over."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    started = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    done = subprocess.run([sys.executable, "-m", "graph.kept", str(snapshot)], env=env,
                          stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if done.returncode != 0:
        last = done.stderr.decode(errors="replace").strip().splitlines()[-1:] or ["no message"]
        raise ChildFailed(f"it ended with exit code {done.returncode}: {last[0]}")
    # The largest peak of this process's ended children: the warm-up's, unless a SPARQL worker
    # replaced before it held more (then at least that much).
    return max(started, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) // 1024


def warm_from_file(store: Any, snapshot: Path, warm: Callable[[Any], None], *,
                   in_child: bool = False, names: Iterable[str] = ()) -> str:
    """Fill ``store``'s kept values from the snapshot's kept file, or work them out and save
    them there: in a child process when ``in_child`` (`_compute_in_child`; requests for
    ``names`` wait for it meanwhile, `GraphStore.deriving_elsewhere`), else ``warm(store)``
    here, as when the child fails. Returns what happened: ``"read"``, ``"saved by a child, its
    peak RSS N MB"``,
    ``"saved"`` or ``"computed"`` (the file could not be written; the values are kept in memory
    all the same).

    One process at a time (a lock file beside it): the others wait, then read the first one's
    file instead of scanning the store beside it (two warm-ups at once on two cores take
    twice as long each)."""
    path = kept_path(snapshot)
    try:
        lock = open(path.with_name(path.name + ".lock"), "a+b")
    except OSError as exc:  # a data dir this process may not write: work them out here
        log.warning("cannot lock %s (%s); the lists are worked out without saving them", path.name, exc)
        warm(store)
        return "computed"
    with lock:  # closing it lets go of the lock
        with store.deriving_elsewhere(names if in_child else ()):
            fcntl.flock(lock, fcntl.LOCK_EX)
            if path.exists():
                try:
                    store.keep_all(load(path, snapshot=snapshot.name))
                    return "read"
                except (KeptFileError, OSError) as exc:
                    log.warning("%s is not used: %s", path.name, exc)
            if in_child:
                try:
                    peak = _compute_in_child(snapshot)
                    store.keep_all(load(path, snapshot=snapshot.name))
                    return f"saved by a child, its peak RSS {peak} MB"
                except (ChildFailed, KeptFileError, OSError) as exc:
                    log.warning("the lists could not be worked out in a child process (%s); "
                                "they are worked out here", exc)
        warm(store)
        try:
            save(store.kept_values(), path, snapshot=snapshot.name)
        except OSError as exc:
            log.warning("cannot save %s (%s)", path.name, exc)
            return "computed"
        return "saved"


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m graph.kept SNAPSHOT_DIR")
    compute_and_save(sys.argv[1])
