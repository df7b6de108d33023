"""Start-up checks: bad settings stop the app with a clear message; it fails closed."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from intake import create_app
from intake.config import DEV_SECRET_KEY, ConfigError
from intake.extensions import db
from intake.questionnaire.errors import DefinitionError

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent

PROD = {
    "ENV": "production",
    "SECRET_KEY": "x" * 40,
    "DATABASE_URL": "postgresql://u@127.0.0.1/intake",
    "RATELIMIT_STORAGE_URL": "redis://127.0.0.1:6379/0",
    "PUBLIC_BASE_URL": "https://intake.example.com",
}


def test_production_config_starts_with_real_settings():
    app = create_app(PROD)
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert (
        app.config["SQLALCHEMY_DATABASE_URI"]
        == "postgresql+psycopg://u@127.0.0.1/intake"
    )


def test_postgresql_connections_start_with_jit_off():
    """A startup option of every connection (no statement); options given are kept."""
    from intake import jsonload
    from intake.config import Config

    app = create_app(PROD)
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"] == {
        "pool_pre_ping": True,
        "json_deserializer": jsonload.loads,
        "connect_args": {"options": "-c jit=off"},
    }
    given = {"connect_args": {"options": "-c statement_timeout=5s", "sslmode": "x"}}
    app = create_app({**PROD, "SQLALCHEMY_ENGINE_OPTIONS": given})
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"]["connect_args"] == {
        "options": "-c statement_timeout=5s -c jit=off",
        "sslmode": "x",
    }
    assert given == {
        "connect_args": {"options": "-c statement_timeout=5s", "sslmode": "x"}
    }
    assert Config.SQLALCHEMY_ENGINE_OPTIONS == {
        "pool_pre_ping": True,
        "json_deserializer": jsonload.loads,
    }
    sqlite = create_app({"TESTING": True, "DATABASE_URL": "sqlite://"})
    assert "connect_args" not in sqlite.config["SQLALCHEMY_ENGINE_OPTIONS"]


@pytest.mark.parametrize(
    "change,message",
    [
        ({"SECRET_KEY": "dev-only-not-secret"}, "INTAKE_SECRET_KEY must be set"),
        ({"SECRET_KEY": "short"}, "INTAKE_SECRET_KEY must be set"),
        ({"DATABASE_URL": None}, "production needs INTAKE_DATABASE_URL"),
        (
            {"RATELIMIT_STORAGE_URL": "memory://"},
            "production needs INTAKE_RATELIMIT_STORAGE_URL",
        ),
        ({"ENV": "staging"}, "INTAKE_ENV must be"),
        ({"DRAFT_TTL_DAYS": "soon"}, "INTAKE_DRAFT_TTL_DAYS must be a whole number"),
        *(
            ({key: value}, f"INTAKE_{key} must be a whole number")
            for key in (
                "PRACTICE_CACHE_SECONDS",
                "COUNTS_CACHE_SECONDS",
                "PUBLISHED_CACHE_SECONDS",
            )
            for value in ("soon", -1)
        ),
    ],
)
def test_unsafe_production_settings_are_refused(change, message, tmp_path):
    with pytest.raises(ConfigError, match=message):
        create_app({**PROD, **change})


def test_production_hsts_and_secure_cookie(tmp_path):
    app = create_app(
        {**PROD, "DATABASE_URL": f"sqlite:///{tmp_path}/x.db", "ALLOW_SQLITE": True}
    )
    response = app.test_client().get("/healthz", base_url="https://intake.test")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_invalid_questionnaire_stops_start_up_with_its_location(tmp_path):
    bad = tmp_path / "q.toml"
    bad.write_text('version = "1"\n')
    with pytest.raises(DefinitionError, match=f"{bad}: top level: 'title' is missing"):
        create_app({"TESTING": True, "QUESTIONNAIRE_PATH": str(bad)})


def test_healthz_and_readyz(client):
    for path in ("/healthz", "/readyz"):
        response = client.get(path)
        assert (response.status_code, response.json) == (
            200,
            {
                "database": "ok",
                "rate_limit_store": "ok",
                "status": "ok",
                "mail_queue": {"state": "ok", "waiting": 0, "oldest_minutes": None},
            },
        ), path


def test_healthz_stays_200_without_redis_and_readyz_says_503(tmp_path):
    """Prospects' pages work without the rate-limit store: a load balancer keeps the
    host (/healthz 200, "degraded"); /readyz says a feature (sign-in) is paused."""
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": f"sqlite:///{tmp_path}/x.db",
            "RATELIMIT_STORAGE_URL": f"redis://127.0.0.1:{closed_port()}/0",
        }
    )
    with app.app_context():
        db.create_all()
    body = {
        "database": "ok",
        "rate_limit_store": "down",
        "status": "degraded",
        "mail_queue": {"state": "ok", "waiting": 0, "oldest_minutes": None},
    }
    client = app.test_client()
    response = client.get("/healthz")
    assert (response.status_code, response.json) == (200, body)
    response = client.get("/readyz")
    assert (response.status_code, response.json) == (503, body)
    assert client.get("/start/").status_code == 200  # what /healthz promises


def test_healthz_and_readyz_report_a_dead_database():
    app = create_app({"TESTING": True, "DATABASE_URL": "postgresql://n@127.0.0.1:9/x"})
    for path in ("/healthz", "/readyz"):
        response = app.test_client().get(path)
        assert response.status_code == 503
        assert response.json["status"] == "unavailable"
        assert response.json["database"] == "down"
        assert response.json["mail_queue"] == {"state": "unknown"}


def closed_port() -> int:
    """A loopback port where nothing listens."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_request_log_lines_hold_no_token_or_personal_data(wizard, caplog):
    from tests.personas import PERSONAS

    caplog.set_level("INFO", logger="intake")
    wizard.post_step(1, PERSONAS["strategic_collaborator"])
    with wizard.client.session_transaction() as session:
        token = session["draft"]
    wizard.client.get(f"/start/resume/{token}")
    text = caplog.text
    assert "request method=GET endpoint=prospect.resume status=302" in text
    assert (
        token not in text and "Hannah" not in text and "lindqvist" not in text.lower()
    )


