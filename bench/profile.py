"""Where a scenario's time goes: one worker sampled by py-spy while wrk loads the server.

Run from the repository root: `make profile SCENARIO=step_get` (or `.venv/bin/python
bench/profile.py step_get --database sqlite`). Scenarios: step_get, step_post, list,
search. The server runs as in bench.py (production settings, 2 sync workers, seeded
submissions); py-spy (`pip install py-spy`, in the dev extras) samples one worker
with `--idle`, so time spent waiting for the database counts too. Samples outside a
request (the worker waiting for a connection) are dropped; the rest, divided by the
requests that worker served (counted from its access-log lines), gives milliseconds of
wall time per request, by frame (inclusive) and by package (the innermost Python frame).

On a loaded machine wall time includes time the worker waited for a core: compare the
shares of one run, not the milliseconds of two.
"""

from __future__ import annotations

import argparse
import collections
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench as b  # noqa: E402  (bench/bench.py, the shared set-up)

SCENARIOS = {
    "step_get": "/start/step/1",
    "step_post": "/start/step/1",
    "list": "/workspace/",
    "search": "/workspace/?q=prospect+4242",
}
FRAME_RE = re.compile(r"^(?P<name>.*?) \((?P<file>[^()]*)\)$")
PACKAGES = [
    ("templates/", "jinja2 (our templates)"),
    ("jinja2/", "jinja2"),
    ("markupsafe/", "jinja2"),
    ("sqlalchemy/", "sqlalchemy"),
    ("psycopg", "psycopg"),
    ("sqlite3/", "sqlite3"),
    ("flask_wtf/", "wtforms / flask-wtf"),
    ("wtforms/", "wtforms / flask-wtf"),
    ("itsdangerous/", "itsdangerous (signing)"),
    ("flask_login/", "flask-login"),
    ("flask_limiter/", "flask-limiter"),
    ("limits/", "flask-limiter"),
    ("redis/", "redis"),
    ("flask_compress/", "flask-compress"),
    ("werkzeug/", "werkzeug"),
    ("flask/", "flask"),
    ("gunicorn/", "gunicorn"),
    ("logging/", "logging"),
    ("intake/", "intake"),
]


def package_of(path: str) -> str:
    for needle, name in PACKAGES:
        if needle in path:
            return name
    return "other (stdlib)"


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(p) for p in children]


def gunicorn_master(port: int) -> int:
    """The gunicorn process listening on `port` (bench.gunicorn does not expose it)."""
    out = subprocess.run(
        ["pgrep", "-f", "--", f"--bind 127.0.0.1:{port}"],
        capture_output=True,
        text=True,
    ).stdout.split()
    pids = [int(p) for p in out]
    masters = [p for p in pids if worker_pids(p)]
    if len(masters) != 1:
        raise SystemExit(f"cannot find the gunicorn master on port {port}: {pids}")
    return masters[0]


def prepare(scenario: str, port: int, workdir: Path) -> tuple[list[str], tuple]:
    """wrk options (and script arguments) for the scenario."""
    if scenario == "step_get":
        b.warm(port, SCENARIOS[scenario])
        return [], ()
    if scenario == "step_post":
        sessions = workdir / "sessions.tsv"
        b.step_sessions(port, sessions)
        return ["-s", str(b.BENCH / "step_post.lua")], (str(sessions), b.USER_AGENT)
    consultant = b.Client(port)
    b.expect(
        consultant.post_form(
            "/workspace/login", {"email": b.CONSULTANT[0], "password": b.CONSULTANT[1]}
        ),
        302,
        "sign-in",
        "/workspace/today",  # where a sign-in lands since the Today page
    )
    b.warm(port, SCENARIOS[scenario], consultant.cookie_header, n=10)
    return ["-H", f"Cookie: {consultant.cookie_header}"], ()


def summarise(raw: Path, requests: int, rate: int, top: int = 18) -> str:
    inclusive: collections.Counter = collections.Counter()
    by_package: collections.Counter = collections.Counter()
    serving = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = stack.split(";")
        if not any("handle_request" in f and "gunicorn" in f for f in frames):
            continue  # waiting for a connection, or the worker's housekeeping
        n = int(count)
        serving += n
        for frame in set(frames):
            inclusive[frame] += n
        match = FRAME_RE.match(frames[-1])
        by_package[package_of(match["file"] if match else frames[-1])] += n
    if not serving or not requests:
        return "no samples inside a request\n"
    per_sample = 1000.0 / rate / requests  # ms per request for one sample

    def ms(n: int) -> str:
        return f"{n * per_sample:.2f}"

    lines = [
        f"requests served by the sampled worker: {requests:,}; "
        f"{serving:,} samples in a request; **{ms(serving)} ms per request** (wall)",
        "",
        "| frame (inclusive) | ms/req | share |",
        "|---|---:|---:|",
    ]
    shown: list[int] = []
    for frame, n in inclusive.most_common():
        if n > 0.97 * serving or any(abs(n - m) <= 0.02 * m for m in shown):
            continue  # the chain every request goes through, or a frame's only caller
        lines.append(f"| `{frame}` | {ms(n)} | {n / serving:.0%} |")
        shown.append(n)
        if len(shown) == top:
            break
    lines += ["", "| innermost Python frame in | ms/req | share |", "|---|---:|---:|"]
    for name, n in by_package.most_common():
        lines.append(f"| {name} | {ms(n)} | {n / serving:.0%} |")
    return "\n".join(lines) + "\n"


