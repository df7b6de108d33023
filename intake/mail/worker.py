"""Delivery: claim one due message at a time, send it, record the attempt.

Claiming is one conditional UPDATE. On PostgreSQL its sub-select takes the row with
`FOR UPDATE SKIP LOCKED`, so workers on any number of hosts each get a different
message and never wait on one another. On SQLite the UPDATE runs under the database's
single write lock, so claims are exclusive too, for the workers of the one host that
can share the file. A claim is a lease: a worker that dies mid-send leaves its message
to be retried once the lease ends (INTAKE_MAIL_LEASE_SECONDS, far longer than the SMTP
timeout, so a live worker is never overtaken). The Message-ID is fixed when the message
is queued, so even that rare retry is recognised as the same message by the receiver.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload, undefer

from ..extensions import db
from ..models import (
    MAIL_CANCELLED,
    MAIL_FAILED,
    MAIL_QUEUED,
    MAIL_SENDING,
    MAIL_SENT,
    MailAttachment,
    MailAttempt,
    OutboxMessage,
    utcnow,
)
from . import transport
from .links import public_host
from .message import REDACTED_TEXT, build_email
from .schedule import recheck
from .transport import DeliveryError

log = logging.getLogger(__name__)
MAX_BACKOFF = dt.timedelta(hours=6)
# a retry because the server could not be reached: the pass stops there
UNREACHABLE = "unreachable"


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:120]


def outbox_dir() -> Path:
    """Where .eml files go when no SMTP server is configured."""
    configured = current_app.config.get("MAIL_OUTBOX_DIR")
    return Path(configured or Path(current_app.instance_path) / "outbox")


def _due(now: dt.datetime):
    return sa.or_(
        sa.and_(OutboxMessage.status == MAIL_QUEUED, OutboxMessage.send_after <= now),
        # a worker died holding it: its lease is over
        sa.and_(OutboxMessage.status == MAIL_SENDING, OutboxMessage.lease_until < now),
    )


def claim_next(worker: str, *, due_by: dt.datetime | None = None) -> int | None:
    """Take the next message due by `due_by` (default now) for this worker, committed;
    None when none is due."""
    now = utcnow()
    due_by = due_by or now
    lease = dt.timedelta(seconds=current_app.config["MAIL_LEASE_SECONDS"])
    pick = (
        sa.select(OutboxMessage.id)
        .where(_due(due_by))
        .order_by(OutboxMessage.send_after, OutboxMessage.id)
        .limit(1)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    claimed = db.session.scalar(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id == pick, _due(due_by))
        .values(
            status=MAIL_SENDING,
            lease_until=now + lease,
            claimed_by=worker,
            attempts=OutboxMessage.attempts + 1,
        )
        .returning(OutboxMessage.id)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return claimed


def deliver_due(*, worker: str | None = None, limit: int | None = None) -> Counter:
    """Deliver the messages due now (a retry waits for the next pass, or `limit`);
    counts per outcome."""
    worker = worker or worker_name()
    outcomes: Counter = Counter()
    start = utcnow()
    while limit is None or sum(outcomes.values()) < limit:
        claimed = claim_next(worker, due_by=start)
        if claimed is None:
            break
        outcome = deliver_claimed(claimed, worker)
        outcomes[outcome] += 1
        if outcome == UNREACHABLE:
            # the server did not answer (or refused the connection): every other message
            # would wait a whole timeout for the same silence, one after another; they
            # stay queued, untouched, for the next pass
            break
    return outcomes


def deliver_in_parallel(*, worker: str, threads: int) -> Counter:
    """deliver_due in `threads` threads, each with its own app context (so its own
    database session) and worker name: a message the server is slow to take does not
    hold the others. Claims stay exclusive (claim_next), so none is sent twice."""
    if threads <= 1:
        return deliver_due(worker=worker)
    # the app itself, for the threads: current_app is a proxy that mypy reads as Flask
    app = current_app._get_current_object()  # type: ignore[attr-defined]

    def one(n: int) -> Counter:
        with app.app_context():
            try:
                return deliver_due(worker=f"{worker[:115]}/{n}")
            finally:
                db.session.remove()

    with ThreadPoolExecutor(threads, thread_name_prefix="deliver-mail") as pool:
        return sum(pool.map(one, range(threads)), Counter())


def deliver_claimed(outbox_id: int, worker: str) -> str:
    """Send one claimed message and record how it went: sent, retry, failed, cancelled."""
    started = utcnow()
    row = db.session.scalar(
        sa.select(OutboxMessage)
        .where(OutboxMessage.id == outbox_id)
        .options(
            undefer(OutboxMessage.text_body),
            undefer(OutboxMessage.html_body),
            selectinload(OutboxMessage.attachments).undefer(MailAttachment.data),
        )
    )
    if row is None:  # deleted with its submission meanwhile
        db.session.rollback()
        return MAIL_CANCELLED
    decision = recheck(row)
    if decision is not None:
        return _settle(row, worker, started, decision)
    name = f"{row.created_at:%Y%m%d-%H%M%S}-{row.id:06d}-{row.kind}"
    try:
        email = build_email(row, attachments=row.attachments, date=utcnow())
    except (ValueError, TypeError) as exc:  # e.g. an address no server would take
        db.session.rollback()
        problem = DeliveryError(
            f"cannot be written as an e-mail: {exc}", temporary=False
        )
        return _record_failure(outbox_id, worker, started, problem)
    db.session.rollback()  # no transaction stays open while the server is talked to
    try:
        _send(email, name)
    except DeliveryError as exc:
        outcome = _record_failure(outbox_id, worker, started, exc)
        return UNREACHABLE if exc.unreachable and outcome == "retry" else outcome
    return _record_sent(outbox_id, worker, started)


def _send(email, name: str) -> None:
    cfg = current_app.config
    server = transport.parse_mail_url(cfg.get("MAIL_URL") or "")
    if server is None:
        transport.write_eml(outbox_dir(), name, email)
    else:
        transport.send_smtp(
            server, email, timeout=cfg["MAIL_TIMEOUT"], helo=public_host()
        )


def _record_sent(outbox_id: int, worker: str, started: dt.datetime) -> str:
    row = db.session.get(OutboxMessage, outbox_id)
    values = {"status": MAIL_SENT, "sent_at": utcnow(), "lease_until": None}
    if row is not None and row.redact_after_send:
        values |= {"text_body": REDACTED_TEXT, "html_body": f"<p>{REDACTED_TEXT}</p>"}
    _finish(outbox_id, values, worker=None)  # sent stays sent, whoever holds the lease
    _attempt(outbox_id, worker, started, MAIL_SENT, "")
    db.session.commit()
    log.info("action=mail_sent outbox=%s", outbox_id)
    return MAIL_SENT


def _record_failure(outbox_id, worker, started, exc: DeliveryError) -> str:
    cfg = current_app.config
    row = db.session.get(OutboxMessage, outbox_id)
    attempts = row.attempts if row is not None else 1
    give_up = not exc.temporary or attempts >= cfg["MAIL_MAX_ATTEMPTS"]
    wait = min(
        dt.timedelta(seconds=cfg["MAIL_RETRY_SECONDS"] * 2 ** (attempts - 1)),
        MAX_BACKOFF,
    )
    outcome = MAIL_FAILED if give_up else "retry"
    values = {
        "status": MAIL_FAILED if give_up else MAIL_QUEUED,
        "send_after": utcnow() + wait,
        "lease_until": None,
        "last_error": exc.detail,
    }
    _finish(outbox_id, values, worker=worker)
    _attempt(outbox_id, worker, started, outcome, exc.detail)
    db.session.commit()
    log.warning(
        "action=mail_%s outbox=%s attempt=%s error=%r",
        outcome,
        outbox_id,
        attempts,
        exc.detail,
    )
    return outcome


def _settle(row: OutboxMessage, worker: str, started, decision) -> str:
    """A scheduled message that should not go now: later, or not at all."""
    outbox_id = row.id
    values: dict[str, object]
    if decision.cancel:
        values = {"status": MAIL_CANCELLED, "lease_until": None}
        outcome = MAIL_CANCELLED
    else:  # not a try: the attempt count is given back
        values = {
            "status": MAIL_QUEUED,
            "send_after": decision.later,
            "lease_until": None,
            "attempts": OutboxMessage.attempts - 1,
        }
        outcome = "postponed"
    _finish(outbox_id, values, worker=worker)
    _attempt(outbox_id, worker, started, outcome, decision.reason)
    db.session.commit()
    return outcome


def _finish(outbox_id: int, values: dict, *, worker: str | None) -> None:
    """Write the outcome unless the message was sent meanwhile (or, with `worker`,
    unless another worker holds it now)."""
    query = sa.update(OutboxMessage).where(
        OutboxMessage.id == outbox_id, OutboxMessage.status != MAIL_SENT
    )
    if worker is not None:
        query = query.where(OutboxMessage.claimed_by == worker)
    db.session.execute(
        query.values(**values).execution_options(synchronize_session=False)
    )


def _attempt(outbox_id, worker, started, outcome: str, detail: str) -> None:
    if db.session.get(OutboxMessage, outbox_id) is None:
        return  # deleted with its submission while it was being sent
    db.session.add(
        MailAttempt(
            outbox_id=outbox_id,
            worker=worker,
            started_at=started,
            outcome=outcome,
            detail=detail[:500],
        )
    )
