"""Configuration: safe defaults, then instance/config.py, then INTAKE_* variables.

It fails closed: outside debug mode and the tests the app refuses the public development
key, and in production it also refuses SQLite and a per-process rate-limit store. Debug
mode is refused in production, so it cannot switch those checks off.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path

from flask import Flask

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
    # a pooled connection that the database closed (a restart) is replaced, not used
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    QUESTIONNAIRE_PATH = None  # default: instance/questionnaire.toml, else the built-in
    DRAFT_TTL_DAYS = 30
    LOG_LEVEL = "INFO"
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
    SESSION_COOKIE_SECURE = False
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
    TRUSTED_PROXIES = 0  # number of reverse proxies in front setting X-Forwarded-*
    # e-mail (intake.mail): links point at PUBLIC_BASE_URL (http://127.0.0.1:5000 in
    # development); MAIL_URL is smtp://user:pass@host:587?starttls or smtps://...; empty
    # writes .eml files to MAIL_OUTBOX_DIR (default instance/outbox) instead
    MAIL_URL = ""
    MAIL_FROM = ""  # default: the practice's name and e-mail
    MAIL_OUTBOX_DIR = None
    MAIL_TIMEOUT = 20  # seconds per SMTP operation
    MAIL_LEASE_SECONDS = 300  # a claimed message another worker may retry after this
    MAIL_MAX_ATTEMPTS = 10
    MAIL_RETRY_SECONDS = (
        60  # the first retry's wait; doubles each time, at most 6 hours
    )
    REMINDER_DAYS = (
        3  # a draft left this long gets one reminder, if the prospect agreed
    )
    DIGEST_HOUR = 7  # the daily digest's hour (UTC)


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
    if not cfg.get("QUESTIONNAIRE_PATH"):
        custom = Path(app.instance_path) / "questionnaire.toml"
        builtin = Path(__file__).parent / "questionnaire" / "default.toml"
        cfg["QUESTIONNAIRE_PATH"] = str(custom if custom.exists() else builtin)
    cfg["RATELIMIT_STORAGE_URI"] = str(cfg["RATELIMIT_STORAGE_URL"])
    cfg["IS_PRODUCTION"] = cfg["ENV"] == "production"
    if cfg["IS_PRODUCTION"]:
        cfg["SESSION_COOKIE_SECURE"] = True
        cfg["REMEMBER_COOKIE_SECURE"] = True


def _check(cfg: Mapping) -> None:
    if cfg["ENV"] not in MODES:
        raise ConfigError("INTAKE_ENV must be 'development' or 'production'")
    if cfg["IS_PRODUCTION"]:
        _check_production(cfg)
    elif not (cfg.get("DEBUG") or cfg.get("TESTING")):
        _check_secret_key(cfg)
    for key in ("DRAFT_TTL_DAYS", "MAX_CONTENT_LENGTH", "TRUSTED_PROXIES"):
        if not isinstance(cfg.get(key), int) or cfg[key] < 0:
            raise ConfigError(f"INTAKE_{key} must be a whole number")
    if cfg["MAX_CONTENT_LENGTH"] < MAX_LOGO_BYTES + (cfg["MAX_FORM_MEMORY_SIZE"] or 0):
        raise ConfigError(
            f"INTAKE_MAX_CONTENT_LENGTH must be at least {MAX_LOGO_BYTES:,} (the logo) "
            "plus INTAKE_MAX_FORM_MEMORY_SIZE, or a logo the settings accept is refused"
        )
    for key in ("TRUSTED_DEVICE_DAYS", "SESSION_IDLE_MINUTES", "SESSION_MAX_HOURS"):
        if not isinstance(cfg.get(key), int) or cfg[key] < 1:
            raise ConfigError(f"INTAKE_{key} must be a whole number of 1 or more")


def _check_secret_key(cfg: Mapping) -> None:
    key = cfg.get("SECRET_KEY") or ""
    if not isinstance(key, str | bytes) or key == DEV_SECRET_KEY or len(key) < 32:
        raise ConfigError(KEY_HOWTO)


def _check_production(cfg: Mapping) -> None:
    """Every production run, whatever DEBUG or TESTING say."""
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
