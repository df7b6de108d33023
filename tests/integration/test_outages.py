"""Real servers under bad conditions: slow clients, dependencies that go away.

The servers are real `gunicorn -c gunicorn.conf.py wsgi:app` processes (the fixtures of
test_servers.py), with nginx in front configured by deploy/nginx/ where production has it.
"""

from __future__ import annotations

import http.client
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.integration.test_servers import (
    PERSONAS,
    STEPS,
    Client,
    Reply,
    answer_steps,
    flask_cli,
    free_port,
    persona,
    step_data,
    submission_rows,
)
from tests.serving import SlowClients, nginx_binary, start_nginx


def get_healthz(port: int, timeout: float) -> tuple[int, float]:
    """(status, seconds) of one GET /healthz; status 0 when no answer came in time."""
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", "/healthz")
        response = conn.getresponse()
        response.read()
        return response.status, time.perf_counter() - started
    except OSError:
        return 0, time.perf_counter() - started
    finally:
        conn.close()


@pytest.fixture
def nginx(tmp_path):
    """Factory: nginx with deploy/nginx/'s settings in front of a port; stopped after."""
    if nginx_binary() is None:
        pytest.skip("nginx is not installed (.ci/run installs nginx-light)")
    started = []

    def start(upstream_port: int):
        proxy = start_nginx(
            tmp_path / f"nginx{len(started)}",
            port=free_port(),
            upstream_port=upstream_port,
        )
        started.append(proxy)
        return proxy

    yield start
    for proxy in started:
        proxy.stop()


# ---- slow clients (issue 11, point 8) -------------------------------------------------


def test_slow_clients_stall_bare_gunicorn_but_not_nginx_in_front(
    tmp_path, servers, nginx
):
    url = f"sqlite:///{tmp_path / 'slow.sqlite3'}"
    flask_cli(url, "db", "upgrade")
    app = servers(url, workers=2)
    proxy = nginx(app.port)

    # the reason for the proxy: three trickling sockets hold both sync workers
    with SlowClients(app.port, 3, "headers"):
        assert get_healthz(app.port, timeout=2)[0] == 0

    # through nginx, more slow sockets than workers (headers and bodies) cost nothing
    with SlowClients(proxy.port, 4, "headers"), SlowClients(proxy.port, 4, "body"):
        probes = [get_healthz(proxy.port, timeout=5) for _ in range(5)]
        assert [status for status, _ in probes] == [200] * 5, proxy.log()
        assert max(seconds for _, seconds in probes) < 1.0, probes
        # and a prospect's form post goes through, CSRF, cookies and redirects intact
        prospect = app.client()
        prospect.base = proxy.base
        answer_steps(prospect, PERSONAS["strategic_collaborator"], [1])


def test_nginx_access_log_masks_resume_tokens(tmp_path, servers, nginx):
    url = f"sqlite:///{tmp_path / 'log.sqlite3'}"
    flask_cli(url, "db", "upgrade")
    proxy = nginx(servers(url, workers=1).port)
    token = "S3cretResumeToken0123456789abcdef"
    conn = http.client.HTTPConnection("127.0.0.1", proxy.port, timeout=10)
    conn.request("GET", f"/start/resume/{token}?x=1")
    assert conn.getresponse().status == 404  # an unknown token
    conn.close()
    proxy.stop()  # flushes the log
    logged = proxy.access_log()
    assert '"GET /start/resume/[token]"' in logged, logged
    assert token not in logged


# ---- the rate-limit store down (issue 11, point 6) -----------------------------------


@pytest.fixture
def store_down(app_config):
    """The rate-limit store points at a port where nothing listens."""
    app_config["RATELIMIT_STORAGE_URL"] = f"redis://127.0.0.1:{free_port()}/0"


def test_sign_in_without_its_store_answers_503_and_signs_nobody_in(
    store_down, client, consultant
):
    from tests.conftest import sign_in

    response = sign_in(client)
    page = response.get_data(as_text=True)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert "Signing in is paused for a moment" in page
    assert "saved answers" not in page
    # not signed in: the workspace still sends this browser to the sign-in page
    workspace = client.get("/workspace/")
    assert workspace.status_code == 302
    assert workspace.headers["Location"].startswith("/workspace/login")


