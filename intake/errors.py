"""One error page for every status code."""

from __future__ import annotations

import logging

import sqlalchemy as sa
from flask import Flask, g, render_template, request
from flask_login import logout_user
from flask_wtf.csrf import CSRFError
from limits.errors import StorageError
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable

from .extensions import db, login_manager
from .practice import default_practice
from .prospect.views import render_unsaved_step

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
# the database dropped the connection (a restart, a fail-over): the request did not
# happen, and trying again in a moment works
DATABASE_DOWN = (
    "We could not reach our database for a moment, so this was not saved. Nothing that "
    "was saved before is lost. Please try again in a few seconds."
)
DATABASE_RETRY_SECONDS = 5


def register_error_handlers(app: Flask) -> None:
    """Render errors/error.html for any HTTP error; roll back before a 5xx page;
    503 pages for a rate-limit store or a database that is not answering."""
    app.register_error_handler(HTTPException, _render)
    app.register_error_handler(InternalServerError, _server_error)
    app.register_error_handler(StorageError, _rate_limit_store_down)
    app.register_error_handler(sa.exc.OperationalError, _database_unreachable)
    # runs before Flask-SQLAlchemy's own teardown (registered earlier)
    app.teardown_appcontext(_end_session)


def _server_error(error: InternalServerError):
    if isinstance(error.original_exception, StorageError):
        return _rate_limit_store_down(error.original_exception)  # after the view
    db.session.rollback()
    return _render(InternalServerError())


def _rate_limit_store_down(error: StorageError):
    log.warning(
        "rate-limit store unreachable endpoint=%s error=%s",
        request.endpoint,
        type(error.storage_error).__name__,
    )
    db.session.rollback()
    if request.endpoint == login_manager.login_view:
        logout_user()  # whatever the view got to, nobody is signed in unthrottled
    html, code = _render(ServiceUnavailable(), description=STORE_DOWN)
    return html, code, {"Retry-After": str(STORE_RETRY_SECONDS)}


def _database_unreachable(error: sa.exc.OperationalError):
    if not is_database_outage(error):
        raise error  # a bug, not an outage: the 500 page, logged with its traceback
    log.warning(
        "database unreachable endpoint=%s error=%s",
        request.endpoint,
        type(error.orig).__name__,
    )
    db.session.rollback()
    if request.endpoint == "prospect.step" and request.method == "POST":
        number = (request.view_args or {}).get("number", 1)
        html = render_without_database(lambda: render_unsaved_step(number))
    else:
        html, _ = render_without_database(
            lambda: _render(ServiceUnavailable(), description=DATABASE_DOWN)
        )
    return html, 503, {"Retry-After": str(DATABASE_RETRY_SECONDS)}


def _end_session(_exc):
    # Flask-SQLAlchemy's teardown then finds nothing to do: a connection the database
    # cut after the view had answered is dropped here instead of turning a finished
    # request into a 500
    try:
        db.session.remove()
    except sa.exc.DBAPIError as error:
        if not is_database_outage(error):
            raise
        db.session.registry.clear()  # SQLAlchemy already invalidated the connection
        log.warning("database connection lost after the response was ready")


def render_without_database(render):
    """render(), and if the page needs the database that is down (the practice's name in
    the layout), render() again with the default practice instead of failing."""
    try:
        return render()
    except sa.exc.DBAPIError:
        db.session.rollback()
        g.practice = default_practice()  # what the templates' `practice` reads first
        return render()


def is_database_outage(error: sa.exc.DBAPIError) -> bool:
    """True when the database was unreachable or cut the connection, not for a bug."""
    if error.connection_invalidated:
        return True
    if type(error.orig).__module__.startswith("psycopg"):
        return isinstance(error, sa.exc.OperationalError)  # connection-level failures
    return "database is locked" in str(error.orig)  # SQLite: a writer held it too long


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
