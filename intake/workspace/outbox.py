"""The Outbox: every e-mail the service wrote, and how its delivery went (owners only:
guard.OWNER_ONLY). A private link in a message is shown hidden (intake.private_links)."""

from __future__ import annotations

import dataclasses
import logging

import sqlalchemy as sa
from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_wtf import FlaskForm
from sqlalchemy.orm import selectinload, undefer

from ..extensions import db, rows_changed
from ..mail import transport, worker
from ..mail.message import build_email
from ..mail.outbox import queue_state
from ..mail.words import SECURITY_WORDS, kind_label, plain_problem
from ..models import (
    MAIL_FAILED,
    MAIL_QUEUED,
    MailAttachment,
    MailAttempt,
    OutboxMessage,
    utcnow,
)
from ..private_links import redact
from .views import bp

log = logging.getLogger(__name__)

STATUSES = {
    "queued": "Waiting",
    "sending": "Sending",
    "sent": "Sent",
    "failed": "Not delivered",
    "cancelled": "Not needed",
}
# what one delivery attempt came to (MailAttempt.outcome)
OUTCOMES = {
    "sent": "Sent",
    "retry": "Not sent yet, tried again later",
    "failed": "Not delivered",
    "cancelled": "Not needed any more",
    "postponed": "Put off",
}
PAGE_SIZE = 50
# the HTML part shown on its own: no script, no network, no forms (it is ours, but
# carries what prospects typed)
SANDBOX_CSP = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:"


@dataclasses.dataclass(frozen=True)
class Shown:
    """A message as the Outbox shows it: its private links hidden, in every part."""

    text_body: str
    html_body: str
    headers: dict


def shown(row: OutboxMessage) -> Shown:
    return Shown(
        text_body=redact(row.text_body or ""),
        html_body=redact(row.html_body or ""),
        headers={
            name: redact(value) if isinstance(value, str) else value
            for name, value in (row.headers or {}).items()
        },
    )


def _hidden_copy(row: OutboxMessage) -> OutboxMessage:
    """A copy of the row (never added to the session) with its private links hidden."""
    columns = sa.inspect(OutboxMessage).column_attrs
    copy = OutboxMessage(**{c.key: getattr(row, c.key) for c in columns})
    parts = shown(row)
    copy.text_body, copy.html_body, copy.headers = (
        parts.text_body,
        parts.html_body,
        parts.headers,
    )
    return copy


@bp.get("/outbox")
def outbox():
    """Every e-mail the service wrote, newest first, 50 to a page, with how its
    delivery went and a warning when mail has waited too long."""
    status = request.args.get("status", "")
    if status not in STATUSES:
        status = ""
    chosen = [OutboxMessage.status == status] if status else []
    query = sa.select(OutboxMessage).where(*chosen)
    total = db.session.scalar(
        sa.select(sa.func.count()).select_from(OutboxMessage).where(*chosen)
    )
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(request.args.get("page", 1, type=int), 1), pages)
    rows = db.session.scalars(
        query.order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    counts = dict(
        db.session.execute(
            sa.select(OutboxMessage.status, sa.func.count()).group_by(
                OutboxMessage.status
            )
        ).all()
    )
    return render_template(
        "mail_pages/outbox.html",
        rows=rows,
        counts=counts,
        status=status,
        statuses=STATUSES,
        kind_label=kind_label,
        plain_problem=plain_problem,
        delivery=_delivery_words(),
        paging={"page": page, "pages": pages, "total": total, "size": PAGE_SIZE},
        queue=queue_state(),
        now=utcnow(),
    )


def _delivery_words() -> str:
    """Where messages leave through, in words: the server, its security, the account
    (never the password)."""
    server = transport.parse_mail_url(current_app.config.get("MAIL_URL") or "")
    if server is None:
        return ""
    account = f", signed in as {server.username}" if server.username else ""
    security = SECURITY_WORDS.get(server.security, server.security)
    return f"the mail server {server.host}, port {server.port} ({security}{account})"


def _message_or_404(outbox_id: int) -> OutboxMessage:
    row = db.session.scalar(
        sa.select(OutboxMessage)
        .where(OutboxMessage.id == outbox_id)
        .options(
            undefer(OutboxMessage.text_body),
            undefer(OutboxMessage.html_body),
            selectinload(OutboxMessage.attachments),
        )
    )
    if row is None:
        abort(404)
    return row


@bp.get("/outbox/<id:outbox_id>")
def outbox_message(outbox_id: int):
    """One e-mail: headers, the plain-text part, every delivery attempt."""
    row = _message_or_404(outbox_id)
    attempts = db.session.scalars(
        sa.select(MailAttempt)
        .where(MailAttempt.outbox_id == outbox_id)
        .order_by(MailAttempt.id)
    ).all()
    return render_template(
        "mail_pages/outbox_message.html",
        row=row,
        text_body=shown(row).text_body,
        attempts=attempts,
        outcomes=OUTCOMES,
        statuses=STATUSES,
        kind_label=kind_label,
        plain_problem=plain_problem,
        outbox_dir=worker.outbox_dir(),
        delivery=_delivery_words(),
    )


@bp.get("/outbox/<id:outbox_id>/message.html")
def outbox_html(outbox_id: int):
    """The HTML part as the recipient's mail program shows it, sandboxed."""
    row = _message_or_404(outbox_id)
    response = Response(shown(row).html_body, mimetype="text/html")
    response.headers["Content-Security-Policy"] = SANDBOX_CSP
    return response


@bp.get("/outbox/<id:outbox_id>.eml")
def outbox_eml(outbox_id: int):
    """The whole message as a file any mail program opens (its private links hidden)."""
    row = _message_or_404(outbox_id)
    files = db.session.scalars(
        sa.select(MailAttachment)
        .where(MailAttachment.outbox_id == outbox_id)
        .options(undefer(MailAttachment.data))
    ).all()
    email = build_email(_hidden_copy(row), attachments=files)
    return Response(
        email.as_bytes(),
        mimetype="message/rfc822",
        headers={"Content-Disposition": f'attachment; filename="message-{row.id}.eml"'},
    )


@bp.post("/outbox/<id:outbox_id>/retry")
def outbox_retry(outbox_id: int):
    """Try a message that was not delivered again, from the first attempt."""
    if FlaskForm().validate_on_submit():
        retried = rows_changed(
            sa.update(OutboxMessage)
            .where(OutboxMessage.id == outbox_id, OutboxMessage.status == MAIL_FAILED)
            .values(status=MAIL_QUEUED, attempts=0, send_after=utcnow(), last_error="")
        )
        db.session.commit()
        if retried:
            log.info("action=mail_retry_requested outbox=%s", outbox_id)
            flash("The message will be sent again within a minute.", "success")
    return redirect(url_for(".outbox_message", outbox_id=outbox_id))
