"""Queueing: an e-mail is an OutboxMessage row added in the caller's transaction.

The caller commits; a rolled-back event leaves no message, and a committed one is
delivered by `flask --app intake deliver-mail` (see worker.py), however long the mail
server is away.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from email.utils import make_msgid

import sqlalchemy as sa
from flask import current_app, g, render_template

from ..extensions import db
from ..models import MAIL_QUEUED, MailAttachment, OutboxMessage, utcnow
from .links import public_host

_SPACE = re.compile(r"\s+")


def queue_mail(
    *,
    to: str,
    template: str,
    subject: str,
    context: Mapping | None = None,
    kind: str | None = None,
    submission_id: int | None = None,
    reply_to: str = "",
    headers: Mapping[str, str] | None = None,
    send_after: dt.datetime | None = None,
    once_key: str | None = None,
    private: bool = False,
    attachments: Iterable[tuple[str, str, bytes]] = (),
) -> OutboxMessage:
    """Render templates/mail/TEMPLATE.txt and .html and add the message to the session.

    Nothing is committed: the message exists exactly when the caller's transaction does.
    `private=True` (a link that signs someone in) blanks the stored bodies once sent.
    `once_key` is unique across all messages ever queued; a second one fails the commit.
    Attachments are (file name, content type, bytes).
    """
    values = dict(context or {})
    message = OutboxMessage(
        kind=kind or template,
        message_id=make_msgid(domain=public_host()),
        once_key=once_key,
        submission_id=submission_id,
        to_addr=to.strip(),
        reply_to=reply_to.strip(),
        subject=_SPACE.sub(" ", subject).strip()[:300],
        headers=dict(headers or {}),
        text_body=render_template(f"mail/{template}.txt", **values),
        html_body=render_template(f"mail/{template}.html", **values),
        redact_after_send=private,
        send_after=send_after or utcnow(),
    )
    message.attachments = [
        MailAttachment(filename=name, content_type=ctype, data=data)
        for name, ctype, data in attachments
    ]
    db.session.add(message)
    g.mail_queued = True  # development: delivered to a file right after the request
    return message


@dataclass(frozen=True)
class QueueState:
    """How late the mail is: what the Outbox and /healthz report."""

    waiting: int  # messages due now and not yet sent
    oldest_minutes: int | None  # how long the oldest of them has been due
    warn_minutes: int

    @property
    def late(self) -> bool:
        """True when something has waited past the threshold: no worker is running, or
        the mail server has been away that long."""
        return self.oldest_minutes is not None and self.oldest_minutes >= (
            self.warn_minutes
        )

    def as_json(self) -> dict:
        return {
            "state": "late" if self.late else "ok",
            "waiting": self.waiting,
            "oldest_minutes": self.oldest_minutes,
        }


def queue_state(now: dt.datetime | None = None) -> QueueState:
    """The messages due but not sent, and the age of the oldest (one query)."""
    now = now or utcnow()
    waiting, oldest = db.session.execute(
        sa.select(sa.func.count(), sa.func.min(OutboxMessage.send_after)).where(
            OutboxMessage.status == MAIL_QUEUED, OutboxMessage.send_after <= now
        )
    ).one()
    minutes = None if oldest is None else int((now - oldest).total_seconds() // 60)
    return QueueState(waiting, minutes, current_app.config["MAIL_QUEUE_WARN_MINUTES"])
