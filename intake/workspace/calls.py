"""The workspace's side of the call (routes of the workspace blueprint, under its one
guard): the availability in Settings (owners, by the /workspace/settings prefix) and
the private calendar feed's link (any member)."""

from __future__ import annotations

import dataclasses
import logging

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from ..consultation import mails, service
from ..consultation.forms import AvailabilityForm, FollowUpForm
from ..extensions import db
from ..forms import ActionForm
from ..mail.links import public_url
from ..models import Submission
from ..practice_store import current_practice, save_practice
from . import audit, call_sections
from .views import bp

log = logging.getLogger(__name__)


def _page(form: AvailabilityForm | None = None, status: int = 200):
    return render_template(
        "consultation/availability.html",
        availability=form,
        availability_section=call_sections.availability_section(form),
    ), status


@bp.route("/settings/availability", methods=["GET", "POST"])
def availability():
    """When prospects may book a call: hours, days off, length, notice, horizon of
    each member; who takes new prospects."""
    form = AvailabilityForm()
    if not form.is_submitted():
        return _page()
    people, owner, chosen = call_sections.whose()
    if not form.with_members(people, owner).validate():
        return _page(form, 422)
    save_practice(_saved(current_practice(), form, chosen, owner))
    audit.record("settings", detail="availability")
    db.session.commit()
    log.info("action=change_availability consultant=%s", current_user.id)
    flash("Availability for calls saved.", "success")
    return redirect(
        url_for(".availability", member=chosen if chosen != owner else None)
    )


def _saved(practice, form: AvailabilityForm, member_id: int, owner: int):
    """The practice with the member's hours and the practice-wide choices."""
    posted = form.availability(practice.availability)
    base = dataclasses.replace(
        practice.availability,
        enabled=posted.enabled,
        offer_to=posted.offer_to,
        details=posted.details,
    )
    if member_id in (0, owner):  # the owner's hours are the practice's too
        base = posted
    own = dataclasses.replace(posted, feed_token_hash="")
    choice = form.new_prospects_to.data or ""
    return dataclasses.replace(
        practice,
        availability=base,
        member_availability={**practice.member_availability, str(member_id): own},
        new_prospects_to="" if choice == str(owner) else choice,
    )


def _followup_page(form: FollowUpForm | None = None):
    return render_template(
        "consultation/followup.html",
        followup=form,
        followup_section=call_sections.followup_section(form),
    )


@bp.route("/settings/follow-up", methods=["GET", "POST"])
def followup():
    """The reminder of an unopened proposal, and the welcome e-mail's first steps."""
    form = FollowUpForm()
    if not form.is_submitted():
        return _followup_page()
    if not form.validate():
        return _followup_page(form), 422
    save_practice(
        dataclasses.replace(
            current_practice(),
            proposal_reminder_days=form.proposal_reminder_days.data,
            first_steps=form.steps(),
        )
    )
    audit.record("settings", detail="follow-up")
    db.session.commit()
    log.info("action=change_followup consultant=%s", current_user.id)
    flash("Follow-up saved.", "success")
    return redirect(url_for(".followup"))


@bp.post("/submissions/<id:submission_id>/invite-to-book")
def invite_to_book(submission_id: int):
    """E-mail the prospect a link to book a call, whatever their verdict."""
    submission = db.session.get(Submission, submission_id)
    if submission is None or submission.is_draft:
        abort(404)
    back = url_for(".submission_detail", submission_id=submission.id) + "#call"
    if not ActionForm().validate_on_submit() or not submission.email:
        return redirect(back)
    mails.queue_invite(submission, current_practice(), service.invite_token(submission))
    audit.record("invite_to_book", submission_id=submission.id)
    db.session.commit()
    log.info(
        "action=invite_to_book consultant=%s submission=%s",
        current_user.id,
        submission.id,
    )
    flash("Invitation to book a call sent.", "success")
    return redirect(back)


@bp.get("/calendar")
def calendar():
    """The private calendar feed of booked calls: how to subscribe, a new link."""
    return render_template(
        "consultation/calendar.html",
        form=ActionForm(),
        has_link=bool(current_practice().member_feeds.get(str(current_user.id))),
        link="",
    )


@bp.post("/calendar")
def new_calendar_link():
    """A new feed link; the old one stops working. Shown once: only its hash is kept."""
    form = ActionForm()
    if not form.validate_on_submit():
        return redirect(url_for(".calendar"))
    practice = current_practice()
    changed, token = service.new_feed_token(practice, current_user.id)
    save_practice(changed)
    audit.record("settings", detail="calendar link")
    db.session.commit()
    log.info("action=new_calendar_link consultant=%s", current_user.id)
    return render_template(
        "consultation/calendar.html",
        form=ActionForm(formdata=None),
        has_link=True,
        link=public_url("consultation.feed", token=token),
    )
