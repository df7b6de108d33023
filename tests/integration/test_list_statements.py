"""A page of the list costs one SQL statement once the caches are warm: the signed-in
consultant (their session's generation) is read in the page's own statement, and their
saved views are kept per process by a version number read with them. Both stay right
across hosts: two apps on one database, a change made through one seen at once by the
other (a saved view created or deleted, a sign-out everywhere, a member removed)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from werkzeug.test import Client

from intake import create_app
from intake.extensions import db
from intake.models import Consultant
from tests.conftest import csrf_of, sign_in
from tests.factories import make_consultant, make_submission


class Hosts:
    """Two servers of the same service behind one address: `on` picks the next one."""

    def __init__(self, *apps):
        self.apps = apps
        self.on = 0

    def __call__(self, environ, start_response):
        return self.apps[self.on](environ, start_response)


class Browser(Client):
    def open(self, *args, **kw):
        kw.setdefault("base_url", "http://intake.test/")
        return super().open(*args, **kw)


@pytest.fixture
def hosts(app_config):
    # caches on, as in production (the tests' default config turns them off)
    config = {**app_config, "COUNTS_CACHE_SECONDS": 60, "PRACTICE_CACHE_SECONDS": 60}
    apps = (create_app(config), create_app(config))
    with apps[0].app_context():
        db.drop_all()
        db.create_all()
        make_consultant(email="ann@example.com", name="Ann")
        for _ in range(3):
            make_submission()
        db.session.commit()
    yield Hosts(*apps)
    for app in apps:
        with app.app_context():
            db.session.remove()
            if app is apps[0]:
                db.drop_all()
            db.engine.dispose()


def _browser(hosts) -> Browser:
    browser = Browser(hosts)
    hosts.on = 0
    assert sign_in(browser, email="ann@example.com").status_code == 302
    return browser


def _statements(app, browser, path) -> tuple[int, list[str]]:
    with app.app_context():
        engine = db.engine
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        seen.append(statement)

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        status = browser.get(path).status_code
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    return status, seen


@pytest.mark.parametrize(
    "path",
    [
        "/workspace/",
        "/workspace/?sort=overall",
        "/workspace/?verdict=possible+fit&status=new",
        "/workspace/?q=example",
        "/workspace/?q=prospect+two",
        "/workspace/?date_from=2026-13-45&page=abc",  # ignored, with a message
        "/workspace/?page=99",
        "/workspace/?attention=y",  # its statement is built each time (the time)
    ],
)
def test_a_list_page_is_one_statement_once_the_caches_are_warm(hosts, path):
    browser = _browser(hosts)
    for _ in range(2):  # counts, summary, practice, saved views: kept
        assert browser.get(path).status_code == 200
    status, statements = _statements(hosts.apps[0], browser, path)
    assert status == 200
    assert len(statements) == 1, statements
    assert "consultant" in statements[0] and "submission" in statements[0]


def test_the_first_visit_reads_the_views_and_counts_then_one_statement(hosts):
    browser = _browser(hosts)
    hosts.on = 1
    status, cold = _statements(hosts.apps[1], browser, "/workspace/")
    assert status == 200 and len(cold) > 1  # this host had kept nothing yet
    status, warm = _statements(hosts.apps[1], browser, "/workspace/")
    assert status == 200 and len(warm) == 1, warm


def test_two_members_on_one_host_each_read_as_themselves(hosts):
    """The list's statement is kept per process; the session's values are bound to it."""
    with hosts.apps[0].app_context():
        make_consultant(email="bo@example.com", name="Bo Berg").role = "consultant"
        db.session.commit()
    ann = _browser(hosts)
    bo = Browser(hosts)
    assert sign_in(bo, email="bo@example.com").status_code == 302
    for _ in range(2):
        for browser, name, other in ((ann, "Ann", "Bo Berg"), (bo, "Bo Berg", "Ann")):
            nav = (
                browser.get("/workspace/?sort=name").get_data(True).partition("</nav>")
            )
            assert f'Sign out<span class="visually-hidden"> {name}<' in nav[0]
            assert f"> {other}<" not in nav[0]


def _save_view(browser, name: str, query: str = "verdict=possible+fit"):
    page = browser.get(f"/workspace/?{query}")
    response = browser.post(
        "/workspace/views",
        data={"csrf_token": csrf_of(page), "name": name, "query": query},
    )
    assert response.status_code == 302


def test_a_view_saved_or_deleted_on_one_host_shows_on_the_other_at_once(hosts):
    browser = _browser(hosts)
    hosts.on = 1
    for _ in range(2):  # host B keeps Ann's views (none) and the counts
        assert "Strong fits now" not in browser.get("/workspace/").get_data(True)
    hosts.on = 0
    _save_view(browser, "Strong fits now")
    hosts.on = 1
    html = browser.get("/workspace/").get_data(as_text=True)
    assert "Strong fits now" in html.partition("</nav>")[0]  # in the navigation
    hosts.on = 0
    with hosts.apps[0].app_context():
        view_id = db.session.scalar(sa.text("SELECT id FROM saved_view"))
    page = browser.get("/workspace/")
    browser.post(
        f"/workspace/views/{view_id}/delete", data={"csrf_token": csrf_of(page)}
    )
    hosts.on = 1
    html = browser.get("/workspace/").get_data(as_text=True)
    assert "Deleted the view" in html  # the message, but no link to it any more
    assert "Strong fits now" not in html.partition("</nav>")[0]
    assert 'class="saved-view-list"' not in html


def test_sign_out_everywhere_on_one_host_ends_the_session_on_the_other(hosts):
    kept, other = _browser(hosts), _browser(hosts)
    hosts.on = 1
    for _ in range(2):
        assert kept.get("/workspace/?sort=overall").status_code == 200
    hosts.on = 0
    page = other.get("/workspace/")
    response = other.post(
        "/workspace/logout-everywhere", data={"csrf_token": csrf_of(page)}
    )
    assert response.status_code == 302
    hosts.on = 1
    response = kept.get("/workspace/?sort=overall")
    assert response.status_code == 302
    assert "/workspace/login" in response.headers["Location"]
    assert "Prospect" not in response.get_data(as_text=True)


def test_a_removed_member_is_signed_out_of_the_list_on_every_host(hosts):
    browser = _browser(hosts)
    hosts.on = 1
    for _ in range(2):
        assert browser.get("/workspace/").status_code == 200
    with hosts.apps[0].app_context():
        db.session.execute(sa.update(Consultant).values(active=False))
        db.session.commit()
    response = browser.get("/workspace/")
    assert response.status_code == 302
    assert "/workspace/login" in response.headers["Location"]


@pytest.mark.parametrize(
    "written, current",
    [
        ("{id}.{gen}", True),
        ("{id}.0{gen}", False),  # not as get_id writes it
        ("{id}.{next}", False),
        ("{id}.99999999999", False),  # beyond 32 bits: never reaches SQL
        ("{id}.-1", False),
        ("0{id}.{gen}", True),  # the id is read as a number, as before
        ("x.{gen}", False),
        ("{id}.", False),
        ("{id}", False),
    ],
)
def test_only_the_current_generation_as_written_names_the_consultant(
    app, db, written, current
):
    from intake.workspace import auth

    user = make_consultant()
    db.session.commit()
    gen = user.session_generation
    session_id = written.format(id=user.id, gen=gen, next=gen + 1)
    with app.test_request_context("/workspace/today"):
        found = auth._load_consultant(session_id)
    assert (found is not None) == current
