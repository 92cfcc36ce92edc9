"""One table of settings (name, default, help), read from the environment as COUNCILGRAPH_<NAME>.

The CLI, the server and the tests all take their configuration from here; `docs/settings.md`
documents every entry (a test checks it does).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Callable, Mapping


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str
    parse: Callable[[str], Any] = str


def _bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


SETTINGS: tuple[Setting, ...] = (
    Setting("data_dir", "./data", "Directory holding the graph store, the search index and the manifest."),
    Setting("base_iri", "http://127.0.0.1:8000", "Base of every entity IRI ({base}/id/{kind}/{slug}). Changing it changes every IRI."),
    Setting("search_engine", "whoosh", "Full-text engine: `whoosh` (default) or `tantivy` (faster; for corpora past a few thousand documents or a public server)."),
    Setting("graph_endpoint", "", "URL of a remote SPARQL 1.1 query endpoint to use instead of the embedded Oxigraph store (empty = embedded)."),
    Setting("graph_update_endpoint", "", "URL of the remote SPARQL 1.1 update endpoint (defaults to graph_endpoint)."),
    Setting("graph_store_endpoint", "", "URL of the remote SPARQL 1.1 Graph Store Protocol endpoint; when given, a document's graph is replaced by one PUT (otherwise by one SPARQL UPDATE)."),
    Setting("sparql_timeout", 10.0, "Seconds a /sparql query may run before it is stopped (HTTP 503).", float),
    Setting("sparql_workers", 2, "Worker processes that run /sparql queries (each opens the store read-only; one stuck past sparql_timeout is killed and replaced).", int),
    Setting("sparql_max_rows", 10000, "Most rows (or triples) a /sparql answer returns; more are cut and the response says so.", int),
    Setting("search_max_size", 100, "Largest page size accepted by /api/search (`size`).", int),
    Setting("list_page_size", 1000, "Items per page of the lists /api/inspections, /api/meetings, /api/people and their pages (`page` picks the page; `size` asks for fewer, or more up to list_max_size). Only a page's details are read, so a list of a large archive answers in the time of one page.", int),
    Setting("list_max_size", 10000, "Largest `size` accepted by the lists.", int),
    Setting("warm_lists", True, "When a server opens a data generation, work out the order of every inspection, meeting and person, the inspections' grades, types, HMI leads, lead inspectors and schools and everyone's roles in a background thread, so that no list request waits for them (25 s for the order of 1.1 million inspections at 100,000 documents), then every inspection's facts, so that a page of inspections is read from memory, not the store (10 s at 10,000 documents; until then pages are read from the store). Off: the first list request that needs an order or facet works it out, and inspections are always read from the store.", _bool),
    Setting("save_kept_lists", True, "Save what `warm_lists` works out in a file beside the snapshot (snapshots/NNNNNN.kept) and read it back in every later server process on that snapshot, instead of scanning the store again (six to seven minutes at 100,000 documents). The file is read with an unpickler that builds only the lists' own types, and ignored when the code that wrote it differs.", _bool),
    Setting("warm_lists_in_child", True, "With `save_kept_lists`, the first server process on a snapshot works the lists out in a child process, which saves the kept file and ends, then reads the file: the scans' memory goes with the child (at 100,000 documents they peak at 1.3 GB, what they keep read back is far less), and the work does not hold the server's GIL while it answers. List requests wait for it meanwhile. Off: worked out in the server process.", _bool),
    Setting("max_request_bytes", 1_000_000, "Largest request body accepted (bytes); larger requests get HTTP 413.", int),
    Setting("max_query_chars", 10_000, "Longest SPARQL or search query accepted (characters).", int),
    Setting("ingest_workers", 0, "Worker processes that read, extract and build documents during `councilgraph ingest` while the ingest process writes the store and index (0 = one per CPU; 1 = none, all in the ingest process). Fewer than 8 changed documents, or documents under 8 KB on average, never start workers.", int),
    Setting("compact_after_ingest", 0.1, "After an ingest run that wrote at least this share of the data dir's documents, compact the store (its files rewritten into fewer whose keys do not overlap) and snapshot it: graph questions took 0.6x the time after it at 10,000 documents, and the compaction 32–43 s there. A run adding a few documents to a large archive skips it (0: compact after every run; above 1: never). It needs about the store's size free on the disk (the snapshots hold the old files until it ends: some 40 GB at 100,000 documents); with less, the run skips it and says so in a note.", float),
    Setting("max_text_bytes", 20_000_000, "Largest document text ingested (bytes of a .txt/.md file, or characters extracted from a PDF); larger documents are reported and skipped.", int),
    Setting("host", "127.0.0.1", "Address `councilgraph serve` binds to."),
    Setting("port", 8000, "Port `councilgraph serve` listens on.", int),
    Setting("threads", 8, "Threads of each `councilgraph serve` process.", int),
    Setting("workers", 1, "Processes `councilgraph serve` answers requests with: 1 is one process (waitress); more run gunicorn with that many worker processes of `threads` threads each, so Python work uses more than one core (0 = one per CPU the server may run on). On 2 cores two processes answer about twice the uncached requests a second of one (docs/benchmarks.md). Each process opens the data and keeps its own lists, response cache and SPARQL workers, so memory grows with them (at 100,000 documents about 740 MB a process, measured 2026-12-05). Where gunicorn cannot run (Windows), one waitress process serves.", int),
    Setting("search_concurrency", 0, "Keyword searches one server process runs at once; more wait their turn (0 = one per CPU, shared among the `workers` processes). A search over a large whoosh index holds arrays as long as its matches, so this bounds the server's memory under load; searches are CPU-bound, so running more at once would not answer sooner.", int),
    Setting("graph_concurrency", 1, "Requests one server process lets ask the embedded graph store at once (lists, meetings, entities, linked data and the pages built from them; not /sparql, whose queries run in worker processes, nor keyword search); more wait their turn (0 = no bound). The store's calls let go of the GIL and threads taking it back in turn cost more than they overlap: with one at a time, uncached entity pages at 16 connections went from 358 to 486 a second at 10,000 documents (one process).", int),
    Setting("response_cache_mb", 64.0, "Memory (MB) for whole answers to GET requests, replayed until the next ingest run changes the data (0 = no cache). See docs/api.md, Caching.", float),
)

SETTINGS_BY_NAME = {s.name: s for s in SETTINGS}


def load_settings(overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Defaults, then COUNCILGRAPH_<NAME> environment variables, then explicit overrides (None values ignored)."""
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for setting in SETTINGS:
        raw = environ.get(f"COUNCILGRAPH_{setting.name.upper()}")
        if raw in (None, "") and setting.name == "data_dir":
            raw = environ.get("COUNCILGRAPH_DATA")  # the short name the README uses
        values[setting.name] = setting.parse(raw) if raw not in (None, "") else setting.default
    for key, value in (overrides or {}).items():
        if key not in SETTINGS_BY_NAME:
            raise KeyError(f"unknown setting {key!r}; known: {', '.join(SETTINGS_BY_NAME)}")
        if value is not None:
            values[key] = value
    return values


