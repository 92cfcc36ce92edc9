"""Writing whoosh segments faster, with the same bytes whoosh would write.

whoosh flushes a segment by walking every posting and asking the segment's per-document reader
for the length of that posting's field in that document (for the block statistics BM25 needs).
Each ask goes through a column reader, and for fields with no length column (IDs, keywords) a
`stat()` of a file that does not exist. That was about a fifth of the time of indexing a batch.
:class:`FastSegmentWriter` asks once per document and field instead, and serves the postings
from a list.

Its posting pool (:class:`GroupedPostingPool`) keeps each term's postings together as they
arrive instead of sorting every posting of the segment: a segment's documents come in docnum
order, so only the terms need sorting.

"Did you mean" needs only each word's document frequency, so a segment keeps its vocabulary in
one file of its own (:data:`SPELLING_EXT`, word and frequency per line) instead of a field with
a posting per word and passage: that field was 40% of a batch's postings and 27% of the
instructions of writing a segment.
"""
from __future__ import annotations

import heapq
from collections import Counter
from typing import Any, Iterable, Iterator

from whoosh.codec.whoosh3 import _lenfield
from whoosh.reading import SegmentReader
from whoosh.writing import PostingPool, SegmentWriter


class _FieldLengths:
    """`doc_field_length(docnum, fieldname)` from whole columns, each read once.

    Same answers as the per-document reader it wraps (including its `None` for a zero length
    byte), so the postings' block statistics are unchanged."""

    def __init__(self, reader: Any, doc_count: int) -> None:
        self._reader = reader
        self._doc_count = doc_count
        self._columns: dict[str, list | None] = {}

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> Any:
        try:
            column = self._columns[fieldname]
        except KeyError:
            column = self._columns[fieldname] = self._read(fieldname)
        if column is None:
            return default
        return column[docnum]

    def _read(self, fieldname: str) -> list | None:
        if not self._reader.has_column(_lenfield(fieldname)):
            return None
        length = self._reader.doc_field_length
        return [length(docnum, fieldname) for docnum in range(self._doc_count)]

    def close(self) -> None:
        self._reader.close()


SPELLING_EXT = ".spl"  # a segment's "did you mean" vocabulary: "word<TAB>document frequency" lines, sorted


def read_spelling(reader: Any) -> dict[str, int] | None:
    """A segment's vocabulary file as word -> document frequency (deleted passages counted, as
    whoosh's own document frequencies count them until a merge), or None if it has none."""
    name = reader.segment().make_filename(SPELLING_EXT)
    storage = reader.storage()
    if not storage.file_exists(name):
        return None
    with storage.open_file(name) as fh:
        text = fh.read().decode("utf-8")
    return {word: int(df) for word, df in (line.split("\t") for line in text.splitlines() if line)}


def passage_spelling(reader: Any) -> Counter:
    """Document frequencies of the spelling words of a segment's live passages, from their
    stored title and text (what a merge keeps)."""
    from search.analysis import spelling_words

    counts: Counter = Counter()
    for fields in reader.all_stored_fields():
        counts.update(spelling_words(f"{fields.get('title') or ''}\n{fields.get('text') or ''}"))
    return counts


class GroupedPostingPool(PostingPool):
    """whoosh's posting pool, with postings grouped by (field, term) as they arrive.

    whoosh's pool sorts every posting tuple of a segment, and spills sorted runs to disk past
    ``limitmb`` that it reads back and merges in Python: at 200 scaled documents (about a
    million postings) that was half of writing the batch. Documents are added in docnum order,
    so a term's postings arrive sorted already; only the terms are sorted, when the segment is
    flushed, and a term whose postings did not arrive in order (never, from ``add_document``)
    is sorted on its own. The stream is item for item what whoosh's pool yields, and the same
    size estimate decides when a run is spilled, so memory stays bounded the same way.
    """

    def __init__(self, tempstore: Any, segment: Any, limitmb: int = 128, **kwargs: Any) -> None:
        super().__init__(tempstore, segment, limitmb=limitmb, **kwargs)
        self._groups: dict[tuple, list[tuple]] = {}
        self._unordered: set[tuple] = set()

    def add(self, item: tuple) -> None:
        # item = (fieldname, tbytes, docnum, weight, vbytes)
        key = item[:2]
        group = self._groups.get(key)
        if group is None:
            self._groups[key] = [item]
            self.fieldnames.add(item[0])
        else:
            if item[2] <= group[-1][2]:
                self._unordered.add(key)
            group.append(item)
        # whoosh's estimate of the item's size (PostingPool.add), so runs spill at the same point.
        self.currentsize += 150 + len(item[0]) + 2 * len(item[1]) + len(item[4] or "")
        if self.currentsize > self.limit:
            self.save()

    def _sorted(self) -> Iterator[tuple]:
        groups, unordered = self._groups, self._unordered
        self._groups, self._unordered = {}, set()
        for key in sorted(groups):
            group = groups[key]
            if key in unordered:
                group.sort()
            yield from group

    def save(self) -> None:
        if self._groups:
            path, f = self._new_run()
            self._write_run(f, self._sorted())
            self._add_run(path)
        self.currentsize = 0

    def items(self, maxfiles: int = 128) -> Iterator[tuple]:
        if not self.runs:
            return self._sorted()
        self.save()
        if maxfiles < len(self.runs):
            self.reduce_to(maxfiles, maxfiles)
        runs, self.runs = self.runs, []
        return self._merge_runs(runs)


