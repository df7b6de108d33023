"""Proposal downloads from the workspace: real PDFs, read back, cached per version."""

from __future__ import annotations

import io
import re
from urllib.parse import unquote

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from intake import submissions
from intake.documents import render
from intake.models import ProposalDocument
from tests.conftest import csrf_of
from tests.factories import make_submission
from tests.integration.test_workspace import post_settings


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(
        " ".join((page.extract_text() or "").split()) for page in reader.pages
    )


@pytest.fixture
def render_calls(monkeypatch):
    """Counts real renders (the real function still runs)."""
    calls = []
    real = render.render_pdf

    def counting(html, *, base_url):
        calls.append(base_url)
        return real(html, base_url=base_url)

    monkeypatch.setattr(render, "render_pdf", counting)
    return calls


def test_proposal_pdf_reads_as_written_for_the_prospect(signed_in, db):
    # a strong prospect who would like same-day replies: a gap to agree on
    s = make_submission(persona="strategic_collaborator", reply_time="same_day")
    db.session.commit()
    response = signed_in.get(f"/workspace/submissions/{s.id}/proposal.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    data = response.get_data()
    assert data.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(data))
    assert 3 <= len(reader.pages) <= 8
    text = pdf_text(data)
    assert s.name in text and s.business in text
    assert "Strategic Partner" in text and "$2,400" in text
    for review in (
        "Weekly check-in",
        "Monthly operational review",
        "Quarterly business review",
    ):
        assert review in text
    assert (
        "We reply within 1 business day. Let us agree together how a truly urgent"
        in text
    )
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"]) and str(root["/Lang"]) == "en"


def test_download_name_is_safe_and_handles_non_ascii(signed_in, db):
    s = make_submission(business_name='Zoë & Søn / "Café" Ltd')
    db.session.commit()
    response = signed_in.get(f"/workspace/submissions/{s.id}/proposal.pdf")
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    encoded = re.search(r"filename\*=UTF-8''(.+)$", disposition).group(1)
    name = unquote(encoded)
    assert re.fullmatch(
        r"Proposal - Zoë & Søn Café Ltd - \d{4}-\d{2}-\d{2}\.pdf", name
    ), name


def test_second_download_is_served_from_the_cache(signed_in, db, render_calls):
    s = make_submission()
    db.session.commit()
    url = f"/workspace/submissions/{s.id}/proposal.pdf"
    first = signed_in.get(url).get_data()
    second = signed_in.get(url).get_data()
    assert first == second
    assert len(render_calls) == 1
    assert (
        db.session.scalar(sa.select(sa.func.count()).select_from(ProposalDocument)) == 1
    )


def test_a_change_of_settings_renders_a_fresh_document(signed_in, db, render_calls):
    s = make_submission()
    db.session.commit()
    url = f"/workspace/submissions/{s.id}/proposal.pdf"
    first = signed_in.get(url).get_data()
    response = post_settings(signed_in, "practice", name="Brightline Admin Co")
    assert response.status_code == 302
    second = signed_in.get(url).get_data()
    assert first != second and len(render_calls) == 2
    assert "Brightline Admin Co" in pdf_text(second)


def test_override_changes_the_package_in_the_pdf(signed_in, db):
    s = make_submission()
    db.session.commit()
    token = csrf_of(signed_in.get(f"/workspace/submissions/{s.id}"))
    response = signed_in.post(
        f"/workspace/submissions/{s.id}/package",
        data={"csrf_token": token, "package": "Foundation"},
    )
    assert response.status_code == 302
    text = pdf_text(
        signed_in.get(f"/workspace/submissions/{s.id}/proposal.pdf").get_data()
    )
    assert "Foundation" in text and "$650" in text
    page = signed_in.get(f"/workspace/submissions/{s.id}").get_data(as_text=True)
    assert "You chose <strong>Foundation</strong>" in page


def test_override_with_an_unknown_package_is_refused(signed_in, db):
    s = make_submission()
    db.session.commit()
    token = csrf_of(signed_in.get(f"/workspace/submissions/{s.id}"))
    response = signed_in.post(
        f"/workspace/submissions/{s.id}/package",
        data={"csrf_token": token, "package": "Platinum"},
        follow_redirects=True,
    )
    assert "Please choose one of your packages." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(type(s), s.id).package_override is None


