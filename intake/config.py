"""Configuration: safe defaults, then instance/config.py, then INTAKE_* variables.

It fails closed: outside debug mode and the tests the app refuses the public development
key, and in production it also refuses SQLite and a per-process rate-limit store. Debug
mode is refused in production, so it cannot switch those checks off; nor can a setting
that turns a protection off (sign-in, CSRF, rate limits, secure cookies). The public
address must be an absolute http(s) URL everywhere, and https in production.

The key is checked where it is needed (`require_secret_key`): at once when the app is
built to serve (gunicorn, wsgi.py), before the first request under `flask run`, and by
the commands that sign links (`deliver-mail`). Commands that sign nothing (`score`,
`check-questionnaire`, `proposal`, `db upgrade`, `backup`, ...) run on a fresh clone
without one. In production every check runs at start-up, whatever the command.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask

from . import jsonload
from .paths import DEFAULT_QUESTIONNAIRE, INSTANCE_ENV, default_instance_path

log = logging.getLogger(__name__)

DEV_SECRET_KEY = "dev-only-not-secret"
MODES = ("development", "production")
# names the libraries read, set here from ours: one name per setting
DERIVED = {
    "SQLALCHEMY_DATABASE_URI": "DATABASE_URL",
    "RATELIMIT_STORAGE_URI": "RATELIMIT_STORAGE_URL",
}
KEY_HOWTO = (
    "INTAKE_SECRET_KEY must be set to a random value of 32+ characters: it signs the "
    "consultants' sessions, and the development key is public. Set it with\n"
    '  export INTAKE_SECRET_KEY=$(python3 -c "import secrets; print(secrets.token_hex(32))")\n'
    'or SECRET_KEY = "..." in instance/config.py (`make run` writes one for a local clone); '
    "for local development only, `flask --app intake run --debug` accepts the development key."
)


# the largest logo the settings take, in bytes: the one limit the form's label, the
# logo's check and the request bound below all read
MAX_LOGO_BYTES = 1_000_000


class ConfigError(RuntimeError):
    """A setting that makes the app unsafe or unable to start."""


class Config:
    ENV = "development"  # "production" turns on the production checks
    SECRET_KEY = DEV_SECRET_KEY  # accepted only in debug mode and the tests
    DATABASE_URL = None  # default: SQLite file in the instance folder
    # a pooled connection that the database closed (a restart) is replaced, not used;
    # JSON columns decoded through orjson where it reads as json does (jsonload.py)
    SQLALCHEMY_ENGINE_OPTIONS: dict = {
        "pool_pre_ping": True,
        "json_deserializer": jsonload.loads,
    }
    QUESTIONNAIRE_PATH = None  # default: instance/questionnaire.toml, else the built-in
    DRAFT_TTL_DAYS = 30
    LOG_LEVEL = "INFO"
    # "app": the app logs one line per request (flask run, the tests); "access": the
    # server's access log is that line (gunicorn.conf.py sets it and prints the fields)
    REQUEST_LOG = "app"
    # request bounds (CVE-2024-49767 was form-parsing exhaustion)
    MAX_FORM_MEMORY_SIZE = 64 * 1024
    # above the logo limit and the settings form together, with room: the settings page
    # itself refuses a logo up to twice the limit, with a message and what was typed,
    # instead of a bare 413 that loses every setting
    MAX_CONTENT_LENGTH = 2 * MAX_LOGO_BYTES + MAX_FORM_MEMORY_SIZE
    MAX_FORM_PARTS = 300
    # a prospect may take long over a step; the token lives as long as the session
    WTF_CSRF_TIME_LIMIT = None
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # None: not set, so True in production and False elsewhere; False set in production
    # is refused (the cookies would travel over plain http)
    SESSION_COOKIE_SECURE = None
    REMEMBER_COOKIE_SECURE = None
    PERMANENT_SESSION_LIFETIME = timedelta(days=30)
    # a page that changes nothing sends no cookie (no signing per request); a draft's
    # cookie is renewed when the draft is saved (prospect/drafts.py save_step)
    SESSION_REFRESH_EACH_REQUEST = False
    REMEMBER_COOKIE_HTTPONLY = True
    RATELIMIT_STORAGE_URL = "memory://"
    RATELIMIT_HEADERS_ENABLED = False
    # a store that is down raises limits' StorageError (a 503 page, errors.py), and
    # answers or fails within seconds instead of holding a worker
    RATELIMIT_STORAGE_OPTIONS = {
        "wrap_exceptions": True,
        "socket_connect_timeout": 2,
        "socket_timeout": 2,
    }
    LOGIN_ATTEMPTS = (
        "5 per 15 minutes"  # per account (unknown browsers), address, device
    )
    TRUSTED_DEVICE_DAYS = (
        180  # how long a browser that signed in keeps its own allowance
    )
    SESSION_IDLE_MINUTES = 60  # a consultant's session ends after this long unused
    SESSION_MAX_HOURS = 12  # ... and this long after signing in, however busy
    DRAFT_STARTS = "30 per 10 minutes"  # questionnaires one address may start
    # the service's public address, e.g. https://intake.example.com: links (the resume
    # link) are built on it, never on the request's Host; required in production
    PUBLIC_BASE_URL = None
    DEMO_EMAIL = "demo@example.com"
    PRACTICE_CACHE_SECONDS = (
        5  # how long another host may show the old practice details
    )
    COUNTS_CACHE_SECONDS = 30  # list totals and the summary strip may be this stale
    # how long another host may start new prospects on the previous questionnaire
    # version after a publication (each draft keeps the version it was started on)
    PUBLISHED_CACHE_SECONDS = 5
    TRUSTED_PROXIES = 0  # number of reverse proxies in front setting X-Forwarded-*
    # ... and their addresses: X-Forwarded-* from any other peer is ignored (gunicorn's
    # forwarded_allow_ips reads the same variable, gunicorn.conf.py)
    TRUSTED_PROXY_ADDRESSES = "127.0.0.1,::1"
    # e-mail (intake.mail): links point at PUBLIC_BASE_URL (intake.mail.links.public_url);
    # MAIL_URL is smtp://user:pass@host:587?starttls or smtps://...; empty
    # writes .eml files to MAIL_OUTBOX_DIR (default instance/outbox) instead
    MAIL_URL = ""
    MAIL_FROM = ""  # default: the practice's name and e-mail
    MAIL_OUTBOX_DIR = None
    MAIL_TIMEOUT = 20  # seconds per SMTP operation
    MAIL_PARALLEL = 4  # messages `deliver-mail` hands to the server at the same time
    # the Outbox and /healthz warn when a message has waited this long past its time
    # (no worker running, or the mail server away)
    MAIL_QUEUE_WARN_MINUTES = 15
    MAIL_LEASE_SECONDS = 300  # a claimed message another worker may retry after this
    MAIL_MAX_ATTEMPTS = 10
    MAIL_RETRY_SECONDS = (
        60  # the first retry's wait; doubles each time, at most 6 hours
    )
    REMINDER_DAYS = (
        3  # a draft left this long gets one reminder, if the prospect agreed
    )
    DIGEST_HOUR = 7  # the daily digest's hour (UTC)


def instance_path(overrides: Mapping | None = None) -> Path:
    """The instance folder (intake/paths.py), created if missing; ConfigError when it
    cannot be written (the SQLite database, the outbox and backups go there)."""
    configured = (overrides or {}).get("INSTANCE_PATH")
    path = Path(configured).absolute() if configured else default_instance_path()
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(_instance_howto(path, exc.strerror or str(exc))) from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise ConfigError(_instance_howto(path, "not writable by this user"))
    return path


def _instance_howto(path: Path, why: str) -> str:
    return (
        f"the instance folder {path} cannot be used ({why}): it holds the SQLite "
        f"database, instance config.py, the e-mail outbox and backups. Set "
        f"{INSTANCE_ENV} to a folder this user may write, e.g.\n"
        f"  export {INSTANCE_ENV}=/var/lib/intake"
    )


def load_config(app: Flask, overrides: Mapping | None = None) -> None:
    """Fill app.config in order; raises ConfigError for an unsafe or unclear setup."""
    app.config.from_object(Config)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("INTAKE", loads=_loads)
    if overrides:
        app.config.update(overrides)
    _check_names(app.config)
    _derive(app)
    _check(app.config)
    check_public_base_url(app.config)


def run_mode(config: Mapping) -> str:
    """'production', 'testing', 'debug' or 'development' (a run without debug)."""
    if config["ENV"] == "production":
        return "production"
    if config.get("TESTING"):
        return "testing"
    return "debug" if config.get("DEBUG") else "development"


def log_start_up(app: Flask) -> None:
    """One line saying how this app runs (no secrets: the database's kind only)."""
    cfg = app.config
    log.info(
        "starting mode=%s database=%s rate_limits=%s questionnaire=%s",
        run_mode(cfg),
        cfg["SQLALCHEMY_DATABASE_URI"].partition(":")[0],
        cfg["RATELIMIT_STORAGE_URI"].partition(":")[0],
        cfg["QUESTIONNAIRE_PATH"],
    )


def _loads(value: str):
    """Numbers and booleans from the environment; anything else stays a string."""
    if value.lower() in ("true", "false"):
        return value.lower() == "true"
    try:
        return int(value)
    except ValueError:
        return value


def _check_names(cfg: Mapping) -> None:
    for derived, ours in DERIVED.items():
        if derived in cfg:
            raise ConfigError(
                f"{derived} is set from {ours}: set INTAKE_{ours} "
                f"(or {ours} in instance/config.py) instead"
            )


def _derive(app: Flask) -> None:
    cfg = app.config
    url = cfg.get("DATABASE_URL")
    if not url:
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        url = "sqlite:///" + str(Path(app.instance_path) / "intake.sqlite3")
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    cfg["SQLALCHEMY_DATABASE_URI"] = url
    if url.startswith("postgresql"):
        cfg["SQLALCHEMY_ENGINE_OPTIONS"] = _without_jit(
            cfg["SQLALCHEMY_ENGINE_OPTIONS"]
        )
    if not cfg.get("QUESTIONNAIRE_PATH"):
        custom = Path(app.instance_path) / "questionnaire.toml"
        cfg["QUESTIONNAIRE_PATH"] = str(
            custom if custom.exists() else DEFAULT_QUESTIONNAIRE
        )
    cfg["RATELIMIT_STORAGE_URI"] = str(cfg["RATELIMIT_STORAGE_URL"])
    cfg["IS_PRODUCTION"] = cfg["ENV"] == "production"
    for key in ("SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE"):
        if cfg.get(key) is None:
            cfg[key] = cfg["IS_PRODUCTION"]


def _without_jit(options: Mapping) -> dict:
    """The engine options with PostgreSQL's JIT off for every connection (a startup
    option: no extra statement). JIT compiles a statement whose estimated cost passes
    `jit_above_cost`: the app's big counts at 1,000,000 rows paid 260-690 ms of
    compilation to save less (bench/README.md); its short queries never gain from it.
    Options already given are kept (a copy: the class default is shared)."""
    connect_args = dict(options.get("connect_args", {}))
    given = connect_args.get("options", "")
    if "jit" not in given:
        connect_args["options"] = f"{given} -c jit=off".strip()
    return {**options, "connect_args": connect_args}


def _check(cfg: Mapping) -> None:
    if cfg["ENV"] not in MODES:
        raise ConfigError("INTAKE_ENV must be 'development' or 'production'")
    if cfg["IS_PRODUCTION"]:
        _check_production(cfg)
    for key in (
        "DRAFT_TTL_DAYS",
        "MAX_CONTENT_LENGTH",
        "TRUSTED_PROXIES",
        "PRACTICE_CACHE_SECONDS",
        "COUNTS_CACHE_SECONDS",
        "PUBLISHED_CACHE_SECONDS",
    ):
        if not isinstance(cfg.get(key), int) or cfg[key] < 0:
            raise ConfigError(f"INTAKE_{key} must be a whole number")
    if cfg["MAX_CONTENT_LENGTH"] < MAX_LOGO_BYTES + (cfg["MAX_FORM_MEMORY_SIZE"] or 0):
        raise ConfigError(
            f"INTAKE_MAX_CONTENT_LENGTH must be at least {MAX_LOGO_BYTES:,} (the logo) "
            "plus INTAKE_MAX_FORM_MEMORY_SIZE, or a logo the settings accept is refused"
        )
    for key in (
        "TRUSTED_DEVICE_DAYS",
        "SESSION_IDLE_MINUTES",
        "SESSION_MAX_HOURS",
        "MAIL_QUEUE_WARN_MINUTES",
        "MAIL_PARALLEL",
    ):
        if not isinstance(cfg.get(key), int) or cfg[key] < 1:
            raise ConfigError(f"INTAKE_{key} must be a whole number of 1 or more")


def require_secret_key(app: Flask) -> None:
    """ConfigError unless the secret key is fit for this run: a random key of 32+
    characters, except in debug mode and the tests (production checked it at start-up)."""
    if run_mode(app.config) == "development":
        _check_secret_key(app.config)


def check_secret_key_when_needed(app: Flask) -> None:
    """Check the key now, unless this is the `flask` command line: there the commands
    that sign (`deliver-mail`) call `require_secret_key` themselves, and `flask run`
    serves nothing until the key is right."""
    if os.environ.get("FLASK_RUN_FROM_CLI") != "true":  # set by Flask's CLI
        require_secret_key(app)
        return
    checked: list[bool] = []

    @app.before_request
    def _key_before_serving():
        if checked:
            return None
        try:
            require_secret_key(app)
        except ConfigError as exc:
            log.error("refusing to serve: %s", exc)
            return app.response_class(str(exc), 503, mimetype="text/plain")
        checked.append(True)
        return None


def _check_secret_key(cfg: Mapping) -> None:
    key = cfg.get("SECRET_KEY") or ""
    if not isinstance(key, str | bytes) or key == DEV_SECRET_KEY or len(key) < 32:
        raise ConfigError(KEY_HOWTO)


def _check_production(cfg: Mapping) -> None:
    """Every production run, whatever DEBUG or TESTING say."""
    check_protections(cfg)
    if cfg.get("DEBUG"):
        raise ConfigError(
            "debug mode is refused in production: unset INTAKE_DEBUG and FLASK_DEBUG "
            "(or drop --debug)"
        )
    _check_secret_key(cfg)
    if cfg["SQLALCHEMY_DATABASE_URI"].startswith("sqlite") and not cfg.get(
        "ALLOW_SQLITE"
    ):
        raise ConfigError(
            "production needs INTAKE_DATABASE_URL pointing at PostgreSQL "
            "(or INTAKE_ALLOW_SQLITE=true for a single host)"
        )
    if not cfg.get("PUBLIC_BASE_URL"):
        raise ConfigError(
            "production needs INTAKE_PUBLIC_BASE_URL (e.g. https://intake.example.com): "
            "links such as the resume link are built on it, never on the request's Host"
        )
    if cfg["RATELIMIT_STORAGE_URI"].startswith("memory"):
        raise ConfigError(
            "production needs INTAKE_RATELIMIT_STORAGE_URL (e.g. redis://host:6379/0) so "
            "that every worker and host counts failed sign-ins together"
        )


# settings that switch a protection off: (name, is it off?, what it protects); production
# refuses each, whatever the value came from (instance/config.py, INTAKE_*, the tests)
PROTECTIONS = (
    ("LOGIN_DISABLED", bool, "sign-in: every workspace page would open to anyone"),
    ("WTF_CSRF_ENABLED", lambda v: not v, "the CSRF check of every form"),
    ("WTF_CSRF_CHECK_DEFAULT", lambda v: not v, "the CSRF check of every form"),
    ("RATELIMIT_ENABLED", lambda v: not v, "the limits on sign-in and on prospects"),
    ("SESSION_COOKIE_SECURE", lambda v: v is False, "https-only session cookies"),
    ("REMEMBER_COOKIE_SECURE", lambda v: v is False, "https-only sign-in cookies"),
    ("SESSION_COOKIE_HTTPONLY", lambda v: not v, "cookies scripts cannot read"),
    ("REMEMBER_COOKIE_HTTPONLY", lambda v: not v, "cookies scripts cannot read"),
    (
        "SESSION_COOKIE_SAMESITE",
        lambda v: v not in ("Lax", "Strict"),
        "same-site cookies",
    ),
)


def check_protections(cfg: Mapping) -> None:
    """Production refuses a setting that switches a protection off, naming the fix."""
    for name, is_off, what in PROTECTIONS:
        if name in cfg and is_off(cfg[name]):
            raise ConfigError(
                f"{name}={cfg[name]!r} switches off {what}; it is refused in "
                f"production: unset INTAKE_{name} (and {name} in instance/config.py)"
            )


_PATH_PREFIX = re.compile(r"(/[A-Za-z0-9_~-][A-Za-z0-9._~-]*)*/?")
BASE_URL_HOWTO = (
    "INTAKE_PUBLIC_BASE_URL must be the service's absolute address, e.g. "
    "https://intake.example.com (or https://example.com/intake): "
)


def check_public_base_url(cfg: Mapping) -> None:
    """PUBLIC_BASE_URL, when set: http(s), a host, no user, query, fragment or odd path;
    https in production. Links in e-mails are built on it."""
    value = cfg.get("PUBLIC_BASE_URL")
    if value is None or value == "":
        return
    problem = _base_url_problem(value)
    if problem is None and cfg["IS_PRODUCTION"] and not value.startswith("https://"):
        problem = "production needs https:// (links carry private tokens)"
    if problem:
        raise ConfigError(BASE_URL_HOWTO + f"{value!r}: {problem}")


def _base_url_problem(value) -> str | None:
    if not isinstance(value, str) or value != value.strip():
        return "not a plain address (surrounding space?)"
    if any(ord(c) < 33 or ord(c) == 127 or c == "\\" for c in value):
        return "spaces, control characters or backslashes"
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not value.startswith(
        parts.scheme + "://"
    ):
        return "only http:// and https:// addresses"
    try:
        parts.port  # noqa: B018  (raises for a port that is not a number)
    except ValueError:
        return "the port is not a number"
    if not parts.hostname or "@" in parts.netloc:
        return "a host name is needed, and no user name"
    if parts.query or parts.fragment or "?" in value or "#" in value:
        return "no query or fragment"
    if not _PATH_PREFIX.fullmatch(parts.path) or "/." in parts.path:
        return "the path may only be a plain prefix such as /intake"
    return None
