"""The e-mails of a consultation call: the invitation (.ics, METHOD:REQUEST), its
update when moved (SEQUENCE + 1), its cancellation (METHOD:CANCEL), the reminder the day
before, and a word to the team. Nothing here carries a score, verdict or flag."""

from __future__ import annotations

import datetime as dt

from ..extensions import db
from ..mail.links import public_host, public_url
from ..mail.outbox import queue_mail
from ..mail.recipients import team_recipients
from ..models import Submission, utcnow
from ..practice import Practice, time_zone_of
from . import invite, members, service, slots
from .models import Booking

REMINDER_BEFORE = dt.timedelta(days=1)


def _first_name(submission: Submission) -> str:
    return submission.name.split(" ")[0] if submission.name else ""


def _who(submission: Submission) -> str:
    names = [n for n in (submission.name, submission.business) if n]
    return ", ".join(names) or f"prospect #{submission.id}"


def _host_name(booking: Booking, practice: Practice) -> str:
    host = members.host_of(practice, booking.member_id)
    return host.name if host and host.name else ""


def call_of(booking: Booking, practice: Practice, *, who: str = "", for_team=False):
    """The booking as a calendar event, naming the member who takes it; the team's
    names the prospect (`who`) and carries the link to their answers."""
    av = practice.availability
    link = public_url(
        "workspace.submission_detail", submission_id=booking.submission_id
    )
    host = _host_name(booking, practice)
    if for_team:
        summary = f"Consultation call: {who}" + (f" (with {host})" if host else "")
    else:
        summary = f"Consultation call with {host or practice.name}" + (
            f", {practice.name}" if host else ""
        )
    return invite.Call(
        uid=f"consultation-{booking.id}@{public_host()}",
        sequence=booking.sequence,
        start=booking.start_at,
        end=booking.end_at,
        summary=summary,
        description="\n\n".join(
            x for x in (av.details, f"Their answers: {link}" if for_team else "") if x
        ),
        location=av.details.splitlines()[0][:200] if av.details else "",
        url=link if for_team else "",
    )


def _ics(booking: Booking, submission: Submission, practice: Practice, method: str):
    host = members.host_of(practice, booking.member_id)
    # the practice's address (replies reach the practice); the member's name
    name = host.name if host and host.name else practice.consultant_name
    organizer = (practice.email, name or practice.name)
    return invite.invitation(
        call_of(booking, practice),
        method=method,
        organizer=organizer,
        attendee=(submission.email, submission.name or ""),
        practice_name=practice.name,
        now=utcnow(),
    )


def _context(booking: Booking, submission: Submission, practice: Practice, link: str):
    return {
        "name": _first_name(submission),
        "when": slots.describe(booking.start_at, booking.end_at, booking.time_zone),
        "details": practice.availability.details,
        "link": link,
        "host": _host_name(booking, practice),
    }


def queue_booked(
    booking: Booking, submission: Submission, practice: Practice, token: str, *, moved
) -> None:
    """The invitation (new or moved) to the prospect, the reminder, and the team told."""
    link = public_url("consultation.manage", token=token)
    if submission.email:
        subject = "Your call has moved" if moved else "Your consultation call is booked"
        queue_mail(
            to=submission.email,
            template="booking_confirmed",
            subject=f"{subject}: {practice.name}",
            context={**_context(booking, submission, practice, link), "moved": moved},
            submission_id=submission.id,
            reply_to=practice.email or "",
            private=True,
            attachments=[
                (
                    "invite.ics",
                    "text/calendar; method=REQUEST",
                    _ics(booking, submission, practice, "REQUEST"),
                )
            ],
        )
        _queue_reminder(booking, submission, practice, link)
    _tell_team(booking, submission, practice, "moved" if moved else "booked")


def _queue_reminder(booking, submission, practice, link) -> None:
    send_at = booking.start_at - REMINDER_BEFORE
    if send_at <= utcnow():
        return
    message = queue_mail(
        to=submission.email,
        template="booking_reminder",
        subject=f"Tomorrow: your consultation call with {practice.name}",
        context=_context(booking, submission, practice, link),
        submission_id=submission.id,
        reply_to=practice.email or "",
        send_after=send_at,
        private=True,
    )
    db.session.flush()
    booking.reminder_id = message.id


def queue_cancelled(booking: Booking, submission: Submission, practice: Practice):
    if submission.email:
        queue_mail(
            to=submission.email,
            template="booking_cancelled",
            subject=f"Your consultation call is cancelled: {practice.name}",
            context=_context(booking, submission, practice, ""),
            submission_id=submission.id,
            reply_to=practice.email or "",
            attachments=[
                (
                    "cancel.ics",
                    "text/calendar; method=CANCEL",
                    _ics(booking, submission, practice, "CANCEL"),
                )
            ],
        )
    _tell_team(booking, submission, practice, "cancelled")


def _tell_team(booking, submission, practice, what: str) -> None:
    when = slots.describe(booking.start_at, booking.end_at, time_zone_of(practice))
    link = public_url("workspace.submission_detail", submission_id=submission.id)
    for consultant in team_recipients():
        queue_mail(
            to=consultant.email,
            template="booking_team",
            subject=f"Call {what}: {_who(submission)}, {when}",
            context={
                "s": submission,
                "what": what,
                "when": when,
                "link": link,
                "host": _host_name(booking, practice),
            },
            submission_id=submission.id,
            reply_to=practice.email or "",
        )


def queue_invite(submission: Submission, practice: Practice, token: str) -> None:
    """The consultant's invitation to book a call (a link to the free times)."""
    queue_mail(
        to=submission.email,
        template="booking_invite",
        subject=f"Choose a time for our call: {practice.name}",
        context={
            "name": _first_name(submission),
            "link": public_url("consultation.invitation", token=token),
        },
        submission_id=submission.id,
        reply_to=practice.email or "",
        private=True,
    )


MAIL_SLOTS = 3  # the "we have your answers" e-mail offers this many times, one a day


def offer_for_mail(submission: Submission, practice: Practice, now: dt.datetime):
    """What the "we have your answers" e-mail offers for the call: a few free times
    (each a link to a page that books it with one button), a link to every time, and
    the zone they are in; or the practice's own booking page; or None. By the
    practice's choice of verdicts (the e-mail never names the verdict)."""
    if not submission.email:
        return None
    av = practice.availability
    if not (av.enabled and service.may_book(submission, practice)):
        if practice.booking_url and submission.verdict in av.offer_to:
            return {"external": practice.booking_url}
        return None
    zone_name = time_zone_of(practice)
    token = service.invite_token(submission)
    picked, days = [], set()
    for slot in service.free(practice, now, limit=40):
        day = slot.start.astimezone(slots.zone(zone_name)).date()
        if day not in days:
            days.add(day)
            picked.append(slot)
        if len(picked) == MAIL_SLOTS:
            break
    return {
        "zone": zone_name.replace("_", " "),
        "slots": [
            {
                "when": slots.describe(s.start, s.end, zone_name),
                "link": public_url(
                    "consultation.invitation", token=token, slot=s.value, tz=zone_name
                ),
            }
            for s in picked
        ],
        # no zone in this link: the page takes the browser's (booking.js)
        "all": public_url("consultation.invitation", token=token),
    }
