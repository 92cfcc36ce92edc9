"""The benchmark harness: a run stopped part way carries on, its figures add up, and it reports how servers warmed."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from bench.run import step_ingest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"


def test_a_resumed_ingest_sums_its_parts(tmp_path):
    docs, data = tmp_path / "docs", tmp_path / "data"
    docs.mkdir()
    first, second = sorted(CORPUS.glob("*.txt"))
    progress = tmp_path / "progress.json"
    # The first part gets only one document through (as if stopped after its first batch) ...
    shutil.copy(first, docs / first.name)
    one = step_ingest(str(docs), str(data), "whoosh", str(tmp_path / "p1.jsonl"), str(progress))
    assert one["statuses"] == {"added": 1} and "parts" not in one
    # ... and the run carried on over the whole folder skips it and adds the rest.
    shutil.copy(second, docs / second.name)
    both = step_ingest(str(docs), str(data), "whoosh", str(tmp_path / "p2.jsonl"), str(progress))
    assert both["statuses"] == {"unchanged": 1, "added": 1} and both["documents"] == 2
    parts = both["parts"]
    assert [p["written"] for p in parts] == [1, 1]
    assert both["wall_s"] == sum(p["wall_s"] for p in parts) == both["phases_s"]["wall"]
    assert both["phases_s"]["extract"] == sum(p["phases_s"]["extract"] for p in parts)
    assert json.loads(progress.read_text())["parts"] == parts
    assert both["passages"] > one["passages"] > 0
    assert sum(1 for _ in open(tmp_path / "p2.jsonl", encoding="utf-8")) == both["passages"]


def test_the_steps_run_with_the_settings_of_the_environment_and_the_report_names_them(tmp_path, monkeypatch):
    from bench.run import machine, render

    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(sorted(CORPUS.glob("*.txt"))[0], docs)
    phases = {}
    for share in ("0", "2"):  # compact after every run / never (a run writes at most all documents)
        monkeypatch.setenv("COUNCILGRAPH_COMPACT_AFTER_INGEST", share)
        out = step_ingest(str(docs), str(tmp_path / f"data-{share}"), "whoosh", str(tmp_path / f"p{share}.jsonl"),
                          str(tmp_path / f"progress-{share}.json"))
        phases[share] = out["phases_s"]
    assert "compact" in phases["0"] and "compact" not in phases["2"]
    results = {"date": "now", "command": "python bench/run.py", "machine": machine(), "sizes": []}
    assert "`COUNCILGRAPH_COMPACT_AFTER_INGEST=2`" in render(results)


def test_the_growth_curve_takes_each_size_from_the_latest_run():
    from bench.run import render_curve

    def run(date: str, docs_per_s: float, p50: float) -> dict:
        ingest = {"docs_per_s": docs_per_s, "wall_s": 100.0, "triples": 10, "passages": 5, "disk": {"total": 2e9},
                  "peak_rss_mb": 300.0}
        queries = {"http": {"no cache": {"search_terms": {"p50_ms": p50, "p99_ms": 2 * p50}}},
                   "concurrency": {"cache": {"entity": {"rps": 3000.0}}}, "server_peak_rss_mb": {"no cache": 150.0}}
        return {"date": date, "sizes": [{"documents": 1000, "raw_index": {"tantivy": {"seconds": 10.0}},
                                         "engines": {"tantivy": {"ingest": ingest, "queries": queries}}}]}

    table = render_curve([run("2026-12-02 01:00 UTC", 12.0, 5.0), run("2026-12-01 01:00 UTC", 9.0, 7.0)])
    (row,) = [line for line in table.splitlines() if line.startswith("| tantivy")]
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells[:4] == ["tantivy", "1,000", "12.0", "10.0×"]
    assert cells[8] == "5.0 / 10.0" and cells[13] == "3,000 / –"


def test_query_targets_by_aggregates_agree_with_the_full_lists(corpus_data_dir):
    from collections import Counter

    from bench.run import pick_targets, settings_for
    from councilgraph.data import DataDir
    from graph.iris import meeting_key
    from graph.queries import find_inspections, find_meetings

    targets = pick_targets(corpus_data_dir, "whoosh")
    store = DataDir(settings_for(corpus_data_dir, "whoosh")).open_graph()
    try:
        inspections, meetings = find_inspections(store), find_meetings(store)
    finally:
        store.close()
    counts = Counter(i["inspector"]["name"] for i in inspections if i["inspector"]["name"])
    busiest = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0]
    assert (targets["inspector"], targets["inspector_inspections"]) == busiest
    assert targets["inspections"] == len(inspections) and targets["meetings"] == len(meetings)
    assert targets["school"] == min(i["school"]["id"] for i in inspections if i["inspector"]["name"] == busiest[0])
    assert targets["meeting"] == meeting_key(meetings[len(meetings) // 2]["id"])
    assert targets["committee"] == meetings[len(meetings) // 2]["committee"]["id"]


def test_the_raw_baselines_index_every_passage_streamed_from_the_file(tmp_path):
    import tantivy
    from whoosh import index as windex

    from bench.run import step_raw_tantivy, step_raw_whoosh

    passages = tmp_path / "passages.jsonl"
    rows = [{"key": f"p{i}", "title": f"Item {i}", "text": f"resolved that the school meals report {i} be noted"}
            for i in range(50)]
    passages.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    tv = step_raw_tantivy(str(passages), str(tmp_path / "tv"))
    wh = step_raw_whoosh(str(passages), str(tmp_path / "wh"))
    assert tv["passages"] == wh["passages"] == 50
    assert tv["seconds"] > 0 and wh["seconds"] > 0 and tv["disk"] > 0 and wh["disk"] > 0
    index = tantivy.Index.open(str(tmp_path / "tv"))
    index.reload()
    assert index.searcher().num_docs == 50
    assert windex.open_dir(str(tmp_path / "wh")).doc_count() == 50


def test_the_lists_benchmark_asks_every_question(corpus_data_dir):
    import subprocess
    import sys

    out = subprocess.run([sys.executable, str(ROOT / "bench" / "lists.py"), str(corpus_data_dir), "--repeats", "1"],
                         capture_output=True, text=True, check=True, timeout=300).stdout.splitlines()
    assert len(out) == 13 and all(" first " in line and " total " in line for line in out)
    assert any(line.startswith("inspections by the inspector") and not line.endswith("total 0") for line in out)
    assert any(line.startswith("people, councillors") and not line.endswith("total 0") for line in out)
    people = subprocess.run([sys.executable, str(ROOT / "bench" / "lists.py"), str(corpus_data_dir), "--repeats", "0",
                             "--only", "people,"], capture_output=True, text=True, check=True, timeout=300).stdout.splitlines()
    assert len(people) == 4 and all(line.startswith("people,") and " then          - ms " in line for line in people)


def test_the_harness_reports_how_each_server_warmed_its_lists(corpus_data_dir, tmp_path):
    from bench.run import free_port, start_server, stop_server, warm_reports

    data = tmp_path / "data"
    shutil.copytree(corpus_data_dir, data, ignore=shutil.ignore_patterns("*.kept", "*.kept.lock"))
    reports = []
    for n in range(2):
        log = tmp_path / f"server-{n}.log"
        server = start_server(data, "whoosh", free_port(), log, timeout=120)
        assert stop_server(server) > 0
        reports.append(warm_reports(log))
    # The first server's child worked the lists out and saved them; the second read them.
    assert len(reports[0]) == 1 and reports[0][0].startswith("saved by a child, its peak RSS "), reports
    assert len(reports[1]) == 1 and reports[1][0].startswith("read ("), reports
