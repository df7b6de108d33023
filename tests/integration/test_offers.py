"""The proposal sent from the workspace, opened from the e-mail's link, accepted,
declined or questioned online, followed as the consultant and the prospect would."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import subprocess
from email import message_from_bytes, policy
from pathlib import Path

import pytest
import sqlalchemy as sa
from icalendar import Calendar
from pypdf import PdfReader

from intake.models import (
    MailAttachment,
    Note,
    OutboxMessage,
    StatusChange,
    Submission,
    utcnow,
)
from intake.offers.models import Offer
from intake.practice_store import current_practice, save_practice
from tests.conftest import csrf_of
from tests.factories import make_submission

LINK = re.compile(r"https?://[^\s\"<>]+/proposal/[A-Za-z0-9_-]+")
INTERNAL = re.compile(
    r"strong fit|possible fit|not a fit|verdict|score|red flag|overall|chemistry",
    re.IGNORECASE,
)
MESSAGE = "Hello Hannah,\n\nHere is our proposal, as promised on the call.\n\nCasey"


def _mails(db, kind):
    return db.session.scalars(
        sa.select(OutboxMessage)
        .where(OutboxMessage.kind == kind)
        .order_by(OutboxMessage.id)
        .options(
            sa.orm.undefer(OutboxMessage.text_body),
            sa.orm.undefer(OutboxMessage.html_body),
            sa.orm.selectinload(OutboxMessage.attachments).undefer(MailAttachment.data),
        )
    ).all()


def _path(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def _send(client, submission_id, message=MESSAGE, **extra):
    detail = client.get(f"/workspace/submissions/{submission_id}")
    assert detail.status_code == 200
    return client.post(
        f"/workspace/submissions/{submission_id}/send-proposal",
        data={"csrf_token": csrf_of(detail), "message": message, **extra},
    )


def _delivered(app, kind) -> list:
    """The delivered .eml files of one kind (development's file delivery), in order."""
    folder = Path(app.config["MAIL_OUTBOX_DIR"])
    return [
        message_from_bytes(path.read_bytes(), policy=policy.default)
        for path in sorted(folder.glob("*.eml"))
        if path.stem.split("-", 3)[3] == kind
    ]


def _text(message) -> str:
    return message.get_body(("plain",)).get_content()


def _link_from_mail(app) -> str:
    """The link in the last proposal e-mail the prospect received."""
    mail = _delivered(app, "proposal_sent")[-1]
    (link,) = set(LINK.findall(_text(mail)))
    return _path(link)


def _accept_data(page, **over):
    html = page.get_data(as_text=True)
    digest = re.search(r'name="pdf_sha256" value="([0-9a-f]{64})"', html).group(1)
    option = re.search(r'name="option" value="([^"]+)"', html).group(1)
    start = (utcnow().date() + dt.timedelta(days=10)).isoformat()
    data = {
        "csrf_token": csrf_of(page),
        "pdf_sha256": digest,
        "option": option,
        "start_date": start,
        "agree": "y",
        "full_name": "Hannah Lindqvist",
    }
    return {**data, **over}


@pytest.fixture
def prospect(db, consultant):
    s = make_submission(persona="strategic_collaborator", status="reviewing")
    db.session.commit()
    return s


@pytest.fixture
def sent(signed_in, prospect, app):
    """The proposal sent; returns the link's path from the delivered e-mail."""
    response = _send(signed_in, prospect.id)
    assert response.status_code == 302
    return _link_from_mail(app)


def _offer(db) -> Offer:
    db.session.expire_all()
    return db.session.scalars(sa.select(Offer).order_by(Offer.id.desc())).first()


# --- 3. sending ----------------------------------------------------------------------


def test_the_default_message_says_each_thing_once(signed_in, prospect, db, app):
    from intake.offers.mails import default_message

    with app.test_request_context():
        message = default_message(db.session.get(Submission, prospect.id))
    assert _send(signed_in, prospect.id, message=message).status_code == 302
    (mail,) = _delivered(app, "proposal_sent")
    text = _text(mail)
    assert text.count("download it as a PDF") == 1
    assert text.count("Northway Administrative Partners") == 1


def test_send_queues_the_mail_and_moves_the_status(signed_in, prospect, db, app):
    page = signed_in.get(f"/workspace/submissions/{prospect.id}").get_data(as_text=True)
    assert "Send proposal" in page and "Here is our proposal" in page
    response = _send(signed_in, prospect.id)
    assert response.status_code == 302
    (queued,) = _mails(db, "proposal_sent")
    assert queued.redact_after_send is True
    (mail,) = _delivered(app, "proposal_sent")
    assert mail["To"] == "hannah@lindqvist-advisory.com"
    assert "as promised on the call" in _text(mail)
    html = mail.get_body(("html",)).get_content()
    assert not INTERNAL.search(_text(mail)) and not INTERNAL.search(html)
    db.session.expire_all()
    s = db.session.get(Submission, prospect.id)
    assert s.status == "proposal_sent"
    change = db.session.scalars(
        sa.select(StatusChange).where(StatusChange.submission_id == s.id)
    ).one()
    assert (change.from_status, change.to_status) == ("reviewing", "proposal_sent")
    offer = _offer(db)
    token = _link_from_mail(app).rsplit("/", 1)[1]
    assert len(token) >= 43  # 256 bits, URL-safe base64
    assert offer.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in offer.token_hash


def test_not_a_fit_is_refused_until_a_package_is_chosen(signed_in, db, consultant):
    s = make_submission(persona="one_off_project")
    db.session.commit()
    response = _send(signed_in, s.id)
    assert response.status_code == 302
    assert _mails(db, "proposal_sent") == []
    assert db.session.scalar(sa.select(sa.func.count(Offer.id))) == 0
    page = signed_in.get(f"/workspace/submissions/{s.id}").get_data(as_text=True)
    assert "no proposal is sent unless you choose a package" in page
    s.package_override = current_practice().packages[0].name
    db.session.commit()
    assert _send(signed_in, s.id).status_code == 302
    assert len(_mails(db, "proposal_sent")) == 1


def test_send_without_csrf_is_refused(signed_in, prospect, db):
    response = signed_in.post(
        f"/workspace/submissions/{prospect.id}/send-proposal", data={"message": "x"}
    )
    assert response.status_code == 400
    assert _mails(db, "proposal_sent") == []


def test_the_link_opens_the_page_and_counts_openings(client, sent, db, prospect):
    response = client.get(sent)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "noindex" in response.headers["X-Robots-Tag"]
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert "as promised on the call" in html
    assert "Accept and sign" in html
    assert not INTERNAL.search(re.sub(r"<[^>]+>", " ", html))
    first = _offer(db)
    assert first.open_count == 1 and first.first_opened_at == first.last_opened_at
    client.get(sent)
    offer = _offer(db)
    assert offer.open_count == 2
    assert offer.first_opened_at == first.first_opened_at
    assert offer.last_opened_at >= first.last_opened_at


FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"


def test_only_a_person_opening_the_page_is_counted(client, sent, db, prospect):
    """Scanners, previews, prefetches, HEAD requests and the page shown again after
    the prospect's own answer are not openings: one proposal once counted 22."""
    automated = [
        ("HEAD", {"User-Agent": FIREFOX}),
        ("GET", {"User-Agent": FIREFOX, "Sec-Purpose": "prefetch"}),
        ("GET", {"User-Agent": FIREFOX, "Purpose": "prefetch"}),
        ("GET", {"User-Agent": "Mozilla/5.0 (compatible; Microsoft Office/16.0)"}),
        ("GET", {"User-Agent": "Slackbot-LinkExpanding 1.0 (+https://api.slack.com)"}),
        ("GET", {"User-Agent": "python-requests/2.32"}),
        ("GET", {"User-Agent": ""}),
    ]
    for method, headers in automated:
        response = client.open(sent, method=method, headers=headers)
        assert response.status_code == 200, (method, headers)
    assert client.get(f"{sent}?after=1", headers={"User-Agent": FIREFOX}).status_code
    assert _offer(db).open_count == 0
    client.get(sent, headers={"User-Agent": FIREFOX})
    assert _offer(db).open_count == 1


def test_the_page_after_declining_is_the_same_visit(client, sent, db, prospect):
    page = client.get(sent, headers={"User-Agent": FIREFOX})
    response = client.post(
        f"{sent}/decline",
        data={"csrf_token": csrf_of(page), "reason": "Not now"},
        headers={"User-Agent": FIREFOX},
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert _offer(db).open_count == 1


def test_openings_show_on_the_submission(signed_in, sent, prospect, db):
    signed_in.get(sent)
    signed_in.get(sent)
    page = signed_in.get(f"/workspace/submissions/{prospect.id}").get_data(as_text=True)
    assert re.search(r'class="offer-opened">2 times: first', page)


def test_a_wrong_or_expired_link_explains(client, sent, db):
    wrong = client.get("/proposal/not-a-real-token")
    assert wrong.status_code == 404
    assert "could not find a proposal" in wrong.get_data(as_text=True)
    assert client.get("/proposal/" + "x" * 500).status_code == 404
    offer = _offer(db)
    offer.expires_at = utcnow() - dt.timedelta(seconds=1)
    db.session.commit()
    expired = client.get(sent)
    assert expired.status_code == 410
    assert "has expired" in expired.get_data(as_text=True)
    assert client.get(sent + "/proposal.pdf").status_code == 410


def test_sending_again_replaces_the_old_link(signed_in, sent, prospect, db):
    # on purpose: the box to replace it ticked (test_call_page.py: refused without)
    assert _send(signed_in, prospect.id, replace="y").status_code == 302
    old = signed_in.get(sent)
    assert old.status_code == 410
    assert "newer version" in old.get_data(as_text=True)


# --- 4. acceptance ---------------------------------------------------------------------


def test_accept_stores_the_signature_and_sends_the_signed_copy(
    client, sent, prospect, db, app
):
    served = client.get(sent + "/proposal.pdf")
    assert served.status_code == 200 and served.data.startswith(b"%PDF")
    page = client.get(sent)
    response = client.post(
        sent + "/accept",
        data=_accept_data(page),
        headers={"User-Agent": "TestBrowser/1.0"},
        environ_base={"REMOTE_ADDR": "203.0.113.7"},
    )
    assert response.status_code == 302
    offer = _offer(db)
    assert offer.state == "accepted"
    assert offer.accepted_name == "Hannah Lindqvist"
    assert offer.accepted_ip == "203.0.113.7"
    assert offer.accepted_user_agent == "TestBrowser/1.0"
    assert offer.accepted_pdf_sha256 == hashlib.sha256(served.data).hexdigest()
    assert offer.start_date == utcnow().date() + dt.timedelta(days=10)
    assert db.session.get(Submission, prospect.id).status == "won"

    signed = PdfReader(io.BytesIO(offer.signed_pdf))
    original = PdfReader(io.BytesIO(served.data))
    assert len(signed.pages) == len(original.pages) + 1
    # one paper size, and the acceptance page numbered as the last of them all
    sizes = {(round(p.mediabox.width), round(p.mediabox.height)) for p in signed.pages}
    assert len(sizes) == 1
    n = len(signed.pages)
    assert f"Page {n} of {n}" in signed.pages[-1].extract_text()
    last = signed.pages[-1].extract_text()
    assert "Weekly check-in:" in last  # the first date of each review of the package
    assert "Hannah Lindqvist" in last and offer.accepted_pdf_sha256 in last.replace(
        "\n", ""
    )

    (to_prospect,) = _mails(db, "proposal_accepted")
    won = _mails(db, "proposal_won")
    assert to_prospect.to_addr == "hannah@lindqvist-advisory.com"
    assert [m.to_addr for m in won] == ["consultant@example.com"]
    assert not INTERNAL.search(to_prospect.text_body)
    for mail in (to_prospect, *won):
        files = {a.filename: a for a in mail.attachments}
        assert files["Signed proposal.pdf"].data == offer.signed_pdf
        # the original beside it: its hash is the one the acceptance page records
        original_file = files["Proposal as sent.pdf"].data
        assert hashlib.sha256(original_file).hexdigest() == offer.accepted_pdf_sha256
        calendar = Calendar.from_ical(files["Reviews.ics"].data)
        events = list(calendar.walk("VEVENT"))
        kinds = {str(e["UID"]).split("-")[2] for e in events}
        assert kinds == {"weekly", "monthly", "quarterly", "annual"}
        starts = [e.decoded("DTSTART") for e in events]
        # timed meetings on working days, from the agreed start, that block the time
        assert all(isinstance(s, dt.datetime) and s.tzinfo for s in starts)
        assert all(s.weekday() < 5 for s in starts)
        assert min(s.date() for s in starts) >= offer.start_date
        assert {str(e["TRANSP"]) for e in events} == {"OPAQUE"}
        assert all("Agenda:" in str(e["DESCRIPTION"]) for e in events)
        assert all(
            "hannah@lindqvist-advisory.com" in str(e["ATTENDEE"]) for e in events
        )

    done = client.get(sent).get_data(as_text=True)
    assert "you have accepted this proposal" in done
    assert client.get(sent + "/signed.pdf").data == offer.signed_pdf


def test_the_signed_copy_is_frozen(client, signed_in, sent, prospect, db):
    page = client.get(sent)
    assert client.post(sent + "/accept", data=_accept_data(page)).status_code == 302
    before = _offer(db).signed_pdf
    practice = current_practice()
    save_practice(
        type(practice).from_dict({**practice.to_dict(), "name": "Renamed Practice"})
    )
    db.session.commit()
    after = signed_in.get(f"/workspace/submissions/{prospect.id}/signed.pdf")
    assert after.status_code == 200
    assert after.data == before
    assert client.get(sent + "/signed.pdf").data == before
    assert (
        "Renamed Practice"
        not in PdfReader(io.BytesIO(after.data)).pages[0].extract_text()
    )


def test_accept_needs_agreement_name_and_option(client, sent, db):
    page = client.get(sent)
    bad = client.post(
        sent + "/accept",
        data=_accept_data(page, agree="", full_name=" ", option="Nope"),
    )
    assert bad.status_code == 422
    html = bad.get_data(as_text=True)
    assert "Please tick the box" in html and "Please type your full name" in html
    assert "Please choose one of the options" in html or "Not a valid choice" in html
    assert _offer(db).state == "sent"
    past = _accept_data(page, start_date="2000-01-01")
    assert client.post(sent + "/accept", data=past).status_code == 422
    nodate = _accept_data(page, start_date="not a date")
    assert client.post(sent + "/accept", data=nodate).status_code == 422
    assert client.post(sent + "/accept", data={}).status_code == 400  # no CSRF token


def test_a_second_accept_changes_nothing(client, sent, db):
    page = client.get(sent)
    data = _accept_data(page)
    assert client.post(sent + "/accept", data=data).status_code == 302
    first = _offer(db)
    again = client.post(sent + "/accept", data={**data, "full_name": "Someone Else"})
    assert again.status_code == 302
    assert _offer(db).accepted_name == first.accepted_name
    assert len(_mails(db, "proposal_accepted")) == 1


# --- 5. decline or ask -----------------------------------------------------------------


def test_decline_with_a_reason_reaches_the_consultant(client, sent, prospect, db):
    page = client.get(sent)
    response = client.post(
        sent + "/decline",
        data={"csrf_token": csrf_of(page), "reason": "We chose to hire in-house."},
    )
    assert response.status_code == 302
    shown = client.get(sent).get_data(as_text=True)
    assert "Thank you for letting us know" in shown
    assert "Accept and sign" not in shown
    offer = _offer(db)
    assert (
        offer.state == "declined"
        and offer.decline_reason == "We chose to hire in-house."
    )
    assert db.session.get(Submission, prospect.id).status == "lost"
    (mail,) = _mails(db, "proposal_declined")
    assert mail.to_addr == "consultant@example.com"
    assert mail.reply_to == "hannah@lindqvist-advisory.com"
    assert "We chose to hire in-house." in mail.text_body
    note = db.session.scalars(
        sa.select(Note).where(Note.submission_id == prospect.id)
    ).one()
    assert "We chose to hire in-house." in note.body


def test_a_question_reaches_the_consultant_and_the_link_stays_open(
    client, signed_in, sent, prospect, db
):
    page = client.get(sent)
    response = client.post(
        sent + "/question",
        data={
            "csrf_token": csrf_of(page),
            "question": "Can we start <b>mid-month</b>?",
        },
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Thank you for your question" in html
    assert "Can we start &lt;b&gt;mid-month&lt;/b&gt;?" in html
    (mail,) = _mails(db, "proposal_question")
    assert "Can we start <b>mid-month</b>?" in mail.text_body
    assert "<b>mid-month" not in mail.html_body
    assert _offer(db).state == "sent"
    detail = signed_in.get(f"/workspace/submissions/{prospect.id}").get_data(
        as_text=True
    )
    assert "asked a question about the proposal" in detail
    empty = client.post(sent + "/question", data={"csrf_token": csrf_of(page)})
    assert empty.status_code == 422
    assert "Please write your question." in empty.get_data(as_text=True)


# --- the pages are valid HTML -------------------------------------------------------


def test_the_prospect_pages_pass_the_nu_html_checker(client, sent, tmp_path):
    from tests.integration.test_html_validity import checker

    command = checker()
    page = client.get(sent)
    pages = {
        "open": page.get_data(as_text=True),
        "errors": client.post(
            sent + "/accept", data=_accept_data(page, agree="", full_name="")
        ).get_data(as_text=True),
        "asked": client.post(
            sent + "/question", data={"csrf_token": csrf_of(page), "question": "When?"}
        ).get_data(as_text=True),
        "unknown": client.get("/proposal/nothing-here").get_data(as_text=True),
    }
    assert client.post(sent + "/accept", data=_accept_data(page)).status_code == 302
    pages["accepted"] = client.get(sent).get_data(as_text=True)
    files = []
    for name, html in pages.items():
        path = tmp_path / f"{name}.html"
        path.write_text(html, encoding="utf-8")
        files.append(str(path))
    run = subprocess.run(
        [*command, "--errors-only", *files], capture_output=True, text=True, timeout=300
    )
    assert run.returncode == 0, run.stderr[-3000:]


# --- 6. what needs attention --------------------------------------------------------


def _listed_ids(client, query="") -> set[int]:
    html = client.get("/workspace/" + query).get_data(as_text=True)
    return {int(i) for i in re.findall(r'href="/workspace/submissions/(\d+)[?"]', html)}


def _attention_count(client) -> int:
    html = client.get("/workspace/").get_data(as_text=True)
    return int(re.search(r"Needs attention <strong>(\d+)</strong>", html).group(1))


def test_needs_attention_filter_and_count(signed_in, sent, prospect, db):
    now = utcnow()
    late = make_submission(
        persona="friendly_founder", submitted_at=now - dt.timedelta(days=9)
    )
    fresh = make_submission(persona="steady_collaborator")
    db.session.commit()
    assert late.status == "new" and fresh.status == "new"
    # the proposal was just sent: only the unanswered prospect needs attention
    assert _listed_ids(signed_in, "?attention=y") == {late.id}
    assert _attention_count(signed_in) == 1
    assert _listed_ids(signed_in) >= {late.id, fresh.id, prospect.id}

    offer = _offer(db)
    offer.created_at = now - dt.timedelta(days=4)  # sent 4 days ago, never opened
    db.session.commit()
    assert _listed_ids(signed_in, "?attention=y") == {late.id, prospect.id}
    assert _attention_count(signed_in) == 2

    signed_in.get(sent)  # the prospect opens it
    assert _listed_ids(signed_in, "?attention=y") == {late.id}

    offer = _offer(db)
    offer.expires_at = now - dt.timedelta(minutes=1)  # past its validity
    db.session.commit()
    assert _listed_ids(signed_in, "?attention=y") == {late.id, prospect.id}
    assert _attention_count(signed_in) == 2


def test_paragraphs_typed_in_a_browser_stay_paragraphs(signed_in, prospect, app):
    """Browsers post CRLF line endings: the message keeps its three paragraphs in the
    e-mail and on the proposal page (a split on two LFs alone made one paragraph)."""
    typed = "Hello Hannah,\r\n\r\nHere is our proposal,\r\nas promised.\r\n\r\nCasey"
    assert _send(signed_in, prospect.id, message=typed).status_code == 302
    mail = _delivered(app, "proposal_sent")[-1]
    html = mail.get_body(("html",)).get_content()
    assert re.findall(r"<p style=\"margin:0 0 16px;\">([^<]*)</p>", html)[:3] == [
        "Hello Hannah,",
        "Here is our proposal, as promised.",
        "Casey",
    ]
    (link,) = set(LINK.findall(_text(mail)))
    page = app.test_client().get(_path(link)).get_data(as_text=True)
    section = page.split('class="panel offer-message"', 1)[1].split("</section>", 1)[0]
    assert re.findall(r"<p>(.*?)</p>", section, re.S) == [
        "Hello Hannah,",
        "Here is our proposal,\nas promised.",
        "Casey",
    ]
