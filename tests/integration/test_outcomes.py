"""Outcomes of won clients: recording a check-in on the client's page, Today's prompt
when one is due, the report (too small to say anything; on the demo data, findings and
suggested points) and the demo data command."""

from __future__ import annotations

import datetime as dt
import re

import sqlalchemy as sa

from intake import pipeline, submissions
from intake.models import AuditEvent, StatusChange, Submission
from intake.outcomes import store
from intake.outcomes.demo import create_demo_outcomes
from intake.outcomes.models import ClientOutcome
from intake.practice_store import current_practice
from intake.workspace.today import needs_attention_for_today
from tests.conftest import csrf_of, sign_in
from tests.factories import make_consultant, make_submission

NOW = dt.datetime(2026, 12, 2, 12, 0, tzinfo=dt.UTC)


def _client(db, *, won_at, name="Wendy Won"):
    s = make_submission(status="new", submitted_at=won_at - dt.timedelta(days=10))
    s.name = name
    db.session.flush()
    pipeline.move_status(s, "won", author="Casey", now=won_at)
    db.session.commit()
    return s


def _outcome(db, s, months, rating, at=NOW):
    store.record_outcome(
        s,
        checkpoint=months,
        rating=rating,
        note="",
        author_id=None,
        author_name="Casey",
        now=at,
    )
    db.session.commit()


def _page(client, s):
    return client.get(f"/workspace/submissions/{s.id}")


def _post(client, s, data):
    token = csrf_of(_page(client, s))
    return client.post(
        f"/workspace/submissions/{s.id}/outcomes",
        data={"csrf_token": token, **data},
        follow_redirects=True,
    )


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


# ---- the client's page ------------------------------------------------------------


def test_a_client_records_and_corrects_a_check_in(db, signed_in):
    s = _client(db, won_at=NOW - dt.timedelta(days=200))
    page = _text(_page(signed_in, s))
    assert "Client outcomes" in page and "6-month check-in due" in page
    response = _post(signed_in, s, {"checkpoint": "6", "rating": "fine", "note": "ok"})
    assert response.status_code == 200
    assert "6-month outcome saved: Fine." in _text(response)
    response = _post(signed_in, s, {"checkpoint": "6", "rating": "struggled"})
    assert "6 months: Struggled" in _text(response)
    rows = db.session.execute(
        sa.select(ClientOutcome.checkpoint, ClientOutcome.rating, ClientOutcome.note)
    ).all()
    assert rows == [(6, "struggled", "")]  # corrected, one row per check-in
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).where(AuditEvent.action == "outcome")
        )
        == 2
    )


def test_recording_from_today_leads_back_to_today(db, signed_in):
    s = _client(db, won_at=NOW - dt.timedelta(days=200))
    page = signed_in.get(f"/workspace/submissions/{s.id}?back=/workspace/today")
    form = {"csrf_token": csrf_of(page), "back": "/workspace/today"}
    response = signed_in.post(
        f"/workspace/submissions/{s.id}/outcomes",
        data=form | {"checkpoint": "6", "rating": "thriving"},
    )
    assert response.status_code == 302
    assert response.location == (
        f"/workspace/submissions/{s.id}?back=%2Fworkspace%2Ftoday#outcomes"
    )
    assert 'name="back" value="/workspace/today"' in page.get_data(as_text=True)


def test_a_deleted_client_takes_their_outcomes_along(db, consultant):
    s = _client(db, won_at=NOW - dt.timedelta(days=200))
    _outcome(db, s, 6, "fine")
    submissions.delete(s, deleted_by="Casey")
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count(ClientOutcome.id))) == 0


def test_bad_input_gets_a_clear_message_and_saves_nothing(db, signed_in):
    s = _client(db, won_at=NOW - dt.timedelta(days=200))
    cases = [
        ({"checkpoint": "6"}, "Please choose how the relationship is going."),
        ({"checkpoint": "6", "rating": "great"}, "Not a valid choice"),
        ({"checkpoint": "7", "rating": "fine"}, "Not a valid choice"),
        ({"checkpoint": "six", "rating": "fine"}, "Invalid Choice"),
        (
            {"checkpoint": "3", "rating": "fine", "note": "x" * 2001},
            "Please keep the note under 2000 characters.",
        ),
    ]
    for data, message in cases:
        response = _post(signed_in, s, data)
        assert response.status_code == 200
        assert message in _text(response), data
    assert db.session.scalar(sa.select(sa.func.count(ClientOutcome.id))) == 0


