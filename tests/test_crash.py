"""Short version of bench/crash.py: SIGKILL the ingest a few times; the data dir always opens and agrees."""
from bench.crash import run_kill_cycles


def test_killed_ingest_leaves_a_working_data_dir(tmp_path):
    results = run_kill_cycles(3, tmp_path, extra=30, seed=3)
    for result in results:
        assert result["problems"] == [], result
    final = results[-1]
    assert final["exit"] == 0
    assert final["documents"] == 32
