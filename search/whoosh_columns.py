"""whoosh's per-document columns read straight into compact numpy arrays, and stored fields
read by every thread from one shared handle.

whoosh hands a column over one Python object per document (`list(reader.column_reader(f))`):
at 10,000 scaled documents (690k passages) the key, day and facet columns held that way took
about 390 bytes per passage, most of the whoosh server's memory, and it grows with the
archive. Here a segment's column is read as its raw bytes once (the way whoosh's own column
readers lay them out), turned into small integers, and the bytes are let go:

* numbers (the day) as an unsigned array of the smallest width that holds them;
* facet values as codes into the sorted list of the distinct values;
* BM25F's per-document length bytes as uint8;
* the keys not at all: only each passage's place in key order (`key_ranks`), found by a
  radix sort over the raw key bytes, eight bytes a pass, reading the keys again from the
  segment files on each pass rather than holding them.

Each function is tested against whoosh's own column readers (`tests/test_search_columns.py`).
"""
from __future__ import annotations

import os
import pickle
import struct
import threading
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

import numpy as np
from whoosh.columns import NumericColumn, PickleColumn, VarBytesColumn

_CHUNK = 1 << 16  # documents gathered at once when the keys' bytes are cut into words


def _starts(lengths: np.ndarray) -> np.ndarray:
    """Where each of values laid end to end starts, from their lengths."""
    starts = np.zeros(len(lengths), dtype=np.int64)
    if len(lengths) > 1:
        np.cumsum(lengths[:-1], out=starts[1:])
    return starts


def _small_array(values: list) -> np.ndarray:
    """Numbers as the narrowest unsigned array that holds them, or int64 if one is negative or not whole."""
    if all(isinstance(v, int) and 0 <= v for v in values):
        return np.array(values, dtype=_smallest_unsigned(max(values, default=0)))
    return np.array(values, dtype=np.int64)


def _smallest_unsigned(largest: int) -> np.dtype:
    """The narrowest unsigned dtype holding 0..largest."""
    for dtype in (np.uint8, np.uint16, np.uint32):
        if largest <= np.iinfo(dtype).max:
            return np.dtype(dtype)
    return np.dtype(np.uint64)


# --- raw column reads -----------------------------------------------------------------------

def raw_numbers(column: Any, doccount: int) -> np.ndarray | None:
    """The raw numbers of a whoosh NumericColumn reader (before the field translates them), one
    per document, or None for a reader of another kind. Numbers are packed big-endian; the
    documents past the last one written have the column's default, as the reader's iteration gives."""
    if not isinstance(column, NumericColumn.Reader):
        return None
    count = min(column._count, doccount)
    packed = column._dbfile.get(column._basepos, count * column._fixedlen) if count else b""
    values = np.frombuffer(packed, dtype=np.dtype(">" + column._typecode)).astype(np.dtype(column._typecode))
    if count < doccount:
        values = np.concatenate([values, np.full(doccount - count, column._default, dtype=values.dtype)])
    return values


