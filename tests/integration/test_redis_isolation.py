"""The tests' Redis is their own: a key someone else keeps survives them.

They used to flush databases 14 and 15 of whatever Redis listened on 6379; they now
start a private redis-server (tests/redis_server.py) and flush only that one.
"""

from __future__ import annotations

import os
import secrets

import pytest

from intake import create_app
from intake.extensions import db
from tests.factories import make_consultant

# where the tests used to write (and flush); TEST_SERVERS_REDIS_URL points elsewhere
SHARED = os.environ.get("TEST_SERVERS_REDIS_URL", "redis://127.0.0.1:6379/14")


@pytest.fixture
def someone_elses_key():
    """A key in the machine's Redis, set before the test's store is made and emptied,
    checked after it is emptied again."""
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(SHARED, socket_connect_timeout=3)
    key = f"someone-else:{secrets.token_hex(8)}"
    try:
        client.set(key, "keep me", ex=600)
    except redis.RedisError as exc:
        client.close()
        pytest.skip(f"no Redis of the machine's to compare with at {SHARED}: {exc}")
    yield client, key
    try:
        assert client.get(key) == b"keep me"
    finally:
        client.delete(key)
        client.close()


def test_a_key_in_the_machines_redis_survives_the_tests_store(
    someone_elses_key, redis_server, redis_url, app_config
):
    assert redis_url == redis_server.url and redis_server.port != 6379
    app = create_app({**app_config, "RATELIMIT_STORAGE_URL": redis_url})
    with app.app_context():
        db.create_all()
        make_consultant(email="lead@example.com")
        db.session.commit()
    client = app.test_client()
    page = client.get("/workspace/login").get_data(as_text=True)
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    form = {"csrf_token": token, "email": "lead@example.com", "password": "wrong"}
    assert client.post("/workspace/login", data=form).status_code == 401
    assert redis_server.command("DBSIZE") != b":0\r\n"  # the count went to ours
    redis_server.flush()
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()
