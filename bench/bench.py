"""Throughput and latency of intake under gunicorn, against a bare Flask hello-world.

Run from the repository root: `.venv/bin/python bench/bench.py` (or `make bench`).

Every server runs the production settings: INTAKE_ENV=production, a random secret key,
`-c gunicorn.conf.py`, 2 sync workers, rate-limit counters in Redis (database 15), on
a free loopback port. `wrk` (apt-get installed when missing) loads each scenario for a
few seconds; the table compares requests/s and median latency with the hello-world
ceiling measured in the same run (bench/README.md: compare ratios, not absolute rates).

Scenarios, on SQLite (a temporary file) and on PostgreSQL (a fresh database on
127.0.0.1:5432, dropped afterwards; skipped when unreachable):
  step GET       GET /start/step/1, a first visit (no cookie)
  step POST      POST /start/step/1 with valid answers: validate and save the draft
                 (16 prepared sessions, each with its own draft and CSRF token)
  list ...       the consultant's list with 100,000 submitted rows, signed in:
                 default order, ?sort=overall, ?verdict=possible+fit, ?q=prospect+4242
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
BIN = ROOT / ".venv" / "bin"
if not (BIN / "gunicorn").exists():
    BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))

PG_SERVER = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
USER_AGENT = "intake-bench/1"  # the same for sign-in and wrk: sessions are "strong"
CONSULTANT = ("bench@example.com", "bench-password-" + secrets.token_hex(8))
POST_SESSIONS = 16
SIGNED_IN = "/workspace/today"  # where a sign-in lands
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
LIST_PAGES = [
    ("list (default)", "/workspace/"),
    ("list sort=overall", "/workspace/?sort=overall"),
    ("list verdict filter", "/workspace/?verdict=possible+fit"),
    ("list search", "/workspace/?q=prospect+4242"),
]
# the size sweep adds a search with one match at every size: "prospect 4242" has none
# below 4,243 rows, 1 at 10,000, 11 at 100,000, 111 at 1,000,000 (a fuller page)
SWEEP_PAGES = [("list search, 1 match", "/workspace/?q=p999%40")]
# a search page lists a prospect from this many rows on
FOUND_FROM = {"/workspace/?q=prospect+4242": 4243, "/workspace/?q=p999%40": 1000}


# ---- small helpers -------------------------------------------------------------------


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    say("wrk not found: installing it with apt-get")
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    subprocess.run([*sudo, "apt-get", "update", "-qq"], check=False)
    subprocess.run([*sudo, "apt-get", "install", "-y", "-qq", "wrk"], check=False)
    found = shutil.which("wrk")
    if not found:
        raise SystemExit("wrk is needed: apt-get install wrk")
    return found


def check_redis() -> None:
    try:
        import redis
    except ImportError:
        raise SystemExit(
            "the redis package is missing: pip install flask-limiter[redis]"
        ) from None
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3)
    try:
        client.ping()
        client.flushdb()  # sign-in counters of earlier runs
    except redis.RedisError as exc:
        raise SystemExit(
            f"Redis not reachable at {REDIS_URL} ({exc}); production refuses to start "
            "without a shared rate-limit store"
        ) from None
    finally:
        client.close()


def clean_env(**extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("INTAKE_") and k != "WEB_CONCURRENCY"
    }
    env.update(extra)
    return env


def production_env(database_url: str, secret: str) -> dict[str, str]:
    return clean_env(
        INTAKE_ENV="production",
        INTAKE_SECRET_KEY=secret,
        INTAKE_DATABASE_URL=database_url,
        INTAKE_ALLOW_SQLITE="true",
        INTAKE_RATELIMIT_STORAGE_URL=REDIS_URL,
        INTAKE_PUBLIC_BASE_URL="https://intake.example.com",
        INTAKE_QUESTIONNAIRE_PATH=str(
            ROOT / "intake" / "questionnaire" / "default.toml"
        ),
    )


def flask_cli(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [str(BIN / "flask"), "--app", "intake", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if result.returncode != 0:
        raise SystemExit(
            f"flask {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
        )
    return result.stdout


# ---- an HTTP client that keeps cookies, Secure ones included -------------------------


@dataclass
class Reply:
    status: int
    location: str
    text: str

    def csrf(self) -> str:
        match = CSRF_RE.search(self.text)
        if not match:
            raise SystemExit(f"no CSRF token on the page (HTTP {self.status})")
        return match.group(1)


class Client:
    """Production cookies are Secure; over loopback HTTP we send them all the same."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    @property
    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def request(self, method: str, path: str, data: dict | None = None) -> Reply:
        body = None if data is None else urllib.parse.urlencode(data, doseq=True)
        headers = {"User-Agent": USER_AGENT}
        if self.cookies:
            headers["Cookie"] = self.cookie_header
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
            for line in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(line).items():
                    if morsel.value and morsel["max-age"] != "0":
                        self.cookies[name] = morsel.value
                    else:
                        self.cookies.pop(name, None)
            return Reply(response.status, response.getheader("Location", ""), text)
        finally:
            conn.close()

    def get(self, path: str) -> Reply:
        return self.request("GET", path)

    def post_form(self, path: str, data: dict) -> Reply:
        token = self.get(path).csrf()
        return self.request("POST", path, {"csrf_token": token, **data})


