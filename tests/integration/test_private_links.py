"""Private links' tokens never reach a log (issue 20, point 2).

One redaction (intake.private_links) is used by the app's log filter, gunicorn's access
and error logs, and nginx's map; the journey below goes through real nginx and gunicorn
(`gunicorn -c gunicorn.conf.py wsgi:app`, deploy/nginx/) and reads every log file.
"""

from __future__ import annotations

import base64
import binascii
import http.client
import logging
import re
import secrets
import sqlite3
import subprocess
import urllib.parse

import pytest

from intake import private_links
from intake.private_links import PRIVATE_PATH_PATTERNS, redact
from tests.integration.test_servers import (
    BIN,
    PERSONAS,
    RESUME_INPUT,
    ROOT,
    SECRET_KEY,
    Client,
    Server,
    _wait_healthy,
    answer_steps,
    base_env,
    flask_cli,
    free_port,
)
from tests.serving import DEPLOY, nginx_binary, start_nginx

PRIVATE_ROUTES = {
    "/start/resume/<token>",
    "/proposal/<token>",
    "/proposal/<token>/<any(proposal, signed):kind>.pdf",
    "/proposal/<token>/accept",
    "/proposal/<token>/decline",
    "/proposal/<token>/question",
    "/workspace/reset-password/<token>",
    "/workspace/join/<token>",
    "/mail/unsubscribe/<token>",
    "/booking/<token>",
    "/booking/<token>/move",
    "/booking/<token>/cancel",
    "/calendar/<token>.ics",
    "/call/invite/<token>",
}


# ---- the one redaction ---------------------------------------------------------------


def test_every_route_with_a_token_is_a_private_path(app):
    """A route taking a <token> added later fails here until its path is listed."""
    with_token = {r.rule for r in app.url_map.iter_rules() if "<token>" in r.rule}
    assert with_token == PRIVATE_ROUTES
    for rule in with_token:
        path = rule.replace("<token>", "Tok3n_-x").replace(
            "<any(proposal, signed):kind>", "signed"
        )
        assert private_links.is_private_path(path), rule
        assert "Tok3n_-x" not in redact(f"GET {path} HTTP/1.1"), rule


@pytest.mark.parametrize(
    "text,expected",
    [
        (
            "GET /proposal/abc_-1/accept HTTP/1.1",
            "GET /proposal/[token]/accept HTTP/1.1",
        ),
        (
            "Exception on /proposal/abc/accept [POST]",
            "Exception on /proposal/[token]/accept [POST]",
        ),
        ("//PROPOSAL//abc", "//PROPOSAL//[token]"),
        ("/start/resume/abc?x=1", "/start/resume/[token]?x=1"),
        (
            "https://intake.example.com/mail/unsubscribe/abc",
            "https://intake.example.com/mail/unsubscribe/[token]",
        ),
        ("/workspace/join/abc", "/workspace/join/[token]"),
        ("/workspace/reset-password/abc", "/workspace/reset-password/[token]"),
        ("/workspace/proposal.css", "/workspace/proposal.css"),
        ("/workspace/submissions/5/proposal", "/workspace/submissions/5/proposal"),
    ],
)
def test_redact_masks_the_token_and_nothing_else(text, expected):
    assert redact(text) == expected
    assert redact(redact(text)) == expected


def test_nginx_uses_the_same_patterns():
    """deploy/nginx/ holds the module's map and location regex, word for word."""
    http_conf = (DEPLOY / "intake-http.conf").read_text()
    proxy_conf = (DEPLOY / "intake-proxy.conf").read_text()
    assert private_links.nginx_map() in http_conf
    assert "$intake_logged_path" in http_conf.split("log_format intake", 1)[1]
    location = f"location ~* {private_links.nginx_location_regex()} {{"
    assert location in proxy_conf
    # each pattern's prefix is in both, so a new kind of link cannot be left out
    assert len(PRIVATE_PATH_PATTERNS) == len(private_links.PRIVATE_PREFIXES)
    for prefix in private_links.PRIVATE_PREFIXES:
        assert f"/+{prefix}/+)" in http_conf and prefix in location


