"""The consultant's day: Today (who needs them now and why, the longest waiting first),
the pipeline board with its bulk moves, and triage from the list without losing it."""

from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest
import sqlalchemy as sa

from intake.models import (
    MAIL_QUEUED,
    AuditEvent,
    Consultant,
    OutboxMessage,
    StatusChange,
    Submission,
    utcnow,
)
from intake.offers.attention import attention_count
from intake.practice_store import current_practice
from intake.workspace.today import needs_attention_for_today, span
from tests.conftest import csrf_of, sign_in
from tests.factories import make_consultant, make_offer, make_submission

# a Wednesday at noon: business days are easy to count from here
NOW = dt.datetime(2026, 12, 2, 12, 0, tzinfo=dt.UTC)
LONG_EMAIL = (
    "bartholomew.fitzgerald-montgomery@very-long-practice-domain-name.example.com"
)
LONG_NAME = "Maximiliana Constance Featherstonehaugh-Cholmondeley"


def _reminder(db, draft) -> None:
    db.session.add(
        OutboxMessage(
            kind="reminder",
            message_id=f"<{uuid.uuid4().hex}@intake.test>",
            once_key=f"reminder:{draft.id}",
            submission_id=draft.id,
            to_addr=draft.email,
            subject="Your questionnaire is waiting for you",
            text_body="",
            html_body="",
            status=MAIL_QUEUED,
            send_after=NOW + dt.timedelta(days=5),
        )
    )


@pytest.fixture
def day(db, consultant):
    """One prospect for each reason, and two that need nothing, at NOW."""
    return _day(db, NOW)


@pytest.fixture
def live_day(db, consultant):
    """The same, at this moment (for the pages, which read the clock)."""
    return _day(db, utcnow())


def _day(db, now: dt.datetime) -> dict[str, Submission]:
    ago = lambda **kw: now - dt.timedelta(**kw)  # noqa: E731
    people = {
        "fresh": make_submission(
            persona="strategic_collaborator",
            submitted_at=ago(hours=3),
            full_name=LONG_NAME,
            email=LONG_EMAIL,
        ),
        # sent on Friday at noon: the reply was due on Monday at noon
        "late": make_submission(persona="solid_but_cautious", submitted_at=ago(days=5)),
        "unopened": make_submission(persona="friendly_founder", status="proposal_sent"),
        "expiring": make_submission(
            persona="steady_collaborator", status="proposal_sent"
        ),
        "expired": make_submission(persona="modest_budget", status="proposal_sent"),
        "calm": make_submission(persona="anxious_first_hire", status="reviewing"),
        "stopped": make_submission(persona="tiny_budget_busy", status="draft"),
        "starting": make_submission(persona="occasional_helper", status="draft"),
    }
    db.session.flush()
    make_offer(people["unopened"], created=ago(days=6), expires=ago(days=-24))
    make_offer(
        people["expiring"],
        created=ago(days=28),
        expires=ago(days=-2, hours=-1),
        opened=2,
    )
    make_offer(people["expired"], created=ago(days=32), expires=ago(days=2))
    people["stopped"].updated_at = ago(days=2)
    people["starting"].updated_at = ago(days=2)
    people["starting"].steps_done = 1
    _reminder(db, people["stopped"])
    db.session.commit()
    return people


def test_span_words():
    assert span(dt.timedelta(days=1, hours=5)) == "1 day"
    assert span(dt.timedelta(days=3)) == "3 days"
    assert span(dt.timedelta(hours=1)) == "1 hour"
    assert span(dt.timedelta(minutes=5)) == "less than an hour"


def test_today_gives_each_reason_in_words_the_longest_waiting_first(day, db):
    items = needs_attention_for_today(current_practice(), NOW)
    got = [(i.id, i.reason, i.action) for i in items]
    assert got == [
        (day["expired"].id, "Proposal expired 2 days ago without an answer", "send"),
        (day["expiring"].id, "Proposal expires in 2 days", "reply"),
        (day["unopened"].id, "Proposal sent 6 days ago, not opened", "reply"),
        (
            day["late"].id,
            "Reply promised within 1 business day: overdue by 2 days",
            "reply",
        ),
        (day["stopped"].id, "Reached the review page 2 days ago and stopped", "remind"),
        (day["fresh"].id, "New strong fit, waiting 3 hours", "send"),
    ]
    by_id = {i.id: i for i in items}
    assert by_id[day["fresh"].id].email == LONG_EMAIL
    assert by_id[day["fresh"].id].name == LONG_NAME


def test_today_agrees_with_the_needs_attention_count(day, db):
    """The reasons of intake.offers.attention are Today's, not a second rule."""
    items = needs_attention_for_today(current_practice(), NOW)
    attention = [i for i in items if i.kind in {"overdue", "unopened", "expired"}]
    assert len(attention) == attention_count(current_practice(), NOW) == 3


