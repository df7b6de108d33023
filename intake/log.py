"""Logging to stderr at INTAKE_LOG_LEVEL; ids and outcomes only, never personal data.

Stderr, so that what a command prints on stdout (`flask score --json`) is its output only.
No private link's token reaches a log: the app's handler and gunicorn's access and
error logs pass every line through intake.private_links.redact.
"""

import logging
import re
import sys
import time

from flask import Flask, g, request

from .private_links import redact


def configure_logging(app: Flask) -> None:
    """Send the app's and the package's log lines to stderr in one format."""
    level = str(app.config.get("LOG_LEVEL", "INFO")).upper()
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    handler.addFilter(RedactingFilter())
    # `flask run`'s own request lines ("GET /proposal/<token> HTTP/1.1" 200)
    werkzeug = logging.getLogger("werkzeug")
    if not any(isinstance(f, RedactingFilter) for f in werkzeug.filters):
        werkzeug.addFilter(RedactingFilter())
    package = logging.getLogger("intake")
    package.handlers[:] = [handler]
    package.setLevel(level if level in logging._nameToLevel else "INFO")
    package.propagate = False
    register_request_logging(app)


class RedactingFilter(logging.Filter):
    """Masks private links' tokens in a record's message, traceback and stack, e.g.
    Flask's "Exception on /proposal/<token>/accept [POST]"; drops no record."""

    _format = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        record.msg, record.args = redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._format.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


# the WSGI environ key holding this request's fields ("endpoint=prospect.step draft=7
# step=2"): gunicorn's access log prints it (%({intake.log}e)s in gunicorn.conf.py)
LOG_FIELDS = "intake.log"


def note(**fields: object) -> None:
    """Add key=value fields (ids and outcomes, never personal data) to this request's
    one log line: the access log's in production, the app's request line otherwise."""
    environ = request.environ
    extra = " ".join(f"{key}={value}" for key, value in fields.items())
    environ[LOG_FIELDS] = f"{environ.get(LOG_FIELDS, '')} {extra}".lstrip()


def register_request_logging(app: Flask) -> None:
    """One line per request: endpoint (never the path, which may hold a token), status,
    time, and what the view noted. Under gunicorn with gunicorn.conf.py
    (INTAKE_REQUEST_LOG=access) the access log is that line; otherwise (`flask run`,
    the tests, another server) the app writes it."""
    log = logging.getLogger("intake.request")
    by_access_log = app.config.get("REQUEST_LOG") == "access"

    def _start():  # the first of the before-request functions: it always runs
        request.environ[LOG_FIELDS] = f"endpoint={request.endpoint or '-'}"
        if not by_access_log:
            g.request_started = time.perf_counter()

    app.before_request_funcs.setdefault(None, []).insert(0, _start)
    if by_access_log:
        return

    @app.after_request
    def _log_request(response):
        started = g.get("request_started")
        ms = (time.perf_counter() - started) * 1000 if started else 0.0
        log.info(
            "request method=%s %s status=%s ms=%.1f",
            request.method,
            request.environ.get(LOG_FIELDS, "endpoint=-"),
            response.status_code,
            ms,
        )
        return response


try:  # gunicorn is only there when serving with it
    from gunicorn.glogging import Logger as _GunicornLogger
except ImportError:  # pragma: no cover
    _GunicornLogger = object


class RedactingGunicornLogger(_GunicornLogger):
    """gunicorn's logs with private links' tokens masked: the access log's request line
    is the decoded path (no query: the workspace's search box holds names), and every
    error-log line (e.g. "Error handling request /proposal/<token>") is filtered."""

    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                if not any(isinstance(f, RedactingFilter) for f in handler.filters):
                    handler.addFilter(RedactingFilter())
        # only what the line prints is redacted (not every header and environ value)
        self._printed = {
            m.lower() if m.startswith("{") else m
            for m in _ATOM.findall(cfg.access_log_format or "")
        }

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["r"] = " ".join(
            environ.get(key) or "-"
            for key in ("REQUEST_METHOD", "PATH_INFO", "SERVER_PROTOCOL")
        )
        atoms["q"] = ""
        for key in getattr(self, "_printed", atoms.keys()):
            value = atoms.get(key)
            if isinstance(value, str):
                atoms[key] = redact(value)
        return atoms


# an atom of gunicorn's access_log_format: %(s)s, %({x-header}i)s, %({intake.log}e)s
_ATOM = re.compile(r"%\(([^)]+)\)")
