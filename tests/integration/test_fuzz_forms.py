"""No request a browser can send gives a 500: hypothesis posts odd data to every form."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intake.workspace.settings_form import SECTIONS
from tests.conftest import csrf_of, sign_in
from tests.factories import make_consultant, make_submission
from tests.personas import PERSONAS

SETTINGS = settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
digits = st.text("0123456789", min_size=1, max_size=500)
text = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        ["", " ", "0", "-1", "99999999999999999999", "\x00", "é", "<b>", "a" * 3000]
    ),
    digits,
)
values = st.one_of(text, st.lists(text, max_size=3))


def form_data(field_names):
    return st.dictionaries(
        st.sampled_from(field_names), values, max_size=len(field_names)
    )


@pytest.fixture
def token_client(wizard):
    """A prospect with steps 1-4 saved, so every step can be posted."""
    for n in range(1, 5):
        wizard.post_step(n, PERSONAS["strategic_collaborator"])
    return wizard.client, csrf_of(wizard.client.get("/start/step/1"))


@SETTINGS
@given(data=st.data())
def test_steps_never_fail(token_client, questionnaire, data):
    client, token = token_client
    number = data.draw(st.integers(min_value=1, max_value=len(questionnaire.steps)))
    names = [f"q_{q.id}" for q in questionnaire.steps[number - 1].questions]
    names += ["nav", "then", "q_unknown", "status"]
    payload = data.draw(form_data(names))
    response = client.post(
        f"/start/step/{number}", data={**payload, "csrf_token": token}
    )
    assert response.status_code in (200, 302, 422), response.status_code


@SETTINGS
@given(
    query=form_data(
        ["q", "verdict", "status", "date_from", "date_to", "sort", "direction", "page"]
    )
)
def test_list_query_strings_never_fail(app, db, client, query):
    if not getattr(client, "_signed_in", False):
        make_consultant()
        make_submission()
        db.session.commit()
        sign_in(client)
        client._signed_in = True
    flat = {k: (v[0] if isinstance(v, list) and v else v) for k, v in query.items()}
    for url in ("/workspace/", "/workspace/export.csv", "/workspace/drafts"):
        response = client.get(url, query_string=flat)
        assert response.status_code == 200, (url, flat, response.status_code)


@SETTINGS
@given(
    payload=form_data(
        [
            "name",
            "email",
            "brand_colour",
            "currency",
            "paper_size",
            "proposal_valid_days",
            "office_days",
            "office_start",
            "office_end",
            "reply_hours",
            "channels",
            "cadences",
            "out_of_scope",
            "website",
            "booking_url",
            "packages-0-name",
            "packages-0-monthly_hours",
            "packages-0-monthly_price",
            "packages-0-reviews",
            "packages-9-name",
            "packages-0-add_ons-0-name",
            "packages-0-add_ons-0-monthly_price",
            "packages-0-add_ons-0-area",
            "packages-0-remove",
            "referrals-0-name",
            "referrals-0-url",
            "referrals-0-kind",
            "referrals-30-remove",
            "weekends",
        ]
    ),
    section=st.sampled_from(sorted(k for k, s in SECTIONS.items() if s.form)),
)
def test_settings_form_never_fails(app, db, client, payload, section):
    if not getattr(client, "_signed_in", False):
        make_consultant()
        db.session.commit()
        sign_in(client)
        client._signed_in = True
        client._token = csrf_of(client.get("/workspace/settings"))
    response = client.post(
        f"/workspace/settings/{section}",
        data={**payload, "csrf_token": client._token},
    )
    assert response.status_code in (302, 422), response.status_code


@SETTINGS
@given(token=st.text(max_size=300))
def test_resume_tokens_never_fail(client, token):
    response = client.get(
        "/start/resume/" + token.replace("/", "_").replace("?", "_").replace("#", "_")
    )
    assert response.status_code in (302, 404, 410, 308), response.status_code


# ---- numbers and odd text in URLs ---------------------------------------------------

path_segment = st.one_of(
    digits,
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.text(max_size=20).map(lambda t: quote(t, safe="")),
)
SUBMISSION_GETS = ["", "/proposal", "/letter", "/proposal.pdf", "/letter.pdf"]
SUBMISSION_POSTS = ["/notes", "/status", "/delete", "/package"]


@pytest.fixture
def workspace_client(app, client):
    """Signed in, with one submission (id 1) that the URLs may or may not name."""
    from intake.extensions import db

    with app.app_context():
        make_consultant()
        make_submission()
        db.session.commit()
    sign_in(client)
    return client, csrf_of(client.get("/workspace/"))


@SETTINGS
@given(segment=path_segment, tail=st.sampled_from(SUBMISSION_GETS))
def test_submission_urls_never_fail(workspace_client, segment, tail):
    client, _ = workspace_client
    response = client.get(f"/workspace/submissions/{segment}{tail}")
    assert response.status_code in (200, 308, 404), (segment, tail)


@SETTINGS
@given(segment=path_segment, tail=st.sampled_from(SUBMISSION_POSTS))
def test_submission_actions_never_fail(workspace_client, segment, tail):
    client, token = workspace_client
    url = f"/workspace/submissions/{segment}{tail}"
    response = client.post(url, data={"csrf_token": token, "status": "won"})
    assert response.status_code in (302, 308, 404), (segment, tail)


@SETTINGS
@given(segment=path_segment, page=digits)
def test_step_urls_and_page_numbers_never_fail(workspace_client, segment, page):
    client, _ = workspace_client
    assert client.get(f"/start/step/{segment}").status_code in (200, 302, 308, 404)
    for url in ("/workspace/", "/workspace/export.csv", "/workspace/drafts"):
        assert client.get(url, query_string={"page": page}).status_code == 200


# ---- Today, the board, the way back to a list ----------------------------------------

list_query = form_data(
    ["q", "verdict", "status", "date_from", "date_to", "sort", "direction", "page"]
)


@SETTINGS
@given(show=text, query=list_query, back=text)
def test_today_and_the_way_back_never_fail(workspace_client, show, query, back):
    from urllib.parse import urlencode

    client, _ = workspace_client
    assert (
        client.get("/workspace/today", query_string={"show": show}).status_code == 200
    )
    flat = {k: (v[0] if isinstance(v, list) and v else v) for k, v in query.items()}
    for way in ("/workspace/?" + urlencode(flat), back):
        response = client.get("/workspace/submissions/1", query_string={"back": way})
        assert response.status_code == 200, (way, response.status_code)


@SETTINGS
@given(payload=form_data(["ids", "status", "back"]))
def test_bulk_moves_never_fail(workspace_client, payload):
    client, token = workspace_client
    response = client.post(
        "/workspace/board/move", data={**payload, "csrf_token": token}
    )
    assert response.status_code == 302, (payload, response.status_code)
    response = client.post(
        "/workspace/submissions/1/status",
        data={**payload, "csrf_token": token},
    )
    assert response.status_code == 302, (payload, response.status_code)