# ---- gunicorn --------------------------------------------------------------------------


# port -> the gunicorn master's pid: run_wrk reads its workers' CPU time
MASTERS: dict[int, int] = {}
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def workers_cpu_seconds(port: int) -> float:
    """user + system CPU of the server's worker processes so far, those that exited
    (max_requests) included: the master's reaped children's time (Linux /proc)."""
    master = MASTERS.get(port)
    if master is None:
        return 0.0
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        own = Path(f"/proc/{master}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return 0.0
    total = int(own[13]) + int(own[14])  # cutime, cstime: workers that exited
    for pid in children:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue  # a worker that just exited (max_requests)
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / CLOCK_TICKS


@contextmanager
def gunicorn(
    name: str, app: str, env: dict[str, str], workdir: Path, health: str, *extra
):
    port = free_port()
    log_path = workdir / f"{name}.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "-c",
                "gunicorn.conf.py",
                app,
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--worker-class",
                "sync",
                "--no-control-socket",
                *extra,
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 30
            while True:
                if process.poll() is not None:
                    raise SystemExit(
                        f"{name} did not start:\n{log_path.read_text()[-3000:]}"
                    )
                try:
                    if Client(port).get(health).status == 200:
                        break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    raise SystemExit(
                        f"{name} not healthy:\n{log_path.read_text()[-3000:]}"
                    )
                time.sleep(0.1)
            MASTERS[port] = process.pid
            yield port, log_path
        finally:
            MASTERS.pop(port, None)
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


# ---- wrk -------------------------------------------------------------------------------

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * _UNITS[unit]


@dataclass
class Result:
    scenario: str
    database: str
    rps: float
    p50: float
    p99: float
    bad: int  # non-2xx/3xx responses and socket errors
    note: str = ""
    cpu_ms: float = 0.0  # the workers' CPU per request: steady whatever else runs
    rows: int = 0  # submissions in the database
    first_ms: float = 0.0  # a list page's first request after the server started


def run_wrk(
    args,
    scenario: str,
    database: str,
    url: str,
    *options: str,
    script_args: tuple[str, ...] = (),
    duration: int | None = None,
    rows: int = 0,
) -> Result:
    duration = duration or args.duration
    cmd = [
        args.wrk,
        f"-t{args.threads}",
        f"-c{args.connections}",
        f"-d{duration}s",
        "--latency",
        "--timeout",
        "10s",
        "-H",
        f"User-Agent: {USER_AGENT}",
        *options,
        url,
    ]
    if script_args:  # a script's own arguments come after the URL
        cmd += ["--", *script_args]
    port = urllib.parse.urlsplit(url).port
    cpu_before = workers_cpu_seconds(port)
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 60)
    cpu = workers_cpu_seconds(port) - cpu_before
    if out.returncode != 0:
        raise SystemExit(f"wrk failed: {out.stderr or out.stdout}")
    text = out.stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    latency = dict(re.findall(r"^\s+(50|99)(?:\.0+)?%\s+(\S+)\s*$", text, re.M))
    if set(latency) != {"50", "99"}:
        raise SystemExit(f"cannot read wrk's latency for {scenario}:\n{text}")
    bad = int((re.search(r"Non-2xx or 3xx responses: (\d+)", text) or [0, 0])[1])
    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text
    )
    if errors:
        bad += sum(int(n) for n in errors.groups())
    requests = int(re.search(r"(\d+) requests in", text).group(1))
    result = Result(
        scenario,
        database,
        rps,
        _ms(latency["50"]),
        _ms(latency["99"]),
        bad,
        cpu_ms=1000 * cpu / max(requests, 1),
        rows=rows,
    )
    say(
        f"  {scenario:<22} {database:<10} {rps:>8.0f} req/s  p50 {result.p50:6.2f} ms  "
        f"p99 {result.p99:7.2f} ms  CPU {result.cpu_ms:.2f} ms/req"
        f"{'  BAD ' + str(bad) if bad else ''}"
    )
    return result


