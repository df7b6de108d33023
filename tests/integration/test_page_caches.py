"""What the pages keep between requests to be fast (bench/profiles.md) changes nothing a
prospect or the consultant sees: the same bytes as a page built from scratch."""

from __future__ import annotations

import dataclasses
import re

import pytest
import sqlalchemy as sa
from flask import render_template_string, url_for

from intake.models import Submission
from intake.practice_store import current_practice, save_practice
from intake.prospect import markup
from tests.factories import make_submission
from tests.personas import PERSONAS


@pytest.fixture
def app_config(app_config):
    return {**app_config, "DEBUG": False}


TOKEN = re.compile(r'(name="csrf_token" value=")[^"]+"')


def _step_page(client, number: int) -> str:
    """The step's page with its CSRF token masked: the token is signed with the time,
    so two loads a second apart differ there and nowhere else."""
    html = client.get(f"/start/step/{number}").get_data(as_text=True)
    return TOKEN.sub(r'\1…"', html)


def _uncached(monkeypatch):
    """Every question written by the macro, as before the cache."""
    monkeypatch.setattr(markup, "_blank", lambda questionnaire, item: None)


def test_every_step_is_the_same_page_with_and_without_the_question_cache(
    wizard, client, monkeypatch
):
    answers = PERSONAS["strategic_collaborator"]
    steps = len(wizard.questionnaire.steps)
    for number in range(1, steps + 1):
        cached = _step_page(client, number)
        with monkeypatch.context() as m:
            _uncached(m)
            built = _step_page(client, number)
        assert cached == built, f"step {number}"
        assert 'class="question' in cached
        wizard.post_step(number, answers)
        # the step now has answers: each is on the page, from the macro
        answered = _step_page(client, number)
        with monkeypatch.context() as m:
            _uncached(m)
            assert _step_page(client, number) == answered


def test_an_answer_or_an_error_is_never_kept(wizard, client, app):
    step = wizard.questionnaire.steps[0]
    typed = {q.id: "Zebedee-" + q.id for q in step.questions if q.type == "text"}
    assert typed, "the first step has a text question"
    response = wizard.post_step(1, typed)
    assert response.status_code == 422  # other required answers are missing
    with app.test_request_context():
        kept = [html for _, html in markup.blank_questions._store()[0].values()]
    assert kept, "the unanswered questions were kept"
    assert not any("Zebedee" in html or "field-error" in html for html in kept)
    assert "Zebedee-" in response.get_data(as_text=True)


def test_a_new_currency_reaches_the_kept_questions(app, wizard, client, db):
    questionnaire = wizard.questionnaire
    number = next(
        i
        for i, step in enumerate(questionnaire.steps, 1)
        if any(q.id == "budget" for q in step.questions)
    )
    for earlier in range(1, number):
        wizard.post_step(earlier, PERSONAS["strategic_collaborator"])
    assert "$500 to $1,000 a month" in client.get(f"/start/step/{number}").text
    with app.test_request_context():
        save_practice(dataclasses.replace(current_practice(), currency="GBP"))
        db.session.commit()
    page = client.get(f"/start/step/{number}").text
    assert "£500 to £1,000 a month" in page and "$500" not in page


def test_template_links_are_the_links_url_for_builds(app):
    template = (
        "{{ url_for('static', filename='intake.css') }}|"
        "{{ url_for('prospect.step', number=3) }}|"
        "{{ url_for('.step', number=2) }}|"
        "{{ url_for('prospect.resume', token='secret-token') }}|"
        "{{ url_for('site.privacy', _external=True) }}"
    )
    for root in ("", "/practice"):
        with app.test_request_context("/start/step/1", base_url=f"http://x{root}"):
            expected = "|".join(
                [
                    url_for("static", filename="intake.css"),
                    url_for("prospect.step", number=3),
                    url_for("prospect.step", number=2),
                    url_for("prospect.resume", token="secret-token"),
                    url_for("site.privacy", _external=True),
                ]
            )
            assert expected.startswith(f"{root}/static/intake.css?v=")
            for _ in range(2):  # built, then remembered
                assert render_template_string(template) == expected


def test_a_private_token_is_not_kept_among_the_links(app):
    with app.test_request_context("/start/"):
        render_template_string("{{ url_for('prospect.resume', token='t0ken') }}")
        memo = app.jinja_env.globals["url_for"]
        assert memo.__closure__ is not None
        kept = [
            cell.cell_contents
            for cell in memo.__closure__
            if hasattr(cell.cell_contents, "keys")
        ]
        assert kept and not any("t0ken" in str(k) for store in kept for k in store)


