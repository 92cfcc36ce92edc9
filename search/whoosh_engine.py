"""The default engine: whoosh (pure Python)."""
from __future__ import annotations

import bisect
import heapq
import math
import threading
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable

import numpy as np
from whoosh import fields, index
from whoosh import query as wq
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.filedb.filestore import FileStorage
from whoosh.searching import Searcher

from search.analysis import spelling_words, stemming_analyzer
from search.base import IndexedPassage
from search.common import FACET_FIELDS, FILTER_FIELDS, EngineIndex, Ranked, passage_fields
from search.query import Request
from search.whoosh_writing import FastSegmentWriter, read_spelling
from search.whoosh_vectors import Hits, PostingsCache, Unsupported, VectorSearcher, top_by_score
from search.whoosh_vectors import _restrict as restrict

WRITER_LOCK_TIMEOUT = 60.0  # seconds to wait for another process's writer
# whoosh's estimate of the postings a writer keeps in memory before spilling a sorted run to disk.
# Spilled runs are read back and merged in Python: at 128 MB a batch of 200 scaled documents (1.7M
# postings) spilled three runs and took 32-38 s to index; at 512 MB it stays in memory, 16-19 s,
# for about 200 MB more of peak memory.
WRITER_LIMIT_MB = 512
_COLUMNS = ("key", "day", *sorted(set(FACET_FIELDS.values())))  # sortable columns read per docnum


@dataclass
class _Compiled:
    tree: wq.Query
    filters: list[tuple[str, str]]  # (field, exact value), all required
    days: tuple[int, int] | None  # inclusive YYYYMMDD range


def _leaves(reader) -> list[tuple[Any, int, str]]:
    """(segment reader, docnum offset, segment id) of each segment of a reader."""
    if reader.doc_count_all() == 0:
        return []
    return [(r, offset, r.segment().segment_id()) for r, offset in reader.leaf_readers()]


def _has_multiterm(tree: wq.Query) -> bool:
    return any(isinstance(q, wq.MultiTerm) for q in tree.leaves()) if not tree.is_leaf() else isinstance(tree, wq.MultiTerm)


_SCORE_ALL_BELOW = 4  # score each match directly when they are under 1/4 of the index


def _top_scored(searcher: Searcher, tree: wq.Query, docs: set[int], n: int) -> list[tuple[float, int]]:
    """The n best (score, docnum) among `docs` (all known to match `tree`), scoring only
    them: the matcher skips straight to each one instead of stepping through every
    candidate, which is what makes a selective phrase or a filtered query cheap. Ties go
    to the lower docnum, as in whoosh's own collector."""
    context = searcher.context()
    tree = _scoring_tree(tree)
    heap: list[tuple[float, int]] = []
    ordered = sorted(docs)
    i = 0
    for sub, offset in searcher.leaf_searchers():
        end = offset + sub.doc_count_all()
        matcher = tree.matcher(sub, context)
        while i < len(ordered) and ordered[i] < end:
            local = ordered[i] - offset
            i += 1
            if not matcher.is_active():
                continue
            if matcher.id() < local:
                matcher.skip_to(local)
            if matcher.is_active() and matcher.id() == local:
                item = (matcher.score(), -(local + offset))
                if len(heap) < n:
                    heapq.heappush(heap, item)
                elif item > heap[0]:
                    heapq.heapreplace(heap, item)
        i = max(i, bisect.bisect_left(ordered, end))
    return [(score, -negated) for score, negated in sorted(heap, reverse=True)]


def _scoring_tree(node: wq.Query) -> wq.Query:
    """`node` with each phrase replaced by the AND of its words. whoosh scores a phrase match
    as exactly that sum (its span matcher wraps the intersection), but building a phrase
    matcher scans ahead to the first match; for documents already known to match, the AND
    gives the same scores without the scan."""
    if isinstance(node, wq.Phrase):
        return wq.And([wq.Term(node.fieldname, word) for word in node.words], boost=node.boost)
    return node if node.is_leaf() else node.apply(_scoring_tree)


