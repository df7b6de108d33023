"""The signed agreement: the prospect accepts online, the consultant countersigns on
the submission page, and both sides receive the final copy, one tagged PDF on the
proposal's own paper, with the proposal as sent beside it so its hash can be checked."""

from __future__ import annotations

import hashlib
import io
import re
import subprocess

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from intake.models import AuditEvent, Submission
from intake.offers.models import Offer
from intake.practice_store import current_practice, save_practice
from tests.conftest import csrf_of
from tests.factories import make_submission
from tests.integration.test_offers import (
    INTERNAL,
    _accept_data,
    _delivered,
    _link_from_mail,
    _mails,
    _offer,
    _send,
    _text,
)

PROSPECT = "Hannah Lindqvist"
CONSULTANT = "Casey Morgan"
PRACTICE = "Northway Administrative Partners"


@pytest.fixture
def prospect(db, consultant):
    s = make_submission(persona="strategic_collaborator", status="reviewing")
    db.session.commit()
    return s


@pytest.fixture
def accepted(signed_in, prospect, app, db):
    """The proposal sent and accepted online; returns the link's path."""
    assert _send(signed_in, prospect.id).status_code == 302
    link = _link_from_mail(app)
    page = signed_in.get(link)
    response = signed_in.post(link + "/accept", data=_accept_data(page))
    assert response.status_code == 302
    assert _offer(db).state == "accepted"
    return link


def _detail(client, submission_id):
    return client.get(f"/workspace/submissions/{submission_id}")


def _countersign(client, submission_id, **over):
    detail = _detail(client, submission_id)
    data = {"csrf_token": csrf_of(detail), "full_name": CONSULTANT, "agree": "y"}
    return client.post(
        f"/workspace/submissions/{submission_id}/countersign",
        data={**data, **over},
        headers={"User-Agent": "ConsultantBrowser/2.0"},
        environ_base={"REMOTE_ADDR": "198.51.100.4"},
    )


def _flash(client, response) -> str:
    assert response.status_code == 302
    return client.get(response.headers["Location"]).get_data(as_text=True)


def _text_of(pdf: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)


def assert_one_tagged_document(pdf: bytes) -> PdfReader:
    """A tagged PDF (/MarkInfo /Marked true, a structure tree) on one paper size,
    whose last page is numbered as the last of them all."""
    reader = PdfReader(io.BytesIO(pdf))
    catalog = reader.trailer["/Root"]
    assert catalog["/MarkInfo"]["/Marked"].value is True
    assert "/StructTreeRoot" in catalog
    boxes = {tuple(round(float(v), 2) for v in p.mediabox) for p in reader.pages}
    assert len(boxes) == 1, boxes
    n = len(reader.pages)
    assert f"Page {n} of {n}" in reader.pages[-1].extract_text()
    return reader


# --- waiting for the countersignature --------------------------------------------------


def test_the_signed_copy_waits_for_the_countersignature(
    client, signed_in, accepted, prospect, db
):
    offer = _offer(db)
    signed = assert_one_tagged_document(offer.signed_pdf)
    original = PdfReader(io.BytesIO(offer.pdf))
    assert len(signed.pages) == len(original.pages) + 1
    last = signed.pages[-1].extract_text()
    assert f"{PRACTICE} will countersign" in last
    assert "Not countersigned yet" in last

    page = client.get(accepted).get_data(as_text=True)
    assert "Signed by you" in page and f"{PRACTICE} will countersign" in page

    panel = _detail(signed_in, prospect.id).get_data(as_text=True)
    assert "Waiting for your countersignature" in panel
    assert f"I agree on behalf of {PRACTICE}" in panel
    assert f'action="/workspace/submissions/{prospect.id}/countersign"' in panel


# --- countersigning ----------------------------------------------------------------------


