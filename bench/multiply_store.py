"""A K-times-larger data dir made from a kept one without re-ingesting: the stand-in for serving
an archive K times the size (e.g. 100k documents from a 10k run) when its ingest would not fit
in the time at hand (100,000 documents took 2 h 34 min on 2026-12-02).

usage: python bench/multiply_store.py SRC_DATA DEST_DATA [--times 10]

DEST's graph snapshot holds SRC's quads K times. Copy 0 is SRC as it is; in copy k every entity
IRI minted here (``.../id/{kind}/{slug}...``, documents and their graphs included) gets ``-ck``
after its first slug, so each copy's schools, people, meetings and inspections are entities of
their own, and the kept orders and facets hold K times as many. Literals stay as they are: each
name is K people's (the scaler's cohorts give each synthetic council names of its own, so a real
archive of that size has K times as many names, each with fewer entities). The manifest lists
every document K times, under the same suffixes. The search index is SRC's (symlinked): only
the graph side grows; for a K-times index see ``bench/multiply_index.py`` (whoosh or tantivy).

DEST is for serving and querying; it has no primary store, so do not ingest into it.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

# The first slug after /id/{kind}/ of an IRI minted by graph.iris.Minter, in N-Quads and in JSON.
_MINTED = re.compile(rb"(https?://[^/<>\"\s]+/id/[a-z][a-z-]*/)([a-z0-9-]+)")
_CHUNK = 64 << 20  # bytes of N-Quads rewritten and loaded at a time


def copy_suffix(k: int) -> bytes:
    return b"" if k == 0 else b"-c%d" % k


def rewrite(data: bytes, k: int) -> bytes:
    """``data`` with every minted IRI moved into copy ``k`` (unchanged for copy 0)."""
    if k == 0:
        return data
    suffix = copy_suffix(k)
    return _MINTED.sub(lambda m: m.group(1) + m.group(2) + suffix, data)


def _line_chunks(path: Path, size: int = _CHUNK):
    """The file in pieces of about ``size`` bytes, each ending at a line end."""
    with open(path, "rb") as fh:
        rest = b""
        while True:
            block = fh.read(size)
            if not block:
                if rest:
                    yield rest
                return
            block = rest + block
            cut = block.rfind(b"\n") + 1
            rest = block[cut:]
            yield block[:cut]


def multiply_store(src: Path, dest: Path, times: int, log=print) -> dict:
    """Write DEST as described above; returns counts and timings."""
    import pyoxigraph

    from councilgraph.data import DataDir

    if times < 1:
        raise ValueError("--times must be at least 1")
    if dest.exists():
        raise FileExistsError(f"{dest} exists; remove it first")
    manifest = json.loads((src / "manifest.json").read_text(encoding="utf-8"))
    if not manifest.get("snapshot"):
        raise ValueError(f"{src} has no snapshot in its manifest; serve it once first")
    dest.mkdir(parents=True)
    os.symlink((src / "index").resolve(), dest / "index")
    started = time.perf_counter()
    dump = dest / "source.nq"
    source = pyoxigraph.Store.read_only(str(src / manifest["snapshot"]))
    source.dump(str(dump), pyoxigraph.RdfFormat.N_QUADS)
    del source
    timings = {"dump_s": time.perf_counter() - started}
    log(f"dumped {dump.stat().st_size / 1e9:.2f} GB of N-Quads in {timings['dump_s']:.0f} s")

    snapshot = "snapshots/000001"
    (dest / "snapshots").mkdir()
    target = pyoxigraph.Store(str(dest / snapshot))
    load_started = time.perf_counter()
    for k in range(times):
        for chunk in _line_chunks(dump):
            target.bulk_load(rewrite(chunk, k), pyoxigraph.RdfFormat.N_QUADS)
        log(f"copy {k + 1}/{times} loaded, {time.perf_counter() - load_started:.0f} s")
    timings["load_s"] = time.perf_counter() - load_started
    dump.unlink()
    optimize_started = time.perf_counter()
    target.optimize()  # as the ingest's compaction does: one set of files, not one per load
    timings["optimize_s"] = time.perf_counter() - optimize_started
    quads = len(target)
    target.flush()
    del target

    documents = {}
    for name, entry in manifest["documents"].items():
        text = json.dumps(entry).encode()
        for k in range(times):
            documents[name + copy_suffix(k).decode()] = json.loads(rewrite(text, k))
    manifest.update(documents=documents, snapshot=snapshot)  # its counts are the documents' sums
    DataDir({"data_dir": str(dest), "search_engine": manifest["engine"]}).write_manifest(manifest)
    timings["total_s"] = time.perf_counter() - started
    return {"quads": quads, "documents": len(documents), **timings}


def copy_arguments(doc: str, argv: list[str] | None = None) -> argparse.Namespace:
    """SRC, DEST and --times, the command line of both copy scripts (this one and multiply_index.py)."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("src", type=Path)
    parser.add_argument("dest", type=Path)
    parser.add_argument("--times", type=int, default=10)
    return parser.parse_args(argv)


def main() -> None:
    args = copy_arguments(__doc__)
    result = multiply_store(args.src, args.dest, args.times)
    disk = sum(f.stat().st_size for f in (args.dest / "snapshots").rglob("*") if f.is_file())
    print(json.dumps({**result, "snapshot_gb": round(disk / 1e9, 2)}, indent=1))


if __name__ == "__main__":
    main()
