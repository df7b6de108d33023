"""Members and invitations (issue 20, points 3 and 4): an invitation only ever creates
a new account; removing a member voids their invitations and their mail; the owner
restores a removed member, resends or cancels an invitation; the team's e-mails go to
active members only. Through the real views, with CSRF."""

from __future__ import annotations

import datetime as dt
import secrets

import pytest
import sqlalchemy as sa
from flask import g

from intake.mail import messages
from intake.mail.worker import deliver_due
from intake.models import AuditEvent, Consultant, OutboxMessage, TeamInvitation, utcnow
from intake.practice_store import current_practice, save_practice
from intake.security import hash_token
from tests.conftest import csrf_of, sign_in
from tests.factories import PASSWORD, make_consultant, make_submission
from tests.integration.test_team import (
    NEW_PASSWORD,
    _browser,
    _client_of,
    _invitation_links,
    _invite,
    _join,
    _path,
    _post,
)
from tests.personas import PERSONAS

OTHER_PASSWORD = "mallory's own password"


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
    """A new g for each request, as a server gives (see test_team.py)."""

    def clear():
        g.__dict__.clear()

    app.before_request_funcs.setdefault(None, []).insert(0, clear)


def _invitation(db, email, role="consultant", *, by=None) -> str:
    """A pending invitation made as `invite` makes one; returns its link's path."""
    token = secrets.token_urlsafe(32)
    db.session.add(
        TeamInvitation(
            email=email,
            role=role,
            token_hash=hash_token(token),
            invited_by_id=by,
            expires_at=utcnow() + dt.timedelta(days=7),
        )
    )
    db.session.commit()
    return f"http://intake.test/workspace/join/{token}"


def _member(db, email) -> Consultant:
    db.session.expire_all()
    return db.session.scalar(sa.select(Consultant).where(Consultant.email == email))


def _pending_count(db, email) -> int:
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(TeamInvitation)
        .where(TeamInvitation.email == email, TeamInvitation.used_at.is_(None))
    )


def _actions(db) -> list[str]:
    return db.session.scalars(
        sa.select(AuditEvent.action).order_by(AuditEvent.id)
    ).all()


# --- an invitation never touches an existing account ----------------------------------


def test_a_removed_member_does_not_come_back_through_an_older_invitation(
    app, db, owner
):
    first = _invitation(db, "new@example.com", by=owner.id)
    second = _invitation(db, "new@example.com", role="owner", by=owner.id)
    assert _join(app, first).status_code == 302
    nina = _member(db, "new@example.com")
    owner_client = _client_of(app, "owner@example.com")
    removed = _post(
        owner_client, f"/workspace/team/{nina.id}/remove", page="/workspace/team"
    )
    assert removed.status_code == 302
    assert _pending_count(db, "new@example.com") == 0  # removal voids the invitations
    again = _join(app, second, name="Nina Again", password=OTHER_PASSWORD)
    assert again.status_code == 410
    assert "This invitation no longer works" in again.get_data(as_text=True)
    back = _member(db, "new@example.com")
    assert (back.active, back.name, back.role) == (False, "Nina New", "consultant")
    assert back.password_hash == nina.password_hash
    refused = sign_in(_browser(app), email="new@example.com", password=OTHER_PASSWORD)
    assert refused.status_code == 401


def test_an_invitation_sent_before_someone_joined_changes_nothing(app, db, owner):
    first = _invitation(db, "new@example.com", by=owner.id)
    second = _invitation(db, "new@example.com", role="owner", by=owner.id)
    assert _join(app, first).status_code == 302
    nina = _member(db, "new@example.com")
    assert _pending_count(db, "new@example.com") == 0  # joining voids the others
    used = db.session.scalars(
        sa.select(TeamInvitation.role).where(TeamInvitation.used_at.is_not(None))
    ).all()
    assert used == ["consultant"]  # the one used stays, as a record
    again = _join(app, second, name="Mallory", password=OTHER_PASSWORD)
    assert again.status_code == 410
    after = _member(db, "new@example.com")
    assert (after.name, after.role, after.active) == ("Nina New", "consultant", True)
    assert after.password_hash == nina.password_hash
    assert after.session_generation == nina.session_generation
    assert (
        sign_in(
            _browser(app), email="new@example.com", password=NEW_PASSWORD
        ).status_code
        == 302
    )


