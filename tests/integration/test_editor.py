"""The questionnaire editor through the real views, with CSRF: owners only, every
change checked by the loader with its message beside the field and nothing typed lost,
publishing a version that new prospects answer while old submissions keep theirs."""

from __future__ import annotations

import io
import re
from html import unescape

import pytest
import sqlalchemy as sa
from flask import g

from intake import registry
from intake.editor.models import PublishedQuestionnaire, QuestionnaireDraft
from intake.models import Submission
from intake.questionnaire import editing
from tests.conftest import Wizard, csrf_of, sign_in
from tests.factories import make_consultant, make_submission
from tests.personas import PERSONAS

HOME = "/workspace/questionnaire"


@pytest.fixture(autouse=True)
def _fresh_g_per_request(app):
    """A server gives each request a new g (Flask-Login, Flask-WTF and the registry's
    published version live there): so do we, although the tests hold an app context."""

    def clear():
        g.__dict__.clear()

    app.before_request_funcs.setdefault(None, []).insert(0, clear)


@pytest.fixture
def owner(db, client):
    make_consultant(email="owner@example.com", name="Olive Owner")
    db.session.commit()
    sign_in(client, email="owner@example.com")
    return client


@pytest.fixture
def drafted(owner, db):
    """An owner's client with a draft started from the shipped version."""
    page = owner.get(HOME)
    owner.post(f"{HOME}/start", data={"csrf_token": csrf_of(page)})
    return owner


def draft_text(db) -> str:
    db.session.expire_all()
    return db.session.scalar(sa.select(QuestionnaireDraft.source))


def question_page_data(client, question_id: str) -> tuple[str, dict]:
    """The question page's fields as a browser would post them back."""
    page = client.get(f"{HOME}/questions/{question_id}").get_data(as_text=True)
    data = {}
    for tag in re.findall(r"<input[^>]*>", page):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name is None or ('type="checkbox"' in tag and "checked" not in tag):
            continue
        data[name.group(1)] = unescape(value.group(1)) if value else ""
    for name, body in re.findall(
        r'<textarea[^>]*name="([^"]+)"[^>]*>\r?\n?(.*?)</textarea>', page, re.S
    ):
        data[name] = unescape(body)
    for name, options in re.findall(
        r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', page, re.S
    ):
        chosen = re.search(
            r'<option[^>]*selected[^>]*value="([^"]*)"', options
        ) or re.search(r'<option[^>]*value="([^"]*)"[^>]*selected', options)
        data[name] = chosen.group(1) if chosen else ""
    return page, data


def test_only_owners_open_the_editor(db, client):
    make_consultant(email="colin@example.com", name="Colin").role = "consultant"
    db.session.commit()
    assert client.get(HOME).status_code == 302  # signed out: to the sign-in page
    sign_in(client, email="colin@example.com")
    assert client.get(HOME).status_code == 403
    token = csrf_of(client.get("/workspace/"))
    for path in ("/start", "/publish", "/import", "/steps", "/source", "/check"):
        method = client.get if path == "/check" else client.post
        assert method(HOME + path, data={"csrf_token": token}).status_code == 403
    assert db.session.scalar(sa.select(QuestionnaireDraft)) is None


def test_a_draft_starts_as_the_current_version_under_a_new_name(drafted, db, app):
    text = draft_text(db)
    draft = editing.check(text)
    assert draft.version != registry.shipped().version
    assert [s.id for s in draft.steps] == [s.id for s in registry.shipped().steps]
    assert "Draft " + draft.version in drafted.get(HOME).get_data(as_text=True)


def test_rewording_a_question_saves_it_in_the_draft(drafted, db):
    _, data = question_page_data(drafted, "engagement")
    data.update(label="What kind of help would suit you best?", action="save")
    response = drafted.post(f"{HOME}/questions/engagement", data=data)
    assert response.status_code == 302
    question = editing.check(draft_text(db)).question("engagement")
    assert question.label == "What kind of help would suit you best?"
    assert len(question.choices) == len(
        registry.shipped().question("engagement").choices
    )


