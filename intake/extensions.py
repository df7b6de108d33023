"""The extension objects, created here and bound to the app in create_app."""

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask import request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, current_user
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import event
from sqlalchemy.engine import CursorResult, Engine
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)

# the models' base class. mypy cannot take an object's attribute as a base class
# (python/mypy#8603), so it checks the models against Base: db.Model is made from Base's
# body and metadata, plus Flask-SQLAlchemy's mixins (table names, binds, `query`, which
# nothing here reads)
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model


def rows_changed(statement: sa.Update | sa.Delete) -> int:
    """Run an UPDATE or a DELETE in the request's session; how many rows it changed."""
    result = db.session.execute(statement)
    # the session returns a CursorResult for a statement without RETURNING but types
    # every result as Result (sqlalchemy/sqlalchemy#12913)
    assert isinstance(result, CursorResult)
    return result.rowcount


def commit_without_waiting_for_the_disk() -> None:
    """This transaction's commit on PostgreSQL does not wait for its WAL to reach the
    disk (`SET LOCAL synchronous_commit = off`, this transaction only). A crash of the
    database server (not of the app) can lose what was committed in its last ~0.6 s
    (3 x wal_writer_delay); nothing is corrupted. SQLite's `synchronous=NORMAL`
    (`_sqlite_pragmas` below) makes the same trade. Used where losing that is cheap
    and waiting costs: a draft page's save, a reset link's request."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(sa.text("SET LOCAL synchronous_commit = off"))


def not_waiting_for_the_disk() -> sa.ColumnElement[str] | None:
    """The same setting as a SQL expression, for a statement that should say it itself
    instead of a round trip of its own: `set_config('synchronous_commit', 'off', true)`
    is `SET LOCAL` (PostgreSQL's documentation); None on SQLite. Evaluated in an
    UPDATE's RETURNING, it holds exactly when the UPDATE wrote a row."""
    if db.engine.dialect.name != "postgresql":
        return None
    return sa.func.set_config(
        sa.literal_column("'synchronous_commit'"),
        sa.literal_column("'off'"),
        sa.true(),
        type_=sa.Text,
    )


migrate = Migrate()
csrf = CSRFProtect()
login_manager = LoginManager()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    """WAL and a busy timeout so concurrent writers wait instead of failing."""
    module = type(dbapi_connection).__module__
    if "sqlite" not in module:
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def device_identifier() -> str:
    """What binds a signed-in session: the browser that signed in, not its address."""
    agent = request.headers.get("User-Agent", "")
    return hashlib.sha512(f"device|{agent}".encode("utf-8", "replace")).hexdigest()


def init_app(app) -> None:
    """Bind every extension to the app."""
    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).parent / "migrations"))
    csrf.init_app(app)
    # templates get a lazy current_user: public pages never load a user or touch the
    # session protection (Flask-Login's own context processor loads it eagerly)
    login_manager.init_app(app, add_context_processor=False)
    app.context_processor(lambda: {"current_user": current_user})
    login_manager.login_view = "workspace.login"
    login_manager.login_message = "Please sign in to see this page."
    login_manager.session_protection = "strong"
    # "strong" ends a session whose identifier changes; Flask-Login's identifier is the
    # address and the browser, so a phone moving from Wi-Fi to mobile data was signed
    # out mid-note. The session is bound to the device (its browser) instead; a copied
    # cookie still dies at sign-out and with the session generation (workspace/auth.py).
    login_manager._session_identifier_generator = device_identifier
    # the user loader (which checks the session generation) is in workspace/auth.py
    limiter.init_app(app)


# every limit of the app is on a form's POST (sign-in counts its guesses itself, in
# workspace/guesses.py): a page read skips the limiter's per-request resolution of
# limits, a tenth of a questionnaire page's time (bench/profiles.md)
READS = frozenset({"GET", "HEAD", "OPTIONS"})


@limiter.request_filter
def _reads_are_not_limited() -> bool:
    return request.method in READS
