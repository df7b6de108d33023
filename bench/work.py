"""More of the work measured (issue 16, item 4): rescore, CSV export, concurrent renders.

Run from the repository root: `make bench-work` (or `.venv/bin/python bench/work.py`).
A script that prints figures, not a timed test. For each database (a temporary SQLite
file, then a fresh PostgreSQL database as bench/bench.py makes one) it seeds 100,000
submitted prospects with bench.py's seeding (answers cycle through tests/personas.py) and
measures:

  rescore     CPU seconds of `flask rescore --current --dry-run`, `flask rescore` (the
              seeded scores are fake, so every row changes) and `flask rescore` again
              (nothing changes), per 100,000 submissions; the process's start-up
              (`flask check-questionnaire`) is measured apart. On PostgreSQL the
              server's own CPU is not counted (it is another process).
  export      GET /workspace/export.csv of 10,000 rows (?status=reviewing) and of all
              100,000, under gunicorn (2 sync workers, production settings): the time,
              the rows, and the peak RSS of the worker (VmHWM, reset before each
              request through /proc/PID/clear_refs).
  renders     8 proposal PDFs of 8 different fit prospects requested at once on 2
              workers: the wall time, every reply a PDF, and each worker's peak RSS,
              with the workers' pids before and after (none killed).

CPU seconds and RSS hold on a shared machine; wall times do not, so each is printed with
the load average at the time. BENCH_PG_URL and BENCH_REDIS_URL as for bench.py.
`--only rescore` (or export, renders, comma-separated) measures those parts alone.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import resource
import secrets
import shutil
import sys
import tempfile
import threading
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from profile import gunicorn_master, worker_pids  # noqa: E402

import bench as b  # noqa: E402  (bench/bench.py: seeding, servers, HTTP client)

RENDERS = 8
PARTS = ("rescore", "export", "renders")  # what --only may name


def load() -> str:
    """The 1-minute load average, printed beside every wall time."""
    return f"load {os.getloadavg()[0]:.2f}"


@dataclass
class Figures:
    database: str
    lines: list[str] = field(default_factory=list)

    def add(self, line: str) -> None:
        b.say(f"  [{self.database}] {line}")
        self.lines.append(line)


# ---- rescore ---------------------------------------------------------------------------


def cpu_of(env: dict[str, str], *args: str) -> tuple[float, float, str]:
    """(CPU seconds, wall seconds, stdout) of one `flask` command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    out = b.flask_cli(env, *args)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall, out


def measure_rescore(env: dict[str, str], rows: int, figures: Figures) -> None:
    per = 100_000 / rows
    startup, _, _ = cpu_of(env, "check-questionnaire")
    figures.add(f"start-up of a flask command: {startup:.2f} s CPU")
    runs = [
        ("rescore --current --dry-run", ("rescore", "--current", "--dry-run")),
        ("rescore (every row changes)", ("rescore",)),
        ("rescore again (none changes)", ("rescore",)),
    ]
    for label, args in runs:
        cpu, wall, out = cpu_of(env, *args)
        last = out.strip().splitlines()[1 if "--dry-run" in args else -1]
        figures.add(
            f"{label:<30} {cpu * per:6.2f} s CPU per 100,000 "
            f"({(cpu - startup) * per:6.2f} s without start-up); wall {wall:.1f} s "
            f"({load()}); says: {last.strip()[:90]}"
        )


# ---- gunicorn workers' memory ----------------------------------------------------------


def reset_peaks(pids: list[int]) -> None:
    for pid in pids:  # "5" resets VmHWM to the current RSS (proc(5))
        Path(f"/proc/{pid}/clear_refs").write_text("5")


def memory_kb(pid: int) -> dict[str, int]:
    status = Path(f"/proc/{pid}/status").read_text()
    return {
        k: int(v) for k, v in re.findall(r"^(VmHWM|VmRSS):\s+(\d+) kB", status, re.M)
    }


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process so far (proc(5): fields 14 and 15, in ticks)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def workers_cpu(pids: list[int]) -> float:
    return sum(cpu_seconds(pid) for pid in pids)


