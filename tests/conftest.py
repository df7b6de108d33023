"""Fixtures: app, client, runner, db, and helpers that act like a browser."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa

from intake import create_app
from intake.extensions import db as _db

TEST_DATABASE_URL = os.environ.get("INTAKE_TEST_DATABASE_URL", "")
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def config_in(folder: Path) -> dict:
    """Settings for an app under test whose files go into `folder`."""
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "DATABASE_URL": TEST_DATABASE_URL or f"sqlite:///{folder / 'test.sqlite3'}",
        "RATELIMIT_STORAGE_URL": "memory://",
        "SERVER_NAME": "intake.test",
        "COUNTS_CACHE_SECONDS": 0,
        "PRACTICE_CACHE_SECONDS": 0,
        "MAIL_OUTBOX_DIR": str(folder / "outbox"),
        # backups and anything else of the instance's go here, not into the checkout
        "INSTANCE_PATH": str(folder / "instance"),
    }


@pytest.fixture
def app_config(tmp_path):
    """Settings for the app under test; tests may update this dict before `app`."""
    return config_in(tmp_path)


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory):
    """A private redis-server for the run (tests/redis_server.py), started on first use."""
    from tests.redis_server import RedisServer

    try:
        server = RedisServer(tmp_path_factory.mktemp("redis"))
    except FileNotFoundError as exc:
        pytest.skip(str(exc))
    yield server
    server.stop()


@pytest.fixture
def redis_url(redis_server):
    """The private Redis, empty at the start and the end of the test."""
    redis_server.flush()
    yield redis_server.url
    redis_server.flush()


@pytest.fixture
def app(app_config, tmp_path_factory):
    """The app on empty tables. Creating 23 tables costs ~0.1 s on SQLite and ~1 s on
    PostgreSQL, so a test's SQLite file is a copy of one made once, and PostgreSQL keeps
    its tables between tests, emptied, for as long as their schema is create_all's
    (a test that migrates or drops tables gets them made again)."""
    copied = _copy_sqlite_template(app_config["DATABASE_URL"], tmp_path_factory)
    app = create_app(app_config)
    with app.app_context():
        if not copied:
            _empty_tables()
    yield app
    with app.app_context():
        _db.session.remove()
        if _db.engine.dialect.name == "postgresql":
            _empty_tables()  # as the next test would, for a test that makes its own app
        _db.engine.dispose()


_SQLITE_TEMPLATE: list[Path] = []
_PG_SCHEMA: dict[str, str] = {}  # database URL -> the fingerprint create_all left
# what PostgreSQL says of a schema's tables, columns, indexes and constraints, as one hash
_PG_FINGERPRINT = sa.text(
    """SELECT md5(coalesce(string_agg(x, ',' ORDER BY x), '')) FROM (
    SELECT table_name || '.' || column_name || ':' || data_type || ':'
           || is_nullable || ':' || coalesce(column_default, '') AS x
      FROM information_schema.columns WHERE table_schema = current_schema()
    UNION ALL SELECT indexname || ':' || indexdef
      FROM pg_indexes WHERE schemaname = current_schema()
    UNION ALL SELECT conname || ':' || pg_get_constraintdef(oid)
      FROM pg_constraint WHERE connamespace = current_schema()::regnamespace
    ) s"""
)


def _copy_sqlite_template(url: str, tmp_path_factory) -> bool:
    """Copy the tables made once into a test's new SQLite file; False when the URL is
    not a file that does not exist yet."""
    if not url.startswith("sqlite:///") or Path(url[len("sqlite:///") :]).exists():
        return False
    if not _SQLITE_TEMPLATE:
        template = tmp_path_factory.mktemp("schema") / "template.sqlite3"
        made = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "x",
                "DATABASE_URL": f"sqlite:///{template}",
            }
        )
        with made.app_context():
            _db.create_all()
            _db.session.remove()
            _db.engine.dispose()  # the last connection folds the WAL into the file
        _SQLITE_TEMPLATE.append(template)
    shutil.copyfile(_SQLITE_TEMPLATE[0], url[len("sqlite:///") :])
    return True


def _empty_tables() -> None:
    """Empty tables as create_all makes them: on PostgreSQL, kept ones are emptied and
    their ids start at 1 again when their schema is unchanged, else made again."""
    engine = _db.engine
    if engine.dialect.name != "postgresql":
        _db.drop_all()
        _db.create_all()
        return
    url = engine.url.render_as_string(hide_password=False)
    if _PG_SCHEMA.get(url) == _db.session.execute(_PG_FINGERPRINT).scalar_one():
        tables = reversed(_db.metadata.sorted_tables)
        sequences = _db.session.execute(
            sa.text(
                "SELECT quote_ident(sequence_name) FROM information_schema.sequences"
                " WHERE sequence_schema = current_schema()"
            )
        ).scalars()
        _db.session.connection().exec_driver_sql(
            "; ".join(
                [f'DELETE FROM "{t.name}"' for t in tables]
                + [f"SELECT setval('{name}', 1, false)" for name in sequences]
            )
        )
        _db.session.commit()
        return
    _db.drop_all()
    _db.session.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
    _db.session.commit()
    _db.create_all()
    _PG_SCHEMA[url] = _db.session.execute(_PG_FINGERPRINT).scalar_one()
    _db.session.commit()


@pytest.fixture
def db(app):
    with app.app_context():
        yield _db


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def csrf_of(response) -> str:
    match = CSRF_RE.search(response.get_data(as_text=True))
    assert match, "page has no CSRF token"
    return match.group(1)


def sign_in(client, *, email="consultant@example.com", password=None, data=None, **kw):
    """Post the sign-in form as a browser does; returns the response."""
    from tests.factories import PASSWORD

    token = csrf_of(client.get("/workspace/login"))
    form = {"csrf_token": token, "email": email, "password": password or PASSWORD}
    return client.post("/workspace/login", data={**form, **(data or {})}, **kw)


@pytest.fixture
def consultant(db):
    from tests.factories import make_consultant

    user = make_consultant()
    db.session.commit()
    return user


@pytest.fixture
def signed_in(client, consultant):
    """The test client, signed in as the consultant."""
    assert sign_in(client).status_code == 302
    return client


class Browser:
    """Posts forms the way a browser does: token read from the page first."""

    def __init__(self, client):
        self.client = client

    def post_form(self, url, data, **kw):
        token = csrf_of(self.client.get(url))
        return self.client.post(url, data={"csrf_token": token, **data}, **kw)


class Wizard(Browser):
    """Walks the questionnaire with a dict of answers (question id -> value)."""

    def __init__(self, client, questionnaire):
        super().__init__(client)
        self.questionnaire = questionnaire

    def step_data(self, number, answers, nav="next"):
        step = self.questionnaire.steps[number - 1]
        data = {"nav": nav}
        for q in step.questions:
            if q.id in answers:
                value = answers[q.id]
                data[f"q_{q.id}"] = (
                    [str(v) for v in value] if isinstance(value, list) else str(value)
                )
        return data

    def post_step(self, number, answers, nav="next", **kw):
        return self.post_form(
            f"/start/step/{number}", self.step_data(number, answers, nav), **kw
        )

    def complete(self, answers):
        """Answer every step, then send from the review page; returns the last response."""
        for number in range(1, len(self.questionnaire.steps) + 1):
            response = self.post_step(number, answers)
            assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        return self.submit()

    def submit(self):
        token = csrf_of(self.client.get("/start/step/1"))
        return self.client.post("/start/submit", data={"csrf_token": token})


@pytest.fixture
def questionnaire(app):
    from intake import registry

    with app.app_context():
        return registry.active()


@pytest.fixture
def wizard(client, questionnaire):
    return Wizard(client, questionnaire)


@pytest.fixture
def browser(client):
    return Browser(client)


@pytest.fixture
def statements(db):
    """Each SQL statement the app sends, in order, with a mark at each commit
    (`transactions` cuts it into one list per transaction)."""
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_):
        seen.append(statement)

    def commit(_conn):
        seen.append("COMMIT")

    sa.event.listen(db.engine, "before_cursor_execute", record)
    sa.event.listen(db.engine, "commit", commit)
    yield seen
    sa.event.remove(db.engine, "before_cursor_execute", record)
    sa.event.remove(db.engine, "commit", commit)


def transactions(seen: list[str]) -> list[list[str]]:
    """The `statements` fixture's list, one list per committed transaction."""
    chunks: list[list[str]] = []
    current: list[str] = []
    for statement in seen:
        if statement == "COMMIT":
            chunks.append(current)
            current = []
        else:
            current.append(statement)
    return chunks