def test_the_app_s_request_line_carries_what_the_view_noted(wizard, caplog):
    """Without gunicorn.conf.py (flask run, the tests) the app writes the one line per
    request, with the view's fields: no second line for the save."""
    from tests.personas import PERSONAS

    caplog.set_level("INFO", logger="intake")
    wizard.post_step(1, PERSONAS["strategic_collaborator"])
    posts = [r.getMessage() for r in caplog.records if "method=POST" in r.getMessage()]
    assert len(posts) == 1, posts
    assert re.fullmatch(
        r"request method=POST endpoint=prospect\.step action=save_step draft=\d+ "
        r"step=1 status=302 ms=\d+\.\d",
        posts[0],
    ), posts
    assert not [r for r in caplog.records if "action=" in r.getMessage()[:7]]


def test_with_the_access_log_as_the_request_line_the_app_writes_none(
    app_config, caplog
):
    from intake import registry
    from intake.extensions import db
    from tests.conftest import Wizard
    from tests.personas import PERSONAS

    app = create_app({**app_config, "REQUEST_LOG": "access"})
    with app.app_context():
        db.drop_all()
        db.create_all()
        questionnaire = registry.active()
    try:
        caplog.set_level("INFO", logger="intake")
        seen: list[str] = []
        app.after_request(lambda r: seen.append(request_environ()) or r)
        wizard = Wizard(app.test_client(), questionnaire)
        assert wizard.post_step(1, PERSONAS["friendly_founder"]).status_code == 302
        assert "request method=" not in caplog.text
        assert seen[-1].startswith("endpoint=prospect.step action=save_step draft=")
    finally:
        with app.app_context():
            db.session.remove()
            db.drop_all()
            db.engine.dispose()


