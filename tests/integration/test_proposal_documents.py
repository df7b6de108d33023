"""What every persona's prospect would receive: read back as text, and laid out.

Every persona's proposal (with a package chosen by hand for those who are not a fit)
and letter is rendered; the PDF text (pypdf) and the HTML must hold nothing internal.
The layout is checked through WeasyPrint's page boxes on A4 and Letter.
"""

from __future__ import annotations

import datetime as dt
import html as htmllib
import io
import json
import re
from dataclasses import replace

import pytest
from pypdf import PdfReader

from intake import registry
from intake.documents import render, service
from intake.practice import Referral, default_practice
from intake.proposal.recommendation import recommend
from intake.questionnaire.scoring import assess
from tests.personas import EXPECTED_VERDICT, PERSONAS
from tests.proposal_layout import page_facts

TODAY = dt.date(2026, 11, 25)
BASE_URL = "http://localhost/"
FIT = sorted(n for n, v in EXPECTED_VERDICT.items() if v != "not a fit")
NOT_FIT = sorted(n for n, v in EXPECTED_VERDICT.items() if v == "not a fit")
# words and figures that belong to the consultant only
INTERNAL = re.compile(
    r"\b(score[sd]?|scoring|verdict|flag(ged|s)?|threshold|knock-?out|fit|chemistry|"
    r"boundaries|out of 100|overall|possible fit|strong fit|not a fit|red flag)\b",
    re.IGNORECASE,
)


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)


def html_text(html: str) -> str:
    body = re.sub(r"(?s)<(style|title|head)\b.*?</\1>", " ", html)
    return " ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def context(name, *, practice=None, letter=False, override=None):
    questionnaire = registry.active()
    answers = PERSONAS[name]
    practice = practice or default_practice()
    assessment = assess(questionnaire, answers)
    rec = recommend(
        questionnaire=questionnaire,
        answers=answers,
        assessment=assessment,
        practice=practice,
        override=override,
    )
    from intake.proposal import content

    return content.proposal_context(
        practice=practice,
        submission_name=answers["full_name"],
        business=answers["business_name"],
        own_words=service.own_words(questionnaire, answers),
        recommendation=service._checked(rec, letter),
        assessment=assessment,
        today=TODAY,
    )


def internal_words(text: str, name: str) -> list[str]:
    found = [m.group(0) for m in INTERNAL.finditer(text)]
    assessment = assess(registry.active(), PERSONAS[name])
    found += [f.reason for f in assessment.flags if f.reason in text]
    return found


@pytest.mark.parametrize("name", sorted(PERSONAS))
def test_nothing_internal_reaches_the_prospect(app, name):
    with app.app_context():
        override = "Partner" if name in NOT_FIT else None
        documents = [
            (service.render_html(context(name, override=override)), False),
            (service.render_html(context(name, letter=True), letter=True), True),
        ]
        for html, _letter in documents:
            assert PERSONAS[name]["business_name"] in html_text(html)
            assert internal_words(html_text(html), name) == []
            text = pdf_text(render.render_pdf(html, base_url=BASE_URL))
            assert len(text) > 1000 and internal_words(text, name) == []


def test_the_check_finds_a_score_when_there_is_one(app):
    with app.app_context():
        found = internal_words("Fit 50 / Chemistry 79, out of 100", "pair_of_hands")
        flag = assess(registry.active(), PERSONAS["needy_always_on"]).flags[0].reason
        flagged = internal_words(f"We noted: {flag}", "needy_always_on")
    assert found == ["Fit", "Chemistry", "out of 100"]
    assert flagged == [flag]


# --- not a fit gets the letter ------------------------------------------------------


@pytest.mark.parametrize("name", NOT_FIT)
def test_a_not_a_fit_prospect_gets_no_proposal(app, name):
    with app.app_context(), pytest.raises(service.NotAFit, match="referral letter"):
        context(name)


# --- layout -------------------------------------------------------------------------


def _layout(name, paper, **practice_changes):
    practice = replace(default_practice(), paper_size=paper, **practice_changes)
    override = "Partner" if name in NOT_FIT else None
    html = service.render_html(context(name, practice=practice, override=override))
    return page_facts(render.layout(html, base_url=BASE_URL))


