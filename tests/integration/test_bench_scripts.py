"""The benchmark scripts' own assumptions, which a change of scoring can break unseen."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from intake.documents import service
from intake.practice_store import current_practice
from tests.factories import make_submission

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
