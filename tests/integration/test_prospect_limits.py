"""The public questionnaire against abuse (issue 11, point 9): a per-address limit on
starting questionnaires, a honeypot field, no orphan drafts after a submit, and links
built from the configured public address, never from the request's Host."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from intake import create_app
from intake.config import ConfigError
from intake.models import Submission
from tests.conftest import Wizard, csrf_of
from tests.personas import PERSONAS

ANSWERS = PERSONAS["strategic_collaborator"]


def drafts_in(app) -> int:
    from intake.extensions import db

    with app.app_context():  # its own context: a test's would share `g` with requests
        return db.session.scalar(sa.select(sa.func.count()).select_from(Submission))


@pytest.fixture
def few_starts(app_config):
    app_config["DRAFT_STARTS"] = "3 per hour"


def test_one_address_starts_no_more_questionnaires_than_the_limit(
    few_starts, app, questionnaire
):
    limit = 3
    for n in range(limit):
        response = Wizard(app.test_client(), questionnaire).post_step(1, ANSWERS)
        assert response.status_code == 302, response.get_data(as_text=True)[:3000]
        assert (response.status_code, response.headers["Location"]) == (
            302,
            "/start/step/2",
        ), n
    blocked = Wizard(app.test_client(), questionnaire).post_step(1, ANSWERS)
    assert blocked.status_code == 429
    assert "Too many questionnaires were started" in blocked.get_data(as_text=True)
    assert drafts_in(app) == limit
    # another address is not affected
    other = Wizard(app.test_client(), questionnaire).post_step(
        1, ANSWERS, environ_base={"REMOTE_ADDR": "192.0.2.7"}
    )
    assert other.status_code == 302
    assert drafts_in(app) == limit + 1


def test_the_limit_counts_only_new_questionnaires(few_starts, wizard, app):
    for _ in range(5):  # the same draft saved again and again
        assert wizard.post_step(1, ANSWERS).status_code == 302
    assert drafts_in(app) == 1


def test_a_filled_honeypot_starts_nothing(wizard, app):
    data = {**wizard.step_data(1, ANSWERS), "website": "http://spam.example"}
    response = wizard.post_form("/start/step/1", data)
    assert response.status_code == 400
    assert "Please leave the field" in response.get_data(as_text=True)
    assert drafts_in(app) == 0


def test_the_honeypot_is_hidden_from_people(client):
    page = client.get("/start/step/1").get_data(as_text=True)
    field = re.search(r'<div class="honeypot[^"]*"[^>]*>.*?</div>', page, re.S)
    assert field, page[:3000]
    assert 'aria-hidden="true"' in field.group(0)
    assert 'tabindex="-1"' in field.group(0)
    assert 'autocomplete="off"' in field.group(0)


def test_a_step_posted_after_the_submit_makes_no_orphan_draft(wizard, app):
    assert wizard.complete(ANSWERS).headers["Location"] == "/start/thanks"
    # a second tab, a replayed POST: the first step again, with the sent questionnaire's
    # token still in the session
    token = csrf_of(wizard.client.get("/start/step/1"))
    data = {"csrf_token": token, **wizard.step_data(1, ANSWERS)}
    late = wizard.client.post("/start/step/1", data=data)
    assert (late.status_code, late.headers["Location"]) == (302, "/start/thanks")
    from intake.extensions import db

    with app.app_context():
        rows = db.session.execute(sa.select(Submission.status)).all()
    assert [status for (status,) in rows] == ["new"]


def resume_link(page: str) -> str:
    match = re.search(r'id="resume-link"[^>]*value="([^"]+)"', page) or re.search(
        r'value="([^"]+)"[^>]*id="resume-link"', page
    )
    assert match, page[:3000]
    return match.group(1)


@pytest.fixture
def public_address(app_config):
    app_config["PUBLIC_BASE_URL"] = "https://intake.example.com/"
    del app_config["SERVER_NAME"]  # as in production: any Host reaches the app


def test_the_resume_link_uses_the_public_address_not_the_host_header(
    public_address, wizard
):
    # the whole visit arrives with a forged Host (its cookies go with it)
    client, evil = wizard.client, "http://evil.example"
    token = csrf_of(client.get("/start/step/1", base_url=evil))
    data = {"csrf_token": token, **wizard.step_data(1, ANSWERS)}
    assert client.post("/start/step/1", data=data, base_url=evil).status_code == 302
    page = client.get("/start/step/2", base_url=evil).get_data(as_text=True)
    link = resume_link(page)
    assert link.startswith("https://intake.example.com/start/resume/"), link
    assert "evil" not in page


def test_production_refuses_to_start_without_a_public_address(monkeypatch):
    monkeypatch.setenv("INTAKE_ENV", "production")
    monkeypatch.setenv("INTAKE_SECRET_KEY", "x" * 40)
    monkeypatch.setenv("INTAKE_DATABASE_URL", "postgresql://u@127.0.0.1:9/x")
    monkeypatch.setenv("INTAKE_RATELIMIT_STORAGE_URL", "redis://127.0.0.1:9/0")
    monkeypatch.delenv("INTAKE_PUBLIC_BASE_URL", raising=False)
    with pytest.raises(ConfigError, match="INTAKE_PUBLIC_BASE_URL"):
        create_app()
    monkeypatch.setenv("INTAKE_PUBLIC_BASE_URL", "https://intake.example.com")
    assert create_app().config["PUBLIC_BASE_URL"] == "https://intake.example.com"