def test_one_row_per_prospect_with_the_most_pressing_reason(day, db):
    # a proposal both unopened and about to expire: one row, the expiry
    make_offer(
        day["calm"],
        created=NOW - dt.timedelta(days=20),
        expires=NOW + dt.timedelta(hours=5),
    )
    db.session.commit()
    items = needs_attention_for_today(current_practice(), NOW)
    mine = [i for i in items if i.id == day["calm"].id]
    assert [i.reason for i in mine] == ["Proposal expires today, not opened"]


def _rows(html: str) -> list[str]:
    return re.findall(r'<li class="today-row kind-(\w+)">', html)


def test_the_today_page_chips_change_what_is_shown(signed_in, live_day):
    day = live_day
    html = signed_in.get("/workspace/today").get_data(as_text=True)
    assert _rows(html) == [
        "expired",
        "expiring",
        "unopened",
        "overdue",
        "unfinished",
        "new",
    ]
    assert 'aria-current="page">All <span class="chip-count">6</span>' in html
    assert "Proposal sent 6 days ago, not opened" in html
    assert "Reached the review page 2 days ago and stopped" in html
    # the one next action in place
    assert f'href="mailto:{LONG_EMAIL}"' not in html  # a strong fit: send, not reply
    assert (
        f"/workspace/submissions/{day['fresh'].id}?back=/workspace/today#send" in html
    )
    assert f'action="/workspace/drafts/{day["stopped"].id}/remind"' in html
    assert f'href="mailto:{day["late"].email}"' in html

    proposals = signed_in.get("/workspace/today?show=proposals").get_data(as_text=True)
    assert _rows(proposals) == ["expired", "expiring", "unopened"]
    assert (
        'aria-current="page">Proposals <span class="chip-count">3</span>' in proposals
    )
    unfinished = signed_in.get("/workspace/today?show=unfinished").get_data(
        as_text=True
    )
    assert _rows(unfinished) == ["unfinished"]
    odd = signed_in.get("/workspace/today?show=%00nonsense")
    assert odd.status_code == 200 and len(_rows(odd.get_data(as_text=True))) == 6


def test_the_today_page_reads_a_bounded_number_of_statements(signed_in, live_day, db):
    for n in range(30):
        make_submission(
            persona="friendly_founder",
            submitted_at=NOW - dt.timedelta(hours=n),
            full_name=f"Extra {n}",
        )
    db.session.commit()
    statements = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        response = signed_in.get("/workspace/today")
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
    assert response.status_code == 200
    assert len(_rows(response.get_data(as_text=True))) == 36
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    # consultant, practice settings, saved views, calls, calls held without notes,
    # notes without a proposal, new, proposals, drafts
    assert len(selects) <= 9, selects
    statements.clear()
    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        board = signed_in.get("/workspace/board")
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
    assert (
        board.status_code == 200
        and board.get_data(as_text=True).count('name="ids"') == 30 + 6
    )  # every listed prospect is a card
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    # the counts by status and the cards (window-ranked), besides the session's
    assert len(selects) <= 5, selects


def test_signing_in_lands_on_today_and_it_leads_the_navigation(client, consultant):
    response = sign_in(client)
    assert response.headers["Location"] == "/workspace/today"
    html = client.get("/workspace/today").get_data(as_text=True)
    nav = html[html.index('aria-label="Workspace"') :]
    links = re.findall(r'<a href="([^"]+)"', nav)
    assert links[0] == "/workspace/today"
    assert 'href="/workspace/today" aria-current="page">Today' in html
    assert client.get("/workspace/").status_code == 200  # the full list stays


def test_the_reminder_sent_from_today_returns_to_today(signed_in, live_day, db):
    day = live_day
    html = signed_in.get("/workspace/today").get_data(as_text=True)
    draft_id = day["stopped"].id
    response = signed_in.post(
        f"/workspace/drafts/{draft_id}/remind",
        data={"csrf_token": csrf_of_html(html), "next": "/workspace/today"},
    )
    assert response.headers["Location"] == "/workspace/today"
    db.session.expire_all()
    reminder = db.session.scalar(
        sa.select(OutboxMessage).where(OutboxMessage.once_key == f"reminder:{draft_id}")
    )
    assert reminder.nudged_at is not None
    # elsewhere is refused: back to the drafts
    response = signed_in.post(
        f"/workspace/drafts/{draft_id}/remind",
        data={"csrf_token": csrf_of_html(html), "next": "//evil.example/"},
    )
    assert response.headers["Location"] == "/workspace/drafts"


