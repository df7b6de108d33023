"""The benchmark scripts' own assumptions, which a change of scoring can break unseen."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from intake.documents import service
from intake.models import Submission
from intake.practice_store import current_practice
from tests.conftest import TEST_DATABASE_URL
from tests.factories import make_submission
from tests.personas import PERSONAS

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _bench_pdf():
    spec = importlib.util.spec_from_file_location("bench_pdf", BENCH / "bench_pdf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_pdf_benchmarks_prospect_gets_a_proposal(app, db):
    submission = make_submission(persona=_bench_pdf().PERSONA)
    db.session.commit()
    with app.test_request_context():
        html = service.html_for(submission, current_practice())  # NotAFit otherwise
    assert "<html" in html and len(html) > 10_000


# ---- bench/bench.py: the seeding and the size sweep -----------------------------------


def _bench():
    if "bench_script" not in sys.modules:
        spec = importlib.util.spec_from_file_location(
            "bench_script", BENCH / "bench.py"
        )
        module = importlib.util.module_from_spec(spec)
        sys.modules["bench_script"] = module  # its dataclasses look their module up
        spec.loader.exec_module(module)
    return sys.modules["bench_script"]


def _schema_of_submission(db) -> dict[str, str]:
    """The submission table's indexes (and SQLite's search triggers), by name."""
    if db.engine.dialect.name == "postgresql":
        sql = (
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'submission'"
        )
    else:
        sql = (
            "SELECT name, coalesce(sql, '') FROM sqlite_master "
            "WHERE tbl_name = 'submission' AND type IN ('index', 'trigger')"
        )
    return dict(db.session.execute(sa.text(sql)).all())


def test_seeding_grows_the_database_in_place_and_keeps_its_indexes(app, db, signed_in):
    bench = _bench()
    before = _schema_of_submission(db)
    assert any("search" in name for name in before)
    db.session.remove()
    db.engine.dispose()  # the seeding takes SQLite out of WAL: no other connection
    bench.seed(app.config["DATABASE_URL"], 40)
    bench.seed(app.config["DATABASE_URL"], 120, 40)  # 80 more, after the first 40

    assert _schema_of_submission(db) == before  # dropped for the load, built again
    rows = db.session.execute(
        sa.select(Submission.name, Submission.token_hash, Submission.answers).where(
            Submission.status != "draft"
        )
    ).all()
    assert sorted(r.name for r in rows) == sorted(f"Prospect {i}" for i in range(120))
    assert len({r.token_hash for r in rows}) == 120
    assert all(r.answers in PERSONAS.values() for r in rows)
    if db.engine.dialect.name == "sqlite":
        mode = db.session.execute(sa.text("PRAGMA journal_mode")).scalar_one()
        assert mode == "wal"
    # the search index holds the rows of both loads
    for found, absent in (
        ("Prospect 17", "Prospect 18"),
        ("Prospect 101", "Prospect 102"),
    ):
        page = signed_in.get("/workspace/?q=" + found.lower().replace(" ", "+"))
        assert page.status_code == 200
        assert found in page.get_data(as_text=True)
        assert absent not in page.get_data(as_text=True)


def _result(bench, scenario, database, rows, p50):
    return bench.Result(scenario, database, 100.0, p50, 2 * p50, 0, rows=rows)


def test_the_sweep_compares_each_size_with_ten_thousand_rows(capsys):
    bench = _bench()
    sweep = [
        _result(bench, "list (default)", "sqlite", 1_000, 3.0),
        _result(bench, "list (default)", "sqlite", 10_000, 4.0),
        _result(bench, "list (default)", "sqlite", 100_000, 6.0),  # 1.5x: within
        _result(bench, "list search", "sqlite", 10_000, 4.0),
        _result(bench, "list search", "sqlite", 1_000_000, 6.4),  # 1.6x: flagged
    ]
    bench.print_sweep(sweep)
    out = capsys.readouterr().out
    assert "ratio to the 10,000-row figure" in out
    default = next(line for line in out.splitlines() if "list (default)" in line)
    assert "(0.8x)" in default and "(1.0x)" in default and "(1.5x) " in default
    flagged = [line for line in out.splitlines() if line.startswith("!")]
    assert flagged == [
        "! list search on sqlite: p50 at 1,000,000 rows 1.6x its 10,000-row p50 "
        "(aim: 1.5x)"
    ]


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed")
def test_the_size_sweep_runs_at_tiny_sizes(redis_url, tmp_path):
    """bench.py --sweep-only on the database the tests run on (PostgreSQL: a database
    of its own on the same server), through two sizes, as `make bench` runs it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BENCH_")}
    env["BENCH_REDIS_URL"] = redis_url
    database = "sqlite"
    if TEST_DATABASE_URL.startswith("postgresql"):
        env["BENCH_PG_URL"] = TEST_DATABASE_URL
        database = "postgresql"
    out = subprocess.run(
        [
            sys.executable,
            str(BENCH / "bench.py"),
            "--sweep-only",
            "--sizes",
            "30,60",
            "--sweep-duration",
            "1",
            "--threads",
            "1",
            "--connections",
            "2",
            "--databases",
            database,
        ],
        cwd=BENCH.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    assert "skipped" not in out.stderr
    assert out.stderr.count("seeded 30 rows") == 2  # 30, then 30 more
    lines = [line for line in out.stdout.splitlines() if f" {database} " in line]
    # 5 pages x 3 figures, each at 30 and 60 rows, the first size the base (1.0x)
    assert len(lines) == 15
    assert all(line.count("x)") == 2 and "(1.0x)" in line for line in lines)
    assert "failed responses" not in out.stdout
