"""The consultant's workspace through the test client."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
import sqlalchemy as sa

from intake import submissions
from intake.models import DeletionRecord, Note, StatusChange, Submission
from tests.conftest import csrf_of, sign_in
from tests.factories import PASSWORD, listed_row, make_submission


class Auth:
    def __init__(self, client):
        self.client = client

    def login(self, email="consultant@example.com", password=PASSWORD, **kw):
        return sign_in(self.client, email=email, password=password, **kw)


@pytest.fixture
def auth(client, consultant):
    return Auth(client)


def names_in(response) -> list[str]:
    return re.findall(
        r'class="prospect-link">([^<]+)</a>', response.get_data(as_text=True)
    )


# ---- access control -------------------------------------------------------

PROTECTED_GET = [
    "/workspace/",
    "/workspace/drafts",
    "/workspace/settings",
    "/workspace/export.csv",
    "/workspace/submissions/1",
]
PROTECTED_POST = [
    "/workspace/submissions/1/notes",
    "/workspace/submissions/1/status",
    "/workspace/submissions/1/delete",
    "/workspace/settings/practice",
    "/workspace/settings/packages",
    "/workspace/logout",
]


@pytest.mark.parametrize("url", PROTECTED_GET)
def test_pages_need_sign_in(client, db, url):
    make_submission()
    db.session.commit()
    response = client.get(url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/workspace/login?next=")


@pytest.mark.parametrize("url", PROTECTED_POST)
def test_actions_need_sign_in(client, db, url):
    make_submission()
    db.session.commit()
    token = csrf_of(client.get("/workspace/login"))
    response = client.post(url, data={"csrf_token": token, "body": "x", "confirm": "y"})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/workspace/login")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Submission)) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Note)) == 0


def test_sign_in_and_out(auth, client):
    response = auth.login(email="Consultant@Example.com")
    assert response.headers["Location"] == "/workspace/today"
    assert client.get("/workspace/").status_code == 200
    token = csrf_of(client.get("/workspace/"))
    client.post("/workspace/logout", data={"csrf_token": token})
    assert client.get("/workspace/").status_code == 302


@pytest.mark.parametrize(
    "email,password",
    [("consultant@example.com", "wrong password"), ("nobody@example.com", PASSWORD)],
)
def test_failed_sign_in_does_not_say_which_part_was_wrong(auth, email, password):
    response = auth.login(email=email, password=password)
    assert response.status_code == 401
    assert "That e-mail and password do not match an account." in response.get_data(
        as_text=True
    )


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "////evil.example",
        "/\\evil.example",
        "https://evil.example/",
        "javascript:alert(1)",
    ],
)
def test_next_stays_on_this_site(auth, target):
    response = auth.login(data={"next": target})
    assert response.headers["Location"] == "/workspace/today"


def test_next_inside_the_site_is_followed(auth):
    response = auth.login(data={"next": "/workspace/settings"})
    assert response.headers["Location"] == "/workspace/settings"


def test_failed_sign_ins_are_throttled_per_account(auth, client):
    for i in range(5):
        assert (
            auth.login(
                password="nope", environ_base={"REMOTE_ADDR": f"10.0.0.{i}"}
            ).status_code
            == 401
        )
    blocked = auth.login(
        environ_base={"REMOTE_ADDR": "10.0.0.99"}
    )  # right password, new address
    assert blocked.status_code == 429
    assert "Too many attempts" in blocked.get_data(as_text=True)


def test_failed_sign_ins_are_throttled_per_address(auth):
    for i in range(5):
        assert (
            auth.login(email=f"guess{i}@example.com", password="nope").status_code
            == 401
        )
    assert auth.login().status_code == 429


def test_successful_sign_ins_are_not_counted(auth, client):
    for _ in range(7):
        assert auth.login().status_code == 302


def test_a_resume_token_opens_only_its_own_draft(app, db, wizard):
    from tests.personas import PERSONAS

    wizard.post_step(1, PERSONAS["strategic_collaborator"])
    other = make_submission(persona="needy_always_on", status="draft")
    db.session.commit()
    with wizard.client.session_transaction() as session:
        token = session["draft"]
    fresh = app.test_client()
    fresh.get(f"/start/resume/{token}")
    page = fresh.get("/start/step/1").get_data(as_text=True)
    assert "Hannah Lindqvist" in page and other.name not in page
    assert fresh.get(f"/workspace/submissions/{other.id}").status_code == 302


# ---- the list -------------------------------------------------------------


@pytest.fixture
def three(db):
    now = dt.datetime.now(dt.UTC)
    a = make_submission(
        persona="strategic_collaborator", submitted_at=now - dt.timedelta(days=1)
    )
    b = make_submission(
        persona="solid_but_cautious", submitted_at=now - dt.timedelta(days=10)
    )
    c = make_submission(
        persona="one_off_project",
        submitted_at=now - dt.timedelta(days=40),
        status="reviewing",
    )
    make_submission(persona="pair_of_hands", status="draft")
    db.session.commit()
    return a, b, c


def test_list_shows_submitted_not_drafts(signed_in, three):
    a, b, c = three
    response = signed_in.get("/workspace/")
    assert names_in(response) == [a.name, b.name, c.name]  # newest first
    html = response.get_data(as_text=True)
    assert "3 prospects" in html
    assert f">{a.overall}</strong>" in html


@pytest.mark.parametrize(
    "query,expected",
    [
        ("sort=overall&direction=desc", "by_overall_desc"),
        ("sort=overall&direction=asc", "by_overall_asc"),
        ("sort=name&direction=asc", "by_name"),
    ],
)
def test_sort(signed_in, three, query, expected):
    rows = list(three)
    order = {
        "by_overall_desc": sorted(rows, key=lambda s: -s.overall),
        "by_overall_asc": sorted(rows, key=lambda s: s.overall),
        "by_name": sorted(rows, key=lambda s: s.name),
    }[expected]
    assert names_in(signed_in.get(f"/workspace/?{query}")) == [s.name for s in order]


def test_filter_by_verdict_status_and_dates(signed_in, three):
    a, b, c = three
    assert names_in(signed_in.get("/workspace/?verdict=not+a+fit")) == [c.name]
    assert names_in(signed_in.get("/workspace/?status=reviewing")) == [c.name]
    since = (dt.date.today() - dt.timedelta(days=15)).isoformat()
    assert names_in(signed_in.get(f"/workspace/?date_from={since}")) == [a.name, b.name]
    until = (dt.date.today() - dt.timedelta(days=5)).isoformat()
    assert names_in(signed_in.get(f"/workspace/?date_to={until}")) == [b.name, c.name]


def test_search_by_name_email_business_case_insensitively(signed_in, three):
    a, b, c = three
    assert names_in(signed_in.get("/workspace/?q=LINDQVIST")) == [a.name]
    assert names_in(signed_in.get("/workspace/?q=" + c.email.upper())) == [c.name]
    assert names_in(
        signed_in.get("/workspace/?q=" + b.business.split()[0].lower())
    ) == [b.name]
    assert (
        names_in(signed_in.get("/workspace/?q=%25")) == []
    )  # a literal %, not a wildcard


@pytest.mark.parametrize(
    "query",
    [
        "sort=drop+table",
        "direction=sideways",
        "page=-3",
        "page=abc",
        "date_from=2026-13-45",
        "verdict=%3Cscript%3E",
        "status=nope",
        "q=" + "x" * 500,
        "date_from=2026-02-01&date_to=2026-01-01",
    ],
)
def test_odd_query_strings_fall_back_without_error(signed_in, three, query):
    response = signed_in.get(f"/workspace/?{query}")
    assert response.status_code == 200
    assert len(names_in(response)) in (0, 3)


def test_pagination(signed_in, db):
    for _ in range(30):
        make_submission()
    db.session.commit()
    first = signed_in.get("/workspace/?sort=submitted")
    second = signed_in.get("/workspace/?sort=submitted&page=2")
    assert len(names_in(first)) == 25 and len(names_in(second)) == 5
    assert "page 2 of 2" in second.get_data(as_text=True)
    assert 'rel="next"' in first.get_data(as_text=True)
    assert (
        len(names_in(signed_in.get("/workspace/?page=99"))) == 5
    )  # clamped to the last page


def test_list_query_count_does_not_grow_with_rows(signed_in, db, app):
    """Seed many rows in one statement, then count the SQL of a list page."""
    from intake import registry

    q = registry.active()
    registry.ensure_stored(q)
    now = dt.datetime.now(dt.UTC)
    rows = [listed_row(i, q, now) for i in range(3000)]
    db.session.execute(sa.insert(Submission), rows)
    db.session.commit()
    statements = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        response = signed_in.get("/workspace/?sort=overall&verdict=possible+fit&page=3")
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
    assert response.status_code == 200 and len(names_in(response)) == 25
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    # consultant, practice settings, page count, the page, summary (3 queries)
    assert len(selects) <= 8, selects
    assert not any(
        "answers" in s.split("FROM")[0] for s in selects if "submission" in s
    )


# ---- drafts ----------------------------------------------------------------


def test_drafts_page_shows_progress(signed_in, db):
    d = make_submission(persona="pair_of_hands", status="draft")
    d.steps_done = 2
    db.session.commit()
    html = signed_in.get("/workspace/drafts").get_data(as_text=True)
    assert d.name in html and "2 of 5 steps" in html


def test_summary_counts(signed_in, three):
    html = signed_in.get("/workspace/").get_data(as_text=True)
    assert re.search(r"Unfinished <strong>1</strong>", html)
    assert re.search(r"Reviewing <strong>1</strong>", html)
    assert (
        "3 submissions over the last 12 weeks" in html
        or "2 submissions over the last 12 weeks" in html
    )


# ---- one submission ----------------------------------------------------------


def test_detail_shows_answers_scores_reasons_flags_gaps(signed_in, db):
    s = make_submission(persona="needy_always_on")
    db.session.commit()
    html = signed_in.get(f"/workspace/submissions/{s.id}").get_data(as_text=True)
    assert s.name in html and s.email in html
    assert f"Overall <strong>{s.overall}</strong>" in html
    assert f"Red flags ({s.flag_count})" in html
    assert "Expects replies within 1 hour; your standard is 1 business day." in html
    assert "a request that is not urgent. When do you expect a reply?" in html


def test_detail_shows_what_is_worth_asking_about_and_rules_as_rules(signed_in, db):
    s = make_submission(persona="needy_always_on")
    db.session.commit()
    html = signed_in.get(f"/workspace/submissions/{s.id}").get_data(as_text=True)
    assert '<h2 id="cues-title">Worth asking about</h2>' in html
    assert "Words about urgency: ask what is urgent, and since when." in html
    assert "“My programme has taken off and I am drowning.”" in html
    assert "Together, these answers ask for close contact" in html
    assert "How the answers combine" not in html
    calm = make_submission(persona="steady_collaborator")
    db.session.commit()
    page = signed_in.get(f"/workspace/submissions/{calm.id}").get_data(as_text=True)
    assert "Worth asking about" not in page


def test_unknown_or_draft_submission_is_404(signed_in, db):
    d = make_submission(status="draft")
    db.session.commit()
    assert signed_in.get("/workspace/submissions/9999").status_code == 404
    assert signed_in.get(f"/workspace/submissions/{d.id}").status_code == 404


def test_a_workspace_404_leads_back_to_the_workspace(signed_in, client):
    html = signed_in.get("/workspace/submissions/9999").get_data(as_text=True)
    assert '<a class="button" href="/workspace/">Go to the workspace</a>' in html
    assert "Go to the start page" not in html
    public = client.get("/start/no-such-page").get_data(as_text=True)
    assert "Go to the start page" in public and "Go to the workspace" not in public


def test_same_email_other_capitals_is_linked_by_date(signed_in, db):
    sent = dt.datetime(dt.datetime.now(dt.UTC).year - 1, 3, 3, 10, tzinfo=dt.UTC)
    a = make_submission(email="Hannah@Lindqvist-Advisory.com", submitted_at=sent)
    b = make_submission()
    db.session.commit()
    html = signed_in.get(f"/workspace/submissions/{b.id}").get_data(as_text=True)
    link = (
        f'<a href="/workspace/submissions/{a.id}">on <time datetime="{sent.year}-03-03'
        f'T10:00Z" title="3 March {sent.year} at 10:00 UTC">3 Mar {sent.year}</time></a>'
    )
    assert f"also sent the questionnaire {link}" in html
    assert f"#{a.id}<" not in html


def test_notes_and_status_history(signed_in, db, consultant):
    s = make_submission()
    db.session.commit()
    page = signed_in.get(f"/workspace/submissions/{s.id}")
    token = csrf_of(page)
    signed_in.post(
        f"/workspace/submissions/{s.id}/notes",
        data={"csrf_token": token, "body": "Call on <Tuesday>"},
    )
    signed_in.post(
        f"/workspace/submissions/{s.id}/status",
        data={"csrf_token": token, "status": "booked"},
    )
    html = signed_in.get(f"/workspace/submissions/{s.id}").get_data(as_text=True)
    assert "Call on &lt;Tuesday&gt;" in html and "Casey Consultant" in html
    assert "from New to <strong>Consultation booked</strong>" in html
    changes = db.session.scalars(sa.select(StatusChange)).all()
    assert [(c.from_status, c.to_status) for c in changes] == [("new", "booked")]


def test_empty_note_and_bad_status_are_refused(signed_in, db):
    s = make_submission()
    db.session.commit()
    token = csrf_of(signed_in.get(f"/workspace/submissions/{s.id}"))
    r = signed_in.post(
        f"/workspace/submissions/{s.id}/notes",
        data={"csrf_token": token, "body": "  "},
        follow_redirects=True,
    )
    assert "Please write the note first." in r.get_data(as_text=True)
    r = signed_in.post(
        f"/workspace/submissions/{s.id}/status",
        data={"csrf_token": token, "status": "hacked"},
        follow_redirects=True,
    )
    assert "Please choose one of the statuses listed." in r.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Submission, s.id).status == "new"


def test_delete_needs_confirmation_and_keeps_no_personal_data(signed_in, db):
    s = make_submission()
    db.session.commit()
    sid = s.id
    token = csrf_of(signed_in.get(f"/workspace/submissions/{sid}"))
    signed_in.post(
        f"/workspace/submissions/{sid}/notes",
        data={"csrf_token": token, "body": "note"},
    )
    r = signed_in.post(
        f"/workspace/submissions/{sid}/delete",
        data={"csrf_token": token},
        follow_redirects=True,
    )
    assert "Please tick the box to confirm the deletion." in r.get_data(as_text=True)
    assert db.session.get(Submission, sid) is not None
    r = signed_in.post(
        f"/workspace/submissions/{sid}/delete",
        data={"csrf_token": token, "confirm": "y"},
    )
    assert r.headers["Location"] == "/workspace/"
    db.session.expire_all()
    assert db.session.get(Submission, sid) is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Note)) == 0
    [record] = db.session.scalars(sa.select(DeletionRecord)).all()
    assert (record.submission_id, record.deleted_by) == (sid, "consultant@example.com")
    assert "Hannah" not in repr(vars(record))


# ---- settings and gaps ------------------------------------------------------


def settings_data(page, section=None, **changes):
    """The settings form as the browser would send it, with changes: one section's
    form (its key: "practice", "packages", ...), or every field on the page."""
    html = page.get_data(as_text=True)
    data = {"csrf_token": csrf_of(page)}
    if section:
        action = f'action="/workspace/settings/{section}#{section}"'
        html = re.search(rf"<form[^>]*{action}.*?</form>", html, re.S).group(0)
    for m in re.finditer(r"<input([^>]*)>", html):
        attrs = m.group(1)
        name = re.search(r'name="([^"]+)"', attrs)
        val = re.search(r'value="([^"]*)"', attrs)
        if not (name and val):
            continue
        name, val = (
            name.group(1),
            val.group(1).replace("&#39;", "'").replace("&amp;", "&"),
        )
        if 'type="checkbox"' not in attrs:
            data.setdefault(name, val)
        elif re.search(r"\bchecked\b", attrs):
            data.setdefault(name, []).append(val)
    for name, body in re.findall(
        r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', html, re.S
    ):
        data[name] = body.strip().replace("&#39;", "'").replace("&amp;", "&")
    for name, options in re.findall(
        r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', html, re.S
    ):
        sel = re.search(
            r'<option selected value="([^"]*)"|<option value="([^"]*)" selected',
            options,
        )
        if sel:
            data[name] = sel.group(1) if sel.group(1) is not None else sel.group(2)
        elif first := re.search(r'<option[^>]*value="([^"]*)"', options):
            data[name] = first.group(1)  # none selected: a browser sends the first
    data.update(changes)
    return data


def post_settings(client, section, *, multipart=False, **changes):
    """Post one section of the settings as the browser would, with changes."""
    data = settings_data(client.get("/workspace/settings"), section, **changes)
    kw = {"content_type": "multipart/form-data"} if multipart else {}
    return client.post(f"/workspace/settings/{section}", data=data, **kw)


def test_changing_a_standard_changes_the_gaps(signed_in, db):
    s = make_submission(persona="pair_of_hands")  # expects replies within 4 hours
    db.session.commit()
    url = f"/workspace/submissions/{s.id}"
    assert "Expects replies within 4 working hours" in signed_in.get(url).get_data(
        as_text=True
    )
    response = post_settings(signed_in, "standards", reply_hours="4")
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    assert "Expects replies within 4 working hours" not in signed_in.get(url).get_data(
        as_text=True
    )


def test_settings_validation_errors_are_clear(signed_in):
    """Each section refuses its own bad values with a clear message, and keeps what
    was typed (a colour input holds only colours: the message quotes it)."""
    no_packages = {
        f"packages-{i}-{f}": ""
        for i in range(3)
        for f in ("name", "monthly_hours", "monthly_price")
    }
    for section, changes, message, kept in (
        (
            "brand",
            {"brand_colour": "red; background:url(http://x)"},
            "Use a colour like #1f5f8b. (not “red; background:url(http://x)”)",
            "",
        ),
        (
            "standards",
            {"office_start": "25:00"},
            "Use a 24-hour time such as 09:00.",
            'value="25:00"',
        ),
        (
            "thanks",
            {"booking_url": "javascript:alert(1)"},
            "Use a web address starting with https://",
            'value="javascript:alert(1)"',
        ),
        ("packages", no_packages, "Offer at least one package.", ""),
    ):
        response = post_settings(signed_in, section, **changes)
        html = response.get_data(as_text=True)
        assert response.status_code == 422
        assert message in html
        assert kept in html


def test_brand_css_only_carries_a_valid_colour(client):
    assert (
        client.get("/brand.css").get_data(as_text=True)
        == ":root { --brand: #1f5f8b; }\n"
    )


# ---- CSV ------------------------------------------------------------------

HOSTILE = [
    '=HYPERLINK("http://evil")',
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "\tTAB",
    "\rCR",
    "plain",
]


def test_csv_export_uses_the_filters_and_neutralises_formulas(signed_in, db):
    for i, value in enumerate(HOSTILE):
        make_submission(full_name=value, business_name=f"Biz {i}")
    make_submission(persona="one_off_project")
    db.session.commit()
    response = signed_in.get(
        "/workspace/export.csv?verdict=strong+fit&sort=name&direction=asc"
    )
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][:4] == ["id", "submitted", "name", "business"]
    names = sorted(r[2] for r in rows[1:])
    expected = sorted(("'" + v if v[0] in "=+-@\t\r" else v) for v in HOSTILE)
    assert names == expected  # the one-off project prospect is filtered out
    assert all(r[9] == "strong fit" for r in rows[1:])


def _cells_as_first_written(s: Submission) -> list[str]:
    """A line of the export as the first version wrote it, from the ORM object."""
    from intake.workspace.export import neutralise

    values = (
        s.id,
        s.submitted_at.strftime("%Y-%m-%d %H:%M") if s.submitted_at else "",
        s.name,
        s.business,
        s.email,
        s.overall,
        s.fit,
        s.chemistry,
        s.boundaries,
        s.verdict,
        s.flag_count,
        s.package_override or s.package_name or "",
        s.status_label,
        s.questionnaire_version,
    )
    return [neutralise(v) for v in values]


def test_csv_export_streams_the_same_text_as_the_first_version(signed_in, db):
    """Plain rows (queries.EXPORT_COLUMNS) give byte for byte what ORM objects gave."""
    from intake.workspace.export import CSV_HEADER

    start = dt.datetime(2027, 1, 4, 9, 30, tzinfo=dt.UTC)
    statuses = ["new", "reviewing", "won", "lost", "new", "booked", "new"]
    made = [
        make_submission(
            full_name=value,
            business_name=f"=Biz {i}",
            status=statuses[i],
            submitted_at=start + dt.timedelta(minutes=i),
        )
        for i, value in enumerate(HOSTILE)
    ]
    made.append(
        make_submission(
            persona="one_off_project",
            email="+x@example.com",
            submitted_at=start + dt.timedelta(hours=1),
        )
    )
    made[1].package_override = "@Custom"
    db.session.commit()
    response = signed_in.get("/workspace/export.csv?sort=submitted&direction=asc")
    db.session.expire_all()
    submissions = db.session.scalars(sa.select(Submission).order_by(Submission.id))
    expected = io.StringIO()
    writer = csv.writer(expected)
    writer.writerow(CSV_HEADER)
    writer.writerows(_cells_as_first_written(s) for s in submissions)
    assert expected.getvalue().count("\r\n") == len(made) + 1 == 9
    assert response.get_data(as_text=True) == expected.getvalue()
    assert (
        "'@Custom" in expected.getvalue() and "'+x@example.com" in expected.getvalue()
    )


def test_drafts_pagination(signed_in, db):
    for _ in range(27):
        make_submission(status="draft")
    db.session.commit()
    first = signed_in.get("/workspace/drafts").get_data(as_text=True)
    assert 'href="/workspace/drafts?page=2" rel="next"' in first
    second = signed_in.get("/workspace/drafts?page=2").get_data(as_text=True)
    assert "Page 2 of 2" in second and second.count("steps</span>") == 2


def test_nul_and_control_characters_are_dropped_not_a_500(signed_in, db):
    """PostgreSQL refuses NUL in text; every workspace text field strips it."""
    s = make_submission()
    db.session.commit()
    assert signed_in.get("/workspace/?q=%00lind%01qvist").status_code == 200
    token = csrf_of(signed_in.get(f"/workspace/submissions/{s.id}"))
    signed_in.post(
        f"/workspace/submissions/{s.id}/notes",
        data={"csrf_token": token, "body": "call\x00 back\x07"},
    )
    [note] = db.session.scalars(sa.select(Note)).all()
    assert note.body == "call back"
    response = sign_in(signed_in, email="x\x00@example.com", password="nope")
    assert response.status_code == 401


def test_a_knockout_is_explained_in_the_list_and_on_the_page(signed_in, db):
    from markupsafe import escape

    s = make_submission(persona="one_off_project")
    low = make_submission(persona="pair_of_hands")  # not a fit on its scores alone
    db.session.commit()
    flags = submissions.explanation_of(s)["flags"]
    [reason] = [f["reason"] for f in flags if f["knockout"]]
    assert s.knockouts == [reason]  # stored for the list
    listing = signed_in.get("/workspace/").get_data(as_text=True)
    assert f"Knock-out: {escape(reason)}" in listing
    assert listing.count("Knock-out:") == 1, low.id
    page = signed_in.get(f"/workspace/submissions/{s.id}").get_data(as_text=True)
    assert (
        "Not a fit because of a knock-out answer:</strong> " + str(escape(reason))
        in page
    )
    assert "Knock-out (makes the verdict “Not a fit”): " + str(escape(reason)) in page


def test_status_words_differ_from_verdict_words(signed_in, db):
    make_submission(persona="strategic_collaborator", status="not_a_fit")
    db.session.commit()
    html = signed_in.get("/workspace/").get_data(as_text=True)
    assert ">Declined by us</span>" in html  # the status badge
    assert ">Strong fit</span>" in html  # the verdict badge
    assert '<option value="not_a_fit">Declined by us</option>' in html