def test_adding_a_choice_worth_points(drafted, db):
    page, data = question_page_data(drafted, "engagement")
    n = len(registry.shipped().question("engagement").choices)
    added = drafted.post(f"{HOME}/questions/engagement", data={**data, "action": "add"})
    assert f'name="choices-{n}-text"' in added.get_data(as_text=True)
    assert (
        len(editing.check(draft_text(db)).question("engagement").choices) == n
    )  # not yet
    data.update(
        {
            f"choices-{n}-value": "retainer",
            f"choices-{n}-text": "A small monthly retainer",
            f"choices-{n}-fit": "7",
            "action": "save",
        }
    )
    assert drafted.post(f"{HOME}/questions/engagement", data=data).status_code == 302
    choice = editing.check(draft_text(db)).question("engagement").choice("retainer")
    assert choice.label == "A small monthly retainer"
    assert dict(choice.points) == {"fit": 7}


def test_a_refused_change_shows_its_message_beside_the_field_and_keeps_the_text(
    drafted, db
):
    before = draft_text(db)
    _, data = question_page_data(drafted, "engagement")
    data.update({"label": "Reworded, but", "choices-1-value": data["choices-0-value"]})
    response = drafted.post(
        f"{HOME}/questions/engagement", data={**data, "action": "save"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "is used twice" in page
    assert re.search(r'class="field-error" id="choices-1-value-error"', page)
    assert "Reworded, but" in page
    assert draft_text(db) == before


def test_points_out_of_range_are_refused_by_the_form(drafted, db):
    _, data = question_page_data(drafted, "engagement")
    data.update({"choices-0-fit": "99", "action": "save"})
    response = drafted.post(f"{HOME}/questions/engagement", data=data)
    assert response.status_code == 400
    assert "Points are whole numbers from -20 to 20." in response.get_data(as_text=True)


def test_a_step_and_a_question_are_added_moved_and_removed(drafted, db):
    token = csrf_of(drafted.get(HOME))
    response = drafted.post(f"{HOME}/steps", data={"csrf_token": token})
    step_id = response.headers["Location"].rsplit("/", 1)[1]
    response = drafted.post(
        f"{HOME}/steps/{step_id}/questions", data={"csrf_token": token}
    )
    question_id = response.headers["Location"].rsplit("/", 1)[1]
    questionnaire = editing.check(draft_text(db))
    assert [q.id for q in questionnaire.step(step_id).questions][-1] == question_id
    drafted.post(f"{HOME}/questions/{question_id}/up", data={"csrf_token": token})
    assert editing.check(draft_text(db)).step(step_id).questions[0].id == question_id
    drafted.post(f"{HOME}/steps/{step_id}/up", data={"csrf_token": token})
    steps = [s.id for s in editing.check(draft_text(db)).steps]
    assert steps[-2] == step_id
    drafted.post(f"{HOME}/steps/{step_id}/remove", data={"csrf_token": token})
    assert editing.check(draft_text(db)).step(step_id) is None


def test_removing_a_question_others_depend_on_is_refused_with_the_reason(drafted, db):
    before = draft_text(db)
    token = csrf_of(drafted.get(HOME))
    response = drafted.post(
        f"{HOME}/questions/review_cadence/remove",
        data={"csrf_token": token},
        follow_redirects=True,
    )
    assert "Not changed" in response.get_data(as_text=True)
    assert draft_text(db) == before


def test_the_toml_page_keeps_a_refused_text(drafted, db):
    before = draft_text(db)
    token = csrf_of(drafted.get(f"{HOME}/source"))
    broken = before.replace('type = "single"', 'type = "singel"', 1)
    response = drafted.post(
        f"{HOME}/source", data={"csrf_token": token, "source": broken}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "&#39;type&#39; must be one of" in page
    assert "singel" in page
    assert draft_text(db) == before


def test_import_and_export(owner, db):
    token = csrf_of(owner.get(HOME))
    bad = owner.post(
        f"{HOME}/import",
        data={"csrf_token": token, "file": (io.BytesIO(b"version = 3"), "q.toml")},
        follow_redirects=True,
    )
    assert "Not imported" in bad.get_data(as_text=True)
    assert db.session.scalar(sa.select(QuestionnaireDraft)) is None
    text = registry.shipped().source.replace(
        'version = "2027.02"', 'version = "2099.01"'
    )
    owner.post(
        f"{HOME}/import",
        data={"csrf_token": token, "file": (io.BytesIO(text.encode()), "q.toml")},
    )
    assert draft_text(db) == text
    exported = owner.get(f"{HOME}/export/draft")
    assert exported.get_data(as_text=True) == text
    assert "questionnaire-2099.01.toml" in exported.headers["Content-Disposition"]


def test_the_preview_shows_the_draft_and_saves_nothing(drafted, db):
    _, data = question_page_data(drafted, "full_name")
    data.update(label="Your full name, please", action="save")
    drafted.post(f"{HOME}/questions/full_name", data=data)
    page = drafted.get(f"{HOME}/preview/1").get_data(as_text=True)
    assert "Your full name, please" in page
    assert "nothing you enter is kept" in page
    token = csrf_of(drafted.get(f"{HOME}/preview/1"))
    response = drafted.post(
        f"{HOME}/preview/1",
        data={"csrf_token": token, "nav": "next", "q_full_name": "X"},
    )
    assert response.headers["Location"].endswith(f"{HOME}/preview/2")
    assert db.session.scalar(sa.select(sa.func.count(Submission.id))) == 0


def test_the_check_page_scores_the_samples_and_shows_the_dry_run(drafted, db):
    old = make_submission(persona="one_off_project")
    db.session.commit()
    page = drafted.get(f"{HOME}/check?numbers={old.id}").get_data(as_text=True)
    assert "strategic collaborator" in page
    assert f"#{old.id} " in page
    assert "0 of 18 sample prospects would change verdict." in page
    assert "Dry run under the draft" in page


def test_publishing_makes_the_draft_the_version_new_prospects_answer(
    drafted, db, client
):
    old = make_submission(persona="strategic_collaborator")
    db.session.commit()
    _, data = question_page_data(drafted, "full_name")
    data.update(label="Your full name, please", action="save")
    drafted.post(f"{HOME}/questions/full_name", data=data)
    version = editing.check(draft_text(db)).version
    token = csrf_of(drafted.get(f"{HOME}/check"))
    response = drafted.post(f"{HOME}/publish", data={"csrf_token": token})
    assert response.status_code == 302
    published = db.session.scalar(sa.select(PublishedQuestionnaire))
    assert published.version == version
    assert db.session.scalar(sa.select(QuestionnaireDraft)) is None
    g.pop("intake_published", None)
    assert registry.active().version == version
    # a new prospect answers it
    prospect = client.application.test_client()
    assert "Your full name, please" in prospect.get("/start/step/1").get_data(
        as_text=True
    )
    Wizard(prospect, registry.active()).complete(PERSONAS["steady_collaborator"])
    newest = db.session.scalar(sa.select(Submission).order_by(Submission.id.desc()))
    assert newest.id != old.id
    assert newest.questionnaire_version == version
    assert newest.status == "new"
    # an old submission still shows its own
    db.session.expire_all()
    page = drafted.get(f"/workspace/submissions/{old.id}").get_data(as_text=True)
    assert f"questionnaire version {registry.shipped().version}" in page
    assert "Your name" in page


def test_a_version_name_already_used_cannot_be_published(drafted, db):
    (_,) = (None,)
    token = csrf_of(drafted.get(HOME))
    drafted.post(
        f"{HOME}/header",
        data={
            "csrf_token": token,
            "version": registry.shipped().version,
            "title": "Again",
            "intro": "",
        },
    )
    page = drafted.get(f"{HOME}/check").get_data(as_text=True)
    assert "is already used" in page
    response = drafted.post(
        f"{HOME}/publish", data={"csrf_token": token}, follow_redirects=True
    )
    assert "Not published" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(PublishedQuestionnaire)) is None
