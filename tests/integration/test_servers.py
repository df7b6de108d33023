"""Real gunicorn servers over real HTTP: two hosts on one database, shared sign-in
throttling, many prospects submitting at once, and duplicate submits.

Every server is a `gunicorn -c gunicorn.conf.py wsgi:app` subprocess on a free loopback
port; its output goes to a file that the tests read. PostgreSQL tests run in a fresh
database `intake_servers_<random>` created on 127.0.0.1:5432 and dropped afterwards;
they are skipped when PostgreSQL is not reachable, and the throttling test likewise
without Redis.
"""

from __future__ import annotations

import html
import http.cookiejar
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path

import pytest
import sqlalchemy as sa

from intake.questionnaire.schema import load_questionnaire
from tests.conftest import CSRF_RE
from tests.personas import EXPECTED_VERDICT, PERSONAS

ROOT = Path(__file__).resolve().parents[2]
BIN = (
    ROOT / ".venv" / "bin"
    if (ROOT / ".venv" / "bin" / "gunicorn").exists()
    else Path(sys.executable).parent
)
QUESTIONNAIRE_PATH = ROOT / "intake" / "questionnaire" / "default.toml"
# overridable to point elsewhere (or, to see the skips, at nothing)
PG_SERVER = os.environ.get(
    "TEST_SERVERS_PG_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
SECRET_KEY = secrets.token_hex(32)
PASSWORD = "correct horse battery staple"
RESUME_INPUT = re.compile(r'<input[^>]*\bid="resume-link"[^>]*>')
TROUBLE = ("database is locked", "Traceback", "WORKER TIMEOUT")

QUESTIONNAIRE = load_questionnaire(str(QUESTIONNAIRE_PATH))
STEPS = len(QUESTIONNAIRE.steps)


# ---- an HTTP client that keeps cookies, like a browser -------------------------------


class _EveryStatus(urllib.request.HTTPErrorProcessor):
    """Hand back every response as it is: no HTTPError, no redirect following."""

    def http_response(self, request, response):
        return response

    https_response = http_response


@dataclass
class Reply:
    status: int
    headers: Message
    text: str

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")

    def csrf(self) -> str:
        match = CSRF_RE.search(self.text)
        assert match, (
            f"page has no CSRF token (status {self.status}): {self.text[:500]}"
        )
        return match.group(1)


class Client:
    """One browser: a cookie jar, urllib without proxies, redirects not followed."""

    def __init__(self, base: str, log=None):
        self.base = base
        self.log = log  # the server's log, for failure messages
        self.jar = http.cookiejar.CookieJar()  # thread-safe: duplicate POSTs share it
        self.opener = urllib.request.build_opener(
            urllib.request.ProxyHandler({}),
            urllib.request.HTTPCookieProcessor(self.jar),
            _EveryStatus(),
        )

    def request(self, method: str, path: str, data: dict | None = None) -> Reply:
        body = (
            None if data is None else urllib.parse.urlencode(data, doseq=True).encode()
        )
        req = urllib.request.Request(self.base + path, data=body, method=method)
        with self.opener.open(req, timeout=60) as response:
            return Reply(
                response.status, response.headers, response.read().decode("utf-8")
            )

    def get(self, path: str) -> Reply:
        return self.request("GET", path)

    def post(self, path: str, data: dict) -> Reply:
        return self.request("POST", path, data)

    def post_form(self, path: str, data: dict) -> Reply:
        """GET the page for its CSRF token, then POST the form with it."""
        token = self.get(path).csrf()
        return self.post(path, {"csrf_token": token, **data})

    def login(self, email: str, password: str) -> Reply:
        return self.post_form(
            "/workspace/login", {"email": email, "password": password}
        )


def step_data(number: int, answers: dict) -> dict:
    """The form fields of one step, as the wizard in conftest builds them."""
    step = QUESTIONNAIRE.steps[number - 1]
    # the page's script keeps "shown" current: the questions the answers show
    shown = " ".join(
        q.id for q in step.questions if QUESTIONNAIRE.is_visible(q, answers)
    )
    data: dict = {"nav": "next", "shown": shown}
    for q in step.questions:
        if q.id in answers:
            value = answers[q.id]
            data[f"q_{q.id}"] = (
                [str(v) for v in value] if isinstance(value, list) else str(value)
            )
    return data


def answer_steps(client: Client, answers: dict, steps) -> list[int]:
    statuses = []
    for number in steps:
        reply = client.post_form(f"/start/step/{number}", step_data(number, answers))
        statuses.append(reply.status)
        assert reply.status == 302, explain(client, reply, f"step {number}")
    return statuses


def explain(client: Client, reply: Reply, what: str) -> str:
    """A failure message: the status, and the server log's tail for a 5xx."""
    message = f"{what}: HTTP {reply.status} {reply.location}"
    if reply.status >= 500 and client.log:
        return f"{message}\n--- server log ---\n{client.log()[-4000:]}"
    return f"{message}\n{reply.text[:1500]}"


def submit_token(client: Client) -> str:
    reply = client.get("/start/review")
    assert reply.status == 200, (reply.status, reply.location)
    return reply.csrf()


def persona(key: str, n: int) -> dict:
    """A persona with a unique name and e-mail."""
    return {
        **PERSONAS[key],
        "full_name": f"Server Prospect {n:03d}",
        "email": f"server-prospect-{n:03d}@example.com",
    }


# ---- processes: CLI, gunicorn -----------------------------------------------------


def base_env(database_url: str, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("INTAKE_") and k != "WEB_CONCURRENCY"
    }
    env.update(
        INTAKE_SECRET_KEY=SECRET_KEY,
        INTAKE_DATABASE_URL=database_url,
        INTAKE_RATELIMIT_STORAGE_URL="memory://",
        INTAKE_LOG_LEVEL="WARNING",
        # every prospect here comes from 127.0.0.1: the per-address start limit is
        # tested in test_prospect_limits.py, not by these loads
        INTAKE_DRAFT_STARTS="10000 per minute",
        INTAKE_QUESTIONNAIRE_PATH=str(QUESTIONNAIRE_PATH),
        INTAKE_MAIL_OUTBOX_DIR=str(Path(tempfile.gettempdir()) / "intake-test-outbox"),
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def flask_cli(database_url: str, *args: str, **extra_env: str) -> str:
    result = subprocess.run(
        [str(BIN / "flask"), "--app", "intake", *args],
        cwd=ROOT,
        env=base_env(database_url, **extra_env),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, (
        f"flask {' '.join(args)}:\n{result.stdout}\n{result.stderr}"
    )
    return result.stdout


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    name: str
    port: int
    log_path: Path
    process: subprocess.Popen
    log_file: object = field(repr=False)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def client(self) -> Client:
        return Client(self.base, log=self.log)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.log_file.close()


def _wait_healthy(server: Server, timeout: float = 30.0) -> None:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    deadline = time.monotonic() + timeout
    last = ""
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            pytest.fail(
                f"gunicorn {server.name} exited at start-up:\n{server.log()[-4000:]}"
            )
        try:
            with opener.open(server.base + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except urllib.error.HTTPError as exc:
            last = f"HTTP {exc.code}"
            exc.close()
        except OSError as exc:
            last = str(exc)
        time.sleep(0.1)
    pytest.fail(
        f"gunicorn {server.name} not healthy after {timeout}s ({last}):\n{server.log()[-4000:]}"
    )


def _where(url: str) -> str:
    return urllib.parse.urlsplit(url).netloc.rpartition("@")[2]


@pytest.fixture
def pg_databases():
    """Factory: a fresh, empty PostgreSQL database per call; all dropped at the end."""
    created: list[str] = []

    def admin():
        psycopg = pytest.importorskip("psycopg")
        try:
            return psycopg.connect(PG_SERVER, autocommit=True, connect_timeout=3)
        except psycopg.OperationalError as exc:
            pytest.skip(
                f"PostgreSQL not reachable at {_where(PG_SERVER)}: {exc}".strip()
            )

    def make() -> str:
        name = f"intake_servers_{secrets.token_hex(6)}"
        with admin() as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        created.append(name)
        return PG_SERVER.rsplit("/", 1)[0] + "/" + name

    yield make
    if created:
        import psycopg

        with psycopg.connect(PG_SERVER, autocommit=True, connect_timeout=3) as conn:
            for name in created:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def servers(tmp_path, pg_databases):
    """Factory: start a gunicorn server; every one is stopped in the finalizer.

    Depends on pg_databases so that servers stop before their databases are dropped.
    """
    started: list[Server] = []

    def start(database_url: str, *, workers: int = 2, name: str = "", **extra_env: str):
        name = name or f"server{len(started) + 1}"
        port = free_port()
        log_path = tmp_path / f"{name}.log"
        log_file = open(log_path, "wb")  # closed in Server.stop
        process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "-c",
                "gunicorn.conf.py",
                "wsgi:app",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                # several masters at once: each would claim ~/.gunicorn/gunicorn.ctl
                "--no-control-socket",
            ],
            cwd=ROOT,
            env=base_env(database_url, **extra_env),
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
        server = Server(name, port, log_path, process, log_file)
        started.append(server)
        _wait_healthy(server)
        return server

    yield start
    for server in reversed(started):
        server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path, pg_databases):
    """A migrated database: a temporary SQLite file, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'servers.sqlite3'}"
    else:
        url = pg_databases()
    flask_cli(url, "db", "upgrade")
    return url


def submission_rows(database_url: str) -> list[dict]:
    url = database_url.replace("postgresql://", "postgresql+psycopg://", 1)
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            result = conn.execute(
                sa.text(
                    "SELECT id, status, name, email, verdict FROM submission ORDER BY id"
                )
            )
            return [dict(row._mapping) for row in result]
    finally:
        engine.dispose()


def assert_clean_logs(*servers: Server) -> None:
    for server in servers:
        text = server.log()
        found = [t for t in TROUBLE if t in text]
        assert not found, f"{server.name} log has {found}:\n{text[-6000:]}"


# ---- a. two hosts, one database ---------------------------------------------------


def test_resume_on_another_host_and_see_it_in_the_workspace(pg_databases, servers):
    url = pg_databases()
    flask_cli(url, "db", "upgrade")
    flask_cli(
        url,
        "create-user",
        "lead@example.com",
        "--name",
        "Lead",
        INTAKE_NEW_PASSWORD=PASSWORD,
    )
    a = servers(url, name="A")
    b = servers(url, name="B")
    answers = PERSONAS["strategic_collaborator"]

    on_a = a.client()
    answer_steps(on_a, answers, [1, 2])
    page = on_a.get("/start/step/3")
    tag = RESUME_INPUT.search(page.text)
    assert tag, page.text[:2000]
    link = html.unescape(re.search(r'value="([^"]+)"', tag.group(0)).group(1))
    path = urllib.parse.urlsplit(link).path
    assert path.startswith("/start/resume/")

    on_b = b.client()  # another device: no cookie of A
    reply = on_b.get(path)
    assert (reply.status, reply.location) == (302, "/start/step/3")
    # step 2 as saved on A
    assert 'value="growing" checked' in on_b.get("/start/step/2").text
    answer_steps(on_b, answers, range(3, STEPS + 1))
    reply = on_b.post("/start/submit", {"csrf_token": submit_token(on_b)})
    assert (reply.status, reply.location) == (302, "/start/thanks")

    lines = flask_cli(url, "submissions", "--json").splitlines()
    listed = [json.loads(line) for line in lines if line.startswith("{")]
    assert [(s["name"], s["verdict"], s["status"]) for s in listed] == [
        ("Hannah Lindqvist", EXPECTED_VERDICT["strategic_collaborator"], "new")
    ]
    assert len(submission_rows(url)) == 1  # no second draft was started on B

    lead = b.client()
    reply = lead.login("lead@example.com", PASSWORD)
    assert (reply.status, reply.location) == (302, "/workspace/today")
    dashboard = lead.get("/workspace/")
    assert dashboard.status == 200 and "Hannah Lindqvist" in dashboard.text
    assert_clean_logs(a, b)


# ---- b. failed sign-ins count across hosts ----------------------------------------


@pytest.fixture
def redis_db(redis_url):
    """The run's private Redis (tests/redis_server.py), emptied around the test."""
    return redis_url


def test_failed_sign_ins_on_one_host_count_on_the_other(tmp_path, redis_db, servers):
    url = f"sqlite:///{tmp_path / 'throttle.sqlite3'}"
    flask_cli(url, "db", "upgrade")
    flask_cli(url, "create-user", "lead@example.com", INTAKE_NEW_PASSWORD=PASSWORD)
    a = servers(url, name="A", INTAKE_RATELIMIT_STORAGE_URL=redis_db)
    b = servers(url, name="B", INTAKE_RATELIMIT_STORAGE_URL=redis_db)

    # the password is right: a successful sign-in is not counted
    assert a.client().login("lead@example.com", PASSWORD).status == 302
    for n, server in enumerate([a, b, a, b, a], 1):
        reply = server.client().login("lead@example.com", f"wrong password {n}")
        assert reply.status == 401, (n, server.name, reply.status)
    assert b.client().login("lead@example.com", PASSWORD).status == 429
    assert a.client().login("lead@example.com", PASSWORD).status == 429
    assert_clean_logs(a, b)


# ---- c. many prospects at once ------------------------------------------------------

PROSPECTS = 50
DUPLICATES_EVERY = 5  # every 5th prospect double-clicks Send (3 POSTs at once)


def test_many_prospects_submit_at_once(database_url, servers):
    server = servers(database_url, workers=4)
    keys = list(PERSONAS)
    statuses: list[int] = []
    lock = threading.Lock()
    barrier = threading.Barrier(PROSPECTS, timeout=60)

    def record(*codes):
        with lock:
            statuses.extend(codes)

    def send(client, token):
        reply = client.post("/start/submit", {"csrf_token": token})
        record(reply.status)
        return reply

    def prospect(n: int):
        answers = persona(keys[n % len(keys)], n)
        client = server.client()
        barrier.wait()  # everyone starts together
        record(*answer_steps(client, answers, range(1, STEPS + 1)))
        token = submit_token(client)
        copies = 3 if n % DUPLICATES_EVERY == 0 else 1
        with ThreadPoolExecutor(copies) as pool:
            replies = list(pool.map(lambda _: send(client, token), range(copies)))
        for reply in replies:
            assert reply.location == "/start/thanks", explain(client, reply, "submit")

    with ThreadPoolExecutor(PROSPECTS) as pool:
        for future in [pool.submit(prospect, n) for n in range(PROSPECTS)]:
            future.result()

    assert not [s for s in statuses if s >= 500]
    rows = submission_rows(database_url)
    assert len(rows) == PROSPECTS, f"{len(rows)} rows for {PROSPECTS} prospects"
    assert {r["status"] for r in rows} == {"new"}
    assert sorted(r["email"] for r in rows) == [
        f"server-prospect-{n:03d}@example.com" for n in range(PROSPECTS)
    ]
    for r in rows:
        n = int(r["email"].split("-")[-1].split("@")[0])
        assert r["verdict"] == EXPECTED_VERDICT[keys[n % len(keys)]], r
    assert_clean_logs(server)


# ---- d. duplicate submits of one draft ----------------------------------------------

DUPLICATE_POSTS = 20


def test_parallel_duplicate_submits_leave_one_submission(database_url, servers):
    server = servers(database_url, workers=4)
    client = server.client()
    answer_steps(client, persona("friendly_founder", 1), range(1, STEPS + 1))
    token = submit_token(client)
    barrier = threading.Barrier(DUPLICATE_POSTS, timeout=30)

    def send(_):
        barrier.wait()
        return client.post("/start/submit", {"csrf_token": token})

    with ThreadPoolExecutor(DUPLICATE_POSTS) as pool:
        replies = list(pool.map(send, range(DUPLICATE_POSTS)))

    for reply in replies:
        assert (reply.status, reply.location) == (302, "/start/thanks"), explain(
            client, reply, "duplicate submit"
        )
    rows = submission_rows(database_url)
    assert [(r["status"], r["name"]) for r in rows] == [("new", "Server Prospect 001")]
    assert_clean_logs(server)


# ---- e. one log line per request ----------------------------------------------------


def _lines_after(server: Server, before: int, timeout: float = 10.0) -> list[str]:
    """The log's lines after the first `before`, once one has come and the log has
    been still for half a second (the access line is written after the response)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        lines = server.log().splitlines()
        if len(lines) > before:
            time.sleep(0.5)
            return server.log().splitlines()[before:]
        time.sleep(0.05)
    return []


def test_one_log_line_per_request_with_the_endpoint_and_no_token(tmp_path, servers):
    """Under gunicorn.conf.py the access line is the request's only line: it names the
    endpoint and what the view noted; the app writes no request line of its own, and a
    private link's token is masked."""
    url = f"sqlite:///{tmp_path / 'log.sqlite3'}"
    flask_cli(url, "db", "upgrade")
    server = servers(url, workers=1, INTAKE_LOG_LEVEL="INFO")
    client = server.client()
    deadline = time.monotonic() + 10  # the start-up probe's line comes first
    while '"GET /healthz ' not in server.log() and time.monotonic() < deadline:
        time.sleep(0.05)

    def one_line(method: str, path: str, data: dict | None = None) -> str:
        before = len(server.log().splitlines())
        reply = client.request(method, path, data)
        lines = _lines_after(server, before)
        assert len(lines) == 1, (reply.status, lines)
        return lines[0]

    def settled(path: str):
        """A GET whose own line is waited for, so that it is not counted as the next
        request's (gunicorn writes the access line after the response)."""
        before = len(server.log().splitlines())
        reply = client.get(path)
        _lines_after(server, before)
        return reply

    line = one_line("GET", "/start/step/1")
    assert '"GET /start/step/1 HTTP/1.1" 200 ' in line
    assert line.endswith(" endpoint=prospect.step"), line
    page = settled("/start/step/1")
    data = {"csrf_token": page.csrf(), **step_data(1, PERSONAS["friendly_founder"])}
    line = one_line("POST", "/start/step/1", data)
    assert re.search(
        r'"POST /start/step/1 HTTP/1\.1" 302 \d+ \d+ms endpoint=prospect\.step '
        r"action=save_step draft=1 step=1$",
        line,
    ), line
    tag = RESUME_INPUT.search(settled("/start/step/2").text)
    assert tag
    link = html.unescape(re.search(r'value="([^"]+)"', tag.group(0)).group(1))
    path = urllib.parse.urlsplit(link).path
    secret = path.rsplit("/", 1)[1]
    assert len(secret) > 20
    line = one_line("GET", path)
    assert '"GET /start/resume/[token] HTTP/1.1" 302 ' in line
    assert line.endswith(" endpoint=prospect.resume"), line
    line = one_line("GET", "/no/such/page")
    assert '" 404 ' in line and line.endswith(" endpoint=-"), line
    text = server.log()
    assert secret not in text
    assert "intake.request" not in text and "request method=" not in text
    assert_clean_logs(server)