class _Matcher:
    """The docnums a query matches, as a set, by set algebra over whole posting lists:
    far cheaper in Python than stepping whoosh's matchers document by document. Nodes it
    does not know (phrases, prefixes, ranges...) are left to whoosh (`Query.docs`)."""

    def __init__(self, searcher: Searcher):
        self.searcher = searcher
        self.reader = searcher.reader()
        self.leaves = _leaves(self.reader)
        # Set algebra runs on every docnum, deleted or not; deletions are removed once at the end.
        self.deleted = {offset + d for reader, offset, _ in self.leaves for d in reader.deleted_docs_set}

    def docs(self, node: wq.Query) -> set[int]:
        """Live docnums matching `node`."""
        return self._docs(node) - self.deleted

    def _docs(self, node: wq.Query) -> set[int]:
        kind = type(node)
        if kind is wq.Term:
            return self.term_docs(node.fieldname, node.text)
        if kind in (wq.And, wq.Require):
            parts = sorted((self._docs(child) for child in node.children()), key=len)
            out = parts[0]
            for part in parts[1:]:
                out &= part
            return out
        if kind is wq.Or and getattr(node, "minmatch", 0) <= 1:
            out: set[int] = set()
            for child in node.children():
                out |= self._docs(child)
            return out
        if kind is wq.Every and node.fieldname in (None, "", "*"):
            return set(range(self.reader.doc_count_all()))
        if kind is wq.Not:
            return set(range(self.reader.doc_count_all())) - self._docs(node.query)
        if kind is wq.AndNot:
            return self._docs(node.a) - self._docs(node.b)
        if kind is wq.AndMaybe:
            return self._docs(node.a)
        return set(self.searcher.docs_for_query(node))

    def term_docs(self, field: str, text: str) -> set[int]:
        """Docnums whose `field` holds `text`, deleted ones included."""
        out: set[int] = set()
        for reader, offset, _ in self.leaves:
            if (field, text) not in reader:
                continue
            postings = reader.postings(field, text)
            while not isinstance(postings, W3LeafMatcher) and hasattr(postings, "child"):
                postings = postings.child  # the deletion filter: applied once, in docs()
            if isinstance(postings, W3LeafMatcher):
                ids: list[int] = []
                while postings.is_active():  # whole blocks at a time
                    if postings._ids is None:
                        postings._read_ids()
                    ids.extend(postings._ids)
                    postings._next_block()
            else:
                ids = list(postings.all_ids())
            out.update(map(offset.__add__, ids) if offset else ids)
        return out


_COMBINED_BINS = 1 << 20  # facet value combinations counted in one array (8 MB of counts)


def _counted(counts: np.ndarray, labels: list) -> dict[str, int]:
    """Value -> count for the values counted at least once (empty values left out)."""
    return {str(labels[i]): int(c) for i in np.nonzero(counts)[0] for c in (counts[i],) if labels[i] not in ("", "None")}


