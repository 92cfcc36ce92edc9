"""The faster whoosh segment writer writes what whoosh's own writer writes.

Compared term by term: every posting (document, weight, value) and every term's statistics
(document frequency, min/max field length, max weight), which BM25 and whoosh's block
skipping read.
"""
from __future__ import annotations

import random

from whoosh import index as windex
from whoosh.writing import SegmentWriter

from search.common import passage_fields
from search.whoosh_engine import whoosh_schema
from search.whoosh_writing import FastSegmentWriter
from tests.test_search_vectors import _passages


def _write(path, writer_class) -> windex.Index:
    rng = random.Random(11)
    path.mkdir()
    ix = windex.create_in(str(path), whoosh_schema())
    writer = writer_class(ix)
    for d in range(4):
        for p in _passages(f"doc-{d}.txt", 70, rng):
            values = passage_fields(p)
            values["entity"] = " ".join(values["entity"])
            writer.add_document(**values)
    writer.commit()
    return ix


def _dump(ix: windex.Index) -> dict:
    out = {}
    with ix.searcher() as searcher:
        reader = searcher.reader()
        for fieldname, btext in reader.all_terms():
            info = reader.term_info(fieldname, btext)
            postings = reader.postings(fieldname, btext)
            items = []
            while postings.is_active():
                items.append((postings.id(), postings.weight(), postings.value()))
                postings.next()
            out[(fieldname, btext)] = (info.doc_frequency(), info.weight(), info.min_length(), info.max_length(),
                                       info.max_weight(), items)
        out["lengths"] = [reader.doc_field_length(d, f) for d in range(reader.doc_count_all())
                          for f in ("title", "text", "committee", "council")]
    return out


def test_fast_writer_writes_the_same_postings_and_statistics(tmp_path):
    ours = _dump(_write(tmp_path / "fast", FastSegmentWriter))
    whooshs = _dump(_write(tmp_path / "plain", SegmentWriter))
    assert len(ours) > 100
    assert ours == whooshs


def _merged(path, writer_class) -> windex.Index:
    """Three segments (one with deletions), then one commit adding documents and merging them all."""
    from whoosh.writing import OPTIMIZE

    rng = random.Random(5)
    path.mkdir()
    ix = windex.create_in(str(path), whoosh_schema())
    for d in range(3):
        writer = SegmentWriter(ix)
        for p in _passages(f"doc-{d}.txt", 50, rng):
            values = passage_fields(p)
            values["entity"] = " ".join(values["entity"])
            writer.add_document(**values)
        writer.commit(merge=False)
    writer = writer_class(ix)
    writer.delete_by_term("document", "doc-1.txt")
    for p in _passages("doc-new.txt", 40, rng):
        values = passage_fields(p)
        values["entity"] = " ".join(values["entity"])
        writer.add_document(**values)
    writer.commit(mergetype=OPTIMIZE)
    return ix


def test_streamed_merge_writes_what_whoosh_merge_writes(tmp_path):
    ours, whooshs = _merged(tmp_path / "fast", FastSegmentWriter), _merged(tmp_path / "plain", SegmentWriter)
    assert len(ours._read_toc().segments) == 1 == len(whooshs._read_toc().segments)
    assert ours.doc_count() == 140
    with ours.searcher() as a, whooshs.searcher() as b:
        assert list(a.reader().all_stored_fields()) == list(b.reader().all_stored_fields())
    assert _dump(ours) == _dump(whooshs)


def test_grouped_pool_yields_whooshs_posting_stream(tmp_path):
    """Item for item what whoosh's pool yields: in memory, with runs spilled to disk (a tiny
    limit), and with postings that arrive out of docnum order or twice for one docnum."""
    from whoosh.filedb.filestore import FileStorage
    from whoosh.writing import PostingPool

    from search.whoosh_writing import GroupedPostingPool

    rng = random.Random(3)
    words = [f"w{i}".encode() for i in range(40)]
    items = []
    for docnum in range(300):
        for field in ("text", "title", "spell"):
            for word in rng.sample(words, 8):
                items.append((field, word, docnum, float(rng.randint(1, 3)), bytes([rng.randint(0, 9)])))
    items += [("text", words[0], 5, 1.0, b"\x01"), ("text", words[1], 2, 2.0, None), ("title", words[2], 299, 1.0, b"")]
    storage = FileStorage(str(tmp_path))
    for limitmb in (64, 0.01):
        plain, grouped = PostingPool(storage, None, limitmb=limitmb), GroupedPostingPool(storage, None, limitmb=limitmb)
        for item in items:
            plain.add(item)
            grouped.add(item)
        spilled = bool(grouped.runs)
        assert list(grouped.items()) == list(plain.items())
        assert grouped.fieldnames == plain.fieldnames
        assert spilled == (limitmb < 1)
