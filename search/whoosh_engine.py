"""The default engine: whoosh (pure Python)."""
from __future__ import annotations

import bisect
import heapq
import math
import threading
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

import numpy as np
from whoosh import fields, index
from whoosh import query as wq
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.filedb.filestore import FileStorage
from whoosh.idsets import DocIdSet
from whoosh.searching import Searcher

from search.analysis import spelling_words, stemming_analyzer
from search.base import IndexedPassage
from search.common import FACET_FIELDS, FILTER_FIELDS, EngineIndex, Ranked, passage_fields
from search.query import Request
from search.whoosh_columns import SharedStored, coded_column, join_coded, key_bytes_of, key_ranks, numeric_column
from search.whoosh_writing import FastSegmentWriter, read_spelling
from search.whoosh_vectors import Hits, PostingsCache, Unsupported, VectorSearcher, top_by_score
from search.whoosh_vectors import _restrict as restrict

WRITER_LOCK_TIMEOUT = 60.0  # seconds to wait for another process's writer
# whoosh's estimate of the postings a writer keeps in memory before spilling a sorted run to disk.
# Spilled runs are read back and merged in Python: at 128 MB a batch of 200 scaled documents (1.7M
# postings) spilled three runs and took 32-38 s to index; at 512 MB it stays in memory, 16-19 s,
# for about 200 MB more of peak memory.
WRITER_LIMIT_MB = 512


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


def _top_scored(searcher: Searcher, tree: wq.Query, docs: np.ndarray, n: int) -> list[tuple[float, int]]:
    """The n best (score, docnum) among `docs` (ascending, all known to match `tree`), scoring
    only them: the matcher skips straight to each one instead of stepping through every
    candidate, which is what makes a selective phrase or a filtered query cheap. Ties go
    to the lower docnum, as in whoosh's own collector."""
    context = searcher.context()
    tree = _scoring_tree(tree)
    heap: list[tuple[float, int]] = []
    i = 0
    for sub, offset in searcher.leaf_searchers():
        end = offset + sub.doc_count_all()
        stop = int(np.searchsorted(docs, end))
        if i >= stop:
            continue
        matcher = tree.matcher(sub, context)
        for docnum in docs[i:stop].tolist():
            local = docnum - offset
            if not matcher.is_active():
                break
            if matcher.id() < local:
                matcher.skip_to(local)
            if matcher.is_active() and matcher.id() == local:
                item = (matcher.score(), -docnum)
                if len(heap) < n:
                    heapq.heappush(heap, item)
                elif item > heap[0]:
                    heapq.heapreplace(heap, item)
        i = stop
    return [(score, -negated) for score, negated in sorted(heap, reverse=True)]


class _Allowed(DocIdSet):
    """The docnums whoosh's collector may keep (its ``filter=``), as a mask: a Python set of a
    million matches took about 60 MB."""

    def __init__(self, mask: np.ndarray):
        self._mask = mask
        self._count = int(np.count_nonzero(mask))

    def __contains__(self, docnum) -> bool:
        return 0 <= docnum < len(self._mask) and bool(self._mask[docnum])

    def __len__(self) -> int:
        return self._count

    def __iter__(self):
        return iter(np.flatnonzero(self._mask).tolist())


def _scoring_tree(node: wq.Query) -> wq.Query:
    """`node` with each phrase replaced by the AND of its words. whoosh scores a phrase match
    as exactly that sum (its span matcher wraps the intersection), but building a phrase
    matcher scans ahead to the first match; for documents already known to match, the AND
    gives the same scores without the scan."""
    if isinstance(node, wq.Phrase):
        return wq.And([wq.Term(node.fieldname, word) for word in node.words], boost=node.boost)
    return node if node.is_leaf() else node.apply(_scoring_tree)


