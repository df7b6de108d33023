"""The first visit's step page and the save in one process: CPU per request, and how
much of it is the session cookie (storing the new CSRF token: JSON, compression check,
HMAC signing), the CSRF token itself and the app's request log line.

Run from the repository root: `.venv/bin/python bench/in_process.py` (the app with the
production settings of bench.py on a temporary SQLite file, Redis as in bench.py). Each
configuration runs in its own process: `GET /start/step/1` without a cookie ("first
visit"), and the POST of step 1 of a draft already started ("save", as in bench.py's
step POST), are called through the WSGI app `--requests` times each,
`time.process_time` around the calls, best of `--rounds`. "app line" is the app writing its own request line (to /dev/null here;
`flask run`, and gunicorn before issue 27); "access line" is the app under
gunicorn.conf.py (INTAKE_REQUEST_LOG=access), where gunicorn's access line is the only
one (gunicorn's own work, ~0.4 ms of CPU in bench.py's ceiling, is not in these figures).
A script that prints figures, not a test.
"""

from __future__ import annotations

import argparse
import io
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench as b  # noqa: E402  (bench/bench.py, the shared set-up)

PATH = "/start/step/1"
REFERER = "https://intake.example.com/start/step/1"


def _timed(holder: dict, key: str, func):
    def wrapper(*args, **kwargs):
        started = time.process_time()
        try:
            return func(*args, **kwargs)
        finally:
            holder[key] += time.process_time() - started

    return wrapper


def measure(requests: int, rounds: int) -> str:
    """In the child: the figures of this process's configuration, as one line."""
    import flask_wtf.csrf

    spent = {"session": 0.0, "csrf": 0.0}
    # before the app exists: CSRFProtect hands this function to the templates
    flask_wtf.csrf.generate_csrf = _timed(spent, "csrf", flask_wtf.csrf.generate_csrf)
    from intake import create_app

    app = create_app()
    app.session_interface.save_session = _timed(  # type: ignore[method-assign]
        spent, "session", app.session_interface.save_session
    )
    base = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": PATH,
        "QUERY_STRING": "",
        "SERVER_NAME": "intake.example.com",
        "SERVER_PORT": "443",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "intake.example.com",
        "HTTP_USER_AGENT": b.USER_AGENT,
        "wsgi.url_scheme": "https",
        "wsgi.version": (1, 0),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    first_visit = _caller(app, base, b"", "200 OK", cookie_expected=True)
    save = _caller(app, {**base, **_save_environ(app)}, None, "302 FOUND")
    figures = []
    for name, call in (("first visit", first_visit), ("save", save)):
        for _ in range(50):  # warm: templates, caches, the connection pool
            call()
        best = None
        for _ in range(rounds):
            spent.update(session=0.0, csrf=0.0)
            started, wall = time.process_time(), time.perf_counter()
            for _ in range(requests):
                call()
            total = time.process_time() - started
            wall = time.perf_counter() - wall
            if best is None or total < best[0]:
                best = (total, spent["session"], spent["csrf"], wall)
        assert best is not None
        total, session, csrf, wall = (1000 * x / requests for x in best)
        figures.append(
            f"{name}: {total:.3f} ms CPU per request (session cookie {session:.3f} ms, "
            f"{session / total:.0%}; CSRF token {csrf:.3f} ms; wall {wall:.3f} ms)"
        )
    return "; ".join(figures)


def _caller(app, environ: dict, body: bytes | None, status: str, cookie_expected=False):
    """A function that sends the request once through the WSGI app and checks it."""
    body = environ.pop("body", b"") if body is None else body

    def start_response(got, headers, exc_info=None):
        assert got == status, got
        if cookie_expected:
            assert any(k == "Set-Cookie" for k, _ in headers), "no session cookie"

    def call() -> None:
        response = app({**environ, "wsgi.input": io.BytesIO(body)}, start_response)
        b"".join(response)
        getattr(response, "close", lambda: None)()

    return call


def _save_environ(app) -> dict:
    """The POST of step 1 by a prospect whose draft is started (bench.py's step POST)."""
    from urllib.parse import urlencode

    from tests.personas import PERSONAS

    client = app.test_client()
    page = client.get(
        PATH,
        base_url="https://intake.example.com",
        headers={"User-Agent": b.USER_AGENT},
    ).get_data(True)
    token = b.CSRF_RE.search(page).group(1)
    answers = PERSONAS["strategic_collaborator"]
    from intake import registry

    with app.app_context():
        step = registry.active().steps[0]
    fields: dict = {"csrf_token": token, "nav": "next"}
    for question in step.questions:
        if question.id in answers:
            value = answers[question.id]
            fields[f"q_{question.id}"] = (
                [str(v) for v in value] if isinstance(value, list) else str(value)
            )
    body = urlencode(fields, doseq=True).encode()
    for _ in range(2):  # started, then saved again: an update, as in the benchmark
        reply = client.post(
            PATH,
            data=fields,
            base_url="https://intake.example.com",
            headers={"User-Agent": b.USER_AGENT, "Referer": REFERER},
        )
        assert reply.status_code == 302, reply.get_data(True)[:3000]
    cookie = client.get_cookie("session", domain="intake.example.com")
    assert cookie is not None
    return {
        "REQUEST_METHOD": "POST",
        "CONTENT_TYPE": "application/x-www-form-urlencoded",
        "CONTENT_LENGTH": str(len(body)),
        "HTTP_COOKIE": f"session={cookie.value}",
        "HTTP_REFERER": REFERER,  # CSRFProtect's check of an https POST
        "body": body,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--database",
        choices=("sqlite", "postgresql"),
        default="sqlite",
        help="a temporary SQLite file, or a fresh PostgreSQL database (BENCH_PG_URL)",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(measure(args.requests, args.rounds))
        return
    b.check_redis()
    workdir = Path(tempfile.mkdtemp(prefix="intake-first-visit-"))
    with ExitStack() as stack:
        url = (
            stack.enter_context(b.postgres_database())
            if args.database == "postgresql"
            else f"sqlite:///{workdir / 'first.sqlite3'}"
        )
        _run(args, url, workdir)


def _run(args, url: str, workdir: Path) -> None:
    try:
        env = b.production_env(url, secrets.token_hex(32))
        b.flask_cli(env, "db", "upgrade")
        for label, setting in (("app line", "app"), ("access line", "access")):
            result = subprocess.run(
                [sys.executable, __file__, "--child", label]
                + ["--requests", str(args.requests), "--rounds", str(args.rounds)],
                cwd=b.ROOT,
                # this checkout's intake, whatever the virtualenv points at
                env={**env, "INTAKE_REQUEST_LOG": setting, "PYTHONPATH": str(b.ROOT)},
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,  # the app's log lines: written, not kept
                text=True,
                check=True,
            )
            load = os.getloadavg()[0]
            print(f"{label:<11} {result.stdout.strip()} (load {load:.2f})")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
