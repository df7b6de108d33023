"""Behind the proxy (issue 20, point 9): X-Forwarded-For is trusted from the proxy only,
nginx sends no version and a Permissions-Policy (so does the app), and the README binds
gunicorn where only nginx reaches it."""

from __future__ import annotations

import http.client
import re
import urllib.parse

import pytest

from intake.security import PERMISSIONS_POLICY
from tests.conftest import Wizard
from tests.integration.test_outages import nginx  # noqa: F401  (the fixture)
from tests.integration.test_servers import ROOT, flask_cli
from tests.personas import PERSONAS
from tests.serving import DEPLOY

ANSWERS = PERSONAS["strategic_collaborator"]
CLIENT = "203.0.113.50"  # a client that reaches gunicorn directly
PROXY = "127.0.0.1"


@pytest.fixture
def behind_one_proxy(app_config):
    app_config.update(TRUSTED_PROXIES=1, DRAFT_STARTS="2 per hour")


def start(app, questionnaire, peer: str, forwarded: str | None = None):
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    return Wizard(app.test_client(), questionnaire).post_step(
        1, ANSWERS, environ_base={"REMOTE_ADDR": peer}, headers=headers
    )


def test_a_forged_forwarded_for_from_a_direct_client_does_not_change_its_key(
    behind_one_proxy, app, questionnaire
):
    statuses = [
        start(app, questionnaire, CLIENT, f"198.51.100.{n}").status_code
        for n in range(4)
    ]
    # each forged address would have been a new key: four starts instead of two
    assert statuses == [302, 302, 429, 429]


def test_the_proxy_s_forwarded_for_is_the_client_s_address(
    behind_one_proxy, app, questionnaire
):
    """Through nginx (a trusted peer), each real client has its own allowance."""
    for n in range(3):
        assert start(app, questionnaire, PROXY, f"198.51.100.{n}").status_code == 302
    assert start(app, questionnaire, PROXY, "198.51.100.1").status_code == 302
    assert start(app, questionnaire, PROXY, "198.51.100.1").status_code == 429


def test_a_bad_proxy_address_stops_start_up(tmp_path):
    from intake import create_app
    from intake.config import ConfigError

    with pytest.raises(ConfigError, match="INTAKE_TRUSTED_PROXY_ADDRESSES must list"):
        create_app(
            {
                "TESTING": True,
                "DATABASE_URL": f"sqlite:///{tmp_path}/x.db",
                "TRUSTED_PROXIES": 1,
                "TRUSTED_PROXY_ADDRESSES": "nginx.internal",
            }
        )


def test_the_app_sends_a_permissions_policy(client):
    response = client.get("/start/")
    assert response.headers["Permissions-Policy"] == PERMISSIONS_POLICY
    assert "camera=()" in PERMISSIONS_POLICY and "geolocation=()" in PERMISSIONS_POLICY


def test_nginx_sends_no_version_and_one_permissions_policy(
    tmp_path,
    servers,
    nginx,  # noqa: F811  (the fixture imported above)
):
    url = f"sqlite:///{tmp_path / 'headers.sqlite3'}"
    flask_cli(url, "db", "upgrade")
    proxy = nginx(servers(url, workers=1).port)
    for path in ("/start/", "/no-such-page"):
        conn = http.client.HTTPConnection("127.0.0.1", proxy.port, timeout=10)
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        conn.close()
        assert response.getheader("Server") == "nginx", path  # no version
        assert response.msg.get_all("Permissions-Policy") == [PERMISSIONS_POLICY]
    # an error page nginx writes itself (a body above client_max_body_size)
    conn = http.client.HTTPConnection("127.0.0.1", proxy.port, timeout=10)
    conn.request("POST", "/start/step/1", body=b"x" * 4_000_000)
    response = conn.getresponse()
    page = response.read().decode()
    conn.close()
    assert response.status == 413
    assert not re.search(r"nginx/\d", page) and response.getheader("Server") == "nginx"
    assert response.getheader("Permissions-Policy") == PERMISSIONS_POLICY


def test_nginx_config_matches_the_app(tmp_path):
    proxy_conf = (DEPLOY / "intake-proxy.conf").read_text()
    assert f'add_header Permissions-Policy "{PERMISSIONS_POLICY}" always;' in proxy_conf
    assert "server_tokens off;" in (DEPLOY / "intake-http.conf").read_text()


def test_the_readme_binds_gunicorn_where_only_nginx_reaches_it():
    readme = (ROOT / "README.md").read_text() + (
        ROOT / "docs" / "deploying.md"
    ).read_text()
    deploying = (ROOT / "docs" / "deploying.md").read_text()
    binds = re.findall(r"--bind[ =](\S+)", deploying)
    assert binds, "the deployment section shows how gunicorn is started"
    for bind in binds:
        assert bind.startswith(("127.0.0.1:", "unix:")), bind
    assert not re.search(r"(--bind[ =]|INTAKE_BIND=)0\.0\.0\.0", readme)
    conf = (ROOT / "gunicorn.conf.py").read_text()
    assert 'bind = os.environ.get("INTAKE_BIND", "127.0.0.1:8000")' in conf


def start_over_http(port: int, source: str, forwarded: str) -> int:
    """Start a questionnaire on real gunicorn from `source`, claiming to be `forwarded`."""
    from tests.conftest import CSRF_RE
    from tests.integration.test_servers import step_data

    def send(method, path, body=None, cookie=""):
        conn = http.client.HTTPConnection(
            "127.0.0.1", port, timeout=30, source_address=(source, 0)
        )
        headers = {"X-Forwarded-For": forwarded, "Cookie": cookie}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        text = response.read().decode()
        conn.close()
        return response, text

    page, text = send("GET", "/start/step/1")
    cookie = (page.getheader("Set-Cookie") or "").split(";", 1)[0]
    data = {"csrf_token": CSRF_RE.search(text).group(1), **step_data(1, ANSWERS)}
    body = urllib.parse.urlencode(data, doseq=True)
    return send("POST", "/start/step/1", body, cookie)[0].status


def test_real_gunicorn_counts_a_direct_client_by_its_own_address(tmp_path, servers):
    """gunicorn with INTAKE_TRUSTED_PROXIES=1: a client on 127.0.0.2 (not the proxy)
    forging X-Forwarded-For is held to its own allowance; the proxy (127.0.0.1) is
    believed, so each client behind it has its own."""
    url = f"sqlite:///{tmp_path / 'xff.sqlite3'}"
    flask_cli(url, "db", "upgrade")
    app = servers(
        url,
        workers=1,
        INTAKE_TRUSTED_PROXIES="1",
        INTAKE_TRUSTED_PROXY_ADDRESSES="127.0.0.1",
        INTAKE_DRAFT_STARTS="2 per hour",
    )
    direct = [
        start_over_http(app.port, "127.0.0.2", f"198.51.100.{n}") for n in range(4)
    ]
    assert direct == [302, 302, 429, 429]
    proxied = [
        start_over_http(app.port, "127.0.0.1", f"198.51.100.{n}") for n in range(3)
    ]
    assert proxied == [302, 302, 302]