def csrf_of_html(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


# ---- the board -------------------------------------------------------------------


def test_the_board_has_a_column_per_status_with_cards(signed_in, day):
    html = signed_in.get("/workspace/board").get_data(as_text=True)
    for status in ("new", "reviewing", "booked", "proposal_sent", "won", "lost"):
        assert f'id="col-{status}"' in html
    new_column = html[html.index('id="col-new"') : html.index('id="col-reviewing"')]
    assert LONG_NAME in new_column and day["late"].name in new_column
    assert re.search(r'col-new-title.*?<span class="col-count">2</span>', html, re.S)
    assert f'name="ids" value="{day["fresh"].id}"' in html
    assert f'name="ids" value="{day["stopped"].id}"' not in html  # drafts are not cards
    assert 'id="move-status"' in html


def _move(client, ids, status, **extra):
    token = csrf_of(client.get("/workspace/board"))
    data = {"csrf_token": token, "status": status, "ids": [str(i) for i in ids]}
    return client.post("/workspace/board/move", data={**data, **extra})


def test_a_bulk_move_writes_history_and_audit_like_the_prospect_page(
    signed_in, day, db
):
    ids = [day["fresh"].id, day["late"].id]
    response = _move(signed_in, [*ids, day["stopped"].id, 987654], "reviewing")
    assert response.status_code == 302
    assert response.headers["Location"] == "/workspace/board"
    page = signed_in.get("/workspace/board").get_data(as_text=True)
    assert "Moved 2 prospects to Reviewing." in page
    db.session.expire_all()
    assert [db.session.get(Submission, i).status for i in ids] == ["reviewing"] * 2
    assert db.session.get(Submission, day["stopped"].id).status == "draft"
    history = db.session.scalars(
        sa.select(StatusChange).order_by(StatusChange.submission_id)
    ).all()
    assert [(h.submission_id, h.from_status, h.to_status) for h in history] == [
        (i, "new", "reviewing") for i in sorted(ids)
    ]
    assert {h.author_name for h in history} == {"Casey Consultant"}
    audited = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "status")
    ).all()
    assert sorted(e.submission_id for e in audited) == sorted(ids)
    assert {e.detail for e in audited} == {"New → Reviewing"}


def test_a_bulk_move_refuses_what_it_should(signed_in, client, day, db):
    before = {s.id: s.status for s in db.session.scalars(sa.select(Submission))}
    # no CSRF token
    response = client.post(
        "/workspace/board/move", data={"status": "won", "ids": [str(day["fresh"].id)]}
    )
    assert response.status_code == 400
    # a status that is not one of the pipeline's, nothing ticked, odd ids
    assert _move(signed_in, [day["fresh"].id], "draft").status_code == 302
    assert "Please choose one of the statuses listed." in signed_in.get(
        "/workspace/board"
    ).get_data(as_text=True)
    assert _move(signed_in, [], "won").status_code == 302
    assert "Please tick at least one prospect to move." in signed_in.get(
        "/workspace/board"
    ).get_data(as_text=True)
    assert _move(signed_in, ["x", "-1", "9" * 40], "won").status_code == 302
    db.session.expire_all()
    after = {s.id: s.status for s in db.session.scalars(sa.select(Submission))}
    assert after == before
    assert db.session.scalar(sa.select(sa.func.count(StatusChange.id))) == 0


def test_a_signed_out_browser_cannot_move(client, day, db):
    response = client.post("/workspace/board/move", data={"status": "won"})
    assert response.status_code in (302, 400)
    assert client.get("/workspace/board").status_code == 302
    db.session.expire_all()
    assert db.session.get(Submission, day["fresh"].id).status == "new"


def test_a_consultant_member_moves_as_on_the_prospect_page(client, day, db):
    """Status changes are every member's work (the prospect page allows them too)."""
    member = make_consultant(email="member@example.com", name="Mo Member")
    member.role = "consultant"
    db.session.commit()
    assert sign_in(client, email="member@example.com").status_code == 302
    assert _move(client, [day["fresh"].id], "booked").status_code == 302
    db.session.expire_all()
    assert db.session.get(Submission, day["fresh"].id).status == "booked"
    change = db.session.scalar(sa.select(StatusChange))
    assert change.author_name == "Mo Member"
    assert db.session.get(Consultant, member.id).role == "consultant"


# ---- triage from the list --------------------------------------------------------


@pytest.fixture
def abc(db, consultant):
    """Three new prospects, named to sort A, B, C; C sent first."""
    people = [
        make_submission(
            persona=p, full_name=name, submitted_at=NOW - dt.timedelta(hours=h)
        )
        for p, name, h in (
            ("strategic_collaborator", "Ada Archer", 1),
            ("friendly_founder", "Ben Baker", 2),
            ("steady_collaborator", "Cy Cooper", 3),
        )
    ]
    db.session.commit()
    return people


