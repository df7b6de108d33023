"""The "e-mail me my link" button on every step (intake.mail sends it)."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_limiter.util import get_remote_address
from wtforms import BooleanField, StringField

from .. import throttle
from ..extensions import db
from ..forms import Form
from ..log import note
from ..mail import messages
from ..security import is_safe_next, normalise_identity
from . import drafts
from .views import bp, save_typed_step

# links a stranger can have sent: per recipient above all (one address could get
# ~150 a day from drafts started for it), per draft and per network address too
PER_RECIPIENT = "3 per hour; 6 per day"
PER_DRAFT = "5 per hour"
PER_ADDRESS = "20 per hour"
SENT_ALREADY = (
    "Your link has already gone to {email} several times in the last hours, so we "
    "will not send it again just now. Please look for it in your inbox (and the spam "
    "folder); your answers are saved either way."
)


class EmailLinkForm(Form):
    remind = BooleanField()
    back = StringField()


@bp.post("/email-link")
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
    if not _may_send(draft):
        flash(SENT_ALREADY.format(email=draft.email), "info")
        return redirect(back)
    token = drafts.current_token()
    if form.remind.data:
        messages.queue_reminder(draft, token)
    messages.queue_resume_link(draft, token)
    db.session.commit()
    note(action="email_link", draft=draft.id, remind=bool(form.remind.data))
    flash(f"We have sent your link to {draft.email}.", "success")
    return redirect(back)


def _may_send(draft) -> bool:
    """Whether this link may go out: never a 503 when the store is down (the count
    goes on per process: intake.throttle)."""
    return throttle.may_send(
        recipient=(PER_RECIPIENT, normalise_identity(draft.email)),
        draft=(PER_DRAFT, str(draft.id)),
        address=(PER_ADDRESS, get_remote_address() or ""),
    )
