"""Short version of bench/load.py: a mixed load on `councilgraph serve` while more documents are ingested."""
from bench.load import run_load
from tests.conftest import CORPUS_DIR, build_data_dir

MINUTES = """LICENSING COMMITTEE

MEETING HELD AT THE CIVIC CENTRE, EXAMPLETON ON MONDAY 4TH MARCH, 2024

PRESENT: Councillor Vale (in the Chair)

1. PREMISES LICENCE {n}

RESOLVED: That premises licence {n} be granted.
"""


def test_mixed_load_during_an_ingest_has_no_errors(tmp_path):
    data = build_data_dir(tmp_path / "data", sorted(CORPUS_DIR.glob("*.txt")))
    more = tmp_path / "more"
    more.mkdir()
    for n in range(3):
        (more / f"licensing-{n}.txt").write_text(MINUTES.format(n=n), encoding="utf-8")
    result = run_load(data, seconds=4, clients=8, ingest_paths=[str(more)])
    assert result["errors"] == 0, result
    assert result["count"] > 20
    assert result["ingest_exit"] == 0
    assert result["generation_after"] != result["generation_before"]