@pytest.mark.parametrize("paper", ["A4", "Letter"])
@pytest.mark.parametrize("name", sorted(PERSONAS))
def test_pages_look_composed(app, name, paper):
    with app.app_context():
        pages = _layout(name, paper, consultant_name="Maren Holt")
    assert 2 <= len(pages) <= 5
    assert [p.number for p in pages[:-1] if p.fill < 0.4] == []
    assert [(p.number, p.last_line) for p in pages if p.ends_with_heading] == []
    assert [p.overflow for p in pages if p.overflow] == []
    seen = {}
    for page in pages:
        for row in page.rows:
            seen.setdefault(id(row), set()).add(page.number)
    assert [pages for pages in seen.values() if len(pages) > 1] == []


@pytest.mark.parametrize("paper", ["A4", "Letter"])
@pytest.mark.parametrize(
    "name", ["tiny_budget_busy", "solid_but_cautious", "strategic_collaborator"]
)
def test_next_steps_and_the_signatures_stay_together(app, name, paper):
    with app.app_context():
        pages = _layout(name, paper, consultant_name="Maren Holt")
    (steps,) = [p for p in pages if "Next steps" in p.text]
    assert "Read this through" in steps.text and "Accept" in steps.text
    assert "Accepted for" in steps.text and "For Northway" in steps.text
    assert steps is pages[-1]


@pytest.mark.parametrize("lines", [40, 300])
def test_a_long_answer_keeps_the_pages_composed(app, lines):
    summary = "\n".join(f"Point {i}" for i in range(1, lines + 1))[:2000]
    answers = {**PERSONAS["solid_but_cautious"], "needs_summary": summary}
    with app.app_context():
        questionnaire = registry.active()
        ctx = service.context_for_answers(
            questionnaire, answers, replace(default_practice(), paper_size="A4")
        )
        pages = page_facts(render.layout(service.render_html(ctx), base_url=BASE_URL))
    assert [(p.number, p.last_line) for p in pages if p.ends_with_heading] == []
    assert [p.overflow for p in pages if p.overflow] == []
    assert all(p.text.strip() for p in pages)  # no blank page


def test_a_long_unbroken_string_wraps_inside_the_margin(app):
    link = "https://example.com/" + "a" * 400
    with app.app_context():
        practice = replace(default_practice(), booking_url=link, website=link)
        html = service.render_html(context("strategic_collaborator", practice=practice))
        pages = page_facts(render.layout(html, base_url=BASE_URL))
    assert [p.overflow for p in pages if p.overflow] == []


def test_the_layout_check_sees_a_heading_at_the_foot_of_a_page(app):
    html = (
        "<html><body>"
        + "<p>line</p>" * 5
        + '<h2 style="break-after: page">Last</h2><p>x</p>'
        + "</body></html>"
    )
    with app.app_context():
        pages = page_facts(render.layout(html, base_url=BASE_URL))
    assert pages[0].ends_with_heading and pages[0].last_line == "Last"


# --- the documents' content ---------------------------------------------------------


def test_terms_and_signature_from_the_settings(app):
    practice = replace(
        default_practice(),
        consultant_name="Maren Holt",
        consultant_role="Founder",
        notice_days=45,
        extra_hour_rate=70,
        payment_terms="Invoiced on the 1st, payable within 10 days",
    )
    with app.app_context():
        html = service.render_html(context("strategic_collaborator", practice=practice))
    text = html_text(html)
    assert "either of us may end it with 45 days’ written notice" in text
    assert "$70 an hour, only when agreed with you before we use them" in text
    assert "Invoiced on the 1st, payable within 10 days." in text
    assert "Maren Holt Founder" in text
    assert "Accepted for Lindqvist Advisory" in text
    assert "January 2027, with a handover session" in text  # their start month


def test_the_default_extra_hours_rate_is_the_dearest_hourly_rate(app):
    with app.app_context():
        text = html_text(service.render_html(context("strategic_collaborator")))
    # $650/10 h, $1,250/20 h, $2,400/40 h: 65, 62.50, 60
    assert "$65 an hour" in text


def test_each_fact_once(app):
    with app.app_context():
        text = html_text(service.render_html(context("strategic_collaborator")))
    summary = " ".join(PERSONAS["strategic_collaborator"]["needs_summary"].split())
    assert text.count(summary) == 1
    assert text.count("Inbox, calendar and appointments") == 1
    assert text.count("Monday to Friday, 09:00–17:00") == 1
    assert text.count("Bookkeeping that needs a qualified accountant") == 1


