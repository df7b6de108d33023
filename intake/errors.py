"""One error page for every status code."""

from __future__ import annotations

import logging

from flask import Flask, current_app, render_template, request
from flask_login import logout_user
from flask_wtf.csrf import CSRFError
from limits.errors import StorageError
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable

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
# the sign-in throttle's store (Redis) is not answering: sign-in waits rather than
# letting password guesses through uncounted
STORE_DOWN = (
    "Signing in is paused for a moment because a service that protects accounts is not "
    "answering. Nothing was changed. Please try again in a minute."
)
STORE_RETRY_SECONDS = 30


def register_error_handlers(app: Flask) -> None:
    """Render errors/error.html for any HTTP error; roll back before a 5xx page."""

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        return _render(error)

    @app.errorhandler(InternalServerError)
    def _server_error(error):
        if isinstance(error.original_exception, StorageError):
            return _rate_limit_store_down(error.original_exception)  # after the view
        db.session.rollback()
        return _render(InternalServerError())

    @app.errorhandler(StorageError)
    def _rate_limit_store_down(error: StorageError):
        log.warning(
            "rate-limit store unreachable endpoint=%s error=%s",
            request.endpoint,
            type(error.storage_error).__name__,
        )
        db.session.rollback()
        if request.endpoint == current_app.login_manager.login_view:
            logout_user()  # whatever the view got to, nobody is signed in unthrottled
        html, code = _render(ServiceUnavailable(), description=STORE_DOWN)
        return html, code, {"Retry-After": str(STORE_RETRY_SECONDS)}


def _render(error: HTTPException, description: str = ""):
    code = error.code or 500
    return (
        render_template(
            "errors/error.html",
            code=code,
            name=error.name,
            description=description or _description(error, code),
        ),
        code,
    )


def _description(error: HTTPException, code: int) -> str:
    if isinstance(error, CSRFError):
        return (
            "This form's security check failed, usually because the page was open for "
            "a very long time or cookies are blocked. Go back, reload the page, and "
            "send it again."
        )
    if code in (413, 429) or code >= 500:
        return FRIENDLY[code] if code in FRIENDLY else FRIENDLY[500]
    if error.description and error.description != type(error).description:
        return error.description  # a view's own message
    return FRIENDLY.get(code, error.description or "")
