"""One URL area, one guard: every route under /workspace, found by walking `app.url_map`
(never a hand-made list, so a route added later is covered without editing this file),
refuses a browser without a live session, answers 404 to ids of any size, is never
stored by a cache, and keeps the owners' routes to owners. The Outbox shows no private
link to anyone."""

from __future__ import annotations

import dataclasses
import re
from email import message_from_bytes, policy

import pytest
import sqlalchemy as sa
from flask import Flask
from werkzeug.routing import Rule

from intake.extensions import db as _db
from intake.mail import messages
from intake.models import AuditEvent, Consultant, SavedView, Submission
from intake.private_links import HIDDEN, PRIVATE_PATH_PREFIXES, TOKEN
from intake.workspace import guard
from tests.conftest import csrf_of, sign_in
from tests.factories import make_consultant, make_submission

OWNER, CONSULTANT = "owner@example.com", "colin@example.com"
ARGUMENT = re.compile(r"<(?:(?P<conv>\w+)(?:\((?P<args>[^)]*)\))?:)?(?P<name>\w+)>")
# ids and page numbers of any size: none names anything, none is a 500
HUGE = [0, 2**31, 2**63, int("9" * 400)]
ODD_QUERIES = [
    *(f"page={n}" for n in (-1, *HUGE)),
    "date_to=9999-12-31",
    "date_from=9999-12-31",
    "date_from=0001-01-01&date_to=9999-12-31",
    "date_to=0001-01-01",
]
SECRET = "Sup3r-s3cret_token"


@pytest.fixture
def app_config(app_config):
    # a 500 is an answer here, not an exception in the test: its URL goes in the message
    return {**app_config, "PROPAGATE_EXCEPTIONS": False}


@dataclasses.dataclass
class World:
    app: Flask
    ids: dict[str, int]
    owner_id: int


@pytest.fixture
def world(app) -> World:
    """An owner, a consultant, one of each thing a workspace URL names. Made outside any
    request: each request of the test browsers then gets its own app context."""
    with app.app_context():
        owner = make_consultant(email=OWNER, name="Olive Owner")
        colleague = make_consultant(email=CONSULTANT, name="Colin Colleague")
        colleague.role = "consultant"
        submission = make_submission()
        draft = make_submission(status="draft")
        _db.session.flush()
        mail = messages.queue_resume_link(draft, SECRET)
        view = SavedView(consultant_id=owner.id, name="Mine", query="")
        _db.session.add(view)
        _db.session.commit()
        ids = {
            "submission_id": submission.id,
            "draft_id": draft.id,
            "outbox_id": mail.id,
            "member_id": colleague.id,
            "view_id": view.id,
        }
        return World(app=app, ids=ids, owner_id=owner.id)


# ---- the walk ------------------------------------------------------------------------


def workspace_rules(app: Flask) -> list[Rule]:
    return sorted(
        (r for r in app.url_map.iter_rules() if r.rule.startswith("/workspace")),
        key=lambda r: r.rule,
    )


def guarded_rules(app: Flask) -> list[Rule]:
    return [r for r in workspace_rules(app) if r.endpoint not in guard.PUBLIC]


def methods_of(rule: Rule) -> list[str]:
    return sorted(rule.methods - {"HEAD", "OPTIONS"})


def _sample(match: re.Match, ids: dict[str, int]) -> str:
    """A value the converter takes: the id of a thing that exists, where one does."""
    conv, name = match["conv"] or "default", match["name"]
    if conv in ("id", "int"):
        return str(ids.get(name, 1))
    if conv == "any":
        return match["args"].split(",")[0].strip().strip("'\"")
    return "not-a-real-token" if name == "token" else "x"


def url_of(rule: Rule, ids: dict[str, int], **override) -> str:
    return ARGUMENT.sub(
        lambda m: (
            str(override[m["name"]]) if m["name"] in override else _sample(m, ids)
        ),
        rule.rule,
    )


def number_arguments(rule: Rule) -> list[str]:
    return [
        m["name"]
        for m in ARGUMENT.finditer(rule.rule)
        if m["conv"] in ("id", "int", "float")
    ]


def call(client, method: str, url: str, token: str | None):
    data = {"csrf_token": token} if method == "POST" and token else None
    return client.open(url, method=method, data=data)


def refused(response) -> bool:
    """Sent to sign in (or 401/403): never the page."""
    if response.status_code in (401, 403):
        return True
    location = response.headers.get("Location", "")
    return response.status_code == 302 and location.startswith("/workspace/login")


