"""The team: invitations by e-mail, roles enforced on the server, removing a member,
and every action naming who did it. Through the real views, with CSRF."""

from __future__ import annotations

import datetime as dt
import re
from email import message_from_bytes, policy
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import g

from intake.models import (
    AuditEvent,
    Consultant,
    StatusChange,
    TeamInvitation,
    utcnow,
)
from tests.conftest import csrf_of, sign_in
from tests.factories import make_consultant, make_submission

LINK = re.compile(r"https?://[^\s\"<>]+/workspace/join/[^\s\"<>]+")
NEW_PASSWORD = "a long new password"

# every route only an owner may use: (method, path template)
OWNER_ONLY = [
    ("GET", "/workspace/settings"),
    ("POST", "/workspace/settings/practice"),
    ("POST", "/workspace/settings/referrals"),
    ("GET", "/workspace/team"),
    ("POST", "/workspace/team/invite"),
    ("POST", "/workspace/team/{owner}/role"),
    ("POST", "/workspace/team/{owner}/remove"),
    ("POST", "/workspace/submissions/{submission}/delete"),
]


@pytest.fixture
def owner(db):
    user = make_consultant(email="owner@example.com", name="Olive Owner")
    db.session.commit()
    return user


@pytest.fixture
def colleague(db):
    user = make_consultant(email="colin@example.com", name="Colin Colleague")
    user.role = "consultant"
    db.session.commit()
    return user


@pytest.fixture(autouse=True)
def _fresh_g_per_request(app):
    """These tests hold an app context (the db fixture), which the test client's
    requests share, and Flask-Login and Flask-WTF cache the user and the CSRF token in
    its g. A server gives each request a new one: so do we, or one browser's user
    would leak into the next browser's request."""

    def clear():
        g.__dict__.clear()

    app.before_request_funcs.setdefault(None, []).insert(0, clear)


def _browser(app):
    return app.test_client()


def _client_of(app, email):
    client = _browser(app)
    assert sign_in(client, email=email).status_code == 302
    return client


def _post(client, path, data=None, page="/workspace/"):
    token = csrf_of(client.get(page))
    return client.post(path, data={"csrf_token": token, **(data or {})})


def _invitation_links(app_config) -> list[str]:
    links = []
    for path in sorted(Path(app_config["MAIL_OUTBOX_DIR"]).glob("*team_invite*.eml")):
        msg = message_from_bytes(path.read_bytes(), policy=policy.default)
        links += LINK.findall(msg.get_body(("plain",)).get_content())
    return links


def _path(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def _invite(client, email="new@example.com", role="consultant"):
    return _post(
        client,
        "/workspace/team/invite",
        {"email": email, "role": role},
        page="/workspace/team",
    )


def _join(app, link, name="Nina New", password=NEW_PASSWORD):
    browser = _browser(app)
    page = browser.get(_path(link))
    if page.status_code != 200:
        return page
    return browser.post(
        _path(link),
        data={
            "csrf_token": csrf_of(page),
            "name": name,
            "password": password,
            "confirm": password,
        },
    )


def test_existing_and_new_accounts_are_owners(db, consultant):
    assert consultant.role == "owner" and consultant.is_owner
    row = db.session.execute(
        sa.text("SELECT role, active FROM consultant WHERE id = :id"),
        {"id": consultant.id},
    ).one()
    assert row.role == "owner" and bool(row.active) is True


def test_owner_invites_and_the_invitee_joins_once(app, app_config, db, owner):
    client = _client_of(app, "owner@example.com")
    response = _invite(client, "New@Example.com")
    assert response.status_code == 302
    invitation = db.session.scalar(sa.select(TeamInvitation))
    assert invitation.email == "new@example.com"
    (link,) = _invitation_links(app_config)
    token = link.rsplit("/", 1)[1]
    assert token not in invitation.token_hash and len(invitation.token_hash) == 64
    page = app.test_client().get(_path(link)).get_data(as_text=True)
    assert "new@example.com" in page
    assert _join(app, link).status_code == 302
    member = db.session.scalar(
        sa.select(Consultant).where(Consultant.email == "new@example.com")
    )
    assert (member.name, member.role, member.active) == (
        "Nina New",
        "consultant",
        True,
    )
    assert _client_of_password(app, "new@example.com").status_code == 302
    # single use
    assert _join(app, link, name="Mallory").status_code == 410
    db.session.expire_all()
    assert db.session.get(Consultant, member.id).name == "Nina New"


def _client_of_password(app, email):
    return sign_in(_browser(app), email=email, password=NEW_PASSWORD)


def test_an_expired_or_forged_invitation_does_not_work(app, app_config, db, owner):
    client = _client_of(app, "owner@example.com")
    _invite(client)
    (link,) = _invitation_links(app_config)
    db.session.execute(
        sa.update(TeamInvitation).values(expires_at=utcnow() - dt.timedelta(minutes=1))
    )
    db.session.commit()
    assert _join(app, link).status_code == 410
    assert app.test_client().get("/workspace/join/forged").status_code == 410
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Consultant)) == 1


