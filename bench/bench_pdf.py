"""Proposal PDF timings, side by side in one run (a script, not a test).

Prints: the cold render (first in this process, WeasyPrint imported inside it), warm
renders through the app, a cached download through the workspace, and the same HTML
rendered by bare WeasyPrint with default options, so the app's overhead shows as a ratio.

    .venv/bin/python bench/bench_pdf.py [--runs 5]
"""

from __future__ import annotations

import argparse
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# a prospect who gets a proposal (a possible fit, with the most to say about boundaries);
# tests/integration/test_bench_scripts.py keeps it one
PERSONA = "anxious_first_hire"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    from intake import create_app
    from intake.documents import render, service
    from intake.extensions import db
    from intake.practice_store import current_practice
    from tests.factories import PASSWORD, make_consultant, make_submission

    tmp = tempfile.mkdtemp()
    app = create_app(
        {
            "SECRET_KEY": secrets.token_hex(32),  # refused without one outside debug
            "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3",
            "WTF_CSRF_ENABLED": False,
            "LOG_LEVEL": "WARNING",
        }
    )
    with app.app_context():
        db.create_all()
        submission = make_submission(persona=PERSONA)
        make_consultant()
        db.session.commit()
        sid = submission.id

    def timed(fn):
        start = time.perf_counter()
        result = fn()
        return time.perf_counter() - start, result

    with app.test_request_context():
        submission = db.session.get(type(submission), sid)
        practice = current_practice()
        html = service.html_for(submission, practice)
        cold, pdf = timed(lambda: render.render_pdf(html, base_url="http://localhost/"))
        warm = [
            timed(lambda: render.render_pdf(html, base_url="http://localhost/"))[0]
            for _ in range(args.runs)
        ]
        import weasyprint  # already imported by the cold render

        bare = [
            timed(
                lambda: weasyprint.HTML(string=html).write_pdf(
                    stylesheets=[weasyprint.CSS(filename=str(render.STYLESHEET))]
                )
            )[0]
            for _ in range(args.runs)
        ]

    client = app.test_client()
    client.post(
        "/workspace/login",
        data={"email": "consultant@example.com", "password": PASSWORD},
    )
    url = f"/workspace/submissions/{sid}/proposal.pdf"
    first, response = timed(lambda: client.get(url))
    assert response.status_code == 200, response.status_code
    cached = [timed(lambda: client.get(url))[0] for _ in range(args.runs * 4)]

    warm_ms = statistics.median(warm) * 1000
    bare_ms = statistics.median(bare) * 1000
    cached_ms = statistics.median(cached) * 1000
    rows = [
        ("cold render (first in process, incl. import)", cold * 1000),
        ("warm render through the app (median)", warm_ms),
        ("bare WeasyPrint, same HTML and CSS (median)", bare_ms),
        ("first download through the workspace", first * 1000),
        ("cached download through the workspace (median)", cached_ms),
    ]
    import io

    from pypdf import PdfReader

    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    print(f"proposal: {len(pdf):,} bytes, {pages} pages, {args.runs} runs each")
    for label, ms in rows:
        print(f"  {label:<50} {ms:9.1f} ms")
    print(f"  app warm render / bare WeasyPrint: {warm_ms / bare_ms:.2f}x")
    print(
        f"  cached download / warm render:     {cached_ms / warm_ms:.3f}x "
        f"({warm_ms / cached_ms:.0f}x faster)"
    )


if __name__ == "__main__":
    main()