def test_countersign_sends_the_final_copy_to_both_sides(
    client, signed_in, accepted, prospect, db, app
):
    done = _flash(signed_in, _countersign(signed_in, prospect.id))
    assert "Countersigned: the final copy is on its way" in done
    offer = _offer(db)
    assert offer.countersigned_name == CONSULTANT
    assert offer.countersigned_ip == "198.51.100.4"
    assert offer.countersigned_user_agent == "ConsultantBrowser/2.0"
    assert offer.countersigned_by and offer.countersigned_at is not None
    assert offer.state == "accepted"
    assert "Countersigned by Casey Morgan" in done

    final = assert_one_tagged_document(offer.final_pdf)
    last = final.pages[-1].extract_text()
    assert PROSPECT in last and CONSULTANT in last
    assert "Signed agreement" in last and "will countersign" not in last
    assert offer.accepted_pdf_sha256 in last.replace("\n", "")
    # the proposal's own pages come first, word for word (only "of N" moved on)
    original = PdfReader(io.BytesIO(offer.pdf))
    total, before = len(final.pages), len(original.pages)
    assert total == before + 1
    for mine, theirs in zip(final.pages, original.pages, strict=False):
        assert mine.extract_text().replace(f" of {total}", " of N") == (
            theirs.extract_text().replace(f" of {before}", " of N")
        )

    (to_prospect,) = _delivered(app, "proposal_countersigned")
    (to_team,) = _delivered(app, "proposal_countersigned_team")
    assert to_prospect["To"] == "hannah@lindqvist-advisory.com"
    assert to_team["To"] == "consultant@example.com"
    assert "signed by both of us" in _text(to_prospect)
    # nothing a prospect receives shows a score, verdict or flag
    assert not INTERNAL.search(_text(to_prospect))
    assert not INTERNAL.search(_text_of(offer.final_pdf))
    for mail in (to_prospect, to_team):
        files = {a.get_filename(): a.get_content() for a in mail.iter_attachments()}
        assert files["Signed agreement.pdf"] == offer.final_pdf
        as_sent = files["Proposal as sent.pdf"]
        assert hashlib.sha256(as_sent).hexdigest() == offer.accepted_pdf_sha256
        assert as_sent == offer.pdf

    events = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "countersign_proposal")
    ).all()
    assert [e.submission_id for e in events] == [prospect.id]

    page = client.get(accepted).get_data(as_text=True)
    assert "Countersigned by Casey Morgan" in page and "will countersign" not in page
    assert client.get(accepted + "/signed.pdf").data == offer.final_pdf
    download = signed_in.get(f"/workspace/submissions/{prospect.id}/signed.pdf")
    assert download.data == offer.final_pdf


def test_a_consultant_cannot_countersign_twice(signed_in, accepted, prospect, db):
    assert _countersign(signed_in, prospect.id).status_code == 302
    first = _offer(db)
    again = _flash(signed_in, _countersign(signed_in, prospect.id, full_name="Other"))
    assert "already countersigned by Casey Morgan" in again
    offer = _offer(db)
    assert offer.countersigned_name == CONSULTANT
    assert offer.final_pdf == first.final_pdf
    assert len(_mails(db, "proposal_countersigned")) == 1
    panel = _detail(signed_in, prospect.id).get_data(as_text=True)
    assert "Waiting for your countersignature" not in panel


def test_only_an_accepted_proposal_is_countersigned(signed_in, prospect, app, db):
    assert _send(signed_in, prospect.id).status_code == 302
    link = _link_from_mail(app)
    waiting = _flash(signed_in, _countersign(signed_in, prospect.id))
    assert "Only a proposal the prospect has accepted" in waiting

    page = signed_in.get(link)
    signed_in.post(link + "/decline", data={"csrf_token": csrf_of(page)})
    assert _offer(db).state == "declined"
    declined = _flash(signed_in, _countersign(signed_in, prospect.id))
    assert "Only a proposal the prospect has accepted" in declined

    submission = db.session.get(Submission, prospect.id)
    submission.status = "reviewing"
    db.session.commit()
    assert _send(signed_in, prospect.id).status_code == 302
    detail = _detail(signed_in, prospect.id)
    signed_in.post(
        f"/workspace/submissions/{prospect.id}/withdraw-proposal",
        data={"csrf_token": csrf_of(detail)},
    )
    assert _offer(db).state == "withdrawn"
    withdrawn = _flash(signed_in, _countersign(signed_in, prospect.id))
    assert "Only a proposal the prospect has accepted" in withdrawn
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).where(Offer.countersigned_at.is_not(None))
        )
        == 0
    )
    assert _mails(db, "proposal_countersigned") == []


def test_countersign_without_csrf_is_refused(signed_in, accepted, prospect, db):
    response = signed_in.post(
        f"/workspace/submissions/{prospect.id}/countersign",
        data={"full_name": CONSULTANT, "agree": "y"},
    )
    assert response.status_code == 400
    assert _offer(db).countersigned_at is None


@pytest.mark.parametrize(
    ("name", "agree", "message"),
    [
        ("  ", "y", "Please type your full name to countersign."),
        ("\x00\u202e ", "y", "Please type your full name to countersign."),
        ("C" * 201, "y", "under 200 characters"),
        (CONSULTANT, "", "Please tick the box to agree for the practice."),
    ],
)
def test_a_bad_countersignature_explains_and_changes_nothing(
    signed_in, accepted, prospect, db, name, agree, message
):
    response = _countersign(signed_in, prospect.id, full_name=name, agree=agree)
    assert message in _flash(signed_in, response)
    offer = _offer(db)
    assert offer.countersigned_at is None and offer.final_pdf is None
    assert _mails(db, "proposal_countersigned") == []


@pytest.mark.parametrize("typed", ["Casey\x00 Morgan", "Casey \u202eMorgan\u202c"])
def test_hidden_characters_never_reach_the_signature(
    signed_in, accepted, prospect, db, typed
):
    """The one normalisation of typed text (intake/text.py) drops NUL and the marks
    that reorder text before the name is checked: the record reads as it looks."""
    assert _countersign(signed_in, prospect.id, full_name=typed).status_code == 302
    offer = _offer(db)
    assert offer.countersigned_name == "Casey Morgan"
    assert "Casey Morgan" in _text_of(offer.final_pdf)


