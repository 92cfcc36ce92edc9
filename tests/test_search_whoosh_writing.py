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
            values.pop("spell")  # a vocabulary file, not a field (search/whoosh_writing.py)
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
            values.pop("spell")  # a vocabulary file, not a field (search/whoosh_writing.py)
            writer.add_document(**values)
        writer.commit(merge=False)
    writer = writer_class(ix)
    writer.delete_by_term("document", "doc-1.txt")
    for p in _passages("doc-new.txt", 40, rng):
        values = passage_fields(p)
        values["entity"] = " ".join(values["entity"])
        values.pop("spell")  # a vocabulary file, not a field (search/whoosh_writing.py)
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


def test_vocabulary_file_counts_what_a_spell_field_would(tmp_path):
    """A segment's vocabulary file gives each word the document frequency a "spell" field of the
    same words would have: for new segments, and for merged ones whose sources had deletions
    (their live passages only), segment by segment."""
    from whoosh import fields as wfields
    from whoosh.reading import SegmentReader
    from whoosh.writing import OPTIMIZE

    from search.analysis import spelling_words, words_analyzer
    from search.whoosh_engine import _spelling_part
    from search.whoosh_writing import read_spelling

    schema = whoosh_schema()
    schema.add("spell", wfields.TEXT(analyzer=words_analyzer(), phrase=False))
    path = tmp_path / "ix"
    path.mkdir()
    ix = windex.create_in(str(path), schema)
    rng = random.Random(8)

    def commit(documents, delete=(), mergetype=None):
        writer = FastSegmentWriter(ix, spelling=True)
        for name in delete:
            writer.delete_by_term("document", name)
        for name in documents:
            for p in _passages(name, 15, rng):
                values = passage_fields(p)
                values["entity"] = " ".join(values["entity"])
                words = spelling_words(values["spell"])
                values["spell"] = " ".join(sorted(words))
                writer.add_spelling(words)
                writer.add_document(**values)
        writer.commit(mergetype=mergetype) if mergetype else writer.commit(merge=False)

    def check():
        toc = ix._read_toc()
        assert toc.segments
        for segment in toc.segments:
            reader = SegmentReader(ix.storage, schema, segment)
            field = {(t.decode() if isinstance(t, bytes) else t): i.doc_frequency() for t, i in reader.iter_field("spell")}
            assert read_spelling(reader) == field
            reader.close()

    commit(["a.txt", "b.txt"])
    commit(["c.txt"])
    check()
    commit(["b.txt"], delete=["b.txt"])  # replaced: deletions in the first segment
    check()
    commit(["d.txt"], delete=["c.txt"], mergetype=OPTIMIZE)  # one segment from sources with deletions
    check()
    commit(["e.txt"])
    commit([], mergetype=OPTIMIZE)  # sources without deletions: their files are summed
    check()
    # and the engine reads the file, not the field
    reader = SegmentReader(ix.storage, schema, ix._read_toc().segments[0])
    assert _spelling_part(reader) == read_spelling(reader) and len(read_spelling(reader)) > 10
    reader.close()


def test_an_index_from_before_the_vocabulary_file_still_suggests(tmp_path):
    """Indexes written with the old "spell" field: their segments' field terms serve "did you
    mean", beside the files of segments written since."""
    from whoosh import fields as wfields

    from search import SearchQuery
    from search.analysis import spelling_words, words_analyzer
    from search.base import IndexedPassage
    from search.whoosh_engine import WhooshIndex

    schema = whoosh_schema()
    schema.add("spell", wfields.TEXT(analyzer=words_analyzer(), phrase=False))
    path = tmp_path / "old"
    path.mkdir()
    ix = windex.create_in(str(path), schema)
    writer = SegmentWriter(ix)
    old = IndexedPassage("old.txt#1", "old.txt", "minutes", "Allotments", "The allotment waiting list grew.")
    values = passage_fields(old)
    values["entity"] = " ".join(values["entity"])
    values["spell"] = " ".join(sorted(spelling_words(values["spell"])))
    writer.add_document(**values)
    writer.commit()
    index = WhooshIndex(path)
    assert index.search(SearchQuery("allotmnts")).suggestion == "allotments"
    index.replace_documents({"new.txt": [IndexedPassage("new.txt#1", "new.txt", "minutes", "Libraries",
                                                        "Library opening hours were extended.")]})
    assert index.search(SearchQuery("libary")).suggestion == "library"
    assert index.search(SearchQuery("allotmnts")).suggestion == "allotments"
    index.close()