def request_environ() -> str:
    from flask import request

    from intake.log import LOG_FIELDS

    return request.environ[LOG_FIELDS]


def test_gunicorn_logger_masks_tokens():
    from intake.log import redact

    assert (
        redact("GET /start/resume/abcDEF_-123 HTTP/1.1")
        == "GET /start/resume/[token] HTTP/1.1"
    )


# ---- failing closed ---------------------------------------------------------------


def local(tmp_path, **config):
    """A development (not debug) config on a throw-away SQLite file."""
    return {"DATABASE_URL": f"sqlite:///{tmp_path}/x.db", **config}


@pytest.mark.parametrize("key", [DEV_SECRET_KEY, "", "short-but-not-32-characters"])
def test_a_run_without_debug_refuses_a_weak_or_public_key(key, tmp_path):
    with pytest.raises(ConfigError) as caught:
        create_app(local(tmp_path, SECRET_KEY=key))
    message = str(caught.value)
    assert message.startswith("INTAKE_SECRET_KEY must be set to a random value")
    assert "secrets.token_hex(32)" in message and "instance/config.py" in message


def test_a_run_without_debug_starts_with_a_real_key(tmp_path):
    app = create_app(local(tmp_path, SECRET_KEY="k" * 32))
    assert (app.config["IS_PRODUCTION"], app.config["SESSION_COOKIE_SECURE"]) == (
        False,
        False,
    )


@pytest.mark.parametrize("flag", ["DEBUG", "TESTING"])
def test_debug_and_the_tests_accept_the_development_key(flag, tmp_path):
    app = create_app(local(tmp_path, SECRET_KEY=DEV_SECRET_KEY, **{flag: True}))
    assert app.config["SECRET_KEY"] == DEV_SECRET_KEY


def test_intake_debug_cannot_switch_the_production_checks_off(monkeypatch):
    monkeypatch.setenv("INTAKE_DEBUG", "true")
    with pytest.raises(ConfigError, match="debug mode is refused in production"):
        create_app(PROD)


@pytest.mark.parametrize(
    "change,message",
    [
        ({"TESTING": True, "SECRET_KEY": DEV_SECRET_KEY}, "INTAKE_SECRET_KEY must be"),
        ({"TESTING": True, "DATABASE_URL": None}, "production needs INTAKE_DATABASE"),
    ],
)
def test_testing_cannot_switch_the_production_checks_off(change, message):
    with pytest.raises(ConfigError, match=message):
        create_app({**PROD, **change})


@pytest.mark.parametrize(
    "name,ours",
    [
        ("SQLALCHEMY_DATABASE_URI", "DATABASE_URL"),
        ("RATELIMIT_STORAGE_URI", "RATELIMIT_STORAGE_URL"),
    ],
)
def test_each_setting_has_one_name(name, ours, monkeypatch, tmp_path):
    expected = f"{name} is set from {ours}: set INTAKE_{ours}"
    with pytest.raises(ConfigError, match=expected):
        create_app({"TESTING": True, name: "sqlite://"})
    monkeypatch.setenv(f"INTAKE_{name}", "memory://")
    with pytest.raises(ConfigError, match=expected):
        create_app({"TESTING": True})


def test_the_library_names_are_derived_from_ours(tmp_path):
    app = create_app(
        local(tmp_path, TESTING=True, RATELIMIT_STORAGE_URL="redis://127.0.0.1:6379/3")
    )
    assert (
        app.config["SQLALCHEMY_DATABASE_URI"],
        app.config["RATELIMIT_STORAGE_URI"],
    ) == (f"sqlite:///{tmp_path}/x.db", "redis://127.0.0.1:6379/3")