def test_bad_invitations_get_a_message(app, db, owner, colleague):
    client = _client_of(app, "owner@example.com")
    bad = _invite(client, "not an address")
    assert bad.status_code == 422
    assert "like name@example.com" in bad.get_data(as_text=True)
    again = _invite(client, "colin@example.com")
    assert again.status_code == 422
    assert "already belongs" in again.get_data(as_text=True)
    odd_role = _invite(client, "x@example.com", role="admin")
    assert odd_role.status_code == 422
    assert (
        db.session.scalar(sa.select(sa.func.count()).select_from(TeamInvitation)) == 0
    )


@pytest.mark.parametrize("method,path", OWNER_ONLY)
def test_a_consultant_gets_403_on_every_owner_only_route(
    app, db, owner, colleague, method, path
):
    submission = make_submission()
    db.session.commit()
    client = _client_of(app, "colin@example.com")
    url = path.format(owner=owner.id, submission=submission.id)
    if method == "GET":
        response = client.get(url)
    else:
        response = _post(client, url, {"confirm": "y", "role": "consultant"})
    assert response.status_code == 403
    assert "You do not have access to this page." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Consultant, owner.id).role == "owner"
    assert db.session.get(Consultant, owner.id).active


def test_a_consultant_does_not_see_owner_controls(app, db, owner, colleague):
    submission = make_submission()
    db.session.commit()
    consultant_view = _client_of(app, "colin@example.com")
    owner_view = _client_of(app, "owner@example.com")
    detail = f"/workspace/submissions/{submission.id}"
    for client, shown in ((consultant_view, False), (owner_view, True)):
        page = client.get(detail).get_data(as_text=True)
        assert ('href="/workspace/settings"' in page) is shown
        assert ('href="/workspace/team"' in page) is shown
        assert ("Delete permanently" in page) is shown
        assert 'name="body"' in page  # notes for everyone


def test_consultant_reviews_writes_notes_and_changes_status(app, db, owner, colleague):
    submission = make_submission()
    db.session.commit()
    client = _client_of(app, "colin@example.com")
    detail = f"/workspace/submissions/{submission.id}"
    assert (
        _post(client, detail + "/notes", {"body": "Called"}, page=detail).status_code
        == 302
    )
    assert (
        _post(client, detail + "/status", {"status": "booked"}, page=detail).status_code
        == 302
    )
    page = client.get(detail).get_data(as_text=True)
    assert "Colin Colleague" in page
    change = db.session.scalar(sa.select(StatusChange))
    assert change.author_name == "Colin Colleague"
    activity = _client_of(app, "owner@example.com").get("/workspace/activity")
    text = activity.get_data(as_text=True)
    assert text.count("<td>Colin Colleague</td>") >= 2


def test_removing_a_member_ends_their_sessions_and_sign_in(app, db, owner, colleague):
    member_browser = _client_of(app, "colin@example.com")
    thief = _browser(app)
    cookie = member_browser.get_cookie("session", domain="intake.test")
    thief.set_cookie("session", cookie.value, domain="intake.test")
    assert thief.get("/workspace/").status_code == 200
    owner_client = _client_of(app, "owner@example.com")
    response = _post(
        owner_client, f"/workspace/team/{colleague.id}/remove", page="/workspace/team"
    )
    assert response.status_code == 302
    assert thief.get("/workspace/").status_code == 302
    assert member_browser.get("/workspace/").status_code == 302
    refused = sign_in(_browser(app), email="colin@example.com")
    assert refused.status_code == 401
    db.session.expire_all()
    removed = db.session.get(Consultant, colleague.id)
    assert removed.active is False
    events = db.session.scalars(
        sa.select(AuditEvent.action).where(AuditEvent.consultant_id == owner.id)
    ).all()
    assert "remove_member" in events


def test_the_team_keeps_an_owner_and_an_owner_cannot_remove_themselves(app, db, owner):
    client = _client_of(app, "owner@example.com")
    _post(
        client,
        f"/workspace/team/{owner.id}/role",
        {"role": "consultant"},
        page="/workspace/team",
    )
    _post(client, f"/workspace/team/{owner.id}/remove", page="/workspace/team")
    db.session.expire_all()
    me = db.session.get(Consultant, owner.id)
    assert (me.role, me.active) == ("owner", True)


def test_owner_changes_a_members_role(app, db, owner, colleague):
    client = _client_of(app, "owner@example.com")
    response = _post(
        client,
        f"/workspace/team/{colleague.id}/role",
        {"role": "owner"},
        page="/workspace/team",
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Consultant, colleague.id).role == "owner"
    assert (
        _client_of(app, "colin@example.com").get("/workspace/team").status_code == 200
    )


def test_a_removed_member_gets_no_password_reset(app, app_config, db, owner, colleague):
    client = _client_of(app, "owner@example.com")
    _post(client, f"/workspace/team/{colleague.id}/remove", page="/workspace/team")
    anon = _browser(app)
    page = anon.get("/workspace/forgot-password")
    anon.post(
        "/workspace/forgot-password",
        data={"csrf_token": csrf_of(page), "email": "colin@example.com"},
    )
    assert not list(Path(app_config["MAIL_OUTBOX_DIR"]).glob("*password_reset*"))


# a removed member comes back only by the owner's Restore, never through an invitation:
# tests/integration/test_members.py