class _Matcher:
    """The docnums a query matches, as an ascending array, by set algebra over whole posting
    lists: far cheaper than stepping whoosh's matchers document by document, and a number per
    match instead of a Python set (about 60 bytes per match). Nodes it does not know
    (phrases, prefixes, ranges...) are left to whoosh (`Query.docs`)."""

    def __init__(self, searcher: Searcher, live: np.ndarray):
        self.searcher = searcher
        self.reader = searcher.reader()
        self.leaves = _leaves(self.reader)
        self.live = live  # the algebra runs on every docnum, deleted or not; deletions go once at the end

    def docs(self, node: wq.Query) -> np.ndarray:
        """Live docnums matching `node`."""
        docs = self._docs(node)
        return docs[self.live[docs]] if len(docs) else docs

    def _everything(self) -> np.ndarray:
        return np.arange(self.reader.doc_count_all(), dtype=np.int64)

    def _docs(self, node: wq.Query) -> np.ndarray:
        kind = type(node)
        if kind is wq.Term:
            return self.term_docs(node.fieldname, node.text)
        if kind in (wq.And, wq.Require):
            parts = sorted((self._docs(child) for child in node.children()), key=len)
            out = parts[0]
            for part in parts[1:]:
                out = np.intersect1d(out, part, assume_unique=True)
            return out
        if kind is wq.Or and getattr(node, "minmatch", 0) <= 1:
            parts = [self._docs(child) for child in node.children()]
            return np.unique(np.concatenate(parts)) if parts else np.empty(0, dtype=np.int64)
        if kind is wq.Every and node.fieldname in (None, "", "*"):
            return self._everything()
        if kind is wq.Not:
            return np.setdiff1d(self._everything(), self._docs(node.query), assume_unique=True)
        if kind is wq.AndNot:
            return np.setdiff1d(self._docs(node.a), self._docs(node.b), assume_unique=True)
        if kind is wq.AndMaybe:
            return self._docs(node.a)
        return np.unique(np.fromiter(self.searcher.docs_for_query(node), dtype=np.int64))

    def term_docs(self, field: str, text: str) -> np.ndarray:
        """Docnums whose `field` holds `text`, deleted ones included, ascending."""
        out: list[np.ndarray] = []
        for reader, offset, _ in self.leaves:
            if (field, text) not in reader:
                continue
            postings = reader.postings(field, text)
            while not isinstance(postings, W3LeafMatcher) and hasattr(postings, "child"):
                postings = postings.child  # the deletion filter: applied once, in docs()
            if isinstance(postings, W3LeafMatcher):
                while postings.is_active():  # whole blocks at a time
                    if postings._ids is None:
                        postings._read_ids()
                    out.append(np.asarray(postings._ids, dtype=np.int64) + offset)
                    postings._next_block()
            else:
                out.append(np.fromiter(postings.all_ids(), dtype=np.int64) + offset)
        return np.concatenate(out) if out else np.empty(0, dtype=np.int64)


_COMBINED_BINS = 1 << 20  # facet value combinations counted in one array (8 MB of counts)


def _counted(counts: np.ndarray, labels: list) -> dict[str, int]:
    """Value -> count for the values counted at least once (empty values left out)."""
    return {str(labels[i]): int(c) for i in np.nonzero(counts)[0] for c in (counts[i],) if labels[i] not in ("", "None")}


