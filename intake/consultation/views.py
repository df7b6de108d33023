"""The prospect's booking pages: slots offered after the questionnaire (/call/book), the
call's private page to move or cancel it (/booking/<token>), and the consultant's
calendar feed (/calendar/<token>.ics)."""

from __future__ import annotations

import datetime as dt
import logging

import sqlalchemy as sa
from flask import Blueprint, Response, redirect, render_template, request, url_for

from ..extensions import db
from ..models import Submission, utcnow
from ..practice import time_zone_of
from ..practice_store import current_practice
from ..prospect import drafts
from . import invite, mails, service, slots
from .forms import CancelForm, SlotForm
from .models import Booking

bp = Blueprint("consultation", __name__)
log = logging.getLogger(__name__)
TAKEN = "That time was just taken by someone else. Please choose another."
GONE = "That time is no longer free. Please choose another."
FEED_BOOKINGS = 500
SHOWN_SLOTS = 120  # the page stays short whatever the hours: the first this many
FEED_PAST = dt.timedelta(days=30)  # calls this old stay in the feed


@bp.after_request
def _private(response: Response) -> Response:
    """A private page: never indexed, cached or told to another site."""
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.cache_control.no_store = True
    response.cache_control.private = True
    return response


def chooser(*, action: str, show_url: str, tz_arg, moving: Booking | None = None):
    """What the slot picker shows: free slots by day in the chosen time zone."""
    practice = current_practice()
    home = time_zone_of(practice)
    tz = service.valid_zone(tz_arg, home)
    free = service.free(practice, utcnow(), moving=moving, limit=SHOWN_SLOTS)
    return {
        "days": slots.by_day(free, tz),
        "tz": tz,
        "tz_chosen": bool(tz_arg) and tz == tz_arg,
        "zones": service.time_zones(),
        "action": action,
        "show_url": show_url,
        "minutes": practice.availability.call_minutes,
    }


def thanks_panel(submission: Submission) -> dict | None:
    """The thank-you page's call panel: the booked call, slots to book, or None."""
    practice = current_practice()
    booked = service.active_for(submission.id)
    if booked is not None:
        tz = service.valid_zone(booked.time_zone, time_zone_of(practice))
        return {"booked": slots.describe(booked.start_at, booked.end_at, tz)}
    if not service.may_book(submission, practice):
        return _external(submission, practice)
    return {
        "form": SlotForm(formdata=None),
        **chooser(
            action=url_for("consultation.book"),
            show_url=url_for("prospect.thanks"),
            tz_arg=request.args.get("tz"),
        ),
    }


def _external(submission: Submission, practice) -> dict | None:
    """The practice's own booking page, by verdict, when it offers no times here."""
    if practice.availability.enabled or not practice.booking_url:
        return None
    if submission.verdict not in practice.availability.offer_to:
        return None
    return {"external": practice.booking_url}


def _submission() -> Submission | None:
    token = drafts.current_token()
    submission = drafts.by_token(token) if isinstance(token, str) else None
    return None if submission is None or submission.is_draft else submission


def _choose_again(
    form: SlotForm, message: str, status: int, *, booking=None, token="", invite=""
):
    if booking:
        action = url_for(".move", token=token)
        show = url_for(".manage", token=token)
    elif invite:
        action = show = url_for(".invitation", token=invite)
    else:
        action, show = url_for(".book"), url_for("prospect.thanks")
    return render_template(
        "consultation/choose.html",
        form=form,
        message=message,
        **chooser(action=action, show_url=show, tz_arg=form.tz.data, moving=booking),
    ), status


@bp.post("/call/book")
def book():
    """Book the slot chosen on the thank-you page; a slot taken meanwhile is refused."""
    submission = _submission()
    if submission is None:
        return redirect(url_for("prospect.start"))
    practice = current_practice()
    if not service.may_book(submission, practice) or service.active_for(submission.id):
        return redirect(url_for("prospect.thanks"))
    return _book(submission)


def _book(submission: Submission, invite: str = ""):
    """Book the slot posted for this prospect: the call's page, or the choice again."""
    practice = current_practice()
    form = SlotForm()
    if not form.validate_on_submit():
        message = "Please choose a time for the call."
        return _choose_again(form, message, 422, invite=invite)
    tz = service.valid_zone(form.tz.data, time_zone_of(practice))
    try:
        booking, token = service.book(submission, form.slot.data, tz, practice)
        mails.queue_booked(booking, submission, practice, token, moved=False)
        db.session.commit()
    except service.NotOffered:
        db.session.rollback()
        return _choose_again(form, GONE, 409, invite=invite)
    except sa.exc.IntegrityError:
        db.session.rollback()
        return _choose_again(form, TAKEN, 409, invite=invite)
    log.info("action=book_call submission=%s booking=%s", submission.id, booking.id)
    return redirect(url_for(".manage", token=token, booked=1))