class _Columns:
    """numpy views of the per-docnum columns of one set of segments."""

    def __init__(self, stamp: tuple, searcher: Searcher, leaves, columns: dict[str, list]):
        self.stamp = stamp
        total = searcher.doc_count_all()
        self.live = np.ones(total, dtype=bool)
        for reader, offset, _ in leaves:
            deleted = list(reader.deleted_docs_set) if reader.has_deletions() else []
            if deleted:
                self.live[np.asarray(deleted, dtype=np.int64) + offset] = False
        self.day = np.asarray([d or 0 for d in columns["day"]], dtype=np.int64)
        self._columns = columns
        self._facets: dict[str, tuple[np.ndarray, list]] = {}
        self._combined: dict[tuple, np.ndarray] = {}  # facet columns -> each docnum's combination code
        self._key_rank: np.ndarray | None = None
        self.field_lengths: dict[str, np.ndarray] = {}  # filled by VectorSearcher.field_lengths
        self._lock = threading.Lock()

    def _coded(self, field: str) -> tuple[np.ndarray, list]:
        """A facet column as codes (each docnum's value's place among the sorted values) and values."""
        with self._lock:
            coded = self._facets.get(field)
            if coded is None:
                labels, codes = np.unique(np.asarray([v if v is not None else "" for v in self._columns[field]], dtype=object)
                                          .astype(str), return_inverse=True)
                coded = self._facets[field] = (codes.astype(np.int64), list(labels))
        return coded

    def facet_counts(self, field: str, ids: np.ndarray) -> dict[str, int]:
        """Value -> number of `ids` with it, for a facet column (empty values left out)."""
        codes, labels = self._coded(field)
        if not len(ids):
            return {}
        ids = ids.astype(np.int64, copy=False)
        return _counted(np.bincount(codes[ids], minlength=len(labels)), labels)

    def facets(self, fields: dict[str, str], ids: np.ndarray) -> dict[str, dict[str, int]]:
        """`facet_counts` of several facet columns at once (name -> column).

        Each docnum has one code for its combination of values (a place in the product of the
        columns' values), so one gather and one count over all matches give every facet, the
        sums along the other columns: at 10,000 documents (100k matches) 1.2 ms for three
        columns one by one, 0.3 ms together. Past `_COMBINED_BINS` combinations, one by one."""
        names = list(fields)
        coded = [self._coded(fields[name]) for name in names]
        sizes = [len(labels) for _, labels in coded]
        if not len(ids) or math.prod(sizes) > _COMBINED_BINS:
            return {name: self.facet_counts(fields[name], ids) for name in names}
        with self._lock:
            key = tuple(fields[name] for name in names)
            combined = self._combined.get(key)
            if combined is None:
                combined = np.zeros(len(coded[0][0]), dtype=np.int64)
                for (codes, _), size in zip(coded, sizes):
                    combined = combined * size + codes
                combined = self._combined[key] = combined.astype(np.int32)
        counts = np.bincount(combined[ids], minlength=math.prod(sizes)).reshape(sizes)
        out = {}
        for axis, (name, (_, labels)) in enumerate(zip(names, coded)):
            others = tuple(a for a in range(len(sizes)) if a != axis)
            out[name] = _counted(counts.sum(axis=others) if others else counts, labels)
        return out

    def key_rank(self) -> np.ndarray:
        """Each docnum's place in key order (computed on first use)."""
        with self._lock:
            if self._key_rank is None:
                keys = self._columns["key"]
                order = sorted(range(len(keys)), key=keys.__getitem__)
                rank = np.empty(len(keys), dtype=np.int64)
                rank[np.asarray(order, dtype=np.int64)] = np.arange(len(keys), dtype=np.int64)
                self._key_rank = rank
            return self._key_rank

    def first_by(self, ids: np.ndarray, n: int, day_sign: int | None = None) -> list[int]:
        """The first n of `ids` in key order, or in (day × day_sign, key) order."""
        if not len(ids) or n <= 0:
            return []
        rank = self.key_rank()[ids]
        if day_sign is None:
            order = np.argsort(rank, kind="stable")[:n]
        else:
            order = np.lexsort((rank, day_sign * self.day[ids]))[:n]
        return [int(d) for d in ids[order]]


MERGE_BELOW_PASSAGES = 50_000  # segments smaller than this are merged; larger ones are left alone
MERGE_FACTOR = 8  # small segments of about one size are merged once there are this many of them
MERGE_DELETED_SHARE = 0.3  # ... and any segment with this share of its passages deleted (replaced documents)


def _size_tier(passages: int) -> int:
    """Segments whose sizes are within a factor of MERGE_FACTOR of each other share a tier."""
    return int(math.log(max(passages, 1), MERGE_FACTOR))


