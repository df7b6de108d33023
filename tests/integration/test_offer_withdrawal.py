"""Withdrawing a proposal (issue 20, point 7): with the button on the submission page,
or by moving the prospect to "Declined by us" or "Lost". The prospect's link then shows
a kind page and accepts nothing: no acceptance, no Won, no welcome e-mails."""

from __future__ import annotations

import subprocess

import pytest
import sqlalchemy as sa

from intake.models import AuditEvent, Note, OutboxMessage, StatusChange, Submission
from intake.offers.models import Offer
from intake.practice_store import current_practice
from tests.conftest import csrf_of, sign_in
from tests.factories import make_submission
from tests.integration.test_offers import (
    LINK,
    _accept_data,
    _link_from_mail,
    _offer,
    _send,
)

WITHDRAWN = "This proposal is no longer open"


@pytest.fixture
def prospect(db, consultant):
    s = make_submission(persona="strategic_collaborator", status="reviewing")
    db.session.commit()
    return s


@pytest.fixture
def sent(signed_in, prospect, app):
    assert _send(signed_in, prospect.id).status_code == 302
    return _link_from_mail(app)


def _detail(prospect) -> str:
    return f"/workspace/submissions/{prospect.id}"


def _withdraw_by_button(client, prospect):
    page = client.get(_detail(prospect))
    assert "Withdraw proposal" in page.get_data(as_text=True)
    return client.post(
        _detail(prospect) + "/withdraw-proposal", data={"csrf_token": csrf_of(page)}
    )


def _move_to(client, prospect, status):
    page = client.get(_detail(prospect))
    return client.post(
        _detail(prospect) + "/status",
        data={"csrf_token": csrf_of(page), "status": status},
    )


def _kinds(db) -> list[str]:
    db.session.expire_all()
    return db.session.scalars(
        sa.select(OutboxMessage.kind).order_by(OutboxMessage.id)
    ).all()


def _assert_accepts_nothing(client, link, page, db, prospect, status):
    """Every answer from the page the prospect opened before: refused, kindly."""
    before = _kinds(db)
    notes_before = db.session.scalar(sa.select(sa.func.count(Note.id)))
    token = csrf_of(page)
    answers = {
        "/accept": _accept_data(page),
        "/decline": {"csrf_token": token, "reason": "Changed my mind."},
        "/question": {"csrf_token": token, "question": "Is it still open?"},
    }
    for path, data in answers.items():
        refused = client.post(link + path, data=data)
        db.session.expire_all()
        assert db.session.get(Submission, prospect.id).status == status, path
        assert _kinds(db) == before, path  # no welcome, no notice to the team
        assert refused.status_code == 410, path
        assert WITHDRAWN in refused.get_data(as_text=True)
    shown = client.get(link)
    assert shown.status_code == 410
    html = shown.get_data(as_text=True)
    assert WITHDRAWN in html and "Accept and sign" not in html
    assert f"mailto:{current_practice().email}" in html
    for pdf in ("/proposal.pdf", "/signed.pdf"):
        assert client.get(link + pdf).status_code == 410
    offer = _offer(db)
    assert (offer.state, offer.accepted_at, offer.signed_pdf) == (
        "withdrawn",
        None,
        None,
    )
    assert db.session.get(Submission, prospect.id).status == status
    assert _kinds(db) == before  # no welcome, no notice to the team
    assert db.session.scalar(sa.select(sa.func.count(Note.id))) == notes_before


def test_the_withdraw_button_closes_the_link(client, signed_in, sent, prospect, db):
    page = client.get(sent)  # the prospect has the page open
    assert page.status_code == 200
    assert client.get(sent).status_code == 200
    # without the CSRF token nothing happens
    refused = signed_in.post(_detail(prospect) + "/withdraw-proposal")
    assert refused.status_code == 400
    assert _offer(db).state == "sent"
    response = _withdraw_by_button(signed_in, prospect)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"{_detail(prospect)}#send")
    detail = signed_in.get(_detail(prospect)).get_data(as_text=True)
    assert "Withdrawn: the link no longer works" in detail
    assert "Withdraw proposal" not in detail
    assert "Proposal withdrawn" in detail
    (event,) = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "withdraw_proposal")
    ).all()
    assert event.submission_id == prospect.id
    _assert_accepts_nothing(client, sent, page, db, prospect, "proposal_sent")
    # withdrawing twice: nothing more to withdraw, no 500
    again = signed_in.post(
        _detail(prospect) + "/withdraw-proposal",
        data={"csrf_token": csrf_of(signed_in.get(_detail(prospect)))},
    )
    assert again.status_code == 302
    assert "There is no open proposal to withdraw." in signed_in.get(
        _detail(prospect)
    ).get_data(as_text=True)


