"""The "e-mail me my link" button on every step (intake.mail sends it)."""

from __future__ import annotations

import logging

from flask import flash, redirect, request, url_for
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField

from ..extensions import db, limiter
from ..mail import messages
from ..security import is_safe_next
from . import drafts
from .views import bp, save_typed_step

log = logging.getLogger(__name__)


class EmailLinkForm(FlaskForm):
    remind = BooleanField()
    back = StringField()


def _draft_key() -> str:
    # per draft, so that one questionnaire cannot be used to flood an inbox
    return "email-link:" + str(drafts.current_token() or request.remote_addr)


@bp.post("/email-link")
@limiter.limit("5 per hour", key_func=_draft_key)
def email_link():
    """Send the prospect their private link, and a reminder later if they asked."""
    form = EmailLinkForm()
    back = form.back.data if is_safe_next(form.back.data) else url_for("prospect.start")
    draft = drafts.current()
    if draft is None or not form.validate_on_submit():
        return redirect(url_for("prospect.start"))
    step = request.args.get("step", type=int)
    if step is not None:  # sent from a step page: what was typed there is saved first
        save_typed_step(step)
    if not draft.email:
        flash(
            "Please give your e-mail address first; then we can send the link.", "error"
        )
        return redirect(back)
    token = drafts.current_token()
    if form.remind.data:
        messages.queue_reminder(draft, token)
    messages.queue_resume_link(draft, token)
    db.session.commit()
    log.info("action=email_link draft=%s remind=%s", draft.id, bool(form.remind.data))
    flash(f"We have sent your link to {draft.email}.", "success")
    return redirect(back)
