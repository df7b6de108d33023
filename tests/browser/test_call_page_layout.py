"""The prospect's page laid out for the call (issue 25) on a phone (375x812) and a desk
(1280x800), with a long name, a 60+ character e-mail, notes, a booked call with its
reminder pending and a proposal sent: no sideways scrolling, and the next action on
the first screen (on a phone in the sticky bar; on a desk beside their words, with the
status and the note field). Positions are printed (pytest -s); INTAKE_SCREENSHOTS
saves a screenshot of each."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from pathlib import Path

import pytest

from tests.browser import skip_without_browser

skip_without_browser()

from tests.factories import PASSWORD  # noqa: E402

pytestmark = pytest.mark.browser

SIZES = ((375, 812), (1280, 800))
LONG = (
    "maximiliana.featherstonehaugh-cholmondeley@a-very-long-practice-name.example.com"
)
SHOTS = (
    Path(os.environ["INTAKE_SCREENSHOTS"])
    if os.environ.get("INTAKE_SCREENSHOTS")
    else None
)


@pytest.fixture(scope="module")
def seeded(live_server):
    from intake.consultation.models import Booking
    from intake.extensions import db
    from intake.models import MAIL_QUEUED, Note, OutboxMessage
    from intake.offers.models import SENT, Offer
    from tests.factories import make_submission

    now = dt.datetime.now(dt.UTC)
    with live_server.app.app_context():
        talk = make_submission(
            persona="needy_mild",
            full_name="Maximiliana Constance Featherstonehaugh-Cholmondeley",
            email=LONG,
        )
        sent = make_submission(persona="strategic_collaborator", email=LONG)
        db.session.flush()
        for i in range(3):
            db.session.add(
                Note(submission_id=talk.id, author_name="Casey", body=f"Note {i}.")
            )
        reminder = OutboxMessage(
            kind="booking_reminder",
            message_id=f"<{uuid.uuid4().hex}@intake.test>",
            once_key=f"booking-reminder:{talk.id}",
            submission_id=talk.id,
            to_addr=LONG,
            subject="Your call tomorrow",
            text_body="",
            html_body="",
            status=MAIL_QUEUED,
            send_after=now + dt.timedelta(days=2),
        )
        db.session.add(reminder)
        db.session.flush()
        db.session.add(
            Booking(
                submission_id=talk.id,
                start_at=now + dt.timedelta(days=3),
                end_at=now + dt.timedelta(days=3, minutes=45),
                token_hash=uuid.uuid4().hex,
                reminder_id=reminder.id,
            )
        )
        db.session.add(
            Offer(
                submission_id=sent.id,
                token_hash=uuid.uuid4().hex,
                state=SENT,
                created_at=now - dt.timedelta(days=2),
                expires_at=now + dt.timedelta(days=28),
                sent_by="Casey Consultant",
                content={},
                pdf=b"%PDF-1.7",
                pdf_sha256="0" * 64,
            )
        )
        db.session.commit()
        return {"talk": talk.id, "sent": sent.id}


def sign_in(page) -> None:
    page.goto("/workspace/login")
    page.fill("#email", "consultant@example.com")
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def _y(page, selector: str) -> float | None:
    box = page.locator(selector).first.bounding_box()
    return None if box is None else box["y"]


def test_the_call_page_fits_and_its_next_action_is_on_the_first_screen(
    new_context, seeded
):
    problems, positions = [], []
    for width, height in SIZES:
        page = new_context(viewport={"width": width, "height": height}).new_page()
        sign_in(page)
        for name, submission_id in seeded.items():
            page.goto(f"/workspace/submissions/{submission_id}")
            scroll = page.evaluate("document.scrollingElement.scrollWidth")
            if scroll > width:
                problems.append(f"{name} at {width} scrolls sideways ({scroll})")
            # the action visible at this size: the sticky bar's on a phone
            action = ".call-bar .button" if width < 900 else ".next-action"
            ys = {
                "next action": _y(page, action),
                "status": _y(page, "#status"),
                "note field": _y(page, "#body"),
                "their words": _y(page, "#words"),
            }
            positions.append(
                f"{name} {width}x{height}: "
                + ", ".join(f"{k} y={v:.0f}" for k, v in ys.items() if v is not None)
            )
            if ys["next action"] is None or ys["next action"] >= height:
                problems.append(
                    f"{name} at {width}: next action at {ys['next action']}"
                )
            if width >= 900 and max(ys["status"], ys["note field"]) >= height:
                problems.append(f"{name} at {width}: status or note below the screen")
            if ys["their words"] is None or ys["their words"] >= height:
                problems.append(f"{name} at {width}: their words not on screen")
            if SHOTS:
                SHOTS.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(SHOTS / f"call-{name}-{width}.png"))
                page.screenshot(
                    path=str(SHOTS / f"call-{name}-{width}-full.png"), full_page=True
                )
    print("\n".join(positions))
    assert not problems, "\n".join(problems)