def test_a_prospect_who_is_not_a_client_has_no_outcomes(db, signed_in):
    s = make_submission(status="proposal_sent")
    db.session.commit()
    assert 'id="outcomes"' not in _page(signed_in, s).get_data(as_text=True)
    response = _post(signed_in, s, {"checkpoint": "3", "rating": "fine"})
    assert "set the status to Won first" in _text(response)
    assert db.session.scalar(sa.select(sa.func.count(ClientOutcome.id))) == 0


# ---- Today -------------------------------------------------------------------------


def _due(db):
    items = needs_attention_for_today(current_practice(), NOW)
    return [(i.name, i.kind, i.reason, i.action) for i in items if i.kind == "check_in"]


def test_today_prompts_the_check_in_that_is_due(db, consultant):
    six = _client(db, won_at=NOW - dt.timedelta(days=200), name="Six Months")
    _outcome(db, six, 3, "fine")
    _client(db, won_at=NOW - dt.timedelta(days=60), name="Too Soon")
    done = _client(db, won_at=NOW - dt.timedelta(days=200), name="Done Already")
    _outcome(db, done, 6, "thriving")
    ended = _client(db, won_at=NOW - dt.timedelta(days=400), name="Ended Early")
    _outcome(db, ended, 3, "ended_early")
    gone = _client(db, won_at=NOW - dt.timedelta(days=100), name="Moved On")
    pipeline.move_status(gone, "lost", author="Casey", now=NOW)
    db.session.commit()
    assert _due(db) == [
        (
            "Six Months",
            "check_in",
            "6-month check-in with Six Months due (since 16 November 2026)",
            "record",
        )
    ]


def test_today_page_links_to_the_outcome_form(db, signed_in):
    s = _client(db, won_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=100))
    page = signed_in.get("/workspace/today?show=check_ins").get_data(as_text=True)
    assert f"/workspace/submissions/{s.id}?back=" in page
    assert "#outcomes" in page and "Record outcome" in page
    assert "3-month check-in with Wendy Won due" in page


def test_the_won_date_is_the_last_move_to_won(db, consultant):
    s = _client(db, won_at=NOW - dt.timedelta(days=400))
    pipeline.move_status(s, "lost", author="Casey", now=NOW - dt.timedelta(days=300))
    pipeline.move_status(s, "won", author="Casey", now=NOW - dt.timedelta(days=100))
    db.session.commit()
    assert store.won_at_of(s) == NOW - dt.timedelta(days=100)
    assert [(d.id, d.months) for d in store.check_ins_due(NOW)] == [(s.id, 3)]


# ---- the report --------------------------------------------------------------------


def test_report_on_too_few_outcomes_says_it_cannot_say_anything_yet(db, signed_in):
    for n, rating in enumerate(["thriving", "fine", "struggled"]):
        s = _client(db, won_at=NOW - dt.timedelta(days=200), name=f"Client {n}")
        _outcome(db, s, 3, rating)
    page = _text(signed_in.get("/workspace/outcomes"))
    assert "Not enough outcomes to say anything yet" in page
    assert (
        "So far 3 clients with an outcome (2 good, 1 poor). Outcomes for 17 more "
        "clients are needed, including at least 3 more good and 4 more poor."
    ) in page
    assert "Suggested changes to points" not in page
    assert "demo data" not in page


def test_report_on_the_demo_data_shows_findings_and_suggestions(db, signed_in):
    create_demo_outcomes(now=NOW)
    db.session.commit()
    response = signed_in.get("/workspace/outcomes")
    assert response.status_code == 200
    page = _text(response)
    assert "This report includes generated demo data" in page
    assert "Not enough outcomes" not in page
    assert "Suggested changes to points" in page
    assert "Raise “They weigh it up and we decide together”" in page
    assert "More often good than clients overall" in page
    assert "Too few to say" in page
    # counts only: no client's name on the report
    assert "Demo:" not in page.replace("“Demo: …”", "")


def test_any_member_may_read_the_report(db, client, consultant):
    make_consultant(email="member@example.com", name="Mo Member").role = "consultant"
    db.session.commit()
    assert sign_in(client, email="member@example.com").status_code == 302
    response = client.get("/workspace/outcomes")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


def test_the_report_needs_a_signed_in_member(client, db):
    response = client.get("/workspace/outcomes")
    assert response.status_code == 302 and "/workspace/login" in response.location


# ---- the demo data command -----------------------------------------------------------


def _demo_rows(db):
    return db.session.execute(
        sa.select(
            Submission.name,
            Submission.overall,
            ClientOutcome.checkpoint,
            ClientOutcome.rating,
        )
        .join(ClientOutcome, ClientOutcome.submission_id == Submission.id)
        .order_by(
            Submission.name,
            Submission.overall,
            ClientOutcome.checkpoint,
            ClientOutcome.rating,
        )
    ).all()