def test_the_list_carries_its_query_to_each_prospect_and_back(signed_in, abc):
    query = "/workspace/?status=new&sort=name&direction=asc"
    html = signed_in.get(query).get_data(as_text=True)
    back = "%2Fworkspace%2F%3Fstatus%3Dnew%26sort%3Dname%26direction%3Dasc"
    link = f"/workspace/submissions/{abc[0].id}?back={back}"
    assert f'href="{link}"' in html.replace("&amp;", "&")
    page = signed_in.get(link).get_data(as_text=True).replace("&amp;", "&")
    assert f'<a href="{query}">← All prospects</a>' in page
    # next in the list's order (by name, A to Z)
    assert f'href="/workspace/submissions/{abc[1].id}?back={back}"' in page
    assert "Next prospect" in page


def test_a_way_back_elsewhere_is_refused(signed_in, abc):
    for bad in ("//evil.example/", "https://evil.example/", "/workspace/settings"):
        page = signed_in.get(
            f"/workspace/submissions/{abc[0].id}", query_string={"back": bad}
        ).get_data(as_text=True)
        assert '<a href="/workspace/">← All prospects</a>' in page, bad


def test_next_prospect_follows_the_default_order_and_ends(signed_in, abc):
    # the list unfiltered: the most recent first (Ada, Ben, Cy)
    page = signed_in.get(f"/workspace/submissions/{abc[1].id}").get_data(as_text=True)
    assert f'href="/workspace/submissions/{abc[2].id}"' in page
    last = signed_in.get(f"/workspace/submissions/{abc[2].id}").get_data(as_text=True)
    assert "Next prospect" not in last


def test_a_status_change_keeps_the_way_back_and_the_next_prospect(signed_in, abc, db):
    query = "/workspace/?status=new&sort=name&direction=asc"
    link = f"/workspace/submissions/{abc[0].id}"
    page = signed_in.get(link, query_string={"back": query})
    response = signed_in.post(
        link + "/status",
        data={"csrf_token": csrf_of(page), "status": "reviewing", "back": query},
    )
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith(link + "?back=")
    after = signed_in.get(location).get_data(as_text=True).replace("&amp;", "&")
    assert f'<a href="{query}">← All prospects</a>' in after
    # Ada has left the list of new prospects; the next is still Ben
    assert f"/workspace/submissions/{abc[1].id}?back=" in after
    assert "Status changed to Reviewing." in after


def test_the_list_can_be_sorted_without_its_headings(signed_in, abc):
    html = signed_in.get("/workspace/?sort=name&direction=asc").get_data(as_text=True)
    assert '<select id="sort" name="sort">' in html
    assert '<option value="name" selected>Name</option>' in html
    assert '<option value="asc" selected>' in html
    names = re.findall(r'class="prospect-link">([^<]+)<', html)
    assert names == ["Ada Archer", "Ben Baker", "Cy Cooper"]


def test_sending_from_today_returns_to_the_prospect_with_the_way_back(
    signed_in, live_day, db
):
    fresh = live_day["fresh"]
    link = f"/workspace/submissions/{fresh.id}"
    page = signed_in.get(link, query_string={"back": "/workspace/today"})
    assert '<a href="/workspace/today">← Today</a>' in page.get_data(as_text=True)
    response = signed_in.post(
        link + "/send-proposal",
        data={
            "csrf_token": csrf_of(page),
            "message": "Dear Maximiliana,\r\n\r\nHere it is.",
            "back": "/workspace/today",
        },
    )
    assert response.headers["Location"] == f"{link}?back=%2Fworkspace%2Ftoday#send"
    after = signed_in.get(response.headers["Location"]).get_data(as_text=True)
    assert "Proposal sent to" in after
    assert '<a href="/workspace/today">← Today</a>' in after


def test_a_long_column_shows_its_oldest_cards_and_links_to_the_rest(
    signed_in, questionnaire, db
):
    from intake import registry
    from tests.factories import listed_row

    registry.ensure_stored(questionnaire)
    now = utcnow()
    rows = [listed_row(i, questionnaire, now) for i in range(55)]
    rows += [listed_row(100 + i, questionnaire, now, status="won") for i in range(3)]
    db.session.execute(sa.insert(Submission), rows)
    db.session.commit()
    html = signed_in.get("/workspace/board").get_data(as_text=True)
    new = html[html.index('id="col-new"') : html.index('id="col-reviewing"')]
    names = re.findall(r'class="prospect-link">([^<]+)<', new)
    # the open stages: the longest waiting first (Prospect 54 came first)
    assert len(names) == 50 and names[:2] == ["Prospect 54", "Prospect 53"]
    assert 'href="/workspace/?status=new">All 55 in the list</a>' in new
    won = html[html.index('id="col-won"') : html.index('id="col-lost"')]
    # the closed ones: the latest first
    assert re.findall(r'class="prospect-link">([^<]+)<', won) == [
        "Prospect 100",
        "Prospect 101",
        "Prospect 102",
    ]
