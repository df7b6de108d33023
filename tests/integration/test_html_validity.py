"""Every page, the prospect's and the workspace's, through the W3C Nu HTML Checker
(vnu.jar, from the npm package vnu-jar, run on the machine's Java): no errors.

The checker is installed outside the Python package, into .tools/vnu (ignored by git):
    npm install --prefix .tools/vnu vnu-jar@26.9.27
or point INTAKE_VNU_JAR at a vnu.jar. Without Java the test skips and says so; with
Java but without the jar it fails, saying how to install it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import csrf_of, sign_in
from tests.factories import make_consultant, make_submission
from tests.personas import PERSONAS

ROOT = Path(__file__).resolve().parents[2]
VNU_JAR = Path(
    os.environ.get(
        "INTAKE_VNU_JAR",
        ROOT
        / ".tools"
        / "vnu"
        / "node_modules"
        / "vnu-jar"
        / "build"
        / "dist"
        / "vnu.jar",
    )
)
INSTALL = "npm install --prefix .tools/vnu vnu-jar@26.9.27"


def checker() -> list[str]:
    java = shutil.which("java")
    if not java:
        pytest.skip(
            "the W3C Nu HTML Checker needs Java, and `java` is not on PATH "
            "(apt-get install default-jre-headless)"
        )
    assert VNU_JAR.is_file(), (
        f"vnu.jar not found at {VNU_JAR}: run `{INSTALL}` in the repository "
        "(or set INTAKE_VNU_JAR)"
    )
    return [java, "-Xss8m", "-jar", str(VNU_JAR)]


def get(client, path: str, status: int = 200) -> str:
    response = client.get(path)
    assert response.status_code == status, (path, response.status_code)
    return response.get_data(as_text=True)


def prospect_pages(client, questionnaire) -> dict[str, str]:
    """The wizard as a prospect walks it: start, each step, errors, review, thanks."""
    from tests.conftest import Wizard

    wizard = Wizard(client, questionnaire)
    answers = PERSONAS["strategic_collaborator"]
    pages = {"start": get(client, "/start/"), "privacy": get(client, "/privacy")}
    bad = wizard.post_step(1, {**answers, "email": "not-an-address"})
    assert bad.status_code == 422
    pages["step-1-errors"] = bad.get_data(as_text=True)
    for number in range(1, len(questionnaire.steps) + 1):
        pages[f"step-{number}"] = get(client, f"/start/step/{number}")
        if number == 1:
            wizard.post_step(1, answers)
            pages["review-incomplete"] = get(client, "/start/review")
            continue
        assert wizard.post_step(number, answers).status_code == 302
    pages["start-with-draft"] = get(client, "/start/")
    pages["review"] = get(client, "/start/review")
    assert wizard.submit().status_code == 302
    pages["thanks"] = get(client, "/start/thanks")
    pages["resume-unknown"] = get(client, "/start/resume/no-such-link", 404)
    pages["not-found"] = get(client, "/start/step/99", 404)
    return pages


def workspace_pages(client, db) -> dict[str, str]:
    """Every workspace page, with notes, a status change, a repeat and a knock-out."""
    now = dt.datetime.now(dt.UTC)
    first = make_submission(submitted_at=now - dt.timedelta(days=8))
    repeat = make_submission(submitted_at=now - dt.timedelta(hours=3))
    knockout = make_submission(persona="one_off_project")
    make_submission(persona="pair_of_hands")
    make_submission(persona="tiny_budget_busy", status="draft")
    stopped = make_submission(
        persona="occasional_helper",
        status="draft",
        email="a.very.long.address.for.the.layout@practice-with-a-long-name.example.com",
    )
    stopped.updated_at = now - dt.timedelta(days=2)  # on Today: stopped at the review
    db.session.commit()
    pages = {"login": get(client, "/workspace/login")}
    failed = sign_in(client, password="not the password")
    pages["login-error"] = failed.get_data(as_text=True)
    assert sign_in(client).status_code == 302
    detail = f"/workspace/submissions/{repeat.id}"
    token = csrf_of(client.get(detail))
    client.post(detail + "/notes", data={"csrf_token": token, "body": "Called.\nOK"})
    client.post(detail + "/status", data={"csrf_token": token, "status": "booked"})
    pages |= {
        "list": get(client, "/workspace/"),
        "list-filtered": get(client, "/workspace/?verdict=not+a+fit&sort=overall"),
        "list-bad-filter": get(client, "/workspace/?date_from=nonsense"),
        "list-empty": get(client, "/workspace/?q=nobody-by-this-name"),
        "drafts": get(client, "/workspace/drafts"),
        "submission": get(client, detail),
        "submission-first": get(client, f"/workspace/submissions/{first.id}"),
        "submission-knockout": get(client, f"/workspace/submissions/{knockout.id}"),
        "settings": get(client, "/workspace/settings"),
        "proposal-preview": get(client, detail + "/proposal"),
        "letter-preview": get(client, f"/workspace/submissions/{knockout.id}/letter"),
        "missing": get(client, "/workspace/submissions/999999", 404),
        "today": get(client, "/workspace/today"),
        "today-proposals": get(client, "/workspace/today?show=proposals"),
        "board": get(client, "/workspace/board"),
        "submission-from-list": get(
            client, f"{detail}?back=%2Fworkspace%2F%3Fsort%3Dname%26direction%3Dasc"
        ),
    }
    pages |= settings_pages(client)
    pages |= team_pages(client, db)
    return pages


def settings_pages(client) -> dict[str, str]:
    """Settings just saved, and each section refusing what was posted (a bad colour,
    a row of a list, a package's add-on)."""
    from tests.integration.test_workspace import settings_data

    def post(section, **changes):
        data = settings_data(client.get("/workspace/settings"), section, **changes)
        return client.post(f"/workspace/settings/{section}", data=data)

    import io

    from PIL import Image

    logo = io.BytesIO()
    Image.new("RGB", (300, 100), (20, 90, 140)).save(logo, format="PNG")
    data = settings_data(client.get("/workspace/settings"), "brand")
    data["logo"] = (io.BytesIO(logo.getvalue()), "logo.png")
    with_logo = client.post(
        "/workspace/settings/brand", data=data, content_type="multipart/form-data"
    )
    assert with_logo.status_code == 302  # every state below shows the logo's preview
    saved = post("referrals", **{"referrals-0-name": "Pat's Typing"})
    assert saved.status_code == 302
    pages = {"settings-saved": get(client, saved.headers["Location"])}
    for name, section, changes in (
        ("settings-errors", "practice", {"name": "", "email": "nope"}),
        ("settings-brand-errors", "brand", {"brand_colour": "blue"}),
        ("settings-standards-errors", "standards", {"office_start": "9"}),
        ("settings-referral-errors", "referrals", {"referrals-1-url": "ftp://x"}),
        (
            "settings-add-on-errors",
            "packages",
            {"packages-0-add_ons-2-monthly_price": "free", "packages-1-name": ""},
        ),
    ):
        bad = post(section, **changes)
        assert bad.status_code == 422
        pages[name] = bad.get_data(as_text=True)
    return pages


def team_pages(client, db) -> dict[str, str]:
    """The team page (and its form's errors) and an invitation's page, open and used."""
    from intake.models import TeamInvitation
    from intake.workspace import team

    for email, token in (
        ("new@example.com", "known-token"),
        ("consultant@example.com", "existing-token"),  # refused: has an account
    ):
        db.session.add(
            TeamInvitation(
                email=email,
                role="consultant",
                token_hash=team.hash_token(token),
                expires_at=dt.datetime.now(dt.UTC) + dt.timedelta(days=1),
            )
        )
    removed = make_consultant(email="gone@example.com", name="Gone Member")
    removed.active = False  # the team page offers to restore them
    db.session.commit()
    pages = {"team": get(client, "/workspace/team")}
    form = {"csrf_token": csrf_of(client.get("/workspace/team"))}
    bad = client.post("/workspace/team/invite", data=form | {"email": "nope"})
    assert bad.status_code == 422
    pages["team-errors"] = bad.get_data(as_text=True)
    pages["join"] = get(client, "/workspace/join/known-token")
    pages["join-gone"] = get(client, "/workspace/join/no-such-token", 410)
    pages["join-exists"] = get(client, "/workspace/join/existing-token", 409)
    draft = make_submission(persona="occasional_helper", status="draft")
    db.session.commit()
    pages["draft"] = get(client, f"/workspace/drafts/{draft.id}")
    token = csrf_of(client.get("/workspace/"))
    view = {
        "csrf_token": token,
        "name": "Possible <fits>",
        "query": "verdict=possible+fit",
    }
    assert client.post("/workspace/views", data=view).status_code == 302
    pages["list-saved-view"] = get(
        client, "/workspace/?verdict=possible+fit&sort=submitted&direction=desc"
    )
    return pages


def open_call_hours(db) -> None:
    """Booking on, every day: the thank-you page offers slots."""
    import dataclasses

    from intake.practice import Availability
    from intake.practice_store import current_practice, save_practice

    hours = tuple(
        (d, "09:00", "17:00") for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    )
    av = Availability(
        enabled=True, hours=hours, details="Video: https://meet.example/x"
    )
    save_practice(dataclasses.replace(current_practice(), availability=av))
    db.session.commit()


def call_pages(client) -> dict[str, str]:
    """The prospect's call: a refused slot, the booked call's page, cancelled, unknown."""
    thanks = client.get("/start/thanks")
    slot = re.search(r'name="slot" id="[^"]+" value="([^"]+)"', thanks.text)[1]
    form = {"csrf_token": csrf_of(thanks), "tz": "Asia/Tokyo"}
    refused = client.post("/call/book", data=form | {"slot": "2020-01-01T09:00Z"})
    assert refused.status_code == 409
    pages = {"call-refused": refused.text}
    booked = client.post("/call/book", data=form | {"slot": slot})
    manage = booked.headers["Location"]
    pages["call-booked"] = get(client, manage)
    pages["thanks-booked"] = get(client, "/start/thanks")
    path = manage.split("?")[0]
    client.post(path + "/cancel", data={"csrf_token": form["csrf_token"]})
    pages["call-cancelled"] = get(client, path)
    pages["call-unknown"] = get(client, "/booking/no-such-link", 404)
    return pages


def call_workspace_pages(client) -> dict[str, str]:
    """Settings' availability (and its errors) and the calendar link's page."""
    pages = {"availability": get(client, "/workspace/settings/availability")}
    form = {"csrf_token": csrf_of(client.get("/workspace/calendar"))}
    bad = form | {"mon": "9 to 5", "days_off": "soon", "notice_hours": "-5"}
    refused = client.post("/workspace/settings/availability", data=bad)
    assert refused.status_code == 422
    pages["availability-errors"] = refused.text
    pages["calendar"] = get(client, "/workspace/calendar")
    pages["calendar-link"] = client.post("/workspace/calendar", data=form).text
    import sqlalchemy as sa

    from intake.consultation import service
    from intake.models import Submission

    first = _db_session().scalar(sa.select(Submission).order_by(Submission.id))
    pages["submission-call-cancelled"] = get(
        client, f"/workspace/submissions/{first.id}"
    )
    pages["call-invitation"] = get(
        client, f"/call/invite/{service.invite_token(first)}?tz=Asia/Kolkata"
    )
    return pages | consultation_notes_pages(client, first.id)


def consultation_notes_pages(client, submission_id: int) -> dict[str, str]:
    """The notes refused (shown again with their errors), saved, and the proposal and
    Today that follow them."""
    detail = f"/workspace/submissions/{submission_id}"
    url = f"{detail}/consultation-notes"
    form = {"csrf_token": csrf_of(client.get(detail)), "cn-roles": "We decide how."}
    refused = client.post(url, data=form | {"cn-monthly_hours": "lots"})
    assert refused.status_code == 422
    saved = form | {"cn-call_date": "2026-12-03", "cn-reply_times": "Same day."}
    assert client.post(url, data=saved).status_code == 302
    return {
        "submission-notes-refused": refused.text,
        "submission-notes-saved": get(client, detail),
        "proposal-agreed": get(client, f"{detail}/proposal"),
        "today-agreed": get(client, "/workspace/today"),
    }


def editor_pages(client) -> dict[str, str]:
    """The questionnaire editor (the client is signed in as an owner): each page, and
    the question, rule and TOML pages with a refused change."""
    editor = "/workspace/questionnaire"
    pages = {"editor-empty": get(client, editor)}
    token = csrf_of(client.get(editor))
    client.post(f"{editor}/start", data={"csrf_token": token})
    pages["editor"] = get(client, editor)
    pages["editor-step"] = get(client, f"{editor}/steps/contact")
    question = get(client, f"{editor}/questions/engagement")
    pages["editor-question"] = question
    bad = client.post(
        f"{editor}/questions/engagement",
        data={
            "csrf_token": token,
            "question_id": "Bad Id",
            "label": "",
            "type": "single",
        },
    )
    assert bad.status_code == 400
    pages["editor-question-errors"] = bad.get_data(as_text=True)
    pages["editor-rule"] = get(client, f"{editor}/rules/trust")
    refused = client.post(
        f"{editor}/rules/trust",
        data={"csrf_token": token, "rule_id": "trust", "label": "x", "action": "save"},
    )
    assert refused.status_code == 400
    pages["editor-rule-errors"] = refused.get_data(as_text=True)
    pages["editor-source"] = get(client, f"{editor}/source")
    broken = client.post(
        f"{editor}/source", data={"csrf_token": token, "source": "x ="}
    )
    pages["editor-source-errors"] = broken.get_data(as_text=True)
    pages["editor-preview"] = get(client, f"{editor}/preview/2")
    pages["editor-check"] = get(client, f"{editor}/check?numbers=1")
    return pages


def outcome_pages(client, db) -> dict[str, str]:
    """Outcomes (issue 26): the report with too few outcomes, a client's page with a
    check-in recorded and one due, Today's check-ins, the report on the demo data."""
    from intake import pipeline
    from intake.outcomes.demo import create_demo_outcomes

    now = dt.datetime.now(dt.UTC)
    won = make_submission(status="new")
    db.session.flush()
    pipeline.move_status(won, "won", author="Casey", now=now - dt.timedelta(days=200))
    db.session.commit()
    pages = {"outcomes-too-few": get(client, "/workspace/outcomes")}
    detail = f"/workspace/submissions/{won.id}"
    form = {"csrf_token": csrf_of(client.get(detail)), "checkpoint": "3"}
    client.post(
        detail + "/outcomes", data=form | {"rating": "fine", "note": "On <track>"}
    )
    pages["submission-outcomes"] = get(client, detail)
    pages["today-check-ins"] = get(client, "/workspace/today?show=check_ins")
    create_demo_outcomes(now=now)
    db.session.commit()
    pages["outcomes-demo"] = get(client, "/workspace/outcomes")
    assert "Not enough outcomes" in pages["outcomes-too-few"]
    assert "6-month check-in with" in pages["today-check-ins"]
    assert "Suggested changes to points" in pages["outcomes-demo"]
    return pages


def _db_session():
    from intake.extensions import db

    return db.session


def test_every_page_passes_the_nu_html_checker(
    client, db, consultant, questionnaire, tmp_path
):
    command = checker()
    # one client: requests inside the test's app context share `g` (and its CSRF token)
    open_call_hours(db)
    pages = prospect_pages(client, questionnaire) | call_pages(client)
    pages |= workspace_pages(client, db) | call_workspace_pages(client)
    pages |= editor_pages(client)
    pages |= outcome_pages(client, db)
    assert len(pages) >= 25, sorted(pages)
    files = []
    for name, html in pages.items():
        assert html.lstrip().lower().startswith("<!doctype html>"), name
        path = tmp_path / f"{name}.html"
        path.write_text(html, encoding="utf-8")
        files.append(str(path))
    run = subprocess.run(
        [*command, "--errors-only", "--format", "json", *files],
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = (run.stderr or run.stdout).strip()
    assert output or run.returncode == 0, run
    report = json.loads(output) if output else {"messages": []}
    errors = [
        f"{Path(m.get('url', '')).stem}:{m.get('lastLine')}: {m['message']}"
        f" [{(m.get('extract') or '').strip()[:80]}]"
        for m in report["messages"]
        if m.get("type") == "error"
    ]
    assert not errors, f"{len(errors)} HTML errors:\n" + "\n".join(errors[:60])
    assert run.returncode == 0, run.stderr[-2000:]


def test_datetime_attributes_have_no_microseconds(signed_in, db):
    s = make_submission()
    db.session.commit()
    html = get(signed_in, "/workspace/")
    stamps = re.findall(r'<time datetime="([^"]+)"', html)
    assert stamps, "the list shows when each prospect sent the questionnaire"
    for stamp in stamps:
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\dZ", stamp), stamp
    assert stamps[0] == s.submitted_at.strftime("%Y-%m-%dT%H:%MZ")
