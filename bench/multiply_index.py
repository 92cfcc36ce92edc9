"""A K-times-larger data dir made from a kept one without re-ingesting (whoosh or tantivy index):
the stand-in for serving an archive K times the size (e.g. 100k documents from a 10k run).

usage: python bench/multiply_index.py SRC_DATA DEST_DATA [--times 10]

DEST's index lists every segment of SRC's index K times, the segment files hard-linked (no disk is
copied). Whoosh: a compound segment file names its parts by its segment id, so the copies keep
SRC's ids. Tantivy: a segment's files are named by its id and hold no id inside, so each copy is
the same files linked under a fresh id. The engine's arrays and posting lists span the segments,
so they are K times as long as SRC's, as for a real index of that size; every passage is found K
times. The graph, its snapshots and the manifest are SRC's (symlinked and copied): only the
full-text side grows. SRC may itself be a `bench/multiply_store.py` copy, so both sides grow.
"""
from __future__ import annotations

import copy
import json
import os
import shutil
import sys
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

INDEX_NAME = "MAIN"  # whoosh's default index name, which the engine uses


def multiply_index(src: Path, dest: Path, times: int) -> int:
    """Write DEST as described above; returns the number of passages its index holds."""
    if times < 1:
        raise ValueError("--times must be at least 1")
    if dest.exists():
        raise FileExistsError(f"{dest} exists; remove it first")
    (dest / "index").mkdir(parents=True)
    for part in ("graph", "snapshots"):
        if (src / part).exists():  # a multiply_store.py copy has no graph dir of its own
            os.symlink((src / part).resolve(), dest / part)
    shutil.copy(src / "manifest.json", dest / "manifest.json")
    index = (src / "index").resolve()
    if (index / "meta.json").exists():
        return _multiply_tantivy(index, dest / "index", times)
    return _multiply_whoosh(index, dest / "index", times)


def _multiply_tantivy(src: Path, dest: Path, times: int) -> int:
    meta = json.loads((src / "meta.json").read_text())
    segments = []
    for k in range(times):
        for segment in meta["segments"]:
            old = segment["segment_id"].replace("-", "")
            # Copy 0 keeps SRC's ids; copy k swaps the id's last hex digits for k's, still 128 bits.
            new = old if k == 0 else old[:-6] + f"{k:06x}"
            for path in src.glob(old + ".*"):
                os.link(path, dest / (new + path.name[len(old):]))
            segments.append(dict(segment, segment_id=str(uuid.UUID(new))))
    (dest / "meta.json").write_text(json.dumps(dict(meta, segments=segments)))
    # Tantivy's garbage collection deletes files of its own it no longer lists, so list them all.
    (dest / ".managed.json").write_text(json.dumps(sorted(p.name for p in dest.iterdir())))
    return sum(s["max_doc"] for s in segments)


def _multiply_whoosh(src: Path, dest: Path, times: int) -> int:
    from whoosh.filedb.filestore import FileStorage
    from whoosh.index import TOC

    toc = TOC.read(FileStorage(str(src), supports_mmap=False), INDEX_NAME)
    for segment in toc.segments:
        if not segment.is_compound():
            raise ValueError(f"segment {segment.segid} is not a compound file; optimise the index first")
        name = segment.make_filename(".seg")
        os.link(src / name, dest / name)
    segments = [copy.copy(segment) for _ in range(times) for segment in toc.segments]
    TOC(toc.schema, segments, toc.generation).write(FileStorage(str(dest), supports_mmap=False), INDEX_NAME)
    return sum(s.doc_count() for s in segments)


def main() -> None:
    from bench.multiply_store import copy_arguments

    args = copy_arguments(__doc__)
    passages = multiply_index(args.src, args.dest, args.times)
    print(f"{args.dest}: {passages:,} passages ({args.times} x the segments of {args.src})")


if __name__ == "__main__":
    main()
