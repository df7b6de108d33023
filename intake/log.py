"""Logging to stdout at INTAKE_LOG_LEVEL; ids and outcomes only, never personal data."""

import logging
import sys

from flask import Flask


def configure_logging(app: Flask) -> None:
    """Send the app's and the package's log lines to stdout in one format."""
    level = str(app.config.get("LOG_LEVEL", "INFO")).upper()
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    package = logging.getLogger("intake")
    package.handlers[:] = [handler]
    package.setLevel(level if level in logging._nameToLevel else "INFO")
    package.propagate = False