def test_not_a_fit_gets_a_referral_letter(signed_in, db):
    s = make_submission(persona="one_off_project")
    db.session.commit()
    page = signed_in.get(f"/workspace/submissions/{s.id}").get_data(as_text=True)
    assert "Download referral letter" in page and "Download PDF" not in page
    response = signed_in.get(f"/workspace/submissions/{s.id}/letter.pdf")
    data = response.get_data()
    assert 1 <= len(PdfReader(io.BytesIO(data)).pages) <= 2
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "Letter - " in unquote(response.headers["Content-Disposition"])


def test_html_preview_is_the_same_document(signed_in, db):
    s = make_submission()
    db.session.commit()
    response = signed_in.get(f"/workspace/submissions/{s.id}/proposal")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert s.name in html and "Strategic Partner" in html
    assert "script-src" not in response.headers["Content-Security-Policy"]
    assert '<link rel="stylesheet" href="/workspace/proposal.css">' in html
    assert signed_in.get("/workspace/proposal.css").mimetype == "text/css"


def test_proposal_urls_need_sign_in(client, db):
    s = make_submission()
    db.session.commit()
    for url in (
        f"/workspace/submissions/{s.id}/proposal.pdf",
        f"/workspace/submissions/{s.id}/proposal",
    ):
        assert client.get(url).headers["Location"].startswith("/workspace/login")


HOSTILE = (
    '<img src="file:///etc/passwd"><link rel="attachment" href="file:///etc/passwd">'
    "<style>@import url(http://169.254.169.254/);</style>"
    '<div style="background:url(http://169.254.169.254/x)">x</div>'
)


def test_hostile_text_is_escaped_and_nothing_is_fetched(signed_in, db, monkeypatch):
    fetched = []
    real = render.make_url_fetcher

    def spying(base_url=None):
        fetcher = real(base_url)
        original = fetcher.fetch if hasattr(fetcher, "fetch") else None

        if original is None:

            def wrapper(url, *a, **kw):
                fetched.append(url)
                return fetcher(url, *a, **kw)

            return wrapper

        def fetch(url, *a, **kw):
            fetched.append(url)
            return original(url, *a, **kw)

        fetcher.fetch = fetch
        return fetcher

    monkeypatch.setattr(render, "make_url_fetcher", spying)
    s = make_submission(
        needs_summary=HOSTILE, full_name="Eve <img src=x>", business_name=HOSTILE[:150]
    )
    db.session.commit()
    data = signed_in.get(f"/workspace/submissions/{s.id}/proposal.pdf").get_data()
    text = pdf_text(data)
    assert "file:///etc/passwd" in text  # shown as text, not followed
    assert "169.254.169.254" in text
    assert not [u for u in fetched if not (u.startswith("data:") or "static" in u)]
    reader = PdfReader(io.BytesIO(data))
    assert "/EmbeddedFiles" not in reader.trailer["/Root"].get("/Names", {})


def test_cli_writes_the_pdf(runner, db, tmp_path):
    s = make_submission()
    db.session.commit()
    out = tmp_path / "p.pdf"
    result = runner.invoke(args=["proposal", str(s.id), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF")
    again = runner.invoke(args=["proposal", str(s.id), "-o", str(out)])
    assert "from the cache" in again.output


def test_cli_refuses_unknown_ids(runner, db):
    result = runner.invoke(args=["proposal", "999"])
    assert result.exit_code == 1
    assert "no submitted questionnaire has id 999" in result.output


def test_referral_letter_never_shows_scores_or_flags(signed_in, db):
    s = make_submission(persona="occasional_helper")
    db.session.commit()
    text = pdf_text(
        signed_in.get(f"/workspace/submissions/{s.id}/letter.pdf").get_data()
    )
    assert "Dear Priya" in text
    assert str(s.overall) not in text.split() and "score" not in text.lower()
    for flag in submissions.explanation_of(db.session.get(type(s), s.id))["flags"]:
        assert flag["reason"][:40] not in text