def all_workers(master: int, count: int = 2) -> list[int]:
    """The workers' pids once all are forked: the server answers its health check as
    soon as the first is up."""
    deadline = time.monotonic() + 15
    while len(pids := worker_pids(master)) < count and time.monotonic() < deadline:
        time.sleep(0.1)
    return pids


def signed_in(port: int) -> b.Client:
    consultant = b.Client(port)
    b.expect(
        consultant.post_form(
            "/workspace/login", {"email": b.CONSULTANT[0], "password": b.CONSULTANT[1]}
        ),
        302,
        "sign-in",
        b.SIGNED_IN,
    )
    return consultant


def stream(port: int, path: str, cookie: str) -> tuple[int, int, bytes, int]:
    """(status, bytes, the first 64 KB, lines) of a GET read in chunks, never whole."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    try:
        conn.request(
            "GET", path, headers={"User-Agent": b.USER_AGENT, "Cookie": cookie}
        )
        response = conn.getresponse()
        size, head, lines = 0, b"", 0
        while chunk := response.read(65536):
            size += len(chunk)
            lines += chunk.count(b"\n")
            if len(head) < 65536:
                head += chunk
        return response.status, size, head, lines
    finally:
        conn.close()


def measure_export(port: int, cookie: str, workers: list[int], figures: Figures):
    for label, path in [
        ("export, 1 row in 10", "/workspace/export.csv?status=reviewing"),
        ("export, every row", "/workspace/export.csv"),
    ]:
        for _ in range(2):  # an empty export first: the code path warm in the workers
            stream(port, "/workspace/export.csv?status=won", cookie)
        before = {pid: memory_kb(pid)["VmRSS"] for pid in workers}
        reset_peaks(workers)
        cpu, started = workers_cpu(workers), time.perf_counter()
        status, size, _, lines = stream(port, path, cookie)
        wall = time.perf_counter() - started
        cpu = workers_cpu(workers) - cpu
        peaks = {pid: memory_kb(pid)["VmHWM"] for pid in workers}
        pid = max(workers, key=lambda p: peaks[p] - before[p])
        rows = lines - 1  # the header
        figures.add(
            f"{label:<18} HTTP {status}, {rows:,} rows, {size / 1e6:.1f} MB, worker CPU {cpu:.2f} s, wall {wall:.2f} s "
            f"({load()}); worker peak RSS {peaks[pid] / 1024:.0f} MB "
            f"(RSS before {before[pid] / 1024:.0f} MB, +{(peaks[pid] - before[pid]) / 1024:.0f} MB)"
        )


# ---- 8 renders at once -----------------------------------------------------------------


def fit_ids(database_url: str, n: int) -> list[int]:
    """n submissions that get a proposal (not 'not a fit'), spread over the personas."""
    import sqlalchemy as sa

    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as conn:
            return list(
                conn.scalars(
                    sa.text(
                        "SELECT id FROM submission WHERE verdict != 'not a fit' "
                        "AND status != 'draft' ORDER BY id LIMIT :n"
                    ),
                    {"n": n},
                )
            )
    finally:
        engine.dispose()


def measure_renders(port, cookie, workers, database_url, log: Path, figures: Figures):
    ids = fit_ids(database_url, RENDERS)
    replies: dict[int, tuple] = {}

    def fetch(sid: int) -> None:
        replies[sid] = stream(
            port, f"/workspace/submissions/{sid}/proposal.pdf", cookie
        )

    reset_peaks(workers)
    misses_before = log.read_text(errors="replace").count("cache=miss")
    threads = [threading.Thread(target=fetch, args=(sid,)) for sid in ids]
    cpu, started = workers_cpu(workers), time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    cpu = workers_cpu(workers) - cpu
    time.sleep(0.5)  # the access log line follows the reply
    pdfs = sum(1 for r in replies.values() if r[0] == 200 and r[2][:5] == b"%PDF-")
    misses = log.read_text(errors="replace").count("cache=miss") - misses_before
    peaks = [memory_kb(pid)["VmHWM"] / 1024 for pid in workers]
    figures.add(
        f"{RENDERS} renders at once   {pdfs}/{len(ids)} PDFs, {misses} rendered (cache "
        f"misses), workers' CPU {cpu:.2f} s, wall {wall:.2f} s ({load()}); "
        "worker peak RSS " + ", ".join(f"{p:.0f} MB" for p in peaks)
    )


# ---- one database ----------------------------------------------------------------------


def bench_database(args, label: str, database_url: str, workdir: Path) -> Figures:
    figures = Figures(label)
    env = b.production_env(database_url, secrets.token_hex(32))
    b.check_redis()
    b.say(f"[{label}] schema, consultant, {args.rows:,} submissions")
    b.flask_cli(env, "db", "upgrade")
    b.flask_cli(
        {**env, "INTAKE_NEW_PASSWORD": b.CONSULTANT[1]}, "create-user", b.CONSULTANT[0]
    )
    b.say(f"[{label}] seeded in {b.seed(database_url, args.rows):.1f} s")
    parts = args.only.split(",")
    if "rescore" in parts:
        measure_rescore(env, args.rows, figures)
    if "export" not in parts and "renders" not in parts:
        return figures
    with b.gunicorn(f"work-{label}", "wsgi:app", env, workdir, "/healthz") as (
        port,
        log,
    ):
        workers = all_workers(gunicorn_master(port))
        cookie = signed_in(port).cookie_header
        if "export" in parts:
            measure_export(port, cookie, workers, figures)
        if "renders" in parts:
            measure_renders(port, cookie, workers, database_url, log, figures)
        after = worker_pids(gunicorn_master(port))
        text = log.read_text(errors="replace")
        trouble = [
            t for t in ("Traceback", "WORKER TIMEOUT", "SIGKILL", "killed") if t in text
        ]
        figures.add(
            f"workers {sorted(workers)} before, {sorted(after)} after"
            f"{'; log has ' + ', '.join(trouble) if trouble else '; none restarted'}"
        )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument(
        "--only",
        default=",".join(PARTS),
        help="the parts to measure, comma-separated: " + ", ".join(PARTS),
    )
    args = parser.parse_args()
    unknown = set(args.only.split(",")) - set(PARTS)
    if unknown:
        parser.error(f"--only: unknown part(s) {', '.join(sorted(unknown))}")
    for key in [k for k in os.environ if k.startswith("INTAKE_")]:
        del os.environ[key]
    b.check_redis()
    results: list[Figures] = []
    with ExitStack() as stack:
        workdir = Path(tempfile.mkdtemp(prefix="intake-work-"))
        if not args.keep:
            stack.callback(shutil.rmtree, workdir, ignore_errors=True)
        b.say(f"working in {workdir}")
        for label in args.databases.split(","):
            if label == "sqlite":
                url = f"sqlite:///{workdir / 'work.sqlite3'}"
                results.append(bench_database(args, label, url, workdir))
            elif label == "postgresql":
                problem = b.postgres_problem()
                if problem:
                    b.say(f"[postgresql] skipped: {b.PG_SERVER}: {problem}")
                    continue
                with b.postgres_database() as url:
                    results.append(bench_database(args, label, url, workdir))
            else:
                raise SystemExit(f"unknown database {label!r}: sqlite or postgresql")
    print()
    for figures in results:
        print(f"{figures.database}:")
        for line in figures.lines:
            print(f"  {line}")
    print(
        f"({args.rows:,} submissions; {os.cpu_count()} cores; {load()} at the end; "
        f"{time.strftime('%Y-%m-%d %H:%M')})"
    )


if __name__ == "__main__":
    main()