@pytest.mark.parametrize(
    "config,mode",
    [
        (PROD, "production"),
        ({"TESTING": True}, "testing"),
        ({"DEBUG": True}, "debug"),
        ({"SECRET_KEY": "k" * 32}, "development"),
    ],
)
def test_the_mode_is_logged_at_start_up(config, mode, tmp_path, capsys):
    config = {**config, "DATABASE_URL": f"sqlite:///{tmp_path}/x.db"}
    if mode == "production":
        config["ALLOW_SQLITE"] = True
    create_app(config)
    lines = [
        line for line in capsys.readouterr().err.splitlines() if "starting" in line
    ]
    assert len(lines) == 1
    assert lines[0].endswith(
        f"INFO intake.config: starting mode={mode} database=sqlite "
        f"rate_limits={'redis' if mode == 'production' else 'memory'} "
        f"questionnaire={ROOT / 'intake' / 'questionnaire' / 'default.toml'}"
    )


def test_the_demo_account_is_refused_outside_debug_mode(tmp_path):
    app = create_app(local(tmp_path, SECRET_KEY="k" * 32))
    result = app.test_cli_runner().invoke(args=["demo-account"])
    assert result.exit_code == 1
    assert "the demo account is made only in debug mode" in result.output


def test_the_site_routes_belong_to_the_site_blueprint(app):
    endpoints = {
        rule.rule: rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.rule in ("/", "/healthz", "/readyz", "/privacy", "/brand.css")
    }
    assert endpoints == {
        "/": "site.home",
        "/healthz": "site.healthz",
        "/readyz": "site.readyz",
        "/privacy": "site.privacy",
        "/brand.css": "site.brand_css",
    }


# ---- a fresh clone ----------------------------------------------------------------


