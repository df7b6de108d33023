"""The questionnaire as a prospect meets it, through the test client."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa

from intake import submissions as submissions_module
from intake.models import Submission
from intake.prospect import drafts
from tests.conftest import Wizard
from tests.personas import PERSONAS

COLLAB = PERSONAS["strategic_collaborator"]


def submissions(db):
    return db.session.scalars(sa.select(Submission).order_by(Submission.id)).all()


def field_errors(response) -> list[str]:
    html = response.get_data(as_text=True)
    return re.findall(r'<p class="field-error" id="err-([a-z0-9_]+)">', html)


def test_start_page_links_to_first_step(client):
    response = client.get("/start/")
    assert response.status_code == 200
    assert 'href="/start/step/1"' in response.get_data(as_text=True)


def test_complete_questionnaire_is_stored_and_scored(wizard, db):
    response = wizard.complete(COLLAB)
    assert response.status_code == 302
    assert response.headers["Location"] == "/start/thanks"
    [s] = submissions(db)
    assert (s.status, s.verdict, s.name, s.email_key) == (
        "new",
        "strong fit",
        "Hannah Lindqvist",
        "hannah@lindqvist-advisory.com",
    )
    assert s.overall is not None and s.overall >= 70
    assert s.questionnaire_version == wizard.questionnaire.version
    assert s.assessment is None  # not stored: computed when shown
    assert submissions_module.explanation_of(s)["verdict"] == "strong fit"
    assert s.answers["monthly_hours"] == 45


def _thanks_text(client) -> str:
    html = client.get("/start/thanks").get_data(as_text=True)
    main = re.search(r"<main.*?</main>", html, re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", main.group(0) if main else html).split())


def test_thanks_page_is_the_same_warm_page_for_everyone_by_default(app, db):
    pages = {}
    for name in ("strategic_collaborator", "one_off_project", "needy_always_on"):
        client = app.test_client()
        with app.app_context():
            from intake import registry

            Wizard(client, registry.active()).complete(PERSONAS[name])
        pages[name] = _thanks_text(client)
    verdicts = {s.verdict for s in submissions(db)}
    assert verdicts == {"strong fit", "not a fit"}
    for name, text in pages.items():
        assert "What happens next" in text
        assert "Within 1 business day, we write to you at" in text
        assert "project-based" not in text and "Book your consultation" not in text
        for s in submissions(db):
            assert str(s.overall) not in text.split()
            assert s.verdict not in text
        first = PERSONAS[name]["full_name"].split()[0]
        generic = text.replace(PERSONAS[name]["email"], "EMAIL").replace(first, "NAME")
        pages[name] = generic
    assert len(set(pages.values())) == 1, "\n".join(pages.values())


def test_start_page_gives_an_honest_time_estimate(client, questionnaire):
    text = " ".join(
        re.sub(r"<[^>]+>", " ", client.get("/start/").get_data(as_text=True)).split()
    )
    minutes = questionnaire.estimated_minutes
    assert minutes < 9 and "fifteen" not in text
    count = len(questionnaire.typical_questions)
    assert count <= 20
    assert f"5 short steps, {count} questions, about {minutes} minutes" in text


def _tailor(app, on: bool):
    import dataclasses

    from intake.practice_store import current_practice, save_practice

    with app.test_request_context():
        practice = dataclasses.replace(current_practice(), tailored_thanks=on)
        save_practice(practice)
        from intake.extensions import db as _db

        _db.session.commit()


def test_thanks_page_tailored_to_the_verdict_when_the_practice_turns_it_on(
    app, wizard, client, db
):
    _tailor(app, True)
    wizard.complete(PERSONAS["one_off_project"])
    text = _thanks_text(client)
    [s] = submissions(db)
    assert s.verdict == "not a fit"
    assert "ongoing, month-to-month partnership" in text and "project-based" in text
    assert str(s.overall) not in text.split()


def test_tailored_thanks_follows_what_decided_the_verdict(app, wizard, client, db):
    """An ongoing-partnership prospect who differs on boundaries is not told that
    she wanted a project: she hears that expectations differ, and an invitation."""
    _tailor(app, True)
    wizard.complete(PERSONAS["needy_always_on"])
    text = _thanks_text(client)
    [s] = submissions(db)
    assert s.verdict == "not a fit"
    assert "a few of your expectations" in text and "talk them through" in text
    assert "project-based" not in text and "on-demand" not in text
    assert str(s.overall) not in text.split()


def test_tailored_thanks_for_strong_fit_offers_a_consultation(app, wizard, client):
    _tailor(app, True)
    wizard.complete(COLLAB)
    text = _thanks_text(client)
    assert "consultation call" in text and "What happens next" not in text
    assert "Hannah" in text


def test_validation_error_keeps_what_was_typed(wizard):
    answers = {**COLLAB, "email": "not-an-address", "full_name": "Zoë <b>O'Neil</b>"}
    response = wizard.post_step(1, answers)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert field_errors(response) == ["email"]
    assert 'href="#q_email"' in html  # the summary links to the field
    assert 'value="not-an-address"' in html
    assert "Zoë &lt;b&gt;O&#39;Neil&lt;/b&gt;" in html  # kept, and escaped


def test_required_answers_are_enforced_per_step(wizard):
    response = wizard.post_step(1, {})
    assert response.status_code == 422
    required = [q.id for q in wizard.questionnaire.steps[0].questions if q.required]
    assert field_errors(response) == required


def test_back_keeps_answers_of_both_steps(wizard, client):
    for n in range(1, 5):
        wizard.post_step(n, COLLAB)
    response = wizard.post_step(5, {**COLLAB, "monthly_hours": 33}, nav="back")
    assert response.headers["Location"] == "/start/step/4"
    assert 'value="Hannah Lindqvist"' in client.get("/start/step/1").get_data(
        as_text=True
    )
    assert 'value="33"' in client.get("/start/step/5").get_data(as_text=True)


def test_back_with_an_invalid_answer_keeps_the_saved_one(wizard, client):
    for n in range(1, 6):
        wizard.post_step(n, COLLAB)
    response = wizard.post_step(5, {**COLLAB, "monthly_hours": "lots"}, nav="back")
    assert response.status_code == 302
    assert 'value="45"' in client.get("/start/step/5").get_data(as_text=True)


def test_cannot_skip_ahead(wizard, client):
    wizard.post_step(1, COLLAB)
    response = client.get("/start/step/4")
    assert response.headers["Location"] == "/start/step/2"


@pytest.mark.parametrize("url", ["/start/step/0", "/start/step/99", "/start/step/x"])
def test_unknown_step_is_404(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "could not find that page" in response.get_data(as_text=True)


def _step_of(questionnaire, qid):
    return questionnaire.step_number(questionnaire.question(qid).step_id)


def test_conditional_question_without_javascript(wizard, client, db):
    """Granting no authority yet reveals `trust_building` on the same step."""
    q = wizard.questionnaire
    number = _step_of(q, "authority")
    assert _step_of(q, "trust_building") == number
    for n in range(1, number):
        wizard.post_step(n, COLLAB)
    page = client.get(f"/start/step/{number}").get_data(as_text=True)
    assert re.search(r'id="block-trust_building"[^>]*hidden', page)

    low = {**COLLAB, "authority": ["none"]}
    response = wizard.post_step(number, low)
    html = response.get_data(as_text=True)
    assert response.status_code == 200  # shown again with the new question open
    assert "opened one more question" in html
    assert not re.search(r'id="block-trust_building"[^>]*hidden', html)

    response = wizard.post_step(
        number, {**low, "trust_building": "Short weekly notes."}
    )
    assert response.headers["Location"] == f"/start/step/{number + 1}"
    [draft] = submissions(db)
    assert draft.answers["trust_building"] == "Short weekly notes."

    # granting authority hides the question again and drops its answer
    wizard.post_step(number, {**COLLAB, "trust_building": "ignored"})
    db.session.expire_all()
    assert "trust_building" not in submissions(db)[0].answers


def test_resume_link_works_in_another_browser(wizard, app, db):
    wizard.post_step(1, COLLAB)
    wizard.post_step(2, COLLAB)
    page = wizard.client.get("/start/step/3").get_data(as_text=True)
    url = re.search(
        r'value="https?://intake.test(/start/resume/[^"]+)" id="resume-link"', page
    )
    url = re.search(r'value="https?://intake.test(/start/resume/[^"]+)"', page).group(1)

    other = app.test_client()  # a different device: no cookie
    response = other.get(url)
    assert response.headers["Location"] == "/start/step/3"
    assert 'value="growing" checked' in other.get("/start/step/2").get_data(
        as_text=True
    )


def test_wrong_resume_token_gets_a_clear_page(client):
    response = client.get("/start/resume/not-a-real-token")
    assert response.status_code == 404
    assert "could not find a questionnaire for this link" in response.get_data(
        as_text=True
    )


def test_expired_resume_token_gets_a_clear_page(wizard, app, db):
    wizard.post_step(1, COLLAB)
    [draft] = submissions(db)
    draft.token_expires_at = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
    db.session.commit()
    page = wizard.client.get("/start/step/2").get_data(as_text=True)
    assert "/start/resume/" not in page  # the expired draft is no longer this session's
    url = _resume_path(wizard, db)
    response = app.test_client().get(url)
    assert response.status_code == 410
    assert "This link has expired" in response.get_data(as_text=True)


def _resume_path(wizard, db):
    with wizard.client.session_transaction() as session:
        return f"/start/resume/{session[drafts.SESSION_KEY]}"


def test_tokens_are_stored_hashed(wizard, db):
    wizard.post_step(1, COLLAB)
    with wizard.client.session_transaction() as session:
        raw = session[drafts.SESSION_KEY]
    [draft] = submissions(db)
    assert len(raw) >= 43  # 256 bits, url-safe base64
    assert draft.token_hash == drafts.hash_token(raw) != raw


def test_double_submit_creates_one_submission(wizard, client, db):
    wizard.complete(COLLAB)
    again = wizard.submit()
    assert again.headers["Location"] == "/start/thanks"
    assert len(submissions(db)) == 1
    assert submissions(db)[0].status == "new"


def test_submit_with_missing_answers_goes_to_the_step(wizard, client, db):
    wizard.post_step(1, COLLAB)
    token = re.search(
        r'name="csrf_token" value="([^"]+)"',
        client.get("/start/").get_data(as_text=True),
    ).group(1)
    # the review page is only reachable with a draft; post submit directly
    response = client.post("/start/submit", data={"csrf_token": token})
    assert response.headers["Location"] == "/start/step/2?then=review"
    assert submissions(db)[0].status == "draft"


def test_edit_from_review_returns_to_review(wizard, client):
    for n in range(1, 6):
        wizard.post_step(n, COLLAB)
    page = client.get("/start/review").get_data(as_text=True)
    assert 'href="/start/step/5?then=review"' in page
    data = wizard.step_data(5, {**COLLAB, "monthly_hours": 50})
    token = re.search(
        r'name="csrf_token" value="([^"]+)"',
        client.get("/start/step/5?then=review").get_data(as_text=True),
    ).group(1)
    response = client.post(
        "/start/step/5", data={**data, "then": "review", "csrf_token": token}
    )
    assert response.headers["Location"] == "/start/review"
    assert "50 hours a month" in client.get("/start/review").get_data(as_text=True)


def test_forged_choice_value_is_refused(wizard):
    wizard.post_step(1, COLLAB)
    response = wizard.post_step(2, {**COLLAB, "engagement": "free_work"})
    assert response.status_code == 422
    assert field_errors(response) == ["engagement"]
    assert "Please choose from the options shown." in response.get_data(as_text=True)


def test_unknown_fields_are_ignored(wizard, db):
    response = wizard.post_form(
        "/start/step/1",
        {**wizard.step_data(1, COLLAB), "q_is_admin": "1", "status": "won"},
    )
    assert response.status_code == 302
    [draft] = submissions(db)
    assert "is_admin" not in draft.answers and draft.status == "draft"


def test_too_long_text_is_refused_with_the_limit(wizard):
    limit = wizard.questionnaire.question("full_name").max_length
    response = wizard.post_step(1, {**COLLAB, "full_name": "x" * (limit + 1)})
    assert response.status_code == 422
    message = (
        f"Please keep this to {limit} characters or fewer (it is {limit + 1} now)."
    )
    assert message in response.get_data(as_text=True)


def test_oversized_request_gets_413_page(client, app):
    size = app.config["MAX_CONTENT_LENGTH"] + 1
    response = client.post("/start/step/1", data={"q_needs_summary": "x" * size})
    assert response.status_code == 413
    assert "more than we can accept" in response.get_data(as_text=True)


def test_missing_csrf_token_is_refused(client, db):
    response = client.post("/start/step/1", data={"nav": "next", "q_full_name": "A"})
    assert response.status_code == 400
    assert "security check failed" in response.get_data(as_text=True)
    assert submissions(db) == []


def test_security_headers(client):
    response = client.get("/start/")
    csp = response.headers["Content-Security-Policy"]
    assert "object-src 'none'" in csp and "base-uri 'none'" in csp
    assert "frame-ancestors 'none'" in csp and "'unsafe-inline'" not in csp
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_hostile_text_is_escaped_on_review(wizard, client):
    hostile = '<script>alert(1)</script><img src="file:///etc/passwd">'
    wizard.post_step(1, {**COLLAB, "needs_summary": hostile})
    for n in range(2, 6):
        wizard.post_step(n, COLLAB)
    html = client.get("/start/review").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def _walk_to(wizard, qid):
    number = _step_of(wizard.questionnaire, qid)
    for n in range(1, number):
        wizard.post_step(n, COLLAB)
    return number


def test_required_question_revealed_without_javascript_is_shown_not_failed(wizard):
    number = _walk_to(wizard, "availability")
    response = wizard.post_step(number, {**COLLAB, "availability": "any_time"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "opened one more question" in html and field_errors(response) == []
    assert not re.search(r'id="block-weekends"[^>]*hidden', html)


def test_required_question_the_prospect_saw_must_be_answered(wizard):
    """With JavaScript the page reports the question as shown; leaving it blank is an error."""
    number = _walk_to(wizard, "availability")
    data = wizard.step_data(number, {**COLLAB, "availability": "any_time"})
    shown = " ".join(q.id for q in wizard.questionnaire.steps[number - 1].questions)
    response = wizard.post_form(f"/start/step/{number}", {**data, "shown": shown})
    assert response.status_code == 422
    assert field_errors(response) == ["weekends"]


def test_optional_question_the_prospect_saw_does_not_stop_them(wizard):
    number = _walk_to(wizard, "authority")
    data = wizard.step_data(number, {**COLLAB, "authority": ["none"]})
    shown = " ".join(q.id for q in wizard.questionnaire.steps[number - 1].questions)
    response = wizard.post_form(f"/start/step/{number}", {**data, "shown": shown})
    assert response.headers["Location"] == f"/start/step/{number + 1}"


def test_review_counts_the_steps_really_answered(wizard, client):
    total = len(wizard.questionnaire.steps)
    wizard.post_step(1, COLLAB)
    html = client.get("/start/review").get_data(as_text=True)
    assert f"1 of {total} steps answered: {total - 1} still need an answer" in html
    assert f"All {total} steps answered" not in html
    assert html.count('<li class="done">') == 1
    for number in range(2, total + 1):
        wizard.post_step(number, COLLAB)
    html = client.get("/start/review").get_data(as_text=True)
    assert f"All {total} steps answered: one last look" in html
    assert html.count('<li class="done">') == total


def test_a_forged_csrf_token_is_refused(client, db):
    """The step form carries no token check of its own: CSRFProtect's is the one."""
    client.get("/start/step/1")
    data = {"nav": "next", "q_full_name": "A", "csrf_token": "forged.token.value"}
    response = client.post("/start/step/1", data=data)
    assert response.status_code == 400
    assert "security check failed" in response.get_data(as_text=True)
    assert submissions(db) == []


def test_a_reserved_test_domain_is_an_address_in_development_and_tests(wizard, db):
    response = wizard.post_step(1, {**COLLAB, "email": "Ann@Example.test"})
    assert response.headers["Location"] == "/start/step/2"
    assert submissions(db)[0].email == "Ann@example.test"  # the domain lower-cased
