"""The whoosh engine's compact per-docnum columns (search/whoosh_columns.py) against whoosh's own
column and stored-field readers, and its key order against Python's sort of the keys."""
from __future__ import annotations

import random
from collections import Counter

import numpy as np
import pytest
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.columns import PickleColumn, VarBytesColumn
from whoosh.filedb.filestore import FileStorage

from search.base import IndexedPassage, SearchQuery
from search.common import FACET_FIELDS
from search.query import validate
from search.whoosh_columns import (StoredFields, coded_column, join_coded, key_bytes_of, key_ranks,
                                   length_bytes, numeric_column)
from search.whoosh_engine import WhooshIndex, _leaves

WORDS = ("school", "meals", "budget", "training", "improvement", "council", "pupils", "plan")


def _passages(document: str, n: int, rng: random.Random, committee: bool = True) -> list[IndexedPassage]:
    out = []
    for i in range(n):
        date = rng.choice([None, f"20{rng.randint(10, 24)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}", "2019-05"])
        out.append(IndexedPassage(
            # keys in no particular order of docnums, some sharing long prefixes, one non-ASCII
            f"{rng.choice(['b', 'a', 'ab', 'Ω'])}-{document}#{rng.randint(0, 10**6):07d}-{i}",
            document=document, kind=rng.choice(("resolution", "report", "inspection")),
            title=" ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 4))),
            text=" ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 30))),
            committee=rng.choice(("Cabinet", "Audit Committee", "Überview", None)) if committee else None,
            date=date))
    return out


@pytest.fixture(scope="module")
def index(tmp_path_factory) -> WhooshIndex:
    """Five segments: deletions in an old one, and one written by whoosh's own writer with
    neither committees nor days (no column files for them)."""
    rng = random.Random(11)
    ix = WhooshIndex(tmp_path_factory.mktemp("columns"))
    for batch in range(3):
        ix.replace_documents({f"d{batch}-{d}.txt": _passages(f"d{batch}-{d}.txt", 40, rng, committee=batch != 1)
                              for d in range(3)})
    ix.replace_documents({"d0-1.txt": _passages("d0-1.txt", 15, rng)})
    writer = ix._ix.writer()
    for i in range(12):
        writer.add_document(key=f"plain#{i:02d}", document="plain.txt", kind="report", text="school plan",
                            title="school")
    writer.commit(merge=False)
    leaves = _leaves(ix._searcher().reader())
    assert len(leaves) > 2 and any(r.has_deletions() for r, _, _ in leaves)
    assert any(not r.has_column("committee_id") for r, _, _ in leaves)
    yield ix
    ix.close()


def test_columns_read_as_whoosh_reads_them(index):
    for reader, _, _ in _leaves(index._searcher().reader()):
        expected_days = [d or 0 for d in reader.column_reader("day")] if reader.has_column("day") else [0] * reader.doc_count_all()
        assert numeric_column(reader, "day").tolist() == expected_days
        for field in sorted(set(FACET_FIELDS.values())):
            codes, labels = coded_column(reader, field)
            expected = list(reader.column_reader(field)) if reader.has_column(field) else [""] * reader.doc_count_all()
            assert [labels[c] for c in codes.tolist()] == expected
        for field in ("title", "text", "committee"):
            column = reader._perdoc._cached_reader(_lenfield(field), LENGTHS_COLUMN)
            expected = list(column) if column is not None else [0] * reader.doc_count_all()
            assert length_bytes(reader, _lenfield(field), LENGTHS_COLUMN).tolist() == expected
        blob, starts, lengths = key_bytes_of(reader)
        data = blob.tobytes()
        assert [data[s:s + n].decode("utf-8") for s, n in zip(starts.tolist(), lengths.tolist())] == \
            list(reader.column_reader("key"))


def test_joined_facet_codes_sort_their_values_as_numpy_did():
    parts = [(np.array([0, 1, 0, 2], dtype=np.uint32), ["b", "", "Ω"]), (np.array([1, 0], dtype=np.uint32), ["a", "b"]),
             (np.array([], dtype=np.uint32), [])]
    codes, labels = join_coded(parts)
    values = ["b", "", "b", "Ω", "b", "a"]
    old_labels, old_codes = np.unique(np.asarray(values, dtype=object).astype(str), return_inverse=True)
    assert labels == list(old_labels) and codes.tolist() == old_codes.tolist() and codes.dtype == np.uint8


def _ranks_of(segments: list[list[bytes]]) -> list[int]:
    def key_bytes(i):
        values = segments[i]
        lengths = np.array([len(v) for v in values], dtype=np.int64)
        starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64) if values else lengths
        return np.frombuffer(b"".join(values), dtype=np.uint8), starts, lengths

    return key_ranks([len(s) for s in segments], key_bytes).tolist()


def _python_ranks(segments: list[list[bytes]]) -> list[int]:
    keys = [k for s in segments for k in s]
    order = sorted(range(len(keys)), key=keys.__getitem__)
    rank = [0] * len(keys)
    for place, docnum in enumerate(order):
        rank[docnum] = place
    return rank


