"""A K-times-larger whoosh data dir made from a kept one without re-ingesting: the stand-in for
serving an archive K times the size (e.g. 100k documents from a 10k run).

usage: python bench/multiply_index.py SRC_DATA DEST_DATA [--times 10]

DEST's index lists every segment of SRC's index K times (the segment files are hard-linked, no
disk is copied; a compound segment file names its parts by its segment id, so the copies keep
SRC's ids). The engine's arrays span the list of segments, so they are K times as long as SRC's,
as for a real index of that size; every passage is found K times. The graph, its snapshots and
the manifest are SRC's (symlinked and copied): only the full-text side grows.
"""
from __future__ import annotations

import argparse
import copy
import os
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

INDEX_NAME = "MAIN"  # whoosh's default index name, which the engine uses


def multiply_index(src: Path, dest: Path, times: int) -> int:
    """Write DEST as described above; returns the number of passages its index holds."""
    from whoosh.filedb.filestore import FileStorage
    from whoosh.index import TOC

    if times < 1:
        raise ValueError("--times must be at least 1")
    source = FileStorage(str(src / "index"), supports_mmap=False)
    toc = TOC.read(source, INDEX_NAME)
    if dest.exists():
        raise FileExistsError(f"{dest} exists; remove it first")
    (dest / "index").mkdir(parents=True)
    for part in ("graph", "snapshots"):
        os.symlink((src / part).resolve(), dest / part)
    shutil.copy(src / "manifest.json", dest / "manifest.json")
    for segment in toc.segments:
        if not segment.is_compound():
            raise ValueError(f"segment {segment.segid} is not a compound file; optimise the index first")
        name = segment.make_filename(".seg")
        os.link(src / "index" / name, dest / "index" / name)
    segments = [copy.copy(segment) for _ in range(times) for segment in toc.segments]
    TOC(toc.schema, segments, toc.generation).write(FileStorage(str(dest / "index"), supports_mmap=False), INDEX_NAME)
    return sum(s.doc_count() for s in segments)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("src", type=Path)
    parser.add_argument("dest", type=Path)
    parser.add_argument("--times", type=int, default=10)
    args = parser.parse_args()
    passages = multiply_index(args.src, args.dest, args.times)
    print(f"{args.dest}: {passages:,} passages ({args.times} x the segments of {args.src})")


if __name__ == "__main__":
    main()
