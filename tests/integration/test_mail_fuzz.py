"""No request a browser (or a mail program) can send to the mail pages gives a 500."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import csrf_of
from tests.integration.test_fuzz_forms import SETTINGS, form_data
from tests.personas import PERSONAS


def _path_safe(token: str) -> str:
    return token.replace("/", "_").replace("?", "_").replace("#", "_")


@SETTINGS
@given(payload=form_data(["email", "next"]))
def test_forgot_password_never_fails(client, payload):
    token = csrf_of(client.get("/workspace/forgot-password"))
    response = client.post(
        "/workspace/forgot-password", data={**payload, "csrf_token": token}
    )
    assert response.status_code in (200, 429), response.status_code


@SETTINGS
@given(token=st.text(max_size=300), payload=form_data(["password", "confirm"]))
def test_reset_links_never_fail(client, token, payload):
    path = "/workspace/reset-password/" + _path_safe(token)
    assert client.get(path).status_code in (404, 410, 308)
    assert client.post(path, data=payload).status_code in (400, 404, 410, 308)


@SETTINGS
@given(token=st.text(max_size=300))
def test_unsubscribe_links_never_fail(client, token):
    path = "/mail/unsubscribe/" + _path_safe(token)
    assert client.get(path).status_code in (404, 308)
    assert client.post(path).status_code in (404, 308)


@SETTINGS
@given(payload=form_data(["remind", "back"]))
def test_email_link_never_fails(wizard, client, payload):
    if not getattr(client, "_draft", False):
        wizard.post_step(1, PERSONAS["strategic_collaborator"])
        client._draft = csrf_of(client.get("/start/step/2"))
    response = client.post(
        "/start/email-link", data={**payload, "csrf_token": client._draft}
    )
    assert response.status_code in (302, 429), response.status_code


@pytest.mark.parametrize("email", ["\x00", "a\x00@example.com", "\x00\x01 ", "\u200b"])
def test_forgot_password_with_control_characters_is_answered(client, email):
    """Found by the property above on PostgreSQL, which refuses a NUL byte in text:
    the address is the sign-in identity, control characters dropped, before any query."""
    token = csrf_of(client.get("/workspace/forgot-password"))
    response = client.post(
        "/workspace/forgot-password", data={"email": email, "csrf_token": token}
    )
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "\x00" not in text
    if not email.strip("\x00\x01 \u200b"):
        assert "Please give your e-mail address." in text
