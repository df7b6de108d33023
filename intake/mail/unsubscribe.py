"""Unsubscribing from reminders, without signing in (a link in every reminder)."""

from __future__ import annotations

import logging

import sqlalchemy as sa
from flask import render_template, request

from ..extensions import csrf, db
from ..models import MAIL_CANCELLED, MAIL_QUEUED, MailSuppression, OutboxMessage
from . import messages
from .views import bp

log = logging.getLogger(__name__)


@bp.route("/mail/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # mail programs post here by themselves (RFC 8058 one-click)
def unsubscribe(token: str):
    """Stop reminders to an address: a button on the page, or the mail program's own."""
    email = messages.address_of_unsubscribe(token)
    if email is None:
        return render_template("mail_pages/unsubscribe.html", state="unknown"), 404
    if request.method == "GET":
        return render_template("mail_pages/unsubscribe.html", state="ask", email=email)
    if db.session.get(MailSuppression, email) is None:
        db.session.add(MailSuppression(email_key=email))
    db.session.execute(
        sa.update(OutboxMessage)
        .where(
            OutboxMessage.kind.in_(("reminder", "proposal_reminder")),
            sa.func.lower(OutboxMessage.to_addr) == email,
            OutboxMessage.status == MAIL_QUEUED,
        )
        .values(status=MAIL_CANCELLED)
    )
    db.session.commit()
    log.info("action=unsubscribe")
    return render_template("mail_pages/unsubscribe.html", state="done", email=email)
