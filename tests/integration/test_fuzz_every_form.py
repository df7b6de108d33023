"""Hostile text in every form the app serves never gives a 500, on SQLite or PostgreSQL.

The forms are found, not listed: every GET route of `app.url_map` is opened (its
arguments filled from a world with a prospect, a draft, a sent proposal, a teammate,
a saved view, a failed e-mail and live links), each page's POST forms are parsed, and
each POST route must have been found in a page. Hypothesis then posts NUL bytes,
control and bidi characters, 10,000 characters, emoji and newlines into every text
field, with the page's CSRF token and session. A route added later is covered
without editing this file.
"""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.routing import Rule

from intake import create_app
from intake.models import (
    MAIL_FAILED,
    OutboxMessage,
    PasswordReset,
    SavedView,
    TeamInvitation,
    utcnow,
)
from intake.security import hash_token
from tests.conftest import Wizard, config_in, sign_in
from tests.factories import make_consultant, make_submission
from tests.personas import PERSONAS

HOSTILE = [
    "\x00",
    "a\x00b",
    "\x00" * 50,
    "\x01\x02\x1b[31m\x7f\x85",
    "\u202eevil\u202c",
    "\u2066\u2067name\u2069\u200f",
    "line one\r\nline two\rline three\n",
    "x" * 10_000,
    "😀" * 2_500,
    "👩‍💻 Zoë O'Brien",
    "\t \n ",
    "<script>alert(1)</script>",
]
# a HOSTILE text is drawn as its index: hypothesis writes the arguments of each
# example out, and six copies of the 10,000-character ones made a repr of 91 kB,
# which it warns about (an error here: filterwarnings)
hostile_text = st.one_of(
    st.integers(min_value=0, max_value=len(HOSTILE) - 1),
    st.text(
        # a browser sends UTF-8: no lone surrogates
        st.one_of(
            st.characters(exclude_categories=["Cs"]),
            st.sampled_from("\x00\u202e\u2066\r\n😀"),
        ),
        max_size=60,
    ),
)
TEXT_INPUTS = {"text", "email", "search", "url", "tel", "hidden", "password", ""}
SKIPPED_PAGES = (".pdf", ".csv", ".eml", ".css", ".ico", ".txt", "/healthz")
SETTINGS = settings(
    max_examples=12,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
OWNER = "owner@example.com"
TEAMMATE = "teammate@example.com"


# ---- the forms of a page -------------------------------------------------------------


class _Forms(HTMLParser):
    """The POST forms of a page: action, and each field's name, kind and first value."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._form = None
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "get").lower() == "post":
            self._form = {"action": a.get("action", ""), "fields": {}}
            self.forms.append(self._form)
        if self._form is None:
            return
        fields, name = self._form["fields"], a.get("name")
        if tag == "option" and self._select is not None:
            fields.setdefault(self._select, ("select", a.get("value", "")))
        elif tag == "select" and name:
            self._select = name
        elif tag == "textarea" and name:
            fields[name], self._textarea = ("textarea", ""), name
        elif tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in ("checkbox", "radio"):
                fields.setdefault(name, ("choice", a.get("value", "y")))
            elif kind not in ("submit", "button", "image", "reset"):
                fields[name] = (kind, a.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea and self._form is not None:
            self._form["fields"][self._textarea] = ("textarea", data.strip())


def _forms_of(html: str) -> list[dict]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms


# ---- the world the routes' arguments come from ---------------------------------------


def _world(app) -> dict:
    """A prospect with a sent proposal, a draft, a teammate, a removed member, a saved
    view, a failed
    e-mail, and live reset, join and unsubscribe links; returns the URL arguments."""
    from intake.extensions import db
    from intake.mail import messages
    from intake.offers import service
    from intake.practice_store import current_practice

    with app.test_request_context(base_url="http://intake.test/"):
        owner = make_consultant(email=OWNER, name="Olive Owner")
        teammate = make_consultant(email=TEAMMATE, name="Theo Teammate")
        teammate.role = "consultant"
        gone = make_consultant(email="gone@example.com", name="Gil Gone")
        gone.active = False  # a removed member: the team page offers Restore
        prospect = make_submission(status="reviewing")
        draft = make_submission(status="draft")
        db.session.flush()
        _, offer_token = service.send(
            prospect,
            current_practice(),
            message="Here is our proposal.",
            sent_by="Olive Owner",
            base_url="http://intake.test/",
        )
        view = SavedView(consultant_id=owner.id, name="Mine", query="status=new")
        reset, invite = "reset-token-" + "r" * 40, "join-token-" + "j" * 40
        later = utcnow() + dt.timedelta(hours=1)
        db.session.add_all(
            [
                view,
                PasswordReset(
                    consultant_id=owner.id,
                    token_hash=hash_token(reset),
                    expires_at=later,
                ),
                TeamInvitation(
                    email="new@example.com",
                    role="consultant",
                    token_hash=hash_token(invite),
                    expires_at=later,
                ),
            ]
        )
        # a second prospect whose proposal was accepted: its page offers Countersign
        won = make_submission(status="reviewing", email="won@example.com")
        db.session.flush()
        won_offer, _ = service.send(
            won,
            current_practice(),
            message="Here is our proposal.",
            sent_by="Olive Owner",
            base_url="http://intake.test/",
        )
        db.session.flush()
        assert service.accept(
            won_offer,
            won,
            service.Acceptance(
                name="Wendy Won",
                option=won_offer.content["options"][0]["name"],
                start_date=utcnow().date() + dt.timedelta(days=10),
                ip="203.0.113.9",
                user_agent="Browser/1.0",
                pdf_sha256=won_offer.pdf_sha256,
            ),
            signed_pdf=won_offer.pdf,
        )
        booking_token, invite_token = _booking_world(prospect)
        messages.queue_submitted(prospect)
        db.session.flush()
        db.session.execute(sa.update(OutboxMessage).values(status=MAIL_FAILED))
        messages.queue_reminder(draft, "draft-token")  # its "send now" button
        unsubscribe = messages.unsubscribe_url(prospect.email).rsplit("/", 1)[1]
        editor_ids = _editor_world(owner)
        # clients with outcomes: the report offers "Take these into a draft"
        from intake.outcomes.demo import create_demo_outcomes

        create_demo_outcomes()
        db.session.commit()
        return {
            # pages the url_map walk does not reach with the ids below
            "extra_pages": [f"/workspace/submissions/{won.id}", "/workspace/outcomes"],
            "ids": {
                "submission_id": prospect.id,
                "draft_id": draft.id,
                "member_id": teammate.id,
                "view_id": view.id,
                "outbox_id": db.session.scalar(
                    sa.select(sa.func.min(OutboxMessage.id))
                ),
                **editor_ids,
            },
            "tokens": {
                "/proposal/": offer_token,
                "/workspace/reset-password/": reset,
                "/workspace/join/": invite,
                "/mail/unsubscribe/": unsubscribe,
                "/start/resume/": "unknown-token",
                "/booking/": booking_token,
                "/call/invite/": invite_token,
            },
        }


def _editor_world(owner) -> dict[str, str]:
    """A draft of the next questionnaire version: the ids of its first step, a question
    with choices and a rule (the editor's pages offer their forms only with a draft)."""
    from intake import registry
    from intake.editor import store
    from intake.questionnaire import editing

    active = registry.active()
    data = editing.load(active.source)
    data["version"] = "2099.01"
    store.save_draft_text(editing.dump(data), owner)
    question = next(q for q in active.questions if q.type == "single")
    return {
        "step_id": active.steps[0].id,
        "question_id": question.id,
        "rule_id": active.rules[0].id,
    }


def _booking_world(prospect) -> tuple[str, str]:
    """Calls open every day, one booked by another prospect (its link moves or cancels
    it) and an invitation to book for `prospect`: the tokens of both links."""
    import dataclasses

    from intake.consultation import service as calls
    from intake.extensions import db
    from intake.practice import Availability
    from intake.practice_store import current_practice, save_practice

    days = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    practice = current_practice()
    hours = tuple((d, "09:00", "17:00") for d in days)
    save_practice(
        dataclasses.replace(
            practice, availability=Availability(enabled=True, hours=hours)
        )
    )
    other = make_submission()
    db.session.flush()
    slot = calls.free(current_practice(), utcnow())[-1]
    _, token = calls.book(other, slot.value, "UTC", current_practice())
    return token, calls.invite_token(prospect)


def _urls(rule: Rule, world: dict, steps: int) -> list[str]:
    """The rule's URL(s) with arguments from the world; [] when it takes unknown ones."""
    values: dict[str, object] = {}
    for name in rule.arguments:
        converter = rule._converters[name]
        if name in world["ids"]:
            values[name] = world["ids"][name]
        elif name == "token":
            prefix = next((p for p in world["tokens"] if rule.rule.startswith(p)), "")
            if not prefix:
                return []
            values[name] = world["tokens"][prefix]
        elif name == "number":
            return [
                re.sub(r"<[^>]*\bnumber>", str(n), rule.rule) for n in range(1, steps)
            ]
        elif hasattr(converter, "items"):  # any(...)
            values[name] = sorted(converter.items)[0]
        else:
            return []
    path = rule.rule
    for name, value in values.items():
        path = re.sub(rf"<[^>]*\b{name}>", str(value), path)
    return [path]


def _crawl(app, clients: dict, world: dict, steps: int) -> dict[str, list]:
    """endpoint -> [(client, page path, form)] for every POST form on every page."""
    found: dict[str, list] = {}
    adapter = app.url_map.bind("intake.test")
    paths = [
        path
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and not rule.rule.endswith(SKIPPED_PAGES)
        for path in _urls(rule, world, steps)
    ]
    for path in paths + world.get("extra_pages", []):
        for who, client in clients.items():
            response = client.get(path)
            if "html" not in response.content_type:
                continue
            for form in _forms_of(response.get_data(as_text=True)):
                action = urlsplit(urljoin(path, form["action"] or path)).path
                try:
                    endpoint, _ = adapter.match(action, method="POST")
                except Exception:  # a form posting elsewhere: not ours to test
                    continue
                found.setdefault(endpoint, []).append((who, action, form))
    return found


def _post_rules(app) -> set[str]:
    return {r.endpoint for r in app.url_map.iter_rules() if "POST" in r.methods}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The world, its browsers and the crawl, built once for the module (proposal PDFs,
    a signed copy and 120 demo clients take seconds): every row of every table and each
    browser's cookies, restored into each test's fresh database by `site`."""
    from intake import registry
    from intake.extensions import db

    folder = tmp_path_factory.mktemp("fuzz-world")
    app = create_app(config_in(folder))  # the cookies stay valid: the same key
    with app.app_context():
        db.drop_all()
        db.create_all()
        questionnaire = registry.active()
    world = _world(app)
    owner, prospect, stranger = (app.test_client() for _ in range(3))
    assert sign_in(owner, email=OWNER).status_code == 302
    wizard = Wizard(prospect, questionnaire)
    for n in range(1, len(questionnaire.steps) + 1):  # all: the review can be sent
        assert (
            wizard.post_step(n, PERSONAS["strategic_collaborator"]).status_code == 302
        )
    booker = app.test_client()  # sent the questionnaire: the thank-you page's times
    assert Wizard(booker, questionnaire).complete(PERSONAS["friendly_founder"])
    clients = {
        "owner": owner,
        "prospect": prospect,
        "stranger": stranger,
        "booker": booker,
    }
    found = _crawl(app, clients, world, len(questionnaire.steps) + 1)
    with app.app_context():
        rows = {
            table.name: [dict(r) for r in db.session.execute(table.select()).mappings()]
            for table in db.metadata.sorted_tables
        }
        db.session.remove()
        db.drop_all()
        db.engine.dispose()
    cookies = {who: dict(client._cookies) for who, client in clients.items()}
    return rows, cookies, found


def _restore(rows: dict[str, list[dict]]) -> None:
    """Insert the module's rows into this test's empty tables; PostgreSQL's id
    sequences continue after them, as they did where the rows were made."""
    from intake.extensions import db

    for table in db.metadata.sorted_tables:
        if rows[table.name]:
            db.session.execute(table.insert(), rows[table.name])
    if db.engine.dialect.name == "postgresql":
        for table in db.metadata.sorted_tables:
            if "id" in table.c and rows[table.name] and table.c.id.autoincrement:
                db.session.execute(
                    sa.text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'),"
                        f" (SELECT max(id) FROM {table.name}))"
                    )
                )
    db.session.commit()


@pytest.fixture
def site(app, built):
    """Browsers (owner, prospect, stranger, booker) in the module's world, restored into
    this test's database, and the forms the crawl found (their CSRF tokens hold: the
    sessions are the same cookies, signed with the same key)."""
    rows, cookies, found = built
    with app.app_context():
        _restore(rows)
    clients = {}
    for who, jar in cookies.items():
        clients[who] = app.test_client()
        clients[who]._cookies.update(jar)
    return clients, found


def _endpoints() -> list[str]:
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": "sqlite://"})
    return sorted(_post_rules(app))


def test_the_walk_finds_a_form_for_every_post_route(app, site):
    _, found = site
    assert _post_rules(app) - set(found) == set()


# hostile text goes into at most this many fields of one post: a form of 80 fields
# drawing text for each overran hypothesis's buffer, which then replayed differently
# (FlakyStrategyDefinition); every field is still reached across the examples
HOSTILE_FIELDS = 6


def _is_text(kind: str) -> bool:
    return kind == "textarea" or kind in TEXT_INPUTS


def _text(drawn: int | str) -> str:
    return HOSTILE[drawn] if isinstance(drawn, int) else drawn


def _value(name: str, kind: str, default, hostile: dict) -> object:
    if kind == "date":
        return (utcnow().date() + dt.timedelta(days=10)).isoformat()
    if name in hostile:
        return hostile[name]
    if _is_text(kind) and name != "csrf_token":
        return default or "Ordinary text"
    return default or ""


@pytest.mark.parametrize("endpoint", _endpoints())
@SETTINGS
@given(
    pick=st.integers(min_value=0),
    fields=st.lists(
        st.tuples(st.integers(min_value=0), hostile_text),
        min_size=1,
        max_size=HOSTILE_FIELDS,
    ),
)
def test_hostile_text_in_every_form_never_fails(site, endpoint, pick, fields):
    """One strategy of a fixed shape, drawn before any form is looked at: which form
    (`pick`), and 1 to HOSTILE_FIELDS (field number, hostile text) pairs, each number
    taken modulo the form's text fields. Draws that depended on the form drawn first
    replayed differently now and then (FlakyStrategyDefinition)."""
    clients, found = site
    who, action, form = found[endpoint][pick % len(found[endpoint])]
    texts = sorted(
        name
        for name, (kind, _) in form["fields"].items()
        if _is_text(kind) and name != "csrf_token"
    )
    hostile = (
        {texts[n % len(texts)]: _text(text) for n, text in fields} if texts else {}
    )
    payload = {
        name: _value(name, kind, value, hostile)
        for name, (kind, value) in form["fields"].items()
    }
    response = clients[who].post(action, data=payload)
    assert response.status_code < 500, (endpoint, action, payload, response.status_code)


def _subclasses(cls: type) -> set[type]:
    found = set(cls.__subclasses__())
    return found.union(*(_subclasses(c) for c in found))


def test_every_form_of_the_app_gets_the_one_normalisation(app):
    """A form added later on FlaskForm (or wtforms.Form) itself would skip intake.text."""
    from flask_wtf import FlaskForm
    from wtforms import Form as PlainForm

    from intake.forms import Form, SubForm

    ours = {
        c
        for c in _subclasses(PlainForm)
        if c.__module__.startswith("intake.") and c not in (Form, SubForm)
    }
    assert len(ours) > 10
    assert {c.__qualname__ for c in ours if not issubclass(c, (Form, SubForm))} == set()
    assert FlaskForm in Form.__mro__


# fields no page, PDF or e-mail shows: checked against a set of values, or only read
UNSHOWN = {
    "csrf_token",  # Flask-WTF's own
    "next",  # a path on this site or nothing (security.is_safe_next)
    "back",  # likewise
    "nav",  # "next" or "back"
    "then",  # "review" or nothing
    "shown",  # question ids, compared with the step's
    "website",  # the honeypot: only checked for being empty
    "sort",  # one of the list's sorts (filter)
    "direction",  # asc or desc (filter)
    "query",  # rebuilt from checked values (saved_views.canonical_query)
}


def test_every_text_field_has_a_length_bound(app):
    """A field that reaches a PDF, an e-mail or a page says how long it may be."""
    from wtforms import StringField
    from wtforms.validators import Length, Regexp

    from intake.forms import Form, SubForm
    from intake.prospect.forms import StepForm

    unbounded = set()
    with app.test_request_context():
        for cls in _subclasses(Form) | _subclasses(SubForm):
            if issubclass(cls, StepForm):  # answers: the questionnaire's max_length
                continue
            form = cls(meta={"csrf": False}) if issubclass(cls, Form) else cls()
            for field in form:
                if not isinstance(field, StringField) or field.name in UNSHOWN:
                    continue
                if field.type == "PasswordField":
                    continue  # hashed, never shown (and bounded: NewPasswordForm)
                bounds = [
                    v
                    for v in field.validators
                    if isinstance(v, Length) and v.max > 0 or isinstance(v, Regexp)
                ]
                if not bounds:
                    unbounded.add(f"{cls.__qualname__}.{field.name}")
    assert unbounded == set()
