"""Start-up checks: bad settings stop the app with a clear message."""

from __future__ import annotations

import pytest

from intake import create_app
from intake.config import ConfigError
from intake.questionnaire.errors import DefinitionError

PROD = {
    "ENV": "production",
    "SECRET_KEY": "x" * 40,
    "DATABASE_URL": "postgresql://u@127.0.0.1/intake",
    "RATELIMIT_STORAGE_URL": "redis://127.0.0.1:6379/0",
    "PUBLIC_BASE_URL": "https://intake.example.com",
}


def test_production_config_starts_with_real_settings():
    app = create_app(PROD)
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert (
        app.config["SQLALCHEMY_DATABASE_URI"]
        == "postgresql+psycopg://u@127.0.0.1/intake"
    )


@pytest.mark.parametrize(
    "change,message",
    [
        ({"SECRET_KEY": "dev-only-not-secret"}, "INTAKE_SECRET_KEY must be set"),
        ({"SECRET_KEY": "short"}, "INTAKE_SECRET_KEY must be set"),
        ({"DATABASE_URL": None}, "production needs INTAKE_DATABASE_URL"),
        (
            {"RATELIMIT_STORAGE_URL": "memory://"},
            "production needs INTAKE_RATELIMIT_STORAGE_URL",
        ),
        ({"ENV": "staging"}, "INTAKE_ENV must be"),
        ({"DRAFT_TTL_DAYS": "soon"}, "INTAKE_DRAFT_TTL_DAYS must be a whole number"),
    ],
)
def test_unsafe_production_settings_are_refused(change, message, tmp_path):
    with pytest.raises(ConfigError, match=message):
        create_app({**PROD, **change})


def test_production_hsts_and_secure_cookie(tmp_path):
    app = create_app(
        {**PROD, "DATABASE_URL": f"sqlite:///{tmp_path}/x.db", "ALLOW_SQLITE": True}
    )
    response = app.test_client().get("/healthz", base_url="https://intake.test")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_invalid_questionnaire_stops_start_up_with_its_location(tmp_path):
    bad = tmp_path / "q.toml"
    bad.write_text('version = "1"\n')
    with pytest.raises(DefinitionError, match=f"{bad}: top level: 'title' is missing"):
        create_app({"TESTING": True, "QUESTIONNAIRE_PATH": str(bad)})


def test_healthz(client):
    response = client.get("/healthz")
    assert (response.status_code, response.json) == (
        200,
        {"database": "ok", "status": "ok"},
    )


def test_healthz_reports_a_dead_database():
    app = create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": "postgresql://n@127.0.0.1:9/x"}
    )
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["status"] == "unavailable"


def test_request_log_lines_hold_no_token_or_personal_data(wizard, caplog):
    from tests.personas import PERSONAS

    caplog.set_level("INFO", logger="intake")
    wizard.post_step(1, PERSONAS["strategic_collaborator"])
    with wizard.client.session_transaction() as session:
        token = session["draft"]
    wizard.client.get(f"/start/resume/{token}")
    text = caplog.text
    assert "request method=GET endpoint=prospect.resume status=302" in text
    assert (
        token not in text and "Hannah" not in text and "lindqvist" not in text.lower()
    )


def test_gunicorn_logger_masks_tokens():
    from intake.log import redact

    assert (
        redact("GET /start/resume/abcDEF_-123 HTTP/1.1")
        == "GET /start/resume/[token] HTTP/1.1"
    )