def test_demo_data_is_labelled_seeded_replaced_and_removable(db, runner):
    result = runner.invoke(args=["demo-outcomes", "--clients", "30"])
    assert result.exit_code == 0, result.output
    assert "Added 30 demo clients" in result.output
    names = db.session.scalars(sa.select(Submission.name)).all()
    assert len(names) == 30 and all(n.startswith("Demo: ") for n in names)
    assert db.session.scalars(sa.select(ClientOutcome.demo).distinct()).all() == [True]
    first = _demo_rows(db)
    moves = db.session.scalars(sa.select(StatusChange.to_status).distinct()).all()
    assert moves == ["won"]
    db.session.remove()
    assert runner.invoke(args=["demo-outcomes", "--clients", "30"]).exit_code == 0
    assert db.session.scalar(sa.select(sa.func.count(Submission.id))) == 30  # replaced
    second = _demo_rows(db)
    assert [r[1:] for r in second] == [r[1:] for r in first]  # the same seed, same data
    result = runner.invoke(args=["demo-outcomes", "--remove"])
    assert "Removed 30 demo clients." in result.output
    assert db.session.scalar(sa.select(sa.func.count(Submission.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(ClientOutcome.id))) == 0


def test_demo_data_only_on_an_empty_database_with_if_empty(db, runner):
    make_submission()
    db.session.commit()
    result = runner.invoke(args=["demo-outcomes", "--if-empty"])
    assert "not added" in result.output
    assert db.session.scalar(sa.select(sa.func.count(ClientOutcome.id))) == 0


def test_demo_data_never_outside_debug_mode(app, runner):
    app.config["TESTING"] = False
    result = runner.invoke(args=["demo-outcomes"])
    assert result.exit_code != 0 and "only in debug mode" in result.output


# ---- the suggestions taken into a draft of the questionnaire (issue 26) ------------


def _points(questionnaire, question_id, value, dimension):
    choice = questionnaire.question(question_id).choice(value)
    return dict(choice.points).get(dimension, 0) if choice.points else 0


def test_the_owner_takes_the_suggestions_into_a_draft_in_one_action(db, signed_in):
    from intake import registry
    from intake.editor import store as drafts
    from intake.outcomes.report import build_report
    from intake.outcomes.suggest import suggest_point_changes
    from intake.questionnaire.schema import parse_questionnaire

    create_demo_outcomes(now=NOW)
    db.session.commit()
    page = signed_in.get("/workspace/outcomes")
    assert "Take these into a draft" in _text(page)
    active = registry.active()
    changes = suggest_point_changes(
        active, build_report(active, store.clients_for_report())
    )
    assert changes and drafts.current_draft() is None
    response = signed_in.post(
        "/workspace/questionnaire/from-outcomes",
        data={"csrf_token": csrf_of(page)},
    )
    assert response.status_code == 302
    assert response.location.endswith("/workspace/questionnaire/check")
    draft = parse_questionnaire(drafts.current_draft().source, source="draft")
    assert draft.version != active.version
    for c in changes:
        assert _points(draft, c.question_id, c.choice_value, c.dimension) == (
            c.suggested_points
        )
        assert _points(active, c.question_id, c.choice_value, c.dimension) == (
            c.current_points
        )
    assert registry.active().version == active.version  # nothing published
    check = signed_in.get(response.location)
    assert "suggested point change" in _text(check)
    assert db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "questionnaire_draft")
    )


def test_no_suggestions_leave_the_draft_alone(db, signed_in):
    from intake.editor import store as drafts

    page = signed_in.get("/workspace/outcomes")
    response = signed_in.post(
        "/workspace/questionnaire/from-outcomes", data={"csrf_token": csrf_of(page)}
    )
    assert response.status_code == 302 and response.location.endswith("/outcomes")
    assert drafts.current_draft() is None


def test_a_member_may_read_the_suggestions_but_not_take_them(db, client, consultant):
    make_consultant(email="member@example.com", name="Mo Member").role = "consultant"
    create_demo_outcomes(now=NOW)
    db.session.commit()
    assert sign_in(client, email="member@example.com").status_code == 302
    page = client.get("/workspace/outcomes")
    assert "Take these into a draft" not in _text(page)
    response = client.post(
        "/workspace/questionnaire/from-outcomes", data={"csrf_token": csrf_of(page)}
    )
    assert response.status_code == 403