def merge_small_segments(writer, segments: list) -> list:
    """whoosh merge policy: small segments of about one size are merged once there are
    :data:`MERGE_FACTOR` of them (and so are segments mostly deleted); large ones never are.

    whoosh's own MERGE_SMALL sometimes merges everything, in pure Python: at 4,600 documents
    (317k passages) one such commit was still merging after 13 minutes. Merging every small
    segment at every commit (this policy before) rewrote a segment each time a batch came in
    until it grew past the limit, and more often the smaller the batches. By size tiers, as
    Lucene does, a passage is rewritten once per tier it climbs: once, for the segments an
    ingest's workers write per batch (about 7k passages; eight make a large one). The index
    grows by segments of about 50k passages, which the array evaluator
    (search/whoosh_vectors.py) reads one by one anyway.
    """
    from whoosh.reading import SegmentReader

    tiers: dict[int, list] = {}
    for seg in segments:
        if seg.doc_count_all() < MERGE_BELOW_PASSAGES:
            tiers.setdefault(_size_tier(seg.doc_count_all()), []).append(seg)
    full = {id(seg) for tier in tiers.values() if len(tier) >= MERGE_FACTOR for seg in tier}

    def wanted(seg) -> bool:
        total = seg.doc_count_all()
        deleted = total - seg.doc_count()
        return id(seg) in full or (total > 0 and deleted / total >= MERGE_DELETED_SHARE) or seg.doc_count() == 0

    merge = [seg for seg in segments if wanted(seg)]
    if len(merge) < 2 and not any(seg.doc_count() == 0 for seg in merge):
        return segments
    for seg in merge:
        reader = SegmentReader(writer.storage, writer.schema, seg)
        writer.add_reader(reader)
        reader.close()
    return [seg for seg in segments if not wanted(seg)]


def _add_passages(writer, passages: dict[str, list[IndexedPassage]]) -> None:
    for document, items in passages.items():
        for p in items:
            if p.document != document:
                raise ValueError(f"passage {p.key!r} belongs to {p.document!r}, not {document!r}")
            values = passage_fields(p)
            values["entity"] = " ".join(values["entity"])
            # "Did you mean" needs only which words occur in a passage: they go to the
            # segment's vocabulary file, not into postings (search/whoosh_writing.py).
            writer.add_spelling(spelling_words(values.pop("spell")))
            writer.add_document(**values)


def write_segment(path: Path, passages: dict[str, list[IndexedPassage]]) -> Any | None:
    """Write `passages` as a new segment of the whoosh index at `path` without committing it:
    the segment's files are in the index directory, and the returned segment (None when there
    are no passages) is listed by a later `WhooshIndex.commit_prepared`. Takes no lock, so it
    can run in several worker processes at once; files of a segment never committed are
    removed by the next commit."""
    if not any(passages.values()):
        return None
    ix = FileStorage(str(path), supports_mmap=False).open_index()
    writer = FastSegmentWriter(ix, _lk=False, limitmb=WRITER_LIMIT_MB, private_temp=True, spelling=True)
    try:
        _add_passages(writer, passages)
        segment = writer._finalize_segment()
    except BaseException:
        writer.cancel()
        raise
    writer._finish()
    return segment


def whoosh_schema() -> fields.Schema:
    """Stored: only what a hit renders (key, kind, title, text, date, committee, council,
    document, page, entities as JSON). Sortable columns serve sorting and facets."""
    stem = stemming_analyzer()
    return fields.Schema(
        key=fields.ID(stored=True, unique=True, sortable=True),
        document=fields.ID(stored=True),
        kind=fields.ID(stored=True, sortable=True),
        title=fields.TEXT(analyzer=stem, stored=True),  # boosted by the query parser, as in tantivy
        text=fields.TEXT(analyzer=stem, stored=True),
        committee=fields.TEXT(analyzer=stem),
        committee_id=fields.ID(stored=True, sortable=True),
        council=fields.TEXT(analyzer=stem),
        council_id=fields.ID(stored=True),
        date=fields.STORED,
        day=fields.NUMERIC(int, bits=32, signed=False, sortable=True),
        year=fields.ID(sortable=True),
        page=fields.STORED,
        entity=fields.KEYWORD(commas=False, lowercase=False, scorable=False),
        entities=fields.STORED,
    )


