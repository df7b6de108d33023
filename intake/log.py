"""Logging to stderr at INTAKE_LOG_LEVEL; ids and outcomes only, never personal data.

Stderr, so that what a command prints on stdout (`flask score --json`) is its output only.
No private link's token reaches a log: the app's handler and gunicorn's access and
error logs pass every line through intake.private_links.redact.
"""

import logging
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


def register_request_logging(app: Flask) -> None:
    """One line per request: endpoint (never the path, which may hold a token), status, time."""
    log = logging.getLogger("intake.request")

    @app.before_request
    def _start_timer():
        g.request_started = time.perf_counter()

    @app.after_request
    def _log_request(response):
        started = g.get("request_started")
        ms = (time.perf_counter() - started) * 1000 if started else 0.0
        log.info(
            "request method=%s endpoint=%s status=%s ms=%.1f",
            request.method,
            request.endpoint or "-",
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

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["r"] = " ".join(
            environ.get(key) or "-"
            for key in ("REQUEST_METHOD", "PATH_INFO", "SERVER_PROTOCOL")
        )
        atoms["q"] = ""
        for key, value in atoms.items():
            if isinstance(value, str):
                atoms[key] = redact(value)
        return atoms