def signed_in(app: Flask, email: str):
    """A browser signed in as `email`, and a CSRF token of its session."""
    client = app.test_client()
    assert sign_in(client, email=email).status_code == 302
    response = client.get("/workspace/")
    assert response.status_code == 200
    return client, csrf_of(response)


def session_value(client) -> str:
    return client.get_cookie("session", domain="intake.test").value


def restore(client, value: str) -> None:
    client.set_cookie("session", value, domain="intake.test")


# ---- 1. the walk finds the whole area --------------------------------------------------


def test_the_walk_finds_every_workspace_route_and_one_blueprint_owns_them(app):
    rules = workspace_rules(app)
    endpoints = {r.endpoint for r in rules}
    assert len(rules) >= 35
    assert {
        "workspace.outbox",
        "workspace.outbox_message",
        "workspace.outbox_eml",
        "workspace.outbox_html",
        "workspace.outbox_retry",
        "workspace.send_proposal",
        "workspace.signed_pdf",
        "workspace.forgot_password",
        "workspace.reset_password",
        "workspace.activity",
        "workspace.export_csv",
    } <= endpoints
    # one blueprint: no other one serves /workspace/*, and it serves nothing else
    assert {e.split(".")[0] for e in endpoints} == {"workspace"}
    elsewhere = [
        r.rule
        for r in app.url_map.iter_rules()
        if r.endpoint.startswith("workspace.") and r not in rules
    ]
    assert elsewhere == []
    # the one explicit allow-list of pages a signed-out browser may open
    assert guard.PUBLIC == {
        "workspace.login",
        "workspace.forgot_password",
        "workspace.reset_password",
        "workspace.join",
    }
    assert guard.PUBLIC <= endpoints


def test_every_number_in_a_workspace_url_is_a_bounded_id(app):
    """An `int` converter would take 2**31 to the database (a 500 on PostgreSQL)."""
    loose = [
        (r.rule, name)
        for r in workspace_rules(app)
        for name, conv in r._converters.items()
        if type(conv).__name__ != "IdConverter" and "Integer" in type(conv).__name__
    ]
    assert loose == []


def test_the_owner_table_holds_the_outbox_the_trail_settings_team_and_deletion(app):
    owners = {r.endpoint for r in workspace_rules(app) if guard.is_owner_only(r.rule)}
    assert {
        "workspace.outbox",
        "workspace.outbox_message",
        "workspace.outbox_eml",
        "workspace.outbox_html",
        "workspace.outbox_retry",
        "workspace.activity",
        "workspace.settings",
        "workspace.save_settings",
        "workspace.availability",
        "workspace.followup",
        "workspace.team",
        "workspace.invite",
        "workspace.change_role",
        "workspace.remove_member",
        "workspace.restore_member",
        "workspace.resend_invitation",
        "workspace.cancel_invitation",
        "workspace.delete_submission",
        # the questionnaire editor
        "workspace.editor_add_question",
        "workspace.editor_add_rule",
        "workspace.editor_add_step",
        "workspace.editor_check",
        "workspace.editor_discard",
        "workspace.editor_export",
        "workspace.editor_header",
        "workspace.editor_home",
        "workspace.editor_import",
        "workspace.editor_preview",
        "workspace.editor_publish",
        "workspace.editor_question",
        "workspace.editor_question_order",
        "workspace.editor_remove_rule",
        "workspace.editor_rule",
        "workspace.editor_source",
        "workspace.editor_start",
        "workspace.editor_step",
        "workspace.take_suggestions",
        "workspace.editor_step_order",
    } == owners
    # every entry of the table names at least one route (no stale entry)
    rules = [r.rule for r in workspace_rules(app)]
    for path in guard.OWNER_ONLY:
        assert any(guard.is_owner_only(r) and r.startswith(path) for r in rules), path


# ---- 2. no live session, no page ------------------------------------------------------


def assert_all_refused(client, rules, ids, token, *, before=None) -> None:
    """Every method of every rule is refused; `before` runs before each request."""
    wrong = []
    for rule in rules:
        for method in methods_of(rule):
            if before:
                before()
            url = url_of(rule, ids)
            response = call(client, method, url, token)
            if not refused(response):
                wrong.append((method, url, response.status_code))
    assert wrong == []