class _Columns:
    """The per-docnum arrays of one set of segments, shared by all threads: liveness, day, facet
    codes, each docnum's place in key order and (filled by `VectorSearcher`) BM25F length bytes.

    All of it is made at once, by one thread, through that thread's own segment readers (a
    reader's file is not to be read by two threads at a time). About 19 bytes per passage:
    live 1, day 4, facet codes 1-4 each, their combination 4, key order 4, and 1 per field
    length used in scoring. The values themselves (keys, committee names...) are not kept:
    whoosh's column readers gave one Python object per document and value, about 390 bytes
    per passage at 10,000 scaled documents."""

    def __init__(self, stamp: tuple, searcher: Searcher, leaves):
        self.stamp = stamp
        total = searcher.doc_count_all()
        self.live = np.ones(total, dtype=bool)
        for reader, offset, _ in leaves:
            deleted = list(reader.deleted_docs_set) if reader.has_deletions() else []
            if deleted:
                self.live[np.asarray(deleted, dtype=np.int64) + offset] = False
        self.day = (np.concatenate([numeric_column(reader, "day") for reader, _, _ in leaves]) if leaves
                    else np.zeros(0, dtype=np.uint32))
        self._facets: dict[str, tuple[np.ndarray, list]] = {
            field: join_coded([coded_column(reader, field) for reader, _, _ in leaves])
            for field in sorted(set(FACET_FIELDS.values()))}
        self._combined: dict[tuple, np.ndarray] = {}  # facet columns -> each docnum's combination code
        self.key_rank = key_ranks([reader.doc_count_all() for reader, _, _ in leaves],
                                  lambda i: key_bytes_of(leaves[i][0]))
        self.field_lengths: dict[Any, np.ndarray] = {}  # filled by VectorSearcher (length bytes, norms)
        self._lock = threading.Lock()

    def _coded(self, field: str) -> tuple[np.ndarray, list]:
        """A facet column as codes (each docnum's value's place among the sorted values) and values."""
        return self._facets[field]

    def facet_counts(self, field: str, ids: np.ndarray) -> dict[str, int]:
        """Value -> number of `ids` with it, for a facet column (empty values left out)."""
        codes, labels = self._coded(field)
        if not len(ids):
            return {}
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
                # Made in place in the narrowest type that holds every combination (at most
                # _COMBINED_BINS): no temporary array of 8 bytes per passage.
                combined = coded[0][0].astype(np.uint32)
                for (codes, _), size in zip(coded[1:], sizes[1:]):
                    combined *= size
                    combined += codes
                combined = self._combined[key] = combined
        counts = np.bincount(combined[ids], minlength=math.prod(sizes)).reshape(sizes)
        out = {}
        for axis, (name, (_, labels)) in enumerate(zip(names, coded)):
            others = tuple(a for a in range(len(sizes)) if a != axis)
            out[name] = _counted(counts.sum(axis=others) if others else counts, labels)
        return out

    def first_by(self, ids: np.ndarray, n: int, day_sign: int | None = None) -> list[int]:
        """The first n of `ids` in key order, or in (day × day_sign, key) order. Places in key
        order are unique, so the order is total: the n first are picked by a partition (linear)
        and only they are sorted, not all the matches (a whole archive for an empty query)."""
        if not len(ids) or n <= 0:
            return []
        order_key = self.key_rank[ids].astype(np.int64)
        if day_sign is not None:
            order_key += (day_sign * self.day[ids].astype(np.int64)) << 32
        if n < len(ids):
            picked = np.argpartition(order_key, n - 1)[:n]
            order = picked[np.argsort(order_key[picked])]
        else:
            order = np.argsort(order_key)
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


class _PerSetOfSegments:
    """A value made from one set of segments (a commit), by one thread while the others wait
    for it, and remade when the set changes. Nothing is kept per segment: a part kept for each
    of an archive's segments (its vocabulary, say) grows with the archive, and a server opens
    its index afresh for each new data generation anyway."""

    def __init__(self, build: Callable[[Any, list], Any]) -> None:
        self._build = build
        self._lock = threading.Lock()
        self._built: tuple[tuple, Any] | None = None

    def get(self, searcher: Searcher, leaves) -> Any:
        """The value for these leaves (``_leaves`` of this thread's searcher's reader)."""
        stamp = tuple(seg for _, _, seg in leaves) + (searcher.doc_count(),)
        built = self._built
        if built is not None and built[0] == stamp:
            return built[1]
        with self._lock:
            built = self._built
            if built is not None and built[0] == stamp:
                return built[1]
            self._built = None  # the previous set's value goes before the new one is made
            value = self._build(searcher, leaves)
            self._built = (stamp, value)
        return value