@pytest.mark.parametrize("active", [True, False])
def test_an_invitation_to_an_address_with_an_account_is_refused_with_a_page(
    app, db, owner, colleague, active
):
    """However the invitation came to exist (an old one, a row restored from a backup),
    joining never resets an account: the page says so and nothing changes."""
    colleague.active = active
    db.session.commit()
    before = _member(db, "colin@example.com")
    hash_before, generation_before = before.password_hash, before.session_generation
    link = _invitation(db, "colin@example.com", role="owner", by=owner.id)
    page = _browser(app).get(_path(link))
    assert page.status_code == 409
    html = page.get_data(as_text=True)
    assert "You already have an account" in html
    assert "colin@example.com" in html and 'name="password"' not in html
    posted = _join(app, link, name="Mallory", password=OTHER_PASSWORD)
    assert posted.status_code == 409  # the GET already refused: no form to post
    browser = _browser(app)
    token = csrf_of(browser.get("/workspace/login"))
    forced = browser.post(
        _path(link),
        data={
            "csrf_token": token,
            "name": "Mallory",
            "password": OTHER_PASSWORD,
            "confirm": OTHER_PASSWORD,
        },
    )
    assert forced.status_code == 409
    after = _member(db, "colin@example.com")
    assert (after.name, after.role, after.active) == (
        "Colin Colleague",
        "consultant",
        active,
    )
    assert (after.password_hash, after.session_generation) == (
        hash_before,
        generation_before,
    )
    assert (
        _pending_count(db, "colin@example.com") == 1
    )  # unused: the owner may cancel it


# --- removing, restoring ---------------------------------------------------------------


def test_a_removed_member_is_restored_by_the_owner_not_by_an_invitation(
    app, app_config, db, owner, colleague
):
    client = _client_of(app, "owner@example.com")
    _post(client, f"/workspace/team/{colleague.id}/remove", page="/workspace/team")
    refused = _invite(client, "colin@example.com", role="owner")
    assert refused.status_code == 422
    assert "was removed from the team" in refused.get_data(as_text=True)
    assert _invitation_links(app_config) == []
    page = client.get("/workspace/team").get_data(as_text=True)
    assert f'action="/workspace/team/{colleague.id}/restore"' in page
    # a consultant cannot, and neither can a post without the CSRF token
    colin_again = make_consultant(email="cora@example.com", name="Cora")
    colin_again.role = "consultant"
    db.session.commit()
    other = _client_of(app, "cora@example.com")
    assert _post(other, f"/workspace/team/{colleague.id}/restore").status_code == 403
    assert client.post(f"/workspace/team/{colleague.id}/restore").status_code == 400
    assert _member(db, "colin@example.com").active is False
    restored = _post(
        client, f"/workspace/team/{colleague.id}/restore", page="/workspace/team"
    )
    assert restored.status_code == 302
    back = _member(db, "colin@example.com")
    assert (back.active, back.role, back.name) == (
        True,
        "consultant",
        "Colin Colleague",
    )
    assert (
        sign_in(_browser(app), email="colin@example.com", password=PASSWORD).status_code
        == 302
    )
    assert "restore_member" in _actions(db)
    # an active member has nothing to restore
    assert (
        _post(
            client, f"/workspace/team/{colleague.id}/restore", page="/workspace/team"
        ).status_code
        == 404
    )


def test_removing_a_member_cancels_the_team_mail_queued_for_them(
    app, db, owner, colleague
):
    submission = make_submission()
    db.session.commit()
    messages.queue_submitted(submission)  # queued, not yet delivered (no request)
    db.session.commit()
    client = _client_of(app, "owner@example.com")
    _post(client, f"/workspace/team/{colleague.id}/remove", page="/workspace/team")
    db.session.expire_all()
    notices = db.session.scalars(
        sa.select(OutboxMessage)
        .where(OutboxMessage.kind == "new_submission")
        .order_by(OutboxMessage.to_addr)
    ).all()
    assert [(m.to_addr, m.status) for m in notices] == [
        ("colin@example.com", "cancelled"),
        ("owner@example.com", "queued"),
    ]
    deliver_due(limit=50)
    db.session.expire_all()
    sent = db.session.scalars(
        sa.select(OutboxMessage.to_addr).where(OutboxMessage.status == "sent")
    ).all()
    assert "colin@example.com" not in sent and "owner@example.com" in sent


# --- cancelling and resending an invitation ---------------------------------------------


