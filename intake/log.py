"""Logging to stderr at INTAKE_LOG_LEVEL; ids and outcomes only, never personal data.

Stderr, so that what a command prints on stdout (`flask score --json`) is its output only.
"""

import logging
import re
import sys
import time

from flask import Flask, g, request


def configure_logging(app: Flask) -> None:
    """Send the app's and the package's log lines to stderr in one format."""
    level = str(app.config.get("LOG_LEVEL", "INFO")).upper()
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    package = logging.getLogger("intake")
    package.handlers[:] = [handler]
    package.setLevel(level if level in logging._nameToLevel else "INFO")
    package.propagate = False
    register_request_logging(app)


_TOKEN_PATH = re.compile(r"(/start/resume/)[^/?\s\"]+")


def redact(text: str) -> str:
    """Mask resume tokens in a request line."""
    return _TOKEN_PATH.sub(r"\1[token]", text)


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
    """gunicorn's access log with resume tokens masked."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("r", "U", "q", "f"):
            if key in atoms and isinstance(atoms[key], str):
                atoms[key] = redact(atoms[key])
        return atoms