class FastSegmentWriter(SegmentWriter):
    """whoosh's SegmentWriter, with field lengths read once per document when flushing, and
    segments merged by streaming their postings instead of re-sorting them.

    whoosh merges a segment (`add_reader`) by pushing every one of its postings through the
    writer's sorting pool: sorted again, spilled to disk in runs past `limitmb`, read back and
    merged. A segment's postings are already in order, so here each merged segment stays a
    sorted stream (documents renumbered, deleted ones left out) and the streams are merged with
    the new documents' postings when the segment is flushed. At 3,400 scaled documents the
    pool path was three quarters of the ingest process's time.
    """

    def __init__(self, *args: Any, limitmb: int = 128, private_temp: bool = False, spelling: bool = False,
                 **kwargs: Any) -> None:
        super().__init__(*args, limitmb=limitmb, **kwargs)
        # With `spelling`, the segment gets a vocabulary file: add_spelling() per passage added,
        # and merged segments' live passages counted by add_reader().
        self._spelling: Counter | None = Counter() if spelling else None
        if private_temp:
            # whoosh names a writer's temporary folder after the index and deletes it when the
            # writer finishes: writers running side by side (ingest workers) each need their own.
            self._tempstorage = self.storage.temp_storage()
        self.pool = GroupedPostingPool(self._tempstorage, self.newsegment, limitmb=limitmb)
        self._merged_readers: list = []
        self._merged_postings: list[Iterator[tuple]] = []

    def add_reader(self, reader: Any) -> None:
        """Copy a segment's documents in; its postings are read when the segment is flushed,
        from a reader of the writer's own (whoosh's merge policies close theirs right away)."""
        if not isinstance(reader, SegmentReader):
            super().add_reader(reader)
            return
        self._check_state()
        reader = SegmentReader(self.storage, self.schema, reader.segment())
        if self._spelling is not None:
            known = None if reader.has_deletions() else read_spelling(reader)
            self._spelling.update(known if known is not None else passage_spelling(reader))
        basedoc = self.docnum
        indexed = {name for name in reader.indexed_field_names() if name in self.schema}
        docmap = self.write_per_doc(set(self.schema.names()) | indexed, reader)
        self._merged_readers.append(reader)
        self._merged_postings.append(self._process_posts(reader.iter_postings(), basedoc, docmap))
        self._added = True

    def add_spelling(self, words: Iterable[str]) -> None:
        """Count one passage's distinct spelling words (`search.analysis.spelling_words`)."""
        if self._spelling is not None:
            self._spelling.update(words)

    def _flush_segment(self) -> None:
        if self._spelling is not None:
            # Among the segment's files, so it goes into the compound file with them.
            with self.newsegment.create_file(self.storage, SPELLING_EXT) as fh:
                fh.write("".join(f"{w}\t{n}\n" for w, n in sorted(self._spelling.items()) if n > 0).encode("utf-8"))
        self.perdocwriter.close()
        lengths = None
        if self.codec.length_stats:
            lengths = _FieldLengths(self.per_document_reader(), self.docnum)
        postings = self.pool.iter_postings()
        if self._merged_postings:
            # Tuples (field, term, docnum, ...) order as the pool does; docnums never repeat.
            postings = heapq.merge(postings, *self._merged_postings)
        try:
            self.fieldwriter.add_postings(self.schema, lengths, postings)
        finally:
            self._close_merged()
        self.fieldwriter.close()
        if lengths is not None:
            lengths.close()

    def _close_merged(self) -> None:
        self._merged_postings = []
        for reader in self._merged_readers:
            reader.close()
        self._merged_readers = []

    def cancel(self) -> None:
        self._close_merged()
        super().cancel()

    def _close_segment(self) -> None:
        self._close_merged()
        super()._close_segment()