def test_without_a_session_every_route_but_the_public_ones_sends_to_sign_in(world):
    client = world.app.test_client()
    token = csrf_of(client.get("/workspace/login"))
    rules = guarded_rules(world.app)
    assert_all_refused(client, rules, world.ids, token)
    # the public pages answer without one
    for endpoint, url in (
        ("workspace.login", "/workspace/login"),
        ("workspace.forgot_password", "/workspace/forgot-password"),
    ):
        assert client.get(url).status_code == 200, endpoint


def test_login_disabled_opens_no_workspace_route(app_config, world):
    """Flask-Login's LOGIN_DISABLED switches its decorator off; the guard ignores it."""
    world.app.config["LOGIN_DISABLED"] = True
    client = world.app.test_client()
    token = csrf_of(client.get("/workspace/login"))
    assert_all_refused(client, guarded_rules(world.app), world.ids, token)


@pytest.mark.parametrize(
    "key,limit",
    [("seen_at", "SESSION_IDLE_MINUTES"), ("signed_in_at", "SESSION_MAX_HOURS")],
)
def test_an_idle_or_too_old_session_opens_no_route(world, key, limit):
    app = world.app
    client, token = signed_in(app, OWNER)
    live = session_value(client)
    seconds = app.config[limit] * (60 if limit.endswith("MINUTES") else 3600)

    def expire():
        restore(client, live)
        with client.session_transaction() as session:
            session[key] -= seconds + 5

    assert_all_refused(client, guarded_rules(app), world.ids, token, before=expire)
    restore(client, live)  # the control: the same session, young enough, is let in
    assert client.get("/workspace/outbox").status_code == 200


def _sign_out_elsewhere(member: Consultant) -> None:
    member.session_generation = Consultant.session_generation + 1


def _remove(member: Consultant) -> None:
    member.active = False


@pytest.mark.parametrize("revoke", [_sign_out_elsewhere, _remove])
def test_a_revoked_session_opens_no_route(world, revoke):
    app = world.app
    client, token = signed_in(app, OWNER)
    assert client.get("/workspace/outbox").status_code == 200
    live = session_value(client)
    with app.app_context():
        revoke(_db.session.get(Consultant, world.owner_id))
        _db.session.commit()
    assert_all_refused(
        client,
        guarded_rules(app),
        world.ids,
        token,
        before=lambda: restore(client, live),
    )


# ---- 3. numbers of any size: 404 or a page, never a 500 ----------------------------------


def assert_huge_ids_are_404(client, rules, ids, token) -> None:
    wrong = []
    for rule in rules:
        for name in number_arguments(rule):
            for number in HUGE:
                url = url_of(rule, ids, **{name: number})
                for method in methods_of(rule):
                    status = call(client, method, url, token).status_code
                    if status != 404:
                        wrong.append((method, url[:80], status))
    assert wrong == []


def test_ids_of_any_size_are_404_signed_in_or_not(world):
    app = world.app
    rules = [r for r in workspace_rules(app) if number_arguments(r)]
    assert len(rules) >= 15
    owner, token = signed_in(app, OWNER)
    assert_huge_ids_are_404(owner, rules, world.ids, token)
    stranger = app.test_client()
    assert_huge_ids_are_404(
        stranger, rules, world.ids, csrf_of(stranger.get("/workspace/login"))
    )


def test_page_numbers_and_dates_of_any_size_are_never_a_500(world):
    app = world.app
    owner, _ = signed_in(app, OWNER)
    wrong = []
    for rule in workspace_rules(app):
        if "GET" not in rule.methods or rule.endpoint.endswith(("_pdf", "signed_pdf")):
            continue  # a PDF reads no query string, and rendering one is slow
        for query in ODD_QUERIES:
            url = f"{url_of(rule, world.ids)}?{query}"
            status = owner.get(url).status_code
            if status >= 500:
                wrong.append((url[:90], status))
    assert wrong == []


@pytest.mark.parametrize("query", ODD_QUERIES, ids=lambda q: q[:40])
def test_the_list_and_the_export_answer_odd_numbers_and_dates(world, query):
    owner, _ = signed_in(world.app, OWNER)
    for url in ("/workspace/", "/workspace/export.csv", "/workspace/drafts"):
        response = owner.get(f"{url}?{query}")
        assert response.status_code == 200, url
        response.get_data()  # the export is streamed: read it to its end


# ---- 4. nothing personal in a cache ---------------------------------------------------------


