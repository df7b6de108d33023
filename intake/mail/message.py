"""An OutboxMessage as the e-mail that leaves: text and HTML parts, headers, files."""

from __future__ import annotations

import datetime as dt
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime

from flask import current_app

from ..models import OutboxMessage
from ..practice_store import current_practice

REDACTED_TEXT = "(This message held a private link; it was removed once delivered.)"


def sender() -> str:
    """INTAKE_MAIL_FROM, or the practice's name and e-mail address."""
    configured = current_app.config.get("MAIL_FROM") or ""
    if configured:
        return configured
    practice = current_practice()
    address = practice.email or "intake@localhost"
    try:
        return str(Address(display_name=practice.name, addr_spec=address))
    except (ValueError, IndexError):  # a malformed address in the settings
        return address


def build_email(
    row: OutboxMessage, *, attachments=(), date: dt.datetime | None = None
) -> EmailMessage:
    """The MIME message for a row: multipart/alternative, plus any attachments.

    `date` is when it is handed to the server (the worker passes now): a reminder queued
    days ago must not arrive dated days back. Without it (a copy shown in the
    workspace), the time it was written.
    """
    msg = EmailMessage()
    msg["Subject"] = row.subject
    msg["From"] = sender()
    msg["To"] = row.to_addr
    if row.reply_to:
        msg["Reply-To"] = row.reply_to
    msg["Date"] = format_datetime(_aware(date or row.created_at))
    msg["Message-ID"] = row.message_id
    msg["Auto-Submitted"] = "auto-generated"
    for name, value in (row.headers or {}).items():
        msg[name] = value
    msg.set_content(row.text_body)
    msg.add_alternative(row.html_body, subtype="html")
    for item in attachments:
        # "text/calendar; charset=utf-8": the type, then its parameters
        kind, *params = (p.strip() for p in item.content_type.split(";"))
        maintype, _, subtype = kind.partition("/")
        msg.add_attachment(
            item.data,
            maintype=maintype,
            subtype=subtype,
            filename=item.filename,
            params=dict(p.split("=", 1) for p in params if "=" in p),
        )
    return msg


def _aware(when: dt.datetime) -> dt.datetime:
    # stored times are naive UTC; an aware time makes the header say +0000, not -0000
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)