def test_a_hostile_name_is_text_in_the_final_copy(signed_in, accepted, prospect, db):
    name = '<b>Casey</b> "Morgan" & Sons'
    assert _countersign(signed_in, prospect.id, full_name=name).status_code == 302
    offer = _offer(db)
    assert offer.countersigned_name == name
    assert name in _text_of(offer.final_pdf)
    panel = _detail(signed_in, prospect.id).get_data(as_text=True)
    assert "&lt;b&gt;Casey&lt;/b&gt;" in panel and "<b>Casey</b>" not in panel


# --- one paper size, tags kept --------------------------------------------------------


def test_letter_paper_stays_letter_in_every_copy(signed_in, prospect, app, db):
    practice = current_practice()
    save_practice(
        type(practice).from_dict({**practice.to_dict(), "paper_size": "Letter"})
    )
    db.session.commit()
    assert _send(signed_in, prospect.id).status_code == 302
    link = _link_from_mail(app)
    assert (
        signed_in.post(
            link + "/accept", data=_accept_data(signed_in.get(link))
        ).status_code
        == 302
    )
    assert _countersign(signed_in, prospect.id).status_code == 302
    offer = _offer(db)
    for pdf in (offer.pdf, offer.signed_pdf, offer.final_pdf):
        sizes = {
            (round(float(p.mediabox.width)), round(float(p.mediabox.height)))
            for p in PdfReader(io.BytesIO(pdf)).pages
        }
        assert sizes == {(612, 792)}  # US Letter, 8.5 x 11 in


def test_an_offer_sent_before_its_html_was_kept_still_keeps_its_tags(
    signed_in, prospect, app, db
):
    """Offers sent before the HTML was stored: the stored PDF, then the acceptance
    page on the same paper; the proposal's structure tree is kept, not dropped."""
    assert _send(signed_in, prospect.id).status_code == 302
    offer = _offer(db)
    offer.html = ""
    db.session.commit()
    link = _link_from_mail(app)
    assert (
        signed_in.post(
            link + "/accept", data=_accept_data(signed_in.get(link))
        ).status_code
        == 302
    )
    assert _countersign(signed_in, prospect.id).status_code == 302
    offer = _offer(db)
    for pdf in (offer.signed_pdf, offer.final_pdf):
        assert_one_tagged_document(pdf)
    assert CONSULTANT in _text_of(offer.final_pdf)


def test_the_proposal_text_has_no_stray_caption_letters(signed_in, accepted, db):
    """Visually hidden table captions were laid out 1 px wide: one letter a line in
    the copied text. Every line of the text layer is a word or more."""
    offer = _offer(db)
    for pdf in (offer.pdf, offer.signed_pdf):
        lines = [line.strip() for line in _text_of(pdf).splitlines()]
        stray = [line for line in lines if re.fullmatch(r"[A-Za-z]{1,2}", line)]
        assert stray == [], stray
        assert "The packages side by side" not in "".join(lines).replace(" ", "")


# --- the pages are valid HTML -------------------------------------------------------


def test_the_countersign_pages_pass_the_nu_html_checker(
    client, signed_in, accepted, prospect, tmp_path
):
    from tests.integration.test_html_validity import checker

    pages = {
        "panel-waiting": _detail(signed_in, prospect.id).get_data(as_text=True),
        "page-waiting": client.get(accepted).get_data(as_text=True),
    }
    assert _countersign(signed_in, prospect.id).status_code == 302
    pages["panel-done"] = _detail(signed_in, prospect.id).get_data(as_text=True)
    pages["page-done"] = client.get(accepted).get_data(as_text=True)
    files = []
    for name, html in pages.items():
        path = tmp_path / f"{name}.html"
        path.write_text(html, encoding="utf-8")
        files.append(str(path))
    run = subprocess.run(
        [*checker(), "--errors-only", *files],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-3000:]


# --- the prospect's signature and messages refuse what cannot be stored ---------------


def test_a_countersignature_given_meanwhile_wins(signed_in, accepted, prospect, db):
    """Two consultants countersigning at once: the second finds it done (one UPDATE
    guarded on "not countersigned yet"), and nothing of the first changes."""
    from intake.offers import service

    assert _countersign(signed_in, prospect.id).status_code == 302
    offer = _offer(db)
    late = service.countersign(
        offer,
        name="Someone Else",
        by="other@example.com",
        ip="192.0.2.1",
        user_agent="Other",
        final_pdf=b"%PDF-other",
        now=offer.countersigned_at,
    )
    assert late is False
    db.session.rollback()
    offer = _offer(db)
    assert offer.countersigned_name == CONSULTANT
    assert offer.final_pdf.startswith(b"%PDF") and offer.final_pdf != b"%PDF-other"


def test_countersign_for_an_unknown_prospect_is_not_found(signed_in, accepted, db):
    detail = signed_in.get("/workspace/")
    response = signed_in.post(
        "/workspace/submissions/999999/countersign",
        data={"csrf_token": csrf_of(detail), "full_name": CONSULTANT, "agree": "y"},
    )
    assert response.status_code == 404
