"""One error page for every status code."""

from __future__ import annotations

import logging

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from .extensions import db

log = logging.getLogger(__name__)

FRIENDLY = {
    400: "Something in that request was not what we expected. Please go back and try again.",
    403: "You do not have access to this page.",
    404: "We could not find that page. The address may be mistyped, or the page was removed.",
    405: "That page cannot be used this way.",
    413: (
        "That was more than we can accept in one go. Please shorten your longer answers "
        "and send the page again; use your browser's Back button to find what you typed."
    ),
    429: "Too many attempts in a short time. Please wait a few minutes and try again.",
    500: "Something went wrong on our side. Your saved answers are safe; please try again shortly.",
}


def register_error_handlers(app: Flask) -> None:
    """Render errors/error.html for any HTTP error; roll back before a 5xx page."""

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        return _render(error)

    @app.errorhandler(InternalServerError)
    def _server_error(error):
        db.session.rollback()
        return _render(InternalServerError())


def _render(error: HTTPException):
    code = error.code or 500
    if isinstance(error, CSRFError):
        description = (
            "This form's security check failed, usually because the page was open for "
            "a very long time or cookies are blocked. Go back, reload the page, and "
            "send it again."
        )
    elif code in (413, 429) or code >= 500:
        description = FRIENDLY[code] if code in FRIENDLY else FRIENDLY[500]
    elif error.description and error.description != type(error).description:
        description = error.description  # a view's own message
    else:
        description = FRIENDLY.get(code, error.description or "")
    return (
        render_template(
            "errors/error.html", code=code, name=error.name, description=description
        ),
        code,
    )