def served_by(log: Path, pid: int) -> int:
    mark = f"pid=<{pid}> "
    return sum(
        1 for line in log.read_text(errors="replace").splitlines() if mark in line
    )


def run(args, workdir: Path, database_url: str) -> str:
    env = b.production_env(database_url, secrets.token_hex(32))
    env["PYTHONUNBUFFERED"] = "1"  # the access log is read while the server runs
    b.flask_cli(env, "db", "upgrade")
    b.flask_cli(
        {**env, "INTAKE_NEW_PASSWORD": b.CONSULTANT[1]}, "create-user", b.CONSULTANT[0]
    )
    if args.scenario in ("list", "search"):
        b.say(f"seeded {args.rows:,} rows in {b.seed(database_url, args.rows):.1f} s")
    logformat = 'pid=%(p)s "%(r)s" %(s)s'
    with b.gunicorn(
        "intake", "wsgi:app", env, workdir, "/healthz", "--access-logformat", logformat
    ) as (port, log):
        options, script_args = prepare(args.scenario, port, workdir)
        worker = worker_pids(gunicorn_master(port))[0]
        before = served_by(log, worker)
        raw = workdir / "py-spy.txt"
        spy = subprocess.Popen(
            [
                args.py_spy,
                "record",
                "--pid",
                str(worker),
                "--rate",
                str(args.rate),
                "--duration",
                str(args.duration),
                "--idle",
                "--nolineno",
                "--format",
                "raw",
                "--output",
                str(raw),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        url = f"http://127.0.0.1:{port}" + (
            "" if args.scenario == "step_post" else SCENARIOS[args.scenario]
        )
        result: list = []
        load = threading.Thread(
            target=lambda: result.append(
                b.run_wrk(
                    args,
                    args.scenario,
                    args.database,
                    url,
                    *options,
                    script_args=script_args,
                )
            )
        )
        load.start()
        load.join()
        _, err = spy.communicate(timeout=args.duration + 60)
        if spy.returncode != 0 or not raw.exists():
            raise SystemExit(f"py-spy failed: {err.decode(errors='replace')}")
        requests = served_by(log, worker) - before
        if not requests:
            b.say(f"worker {worker}; log tail:\n{log.read_text()[-1500:]}")
        if args.raw:
            shutil.copy(raw, args.raw)
    r = result[0]
    head = (
        f"### {args.scenario} on {args.database} ({args.label})\n\n"
        f"wrk -c{args.connections} -d{args.duration}s: {r.rps:.0f} req/s, "
        f"p50 {r.p50:.2f} ms, p99 {r.p99:.2f} ms; py-spy at {args.rate} Hz on one of "
        f"2 workers; {args.rows:,} rows\n\n"
    )
    return head + summarise(raw, requests, args.rate)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scenario", choices=sorted(SCENARIOS))
    parser.add_argument(
        "--database", default="sqlite", choices=["sqlite", "postgresql"]
    )
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--rate", type=int, default=250, help="samples per second")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--label", default="now")
    parser.add_argument("--out", help="append the summary to this file")
    parser.add_argument("--raw", help="keep py-spy's collapsed stacks in this file")
    args = parser.parse_args()
    for key in [k for k in os.environ if k.startswith("INTAKE_")]:
        del os.environ[key]
    args.wrk = b.ensure_wrk()
    args.py_spy = shutil.which("py-spy", path=str(b.BIN)) or shutil.which("py-spy")
    if not args.py_spy:
        raise SystemExit("py-spy is needed: .venv/bin/pip install -e '.[dev]'")
    b.check_redis()
    workdir = Path(tempfile.mkdtemp(prefix="intake-profile-"))
    try:
        if args.database == "sqlite":
            text = run(args, workdir, f"sqlite:///{workdir / 'profile.sqlite3'}")
        else:
            problem = b.postgres_problem()
            if problem:
                raise SystemExit(f"PostgreSQL not reachable: {problem}")
            with b.postgres_database() as url:
                text = run(args, workdir, url)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(text)
    if args.out:
        with open(args.out, "a") as out:
            out.write(text + "\n")


if __name__ == "__main__":
    main()