class _PerSegment:
    """A value made of one part per segment, remade when the set of segments changes.

    Segments never change once written (deletions live in the TOC), so a part is read once per
    segment and kept while the segment stays; a commit only reads the new segments' parts."""

    def __init__(self, read_part: Callable[[Any], Any], combine: Callable[[list], Any]) -> None:
        self._read_part, self._combine = read_part, combine
        self._lock = threading.Lock()
        self._parts: dict[str, Any] = {}
        self._built: tuple[tuple, Any] | None = None

    def get(self, leaves) -> Any:
        """The value for these leaves (``_leaves`` of a reader)."""
        stamp = tuple(seg for _, _, seg in leaves)
        built = self._built
        if built is not None and built[0] == stamp:
            return built[1]
        with self._lock:
            parts = {}
            for reader, _, seg in leaves:
                part = self._parts.get(seg)
                parts[seg] = part if part is not None else self._read_part(reader)
            self._parts = parts
            value = self._combine([parts[seg] for seg in stamp])
            self._built = (stamp, value)
        return value


def _column_part(reader) -> dict[str, list]:
    return {field: list(reader.column_reader(field)) if reader.has_column(field) else [None] * reader.doc_count_all()
            for field in _COLUMNS}


def _joined_columns(parts: list[dict[str, list]]) -> dict[str, list]:
    merged: dict[str, list] = {field: [] for field in _COLUMNS}
    for part in parts:
        for field in _COLUMNS:
            merged[field].extend(part[field])
    return merged


def _spelling_part(reader) -> dict[str, int]:
    known = read_spelling(reader)
    if known is not None:
        return known
    # A segment written before the vocabulary file existed: its "spell" field's terms.
    if "spell" not in reader.schema:
        return {}
    return {(t.decode("utf-8") if isinstance(t, bytes) else t): info.doc_frequency()
            for t, info in reader.iter_field("spell")}


def _joined_spelling(parts: list[dict[str, int]]) -> tuple[list[str], list[int]]:
    counts: Counter = Counter()
    for part in parts:
        counts.update(part)
    ordered = sorted(counts)
    return ordered, [counts[w] for w in ordered]


