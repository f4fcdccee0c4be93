"""bench/portal_load.py's own plumbing (the load run itself is a bench script, never a test): locust's
failures read by type, --keep refusing a folder that has something in it, and --db postgres://…
creating its database and dropping it again (run where DATABASE_URL is PostgreSQL, as in .ci/run)."""
from __future__ import annotations

import csv
import importlib.util
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("portal_load", ROOT / "bench" / "portal_load.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_locust_failures_are_read_by_type_most_frequent_first(bench, tmp_path):
    out = tmp_path / "surge"
    with open(f"{out}_failures.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)  # the columns locust 2.x writes
        w.writerow(["Method", "Name", "Error", "Occurrences", "First Seen", "Last Seen"])
        w.writerow(["POST", "/ho-so/N/nop/", "CatchResponseError('nộp không thành công')", "1", "", ""])
        w.writerow(["POST", "/ho-so/N/tep/ (2 MB)", "HTTPError('502 Server Error')", "3", "", ""])
    assert bench.failures_by_type(out) == [
        {"n": 3, "request": "POST /ho-so/N/tep/ (2 MB)", "error": "HTTPError('502 Server Error')"},
        {"n": 1, "request": "POST /ho-so/N/nop/", "error": "CatchResponseError('nộp không thành công')"}]
    assert bench.failures_by_type(tmp_path / "form") == []  # locust wrote no failures file


def test_keep_runs_in_a_new_or_empty_folder_and_never_in_one_with_files(bench, tmp_path):
    assert bench.run_folder(str(tmp_path / "new" / "run")) == (tmp_path / "new" / "run").resolve()
    assert (tmp_path / "new" / "run").is_dir()
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "notes.txt").write_text("mine")
    with pytest.raises(SystemExit, match="new or empty"):
        bench.run_folder(str(tmp_path / "used"))
    assert (tmp_path / "used" / "notes.txt").read_text() == "mine"


def test_the_run_database_keeps_the_server_and_options_of_the_given_url(bench):
    assert bench._database_url("postgres://u:p@127.0.0.1:5433/dvcq?sslmode=disable", "dvcq_bench_1") == \
        "postgres://u:p@127.0.0.1:5433/dvcq_bench_1?sslmode=disable"


@pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"),
                    reason="needs a PostgreSQL server (DATABASE_URL=postgres://…, as .ci/run sets)")
def test_a_postgres_run_creates_its_own_database_and_drops_it(bench):
    import psycopg

    url = os.environ["DATABASE_URL"]
    name, run_url = bench.fresh_postgres(url)
    conn = psycopg.connect(run_url, autocommit=True)  # a session left open, as a gunicorn worker's might be
    try:
        assert conn.execute("select current_database()").fetchone()[0] == name
        bench.drop_postgres(url, name)
    finally:
        conn.close()
    with psycopg.connect(url, autocommit=True) as conn:
        assert conn.execute("select count(*) from pg_database where datname = %s", (name,)).fetchone()[0] == 0