def settings_markdown() -> str:
    """docs/settings.md, generated from the table above (`python -m councilgraph.settings > docs/settings.md`)."""
    lines = [
        "# Settings", "",
        "Every setting can be given as an environment variable `COUNCILGRAPH_<NAME>` (upper case), e.g. "
        "`COUNCILGRAPH_SEARCH_ENGINE=tantivy`; `COUNCILGRAPH_DATA` is accepted as a short form of "
        "`COUNCILGRAPH_DATA_DIR`. The CLI's `--data`, `--engine`, `--host`, `--port` and `--workers` override them; "
        "`create_app(config)` takes a dict of them.", "",
        "| name | default | what it does |", "|---|---|---|",
    ]
    for setting in SETTINGS:
        default = '""' if setting.default == "" else repr(setting.default)
        lines.append(f"| `{setting.name}` | `{default}` | {setting.help} |")
    return "\n".join(lines) + "\n"


def usable_cpus() -> int:
    """CPUs this process may run on: a container or `taskset` often allows fewer than the machine has."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def worker_count(settings: Mapping[str, Any]) -> int:
    """The ``workers`` setting as a number of server processes (0: one per usable CPU)."""
    raw = settings.get("workers", 1)
    workers = 1 if raw is None else int(raw)
    if workers < 0:
        raise ValueError(f"workers must be 0 (one per CPU) or more, not {workers}")
    return workers or usable_cpus()


if __name__ == "__main__":
    print(settings_markdown(), end="")