def assert_never_stored(client, rules, ids) -> int:
    """Every answer to a GET sends no-store (the shared stylesheet aside); returns how
    many were pages (200)."""
    wrong, pages = [], 0
    for rule in rules:
        if "GET" not in rule.methods or rule.endpoint in guard.SHARED:
            continue
        url = url_of(rule, ids)
        response = client.get(url)
        pages += response.status_code == 200
        if response.headers.get("Cache-Control") != "no-store":
            wrong.append(
                (url, response.status_code, response.headers.get("Cache-Control"))
            )
    assert wrong == []
    return pages


def test_every_workspace_answer_is_no_store(world):
    owner, _ = signed_in(world.app, OWNER)
    pages = assert_never_stored(owner, workspace_rules(world.app), world.ids)
    assert pages >= 15  # the walk reached the pages themselves, not only redirects
    stranger = world.app.test_client()
    assert_never_stored(stranger, workspace_rules(world.app), world.ids)


def test_the_questionnaire_pages_with_answers_are_no_store(wizard, client):
    from tests.personas import PERSONAS

    wizard.post_step(1, PERSONAS["strategic_collaborator"])
    for url in ("/start/", "/start/step/1", "/start/step/2", "/start/review"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response.headers["Cache-Control"], url


# ---- 5. the owners' routes ---------------------------------------------------------------


def assert_owner_only(app, rules, ids) -> None:
    consultant, token = signed_in(app, CONSULTANT)
    wrong = []
    for rule in rules:
        owners_only = guard.is_owner_only(rule.rule)
        for method in methods_of(rule):
            url = url_of(rule, ids)
            status = call(consultant, method, url, token).status_code
            if owners_only != (status == 403):
                wrong.append((method, url, status))
    assert wrong == []


def test_every_owner_only_route_answers_403_to_a_consultant(world):
    rules = guarded_rules(world.app)
    assert_owner_only(
        world.app, [r for r in rules if guard.is_owner_only(r.rule)], world.ids
    )
    with world.app.app_context():
        member = _db.session.get(Consultant, world.ids["member_id"])
        assert (member.active, member.role) == (True, "consultant")


def test_any_member_may_export_the_list_and_it_is_in_the_trail(world):
    consultant, _ = signed_in(world.app, CONSULTANT)
    assert consultant.get("/workspace/export.csv").status_code == 200
    assert consultant.get("/workspace/").status_code == 200
    page = consultant.get("/workspace/").get_data(as_text=True)
    assert 'href="/workspace/outbox"' not in page
    assert 'href="/workspace/activity"' not in page
    assert "Sign out everywhere" in page
    with world.app.app_context():
        actions = _db.session.execute(
            sa.select(AuditEvent.actor, AuditEvent.action).where(
                AuditEvent.action == "export"
            )
        ).all()
    assert actions == [(CONSULTANT, "export")]


# ---- 6. a route added later is covered without editing this test ------------------------


def test_a_route_added_later_is_guarded_like_the_others(app, world):
    def later(thing_id: int = 0):
        return f"personal data {thing_id}"

    app.add_url_rule(
        "/workspace/later/<id:thing_id>", endpoint="workspace.later", view_func=later
    )
    app.add_url_rule(
        "/workspace/team/later", endpoint="workspace.team_later", view_func=later
    )
    new = [r for r in workspace_rules(app) if "later" in r.endpoint]
    assert len(new) == 2
    stranger = app.test_client()
    assert_all_refused(
        stranger, new, world.ids, csrf_of(stranger.get("/workspace/login"))
    )
    owner, token = signed_in(app, OWNER)
    assert_huge_ids_are_404(owner, new, world.ids, token)
    assert assert_never_stored(owner, new, world.ids) == 2
    assert guard.is_owner_only("/workspace/team/later")
    assert_owner_only(app, new, world.ids)  # the team's is 403, the other one is not


# ---- 7. the Outbox shows no private link ---------------------------------------------------

EXPOSED = re.compile(
    "(" + "|".join(re.escape(p) for p in PRIVATE_PATH_PREFIXES) + f"){TOKEN}"
)


def exposed_tokens(text: str) -> list[str]:
    """Private links in the text whose token is readable."""
    return [m[0] for m in EXPOSED.finditer(text) if not m[0].endswith(HIDDEN)]


def _eml_texts(data: bytes) -> str:
    """Headers and every text part of an .eml, decoded."""
    msg = message_from_bytes(data, policy=policy.default)
    parts = [f"{k}: {v}" for k, v in msg.items()]
    parts += [p.get_content() for p in msg.walk() if p.get_content_maintype() == "text"]
    return "\n".join(parts)


def _queue_booking(submission_id: int) -> None:
    """A booked call's invitation, whose link moves or cancels it."""
    import datetime as dt

    from intake.consultation import mails as booking_mails
    from intake.consultation.models import Booking
    from intake.practice_store import current_practice
    from intake.security import hash_token

    start = dt.datetime(2030, 1, 7, 10, tzinfo=dt.UTC)
    booking = Booking(
        submission_id=submission_id,
        start_at=start,
        end_at=start + dt.timedelta(minutes=45),
        token_hash=hash_token(SECRET),
        time_zone="UTC",
    )
    _db.session.add(booking)
    _db.session.flush()
    submission = _db.session.get(Submission, submission_id)
    booking_mails.queue_booked(
        booking, submission, current_practice(), SECRET, moved=False
    )
    booking_mails.queue_invite(submission, current_practice(), SECRET)


@pytest.fixture
def queued_world(app_config, world):
    """Messages of every kind with a private link, all still waiting (the mail server is
    not there): what a consultant saw in the Outbox before."""
    app = world.app
    app.config["MAIL_URL"] = "smtp://127.0.0.1:9"
    with app.app_context():
        draft = _db.session.get(Submission, world.ids["draft_id"])
        messages.queue_reminder(draft, SECRET)
        _queue_booking(world.ids["submission_id"])
        _db.session.commit()
    owner, token = signed_in(app, OWNER)
    submission = world.ids["submission_id"]
    assert (
        owner.post(
            "/workspace/team/invite",
            data={
                "csrf_token": token,
                "email": "new@example.com",
                "role": "consultant",
            },
        ).status_code
        == 302
    )
    sent = owner.post(
        f"/workspace/submissions/{submission}/send-proposal",
        data={"csrf_token": token, "message": "Here it is."},
    )
    assert sent.status_code == 302
    stranger = app.test_client()  # the public page: anyone asks for the owner's reset
    stranger.post(
        "/workspace/forgot-password",
        data={
            "csrf_token": csrf_of(stranger.get("/workspace/forgot-password")),
            "email": OWNER,
        },
    )
    return owner


def test_the_outbox_hides_every_private_link_in_every_view(world, queued_world):
    owner = queued_world
    listing = owner.get("/workspace/outbox").get_data(as_text=True)
    ids = sorted(set(map(int, re.findall(r'href="/workspace/outbox/(\d+)"', listing))))
    kinds_hidden = set()
    for outbox_id in ids:
        base = f"/workspace/outbox/{outbox_id}"
        page = owner.get(base).get_data(as_text=True)
        html = owner.get(f"{base}/message.html").get_data(as_text=True)
        eml = _eml_texts(owner.get(f"{base}.eml").get_data())
        for where, text in (("page", page), ("html", html), ("eml", eml)):
            assert exposed_tokens(text) == [], (outbox_id, where)
            assert SECRET not in text
        kinds_hidden |= {p for p in PRIVATE_PATH_PREFIXES if p + HIDDEN in page + eml}
    assert exposed_tokens(listing) == []
    # each kind of private link was there, and was shown hidden (the calendar feed's
    # link is shown once on its page, never mailed)
    assert kinds_hidden == set(PRIVATE_PATH_PREFIXES) - {"/calendar/"}


def test_a_consultant_cannot_read_a_queued_reset_link(world, queued_world):
    """The blocker: ask a reset for the owner's address, read the link in the Outbox."""
    consultant, _ = signed_in(world.app, CONSULTANT)
    for url in ("/workspace/outbox", f"/workspace/outbox/{world.ids['outbox_id']}"):
        assert consultant.get(url).status_code == 403
    for suffix in (".eml", "/message.html"):
        url = f"/workspace/outbox/{world.ids['outbox_id']}{suffix}"
        assert consultant.get(url).status_code == 403


# ---- 8. every private link of the app is one the redaction knows ----------------------------


def test_every_route_with_a_token_is_a_private_path(app):
    from intake.private_links import redact

    with_token = [r for r in app.url_map.iter_rules() if "token" in r.arguments]
    assert len(with_token) >= 5
    for rule in with_token:
        url = "https://intake.example" + url_of(rule, {}, token=SECRET)
        assert SECRET not in redact(url), rule.rule
        assert HIDDEN in redact(url)