def _spelling_part(reader) -> dict[str, int]:
    known = read_spelling(reader)
    if known is not None:
        return known
    # A segment written before the vocabulary file existed: its "spell" field's terms.
    if "spell" not in reader.schema:
        return {}
    return {(t.decode("utf-8") if isinstance(t, bytes) else t): info.doc_frequency()
            for t, info in reader.iter_field("spell")}


class _Vocabulary:
    """The "did you mean" words, sorted, packed in one string (a newline after each: analysed
    words hold none), with their document frequencies: about 20 bytes a word instead of 90 as
    a list of str and a list of int."""

    def __init__(self, counts: Counter):
        ordered = sorted(counts)
        self._text = "".join(word + "\n" for word in ordered)
        ends = np.cumsum([len(word) + 1 for word in ordered], dtype=np.int64)
        self._starts = np.concatenate([[0], ends[:-1]]).astype(np.int64) if len(ordered) else ends
        self._frequencies = np.array([counts[w] for w in ordered], dtype=np.int64)

    def __len__(self) -> int:
        return len(self._starts)

    def word(self, i: int) -> str:
        start = int(self._starts[i])
        return self._text[start:self._text.index("\n", start)]

    def starting_with(self, prefix: str) -> Iterator[tuple[str, int]]:
        """(word, document frequency) of the words starting with `prefix`, in order."""
        i = bisect.bisect_left(range(len(self)), prefix, key=self.word)
        while i < len(self):
            word = self.word(i)
            if not word.startswith(prefix):
                break
            yield word, int(self._frequencies[i])
            i += 1


