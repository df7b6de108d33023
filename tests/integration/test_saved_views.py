"""Saved views: a member saves the list's filter and sort under a name, opens it from
the navigation, deletes it; each member sees only their own."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import g
from markupsafe import escape

from intake.models import SavedView
from tests.conftest import csrf_of, sign_in
from tests.factories import make_consultant, make_submission

NAME = "Possible fits this month, not yet called"
LIST = "/workspace/?verdict=possible+fit&status=new&date_from=2026-11-01&sort=overall&direction=asc"


@pytest.fixture(autouse=True)
def _fresh_g_per_request(app):
    """A new g per request, as on a server (see test_team.py)."""

    def clear():
        g.__dict__.clear()

    app.before_request_funcs.setdefault(None, []).insert(0, clear)


@pytest.fixture
def two(app, db):
    make_consultant(email="ann@example.com", name="Ann")
    make_consultant(email="bo@example.com", name="Bo").role = "consultant"
    make_submission()
    db.session.commit()
    browsers = {}
    for email in ("ann@example.com", "bo@example.com"):
        browsers[email] = app.test_client()
        assert sign_in(browsers[email], email=email).status_code == 302
    return browsers["ann@example.com"], browsers["bo@example.com"]


def _save(browser, name, list_url=LIST):
    page = browser.get(list_url)
    query = list_url.partition("?")[2]
    return browser.post(
        "/workspace/views",
        data={"csrf_token": csrf_of(page), "name": name, "query": query},
    )


def _views(db):
    db.session.expire_all()
    return db.session.scalars(sa.select(SavedView).order_by(SavedView.id)).all()


def test_save_the_current_filter_and_sort_and_open_it_from_the_nav(two, db):
    ann, _ = two
    response = _save(ann, NAME, LIST + "&page=3&junk=1")
    assert response.status_code == 302
    (view,) = _views(db)
    assert view.query == (
        "verdict=possible+fit&status=new&date_from=2026-11-01&sort=overall&direction=asc"
    )
    assert response.headers["Location"] == "/workspace/?" + view.query
    html = ann.get("/workspace/drafts").get_data(as_text=True)
    nav = html[html.index('aria-label="Workspace"') :]
    assert f'<a href="/workspace/?{escape(view.query)}">{NAME}</a>' in nav
    opened = ann.get("/workspace/?" + view.query).get_data(as_text=True)
    assert f'aria-current="page">{NAME}</a>' in opened
    assert '<option selected value="possible fit">' in opened or (
        'value="possible fit" selected' in opened
    )


def test_views_are_per_member(two, db):
    ann, bo = two
    _save(ann, NAME)
    (view,) = _views(db)
    assert f">{NAME}</a>" not in bo.get("/workspace/").get_data(as_text=True)
    token = csrf_of(bo.get("/workspace/"))
    refused = bo.post(f"/workspace/views/{view.id}/delete", data={"csrf_token": token})
    assert refused.status_code == 404
    assert len(_views(db)) == 1
    _save(bo, NAME)  # the same name for another member is another view
    assert len(_views(db)) == 2


def test_delete_a_view(two, db):
    ann, _ = two
    _save(ann, NAME)
    (view,) = _views(db)
    token = csrf_of(ann.get("/workspace/"))
    assert (
        ann.post(
            f"/workspace/views/{view.id}/delete", data={"csrf_token": token}
        ).status_code
        == 302
    )
    assert _views(db) == []
    assert f">{NAME}</a>" not in ann.get("/workspace/").get_data(as_text=True)


def test_a_view_needs_a_name_and_keeps_only_valid_filters(two, db):
    ann, _ = two
    response = _save(ann, "   ")
    assert response.status_code == 302
    page = ann.get(response.headers["Location"]).get_data(as_text=True)
    assert "Please give the view a name." in page
    assert _views(db) == []
    _save(
        ann, "Odd", "/workspace/?verdict=nonsense&sort=drop+table&date_from=x&q=%00ab"
    )
    (view,) = _views(db)
    assert view.query == "q=ab&sort=submitted&direction=desc"


def test_saving_under_the_same_name_replaces_the_view(two, db):
    ann, _ = two
    _save(ann, NAME)
    _save(ann, NAME, "/workspace/?status=booked")
    (view,) = _views(db)
    assert view.query == "status=booked&sort=submitted&direction=desc"


def test_without_csrf_nothing_is_saved(two, db):
    ann, _ = two
    response = ann.post("/workspace/views", data={"name": NAME, "query": ""})
    assert response.status_code == 400
    assert _views(db) == []