def test_the_letter_is_signed_by_the_consultant_and_lists_the_referrals(app):
    practice = replace(
        default_practice(),
        consultant_name="Maren Holt",
        referrals=(
            Referral("Tasks On Tap", "https://tasks.example", "occasional"),
            Referral("Projects & Co", "https://projects.example", "project"),
            Referral("Town Business Centre", ""),
        ),
    )
    with app.app_context():
        occasional = html_text(
            service.render_html(
                context("occasional_helper", practice=practice, letter=True),
                letter=True,
            )
        )
        project = html_text(
            service.render_html(
                context("one_off_project", practice=practice, letter=True),
                letter=True,
            )
        )
    assert "With warm wishes, Maren Holt" in occasional
    assert "a la carte secretarial service" in occasional
    assert "project-based freelancer" not in occasional
    assert "Tasks On Tap: https://tasks.example" in occasional
    assert "Projects & Co" not in occasional
    assert "project-based freelancer" in project
    assert "a la carte" not in project
    assert "Projects & Co: https://projects.example" in project
    assert "Town Business Centre" in occasional and "Town Business Centre" in project


# --- the CLI ------------------------------------------------------------------------


def test_cli_renders_what_answers_would_receive_and_stores_nothing(
    app, runner, db, tmp_path
):
    from intake.models import ProposalDocument, Submission

    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(PERSONAS["solid_but_cautious"]), encoding="utf-8")
    out = tmp_path / "p.pdf"
    result = runner.invoke(args=["proposal", "--answers", str(answers), "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = pdf_text(out.read_bytes())
    assert "WITHIN YOUR BUDGET" in text.upper()  # the label is set in capitals
    assert "Foundation" in text and "$650" in text
    with app.app_context():
        assert db.session.query(Submission).count() == 0
        assert db.session.query(ProposalDocument).count() == 0


def test_cli_refuses_a_proposal_for_answers_that_are_not_a_fit(runner, tmp_path):
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(PERSONAS["occasional_helper"]), encoding="utf-8")
    out = tmp_path / "p.pdf"
    result = runner.invoke(args=["proposal", "--answers", str(answers), "-o", str(out)])
    assert result.exit_code == 1 and "add --letter" in result.output
    # --answers cannot choose a package: the message does not suggest it
    assert "choose a package" not in result.output
    assert not out.exists()
    letter = runner.invoke(
        args=["proposal", "--answers", str(answers), "--letter", "-o", str(out)]
    )
    assert letter.exit_code == 0 and "pay-as-you-go" in pdf_text(out.read_bytes())
    # the default practice names no consultant: the first-person letter is flagged
    assert "no consultant is named" in letter.output
    assert "this prospect is a fit" not in letter.output


def test_cli_warns_about_a_letter_for_a_fit(runner, tmp_path):
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(PERSONAS["steady_collaborator"]), encoding="utf-8")
    out = tmp_path / "l.pdf"
    letter = runner.invoke(
        args=["proposal", "--answers", str(answers), "--letter", "-o", str(out)]
    )
    assert letter.exit_code == 0
    assert "Warning: this prospect is a fit" in letter.output


def test_cli_needs_an_id_or_answers(runner, tmp_path):
    result = runner.invoke(args=["proposal"])
    assert result.exit_code == 2 and "SUBMISSION_ID or --answers" in result.output


# --- the workspace routes -----------------------------------------------------------


def test_the_proposal_routes_refuse_a_not_a_fit_prospect(signed_in, db):
    from tests.factories import make_submission

    s = make_submission(persona="pair_of_hands")
    db.session.commit()
    for url in (
        f"/workspace/submissions/{s.id}/proposal.pdf",
        f"/workspace/submissions/{s.id}/proposal",
    ):
        response = signed_in.get(url)
        assert response.status_code == 302
        assert response.headers["Location"].endswith(
            f"/workspace/submissions/{s.id}#proposal"
        )
        page = signed_in.get(f"/workspace/submissions/{s.id}").get_data(as_text=True)
        assert "send the referral letter instead, or choose a package" in page
    letter = signed_in.get(f"/workspace/submissions/{s.id}/letter.pdf")
    assert letter.status_code == 200 and letter.mimetype == "application/pdf"