def test_prospects_pages_work_without_the_rate_limit_store(store_down, client, wizard):
    from tests.personas import PERSONAS

    assert client.get("/start/").status_code == 200
    response = wizard.post_step(1, PERSONAS["strategic_collaborator"])
    assert (response.status_code, response.headers["Location"]) == (
        302,
        "/start/step/2",
    )
    assert client.get("/start/step/2").status_code == 200


# ---- PostgreSQL cuts the connections under load (issue 11, point 7) -----------------

CUT_PROSPECTS = 6  # prospects walking the questionnaire while the connections are cut
CUTS = 6  # rounds of pg_terminate_backend, CUT_EVERY seconds apart
CUT_EVERY = 0.4
RETRIES = 40  # a prospect tries again after a 503, as a person would


def terminate_backends(admin_url: str, database: str) -> int:
    """Cut every connection the app has to `database`; how many were cut."""
    import psycopg

    with psycopg.connect(admin_url, autocommit=True, connect_timeout=3) as conn:
        rows = conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            (database,),
        ).fetchall()
    return sum(1 for (done,) in rows if done)


class Patient:
    """A prospect who, on a 503, reads the page and sends the same thing again."""

    def __init__(self, client: Client, answers: dict, replies: list):
        self.client, self.answers, self.replies = client, answers, replies

    def _until_not_503(self, what, send) -> Reply:
        for _ in range(RETRIES):
            reply = send()
            self.replies.append((what, reply))
            if reply.status > 500 and reply.status != 503 or reply.status == 500:
                pytest.fail(f"{what}: HTTP {reply.status}\n{self.client.log()[-5000:]}")
            if reply.status != 503:
                return reply
            time.sleep(0.1)
        pytest.fail(f"{what}: still 503 after {RETRIES} tries")

    def step(self, number: int) -> None:
        page = self._until_not_503(
            f"GET step {number}", lambda: self.client.get(f"/start/step/{number}")
        )
        data = {"csrf_token": page.csrf(), **step_data(number, self.answers)}
        reply = self._until_not_503(
            f"POST step {number}",
            lambda: self.client.post(f"/start/step/{number}", data),
        )
        assert reply.status == 302, (number, reply.status, reply.text[:500])

    def submit(self) -> None:
        page = self._until_not_503(
            "GET review", lambda: self.client.get("/start/review")
        )
        data = {"csrf_token": page.csrf()}
        reply = self._until_not_503(
            "submit", lambda: self.client.post("/start/submit", data)
        )
        assert reply.location == "/start/thanks", (reply.status, reply.text[:500])


def test_connections_cut_under_load_give_503s_never_500s_and_lose_nothing(
    pg_databases, servers
):
    from tests.integration.test_servers import PG_SERVER

    url = pg_databases()
    database = url.rsplit("/", 1)[1]
    flask_cli(url, "db", "upgrade")
    server = servers(url, workers=2)
    replies: list[tuple[str, Reply]] = []
    walking = threading.Event()
    cut = []

    def cutter():
        walking.wait(timeout=30)
        for _ in range(CUTS):
            cut.append(terminate_backends(PG_SERVER, database))
            time.sleep(CUT_EVERY)

    def prospect(n: int):
        patient = Patient(
            server.client(), persona("strategic_collaborator", n), replies
        )
        walking.set()
        for number in range(1, STEPS + 1):
            patient.step(number)
        patient.submit()

    with ThreadPoolExecutor(CUT_PROSPECTS + 1) as pool:
        futures = [pool.submit(cutter)]
        futures += [pool.submit(prospect, n) for n in range(CUT_PROSPECTS)]
        for future in futures:
            future.result()

    assert sum(cut) > 0, "no connection was cut: the test proved nothing"
    statuses = [reply.status for _, reply in replies]
    assert [s for s in statuses if s >= 500 and s != 503] == [], server.log()[-4000:]
    for what, reply in replies:
        if reply.status == 503:
            assert reply.headers["Retry-After"] == "5", what
        if reply.status == 503 and what.startswith("POST step"):
            assert "nothing was lost" in reply.text.lower(), reply.text[:2000]
        if reply.status == 503 and what == "POST step 1":
            n = reply.text.count('value="Server Prospect')
            assert n == 1, reply.text[:2000]  # what the prospect typed is still there
    rows = submission_rows(url)
    assert sorted((r["status"], r["email"]) for r in rows) == [
        ("new", f"server-prospect-{n:03d}@example.com") for n in range(CUT_PROSPECTS)
    ]
    print(f"cuts: {cut}; 503s: {statuses.count(503)} of {len(statuses)} requests")