def test_the_app_log_masks_tokens_in_messages_and_tracebacks(tmp_path):
    from intake.log import RedactingFilter

    path = tmp_path / "app.log"
    handler = logging.FileHandler(path)
    handler.addFilter(RedactingFilter())
    log = logging.getLogger("intake.test_private_links")
    log.addHandler(handler)
    try:
        log.error("Exception on %s [%s]", "/proposal/SeCrEt1/accept", "POST")
        try:
            raise ValueError("bad link /workspace/join/SeCrEt2")
        except ValueError:
            log.exception("failed")
    finally:
        log.removeHandler(handler)
        handler.close()
    text = path.read_text()
    assert "Exception on /proposal/[token]/accept [POST]" in text
    assert "ValueError: bad link /workspace/join/[token]" in text
    assert "SeCrEt" not in text


def test_gunicorn_error_log_masks_tokens(tmp_path):
    from gunicorn.config import Config

    from intake.log import RedactingGunicornLogger

    cfg = Config()
    cfg.set("errorlog", str(tmp_path / "error.log"))
    cfg.set("loglevel", "info")
    logger = RedactingGunicornLogger(cfg)
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        logger.exception("Error handling request %s", "/proposal/SeCrEt3/accept")
    for handler in logger.error_log.handlers:
        handler.close()  # flushed, and no file left open for a later test's warning
    text = (tmp_path / "error.log").read_text()
    assert "Error handling request /proposal/[token]/accept" in text
    assert "SeCrEt3" not in text


def test_gunicorn_access_line_masks_tokens_in_every_atom_it_prints(tmp_path):
    """The atoms the access_log_format prints are redacted (the path, a header, the
    app's fields in the environ); the ones it does not print are left alone."""
    import datetime as dt
    from types import SimpleNamespace

    from gunicorn.config import Config

    from intake.log import RedactingGunicornLogger

    cfg = Config()
    cfg.set("accesslog", str(tmp_path / "access.log"))
    cfg.set(
        "access_log_format",
        '"%(r)s" %(s)s %(M)sms %({Referer}i)s %({intake.log}e)s',
    )
    logger = RedactingGunicornLogger(cfg)
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/start/resume/SeCrEt5",
        "RAW_URI": "/start/resume/SeCrEt5?x=1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "QUERY_STRING": "x=1",
        "intake.log": "endpoint=prospect.resume note=/proposal/SeCrEt6",
    }
    headers = [("REFERER", "https://x.test/booking/SeCrEt7")]
    req = SimpleNamespace(headers=headers)
    resp = SimpleNamespace(status="302 FOUND", sent=0, headers=[])
    logger.access(resp, req, environ, dt.timedelta(milliseconds=12))
    for handler in logger.access_log.handlers + logger.error_log.handlers:
        handler.close()
    text = (tmp_path / "access.log").read_text()
    assert text.strip() == (
        '"GET /start/resume/[token] HTTP/1.1" 302 12ms https://x.test/booking/[token] '
        "endpoint=prospect.resume note=/proposal/[token]"
    )


# ---- the whole journey through real nginx and gunicorn ---------------------------------


@pytest.fixture
def logged_stack(tmp_path):
    """gunicorn (its own access, error and app log files) behind nginx; a migrated
    SQLite file. Yields (nginx, server, database path, log files); stops both."""
    if nginx_binary() is None:
        pytest.skip("nginx is not installed (.ci/run installs nginx-light)")
    database = tmp_path / "links.sqlite3"
    url = f"sqlite:///{database}"
    flask_cli(url, "db", "upgrade")
    port = free_port()
    logs = {
        name: tmp_path / f"gunicorn-{name}.log" for name in ("access", "error", "app")
    }
    app_log = open(logs["app"], "wb")
    process = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "-c",
            "gunicorn.conf.py",
            "wsgi:app",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--no-control-socket",
            "--access-logfile",
            str(logs["access"]),
            "--error-logfile",
            str(logs["error"]),
        ],
        cwd=ROOT,
        env=base_env(url, INTAKE_LOG_LEVEL="INFO"),
        stdout=app_log,
        stderr=subprocess.STDOUT,
    )
    server = Server("links", port, logs["app"], process, app_log)
    proxy = None
    try:
        _wait_healthy(server)
        proxy = start_nginx(tmp_path / "nginx", port=free_port(), upstream_port=port)
        logs["nginx-access"] = proxy.folder / "access.log"
        logs["nginx-error"] = proxy.folder / "error.log"
        yield proxy, server, database, logs
    finally:
        if proxy is not None:
            proxy.stop()
        server.stop()


