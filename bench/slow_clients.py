"""How slow clients affect everyone else, for each way of serving intake.

Run from the repository root: `.venv/bin/python bench/slow_clients.py`.

For each set-up (gunicorn's sync workers alone, gunicorn's threaded workers alone, and
sync workers behind nginx configured by deploy/nginx/), all with 2 workers and the
production settings on a temporary SQLite file, it opens N sockets that send a request
slowly and never finish it (one header line every 0.5 s, or a POST body one byte every
0.5 s), then times 10 `GET /healthz` from a well-behaved client (3 s time-out each) and
prints how many were answered and how fast. Then `wrk` measures a questionnaire page
(`GET /start/step/1`, 16 connections, 5 s) straight from gunicorn and through nginx, for
the cost of the proxy. Rate-limit counters go to BENCH_REDIS_URL (default Redis DB 15).
"""

from __future__ import annotations

import argparse
import http.client
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import (  # noqa: E402  (bench/bench.py, beside this file)
    BIN,
    check_redis,
    ensure_wrk,
    flask_cli,
    free_port,
    production_env,
)
from tests.serving import SlowClients, start_nginx  # noqa: E402

SETUPS = ("sync", "gthread", "nginx+sync")
WORKERS = 2
PROBES = 10
PROBE_TIMEOUT = 3.0


@contextmanager
def gunicorn(env: dict, folder: Path, *, worker_class: str):
    port = free_port()
    extra = ["--worker-class", "gthread", "--threads", "4"] if worker_class else []
    log = open(folder / f"gunicorn-{port}.log", "wb")
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "wsgi:app"]
        + ["--bind", f"127.0.0.1:{port}", "--workers", str(WORKERS)]
        + ["--no-control-socket", *extra],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while probe(port, 1.0) is None:
            if time.monotonic() > deadline or process.poll() is not None:
                raise SystemExit(f"gunicorn did not start; see {log.name}")
            time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def probe(port: int, timeout: float) -> float | None:
    """Seconds for one GET /healthz answered 200, or None."""
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", "/healthz")
        response = conn.getresponse()
        response.read()
        return time.perf_counter() - started if response.status == 200 else None
    except OSError:
        return None
    finally:
        conn.close()


def measure_probes(port: int) -> str:
    served, failed = [], 0
    for _ in range(PROBES):
        took = probe(port, PROBE_TIMEOUT)
        if took is None:
            failed += 1
            if failed == 3:  # stalled: waiting out the rest proves nothing more
                break
        else:
            served.append(took)
    tried = len(served) + failed
    if not served:
        return f"0/{tried} answered (each gave up after {PROBE_TIMEOUT:.0f} s)"
    p50 = statistics.median(served) * 1000
    return f"{len(served)}/{tried} answered, p50 {p50:.1f} ms, max {max(served) * 1000:.1f} ms"


def wrk_rate(wrk: str, port: int, seconds: int) -> str:
    out = subprocess.run(
        [wrk, "-t2", "-c16", f"-d{seconds}s", "--latency"]
        + [f"http://127.0.0.1:{port}/start/step/1"],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
    ).stdout
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p50 = re.search(r"50%\s+([\d.]+)(\w+)", out)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return f"{float(rate.group(1)):.0f} req/s, p50 {p50.group(1)}{p50.group(2)}" + (
        f", {non2xx.group(1)} non-2xx" if non2xx else ""
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counts", default="0,3,16", help="slow sockets per round")
    parser.add_argument("--duration", type=int, default=5, help="wrk seconds")
    args = parser.parse_args()
    counts = [int(c) for c in args.counts.split(",")]
    check_redis()
    wrk = ensure_wrk()
    with (
        tempfile.TemporaryDirectory(prefix="intake-slow-") as tmp,
        ExitStack() as stack,
    ):
        folder = Path(tmp)
        env = production_env(
            f"sqlite:///{folder / 'slow.sqlite3'}", secrets.token_hex(32)
        )
        flask_cli(env, "db", "upgrade")
        sync_port = stack.enter_context(gunicorn(env, folder, worker_class=""))
        thread_port = stack.enter_context(gunicorn(env, folder, worker_class="gthread"))
        proxy = start_nginx(folder / "nginx", port=free_port(), upstream_port=sync_port)
        stack.callback(proxy.stop)
        ports = {"sync": sync_port, "gthread": thread_port, "nginx+sync": proxy.port}
        print(f"{WORKERS} workers each; {PROBES} probes of GET /healthz per row")
        for kind in ("headers", "body"):
            for count in counts:
                for setup in SETUPS:
                    with SlowClients(ports[setup], count, kind):
                        result = measure_probes(ports[setup])
                    print(f"slow {kind:7} x{count:<3} {setup:11} {result}", flush=True)
        print(f"wrk GET /start/step/1, 16 connections, {args.duration} s:")
        for setup in ("sync", "nginx+sync"):
            print(f"  {setup:11} {wrk_rate(wrk, ports[setup], args.duration)}")


if __name__ == "__main__":
    main()
