"""Queueing: an e-mail is an OutboxMessage row added in the caller's transaction.

The caller commits; a rolled-back event leaves no message, and a committed one is
delivered by `flask --app intake deliver-mail` (see worker.py), however long the mail
server is away.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from email.utils import make_msgid

from flask import g, render_template

from ..extensions import db
from ..models import MailAttachment, OutboxMessage, utcnow
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
