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
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
LIST_PAGES = [
    ("list (default)", "/workspace/"),
    ("list sort=overall", "/workspace/?sort=overall"),
    ("list verdict filter", "/workspace/?verdict=possible+fit"),
    ("list search", "/workspace/?q=prospect+4242"),
]


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


def run_wrk(
    args,
    scenario: str,
    database: str,
    url: str,
    *options: str,
    script_args: tuple[str, ...] = (),
) -> Result:
    cmd = [
        args.wrk,
        f"-t{args.threads}",
        f"-c{args.connections}",
        f"-d{args.duration}s",
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
    out = subprocess.run(
        cmd, capture_output=True, text=True, timeout=args.duration + 60
    )
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


def seed(database_url: str, rows: int) -> float:
    """`rows` submitted prospects with ~1.2 KB of answers each, in bulk (SQLAlchemy core)."""
    import sqlalchemy as sa

    from intake import create_app, registry
    from intake.extensions import db
    from intake.models import PIPELINE, Submission
    from tests.factories import listed_row
    from tests.personas import PERSONAS

    started = time.perf_counter()
    app = create_app(
        {
            "ENV": "development",
            "SECRET_KEY": secrets.token_hex(32),  # refused without one outside debug
            "DATABASE_URL": database_url,
            "LOG_LEVEL": "WARNING",
        }
    )
    answers = list(PERSONAS.values())
    verdicts = ["strong fit", "possible fit", "not a fit"]
    statuses = list(PIPELINE)
    with app.app_context():
        q = registry.active()
        registry.ensure_stored(q)
        db.session.commit()
        now = dt.datetime.now(dt.UTC)
        chunk = 5000
        for start in range(0, rows, chunk):
            batch = [
                listed_row(
                    i,
                    q,
                    now,
                    status="new" if i % 10 < 8 else statuses[1 + i % 2],
                    verdict=verdicts[i % 3],
                    answers=answers[i % len(answers)],
                )
                for i in range(start, min(start + chunk, rows))
            ]
            db.session.execute(sa.insert(Submission), batch)
            db.session.commit()
        if db.engine.dialect.name == "postgresql":
            db.session.execute(
                sa.text("ANALYZE")
            )  # as autovacuum would after a bulk load
            db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return time.perf_counter() - started


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


def bench_database(args, label: str, database_url: str, workdir: Path) -> list[Result]:
    secret = secrets.token_hex(32)
    env = production_env(database_url, secret)
    check_redis()  # each database starts its drafts from a clean limit (429 otherwise)
    say(f"[{label}] schema (flask db upgrade), consultant, {args.rows:,} submissions")
    flask_cli(env, "db", "upgrade")
    flask_cli(
        {**env, "INTAKE_NEW_PASSWORD": CONSULTANT[1]}, "create-user", CONSULTANT[0]
    )
    say(f"[{label}] seeded in {seed(database_url, args.rows):.1f} s")
    results = []
    with gunicorn(f"intake-{label}", "wsgi:app", env, workdir, "/healthz") as (
        port,
        log,
    ):
        base = f"http://127.0.0.1:{port}"
        say(f"[{label}] intake on {base}")

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

        consultant = Client(port)
        expect(
            consultant.post_form(
                "/workspace/login", {"email": CONSULTANT[0], "password": CONSULTANT[1]}
            ),
            302,
            "sign-in",
            "/workspace/",
        )
        for scenario, path in LIST_PAGES:
            page = consultant.get(path)
            expect(page, 200, scenario)
            if ("Prospect " not in page.text) and (
                args.rows > 4242 or "?q=" not in path
            ):
                raise SystemExit(f"{scenario}: no prospects on the page")
            warm(port, path, consultant.cookie_header, n=10)
            results.append(
                run_wrk(
                    args,
                    scenario,
                    label,
                    base + path,
                    "-H",
                    f"Cookie: {consultant.cookie_header}",
                )
            )
            expect(consultant.get(path), 200, f"{scenario} after the run")
        trouble = [
            t
            for t in ("Traceback", "database is locked", "WORKER TIMEOUT")
            if t in log.read_text(errors="replace")
        ]
        if trouble:
            say(f"[{label}] server log has {trouble}: see {log}")
            for r in results:
                r.note = "log: " + ", ".join(trouble)
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=5, help="seconds per scenario")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--rows", type=int, default=100_000)
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
    with ExitStack() as stack:
        workdir = Path(tempfile.mkdtemp(prefix="intake-bench-"))
        if not args.keep:
            stack.callback(shutil.rmtree, workdir, ignore_errors=True)
        say(f"working in {workdir}")
        hello_env = clean_env()
        with gunicorn(
            "hello", "hello:app", hello_env, workdir, "/", "--pythonpath", str(BENCH)
        ) as (port, _):
            warm(port, "/")
            hello = run_wrk(args, "hello-world", "-", f"http://127.0.0.1:{port}/")
        for label in args.databases.split(","):
            if label == "sqlite":
                url = f"sqlite:///{workdir / 'bench.sqlite3'}"
                results += bench_database(args, "sqlite", url, workdir)
            elif label == "postgresql":
                problem = postgres_problem()
                if problem:
                    say(
                        f"[postgresql] skipped: PostgreSQL not reachable at {PG_SERVER}: {problem}"
                    )
                    continue
                with postgres_database() as url:
                    results += bench_database(args, "postgresql", url, workdir)
            else:
                raise SystemExit(f"unknown database {label!r}: sqlite or postgresql")
    print_table(results, hello)
    print(
        f"(wrk -t{args.threads} -c{args.connections} -d{args.duration}s over loopback on "
        f"{os.cpu_count()} cores; {args.rows:,} submissions; whole run "
        f"{time.monotonic() - started:.0f} s)"
    )


if __name__ == "__main__":
    main()