def expect(reply: Reply, status: int, what: str, location: str | None = None) -> None:
    if reply.status != status or (location is not None and reply.location != location):
        raise SystemExit(
            f"{what}: expected {status} {location or ''}, got {reply.status} "
            f"{reply.location}\n{reply.text[:800]}"
        )


def warm(port: int, path: str, cookie: str = "", n: int = 40) -> None:
    client = Client(port)
    if cookie:
        client.cookies = dict(p.split("=", 1) for p in cookie.split("; "))
    for _ in range(n):
        client.get(path)


# ---- data ------------------------------------------------------------------------------


class Progress:
    """A progress line on stderr: redrawn in place on a terminal, every tenth otherwise."""

    def __init__(self, label: str, total: int):
        self.label, self.total, self.done = label, total, 0
        self.started = time.perf_counter()
        self.tty = sys.stderr.isatty()
        self.shown = -1  # the last tenth printed (not a terminal)

    def rate(self) -> float:
        return self.done / max(time.perf_counter() - self.started, 1e-9)

    def add(self, n: int) -> None:
        self.done += n
        line = (
            f"{self.label} {self.done:>9,} / {self.total:,} rows "
            f"{self.done / max(self.total, 1):4.0%}  {self.rate():>9,.0f} rows/s"
        )
        if self.tty:
            width = 30
            filled = width * self.done // max(self.total, 1)
            bar = "#" * filled + "." * (width - filled)
            print(f"\r[{bar}] {line}", end="", file=sys.stderr, flush=True)
        elif 10 * self.done // max(self.total, 1) > self.shown:
            self.shown = 10 * self.done // max(self.total, 1)
            say(line)

    def close(self) -> None:
        if self.tty:
            print(file=sys.stderr, flush=True)


SEED_CHUNK = 10_000


def _seed_rows(start: int, stop: int, questionnaire, now: dt.datetime):
    """The column values (dicts of tests.factories.listed_row) of rows start..stop-1:
    answers cycle through the personas, 80 % new, the rest reviewing or booked."""
    from intake.models import PIPELINE
    from tests.factories import listed_row
    from tests.personas import PERSONAS

    answers = list(PERSONAS.values())
    verdicts = ["strong fit", "possible fit", "not a fit"]
    statuses = list(PIPELINE)
    for i in range(start, stop):
        yield listed_row(
            i,
            questionnaire,
            now,
            status="new" if i % 10 < 8 else statuses[1 + i % 2],
            verdict=verdicts[i % 3],
            answers=answers[i % len(answers)],
        )