def test_a_package_chosen_by_hand_opens_the_proposal(signed_in, db):
    from tests.conftest import csrf_of
    from tests.factories import make_submission

    s = make_submission(persona="pair_of_hands")
    db.session.commit()
    token = csrf_of(signed_in.get(f"/workspace/submissions/{s.id}"))
    signed_in.post(
        f"/workspace/submissions/{s.id}/package",
        data={"csrf_token": token, "package": "Foundation"},
    )
    response = signed_in.get(f"/workspace/submissions/{s.id}/proposal")
    assert response.status_code == 200
    assert "Foundation" in response.get_data(as_text=True)


def test_the_consultants_edits_reach_the_preview_and_the_cache_key(signed_in, db):
    from tests.conftest import csrf_of
    from tests.factories import make_submission

    s = make_submission(persona="solid_but_cautious")
    db.session.commit()
    before = signed_in.get(f"/workspace/submissions/{s.id}/proposal").get_data(
        as_text=True
    )
    assert "How we will work together" in before and "Within your budget" in before
    key = service.document_key(s, default_practice(), letter=False, today=TODAY)
    token = csrf_of(signed_in.get(f"/workspace/submissions/{s.id}"))
    response = signed_in.post(
        f"/workspace/submissions/{s.id}/proposal-edits",
        data={
            "csrf_token": token,
            "cover_note": "Lovely to meet you on Tuesday. <b>Here</b> it is.",
            "leave_out": ["rhythm", "bogus"],
            "offer": "budget",
        },
    )
    assert response.status_code == 302
    # an unknown section is refused with a message; nothing is saved
    db.session.refresh(s)
    assert s.proposal_edits is None
    signed_in.post(
        f"/workspace/submissions/{s.id}/proposal-edits",
        data={
            "csrf_token": token,
            "cover_note": "Lovely to meet you on Tuesday. <b>Here</b> it is.",
            "leave_out": ["rhythm"],
            "offer": "budget",
        },
    )
    db.session.refresh(s)
    after = signed_in.get(f"/workspace/submissions/{s.id}/proposal").get_data(
        as_text=True
    )
    assert "Lovely to meet you on Tuesday. &lt;b&gt;Here&lt;/b&gt; it is." in after
    assert "How we will work together" not in after
    assert "Within your budget" not in after and "Foundation" in after
    assert service.document_key(s, default_practice(), letter=False, today=TODAY) != key


def test_the_letter_with_a_logo_and_referrals_fits_one_page(app):
    from PIL import Image

    from intake.documents.logo import logo_from_upload

    image = io.BytesIO()
    Image.new("RGB", (800, 240), (240, 200, 60)).save(image, format="PNG")
    practice = replace(
        default_practice(),
        consultant_name="Maren Holt",
        logo=logo_from_upload(image.getvalue()),
        referrals=(Referral("Tasks On Tap", "https://tasks.example", "occasional"),),
    )
    for paper in ("A4", "Letter"):
        with app.app_context():
            ctx = context(
                "occasional_helper",
                practice=replace(practice, paper_size=paper),
                letter=True,
            )
            html = service.render_html(ctx, letter=True)
            pages = page_facts(render.layout(html, base_url=BASE_URL))
        assert len(pages) == 1 and "Maren Holt" in html


@pytest.mark.parametrize(
    ("name", "says", "never"),
    [
        (
            "needy_always_on",
            [
                "You said “Within the hour”; we reply within 1 business day.",
                "If some of these could work differently for you, I would gladly "
                "talk them through",
            ],
            ["one particular piece of work", "continuously, month after month"],
        ),
        (
            "one_off_project",
            ["one particular piece of work, with a clear end"],
            ["gladly talk"],
        ),
        (
            "pair_of_hands",
            [
                "you like to make the decisions and have them carried out",
                "If working that way together appeals to you",
            ],
            ["one particular piece of work"],
        ),
        (
            "hands_off_executive",
            ["you would like us to decide how things are done while you step back"],
            ["one particular piece of work"],
        ),
        (
            "occasional_helper",
            ["someone to call on now and then"],
            ["gladly talk"],
        ),
    ],
)
def test_the_letter_gives_the_true_reason(app, name, says, never):
    with app.app_context():
        text = html_text(service.render_html(context(name, letter=True), letter=True))
    for words in says:
        assert words in text, name
    for words in never:
        assert words not in text, name
    # never a score, a verdict or a flag
    assert "not a fit" not in text.lower() and "score" not in text.lower()