def raw_request(port: int, method: str, path: str, body: bytes = b"") -> int:
    """One request with the path sent exactly as given (no quoting)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        conn.request(method, path, body=body or None, headers=headers)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def resume_token(prospect: Client) -> str:
    """A real resume link, from the page after two answered steps."""
    answer_steps(prospect, PERSONAS["strategic_collaborator"], [1, 2])
    tag = RESUME_INPUT.search(prospect.get("/start/step/3").text)
    assert tag
    link = re.search(r'value="([^"]+)"', tag.group(0)).group(1)
    path = urllib.parse.urlsplit(link).path
    assert path.startswith("/start/resume/")
    return path.rsplit("/", 1)[1]


def live_links(database) -> dict[str, str]:
    """Working reset, invitation and unsubscribe links, made in the served database."""
    import datetime as dt

    from intake import create_app
    from intake.extensions import db
    from intake.mail import messages
    from intake.models import PasswordReset, TeamInvitation, utcnow
    from intake.offers import service as offers
    from intake.practice_store import current_practice
    from intake.security import hash_token
    from tests.factories import make_consultant, make_submission

    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": f"sqlite:///{database}",
            "SECRET_KEY": SECRET_KEY,  # the served app's
        }
    )
    links = {name: secrets.token_urlsafe(32) for name in ("live-reset", "live-join")}
    later = utcnow() + dt.timedelta(hours=1)
    with app.test_request_context():
        owner = make_consultant(email="owner@example.com")
        db.session.flush()
        db.session.add(
            PasswordReset(
                consultant_id=owner.id,
                token_hash=hash_token(links["live-reset"]),
                expires_at=later,
            )
        )
        db.session.add(
            TeamInvitation(
                email="new@example.com",
                role="consultant",
                token_hash=hash_token(links["live-join"]),
                invited_by_id=owner.id,
                expires_at=later,
            )
        )
        url = messages.unsubscribe_url("prospect@example.com")
        links["live-stop"] = url.rsplit("/", 1)[1]
        _offer, links["live-offer"] = offers.send(
            make_submission(),
            current_practice(),
            message="Here it is.",
            sent_by="owner@example.com",
            base_url="http://127.0.0.1",
        )
        db.session.commit()
    return links


def test_a_journey_through_nginx_and_gunicorn_leaves_no_token_in_any_log(
    logged_stack,
):
    proxy, server, database, logs = logged_stack
    prospect = Client(proxy.base)
    tokens = {"resume": resume_token(prospect), **live_links(database)}
    live = Client(proxy.base)
    for path in (
        f"/workspace/reset-password/{tokens['live-reset']}",
        f"/workspace/join/{tokens['live-join']}",
        f"/mail/unsubscribe/{tokens['live-stop']}",
        f"/proposal/{tokens['live-offer']}",
    ):
        assert live.get(path).status == 200, path
    offer = f"/proposal/{tokens['live-offer']}"
    assert raw_request(proxy.port, "GET", f"{offer}/proposal.pdf") == 200
    asked = live.post(
        f"{offer}/question",
        {"csrf_token": live.get(offer).csrf(), "question": "Can we start in May?"},
    )
    assert asked.status < 400, asked.text[:2000]
    assert live.post(f"/mail/unsubscribe/{tokens['live-stop']}", {}).status == 200
    tokens.update(
        {name: secrets.token_urlsafe(32) for name in ("offer", "reset", "join", "stop")}
    )
    tokens.update({f"odd{n}": secrets.token_urlsafe(32) for n in range(4)})
    requests = [
        ("GET", f"/start/resume/{tokens['resume']}"),
        ("GET", f"/proposal/{tokens['offer']}"),
        ("GET", f"/proposal/{tokens['offer']}/proposal.pdf"),
        ("POST", f"/proposal/{tokens['offer']}/accept"),
        ("GET", f"/workspace/reset-password/{tokens['reset']}"),
        ("GET", f"/workspace/join/{tokens['join']}"),
        ("GET", f"/mail/unsubscribe/{tokens['stop']}"),
        ("POST", f"/mail/unsubscribe/{tokens['stop']}"),
        # the same links spelled otherwise: %-escapes, doubled slashes, a query
        ("GET", f"/%70roposal/{tokens['odd0']}"),
        ("GET", f"//proposal//{tokens['odd1']}/accept?x=1"),
    ]
    for method, path in requests:
        status = raw_request(proxy.port, method, path)
        assert status < 500, (method, path, status)
    # nginx refuses a body above client_max_body_size (and logs it as an error)
    big = b"question=" + b"x" * 4_000_000
    assert (
        raw_request(proxy.port, "POST", f"/proposal/{tokens['odd2']}/question", big)
        == 413
    )
    # an error inside the app: Flask logs "Exception on <path>" with its traceback
    with sqlite3.connect(database) as conn:
        conn.execute("ALTER TABLE offer RENAME TO offer_gone")
    assert raw_request(proxy.port, "GET", f"/proposal/{tokens['odd3']}") == 500
    proxy.stop()  # flushes nginx's logs
    server.stop()

    texts = {name: path.read_text(errors="replace") for name, path in logs.items()}
    leaks = {
        (log, kind)
        for log, text in texts.items()
        for kind, token in tokens.items()
        if token in text or urllib.parse.quote(token) in text
    }
    assert not leaks, (sorted(leaks), {log: texts[log][-2000:] for log, _ in leaks})
    assert "/proposal/[token]" in texts["nginx-access"]
    assert "/mail/unsubscribe/[token]" in texts["access"]
    assert "Exception on /proposal/[token] [GET]" in texts["app"], texts["app"][-3000:]
    assert "Traceback" in texts["app"]


# ---- unsubscribe links carry an opaque token ---------------------------------------------

PROSPECT_EMAIL = "Hannah.Lindqvist@Example.com"


def _reveals(url: str, address: str) -> bool:
    """Whether the link holds the address: as it is, or base64 in any part of it."""
    address = address.lower()
    if address in url.lower() or urllib.parse.quote(address) in url.lower():
        return True
    for part in re.split(r"[/.?=&]", url):
        padded = part + "=" * (-len(part) % 4)
        for decode in (base64.urlsafe_b64decode, base64.b64decode):
            try:
                if address.encode() in decode(padded).lower():
                    return True
            except (ValueError, binascii.Error):
                continue
    return False


def test_an_unsubscribe_link_says_nothing_about_the_address(app, db, client):
    from intake.mail import messages
    from intake.models import MailSuppression

    with app.test_request_context():
        url = messages.unsubscribe_url(PROSPECT_EMAIL)
        other = messages.unsubscribe_url(PROSPECT_EMAIL)
    db.session.commit()
    assert not _reveals(url, PROSPECT_EMAIL), url
    assert url != other  # a new random token per link
    path = "/" + url.split("/", 3)[3]
    page = client.get(path)
    assert page.status_code == 200
    assert "hannah.lindqvist@example.com" in page.get_data(as_text=True)
    assert client.post(path).status_code == 200
    assert db.session.get(MailSuppression, PROSPECT_EMAIL.lower()) is not None


def test_an_unsubscribe_link_sent_before_the_change_still_works(app, db, client):
    """Links already in inboxes (the address, signed) keep working."""
    from itsdangerous import URLSafeSerializer

    from intake.mail.messages import UNSUBSCRIBE_SALT
    from intake.models import MailSuppression

    old = URLSafeSerializer(app.config["SECRET_KEY"], salt=UNSUBSCRIBE_SALT)
    assert _reveals(
        "/mail/unsubscribe/" + old.dumps("old@example.com"), "old@example.com"
    )
    path = "/mail/unsubscribe/" + old.dumps("old@example.com")
    assert client.post(path).status_code == 200
    assert db.session.get(MailSuppression, "old@example.com") is not None
    forged = URLSafeSerializer("another key", salt=UNSUBSCRIBE_SALT).dumps(
        "x@example.com"
    )
    assert client.get("/mail/unsubscribe/" + forged).status_code == 404


def test_flask_run_s_request_lines_are_masked(app, caplog):
    """The development server logs each request line on the `werkzeug` logger."""
    caplog.set_level("INFO", logger="werkzeug")
    logging.getLogger("werkzeug").info(
        '127.0.0.1 - - "%s" %s -', "GET /workspace/join/SeCrEt4 HTTP/1.1", 404
    )
    assert '"GET /workspace/join/[token] HTTP/1.1" 404' in caplog.text
    assert "SeCrEt4" not in caplog.text