class WhooshIndex(EngineIndex):
    """A whoosh index in a directory; one cached searcher per thread, refreshed on change."""

    engine = "whoosh"

    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.mkdir(parents=True, exist_ok=True)
        # Files are read, not memory-mapped: each thread's searcher would map every segment
        # again, and the pages it touched counted once per thread in the server's RSS (at 400
        # scaled documents, 52 MB of segments showed as 340 MB). Read, they sit once in the
        # page cache.
        storage = FileStorage(str(self.path), supports_mmap=False)
        if index.exists_in(str(self.path)):
            self._ix = storage.open_index()
        else:
            self._ix = storage.create_index(whoosh_schema())
        self._local = threading.local()
        self._column_values = _PerSegment(_column_part, _joined_columns)
        self._postings = PostingsCache()
        self._array_cache: _Columns | None = None
        self._spelling_words = _PerSegment(_spelling_part, _joined_spelling)

    # --- writing ---------------------------------------------------------------------
    def replace_documents(self, passages: dict[str, list[IndexedPassage]]) -> None:
        """Replace every passage of each named document with the given ones: one writer, one commit."""
        writer = FastSegmentWriter(self._ix, timeout=WRITER_LOCK_TIMEOUT, limitmb=WRITER_LIMIT_MB, spelling=True)
        try:
            for document in passages:
                writer.delete_by_term("document", document)
            _add_passages(writer, passages)
        except BaseException:
            writer.cancel()
            raise
        writer.commit(mergetype=merge_small_segments)

    def commit_prepared(self, prepared: list[Any], documents: Iterable[str]) -> None:
        """Delete `documents`' passages and list the segments `write_segment` wrote (`prepared`),
        merging small segments as a commit does, in one commit (one new TOC)."""
        segments = [segment for segment in prepared if segment is not None]
        writer = FastSegmentWriter(self._ix, timeout=WRITER_LOCK_TIMEOUT, limitmb=WRITER_LIMIT_MB, spelling=True)
        try:
            for document in documents:
                writer.delete_by_term("document", document)
            final = writer._merge_segments(merge_small_segments, False, True)
            if writer._added:
                final.append(writer._finalize_segment())
            else:
                writer._close_segment()
            writer._commit_toc(final + segments)
        except BaseException:
            writer.cancel()
            raise
        writer._finish()

    def remove_documents(self, documents: Iterable[str]) -> None:
        """Remove every passage of the named documents (one commit)."""
        self.replace_documents({d: [] for d in documents})

    # --- reading ---------------------------------------------------------------------
    def _searcher(self) -> Searcher:
        """This thread's searcher, refreshed when a commit happened (a cheap TOC check)."""
        searcher = getattr(self._local, "searcher", None)
        if searcher is None:
            searcher = self._ix.searcher()
        elif not searcher.up_to_date():
            # Not searcher.refresh(): it reuses segment readers whose deletions are stale (a
            # replaced passage stays visible) and fails on an empty index's reader.
            searcher.close()
            searcher = self._ix.searcher()
        self._local.searcher = searcher
        return searcher

    def documents(self) -> dict[str, int]:
        """Document name -> number of passages in the index (deleted passages excluded)."""
        reader = self._searcher().reader()
        counts: dict[str, int] = {}
        for term in reader.field_terms("document"):
            n = sum(1 for _ in reader.postings("document", term).all_ids())
            if n:
                counts[term] = n
        return counts

    def count(self) -> int:
        """Number of passages."""
        return self._searcher().doc_count()

    def close(self) -> None:
        searcher = getattr(self._local, "searcher", None)
        if searcher is not None:
            searcher.close()
            self._local.searcher = None

    # --- engine primitives ------------------------------------------------------------
    def _compile(self, request: Request) -> _Compiled:
        q = request.query
        filters = [(field, getattr(q, name)) for name, field in FILTER_FIELDS.items() if getattr(q, name)]
        days = None
        if request.day_from or request.day_to:
            # Undated passages are stored as day 0; a date filter never matches them.
            days = (request.day_from or 1, request.day_to or 99_999_999)
        return _Compiled(request.parsed.tree, filters, days)

    def _ranked(self, compiled: _Compiled, sort: str, n: int, with_facets: bool = False):
        """Matches, total and facets by array algebra over cached postings (`search.whoosh_vectors`);
        trees it does not evaluate (prefix, wildcard, fuzzy...) go through whoosh's matchers."""
        searcher = self._searcher()
        leaves = _leaves(searcher.reader())
        arrays = self._arrays(searcher, leaves)
        try:
            vectors = VectorSearcher(searcher, self._postings, leaves, arrays.field_lengths)
            hits = vectors.evaluate(compiled.tree)
        except Unsupported:
            return self._ranked_by_sets(compiled, sort, n, with_facets)
        if len(hits.ids):
            live = arrays.live[hits.ids]
            if not live.all():
                hits = Hits(hits.ids[live], hits.scores[live])
        for field, value in compiled.filters:
            hits = restrict(hits, vectors.postings(field, value)[0])
        if compiled.days and len(hits.ids):
            low, high = compiled.days
            day = arrays.day[hits.ids]
            keep = (day >= low) & (day <= high)
            hits = Hits(hits.ids[keep], hits.scores[keep])
        facets = None
        if with_facets:
            facets = arrays.facets(FACET_FIELDS, hits.ids)
        keys = self._columns(searcher)["key"]
        # Ties are broken by key here, in the arrays: with a tie group of thousands (a text
        # every document of a series repeats) fetching the group whole would cost more than the search.
        if sort == "relevance":
            rows = [Ranked(-score, keys[docnum], docnum, score, settled=True)
                    for score, docnum in top_by_score(hits, n, rank=arrays.key_rank())]
        elif sort == "key":
            rows = [Ranked(keys[d], keys[d], d, 0.0, settled=True) for d in arrays.first_by(hits.ids, n)]
        else:
            sign = -1 if sort == "-date" else 1
            rows = [Ranked((sign * int(arrays.day[d]), keys[d]), keys[d], d, 0.0, settled=True)
                    for d in arrays.first_by(hits.ids, n, day_sign=sign)]
        return rows, len(hits.ids), facets

    def warm(self) -> None:
        """Read the per-docnum columns and the "did you mean" words now (seconds at 10k documents)
        rather than in the first search."""
        searcher = self._searcher()
        arrays = self._arrays(searcher, _leaves(searcher.reader()))
        arrays.facets(FACET_FIELDS, np.arange(min(1, len(arrays.live)), dtype=np.int64))  # codes and their combinations
        self._spelling()

    def _arrays(self, searcher: Searcher, leaves) -> "_Columns":
        """Per-docnum numpy columns (liveness, day, facet codes, key order) for this set of segments."""
        stamp = tuple(seg for _, _, seg in leaves) + (searcher.doc_count(),)
        cached = self._array_cache
        if cached is not None and cached.stamp == stamp:
            return cached
        columns = self._columns(searcher)
        built = _Columns(stamp, searcher, leaves, columns)
        self._array_cache = built
        return built

    def _ranked_by_sets(self, compiled: _Compiled, sort: str, n: int, with_facets: bool = False):
        """Matches as a set of docnums by set algebra over posting lists (no scoring), so the
        total and the facets cost little; then only the first n are ranked: whoosh's top-n
        collector for relevance, the cached day/key columns for the other sorts."""
        searcher = self._searcher()
        columns = self._columns(searcher)
        matcher = _Matcher(searcher)
        matches = matcher.docs(compiled.tree)
        for field, value in compiled.filters:
            matches &= matcher.term_docs(field, value)
        if compiled.days:
            low, high = compiled.days
            day = columns["day"]
            matches = {d for d in matches if low <= day[d] <= high}
        facets = None
        if with_facets:
            facets = {}
            for name, field in FACET_FIELDS.items():
                values = columns[field]
                facets[name] = {str(v): c for v, c in Counter(map(values.__getitem__, matches)).items()
                                if v not in ("", None, b"")}
        keys = columns["key"]
        rows: list[Ranked] = []
        if not matches:
            pass
        elif sort == "relevance":
            if len(matches) * _SCORE_ALL_BELOW <= searcher.doc_count_all():
                top = _top_scored(searcher, compiled.tree, matches, n)
            else:
                filtered = bool(compiled.filters or compiled.days)
                # optimize=False only for prefix/wildcard terms: whoosh's block-quality
                # skipping hangs on them (pitfalls note); elsewhere it is exact and faster.
                top = searcher.search(compiled.tree, limit=n, filter=matches if filtered else None,
                                      optimize=not _has_multiterm(compiled.tree)).top_n
            rows = [Ranked(-score, None, docnum, score) for score, docnum in top]
        else:
            if sort == "key":
                def order(d):
                    return keys[d]
            else:
                day, sign = columns["day"], (-1 if sort == "-date" else 1)

                def order(d):
                    return (sign * day[d], keys[d])
            rows = [Ranked(order(d), keys[d], d, 0.0) for d in heapq.nsmallest(n, matches, key=order)]
        return rows, len(matches), facets

    def _fill_keys(self, rows: list[Ranked]) -> None:
        keys = self._columns(self._searcher())["key"]
        for row in rows:
            row.key = keys[row.address]

    def _columns(self, searcher: Searcher) -> dict[str, list]:
        """Per-docnum values of the sortable columns (key, day and the facet fields), read
        once per segment and shared by every thread."""
        return self._column_values.get(_leaves(searcher.reader()))

    def _stored(self, address: int) -> dict[str, Any]:
        # The searcher that ranked the row (this thread's): a docnum means nothing in another
        # commit's searcher, and checking the index for a commit per hit read its directory each time.
        searcher = getattr(self._local, "searcher", None) or self._searcher()
        return searcher.stored_fields(address)

    def _vocabulary(self, prefix: str) -> Iterable[tuple[str, int]]:
        words, frequencies = self._spelling()
        i = bisect.bisect_left(words, prefix)
        while i < len(words) and words[i].startswith(prefix):
            yield words[i], frequencies[i]
            i += 1

    def _spelling(self) -> tuple[list[str], list[int]]:
        """The "did you mean" vocabulary (unstemmed words, sorted) and document frequencies.

        Read once per segment, its terms in one sequential pass: asking whoosh's multi-segment
        reader for a prefix looks every word up again in every segment, which took most of the
        time of a search that found nothing."""
        return self._spelling_words.get(_leaves(self._searcher().reader()))