def test_key_order_is_pythons_sort_of_the_keys():
    """Keys of every length (0 to 40 bytes, across the 8-byte words), equal prefixes, NUL bytes
    (a key that is another's prefix plus NULs), repeats (docnum order), non-ASCII, empty segments."""
    rng = random.Random(5)
    alphabet = [b"\x00", b"a", b"b", b"\xff", b"#", b"0", b"9"]
    for trial in range(200):
        segments = []
        for _ in range(rng.randint(1, 4)):
            keys = []
            for _ in range(rng.randint(0, 60)):
                if keys and rng.random() < 0.2:
                    keys.append(rng.choice(keys) + rng.choice([b"", b"\x00", b"\x00\x00", b"a"]))
                else:
                    stem = rng.choice([b"", b"council-report-2019-", b"council-report-2019-05-"])
                    keys.append(stem + b"".join(rng.choice(alphabet) for _ in range(rng.randint(0, 20))))
            segments.append(keys)
        assert _ranks_of(segments) == _python_ranks(segments), trial
    text = [["Ωmega", "omega", "éclair", "eclair", "zebra#0001"], ["zebra#0010", "zebra#0002", "Zebra"]]
    as_bytes = [[k.encode("utf-8") for k in s] for s in text]
    keys = [k for s in text for k in s]
    assert _ranks_of(as_bytes) == [sorted(keys).index(k) for k in keys]  # str order of UTF-8 keys


def test_key_order_of_an_index_is_the_order_of_its_keys(index):
    searcher = index._searcher()
    leaves = _leaves(searcher.reader())
    keys = [k for reader, _, _ in leaves for k in reader.column_reader("key")]
    arrays = index._arrays(searcher, leaves)
    assert arrays.key_rank.tolist() == _python_ranks([[k.encode("utf-8") for k in keys]])


def test_stored_fields_read_as_whoosh_reads_them(index):
    searcher = index._searcher()
    reader = searcher.reader()
    for docnum in range(reader.doc_count_all()):
        assert index._stored(docnum) == searcher.stored_fields(docnum)


@pytest.mark.parametrize("cutoff", [4, 2**15])
def test_stored_fields_with_and_without_an_offset_table(tmp_path, cutoff):
    """whoosh writes a table of offsets only for columns of more than `cutoff` documents; both
    layouts are read, at a column that does not start the file, values empty or not."""
    storage = FileStorage(str(tmp_path))
    values = [{"key": f"k{i}", "text": "x" * (i % 7)} if i % 5 else None for i in range(40)]
    f = storage.create_file("col")
    f.write(b"prefix bytes")
    base = f.tell()
    writer = PickleColumn(VarBytesColumn(write_offsets_cutoff=cutoff)).writer(f)
    for docnum, value in enumerate(values):
        if value is not None:
            writer.add(docnum, value)
    writer.finish(len(values))
    length = f.tell() - base
    f.close()
    stored = StoredFields(tmp_path / "col", base, length, len(values))
    assert [stored.get(d) for d in range(len(values))] == [v or {} for v in values]


def _plain(index: WhooshIndex):
    """Per live docnum: (key, day, kind, committee, year) from the stored fields, the plain way."""
    from search.analysis import day_number, year_of

    searcher = index._searcher()
    rows = {}
    for docnum in searcher.reader().all_doc_ids():
        stored = searcher.stored_fields(docnum)
        rows[docnum] = (stored["key"], day_number(stored.get("date") or None), stored["kind"],
                        stored.get("committee_id") or "", year_of(stored.get("date") or None) or "")
    return rows


@pytest.mark.parametrize("q", ["school", "budget training", '"school meals"', "scho*", "pupils OR plan*"])
def test_sorts_and_facets_agree_with_the_stored_fields(index, q):
    """Both whoosh paths (arrays, and whoosh's matchers for prefixes): facets counted and the
    first rows in key and date order are those of the stored values sorted in Python."""
    plain = _plain(index)
    for kwargs in ({}, {"kind": "report"}, {"date_from": "2015-01-01", "date_to": "2019-12-31"}):
        compiled = index._compile(validate(SearchQuery(q=q, **kwargs)))
        rows, total, facets = index._ranked(compiled, "key", 10**6, with_facets=True)
        matched = [r.address for r in rows]
        assert len(matched) == total > 0
        for name, column in (("kind", 2), ("committee", 3), ("year", 4)):
            expected = Counter(plain[d][column] for d in matched)
            expected.pop("", None)
            assert facets[name] == dict(expected), (q, kwargs, name)
        assert matched == sorted(matched, key=lambda d: plain[d][0])
        for sort, sign in (("date", 1), ("-date", -1)):
            by_date = [r.address for r in index._ranked(compiled, sort, 25)[0]]
            assert by_date == sorted(matched, key=lambda d: (sign * plain[d][1], plain[d][0]))[:25]


def test_the_vocabulary_lists_what_the_segments_count(index):
    from search.whoosh_engine import _spelling_part

    counts = Counter()
    for reader, _, _ in _leaves(index._searcher().reader()):
        counts.update(_spelling_part(reader))
    assert len(counts) > 5
    prefixes = {""} | {w[:1] for w in counts} | {w[:2] for w in counts} | {"zz", "sch", "school", "schoolz"}
    for prefix in sorted(prefixes):
        expected = sorted((w, c) for w, c in counts.items() if w.startswith(prefix))
        assert list(index._vocabulary(prefix)) == expected, prefix