def _joined_spelling(searcher: Searcher, leaves) -> _Vocabulary:
    counts: Counter = Counter()
    for reader, _, _ in leaves:
        counts.update(_spelling_part(reader))
    return _Vocabulary(counts)


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
        self._postings = PostingsCache()
        self._columns_built = _PerSetOfSegments(self._new_columns)
        self._spelling_words = _PerSetOfSegments(_joined_spelling)
        self._stored_fields = SharedStored(self.path)

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
        # Ties are broken by key here, in the arrays: with a tie group of thousands (a text
        # every document of a series repeats) fetching the group whole would cost more than the search.
        rank = arrays.key_rank
        if sort == "relevance":
            rows = [Ranked(-score, None, docnum, score, settled=True)
                    for score, docnum in top_by_score(hits, n, rank=rank)]
        elif sort == "key":
            rows = [Ranked(int(rank[d]), None, d, 0.0, settled=True) for d in arrays.first_by(hits.ids, n)]
        else:
            sign = -1 if sort == "-date" else 1
            rows = [Ranked((sign * int(arrays.day[d]), int(rank[d])), None, d, 0.0, settled=True)
                    for d in arrays.first_by(hits.ids, n, day_sign=sign)]
        return rows, len(hits.ids), facets

    def warm(self) -> None:
        """Read the per-docnum columns and the "did you mean" words now (seconds at 10k documents)
        rather than in the first search."""
        searcher = self._searcher()
        leaves = _leaves(searcher.reader())
        arrays = self._arrays(searcher, leaves)
        arrays.facets(FACET_FIELDS, np.arange(min(1, len(arrays.live)), dtype=np.int64))  # their combinations
        self._spelling()

    def _arrays(self, searcher: Searcher, leaves) -> "_Columns":
        """Per-docnum numpy columns (liveness, day, facet codes, key order) for this set of segments."""
        return self._columns_built.get(searcher, leaves)

    def _new_columns(self, searcher: Searcher, leaves) -> "_Columns":
        self._stored_fields.keep_only(seg for _, _, seg in leaves)
        return _Columns(tuple(seg for _, _, seg in leaves) + (searcher.doc_count(),), searcher, leaves)

    def _ranked_by_sets(self, compiled: _Compiled, sort: str, n: int, with_facets: bool = False):
        """Matches as a set of docnums by set algebra over posting lists (no scoring), so the
        total and the facets cost little; then only the first n are ranked: whoosh's top-n
        collector for relevance, the per-docnum arrays for the other sorts."""
        searcher = self._searcher()
        leaves = _leaves(searcher.reader())
        arrays = self._arrays(searcher, leaves)
        matcher = _Matcher(searcher, arrays.live)
        ids = matcher.docs(compiled.tree)
        for field, value in compiled.filters:
            ids = np.intersect1d(ids, matcher.term_docs(field, value), assume_unique=True)
        if compiled.days and len(ids):
            low, high = compiled.days
            day = arrays.day[ids]
            ids = ids[(day >= low) & (day <= high)]
        facets = arrays.facets(FACET_FIELDS, ids) if with_facets else None
        rank = arrays.key_rank
        rows: list[Ranked] = []
        if not len(ids):
            pass
        elif sort == "relevance":
            if len(ids) * _SCORE_ALL_BELOW <= searcher.doc_count_all():
                top = _top_scored(searcher, compiled.tree, ids, n)
            else:
                allowed = None
                if compiled.filters or compiled.days:
                    mask = np.zeros(searcher.doc_count_all(), dtype=bool)
                    mask[ids] = True
                    allowed = _Allowed(mask)
                # optimize=False only for prefix/wildcard terms: whoosh's block-quality
                # skipping hangs on them (pitfalls note); elsewhere it is exact and faster.
                top = searcher.search(compiled.tree, limit=n, filter=allowed,
                                      optimize=not _has_multiterm(compiled.tree)).top_n
            # The key's place in key order stands for the key when `_page` breaks ties.
            rows = [Ranked(-score, int(rank[docnum]), docnum, score) for score, docnum in top]
        elif sort == "key":
            rows = [Ranked(int(rank[d]), None, d, 0.0, settled=True) for d in arrays.first_by(ids, n)]
        else:
            sign = -1 if sort == "-date" else 1
            rows = [Ranked((sign * int(arrays.day[d]), int(rank[d])), None, d, 0.0, settled=True)
                    for d in arrays.first_by(ids, n, day_sign=sign)]
        return rows, len(ids), facets

    def _fill_keys(self, rows: list[Ranked]) -> None:
        searcher = self._searcher()
        rank = self._arrays(searcher, _leaves(searcher.reader())).key_rank
        for row in rows:
            row.key = int(rank[row.address])

    def _stored(self, address: int) -> dict[str, Any]:
        # The searcher that ranked the row (this thread's): a docnum means nothing in another
        # commit's searcher, and checking the index for a commit per hit read its directory each time.
        searcher = getattr(self._local, "searcher", None) or self._searcher()
        reader = searcher.reader()
        if reader.is_atomic():
            sub, local = reader, address
        else:
            at, local = reader._segment_and_docnum(address)
            sub = reader.readers[at]
        if not hasattr(sub, "segment") or sub.segment() is None:
            return searcher.stored_fields(address)
        shared = self._stored_fields.reader_for(sub, sub.segment().segment_id())
        if shared is None:
            return searcher.stored_fields(address)
        return shared.get(local)

    def _vocabulary(self, prefix: str) -> Iterable[tuple[str, int]]:
        return self._spelling().starting_with(prefix)

    def _spelling(self) -> _Vocabulary:
        """The "did you mean" vocabulary (unstemmed words, sorted) and document frequencies.

        Read once per set of segments, each segment's vocabulary in one sequential pass: asking
        whoosh's multi-segment reader for a prefix looks every word up again in every segment,
        which took most of the time of a search that found nothing. Only the joined vocabulary
        is kept (each segment's part held 10 bytes per passage at 10,000 scaled documents)."""
        searcher = self._searcher()
        return self._spelling_words.get(searcher, _leaves(searcher.reader()))
