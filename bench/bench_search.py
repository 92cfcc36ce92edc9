"""Search benchmark: indexing rate and query latency of both engines, each against its raw library.

    python bench/bench_search.py --docs 1000 10000

Synthetic council-like documents of 2-20 KB are split into passages (~1.5 KB). For each engine
and size it measures our index (`search.open_index`) and the raw library call on the same
texts in the same run: whoosh with a plain TEXT schema, tantivy with its en_stem tokenizer and
own query parser. Queries: terms, phrase, filter, prefix; ours always computes snippets, the raw
runs use the library's own highlighter. Prints a markdown table with ratios (ours / raw).
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from search import SearchQuery, open_index  # noqa: E402
from search.base import EntityRef, IndexedPassage  # noqa: E402

WORDS = ("council committee report resolved recommendation school meals free pupils inspection inspected "
         "ofsted good outstanding requires improvement budget monitoring cabinet member update children "
         "services safeguarding poverty strategy petition complaints procedure training social workers "
         "foster carers attendance exclusions scrutiny officer director noted agreed members asked "
         "progress delivery housing transport library parks consultation residents ward councillor").split()
KINDS = ("resolution", "report", "agenda_item", "inspection", "minutes", "update")
QUERIES = {"terms": ("school meals", None), "phrase": ('"free school meals"', None),
           "filter": ("budget monitoring", "resolution"), "prefix": ("insp*", None)}


def synthetic_documents(n: int, seed: int = 7) -> dict[str, list[IndexedPassage]]:
    rng = random.Random(seed)
    docs: dict[str, list[IndexedPassage]] = {}
    for d in range(n):
        name = f"doc-{d:06d}.txt"
        size = rng.randint(2_000, 20_000)
        words = [rng.choice(WORDS) for _ in range(size // 7)]
        passages, chunk = [], 220  # ~1.5 KB per passage
        for i in range(0, len(words), chunk):
            text = " ".join(words[i:i + chunk])
            passages.append(IndexedPassage(
                f"{name}#{i // chunk}", name, rng.choice(KINDS), " ".join(words[i:i + 4]).title(), text,
                page=1 + i // chunk, committee=f"Committee {d % 7}", council="Example Council",
                date=f"20{18 + d % 7}-{1 + d % 12:02d}-{1 + d % 28:02d}",
                entities=[EntityRef(f"http://example.org/id/meeting/{d}", f"Meeting {d}", "meeting")]))
        docs[name] = passages
    return docs


def percentiles(samples: list[float]) -> tuple[float, float]:
    samples = sorted(samples)
    return statistics.median(samples) * 1000, samples[min(len(samples) - 1, int(len(samples) * 0.99))] * 1000


def timed(fn, reps: int) -> tuple[float, float]:
    fn()  # warm caches
    samples = []
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t)
    return percentiles(samples)


def ours(engine: str, docs, reps: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        ix = open_index(Path(tmp), engine)
        t = time.perf_counter()
        ix.replace_documents(docs)
        rate = len(docs) / (time.perf_counter() - t)
        out = {"rate": rate}
        for name, (q, kind) in QUERIES.items():
            out[name] = timed(lambda: ix.search(SearchQuery(q, kind=kind)), reps)
        ix.close()
        return out


def raw_whoosh(docs, reps: int) -> dict:
    from whoosh import fields, highlight, index, qparser, query
    from whoosh.analysis import StemmingAnalyzer

    with tempfile.TemporaryDirectory() as tmp:
        schema = fields.Schema(key=fields.ID(stored=True), kind=fields.ID, title=fields.TEXT(stored=True),
                               body=fields.TEXT(analyzer=StemmingAnalyzer(), stored=True))
        ix = index.create_in(tmp, schema)
        t = time.perf_counter()
        w = ix.writer(limitmb=128)
        for passages in docs.values():
            for p in passages:
                w.add_document(key=p.key, kind=p.kind, title=p.title, body=p.text)
        w.commit()
        out = {"rate": len(docs) / (time.perf_counter() - t)}
        parser = qparser.QueryParser("body", schema)
        with ix.searcher() as s:
            for name, (q, kind) in QUERIES.items():
                def run(q=q, kind=kind):
                    r = s.search(parser.parse(q), limit=10, optimize=False,
                                 filter=query.Term("kind", kind) if kind else None)
                    r.fragmenter = highlight.ContextFragmenter()
                    return [h.highlights("body") for h in r]
                out[name] = timed(run, reps)
        return out


def raw_tantivy(docs, reps: int) -> dict:
    import tantivy

    with tempfile.TemporaryDirectory() as tmp:
        b = tantivy.SchemaBuilder()
        b.add_text_field("key", stored=True, tokenizer_name="raw")
        b.add_text_field("kind", tokenizer_name="raw")
        b.add_text_field("title", stored=True)
        b.add_text_field("body", stored=True, tokenizer_name="en_stem")
        schema = b.build()
        ix = tantivy.Index(schema, path=tmp)
        t = time.perf_counter()
        w = ix.writer(heap_size=64_000_000, num_threads=1)
        for passages in docs.values():
            for p in passages:
                w.add_document(tantivy.Document(key=p.key, kind=p.kind, title=p.title, body=p.text))
        w.commit()
        w.wait_merging_threads()
        out = {"rate": len(docs) / (time.perf_counter() - t)}
        ix.reload()
        s = ix.searcher()
        for name, (q, kind) in QUERIES.items():
            if name == "prefix":  # tantivy's parser reads `insp*` as a term: a regex is its prefix query
                parsed = tantivy.Query.regex_query(schema, "body", "insp.*")
            else:
                parsed = ix.parse_query(q, ["body"], conjunction_by_default=True)
            if kind:
                parsed = tantivy.Query.boolean_query([(tantivy.Occur.Must, parsed), (tantivy.Occur.Must,
                                                      tantivy.Query.term_query(schema, "kind", kind))])

            def run(parsed=parsed):
                gen = tantivy.SnippetGenerator.create(s, parsed, schema, "body")
                return [gen.snippet_from_doc(s.doc(a)).to_html() for _, a in s.search(parsed, limit=10).hits]
            out[name] = timed(run, reps)
        return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, nargs="+", default=[1000])
    ap.add_argument("--reps", type=int, default=50, help="timed runs per query type")
    ap.add_argument("--engines", nargs="+", default=["whoosh", "tantivy"])
    args = ap.parse_args()
    raw = {"whoosh": raw_whoosh, "tantivy": raw_tantivy}
    print("| engine | docs | passages | index docs/s ours / raw (ratio) | "
          + " | ".join(f"{q} p50/p99 ms ours vs raw (p50 ratio)" for q in QUERIES) + " |")
    print("|---|---|---|---|" + "---|" * len(QUERIES))
    for n in args.docs:
        docs = synthetic_documents(n)
        passages = sum(len(p) for p in docs.values())
        for engine in args.engines:
            a, r = ours(engine, docs, args.reps), raw[engine](docs, args.reps)
            cells = [f"{a['rate']:.0f} / {r['rate']:.0f} ({r['rate'] / a['rate']:.2f}× slower)" if a['rate'] < r['rate']
                     else f"{a['rate']:.0f} / {r['rate']:.0f} ({a['rate'] / r['rate']:.2f}× faster)"]
            for q in QUERIES:
                (p50, p99), (r50, r99) = a[q], r[q]
                cells.append(f"{p50:.1f}/{p99:.1f} vs {r50:.1f}/{r99:.1f} ({p50 / r50:.2f})")
            print(f"| {engine} | {n} | {passages} | " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