def test_a_question_opened_by_an_answer_is_shown_open(wizard, client, monkeypatch):
    """`trust_building` is hidden until no authority is granted: the kept markup of the
    hidden question must not stand in for the open one."""
    questionnaire = wizard.questionnaire
    number = questionnaire.step_number(questionnaire.question("authority").step_id)
    collab = PERSONAS["strategic_collaborator"]
    for earlier in range(1, number):
        wizard.post_step(earlier, collab)
    hidden = client.get(f"/start/step/{number}").text
    assert re.search(r'id="block-trust_building"[^>]*hidden', hidden)
    low = {k: v for k, v in collab.items() if k != "trust_building"}
    assert (
        "opened one more question"
        in wizard.post_step(number, {**low, "authority": ["none"]}).text
    )
    opened = _step_page(client, number)  # "none yet" is saved
    assert not re.search(r'id="block-trust_building"[^>]*hidden', opened)
    with monkeypatch.context() as m:
        _uncached(m)
        assert _step_page(client, number) == opened


def test_the_kept_session_signer_follows_a_new_secret_key(app, client, wizard):
    """A draft's cookie signed with the old key is refused after the key changes, and
    accepted again when the old key is listed as a fallback (a rotation)."""
    wizard.post_step(1, PERSONAS["strategic_collaborator"])  # a draft: a session
    name = app.config["SESSION_COOKIE_NAME"]
    cookie = client.get_cookie(name, domain="intake.test")
    assert cookie is not None
    interface = app.session_interface
    with app.test_request_context("/", headers={"Cookie": f"{name}={cookie.value}"}):
        from flask import request

        assert dict(interface.open_session(app, request))
        old = app.secret_key
        app.secret_key = "another-key-" + "x" * 40
        assert not dict(interface.open_session(app, request))
        app.config["SECRET_KEY_FALLBACKS"] = [old]
        assert dict(interface.open_session(app, request))


def _list_body(client) -> str:
    html = client.get("/workspace/").get_data(as_text=True)
    return html[html.index("<tbody>") : html.index("</tbody>")]


def test_the_list_is_the_same_with_and_without_the_row_cache(
    signed_in, db, app, monkeypatch
):
    from intake.workspace import listing

    for persona in ("strategic_collaborator", "one_off_project", "needy_always_on"):
        make_submission(persona=persona)
    db.session.commit()
    kept = _list_body(signed_in)
    assert _list_body(signed_in) == kept  # the second time from the cache
    assert kept.count("<tr>") == 3 and "Knock-out: " in kept
    with monkeypatch.context() as m:
        m.setattr(listing.row_markup, "get", lambda key, compute: compute())
        assert _list_body(signed_in) == kept


def test_a_changed_row_shows_at_once(signed_in, db):
    s = make_submission()
    db.session.commit()
    assert "Consultation booked" not in _list_body(signed_in)
    # another host's write: this process's caches are not told
    with db.engine.begin() as connection:
        connection.execute(
            sa.update(Submission.__table__)
            .where(Submission.__table__.c.id == s.id)
            .values(status="booked", name="Renamed Prospect")
        )
    db.session.rollback()
    body = _list_body(signed_in)
    assert "Renamed Prospect" in body and "Consultation booked" in body


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"q": "O'Brien & Co / 100% ?#=+ émile", "verdict": "possible fit"},
        {"status": "new", "sort": "name", "direction": "asc", "page": 3},
        {"date_from": "2026-01-02", "date_to": "2026-03-04", "attention": True},
    ],
)
def test_list_links_are_the_links_url_for_builds(app, filters):
    import datetime as dt

    from intake.workspace import listing, queries

    values = {
        k: dt.date.fromisoformat(v) if k.startswith("date_") else v
        for k, v in filters.items()
    }
    links = listing.ListLinks(queries.ListFilters(**values))
    with app.test_request_context("/workspace/"):
        for column in ("name", "overall", "status"):
            args = links._args(
                sort=column,
                direction=links.sort(column).split("direction=")[1].split("&")[0],
                page=1,
            )
            assert links.sort(column) == url_for("workspace.dashboard", **args)
        for number in (1, 2, 40):
            assert links.page(number) == url_for(
                "workspace.dashboard", **links._args(page=number)
            )
        export = links._args()
        export.pop("page", None)
        assert links.export() == url_for("workspace.export_csv", **export)
