"""Sending a proposal by private link, and what the prospect does with it.

The link's token is 256 random bits; only its SHA-256 is stored. The PDF is rendered
once, when the proposal is sent, and stored with the offer: the page, the download and
the signed copy all use those exact bytes, whatever changes in settings or templates.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

import sqlalchemy as sa

from ..documents import service as proposal_service
from ..extensions import db, rows_changed
from ..models import (
    PIPELINE,
    Submission,
    utcnow,
)
from ..pipeline import move_status
from ..practice import Practice
from ..proposal import schedule
from ..proposal.recommendation import Recommendation
from ..security import MAX_TOKEN_CHARS, hash_token, new_private_token
from .models import ACCEPTED, DECLINED, SENT, SUPERSEDED, WITHDRAWN, Offer


class CannotSend(Exception):
    """Why this proposal cannot be sent (shown to the consultant)."""


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def by_token(token: str) -> Offer | None:
    if not token or len(token) > MAX_TOKEN_CHARS:
        return None
    return db.session.scalar(
        sa.select(Offer).where(Offer.token_hash == hash_token(token))
    )


def latest_for(submission_id: int) -> Offer | None:
    return db.session.scalar(
        sa.select(Offer)
        .where(Offer.submission_id == submission_id)
        .order_by(Offer.id.desc())
        .limit(1)
    )


def is_open(offer: Offer, now: dt.datetime | None = None) -> bool:
    """The prospect can still accept, decline or ask."""
    return offer.state == SENT and offer.expires_at > (now or utcnow())


def check_can_send(
    submission: Submission, recommendation: Recommendation | None
) -> None:
    """Raise CannotSend unless the proposal may go to this prospect (`recommendation`:
    the request's, None for a prospect never assessed)."""
    if not submission.email:
        raise CannotSend(
            "This prospect gave no e-mail address to send the proposal to."
        )
    if submission.status == "won":
        raise CannotSend("This prospect has already accepted a proposal.")
    if recommendation is None or recommendation.package is None:
        raise CannotSend(
            "Not a fit: no proposal is sent unless you choose a package to propose."
        )


def _options(context: dict, practice: Practice) -> list[dict]:
    """The packages offered: the proposal's options when it has several, else its one;
    each with the reviews it includes (cadences), for the calendar of the one chosen."""
    options = context.get("options") or [context.get("package")]
    packages = {p.name: p for p in practice.packages}
    return [
        {
            **{
                k: o.get(k)
                for k in ("name", "kind", "hours", "price", "description", "included")
            },
            "cadences": schedule.cadences_of(packages[o["name"]], practice)
            if o["name"] in packages
            else [],
        }
        for o in options
        if isinstance(o, dict) and o.get("name")
    ]


def _agreed_reviews(options: list[dict], recommendation: Recommendation) -> list[dict]:
    """The recommended package's reviews as the proposal shows them (those agreed in
    the consultation call), so the calendar of the accepted option holds the same."""
    name = recommendation.package.name if recommendation.package else None
    held = [r.cadence for r in recommendation.reviews]
    return [
        {**o, "cadences": [c for c in o["cadences"] if c in held]}
        if o["name"] == name and held and recommendation.project is None
        else o
        for o in options
    ]


def page_content(
    submission: Submission, practice: Practice, recommendation: Recommendation
) -> dict:
    """What the prospect's page shows, as plain values fixed when the proposal is sent."""
    context = proposal_service.context_for(
        submission, practice, recommendation=recommendation
    )
    return {
        "title": context.get("title", ""),
        "date": context.get("date", ""),
        "valid_until": context.get("valid_until", ""),
        "greeting_name": context.get("greeting_name", ""),
        "options": _agreed_reviews(_options(context, practice), recommendation),
        "schedule_until": context.get("schedule_until", ""),
        "reviews": [
            {"cadence": r.cadence, "name": r.name, "when": r.when, "purpose": r.purpose}
            for r in recommendation.reviews
        ],
        "agreement": list(context.get("agreement") or []),
        "not_included": list(context.get("not_included") or []),
        "reply_time": context.get("reply_time", ""),
        # the start agreed in the consultation call (the acceptance form's default)
        "start_date": recommendation.start_date.isoformat()
        if context.get("agreed") and recommendation.start_date
        else "",
    }


def send(
    submission: Submission,
    practice: Practice,
    *,
    message: str,
    sent_by: str,
    base_url: str,
    now: dt.datetime | None = None,
    recommendation: Recommendation | None = None,
) -> tuple[Offer, str]:
    """Freeze the PDF and the page, supersede older links, move the status to
    "proposal sent". Returns the offer and its token (for the e-mail). No commit.
    `recommendation`: the request's own (computed here, once, when not given)."""
    if recommendation is None:
        recommendation = proposal_service.recommendation_for(submission, practice)
    check_can_send(submission, recommendation)
    now = now or utcnow()
    pdf, _cached = proposal_service.pdf_for(
        submission, practice, base_url=base_url, recommendation=recommendation
    )
    # the same input as the PDF: the signed and final copies lay it out again with
    # the acceptance section, as one document (offers/signed.py)
    html = proposal_service.html_for(
        submission, practice, recommendation=recommendation
    )
    db.session.execute(
        sa.update(Offer)
        .where(Offer.submission_id == submission.id, Offer.state == SENT)
        .values(state=SUPERSEDED)
    )
    token, token_hash = new_private_token()
    offer = Offer(
        submission_id=submission.id,
        token_hash=token_hash,
        state=SENT,
        created_at=now,
        expires_at=now + dt.timedelta(days=max(1, int(practice.proposal_valid_days))),
        sent_by=sent_by,
        message=message,
        content=page_content(submission, practice, recommendation),
        pdf=pdf,
        pdf_sha256=sha256(pdf),
        html=html,
    )
    db.session.add(offer)
    move_status(submission, "proposal_sent", author=sent_by, now=now)
    return offer, token


def record_open(offer: Offer, now: dt.datetime | None = None) -> None:
    """Count one opening of the page (one UPDATE: concurrent opens are all counted)."""
    now = now or utcnow()
    db.session.execute(
        sa.update(Offer)
        .where(Offer.id == offer.id)
        .values(
            open_count=Offer.open_count + 1,
            last_opened_at=now,
            first_opened_at=sa.func.coalesce(Offer.first_opened_at, now),
        )
        .execution_options(synchronize_session=False)
    )


@dataclass(frozen=True)
class Acceptance:
    name: str
    option: str
    start_date: dt.date
    ip: str
    user_agent: str
    pdf_sha256: str


def claim(offer: Offer, values: dict, now: dt.datetime) -> bool:
    """Move a still-open offer to its final state; False when it was not open (any
    more): a double click or a second tab changes nothing."""
    changed = rows_changed(
        sa.update(Offer)
        .where(Offer.id == offer.id, Offer.state == SENT, Offer.expires_at > now)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if changed != 1:
        return False
    db.session.refresh(offer)
    return True


def accept(
    offer: Offer,
    submission: Submission,
    acceptance: Acceptance,
    *,
    signed_pdf: bytes,
    now: dt.datetime | None = None,
) -> bool:
    """Record the prospect's signature and the signed copy (its record shows `now`)."""
    now = now or utcnow()
    done = claim(
        offer,
        {
            "state": ACCEPTED,
            "accepted_at": now,
            "accepted_name": acceptance.name,
            "accepted_option": acceptance.option,
            "accepted_ip": acceptance.ip[:64],
            "accepted_user_agent": acceptance.user_agent[:500],
            "accepted_pdf_sha256": acceptance.pdf_sha256,
            "start_date": acceptance.start_date,
            "signed_pdf": signed_pdf,
        },
        now,
    )
    if done:
        move_status(submission, "won", author=f"{acceptance.name} (online)", now=now)
    return done


class CannotCountersign(Exception):
    """Why this proposal cannot be countersigned (shown to the consultant)."""


def check_can_countersign(offer: Offer | None) -> None:
    """Raise CannotCountersign unless the prospect has signed and nobody has
    countersigned yet."""
    if offer is None or offer.state != ACCEPTED:
        raise CannotCountersign(
            "Only a proposal the prospect has accepted can be countersigned."
        )
    if offer.countersigned_at is not None:
        raise CannotCountersign(
            f"This proposal was already countersigned by {offer.countersigned_name}."
        )


def countersign(
    offer: Offer,
    *,
    name: str,
    by: str,
    ip: str,
    user_agent: str,
    final_pdf: bytes,
    now: dt.datetime,
) -> bool:
    """Record the consultant's countersignature and the final copy, once: False when
    the offer is not accepted or was countersigned meanwhile (a double click, a
    colleague in another tab): nothing changes then. No commit."""
    changed = rows_changed(
        sa.update(Offer)
        .where(
            Offer.id == offer.id,
            Offer.state == ACCEPTED,
            Offer.countersigned_at.is_(None),
        )
        .values(
            countersigned_at=now,
            countersigned_name=name[:200],
            countersigned_by=by[:254],
            countersigned_ip=ip[:64],
            countersigned_user_agent=user_agent[:500],
            final_pdf=final_pdf,
        )
        .execution_options(synchronize_session=False)
    )
    if changed != 1:
        return False
    db.session.refresh(offer)
    return True


def decline(offer: Offer, submission: Submission, reason: str) -> bool:
    now = utcnow()
    done = claim(
        offer, {"state": DECLINED, "declined_at": now, "decline_reason": reason}, now
    )
    if done:
        author = f"{submission.name or 'The prospect'} (online)"
        move_status(submission, "lost", author=author, now=now)
    return done


def status_words(offer: Offer) -> str:
    return {
        SENT: "Sent, waiting for an answer",
        ACCEPTED: "Countersigned"
        if offer.countersigned_at
        else "Accepted, waiting for your countersignature",
        DECLINED: "Declined",
        SUPERSEDED: "Replaced by a newer proposal",
        WITHDRAWN: "Withdrawn: the link no longer works",
    }.get(offer.state, PIPELINE.get(offer.state, offer.state))