@bp.route("/call/invite/<token>", methods=["GET", "POST"])
def invitation(token: str):
    """The consultant's invitation to book (any verdict): the free times, and booking."""
    submission = service.invited(token)
    if submission is None:
        return _unknown()
    booked = service.active_for(submission.id)
    if request.method == "POST" and booked is None:
        return _book(submission, invite=token)
    if booked is None and request.args.get("slot"):
        return _confirm(submission, token, request.args.get("slot"))
    return render_template(
        "consultation/invitation.html",
        submission=submission,
        booked=booked
        and slots.describe(booked.start_at, booked.end_at, booked.time_zone),
        form=SlotForm(formdata=None),
        **chooser(
            action=url_for(".invitation", token=token),
            show_url=url_for(".invitation", token=token),
            tz_arg=request.args.get("tz"),
        ),
    )


def _confirm(submission: Submission, token: str, value):
    """A time chosen in the e-mail: shown with one button that books it (a GET never
    books); a time no longer free shows the others."""
    practice = current_practice()
    tz = service.valid_zone(request.args.get("tz"), time_zone_of(practice))
    start = slots.parse_value(value)
    chosen = next(
        (s for s in service.free(practice, utcnow()) if start and s.start == start),
        None,
    )
    if chosen is None:
        form = SlotForm(formdata=None, data={"tz": tz})
        return _choose_again(form, GONE, 200, invite=token)
    return render_template(
        "consultation/confirm.html",
        submission=submission,
        slot=chosen,
        when=slots.describe(chosen.start, chosen.end, tz),
        tz=tz,
        form=SlotForm(formdata=None),
        action=url_for(".invitation", token=token),
        all_url=url_for(".invitation", token=token, tz=tz),
    )


def _booking(token: str) -> Booking | None:
    return service.by_token(token)


def _unknown():
    return render_template("consultation/unknown.html"), 404


@bp.get("/booking/<token>")
def manage(token: str):
    """The call booked: its time in the prospect's zone, another time, or cancel."""
    booking = _booking(token)
    if booking is None:
        return _unknown()
    return _manage_page(booking, token)


def _manage_page(booking: Booking, token: str, status: int = 200):
    practice = current_practice()
    tz = service.valid_zone(request.args.get("tz") or booking.time_zone, "UTC")
    picker = (
        chooser(
            action=url_for(".move", token=token),
            show_url=url_for(".manage", token=token),
            tz_arg=tz,
            moving=booking,
        )
        if booking.is_active
        else {}
    )
    return render_template(
        "consultation/manage.html",
        booking=booking,
        when=slots.describe(booking.start_at, booking.end_at, tz),
        details=practice.availability.details,
        just_booked=request.args.get("booked") == "1",
        form=SlotForm(formdata=None),
        cancel_form=CancelForm(),
        **picker,
    ), status


@bp.post("/booking/<token>/move")
def move(token: str):
    booking = _booking(token)
    if booking is None:
        return _unknown()
    if not booking.is_active:
        return redirect(url_for(".manage", token=token))
    form = SlotForm()
    if not form.validate_on_submit():
        return _choose_again(
            form, "Please choose a time.", 422, booking=booking, token=token
        )
    practice = current_practice()
    tz = service.valid_zone(form.tz.data, booking.time_zone)
    submission = db.session.get_one(Submission, booking.submission_id)
    try:
        service.move(booking, form.slot.data, tz, practice)
        mails.queue_booked(booking, submission, practice, token, moved=True)
        db.session.commit()
    except service.NotOffered:
        db.session.rollback()
        return _choose_again(form, GONE, 409, booking=booking, token=token)
    except sa.exc.IntegrityError:
        db.session.rollback()
        return _choose_again(form, TAKEN, 409, booking=booking, token=token)
    log.info("action=move_call booking=%s", booking.id)
    return redirect(url_for(".manage", token=token))


@bp.post("/booking/<token>/cancel")
def cancel(token: str):
    booking = _booking(token)
    if booking is None:
        return _unknown()
    if booking.is_active and CancelForm().validate_on_submit():
        service.cancel(booking)
        submission = db.session.get_one(Submission, booking.submission_id)
        mails.queue_cancelled(booking, submission, current_practice())
        db.session.commit()
        log.info("action=cancel_call booking=%s", booking.id)
    return redirect(url_for(".manage", token=token))


@bp.get("/calendar/<token>.ics")
def feed(token: str):
    """The consultant's subscription: every booked call, with a link to the answers."""
    practice = current_practice()
    scope = service.feed_scope(practice, token)
    if scope is None:
        return Response("Unknown calendar link.\n", 404, mimetype="text/plain")
    now = utcnow()
    member = None if scope == service.ALL_CALLS else scope
    calls = [
        mails.call_of(b, practice, who=who, for_team=True)
        for b, who in service.feed_calls(now - FEED_PAST, FEED_BOOKINGS, member)
    ]
    body = invite.feed(calls, practice_name=practice.name, now=now)
    return Response(body, mimetype="text/calendar")