@pytest.fixture
def fresh_clone(tmp_path):
    """The files `make run` and gunicorn use, copied without an instance folder, and
    an environment with nothing of intake's configured."""
    clone = tmp_path / "clone"
    clone.mkdir()
    for name in ("Makefile", "pyproject.toml", "wsgi.py", "gunicorn.conf.py"):
        shutil.copy(ROOT / name, clone / name)
    ignore = shutil.ignore_patterns("__pycache__")
    shutil.copytree(ROOT / "intake", clone / "intake", ignore=ignore)
    shutil.copytree(ROOT / "templates", clone / "templates", ignore=ignore)
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("INTAKE_", "FLASK_"))
        # run from `make test`, the outer make's flags would make the inner one print
        # "Entering directory" lines among the commands
        and k not in ("WEB_CONCURRENCY", "MAKEFLAGS", "MAKELEVEL", "MFLAGS")
    }
    env["PYTHONPATH"] = str(clone)  # import the copy, not the installed package
    return clone, env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_gunicorn_without_configuration_refuses_to_start(fresh_clone):
    clone, env = fresh_clone
    result = subprocess.run(
        [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "-b", "127.0.0.1:0"]
        + ["-w", "1", "wsgi:app"],
        cwd=clone,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "INTAKE_SECRET_KEY must be set to a random value" in result.stderr


def test_make_run_works_on_a_fresh_clone(fresh_clone):
    clone, env = fresh_clone
    port = free_port()
    planned = subprocess.run(
        [
            "make",
            "-n",
            "--no-print-directory",
            "-o",
            "setup",
            "run",
            f"BIN={BIN}",
            f"PYTHON={sys.executable}",
        ]
        + [f"PORT={port}"],
        cwd=clone,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    *prepare, serve = planned
    assert serve.endswith(f"run --host 127.0.0.1 --port {port}")
    said = ""
    for command in prepare:
        done = subprocess.run(
            command, shell=True, cwd=clone, env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, f"{command}\n{done.stdout}{done.stderr}"
        said += done.stdout
    assert "Created the demo account." in said
    assert "Added 120 demo clients with outcomes" in said  # an empty database
    server = subprocess.Popen(
        serve,
        shell=True,
        cwd=clone,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # the reloader's child is stopped with it
    )
    try:
        health = json.loads(wait_for(f"http://127.0.0.1:{port}/healthz"))
        assert health == {
            "database": "ok",
            "rate_limit_store": "ok",
            "status": "ok",
            "mail_queue": {"state": "ok", "waiting": 0, "oldest_minutes": None},
        }
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=20)


def wait_for(url: str, timeout: float = 30.0) -> bytes:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.read()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


# ---- production refuses settings that switch a protection off (issue 20) ------------------


@pytest.mark.parametrize(
    "name,value",
    [
        ("LOGIN_DISABLED", True),
        ("WTF_CSRF_ENABLED", False),
        ("WTF_CSRF_CHECK_DEFAULT", False),
        ("RATELIMIT_ENABLED", False),
        ("SESSION_COOKIE_SECURE", False),
        ("REMEMBER_COOKIE_SECURE", False),
        ("SESSION_COOKIE_HTTPONLY", False),
        ("REMEMBER_COOKIE_HTTPONLY", False),
        ("SESSION_COOKIE_SAMESITE", None),
    ],
)
def test_production_refuses_a_switched_off_protection(name, value, monkeypatch):
    message = (
        rf"{name}={value!r} switches off .*refused in production: unset INTAKE_{name}"
    )
    with pytest.raises(ConfigError, match=message):
        create_app({**PROD, name: value})
    # as an operator would set it, and whatever TESTING says
    monkeypatch.setenv(f"INTAKE_{name}", str(value).lower())
    with pytest.raises(ConfigError, match=f"unset INTAKE_{name}"):
        create_app({**PROD, "TESTING": True})


def test_outside_production_the_tests_may_switch_protections_off(tmp_path):
    app = create_app(
        local(tmp_path, TESTING=True, LOGIN_DISABLED=True, WTF_CSRF_ENABLED=False)
    )
    assert app.config["LOGIN_DISABLED"] is True
    assert app.config["SESSION_COOKIE_SECURE"] is False  # not set: plain http locally


@pytest.mark.parametrize(
    "url,problem",
    [
        ("javascript:alert(1)", "only http:// and https://"),
        ("javascript://intake.example.com/%0aalert(1)", "only http:// and https://"),
        ("ftp://intake.example.com", "only http:// and https://"),
        ("intake.example.com", "only http:// and https://"),
        ("//intake.example.com", "only http:// and https://"),
        ("https:intake.example.com", "only http:// and https://"),
        ("https://", "a host name is needed"),
        ("https://user@evil.example", "no user name"),
        ("https://intake.example.com:port", "the port is not a number"),
        ("https://intake.example.com/?next=x", "no query or fragment"),
        ("https://intake.example.com/#x", "no query or fragment"),
        ("https://intake.example.com/../evil", "a plain prefix"),
        ("https://intake.example.com/a/./b", "a plain prefix"),
        ("https://intake.example.com/%2e%2e", "a plain prefix"),
        ("https://intake.example.com\\@evil.example", "backslashes"),
        ("https://intake.example.com/a b", "spaces"),
        (" https://intake.example.com", "surrounding space"),
    ],
)
def test_a_public_address_that_is_not_a_plain_http_url_is_refused(
    url, problem, tmp_path
):
    for config in (local(tmp_path, TESTING=True), PROD):
        with pytest.raises(ConfigError) as caught:
            create_app({**config, "PUBLIC_BASE_URL": url})
        assert str(caught.value).startswith("INTAKE_PUBLIC_BASE_URL must be")
        assert problem in str(caught.value)


def test_production_needs_an_https_public_address(tmp_path):
    with pytest.raises(ConfigError, match="production needs https://"):
        create_app({**PROD, "PUBLIC_BASE_URL": "http://intake.example.com"})
    app = create_app(
        local(tmp_path, TESTING=True, PUBLIC_BASE_URL="http://127.0.0.1:5000")
    )
    assert app.config["PUBLIC_BASE_URL"] == "http://127.0.0.1:5000"


@pytest.mark.parametrize(
    "url",
    [
        "https://intake.example.com",
        "https://intake.example.com/",
        "https://example.com/intake",
        "https://intake.example.com:8443/client-area/",
    ],
)
def test_a_plain_https_public_address_is_accepted(url):
    assert create_app({**PROD, "PUBLIC_BASE_URL": url}).config["PUBLIC_BASE_URL"] == url