def test_the_owner_cancels_a_pending_invitation(app, app_config, db, owner, colleague):
    client = _client_of(app, "owner@example.com")
    assert _invite(client, "new@example.com").status_code == 302
    (link,) = _invitation_links(app_config)
    invitation = db.session.scalar(sa.select(TeamInvitation))
    cancel = f"/workspace/team/invitations/{invitation.id}/cancel"
    page = client.get("/workspace/team").get_data(as_text=True)
    assert f'action="{cancel}"' in page
    assert client.post(cancel).status_code == 400  # no CSRF token
    consultant = _client_of(app, "colin@example.com")
    assert _post(consultant, cancel).status_code == 403
    assert _pending_count(db, "new@example.com") == 1
    assert _post(client, cancel, page="/workspace/team").status_code == 302
    assert _pending_count(db, "new@example.com") == 0
    assert "Invitations not yet accepted" not in client.get("/workspace/team").get_data(
        as_text=True
    )
    assert _join(app, link).status_code == 410
    assert _member(db, "new@example.com") is None
    event = db.session.scalars(
        sa.select(AuditEvent).order_by(AuditEvent.id.desc())
    ).first()
    assert (event.action, event.detail, event.consultant_id) == (
        "cancel_invitation",
        "new@example.com",
        owner.id,
    )
    assert _post(client, cancel, page="/workspace/team").status_code == 404  # gone


def test_the_owner_resends_an_invitation_and_the_old_link_stops(
    app, app_config, db, owner
):
    client = _client_of(app, "owner@example.com")
    _invite(client, "new@example.com", role="owner")
    (old,) = _invitation_links(app_config)
    invitation = db.session.scalar(sa.select(TeamInvitation))
    resend = f"/workspace/team/invitations/{invitation.id}/resend"
    assert _post(client, resend, page="/workspace/team").status_code == 302
    links = _invitation_links(app_config)
    assert len(links) == 2
    new = next(link for link in links if link != old)
    assert _pending_count(db, "new@example.com") == 1
    assert _join(app, old).status_code == 410
    assert _join(app, new).status_code == 302
    nina = _member(db, "new@example.com")
    assert (nina.role, nina.active) == ("owner", True)
    assert "resend_invitation" in _actions(db)


def test_inviting_again_replaces_the_pending_invitation(app, app_config, db, owner):
    client = _client_of(app, "owner@example.com")
    _invite(client, "new@example.com")
    _invite(client, "new@example.com", role="owner")
    first, second = _invitation_links(app_config)
    assert _pending_count(db, "new@example.com") == 1
    assert {_join(app, first).status_code, _join(app, second).status_code} == {302, 410}
    assert _member(db, "new@example.com").role == "owner"


# --- the team's e-mails go to active members only ---------------------------------------


def _remove(app, member):
    client = _client_of(app, "owner@example.com")
    response = _post(
        client, f"/workspace/team/{member.id}/remove", page="/workspace/team"
    )
    assert response.status_code == 302


def _recipients(db, kind) -> list[str]:
    db.session.expire_all()
    return db.session.scalars(
        sa.select(OutboxMessage.to_addr)
        .where(OutboxMessage.kind == kind)
        .order_by(OutboxMessage.to_addr)
    ).all()


def test_a_removed_member_gets_no_new_questionnaire_mail(
    app, db, wizard, owner, colleague
):
    _remove(app, colleague)
    wizard.complete(PERSONAS["strategic_collaborator"])
    assert _recipients(db, "new_submission") == ["owner@example.com"]


def test_a_removed_member_gets_no_digest(app, db, owner, colleague):
    practice = current_practice()
    save_practice(
        type(practice)(**{**practice.__dict__, "new_submission_mail": "daily"})
    )
    make_submission(submitted_at=utcnow() - dt.timedelta(hours=1))
    db.session.commit()
    _remove(app, colleague)
    assert messages.queue_digest() == 1
    db.session.commit()
    assert _recipients(db, "digest") == ["owner@example.com"]


@pytest.mark.parametrize("answer", ["accept", "decline"])
def test_a_removed_member_gets_no_news_of_a_proposal(app, db, owner, colleague, answer):
    from tests.integration.test_offers import _accept_data, _link_from_mail, _send

    prospect = make_submission(persona="strategic_collaborator", status="reviewing")
    db.session.commit()
    owner_client = _client_of(app, "owner@example.com")
    assert _send(owner_client, prospect.id).status_code == 302
    link = _link_from_mail(app)
    _remove(app, colleague)
    client = _browser(app)
    page = client.get(link)
    asked = client.post(
        link + "/question", data={"csrf_token": csrf_of(page), "question": "When?"}
    )
    assert asked.status_code == 200
    if answer == "accept":
        assert client.post(link + "/accept", data=_accept_data(page)).status_code == 302
    else:
        data = {"csrf_token": csrf_of(page), "reason": "Not now."}
        assert client.post(link + "/decline", data=data).status_code == 302
    kind = "proposal_won" if answer == "accept" else "proposal_declined"
    assert _recipients(db, "proposal_question") == ["owner@example.com"]
    assert _recipients(db, kind) == ["owner@example.com"]