def seed(database_url: str, rows: int, start: int = 0) -> float:
    """Submitted prospects `start` .. `rows - 1` (`rows - start` of them) with ~1.2 KB of
    answers each, in bulk, onto a schema made by `flask db upgrade`: the table's own
    indexes (the migrations') are dropped for the load and built again after it, then
    VACUUM ANALYZE on PostgreSQL (as autovacuum would); PostgreSQL loads with COPY, SQLite with executemany in one transaction
    (synchronous off, rollback journal in memory). A progress line on stderr; the
    seconds it took are returned (rows/s printed)."""
    from intake import create_app, registry
    from intake.extensions import db

    if rows <= start:
        return 0.0
    started = time.perf_counter()
    app = create_app(
        {
            "ENV": "development",
            "SECRET_KEY": secrets.token_hex(32),  # refused without one outside debug
            "DATABASE_URL": database_url,
            "LOG_LEVEL": "WARNING",
        }
    )
    with app.app_context():
        q = registry.active()
        registry.ensure_stored(q)
        db.session.commit()
        now = dt.datetime.now(dt.UTC)
        progress = Progress(f"  seeding {database_url.split(':', 1)[0]}", rows - start)
        if db.engine.dialect.name == "postgresql":
            _seed_postgresql(db.engine, start, rows, q, now, progress)
        else:
            _seed_sqlite(db.engine, start, rows, q, now, progress)
        progress.close()
        db.session.remove()
        db.engine.dispose()
    took = time.perf_counter() - started
    say(
        f"  seeded {rows - start:,} rows in {took:.1f} s ({(rows - start) / took:,.0f} "
        f"rows/s, the indexes' build included; load {os.getloadavg()[0]:.2f})"
    )
    return took


def _columns(engine, q) -> tuple[list[str], list]:
    """The seeded columns and, per column, the SQLAlchemy bind processor of the dialect
    (None where the driver takes the Python value as it is)."""
    from intake.models import Submission

    names = list(next(_seed_rows(0, 1, q, dt.datetime.now(dt.UTC))))
    table = Submission.__table__
    dialect = engine.dialect
    return names, [
        table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
        for name in names
    ]


def _tuples(start, stop, q, now, names, processors):
    """Rows as tuples ready for the driver; the answers' JSON serialised once a persona."""
    serialised: dict[int, object] = {}
    for row in _seed_rows(start, stop, q, now):
        values = []
        for name, process in zip(names, processors, strict=True):
            value = row[name]
            if name == "answers":
                key = id(value)
                if key not in serialised:
                    serialised[key] = process(value) if process else value
                value = serialised[key]
            elif process is not None and value is not None:
                value = process(value)
            values.append(value)
        yield tuple(values)


def _seed_postgresql(engine, start, stop, q, now, progress) -> None:
    import json

    names, _ = _columns(engine, q)
    raw = engine.raw_connection()
    try:
        conn = raw.driver_connection  # psycopg 3
        with conn.cursor() as cur:
            cur.execute("SET maintenance_work_mem = '256MB'")
            indexes = cur.execute(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i "
                "WHERE i.tablename = 'submission' AND i.schemaname = current_schema() "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
                "WHERE c.conindid = (quote_ident(i.schemaname) || '.' || "
                "quote_ident(i.indexname))::regclass)"
            ).fetchall()
            for name, _ in indexes:
                cur.execute(f'DROP INDEX "{name}"')
            json_of: dict[int, str] = {}
            columns = ", ".join(names)
            with cur.copy(f"COPY submission ({columns}) FROM STDIN") as copy:
                for at in range(start, stop, SEED_CHUNK):
                    upto = min(at + SEED_CHUNK, stop)
                    for row in _seed_rows(at, upto, q, now):
                        answers = row["answers"]
                        if id(answers) not in json_of:
                            json_of[id(answers)] = json.dumps(answers)
                        row["answers"] = json_of[id(answers)]
                        row["assessment"] = (
                            None
                            if row["assessment"] is None
                            else json.dumps(row["assessment"])
                        )
                        copy.write_row([row[n] for n in names])
                    progress.add(upto - at)
            say(f"  building {len(indexes)} indexes again, VACUUM ANALYZE")
            for _, definition in indexes:
                cur.execute(definition)
        conn.commit()
        # as autovacuum would after a bulk load: statistics, and the visibility map
        # that lets a count read an index alone
        conn.autocommit = True
        conn.execute("VACUUM (ANALYZE) submission")
        conn.autocommit = False
    finally:
        raw.close()