@pytest.mark.parametrize("status", ["not_a_fit", "lost"])
def test_declined_by_us_or_lost_withdraws_the_proposal(
    client, signed_in, sent, prospect, db, status
):
    page = client.get(sent)
    assert _move_to(signed_in, prospect, status).status_code == 302
    assert "The proposal sent was withdrawn." in signed_in.get(
        _detail(prospect)
    ).get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Submission, prospect.id).status == status
    changes = db.session.scalars(
        sa.select(StatusChange.to_status)
        .where(StatusChange.submission_id == prospect.id)
        .order_by(StatusChange.id)
    ).all()
    assert changes == ["proposal_sent", status]
    _assert_accepts_nothing(client, sent, page, db, prospect, status)
    actions = db.session.scalars(
        sa.select(AuditEvent.action).where(AuditEvent.submission_id == prospect.id)
    ).all()
    assert "withdraw_proposal" in actions


def test_other_statuses_keep_the_proposal_open(client, signed_in, sent, prospect, db):
    assert _move_to(signed_in, prospect, "booked").status_code == 302
    assert _offer(db).state == "sent"
    assert client.get(sent).status_code == 200


def test_a_new_proposal_after_a_withdrawal_works(client, signed_in, sent, prospect, db):
    assert _withdraw_by_button(signed_in, prospect).status_code == 302
    assert _send(signed_in, prospect.id).status_code == 302
    offers = db.session.scalars(sa.select(Offer.state).order_by(Offer.id)).all()
    assert offers == ["withdrawn", "sent"]
    assert client.get(sent).status_code == 410


def test_an_accepted_proposal_is_not_withdrawn_by_a_later_status(
    client, signed_in, sent, prospect, db
):
    page = client.get(sent)
    assert client.post(sent + "/accept", data=_accept_data(page)).status_code == 302
    assert _move_to(signed_in, prospect, "lost").status_code == 302
    assert _offer(db).state == "accepted"
    assert client.get(sent + "/signed.pdf").status_code == 200


@pytest.fixture
def free_port_url(app_config):
    """No mail server listening: messages stay queued (no file delivery either)."""
    from tests.smtp import free_port

    app_config["MAIL_URL"] = f"smtp://127.0.0.1:{free_port()}"
    return app_config["MAIL_URL"]


def test_withdrawing_cancels_the_proposal_mail_still_queued(
    free_port_url, client, db, prospect
):
    """With a mail server that is away, the proposal e-mail waits in the outbox: a
    withdrawal cancels it, so the prospect never receives a dead link."""
    assert sign_in(client).status_code == 302
    assert _send(client, prospect.id).status_code == 302
    (queued,) = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.kind == "proposal_sent")
    ).all()
    assert queued.status == "queued"
    assert LINK.search(queued.text_body)
    assert _withdraw_by_button(client, prospect).status_code == 302
    db.session.expire_all()
    assert db.session.get(OutboxMessage, queued.id).status == "cancelled"


def test_the_withdrawn_pages_pass_the_nu_html_checker(
    client, signed_in, sent, prospect, tmp_path
):
    from tests.integration.test_html_validity import checker

    command = checker()
    pages = {"panel-open": signed_in.get(_detail(prospect)).get_data(as_text=True)}
    page = client.get(sent)
    _withdraw_by_button(signed_in, prospect)
    pages["panel-withdrawn"] = signed_in.get(_detail(prospect)).get_data(as_text=True)
    pages["link"] = client.get(sent).get_data(as_text=True)
    pages["accept"] = client.post(sent + "/accept", data=_accept_data(page)).get_data(
        as_text=True
    )
    files = []
    for name, html in pages.items():
        path = tmp_path / f"{name}.html"
        path.write_text(html, encoding="utf-8")
        files.append(str(path))
    run = subprocess.run(
        [*command, "--errors-only", *files], capture_output=True, text=True, timeout=300
    )
    assert run.returncode == 0, run.stderr[-3000:]