def raw_var_bytes(column: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """A whoosh VarBytesColumn reader's values as (all their bytes, start of each, length of
    each), or None for a reader of another kind. Values lie one after the other from the
    column's start, which is how the reader's own iteration reads them."""
    if not isinstance(column, VarBytesColumn.Reader):
        return None
    lengths = np.array(column._lengths, dtype=np.int64)
    starts = _starts(lengths)
    total = int(lengths.sum()) if len(lengths) else 0
    blob = column._dbfile.get(column._basepos, total) if total else b""
    return np.frombuffer(blob, dtype=np.uint8), starts, lengths


def _translated(values: np.ndarray, translate: Callable[[Any], Any]) -> tuple[np.ndarray, list]:
    """Distinct raw values translated once each: (inverse codes, translated distinct values)."""
    distinct, inverse = np.unique(values, return_inverse=True)
    return inverse.ravel(), [translate(v) for v in distinct.tolist()]


def numeric_column(reader: Any, field: str) -> np.ndarray:
    """A segment's numeric column as whoosh translates it (`list(reader.column_reader(field))`),
    a missing column or value as 0, as the smallest unsigned array that holds it (int64 if a
    value is negative or not whole)."""
    doccount = reader.doc_count_all()
    if not reader.has_column(field):
        return np.zeros(doccount, dtype=np.uint8)
    column = reader.column_reader(field, translate=False)
    translate = reader.schema[field].from_column_value
    raw = raw_numbers(column, doccount)
    if raw is None:  # not a numeric column reader: one value at a time
        return _small_array([v or 0 for v in reader.column_reader(field)])
    inverse, distinct = _translated(raw, translate)
    lookup = _small_array([v or 0 for v in distinct])
    return lookup[inverse] if len(inverse) else np.zeros(0, dtype=lookup.dtype)


def coded_column(reader: Any, field: str) -> tuple[np.ndarray, list[str]]:
    """A segment's column of strings (a facet) as (codes, labels): each document's value is
    ``labels[codes[docnum]]``, labels distinct, in no particular order; a missing column is ""."""
    doccount = reader.doc_count_all()
    if not reader.has_column(field):
        return np.zeros(doccount, dtype=np.uint32), [""]
    column = reader.column_reader(field, translate=False)
    translate = reader.schema[field].from_column_value
    raw = raw_var_bytes(column)
    if raw is None:
        values = [translate(v) for v in column]
    else:
        blob, starts, lengths = raw
        data = blob.tobytes()
        values = [data[s:s + n] for s, n in zip(starts.tolist(), lengths.tolist())]
    seen: dict[Any, int] = {}
    codes = np.fromiter((seen.setdefault(v, len(seen)) for v in values), dtype=np.uint32, count=len(values))
    labels = [translate(v) if raw is not None else v for v in seen]
    return codes, ["" if v is None else v for v in labels]


def join_coded(parts: Sequence[tuple[np.ndarray, list[str]]]) -> tuple[np.ndarray, list[str]]:
    """Segments' coded columns as one: codes into the sorted distinct labels of all of them, in
    the narrowest unsigned dtype. Labels that are equal after translation share a code."""
    labels = sorted({label for _, part_labels in parts for label in part_labels})
    place = {label: i for i, label in enumerate(labels)}
    dtype = _smallest_unsigned(max(len(labels) - 1, 0))
    codes = np.empty(sum(len(c) for c, _ in parts), dtype=dtype)
    at = 0
    for part_codes, part_labels in parts:
        remap = np.array([place[label] for label in part_labels], dtype=dtype)
        codes[at:at + len(part_codes)] = remap[part_codes] if len(part_codes) else remap[:0]
        at += len(part_codes)
    return codes, labels


def length_bytes(reader: Any, lengths_field: str, column_type: Any) -> np.ndarray:
    """A segment's per-document length bytes of one field (whoosh's `_<field>_len` column), as
    uint8; zeros when the segment has none."""
    doccount = reader.doc_count_all()
    perdoc = reader._perdoc
    if not perdoc.has_column(lengths_field):
        return np.zeros(doccount, dtype=np.uint8)
    column = perdoc.column_reader(lengths_field, column_type)
    raw = raw_numbers(column, doccount)
    if raw is None:
        return np.asarray(list(column), dtype=np.uint8)
    return raw.astype(np.uint8, copy=False)


# --- key order ------------------------------------------------------------------------------

KeyBytes = Callable[[int], tuple[np.ndarray, np.ndarray, np.ndarray]]  # segment -> (bytes, starts, lengths)


def key_bytes_of(reader: Any, field: str = "key") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One segment's keys as raw bytes (UTF-8: byte order is code point order, str's order)."""
    doccount = reader.doc_count_all()
    if not reader.has_column(field):
        return np.zeros(0, dtype=np.uint8), np.zeros(doccount, dtype=np.int64), np.zeros(doccount, dtype=np.int64)
    raw = raw_var_bytes(reader.column_reader(field, translate=False))
    if raw is not None:
        return raw
    values = [v if isinstance(v, bytes) else str(v).encode("utf-8") for v in reader.column_reader(field)]
    lengths = np.fromiter(map(len, values), dtype=np.int64, count=len(values))
    return np.frombuffer(b"".join(values), dtype=np.uint8), _starts(lengths), lengths


def _words(blob: np.ndarray, starts: np.ndarray, lengths: np.ndarray, word: int) -> tuple[np.ndarray, np.ndarray]:
    """Bytes 8*word .. 8*word+7 of each value as a big-endian uint64, zero past the value's end,
    and how many of those bytes the value has (0..8)."""
    taken = np.clip(lengths - 8 * word, 0, 8).astype(np.uint8)
    out = np.zeros(len(starts), dtype=np.uint64)
    padded = np.concatenate([blob, np.zeros(8, dtype=np.uint8)])
    lane = np.arange(8, dtype=np.int64)
    for at in range(0, len(starts), _CHUNK):
        first = starts[at:at + _CHUNK] + 8 * word
        grid = padded[np.minimum(first[:, None] + lane, len(padded) - 1)]
        grid[lane[None, :] >= taken[at:at + _CHUNK, None]] = 0
        out[at:at + _CHUNK] = grid.view(">u8").ravel()
    return out, taken


def key_ranks(sizes: Sequence[int], key_bytes: KeyBytes) -> np.ndarray:
    """Each document's place in key order (bytewise, so str order for UTF-8 keys; equal keys by
    docnum, as Python's stable sort orders them), over segments of ``sizes`` documents one
    after the other. ``key_bytes(i)`` reads segment i's keys; it is called once per pass.

    A most-significant-first radix sort, eight bytes a pass: each pass sorts, within every group
    of keys still equal so far, by their next eight bytes (zero past a key's end) and by how many
    of them the key has (a key that ends sorts before the keys it is a prefix of). A group ends
    when it holds one key or its keys ended. Only the keys of unfinished groups are looked at
    again, and no key is held between passes: memory is a few arrays of one integer per passage."""
    bounds = np.concatenate([[0], np.cumsum(np.asarray(sizes, dtype=np.int64))]).astype(np.int64)
    total = int(bounds[-1])
    index = np.int32 if total < 2**31 else np.int64
    rank = np.zeros(total, dtype=index)  # each key's group: the place of the group's first key
    active = np.arange(total, dtype=index)  # keys whose group holds others, in docnum order within a group
    word = 0
    while len(active):
        values = np.zeros(total, dtype=np.uint64)
        taken = np.zeros(total, dtype=np.uint8)
        wanted = np.zeros(total, dtype=bool)
        wanted[active] = True
        for segment in range(len(sizes)):
            low, high = int(bounds[segment]), int(bounds[segment + 1])
            local = np.flatnonzero(wanted[low:high])
            if not len(local):
                continue
            blob, starts, lengths = key_bytes(segment)
            values[low + local], taken[low + local] = _words(blob, starts[local], lengths[local], word)
            del blob, starts, lengths
        del wanted
        v, t, r = values[active], taken[active], rank[active]
        del values, taken
        order = np.lexsort((t, v, r))  # stable: equal keys keep their docnum order
        active, v, t, r = active[order], v[order], t[order], r[order]
        del order
        n = len(active)
        place = np.arange(n, dtype=index)
        new_group = np.ones(n, dtype=bool)
        new_group[1:] = r[1:] != r[:-1]
        new_sub = new_group.copy()
        new_sub[1:] |= (v[1:] != v[:-1]) | (t[1:] != t[:-1])
        del v
        group_first = np.maximum.accumulate(np.where(new_group, place, 0))
        sub_first = np.maximum.accumulate(np.where(new_sub, place, 0))
        sub_size = np.diff(np.append(np.flatnonzero(new_sub), n))[np.cumsum(new_sub) - 1]
        # Done: alone in its group, or every key of the group ended (they are equal: docnum order).
        done = (sub_size == 1) | (t < 8)
        rank[active] = r + np.where(done, place - group_first, sub_first - group_first).astype(index)
        active = active[~done]
        word += 1
    return rank.astype(np.uint32 if total < 2**32 else np.uint64)


# --- stored fields ----------------------------------------------------------------------------

class StoredFields:
    """A segment's stored fields read with ``os.pread`` from one file handle that every thread
    shares, without whoosh's per-reader cache.

    whoosh's reader of the stored column loads each document's length and offset into arrays
    (about 6.4 bytes per passage), once per thread: with eight server threads, 51 bytes per
    passage, 350 MB at 6.9 million. Here a document's offset and length are read from the
    column's own tables on disk when it is asked for (a segment of 32,768 documents or fewer
    has no offset table, and its offsets are kept, 8 bytes a document)."""

    def __init__(self, path: Path, base: int, length: int, doccount: int):
        self._file = open(path, "rb", buffering=0)  # closed with this object
        fd = self._file.fileno()
        self._fd = fd
        self._base = base
        self.doccount = doccount
        last = base + length - 1
        lens_code = chr(os.pread(fd, 1, last)[0])
        self._offsets: np.ndarray | None = None
        self._offset_table = None
        if lens_code == "X":
            lens_code = chr(os.pread(fd, 1, last - 2)[0])
            offsets_code = chr(os.pread(fd, 1, last - 1)[0])
            size = struct.calcsize(offsets_code)
            start = (last - 2) - doccount * size
            self._offset_table = (start, size, struct.Struct(">" + offsets_code))
            last = start
        size = struct.calcsize(lens_code)
        self._lengths_table = (last - size * doccount, size, struct.Struct(">" + lens_code))
        if self._offset_table is None:
            start, size, _ = self._lengths_table
            raw = os.pread(fd, size * doccount, start)
            self._offsets = _starts(np.frombuffer(raw, dtype=np.dtype(">" + lens_code)).astype(np.int64))

    @classmethod
    def of(cls, reader: Any, index_dir: Path) -> "StoredFields | None":
        """The shared stored-field reader of a whoosh segment reader, or None when its stored
        column is not laid out as whoosh 3 writes it (the caller then asks whoosh)."""
        from whoosh.codec.whoosh3 import STORED_COLUMN, W3Codec

        if not isinstance(STORED_COLUMN, PickleColumn) or not isinstance(STORED_COLUMN._child, VarBytesColumn):
            return None
        segment = reader.segment()
        perdoc = getattr(reader, "_perdoc", None)
        if perdoc is None or not perdoc.has_column("_stored"):
            return None
        name = W3Codec.column_filename(segment, "_stored")
        storage = perdoc._storage
        if hasattr(storage, "range"):  # a compound segment: one .seg file
            base, length = storage.range(name)
            path = index_dir / segment.make_filename(segment.COMPOUND_EXT)
        else:
            base, length = 0, storage.file_length(name)
            path = index_dir / name
        if not path.exists():
            return None
        return cls(path, base, length, reader.doc_count_all())

    def _number(self, table: tuple[int, int, struct.Struct], docnum: int) -> int:
        start, size, unpack = table
        return unpack.unpack(os.pread(self._fd, size, start + docnum * size))[0]

    def get(self, docnum: int) -> dict[str, Any]:
        """The stored fields of one document, as whoosh's ``stored_fields`` gives them."""
        length = self._number(self._lengths_table, docnum)
        if not length:
            return {}
        if self._offsets is not None:
            offset = int(self._offsets[docnum])
        else:
            offset = self._number(self._offset_table, docnum)
        value = pickle.loads(os.pread(self._fd, length, self._base + offset))
        return {} if value is None else value


class SharedStored:
    """Stored-field readers of one set of segments, made on first use and shared by all threads."""

    def __init__(self, index_dir: Path):
        self._dir = Path(index_dir)
        self._lock = threading.Lock()
        self._readers: dict[str, StoredFields | None] = {}

    def reader_for(self, segment_reader: Any, segment_id: str) -> StoredFields | None:
        found = self._readers.get(segment_id, False)
        if found is not False:
            return found
        with self._lock:
            if segment_id not in self._readers:
                self._readers[segment_id] = StoredFields.of(segment_reader, self._dir)
            return self._readers[segment_id]

    def keep_only(self, segment_ids: Iterator[str]) -> None:
        """Forget (and close) the readers of segments no longer in use."""
        wanted = set(segment_ids)
        with self._lock:
            self._readers = {s: r for s, r in self._readers.items() if s in wanted}