def _seed_sqlite(engine, start, stop, q, now, progress) -> None:
    from intake.models import SEARCH_INDEX

    names, processors = _columns(engine, q)
    raw = engine.raw_connection()
    try:
        conn = raw.driver_connection  # sqlite3
        conn.isolation_level = None  # transactions as written here
        # out of WAL for the load (no other connection is open)
        if conn.execute("PRAGMA journal_mode = MEMORY").fetchone()[0] != "memory":
            raise SystemExit(
                "SQLite stayed in WAL for the seeding: is a server running?"
            )
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("PRAGMA foreign_keys = OFF")  # the one questionnaire is stored
        conn.execute("PRAGMA cache_size = -262144")  # 256 MB
        indexes = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
            "AND tbl_name = 'submission' AND sql IS NOT NULL"
        ).fetchall()
        # the search index's insert trigger writes a segment of the FTS5 index per
        # row (each statement ends with a flush): it is dropped for the load, and the
        # new rows are indexed by one INSERT ... SELECT after it, as it would have
        trigger = conn.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?",
            (f"{SEARCH_INDEX}_insert",),
        ).fetchone()
        conn.execute("BEGIN")
        last_id = conn.execute("SELECT coalesce(max(id), 0) FROM submission").fetchone()
        for name, _ in indexes:
            conn.execute(f'DROP INDEX "{name}"')
        if trigger:
            conn.execute(f'DROP TRIGGER "{SEARCH_INDEX}_insert"')
        insert = (
            f"INSERT INTO submission ({', '.join(names)}) "
            f"VALUES ({', '.join('?' for _ in names)})"
        )
        for at in range(start, stop, SEED_CHUNK):
            upto = min(at + SEED_CHUNK, stop)
            conn.executemany(insert, _tuples(at, upto, q, now, names, processors))
            progress.add(upto - at)
        if trigger:
            say("  indexing the new rows for the search (FTS5)")
            conn.execute(
                f"INSERT INTO {SEARCH_INDEX}(rowid, search_text) "
                "SELECT id, search_text FROM submission WHERE id > ?",
                last_id,
            )
            conn.execute(trigger[0])
        say(f"  building {len(indexes)} indexes again")
        for _, definition in indexes:
            conn.execute(definition)
        conn.execute("COMMIT")
        # no ANALYZE: nothing runs it on a production SQLite file either
        if conn.execute("PRAGMA journal_mode = WAL").fetchone()[0] != "wal":
            raise SystemExit("the SQLite file did not go back to WAL after seeding")
    finally:
        raw.close()


@contextmanager
def postgres_database():
    import psycopg

    name = f"intake_bench_{secrets.token_hex(6)}"
    with psycopg.connect(PG_SERVER, autocommit=True, connect_timeout=3) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield PG_SERVER.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(PG_SERVER, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def postgres_problem() -> str:
    try:
        import psycopg

        with psycopg.connect(PG_SERVER, connect_timeout=3):
            return ""
    except Exception as exc:  # any reason to skip is reported
        return str(exc).strip() or type(exc).__name__


# ---- the scenarios ---------------------------------------------------------------------


def step_sessions(port: int, path: Path) -> tuple[str, str]:
    """Prospects that saved step 1 once; a line per session for the Lua script."""
    from intake.questionnaire.schema import load_questionnaire
    from tests.personas import PERSONAS

    q = load_questionnaire(str(ROOT / "intake" / "questionnaire" / "default.toml"))
    answers = PERSONAS["strategic_collaborator"]
    fields = {"nav": "next"}
    for question in q.steps[0].questions:
        if question.id in answers:
            value = answers[question.id]
            fields[f"q_{question.id}"] = (
                [str(v) for v in value] if isinstance(value, list) else str(value)
            )
    lines = []
    for _ in range(POST_SESSIONS):
        client = Client(port)
        token = client.get("/start/step/1").csrf()
        body = {"csrf_token": token, **fields}
        expect(
            client.request("POST", "/start/step/1", body),
            302,
            "step 1 POST",
            "/start/step/2",
        )
        # the same POST again with the draft's cookie: an update, no new draft
        expect(
            client.request("POST", "/start/step/1", body),
            302,
            "step 1 again",
            "/start/step/2",
        )
        lines.append(
            f"{client.cookie_header}\t{urllib.parse.urlencode(body, doseq=True)}"
        )
    path.write_text("\n".join(lines) + "\n")
    return lines[0].split("\t")


def bench_database(
    args, label: str, database_url: str, workdir: Path
) -> tuple[list[Result], list[Result]]:
    """The full scenarios at `args.rows`, and the list pages at every size of
    `args.sizes`: one database grown in place (seeded to the first size, measured,
    seeded on to the next...), a fresh server for each size (empty caches)."""
    secret = secrets.token_hex(32)
    env = production_env(database_url, secret)
    say(f"[{label}] schema (flask db upgrade), consultant")
    flask_cli(env, "db", "upgrade")
    flask_cli(
        {**env, "INTAKE_NEW_PASSWORD": CONSULTANT[1]}, "create-user", CONSULTANT[0]
    )
    results: list[Result] = []
    sweep: list[Result] = []
    seeded = 0
    for size in run_sizes(args):
        say(f"[{label}] {size:,} submissions")
        seed(database_url, size, seeded)
        seeded = size
        check_redis()  # each server starts its drafts from a clean limit (429 otherwise)
        with gunicorn(
            f"intake-{label}-{size}", "wsgi:app", env, workdir, "/healthz"
        ) as (
            port,
            log,
        ):
            say(f"[{label}] intake on http://127.0.0.1:{port}")
            full = size == args.rows and not args.sweep_only
            if full:
                results += step_scenarios(args, label, port, workdir)
            lists = list_scenarios(args, label, port, size, full=full)
            if full:
                results += [r for r in lists if r.scenario in dict(LIST_PAGES)]
            sweep += lists
            trouble = [
                t
                for t in ("Traceback", "database is locked", "WORKER TIMEOUT")
                if t in log.read_text(errors="replace")
            ]
            if trouble:
                say(f"[{label}] server log has {trouble}: see {log}")
                for r in [*results, *sweep]:
                    if r.rows == size:
                        r.note = "log: " + ", ".join(trouble)
    return results, sweep


def step_scenarios(args, label: str, port: int, workdir: Path) -> list[Result]:
    base = f"http://127.0.0.1:{port}"
    results = []
    expect(Client(port).get("/start/step/1"), 200, "step GET")
    warm(port, "/start/step/1")
    results.append(run_wrk(args, "step GET", label, base + "/start/step/1"))

    sessions = workdir / f"sessions-{label}.tsv"
    step_sessions(port, sessions)
    results.append(
        run_wrk(
            args,
            "step POST (save)",
            label,
            base,
            "-s",
            str(BENCH / "step_post.lua"),
            script_args=(str(sessions), USER_AGENT),
        )
    )
    cookie, body = sessions.read_text().splitlines()[0].split("\t")
    check = Client(port)
    check.cookies = dict(p.split("=", 1) for p in cookie.split("; "))
    expect(
        check.request("POST", "/start/step/1", urllib.parse.parse_qs(body)),
        302,
        "step POST after the run",
        "/start/step/2",
    )
    for r in results:
        r.rows = args.rows
    return results


def list_scenarios(
    args, label: str, port: int, rows: int, *, full: bool
) -> list[Result]:
    """The consultant's list pages (LIST_PAGES, then SWEEP_PAGES): the first request
    of each (its count not yet cached by the worker that serves it; the very first also
    builds the summary strip), then wrk for `args.duration` (LIST_PAGES when `full`)
    or `args.sweep_duration` seconds."""
    base = f"http://127.0.0.1:{port}"
    consultant = Client(port)
    expect(
        consultant.post_form(
            "/workspace/login", {"email": CONSULTANT[0], "password": CONSULTANT[1]}
        ),
        302,
        "sign-in",
        SIGNED_IN,
    )
    results = []
    pages = [(s, p, full) for s, p in LIST_PAGES] + [
        (s, p, False) for s, p in SWEEP_PAGES
    ]
    for scenario, path, long in pages:
        started = time.perf_counter()
        page = consultant.get(path)
        first_ms = 1000 * (time.perf_counter() - started)
        expect(page, 200, scenario)
        if "Prospect " not in page.text and rows >= FOUND_FROM.get(path, 0):
            raise SystemExit(f"{scenario}: no prospects on the page")
        warm(port, path, consultant.cookie_header, n=10)
        result = run_wrk(
            args,
            scenario,
            label,
            base + path,
            "-H",
            f"Cookie: {consultant.cookie_header}",
            duration=args.duration if long else args.sweep_duration,
            rows=rows,
        )
        result.first_ms = first_ms
        results.append(result)
        expect(consultant.get(path), 200, f"{scenario} after the run")
    return results


def print_table(results: list[Result], hello: Result) -> None:
    header = (
        f"{'scenario':<22} {'database':<10} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} "
        f"{'rps/hello':>9} {'p50/hello':>9} {'CPU ms':>7} {'CPU/hello':>9} {'bad':>5}"
    )
    print()
    print(header)
    print("-" * len(header))
    for r in [hello, *results]:
        print(
            f"{r.scenario:<22} {r.database:<10} {r.rps:>8.0f} {r.p50:>8.2f} {r.p99:>8.2f} "
            f"{r.rps / hello.rps:>9.2f} {r.p50 / hello.p50:>9.1f} {r.cpu_ms:>7.2f} "
            f"{r.cpu_ms / hello.cpu_ms if hello.cpu_ms else 0:>9.1f} {r.bad:>5}"
            f"{'  ' + r.note if r.note else ''}"
        )
    print()
    for r in results:
        for problem in missed_aims(r, hello):
            print(f"! {r.scenario} on {r.database}: {problem}")


def missed_aims(r: Result, hello: Result) -> list[str]:
    """The aims of issue 16 that this result misses, as ratios to the ceiling."""
    problems = []
    share = {"step GET": 0.50, "step POST (save)": 0.35}.get(r.scenario)
    if share and r.rps < share * hello.rps:
        problems.append(
            f"{r.rps / hello.rps:.0%} of the hello-world rate (aim: {share:.0%})"
        )
    limit = 10 if r.scenario == "list search" else 5
    if r.scenario.startswith("list") and r.p50 > limit * hello.p50:
        problems.append(
            f"p50 {r.p50 / hello.p50:.1f}x the hello-world p50 (aim: {limit}x)"
        )
    if r.p99 > 3 * r.p50:
        problems.append(f"p99 {r.p99 / r.p50:.1f}x its p50 (aim: 3x)")
    if r.bad:
        problems.append(f"{r.bad} failed responses")
    return problems


SIZES = (1_000, 10_000, 100_000, 1_000_000)
BASE_SIZE = 10_000  # the sweep's figures are compared with this size's
GROWTH_AIM = 1.5  # issue 27: each stays within 1.5x of its 10,000-row figure


def run_sizes(args) -> list[int]:
    """The sizes a database grows through: the sweep's and the full scenarios'."""
    return sorted({*args.sizes} if args.sweep_only else {*args.sizes, args.rows})


def sizes_option(text: str) -> tuple[int, ...]:
    try:
        sizes = tuple(int(n.replace("_", "")) for n in text.split(",") if n.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not a list of row counts: {text!r}"
        ) from None
    if any(n < 1 for n in sizes):
        raise argparse.ArgumentTypeError("row counts are positive")
    return sizes


def print_sweep(sweep: list[Result]) -> None:
    """The list pages at each size: p50, the workers' CPU per request and the first
    request, each with its ratio to the 10,000-row figure (the smallest size's when
    10,000 is not measured); a p50 above 1.5x that is flagged (issue 27's aim)."""
    sizes = sorted({r.rows for r in sweep})
    if len(sizes) < 2:
        return
    base = BASE_SIZE if BASE_SIZE in sizes else sizes[0]
    by_key = {(r.scenario, r.database, r.rows): r for r in sweep}
    order = [s for s, _ in LIST_PAGES + SWEEP_PAGES]
    lines = sorted(
        {(r.scenario, r.database) for r in sweep},
        key=lambda k: (k[1], order.index(k[0]) if k[0] in order else 0),
    )
    figures = (
        ("p50 ms", lambda r: r.p50),
        ("workers' CPU ms per request", lambda r: r.cpu_ms),
        (
            "first request ms (the count and summary strip not cached yet)",
            lambda r: r.first_ms,
        ),
    )
    problems = []
    for title, figure in figures:
        print()
        print(f"as data grows: {title}, and its ratio to the {base:,}-row figure")
        header = f"{'scenario':<22} {'database':<10} " + " ".join(
            f"{n:>17,}" for n in sizes
        )
        print(header)
        print("-" * len(header))
        for scenario, database in lines:
            base_result = by_key.get((scenario, database, base))
            base_value = figure(base_result) if base_result else 0.0
            cells = []
            for n in sizes:
                r = by_key.get((scenario, database, n))
                if r is None:
                    cells.append(f"{'-':>17}")
                    continue
                ratio = figure(r) / base_value if base_value else 0.0
                mark = "!" if ratio > GROWTH_AIM else " "
                cells.append(f"{figure(r):>8.2f} {f'({ratio:.1f}x)':>7}{mark}")
                if title == "p50 ms" and ratio > GROWTH_AIM:
                    problems.append(
                        f"! {scenario} on {database}: p50 at {n:,} rows {ratio:.1f}x "
                        f"its {base:,}-row p50 (aim: {GROWTH_AIM}x)"
                    )
                if title == "p50 ms" and r.bad:
                    problems.append(
                        f"! {scenario} on {database} at {n:,} rows: {r.bad} failed "
                        "responses"
                    )
            print(f"{scenario:<22} {database:<10} " + " ".join(cells))
    print()
    for problem in problems:
        print(problem)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=5, help="seconds per scenario")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument(
        "--rows", type=int, default=100_000, help="rows for the full scenarios"
    )
    parser.add_argument(
        "--sizes",
        type=sizes_option,
        default=SIZES,
        help="rows at which the list pages are measured again, comma-separated "
        "(default 1000,10000,100000,1000000; empty: none)",
    )
    parser.add_argument(
        "--sweep-duration", type=int, default=3, help="seconds per page and size"
    )
    parser.add_argument(
        "--sweep-only",
        action="store_true",
        help="only the list pages at --sizes: no ceiling, no step scenarios",
    )
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    for key in [k for k in os.environ if k.startswith("INTAKE_")]:
        del os.environ[
            key
        ]  # the in-process seeding builds the app from explicit settings
    args.wrk = ensure_wrk()
    check_redis()
    started = time.monotonic()
    results: list[Result] = []
    sweep: list[Result] = []
    with ExitStack() as stack:
        workdir = Path(tempfile.mkdtemp(prefix="intake-bench-"))
        if not args.keep:
            stack.callback(shutil.rmtree, workdir, ignore_errors=True)
        say(f"working in {workdir}")
        hello = None
        if not args.sweep_only:
            hello_env = clean_env()
            with gunicorn(
                "hello",
                "hello:app",
                hello_env,
                workdir,
                "/",
                "--pythonpath",
                str(BENCH),
            ) as (port, _):
                warm(port, "/")
                hello = run_wrk(args, "hello-world", "-", f"http://127.0.0.1:{port}/")
        for label in args.databases.split(","):
            if label == "sqlite":
                url = f"sqlite:///{workdir / 'bench.sqlite3'}"
                full, grown = bench_database(args, "sqlite", url, workdir)
                results, sweep = results + full, sweep + grown
            elif label == "postgresql":
                problem = postgres_problem()
                if problem:
                    say(
                        f"[postgresql] skipped: PostgreSQL not reachable at {PG_SERVER}: {problem}"
                    )
                    continue
                with postgres_database() as url:
                    full, grown = bench_database(args, "postgresql", url, workdir)
                    results, sweep = results + full, sweep + grown
            else:
                raise SystemExit(f"unknown database {label!r}: sqlite or postgresql")
    if hello is not None:
        print_table(results, hello)
    print_sweep(sweep)
    print(
        f"(wrk -t{args.threads} -c{args.connections} -d{args.duration}s over loopback on "
        f"{os.cpu_count()} cores; {args.rows:,} submissions; sizes "
        f"{', '.join(f'{n:,}' for n in run_sizes(args))} at "
        f"-d{args.sweep_duration}s; load {os.getloadavg()[0]:.2f} at the end; whole run "
        f"{time.monotonic() - started:.0f} s; "
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC)"
    )


if __name__ == "__main__":
    main()
